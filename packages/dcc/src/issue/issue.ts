import { isJsonObject } from '@divoc/keys';
import { COVID19_DISEASE, dccValueSets, lookupValueSet, resolveVaccine } from '@divoc/schemas';
import { DccEncodeError } from '../lib/errors.js';
import type { DccName, DccPayload } from '../types.js';
import { createUvci } from '../uvci/uvci.js';
import { encodeDcc, type EncodeDccOptions, type EncodedDcc } from '../hc1/encode.js';
import { transliterateIcao } from './transliterate.js';

/** DCC schema version this package writes. */
export const DCC_VERSION = '1.3.0';

/** Options of `credentialToDcc`: the DCC fields a DIVOC credential does not carry, or carries differently. */
export interface CredentialToDccOptions {
  /** `is`: certificate issuer as printed (max 80 characters). Default: the credential's issuer. */
  certificateIssuer?: string;
  /** `co`: ISO 3166-1 alpha-2 country. Default: from the evidence (facility address, recovery country). */
  country?: string;
  /** `ci`: a ready UVCI. Default: `URN:UVCI:01:<co>:<certificateId>#<check>`. */
  uvci?: string;
  /** Append the Luhn mod N checksum to a generated UVCI (default true). */
  uvciChecksum?: boolean;
  /**
   * Names. Default: the subject's `name` split at its last space (family name last); the transliterations
   * (`fnt`, `gnt`) are computed unless given — give them for names in non-Latin scripts.
   */
  name?: DccName;
  /** `dob` when the credential has none (DIVOC v1 carries only age): `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or ''. */
  dob?: string;
}

/** Options of `issueDcc`: the mapping options and the signing options together. */
export interface IssueDccOptions extends CredentialToDccOptions, Omit<EncodeDccOptions, 'validate'> {}

/** A DCC issued from a credential: the signed QR text and bytes, and the DCC JSON payload that was signed. */
export interface IssuedDcc extends EncodedDcc {
  payload: DccPayload;
}

type Json = Record<string, unknown>;

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

function firstEvidence(credential: Json): Json {
  const evidence = Array.isArray(credential.evidence) ? credential.evidence[0] : credential.evidence;
  if (!isJsonObject(evidence)) throw new DccEncodeError('credential has no evidence to map');
  return evidence;
}

function kindOf(credential: Json): 'v' | 't' | 'r' {
  const types = Array.isArray(credential.type) ? credential.type : [credential.type];
  if (types.includes('ProofOfVaccinationCredential')) return 'v';
  if (types.includes('ProofOfTestCertificateCredential')) return 't';
  if (types.includes('ProofOfRecoveryCredential')) return 'r';
  throw new DccEncodeError(
    'credential is not a ProofOfVaccinationCredential, ProofOfTestCertificateCredential or ProofOfRecoveryCredential',
  );
}

/** ISO alpha-2 code of a country given as a code or an English name ("IN", "India"). */
function countryCode(value: string): string | undefined {
  const v = value.trim();
  if (/^[A-Za-z]{2}$/.test(v) && lookupValueSet('countryCodes', v.toUpperCase())) return v.toUpperCase();
  const wanted = v.toLowerCase();
  for (const [code, entry] of Object.entries(dccValueSets.countryCodes.valueSetValues)) {
    if (entry.display.toLowerCase() === wanted) return code;
  }
  return undefined;
}

function nameOf(subject: Json, override: DccName | undefined): DccName {
  let fn = override?.fn;
  let gn = override?.gn;
  if (fn === undefined && gn === undefined) {
    const full = text(subject.name).replace(/\s+/g, ' ');
    if (full.length === 0) throw new DccEncodeError('credentialSubject.name is empty');
    const cut = full.lastIndexOf(' ');
    if (cut > 0) {
      gn = full.slice(0, cut);
      fn = full.slice(cut + 1);
    } else fn = full;
  }
  const nam: DccName = {};
  if (fn) nam.fn = fn.slice(0, 80);
  const fnt = override?.fnt ?? (fn ? transliterateIcao(fn) : '');
  if (fnt) nam.fnt = fnt;
  if (gn) nam.gn = gn.slice(0, 80);
  const gnt = override?.gnt ?? (gn ? transliterateIcao(gn) : '');
  if (gnt) nam.gnt = gnt;
  if (!nam.fnt && !nam.gnt)
    throw new DccEncodeError('the name has no Latin transliteration; give options.name.fnt / gnt');
  return nam;
}

