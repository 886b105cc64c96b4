import { describe, expect, it } from 'vitest';
import {
  CONTEXT_URLS,
  bundledContexts,
  createDocumentLoader,
  ContextConflictError,
  InvalidContextError,
  UnknownContextError,
} from '@divoc/schemas';
import { jsonld, listVectors, readVector } from './helpers.js';

describe('bundled contexts', () => {
  it('holds every named URL', () => {
    const bundle = bundledContexts();
    for (const url of Object.values(CONTEXT_URLS)) {
      const doc = bundle.get(url) as { '@context'?: unknown } | undefined;
      expect(doc, url).toBeDefined();
      expect(doc!['@context'], url).toBeDefined();
    }
    expect(bundle.size).toBe(Object.values(CONTEXT_URLS).length);
  });

  it('serves the same DIVOC documents under both hosts', () => {
    const b = bundledContexts();
    expect(b.get(CONTEXT_URLS.COWIN_VACCINATION_V1)).toEqual(b.get(CONTEXT_URLS.DIVOC_VACCINATION_V1));
    expect(b.get(CONTEXT_URLS.COWIN_VACCINATION_V2)).toEqual(b.get(CONTEXT_URLS.DIVOC_VACCINATION_V2));
    expect(b.get(CONTEXT_URLS.COWIN_TEST_CERTIFICATE_V1)).toEqual(b.get(CONTEXT_URLS.DIVOC_TEST_CERTIFICATE_V1));
    expect(b.get(CONTEXT_URLS.DIVOC_VACCINATION_V1)).toEqual(readVector('divoc/contexts/vaccinationContext.json'));
    expect(b.get(CONTEXT_URLS.DIVOC_VACCINATION_V2)).toEqual(readVector('divoc/contexts/vaccinationContextV2.json'));
    expect(b.get(CONTEXT_URLS.DIVOC_TEST_CERTIFICATE_V1)).toEqual(
      readVector('divoc/contexts/testCertificateContext.json'),
    );
  });

  it('returns a fresh map each time; mutating it does not affect the loader', async () => {
    const b = bundledContexts() as Map<string, unknown>;
    b.delete(CONTEXT_URLS.CREDENTIALS_V1);
    const loader = createDocumentLoader();
    await expect(loader(CONTEXT_URLS.CREDENTIALS_V1)).resolves.toBeDefined();
    expect(bundledContexts().has(CONTEXT_URLS.CREDENTIALS_V1)).toBe(true);
  });

  it('the examples context is the W3C @vocab one', () => {
    expect(bundledContexts().get(CONTEXT_URLS.CREDENTIALS_EXAMPLES_V2)).toEqual({
      '@context': { '@vocab': 'https://www.w3.org/ns/credentials/examples#' },
    });
  });
});

