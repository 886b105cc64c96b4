/* Minimal typings for the two CommonJS JSON-LD libraries this package uses (neither ships types). */

declare module 'jsonld' {
  interface JsonLdOptions {
    documentLoader?: (url: string) => Promise<unknown>;
    safe?: boolean;
    base?: string | null;
    format?: 'application/n-quads';
    produceGeneralizedRdf?: boolean;
    contextResolver?: unknown;
    [option: string]: unknown;
  }
  interface JsonLd {
    expand(input: unknown, options?: JsonLdOptions): Promise<unknown[]>;
    /** Without `format`: an RDF/JS-like dataset (array of quads) as rdf-canonize accepts it. */
    toRDF(input: unknown, options?: JsonLdOptions): Promise<unknown>;
  }
  const jsonld: JsonLd;
  export default jsonld;
}

declare module 'jsonld/lib/ContextResolver.js' {
  class ContextResolver {
    constructor(options: { sharedCache: { get(key: string): unknown; set(key: string, value: unknown): unknown } });
  }
  export default ContextResolver;
}

declare module 'rdf-canonize' {
  interface CanonizeOptions {
    algorithm: 'RDFC-1.0';
    format?: 'application/n-quads';
    maxWorkFactor?: number;
    maxDeepIterations?: number;
    signal?: AbortSignal;
    rejectURDNA2015?: boolean;
  }
  const canonize: {
    canonize(dataset: unknown, options: CanonizeOptions): Promise<string>;
  };
  export default canonize;
}

declare module 'jsonld/lib/context.js' {
  /** jsonld.js's active context: term definitions by term, plus the context a type-scoped one reverts to. */
  interface ActiveContext {
    mappings: Map<string, Record<string, unknown> | null>;
    previousContext?: ActiveContext;
    revertToPreviousContext(): ActiveContext;
  }
  interface ContextApi {
    process(args: {
      activeCtx: ActiveContext;
      localCtx: unknown;
      options: Record<string, unknown>;
      propagate?: boolean;
      overrideProtected?: boolean;
    }): Promise<ActiveContext>;
    getInitialContext(options: Record<string, unknown>): ActiveContext;
    expandIri(
      activeCtx: ActiveContext,
      value: string,
      relativeTo: { vocab?: boolean; base?: boolean },
      options: Record<string, unknown>,
    ): string | null;
    getContextValue(activeCtx: ActiveContext, key: string, type: string): unknown;
  }
  const context: ContextApi;
  export default context;
  export type { ActiveContext };
}
