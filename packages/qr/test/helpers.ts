import { TrustStore, importKeyPair, trustedKeyFromKeyPair } from '@divoc/keys';
import { vectorFiles as filesUnder, vectorJson, vectorText } from '../../../test/support/vectors.js';

/** The published vectors in `<repo>/test/vectors/` (see its README); a missing one throws. */
export { vectorBytes, vectorJson, vectorText } from '../../../test/support/vectors.js';

/** Every file under a vectors folder (recursive), as paths relative to test/vectors/; throws when there is none. */
export function vectorFiles(folder: string, suffix: string): string[] {
  return filesUnder(folder, suffix, { recursive: true });
}

/** DIVOC's test keys, both answering to the label `did:india`, as DIVOC's verifiers map them. */
export function divocTrustStore(): TrustStore {
  const rsa = importKeyPair({ pem: vectorText('divoc/keys/divoc-test-rsa.public.pem') });
  const ed = importKeyPair(vectorJson('divoc/keys/divoc-test-ed25519.json') as never);
  const store = new TrustStore();
  store.add(trustedKeyFromKeyPair(rsa, { id: 'did:india' }));
  store.add(trustedKeyFromKeyPair(ed, { id: 'did:india' }));
  return store;
}

export const DIVOC_VECTORS = ['ed25519-2018-divocdev-valid', 'rsa2018-divocdev-valid'] as const;
