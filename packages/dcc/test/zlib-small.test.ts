/**
 * Our own deflate (lib/deflate.ts) and the inflate an HC1 goes through (@divoc/keys' bounded inflate, zlib itself on
 * Node) against the zlib implementations a reader of an HC1 may use: every stream we write must inflate to the same
 * bytes with node:zlib, pako and fflate, and the inflate must accept exactly what node:zlib accepts, with the same
 * output, on valid and on damaged streams, and never write past its budget. (The fflate path browsers take is
 * checked against node:zlib in packages/keys/test/inflate-paths.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { constants, deflateSync, inflateSync } from 'node:zlib';
import pako from 'pako';
import { unzlibSync, zlibSync } from 'fflate';
import { deflateSmall, deflateSmallView, MAX_DEFLATE_SMALL_INPUT } from '../src/lib/deflate.js';
import { InflateInvalidError, InflateTooLargeError, inflateZlibBounded } from '@divoc/keys';
import { SMALL_DEFLATE_MAX, zlibDeflate, zlibInflate } from '../src/lib/zlib.js';
import { loadTestCases } from './harness/dgc-testdata.js';
import { xorshift32 as rng } from '../../../test/support/bytes.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** COSE messages of the EU DCC test data (vaccination, test and recovery certificates of 30 countries). */
function realisticInputs(): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const c of loadTestCases()) {
    const cose = c.data.COSE;
    if (typeof cose !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(cose) || seen.has(cose)) continue;
    seen.add(cose);
    out.push(new Uint8Array(Buffer.from(cose, 'hex')));
  }
  return out;
}

/** Inputs of every kind: sizes 0 to 64 KiB; random, repetitive, text-like, skewed, and realistic. */
function inputs(): Uint8Array[] {
  const next = rng(42);
  const list: Uint8Array[] = [
    new Uint8Array(0),
    Uint8Array.of(0),
    Uint8Array.of(255),
    Uint8Array.of(7, 7),
    Uint8Array.of(1, 2, 3),
  ];
  const sizes = [3, 4, 5, 100, 257, 258, 259, 300, 1000, 1024, 2048, 4096, 32_767, 32_768, 32_769, 65_535, 65_536];
  for (const n of sizes) {
    list.push(new Uint8Array(n));
    list.push(new Uint8Array(n).map(() => Math.floor(next() * 256)));
    list.push(new Uint8Array(n).map((_, i) => i % 251));
    list.push(
      new TextEncoder().encode(
        JSON.stringify(Array.from({ length: n }, (_, i) => ({ k: i % 37, s: 'ab'.repeat(i % 5) }))).slice(0, n),
      ),
    );
  }
  for (let i = 0; i < 2500; i++) {
    const kind = Math.floor(next() * 5);
    const n = next() < 0.9 ? Math.floor(next() * 1200) : Math.floor(next() * 65_537);
    const bytes = new Uint8Array(n);
    if (kind === 0) for (let j = 0; j < n; j++) bytes[j] = Math.floor(next() * 256);
    else if (kind === 1) for (let j = 0; j < n; j++) bytes[j] = next() < 0.7 ? 65 : Math.floor(next() * 256);
    else if (kind === 2) {
      // Runs and repeats at every distance, to exercise matches near the window edge.
      const period = 1 + Math.floor(next() * 40_000);
      for (let j = 0; j < n; j++)
        bytes[j] = j < period ? Math.floor(next() * 256) : bytes[j - period]! ^ (next() < 0.01 ? 1 : 0);
    } else if (kind === 3) for (let j = 0; j < n; j++) bytes[j] = 32 + Math.floor(next() * next() * 95);
    else for (let j = 0; j < n; j++) bytes[j] = Math.floor(next() * 4) * 64;
    list.push(bytes);
  }
  return [...list, ...realisticInputs()];
}

const ALL = inputs();

