import {
  isJsonObject,
  isPlatformUnsupportedError,
  publicKeyInfoFromJwk,
  trustedKeyIssuers,
  trustStoreOf,
  verifySignature,
  type Check,
  type FormatVerificationResult,
  type TrustedKey,
  type TrustOption,
  type TrustStore,
} from '@divoc/keys';
import {
  isSdJwtError,
  SdJwtDisclosureInvalidError,
  SdJwtError,
  SdJwtExpiredError,
  SdJwtHeaderInvalidError,
  SdJwtInputInvalidError,
  SdJwtIssuerMismatchError,
  SdJwtKeyBindingInvalidError,
  SdJwtKeyBindingMissingError,
  SdJwtKeyExpiredError,
  SdJwtKeyNotTrustedError,
  SdJwtNotYetValidError,
  SdJwtPayloadInvalidError,
  SdJwtRevokedError,
  SdJwtSignatureInvalidError,
} from './lib/errors.js';
import { numericDate, type ParsedJwt } from './lib/jwt.js';
import { algorithmFits, candidateKeys, KID_PATTERN, verifiedBy } from './lib/keys.js';
import type { SdJwtLimits } from './lib/limits.js';
import { parseSdJwt, resolveDisclosures, sdDigest, type ParsedSdJwt } from './parse.js';
import { checkStatusListEntry, TOKEN_STATUS, type StatusListReference } from './status-list.js';
import { seconds } from './lib/time.js';

/** What a verifier expects of the key-binding JWT. */
export interface KeyBindingExpectation {
  /**
   * Refuse a presentation without a KB-JWT (or a credential without `cnf`). Default: true when `nonce` or `audience`
   * is given, else false (a KB-JWT that is there is still checked in full).
   */
  required?: boolean;
  /** The nonce the verifier gave the holder: the KB-JWT's `nonce` must be it. */
  nonce?: string;
  /** The verifier's own identifier: the KB-JWT's `aud` must be it. */
  audience?: string;
  /** Oldest KB-JWT `iat` accepted, in seconds before the clock. Default 300. */
  maxAgeSeconds?: number;
}

/** Options of `verifySdJwtVc`: trusted keys, clock, key binding, status and limits. Offline: nothing is fetched. */
export interface VerifySdJwtVcOptions {
  /**
   * Required: keys trusted to sign SD-JWT VCs. The verifier's `Trust` (e.g. filled with the issuer's JWT VC Issuer
   * Metadata), or a `TrustStore` (`store.addJwks(metadata.jwks, { issuer: metadata.issuer })`).
   */
  trust: TrustOption<Pick<TrustStore, 'resolve'>>;
  /** Validation clock; default now. */
  now?: Date;
  /** Seconds of clock skew allowed on `iat`, `nbf`, `exp` and the KB-JWT's `iat`; default 0. */
  clockToleranceSeconds?: number;
  /** What the key-binding JWT must say. */
  keyBinding?: KeyBindingExpectation;
  /**
   * The status list token (compact JWT) of the credential's `status.status_list.uri`, fetched by the caller. When
   * given, a `revocation` check is reported.
   */
  statusList?: string;
  /** Caps on the input (see `SD_JWT_LIMITS`). */
  limits?: Partial<SdJwtLimits>;
  /** Accept a credential signed while its key was outside its validity window. Default false. */
  acceptExpiredKeys?: boolean;
}

/** The always-visible claims of an SD-JWT VC and whatever the holder disclosed. */
export interface SdJwtVcClaims extends Record<string, unknown> {
  iss: string;
  vct: string;
  iat?: number;
  nbf?: number;
  exp?: number;
  cnf?: { jwk: JsonWebKey };
  status?: { status_list: StatusListReference };
}