function dobOf(subject: Json, override: string | undefined): string {
  const dob = override ?? text(subject.dob);
  if (dob === '') return '';
  const m = /^(\d{4}(?:-\d{2}(?:-\d{2})?)?)/.exec(dob);
  if (!m) throw new DccEncodeError(`dob ${JSON.stringify(dob)} is not an ISO 8601 date`);
  return m[1]!;
}

function dateOnly(value: unknown, field: string): string {
  const v = text(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v)) throw new DccEncodeError(`${field} is missing or not an ISO 8601 date`);
  return v.slice(0, 10);
}

function diseaseCode(value: unknown): string {
  const v = text(value);
  if (v === '' || /covid|sars-?cov-?2|840539006|RA01/i.test(v)) return COVID19_DISEASE.snomed;
  if (lookupValueSet('diseaseAgentTargeted', v)) return v;
  throw new DccEncodeError(`disease ${JSON.stringify(v)} has no EU code (the DCC covers COVID-19)`);
}

function testTypeCode(value: unknown): string {
  const v = text(value);
  if (lookupValueSet('testType', v)) return v;
  if (/pcr|naat?\b|nucleic|molecular|lamp|tma/i.test(v)) return 'LP6464-4';
  if (/antigen|\brat\b|rapid|immunoassay/i.test(v)) return 'LP217198-3';
  throw new DccEncodeError(`test type ${JSON.stringify(v)} is neither a NAAT (PCR) nor a rapid antigen test`);
}

function testResultCode(value: unknown): string {
  const v = text(value);
  if (lookupValueSet('testResult', v)) return v;
  if (/^(negative|not detected|neg)$/i.test(v)) return '260415000';
  if (/^(positive|detected|pos)$/i.test(v)) return '260373001';
  throw new DccEncodeError(`test result ${JSON.stringify(v)} is neither positive nor negative`);
}

function issuerText(credential: Json, override: string | undefined): string {
  const issuer =
    override ??
    (typeof credential.issuer === 'string'
      ? credential.issuer
      : isJsonObject(credential.issuer)
        ? text(credential.issuer.name) || text(credential.issuer.id)
        : '');
  if (issuer.length === 0 || issuer.length > 80)
    throw new DccEncodeError('certificate issuer (is) must be 1 to 80 characters; give options.certificateIssuer');
  return issuer;
}

function uvciFor(evidence: Json, co: string, options: CredentialToDccOptions): string {
  if (options.uvci !== undefined) return options.uvci;
  const id = text(evidence.certificateId)
    .toUpperCase()
    .replace(/[^A-Z0-9/:]/g, '');
  if (id.length === 0) throw new DccEncodeError('evidence.certificateId is missing: give options.uvci');
  return createUvci(co, id, { checksum: options.uvciChecksum !== false });
}

