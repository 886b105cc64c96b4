/**
 * An EU DCC payload (HCERT -260 → 1) read as the WHO DDCC core data set, codes kept in the EU value sets' systems
 * (SNOMED CT, ATC, LOINC, the EU product and organisation registers, the JRC device list). Small and pure: the plugin
 * module imports it directly (see docs/fhir.md for the mapping).
 */
import { isJsonObject } from '@divoc/keys';
import {
  COVID19_DISEASE,
  DdccMappingError,
  ddccTestOutcome,
  lookupValueSet,
  type DccValueSetName,
  type DdccCoding,
  type DdccCoreDataSet,
  type DdccName,
  type DdccPerson,
  type DdccTestCategory,
  ddccText as text,
  ddccRequiredText as required,
  ddccDay as day,
} from '@divoc/schemas';

type Json = Record<string, unknown>;

/** Systems of codes the EU value sets do not list (a new product, a national code): the register each one is from. */
const DEFAULT_SYSTEM: Readonly<Record<DccValueSetName, string>> = {
  vaccineMedicinalProduct: 'https://ec.europa.eu/health/documents/community-register/html/',
  vaccineMahManf: 'https://spor.ema.europa.eu/v1/organisations',
  vaccineProphylaxis: 'http://snomed.info/sct',
  diseaseAgentTargeted: 'http://snomed.info/sct',
  testType: 'http://loinc.org',
  testResult: 'http://snomed.info/sct',
  testManufacturer: 'https://covid-19-diagnostics.jrc.ec.europa.eu/devices',
  countryCodes: 'urn:iso:std:iso:3166',
};

/** A code of an EU value set, with that set's system and display (a code it does not list keeps the set's register). */
function coded(set: DccValueSetName, value: unknown, path: string): DdccCoding {
  const code = required(value, path);
  const entry = lookupValueSet(set, code);
  // ATC codes (J07BX03) share the vaccine-prophylaxis value set with SNOMED CT's numeric codes.
  const system =
    entry?.system ??
    (set === 'vaccineProphylaxis' && /^[A-Z]/.test(code) ? 'http://www.whocc.no/atc' : DEFAULT_SYSTEM[set]);
  return { code, system, ...(entry !== undefined ? { display: entry.display } : {}) };
}

function disease(value: unknown, path: string): DdccCoding & { snomed?: string } {
  const c = coded('diseaseAgentTargeted', value, path);
  return c.code === COVID19_DISEASE.snomed ? { ...c, snomed: c.code } : c;
}

function nameOf(payload: Json): DdccName {
  const nam = isJsonObject(payload.nam) ? payload.nam : undefined;
  if (nam === undefined) throw new DdccMappingError('$.nam', 'is missing');
  const fn = text(nam.fn);
  const gn = text(nam.gn);
  const fnt = text(nam.fnt);
  const gnt = text(nam.gnt);
  const latinText = [gnt, fnt].filter(Boolean).join(' ');
  const nativeText = [gn, fn].filter(Boolean).join(' ');
  // `fnt` is the one name the DCC requires: without a native spelling, the Latin one is the name.
  const full = nativeText || latinText.replace(/</g, ' ').replace(/\s+/g, ' ').trim();
  if (full === '') throw new DdccMappingError('$.nam.fnt', 'is missing');
  const name: DdccName = { text: full, split: 'record' };
  if (nativeText !== '') {
    if (fn !== undefined) name.family = fn;
    if (gn !== undefined) name.given = gn;
  } else {
    if (fnt !== undefined) name.family = fnt;
    if (gnt !== undefined) name.given = gnt;
  }
  if (latinText !== '')
    name.latin = {
      text: latinText,
      ...(fnt !== undefined ? { family: fnt } : {}),
      ...(gnt !== undefined ? { given: gnt } : {}),
    };
  return name;
}

function dateTime(value: unknown, path: string): string {
  const v = required(value, path);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v)) throw new DdccMappingError(path, 'is not an ISO 8601 date-time');
  return v;
}

function personOf(payload: Json): DdccPerson {
  const person: DdccPerson = { name: nameOf(payload) };
  // `dob` may be empty or only a year / year-month (EU DCC schema 1.3).
  const dob = /^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?/.exec(text(payload.dob) ?? '');
  if (dob) person.birthDate = dob[0];
  return person;
}

