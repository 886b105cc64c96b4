import { InflateInvalidError, InflateTooLargeError, deflateZlib, inflateZlibBounded } from '@divoc/keys';
import { DccCompressionError } from './errors.js';
import { deflateSmall, deflateSmallView } from './deflate.js';

/** Upper bound of an inflated DCC (a real one is 200–2000 bytes; QR codes cannot carry more than ~3 KB compressed). */
export const MAX_INFLATED_BYTES = 65_536;
/** Inflated/compressed ratio above which we call it a bomb (a DCC compresses about 1.5–3×). */
export const MAX_INFLATE_RATIO = 50;

/**
 * Largest input compressed by our own deflate (lib/deflate.ts). Real DCCs are 300–900 bytes of COSE; above about
 * 1 KiB native zlib's per-byte speed outweighs its per-call setup, so larger inputs go to a general zlib.
 */
export const SMALL_DEFLATE_MAX = 1024;

/**
 * zlib (RFC 1950) stream of `data`. A DCC (a few hundred bytes) goes through our own deflate: no native call, no
 * per-call state to allocate, the same bytes on every platform, and about the size zlib level 9 gives. Larger inputs
 * go to @divoc/keys (native node:zlib with a window sized to the input on Node, fflate elsewhere); all are plain zlib
 * streams, which every inflater reads.
 */
export function zlibDeflate(data: Uint8Array): Uint8Array {
  if (data.length <= SMALL_DEFLATE_MAX) return deflateSmall(data);
  return deflateZlib(data, { level: 9 });
}

/**
 * Like `zlibDeflate`, for a caller that consumes the result at once: a small input's stream is a view into a buffer
 * the next call reuses (no copy).
 */
export function zlibDeflateTransient(data: Uint8Array): Uint8Array {
  return data.length <= SMALL_DEFLATE_MAX ? deflateSmallView(data) : zlibDeflate(data);
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
    // The library's bounded inflate: the budget holds while inflating, so a bomb never allocates past it; on Node it
    // is zlib itself (exactly what zlib accepts).
    out = inflateZlibBounded(data, { maxOutput: maxBytes });
  } catch (cause) {
    if (cause instanceof InflateTooLargeError)
      throw new DccCompressionError(`inflated data exceeds ${maxBytes} bytes`, { cause });
    if (cause instanceof InflateInvalidError)
      throw new DccCompressionError(`zlib stream is broken: ${cause.message}`, { cause });
    throw cause;
  }
  if (out.length > 4096 && out.length > data.length * MAX_INFLATE_RATIO) {
    throw new DccCompressionError(
      `inflated data is ${Math.round(out.length / data.length)}× its compressed size (limit ${MAX_INFLATE_RATIO}×)`,
    );
  }
  return out;
}
