import {
  base64urlDecode,
  issuerKind,
  parseCertificate,
  publicKeyInfoFromJwk,
  quoteUntrusted,
  sameIssuer,
  TrustStore,
  type KeyPurpose,
  type TrustedKey,
  type X509CertificateInfo,
} from '@divoc/keys';
import { base64ToBytes, depthExceeds, isObject, type Json } from '../lib/bytes.js';
import { TrustInvalidError } from '../lib/errors.js';
import { isCaCertificate } from './ca-certificate.js';

/**
 * DID trust lists as WHO publishes them: the ddcc-trust documents (`JsonWebKey2020` keys with `x5c` chains, embedded
 * or by reference) and GDHCN version 2 lists (`did:web:…:v2:trustlist[-ref]:$domain:$participant:$usage`). This
 * module only reads and checks a list (synchronously, no signature checks); `Trust` checks the chains and adds it.
 */

/** Entries (keys or references) one DID trust list may hold. */
export const MAX_DID_TRUST_LIST_ENTRIES = 100_000;
const MAX_ID = 2048;
const MAX_X5C = 2;
const MAX_X5C_TEXT = 32 * 1024;
const MAX_DEPTH = 32;
/** Problems kept in a summary; the counts say how many there were. */
const MAX_PROBLEMS = 50;

/** Key-use purposes a trust source can give a key, by the formats they cover (enforced in `decide.ts`). */
export const FORMAT_USE = {
  hcert: 'format:hcert',
  shc: 'format:shc',
  vdsnc: 'format:vdsnc',
  vc: 'format:vc',
} as const;

/** GDHCN v2 trust domains (`$domain`) and the use their keys are for; any other domain's keys verify nothing. */
const DOMAIN_USE: Readonly<Record<string, string>> = {
  DCC: FORMAT_USE.hcert,
  DDCC: FORMAT_USE.hcert,
  DVC: FORMAT_USE.hcert,
  ICVP: FORMAT_USE.hcert,
  SHC: FORMAT_USE.shc,
  ICAO: FORMAT_USE.vdsnc,
  'VDS-NC': FORMAT_USE.vdsnc,
  DIVOC: FORMAT_USE.vc,
};

/** DCC extended key usage OIDs (test, vaccination, recovery; and the mistyped arc some issuers used). */
const DCC_EKU = /^1\.3\.6\.1\.4\.1\.(0\.)?1847\.2021\.1\.[123]$/;
/** TLS server / client authentication: a gateway connection certificate, never a document signer. */
const TLS_EKU = new Set(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);

/** One entry of a DID trust list that was not added, and why. */
export interface DidTrustListProblem {
  /** Index in `verificationMethod`. */
  index: number;
  /** The entry's id, cut short. */
  id: string;
  /** `ERR_DID_TRUST_*` or `ERR_TRUST_CHAIN_COUNTRY`. */
  code: string;
  message: string;
}

/** The levels a GDHCN v2 trust-list DID names (`-` or absent: any). */
export interface GdhcnLevels {
  reference: boolean;
  domain?: string;
  participant?: string;
  usage?: string;
}

/** A key entry, read and checked except for its chain signature. */
export interface PlannedSigner {
  role: 'signer';
  index: number;
  vmId: string;
  key: TrustedKey;
  /** `x5c[0]` and `x5c[1]`: x5c[1] must have issued x5c[0] (checked by `Trust`, asynchronously). */
  x509?: X509CertificateInfo;
  chain?: X509CertificateInfo;
}

/** A CA certificate entry: a CSCA for chains, never a signer. */
export interface PlannedCsca {
  role: 'csca';
  index: number;
  vmId: string;
  der: Uint8Array;
  x509: X509CertificateInfo;
  issuers: string[];
  purposes: KeyPurpose[];
  /** The ids it was listed under (DID URL, fragment kid). */
  ids: string[];
  chain?: X509CertificateInfo;
}

