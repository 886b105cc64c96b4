import { readFileSync, readdirSync } from 'node:fs';
import { createSigner, didKeyFromKeyPair, generateKeyPair, TrustStore, trustedKeyFromKeyPair, verificationMethodId, type KeyPair, type Signer } from '@divoc/keys';

/** `<repo>/../shared/vectors`, resolved from this file so CI clones work too. */
export const VECTORS = new URL('../../../../shared/vectors/', import.meta.url);

export function vectorJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(new URL(path, VECTORS), 'utf8')) as T;
}

export function listVectors(dir: string): string[] {
  return readdirSync(new URL(dir, VECTORS)).filter((f) => f.endsWith('.json')).map((f) => `${dir}${f}`);
}

export interface Issuer {
  keyPair: KeyPair;
  did: string;
  signer: Signer;
  trustStore: TrustStore;
}

/** An Ed25519 did:key issuer and a trust store that trusts it. */
export async function makeIssuer(): Promise<Issuer> {
  const keyPair = await generateKeyPair('Ed25519');
  const id = verificationMethodId(keyPair);
  const trustStore = new TrustStore();
  trustStore.add(trustedKeyFromKeyPair(keyPair, { id }));
  return { keyPair, did: didKeyFromKeyPair(keyPair), signer: createSigner(keyPair, { id }), trustStore };
}

export const vaccinationRecord = {
  refId: '12346',
  name: 'Bhaya Mitra',
  dob: '1994-09-01',
  gender: 'Male',
  nationality: 'Indian',
  identity: 'did:in.gov.uidai.aadhaar:2342343334',
  addressLine1: '12, MG Road',
  district: 'Bengaluru Urban',
  city: 'Bengaluru',
  state: 'Karnataka',
  pincode: 560001,
  country: 'IN',
  vaccine: 'Covishield',
  manufacturer: 'Serum Institute of India',
  batch: '4121Z005',
  vaccinationDate: '2021-05-03T10:15:00.000Z',
  effectiveUntil: '2022-05-03',
  dose: '1',
  totalDoses: '2',
  facilityName: 'ABC Medical Center',
  facilityAddressLine1: '123, Koramangala',
  facilityDistrict: 'Bengaluru South',
  facilityCity: 'Bengaluru',
  facilityState: 'Karnataka',
  facilityPincode: '560034',
  facilityCountry: 'IN',
  vaccinatorName: 'Sooraj Singh',
  certificateId: '244768056',
};
