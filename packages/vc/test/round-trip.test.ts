import { describe, expect, it } from 'vitest';
import { createSigner, generateKeyPair, trustedKeyFromKeyPair, type KeyPair, type KeyType } from '@divoc/keys';
import { issueCredential, verifyCredential, type SuiteName, type UnsignedCredential } from '../src/index.js';
import { keyResolver, vectorJson } from './helpers.js';

const KEY_TYPE: Record<SuiteName, KeyType> = {
  'eddsa-rdfc-2022': 'Ed25519',
  Ed25519Signature2020: 'Ed25519',
  'ecdsa-rdfc-2019': 'P-256',
  RsaSignature2018: 'RSA',
  Ed25519Signature2018: 'Ed25519',
};
const keys = new Map<KeyType, KeyPair>();
async function keyFor(type: KeyType): Promise<KeyPair> {
  if (!keys.has(type)) keys.set(type, await generateKeyPair(type));
  return keys.get(type)!;
}

function divocV11(): UnsignedCredential {
  const { proof: _p, ...credential } = vectorJson('divoc/signed/rsa2018-divocdev-valid.json');
  return credential as UnsignedCredential;
}
function alumniV2(): UnsignedCredential {
  return vectorJson('w3c/vc-di-eddsa/TestVectors/unsigned.json') as UnsignedCredential;
}

const CREDENTIALS: Array<[string, () => UnsignedCredential]> = [
  ['VC 1.1 (DIVOC vaccination)', divocV11],
  ['VC 2.0 (W3C alumni)', alumniV2],
];

describe.each(CREDENTIALS)('round trip, %s', (_label, make) => {
  it.each(Object.keys(KEY_TYPE) as SuiteName[])('%s: issue → verify', async (suite) => {
    const kp = await keyFor(KEY_TYPE[suite]);
    const signer = createSigner(kp, { id: 'did:example:issuer#key-1' });
    const credential = make();
    const before = JSON.stringify(credential);
    const signed = await issueCredential(credential, { signer, suite });
    expect(JSON.stringify(credential)).toBe(before); // input untouched
    expect(signed.proof.type).toBe(suite.includes('-') ? 'DataIntegrityProof' : suite);
    expect(signed.proof.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const trustStore = keyResolver([trustedKeyFromKeyPair(kp, { id: 'did:example:issuer#key-1' })]);
    const result = await verifyCredential(signed, {
      trust: trustStore,
      checkSchema: false,
      now: new Date('2024-06-01T00:00:00Z'),
    });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.suite).toBe(suite);
  });
});
