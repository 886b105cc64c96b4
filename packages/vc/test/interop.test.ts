/**
 * Cross-checks against digitalbazaar's reference stack (dev dependencies, ESM-only, used here only):
 * what we issue verifies there, and both sides produce the same proofValue for the same input.
 */
import { describe, expect, it } from 'vitest';
import * as dbVc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {
  createSigner,
  generateKeyPair,
  importKeyPair,
  privateKeyMultibase,
  publicKeyMultibase,
  trustedKeyFromKeyPair,
  verificationMethodId,
  didKeyFromKeyPair,
  type KeyPair,
} from '@divoc/keys';
import { issueCredential, verifyCredential, type UnsignedCredential } from '../src/index.js';
import { keyResolver, vectorJson, w3cLoader } from './helpers.js';
import { withDidKeys } from '../../../test/support/loaders.js';

const ourLoader = w3cLoader();

/** Our offline loader, plus local did:key resolution (digitalbazaar dereferences the verification method). */
const theirLoader = withDidKeys(ourLoader);

async function dbKeyPair(kp: KeyPair) {
  const controller = didKeyFromKeyPair(kp);
  return Ed25519Multikey.from({
    '@context': 'https://w3id.org/security/multikey/v1',
    type: 'Multikey',
    id: verificationMethodId(kp),
    controller,
    publicKeyMultibase: publicKeyMultibase(kp),
    secretKeyMultibase: privateKeyMultibase(kp),
  });
}

const CREDENTIALS: Array<[string, () => UnsignedCredential]> = [
  ['VC 2.0 alumni (W3C vector)', () => vectorJson('w3c/vc-di-eddsa/TestVectors/unsigned.json') as UnsignedCredential],
  [
    'VC 2.0 employment authorization (W3C vector)',
    () => vectorJson('w3c/vc-di-eddsa/TestVectors/employmentAuth.json') as UnsignedCredential,
  ],
];

describe.each(CREDENTIALS)('interop with @digitalbazaar/vc, eddsa-rdfc-2022: %s', (_label, make) => {
  it('what we issue verifies with @digitalbazaar/vc + data-integrity + eddsa-rdfc-2022-cryptosuite', async () => {
    const kp = await generateKeyPair('Ed25519');
    const signer = createSigner(kp, { id: verificationMethodId(kp) });
    // @digitalbazaar/vc requires the issuer to be the key's controller.
    const credential = make();
    const did = didKeyFromKeyPair(kp);
    credential.issuer =
      typeof credential.issuer === 'object' && credential.issuer !== null ? { ...credential.issuer, id: did } : did;
    const signed = await issueCredential(credential, { signer, documentLoader: ourLoader });
    const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
    const result = await dbVc.verifyCredential({ credential: signed, suite, documentLoader: theirLoader });
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);

    // …and a one-character change is rejected there too.
    const tampered = {
      ...signed,
      credentialSubject: { ...(signed.credentialSubject as object), givenName: 'JOHNNY', alumniOf: 'Other School' },
    };
    const bad = await dbVc.verifyCredential({ credential: tampered, suite, documentLoader: theirLoader });
    expect(bad.verified).toBe(false);
  });

  it('the same key, credential and created time give a byte-identical proofValue on both sides', async () => {
    const kp = importKeyPair(vectorJson('w3c/vc-di-eddsa/TestVectors/keyPair.json') as never);
    const created = '2024-05-06T07:08:09Z';
    const dbKey = await dbKeyPair(kp);
    const theirSuite = new DataIntegrityProof({
      signer: dbKey.signer(),
      cryptosuite: eddsaRdfc2022Cryptosuite,
      date: created,
    });
    const theirs = await dbVc.issue({ credential: make(), suite: theirSuite, documentLoader: theirLoader });

    const ours = await issueCredential(make(), {
      signer: createSigner(kp, { id: verificationMethodId(kp) }),
      created,
      documentLoader: ourLoader,
    });
    expect(ours.proof.proofValue).toBe(theirs.proof.proofValue);
    expect(ours.proof.created).toBe(theirs.proof.created);
    expect(ours.proof.verificationMethod).toBe(theirs.proof.verificationMethod);

    // And what they issued verifies with us, once the trust says which issuer the key signs for (the employment
    // vector names another did:key as issuer; @digitalbazaar/vc would refuse it too: the issuer must control the key).
    const issuer = typeof theirs.issuer === 'string' ? theirs.issuer : (theirs.issuer as { id: string }).id;
    const trustStore = keyResolver([trustedKeyFromKeyPair(kp, { id: verificationMethodId(kp), issuers: [issuer] })]);
    const result = await verifyCredential(theirs, {
      trust: trustStore,
      documentLoader: ourLoader,
      checkSchema: false,
      now: new Date('2025-01-01T00:00:00Z'),
    });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  });
});
