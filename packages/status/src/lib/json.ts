import { isUnsafeJsonError, parseJsonStrict, type Check } from '@divoc/keys';
import type { StatusCheckCode } from './errors.js';

export type JsonRecord = Record<string, unknown>;

/**
 * Strict JSON (`parseJsonStrict` of `@divoc/keys`) for text of at most `maxLength` characters, or a structured copy
 * of an object (so the caller's object, or a Proxy, cannot change under us). A member named twice or named
 * `__proto__` / `constructor` / `prototype` (an object's own one included) is refused; the message names the JSON
 * code (`ERR_JSON_DUPLICATE_KEY`, `ERR_JSON_FORBIDDEN_KEY`). `fail` builds the typed error to throw.
 */
export function readJson(
  input: unknown,
  maxLength: number,
  fail: (message: string, cause?: unknown) => Error,
): unknown {
  if (typeof input === 'string') {
    if (input.length > maxLength) throw fail(`input is ${input.length} characters, over the ${maxLength} limit`);
    try {
      return parseJsonStrict(input, { maxLength });
    } catch (cause) {
      if (isUnsafeJsonError(cause)) throw fail(`input is refused: ${cause.message} (${cause.code})`, cause);
      throw fail('input is not JSON', cause);
    }
  }
  if (input instanceof Uint8Array) {
    if (input.byteLength > maxLength) throw fail(`input is ${input.byteLength} bytes, over the ${maxLength} limit`);
    return readJson(new TextDecoder('utf-8', { fatal: false }).decode(input), maxLength, fail);
  }
  if (typeof input !== 'object' || input === null) throw fail('input must be JSON text or a JSON object');
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch (cause) {
    throw fail('input is not JSON data', cause);
  }
  if (text === undefined) throw fail('input is not JSON data');
  return readJson(text, maxLength, fail);
}

/** A short, printable rendering of a hostile value for messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value).slice(0, 40)}`;
}

export const passed = (message: string): Check => ({ name: 'revocation', ok: true, message });
export const failed = (code: StatusCheckCode, message: string): Check => ({
  name: 'revocation',
  ok: false,
  code,
  message,
});
