import { InflateTooLargeError, deflateZlib, inflateZlibBounded } from '@divoc/keys';
import { DccCompressionError } from './errors.js';

/** Upper bound of an inflated DCC (a real one is 200–2000 bytes; QR codes cannot carry more than ~3 KB compressed). */
export const MAX_INFLATED_BYTES = 65_536;
/** Inflated/compressed ratio above which we call it a bomb (a DCC compresses about 1.5–3×). */
export const MAX_INFLATE_RATIO = 50;

/** zlib (RFC 1950) stream of `data`, best compression. */
export function zlibDeflate(data: Uint8Array): Uint8Array {
  return deflateZlib(data, { level: 9 });
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
  try {
    // The byte budget holds while inflating (fflate streaming), so a bomb never allocates past it.
    out = inflateZlibBounded(data, { maxOutput: maxBytes });
  } catch (cause) {
    if (cause instanceof InflateTooLargeError) {
      throw new DccCompressionError(`inflated data exceeds ${maxBytes} bytes`, { cause });
    }
    throw new DccCompressionError(`zlib stream is broken: ${(cause as Error).message}`, { cause });
  }
  if (out.length > 4096 && out.length > data.length * MAX_INFLATE_RATIO) {
    throw new DccCompressionError(`inflated data is ${Math.round(out.length / data.length)}× its compressed size (limit ${MAX_INFLATE_RATIO}×)`);
  }
  return out;
}
