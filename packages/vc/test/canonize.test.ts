import { describe, expect, it } from 'vitest';
import { createDocumentLoader } from '@divoc/schemas';
import { canonize, JsonLdSafeModeError, JsonLdUnknownUrlError, VcMalformedError } from '../src/index.js';
import { vectorJson, vectorText } from './helpers.js';

describe('canonize', () => {
  it('gives the W3C canonical N-Quads, with the default loader too', async () => {
    const unsigned = vectorJson('w3c/vc-di-eddsa/TestVectors/unsigned.json');
    const expected = vectorText('w3c/vc-di-eddsa/TestVectors/eddsa-rdfc-2022/canonDocDataInt.txt');
    expect(await canonize(unsigned as never)).toBe(expected);
    expect(await canonize(unsigned as never, { documentLoader: createDocumentLoader() })).toBe(expected);
  });

  it('throws typed errors: safe mode, unknown URL, not an object', async () => {
    const base = { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential'] };
    await expect(canonize({ ...base, undefinedTerm: 1 })).rejects.toBeInstanceOf(JsonLdSafeModeError);
    await expect(canonize({ ...base, undefinedTerm: 1 })).rejects.toThrow(/undefinedTerm/);
    await expect(canonize({ ...base, '@context': ['https://nowhere.example/ctx'] })).rejects.toBeInstanceOf(
      JsonLdUnknownUrlError,
    );
    await expect(canonize({ ...base, id: 'relative/path' })).rejects.toMatchObject({ code: 'ERR_JSONLD_SAFE_MODE' });
    await expect(canonize([] as never)).rejects.toBeInstanceOf(VcMalformedError);
    await expect(canonize({ '@context': 42 } as never)).rejects.toMatchObject({ code: 'ERR_VC_MALFORMED' });
  });

  it("keeps resolved contexts per loader: one loader's context is never served to another", async () => {
    const url = 'https://contexts.example/same-url/v1';
    const loaderA = createDocumentLoader({
      registry: null,
      contexts: { [url]: { '@context': { term: 'https://a.example/term' } } },
    });
    const loaderB = createDocumentLoader({
      registry: null,
      contexts: { [url]: { '@context': { term: 'https://b.example/term' } } },
    });
    const doc = { '@context': url, '@id': 'urn:x', term: 'v' };
    expect(await canonize(doc, { documentLoader: loaderA })).toContain('<https://a.example/term>');
    expect(await canonize(doc, { documentLoader: loaderB })).toContain('<https://b.example/term>');
    expect(await canonize(doc, { documentLoader: loaderA })).toContain('<https://a.example/term>');
  });

  it('rejects a blank-node "poison" graph instead of spinning', async () => {
    // A clique of mutually-linked blank nodes: indistinguishable without deep (exponential) comparison.
    const n = 12;
    const nodes = Array.from({ length: n }, (_, i) => ({
      '@id': `_:b${i}`,
      'https://p.example/link': Array.from({ length: n }, (_, j) => ({ '@id': `_:b${j}` })).filter((_, j) => j !== i),
    }));
    const started = Date.now();
    await expect(canonize({ '@graph': nodes } as never)).rejects.toMatchObject({ code: 'ERR_VC_MALFORMED' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
