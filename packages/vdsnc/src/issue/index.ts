import { ICD11_COVID19_VACCINE, resolveVaccine } from '@divoc/schemas';
import {
  base64Decode,
  base64urlEncode,
  publicKeyInfoFromJwk,
  verifySignature,
  type Signer,
  isJsonObject,
} from '@divoc/keys';
import { parseCertificate } from '../certificate/parse.js';
import { OID_EKU_VDSNC_SIGNER } from '../certificate/oids.js';
import { toAlpha3 } from '@divoc/keys';
import { VdsncIssueError } from '../lib/errors.js';
import { canonicalJsonBytes } from '../jcs/index.js';
import type { JsonObject, VdsncSeal, VdsncType } from '../types.js';

/** Options of `issueVdsnc`: the ES256 signer and its barcode signer certificate. */
export interface IssueVdsncOptions {
  /** ES256 signer (P-256). Its key must be the one `certificate` certifies. */
  signer: Signer;
  /** Barcode signer certificate: DER bytes, base64 DER or PEM. Goes into `sig.cer`. */
  certificate: Uint8Array | string;
  /** `hdr.is` (alpha-3). Default: the certificate subject's country. */
  issuingCountry?: string;
}

/** ICD-11 code VDS-NC seals use for the disease: COVID-19, virus identified. */
const COVID19_DISEASE_CODE = 'RA01.0';

type Json = Record<string, unknown>;
/**
 * Issue a VDS-NC seal from one of our credentials (`buildCredential('vaccination' | 'vaccination-v2' | 'test', …)`,
 * signed or not): maps name, date of birth, sex, doses / test, country and certificate id into the ICAO message,
 * signs the RFC 8785 form of `data` with ES256 and embeds the signer certificate. Throws `VdsncIssueError`.
 */
export async function issueVdsnc(credential: object, options: IssueVdsncOptions): Promise<VdsncSeal> {
  if (!isJsonObject(credential)) throw new VdsncIssueError('credential must be an object');
  const { signer } = options ?? ({} as IssueVdsncOptions);
  if (!signer || typeof signer.sign !== 'function') throw new VdsncIssueError('options.signer is required');
  if (signer.algorithm !== 'ES256')
    throw new VdsncIssueError(`VDS-NC seals are signed with ES256, the signer uses ${String(signer.algorithm)}`);
  const der = certificateDer(options.certificate);
  let cert;
  try {
    cert = parseCertificate(der);
  } catch (err) {
    throw new VdsncIssueError(`certificate: ${err instanceof Error ? err.message : 'unreadable'}`, { cause: err });
  }
  if (!cert.extendedKeyUsage?.includes(OID_EKU_VDSNC_SIGNER)) {
    throw new VdsncIssueError(
      `certificate lacks the VDS-NC extended key usage ${OID_EKU_VDSNC_SIGNER}; verifiers would reject the seal`,
    );
  }
  const issuingCountry =
    options.issuingCountry !== undefined ? toAlpha3(options.issuingCountry) : cert.country && toAlpha3(cert.country);
  if (!issuingCountry)
    throw new VdsncIssueError('issuing country: pass options.issuingCountry (alpha-3) or use a certificate with C=');

  const { type, msg } = messageFrom(credential);
  const data = { hdr: { t: type, v: 1 as const, is: issuingCountry }, msg };
  const bytes = canonicalJsonBytes(data);
  const signature = await signer.sign(bytes);
  // Catch a signer/certificate mismatch here rather than in every verifier.
  let ok = false;
  try {
    const { type, jwk } = publicKeyInfoFromJwk(cert.publicKeyJwk);
    ok =
      type === 'P-256' &&
      signature.length === 64 &&
      (await verifySignature({ id: 'vdsnc-signer', type, publicKeyJwk: jwk }, 'ES256', bytes, signature));
  } catch {
    ok = false;
  }
  if (!ok)
    throw new VdsncIssueError(
      'the signature does not verify with the certificate key: signer and certificate do not match',
    );
  return { data, sig: { alg: 'ES256', cer: base64urlEncode(der), sigvl: base64urlEncode(signature) } };
}

/** The seal as the compact JSON text a QR code carries. */
export function encodeVdsnc(seal: VdsncSeal): string {
  return JSON.stringify(seal);
}

function certificateDer(input: unknown): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (typeof input === 'string' && input.length < 65_536) {
    const pem = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(input);
    const body = (pem ? pem[1]! : input).replace(/\s+/g, '');
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return base64Decode(body);
  }
  throw new VdsncIssueError('options.certificate must be DER bytes, base64 DER or PEM');
}