describe('createDocumentLoader', () => {
  it('answers with a RemoteDocument', async () => {
    const loader = createDocumentLoader();
    const r = await loader(CONTEXT_URLS.CREDENTIALS_V2);
    expect(r.contextUrl).toBeNull();
    expect(r.documentUrl).toBe(CONTEXT_URLS.CREDENTIALS_V2);
    expect((r.document as Record<string, unknown>)['@context']).toBeDefined();
  });

  it.each([
    'https://example.com/unknown/v1',
    'https://www.w3.org/2018/credentials/v1/',
    'https://www.w3.org/2018/credentials/v1#x',
    'HTTPS://WWW.W3.ORG/2018/credentials/v1',
    'did:india',
    'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    '',
    'x'.repeat(100_000),
    '__proto__',
    'constructor',
    'toString',
  ])('rejects %s with ERR_JSONLD_UNKNOWN_URL', async (url) => {
    const loader = createDocumentLoader();
    const err = await loader(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownContextError);
    expect((err as UnknownContextError).code).toBe('ERR_JSONLD_UNKNOWN_URL');
    expect((err as UnknownContextError).message).toContain(JSON.stringify(url.slice(0, 300)).slice(0, -1));
  });

  it('rejects non-string input without crashing', async () => {
    const loader = createDocumentLoader();
    for (const bad of [null, undefined, 42, {}, [], Symbol.iterator.toString()]) {
      await expect(loader(bad as unknown as string)).rejects.toMatchObject({ code: 'ERR_JSONLD_UNKNOWN_URL' });
    }
  });

  it('documents cannot be mutated by callers (each answer is a fresh copy)', async () => {
    const loader = createDocumentLoader();
    const first = (await loader(CONTEXT_URLS.CREDENTIALS_V1)).document as { '@context': Record<string, unknown> };
    first['@context']['VerifiableCredential'] = 'evil';
    delete first['@context']['@protected'];
    const again = (await loader(CONTEXT_URLS.CREDENTIALS_V1)).document as { '@context': Record<string, unknown> };
    expect(again).not.toBe(first);
    expect(again['@context']['VerifiableCredential']).not.toBe('evil');
    expect(again['@context']['@protected']).toBe(true);
    const other = (await createDocumentLoader()(CONTEXT_URLS.CREDENTIALS_V1)).document;
    expect(other).toEqual(again);
    expect(bundledContexts().get(CONTEXT_URLS.CREDENTIALS_V1)).toEqual(again);
  });

  it('bundledContexts() documents are deeply frozen', () => {
    const doc = bundledContexts().get(CONTEXT_URLS.CREDENTIALS_V1) as { '@context': Record<string, unknown> };
    expect(Object.isFrozen(doc)).toBe(true);
    expect(Object.isFrozen(doc['@context'])).toBe(true);
    expect(() => {
      doc['@context']['VerifiableCredential'] = 'evil';
    }).toThrow(TypeError);
  });

  it('mutating the RemoteDocument wrapper does not leak into later answers', async () => {
    const loader = createDocumentLoader();
    const r = await loader(CONTEXT_URLS.SECURITY_V2);
    (r as { document: unknown }).document = { '@context': {} };
    const r2 = await loader(CONTEXT_URLS.SECURITY_V2);
    expect(JSON.stringify(r2.document)).toContain('RsaSignature2018');
  });

  it('does not freeze the source packages\u2019 own objects', async () => {
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url)('@digitalbazaar/credentials-context') as {
      contexts: Map<string, object>;
    };
    createDocumentLoader();
    expect(Object.isFrozen(pkg.contexts.get(CONTEXT_URLS.CREDENTIALS_V1))).toBe(false);
  });

  it('serves user contexts (object or Map), copied and frozen', async () => {
    const mine = { '@context': { '@version': 1.1, foo: 'https://example.org/foo' } };
    for (const contexts of [{ 'https://example.org/ctx/v1': mine }, new Map([['https://example.org/ctx/v1', mine]])]) {
      const loader = createDocumentLoader({ contexts });
      const { document } = await loader('https://example.org/ctx/v1');
      expect(document).toEqual(mine);
      expect(document).not.toBe(mine);
    }
    const loader = createDocumentLoader({ contexts: { 'https://example.org/ctx/v1': mine } });
    mine['@context'].foo = 'changed';
    expect(Object.isFrozen(mine)).toBe(false);
    // Taken by copy when the loader was made.
    expect(((await loader('https://example.org/ctx/v1')).document as typeof mine)['@context'].foo).toBe(
      'https://example.org/foo',
    );
  });

  it('refuses to let user contexts replace bundled ones', () => {
    expect(() =>
      createDocumentLoader({
        contexts: { [CONTEXT_URLS.CREDENTIALS_V1]: { '@context': { '@vocab': 'https://evil.example/' } } },
      }),
    ).toThrow(ContextConflictError);
    // An identical copy is harmless.
    const same = bundledContexts().get(CONTEXT_URLS.SECURITY_V1);
    expect(() =>
      createDocumentLoader({ contexts: { [CONTEXT_URLS.SECURITY_V1]: JSON.parse(JSON.stringify(same)) } }),
    ).not.toThrow();
  });

  it('rejects malformed user contexts with typed errors', () => {
    const bad: unknown[] = [
      { 'not a url': { '@context': {} } },
      { 'https://example.org/a': null },
      { 'https://example.org/a': 'text' },
      { 'https://example.org/a': [] },
      { 'https://example.org/a': { notContext: 1 } },
      { 'did:example:123': { '@context': {} } },
    ];
    for (const contexts of bad) {
      let err: unknown;
      try {
        createDocumentLoader({ contexts: contexts as Record<string, unknown> });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(contexts)).toBeInstanceOf(InvalidContextError);
      expect((err as InvalidContextError).code).toBe('ERR_JSONLD_CONTEXT_INVALID');
    }
    const cyclic: Record<string, unknown> = { '@context': {} };
    (cyclic['@context'] as Record<string, unknown>).self = cyclic;
    expect(() => createDocumentLoader({ contexts: { 'https://example.org/c': cyclic } })).toThrow(InvalidContextError);
  });

  it('a pathologically deep user context is rejected with a typed error', () => {
    let deep: unknown = {};
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    expect(() => createDocumentLoader({ contexts: { 'https://example.org/deep': { '@context': deep } } })).toThrow(
      InvalidContextError,
    );
  });

  it('a __proto__ key in a user context stays plain data', async () => {
    const doc = JSON.parse('{"@context":{"__proto__":{"polluted":true},"a":"https://example.org/a"}}') as unknown;
    const loader = createDocumentLoader({ contexts: { 'https://example.org/p': doc } });
    const { document } = await loader('https://example.org/p');
    const ctx = (document as Record<string, Record<string, unknown>>)['@context']!;
    expect(Object.hasOwn(ctx, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(ctx)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('jsonld.js with the loader (offline)', () => {
  const signed = listVectors('divoc/signed/');

  it.each(signed)('expands %s in safe mode (no dropped terms)', async (file) => {
    const credential = readVector<Record<string, unknown>>(file);
    const documentLoader = createDocumentLoader();
    const expanded = await jsonld.expand(credential, { documentLoader, safe: true });
    expect(expanded.length).toBe(1);
  });

  it('canonicalizes a DIVOC proof with security v2 (legacy 2018 suites)', async () => {
    const credential = readVector<Record<string, unknown>>('divoc/signed/rsa2018-divocdev-valid.json');
    const proof = { '@context': CONTEXT_URLS.SECURITY_V2, ...(credential.proof as object) };
    const nquads = await jsonld.canonize(proof, {
      documentLoader: createDocumentLoader(),
      algorithm: 'URDNA2015',
      format: 'application/n-quads',
      safe: true,
    });
    expect(nquads).toContain('https://w3id.org/security#proofPurpose');
  });

  it(
    'serves the Bitstring Status List v1 context: a VC 1.1 status list credential and entry expand in safe ' + 'mode',
    async () => {
      expect(CONTEXT_URLS.BITSTRING_STATUS_LIST_V1).toBe('https://www.w3.org/ns/credentials/status/v1');
      const documentLoader = createDocumentLoader();
      const loaded = await documentLoader(CONTEXT_URLS.BITSTRING_STATUS_LIST_V1);
      expect(JSON.stringify(loaded.document)).toContain('BitstringStatusListEntry');
      /** A VC 1.1 credential under the status list context, issued by did:example:issuer. */
      const statusVc = (fields: Record<string, unknown>) => ({
        '@context': [CONTEXT_URLS.CREDENTIALS_V1, CONTEXT_URLS.BITSTRING_STATUS_LIST_V1],
        issuer: 'did:example:issuer',
        issuanceDate: '2024-01-01T00:00:00Z',
        ...fields,
      });
      /** `doc` expands (safe mode) to JSON-LD using the status vocabulary's `term`. */
      const expectExpandsWith = async (doc: object, term: string) =>
        expect(JSON.stringify(await jsonld.expand(doc, { documentLoader, safe: true }))).toContain(
          `https://www.w3.org/ns/credentials/status#${term}`,
        );
      const listSubject = {
        id: 'https://example.com/status/1#list',
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList: 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA',
      };
      await expectExpandsWith(
        statusVc({
          id: 'https://example.com/status/1',
          type: ['VerifiableCredential', 'BitstringStatusListCredential'],
          credentialSubject: listSubject,
        }),
        'encodedList',
      );
      const entry = {
        id: 'https://example.com/status/1#94567',
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '94567',
        statusListCredential: 'https://example.com/status/1',
      };
      await expectExpandsWith(
        statusVc({
          type: 'VerifiableCredential',
          credentialSubject: { id: 'did:example:holder' },
          credentialStatus: entry,
        }),
        'statusListIndex',
      );
    },
  );

  it('fails offline, with the typed error, on an unknown context', async () => {
    const doc = {
      '@context': ['https://www.w3.org/2018/credentials/v1', 'https://example.com/nope'],
      type: 'VerifiableCredential',
    };
    const err = (await jsonld.expand(doc, { documentLoader: createDocumentLoader() }).catch((e: unknown) => e)) as {
      details?: { cause?: { code?: string } };
    };
    expect(JSON.stringify(err.details?.cause?.code ?? err)).toContain('ERR_JSONLD_UNKNOWN_URL');
  });
});
