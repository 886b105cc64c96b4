import { isJsonObject } from '@divoc/keys';
import type { Signer } from '@divoc/keys';
import { CONTEXT_URLS, type DocumentLoader } from '@divoc/schemas';
import {
  issueCredential,
  type JsonObject,
  type ProofSuite,
  type SignedCredential,
  type SuiteName,
  type UnsignedCredential,
} from '@divoc/vc';
import { StatusListInvalidError, StatusOptionsInvalidError } from '../lib/errors.js';
import { describe, readJson, type JsonRecord } from '../lib/json.js';
import { decodeBitstring, type DecodeBitstringOptions } from './codec.js';
import { encodeStatusList, type StatusList } from './list.js';

/** Options of `publishStatusList`: the signer, issuer, suite and validity of the list credential. */
export interface PublishStatusListOptions {
  signer: Signer;
  /** Issuer id (URL or DID) written into the credential; verifiers match it against the credentials it covers. */
  issuer: string;
  /** Proof suite. Default `eddsa-rdfc-2022` (as `issueCredential`). */
  suite?: SuiteName | ProofSuite;
  /**
   * `'2.0'` (default: `validFrom`/`validUntil`, VC 2.0 context) or `'1.1'` (`issuanceDate`/`expirationDate` +
   * status/v1 context).
   */
  vcVersion?: '1.1' | '2.0';
  /** Start of validity. Default now. */
  validFrom?: Date | string;
  /** End of validity; verifiers reject the list after it (so publish often, with a short window). */
  validUntil?: Date | string;
  /** Spec `ttl`: milliseconds a verifier may cache the list. */
  ttl?: number;
  /** Proof `created`. Default now. */
  created?: Date | string;
  documentLoader?: DocumentLoader;
}

