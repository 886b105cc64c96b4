/**
 * An ICAO VDS-NC seal (proof of vaccination `icao.vacc`, WHO data; proof of testing `icao.test`, CAPSCA data) read as
 * the WHO DDCC core data set. Small and pure: the plugin module imports it directly (see docs/fhir.md for the mapping).
 */
import { isJsonObject, toAlpha3 } from '@divoc/keys';
import {
  COVID19_DISEASE,
  DDCC_SYSTEMS,
  DdccMappingError,
  dccValueSets,
  ddccTestCategory,
  ddccTestOutcome,
  type DdccCoding,
  type DdccCoreDataSet,
  type DdccName,
  type DdccPerson,
  type DdccSex,
  type DdccTestEvent,
  type DdccVaccinationEvent,
  ddccText as text,
  ddccRequiredText as required,
  ddccDay as day,
} from '@divoc/schemas';

type Json = Record<string, unknown>;

let alpha2ByAlpha3: Map<string, string> | undefined;
/** The alpha-2 code of an alpha-3 country (the DDCC's form); an ICAO code with no alpha-2 (`D<<`) stays as written. */
function alpha2(code: string): string {
  alpha2ByAlpha3 ??= new Map(
    Object.keys(dccValueSets.countryCodes.valueSetValues).flatMap((a2) => {
      const a3 = toAlpha3(a2);
      return a3 !== undefined && a3 !== a2 ? [[a3, a2] as const] : [];
    }),
  );
  return alpha2ByAlpha3.get(code.toUpperCase()) ?? code;
}

/** A seal's recorded "Not recorded" is no value. */
const recorded = (value: unknown): string | undefined => {
  const t = text(value);
  return t === undefined || /^not recorded$/i.test(t) ? undefined : t;
};

const SEX: Readonly<Record<string, DdccSex>> = { M: 'male', F: 'female', X: 'other' };

function personOf(pid: Json): DdccPerson {
  const written = required(pid.n, '$.data.msg.pid.n');
  // ICAO names put the primary identifier (family name) first, two spaces before the secondary one (given names).
  const cut = written.indexOf('  ');
  const name: DdccName =
    cut > 0
      ? {
          text: written.replace(/\s+/g, ' '),
          family: written.slice(0, cut).trim(),
          given: written.slice(cut).trim(),
          split: 'record',
        }
      : { text: written.replace(/\s+/g, ' '), split: 'none' };
  const person: DdccPerson = { name };
  const dob = /^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?/.exec(text(pid.dob) ?? '');
  if (dob) person.birthDate = dob[0];
  const sex = SEX[(text(pid.sex) ?? '').toUpperCase()];
  if (sex !== undefined) person.sex = sex;
  const document = text(pid.i);
  if (document !== undefined) {
    // `i` is the travel document number: a passport number (HL7 v2-0203 `PPN`).
    person.identifier = document;
    person.nationalId = document;
    person.nationalIdType = 'PPN';
  }
  return person;
}

function icd11Disease(code: string): DdccCoding & { snomed?: string } {
  return {
    code,
    system: DDCC_SYSTEMS.ICD11,
    ...(/^RA01(\.\d)?$/.test(code) ? { display: COVID19_DISEASE.display, snomed: COVID19_DISEASE.snomed } : {}),
  };
}

