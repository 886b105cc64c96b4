import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner, generateKeyPair, trustedKeyFromKeyPair, type TrustedKey } from '@divoc/keys';
import { createDocumentLoader } from '@divoc/schemas';
import { canonize, suites, type JsonObject } from '@divoc/vc';
import { didWebUrl, fetchDidTrustList, verifyDidTrustListProof, type DidTrustListCache } from '@divoc/verifier/did-web';
import securityContext from '@transmute/security-context';
import didV1Context from 'did-context/js/context.js';
import { Trust } from '../src/index.js';
import { vectorText } from './helpers.js';

/**
 * The fetch helper against a loopback HTTP server (127.0.0.1): nothing is fetched at import or without a call, lists
 * are cached, and a signed list's Ed25519Signature2020 proof is checked with @divoc/vc's suite. The W3C DID v1 and
 * JWS 2020 contexts are bundled with `@divoc/verifier/did-web`: the lists are signed here under the same documents,
 * taken from their packages (did-context, @transmute/security-context), and verified without passing any.
 * JsonWebSignature2020 (GDHCN v2) lists: did-web-jws-2020.test.ts.
 */
const EXCERPT = vectorText('who/trustlist-test-excerpt.did.json');
const DID_V1 = 'https://www.w3.org/ns/did/v1';
const JWS_2020 = 'https://w3id.org/security/suites/jws-2020/v1';
const ED25519_2020 = 'https://w3id.org/security/suites/ed25519-2020/v1';
const CONTEXTS = { [DID_V1]: didV1Context, [JWS_2020]: securityContext.contexts.get(JWS_2020) };
/** A context the SDK does not bundle, which a list may name besides the usual ones. */
const EXTRA = 'https://lists.example/extra/v1';
const EXTRA_CONTEXT = { '@context': { listSerial: 'https://lists.example/vocab#listSerial' } };
const standIn = (vocab: string) => ({ '@context': { '@version': 1.1, id: '@id', type: '@type', '@vocab': vocab } });

let server: Server;
let base: string;
let hits = 0;
const bodies = new Map<string, string>();

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    const body = bodies.get(req.url ?? '');
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  bodies.set('/u/ml/e/did.json', EXCERPT);
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

/**
 * A signed copy of a small list (the `s/` variant's shape: the Ed25519 2020 context and a root proof); `extra` adds a
 * context the SDK does not bundle, and a term of it; `contexts` replaces the documents it is signed under.
 */
async function signedList(
  key: Awaited<ReturnType<typeof generateKeyPair>>,
  signerId: string,
  { extra = false, contexts = CONTEXTS }: { extra?: boolean; contexts?: Record<string, unknown> } = {},
) {
  const doc = JSON.parse(EXCERPT) as JsonObject & { verificationMethod: unknown[] };
  const unsigned = {
    '@context': [DID_V1, JWS_2020, ED25519_2020, ...(extra ? [EXTRA] : [])],
    id: 'did:web:lists.example:s:ml:e',
    ...(extra ? { listSerial: '7' } : {}),
    verificationMethod: doc.verificationMethod.slice(0, 3),
  } as JsonObject;
  const documentLoader = createDocumentLoader({ contexts: { ...contexts, [EXTRA]: EXTRA_CONTEXT }, registry: null });
  const proof = await suites.Ed25519Signature2020.createProof({
    document: unsigned,
    signer: createSigner(key, { id: signerId, algorithm: 'EdDSA' }),
    options: { verificationMethod: signerId, created: '2024-01-01T00:00:00Z', proofPurpose: 'assertionMethod' },
    context: { documentLoader, canonize: (d) => canonize(d, { documentLoader }) },
  });
  return { ...unsigned, proof };
}

