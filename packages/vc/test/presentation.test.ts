/**
 * W3C Verifiable Presentations: sign as the holder (did:key), verify with challenge, domain and holder binding; each
 * negative case sits next to its control. Interop both ways with @digitalbazaar/vc (dev dependency, tests only).
 */
import { describe, expect, it } from 'vitest';
import * as dbVc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {
  createSigner,
  didKeyFromKeyPair,
  generateKeyPair,
  privateKeyMultibase,
  publicKeyMultibase,
  trustedKeyFromKeyPair,
  verificationMethodId,
  type KeyPair,
} from '@divoc/keys';
import {
  MAX_PRESENTATION_CREDENTIALS,
  createPresentation,
  issueCredential,
  signPresentation,
  verifyPresentation,
  type JsonObject,
  type PresentationVerificationResult,
  type SignedCredential,
  type UnsignedCredential,
} from '../src/index.js';
import { keyResolver, vectorJson, w3cLoader } from './helpers.js';
import { withDidKeys } from '../../../test/support/loaders.js';

const documentLoader = w3cLoader();
const theirLoader = withDidKeys(documentLoader);
const now = new Date('2025-06-01T00:00:00Z');
const challenge = 'n-0S6_WzA2Mj';
const domain = 'redirect_uri:https://verifier.example/presentations/1';

const issuerKp = await generateKeyPair('Ed25519');
const holderKp = await generateKeyPair('Ed25519');
const strangerKp = await generateKeyPair('Ed25519');
const holder = didKeyFromKeyPair(holderKp);
const trust = keyResolver([trustedKeyFromKeyPair(issuerKp, { id: verificationMethodId(issuerKp) })]);
const signerOf = (kp: KeyPair) => createSigner(kp, { id: verificationMethodId(kp) });

async function credentialAbout(subject: string, issuer: KeyPair = issuerKp): Promise<SignedCredential> {
  const unsigned = vectorJson('w3c/vc-di-eddsa/TestVectors/unsigned.json') as UnsignedCredential;
  unsigned.issuer = didKeyFromKeyPair(issuer);
  unsigned.credentialSubject = { id: subject, alumniOf: 'The School of Examples' };
  return issueCredential(unsigned, { signer: signerOf(issuer), documentLoader, created: '2024-01-01T00:00:00Z' });
}

const ownCredential = await credentialAbout(holder);

async function present(
  credentials: JsonObject[] = [ownCredential],
  options: { kp?: KeyPair; holderDid?: string; challenge?: string; domain?: string; proofPurpose?: string } = {},
) {
  const kp = options.kp ?? holderKp;
  return signPresentation(
    createPresentation({ verifiableCredential: credentials, holder: options.holderDid ?? holder }),
    {
      signer: signerOf(kp),
      challenge: options.challenge ?? challenge,
      domain: options.domain ?? domain,
      documentLoader,
      ...(options.proofPurpose ? { proofPurpose: options.proofPurpose } : {}),
    },
  );
}

const verify = (vp: unknown, extra: { challenge?: string; domain?: string; holderBinding?: boolean } = {}) =>
  verifyPresentation(vp, { trust, challenge, domain, now, documentLoader, ...extra });

const failed = (r: PresentationVerificationResult) => r.checks.filter((c) => !c.ok).map((c) => `${c.name}:${c.code}`);

