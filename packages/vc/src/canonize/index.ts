import { createDocumentLoader, type DocumentLoader, type RemoteDocument } from '@divoc/schemas';
import { isUnsafeJsonError } from '@divoc/keys';
import {
  JsonLdSafeModeError,
  JsonLdUnknownUrlError,
  VcError,
  VcMalformedError,
  VcUnsafeJsonError,
} from '../lib/errors.js';
import type { JsonObject } from '../types.js';
import { canonizeFast, countGeneral, initialCompiledContext, type CompiledContext } from './fast.js';
import { contextLib, loadContextLib, loadJsonLd, loadRdfCanonize } from './lazy.js';

/** Options of `canonize`. */
export interface CanonizeOptions {
  /** Offline loader for every `@context` URL. Default: a shared `createDocumentLoader()` from `@divoc/schemas`. */
  documentLoader?: DocumentLoader;
}

let sharedDefaultLoader: DocumentLoader | undefined;
/**
 * One default loader for the whole process, so its resolved-context cache is reused across calls. It serves the
 * bundled contexts and `defaultRegistry`'s (looked up at each call, so types registered later are served too).
 */
export function defaultDocumentLoader(): DocumentLoader {
  sharedDefaultLoader ??= createDocumentLoader();
  return sharedDefaultLoader;
}

/**
 * Resolved contexts are cached per document loader, so a context one loader returned is never served to a
 * caller using another loader (jsonld.js's own process-wide cache would). This cache is also the slot a later
 * fast path (precompiled contexts) plugs into.
 */
const CACHE_LIMIT = 256;

/** The `get`/`set` cache jsonld.js's ContextResolver expects, bounded: the oldest entry goes first. */
class BoundedCache {
  readonly #entries = new Map<string, unknown>();
  get(key: string): unknown {
    return this.#entries.get(key);
  }
  set(key: string, value: unknown): this {
    if (!this.#entries.has(key) && this.#entries.size >= CACHE_LIMIT) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, value);
    return this;
  }
}

const resolverCaches = new WeakMap<DocumentLoader, BoundedCache>();
const taggedLoaders = new WeakMap<DocumentLoader, TaggedLoader>();
type TaggedLoader = (url: string) => Promise<RemoteDocument & { tag: 'static' }>;

function cacheFor(loader: DocumentLoader): BoundedCache {
  let cache = resolverCaches.get(loader);
  if (!cache) {
    cache = new BoundedCache();
    resolverCaches.set(loader, cache);
  }
  return cache;
}

/** jsonld.js only keeps a resolved context across calls when the loader tags it `static`. */
function tagged(loader: DocumentLoader): TaggedLoader {
  let wrapped = taggedLoaders.get(loader);
  if (!wrapped) {
    wrapped = async (url: string) => ({ ...(await loader(url)), tag: 'static' });
    taggedLoaders.set(loader, wrapped);
  }
  return wrapped;
}

/** A jsonld.js event handler (an event and `next()` to pass it on). */
type JsonLdEventHandler = (arg: { event: { code?: unknown; details?: unknown }; next: () => void }) => void;

function jsonLdOptions(documentLoader: DocumentLoader, eventHandler?: JsonLdEventHandler[]) {
  return {
    documentLoader: tagged(documentLoader),
    contextResolver: new (contextLib().ContextResolver)({ sharedCache: cacheFor(documentLoader) }),
    ...(eventHandler ? { safe: false, eventHandler } : { safe: true }),
    base: null,
    produceGeneralizedRdf: false,
  };
}

interface JsonLdErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  details?: {
    code?: unknown;
    url?: unknown;
    cause?: unknown;
    event?: { code?: unknown; message?: unknown; details?: unknown };
  };
}

/** Maps whatever jsonld.js / rdf-canonize / a loader threw onto this package's typed errors. */
export function toVcError(error: unknown): VcError {
  if (error instanceof VcError) return error;
  // A duplicate or forbidden JSON member keeps its own code, the same in every format.
  if (isUnsafeJsonError(error)) return new VcUnsafeJsonError(error.message, { code: error.code, cause: error });
  const e = (typeof error === 'object' && error !== null ? error : {}) as JsonLdErrorLike;
  const details = e.details ?? {};
  const cause = details.cause as JsonLdErrorLike | undefined;
  if (
    e.code === 'ERR_JSONLD_UNKNOWN_URL' ||
    cause?.code === 'ERR_JSONLD_UNKNOWN_URL' ||
    e.name === 'jsonld.InvalidUrl'
  ) {
    const url = typeof details.url === 'string' ? details.url : undefined;
    return new JsonLdUnknownUrlError(
      url ? `JSON-LD context not available offline: ${url}` : 'JSON-LD context not available offline',
      { cause: error },
    );
  }
  if (e.name === 'jsonld.ValidationError') {
    const event = details.event ?? {};
    const what = typeof event.code === 'string' ? event.code : 'unsafe data';
    const where = describeEventDetails(event.details);
    return new JsonLdSafeModeError(`JSON-LD safe mode: ${what}${where}`, { cause: error });
  }
  if (error instanceof RangeError) {
    return new VcMalformedError('document too deeply nested', { cause: error });
  }
  const message = typeof e.message === 'string' ? e.message : String(error);
  const jsonLdCode = typeof details.code === 'string' ? ` (${details.code})` : '';
  return new VcMalformedError(`invalid JSON-LD: ${message}${jsonLdCode}`, { cause: error });
}

