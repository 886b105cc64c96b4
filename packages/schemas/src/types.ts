/** Contract types shared with `@divoc/vc` and later packages. Keep these stable. */

/** What a JSON-LD document loader returns (the shape `jsonld.js` expects). */
export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}

/** Resolves a URL to a document, offline. Throws `UnknownContextError` for anything it does not hold. */
export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/** One problem found by validation. `path` is a JSONPath such as `$.evidence[0].batch`. */
export interface ValidationIssue {
  path: string;
  message: string;
  /** Machine-readable reason, e.g. `required`, `type`, `format`, `enum`, `pattern`. */
  keyword: string;
}

/** The result of a validation: valid, or the issues found. */
export interface ValidationResult {
  valid: boolean;
  issues: ValidationIssue[];
}