/** What `verifySdJwtVc` returns: the shared result shape, the disclosed claims and what was read on the way. */
export interface SdJwtVcVerificationResult extends FormatVerificationResult<'sd-jwt-vc', SdJwtVcClaims> {
  /** The issuer JWT's header. */
  header?: Record<string, unknown>;
  /** Names of the claims the holder disclosed. */
  disclosed?: string[];
  /** The trusted key that verified the issuer signature. */
  signer?: TrustedKey;
  /** The KB-JWT's claims, when the presentation had one and it verified. */
  keyBinding?: { nonce: string; audience: string; issuedAt: number };
  /** The status list entry's value, when a status list was given. */
  status?: number;
}

const STATUS_NAMES: Readonly<Record<number, string>> = { 1: 'INVALID (revoked)', 2: 'SUSPENDED' };

const ok = (name: Check['name'], message?: string): Check =>
  message === undefined ? { name, ok: true } : { name, ok: true, message };

function failed(name: Check['name'], error: unknown): Check {
  const err =
    error instanceof SdJwtError
      ? error
      : new SdJwtInputInvalidError(error instanceof Error ? error.message : String(error));
  return { name, ok: false, code: err.code, message: err.message };
}

/** The always-visible claims, checked. */
function checkPayload(payload: Record<string, unknown>): string {
  const fail = (m: string) => new SdJwtPayloadInvalidError(m);
  if (typeof payload.iss !== 'string' || payload.iss === '') throw fail('iss must be a non-empty string');
  if (typeof payload.vct !== 'string' || payload.vct === '') throw fail('vct must be a non-empty string');
  for (const name of ['iat', 'nbf', 'exp']) numericDate(payload, name, fail);
  if (payload.cnf !== undefined) cnfKey(payload.cnf);
  return payload.iss;
}

/** Claims SD-JWT VC never lets a disclosure set: they must be in the signed payload itself, if anywhere. */
const VISIBLE_ONLY = ['iss', 'iat', 'nbf', 'exp', 'cnf', 'vct', 'vct#integrity', 'status'];

/** The holder key of `cnf` (only `jwk`, P-256 or Ed25519, public). */
function cnfKey(cnf: unknown): TrustedKey {
  if (!isJsonObject(cnf) || !isJsonObject(cnf.jwk)) throw new SdJwtPayloadInvalidError('cnf must be { jwk: {...} }');
  if (cnf.jwk.d !== undefined) throw new SdJwtPayloadInvalidError('cnf.jwk holds private key material');
  let info;
  try {
    info = publicKeyInfoFromJwk(cnf.jwk);
  } catch (error) {
    throw new SdJwtPayloadInvalidError('cnf.jwk is not a valid public key', { cause: error });
  }
  if (info.type !== 'P-256' && info.type !== 'Ed25519')
    throw new SdJwtPayloadInvalidError('cnf.jwk must be a P-256 or Ed25519 key');
  return { id: 'cnf', type: info.type, publicKeyJwk: info.jwk };
}

function checkKeyWindow(key: TrustedKey, issuedAt: Date): void {
  if ((key.validFrom && issuedAt < key.validFrom) || (key.validUntil && issuedAt > key.validUntil))
    throw new SdJwtKeyExpiredError(
      `key ${key.id} is valid ${key.validFrom?.toISOString() ?? '…'} to ${key.validUntil?.toISOString() ?? '…'}, ` +
        `and the SD-JWT says it was issued ${issuedAt.toISOString()}`,
    );
}

function checkValidity(payload: Record<string, unknown>, now: number, tolerance: number): void {
  const { iat, nbf, exp } = payload as { iat?: number; nbf?: number; exp?: number };
  const start = Math.max(iat ?? 0, nbf ?? 0);
  if (start > now + tolerance)
    throw new SdJwtNotYetValidError(`not valid before ${new Date(start * 1000).toISOString()} (iat/nbf)`);
  if (exp !== undefined && exp < now - tolerance)
    throw new SdJwtExpiredError(`expired ${new Date(exp * 1000).toISOString()} (exp)`);
}

