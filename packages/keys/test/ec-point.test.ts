import { p256, p384, p521 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { curvePrime, decodeEcPoint } from '../src/key/ec-point.js';

// src/key/ec-point.ts replaces @noble/curves for point checks on the verify path: it must accept and reject exactly
// what noble's point decoding does (noble is the reference here; it stays the signer's curve code in Node).
const CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;
type Name = keyof typeof CURVES;

function noble(name: Name, point: Uint8Array): Uint8Array | 'rejected' {
  try {
    const p = CURVES[name].ProjectivePoint.fromHex(point);
    p.assertValidity();
    return p.toRawBytes(false);
  } catch {
    return 'rejected';
  }
}

function ours(name: Name, point: Uint8Array): Uint8Array | 'rejected' {
  try {
    return decodeEcPoint(name, point);
  } catch {
    return 'rejected';
  }
}

describe('decodeEcPoint', () => {
  for (const name of Object.keys(CURVES) as Name[]) {
    const curve = CURVES[name];
    it(`${name}: the field prime is the curve's`, () => {
      expect(curvePrime(name)).toBe(curve.CURVE.Fp.ORDER);
    });

    it(`${name}: decodes real public keys, compressed and uncompressed, as noble does`, () => {
      for (let i = 0; i < 20; i++) {
        const secret = curve.utils.randomPrivateKey();
        const uncompressed = curve.getPublicKey(secret, false);
        expect(ours(name, uncompressed)).toEqual(uncompressed);
        expect(ours(name, curve.getPublicKey(secret, true))).toEqual(uncompressed);
      }
    });

    it(`${name}: rejects what noble rejects (altered points, wrong prefixes and lengths)`, () => {
      for (let i = 0; i < 20; i++) {
        const secret = curve.utils.randomPrivateKey();
        const uncompressed = curve.getPublicKey(secret, false);
        const compressed = curve.getPublicKey(secret, true);
        // Positive controls: the untouched points decode.
        expect(ours(name, uncompressed)).not.toBe('rejected');
        expect(ours(name, compressed)).not.toBe('rejected');
        const offCurve = uncompressed.slice();
        offCurve[offCurve.length - 1]! ^= 1;
        expect(ours(name, offCurve)).toBe('rejected');
        expect(noble(name, offCurve)).toBe('rejected');
        // A changed x of a compressed point has a y about half the time: both decode it alike or both refuse.
        const otherX = compressed.slice();
        otherX[5]! ^= 0x5a;
        expect(ours(name, otherX)).toEqual(noble(name, otherX));
        const hybrid = uncompressed.slice();
        hybrid[0] = 6;
        expect(ours(name, hybrid)).toBe('rejected');
        expect(ours(name, uncompressed.subarray(0, uncompressed.length - 1))).toBe('rejected');
        expect(ours(name, new Uint8Array([0]))).toBe('rejected');
      }
    });

    it(`${name}: refuses coordinates that are not below the field prime`, () => {
      const size = name === 'P-256' ? 32 : name === 'P-384' ? 48 : 66;
      const big = new Uint8Array(1 + size).fill(0xff);
      big[0] = 2;
      expect(ours(name, big)).toBe('rejected');
      expect(noble(name, big)).toBe('rejected');
    });
  }
});
