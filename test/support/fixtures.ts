/**
 * Sample registry records and test issuers shared by the package tests (imported with relative paths, e.g.
 * `../../../test/support/fixtures.js`). The full records are the ones @divoc/schemas' built-in templates are
 * tested with; the trimmed variants (`omit`/`pick` of them, key order kept) are what the format packages' tests
 * build their credentials from.
 */
import {
  createSigner,
  didKeyFromKeyPair,
  generateKeyPair,
  TrustStore,
  trustedKeyFromKeyPair,
  verificationMethodId,
  type KeyPair,
  type Signer,
} from '@divoc/keys';

/** A copy of `record` without `keys` (the remaining keys keep their order). */
export function omit<T extends object, K extends keyof T>(record: T, keys: readonly K[]): Omit<T, K> {
  const out = { ...record } as Record<PropertyKey, unknown>;
  for (const key of keys) delete out[key];
  return out as Omit<T, K>;
}

/** A copy of `record` with only `keys` (in the record's order). */
export function pick<T extends object, K extends keyof T>(record: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(
    Object.entries(record).filter(([key]) => (keys as readonly PropertyKey[]).includes(key)),
  ) as Pick<T, K>;
}

/** A vaccination record with every field the `vaccination` template reads. */
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

/** The vaccination record without the recipient's and the facility's address (and without effectiveUntil). */
export const shortVaccinationRecord = omit(vaccinationRecord, [
  'addressLine1',
  'district',
  'city',
  'state',
  'pincode',
  'effectiveUntil',
  'facilityAddressLine1',
  'facilityDistrict',
  'facilityCity',
  'facilityState',
  'facilityPincode',
]);

/** A test (lab result) record with every field the `test` template reads. */
export const testRecord = {
  preEnrollmentCode: '98765',
  name: 'Asha Rao',
  dob: '1988-02-29',
  gender: 'Female',
  nationality: 'Indian',
  identity: '123456789012',
  identityType: 'aadhaar',
  country: 'IN',
  testName: 'RT-PCR SARS-CoV-2',
  testType: 'RT-PCR',
  sampleOrigin: 'Nasopharyngeal',
  sampleCollectionTimestamp: '2021-06-01T09:00:00+05:30',
  resultTimestamp: '2021-06-02T09:00:00+05:30',
  result: 'Negative',
  manufacturer: 'ICMR',
  disease: 'COVID-19',
  facilityName: 'City Lab',
  facilityCountry: 'IN',
  verifierName: 'Dr Lab',
  certificateId: '555',
};

/** A recovery record with every field the `recovery` template reads. */
export const recoveryRecord = {
  refId: 'R-1',
  name: 'Ravi Kumar',
  dob: '1979-12-31',
  gender: 'Male',
  nationality: 'Indian',
  identity: 'did:in.gov.uidai.aadhaar:999988887777',
  country: 'IN',
  disease: 'COVID-19',
  firstPositiveTestDate: '2021-04-01',
  validFrom: '2021-04-12',
  validUntil: '2021-10-01',
  certificateId: '777',
  verifierName: 'Dr R',
  facilityName: 'District Hospital',
  facilityCountry: 'IN',
};

/** Options for `buildCredential` the format tests share. */
export const buildOptions = { issuer: 'https://divoc.dev/', issuanceDate: '2021-05-03T11:00:00Z' };

/** An Ed25519 did:key issuer: its key pair, verification method id, signer, and a trust store that trusts it. */
export interface Ed25519Issuer {
  keyPair: KeyPair;
  id: string;
  did: string;
  signer: Signer;
  trustStore: TrustStore;
}

export async function ed25519Issuer(): Promise<Ed25519Issuer> {
  const keyPair = await generateKeyPair('Ed25519');
  const id = verificationMethodId(keyPair);
  const trustStore = new TrustStore();
  trustStore.add(trustedKeyFromKeyPair(keyPair, { id }));
  return { keyPair, id, did: didKeyFromKeyPair(keyPair), signer: createSigner(keyPair, { id }), trustStore };
}

/** The fewest fields the vaccination-v2 template takes (what SD-JWT VC and presentation tests issue). */
export const minimalVaccinationRecord = {
  name: 'Bhaya Mitra',
  dob: '1994-09-01',
  vaccine: 'Covishield',
  batch: '4121Z005',
  dose: 1,
  totalDoses: 2,
  vaccinationDate: '2021-05-03',
  facilityName: 'ABC Medical Center',
  facilityCountry: 'IN',
  refId: '12346',
};

/** A vaccination record as a registry sends it to the service or the worker (numeric doses, no address). */
export const registryRecord = {
  refId: 'R-1002',
  name: 'Rajesh Kumar',
  dob: '1990-01-15',
  gender: 'Male',
  identity: 'did:in.gov.uidai.aadhaar:998877665544',
  vaccine: 'Covishield',
  batch: 'AB348FS',
  vaccinationDate: '2021-07-12',
  dose: 1,
  totalDoses: 2,
  facilityName: 'PHC Rohini',
  facilityCountry: 'IN',
  vaccinatorName: 'Dr. Meera Rao',
};
