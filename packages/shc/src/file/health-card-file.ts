import { isJsonObject, utf8DecodeStrict } from '@divoc/keys';
import { ShcFileInvalidError, ShcInputInvalidError, ShcInputTooLargeError } from '../lib/errors.js';
import { assertSafeInput, parseJson } from '../lib/json.js';
import { LIMITS } from '../lib/limits.js';
import type { HealthCardFile } from '../types.js';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The content of a `.smart-health-card` file (serve it as `application/smart-health-card`). */
export function createHealthCardFile(jws: string | readonly string[]): HealthCardFile {
  const list = typeof jws === 'string' ? [jws] : jws;
  if (!Array.isArray(list) || list.length === 0)
    throw new ShcInputInvalidError('createHealthCardFile: give one or more JWS strings');
  if (list.length > LIMITS.maxFileCredentials)
    throw new ShcInputInvalidError(`createHealthCardFile: more than ${LIMITS.maxFileCredentials} credentials`);
  list.forEach((j, i) => {
    if (typeof j !== 'string' || j.length > LIMITS.maxJwsLength || !COMPACT_JWS.test(j)) {
      throw new ShcInputInvalidError(`createHealthCardFile: item ${i} is not a compact JWS`);
    }
  });
  return { verifiableCredential: [...list] };
}

/** Validates a parsed `.smart-health-card` object and returns its JWS strings. */
export function healthCardFileCredentials(value: unknown): string[] {
  if (!isJsonObject(value)) throw new ShcFileInvalidError('health card file must be a JSON object');
  assertSafeInput(value);
  const list = value.verifiableCredential;
  if (!Array.isArray(list)) throw new ShcFileInvalidError('health card file must have a "verifiableCredential" array');
  if (list.length === 0) throw new ShcFileInvalidError('health card file holds no credentials');
  if (list.length > LIMITS.maxFileCredentials)
    throw new ShcFileInvalidError(`health card file holds more than ${LIMITS.maxFileCredentials} credentials`);
  return list.map((j: unknown, i: number) => {
    if (typeof j !== 'string' || j.length > LIMITS.maxJwsLength || !COMPACT_JWS.test(j)) {
      throw new ShcFileInvalidError(`verifiableCredential[${i}] is not a compact JWS string`);
    }
    return j;
  });
}

/** Bytes or text to a string, size-capped before decoding. */
export function inputText(input: string | Uint8Array, what: string): string {
  if (input instanceof Uint8Array) {
    if (input.byteLength > LIMITS.maxInputBytes)
      throw new ShcInputTooLargeError(`${what} is larger than ${LIMITS.maxInputBytes} bytes`);
    const text = utf8DecodeStrict(input);
    if (text === undefined) throw new ShcInputInvalidError(`${what} is not UTF-8 text`);
    return text.replace(/^\uFEFF/, '');
  }
  if (typeof input !== 'string') throw new ShcInputInvalidError(`${what} must be a string or bytes`);
  // A JS string holds up to 3 UTF-8 bytes per code unit; compare on the cheap bound first.
  if (input.length > LIMITS.maxInputBytes)
    throw new ShcInputTooLargeError(`${what} is larger than ${LIMITS.maxInputBytes} characters`);
  return input.replace(/^\uFEFF/, '');
}

/**
 * The JWS strings of a `.smart-health-card` file, given as text, bytes or the parsed object. Throws
 * `ShcFileInvalidError` for anything that is not `{ "verifiableCredential": [JWS, ...] }`. Signatures are not checked.
 */
export function readHealthCardFile(input: string | Uint8Array | HealthCardFile): string[] {
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const parsed = parseJson(inputText(input, 'health card file'));
    if (!parsed.ok) throw new ShcFileInvalidError('health card file is not JSON', { cause: parsed.error });
    return healthCardFileCredentials(parsed.value);
  }
  return healthCardFileCredentials(input);
}
