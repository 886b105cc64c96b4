/** Shared record-to-credential mapping helpers. */
import { CONTEXT_URLS, divocContextUrls } from '../contexts/urls.js';
import type { CredentialRecord, ResolvedBuildOptions } from '../registry/definition.js';
import type { ValidationIssue } from '../types.js';
import type { JsonSchema } from '../schemas/parts.js';
import { age, dateOrDateTime, idValue, text } from '../schemas/parts.js';
import { isIsoDate, isIsoDateTime } from '../lib/formats.js';
import { secureRandom } from '@divoc/keys';

/** A record field that is present (not undefined, not null, not ""). */
export function has(record: Readonly<CredentialRecord>, field: string): boolean {
  if (!Object.hasOwn(record, field)) return false;
  const v = record[field];
  return v !== undefined && v !== null && v !== '';
}

/** The field as a string ('' when absent). */
export function str(record: Readonly<CredentialRecord>, field: string): string {
  if (!has(record, field)) return '';
  const v = record[field];
  return typeof v === 'string' ? v.trim() : String(v);
}

/** The field as an integer (records may carry "2"). */
export function int(record: Readonly<CredentialRecord>, field: string): number | undefined {
  if (!has(record, field)) return undefined;
  const n = Number(record[field]);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `YYYY-MM-DD` of a date or date-time: the calendar day as written (a date-time's own offset). */
export function toDate(value: string): string {
  return value.slice(0, 10);
}

/** RFC 3339 UTC timestamp (`...Z`, milliseconds) of a date or date-time; a bare date is midnight UTC. */
export function toTimestamp(value: string): string {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value).toISOString();
}

/** Whole years between `dob` and `at` (both date or date-time). */
export function ageAt(dob: string, at: string): number {
  const [by, bm, bd] = toDate(dob).split('-').map(Number) as [number, number, number];
  const [ay, am, ad] = toDate(at).split('-').map(Number) as [number, number, number];
  return ay - by - (am < bm || (am === bm && ad < bd) ? 1 : 0);
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const IDENTITY_TYPE_ALIASES: Record<string, string> = {
  aadhaar: 'in.gov.uidai.aadhaar',
  aadhar: 'in.gov.uidai.aadhaar',
};

/** `credentialSubject.id`: the identity as given if it is already a URI/DID, else `did:<identityType>:<id>`. */
export function subjectId(record: Readonly<CredentialRecord>): string | undefined {
  if (!has(record, 'identity')) return undefined;
  const identity = str(record, 'identity');
  if (SCHEME.test(identity)) return identity;
  const type = str(record, 'identityType');
  const method = IDENTITY_TYPE_ALIASES[type.toLowerCase()] ?? type;
  return `did:${method}:${identity}`;
}

/** Certificate id: the record's, or 12 random digits (DIVOC's ids are numeric). */
export function certificateId(record: Readonly<CredentialRecord>): string {
  if (has(record, 'certificateId')) return str(record, 'certificateId');
  const bytes = secureRandom(new Uint32Array(2));
  return (((bytes[0]! % 900_000) + 100_000) * 1_000_000 + (bytes[1]! % 1_000_000)).toString();
}

/** Base URL for evidence ids: the issuer's origin when it is an http(s) URL, else the context host. */
export function evidenceBase(options: ResolvedBuildOptions): string {
  try {
    const u = new URL(options.issuer);
    if (u.protocol === 'https:' || u.protocol === 'http:') return u.origin;
  } catch {
    // not a URL (a DID): fall through
  }
  return `https://${options.contextHost}`;
}

/** DIVOC's postal address from flat fields (`prefix` '' for the person, 'facility' for the facility). */
export function address(record: Readonly<CredentialRecord>, prefix = ''): Record<string, string> {
  const f = (name: string): string => str(record, prefix ? `${prefix}${name[0]!.toUpperCase()}${name.slice(1)}` : name);
  return {
    streetAddress: f('addressLine1'),
    streetAddress2: f('addressLine2'),
    district: f('district'),
    city: f('city'),
    addressRegion: f('state'),
    addressCountry: f('country'),
    postalCode: f('pincode'),
  };
}

/** DIVOC's `refId`: the record's, else its pre-enrolment code ('' when it has neither). */
export function refId(record: Readonly<CredentialRecord>): string {
  return has(record, 'refId') ? str(record, 'refId') : str(record, 'preEnrollmentCode');
}

/** What a template decides about its subject: each member is left out when undefined. */
export interface SubjectParts {
  readonly refId: string | undefined;
  readonly dob: string | undefined;
  readonly age: string | undefined;
}

/**
 * DIVOC's `credentialSubject`: a `Person` with the record's identity, name, gender, nationality and address, in
 * DIVOC's member order. Whether `refId`, `dob` and `age` are written differs between templates, so they are given.
 */
export function personSubject(record: Readonly<CredentialRecord>, parts: SubjectParts): Record<string, unknown> {
  const subject: Record<string, unknown> = { type: 'Person' };
  const id = subjectId(record);
  if (id !== undefined) subject.id = id;
  if (parts.refId !== undefined) subject.refId = parts.refId;
  subject.name = str(record, 'name');
  if (parts.dob !== undefined) subject.dob = parts.dob;
  if (parts.age !== undefined) subject.age = parts.age;
  if (has(record, 'gender')) subject.gender = str(record, 'gender');
  if (has(record, 'nationality')) subject.nationality = str(record, 'nationality');
  subject.address = address(record);
  return subject;
}

/**
 * The members a DIVOC evidence entry starts with: `id` (`<evidence base>/<path>/<certificate id>`), `certificateId`
 * (the record's or a new one) and `type`.
 */
export function evidenceHead(
  record: Readonly<CredentialRecord>,
  options: ResolvedBuildOptions,
  path: string,
  type: string,
): Record<string, unknown> {
  const certId = certificateId(record);
  return { id: `${evidenceBase(options)}/${path}/${encodeURIComponent(certId)}`, certificateId: certId, type: [type] };
}

/** The evidence's `facility`: its name and postal address from the record's `facility…` fields. */
export function facility(record: Readonly<CredentialRecord>): Record<string, unknown> {
  return { name: str(record, 'facilityName'), address: address(record, 'facility') };
}

/** Completes a DIVOC certificate: its subject, its one evidence entry, and `nonTransferable` as DIVOC writes it. */
export function divocCertificate(
  credential: Record<string, unknown>,
  subject: Record<string, unknown>,
  evidence: Record<string, unknown>,
): Record<string, unknown> {
  credential.credentialSubject = subject;
  credential.evidence = [evidence];
  credential.nonTransferable = 'true';
  return credential;
}

/**
 * The envelope every credential shares: `@context` (W3C base context for the VC version, then the type's
 * contexts), `type`, `id`, `issuer` and the validity dates in the version's vocabulary.
 */
export function credentialFrame(
  credentialType: string,
  contextUrls: readonly string[],
  options: ResolvedBuildOptions,
): Record<string, unknown> {
  const v2 = options.vcVersion === '2.0';
  const frame: Record<string, unknown> = {
    '@context': [v2 ? CONTEXT_URLS.CREDENTIALS_V2 : CONTEXT_URLS.CREDENTIALS_V1, ...contextUrls],
    type: ['VerifiableCredential', credentialType],
  };
  if (options.id !== undefined) frame.id = options.id;
  frame.issuer = options.issuer;
  frame[v2 ? 'validFrom' : 'issuanceDate'] = options.issuanceDate;
  if (options.expirationDate !== undefined) frame[v2 ? 'validUntil' : 'expirationDate'] = options.expirationDate;
  return frame;
}

/**
 * A built-in template's contexts (after the W3C base context): the SDK v2 context by default, `legacy` (DIVOC's
 * contexts) with `context: 'divoc-legacy'`.
 */
export function templateContexts(options: ResolvedBuildOptions, legacy: readonly string[]): string[] {
  return options.context === 'divoc-legacy' ? [...legacy] : [CONTEXT_URLS.DIVOC_SDK_V2];
}

/** DIVOC context URLs for the options' host. */
export function hostContexts(options: ResolvedBuildOptions): ReturnType<typeof divocContextUrls> {
  return divocContextUrls(options.contextHost);
}

/** Whether a credential's `@context` names any of `urls`. */
export function usesContext(credential: Readonly<Record<string, unknown>>, urls: readonly string[]): boolean {
  const ctx = credential['@context'];
  return Array.isArray(ctx) && ctx.some((c) => typeof c === 'string' && urls.includes(c));
}

// ---- record schema pieces -------------------------------------------------------------------

/** Person fields shared by every DIVOC record. */
export const personRecordProperties: Record<string, JsonSchema> = {
  refId: idValue(128),
  preEnrollmentCode: idValue(128),
  certificateId: idValue(128),
  name: text(256, 1),
  dob: dateOrDateTime,
  age,
  gender: text(32),
  nationality: text(64),
  identity: {
    type: 'string',
    maxLength: 512,
    pattern: '^[^\\s]+$',
    description: 'a DID/URI or a bare id without spaces',
  },
  identityType: {
    type: 'string',
    maxLength: 64,
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
    description: 'an id scheme such as aadhaar or in.gov.uidai.aadhaar',
  },
  addressLine1: text(256),
  addressLine2: text(256),
  district: text(128),
  city: text(128),
  state: text(128),
  pincode: idValue(16),
  country: text(64),
};

/** `facilityName`, `facilityAddressLine1`... */
export const facilityRecordProperties: Record<string, JsonSchema> = {
  facilityName: text(256),
  facilityAddressLine1: text(256),
  facilityAddressLine2: text(256),
  facilityDistrict: text(128),
  facilityCity: text(128),
  facilityState: text(128),
  facilityPincode: idValue(16),
  facilityCountry: text(64),
};

/** Record checks every DIVOC template shares: an identity needs a type unless it is a URI. */
export function personRecordChecks(record: Readonly<CredentialRecord>, requireRef = true): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (requireRef && !has(record, 'refId') && !has(record, 'preEnrollmentCode')) {
    issues.push({ path: '$.refId', keyword: 'required', message: 'refId (or preEnrollmentCode) is required' });
  }
  if (
    has(record, 'identity') &&
    typeof record.identity === 'string' &&
    /^\S+$/.test(record.identity) &&
    !SCHEME.test(record.identity) &&
    !has(record, 'identityType')
  ) {
    issues.push({
      path: '$.identityType',
      keyword: 'required',
      message: 'is required when identity is not a DID or URI',
    });
  }
  return issues;
}

/** Issue when `later` is before `earlier` (both optional). */
export function notBefore(record: Readonly<CredentialRecord>, earlier: string, later: string): ValidationIssue[] {
  if (!has(record, earlier) || !has(record, later)) return [];
  const parse = (field: string): number => {
    const v = str(record, field);
    return isIsoDate(v) ? Date.parse(`${v}T00:00:00Z`) : isIsoDateTime(v) ? Date.parse(v) : Number.NaN;
  };
  const a = parse(earlier);
  const b = parse(later);
  // Malformed values are reported by the schema; compare only real dates.
  return b < a ? [{ path: `$.${later}`, keyword: 'order', message: `must not be before ${earlier}` }] : [];
}