async function checkKeyBinding(
  parsed: ParsedSdJwt,
  expect: KeyBindingExpectation,
  now: number,
  tolerance: number,
): Promise<{ nonce: string; audience: string; issuedAt: number } | undefined> {
  const required = expect.required ?? (expect.nonce !== undefined || expect.audience !== undefined);
  const kb: ParsedJwt | undefined = parsed.kb;
  if (!kb) {
    if (required) throw new SdJwtKeyBindingMissingError('the presentation has no key-binding JWT');
    return undefined;
  }
  const cnf = parsed.issuer.payload.cnf;
  if (cnf === undefined) throw new SdJwtKeyBindingMissingError('a key-binding JWT, but the credential has no cnf');
  const holder = cnfKey(cnf);
  const invalid = (m: string) => new SdJwtKeyBindingInvalidError(m);
  if (!algorithmFits(kb, holder.type))
    throw invalid(`the KB-JWT alg ${kb.alg} does not belong to the cnf key (${holder.type})`);
  if (!(await verifySignature(holder, kb.alg, kb.signingInput, kb.signature)))
    throw invalid('the KB-JWT signature does not verify under the cnf key');
  const { sd_hash: sdHash, nonce, aud, iat } = kb.payload;
  if (sdHash !== sdDigest(parsed.sdJwtForHash))
    throw invalid('the KB-JWT sd_hash is not the hash of this presentation (disclosures changed)');
  if (typeof nonce !== 'string' || typeof aud !== 'string') throw invalid('the KB-JWT needs a string nonce and aud');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid('the KB-JWT needs an iat');
  if (expect.nonce !== undefined && nonce !== expect.nonce) throw invalid('the KB-JWT nonce is not the expected one');
  if (expect.audience !== undefined && aud !== expect.audience) throw invalid('the KB-JWT aud is not this verifier');
  if (iat > now + tolerance) throw invalid('the KB-JWT iat is in the future');
  const maxAge = expect.maxAgeSeconds ?? 300;
  if (iat < now - tolerance - maxAge) throw invalid(`the KB-JWT is stale (iat more than ${maxAge} s ago)`);
  return { nonce, audience: aud, issuedAt: iat };
}

/**
 * Verifies an SD-JWT VC or a presentation of one, offline. Never throws for bad input: each failed step is a check
 * with a stable code. Checks, in order: `decode` (structure, sizes, strict JSON, header, disclosures matched to the
 * payload), `signature` (issuer JWT under a trusted key for `iss#kid` / `kid`), `trust` (the key is trusted for `iss`
 * and was valid at `iat`), `validity` (`iat`/`nbf`/`exp`), `key-usage` (holder key binding: the KB-JWT),
 * and `revocation` when `statusList` is given.
 */
