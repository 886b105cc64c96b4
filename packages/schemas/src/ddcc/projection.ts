import { isJsonObject } from '@divoc/keys';
import type { DdccCoreDataSet, DdccHumanName } from './types.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => isJsonObject(v);

/** VDS-NC `uvci`/`utci` hold at most 12 characters. */
export const VDSNC_MAX_ID = 12;

/**
 * The certificate id as a VDS-NC seal can carry it: unchanged when it fits in 12 characters, else its first 12 letters
 * and digits, upper case (a derived UUID-shaped id → its first 48 bits in hex). Deterministic, so a verifier holding
 * the HCID can recompute it.
 */
export function shortCertificateId(hcid: string): string {
  if (hcid.length <= VDSNC_MAX_ID) return hcid;
  return hcid
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, VDSNC_MAX_ID)
    .toUpperCase();
}

/** Options of `projectCredential`: values to write instead of the credential's own. */
export interface ProjectionOptions {
  /** Name to put in `credentialSubject.name`. */
  name?: DdccHumanName;
  /** `evidence[0].certificateId`. */
  certificateId?: string;
}

/**
 * A copy of the credential rewritten from the DDCC core data set, for the format packages that map a credential by
 * themselves (SHC, VDS-NC, DCC): one evidence entry, the DDCC's birth date, sex, calendar date of the event, alpha-2
 * country and ICD-11 code. It is never signed or published; it only steers those mappings to the DDCC values.
 */
export function projectCredential(
  credential: Readonly<Json>,
  ddcc: DdccCoreDataSet,
  options: ProjectionOptions = {},
): Json {
  const copy = structuredClone(credential) as Json;
  delete copy.proof;
  const subject: Json = isObject(copy.credentialSubject) ? copy.credentialSubject : {};
  const person = ddcc.person;
  subject.name = options.name?.text ?? person.name.text;
  if (person.birthDate !== undefined) subject.dob = person.birthDate;
  if (person.sex !== undefined) subject.gender = person.sex;
  else delete subject.gender;
  copy.credentialSubject = subject;

  const first = Array.isArray(copy.evidence) ? copy.evidence[0] : copy.evidence;
  const evidence: Json = isObject(first) ? first : {};
  evidence.certificateId = options.certificateId ?? ddcc.certificate.hcid;
  const facility: Json = isObject(evidence.facility) ? evidence.facility : {};
  const address: Json = isObject(facility.address) ? facility.address : {};
  let country: string | undefined;
  if (ddcc.kind === 'vaccination') {
    const v = ddcc.vaccination;
    evidence.date = v.date;
    if (v.vaccine !== undefined) evidence.icd11Code = v.vaccine.code;
    country = v.country;
  } else if (ddcc.kind === 'test') {
    country = ddcc.test.country;
  } else {
    country = ddcc.recovery.country;
    if (country !== undefined) evidence.country = country;
  }
  if (country !== undefined) {
    address.addressCountry = country;
    facility.address = address;
    evidence.facility = facility;
  }
  copy.evidence = [evidence];
  return copy;
}
