/**
 * The only Node-specific compression code in the package (node:zlib). Kept in one place so a browser build can
 * swap it for a pure-JS inflate/deflate later.
 */
import { deflateRawSync, deflateSync, inflateRawSync } from 'node:zlib';

/** Raw DEFLATE (no zlib header), as ZIP entries use it. */
export function deflateRaw(data: Uint8Array, level = 9): Uint8Array {
  return deflateRawSync(data, { level });
}

/** zlib-wrapped DEFLATE, as PNG IDAT uses it. */
export function deflateZlib(data: Uint8Array, level = 6): Uint8Array {
  return deflateSync(data, { level });
}

/**
 * Raw INFLATE that never produces more than `maxOutputLength` bytes: node:zlib stops and throws
 * (`ERR_BUFFER_TOO_LARGE`) instead of allocating past the budget. Returns `'too-large'` in that case,
 * throws the zlib error for a corrupt stream.
 */
export function inflateRawBounded(data: Uint8Array, maxOutputLength: number): Uint8Array | 'too-large' {
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, maxOutputLength) });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) return 'too-large';
    throw error;
  }
}
