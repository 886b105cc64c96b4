import { isJsonObject } from '@divoc/keys';
import type { Check } from '@divoc/keys';
import { isRevoked, parseRevocationList, type RevocationList } from '@divoc/shc';
import { describe, failed, passed, readJson } from '../lib/json.js';

/**
 * SMART Health Cards revocation lists (`/.well-known/crl/<kid>.json`: `{ kid, method: "rid", ctr, rids }`) are
 * read and matched by `@divoc/shc` (`parseRevocationList`, `isRevoked`, `createRevocationList`, `computeRid`,
 * re-exported from this package under SHC-prefixed names). This module adds the `revocation` check.
 */
export type ShcRevocationList = RevocationList;

const RID = /^[A-Za-z0-9_-]{1,24}$/;
/** A list of the 1 000 000 entries `@divoc/shc` accepts, each `rid.timestamp`, is under 40 MB of JSON. */
const MAX_LIST_CHARS = 48 * 1024 * 1024;

/** What `checkShcRevocation` needs from a card: its JWS `kid`, `vc.rid` and `nbf`. */
export interface ShcRevocationSubject {
  kid: string;
  rid?: string;
  /** `nbf`, seconds since the epoch (or a Date). */
  issuedAt?: number | Date;
}

/** Options of `checkShcRevocation`: the revocation lists at hand. */
export interface CheckShcRevocationOptions {
  /**
   * Revocation lists at hand (objects or JSON text, any keys); the newest one for the card's `kid` is used. Never
   * fetched.
   */
  crls: unknown;
  /** The issuer JWK's `crlVersion`, when it has one: the issuer publishes a list, and it must be at least this new. */
  crlVersion?: number;
}

function readList(input: unknown): RevocationList | Error {
  try {
    const json =
      typeof input === 'string'
        ? readJson(input, MAX_LIST_CHARS, (m) => new Error(`SHC revocation list: ${m}`))
        : input;
    return parseRevocationList(json);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * The `revocation` check of a SMART Health Card against the revocation lists at hand. A timed entry
 * (`rid.timestamp`) revokes only cards issued (`nbf`) before its timestamp; without `issuedAt` it counts as
 * revoked (fail closed). No list for the key passes unless the key's JWK names a `crlVersion`. Never throws.
 */
export function checkShcRevocation(card: ShcRevocationSubject, options: CheckShcRevocationOptions): Check {
  if (!isJsonObject(card) || typeof card.kid !== 'string')
    return failed('ERR_STATUS_ENTRY_INVALID', 'card must be { kid, rid?, issuedAt? }');
  const crlVersion = isJsonObject(options) && typeof options.crlVersion === 'number' ? options.crlVersion : undefined;
  const raw: unknown = isJsonObject(options) ? options.crls : undefined;
  const candidates: unknown[] = Array.isArray(raw)
    ? raw.slice(0, 10_000)
    : raw === undefined || raw === null
      ? []
      : [raw];
  const mine: RevocationList[] = [];
  for (const candidate of candidates) {
    const list = readList(candidate);
    if (list instanceof Error) {
      // A list that names this key but does not parse is a failure, not an absence.
      const kid = typeof candidate === 'string' ? undefined : isJsonObject(candidate) ? candidate.kid : undefined;
      if (kid === card.kid) return failed('ERR_STATUS_LIST_INVALID', list.message);
      continue;
    }
    if (list.kid === card.kid) mine.push(list);
  }
  if (mine.length === 0) {
    if (crlVersion !== undefined)
      return failed(
        'ERR_STATUS_LIST_MISSING',
        `issuer key ${card.kid} publishes revocation list version ${crlVersion}, ` +
          'and none was given (lists are never fetched)',
      );
    return passed(`no revocation list for key ${card.kid}, and its JWK names none (no crlVersion)`);
  }
  const crl = mine.reduce((a, b) => (b.ctr > a.ctr ? b : a));
  if (crlVersion !== undefined && crl.ctr < crlVersion) {
    return failed(
      'ERR_STATUS_LIST_INVALID',
      `revocation list for ${card.kid} is version ${crl.ctr}; the issuer's key names version ${crlVersion}`,
    );
  }
  if (card.rid === undefined) return passed('card carries no rid: it cannot be revoked individually');
  if (typeof card.rid !== 'string' || !RID.test(card.rid))
    return failed(
      'ERR_STATUS_ENTRY_INVALID',
      `card rid ${describe(card.rid)} is not a base64url rid of at most 24 characters`,
    );
  const issuedAt = card.issuedAt instanceof Date ? card.issuedAt.getTime() / 1000 : card.issuedAt;
  // Fail closed without an issue time: any entry for the rid, timed or not, applies.
  const at = typeof issuedAt === 'number' && Number.isFinite(issuedAt) ? issuedAt : Number.MIN_SAFE_INTEGER;
  let revoked: boolean;
  try {
    revoked = isRevoked(card.rid, crl, at);
  } catch (error) {
    return failed('ERR_STATUS_LIST_INVALID', (error as Error).message);
  }
  return revoked
    ? failed('ERR_STATUS_REVOKED', `card rid ${card.rid} is revoked (list ${card.kid} version ${crl.ctr})`)
    : passed(`card rid ${card.rid} is not revoked (list version ${crl.ctr})`);
}
