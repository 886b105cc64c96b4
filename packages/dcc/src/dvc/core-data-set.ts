/**
 * WHO DVC / ICVP payload ↔ the WHO DDCC core data set. Pure mapping, no CBOR: the plugins' `coreDataSet` and the FHIR
 * mapping read a DVC through `dvcCoreDataSet`; issuing writes one with `dvcPayloadOf`.
 */
import { isJsonObject } from '@divoc/keys';
import {
  DDCC_SYSTEMS,
  DdccMappingError,
  FormatIssueError,
  type DdccCoding,
  type DdccCoreDataSet,
  type DdccPerson,
  type DdccSex,
  type DdccVaccinationEvent,
} from '@divoc/schemas';
import {
  DVC_SYSTEMS,
  dvcProfileOf,
  dvcVaccinations,
  isIcd11Code,
  type DvcPayload,
  type DvcProfile,
  type DvcVaccination,
} from './payload.js';

/** `certificate.type` of a core data set read from a DVC, by profile. */
export const DVC_CERTIFICATE_TYPES: Readonly<Record<DvcProfile, string>> = Object.freeze({
  dvc: 'DigitalVaccinationCertificate',
  icvp: 'InternationalCertificateOfVaccinationOrProphylaxis',
});

const MAX_TEXT = 1024;

function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t === '' ? undefined : t.slice(0, MAX_TEXT);
}

function required(value: unknown, path: string): string {
  const t = typeof value === 'string' ? text(value) : undefined;
  if (t === undefined) throw new DdccMappingError(path, 'is missing or not text');
  return t;
}

const SEX: Readonly<Record<string, DdccSex>> = {
  m: 'male',
  male: 'male',
  f: 'female',
  female: 'female',
  o: 'other',
  other: 'other',
  u: 'unknown',
  unknown: 'unknown',
};
const SEX_CODE: Readonly<Record<DdccSex, string>> = { male: 'M', female: 'F', other: 'O', unknown: 'U' };

/** ICD-11 coding in the system the DVC uses; a code of another shape stays text. */
function icd11(code: string): DdccCoding {
  return isIcd11Code(code) ? { code, system: DVC_SYSTEMS.ICD11 } : { code, system: DDCC_SYSTEMS.TEXT, display: code };
}

function personOf(payload: Record<string, unknown>): DdccPerson {
  const name = required(payload.n, '$.n');
  const person: DdccPerson = { name: { text: name, split: 'none' }, birthDate: required(payload.dob, '$.dob') };
  const sex = text(payload.s);
  if (sex !== undefined && Object.hasOwn(SEX, sex.toLowerCase())) person.sex = SEX[sex.toLowerCase()]!;
  const facts: [keyof DdccPerson, unknown][] = [
    ['nationality', payload.ntl],
    ['nationalId', payload.nid],
    ['nationalIdType', payload.ndt],
    ['guardian', payload.gn],
  ];
  for (const [key, value] of facts) {
    const t = text(value);
    if (t !== undefined) (person as unknown as Record<string, string>)[key] = t;
  }
  if (person.nationalId !== undefined) person.identifier = person.nationalId;
  return person;
}

function vaccinationOf(v: Record<string, unknown>, path: string, profile: DvcProfile): DdccVaccinationEvent {
  const vp = required(v.vp, `${path}.vp`);
  const mp = text(v.mp);
  const tg = text(v.tg);
  const dn = v.dn;
  const doseNumber =
    typeof dn === 'number' && Number.isInteger(dn) && dn > 0
      ? dn
      : typeof dn === 'string' && /^\d{1,3}$/.test(dn.trim())
        ? Number(dn.trim())
        : undefined;
  const event: DdccVaccinationEvent = {
    brand: { display: profile === 'icvp' ? vp : (mp ?? vp) },
    date: required(v.dt, `${path}.dt`),
    dose: doseNumber ?? 0,
    disease: tg !== undefined ? icd11(tg) : { code: '', system: DDCC_SYSTEMS.TEXT },
  };
  if (profile === 'icvp') event.product = { code: vp, system: DVC_SYSTEMS.PREQUAL_PRODUCT };
  else {
    event.vaccine = icd11(vp);
    if (mp !== undefined) event.product = { code: mp, system: DDCC_SYSTEMS.TEXT };
  }
  const doseText = text(dn);
  if (doseText !== undefined && doseNumber === undefined) event.doseText = doseText;
  const ma = text(v.ma);
  if (ma !== undefined) event.manufacturer = { display: ma };
  const mid = text(v.mid);
  if (mid !== undefined) event.manufacturerId = mid;
  const bo = text(v.bo);
  if (bo !== undefined) event.lot = bo;
  const cn = text(v.cn);
  if (cn !== undefined) event.practitioner = cn;
  const vls = text(v.vls);
  if (vls !== undefined) event.validFrom = vls;
  const vle = text(v.vle);
  if (vle !== undefined) event.validUntil = vle;
  return event;
}

/**
 * The WHO DDCC core data set (a vaccination) of a DVC or ICVP payload (HCERT -260 → -6), with its codes in the systems
 * the payload used: `tg` as the disease and `vp` as the vaccine in ICD-11 MMS (`http://id.who.int/icd/release/11/mms`),
 * an ICVP `vp` as `product` in WHO's PreQual product ids, `mp` as `product` (text: no published code system), `dn`
 * as `doseText` (`dose` 0) unless it is a number, `cn` as `practitioner`, `vls`/`vle` as the vaccination's and the
 * certificate's validity, `is` as the certificate issuer's id, and the person's `ntl`, `nid`, `ndt`, `gn` as
 * `nationality`, `nationalId` (also `identifier`), `nationalIdType`, `guardian`. A DVC has no certificate id:
 * `certificate.hcid` is empty. When the payload lists several vaccinations, the first one is read. Throws
 * `DdccMappingError` (`ERR_DDCC_CREDENTIAL_INVALID`) when the name, birth date, vaccine or date is missing.
 */
