import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonWebKey as TransmuteJsonWebKey, JsonWebSignature } from '@transmute/json-web-signature';
import securityContext from '@transmute/security-context';
import didV1Context from 'did-context/js/context.js';
import { createDevelopmentCsca, createDevelopmentSigner } from '@divoc/dcc';
import {
  base64Encode,
  base64urlEncode,
  createSigner,
  generateKeyPair,
  importKeyPair,
  parseCertificate,
  trustedKeyFromKeyPair,
  type JwkKeyInput,
  type KeyPair,
  type Signer,
  type TrustedKey,
} from '@divoc/keys';
import { createDocumentLoader } from '@divoc/schemas';
import { canonize, jsonWebSignature2020, JWS_2020_CONTEXT_URL, type JsonObject, type Proof } from '@divoc/vc';
import { fetchDidTrustList, verifyDidTrustListProof } from '@divoc/verifier/did-web';
import { Trust } from '../src/index.js';

/**
 * Signed GDHCN version 2 lists (`JsonWebSignature2020`), checked against an independent implementation: transmute's
 * `@transmute/json-web-signature` signs lists that `verifyDidTrustListProof` must accept, and verifies lists that
 * `@divoc/vc`'s `jsonWebSignature2020` signs. The list is the v2 embedded form of did-trust-list-pki.test.ts (WHO
 * SMART Trust, "Concepts GDHCN Trust List": a `JsonWebKey2020` whose id fragment and JWK `kid` are the kid, with
 * `x5c` [DSC, CSCA]). The oracle's contexts come from the context packages themselves, not from the SDK's loader.
 * Every refusal has its control beside it.
 */

const DID_V1 = 'https://www.w3.org/ns/did/v1';
const V2 = 'did:web:tng.example:v2';
const SIGNER_DID = 'did:web:tng.example:v2:signer';
const SIGNER_ID = `${SIGNER_DID}#list-signer`;
const CREATED = '2024-01-01T00:00:00Z';
const INVALID = { reason: 'ERR_DID_TRUST_PROOF_INVALID' };

type TransmuteKey = Awaited<ReturnType<typeof TransmuteJsonWebKey.generate>>;
interface Jwk extends JsonObject {
  kty: string;
}
interface TransmuteExport {
  publicKeyJwk: Jwk;
  privateKeyJwk: Jwk;
}
type SignedList = JsonObject & { proof: Proof & { jws: string }; verificationMethod: JsonObject[] };

/** The oracle's loader: the two contexts, from did-context and @transmute/security-context, and the signer's DID. */
function oracleLoader(signerDocument?: JsonObject) {
  return async (url: string) => {
    if (signerDocument && url.split('#')[0] === SIGNER_DID) return { documentUrl: url, document: signerDocument };
    const document = url === DID_V1 ? didV1Context : securityContext.contexts.get(url);
    if (!document) throw new Error(`the test loader has no ${url}`);
    return { documentUrl: url, document: structuredClone(document) };
  };
}

/** Proof purpose as jsonld-signatures passes it (transmute's suite calls `update` to sign and `validate` to verify). */
const assertionMethod = {
  update: (proof: JsonObject) => ({ ...proof, proofPurpose: 'assertionMethod' }),
  validate: async (proof: JsonObject) => ({ valid: proof.proofPurpose === 'assertionMethod' }),
};

async function transmuteKey(options: { kty: 'EC'; crv: 'P-256' } | { kty: 'OKP'; crv: 'Ed25519' }) {
  // `detached: true`: a `b64: false` JWS over the raw verify data, as JsonWebSignature2020 specifies.
  const key: TransmuteKey = await TransmuteJsonWebKey.generate({ ...options, detached: true });
  key.id = SIGNER_ID;
  key.controller = SIGNER_DID;
  const exported = (await key.export({ type: 'JsonWebKey2020', privateKey: true })) as TransmuteExport;
  return { key, ...exported };
}