/** What a DID trust list holds, read and checked, nothing added yet. */
export interface DidTrustListPlan {
  id: string;
  /** GDHCN v2 levels of the document id, when it is a v2 list. */
  v2?: GdhcnLevels;
  entries: (PlannedSigner | PlannedCsca)[];
  /** DID URLs / DIDs of the referenced form, to be given as further documents. */
  references: string[];
  /** Ids of the document and of every entry it embeds (for resolving references). */
  ids: string[];
  problems: DidTrustListProblem[];
  refused: number;
  skipped: number;
}

const RELATIONSHIPS = ['assertionMethod', 'authentication', 'capabilityInvocation', 'capabilityDelegation'];

/**
 * True for a DID document that is a trust list: `verificationMethod` holds DID URL strings (the referenced form) or
 * `JsonWebKey2020` keys, and no verification relationship names them (WHO's lists make no such assertion); or its
 * id is a GDHCN v2 trust-list DID.
 */
export function isDidTrustList(json: Json): boolean {
  if (typeof json.id !== 'string' || !json.id.startsWith('did:')) return false;
  const vms = json.verificationMethod;
  if (!Array.isArray(vms)) return false;
  if (gdhcnLevels(json.id) !== undefined) return true;
  if (vms.length === 0 || RELATIONSHIPS.some((r) => json[r] !== undefined)) return false;
  return vms.some(
    (vm: unknown) => typeof vm === 'string' || (isObject(vm) && vm.type === 'JsonWebKey2020' && 'publicKeyJwk' in vm),
  );
}

/** The GDHCN v2 levels a DID names (`…:v2:trustlist:$domain:$participant:$usage`), or undefined. */
export function gdhcnLevels(did: string): GdhcnLevels | undefined {
  const segments = did.split('#')[0]!.split(':');
  for (let i = segments.length - 1; i > 0; i--) {
    const name = segments[i];
    if ((name !== 'trustlist' && name !== 'trustlist-ref') || segments[i - 1] !== 'v2') continue;
    const level = (n: number): string | undefined => {
      const value = segments[i + 1 + n];
      return value === undefined || value === '' || value === '-' ? undefined : decode(value).toUpperCase();
    };
    const domain = level(0);
    const participant = level(1);
    const usage = level(2);
    return {
      reference: name === 'trustlist-ref',
      ...(domain !== undefined ? { domain } : {}),
      ...(participant !== undefined ? { participant } : {}),
      ...(usage !== undefined ? { usage } : {}),
    };
  }
  return undefined;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const cut = (value: string): string => quoteUntrusted(value, 80);
/** An entry id kept in a summary: long enough to show the fragment of WHO's ids, still bounded. */
const cutId = (id: string): string => (id.length > 200 ? `${id.slice(0, 200)}…` : id);

function structural(message: string): never {
  throw new TrustInvalidError(`DID trust list: ${message}`, { reason: 'ERR_DID_TRUST_LIST_INVALID' });
}

function idString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0) structural(`${where} must be a non-empty string`);
  if (value.length > MAX_ID) structural(`${where} is longer than ${MAX_ID} characters`);
  return value;
}

/** The kid a verification method id names: its fragment, percent-decoded (never the certificate hash). */
export function fragmentKids(vmId: string): string[] {
  const hash = vmId.lastIndexOf('#');
  if (hash < 0 || hash === vmId.length - 1) return [];
  const kid = decode(vmId.slice(hash + 1));
  // AU/JP style: the key file was named `CC#<kid>`, so the fragment decodes to that; the kid is the part after `#`.
  const country = /^[A-Z]{2,3}#(.+)$/.exec(kid);
  return country ? [kid, decode(country[1]!)] : [kid];
}

/** An ISO country a string names (`AU`, `AUS`), upper-case; not `ZZ`, `XX`, `EU` or a test participant like `XXA`. */
function countryOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const upper = value.toUpperCase();
  return /^[A-Z]{2,3}$/.test(upper) && issuerKind(upper) === 'country' ? upper : undefined;
}

