import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `<repo>/../shared/vectors/`: CI clones the repo with `shared/` beside it. */
export const VECTORS = new URL('../../../../shared/vectors/', import.meta.url);
export const VECTORS_DIR = fileURLToPath(VECTORS);

export const vectorText = (path: string): string => readFileSync(new URL(path, VECTORS), 'utf8');
export const vectorBytes = (path: string): Uint8Array => new Uint8Array(readFileSync(new URL(path, VECTORS)));
export const vectorJson = <T = Record<string, unknown>>(path: string): T => JSON.parse(vectorText(path)) as T;

export const SHC_ISSUER = 'https://spec.smarthealth.cards/examples/issuer';

/** Registry records for buildCredential (the shape @divoc/schemas' fixtures use). */
export const vaccinationRecord = {
  refId: '12346',
  name: 'Bhaya Mitra',
  dob: '1994-09-01',
  gender: 'Male',
  nationality: 'Indian',
  identity: 'did:in.gov.uidai.aadhaar:2342343334',
  country: 'IN',
  vaccine: 'Covishield',
  manufacturer: 'Serum Institute of India',
  batch: '4121Z005',
  vaccinationDate: '2021-05-03T10:15:00.000Z',
  dose: '1',
  totalDoses: '2',
  facilityName: 'ABC Medical Center',
  facilityCountry: 'IN',
  vaccinatorName: 'Sooraj Singh',
  certificateId: '244768056',
};

/** Compact view of the checks for assertions: `name:ok` or `name:CODE`. */
export const outline = (checks: readonly { name: string; ok: boolean; code?: string }[]): string[] =>
  checks.map((c) => `${c.name}:${c.ok ? 'ok' : c.code}`);