function dateTime(value: Date | string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new StatusOptionsInvalidError(`${what} is not a date (got ${describe(value)})`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The unsigned `BitstringStatusListCredential` for `list` (what `publishStatusList` signs). */
export function statusListCredential(
  list: StatusList,
  options: Omit<PublishStatusListOptions, 'signer' | 'suite' | 'created' | 'documentLoader'>,
): UnsignedCredential {
  if (!isJsonObject(options)) throw new StatusOptionsInvalidError('options must be an object');
  const { issuer } = options;
  if (typeof issuer !== 'string' || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(issuer))
    throw new StatusOptionsInvalidError(`issuer must be a URL or DID (got ${describe(issuer)})`);
  const version = options.vcVersion ?? '2.0';
  if (version !== '1.1' && version !== '2.0') throw new StatusOptionsInvalidError(`vcVersion must be '1.1' or '2.0'`);
  const from = dateTime(options.validFrom ?? new Date(), 'validFrom')!;
  const until = dateTime(options.validUntil, 'validUntil');
  if (until !== undefined && Date.parse(until) <= Date.parse(from))
    throw new StatusOptionsInvalidError('validUntil must be after validFrom');
  const subject: JsonObject = {
    id: `${list.id}#list`,
    type: 'BitstringStatusList',
    statusPurpose: list.statusPurpose,
    encodedList: encodeStatusList(list),
  };
  if (options.ttl !== undefined) {
    if (typeof options.ttl !== 'number' || !Number.isSafeInteger(options.ttl) || options.ttl < 0)
      throw new StatusOptionsInvalidError('ttl must be a non-negative integer (milliseconds)');
    subject.ttl = options.ttl;
  }
  const credential: UnsignedCredential = {
    '@context':
      version === '2.0'
        ? [CONTEXT_URLS.CREDENTIALS_V2]
        : [CONTEXT_URLS.CREDENTIALS_V1, CONTEXT_URLS.BITSTRING_STATUS_LIST_V1],
    id: list.id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer,
  };
  if (version === '2.0') {
    credential.validFrom = from;
    if (until) credential.validUntil = until;
  } else {
    credential.issuanceDate = from;
    if (until) credential.expirationDate = until;
  }
  credential.credentialSubject = subject;
  return credential;
}

/** Signs the list as a `BitstringStatusListCredential` (with `issueCredential` from `@divoc/vc`). */
export async function publishStatusList(
  list: StatusList,
  options: PublishStatusListOptions,
): Promise<SignedCredential> {
  const unsigned = statusListCredential(list, options);
  return issueCredential(unsigned, {
    signer: options.signer,
    ...(options.suite !== undefined ? { suite: options.suite } : {}),
    ...(options.created !== undefined ? { created: options.created } : {}),
    ...(options.documentLoader !== undefined ? { documentLoader: options.documentLoader } : {}),
  });
}

/** A status list credential, read and structurally checked (not verified: `checkStatus` verifies it). */
export interface ParsedStatusListCredential {
  /** The credential object (a private copy of the input). */
  credential: JsonRecord;
  /** Credential `id` (the URL entries name in `statusListCredential`). */
  id: string;
  issuer: string;
  /** The list's purposes (the spec allows one or several). */
  statusPurposes: string[];
  /** The inflated bitstring. */
  bits: Uint8Array;
  /** Bits in the list. */
  bitLength: number;
  ttl?: number;
}

/** A signed list credential is at most this long (the same bound `verifyCredential` applies). */
export const MAX_STATUS_LIST_CREDENTIAL_CHARS = 2 * 1024 * 1024;

function typesOf(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.length <= 16 && value.every((t) => typeof t === 'string'))
    return value as string[];
  return undefined;
}

/**
 * Reads a `BitstringStatusListCredential` (JSON text, bytes or object): size-capped, shape-checked, and its
 * `encodedList` inflated with a bounded inflate. Throws `StatusListInvalidError`. Does not verify the proof.
 */
export function parseStatusListCredential(
  input: unknown,
  options: DecodeBitstringOptions = {},
): ParsedStatusListCredential {
  const fail = (m: string, cause?: unknown): StatusListInvalidError =>
    new StatusListInvalidError(`status list credential: ${m}`, { cause });
  const credential = readJson(input, MAX_STATUS_LIST_CREDENTIAL_CHARS, fail);
  if (!isJsonObject(credential)) throw fail('must be a JSON object');
  const types = typesOf(credential.type);
  if (!types || !types.includes('VerifiableCredential') || !types.includes('BitstringStatusListCredential')) {
    throw fail('type must include VerifiableCredential and BitstringStatusListCredential');
  }
  const id = credential.id;
  if (typeof id !== 'string' || id.length === 0 || id.length > 2048) throw fail('id must be a URL');
  const issuerValue = credential.issuer;
  const issuer =
    typeof issuerValue === 'string'
      ? issuerValue
      : isJsonObject(issuerValue) && typeof issuerValue.id === 'string'
        ? issuerValue.id
        : undefined;
  if (issuer === undefined) throw fail('issuer must be a URL or an object with an id');
  const subject = credential.credentialSubject;
  if (!isJsonObject(subject)) throw fail('credentialSubject must be one object');
  const subjectTypes = typesOf(subject.type);
  if (!subjectTypes || !subjectTypes.includes('BitstringStatusList'))
    throw fail('credentialSubject.type must be BitstringStatusList');
  const purposes = typeof subject.statusPurpose === 'string' ? [subject.statusPurpose] : subject.statusPurpose;
  if (
    !Array.isArray(purposes) ||
    purposes.length === 0 ||
    purposes.length > 8 ||
    !purposes.every((p) => typeof p === 'string' && p.length > 0 && p.length <= 64)
  ) {
    throw fail('credentialSubject.statusPurpose must be one or more strings');
  }
  let bits: Uint8Array;
  try {
    bits = decodeBitstring(subject.encodedList, options);
  } catch (cause) {
    throw fail((cause as Error).message, cause);
  }
  const parsed: ParsedStatusListCredential = {
    credential,
    id,
    issuer,
    statusPurposes: purposes as string[],
    bits,
    bitLength: bits.length * 8,
  };
  if (subject.ttl !== undefined) {
    if (typeof subject.ttl !== 'number' || !Number.isSafeInteger(subject.ttl) || subject.ttl < 0)
      throw fail('credentialSubject.ttl must be a non-negative integer');
    parsed.ttl = subject.ttl;
  }
  return parsed;
}
