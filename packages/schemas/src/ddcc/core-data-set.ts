import { isJsonObject } from '@divoc/keys';
import { DdccMappingError } from './mapping-error.js';
import { dccValueSets, lookupValueSet } from '../valuesets/index.js';
import { COVID19_DISEASE, resolveVaccine } from '../valuesets/vaccines.js';
import type {
  DdccCoding,
  DdccCoreDataSet,
  DdccHumanName,
  DdccName,
  DdccPerson,
  DdccRecoveryEvent,
  DdccSex,
  DdccTestCategory,
  DdccTestEvent,
  DdccTestOutcome,
  DdccVaccinationEvent,
  ToDdccOptions,
} from './types.js';

/** Code systems the core data set uses. `TEXT` marks a value the source gave only as text (not coded). */
export const DDCC_SYSTEMS = Object.freeze({
  ICD11: 'http://id.who.int/icd11/mms',
  SNOMED: 'http://snomed.info/sct',
  LOINC: 'http://loinc.org',
  TEXT: 'urn:divoc:text',
} as const);

export { DdccMappingError } from './mapping-error.js';

type Json = Record<string, unknown>;
function text(v: unknown): string {
  if (typeof v === 'string') return v.trim().slice(0, 4096);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}

function optional(v: unknown): string | undefined {
  const t = text(v);
  return t === '' ? undefined : t;
}

const COVID_DISEASE: DdccCoding & { snomed: string } = Object.freeze({
  code: COVID19_DISEASE.icd11,
  system: DDCC_SYSTEMS.ICD11,
  display: COVID19_DISEASE.display,
  snomed: COVID19_DISEASE.snomed,
});

/**
 * COVID-19 (blank, "COVID-19", SARS-CoV-2, its SNOMED or ICD-11 code) → the coded disease; anything else stays text.
 */
function disease(value: unknown): DdccCoding & { snomed?: string } {
  const v = text(value);
  if (v === '' || /covid|sars-?cov-?2|^840539006$|^RA01(\.\d)?$/i.test(v)) return { ...COVID_DISEASE };
  return { code: v, system: DDCC_SYSTEMS.TEXT, display: v };
}

/** ISO 3166-1 alpha-2 of a country given as a code or its English name ("IN", "India"); undefined if unknown. */
export function ddccCountryCode(value: unknown): string | undefined {
  const v = text(value);
  if (v === '') return undefined;
  if (/^[A-Za-z]{2}$/.test(v) && lookupValueSet('countryCodes', v.toUpperCase())) return v.toUpperCase();
  const wanted = v.toLowerCase();
  for (const [code, entry] of Object.entries(dccValueSets.countryCodes.valueSetValues)) {
    if (entry.display.toLowerCase() === wanted) return code;
  }
  return undefined;
}

/**
 * Splits a name into given and family names the way the EU DCC issuers commonly do: the last word is the family
 * name. Single-word names have only a family name. Lossy for names that do not follow that order (see the docs).
 */
export function splitName(full: string): { family?: string; given?: string } {
  const clean = full.replace(/\s+/g, ' ').trim();
  if (clean === '') return {};
  const cut = clean.lastIndexOf(' ');
  return cut > 0 ? { given: clean.slice(0, cut), family: clean.slice(cut + 1) } : { family: clean };
}

function humanName(full: string, family: string | undefined, given: string | undefined): DdccHumanName {
  const out: DdccHumanName = { text: full };
  if (family !== undefined) out.family = family;
  if (given !== undefined) out.given = given;
  return out;
}

function nameOf(subject: Json, options: ToDdccOptions): DdccName {
  const full = text(subject.name).replace(/\s+/g, ' ');
  if (full === '') throw new DdccMappingError('$.credentialSubject.name', 'is missing');
  const explicit = options.familyName !== undefined || options.givenName !== undefined;
  const native = explicit
    ? { family: optional(options.familyName), given: optional(options.givenName) }
    : splitName(full);
  const name: DdccName = {
    ...humanName(full, native.family, native.given),
    split: explicit ? 'record' : native.given !== undefined ? 'last-word' : 'none',
  };
  const latinFull = optional(options.nameLatin)?.replace(/\s+/g, ' ');
  const latinExplicit = options.familyNameLatin !== undefined || options.givenNameLatin !== undefined;
  if (latinFull !== undefined || latinExplicit) {
    let latin: { family?: string | undefined; given?: string | undefined };
    if (latinExplicit) latin = { family: optional(options.familyNameLatin), given: optional(options.givenNameLatin) };
    else {
      latin = splitName(latinFull!);
      // Keep both spellings split alike: if only one of them has a given name, treat both as one family name.
      if ((latin.given === undefined) !== (native.given === undefined) && !explicit) {
        latin = { family: latinFull! };
        name.family = full;
        delete name.given;
        name.split = 'none';
      }
    }
    const latinText = latinFull ?? [latin.given, latin.family].filter(Boolean).join(' ');
    name.latin = humanName(latinText, latin.family, latin.given);
  }
  return name;
}

