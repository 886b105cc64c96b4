/**
 * PixelPass QR data, the encoding MOSIP's Inji Verify scans (`@mosip/pixelpass`): JSON data as CBOR, other text as
 * its UTF-8 bytes, compressed with zlib (RFC 1950) and written in Base45 (RFC 9285), with no prefix. PixelPass's
 * `decode` inflates, then reads the bytes as CBOR when they decode as one CBOR item (giving its JSON text) and as
 * UTF-8 text otherwise; this module does the same with the SDK's own bounded codecs (`@divoc/keys`) and refuses
 * what a general decoder would quietly accept. This module: the types and limits encoder and decoder share.
 */
import { quoteUntrusted } from '@divoc/keys';

/** JSON data, as PixelPass carries it in CBOR. */
export type PixelPassJson = null | boolean | number | string | PixelPassJson[] | { [key: string]: PixelPassJson };

/**
 * Decoded PixelPass data. `text` is what `@mosip/pixelpass`'s `decode()` returns for the same input: the JSON text
 * of CBOR data, else the text itself.
 */
export type DecodedPixelPass =
  /** The data was CBOR (what PixelPass makes of JSON): the value and its JSON text. */
  | { kind: 'cbor'; data: PixelPassJson; text: string }
  /** The data was UTF-8 text, compressed as it was. */
  | { kind: 'text'; text: string };

/** Budgets of `decodePixelPass`. */
export interface PixelPassLimits {
  /** Longest text accepted, in characters. Default 4296: what a version 40 QR code holds in alphanumeric mode. */
  maxInputLength?: number;
  /** Most bytes the zlib stream may inflate to. Default 65536. */
  maxInflatedBytes?: number;
  /** Most inflated bytes per compressed byte. Default 40. */
  maxCompressionRatio?: number;
  /**
   * Deepest nesting of CBOR arrays and maps (the outermost is depth 1). Default and most 48, the bound of the SDK's
   * CBOR reader.
   */
  maxDepth?: number;
}

/** Options of `encodePixelPass`. */
export interface EncodePixelPassOptions {
  /** Longest text to return, else `PixelPassTooLargeError`. Default 4296 (a version 40-L QR code, alphanumeric). */
  maxLength?: number;
}

/** A version 40 QR code at level L holds 4296 alphanumeric characters: no QR code carries a longer Base45 text. */
export const PIXELPASS_MAX_TEXT = 4296;
/** Default inflate budget: a credential is a few KB, and a QR code holds at most 2.9 KB of compressed data. */
export const MAX_INFLATED_BYTES = 65_536;
export const MAX_COMPRESSION_RATIO = 40;
/** Deepest nesting of arrays and objects: the bound of the SDK's CBOR reader (`decodeCborStrict`). */
export const MAX_DEPTH = 48;

/** The JSON path (`$.a["b c"][0]`) of a trail of member names and indexes, for messages. */
export function jsonPath(trail: ReadonlyArray<string | number>): string {
  let out = '$';
  for (const key of trail)
    out +=
      typeof key === 'number'
        ? `[${key}]`
        : /^[A-Za-z_$][\w$]{0,63}$/.test(key)
          ? `.${key}`
          : `[${quoteUntrusted(key)}]`;
  return out;
}

/** A caller's limit, or the default; a negative or non-number limit is a programming error. */
export function limit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0)) throw new RangeError(`${name} must be a non-negative number`);
  return value;
}
