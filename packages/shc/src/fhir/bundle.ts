import { isJsonObject } from '@divoc/keys';
import { ShcCredentialUnsupportedError } from '../lib/errors.js';
import { type JsonObject } from '../lib/json.js';
import type { FhirBundle, FhirResource } from '../types.js';
import { LOINC, SYSTEM, testLoinc, testResultSnomed, vaccineCoding } from './codes.js';

/** The SMART Health Card `type` URIs (health card, immunization, laboratory, COVID-19). */
export const SHC_TYPES = Object.freeze({
  HEALTH_CARD: 'https://smarthealth.cards#health-card',
  IMMUNIZATION: 'https://smarthealth.cards#immunization',
  LABORATORY: 'https://smarthealth.cards#laboratory',
  COVID19: 'https://smarthealth.cards#covid19',
} as const);

/** Options of the credential → FHIR bundle mapping. */
export interface FhirBundleOptions {
  /** LOINC code for test credentials whose `testType` is not recognised (e.g. `94500-6`). */
  testLoinc?: string;
}

/** A FHIR bundle made from one of our credentials, with the SMART Health Card `vc.type` values it warrants. */
export interface CredentialBundle {
  bundle: FhirBundle;
  types: string[];
}

function fail(message: string): never {
  throw new ShcCredentialUnsupportedError(message);
}

function text(obj: JsonObject, field: string): string | undefined {
  const v = obj[field];
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t.length > 0 ? t : undefined;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FHIR_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MIDNIGHT_UTC = /^(\d{4}-\d{2}-\d{2})T00:00:00(\.0+)?Z$/;

/** FHIR date/dateTime, as short as the source allows: a date stays a date; a UTC-midnight timestamp becomes one. */
function fhirDateTime(value: string, where: string): string {
  if (DATE.test(value)) return value;
  const midnight = MIDNIGHT_UTC.exec(value);
  if (midnight) return midnight[1]!;
  if (FHIR_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) return value;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) fail(`${where} is not a date (${JSON.stringify(value.slice(0, 40))})`);
  return new Date(parsed).toISOString();
}

function fhirDate(value: string, where: string): string {
  const dt = fhirDateTime(value, where);
  return dt.slice(0, 10);
}

function credentialTypes(credential: JsonObject): string[] {
  const t = credential.type;
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : typeof t === 'string' ? [t] : [];
}

/**
 * Patient with only what a verifier needs: the name (as one `text`: DIVOC records hold a single name string, and
 * splitting it into given/family would guess wrong for many names) and the birth date when the credential has one
 * (v1 vaccination credentials carry only an age, so no birthDate).
 */
function patient(subject: JsonObject): FhirResource {
  const name = text(subject, 'name') ?? fail('credentialSubject.name is missing');
  const resource: FhirResource = { resourceType: 'Patient', name: [{ text: name }] };
  const dob = text(subject, 'dob');
  if (dob)
    resource.birthDate = DATE.test(dob) || /^\d{4}(-\d{2})?$/.test(dob) ? dob : fhirDate(dob, 'credentialSubject.dob');
  return resource;
}

function performerName(evidence: JsonObject): string | undefined {
  const facility = evidence.facility;
  return isJsonObject(facility) ? text(facility, 'name') : undefined;
}

function immunization(evidence: JsonObject, i: number): { resource: FhirResource; covid19: boolean } {
  const where = `evidence[${i}]`;
  const vaccine = text(evidence, 'vaccine') ?? fail(`${where}.vaccine is missing`);
  const coded = vaccineCoding(vaccine, text(evidence, 'icd11Code'));
  if (!coded)
    fail(
      `${where}.vaccine ${JSON.stringify(vaccine)} has no CVX or ICD-11 code (give icd11Code, or use a ` +
        `vaccine resolveVaccine knows)`,
    );
  const date = text(evidence, 'date') ?? text(evidence, 'effectiveStart') ?? fail(`${where}.date is missing`);
  const resource: FhirResource = {
    resourceType: 'Immunization',
    status: 'completed',
    vaccineCode: { coding: [coded.coding] },
    patient: { reference: 'resource:0' },
    occurrenceDateTime: fhirDateTime(date, `${where}.date`),
  };
  const performer = performerName(evidence);
  if (performer) resource.performer = [{ actor: { display: performer } }];
  const lot = text(evidence, 'batch');
  if (lot) resource.lotNumber = lot;
  return { resource, covid19: coded.covid19 };
}

