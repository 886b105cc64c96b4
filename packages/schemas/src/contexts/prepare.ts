import { ContextConflictError, InvalidContextError } from '../errors.js';
import { frozenJsonCopy } from '../lib/freeze.js';
import { jsonEqual } from '../lib/json-equal.js';

export const MAX_URL_LENGTH = 2048;

/**
 * Checks caller-supplied contexts and takes frozen copies. `reserved(url)` returns a document already
 * held under `url`; a different one there is a `ContextConflictError` (bundled contexts cannot be replaced).
 */
export function prepareContexts(
  contexts: Record<string, unknown> | ReadonlyMap<string, unknown> | undefined | null,
  reserved: (url: string) => unknown,
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (contexts === undefined || contexts === null) return out;
  if (typeof contexts !== 'object')
    throw new InvalidContextError('', 'contexts must be an object or a Map of URL -> document');
  const entries: Iterable<[string, unknown]> =
    contexts instanceof Map ? (contexts as ReadonlyMap<string, unknown>).entries() : Object.entries(contexts);
  for (const [url, doc] of entries) {
    if (
      typeof url !== 'string' ||
      url.length === 0 ||
      url.length > MAX_URL_LENGTH ||
      !/^[a-z][a-z0-9+.-]*:\S+$/i.test(url)
    ) {
      throw new InvalidContextError(
        String(url),
        `context URL ${JSON.stringify(String(url).slice(0, 200))} is not an absolute URL`,
      );
    }
    if (/^did:/i.test(url)) {
      throw new InvalidContextError(
        url,
        `context URL ${JSON.stringify(url)} is a DID; keys are resolved by the trust store, not the document loader`,
      );
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || !('@context' in doc)) {
      throw new InvalidContextError(
        url,
        `context ${JSON.stringify(url)} must be a JSON object with an "@context" member`,
      );
    }
    let frozen: unknown;
    try {
      frozen = frozenJsonCopy(doc);
    } catch (cause) {
      throw new InvalidContextError(
        url,
        `context ${JSON.stringify(url)} is not JSON data: ${(cause as Error).message}`,
      );
    }
    const existing = reserved(url);
    if (existing !== undefined && !jsonEqual(existing, frozen)) throw new ContextConflictError(url);
    out.set(url, frozen);
  }
  return out;
}