describe('our deflate inflates with node:zlib, pako and fflate', () => {
  it(`${ALL.length} inputs from 0 bytes to 64 KiB, realistic DCCs among them`, () => {
    let checked = 0;
    for (const data of ALL) {
      const z = deflateSmall(data);
      const want = hex(data);
      expect(hex(inflateSync(z)), `node:zlib, ${data.length} bytes`).toBe(want);
      expect(hex(pako.inflate(z)), `pako, ${data.length} bytes`).toBe(want);
      expect(hex(unzlibSync(z)), `fflate, ${data.length} bytes`).toBe(want);
      expect(hex(inflateSmall(z, 65_536)), `ours, ${data.length} bytes`).toBe(want);
      checked++;
    }
    expect(checked).toBeGreaterThan(2900);
  });

  it('is never larger than the stored form (input + 5 bytes per 64 KiB block + 6)', () => {
    for (const data of ALL) {
      expect(deflateSmall(data).length).toBeLessThanOrEqual(
        data.length + 5 * (Math.floor(data.length / 65_535) + 1) + 6,
      );
    }
  });

  it('symbol frequencies that would need codes longer than 15 bits are limited and still decode', () => {
    // Byte k appears fib(k) times: an unbounded Huffman code would be 20+ bits deep.
    const fib = [1, 1];
    while (fib.length < 22) fib.push(fib.at(-1)! + fib.at(-2)!);
    const bytes: number[] = [];
    fib.forEach((f, k) => {
      for (let i = 0; i < f; i++) bytes.push(k * 11);
    });
    const next = rng(5);
    for (let i = bytes.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [bytes[i], bytes[j]] = [bytes[j]!, bytes[i]!];
    }
    const data = Uint8Array.from(bytes.slice(0, 60_000));
    const z = deflateSmall(data);
    expect((z[2]! >> 1) & 3).toBe(2);
    expect(hex(inflateSync(z))).toBe(hex(data));
    expect(hex(pako.inflate(z))).toBe(hex(data));
    expect(hex(unzlibSync(z))).toBe(hex(data));
  });

  it('the view is reused by the next call; the copy is not', () => {
    const a = new TextEncoder().encode('first input, first input');
    const copy = deflateSmall(a);
    const view = deflateSmallView(a);
    expect(hex(view)).toBe(hex(copy));
    deflateSmallView(new Uint8Array(50).fill(9));
    expect(hex(inflateSync(copy))).toBe(hex(a));
  });

  it('refuses inputs past its size limit', () => {
    expect(() => deflateSmall(new Uint8Array(MAX_DEFLATE_SMALL_INPUT + 1))).toThrow(RangeError);
  });
});

describe('output size against zlib level 9 on the EU test DCCs', () => {
  it('about the same: on average within a byte, never more than 16 bytes larger', () => {
    const real = realisticInputs();
    let ours = 0;
    let zlib9 = 0;
    let worst = 0;
    for (const cose of real) {
      const a = deflateSmall(cose).length;
      const b = deflateSync(cose, { level: 9 }).length;
      ours += a;
      zlib9 += b;
      worst = Math.max(worst, a - b);
    }
    expect(real.length).toBeGreaterThan(400);
    expect(ours / real.length).toBeLessThanOrEqual(zlib9 / real.length + 1);
    expect(worst).toBeLessThanOrEqual(16);
  });
});

describe('zlibDeflate picks our deflate for DCC sizes, a general zlib above', () => {
  it('both inflate back', () => {
    const next = rng(3);
    for (const n of [0, 10, SMALL_DEFLATE_MAX, SMALL_DEFLATE_MAX + 1, 20_000]) {
      const data = new Uint8Array(n).map(() => Math.floor(next() * 40));
      expect(hex(zlibInflate(zlibDeflate(data)))).toBe(hex(data));
    }
  });
});

