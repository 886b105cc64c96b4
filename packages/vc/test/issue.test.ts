import { describe, expect, it } from 'vitest';
import { CONTEXT_URLS } from '@divoc/schemas';
import { createSigner, generateKeyPair, trustedKeyFromKeyPair, type KeyPair, type Signer } from '@divoc/keys';
import {
  eddsaRdfc2022,
  issueCredential,
  suites,
  verifyCredential,
  type ProofSuite,
  type SuiteName,
  type UnsignedCredential,
} from '../src/index.js';
import { keyResolver, vectorJson } from './helpers.js';

let ed: KeyPair, p256: KeyPair, rsa: KeyPair;
const ready = (async () => {
  [ed, p256, rsa] = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('P-256'), generateKeyPair('RSA')]);
})();

const alumni = () => vectorJson('w3c/vc-di-eddsa/TestVectors/unsigned.json') as UnsignedCredential;
const divoc = () => {
  const { proof: _p, ...c } = vectorJson('divoc/signed/rsa2018-divocdev-valid.json');
  return c as UnsignedCredential;
};

describe('issueCredential options', () => {
  it(
    'defaults: eddsa-rdfc-2022, assertionMethod, created = now to the second, signer.id as ' + 'verificationMethod',
    async () => {
      await ready;
      const before = Date.now();
      const signed = await issueCredential(alumni(), { signer: createSigner(ed, { id: 'did:example:1#k' }) });
      expect(signed.proof).toMatchObject({
        type: 'DataIntegrityProof',
        cryptosuite: 'eddsa-rdfc-2022',
        verificationMethod: 'did:example:1#k',
        proofPurpose: 'assertionMethod',
      });
      expect(signed.proof.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(Math.abs(Date.parse(signed.proof.created!) - before)).toBeLessThan(5000);
      expect(signed.proof.proofValue).toMatch(/^z[1-9A-HJ-NP-Za-km-z]{80,90}$/);
    },
  );

  it('created as a Date is written to the second; verificationMethod and proofPurpose override', async () => {
    await ready;
    const signed = await issueCredential(alumni(), {
      signer: createSigner(ed, { id: 'did:example:1#k' }),
      created: new Date('2024-02-03T04:05:06.789Z'),
      verificationMethod: 'https://issuer.example/keys/7',
      proofPurpose: 'authentication',
    });
    expect(signed.proof).toMatchObject({
      created: '2024-02-03T04:05:06Z',
      verificationMethod: 'https://issuer.example/keys/7',
      proofPurpose: 'authentication',
    });
  });

  it.each([
    ['eddsa-rdfc-2022', 'ES256 signer', () => createSigner(p256, { id: 'x:1' })],
    ['eddsa-rdfc-2022', 'PS256 signer', () => createSigner(rsa, { id: 'x:1' })],
    ['ecdsa-rdfc-2019', 'EdDSA signer', () => createSigner(ed, { id: 'x:1' })],
    ['RsaSignature2018', 'EdDSA signer', () => createSigner(ed, { id: 'x:1' })],
    ['RsaSignature2018', 'RS256 signer', () => createSigner(rsa, { id: 'x:1', algorithm: 'RS256' })],
    ['Ed25519Signature2018', 'PS256 signer', () => createSigner(rsa, { id: 'x:1' })],
    ['Ed25519Signature2020', 'ES256 signer', () => createSigner(p256, { id: 'x:1' })],
  ] as Array<[SuiteName, string, () => Signer]>)(
    '%s with a %s → ERR_VC_SUITE_ALG_MISMATCH',
    async (suite, _label, makeSigner) => {
      await ready;
      await expect(issueCredential(alumni(), { signer: makeSigner(), suite })).rejects.toMatchObject({
        code: 'ERR_VC_SUITE_ALG_MISMATCH',
      });
    },
  );

  it('adds the suite context only where needed', async () => {
    await ready;
    const signer = createSigner(ed, { id: 'did:example:1#k' });
    const v2di = await issueCredential(alumni(), { signer });
    expect(v2di['@context']).toEqual(alumni()['@context']); // VC 2.0 defines DataIntegrityProof
    const v11di = await issueCredential(divoc(), { signer });
    expect(v11di['@context']).toEqual([...(divoc()['@context'] as string[]), CONTEXT_URLS.DATA_INTEGRITY_V2]);
    const v2ed2020 = await issueCredential(alumni(), { signer, suite: 'Ed25519Signature2020' });
    expect(v2ed2020['@context']).toEqual([...(alumni()['@context'] as string[]), CONTEXT_URLS.ED25519_2020_V1]);
    const v11legacy = await issueCredential(divoc(), { signer, suite: 'Ed25519Signature2018' });
    expect(v11legacy['@context']).toEqual(divoc()['@context']); // VC 1.1 defines the 2018 suites
  });

  it('addSuiteContext: false leaves @context alone (and safe mode then rejects the undefined proof type)', async () => {
    await ready;
    const signer = createSigner(ed, { id: 'did:example:1#k' });
    // (DIVOC's contexts have no @vocab, so an undefined proof type cannot be absorbed by one.)
    await expect(
      issueCredential(divoc(), { signer, suite: 'Ed25519Signature2020', addSuiteContext: false }),
    ).rejects.toMatchObject({
      code: 'ERR_JSONLD_SAFE_MODE',
    });
  });

  it('an undefined term is a safe-mode error, not an unsigned field', async () => {
    await ready;
    const signer = createSigner(ed, { id: 'did:example:1#k' });
    await expect(issueCredential({ ...divoc(), favouriteColour: 'blue' }, { signer })).rejects.toMatchObject({
      code: 'ERR_JSONLD_SAFE_MODE',
      name: 'JsonLdSafeModeError',
    });
  });

  it('an unknown context is ERR_JSONLD_UNKNOWN_URL', async () => {
    await ready;
    const signer = createSigner(ed, { id: 'did:example:1#k' });
    const credential = {
      ...alumni(),
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://unknown.example/ctx'],
    };
    await expect(issueCredential(credential, { signer })).rejects.toMatchObject({ code: 'ERR_JSONLD_UNKNOWN_URL' });
  });

  it.each([
    ['not an object', 'hello'],
    ['no @context', { type: ['VerifiableCredential'] }],
    ['no type', { '@context': ['https://www.w3.org/ns/credentials/v2'] }],
    ['already signed', { ...vectorJson('divoc/signed/rsa2018-divocdev-valid.json') }],
  ])('rejects a credential that is %s → ERR_VC_MALFORMED', async (_label, credential) => {
    await ready;
    await expect(
      issueCredential(credential as never, { signer: createSigner(ed, { id: 'x:1' }) }),
    ).rejects.toMatchObject({ code: 'ERR_VC_MALFORMED' });
  });

  it('rejects a bad created, an unknown suite name, a missing signer', async () => {
    await ready;
    const signer = createSigner(ed, { id: 'x:1' });
    await expect(issueCredential(alumni(), { signer, created: 'yesterday' })).rejects.toMatchObject({
      code: 'ERR_VC_MALFORMED',
    });
    await expect(issueCredential(alumni(), { signer, created: new Date('nope') })).rejects.toMatchObject({
      code: 'ERR_VC_MALFORMED',
    });
    await expect(
      issueCredential(alumni(), { signer, suite: 'BbsBlsSignature2020' as SuiteName }),
    ).rejects.toMatchObject({ code: 'ERR_VC_UNSUPPORTED_SUITE' });
    await expect(issueCredential(alumni(), {} as never)).rejects.toThrow(TypeError);
  });

  it('a custom suite object plugs in for issuing and verifying', async () => {
    await ready;
    // A wrapper suite: same cryptography, own proof type would need its own context, so reuse eddsa's type
    // and count calls to show the plug-in path is taken.
    let created = 0;
    let verified = 0;
    const custom: ProofSuite = {
      ...eddsaRdfc2022,
      async createProof(args) {
        created++;
        return eddsaRdfc2022.createProof(args);
      },
      async verifyProof(args) {
        verified++;
        return eddsaRdfc2022.verifyProof(args);
      },
    };
    const signer = createSigner(ed, { id: 'did:example:1#k' });
    const signed = await issueCredential(alumni(), { signer, suite: custom });
    expect(signed.proof.cryptosuite).toBe('eddsa-rdfc-2022');
    const trustStore = keyResolver([trustedKeyFromKeyPair(ed, { id: 'did:example:1#k' })]);
    const result = await verifyCredential(signed, { trust: trustStore, suites: [custom], checkSchema: false });
    expect(result.valid).toBe(true);
    expect([created, verified]).toEqual([1, 1]);
  });

  it('exports the five built-in suites', () => {
    expect(Object.keys(suites).sort()).toEqual([
      'Ed25519Signature2018',
      'Ed25519Signature2020',
      'RsaSignature2018',
      'ecdsa-rdfc-2019',
      'eddsa-rdfc-2022',
    ]);
    expect(suites['ecdsa-rdfc-2019']).toMatchObject({
      type: 'DataIntegrityProof',
      cryptosuite: 'ecdsa-rdfc-2019',
      algorithms: ['ES256'],
    });
    expect(suites.RsaSignature2018.algorithms).toEqual(['PS256']);
  });
});