function count(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw new DdccMappingError(path, 'must be a positive integer');
  return value;
}

function first(payload: Json, key: 'v' | 't' | 'r'): Json | undefined {
  const list = payload[key];
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || list.length !== 1 || !isJsonObject(list[0]))
    throw new DdccMappingError(`$.${key}`, 'must hold exactly one entry');
  return list[0];
}

const TEST_CATEGORY: Readonly<Record<string, DdccTestCategory>> = { 'LP6464-4': 'naat', 'LP217198-3': 'antigen' };

/**
 * The WHO DDCC core data set of an EU DCC payload (`v`, `t` or `r`, exactly one entry). `vp`, `tg`, `tt`, `tr`, `mp`,
 * `ma` keep their codes and the EU value sets' systems. Throws `DdccMappingError` (`ERR_DDCC_CREDENTIAL_INVALID`)
 * naming the missing or malformed field.
 */
export function dccCoreDataSet(payload: unknown): DdccCoreDataSet {
  if (!isJsonObject(payload)) throw new DdccMappingError('$', 'a DCC payload must be an object');
  const person = personOf(payload);
  const v = first(payload, 'v');
  const t = first(payload, 't');
  const r = first(payload, 'r');
  if ([v, t, r].filter(Boolean).length !== 1)
    throw new DdccMappingError('$', 'must hold exactly one of v (vaccination), t (test), r (recovery)');
  const entry = (v ?? t ?? r)!;
  const key = v ? 'v' : t ? 't' : 'r';
  const path = (field: string) => `$.${key}[0].${field}`;
  const issuer = required(entry.is, path('is'));
  const certificate = { issuer: { id: issuer, name: issuer }, hcid: required(entry.ci, path('ci')) };
  const country = text(entry.co);
  const co = country !== undefined ? { country: country.toUpperCase() } : {};
  if (v) {
    const product = coded('vaccineMedicinalProduct', v.mp, path('mp'));
    const holder = coded('vaccineMahManf', v.ma, path('ma'));
    const maker = { display: holder.display ?? holder.code, code: holder.code };
    return {
      kind: 'vaccination',
      person,
      certificate: { ...certificate, type: 'ProofOfVaccinationCredential' },
      vaccination: {
        vaccine: coded('vaccineProphylaxis', v.vp, path('vp')),
        brand: { display: product.display ?? product.code, euProduct: product.code },
        manufacturer: maker,
        maholder: { ...maker },
        date: day(v.dt, path('dt')),
        dose: count(v.dn, path('dn')),
        totalDoses: count(v.sd, path('sd')),
        ...co,
        disease: disease(v.tg, path('tg')),
      },
    };
  }
  if (t) {
    const type = coded('testType', t.tt, path('tt'));
    const result = coded('testResult', t.tr, path('tr'));
    const test: Extract<DdccCoreDataSet, { kind: 'test' }>['test'] = {
      pathogen: disease(t.tg, path('tg')),
      type: { display: type.display ?? type.code, category: TEST_CATEGORY[type.code] ?? 'other' },
      typeCode: type,
      date: dateTime(t.sc, path('sc')),
      result: { display: result.display ?? result.code, outcome: ddccTestOutcome(result.code) },
      resultCode: result,
      ...co,
    };
    const nm = text(t.nm);
    if (nm !== undefined) test.name = nm;
    if (text(t.ma) !== undefined) {
      const device = coded('testManufacturer', t.ma, path('ma'));
      test.manufacturerCode = device;
      test.manufacturer = device.display ?? device.code;
    }
    const tc = text(t.tc);
    if (tc !== undefined) test.centre = tc;
    return { kind: 'test', person, certificate: { ...certificate, type: 'ProofOfTestCertificateCredential' }, test };
  }
  return {
    kind: 'recovery',
    person,
    certificate: { ...certificate, type: 'ProofOfRecoveryCredential' },
    recovery: {
      disease: disease(r!.tg, path('tg')),
      firstPositiveDate: day(r!.fr, path('fr')),
      validFrom: day(r!.df, path('df')),
      validUntil: day(r!.du, path('du')),
      ...co,
    },
  };
}
