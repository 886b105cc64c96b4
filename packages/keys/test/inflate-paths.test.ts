/**
 * The bounded inflate takes zlib itself on Node and fflate elsewhere (browsers). This loads the module a second time
 * with Node's built-ins hidden, so the fflate path runs here too, and holds both against node:zlib: the same output
 * wherever zlib accepts a stream, the same budgets, and no damaged stream whose output changed accepted. (fflate is
 * known to read a few malformed DEFLATE structures that leave the output intact, e.g. a stored block whose NLEN is
 * not LEN's complement; those are counted and must stay rare.)
 */
import { deflateRawSync, deflateSync, gzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as native from '../src/compress/inflate.js';
import { xorshift32 as rng } from '../../../test/support/bytes.js';

type InflateModule = typeof native;
let portable: InflateModule;
const proc = process as { getBuiltinModule?: unknown };
const getBuiltinModule = proc.getBuiltinModule;

beforeAll(async () => {
  vi.resetModules();
  proc.getBuiltinModule = undefined;
  portable = await import('../src/compress/inflate.js?portable' as string);
  proc.getBuiltinModule = getBuiltinModule;
});
afterAll(() => {
  proc.getBuiltinModule = getBuiltinModule;
});

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function result(fn: () => Uint8Array): string {
  try {
    return hex(fn());
  } catch (error) {
    const code = (error as { code?: string }).code;
    expect(['ERR_INFLATE_INVALID', 'ERR_INFLATE_TOO_LARGE']).toContain(code);
    return code!;
  }
}

function nodeResult(z: Uint8Array, max: number): string {
  try {
    return hex(inflateSync(z, { maxOutputLength: Math.max(1, max) }));
  } catch (error) {
    return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
      ? 'ERR_INFLATE_TOO_LARGE'
      : 'ERR_INFLATE_INVALID';
  }
}

function samples(): Uint8Array[] {
  const next = rng(7);
  const out: Uint8Array[] = [];
  for (let i = 0; i < 60; i++) {
    const n = Math.floor(next() * 3000);
    const alphabet = 1 + Math.floor(next() * 40);
    const data = Uint8Array.from({ length: n }, () => 65 + Math.floor(next() * alphabet));
    for (const level of [0, 1, 6, 9]) out.push(new Uint8Array(deflateSync(data, { level })));
  }
  return out;
}

describe('the two inflate paths', () => {
  it('really are two: the portable module has no node:zlib (the control: it still inflates)', () => {
    expect(portable).not.toBe(native);
    const text = new TextEncoder().encode('hello hello hello');
    expect(portable.inflateZlibBounded(new Uint8Array(deflateSync(text)), { maxOutput: 100 })).toEqual(text);
    expect(portable.inflateRawBounded(new Uint8Array(deflateRawSync(text)), { maxOutput: 100 })).toEqual(text);
    expect(portable.gunzipBounded(new Uint8Array(gzipSync(text)), { maxOutput: 100 })).toEqual(text);
    expect(hex(inflateRawSync(deflateRawSync(text)))).toBe(hex(text));
    // What tells them apart: zlib ignores bytes after a stream's trailer; the portable path wants the trailer last.
    const trailing = Uint8Array.from([...deflateSync(text), 1, 2]);
    expect(native.inflateZlibBounded(trailing, { maxOutput: 100 })).toEqual(text);
    expect(result(() => portable.inflateZlibBounded(trailing, { maxOutput: 100 }))).toBe('ERR_INFLATE_INVALID');
  });

  it('valid streams: both give node:zlib’s output, and both refuse one byte under the output size', () => {
    for (const z of samples()) {
      const want = inflateSync(z);
      for (const path of [native, portable]) {
        expect(result(() => path.inflateZlibBounded(z, { maxOutput: want.length }))).toBe(hex(want));
        if (want.length > 0)
          expect(result(() => path.inflateZlibBounded(z, { maxOutput: want.length - 1 }))).toBe(
            'ERR_INFLATE_TOO_LARGE',
          );
      }
    }
  });

  it(
    '10,000 damaged streams: native agrees with node:zlib exactly; portable never gives other bytes than ' +
      'zlib would',
    () => {
      const next = rng(99);
      const streams = samples().filter((z) => z.length < 3000);
      let lenient = 0;
      let refused = 0;
      for (let i = 0; i < 10_000; i++) {
        const z = new Uint8Array(streams[Math.floor(next() * streams.length)]!);
        let t: Uint8Array = z;
        const kind = Math.floor(next() * 4);
        if (kind === 0) z[Math.floor(next() * z.length)]! ^= 1 << Math.floor(next() * 8);
        else if (kind === 1)
          for (let k = 0; k < 3; k++) z[2 + Math.floor(next() * (z.length - 2))] = Math.floor(next() * 256);
        else if (kind === 2) t = z.subarray(0, Math.floor(next() * z.length));
        else z[2 + Math.floor(next() * Math.min(40, z.length - 2))]! ^= 1 << Math.floor(next() * 8);
        const want = nodeResult(t, 65_536);
        if (want.startsWith('ERR_')) refused++;
        expect(
          result(() => native.inflateZlibBounded(t, { maxOutput: 65_536 })),
          `case ${i}`,
        ).toBe(want);
        const got = result(() => portable.inflateZlibBounded(t, { maxOutput: 65_536 }));
        if (!want.startsWith('ERR_')) expect(got, `case ${i}`).toBe(want);
        else if (!got.startsWith('ERR_')) lenient++;
      }
      expect(refused).toBeGreaterThan(2_500);
      expect(lenient / refused).toBeLessThan(0.02);
    },
  );

  it('a bomb stops at the budget on both paths', () => {
    const bomb = new Uint8Array(deflateSync(new Uint8Array(20 * 1024 * 1024)));
    for (const path of [native, portable]) {
      expect(result(() => path.inflateZlibBounded(bomb, { maxOutput: 1_000_000 }))).toBe('ERR_INFLATE_TOO_LARGE');
      expect(result(() => path.inflateZlibBounded(bomb, { maxOutput: 100_000_000, maxRatio: 100 }))).toBe(
        'ERR_INFLATE_TOO_LARGE',
      );
    }
  });
});
