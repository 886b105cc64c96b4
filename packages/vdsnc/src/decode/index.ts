import { base64urlDecode, isUnsafeJsonError, parseJsonStrict, isJsonObject, utf8DecodeStrict } from '@divoc/keys';
import { VdsncMalformedError, VdsncTooLargeError, VdsncUnsafeJsonError } from '../lib/errors.js';
import type { DecodedVdsnc, JsonObject, VdsncSeal, VdsncType } from '../types.js';

/** A seal with a 2 KB certificate and a long vaccination history stays well under this; a QR holds < 3 KB. */
export const MAX_SEAL_BYTES = 16_384;
const MAX_DEPTH = 16;
const MAX_BASE64_CHARS = 22_000;
const TYPES: readonly string[] = ['icao.vacc', 'icao.test'];

/**
 * Parse a VDS-NC seal (JSON text, its UTF-8 bytes, or an already parsed object) without verifying it.
 * Throws `VdsncTooLargeError` / `VdsncMalformedError`, or `VdsncUnsafeJsonError` for a member named twice or named
 * `__proto__` / `constructor` / `prototype` (an object's own such member included).
 */
export function decodeVdsnc(input: string | Uint8Array | object): DecodedVdsnc {
  const text = inputText(input);
  let parsed: unknown;
  try {
    // Strict: `"n":"Evil", …, "n":"CITIZEN JOHN"` would verify under JSON.parse (it keeps the last, signed, value).
    parsed = parseJsonStrict(text, { maxDepth: MAX_DEPTH + 1 });
  } catch (err) {
    if (isUnsafeJsonError(err)) throw new VdsncUnsafeJsonError(err.message, { code: err.code, cause: err });
    if ((err as { code?: unknown }).code === 'ERR_JSON_TOO_DEEP')
      throw new VdsncMalformedError(`nested deeper than ${MAX_DEPTH} levels`, { cause: err });
    throw new VdsncMalformedError(`not JSON: ${(err as Error).message}`, { cause: err });
  }
  checkDepth(parsed, 0);
  if (!isJsonObject(parsed)) throw new VdsncMalformedError('a seal is a JSON object');
  const { data, sig } = parsed;
  if (!isJsonObject(data)) throw new VdsncMalformedError('"data" must be an object');
  if (!isJsonObject(sig)) throw new VdsncMalformedError('"sig" must be an object (unsigned seals are not seals)');
  const { hdr, msg } = data;
  if (!isJsonObject(hdr)) throw new VdsncMalformedError('"data.hdr" must be an object');
  if (!isJsonObject(msg)) throw new VdsncMalformedError('"data.msg" must be an object');
  if (typeof hdr.t !== 'string' || !TYPES.includes(hdr.t))
    throw new VdsncMalformedError('"data.hdr.t" must be "icao.vacc" or "icao.test"');
  if (hdr.v !== 1) throw new VdsncMalformedError('"data.hdr.v" must be 1');
  if (typeof hdr.is !== 'string' || !/^[A-Z<]{3}$/.test(hdr.is))
    throw new VdsncMalformedError('"data.hdr.is" must be an alpha-3 country code');
  for (const field of ['alg', 'cer', 'sigvl'] as const) {
    if (typeof sig[field] !== 'string' || sig[field] === '')
      throw new VdsncMalformedError(`"sig.${field}" must be a non-empty string`);
  }
  const signerCertificate = base64url(sig.cer as string, 'sig.cer');
  const signature = base64url(sig.sigvl as string, 'sig.sigvl');
  return {
    seal: parsed as unknown as VdsncSeal,
    type: hdr.t as VdsncType,
    issuingCountry: hdr.is,
    message: msg as JsonObject,
    algorithm: sig.alg as string,
    signerCertificate,
    signature,
  };
}

/** Cheap sniff: looks like a VDS-NC seal (JSON with data.hdr of an ICAO type and a sig). Never throws. */
export function detectVdsnc(input: string | Uint8Array): boolean {
  let text: string;
  try {
    if (input instanceof Uint8Array) {
      if (input.length > MAX_SEAL_BYTES) return false;
      text = new TextDecoder().decode(input);
    } else if (typeof input === 'string') {
      text = input;
    } else return false;
  } catch {
    return false;
  }
  if (text.length > MAX_SEAL_BYTES) return false;
  const t = text.trimStart();
  return t.startsWith('{') && t.includes('"sig"') && t.includes('"hdr"') && /"icao\.(vacc|test)"/.test(t);
}

function inputText(input: unknown): string {
  if (typeof input === 'string') {
    if (input.length > MAX_SEAL_BYTES) throw new VdsncTooLargeError(`seal longer than ${MAX_SEAL_BYTES} characters`);
    return input;
  }
  if (input instanceof Uint8Array) {
    if (input.length > MAX_SEAL_BYTES) throw new VdsncTooLargeError(`seal larger than ${MAX_SEAL_BYTES} bytes`);
    const text = utf8DecodeStrict(input);
    if (text === undefined) throw new VdsncMalformedError('seal bytes are not UTF-8');
    return text;
  }
  if (isJsonObject(input)) {
    // Serialise and re-parse: a plain JSON copy, bounded, with no getters, cycles or class instances left.
    let text: string | undefined;
    try {
      text = JSON.stringify(input, (_k, v: unknown) => {
        if (typeof v === 'string' && v.length > MAX_SEAL_BYTES) throw new VdsncTooLargeError('string value too long');
        return v;
      });
    } catch (err) {
      if (err instanceof VdsncTooLargeError) throw err;
      throw new VdsncMalformedError('seal object is not serialisable JSON', { cause: err });
    }
    if (text === undefined) throw new VdsncMalformedError('seal object is not JSON');
    if (text.length > MAX_SEAL_BYTES) throw new VdsncTooLargeError(`seal larger than ${MAX_SEAL_BYTES} characters`);
    return text;
  }
  throw new VdsncMalformedError('a seal is JSON text, UTF-8 bytes or a parsed object');
}

function checkDepth(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new VdsncMalformedError(`nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) for (const v of value) checkDepth(v, depth + 1);
  else if (isJsonObject(value)) for (const v of Object.values(value)) checkDepth(v, depth + 1);
}

/** base64url, padding tolerated (the Australian seals pad), nothing else. */
function base64url(text: string, field: string): Uint8Array {
  if (text.length > MAX_BASE64_CHARS || !/^[A-Za-z0-9_-]*={0,2}$/.test(text))
    throw new VdsncMalformedError(`"${field}" is not base64url`);
  const bare = text.replace(/=+$/, '');
  if (bare.length % 4 === 1) throw new VdsncMalformedError(`"${field}" is not base64url`);
  return base64urlDecode(bare);
}