/** Our TrustedKey for a transmute key, from its public JWK. */
const trustedFromJwk = (jwk: Jwk, id = SIGNER_ID): TrustedKey =>
  trustedKeyFromKeyPair(importKeyPair({ jwk: jwk as JwkKeyInput['jwk'] }), { id });

async function transmuteSign(unsigned: JsonObject, key: TransmuteKey): Promise<SignedList> {
  const suite = new JsonWebSignature({ key, date: CREATED });
  const proof = (await suite.createProof({
    document: unsigned,
    purpose: assertionMethod,
    documentLoader: oracleLoader(),
  })) as SignedList['proof'];
  return { ...structuredClone(unsigned), proof } as SignedList;
}

/** Our loader for our own signing: the SDK bundle plus the two contexts from their packages. */
const ourLoader = createDocumentLoader({
  contexts: { [DID_V1]: didV1Context, [JWS_2020_CONTEXT_URL]: securityContext.contexts.get(JWS_2020_CONTEXT_URL) },
  registry: null,
});
const suiteContext = {
  documentLoader: ourLoader,
  canonize: (d: JsonObject) => canonize(d, { documentLoader: ourLoader }),
};

async function ourSign(unsigned: JsonObject, signer: Signer): Promise<SignedList> {
  const proof = await jsonWebSignature2020.createProof({
    document: unsigned,
    signer,
    options: { verificationMethod: signer.id, created: CREATED, proofPurpose: 'assertionMethod' },
    context: suiteContext,
  });
  return { ...structuredClone(unsigned), proof } as SignedList;
}

/**
 * The list re-signed under another JWS header, by a genuine signature over that header and the list's real verify
 * data: only the header differs from a valid proof.
 */
async function resignWithHeader(list: SignedList, kp: KeyPair, header: Record<string, unknown>): Promise<SignedList> {
  const { proof, ...unsigned } = list;
  let verifyData: Uint8Array | undefined;
  const recorder: Signer = {
    id: proof.verificationMethod!,
    algorithm: kp.type === 'P-256' ? 'ES256' : 'EdDSA',
    sign: async (data) => {
      // ASCII(header + '.') || verify data: base64url has no '.', so the first one ends the header.
      verifyData = data.slice(data.indexOf(0x2e) + 1);
      return new Uint8Array(64);
    },
  };
  await jsonWebSignature2020.createProof({
    document: unsigned,
    signer: recorder,
    options: {
      verificationMethod: proof.verificationMethod!,
      created: proof.created!,
      proofPurpose: 'assertionMethod',
    },
    context: suiteContext,
  });
  const encoded = base64urlEncode(new TextEncoder().encode(JSON.stringify(header)));
  const input = new Uint8Array([...new TextEncoder().encode(`${encoded}.`), ...verifyData!]);
  const signer = createSigner(kp, { id: proof.verificationMethod!, algorithm: recorder.algorithm });
  const signature = await signer.sign(input);
  return { ...structuredClone(list), proof: { ...proof, jws: `${encoded}..${base64urlEncode(signature)}` } };
}

/** The list's JWS with its header swapped for `header` (signature unchanged). */
function relabel(list: SignedList, header: Record<string, unknown>): SignedList {
  const encoded = base64urlEncode(new TextEncoder().encode(JSON.stringify(header)));
  const [, , signature] = list.proof.jws.split('.');
  return { ...structuredClone(list), proof: { ...list.proof, jws: `${encoded}..${signature}` } };
}

const decodeHeader = (jws: string): unknown =>
  JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString('utf8'));

let v2List: JsonObject;
let p256: Awaited<ReturnType<typeof transmuteKey>>;
let ed25519: Awaited<ReturnType<typeof transmuteKey>>;
let p256List: SignedList;
let ed25519List: SignedList;
let server: Server;
let base: string;
const bodies = new Map<string, string>();

