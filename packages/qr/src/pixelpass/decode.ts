/** Decoding PixelPass QR data (see ./shared.ts for the format), within budgets. */
import {
  CborFloat,
  CborInvalidError,
  CborMap,
  CborTag,
  InflateTooLargeError,
  base45Decode,
  decodeCborStrict,
  inflateZlibBounded,
  isUnsafeJsonError,
  parseJsonStrict,
  quoteUntrusted,
  utf8DecodeStrict,
  type CborValue,
} from '@divoc/keys';
import {
  PixelPassBombError,
  PixelPassCborInvalidError,
  PixelPassJsonInvalidError,
  PixelPassMalformedError,
  PixelPassTextInvalidError,
  PixelPassTooLargeError,
  PixelPassUnsafeJsonError,
} from '../lib/errors.js';
import { startsLikeZlib } from './detect.js';
import {
  MAX_COMPRESSION_RATIO,
  MAX_DEPTH,
  MAX_INFLATED_BYTES,
  PIXELPASS_MAX_TEXT,
  jsonPath,
  limit,
  type DecodedPixelPass,
  type PixelPassJson,
  type PixelPassLimits,
} from './shared.js';

/**
 * The strict CBOR value model → JSON data: text keys only, no duplicates or prototype names, bounded depth. `trail` is
 * the path to `value`, for messages only.
 */
function toJson(value: CborValue, depth: number, maxDepth: number, trail: Array<string | number>): PixelPassJson {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    return value;
  if (value instanceof CborFloat) return value.value;
  const isArray = Array.isArray(value);
  if (!isArray && !(value instanceof CborMap))
    throw new PixelPassCborInvalidError(
      `CBOR at ${jsonPath(trail)} is ${value instanceof Uint8Array ? 'a byte string' : 'a tag'}, not JSON data`,
    );
  if (depth >= maxDepth)
    throw new PixelPassCborInvalidError(`CBOR at ${jsonPath(trail)} nests deeper than ${maxDepth}`);
  const child = (key: string | number, item: CborValue): PixelPassJson => {
    trail.push(key);
    const out = toJson(item, depth + 1, maxDepth, trail);
    trail.pop();
    return out;
  };
  if (isArray) return value.map((item, i) => child(i, item));
  const out: { [key: string]: PixelPassJson } = {};
  const seen = new Set<string>();
  for (const [key, item] of value.entries) {
    if (typeof key !== 'string')
      throw new PixelPassCborInvalidError(`CBOR map at ${jsonPath(trail)} has a key that is not text`);
    if (key === '__proto__' || key === 'constructor' || key === 'prototype')
      throw new PixelPassUnsafeJsonError(`forbidden member name ${quoteUntrusted(key)} at ${jsonPath(trail)}`, {
        code: 'ERR_JSON_FORBIDDEN_KEY',
      });
    if (seen.has(key))
      throw new PixelPassUnsafeJsonError(`CBOR map at ${jsonPath(trail)} names ${quoteUntrusted(key)} twice`, {
        code: 'ERR_JSON_DUPLICATE_KEY',
      });
    seen.add(key);
    out[key] = child(key, item);
  }
  return out;
}

/** CBOR arrays and maps (major types 4 and 5) start with 0x80–0xbf: a continuation byte, never the start of UTF-8. */
const startsCborContainer = (bytes: Uint8Array): boolean => bytes.length > 0 && bytes[0]! >= 0x80 && bytes[0]! <= 0xbf;

/**
 * Decode PixelPass QR data (what Inji Verify scans, what `encodePixelPass` and `@mosip/pixelpass` write): Base45,
 * then a zlib stream inflated within `limits`, then CBOR when the bytes are one strict CBOR item (JSON data), else
 * UTF-8 text. Not verified: a credential inside goes to `verify`. Throws a `QrError` (`ERR_PIXELPASS_MALFORMED`,
 * `_TOO_LARGE`, `_BOMB`, `_CBOR_INVALID`, `_TEXT_INVALID`, or `ERR_JSON_DUPLICATE_KEY` / `ERR_JSON_FORBIDDEN_KEY`).
 */
