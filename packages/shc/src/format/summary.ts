import {
  cleanSummary,
  firstRecord,
  isJsonRecord,
  knownVaccines,
  summaryDay,
  summaryText,
  type CredentialSummary,
  type JsonRecord,
} from '@divoc/schemas';
import { CVX_BY_VACCINE, LOINC, SNOMED_RESULT, SYSTEM } from '../fhir/codes.js';

// The two code -> name tables are built on first use, not at import (issue 14, start-up time).
let cvxNames: ReadonlyMap<string, string> | undefined;
let icd11Names: ReadonlyMap<string, string> | undefined;

/** CVX code → product names, from this package's table (several products share a code, e.g. 210). */
export function cvxName(code: string): string | undefined {
  cvxNames ??= buildCvxNames();
  return cvxNames.get(code);
}

function buildCvxNames(): ReadonlyMap<string, string> {
  const names = new Map<string, string[]>();
  for (const [product, code] of Object.entries(CVX_BY_VACCINE)) names.set(code, [...(names.get(code) ?? []), product]);
  // CDC CVX codes for US formulations the SHC spec examples use.
  const extra: Record<string, string> = {
    '213': 'COVID-19 vaccine, unspecified',
    '217': 'Comirnaty',
    '218': 'Comirnaty',
    '219': 'Comirnaty',
    '221': 'Spikevax',
    '229': 'Spikevax bivalent',
  };
  const out = new Map<string, string>(Object.entries(extra));
  for (const [code, list] of names) out.set(code, list.join(' / '));
  return out;
}

/** ICD-11 platform code → platform name (DIVOC's `prophylaxis`). */
export function icd11Name(code: string): string | undefined {
  icd11Names ??= new Map(knownVaccines().map((v) => [v.icd11, v.platform]));
  return icd11Names.get(code);
}

/** SNOMED CT qualitative result code → display. */
export const SNOMED_RESULT_NAMES: Readonly<Record<string, string>> = {
  [SNOMED_RESULT.DETECTED]: 'Detected',
  [SNOMED_RESULT.NOT_DETECTED]: 'Not detected',
  [SNOMED_RESULT.INCONCLUSIVE]: 'Inconclusive',
};
/** LOINC SARS-CoV-2 test code → display. */
export const LOINC_NAMES: Readonly<Record<string, string>> = {
  [LOINC.NAAT]: 'SARS-CoV-2 RNA (NAAT)',
  [LOINC.ANTIGEN]: 'SARS-CoV-2 antigen (rapid immunoassay)',
};

function coding(concept: unknown): { system?: string; code?: string; display?: string } {
  const c = isJsonRecord(concept) ? firstRecord(concept.coding) : undefined;
  return c ? { system: summaryText(c.system), code: summaryText(c.code), display: summaryText(c.display) } : {};
}

/** The resources of a card's FHIR bundle (at most 100 entries are read). */
export function fhirResources(payload: unknown): JsonRecord[] {
  const vc = isJsonRecord(payload) && isJsonRecord(payload.vc) ? payload.vc : undefined;
  const subject = vc && isJsonRecord(vc.credentialSubject) ? vc.credentialSubject : undefined;
  const bundle = subject && isJsonRecord(subject.fhirBundle) ? subject.fhirBundle : undefined;
  const entries = bundle && Array.isArray(bundle.entry) ? bundle.entry.slice(0, 100) : [];
  return entries
    .map((e: unknown) => (isJsonRecord(e) && isJsonRecord(e.resource) ? e.resource : undefined))
    .filter((r): r is JsonRecord => r !== undefined);
}

/** The person and the event of a card's FHIR bundle: the latest immunization, else the test observation. */
export function summarizeShc(payload: unknown): CredentialSummary {
  const resources = fhirResources(payload);
  const patient = resources.find((r) => r.resourceType === 'Patient');
  const summary: CredentialSummary = { event: 'other' };
  if (patient) {
    const name = firstRecord(patient.name);
    if (name) {
      const given = Array.isArray(name.given) ? name.given.map(summaryText).filter(Boolean).join(' ') : undefined;
      summary.name =
        summaryText(name.text) ?? ([given, summaryText(name.family)].filter(Boolean).join(' ') || undefined);
    }
    summary.dateOfBirth = summaryDay(patient.birthDate);
    summary.gender = summaryText(patient.gender);
  }
  const occurred = (r: JsonRecord) => String(summaryDay(r.occurrenceDateTime) ?? '');
  const immunizations = resources
    .filter((r) => r.resourceType === 'Immunization' && r.status !== 'entered-in-error')
    .sort((a, b) => occurred(a).localeCompare(occurred(b)));
  const observation = resources.find((r) => r.resourceType === 'Observation');
  if (immunizations.length > 0) {
    // The latest dose is the event; its place among the recorded doses is its number.
    const latest = immunizations[immunizations.length - 1]!;
    const code = coding(latest.vaccineCode);
    summary.event = 'vaccination';
    summary.vaccineCode = code.code;
    summary.vaccine =
      code.display ??
      (code.system === SYSTEM.CVX && code.code ? cvxName(code.code) : undefined) ??
      (code.system === SYSTEM.ICD11 && code.code ? icd11Name(code.code) : undefined) ??
      code.code;
    summary.dose = immunizations.length;
    summary.date = summaryDay(latest.occurrenceDateTime);
    const manufacturer = isJsonRecord(latest.manufacturer) ? latest.manufacturer : undefined;
    summary.manufacturer = summaryText(manufacturer?.display);
  } else if (observation) {
    const code = coding(observation.code);
    const result = coding(observation.valueCodeableConcept);
    summary.event = 'test';
    summary.testType = code.display ?? (code.code ? (LOINC_NAMES[code.code] ?? code.code) : undefined);
    summary.testResult =
      result.display ?? (result.code ? (SNOMED_RESULT_NAMES[result.code] ?? result.code) : undefined);
    summary.date = summaryDay(observation.effectiveDateTime);
  }
  return cleanSummary(summary);
}