/** What a ddcc-trust controller DID names in its last path segment: a country (`…:k:AU#…`) or an SHC issuer URL. */
function controllerIdentity(controller: string | undefined): { country?: string; shcIssuer?: string } {
  if (controller === undefined) return {};
  const segments = controller.split(':');
  const last = segments[segments.length - 1] ?? '';
  const decoded = decode(last);
  if (/^https:\/\/[^\s#]+$/.test(decoded)) return { shcIssuer: decoded };
  const country = countryOf(decode(last.split('#')[0] ?? ''));
  return country !== undefined ? { country } : {};
}

/** Unsigned big-endian bytes of a base64url JWK member, leading zeros dropped (some lists pad `x` to 33 bytes). */
function jwkInteger(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  try {
    const bytes = base64urlDecode(value);
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    return Array.from(bytes.subarray(i), (b) => b.toString(16).padStart(2, '0')).join('');
  } catch {
    return undefined;
  }
}

/** The JWK names the certificate's key (EC: curve and point; RSA: modulus and exponent). */
function jwkMatchesCertificate(jwk: Json, x509: X509CertificateInfo): boolean {
  const cert = x509.publicKey.jwk as Json;
  if (jwk.kty !== cert.kty) return false;
  const members = jwk.kty === 'RSA' ? ['n', 'e'] : jwk.kty === 'EC' ? ['x', 'y'] : ['x'];
  if (jwk.kty !== 'RSA' && jwk.crv !== undefined && jwk.crv !== cert.crv) return false;
  return members.every((m) => {
    const a = jwkInteger(jwk[m]);
    return a !== undefined && a === jwkInteger(cert[m]);
  });
}

/** A key type this SDK does not verify with (P-384, P-521): the entry is skipped, not refused. */
function isUnsupported(error: unknown): boolean {
  for (let e = error, i = 0; e !== undefined && e !== null && i < 4; e = (e as { cause?: unknown }).cause, i++)
    if ((e as { code?: unknown }).code === 'ERR_KEY_UNSUPPORTED') return true;
  return false;
}

class EntryProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly skipped = false,
  ) {
    super(message);
  }
}

function certificateAt(x5c: unknown[], i: number): X509CertificateInfo {
  const text = x5c[i];
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_X5C_TEXT)
    throw new EntryProblem('ERR_DID_TRUST_CERTIFICATE', `x5c[${i}] is not a base64 certificate`);
  const der = base64ToBytes(text);
  if (!der || der.length === 0)
    throw new EntryProblem('ERR_DID_TRUST_CERTIFICATE', `x5c[${i}] is not base64 (x5c holds standard base64 DER)`);
  try {
    return parseCertificate(der);
  } catch (error) {
    throw new EntryProblem('ERR_DID_TRUST_CERTIFICATE', `x5c[${i}]: ${(error as Error).message}`);
  }
}

/**
 * Read a DID trust list: every entry checked (certificate, JWK agreeing with it, identity, key use), without the
 * chain signatures. Structural faults (wrong types, too many entries, duplicate ids) refuse the whole list with
 * `TrustInvalidError`; a bad entry is refused alone and named in `problems`.
 */
export function planDidTrustList(json: unknown): DidTrustListPlan {
  if (!isObject(json)) structural('must be a JSON object');
  if (depthExceeds(json, MAX_DEPTH)) structural(`nested deeper than ${MAX_DEPTH} levels`);
  const docId = idString(json.id, 'id');
  if (!docId.startsWith('did:')) structural(`id ${cut(docId)} is not a DID`);
  const vms = json.verificationMethod;
  if (!Array.isArray(vms)) structural('verificationMethod must be an array');
  if (vms.length > MAX_DID_TRUST_LIST_ENTRIES)
    structural(`verificationMethod holds ${vms.length} entries, more than ${MAX_DID_TRUST_LIST_ENTRIES}`);
  const v2 = gdhcnLevels(docId);
  const plan: DidTrustListPlan = {
    id: docId,
    ...(v2 !== undefined ? { v2 } : {}),
    entries: [],
    references: [],
    ids: [docId],
    problems: [],
    refused: 0,
    skipped: 0,
  };
  const seen = new Set<string>();
  vms.forEach((vm: unknown, index) => {
    const where = `verificationMethod[${index}]`;
    if (typeof vm === 'string') {
      const ref = idString(vm, where);
      if (!ref.startsWith('did:')) structural(`${where} ${cut(ref)} is not a DID URL`);
      if (!seen.has(ref)) plan.references.push(ref);
      seen.add(ref);
      return;
    }
    if (!isObject(vm)) structural(`${where} must be a DID URL or a verification method object`);
    const vmId = idString(vm.id, `${where}.id`);
    if (!vmId.startsWith('did:') && !vmId.startsWith('#')) structural(`${where}.id ${cut(vmId)} is not a DID URL`);
    const absolute = vmId.startsWith('#') ? `${docId}${vmId}` : vmId;
    if (seen.has(absolute)) structural(`${where}.id ${cut(absolute)} is listed twice`);
    seen.add(absolute);
    plan.ids.push(absolute);
    const controller = vm.controller === undefined ? undefined : idString(vm.controller, `${where}.controller`);
    if (!isObject(vm.publicKeyJwk)) structural(`${where}.publicKeyJwk must be a JWK object`);
    if (vm.publicKeyJwk.d !== undefined) structural(`${where}.publicKeyJwk holds private key material`);
    try {
      plan.entries.push(planEntry(vm, vm.publicKeyJwk, absolute, controller, index, v2));
    } catch (error) {
      if (!(error instanceof EntryProblem)) throw error;
      if (error.skipped) plan.skipped++;
      else plan.refused++;
      if (plan.problems.length < MAX_PROBLEMS)
        plan.problems.push({ index, id: cutId(absolute), code: error.code, message: error.message });
    }
  });
  return plan;
}