export function decodePixelPass(text: string, limits: PixelPassLimits = {}): DecodedPixelPass {
  const maxInputLength = limit(limits.maxInputLength, PIXELPASS_MAX_TEXT, 'maxInputLength');
  const maxOutput = limit(limits.maxInflatedBytes, MAX_INFLATED_BYTES, 'maxInflatedBytes');
  const maxRatio = limit(limits.maxCompressionRatio, MAX_COMPRESSION_RATIO, 'maxCompressionRatio');
  const maxDepth = Math.min(limit(limits.maxDepth, MAX_DEPTH, 'maxDepth'), MAX_DEPTH);
  if (typeof text !== 'string')
    throw new PixelPassMalformedError(`expected a string, got ${text === null ? 'null' : typeof text}`);
  if (text.length === 0) throw new PixelPassMalformedError('the input is empty');
  if (text.length > maxInputLength)
    throw new PixelPassTooLargeError(`the input is ${text.length} characters, over the ${maxInputLength} limit`);
  const compressed = base45Decode(text, {
    fail: (message) => new PixelPassMalformedError(`not Base45: ${message}`),
  });
  if (!startsLikeZlib(compressed)) throw new PixelPassMalformedError('the Base45 data is not a zlib stream');
  let bytes: Uint8Array;
  try {
    bytes = inflateZlibBounded(compressed, { maxOutput, maxRatio });
  } catch (error) {
    if (error instanceof InflateTooLargeError)
      throw new PixelPassBombError(`the zlib stream inflates past its budget (${error.message})`, { cause: error });
    throw new PixelPassMalformedError('the zlib stream is corrupt or truncated', { cause: error });
  }
  let cbor: CborValue | undefined;
  let cborError: unknown;
  try {
    // Any float width: cbor-web writes 1.5 as a float32 and -0 as a float16.
    cbor = decodeCborStrict(bytes, { anyFloatWidth: true });
  } catch (error) {
    if (!(error instanceof CborInvalidError)) throw error;
    cborError = error;
  }
  // PixelPass gives the text back when the CBOR item is falsy (0, "", false, null): so does this. A lone byte string
  // or tag is no JSON data (text such as "B  " reads as one): that is text too, where PixelPass would show a Buffer.
  const jsonItem = !(cbor instanceof Uint8Array || cbor instanceof CborTag);
  if (cbor !== undefined && cbor !== null && cbor !== 0 && cbor !== '' && cbor !== false && jsonItem) {
    const data = toJson(cbor, 0, maxDepth, []);
    return { kind: 'cbor', data, text: JSON.stringify(data) };
  }
  if (cborError !== undefined && startsCborContainer(bytes))
    throw new PixelPassCborInvalidError(`the data is CBOR this decoder refuses: ${(cborError as Error).message}`, {
      cause: cborError,
    });
  const decoded = utf8DecodeStrict(bytes, { keepBom: true });
  if (decoded === undefined) throw new PixelPassTextInvalidError('the data is neither CBOR JSON data nor UTF-8 text');
  return { kind: 'text', text: decoded };
}

/** A JSON object (a credential) read out of PixelPass data, and how it was carried. */
export interface PixelPassObject {
  data: { [key: string]: PixelPassJson };
  kind: DecodedPixelPass['kind'];
}

/**
 * The JSON object a PixelPass QR carries (a credential): CBOR data, or text that is a JSON object (read strictly).
 * Throws `PixelPassJsonInvalidError` when it is not an object, and what `decodePixelPass` throws.
 */
export function decodePixelPassObject(text: string, limits: PixelPassLimits = {}): PixelPassObject {
  const decoded = decodePixelPass(text, limits);
  let data: unknown;
  if (decoded.kind === 'cbor') data = decoded.data;
  else {
    try {
      data = parseJsonStrict(decoded.text, { maxDepth: Math.min(limits.maxDepth ?? MAX_DEPTH, MAX_DEPTH) });
    } catch (error) {
      if (isUnsafeJsonError(error))
        throw new PixelPassUnsafeJsonError(`the JSON text is refused: ${error.message}`, {
          code: error.code,
          cause: error,
        });
      throw new PixelPassJsonInvalidError(`the PixelPass text is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new PixelPassJsonInvalidError('the PixelPass data is not a JSON object');
  return { data: data as { [key: string]: PixelPassJson }, kind: decoded.kind };
}