function observation(
  evidence: JsonObject,
  i: number,
  options: FhirBundleOptions,
): { resource: FhirResource; covid19: boolean } {
  const where = `evidence[${i}]`;
  const testType = text(evidence, 'testType') ?? text(evidence, 'testName') ?? '';
  const loinc =
    testLoinc(testType) ??
    options.testLoinc ??
    fail(`${where}.testType ${JSON.stringify(testType)} has no known LOINC code (pass options.testLoinc)`);
  const result = text(evidence, 'result') ?? fail(`${where}.result is missing`);
  const snomed =
    testResultSnomed(result) ??
    fail(`${where}.result ${JSON.stringify(result)} is not positive, negative or inconclusive`);
  const collected =
    text(evidence, 'sampleCollectionTimestamp') ?? fail(`${where}.sampleCollectionTimestamp is missing`);
  const resource: FhirResource = {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: SYSTEM.LOINC, code: loinc }] },
    subject: { reference: 'resource:0' },
    effectiveDateTime: fhirDateTime(collected, `${where}.sampleCollectionTimestamp`),
  };
  const performer = performerName(evidence);
  if (performer) resource.performer = [{ display: performer }];
  resource.valueCodeableConcept = { coding: [{ system: SYSTEM.SNOMED, code: snomed }] };
  const disease = text(evidence, 'disease');
  // The LOINC codes we emit are all SARS-CoV-2 tests; a custom LOINC code is COVID-19 only if the record says so.
  const covid19 =
    loinc === LOINC.NAAT || loinc === LOINC.ANTIGEN || (disease !== undefined && /covid|sars.?cov.?2/i.test(disease));
  return { resource, covid19 };
}

/**
 * Maps one of our credentials (`buildCredential` output for `vaccination`, `vaccination-v2` or `test`, signed or not)
 * to a minimised FHIR R4 Bundle as SMART Health Cards want it: `resource:N` full URLs, references to `resource:0`,
 * no ids, meta, narrative or display texts. Vaccines are coded in CVX when known, else ICD-11; tests in LOINC with a
 * SNOMED CT result. Throws `ShcCredentialUnsupportedError` for other credential types or unmappable data.
 */
export function credentialToFhirBundle(credential: unknown, options: FhirBundleOptions = {}): CredentialBundle {
  if (!isJsonObject(credential)) fail('credential must be a JSON object');
  const types = credentialTypes(credential);
  const subject = credential.credentialSubject;
  if (!isJsonObject(subject)) fail('credential has no credentialSubject object');
  const evidence = credential.evidence;
  if (!Array.isArray(evidence) || evidence.length === 0 || evidence.length > 64 || !evidence.every(isJsonObject)) {
    fail('credential.evidence must be a non-empty array of objects');
  }
  const entries: FhirResource[] = [patient(subject)];
  let covid19 = true;
  let kind: string;
  if (types.includes('ProofOfVaccinationCredential')) {
    kind = SHC_TYPES.IMMUNIZATION;
    evidence.forEach((e: JsonObject, i: number) => {
      const r = immunization(e, i);
      entries.push(r.resource);
      covid19 &&= r.covid19;
    });
  } else if (types.includes('ProofOfTestCertificateCredential')) {
    kind = SHC_TYPES.LABORATORY;
    evidence.forEach((e: JsonObject, i: number) => {
      const r = observation(e, i, options);
      entries.push(r.resource);
      covid19 &&= r.covid19;
    });
  } else {
    fail(
      `credential type ${JSON.stringify(types)} has no SMART Health Card mapping (vaccination and test credentials do)`,
    );
  }
  const bundle: FhirBundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: entries.map((resource, i) => ({ fullUrl: `resource:${i}`, resource })),
  };
  return { bundle, types: [SHC_TYPES.HEALTH_CARD, kind, ...(covid19 ? [SHC_TYPES.COVID19] : [])] };
}
