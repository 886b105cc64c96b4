/**
 * A SMART Health Card's JWS payload read as the WHO DDCC core data set: the FHIR bundle's Patient and its latest
 * Immunization (else its qualitative test Observation), codes kept in the card's systems (CVX, ICD-11, SNOMED CT,
 * LOINC). Small and pure: the plugin module imports it directly (see docs/fhir.md for the mapping).
 */
import {
  COVID19_DISEASE,
  DDCC_SYSTEMS,
  DdccMappingError,
  ICD11_COVID19_VACCINE,
  ddccTestCategory,
  ddccTestOutcome,
  firstRecord,
  isJsonRecord,
  type DdccCoding,
  type DdccCoreDataSet,
  type DdccPerson,
  type DdccSex,
  type DdccTestEvent,
  type DdccVaccinationEvent,
  type JsonRecord,
  ddccText as text,
} from '@divoc/schemas';
import { LOINC, SYSTEM } from '../fhir/codes.js';
import { cvxName, fhirResources, icd11Name, LOINC_NAMES, SNOMED_RESULT_NAMES } from './summary.js';

const BUNDLE = '$.vc.credentialSubject.fhirBundle';

/** The first coding of a CodeableConcept, as the card wrote it. */
function codingOf(concept: unknown): DdccCoding | undefined {
  const c = isJsonRecord(concept) ? firstRecord(concept.coding) : undefined;
  const code = text(c?.code);
  const system = text(c?.system);
  if (code === undefined || system === undefined) return undefined;
  const display = text(c?.display);
  return { code, system, ...(display !== undefined ? { display } : {}) };
}

const SEX: Readonly<Record<string, DdccSex>> = { male: 'male', female: 'female', other: 'other', unknown: 'unknown' };

function personOf(patient: JsonRecord): DdccPerson {
  const name = firstRecord(patient.name);
  const given = Array.isArray(name?.given) ? name.given.map(text).filter(Boolean).join(' ') : undefined;
  const family = text(name?.family);
  const full = text(name?.text) ?? ([given, family].filter(Boolean).join(' ') || undefined);
  if (full === undefined) throw new DdccMappingError(`${BUNDLE}.Patient.name`, 'is missing');
  const person: DdccPerson = {
    name: {
      text: full,
      ...(family !== undefined ? { family } : {}),
      ...(given ? { given } : {}),
      split: family !== undefined || given ? 'record' : 'none',
    },
  };
  const dob = /^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?/.exec(text(patient.birthDate) ?? '');
  if (dob) person.birthDate = dob[0];
  const sex = SEX[text(patient.gender) ?? ''];
  if (sex !== undefined) person.sex = sex;
  const identifier = text(firstRecord(patient.identifier)?.value);
  if (identifier !== undefined) person.identifier = identifier;
  return person;
}

const COVID_ICD11 = new Set<string>(Object.values(ICD11_COVID19_VACCINE));
const COVID: DdccCoding & { snomed: string } = {
  code: COVID19_DISEASE.icd11,
  system: DDCC_SYSTEMS.ICD11,
  display: COVID19_DISEASE.display,
  snomed: COVID19_DISEASE.snomed,
};

/** The target disease the card states, else COVID-19 for a COVID-19 vaccine or test, else not known. */
function diseaseOf(stated: DdccCoding | undefined, covid: boolean): DdccCoding & { snomed?: string } {
  if (stated !== undefined) return stated;
  return covid ? { ...COVID } : { code: '', system: DDCC_SYSTEMS.TEXT };
}

function day(value: unknown, path: string): string {
  const m = /^\d{4}-\d{2}-\d{2}/.exec(text(value) ?? '');
  if (!m) throw new DdccMappingError(path, 'is missing or not an ISO 8601 date');
  return m[0];
}

function vaccinationOf(immunizations: JsonRecord[]): DdccVaccinationEvent {
  const at = (r: JsonRecord) => text(r.occurrenceDateTime) ?? '';
  const sorted = [...immunizations].sort((a, b) => at(a).localeCompare(at(b)));
  const latest = sorted[sorted.length - 1]!;
  const path = `${BUNDLE}.Immunization`;
  const vaccine = codingOf(latest.vaccineCode);
  if (vaccine === undefined) throw new DdccMappingError(`${path}.vaccineCode`, 'has no coding');
  const known =
    vaccine.system === SYSTEM.CVX
      ? cvxName(vaccine.code)
      : DDCC_SYSTEMS.ICD11 === vaccine.system || vaccine.system === 'http://id.who.int/icd/release/11/mms'
        ? icd11Name(vaccine.code)
        : undefined;
  const covid = known !== undefined || COVID_ICD11.has(vaccine.code);
  const protocol = firstRecord(latest.protocolApplied);
  const stated = protocol && Array.isArray(protocol.targetDisease) ? codingOf(protocol.targetDisease[0]) : undefined;
  const statedDose = protocol?.doseNumberPositiveInt;
  const when = text(latest.occurrenceDateTime);
  const event: DdccVaccinationEvent = {
    vaccine,
    brand: { display: vaccine.display ?? known ?? vaccine.code },
    date: day(when, `${path}.occurrenceDateTime`),
    // The card lists the doses: the latest one's place among them is its number, unless the card states it.
    dose:
      typeof statedDose === 'number' && Number.isSafeInteger(statedDose) && statedDose > 0 ? statedDose : sorted.length,
    disease: diseaseOf(stated, covid),
  };
  if (when !== undefined && when.includes('T')) event.dateTime = when;
  const lot = text(latest.lotNumber);
  if (lot !== undefined) event.lot = lot;
  const performer = firstRecord(latest.performer);
  const centre = text(isJsonRecord(performer?.actor) ? performer.actor.display : undefined);
  if (centre !== undefined) event.centre = centre;
  const manufacturer = isJsonRecord(latest.manufacturer) ? latest.manufacturer : undefined;
  const makerName = text(manufacturer?.display);
  const makerId = text(isJsonRecord(manufacturer?.identifier) ? manufacturer.identifier.value : undefined);
  if (makerName !== undefined || makerId !== undefined) event.manufacturer = { display: makerName ?? makerId! };
  if (makerId !== undefined) event.manufacturerId = makerId;
  return event;
}

