import { InflateTooLargeError, deflateZlib, inflateZlibBounded } from '@divoc/keys';
import { DccCompressionError } from './errors.js';
import { nodeZlib } from './node-zlib.js';

/** Upper bound of an inflated DCC (a real one is 200–2000 bytes; QR codes cannot carry more than ~3 KB compressed). */
export const MAX_INFLATED_BYTES = 65_536;
/** Inflated/compressed ratio above which we call it a bomb (a DCC compresses about 1.5–3×). */
export const MAX_INFLATE_RATIO = 50;

/**
 * zlib (RFC 1950) stream of `data`, best compression. Native node:zlib on Node (a DCC is a few hundred bytes: its
 * setup cost dominates, and native setup is far cheaper), fflate elsewhere; both are plain zlib streams.
 */
export function zlibDeflate(data: Uint8Array): Uint8Array {
  if (nodeZlib) {
    // A window just larger than the input loses no match and makes zlib's per-call state (allocated and cleared on
    // every call) a fraction of the default 256 KB.
    const windowBits = Math.max(9, Math.min(15, Math.ceil(Math.log2(data.length + 262))));
    const out = nodeZlib.deflateSync(data, { level: 9, windowBits, memLevel: Math.max(1, Math.min(8, windowBits - 7)) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  return deflateZlib(data, { level: 9 });
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; ) {
    // 3800 bytes keep b below 2^32 before the modulo (zlib's NMAX is 5552).
    const end = Math.min(bytes.length, i + 3800);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function nodeInflate(data: Uint8Array, maxBytes: number): Uint8Array {
  const zlib = nodeZlib!;
  let out: Uint8Array;
  try {
    // maxOutputLength stops the native inflater at the budget, so a bomb never allocates past it.
    out = zlib.inflateSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new DccCompressionError(`inflated data exceeds ${maxBytes} bytes`, { cause });
    throw new DccCompressionError(`zlib stream is broken: ${(cause as Error).message}`, { cause });
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Inflate a zlib stream with a byte budget: never produces more than `maxBytes`, and rejects a stream whose
 * output is out of proportion to its input (decompression bomb). A raw (uncompressed) COSE fails here: it has
 * no zlib header.
 */
export function zlibInflate(data: Uint8Array, maxBytes = MAX_INFLATED_BYTES): Uint8Array {
  if (data.length < 2 || (data[0]! & 0x0f) !== 8 || ((data[0]! << 8) | data[1]!) % 31 !== 0) {
    throw new DccCompressionError('data is not a zlib stream (no zlib header; was it compressed?)');
  }
  let out: Uint8Array;
  if (nodeZlib) {
    out = nodeInflate(data, maxBytes);
  } else {
    try {
      // The byte budget holds while inflating (fflate streaming), so a bomb never allocates past it.
      out = inflateZlibBounded(data, { maxOutput: maxBytes });
    } catch (cause) {
      if (cause instanceof InflateTooLargeError) {
        throw new DccCompressionError(`inflated data exceeds ${maxBytes} bytes`, { cause });
      }
      throw new DccCompressionError(`zlib stream is broken: ${(cause as Error).message}`, { cause });
    }
    // fflate does not check the Adler-32 trailer; native zlib does. Check it here so that a damaged stream fails
    // the same way on every platform.
    const n = data.length;
    const trailer = ((data[n - 4]! << 24) | (data[n - 3]! << 16) | (data[n - 2]! << 8) | data[n - 1]!) >>> 0;
    if (adler32(out) !== trailer) throw new DccCompressionError('zlib stream is broken: incorrect data check (Adler-32)');
  }
  if (out.length > 4096 && out.length > data.length * MAX_INFLATE_RATIO) {
    throw new DccCompressionError(`inflated data is ${Math.round(out.length / data.length)}× its compressed size (limit ${MAX_INFLATE_RATIO}×)`);
  }
  return out;
}