function describeEventDetails(details: unknown): string {
  if (typeof details !== 'object' || details === null) return '';
  const d = details as Record<string, unknown>;
  // jsonld.js reports the offending term/property/IRI under one of these names.
  for (const key of ['property', 'term', 'expandedProperty', 'iri', 'value']) {
    const value = d[key];
    if (typeof value === 'string') return ` "${value.length > 80 ? `${value.slice(0, 80)}…` : value}"`;
  }
  return '';
}

/**
 * JSON-LD → RDF dataset in safe mode: a term no context defines, a relative IRI or any other lossy
 * conversion throws `JsonLdSafeModeError` instead of silently dropping data from what gets signed.
 */
export async function toDataset(document: JsonObject, options: CanonizeOptions = {}): Promise<unknown> {
  try {
    const [jsonld] = await Promise.all([loadJsonLd(), loadContextLib()]);
    return await jsonld.toRDF(document, jsonLdOptions(options.documentLoader ?? defaultDocumentLoader()));
  } catch (error) {
    throw toVcError(error);
  }
}

/**
 * RDF Dataset Canonicalization (RDFC-1.0) of a JSON-LD document: canonical N-Quads, one statement per line.
 * Contexts come only from `documentLoader`; expansion runs in safe mode. Documents the fast path covers (see
 * `./fast.ts`) skip jsonld.js; the output is the same bytes either way.
 */
export async function canonizeGeneral(document: JsonObject, options: CanonizeOptions = {}): Promise<string> {
  const dataset = await toDataset(document, options);
  try {
    // maxWorkFactor 1 bounds the blank-node work linearly, which rejects "poison" graphs crafted to make
    // canonicalisation exponential.
    const rdfCanonize = await loadRdfCanonize();
    return await rdfCanonize.canonize(dataset, {
      algorithm: 'RDFC-1.0',
      format: 'application/n-quads',
      maxWorkFactor: 1,
    });
  } catch (error) {
    throw toVcError(error);
  }
}

/** The relative IRI each jsonld.js event about one names, as jsonld.js expanded it. */
const RELATIVE_EVENTS: Record<string, string> = {
  'relative @id reference': 'expandedId',
  'relative subject reference': 'subject',
  'relative object reference': 'object',
};

/**
 * Canonical N-Quads of a document whose node ids in `relativeIds` are relative IRIs, as a signer without safe mode
 * made them: jsonld.js drops those nodes' statements and the links to them. Every other lossy event (and a relative
 * IRI not listed) still throws `JsonLdSafeModeError`. Only for checking what such signers signed: the verifier
 * reports the dropped nodes (`findRelativeIds`); never for issuing. Always the general (jsonld.js) path.
 */
export async function canonizeDroppingRelativeIds(
  document: JsonObject,
  relativeIds: ReadonlySet<string>,
  options: CanonizeOptions = {},
): Promise<string> {
  const documentLoader = options.documentLoader ?? defaultDocumentLoader();
  let dataset: unknown;
  try {
    const [jsonld] = await Promise.all([loadJsonLd(), loadContextLib()]);
    const tolerate: JsonLdEventHandler = ({ event, next }) => {
      const field = typeof event.code === 'string' ? RELATIVE_EVENTS[event.code] : undefined;
      const details = (typeof event.details === 'object' && event.details !== null ? event.details : {}) as Record<
        string,
        unknown
      >;
      const iri = field === undefined ? undefined : details[field];
      if (typeof iri === 'string' && relativeIds.has(iri)) return; // dropped, as the signer's jsonld.js dropped it
      next();
    };
    const safe = (jsonld as unknown as { safeEventHandler: JsonLdEventHandler }).safeEventHandler;
    dataset = await jsonld.toRDF(document, jsonLdOptions(documentLoader, [tolerate, safe]));
  } catch (error) {
    throw toVcError(error);
  }
  try {
    const rdfCanonize = await loadRdfCanonize();
    return await rdfCanonize.canonize(dataset, {
      algorithm: 'RDFC-1.0',
      format: 'application/n-quads',
      maxWorkFactor: 1,
    });
  } catch (error) {
    throw toVcError(error);
  }
}

/** The same as `canonizeGeneral`, through the fast path where it applies. */
export async function canonize(document: JsonObject, options: CanonizeOptions = {}): Promise<string> {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new VcMalformedError('canonize: document must be a JSON object');
  }
  if (options.documentLoader !== undefined && typeof options.documentLoader !== 'function') {
    throw new TypeError('canonize: options.documentLoader must be a function');
  }
  const documentLoader = options.documentLoader ?? defaultDocumentLoader();
  // Credentials on known contexts take the fast path; anything it does not cover exactly comes back undefined.
  let fast: string | undefined;
  try {
    fast = await canonizeFast(document, documentLoader, tagged(documentLoader), cacheFor(documentLoader));
  } catch (error) {
    throw toVcError(error);
  }
  if (fast !== undefined) return fast;
  countGeneral();
  return canonizeGeneral(document, { documentLoader });
}

/**
 * The compiled initial context of `documentLoader`, shared with the fast path (so both reuse each compiled context).
 */
export function compiledContextFor(documentLoader: DocumentLoader): CompiledContext {
  return initialCompiledContext(documentLoader, tagged(documentLoader), cacheFor(documentLoader));
}

/** A canonicaliser memoised per document object, for one issue/verify operation. */
export function memoizedCanonize(options: CanonizeOptions): (document: JsonObject) => Promise<string> {
  const memo = new WeakMap<JsonObject, Promise<string>>();
  return (document) => {
    let result = memo.get(document);
    if (!result) {
      result = canonize(document, options);
      memo.set(document, result);
    }
    return result;
  };
}
