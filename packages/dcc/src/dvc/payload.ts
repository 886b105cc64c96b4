/**
 * The WHO Digital Vaccination Certificate payload (HCERT claim -260, sub-claim -6) and its ICVP profile: types, the
 * profile test and a small schema. No CBOR here: the format plugins' cheap `detect` and `summarize` use this module.
 */
import { isJsonObject } from '@divoc/keys';

/** HCERT (-260) sub-claim of a WHO Digital Vaccination Certificate. */
export const HCERT_DVC = -6;

/** Code systems a DVC / ICVP payload's codes are in. */
export const DVC_SYSTEMS = Object.freeze({
  /** ICD-11 MMS, as WHO's DVC and gdhcn-validator write it (`tg`, `vp`). */
  ICD11: 'http://id.who.int/icd/release/11/mms',
  /** WHO's prequalified vaccine product ids: the ICVP product catalogue (ICVP `vp`). */
  PREQUAL_PRODUCT: 'http://smart.who.int/pcmt-vaxprequal/CodeSystem/PreQualProductIds',
  /** HL7 v2 table 0203 identifier types (`ndt`). */
  IDENTIFIER_TYPE: 'http://terminology.hl7.org/CodeSystem/v2-0203',
} as const);

/** One vaccination of a DVC (`v`: one object, or an array of them in the ICVP profile). */
export interface DvcVaccination {
  /** Disease or condition targeted, ICD-11 (`1D47` yellow fever). The ICVP profile has none. */
  tg?: string;
  /** Vaccine or prophylaxis: ICD-11 (`XM0N24`) in a DVC, an ICVP product catalogue id in the ICVP profile. */
  vp: string;
  /** Vaccine trade item id. */
  mp?: string;
  /** Manufacturer name. */
  ma?: string;
  /** Manufacturer id. */
  mid?: string;
  /** Dose: a code (`Primary`) or a number. */
  dn?: string | number;
  /** Date of vaccination, `YYYY-MM-DD`. */
  dt: string;
  /** Batch number. */
  bo?: string;
  /** Certificate validity period start / end, `YYYY-MM-DD`. */
  vls?: string;
  vle?: string;
  /** Supervising clinician. */
  cn?: string;
  /** Certificate issuer id (an organisation). */
  is?: string;
}

/** A DVC payload (HCERT -260 → -6). */
export interface DvcPayload {
  /** Person name. */
  n: string;
  /** Date of birth, `YYYY-MM-DD`. */
  dob: string;
  /** Sex (`M`, `F`...). */
  s?: string;
  /** Nationality (ISO 3166-1). */
  ntl?: string;
  /** National identification document. */
  nid?: string;
  /** National id document type (HL7 v2-0203). */
  ndt?: string;
  /** Parent or guardian name. */
  gn?: string;
  v: DvcVaccination | DvcVaccination[];
}

/** `dvc` (ICD-11 coded vaccine) or `icvp` (a vaccine of the ICVP product catalogue). */
export type DvcProfile = 'dvc' | 'icvp';

/**
 * An ICD-11 MMS stem code (`1D47`, `XM0N24`, `RA01.0`): upper-case letters and digits. The ICVP product catalogue's ids
 * (WHO PreQual product ids, `a3K3X000005atRtUAI`) have lower-case letters and are longer, so they never match.
 */
const ICD11_CODE = /^[0-9A-Z]{4,6}(\.[0-9A-Z]{1,4})?$/;

/** True for an ICD-11 MMS code's shape. */
export const isIcd11Code = (code: unknown): boolean => typeof code === 'string' && ICD11_CODE.test(code);

/** The vaccinations of a payload as a list (`v` is one object in WHO's DVC, a list in the ICVP profile). */
export function dvcVaccinations(payload: unknown): Record<string, unknown>[] {
  if (!isJsonObject(payload)) return [];
  const v = payload.v;
  const list = Array.isArray(v) ? v : [v];
  return list.filter((item): item is Record<string, unknown> => isJsonObject(item));
}

/**
 * Which profile a DVC payload follows. `icvp` when every vaccination names its vaccine (`vp`) by an id that is not an
 * ICD-11 code (the ICVP product catalogue) and none names a targeted disease (`tg`: the ICVP payload has none, the
 * product implies it); else `dvc`.
 */
export function dvcProfileOf(payload: unknown): DvcProfile {
  const list = dvcVaccinations(payload);
  if (list.length === 0) return 'dvc';
  const icvp = list.every((v) => typeof v.vp === 'string' && v.vp !== '' && !isIcd11Code(v.vp) && v.tg === undefined);
  return icvp ? 'icvp' : 'dvc';
}