function messageFrom(credential: Json): { type: VdsncType; msg: JsonObject } {
  const types = Array.isArray(credential.type) ? credential.type : [credential.type];
  const subject = credential.credentialSubject;
  if (!isJsonObject(subject)) throw new VdsncIssueError('credential has no credentialSubject object');
  const evidence = Array.isArray(credential.evidence) ? credential.evidence.filter(isJsonObject) : [];
  if (evidence.length === 0) throw new VdsncIssueError('credential has no evidence');
  const certificateId = text(evidence[0]!.certificateId);
  if (!certificateId || certificateId.length > 12)
    throw new VdsncIssueError('evidence certificateId must be 1 to 12 characters (uvci / utci)');
  const pid = personOf(subject);
  if (types.includes('ProofOfVaccinationCredential')) {
    return { type: 'icao.vacc', msg: { pid, uvci: certificateId, ve: vaccinationEvents(evidence, subject) } };
  }
  if (types.includes('ProofOfTestCertificateCredential')) {
    return { type: 'icao.test', msg: { pid, utci: certificateId, ...testResult(evidence[0]!, subject) } };
  }
  throw new VdsncIssueError('VDS-NC carries proofs of vaccination and testing only');
}

function text(v: unknown): string {
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
}

function personOf(subject: Json): JsonObject {
  const name = text(subject.name);
  if (!name) throw new VdsncIssueError('credentialSubject.name is required');
  if (name.length > 39) throw new VdsncIssueError('VDS-NC names are at most 39 characters');
  const pid: JsonObject = { n: name };
  const dob = text(subject.dob);
  if (/^\d{4}-\d{2}-\d{2}$/.test(dob)) pid.dob = dob;
  const sex = ({ male: 'M', m: 'M', female: 'F', f: 'F', other: 'X', x: 'X' } as Record<string, string>)[
    text(subject.gender).toLowerCase()
  ];
  if (sex) pid.sex = sex;
  return pid;
}

function countryOf(...addresses: unknown[]): string {
  for (const a of addresses) {
    const code = isJsonObject(a) ? toAlpha3(text(a.addressCountry)) : undefined;
    if (code) return code;
  }
  throw new VdsncIssueError('no facility or subject addressCountry to name the country');
}

function vaccinationEvents(evidence: Json[], subject: Json): JsonObject[] {
  const byVaccine = new Map<string, JsonObject[]>();
  for (const e of evidence) {
    const types = Array.isArray(e.type) ? e.type : [e.type];
    if (!types.includes('Vaccination')) continue;
    const name = resolveVaccine(text(e.vaccine))?.name ?? text(e.vaccine);
    if (!name) throw new VdsncIssueError('evidence.vaccine is required');
    const dose = Number(e.dose);
    if (!Number.isInteger(dose) || dose < 1 || dose > 99)
      throw new VdsncIssueError('evidence.dose must be an integer from 1 to 99');
    const date = text(e.date).slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new VdsncIssueError('evidence.date must be an ISO date');
    const facility = isJsonObject(e.facility) ? e.facility : {};
    const vd: JsonObject = {
      dvc: date,
      seq: dose,
      ctr: countryOf(facility.address, subject.address),
      adm: text(facility.name) || 'Not recorded',
      lot: text(e.batch) || 'Not recorded',
    };
    const next = text(e.nextDoseDueDate);
    if (/^\d{4}-\d{2}-\d{2}$/.test(next)) vd.dvn = next;
    const list = byVaccine.get(name) ?? [];
    list.push(vd);
    byVaccine.set(name, list);
  }
  if (byVaccine.size === 0) throw new VdsncIssueError('credential has no Vaccination evidence');
  return [...byVaccine].map(([nam, vd]) => ({ des: ICD11_COVID19_VACCINE.ANY, nam, dis: COVID19_DISEASE_CODE, vd }));
}

const TEST_TYPES: Record<string, string> = {
  rtpcr: 'molecular(PCR)',
  pcr: 'molecular(PCR)',
  naat: 'molecular(other)',
  rat: 'antigen',
  antigen: 'antigen',
  rapidantigen: 'antigen',
  antibody: 'antibody',
  serology: 'antibody',
};
const SAMPLE_METHODS: Record<string, string> = {
  nasopharyngeal: 'nasopharyngeal',
  oropharyngeal: 'oropharyngeal',
  saliva: 'saliva',
  blood: 'blood',
};
const squash = (s: string): string => s.toLowerCase().replace(/[^a-z]/g, '');

function testResult(e: Json, subject: Json): JsonObject {
  const facility = isJsonObject(e.facility) ? e.facility : {};
  const sc = text(e.sampleCollectionTimestamp);
  if (!sc) throw new VdsncIssueError('evidence.sampleCollectionTimestamp is required');
  const result = text(e.result).toLowerCase();
  if (!result) throw new VdsncIssueError('evidence.result is required');
  const tr: JsonObject = {
    tc: TEST_TYPES[squash(text(e.testType))] ?? (text(e.testType) || 'molecular(PCR)'),
    r: result,
  };
  const method = SAMPLE_METHODS[squash(text(e.sampleOrigin))];
  if (method) tr.m = method;
  const dat: JsonObject = { sc };
  const ri = text(e.resultTimestamp);
  if (ri) dat.ri = ri;
  const sp: JsonObject = {
    spn: text(facility.name) || 'Not recorded',
    ctr: countryOf(facility.address, subject.address),
  };
  if (isJsonObject(facility.address)) {
    const a = facility.address;
    const line = [a.streetAddress, a.streetAddress2, a.city, a.postalCode].map(text).filter(Boolean).join(', ');
    if (line) sp.cd = { a: line };
  }
  return { sp, dat, tr };
}