export function dvcCoreDataSet(payload: unknown): DdccCoreDataSet {
  if (!isJsonObject(payload)) throw new DdccMappingError('$', 'a DVC payload must be an object');
  const profile = dvcProfileOf(payload);
  const first = dvcVaccinations(payload)[0];
  if (first === undefined) throw new DdccMappingError('$.v', 'holds no vaccination');
  const path = Array.isArray(payload.v) ? '$.v[0]' : '$.v';
  const vaccination = vaccinationOf(first, path, profile);
  const issuerId = text(first.is);
  const period = {
    ...(vaccination.validFrom !== undefined ? { start: vaccination.validFrom } : {}),
    ...(vaccination.validUntil !== undefined ? { end: vaccination.validUntil } : {}),
  };
  return {
    kind: 'vaccination',
    person: personOf(payload),
    certificate: {
      issuer: { id: issuerId ?? '' },
      hcid: '',
      ...(Object.keys(period).length > 0 ? { period } : {}),
      type: DVC_CERTIFICATE_TYPES[profile],
    },
    vaccination,
  };
}

/** `YYYY-MM-DD` of a date or timestamp as written. */
const day = (value: string | undefined): string | undefined => /^\d{4}-\d{2}-\d{2}/.exec(value ?? '')?.[0];

/**
 * The DVC payload of a core data set, in the given profile: only vaccinations (a test or recovery is
 * `ERR_ISSUER_FORMAT_UNSUPPORTED`). `dvc` needs the vaccine and the disease as ICD-11 codes; `icvp` needs the vaccine's
 * ICVP product catalogue id (`vaccination.product` in WHO's PreQual product ids). Both need a birth date and a lot
 * number. Throws `FormatIssueError` (`ERR_ISSUER_VALUE_UNMAPPABLE`) otherwise.
 */
export function dvcPayloadOf(ddcc: DdccCoreDataSet, profile: DvcProfile): DvcPayload {
  if (ddcc.kind !== 'vaccination')
    throw new FormatIssueError(
      profile,
      'ERR_ISSUER_FORMAT_UNSUPPORTED',
      `a ${profile} records vaccinations only, not a ${ddcc.kind}`,
    );
  const unmappable = (message: string): never => {
    throw new FormatIssueError(profile, 'ERR_ISSUER_VALUE_UNMAPPABLE', message);
  };
  const { person, vaccination: e, certificate } = ddcc;
  const icd11Systems: readonly string[] = [DVC_SYSTEMS.ICD11, DDCC_SYSTEMS.ICD11];
  const v: DvcVaccination = { vp: '', dt: day(e.date) ?? unmappable('the date of vaccination is not a date') };
  if (profile === 'dvc') {
    if (e.vaccine === undefined || !icd11Systems.includes(e.vaccine.system) || !isIcd11Code(e.vaccine.code))
      unmappable('the vaccine has no ICD-11 code (vp)');
    if (!icd11Systems.includes(e.disease.system) || !isIcd11Code(e.disease.code))
      unmappable('the disease targeted has no ICD-11 code (tg)');
    v.tg = e.disease.code;
    v.vp = e.vaccine!.code;
    const mp = e.product?.code ?? e.brand.euProduct ?? e.brand.canonical ?? e.brand.display;
    if (mp) v.mp = mp;
    const ma = e.manufacturer?.display ?? e.maholder?.display;
    if (ma !== undefined) v.ma = ma;
    const mid = e.manufacturerId ?? e.manufacturer?.code;
    if (mid !== undefined) v.mid = mid;
    v.dn = e.doseText ?? e.dose;
  } else {
    if (e.product === undefined || e.product.system !== DVC_SYSTEMS.PREQUAL_PRODUCT || isIcd11Code(e.product.code))
      unmappable('the vaccine has no ICVP product catalogue id (a PreQual product id)');
    v.vp = e.product!.code;
  }
  if (e.lot === undefined) unmappable('the batch number (bo) is missing');
  v.bo = e.lot;
  const vls = day(e.validFrom ?? certificate.period?.start);
  const vle = day(e.validUntil ?? certificate.period?.end);
  if (vls !== undefined) v.vls = vls;
  if (vle !== undefined) v.vle = vle;
  if (e.practitioner !== undefined) v.cn = e.practitioner;
  const is = certificate.issuer.name ?? certificate.issuer.id;
  if (is) v.is = is;
  if (person.birthDate === undefined) unmappable('the date of birth is missing');
  // WHO's DVC example holds one vaccination object; the ICVP model has a list (1..*).
  const out: DvcPayload = { n: person.name.text, dob: person.birthDate!, v: profile === 'icvp' ? [v] : v };
  if (person.sex !== undefined) out.s = SEX_CODE[person.sex];
  if (person.nationality !== undefined) out.ntl = person.nationality;
  if (person.nationalId !== undefined) out.nid = person.nationalId;
  if (person.nationalIdType !== undefined) out.ndt = person.nationalIdType;
  if (person.guardian !== undefined) out.gn = person.guardian;
  return out;
}