function testOf(observations: JsonRecord[]): DdccTestEvent {
  // A DDCC test result is qualitative: one coded result (a lab panel of measurements is not one).
  const observation = observations.find((o) => codingOf(o.valueCodeableConcept) !== undefined);
  const path = `${BUNDLE}.Observation`;
  if (observation === undefined) throw new DdccMappingError(`${path}.valueCodeableConcept`, 'no coded test result');
  const type = codingOf(observation.code);
  if (type === undefined) throw new DdccMappingError(`${path}.code`, 'has no coding');
  const result = codingOf(observation.valueCodeableConcept)!;
  const typeDisplay = type.display ?? LOINC_NAMES[type.code] ?? type.code;
  const effective = text(observation.effectiveDateTime);
  day(effective, `${path}.effectiveDateTime`);
  const covid = type.system === SYSTEM.LOINC && (Object.values(LOINC) as string[]).includes(type.code);
  const event: DdccTestEvent = {
    pathogen: diseaseOf(undefined, covid),
    type: { display: typeDisplay, category: ddccTestCategory(`${type.code} ${typeDisplay}`) },
    typeCode: type,
    date: effective!,
    result: {
      display: result.display ?? SNOMED_RESULT_NAMES[result.code] ?? result.code,
      outcome: ddccTestOutcome(result.code),
    },
    resultCode: result,
  };
  const performer = firstRecord(observation.performer);
  const centre = text(performer?.display);
  if (centre !== undefined) event.centre = centre;
  return event;
}

/**
 * The WHO DDCC core data set of a SMART Health Card JWS payload: the Patient, and the latest Immunization (its dose
 * number is the card's `doseNumberPositiveInt`, else its place among the card's immunizations) or else the first
 * Observation with a coded result. A card has no certificate id: `certificate.hcid` is empty; `iss` is the issuer and
 * `nbf` the validity start. Throws `DdccMappingError` (`ERR_DDCC_CREDENTIAL_INVALID`) naming what is missing.
 */
export function shcCoreDataSet(payload: unknown): DdccCoreDataSet {
  if (!isJsonRecord(payload)) throw new DdccMappingError('$', 'a SMART Health Card payload must be an object');
  const iss = text(payload.iss);
  if (iss === undefined) throw new DdccMappingError('$.iss', 'is missing');
  const vc = isJsonRecord(payload.vc) ? payload.vc : undefined;
  const types = Array.isArray(vc?.type) ? vc.type.map(text).filter((t): t is string => t !== undefined) : [];
  const resources = fhirResources(payload);
  const patient = resources.find((r) => r.resourceType === 'Patient');
  if (patient === undefined) throw new DdccMappingError(`${BUNDLE}.Patient`, 'is missing');
  const nbf = typeof payload.nbf === 'number' && Number.isFinite(payload.nbf) ? payload.nbf : undefined;
  const start = nbf !== undefined && Math.abs(nbf) < 1e11 ? new Date(Math.floor(nbf) * 1000).toISOString() : undefined;
  const certificate = {
    issuer: { id: iss },
    hcid: '',
    ...(start !== undefined ? { period: { start } } : {}),
    type: types.find((t) => !t.endsWith('#health-card')) ?? types[0] ?? 'https://smarthealth.cards#health-card',
  };
  const person = personOf(patient);
  const immunizations = resources.filter((r) => r.resourceType === 'Immunization' && r.status !== 'entered-in-error');
  if (immunizations.length > 0)
    return { kind: 'vaccination', person, certificate, vaccination: vaccinationOf(immunizations) };
  const observations = resources.filter((r) => r.resourceType === 'Observation');
  if (observations.length > 0) return { kind: 'test', person, certificate, test: testOf(observations) };
  throw new DdccMappingError(BUNDLE, 'holds no Immunization or Observation');
}
