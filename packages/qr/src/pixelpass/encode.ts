/** Encoding PixelPass QR data (see ./shared.ts for the format). */
import {
  CborFloat,
  CborMap,
  assertSafeJson,
  base45Encode,
  deflateZlib,
  encodeCborValue,
  isUnsafeJsonError,
  parseJsonStrict,
  utf8Encode,
  type CborValue,
} from '@divoc/keys';
import { PixelPassJsonInvalidError, PixelPassTooLargeError, PixelPassUnsafeJsonError } from '../lib/errors.js';
import {
  MAX_DEPTH,
  PIXELPASS_MAX_TEXT,
  jsonPath,
  limit,
  type EncodePixelPassOptions,
  type PixelPassJson,
} from './shared.js';

/**
 * JSON data → the CBOR value model, in member order; refuses what is not JSON data (and cycles, by depth). `trail` is
 * the path to `value`, for messages only.
 */
function toCbor(value: unknown, depth: number, trail: Array<string | number>): CborValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new PixelPassJsonInvalidError(`${jsonPath(trail)} is ${value}, not a number`);
      // -0 is written as 0: JSON.stringify writes it so, and that is the text PixelPass gives back.
      return Number.isSafeInteger(value) ? value || 0 : new CborFloat(value);
    case 'object': {
      if (value === null) return null;
      if (depth >= MAX_DEPTH)
        throw new PixelPassJsonInvalidError(`${jsonPath(trail)} nests deeper than ${MAX_DEPTH} levels`);
      const child = (key: string | number, item: unknown): CborValue => {
        trail.push(key);
        const out = toCbor(item, depth + 1, trail);
        trail.pop();
        return out;
      };
      // Array.from visits holes too (as undefined, refused), where map would leave them.
      if (Array.isArray(value)) return Array.from(value as unknown[], (item, i) => child(i, item));
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null)
        throw new PixelPassJsonInvalidError(`${jsonPath(trail)} is not a plain object`);
      return new CborMap(Object.entries(value).map(([k, v]) => [k, child(k, v)]));
    }
    default:
      throw new PixelPassJsonInvalidError(`${jsonPath(trail)} is ${typeof value}, not JSON data`);
  }
}

/** The payload bytes of `data`: CBOR for JSON data and JSON text, UTF-8 for other text (as PixelPass does). */
function payloadOf(data: unknown): Uint8Array {
  let value: unknown = data;
  if (typeof data === 'string') {
    try {
      value = parseJsonStrict(data, { maxDepth: MAX_DEPTH });
    } catch (error) {
      // JSON that names a member twice says two things: refused, not sent as text.
      if (isUnsafeJsonError(error))
        throw new PixelPassUnsafeJsonError(`the JSON text is refused: ${error.message}`, { code: error.code });
      if ((error as { code?: unknown }).code === 'ERR_JSON_TOO_DEEP')
        throw new PixelPassJsonInvalidError(`the JSON text is refused: ${(error as Error).message}`, { cause: error });
      return utf8Encode(data);
    }
  }
  try {
    assertSafeJson(value, { maxDepth: MAX_DEPTH });
  } catch (error) {
    if (isUnsafeJsonError(error))
      throw new PixelPassUnsafeJsonError(`the data is refused: ${error.message}`, { code: error.code, cause: error });
    throw new PixelPassJsonInvalidError(`the data is refused: ${(error as Error).message}`, { cause: error });
  }
  return encodeCborValue(toCbor(value, 0, []));
}

/**
 * PixelPass QR data of `data`, which `@mosip/pixelpass`'s `decode()` (and Inji Verify) read back: JSON data (an
 * object such as a signed credential, or JSON text) as CBOR, any other string as its UTF-8 text; zlib (level 9);
 * Base45. No header is prepended. Throws `PixelPassJsonInvalidError` / `PixelPassUnsafeJsonError` for data that is
 * not JSON, `PixelPassTooLargeError` when the text is longer than `options.maxLength`.
 */
export function encodePixelPass(
  data: PixelPassJson | Readonly<Record<string, unknown>>,
  options: EncodePixelPassOptions = {},
): string {
  const maxLength = limit(options.maxLength, PIXELPASS_MAX_TEXT, 'maxLength');
  const text = base45Encode(deflateZlib(payloadOf(data), { level: 9 }));
  if (text.length > maxLength)
    throw new PixelPassTooLargeError(`the data needs ${text.length} characters, over the ${maxLength} limit`);
  return text;
}
