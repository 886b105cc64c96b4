// The JSON-LD libraries the fast path (./fast.ts) does without, loaded on first need instead of at import.

type JsonLd = (typeof import('jsonld'))['default'];
type RdfCanonize = (typeof import('rdf-canonize'))['default'];
let rdfCanonizeModule: Promise<RdfCanonize> | undefined;

/** rdf-canonize, loaded on the first graph the fast path cannot label itself (blank nodes that need RDFC-1.0). */
export function loadRdfCanonize(): Promise<RdfCanonize> {
  rdfCanonizeModule ??= import('rdf-canonize').then((m) => m.default);
  return rdfCanonizeModule;
}
let jsonldModule: Promise<JsonLd> | undefined;

/**
 * jsonld.js itself (with its HTTP document loader: @digitalbazaar/http-client and undici, ~100 modules) is only needed
 * for documents the fast path hands over, so it is loaded then, not at import.
 */
export function loadJsonLd(): Promise<JsonLd> {
  jsonldModule ??= import('jsonld').then((m) => m.default);
  return jsonldModule;
}

type ContextApi = (typeof import('jsonld/lib/context.js'))['default'];
type ContextResolverClass = (typeof import('jsonld/lib/ContextResolver.js'))['default'];
/** jsonld.js's context processing, which the fast path runs on (contexts are still processed by jsonld.js). */
export interface ContextLib {
  context: ContextApi;
  ContextResolver: ContextResolverClass;
}
let contextLibModule: Promise<ContextLib> | undefined;
let contextLibLoaded: ContextLib | undefined;

/**
 * jsonld.js's context processing (with the parts of jsonld.js and rdf-canonize it requires) is only needed for
 * JSON-LD credentials, so an app verifying other formats never downloads it: loaded on the first canonicalisation.
 */
export function loadContextLib(): Promise<ContextLib> {
  contextLibModule ??= Promise.all([import('jsonld/lib/context.js'), import('jsonld/lib/ContextResolver.js')]).then(
    ([context, resolver]) => (contextLibLoaded = { context: context.default, ContextResolver: resolver.default }),
  );
  return contextLibModule;
}

/** The context library once `loadContextLib()` has resolved: for the synchronous walk, which only runs after it. */
export function contextLib(): ContextLib {
  if (contextLibLoaded === undefined) throw new Error('jsonld context processing used before loadContextLib()');
  return contextLibLoaded;
}
