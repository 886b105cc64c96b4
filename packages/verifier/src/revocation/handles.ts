import { sameIssuer, trustedKeyIssuers, type Check, type TrustedKey } from '@divoc/keys';
import { failedCheck, stableErrorCode, errorMessageOf, type RevocationHandle } from '@divoc/schemas';
import type { DccRevocationInput } from '@divoc/status';
import { isObject } from '../lib/bytes.js';
import type { Trust } from '../trust/trust.js';
import type { RevocationData } from '../types.js';

/** The issuer a credential was bound to, for revocation data that must come from the same issuer. */
export interface BoundSigner {
  key: TrustedKey;
  /** The issuer the result names. */
  issuer: string;
}

/**
 * What revocation can be checked for a credential, from its handles. `handle` says what it carries that revocation
 * data could cover (reported as "not checked" when no data does); `check` checks the data at hand, undefined when none
 * of it covers this credential.
 */
export interface RevocationSubject {
  handle?: string;
  check?: (bound: BoundSigner) => Promise<Check | undefined>;
}

interface RevocationContext {
  trust: Trust;
  now: Date;
  data: RevocationData;
}

const listOf = (value: readonly unknown[] | undefined): readonly unknown[] => (Array.isArray(value) ? value : []);

/**
 * The revocation checkers, loaded when revocation data is at hand and a credential is checked against it: a browser
 * app that verifies without revocation lists never downloads them.
 */
const status = () => import('@divoc/status');

/** A status list may speak for a credential only when its signing key is trusted for the credential's issuer. */
function listSignerCheck(bound: BoundSigner): (listSigner: TrustedKey) => string | undefined {
  return (listSigner) => {
    if (listSigner === bound.key) return undefined;
    const identities = trustedKeyIssuers(listSigner);
    if (identities.some((id) => sameIssuer(id, bound.issuer))) return undefined;
    return (
      `it is signed by key ${listSigner.id}, trusted for ${identities.join(', ')}, not for the ` +
      `credential's issuer ${bound.issuer}`
    );
  };
}

/** The first failure, else one passing check carrying every note. */
function combine(parts: readonly Check[]): Check | undefined {
  if (parts.length === 0) return undefined;
  const bad = parts.find((c) => !c.ok);
  if (bad) return { ...bad, name: 'revocation' };
  const notes = parts.map((c) => c.message).filter((m): m is string => typeof m === 'string' && m.length > 0);
  return notes.length > 0
    ? { name: 'revocation', ok: true, message: notes.join('; ') }
    : { name: 'revocation', ok: true };
}

type Part = { handle?: string; check?: (bound: BoundSigner) => Promise<Check | undefined> | Check | undefined };

function statusListPart(handle: Extract<RevocationHandle, { kind: 'status-list' }>, ctx: RevocationContext): Part {
  const lists = listOf(ctx.data.statusLists);
  const part: Part = { handle: 'the credential has a credentialStatus' };
  if (lists.length === 0) return part;
  part.check = async (bound) =>
    (await status()).checkStatus(handle.credential, {
      statusLists: lists,
      trust: ctx.trust.store,
      now: ctx.now,
      acceptListSigner: listSignerCheck(bound),
    });
  return part;
}

function divocPart(handle: Extract<RevocationHandle, { kind: 'divoc-certificate' }>, ctx: RevocationContext): Part {
  const lists = listOf(ctx.data.divoc);
  if (lists.length === 0) return {};
  const options = handle.ambiguousTerms ? { ambiguousTerms: handle.ambiguousTerms as never } : {};
  return {
    check: async () => {
      const { checkDivocRevocation, divocCertificateId } = await status();
      // A certificate without an id is not covered by DIVOC's lists (no check, as when no list is given).
      if (divocCertificateId(handle.credential) === undefined) return undefined;
      return combine(lists.map((list) => checkDivocRevocation(handle.credential, list as never, options)));
    },
  };
}

function hcertPart(handle: Extract<RevocationHandle, { kind: 'hcert' }>, ctx: RevocationContext): Part {
  const lists = listOf(ctx.data.dcc);
  if (lists.length === 0) return {};
  return {
    check: async () => {
      const { dccRevocationHashes, isDccRevoked } = await status();
      try {
        const facts = handle.facts();
        if (facts.kid === undefined)
          return failedCheck(
            'revocation',
            'ERR_STATUS_ENTRY_INVALID',
            'the DCC names no kid; revocation lists are per kid',
          );
        const input: DccRevocationInput = {};
        if (facts.uci !== undefined) input.uci = facts.uci;
        if (facts.country !== undefined) input.country = facts.country;
        let hashes;
        try {
          hashes = dccRevocationHashes(
            facts.coseSignature !== undefined
              ? { ...input, coseSignature: facts.coseSignature, alg: facts.alg }
              : input,
          );
        } catch {
          // An algorithm the hashes do not cover: check what the UCI gives.
          hashes = dccRevocationHashes(input);
        }
        return isDccRevoked(lists as never, { kid: facts.kid, hashes });
      } catch (error) {
        return failedCheck(
          'revocation',
          stableErrorCode(error, 'ERR_STATUS_ENTRY_INVALID'),
          `revocation check: ${errorMessageOf(error)}`,
        );
      }
    },
  };
}