describe('@divoc/verifier/did-web', () => {
  it('resolves did:web to its did.json (W3C did:web), and refuses what is not one', () => {
    expect(didWebUrl('did:web:tng-cdn.who.int:v2:trustlist')).toBe('https://tng-cdn.who.int/v2/trustlist/did.json');
    expect(didWebUrl('did:web:example.org')).toBe('https://example.org/.well-known/did.json');
    expect(didWebUrl('did:web:localhost%3A8443:a')).toBe('https://localhost:8443/a/did.json');
    expect(() => didWebUrl('did:web:example.org:..:x')).toThrow(/plain names/);
    expect(() => didWebUrl('http://example.org/did.json')).toThrow(/not a did:web/);
  });

  it('fetches nothing at import; fetches when called, caches, and the list loads into a Trust', async () => {
    expect(hits).toBe(0);
    const entries = new Map<string, Parameters<DidTrustListCache['set']>[1]>();
    const cache: DidTrustListCache = { get: (u) => entries.get(u), set: (u, e) => void entries.set(u, e) };
    const first = await fetchDidTrustList(`${base}/u/ml/e/did.json`, { cache });
    expect(first).toMatchObject({ fromCache: false, proof: 'absent' });
    expect(hits).toBe(1);
    const second = await fetchDidTrustList(`${base}/u/ml/e/did.json`, { cache });
    expect(second.fromCache).toBe(true);
    expect(hits).toBe(1);
    // Older than maxAge: fetched again.
    await fetchDidTrustList(`${base}/u/ml/e/did.json`, { cache, maxAge: 0, now: new Date(Date.now() + 10) });
    expect(hits).toBe(2);
    const trust = new Trust();
    expect((await trust.load(first.document)).kind).toBe('did-trust-list');
    expect(trust.store.resolve('lHHRhMo9GWg=')).toHaveLength(1);
  });

  it('a file cache (cacheDir) survives between calls', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'divoc-didweb-'));
    try {
      const before = hits;
      await fetchDidTrustList(`${base}/u/ml/e/did.json`, { cacheDir: dir });
      expect((await fetchDidTrustList(`${base}/u/ml/e/did.json`, { cacheDir: dir })).fromCache).toBe(true);
      expect(hits).toBe(before + 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses what is not a DID trust list, oversize bodies and HTTP errors, and caches none of them', async () => {
    bodies.set('/bad/did.json', '{"id": "did:web:x", "id": "did:web:y"}');
    bodies.set('/other/did.json', '{"keys": []}');
    const cache = new Map<string, unknown>();
    const c: DidTrustListCache = { get: () => undefined, set: (u, e) => void cache.set(u, e) };
    await expect(fetchDidTrustList(`${base}/bad/did.json`, { cache: c })).rejects.toMatchObject({
      code: 'ERR_TRUST_INVALID',
    });
    await expect(fetchDidTrustList(`${base}/other/did.json`, { cache: c })).rejects.toThrow(/not a DID trust list/);
    await expect(fetchDidTrustList(`${base}/u/ml/e/did.json`, { maxBytes: 1000 })).rejects.toThrow(/larger than/);
    await expect(fetchDidTrustList(`${base}/missing/did.json`)).rejects.toMatchObject({ code: 'ERR_TRUST_UNREADABLE' });
    expect(cache.size).toBe(0);
  });

  describe('signed lists (Ed25519Signature2020)', () => {
    let listSigner: Awaited<ReturnType<typeof generateKeyPair>>;
    let key: TrustedKey;
    const SIGNER_ID = 'did:web:signer.example#web';
    beforeAll(async () => {
      listSigner = await generateKeyPair('Ed25519');
      key = trustedKeyFromKeyPair(listSigner, { id: SIGNER_ID });
      bodies.set('/s/did.json', JSON.stringify(await signedList(listSigner, SIGNER_ID)));
    });

    it('control: the signature verifies with the list signer key, with no contexts passed', async () => {
      const fetched = await fetchDidTrustList(`${base}/s/did.json`, { verifyProof: { key } });
      expect(fetched.proof).toBe('verified');
      expect((await new Trust().load(fetched.document)).keys).toBeGreaterThan(0);
      // Read from a file instead: the same check without fetching.
      await expect(verifyDidTrustListProof(fetched.document, { key })).resolves.toBeUndefined();
      // Without a key the proof is reported as unchecked, never as verified.
      expect((await fetchDidTrustList(`${base}/s/did.json`)).proof).toBe('unchecked');
    });

    it('a tampered list, another key or a missing proof are refused', async () => {
      const signed = JSON.parse(bodies.get('/s/did.json')!) as { verificationMethod: { id: string }[] };
      await expect(verifyDidTrustListProof(signed, { key })).resolves.toBeUndefined(); // control
      signed.verificationMethod = signed.verificationMethod.slice(1);
      bodies.set('/s-tampered/did.json', JSON.stringify(signed));
      const check = { verifyProof: { key } };
      await expect(fetchDidTrustList(`${base}/s-tampered/did.json`, check)).rejects.toMatchObject({
        reason: 'ERR_DID_TRUST_PROOF_INVALID',
        message: expect.stringMatching(/does not verify/),
      });
      const other = trustedKeyFromKeyPair(await generateKeyPair('Ed25519'), { id: SIGNER_ID });
      await expect(fetchDidTrustList(`${base}/s/did.json`, { verifyProof: { key: other } })).rejects.toThrow(
        /does not verify/,
      );
      await expect(fetchDidTrustList(`${base}/u/ml/e/did.json`, check)).rejects.toThrow(/not signed/);
    });

    it('a list naming a context the SDK does not bundle verifies with it passed in contexts, not without', async () => {
      bodies.set('/s-extra/did.json', JSON.stringify(await signedList(listSigner, SIGNER_ID, { extra: true })));
      const fetched = await fetchDidTrustList(`${base}/s-extra/did.json`, {
        verifyProof: { key, contexts: { [EXTRA]: EXTRA_CONTEXT } },
      });
      expect(fetched.proof).toBe('verified');
      await expect(fetchDidTrustList(`${base}/s-extra/did.json`, { verifyProof: { key } })).rejects.toMatchObject({
        reason: 'ERR_DID_TRUST_PROOF_INVALID',
        message: expect.stringMatching(/cannot be checked.*verifyProof\.contexts/),
      });
    });

    it('passed contexts cannot replace the bundled DID v1 and JWS 2020 ones', async () => {
      // Signed under stand-ins for the two contexts: refused even when the same stand-ins are passed.
      const standIns = {
        [DID_V1]: standIn('https://www.w3.org/ns/did#'),
        [JWS_2020]: standIn('https://w3id.org/security#'),
      };
      const underStandIns = await signedList(listSigner, SIGNER_ID, { contexts: standIns });
      await expect(verifyDidTrustListProof(underStandIns, { key, contexts: standIns })).rejects.toMatchObject({
        reason: 'ERR_DID_TRUST_PROOF_INVALID',
        message: expect.stringMatching(/does not verify/),
      });
      // Control: the same key and list signed under the real contexts verify with the same (ignored) stand-ins.
      const underReal = await signedList(listSigner, SIGNER_ID);
      await expect(verifyDidTrustListProof(underReal, { key, contexts: standIns })).resolves.toBeUndefined();
    });
  });
});