/** The DCC payload for one of our credentials (vaccination, test, recovery), without signing it. */
export function credentialToDccPayload(credential: unknown, options: CredentialToDccOptions = {}): DccPayload {
  if (!isJsonObject(credential)) throw new DccEncodeError('credential must be a JSON object');
  const kind = kindOf(credential);
  const subject = isJsonObject(credential.credentialSubject) ? credential.credentialSubject : undefined;
  if (!subject) throw new DccEncodeError('credential has no credentialSubject');
  const evidence = firstEvidence(credential);
  const facility = isJsonObject(evidence.facility) ? evidence.facility : {};
  const facilityAddress = isJsonObject(facility.address) ? facility.address : {};
  const subjectAddress = isJsonObject(subject.address) ? subject.address : {};
  const countryInput =
    options.country ??
    (text(evidence.country) || text(facilityAddress.addressCountry) || text(subjectAddress.addressCountry));
  const co = countryCode(countryInput);
  if (!co)
    throw new DccEncodeError(
      `country ${JSON.stringify(countryInput)} is not an ISO 3166-1 country; give options.country`,
    );
  const common = { co, is: issuerText(credential, options.certificateIssuer), ci: uvciFor(evidence, co, options) };
  const payload: DccPayload = {
    ver: DCC_VERSION,
    nam: nameOf(subject, options.name),
    dob: dobOf(subject, options.dob),
  };

  if (kind === 'v') {
    const vaccine = resolveVaccine(text(evidence.vaccine));
    if (!vaccine?.euProduct || !vaccine.manufacturer) {
      throw new DccEncodeError(
        `vaccine ${JSON.stringify(text(evidence.vaccine))} has no EU value-set code, so it cannot go into a DCC`,
      );
    }
    const dn = Number(evidence.dose);
    const sd = Number(evidence.totalDoses);
    if (!Number.isInteger(dn) || dn < 1 || !Number.isInteger(sd) || sd < 1)
      throw new DccEncodeError('evidence.dose and evidence.totalDoses must be positive integers');
    payload.v = [
      {
        tg: diseaseCode(evidence.targetDisease),
        vp: vaccine.snomed,
        mp: vaccine.euProduct,
        ma: vaccine.manufacturer,
        dn,
        sd,
        dt: dateOnly(evidence.date, 'evidence.date'),
        ...common,
      },
    ];
  } else if (kind === 't') {
    const tt = testTypeCode(evidence.testType);
    const sc = text(evidence.sampleCollectionTimestamp);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(sc))
      throw new DccEncodeError('evidence.sampleCollectionTimestamp must be an ISO 8601 date-time');
    const entry: NonNullable<DccPayload['t']>[number] = {
      tg: diseaseCode(evidence.disease),
      tt,
      sc,
      tr: testResultCode(evidence.result),
      ...common,
    };
    if (tt === 'LP6464-4' && text(evidence.testName)) entry.nm = text(evidence.testName).slice(0, 80);
    // A RAT device goes in `ma` only as its EU device id.
    if (tt === 'LP217198-3' && lookupValueSet('testManufacturer', text(evidence.manufacturer)))
      entry.ma = text(evidence.manufacturer);
    if (text(facility.name)) entry.tc = text(facility.name).slice(0, 80);
    payload.t = [entry];
  } else {
    payload.r = [
      {
        tg: diseaseCode(evidence.disease),
        fr: dateOnly(evidence.firstPositiveTestDate, 'evidence.firstPositiveTestDate'),
        df: dateOnly(evidence.effectiveStart, 'evidence.effectiveStart'),
        du: dateOnly(evidence.effectiveUntil, 'evidence.effectiveUntil'),
        ...common,
      },
    ];
  }
  return payload;
}

/**
 * Issue an EU DCC from one of our credentials (signed or not): map it (`credentialToDccPayload`), then sign and
 * encode it (`encodeDcc`). A recovery DCC expires with its `du` unless `exp` is given.
 */
export async function issueDcc(credential: unknown, options: IssueDccOptions): Promise<IssuedDcc> {
  const payload = credentialToDccPayload(credential, options);
  let exp = options.exp;
  if (exp === undefined && payload.r?.[0]) exp = new Date(`${payload.r[0].du}T23:59:59Z`);
  else if (
    exp === undefined &&
    isJsonObject(credential) &&
    typeof (credential.expirationDate ?? credential.validUntil) === 'string'
  ) {
    const until = new Date(String(credential.expirationDate ?? credential.validUntil));
    if (!Number.isNaN(until.getTime())) exp = until;
  }
  const encoded = await encodeDcc(payload, { ...options, ...(exp !== undefined ? { exp } : {}), validate: true });
  return { ...encoded, payload };
}