/** One problem the DVC schema found: where (`$.v[0].dt`) and what. */
export interface DvcValidationIssue {
  path: string;
  message: string;
}

const MAX_TEXT = 1024;
const MAX_VACCINATIONS = 64;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const PARTIAL_DATE = /^\d{4}(-(0[1-9]|1[0-2]))?$/;

/** Keys each object may have (others are reported: a strict reading of a compact payload). */
const PERSON_KEYS = new Set(['n', 'dob', 's', 'ntl', 'nid', 'ndt', 'gn', 'v']);
const VACCINATION_KEYS = new Set(['tg', 'vp', 'mp', 'ma', 'mid', 'dn', 'dt', 'bo', 'vls', 'vle', 'cn', 'is']);

/** A real calendar date (`2023-02-30` is not). */
function isCalendarDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/**
 * Checks a DVC payload against WHO's DVC logical model (SMART ICVP guide): `n`, `dob` and at least one vaccination
 * with `vp` and `dt` (and `tg` in the `dvc` profile), text fields as text of at most 1024 characters, dates as
 * `YYYY-MM-DD` (a birth date may be `YYYY` or `YYYY-MM`), `vls` not after `vle`, and an issuer (`is`) or a clinician
 * (`cn`) on every vaccination. Unknown members are reported. Returns the issues (none: valid).
 */
export function validateDvcPayload(
  payload: unknown,
  profile: DvcProfile = dvcProfileOf(payload),
): DvcValidationIssue[] {
  const issues: DvcValidationIssue[] = [];
  const add = (path: string, message: string) => issues.length < 50 && issues.push({ path, message });
  if (!isJsonObject(payload)) {
    add('$', 'must be an object');
    return issues;
  }
  const textField = (obj: Record<string, unknown>, key: string, path: string, required: boolean) => {
    const value = obj[key];
    if (value === undefined) {
      if (required) add(`${path}.${key}`, 'is required');
      return;
    }
    if (typeof value !== 'string') add(`${path}.${key}`, 'must be text');
    else if (value.trim() === '') add(`${path}.${key}`, 'must not be empty');
    else if (value.length > MAX_TEXT) add(`${path}.${key}`, `is longer than ${MAX_TEXT} characters`);
  };
  const dateField = (obj: Record<string, unknown>, key: string, path: string, required: boolean, partial = false) => {
    textField(obj, key, path, required);
    const value = obj[key];
    if (typeof value !== 'string' || value.trim() === '') return;
    if (!(isCalendarDate(value) || (partial && PARTIAL_DATE.test(value))))
      add(`${path}.${key}`, partial ? 'must be a date (YYYY-MM-DD, YYYY-MM or YYYY)' : 'must be a date (YYYY-MM-DD)');
  };
  for (const key of Object.keys(payload)) if (!PERSON_KEYS.has(key)) add(`$.${key.slice(0, 32)}`, 'is not a DVC field');
  textField(payload, 'n', '$', true);
  dateField(payload, 'dob', '$', true, true);
  for (const key of ['s', 'ntl', 'nid', 'ndt', 'gn']) textField(payload, key, '$', false);
  const v = payload.v;
  if (v === undefined) {
    add('$.v', 'is required');
    return issues;
  }
  const list: unknown[] = Array.isArray(v) ? v : [v];
  if (list.length === 0) add('$.v', 'must hold a vaccination');
  if (list.length > MAX_VACCINATIONS) add('$.v', `holds more than ${MAX_VACCINATIONS} vaccinations`);
  list.slice(0, MAX_VACCINATIONS).forEach((item, i) => {
    const path = Array.isArray(v) ? `$.v[${i}]` : '$.v';
    if (!isJsonObject(item)) {
      add(path, 'must be an object');
      return;
    }
    for (const key of Object.keys(item))
      if (!VACCINATION_KEYS.has(key)) add(`${path}.${key.slice(0, 32)}`, 'is not a DVC vaccination field');
    textField(item, 'tg', path, profile === 'dvc');
    textField(item, 'vp', path, true);
    for (const key of ['mp', 'ma', 'mid', 'bo', 'cn', 'is']) textField(item, key, path, false);
    dateField(item, 'dt', path, true);
    dateField(item, 'vls', path, false);
    dateField(item, 'vle', path, false);
    const dn = item.dn;
    if (dn !== undefined && !(typeof dn === 'number' && Number.isInteger(dn) && dn >= 0 && dn < 1000))
      textField(item, 'dn', path, false);
    if (typeof item.vls === 'string' && typeof item.vle === 'string' && item.vls > item.vle)
      add(`${path}.vle`, 'is before vls');
    if (item.is === undefined && item.cn === undefined) add(path, 'names neither an issuer (is) nor a clinician (cn)');
  });
  return issues;
}
