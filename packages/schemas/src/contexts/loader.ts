import type { DocumentLoader, RemoteDocument } from '../types.js';
import { UnknownContextError } from '../errors.js';
import { defaultRegistry } from '../registry/registry.js';
import { bundleMap } from './bundled.js';
import { MAX_URL_LENGTH, prepareContexts } from './prepare.js';

/** Anything that can serve extra context documents by URL (a `CredentialTypeRegistry` does). */
export interface ContextSource {
  /** The document for `url`, or `undefined`. */
  contextDocument(url: string): unknown;
}

/** Options of `createDocumentLoader`. */
export interface DocumentLoaderOptions {
  /** Extra contexts, by URL. Copied when the loader is made; cannot replace a bundled one. */
  contexts?: Record<string, unknown> | ReadonlyMap<string, unknown>;
  /**
   * Where registered credential types' contexts come from, consulted at each call (so types registered
   * later are served too). Defaults to `defaultRegistry`; pass `null` to serve the bundle and `contexts` only.
   */
  registry?: ContextSource | null;
}

/**
 * A JSON-LD document loader that answers only from the bundled contexts, `options.contexts` and the
 * registry's credential types. Everything else, `did:` URLs included, is rejected with
 * `UnknownContextError` (`ERR_JSONLD_UNKNOWN_URL`). It never touches the network. Every answer is a
 * fresh copy of a frozen master, so callers (and jsonld.js, which edits contexts in place) cannot
 * corrupt the bundle or each other.
 */
export function createDocumentLoader(options: DocumentLoaderOptions = {}): DocumentLoader {
  const bundle = bundleMap();
  const extra = prepareContexts(options.contexts, (url) => bundle.get(url));
  const registry = options.registry === undefined ? defaultRegistry : (options.registry ?? undefined);
  return async (url: string): Promise<RemoteDocument> => {
    if (typeof url !== 'string' || url.length > MAX_URL_LENGTH) throw new UnknownContextError(String(url));
    // DIDs are resolved through the verifier's trust store, never through the loader.
    if (/^did:/i.test(url)) throw new UnknownContextError(url);
    const document = bundle.get(url) ?? extra.get(url) ?? registry?.contextDocument(url);
    if (document === undefined) throw new UnknownContextError(url);
    // A fresh copy per call: jsonld.js rewrites parts of the contexts it is given (it resolves nested
    // context URLs in place), so handing out the frozen master would break it, and sharing a mutable
    // one would let one caller corrupt the next.
    return { contextUrl: null, documentUrl: url, document: structuredClone(document) };
  };
}
