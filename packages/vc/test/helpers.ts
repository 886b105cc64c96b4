import { readFileSync } from 'node:fs';

/** The published vectors in `<repo>/test/vectors/` (see its README); a missing one throws. */
export { VECTORS_URL as VECTORS, vectorJson, vectorText } from '../../../test/support/vectors.js';

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

import { createDocumentLoader } from '@divoc/schemas';
import { TrustStore, type TrustedKey } from '@divoc/keys';

/** The loader the W3C "employ" vectors need: the bundle plus the citizenship v4rc1 context (test fixture). */
export function w3cLoader() {
  const citizenship = JSON.parse(
    readFileSync(new URL('./fixtures/citizenship-v4rc1.json', import.meta.url), 'utf8'),
  ) as unknown;
  return createDocumentLoader({ contexts: { 'https://w3id.org/citizenship/v4rc1': citizenship } });
}

/** A `TrustStore` holding `keys` (several may share an id, e.g. DIVOC's `did:india`). */
export function keyResolver(keys: TrustedKey[]): TrustStore {
  const store = new TrustStore();
  for (const key of keys) store.add(key);
  return store;
}
