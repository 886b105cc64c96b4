import type { NamedCurve } from '../x509/spki.js';

// SEC 1 public points of the NIST prime curves, decoded and checked without a curve library: verification only
// needs "is this a point on the curve" (and the y of a compressed point), which is a few modular operations, while
// bundling the curve arithmetic costs a browser verifier ~14 KiB gzipped. All three curves are y² = x³ - 3x + b over
// a prime p ≡ 3 (mod 4) with cofactor 1, so every affine point on the curve is a valid public key.
const CURVES: Record<NamedCurve, { p: bigint; b: bigint; size: number }> = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    size: 32,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    size: 48,
  },
  'P-521': {
    p: (1n << 521n) - 1n,
    b: BigInt(
      '0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef1' +
        '09e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00',
    ),
    size: 66,
  },
};

/** The field prime of a curve (to recognise explicit EC parameters). */
export function curvePrime(curve: NamedCurve): bigint {
  return CURVES[curve].p;
}

function mod(a: bigint, p: bigint): bigint {
  const r = a % p;
  return r < 0n ? r + p : r;
}

function modPow(base: bigint, exponent: bigint, p: bigint): bigint {
  let result = 1n;
  let b = mod(base, p);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % p;
    b = (b * b) % p;
  }
  return result;
}

function toBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return n;
}

function toBytes(n: bigint, size: number, out: Uint8Array, offset: number): void {
  for (let i = size - 1; i >= 0; i--, n >>= 8n) out[offset + i] = Number(n & 0xffn);
}

/**
 * The 1 + 2·size byte uncompressed form (0x04 ‖ x ‖ y) of an SEC 1 point (compressed 0x02/0x03 ‖ x, or uncompressed),
 * after checking it is a point on `curve`. Throws `Error` for anything else (wrong length or prefix, coordinates
 * not below p, not on the curve, x with no y).
 */
export function decodeEcPoint(curve: NamedCurve, point: Uint8Array): Uint8Array {
  const { p, b, size } = CURVES[curve];
  const prefix = point[0];
  const compressed = point.length === 1 + size && (prefix === 2 || prefix === 3);
  if (!compressed && !(point.length === 1 + 2 * size && prefix === 4)) {
    throw new Error(`not an SEC 1 point of ${curve} (length ${point.length}, prefix ${String(prefix)})`);
  }
  const x = toBigInt(point.subarray(1, 1 + size));
  if (x >= p) throw new Error('x coordinate is not below the field prime');
  const rhs = mod(x * x * x - 3n * x + b, p);
  let y: bigint;
  if (compressed) {
    // p ≡ 3 (mod 4): the square root, if there is one, is rhs^((p+1)/4).
    y = modPow(rhs, (p + 1n) >> 2n, p);
    if ((y * y) % p !== rhs) throw new Error('x coordinate of no point on the curve');
    if ((y & 1n) !== BigInt(prefix! & 1)) y = p - y;
  } else {
    y = toBigInt(point.subarray(1 + size));
    if (y >= p) throw new Error('y coordinate is not below the field prime');
    if ((y * y) % p !== rhs) throw new Error('point is not on the curve');
  }
  const out = new Uint8Array(1 + 2 * size);
  out[0] = 4;
  toBytes(x, size, out, 1);
  toBytes(y, size, out, 1 + size);
  return out;
}
