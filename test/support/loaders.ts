/** JSON-LD document loaders for the cross-checks against digitalbazaar's reference stack (dev dependencies). */
import { resolveDidKey } from '@divoc/keys';

/**
 * `loader` (our offline one) plus local did:key resolution: digitalbazaar dereferences the verification method.
 * Documents are handed over as private copies, since digitalbazaar's libraries may annotate our frozen ones.
 */
export function withDidKeys<R extends { document: unknown }>(loader: (url: string) => Promise<R>) {
  return async (url: string) => {
    if (url.startsWith('did:key:')) {
      const didDocument = resolveDidKey(url.split('#')[0]!);
      if (url.includes('#')) {
        const vm = didDocument.verificationMethod.find((m) => m.id === url);
        if (!vm) throw new Error(`no verification method ${url}`);
        return {
          contextUrl: null,
          documentUrl: url,
          document: { '@context': 'https://w3id.org/security/multikey/v1', ...vm },
        };
      }
      return { contextUrl: null, documentUrl: url, document: JSON.parse(JSON.stringify(didDocument)) as unknown };
    }
    const remote = await loader(url);
    return { ...remote, document: JSON.parse(JSON.stringify(remote.document)) as unknown };
  };
}