function vaccinationOf(msg: Json): DdccVaccinationEvent {
  // Every dose of every vaccine; the latest (highest sequence, then date) is the event, as the summary shows it.
  const doses: { ve: Json; vd: Json; path: string }[] = [];
  const ves = Array.isArray(msg.ve) ? msg.ve.slice(0, 32) : [];
  ves.forEach((ve: unknown, i: number) => {
    if (!isJsonObject(ve) || !Array.isArray(ve.vd)) return;
    ve.vd.slice(0, 32).forEach((vd: unknown, j: number) => {
      if (isJsonObject(vd)) doses.push({ ve, vd, path: `$.data.msg.ve[${i}].vd[${j}]` });
    });
  });
  if (doses.length === 0) throw new DdccMappingError('$.data.msg.ve', 'holds no vaccination');
  const seq = (d: { vd: Json }) => (typeof d.vd.seq === 'number' && Number.isSafeInteger(d.vd.seq) ? d.vd.seq : 0);
  doses.sort((a, b) => seq(a) - seq(b) || String(a.vd.dvc ?? '').localeCompare(String(b.vd.dvc ?? '')));
  const { ve, vd, path } = doses[doses.length - 1]!;
  const vePath = path.replace(/\.vd\[\d+\]$/, '');
  const dose = seq({ vd });
  if (dose < 1) throw new DdccMappingError(`${path}.seq`, 'must be a positive integer');
  const event: DdccVaccinationEvent = {
    vaccine: { code: required(ve.des, `${vePath}.des`), system: DDCC_SYSTEMS.ICD11 },
    brand: { display: required(ve.nam, `${vePath}.nam`) },
    date: day(vd.dvc, `${path}.dvc`),
    dose,
    disease: icd11Disease(required(ve.dis, `${vePath}.dis`)),
  };
  const country = text(vd.ctr);
  if (country !== undefined) event.country = alpha2(country);
  const centre = recorded(vd.adm);
  if (centre !== undefined) event.centre = centre;
  const lot = recorded(vd.lot);
  if (lot !== undefined) event.lot = lot;
  const next = /^\d{4}-\d{2}-\d{2}$/.exec(text(vd.dvn) ?? '');
  if (next) event.nextDose = next[0];
  return event;
}

function testOf(msg: Json): DdccTestEvent {
  const tr = isJsonObject(msg.tr) ? msg.tr : {};
  const dat = isJsonObject(msg.dat) ? msg.dat : {};
  const sp = isJsonObject(msg.sp) ? msg.sp : {};
  const type = required(tr.tc, '$.data.msg.tr.tc');
  const result = required(tr.r, '$.data.msg.tr.r');
  const sc = required(dat.sc, '$.data.msg.dat.sc');
  if (!/^\d{4}-\d{2}-\d{2}/.test(sc)) throw new DdccMappingError('$.data.msg.dat.sc', 'is not an ISO 8601 date-time');
  const event: DdccTestEvent = {
    // CAPSCA's proof of testing is for SARS-CoV-2.
    pathogen: icd11Disease(COVID19_DISEASE.icd11),
    type: { display: type, category: ddccTestCategory(type) },
    date: sc,
    result: { display: result, outcome: ddccTestOutcome(result) },
  };
  const origin = text(tr.m);
  if (origin !== undefined) event.origin = origin;
  const ri = text(dat.ri);
  if (ri !== undefined) event.resultDate = ri;
  const centre = recorded(sp.spn);
  if (centre !== undefined) event.centre = centre;
  const country = text(sp.ctr);
  if (country !== undefined) event.country = alpha2(country);
  return event;
}

/**
 * The WHO DDCC core data set of a decoded VDS-NC seal: `pid` as the person (the travel document number `i` as the
 * identifier), `uvci`/`utci` as the HCID, `hdr.is` (alpha-3) as the issuer, the latest dose of `ve` (or the test
 * `tr`/`dat`/`sp`) as the event, countries as alpha-2. Throws `DdccMappingError` (`ERR_DDCC_CREDENTIAL_INVALID`)
 * naming the missing or malformed field.
 */
export function vdsncCoreDataSet(seal: unknown): DdccCoreDataSet {
  const data = isJsonObject(seal) && isJsonObject(seal.data) ? seal.data : undefined;
  if (data === undefined) throw new DdccMappingError('$.data', 'is missing');
  const hdr = isJsonObject(data.hdr) ? data.hdr : {};
  const msg = isJsonObject(data.msg) ? data.msg : undefined;
  if (msg === undefined) throw new DdccMappingError('$.data.msg', 'is missing');
  const pid = isJsonObject(msg.pid) ? msg.pid : undefined;
  if (pid === undefined) throw new DdccMappingError('$.data.msg.pid', 'is missing');
  const person = personOf(pid);
  const issuer = { id: required(hdr.is, '$.data.hdr.is') };
  if (hdr.t === 'icao.vacc') {
    const certificate = { issuer, hcid: required(msg.uvci, '$.data.msg.uvci'), type: 'icao.vacc' };
    return { kind: 'vaccination', person, certificate, vaccination: vaccinationOf(msg) };
  }
  if (hdr.t === 'icao.test') {
    const certificate = { issuer, hcid: required(msg.utci, '$.data.msg.utci'), type: 'icao.test' };
    return { kind: 'test', person, certificate, test: testOf(msg) };
  }
  throw new DdccMappingError('$.data.hdr.t', 'must be icao.vacc or icao.test');
}