function shcPart(handle: Extract<RevocationHandle, { kind: 'shc-rid' }>, ctx: RevocationContext): Part {
  const { issuer, kid, rid, issuedAt } = handle;
  const crls: unknown[] = [...ctx.trust.shcRevocationLists, ...listOf(ctx.data.shc)];
  const listFor = (c: unknown) => (isObject(c) ? c.kid === kid : typeof c === 'string' && c.includes(kid));
  const part: Part = {};
  // A key whose JWK names a crlVersion has a revocation list: a card it signed is revocable by rid.
  const crlVersion = ctx.trust.crlVersion(issuer, kid);
  if (crlVersion !== undefined) {
    part.handle =
      `key ${kid} publishes a revocation list ` +
      `(crlVersion ${crlVersion})${rid !== undefined ? ` and the card has rid ${rid}` : ''}`;
  }
  if (!crls.some(listFor)) return part;
  part.check = async (bound) => {
    // Lists that came with another issuer's keys never speak for this card.
    const issuerOfList = ctx.trust.shcRevocationListIssuer(kid);
    if (issuerOfList !== undefined && !trustedKeyIssuers(bound.key).some((id) => sameIssuer(id, issuerOfList))) {
      return failedCheck(
        'revocation',
        'ERR_STATUS_LIST_INVALID',
        `the revocation list for key ${kid} came with issuer ${issuerOfList}'s keys, not with ${bound.issuer}'s`,
      );
    }
    return (await status()).checkShcRevocation(
      { kid, ...(rid !== undefined ? { rid } : {}), issuedAt },
      { crls, ...(crlVersion !== undefined ? { crlVersion } : {}) },
    );
  };
  return part;
}

function tokenStatusListPart(
  handle: Extract<RevocationHandle, { kind: 'token-status-list' }>,
  ctx: RevocationContext,
): Part {
  const tokens = listOf(ctx.data.tokenStatusLists);
  const part: Part = { handle: `the credential has a status list entry (${handle.uri}, index ${handle.idx})` };
  if (tokens.length === 0) return part;
  // Only a list signed by a key trusted for the issuer the result names speaks for the credential.
  part.check = async (bound) => {
    try {
      const value = await handle.check(tokens, { trust: ctx.trust.store, issuer: bound.issuer, now: ctx.now });
      if (value === undefined) return undefined;
      if (value === 0) return { name: 'revocation', ok: true };
      // 1 INVALID and 2 SUSPENDED are the Token Status List's; any other value is not VALID either.
      const where = `entry ${handle.idx} of status list ${handle.uri}`;
      return value === 2
        ? failedCheck('revocation', 'ERR_STATUS_SUSPENDED', `credential is suspended (${where})`)
        : failedCheck('revocation', 'ERR_STATUS_REVOKED', `credential is revoked (${where}: status ${value})`);
    } catch (error) {
      return failedCheck(
        'revocation',
        stableErrorCode(error, 'ERR_STATUS_LIST_INVALID'),
        `status list ${handle.uri}: ${errorMessageOf(error)}`,
      );
    }
  };
  return part;
}

function partOf(handle: RevocationHandle, ctx: RevocationContext): Part {
  switch (handle.kind) {
    case 'status-list':
      return statusListPart(handle, ctx);
    case 'divoc-certificate':
      return divocPart(handle, ctx);
    case 'hcert':
      return hcertPart(handle, ctx);
    case 'shc-rid':
      return shcPart(handle, ctx);
    case 'token-status-list':
      return tokenStatusListPart(handle, ctx);
    default:
      return {};
  }
}

/** What the revocation data at hand can say about a credential with these handles. */
export function revocationSubject(handles: readonly RevocationHandle[], ctx: RevocationContext): RevocationSubject {
  const parts = handles.map((h) => partOf(h, ctx));
  const subject: RevocationSubject = {};
  const described = parts.map((p) => p.handle).filter((h): h is string => h !== undefined);
  if (described.length > 0) subject.handle = described.join('; ');
  const checks = parts.filter((p) => p.check !== undefined);
  if (checks.length === 0) return subject;
  subject.check = async (bound) => {
    const results: Check[] = [];
    for (const part of checks) {
      const check = await part.check!(bound);
      if (check) results.push(check);
    }
    return combine(results);
  };
  return subject;
}
