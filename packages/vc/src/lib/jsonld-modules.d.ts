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
