import {
  isPlatformUnsupportedError,
  keysForJwsIssuer,
  trustedKeyIssuers,
  trustStoreOf,
  verifySignature,
  type Check,
  type FormatVerificationResult,
  type TrustedKey,
  type TrustOption,
  type TrustStore,
} from '@divoc/keys';
import { parseInput, type ShcInput } from '../jws/decode.js';
import type { ParsedJws } from '../jws/parse.js';
import {
  isShcError,
  ShcError,
  ShcExpiredError,
  ShcInputInvalidError,
  ShcIssuerMismatchError,
  ShcKeyExpiredError,
  ShcKeyNotTrustedError,
  ShcNotYetValidError,
  ShcRevocationListInvalidError,
  ShcRevokedError,
  ShcSignatureInvalidError,
} from '../lib/errors.js';
import { isRevoked, parseRevocationList } from '../revocation/crl.js';
import type { RevocationList, ShcHeader, ShcPayload } from '../types.js';

/** Options of `verifyShc`: the trusted keys, the clock, revocation lists and the policy. */
export interface VerifyShcOptions {
  /**
   * Required: keys trusted to sign cards. The verifier's `Trust`, or a `TrustStore` (e.g. filled with
   * `store.addJwks(jwks, { issuer })` or `loadIssuerDirectory`).
   */
  trust?: TrustOption<Pick<TrustStore, 'resolve'>>;
  /** @deprecated use `trust` */
  trustStore?: Pick<TrustStore, 'resolve'>;
  /** Validation clock; default now. */
  now?: Date;
  /** Seconds of clock skew allowed on `nbf` and `exp`; default 0. */
  clockToleranceSeconds?: number;
  /**
   * Card revocation lists (CRL JSON, one per key). When given, a `revocation` check is reported: the list whose `kid`
   * is the card's is applied to the card's `vc.rid`.
   */
  revocationLists?: readonly RevocationList[];
  /** Verification policy; every relaxation is off by default. */
  policy?: VerifyShcPolicy;
}

/** What `verifyShc` may accept beyond the strict rules. */
export interface VerifyShcPolicy {
  /**
   * Accept a card signed while its key was outside its validity window (an `x5c` certificate or trust-list window).
   * The `trust` check still passes only for a trusted key, and says in its message that the window was ignored.
   * Default false: such a card fails `trust` with `ERR_SHC_KEY_EXPIRED`.
   */
  acceptExpiredKeys?: boolean;
}

/** What `verifyShc` returns: the shared result shape plus the JWS parts that were read. */
export interface ShcVerificationResult extends FormatVerificationResult<'shc', ShcPayload> {
  header?: ShcHeader;
  /** The compact JWS (reassembled when the input was QR chunks). */
  jws?: string;
  /** Id of the trusted key that verified the signature. */
  keyId?: string;
  /** The trusted key that verified the signature. */
  signer?: TrustedKey;
}

const KID_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

function ok(name: Check['name'], message?: string): Check {
  return message === undefined ? { name, ok: true } : { name, ok: true, message };
}

function failed(name: Check['name'], error: unknown): Check {
  const err =
    error instanceof ShcError
      ? error
      : new ShcInputInvalidError(error instanceof Error ? error.message : String(error));
  return { name, ok: false, code: err.code, message: err.message };
}

// SHC kids are base64url thumbprints. Anything else (a did:key URL, say) could make a store that resolves keys from
// their names trust a key the card itself chose.
const candidateKeys = (store: Pick<TrustStore, 'resolve'>, iss: string, kid: string) =>
  keysForJwsIssuer(store, iss, kid, KID_PATTERN);

function checkKeyWindow(key: TrustedKey, issuedAt: Date): void {
  if (key.validFrom && issuedAt < key.validFrom) {
    throw new ShcKeyExpiredError(
      `key ${key.id} is valid from ${key.validFrom.toISOString()}, after the card was issued ` +
        `(${issuedAt.toISOString()})`,
    );
  }
  if (key.validUntil && issuedAt > key.validUntil) {
    throw new ShcKeyExpiredError(
      `key ${key.id} expired ${key.validUntil.toISOString()}, before the card was issued (${issuedAt.toISOString()})`,
    );
  }
}

function checkValidity(payload: ShcPayload, now: Date, tolerance: number): void {
  const t = now.getTime() / 1000;
  // nbf may be fractional (the spec's own examples are): compare as numbers, never parse as integers.
  if (payload.nbf > t + tolerance)
    throw new ShcNotYetValidError(`card is not valid before ${new Date(payload.nbf * 1000).toISOString()} (nbf)`);
  if (payload.exp !== undefined && payload.exp < t - tolerance)
    throw new ShcExpiredError(`card expired ${new Date(payload.exp * 1000).toISOString()} (exp)`);
}