/** Streams from every deflater around, for the inflate tests. */
function validStreams(): Uint8Array[] {
  const next = rng(99);
  const picks = ALL.filter((d) => d.length <= 20_000 || next() < 0.05);
  const out: Uint8Array[] = [];
  for (const data of picks) {
    const pick = Math.floor(next() * 7);
    if (pick === 0) out.push(deflateSmall(data));
    else if (pick === 1) out.push(new Uint8Array(deflateSync(data, { level: 9 })));
    else if (pick === 2) out.push(new Uint8Array(deflateSync(data, { level: 1, strategy: constants.Z_FIXED })));
    else if (pick === 3) out.push(new Uint8Array(deflateSync(data, { strategy: constants.Z_HUFFMAN_ONLY })));
    else if (pick === 4) out.push(new Uint8Array(deflateSync(data, { level: 0 })));
    else if (pick === 5) out.push(pako.deflate(data, { level: 6 }));
    else out.push(zlibSync(data, { level: 9 }));
  }
  return out;
}

const inflateSmall = (z: Uint8Array, max: number): Uint8Array => inflateZlibBounded(z, { maxOutput: max });

function nodeResult(z: Uint8Array, max: number): string {
  try {
    return hex(inflateSync(z, { maxOutputLength: max }));
  } catch {
    return 'error';
  }
}

function ourResult(z: Uint8Array, max: number): string {
  try {
    return hex(inflateSmall(z, max));
  } catch (error) {
    // Only the two typed errors may come out, whatever the input.
    expect(error instanceof InflateInvalidError || error instanceof InflateTooLargeError).toBe(true);
    return 'error';
  }
}

describe('our inflate accepts what node:zlib accepts, with the same output', () => {
  const streams = validStreams();

  it(
    `${streams.length} valid streams from node:zlib ` + '(levels 0, 1, 9, fixed, Huffman only), pako, fflate and ours',
    () => {
      for (const z of streams) expect(ourResult(z, 65_536)).toBe(nodeResult(z, 65_536));
    },
  );

  it('30,000 damaged streams: flipped bits, overwritten bytes, truncations, trailing bytes', () => {
    const next = rng(123);
    const small = streams.filter((z) => z.length < 4000);
    let failures = 0;
    for (let i = 0; i < 30_000; i++) {
      const z = new Uint8Array(small[Math.floor(next() * small.length)]!);
      let t: Uint8Array = z;
      const kind = Math.floor(next() * 5);
      if (kind === 0) z[Math.floor(next() * z.length)]! ^= 1 << Math.floor(next() * 8);
      else if (kind === 1) z[2 + Math.floor(next() * Math.min(48, z.length - 2))]! ^= 1 << Math.floor(next() * 8);
      else if (kind === 2)
        for (let k = 0; k < 3; k++) z[2 + Math.floor(next() * (z.length - 2))] = Math.floor(next() * 256);
      else if (kind === 3) t = z.subarray(0, Math.floor(next() * z.length));
      else
        t = Uint8Array.from([
          ...z,
          ...Array.from({ length: 1 + Math.floor(next() * 8) }, () => Math.floor(next() * 256)),
        ]);
      const want = nodeResult(t, 65_536);
      if (want === 'error') failures++;
      expect(ourResult(t, 65_536), `case ${i}`).toBe(want);
    }
    expect(failures).toBeGreaterThan(10_000);
  });

  it('random bytes behind a valid header', () => {
    const next = rng(321);
    for (let i = 0; i < 5000; i++) {
      const t = Uint8Array.from([
        0x78,
        0xda,
        ...Array.from({ length: Math.floor(next() * 64) }, () => Math.floor(next() * 256)),
      ]);
      expect(ourResult(t, 65_536)).toBe(nodeResult(t, 65_536));
    }
  });

  it('never writes past the budget: bombs and budgets below the output size', () => {
    const bomb = deflateSync(new Uint8Array(10 * 1024 * 1024));
    expect(() => inflateSmall(bomb, 65_536)).toThrow(InflateTooLargeError);
    const data = new Uint8Array(5000).map((_, i) => i % 200);
    for (const z of [
      deflateSmall(data),
      new Uint8Array(deflateSync(data, { level: 0 })),
      new Uint8Array(deflateSync(data)),
    ]) {
      expect(() => inflateSmall(z, 4999)).toThrow(InflateTooLargeError);
      expect(inflateSmall(z, 5000).length).toBe(5000);
    }
    expect(() => inflateSmall(deflateSmall(Uint8Array.of(1)), 0)).toThrow(InflateTooLargeError);
  });
});