const SEX: Record<string, DdccSex> = {
  male: 'male',
  m: 'male',
  female: 'female',
  f: 'female',
  other: 'other',
  o: 'other',
  x: 'other',
  transgender: 'other',
  unknown: 'unknown',
  u: 'unknown',
};

function personOf(subject: Json, options: ToDdccOptions): DdccPerson {
  const person: DdccPerson = { name: nameOf(subject, options) };
  const dob = optional(options.birthDate) ?? optional(subject.dob);
  if (dob !== undefined) {
    const m = /^(\d{4}(?:-\d{2}(?:-\d{2})?)?)/.exec(dob);
    if (!m)
      throw new DdccMappingError(
        '$.credentialSubject.dob',
        `${JSON.stringify(dob.slice(0, 40))} is not an ISO 8601 date`,
      );
    person.birthDate = m[1]!;
  } else {
    const age = Number(text(subject.age));
    if (text(subject.age) !== '' && Number.isInteger(age) && age >= 0 && age < 200) person.age = age;
  }
  const sex = SEX[text(subject.gender).toLowerCase()];
  if (sex !== undefined) person.sex = sex;
  const identifier = optional(subject.id) ?? optional(subject.refId);
  if (identifier !== undefined) person.identifier = identifier;
  // A country code or name (`IN`, `India`); a demonym such as DIVOC's usual "Indian" names no code and is left out.
  const nationality = ddccCountryCode(subject.nationality);
  if (nationality !== undefined) person.nationality = nationality;
  return person;
}

function dateOnly(value: unknown, path: string): string {
  const v = text(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v)) throw new DdccMappingError(path, 'is missing or not an ISO 8601 date');
  return v.slice(0, 10);
}

function int(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : Number(text(value));
  return text(value) !== '' && Number.isSafeInteger(n) ? n : undefined;
}

function facilityOf(evidence: Json): { centre?: string; country?: string } {
  const facility = isJsonObject(evidence.facility) ? evidence.facility : {};
  const address = isJsonObject(facility.address) ? facility.address : {};
  const out: { centre?: string; country?: string } = {};
  const centre = optional(facility.name);
  if (centre !== undefined) out.centre = centre;
  const country = optional(address.addressCountry);
  if (country !== undefined) out.country = country;
  return out;
}

function practitionerOf(evidence: Json): string | undefined {
  return isJsonObject(evidence.verifier) ? optional(evidence.verifier.name) : undefined;
}

function countryOf(given: string | undefined, ...candidates: Array<string | undefined>): string | undefined {
  for (const c of [given, ...candidates]) {
    const code = ddccCountryCode(c);
    if (code !== undefined) return code;
  }
  return undefined;
}