function checkRevocation(parsed: ParsedJws, lists: readonly RevocationList[]): Check {
  if (!Array.isArray(lists))
    throw new ShcRevocationListInvalidError('revocationLists must be an array of revocation lists');
  const kid = parsed.header.kid;
  const list = lists.find((l) => l?.kid === kid);
  if (!list) return ok('revocation', `no revocation list for key ${kid}`);
  const crl = parseRevocationList(list);
  const rid = parsed.payload.vc.rid;
  if (rid === undefined) return ok('revocation', 'card has no rid');
  if (isRevoked(rid, crl, parsed.payload.nbf))
    throw new ShcRevokedError(`card rid ${rid} is revoked by the list for key ${kid} (ctr ${crl.ctr})`);
  return ok('revocation');
}

/**
 * Verifies a SMART Health Card given as a JWS, a `shc:/` QR text, QR chunks (any order) or a one-card
 * `.smart-health-card` file. Never throws for bad input: each failed step is a check with a stable code.
 * Checks, in order: `decode`, `signature`, `trust` (key known for this issuer, valid when the card was issued),
 * `validity` (`nbf` ≤ now, `exp` if present), and `revocation` when `revocationLists` are given.
 */
export async function verifyShc(input: ShcInput, options: VerifyShcOptions): Promise<ShcVerificationResult> {
  const store = trustStoreOf(options);
  if (typeof store?.resolve !== 'function') throw new TypeError('verifyShc: options.trust is required');
  const result: ShcVerificationResult = { valid: false, format: 'shc', checks: [] };
  const now = options.now ?? new Date();
  const tolerance = Math.max(0, options.clockToleranceSeconds ?? 0);

  let parsed: ParsedJws;
  try {
    parsed = parseInput(input);
  } catch (error) {
    result.checks.push(
      failed(
        'decode',
        isShcError(error) ? error : new ShcInputInvalidError('input could not be decoded', { cause: error }),
      ),
    );
    return result;
  }
  result.checks.push(ok('decode'));
  const { header, payload } = parsed;
  result.header = header;
  result.payload = payload;
  result.jws = parsed.jws;
  result.issuer = payload.iss;

  const { keys, foreign } = candidateKeys(store, payload.iss, header.kid);
  let verifiedBy: TrustedKey | undefined;
  try {
    if (keys.length === 0 && foreign.length === 0)
      throw new ShcKeyNotTrustedError(`no trusted key answers to ${payload.iss}#${header.kid}; cannot verify`);
    // Keys of other issuers are tried too, so the result can say who really signed; `trust` then refuses the card.
    for (const key of [...keys, ...foreign]) {
      if (key.type !== 'P-256') continue;
      if (await verifySignature(key, 'ES256', parsed.signingInput, parsed.signature)) {
        verifiedBy = key;
        break;
      }
    }
    const tried = keys.length + foreign.length;
    if (!verifiedBy)
      throw new ShcSignatureInvalidError(
        `signature does not verify under ` +
          `${tried === 1 ? 'the trusted key' : `any of ${tried} trusted keys`} for ${header.kid}`,
      );
    result.keyId = verifiedBy.id;
    result.signer = verifiedBy;
    result.checks.push(ok('signature'));
  } catch (error) {
    // No WebCrypto here: nothing was checked, which is not a bad signature.
    if (isPlatformUnsupportedError(error)) throw error;
    result.checks.push(failed('signature', error));
  }

  try {
    const key = verifiedBy ?? keys[0] ?? foreign[0];
    if (!key) throw new ShcKeyNotTrustedError(`no trusted key answers to ${payload.iss}#${header.kid}`);
    if (foreign.includes(key)) {
      throw new ShcIssuerMismatchError(
        `the card names issuer ${JSON.stringify(payload.iss.slice(0, 200))} but key ${key.id} is trusted ` +
          `for ${trustedKeyIssuers(key).join(', ')} only`,
      );
    }
    try {
      checkKeyWindow(key, new Date(payload.nbf * 1000));
      result.checks.push(ok('trust'));
    } catch (error) {
      if (!(error instanceof ShcKeyExpiredError) || options.policy?.acceptExpiredKeys !== true) throw error;
      result.checks.push(ok('trust', `${error.message}; accepted by policy (acceptExpiredKeys)`));
    }
  } catch (error) {
    result.checks.push(failed('trust', error));
  }

  try {
    checkValidity(payload, now, tolerance);
    result.checks.push(ok('validity'));
  } catch (error) {
    result.checks.push(failed('validity', error));
  }

  if (options.revocationLists !== undefined) {
    try {
      result.checks.push(checkRevocation(parsed, options.revocationLists));
    } catch (error) {
      result.checks.push(failed('revocation', error));
    }
  }

  result.valid = result.checks.every((c) => c.ok);
  return result;
}