function planEntry(
  vm: Json,
  jwk: Json,
  vmId: string,
  controller: string | undefined,
  index: number,
  docLevels: GdhcnLevels | undefined,
): PlannedSigner | PlannedCsca {
  if (vm.type !== 'JsonWebKey2020')
    throw new EntryProblem('ERR_DID_TRUST_UNSUPPORTED', `type ${cut(String(vm.type))} is not JsonWebKey2020`, true);
  const kids = fragmentKids(vmId);
  if (kids.length === 0) throw new EntryProblem('ERR_DID_TRUST_KID', 'the id has no #fragment to name the key');
  if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || !kids.includes(jwk.kid)))
    throw new EntryProblem('ERR_DID_TRUST_KID', 'publicKeyJwk.kid differs from the id fragment');
  // The most specific v2 levels: the key's own DID, then its controller, then the document.
  const levels = gdhcnLevels(vmId) ?? (controller !== undefined ? gdhcnLevels(controller) : undefined) ?? docLevels;
  const named = levels === undefined ? controllerIdentity(controller) : {};
  const listedCountry = levels !== undefined ? countryOf(levels.participant) : named.country;
  let use: string | undefined;
  if (levels?.domain !== undefined) use = DOMAIN_USE[levels.domain] ?? `format:${levels.domain.toLowerCase()}`;
  else if (levels === undefined)
    use = named.shcIssuer !== undefined ? FORMAT_USE.shc : named.country ? undefined : FORMAT_USE.hcert;

  const x5c = jwk.x5c;
  if (x5c === undefined) return bareKey(jwk, vmId, kids, index, listedCountry, named.shcIssuer, use);
  if (!Array.isArray(x5c) || x5c.length === 0)
    throw new EntryProblem('ERR_DID_TRUST_CERTIFICATE', 'x5c must be a non-empty array of base64 certificates');
  if (x5c.length > MAX_X5C)
    throw new EntryProblem('ERR_DID_TRUST_CERTIFICATE', `x5c holds ${x5c.length} certificates; at most 2 are read`);
  const x509 = certificateAt(x5c, 0);
  const chain = x5c.length > 1 ? certificateAt(x5c, 1) : undefined;
  if (!jwkMatchesCertificate(jwk, x509))
    throw new EntryProblem('ERR_DID_TRUST_KEY_MISMATCH', 'publicKeyJwk is not the key of x5c[0]');
  const certCountry = countryOf(x509.subject.country);
  if (listedCountry !== undefined && certCountry !== undefined && !sameIssuer(listedCountry, certCountry))
    throw new EntryProblem(
      'ERR_DID_TRUST_COUNTRY',
      `the list names country ${listedCountry}, and x5c[0] is for ${certCountry}`,
    );
  const country = listedCountry ?? certCountry;
  const issuers = [...(country !== undefined ? [country] : []), ...(named.shcIssuer ? [named.shcIssuer] : [])];
  const ca = isCaCertificate(x509.der) === true;
  const usage = levels?.usage;
  if (usage !== undefined && usage !== 'DSC' && usage !== 'SCA' && usage !== 'CSCA')
    throw new EntryProblem('ERR_DID_TRUST_NOT_SIGNER', `usage ${cut(usage)} is neither DSC nor SCA`, true);
  if (usage === 'DSC' && ca)
    throw new EntryProblem('ERR_DID_TRUST_USAGE', 'listed as DSC, but x5c[0] is a CA certificate');
  if ((usage === 'SCA' || usage === 'CSCA') && !ca)
    throw new EntryProblem('ERR_DID_TRUST_USAGE', `listed as ${usage}, but x5c[0] is not a CA certificate`);
  const purposes: KeyPurpose[] = use !== undefined ? [use] : [];
  if (ca) {
    return {
      role: 'csca',
      index,
      vmId,
      der: x509.der,
      x509,
      issuers,
      purposes,
      ids: [vmId, ...kids],
      ...(chain ? { chain } : {}),
    };
  }
  const eku = x509.extendedKeyUsage;
  if (use === FORMAT_USE.hcert && eku && !eku.some((oid) => DCC_EKU.test(oid)) && eku.some((o) => TLS_EKU.has(o)))
    throw new EntryProblem('ERR_DID_TRUST_NOT_SIGNER', 'x5c[0] is a TLS certificate, not a document signer', true);
  let parsed: TrustedKey;
  try {
    parsed = new TrustStore().addCertificate(x509.der);
  } catch (error) {
    const unsupported = isUnsupported(error);
    throw new EntryProblem(
      unsupported ? 'ERR_DID_TRUST_UNSUPPORTED' : 'ERR_DID_TRUST_CERTIFICATE',
      `x5c[0]: ${(error as Error).message}`,
      unsupported,
    );
  }
  const key: TrustedKey = {
    id: vmId,
    type: parsed.type,
    publicKeyJwk: parsed.publicKeyJwk,
    aliases: [...kids, ...(named.shcIssuer ? kids.map((k) => `${named.shcIssuer}#${k}`) : []), x509.sha256Hex],
    ...(issuers.length > 0 ? { issuers } : {}),
    ...(parsed.validFrom ? { validFrom: parsed.validFrom } : {}),
    ...(parsed.validUntil ? { validUntil: parsed.validUntil } : {}),
    // DCC extended key usages (test / vaccination / recovery) stay: @divoc/dcc checks them per certificate type.
    ...(parsed.purposes !== undefined || purposes.length > 0
      ? { purposes: [...(parsed.purposes ?? []), ...purposes] }
      : {}),
    certificate: x509.der,
  };
  return { role: 'signer', index, vmId, key, x509, ...(chain ? { chain } : {}) };
}

/** A key without a certificate (SMART Health Card issuer keys): its identity is the controller's alone. */
function bareKey(
  jwk: Json,
  vmId: string,
  kids: string[],
  index: number,
  country: string | undefined,
  shcIssuer: string | undefined,
  use: string | undefined,
): PlannedSigner {
  let info;
  try {
    info = publicKeyInfoFromJwk(jwk);
  } catch (error) {
    const unsupported = isUnsupported(error);
    throw new EntryProblem(
      unsupported ? 'ERR_DID_TRUST_UNSUPPORTED' : 'ERR_DID_TRUST_KEY',
      `publicKeyJwk: ${(error as Error).message}`,
      unsupported,
    );
  }
  const issuers = [...(country !== undefined ? [country] : []), ...(shcIssuer ? [shcIssuer] : [])];
  const key: TrustedKey = {
    id: vmId,
    type: info.type,
    publicKeyJwk: info.jwk,
    aliases: [...kids, ...(shcIssuer ? kids.map((k) => `${shcIssuer}#${k}`) : [])],
    ...(issuers.length > 0 ? { issuers } : {}),
    ...(use !== undefined ? { purposes: [use] } : {}),
  };
  return { role: 'signer', index, vmId, key };
}
