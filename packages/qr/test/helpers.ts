import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrustStore, importKeyPair, trustedKeyFromKeyPair } from '@divoc/keys';

/** `<repo>/../shared/vectors`, resolved from this file so CI clones work too. */
export const VECTORS = new URL('../../../../shared/vectors/', import.meta.url);

export function vectorText(path: string): string {
  return readFileSync(new URL(path, VECTORS), 'utf8');
}

export function vectorBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(path, VECTORS)));
}

export function vectorJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(vectorText(path)) as T;
}

/** Every file under a vectors folder (recursive), as paths relative to VECTORS. */
export function vectorFiles(folder: string, suffix: string): string[] {
  const root = fileURLToPath(new URL(folder, VECTORS));
  const walk = (dir: string, rel: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? walk(join(dir, e.name), `${rel}${e.name}/`)
        : e.name.endsWith(suffix)
          ? [`${folder}${rel}${e.name}`]
          : [],
    );
  return walk(root, '').sort();
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