beforeAll(async () => {
  const from = new Date('2021-01-01T00:00:00Z');
  const csca = await createDevelopmentCsca({ country: 'DE', validFrom: from });
  const dsc = await createDevelopmentSigner({ csca, validFrom: from });
  const id = `${V2}:trustlist:DCC:DEU:DSC`;
  const controller = `${V2}:trustlist:DCC:DEU`;
  v2List = {
    '@context': [DID_V1, JWS_2020_CONTEXT_URL],
    id,
    controller,
    verificationMethod: [
      {
        id: `${id}#${dsc.kid}`,
        type: 'JsonWebKey2020',
        controller,
        publicKeyJwk: {
          ...(parseCertificate(dsc.certificate).publicKey.jwk as JsonObject),
          kid: dsc.kid,
          x5c: [base64Encode(dsc.certificate), base64Encode(csca.certificate)],
        },
      },
    ],
  };
  p256 = await transmuteKey({ kty: 'EC', crv: 'P-256' });
  ed25519 = await transmuteKey({ kty: 'OKP', crv: 'Ed25519' });
  p256List = await transmuteSign(v2List, p256.key);
  ed25519List = await transmuteSign(v2List, ed25519.key);

  server = createServer((req, res) => {
    const body = bodies.get(req.url ?? '');
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

describe('GDHCN v2 lists signed by transmute (JsonWebSignature2020) verify here, without caller contexts', () => {
  it('control: the unsigned v2 list is a DID trust list that loads into a Trust', async () => {
    expect(await new Trust().load(v2List)).toMatchObject({ kind: 'did-trust-list', keys: 1 });
  });

  it('P-256 (ES256): verifies, fetched and read from a file, and loads', async () => {
    expect(p256List.proof).toMatchObject({ type: 'JsonWebSignature2020', created: CREATED });
    expect(decodeHeader(p256List.proof.jws)).toEqual({ alg: 'ES256', b64: false, crit: ['b64'] });
    const key = trustedFromJwk(p256.publicKeyJwk);
    await expect(verifyDidTrustListProof(p256List, { key })).resolves.toBeUndefined();
    bodies.set('/v2/p256/did.json', JSON.stringify(p256List));
    const fetched = await fetchDidTrustList(`${base}/v2/p256/did.json`, { verifyProof: { key } });
    expect(fetched.proof).toBe('verified');
    expect(await new Trust().load(fetched.document)).toMatchObject({ keys: 1 });
  });

  it('Ed25519 (EdDSA): verifies', async () => {
    expect(decodeHeader(ed25519List.proof.jws)).toEqual({ alg: 'EdDSA', b64: false, crit: ['b64'] });
    const key = trustedFromJwk(ed25519.publicKeyJwk);
    await expect(verifyDidTrustListProof(ed25519List, { key })).resolves.toBeUndefined();
  });

  it('a tampered list (one verificationMethod changed) is refused; fetched, it is not cached', async () => {
    const key = trustedFromJwk(p256.publicKeyJwk);
    await expect(verifyDidTrustListProof(p256List, { key })).resolves.toBeUndefined(); // control
    const tampered = structuredClone(p256List);
    tampered.verificationMethod[0]!.controller = `${V2}:trustlist:DCC:FRA`;
    await expect(verifyDidTrustListProof(tampered, { key })).rejects.toMatchObject({
      ...INVALID,
      message: expect.stringMatching(/does not verify/),
    });
    const edTampered = structuredClone(ed25519List);
    (edTampered.verificationMethod[0]!.publicKeyJwk as JsonObject).kid = 'AAAAAAAAAAA=';
    await expect(
      verifyDidTrustListProof(edTampered, { key: trustedFromJwk(ed25519.publicKeyJwk) }),
    ).rejects.toMatchObject(INVALID);
    const entries = new Map<string, unknown>();
    bodies.set('/v2/tampered/did.json', JSON.stringify(tampered));
    await expect(
      fetchDidTrustList(`${base}/v2/tampered/did.json`, {
        verifyProof: { key },
        cache: { get: () => undefined, set: (u, e) => void entries.set(u, e) },
      }),
    ).rejects.toMatchObject(INVALID);
    expect(entries.size).toBe(0);
  });

  it('another key of the same type, or of the other type, under the signer id is refused', async () => {
    await expect(
      verifyDidTrustListProof(p256List, { key: trustedFromJwk(p256.publicKeyJwk) }),
    ).resolves.toBeUndefined();
    const otherP256 = trustedKeyFromKeyPair(await generateKeyPair('P-256'), { id: SIGNER_ID });
    await expect(verifyDidTrustListProof(p256List, { key: otherP256 })).rejects.toMatchObject(INVALID);
    await expect(
      verifyDidTrustListProof(p256List, { key: trustedFromJwk(ed25519.publicKeyJwk) }),
    ).rejects.toMatchObject(INVALID);
    // The right key under another id: the proof names another key than the one given.
    await expect(
      verifyDidTrustListProof(p256List, { key: trustedFromJwk(p256.publicKeyJwk, `${SIGNER_DID}#other`) }),
    ).rejects.toMatchObject({ ...INVALID, message: expect.stringMatching(/another key/) });
  });

  it("a JWS header naming another algorithm than the key's family is refused", async () => {
    const p256Key = trustedFromJwk(p256.publicKeyJwk);
    const edKey = trustedFromJwk(ed25519.publicKeyJwk);
    // Controls: the untouched proofs.
    await expect(verifyDidTrustListProof(p256List, { key: p256Key })).resolves.toBeUndefined();
    await expect(verifyDidTrustListProof(ed25519List, { key: edKey })).resolves.toBeUndefined();
    // EdDSA and ES256 signatures are both 64 bytes: relabelled, the length alone does not tell them apart.
    const edAsEs256 = relabel(ed25519List, { alg: 'ES256', b64: false, crit: ['b64'] });
    await expect(verifyDidTrustListProof(edAsEs256, { key: edKey })).rejects.toMatchObject(INVALID);
    const es256AsEdDsa = relabel(p256List, { alg: 'EdDSA', b64: false, crit: ['b64'] });
    await expect(verifyDidTrustListProof(es256AsEdDsa, { key: p256Key })).rejects.toMatchObject(INVALID);
    // Genuinely signed under a header whose alg (PS256) is not the P-256 key's: never tried with that key.
    const p256Pair = importKeyPair({ jwk: p256.privateKeyJwk as JwkKeyInput['jwk'] });
    const ps256 = await resignWithHeader(p256List, p256Pair, { alg: 'PS256', b64: false, crit: ['b64'] });
    await expect(verifyDidTrustListProof(ps256, { key: p256Key })).rejects.toMatchObject(INVALID);
    // An algorithm JsonWebSignature2020 does not pair with these keys.
    for (const alg of ['ES384', 'HS256', 'none'])
      await expect(
        verifyDidTrustListProof(relabel(p256List, { alg, b64: false, crit: ['b64'] }), { key: p256Key }),
      ).rejects.toMatchObject({ ...INVALID, message: expect.stringMatching(/cannot be checked.*does not fit/) });
  });

  it('a header without b64:false / crit is refused, even with a valid signature over it', async () => {
    const p256Key = trustedFromJwk(p256.publicKeyJwk);
    const p256Pair = importKeyPair({ jwk: p256.privateKeyJwk as JwkKeyInput['jwk'] });
    // Control: the same re-signing with the right header verifies, so only the header makes the difference below.
    const same = await resignWithHeader(p256List, p256Pair, { alg: 'ES256', b64: false, crit: ['b64'] });
    await expect(verifyDidTrustListProof(same, { key: p256Key })).resolves.toBeUndefined();
    for (const header of [{ alg: 'ES256' }, { alg: 'ES256', b64: false }, { alg: 'ES256', crit: ['b64'] }]) {
      const list = await resignWithHeader(p256List, p256Pair, header);
      await expect(verifyDidTrustListProof(list, { key: p256Key })).rejects.toMatchObject({
        ...INVALID,
        message: expect.stringMatching(/b64/),
      });
    }
  });

  it('a proof type swapped (or unknown) is refused', async () => {
    const key = trustedFromJwk(ed25519.publicKeyJwk);
    await expect(verifyDidTrustListProof(ed25519List, { key })).resolves.toBeUndefined(); // control
    for (const type of ['Ed25519Signature2020', 'Ed25519Signature2018', 'DataIntegrityProof', 'toString']) {
      const swapped = { ...ed25519List, proof: { ...ed25519List.proof, type } };
      await expect(verifyDidTrustListProof(swapped, { key })).rejects.toMatchObject(INVALID);
    }
    const { proof: _, ...unsigned } = ed25519List;
    await expect(verifyDidTrustListProof(unsigned, { key })).rejects.toThrow(/not signed/);
  });
});

describe('lists signed by @divoc/vc jsonWebSignature2020 verify with transmute', () => {
  async function transmuteVerifies(list: SignedList, publicKeyJwk: Jwk): Promise<boolean> {
    const signerDocument: JsonObject = {
      '@context': [DID_V1, JWS_2020_CONTEXT_URL],
      id: SIGNER_DID,
      verificationMethod: [{ id: SIGNER_ID, type: 'JsonWebKey2020', controller: SIGNER_DID, publicKeyJwk }],
      assertionMethod: [SIGNER_ID],
    };
    const { proof, ...document } = list;
    const result = await new JsonWebSignature().verifyProof({
      // jsonld-signatures hands a suite the proof under the document's context; the suite canonicalises it as is.
      proof: { '@context': list['@context'], ...proof },
      document,
      purpose: assertionMethod,
      documentLoader: oracleLoader(signerDocument),
    });
    return result.verified;
  }

  for (const type of ['P-256', 'Ed25519'] as const) {
    it(`${type}: transmute verifies ours; a tampered copy it refuses; ours verifies it too`, async () => {
      const kp = await generateKeyPair(type);
      const signer = createSigner(kp, { id: SIGNER_ID });
      const signed = await ourSign(v2List, signer);
      expect(decodeHeader(signed.proof.jws)).toEqual({
        alg: type === 'P-256' ? 'ES256' : 'EdDSA',
        b64: false,
        crit: ['b64'],
      });
      const publicKeyJwk = trustedKeyFromKeyPair(kp, { id: SIGNER_ID }).publicKeyJwk as Jwk;
      expect(await transmuteVerifies(signed, publicKeyJwk)).toBe(true);
      const tampered = structuredClone(signed);
      tampered.verificationMethod[0]!.id = `${V2}:trustlist:DCC:DEU:DSC#other`;
      expect(await transmuteVerifies(tampered, publicKeyJwk)).toBe(false);
      const key = trustedKeyFromKeyPair(kp, { id: SIGNER_ID });
      await expect(verifyDidTrustListProof(signed, { key })).resolves.toBeUndefined();
      await expect(verifyDidTrustListProof(tampered, { key })).rejects.toMatchObject(INVALID);
    });
  }

  it('the suite refuses to sign with an algorithm it does not pair with a key type', async () => {
    const kp = await generateKeyPair('RSA');
    await expect(ourSign(v2List, createSigner(kp, { id: SIGNER_ID, algorithm: 'RS256' }))).rejects.toMatchObject({
      code: 'ERR_VC_SUITE_ALG_MISMATCH',
    });
    // Control: PS256 with the same key signs, and verifies here.
    const signed = await ourSign(v2List, createSigner(kp, { id: SIGNER_ID, algorithm: 'PS256' }));
    await expect(
      verifyDidTrustListProof(signed, { key: trustedKeyFromKeyPair(kp, { id: SIGNER_ID }) }),
    ).resolves.toBeUndefined();
  });
});
