import { base64Decode, base64Encode, sha256, isJsonObject } from '@divoc/keys';
import type { Check } from '@divoc/keys';
import { RevocationListInvalidError, StatusOptionsInvalidError } from '../lib/errors.js';
import { describe, failed, passed, readJson } from '../lib/json.js';
import { MAX_REVOCATION_LIST_CHARS } from '../lib/limits.js';

/**
 * EU DCC revocation (eHealth Network, "DCC revocation" technical specification): issuers publish, per
 * document signer key (`kid`), batches of truncated hashes of revoked certificates. Each batch uses one hash type:
 * - `UCI`: SHA-256 of the UCI string (the `ci` field, UTF-8, as printed, prefix included);
 * - `COUNTRYCODEUCI`: SHA-256 of the issuing country code (the CWT `iss`, e.g. `DE`) followed by the UCI;
 * - `SIGNATURE`: SHA-256 of the COSE signature bytes; for ECDSA only the `r` half, for RSA the whole signature.
 * Every hash is truncated to its first 128 bits (16 bytes), carried in base64.
 */
export type DccRevocationHashType = 'SIGNATURE' | 'UCI' | 'COUNTRYCODEUCI';
/** The EU DCC revocation hash types. */
export const DCC_REVOCATION_HASH_TYPES: readonly DccRevocationHashType[] = ['SIGNATURE', 'UCI', 'COUNTRYCODEUCI'];

/** One EU DCC revocation batch: hashes of revoked certificates of one document signer. */
export interface DccRevocationList {
  /** Base64 key id of the document signer certificate the batch is for. */
  readonly kid: string;
  readonly hashType: DccRevocationHashType;
  /** When the list may be dropped (the certificates in it have expired anyway). Matching ignores it. */
  readonly expires?: string;
  /** Issuing country, when known. */
  readonly country?: string;
  /** Base64 of the 16-byte truncated hashes. */
  readonly hashes: readonly string[];
}

const HASH_BYTES = 16;
const MAX_LIST_CHARS = MAX_REVOCATION_LIST_CHARS;
const MAX_HASHES = 2_000_000;

const INDEX = new WeakMap<DccRevocationList, Set<string>>();

function base64(bytes: Uint8Array): string {
  return base64Encode(bytes);
}

function strictBase64(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length > 1024) return undefined;
  try {
    return base64Decode(text, { strict: true });
  } catch {
    return undefined;
  }
}

function kidText(kid: unknown): string | undefined {
  if (kid instanceof Uint8Array) return kid.length > 0 && kid.length <= 64 ? base64(kid) : undefined;
  return strictBase64(kid)?.length ? (kid as string) : undefined;
}

/** Checks and indexes a DCC revocation list (JSON text or object). Throws `RevocationListInvalidError`. */
export function createDccRevocationList(input: unknown): DccRevocationList {
  const fail = (m: string, cause?: unknown): RevocationListInvalidError =>
    new RevocationListInvalidError(`DCC revocation list: ${m}`, { cause });
  if (isJsonObject(input) && input.kid instanceof Uint8Array) input = { ...input, kid: kidText(input.kid) ?? '' };
  const data = readJson(input, MAX_LIST_CHARS, fail);
  if (!isJsonObject(data)) throw fail('must be a JSON object');
  const kid = kidText(data.kid);
  if (kid === undefined) throw fail(`kid must be a base64 key id (got ${describe(data.kid)})`);
  if (
    typeof data.hashType !== 'string' ||
    !DCC_REVOCATION_HASH_TYPES.includes(data.hashType as DccRevocationHashType)
  ) {
    throw fail(`hashType must be one of ${DCC_REVOCATION_HASH_TYPES.join(', ')} (got ${describe(data.hashType)})`);
  }
  const list: {
    kid: string;
    hashType: DccRevocationHashType;
    expires?: string;
    country?: string;
    hashes: readonly string[];
  } = {
    kid,
    hashType: data.hashType as DccRevocationHashType,
    hashes: [],
  };
  if (data.expires !== undefined) {
    if (typeof data.expires !== 'string' || data.expires.length > 64 || Number.isNaN(Date.parse(data.expires)))
      throw fail('expires must be an ISO 8601 date-time');
    list.expires = data.expires;
  }
  if (data.country !== undefined) {
    if (typeof data.country !== 'string' || !/^[A-Z]{2}$/.test(data.country))
      throw fail('country must be a two-letter code');
    list.country = data.country;
  }
  if (!Array.isArray(data.hashes)) throw fail('hashes must be an array');
  if (data.hashes.length > MAX_HASHES) throw fail(`more than ${MAX_HASHES} hashes`);
  const index = new Set<string>();
  list.hashes = Object.freeze(
    data.hashes.map((h: unknown, i) => {
      const bytes = strictBase64(h);
      if (!bytes || bytes.length !== HASH_BYTES)
        throw fail(`hashes[${i}] must be base64 of ${HASH_BYTES} bytes (got ${describe(h)})`);
      index.add(h as string);
      return h as string;
    }),
  );
  const frozen = Object.freeze(list);
  INDEX.set(frozen, index);
  return frozen;
}

/** What the hashes are computed from; `@divoc/dcc`'s decoded certificate has them all. */
export interface DccRevocationInput {
  /** The UCI (`ci`), exactly as in the certificate. */
  uci?: string;
  /** The issuing country (CWT claim 1, `iss`), two upper-case letters. */
  country?: string;
  /** The COSE_Sign1 signature bytes. */
  coseSignature?: Uint8Array;
  /** The COSE algorithm: `ES256` / -7, `ES384` / -35, `ES512` / -36, `PS256` / -37, `PS384` / -38, `PS512` / -39. */
  alg?: string | number;
}

