import type { Signer } from '@divoc/keys';
import { issueCredential, type SignedCredential, type SuiteName, type UnsignedCredential } from '@divoc/vc';
import type { VcSigningKey } from '../types.js';

/** The suite a key signs with when none is named: Ed25519 → eddsa-rdfc-2022, P-256 → ecdsa-rdfc-2019, RSA → RsaSignature2018. */
export function defaultSuiteFor(signer: Signer): SuiteName {
  if (signer.algorithm === 'ES256') return 'ecdsa-rdfc-2019';
  if (signer.algorithm === 'PS256' || signer.algorithm === 'RS256') return 'RsaSignature2018';
  return 'eddsa-rdfc-2022';
}

export function vcKeyOf(key: Signer | VcSigningKey): VcSigningKey {
  return 'signer' in key && typeof (key as VcSigningKey).signer === 'object' ? (key as VcSigningKey) : { signer: key as Signer };
}

export async function signW3cCredential(credential: Readonly<Record<string, unknown>>, key: Signer | VcSigningKey, created: Date | undefined): Promise<SignedCredential> {
  const { signer, suite, verificationMethod } = vcKeyOf(key);
  return issueCredential(credential as UnsignedCredential, {
    signer,
    suite: suite ?? defaultSuiteFor(signer),
    ...(verificationMethod !== undefined ? { verificationMethod } : {}),
    ...(created !== undefined ? { created } : {}),
  });
}