describe('signPresentation / verifyPresentation', () => {
  it('control: the holder presents its own credential from a trusted issuer → valid', async () => {
    const vp = await present();
    expect(vp.proof).toMatchObject({ proofPurpose: 'authentication', challenge, domain });
    expect(vp.holder).toBe(holder);
    const result = await verify(vp);
    expect(failed(result)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.holder).toBe(holder);
    expect(result.credentials).toHaveLength(1);
    expect(result.credentials[0]!.valid).toBe(true);
  });

  it('a credential changed inside the presentation → invalid (control above)', async () => {
    const vp = await present();
    const vc = (vp.verifiableCredential as JsonObject[])[0]!;
    vc.credentialSubject = { id: holder, alumniOf: 'Another School' };
    const result = await verify(vp);
    expect(result.valid).toBe(false);
    // The holder's proof covers the credential too, and the credential's own proof fails.
    expect(failed(result)).toEqual(['signature:ERR_VC_SIGNATURE_INVALID', 'trust:ERR_VP_CREDENTIAL_INVALID']);
  });

  it('signed by another key than the holder’s → invalid, whether it names the holder or its own key', async () => {
    const otherKey = await present([ownCredential], { kp: strangerKp });
    expect(failed(await verify(otherKey))).toEqual(['signature:ERR_VP_HOLDER_KEY']);
    // The stranger's VM id, but claiming to be the holder with a forged VM under the holder's DID.
    const forged = await signPresentation(createPresentation({ verifiableCredential: [ownCredential], holder }), {
      signer: signerOf(strangerKp),
      verificationMethod: verificationMethodId(holderKp),
      challenge,
      domain,
      documentLoader,
    });
    expect(failed(await verify(forged))).toEqual(['signature:ERR_VC_SIGNATURE_INVALID']);
    // Control: the same construction with the holder's key verifies.
    const genuine = await signPresentation(createPresentation({ verifiableCredential: [ownCredential], holder }), {
      signer: signerOf(holderKp),
      verificationMethod: verificationMethodId(holderKp),
      challenge,
      domain,
      documentLoader,
    });
    expect((await verify(genuine)).valid).toBe(true);
  });

  it('wrong challenge or domain → invalid; the expected ones → valid', async () => {
    const vp = await present();
    expect(failed(await verify(vp, { challenge: 'another-nonce' }))).toEqual(['key-usage:ERR_VP_CHALLENGE_MISMATCH']);
    expect(failed(await verify(vp, { domain: 'redirect_uri:https://evil.example/' }))).toEqual([
      'key-usage:ERR_VP_DOMAIN_MISMATCH',
    ]);
    expect((await verify(vp)).valid).toBe(true);
    // Changing the challenge in the proof to the expected one breaks the signature (it is signed).
    const other = await present([ownCredential], { challenge: 'old-nonce' });
    expect(failed(await verify(other))).toEqual(['key-usage:ERR_VP_CHALLENGE_MISMATCH']);
    const replayed = { ...other, proof: { ...other.proof, challenge } };
    expect(failed(await verify(replayed))).toEqual(['signature:ERR_VC_SIGNATURE_INVALID']);
  });

  it('missing proof → decode fails; with the proof → valid', async () => {
    const vp = await present();
    const { proof: _p, ...bare } = vp;
    expect(failed(await verify(bare))).toEqual(['decode:ERR_VC_PROOF_MISSING']);
    expect((await verify(vp)).valid).toBe(true);
  });

  it('proofPurpose assertionMethod → invalid (control: authentication)', async () => {
    const vp = await present([ownCredential], { proofPurpose: 'assertionMethod' });
    expect(failed(await verify(vp))).toEqual(['key-usage:ERR_VC_KEY_PURPOSE']);
    expect((await verify(await present())).valid).toBe(true);
  });

  it('a credential whose subject is another DID → invalid with holder binding, valid without', async () => {
    const someoneElses = await credentialAbout(didKeyFromKeyPair(strangerKp));
    const vp = await present([someoneElses]);
    expect(failed(await verify(vp))).toEqual(['trust:ERR_VP_HOLDER_MISMATCH']);
    expect((await verify(vp, { holderBinding: false })).valid).toBe(true);
  });

  it('a credential from an untrusted issuer → invalid (control: the trusted issuer)', async () => {
    const untrusted = await credentialAbout(holder, strangerKp);
    const result = await verify(await present([untrusted]));
    expect(failed(result)).toEqual(['trust:ERR_VP_CREDENTIAL_INVALID']);
    expect(result.checks.find((c) => c.name === 'trust')?.message).toContain('ERR_VC_KEY_NOT_TRUSTED');
    expect((await verify(await present([ownCredential]))).valid).toBe(true);
  });

  it('bounds: too many credentials, an empty presentation, a holder that is not a did:key', async () => {
    const many = Array.from({ length: MAX_PRESENTATION_CREDENTIALS + 1 }, () => ownCredential);
    expect(() => createPresentation({ verifiableCredential: many })).toThrow(/at most/);
    const tooMany = { ...(await present()), verifiableCredential: many };
    expect(failed(await verify(tooMany))).toEqual(['decode:ERR_VC_MALFORMED']);
    expect(failed(await verify(await present([])))).toEqual(['trust:ERR_VP_CREDENTIAL_INVALID']);
    const webHolder = await present([ownCredential], { holderDid: 'did:web:holder.example' });
    expect(failed(await verify(webHolder))).toContain('signature:ERR_VP_HOLDER_KEY');
    await expect(verifyPresentation(await present(), { trust, challenge: '' })).rejects.toThrow(TypeError);
    expect((await verify(await present())).valid).toBe(true);
  });
});

async function dbKeyPair(kp: KeyPair) {
  return Ed25519Multikey.from({
    '@context': 'https://w3id.org/security/multikey/v1',
    type: 'Multikey',
    id: verificationMethodId(kp),
    controller: didKeyFromKeyPair(kp),
    publicKeyMultibase: publicKeyMultibase(kp),
    secretKeyMultibase: privateKeyMultibase(kp),
  });
}

describe('interop with @digitalbazaar/vc (eddsa-rdfc-2022)', () => {
  it('a presentation @digitalbazaar/vc signs over a credential we issued verifies with us', async () => {
    const key = await dbKeyPair(holderKp);
    const suite = new DataIntegrityProof({ signer: key.signer(), cryptosuite: eddsaRdfc2022Cryptosuite });
    const presentation = dbVc.createPresentation({ verifiableCredential: [ownCredential], holder });
    const vp = await dbVc.signPresentation({ presentation, suite, challenge, domain, documentLoader: theirLoader });
    const result = await verify(vp);
    expect(failed(result)).toEqual([]);
    // Control: with another challenge it does not.
    expect(failed(await verify(vp, { challenge: 'x' }))).toEqual(['key-usage:ERR_VP_CHALLENGE_MISMATCH']);
  });

  it('a presentation we sign verifies with @digitalbazaar/vc', async () => {
    const vp = await present();
    const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
    const result = await dbVc.verify({ presentation: vp, suite, challenge, domain, documentLoader: theirLoader });
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
    // Control: theirs rejects it for another challenge.
    const bad = await dbVc.verify({ presentation: vp, suite, challenge: 'x', domain, documentLoader: theirLoader });
    expect(bad.verified).toBe(false);
  });
});