export async function verifySdJwtVc(input: unknown, options: VerifySdJwtVcOptions): Promise<SdJwtVcVerificationResult> {
  const store = trustStoreOf(options);
  if (typeof store?.resolve !== 'function') throw new TypeError('verifySdJwtVc: options.trust is required');
  const result: SdJwtVcVerificationResult = { valid: false, format: 'sd-jwt-vc', checks: [] };
  const now = seconds(options.now ?? new Date());
  const tolerance = Math.max(0, options.clockToleranceSeconds ?? 0);
  const limits = options.limits === undefined ? {} : { limits: options.limits };

  let parsed: ParsedSdJwt;
  let claims: Record<string, unknown>;
  let iss: string;
  let kid: string;
  try {
    parsed = parseSdJwt(input, limits);
    iss = checkPayload(parsed.issuer.payload);
    const headerKid = parsed.issuer.header.kid;
    if (typeof headerKid !== 'string' || !KID_PATTERN.test(headerKid))
      throw new SdJwtHeaderInvalidError('the issuer JWT needs a kid (a plain key id, no ":" or "#")');
    kid = headerKid;
    claims = resolveDisclosures(parsed.issuer.payload, parsed.disclosures, limits);
    const hidden = VISIBLE_ONLY.find(
      (name) => claims[name] !== undefined && !Object.hasOwn(parsed.issuer.payload, name),
    );
    if (hidden !== undefined)
      throw new SdJwtDisclosureInvalidError(`a disclosure sets ${hidden}, which SD-JWT VC keeps always visible`);
  } catch (error) {
    result.checks.push(
      failed('decode', isSdJwtError(error) ? error : new SdJwtInputInvalidError('not an SD-JWT VC', { cause: error })),
    );
    return result;
  }
  result.checks.push(ok('decode'));
  result.header = parsed.issuer.header;
  result.payload = claims as SdJwtVcClaims;
  result.issuer = iss;
  result.disclosed = parsed.disclosures.flatMap((d) => (d.name !== undefined ? [d.name] : []));

  const { keys, foreign } = candidateKeys(store, iss, kid);
  let signer: TrustedKey | undefined;
  try {
    if (keys.length === 0 && foreign.length === 0)
      throw new SdJwtKeyNotTrustedError(`no trusted key answers to ${iss}#${kid}; cannot verify`);
    // Keys of other issuers are tried too, so the result can say who really signed; `trust` then refuses it.
    signer = await verifiedBy(parsed.issuer, [...keys, ...foreign]);
    if (!signer) {
      const fitting = [...keys, ...foreign].filter((k) => algorithmFits(parsed.issuer, k.type)).length;
      throw new SdJwtSignatureInvalidError(
        fitting === 0
          ? `no trusted key for ${kid} is of the type ${parsed.issuer.alg} needs (algorithm/key-type mismatch)`
          : `the signature does not verify under ` +
              `${fitting === 1 ? 'the trusted key' : `any of ${fitting} trusted keys`} for ${kid}`,
      );
    }
    result.signer = signer;
    result.checks.push(ok('signature'));
  } catch (error) {
    if (isPlatformUnsupportedError(error)) throw error;
    result.checks.push(failed('signature', error));
  }

  try {
    const key = signer ?? keys[0] ?? foreign[0];
    if (!key) throw new SdJwtKeyNotTrustedError(`no trusted key answers to ${iss}#${kid}`);
    if (foreign.includes(key))
      throw new SdJwtIssuerMismatchError(
        `the SD-JWT names issuer ${JSON.stringify(iss.slice(0, 200))} but key ${key.id} is trusted for ` +
          `${trustedKeyIssuers(key).join(', ')} only`,
      );
    const issuedAt = parsed.issuer.payload.iat ?? parsed.issuer.payload.nbf;
    try {
      if (typeof issuedAt === 'number') checkKeyWindow(key, new Date(issuedAt * 1000));
      result.checks.push(ok('trust'));
    } catch (error) {
      if (!(error instanceof SdJwtKeyExpiredError) || options.acceptExpiredKeys !== true) throw error;
      result.checks.push(ok('trust', `${error.message}; accepted by policy (acceptExpiredKeys)`));
    }
  } catch (error) {
    result.checks.push(failed('trust', error));
  }

  try {
    checkValidity(parsed.issuer.payload, now, tolerance);
    result.checks.push(ok('validity'));
  } catch (error) {
    result.checks.push(failed('validity', error));
  }

  try {
    const kb = await checkKeyBinding(parsed, options.keyBinding ?? {}, now, tolerance);
    if (kb) {
      result.keyBinding = kb;
      result.checks.push(ok('key-usage', 'holder key binding verified'));
    }
  } catch (error) {
    if (isPlatformUnsupportedError(error)) throw error;
    result.checks.push(failed('key-usage', error));
  }

  if (options.statusList !== undefined) {
    try {
      const entry = (parsed.issuer.payload as SdJwtVcClaims).status?.status_list;
      if (entry === undefined) result.checks.push(ok('revocation', 'the credential has no status entry'));
      else {
        const value = await checkStatusListEntry(options.statusList, entry, {
          trust: store,
          issuer: iss,
          now: options.now ?? new Date(),
        });
        result.status = value;
        if (value !== TOKEN_STATUS.VALID)
          throw new SdJwtRevokedError(`status list entry ${entry.idx} is ${STATUS_NAMES[value] ?? `status ${value}`}`);
        result.checks.push(ok('revocation'));
      }
    } catch (error) {
      result.checks.push(failed('revocation', error));
    }
  }

  result.valid = result.checks.every((c) => c.ok);
  return result;
}