function vaccinationOf(
  evidence: Json,
  subjectCountry: string | undefined,
  options: ToDdccOptions,
): DdccVaccinationEvent {
  const brandText = text(evidence.vaccine);
  if (brandText === '') throw new DdccMappingError('$.evidence[0].vaccine', 'is missing');
  const known = resolveVaccine(brandText);
  const icd11 = optional(evidence.icd11Code) ?? known?.icd11;
  const dose = int(evidence.dose);
  if (dose === undefined || dose < 1) throw new DdccMappingError('$.evidence[0].dose', 'must be a positive integer');
  const { centre, country } = facilityOf(evidence);
  const event: DdccVaccinationEvent = {
    brand: {
      display: brandText,
      ...(known ? { canonical: known.name } : {}),
      ...(known?.euProduct ? { euProduct: known.euProduct } : {}),
    },
    date:
      optional(options.vaccinationDate) !== undefined
        ? dateOnly(options.vaccinationDate, 'options.vaccinationDate')
        : dateOnly(evidence.date, '$.evidence[0].date'),
    dose,
    disease: disease(evidence.targetDisease),
  };
  if (icd11 !== undefined)
    event.vaccine = {
      code: icd11,
      system: DDCC_SYSTEMS.ICD11,
      ...((optional(evidence.prophylaxis) ?? known?.platform)
        ? { display: optional(evidence.prophylaxis) ?? known!.platform }
        : {}),
    };
  const manufacturer = optional(evidence.manufacturer) ?? known?.manufacturerName;
  if (manufacturer !== undefined) {
    const code = known?.manufacturer;
    event.manufacturer = { display: manufacturer, ...(code ? { code } : {}) };
    event.maholder = { display: manufacturer, ...(code ? { code } : {}) };
  }
  const lot = optional(evidence.batch);
  if (lot !== undefined) event.lot = lot;
  const when = text(evidence.date);
  // A bare date was stored as midnight UTC: that is no time of day, so it is not repeated as one.
  if (/T/.test(when) && !/T00:00:00(\.0+)?Z$/.test(when)) event.dateTime = when;
  const total = int(evidence.totalDoses);
  if (total !== undefined) event.totalDoses = total;
  const co = countryOf(options.country, country, subjectCountry);
  if (co !== undefined) event.country = co;
  if (centre !== undefined) event.centre = centre;
  const practitioner = practitionerOf(evidence);
  if (practitioner !== undefined) event.practitioner = practitioner;
  const next = optional(evidence.nextDoseDueDate);
  if (next !== undefined) event.nextDose = dateOnly(next, '$.evidence[0].nextDoseDueDate');
  const from = optional(evidence.effectiveStart);
  if (from !== undefined) event.validFrom = from;
  const until = optional(evidence.effectiveUntil);
  if (until !== undefined) event.validUntil = until;
  return event;
}

/** NAAT (PCR...), rapid antigen or antibody, from a test type as registries write it. */
export function ddccTestCategory(value: string): DdccTestCategory {
  if (/LP6464-4|94500-6|pcr|naat?\b|nucleic|molecular|lamp|tma/i.test(value)) return 'naat';
  if (/LP217198-3|94558-4|antigen|\brat\b|rapid/i.test(value)) return 'antigen';
  if (/antibod|serolog|igg|igm/i.test(value)) return 'antibody';
  return 'other';
}

/** Negative, positive or inconclusive, from a result as registries write it (or its SNOMED CT code). */
export function ddccTestOutcome(value: string): DdccTestOutcome {
  const v = value.trim().toLowerCase();
  if (/^(negative|not detected|neg|260415000)$/.test(v)) return 'negative';
  if (/^(positive|detected|pos|260373001)$/.test(v)) return 'positive';
  if (/^(inconclusive|indeterminate|equivocal|419984006)$/.test(v)) return 'inconclusive';
  return 'other';
}

function testOf(evidence: Json, subjectCountry: string | undefined, options: ToDdccOptions): DdccTestEvent {
  const type = text(evidence.testType) || text(evidence.testName);
  if (type === '') throw new DdccMappingError('$.evidence[0].testType', 'is missing');
  const collected = text(evidence.sampleCollectionTimestamp);
  if (!/^\d{4}-\d{2}-\d{2}/.test(collected))
    throw new DdccMappingError('$.evidence[0].sampleCollectionTimestamp', 'is missing or not an ISO 8601 date-time');
  const result = text(evidence.result);
  if (result === '') throw new DdccMappingError('$.evidence[0].result', 'is missing');
  const { centre, country } = facilityOf(evidence);
  const event: DdccTestEvent = {
    pathogen: disease(evidence.disease),
    type: { display: type, category: ddccTestCategory(type) },
    date: collected,
    result: { display: result, outcome: ddccTestOutcome(result) },
  };
  for (const [key, field] of [
    ['name', 'testName'],
    ['manufacturer', 'manufacturer'],
    ['lot', 'batch'],
    ['origin', 'sampleOrigin'],
    ['resultDate', 'resultTimestamp'],
  ] as const) {
    const v = optional(evidence[field]);
    if (v !== undefined) event[key] = v;
  }
  if (centre !== undefined) event.centre = centre;
  const co = countryOf(options.country, country, subjectCountry);
  if (co !== undefined) event.country = co;
  const practitioner = practitionerOf(evidence);
  if (practitioner !== undefined) event.practitioner = practitioner;
  return event;
}

