import { base64urlEncode, hmacSha256, isJsonObject, utf8Encode } from '@divoc/keys';
import { RID_PATTERN } from '../jws/parse.js';
import { ShcRevocationListInvalidError } from '../lib/errors.js';
import { LIMITS } from '../lib/limits.js';
import type { RevocationList } from '../types.js';

/** `rid` or `rid.timestamp` (seconds since the epoch). */
const CRL_ENTRY = /^([A-Za-z0-9_-]{1,24})(?:\.(\d{1,12}))?$/;

function fail(message: string): never {
  throw new ShcRevocationListInvalidError(message);
}

/** Options of `computeRid`: the issuer's revocation secret and the key id. */
export interface ComputeRidOptions {
  /** The issuer's revocation secret: at least 32 random bytes, reused across keys and cards. */
  secret: Uint8Array;
  /** The kid of the key the card is signed with. */
  kid: string;
  /** The issuer's internal id of the person (or the card). Never published: only the HMAC is. */
  userId: string;
}

/**
 * The spec's recommended revocation id: base64url of the first 64 bits of HMAC-SHA-256 keyed with
 * `secret || kid` over the user id (11 characters). Publishing it does not reveal the user id.
 */
export function computeRid(options: ComputeRidOptions): string {
  const { secret, kid, userId } = options ?? ({} as ComputeRidOptions);
  if (!(secret instanceof Uint8Array) || secret.length < 32) fail('computeRid: secret must be at least 32 bytes');
  if (typeof kid !== 'string' || kid.length === 0) fail('computeRid: kid must be a non-empty string');
  if (typeof userId !== 'string' || userId.length === 0) fail('computeRid: userId must be a non-empty string');
  const kidBytes = utf8Encode(kid);
  const key = new Uint8Array(secret.length + kidBytes.length);
  key.set(secret);
  key.set(kidBytes, secret.length);
  return base64urlEncode(hmacSha256(key, userId).subarray(0, 8));
}

/** One revocation: a rid, optionally only for cards issued before `before`. */
export interface Revocation {
  rid: string;
  /** Revoke only cards whose `nbf` is before this time (e.g. all cards of a person issued until now). */
  before?: Date | number;
}

/** Options of `createRevocationList`: the key id, the revoked ids and the update counter. */
export interface CreateRevocationListOptions {
  kid: string;
  rids: readonly (string | Revocation)[];
  /** Update counter (starts at 1); publish the same number as `crlVersion` on the key in the JWKS. */
  ctr?: number;
}

/** A card revocation list for one key, to publish at `${iss}/.well-known/crl/${kid}.json`. */
export function createRevocationList(options: CreateRevocationListOptions): RevocationList {
  if (!isJsonObject(options)) fail('createRevocationList: options are required');
  const { kid, rids, ctr = 1 } = options;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256) fail('kid must be a non-empty string');
  if (!Number.isSafeInteger(ctr) || ctr < 1) fail('ctr must be a positive integer');
  if (!Array.isArray(rids) || rids.length > LIMITS.maxRevocationEntries)
    fail(`rids must be an array of at most ${LIMITS.maxRevocationEntries} entries`);
  const entries = rids.map((r, i) => {
    const { rid, before } =
      typeof r === 'string'
        ? { rid: r, before: undefined }
        : isJsonObject(r)
          ? r
          : fail(`rids[${i}] must be a string or { rid, before }`);
    if (typeof rid !== 'string' || !RID_PATTERN.test(rid))
      fail(`rids[${i}]: rid must be 1–24 characters of the base64url alphabet`);
    if (before === undefined) return rid;
    const t = before instanceof Date ? before.getTime() / 1000 : before;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0)
      fail(`rids[${i}]: before must be a valid Date or seconds`);
    // The spec's timestamp is whole seconds; round up so a card issued in the same second as `before` is covered.
    return `${rid}.${Math.ceil(t)}`;
  });
  return { kid, method: 'rid', ctr, rids: entries };
}

/** Validates a CRL JSON document (`{ kid, method: "rid", ctr, rids }`). */
export function parseRevocationList(json: unknown): RevocationList {
  if (!isJsonObject(json)) fail('revocation list must be a JSON object');
  if (typeof json.kid !== 'string' || json.kid.length === 0 || json.kid.length > 256)
    fail('revocation list kid must be a non-empty string');
  if (json.method !== 'rid') fail(`revocation list method must be "rid", got ${JSON.stringify(json.method)}`);
  if (typeof json.ctr !== 'number' || !Number.isSafeInteger(json.ctr) || json.ctr < 1)
    fail('revocation list ctr must be a positive integer');
  if (!Array.isArray(json.rids) || json.rids.length > LIMITS.maxRevocationEntries)
    fail('revocation list rids must be an array');
  json.rids.forEach((r: unknown, i: number) => {
    if (typeof r !== 'string' || !CRL_ENTRY.test(r))
      fail(`revocation list rids[${i}] must be "rid" or "rid.timestamp"`);
  });
  return { kid: json.kid, method: 'rid', ctr: json.ctr, rids: [...(json.rids as string[])] };
}

/**
 * True when the card with revocation id `rid`, issued at `nbf`, is revoked by `crl`: its rid is listed bare, or with a
 * timestamp the card's `nbf` is before. Throws `ShcRevocationListInvalidError` for a malformed list or rid.
 */
export function isRevoked(rid: string, crl: RevocationList, nbf: Date | number): boolean {
  if (typeof rid !== 'string' || !RID_PATTERN.test(rid)) fail('rid must be 1–24 characters of the base64url alphabet');
  const list = parseRevocationList(crl);
  const issued = nbf instanceof Date ? nbf.getTime() / 1000 : nbf;
  if (typeof issued !== 'number' || !Number.isFinite(issued)) fail('nbf must be a valid Date or seconds');
  for (const entry of list.rids) {
    const [listed, timestamp] = entry.split('.');
    if (listed !== rid) continue;
    if (timestamp === undefined || issued < Number(timestamp)) return true;
  }
  return false;
}