/** The certificate's hash for each type it has the inputs for (base64 of the first 128 bits). */
export type DccRevocationHashes = Partial<Record<DccRevocationHashType, string>>;

const EC_ALGS = new Set<string | number>(['ES256', 'ES384', 'ES512', -7, -35, -36]);
const RSA_ALGS = new Set<string | number>(['PS256', 'PS384', 'PS512', -37, -38, -39, 'RS256', -257]);

const truncatedSha256 = (bytes: Uint8Array): string => base64(sha256(bytes).subarray(0, HASH_BYTES));

/** Computes the DCC revocation hashes. Throws `StatusOptionsInvalidError` for malformed inputs. */
export function dccRevocationHashes(input: DccRevocationInput): DccRevocationHashes {
  if (!isJsonObject(input))
    throw new StatusOptionsInvalidError('input must be { uci?, country?, coseSignature?, alg? }');
  const out: DccRevocationHashes = {};
  const encoder = new TextEncoder();
  if (input.uci !== undefined) {
    if (typeof input.uci !== 'string' || input.uci.length === 0 || input.uci.length > 256)
      throw new StatusOptionsInvalidError('uci must be a non-empty string');
    out.UCI = truncatedSha256(encoder.encode(input.uci));
    if (input.country !== undefined) {
      if (typeof input.country !== 'string' || !/^[A-Z]{2}$/.test(input.country))
        throw new StatusOptionsInvalidError(`country must be two upper-case letters (got ${describe(input.country)})`);
      out.COUNTRYCODEUCI = truncatedSha256(encoder.encode(input.country + input.uci));
    }
  }
  if (input.coseSignature !== undefined) {
    const signature = input.coseSignature;
    if (!(signature instanceof Uint8Array) || signature.length === 0 || signature.length > 1024)
      throw new StatusOptionsInvalidError('coseSignature must be the signature bytes');
    const alg = input.alg as string | number | undefined;
    if (alg === undefined) throw new StatusOptionsInvalidError('alg is needed with coseSignature');
    if (EC_ALGS.has(alg)) {
      if (signature.length % 2 !== 0)
        throw new StatusOptionsInvalidError('an ECDSA COSE signature is r‖s, of even length');
      out.SIGNATURE = truncatedSha256(signature.subarray(0, signature.length / 2));
    } else if (RSA_ALGS.has(alg)) {
      out.SIGNATURE = truncatedSha256(signature);
    } else {
      throw new StatusOptionsInvalidError(`unsupported alg ${describe(alg)}`);
    }
  }
  return out;
}

function indexOf(list: DccRevocationList): Set<string> {
  let index = INDEX.get(list);
  if (!index) {
    index = INDEX.get(createDccRevocationList(list))!;
    if (typeof list === 'object' && list !== null) INDEX.set(list, index);
  }
  return index;
}

/** The certificate: its signer `kid` (base64 or bytes) and its hashes from `dccRevocationHashes`. */
export interface DccRevocationSubject {
  kid: string | Uint8Array;
  hashes: DccRevocationHashes;
}

/**
 * The `revocation` check of an EU DCC: revoked when a list for its `kid` holds its hash of that list's type.
 * No list for the `kid` means nothing revoked under that key (issuers publish batches only for revocations).
 * Never throws.
 */
export function isDccRevoked(
  lists: DccRevocationList | readonly DccRevocationList[],
  subject: DccRevocationSubject,
): Check {
  if (!isJsonObject(subject) || !isJsonObject(subject.hashes))
    return failed('ERR_STATUS_ENTRY_INVALID', 'subject must be { kid, hashes }');
  const kid = kidText(subject.kid);
  if (kid === undefined) return failed('ERR_STATUS_ENTRY_INVALID', 'subject kid must be base64 or bytes');
  const all = Array.isArray(lists) ? lists : lists ? [lists] : [];
  let consulted = 0;
  for (const list of all as readonly DccRevocationList[]) {
    if (!isJsonObject(list) || list.kid !== kid) continue;
    let index: Set<string>;
    try {
      index = indexOf(list);
    } catch (error) {
      return failed('ERR_STATUS_LIST_INVALID', (error as Error).message);
    }
    const hash: unknown = (subject.hashes as Record<string, unknown>)[list.hashType];
    if (hash === undefined)
      return failed(
        'ERR_STATUS_ENTRY_INVALID',
        `a ${list.hashType} revocation list exists for kid ${kid}, and no ${list.hashType} hash was given`,
      );
    consulted++;
    if (typeof hash !== 'string')
      return failed('ERR_STATUS_ENTRY_INVALID', `the ${list.hashType} hash must be a base64 string`);
    if (index.has(hash))
      return failed('ERR_STATUS_REVOKED', `certificate is revoked (${list.hashType} hash on the list for kid ${kid})`);
  }
  return passed(
    consulted ? `not on ${consulted} revocation list(s) for kid ${kid}` : `no revocation list for kid ${kid}`,
  );
}

/** Same as `isDccRevoked` (named like the other formats' checks). */
export const checkDccRevocation = isDccRevoked;

/** The lists whose `expires` is still ahead of `now` (or that have none): the rest may be dropped. */
export function pruneExpiredDccRevocationLists(
  lists: readonly DccRevocationList[],
  now: Date = new Date(),
): DccRevocationList[] {
  return lists.filter((l) => l.expires === undefined || Date.parse(l.expires) > now.getTime());
}