function recoveryOf(evidence: Json, subjectCountry: string | undefined, options: ToDdccOptions): DdccRecoveryEvent {
  const { centre, country } = facilityOf(evidence);
  const event: DdccRecoveryEvent = {
    disease: disease(evidence.disease),
    firstPositiveDate: dateOnly(evidence.firstPositiveTestDate, '$.evidence[0].firstPositiveTestDate'),
    validFrom: dateOnly(evidence.effectiveStart, '$.evidence[0].effectiveStart'),
    validUntil: dateOnly(evidence.effectiveUntil, '$.evidence[0].effectiveUntil'),
  };
  const co = countryOf(options.country, optional(evidence.country), country, subjectCountry);
  if (co !== undefined) event.country = co;
  if (centre !== undefined) event.centre = centre;
  const practitioner = practitionerOf(evidence);
  if (practitioner !== undefined) event.practitioner = practitioner;
  return event;
}

/**
 * Reads one of our credentials (`buildCredential` output for vaccination, vaccination-v2, test or recovery; signed or
 * not; DIVOC-issued ones too) as the WHO DDCC core data set. `options` adds what the registry knows but the
 * credential does not carry (a Latin transliteration of the name, the birth date of a v1 record...).
 * Throws `DdccMappingError` (`ERR_DDCC_CREDENTIAL_INVALID`) naming the missing or malformed field.
 */
export function toDdccCoreDataSet(credential: unknown, options: ToDdccOptions = {}): DdccCoreDataSet {
  if (!isJsonObject(credential)) throw new DdccMappingError('$', 'credential must be a JSON object');
  if (!isJsonObject(options)) throw new DdccMappingError('options', 'must be an object');
  const types = Array.isArray(credential.type)
    ? credential.type.filter((t): t is string => typeof t === 'string')
    : [text(credential.type)];
  const type = ['ProofOfVaccinationCredential', 'ProofOfTestCertificateCredential', 'ProofOfRecoveryCredential'].find(
    (t) => types.includes(t),
  );
  if (type === undefined) throw new DdccMappingError('$.type', 'is not a vaccination, test or recovery credential');
  const subject = credential.credentialSubject;
  if (!isJsonObject(subject)) throw new DdccMappingError('$.credentialSubject', 'must be an object');
  const evidence = Array.isArray(credential.evidence) ? credential.evidence[0] : credential.evidence;
  if (!isJsonObject(evidence)) throw new DdccMappingError('$.evidence[0]', 'must be an object');
  const hcid = text(evidence.certificateId);
  if (hcid === '') throw new DdccMappingError('$.evidence[0].certificateId', 'is missing');

  const issuerId = isJsonObject(credential.issuer) ? text(credential.issuer.id) : text(credential.issuer);
  if (issuerId === '') throw new DdccMappingError('$.issuer', 'is missing');
  const issuerName =
    optional(options.certificateIssuerName) ??
    (isJsonObject(credential.issuer) ? optional(credential.issuer.name) : undefined);
  const start = optional(credential.issuanceDate) ?? optional(credential.validFrom);
  const end = optional(credential.expirationDate) ?? optional(credential.validUntil);
  const certificate = {
    issuer: { id: issuerId, ...(issuerName !== undefined ? { name: issuerName } : {}) },
    hcid,
    ...(start !== undefined || end !== undefined
      ? { period: { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) } }
      : {}),
    type,
  };
  const person = personOf(subject, options);
  const subjectCountry = isJsonObject(subject.address) ? optional(subject.address.addressCountry) : undefined;
  if (type === 'ProofOfVaccinationCredential')
    return { kind: 'vaccination', person, certificate, vaccination: vaccinationOf(evidence, subjectCountry, options) };
  if (type === 'ProofOfTestCertificateCredential')
    return { kind: 'test', person, certificate, test: testOf(evidence, subjectCountry, options) };
  return { kind: 'recovery', person, certificate, recovery: recoveryOf(evidence, subjectCountry, options) };
}
