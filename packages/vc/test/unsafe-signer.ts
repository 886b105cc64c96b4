/**
 * A proof suite that canonicalises as DIVOC's signer did: jsonld.js without safe mode, so relative IRIs are silently
 * dropped. For issuing the credentials real issuers made; independent of the verifier's own tolerant canonicaliser,
 * so tests do not check it against itself.
 */
import jsonld from 'jsonld';
import { createDocumentLoader } from '@divoc/schemas';
import { suites, type ProofSuite, type SuiteName } from '../src/index.js';

/** The document loader the suite canonicalises with (and that issuing with it should use). */
export const loader = createDocumentLoader();
/** jsonld.js's `canonize`, which the package's partial typing of `jsonld` leaves out. */
interface JsonLdCanonize {
  canonize(document: unknown, options: unknown): Promise<string>;
}

/** The suite `name`, signing over jsonld.js's canonical form without safe mode. */
export function unsafeSigner(name: SuiteName): ProofSuite {
  const base = suites[name];
  return {
    ...base,
    createProof: (args) =>
      base.createProof({
        ...args,
        context: {
          ...args.context,
          canonize: (document) =>
            (jsonld as unknown as JsonLdCanonize).canonize(document, {
              algorithm: 'URDNA2015',
              format: 'application/n-quads',
              documentLoader: loader,
              safe: false,
              base: null,
            }),
        },
      }),
  };
}
