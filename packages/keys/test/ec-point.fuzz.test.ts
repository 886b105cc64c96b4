/**
 * Property-based fuzzing of the hand-written SEC 1 point decoder (src/key/ec-point.ts), which replaced @noble/curves
 * on the verify path to keep the browser bundle small: on random and mutated points it must accept exactly what
 * noble accepts, return the same uncompressed point, and refuse the rest with an Error, never hang or crash.
 * Short runs here; `pnpm fuzz` runs them with FUZZ_RUNS cases.
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEcPoint } from '../src/key/ec-point.js';
import { fuzzParams, fuzzTimeout, mutate, mutationsArb } from '../../../test/fuzz/support.js';

const CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;
type Name = keyof typeof CURVES;
const SIZES: Record<Name, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

function noble(name: Name, point: Uint8Array): string {
  try {
    const p = CURVES[name].ProjectivePoint.fromHex(point);
    p.assertValidity();
    return Buffer.from(p.toRawBytes(false)).toString('hex');
  } catch {
    return 'rejected';
  }
}

function ours(name: Name, point: Uint8Array): string {
  try {
    return Buffer.from(decodeEcPoint(name, point)).toString('hex');
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return 'rejected';
  }
}

describe('decodeEcPoint agrees with @noble/curves on hostile points', () => {
  for (const name of Object.keys(CURVES) as Name[]) {
    const size = SIZES[name];
    const curve = CURVES[name];
    const realPoint = fc
      .tuple(fc.boolean(), fc.integer({ min: 1, max: 1_000_000 }))
      .map(([compressed, n]) => curve.ProjectivePoint.BASE.multiply(BigInt(n)).toRawBytes(compressed));

    it(
      `${name}: random prefixes and coordinates of every nearby length`,
      () => {
        let accepted = 0;
        const random = fc
          .tuple(
            fc.integer({ min: 0, max: 5 }),
            fc.constantFrom(size - 1, size, size + 1, 2 * size - 1, 2 * size, 2 * size + 1, 0),
          )
          .chain(([prefix, length]) =>
            fc.uint8Array({ minLength: length, maxLength: length }).map((rest) => {
              // P-521 coordinates have 521 bits in 66 bytes: keep most x below p, or nothing would be on the curve.
              if (name === 'P-521' && rest.length > 0 && rest[0]! > 1) rest[0] = rest[0]! & 1;
              return Uint8Array.of(prefix, ...rest);
            }),
          );
        // Real points mixed in, so the property always compares acceptances too (random bytes rarely are a point).
        const arb = fc.oneof(random, realPoint);
        fc.assert(
          fc.property(arb, (point) => {
            const expected = noble(name, point);
            expect(ours(name, point)).toBe(expected);
            if (expected !== 'rejected') accepted++;
          }),
          fuzzParams(300),
        );
        // Control: the property saw acceptances, not only refusals.
        expect(accepted).toBeGreaterThan(0);
      },
      fuzzTimeout,
    );

    it(
      `${name}: real points, byte-wise mutated (control: unmutated ones decode)`,
      () => {
        fc.assert(
          fc.property(realPoint, mutationsArb, (point, mutations) => {
            expect(ours(name, point)).toBe(noble(name, point));
            expect(ours(name, point)).not.toBe('rejected');
            const changed = mutate(point, mutations);
            expect(ours(name, changed)).toBe(noble(name, changed));
          }),
          fuzzParams(300),
        );
      },
      fuzzTimeout,
    );
  }
});
