/**
 * Reed–Solomon error correction over GF(2^8) with the QR field polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d).
 * Multiplication goes through log/antilog tables; generator polynomials are built once per degree and kept in log
 * form, so encoding a block is one table lookup and one XOR per (data byte × ECC byte).
 */

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  // Doubled so that EXP[LOG[a] + LOG[b]] needs no modulo.
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}

const generators = new Map<number, Uint8Array>();

/**
 * Logs of the coefficients of (x - α^0)(x - α^1)…(x - α^(degree-1)), highest power first, leading 1 dropped.
 * None of them is zero for the degrees QR codes use, so the log form is total.
 */
function generatorLog(degree: number): Uint8Array {
  let cached = generators.get(degree);
  if (cached) return cached;
  // coefficients, index 0 = highest power (after the implicit leading 1)
  const coef = new Uint8Array(degree);
  coef[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    // multiply by (x + root)
    for (let j = 0; j < degree; j++) {
      const product = coef[j] === 0 ? 0 : EXP[LOG[coef[j]!]! + LOG[root]!]!;
      coef[j] = product ^ (j + 1 < degree ? coef[j + 1]! : 0);
    }
    root = EXP[LOG[root]! + 1]!;
  }
  cached = new Uint8Array(degree);
  for (let j = 0; j < degree; j++) {
    if (coef[j] === 0) throw new Error(`Reed-Solomon generator of degree ${degree} has a zero coefficient`);
    cached[j] = LOG[coef[j]!]!;
  }
  generators.set(degree, cached);
  return cached;
}

/**
 * Write the `degree` ECC bytes of `data[start, start + length)` into `out[outStart, outStart + degree)`
 * (the remainder of data·x^degree divided by the generator).
 */
export function reedSolomonRemainder(
  data: Uint8Array,
  start: number,
  length: number,
  degree: number,
  out: Uint8Array,
  outStart: number,
): void {
  const gen = generatorLog(degree);
  const last = outStart + degree - 1;
  out.fill(0, outStart, last + 1);
  for (let i = start; i < start + length; i++) {
    const factor = data[i]! ^ out[outStart]!;
    // Shift the remainder one byte and add factor × generator in the same pass.
    if (factor === 0) {
      for (let j = outStart; j < last; j++) out[j] = out[j + 1]!;
      out[last] = 0;
    } else {
      const logFactor = LOG[factor]!;
      for (let j = 0, o = outStart; o < last; j++, o++) out[o] = out[o + 1]! ^ EXP[gen[j]! + logFactor]!;
      out[last] = EXP[gen[degree - 1]! + logFactor]!;
    }
  }
}
