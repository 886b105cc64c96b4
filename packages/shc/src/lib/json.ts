import { assertSafeJson, isUnsafeJsonError, parseJsonStrict } from '@divoc/keys';
import { ShcInputInvalidError, ShcUnsafeJsonError } from './errors.js';

export type JsonObject = Record<string, unknown>;

function unsafe(error: unknown): ShcUnsafeJsonError | undefined {
  return isUnsafeJsonError(error)
    ? new ShcUnsafeJsonError(error.message, { code: error.code, cause: error })
    : undefined;
}

/**
 * Strict JSON (`parseJsonStrict` of `@divoc/keys`) that answers `ok: false` instead of throwing for text that is not
 * JSON, but throws `ShcUnsafeJsonError` for a member named twice or named `__proto__` / `constructor` / `prototype`:
 * what was signed must be what is read, whichever caller asked.
 */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: parseJsonStrict(text) };
  } catch (error) {
    const refused = unsafe(error);
    if (refused) throw refused;
    return { ok: false, error };
  }
}

/**
 * Parsed input from a caller: throws `ShcUnsafeJsonError` for an own `__proto__` / `constructor` / `prototype` member.
 */
export function assertSafeInput(value: unknown): void {
  try {
    assertSafeJson(value);
  } catch (error) {
    throw (
      unsafe(error) ?? new ShcInputInvalidError(`input is not JSON data: ${(error as Error).message}`, { cause: error })
    );
  }
}
