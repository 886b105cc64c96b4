import { dccValueSets, knownVaccines, type ValueSet } from '@divoc/schemas';
import { CVX_BY_VACCINE, FHIR_SYSTEMS, SNOMED_RESULT, SHC_LOINC } from '@divoc/shc';
import { isObject, type Json } from '../lib/bytes.js';
import type { CredentialFormat, CredentialSummary, EventKind } from '../types.js';

/** Short strings only: a summary is for display, and hostile credentials can hold anything. */
const MAX_FIELD = 256;

function str(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const t = value.replace(/\s+/g, ' ').trim();
  return t.length === 0 ? undefined : t.slice(0, MAX_FIELD);
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,3}$/.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= 0 && n < 1000 ? n : undefined;
}

/** `YYYY-MM-DD` as written (a timestamp keeps its own calendar day), or the partial date (`YYYY`, `YYYY-MM`). */
function day(value: unknown): string | undefined {
  const s = str(value);
  if (s === undefined) return undefined;
  const m = /^(\d{4}(?:-\d{2}(?:-\d{2})?)?)/.exec(s);
  return m ? m[1] : undefined;
}

function first(value: unknown): Json | undefined {
  const item: unknown = Array.isArray(value) ? value[0] : value;
  return isObject(item) ? item : undefined;
}

function types(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((t): t is string => typeof t === 'string');
}

function display(set: ValueSet, code: unknown): string | undefined {
  const c = str(code);
  if (c === undefined) return undefined;
  return Object.hasOwn(set.valueSetValues, c) ? set.valueSetValues[c]!.display : c;
}

/** Drop undefined fields so summaries compare and serialise cleanly. */
function clean(summary: CredentialSummary): CredentialSummary {
  return Object.fromEntries(Object.entries(summary).filter(([, v]) => v !== undefined)) as unknown as CredentialSummary;
}

/* ---------------------------------------------------------------- W3C VC / DIVOC */

export function vcSummary(credential: unknown): CredentialSummary {
  if (!isObject(credential)) return { event: 'other' };
  const subject = first(credential.credentialSubject) ?? {};
  const evidence = first(credential.evidence);
  const evidenceTypes = evidence ? types(evidence.type) : [];
  const credentialTypes = types(credential.type);
  let event: EventKind = 'other';
  if (evidenceTypes.includes('Vaccination') || credentialTypes.includes('ProofOfVaccinationCredential')) event = 'vaccination';
  else if (evidenceTypes.includes('TestDetails') || credentialTypes.includes('ProofOfTestCertificateCredential')) event = 'test';
  else if (evidenceTypes.includes('Recovery') || credentialTypes.includes('ProofOfRecoveryCredential')) event = 'recovery';
  const facility = isObject(evidence?.facility) ? evidence.facility : undefined;
  const facilityAddress = isObject(facility?.address) ? facility.address : undefined;
  const subjectAddress = isObject(subject.address) ? subject.address : undefined;
  const summary: CredentialSummary = {
    name: str(subject.name),
    dateOfBirth: day(subject.dob ?? subject.birthDate),
    gender: str(subject.gender),
    event,
  };
  if (evidence) {
    summary.certificateId = str(evidence.certificateId) ?? certificateIdFromUrl(evidence.id);
    summary.country = str(evidence.country) ?? str(facilityAddress?.addressCountry) ?? str(subjectAddress?.addressCountry);
    if (event === 'vaccination') {
      summary.vaccine = str(evidence.vaccine);
      summary.vaccineCode = str(evidence.icd11Code);
      summary.manufacturer = str(evidence.manufacturer);
      summary.dose = num(evidence.dose);
      summary.totalDoses = num(evidence.totalDoses);
      summary.date = day(evidence.date) ?? day(evidence.effectiveStart);
    } else if (event === 'test') {
      summary.testType = str(evidence.testType) ?? str(evidence.testName);
      summary.testResult = str(evidence.result);
      summary.manufacturer = str(evidence.manufacturer);
      summary.date = day(evidence.sampleCollectionTimestamp);
    } else if (event === 'recovery') {
      summary.date = day(evidence.firstPositiveTestDate) ?? day(evidence.effectiveStart);
    }
  }
  return clean(summary);
}

function certificateIdFromUrl(id: unknown): string | undefined {
  const s = str(id);
  const m = s ? /\/([^/?#]+)\/?$/.exec(s) : null;
  const last = m?.[1];
  return last === undefined || last === 'undefined' || last === 'null' ? undefined : last;
}

/* ---------------------------------------------------------------- EU DCC */

export function dccSummary(payload: unknown): CredentialSummary {
  if (!isObject(payload)) return { event: 'other' };
  const nam = isObject(payload.nam) ? payload.nam : {};
  const given = str(nam.gn) ?? str(nam.gnt);
  const family = str(nam.fn) ?? str(nam.fnt);
  const name = [given, family].filter(Boolean).join(' ') || undefined;
  const base: CredentialSummary = { name, dateOfBirth: day(payload.dob), event: 'other' };
  const v = first(payload.v);
  const t = first(payload.t);
  const r = first(payload.r);
  if (v) {
    return clean({
      ...base,
      event: 'vaccination',
      vaccine: display(dccValueSets.vaccineMedicinalProduct, v.mp),
      vaccineCode: str(v.mp),
      manufacturer: display(dccValueSets.vaccineMahManf, v.ma),
      dose: num(v.dn),
      totalDoses: num(v.sd),
      date: day(v.dt),
      country: str(v.co),
      certificateId: str(v.ci),
    });
  }
  if (t) {
    return clean({
      ...base,
      event: 'test',
      testType: display(dccValueSets.testType, t.tt),
      testResult: display(dccValueSets.testResult, t.tr),
      manufacturer: t.ma !== undefined ? display(dccValueSets.testManufacturer, t.ma) : str(t.nm),
      date: day(t.sc),
      country: str(t.co),
      certificateId: str(t.ci),
    });
  }
  if (r) return clean({ ...base, event: 'recovery', date: day(r.fr), country: str(r.co), certificateId: str(r.ci) });
  return clean(base);
}

/* ---------------------------------------------------------------- SMART Health Cards (FHIR) */

/** CVX code → product names, from the SHC package's table (several products share a code, e.g. 210). */
const CVX_NAMES: ReadonlyMap<string, string> = (() => {
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
})();

/** ICD-11 platform code → platform name (DIVOC's `prophylaxis`). */
const ICD11_NAMES: ReadonlyMap<string, string> = new Map(knownVaccines().map((v) => [v.icd11, v.platform]));

const SNOMED_RESULT_NAMES: Readonly<Record<string, string>> = {
  [SNOMED_RESULT.DETECTED]: 'Detected',
  [SNOMED_RESULT.NOT_DETECTED]: 'Not detected',
  [SNOMED_RESULT.INCONCLUSIVE]: 'Inconclusive',
};
const LOINC_NAMES: Readonly<Record<string, string>> = {
  [SHC_LOINC.NAAT]: 'SARS-CoV-2 RNA (NAAT)',
  [SHC_LOINC.ANTIGEN]: 'SARS-CoV-2 antigen (rapid immunoassay)',
};

function coding(concept: unknown): { system?: string; code?: string; display?: string } {
  const c = isObject(concept) ? first(concept.coding) : undefined;
  return c ? { system: str(c.system), code: str(c.code), display: str(c.display) } : {};
}

function fhirResources(payload: unknown): Json[] {
  const vc = isObject(payload) && isObject(payload.vc) ? payload.vc : undefined;
  const subject = vc && isObject(vc.credentialSubject) ? vc.credentialSubject : undefined;
  const bundle = subject && isObject(subject.fhirBundle) ? subject.fhirBundle : undefined;
  const entries = bundle && Array.isArray(bundle.entry) ? bundle.entry.slice(0, 100) : [];
  return entries.map((e: unknown) => (isObject(e) && isObject(e.resource) ? e.resource : undefined)).filter((r): r is Json => r !== undefined);
}

export function shcSummary(payload: unknown): CredentialSummary {
  const resources = fhirResources(payload);
  const patient = resources.find((r) => r.resourceType === 'Patient');
  const summary: CredentialSummary = { event: 'other' };
  if (patient) {
    const name = first(patient.name);
    if (name) {
      const given = Array.isArray(name.given) ? name.given.map(str).filter(Boolean).join(' ') : undefined;
      summary.name = str(name.text) ?? ([given, str(name.family)].filter(Boolean).join(' ') || undefined);
    }
    summary.dateOfBirth = day(patient.birthDate);
    summary.gender = str(patient.gender);
  }
  const immunizations = resources
    .filter((r) => r.resourceType === 'Immunization' && r.status !== 'entered-in-error')
    .sort((a, b) => String(day(a.occurrenceDateTime) ?? '').localeCompare(String(day(b.occurrenceDateTime) ?? '')));
  const observation = resources.find((r) => r.resourceType === 'Observation');
  if (immunizations.length > 0) {
    // The latest dose is the event; its place among the recorded doses is its number.
    const latest = immunizations[immunizations.length - 1]!;
    const code = coding(latest.vaccineCode);
    summary.event = 'vaccination';
    summary.vaccineCode = code.code;
    summary.vaccine =
      code.display ??
      (code.system === FHIR_SYSTEMS.CVX && code.code ? CVX_NAMES.get(code.code) : undefined) ??
      (code.system === FHIR_SYSTEMS.ICD11 && code.code ? ICD11_NAMES.get(code.code) : undefined) ??
      code.code;
    summary.dose = immunizations.length;
    summary.date = day(latest.occurrenceDateTime);
    const manufacturer = isObject(latest.manufacturer) ? latest.manufacturer : undefined;
    summary.manufacturer = str(manufacturer?.display);
  } else if (observation) {
    const code = coding(observation.code);
    const result = coding(observation.valueCodeableConcept);
    summary.event = 'test';
    summary.testType = code.display ?? (code.code ? (LOINC_NAMES[code.code] ?? code.code) : undefined);
    summary.testResult = result.display ?? (result.code ? (SNOMED_RESULT_NAMES[result.code] ?? result.code) : undefined);
    summary.date = day(observation.effectiveDateTime);
  }
  return clean(summary);
}

/* ---------------------------------------------------------------- ICAO VDS-NC */

export function vdsncSummary(seal: unknown): CredentialSummary {
  const data = isObject(seal) && isObject(seal.data) ? seal.data : undefined;
  const hdr = data && isObject(data.hdr) ? data.hdr : {};
  const msg = data && isObject(data.msg) ? data.msg : {};
  const pid = isObject(msg.pid) ? msg.pid : {};
  const summary: CredentialSummary = { name: str(pid.n), dateOfBirth: day(pid.dob), gender: str(pid.sex), event: 'other' };
  if (hdr.t === 'icao.vacc') {
    // Every dose of every vaccine; the latest (highest sequence, then date) is the event.
    const doses: { ve: Json; vd: Json }[] = [];
    for (const ve of (Array.isArray(msg.ve) ? msg.ve : []).slice(0, 32)) {
      if (!isObject(ve)) continue;
      for (const vd of (Array.isArray(ve.vd) ? ve.vd : []).slice(0, 32)) if (isObject(vd)) doses.push({ ve, vd });
    }
    doses.sort((a, b) => (num(a.vd.seq) ?? 0) - (num(b.vd.seq) ?? 0) || String(a.vd.dvc ?? '').localeCompare(String(b.vd.dvc ?? '')));
    const latest = doses[doses.length - 1];
    summary.event = 'vaccination';
    summary.certificateId = str(msg.uvci);
    if (latest) {
      summary.vaccine = str(latest.ve.nam);
      summary.vaccineCode = str(latest.ve.des);
      summary.dose = num(latest.vd.seq);
      summary.date = day(latest.vd.dvc);
      summary.country = str(latest.vd.ctr);
    }
  } else if (hdr.t === 'icao.test') {
    const tr = isObject(msg.tr) ? msg.tr : {};
    const dat = isObject(msg.dat) ? msg.dat : {};
    const sp = isObject(msg.sp) ? msg.sp : {};
    summary.event = 'test';
    summary.certificateId = str(msg.utci);
    summary.testType = str(tr.tc);
    summary.testResult = str(tr.r);
    summary.date = day(dat.sc);
    summary.country = str(sp.ctr);
  }
  return clean(summary);
}

const SUMMARIZERS: Readonly<Record<CredentialFormat, (credential: unknown) => CredentialSummary>> = {
  'w3c-vc': vcSummary,
  'vc-compact': vcSummary,
  'divoc-qr': vcSummary,
  dcc: dccSummary,
  shc: shcSummary,
  vdsnc: vdsncSummary,
};

/** The summary of a decoded credential of `format`. Never throws: unreadable parts are left out. */
export function summarize(format: CredentialFormat, credential: unknown): CredentialSummary {
  try {
    const summarizer = SUMMARIZERS[format];
    if (summarizer) return summarizer(credential);
  } catch {
    // A summary is a convenience; a credential that breaks it still gets its checks.
  }
  return { event: 'other' };
}
