import {
  base64urlEncode,
  importKeyPair,
  isKeyPair,
  jwkThumbprint,
  verifySignature,
  type KeyPair,
  type Signer,
  isJsonObject,
  utf8Encode,
} from '@divoc/keys';
import { credentialToFhirBundle, type FhirBundleOptions } from '../fhir/bundle.js';
import { createHealthCardFile } from '../file/health-card-file.js';
import { deflateRaw } from '../lib/deflate.js';
import { isShcError, ShcOptionsInvalidError, ShcPayloadInvalidError } from '../lib/errors.js';
import { LIMITS } from '../lib/limits.js';
import { encodeShcQr } from '../qr/numeric.js';
import type { FhirBundle, HealthCardFile, ShcPayload } from '../types.js';
import { checkPayload, HEALTH_CARD_TYPE, RID_PATTERN } from './parse.js';

/** Options of `signShc`: the ES256 signer and its key id. */
export interface SignShcOptions {
  /** An ES256 signer (P-256 key) from `createSigner` in `@divoc/keys`, or a KMS/HSM signer. */
  signer: Signer;
  /** The key's RFC 7638 thumbprint; computed from `key` when omitted. */
  kid?: string;
  /**
   * The signer's key (public half is enough). Gives the `kid`, and the fresh signature is checked against it so a
   * signer/key mix-up fails here, not at every verifier.
   */
  key?: KeyPair | JsonWebKey;
}

/** The JWS payload fields of a card: issuer, issuance time and optional expiry. */
export interface ShcPayloadOptions {
  /** Issuer URL: https, no trailing slash; verifiers fetch `${issuer}/.well-known/jwks.json`. */
  issuer: string;
  /** Issuance time (`nbf`); default now, in whole seconds. */
  nbf?: Date | number;
  /** Optional expiry (`exp`). Health cards normally do not expire. */
  exp?: Date | number;
  /** Revocation identifier (`vc.rid`), e.g. from `computeRid`. */
  rid?: string;
  /** `vc.type` values besides `https://smarthealth.cards#health-card`. */
  types?: readonly string[];
}

/** Options of `issueShc`: signing, the FHIR mapping, and the payload fields. */
export interface IssueShcOptions extends SignShcOptions, FhirBundleOptions {
  /** Issuer URL (https, no trailing slash). Default: the credential's `issuer` when it is an https URL. */
  issuer?: string;
  nbf?: Date | number;
  exp?: Date | number;
  rid?: string;
}

/** A signed health card in every form it travels in. */
export interface IssuedShc {
  jws: string;
  /** `shc:/…` QR texts: one, or several chunks when the JWS is longer than 1195 characters. */
  qr: string[];
  /** `.smart-health-card` file content holding this card. */
  file: HealthCardFile;
  payload: ShcPayload;
}

function fail(message: string, cause?: unknown): never {
  throw new ShcOptionsInvalidError(message, cause === undefined ? undefined : { cause });
}

/** Spec: the `iss` URL SHALL use https and SHALL NOT end with "/". */
export function checkIssuerUrl(issuer: unknown, where = 'issuer'): string {
  if (typeof issuer !== 'string' || issuer.length === 0 || issuer.length > 2048)
    fail(`${where} must be a non-empty string`);
  let url: URL;
  try {
    url = new URL(issuer);
  } catch (err) {
    fail(`${where} is not a URL: ${JSON.stringify(issuer)}`, err);
  }
  if (url.protocol !== 'https:') fail(`${where} must use https: ${JSON.stringify(issuer)}`);
  if (issuer.endsWith('/')) fail(`${where} must not end with "/": ${JSON.stringify(issuer)}`);
  return issuer;
}

/**
 * A JWT NumericDate in whole seconds: a Date's milliseconds (and any fraction given) are dropped, since verifiers
 * and wallets read `nbf`/`exp` as integers (the SMART Health Cards examples and most JWT libraries do).
 */
function seconds(value: Date | number, name: string): number {
  const n = value instanceof Date ? value.getTime() / 1000 : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
    fail(`${name} must be a valid Date or a non-negative number of seconds`);
  return Math.floor(n);
}

/** The claim set of a health card for a FHIR bundle. */
export function createShcPayload(bundle: FhirBundle, options: ShcPayloadOptions): ShcPayload {
  if (!isJsonObject(options)) fail('options with an issuer are required');
  const iss = checkIssuerUrl(options.issuer);
  const types = [HEALTH_CARD_TYPE, ...(options.types ?? []).filter((t) => t !== HEALTH_CARD_TYPE)];
  if (!types.every((t) => typeof t === 'string' && t.length > 0 && t.length <= 512))
    fail('types must be non-empty strings');
  const payload: ShcPayload = {
    iss,
    nbf: options.nbf === undefined ? Math.floor(Date.now() / 1000) : seconds(options.nbf, 'nbf'),
    ...(options.exp !== undefined ? { exp: seconds(options.exp, 'exp') } : {}),
    vc: { type: types, credentialSubject: { fhirVersion: '4.0.1', fhirBundle: bundle } },
  };
  if (options.rid !== undefined) {
    if (typeof options.rid !== 'string' || !RID_PATTERN.test(options.rid))
      fail('rid must be 1–24 characters of the base64url alphabet');
    payload.vc.rid = options.rid;
  }
  try {
    return checkPayload(payload);
  } catch (err) {
    if (err instanceof ShcPayloadInvalidError) fail(err.message, err);
    throw err;
  }
}

function keyPairOf(key: KeyPair | JsonWebKey): KeyPair {
  let kp: KeyPair;
  try {
    kp = isKeyPair(key) ? key : importKeyPair({ jwk: key });
  } catch (err) {
    fail(`key is not a usable key: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  if (kp.type !== 'P-256') fail(`SMART Health Cards are signed with P-256 keys, not ${kp.type}`);
  return kp;
}

/**
 * Signs a health card claim set: header `{"alg":"ES256","zip":"DEF","kid":…}`, payload the raw-DEFLATEd minified
 * JSON, signature raw r||s. Returns the compact JWS.
 */
export async function signShcPayload(payload: ShcPayload, options: SignShcOptions): Promise<string> {
  if (!isJsonObject(options) || !options.signer || typeof options.signer.sign !== 'function')
    fail('options.signer is required');
  const { signer } = options;
  if (signer.algorithm !== 'ES256') fail(`signer algorithm must be ES256, not ${String(signer.algorithm)}`);
  const kp = options.key !== undefined ? keyPairOf(options.key) : undefined;
  const thumbprint = kp ? jwkThumbprint(kp) : undefined;
  const kid = options.kid ?? thumbprint;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256) fail('give kid (the key thumbprint) or key');
  if (thumbprint !== undefined && kid !== thumbprint) fail(`kid ${kid} is not the thumbprint of key (${thumbprint})`);
  let checked: ShcPayload;
  try {
    checked = checkPayload(payload);
  } catch (err) {
    if (isShcError(err)) fail(`payload: ${err.message}`, err);
    throw err;
  }
  const header = base64urlEncode(utf8Encode(JSON.stringify({ alg: 'ES256', zip: 'DEF', kid })));
  const body = base64urlEncode(deflateRaw(utf8Encode(JSON.stringify(checked))));
  const signingInput = utf8Encode(`${header}.${body}`);
  const signature = await signer.sign(signingInput);
  if (!(signature instanceof Uint8Array) || signature.length !== 64)
    fail('signer returned something other than a 64-byte ES256 signature');
  if (kp && !(await verifySignature(kp, 'ES256', signingInput, signature)))
    fail('signer does not hold the private half of key');
  const jws = `${header}.${body}.${base64urlEncode(signature)}`;
  if (jws.length > LIMITS.maxJwsLength) fail(`signed card is longer than ${LIMITS.maxJwsLength} characters`);
  return jws;
}

function defaultIssuer(credential: unknown): string | undefined {
  if (!isJsonObject(credential)) return undefined;
  const issuer = isJsonObject(credential.issuer) ? credential.issuer.id : credential.issuer;
  if (typeof issuer !== 'string' || !issuer.startsWith('https://')) return undefined;
  return issuer.replace(/\/+$/, '');
}

/**
 * Issues a SMART Health Card from one of our credentials (`buildCredential` output: vaccination, vaccination-v2 or
 * test): maps it to a minimised FHIR bundle, signs it with an ES256 signer and returns the JWS, its QR texts and a
 * `.smart-health-card` file.
 */
export async function issueShc(credential: unknown, options: IssueShcOptions): Promise<IssuedShc> {
  if (!isJsonObject(options)) fail('options with a signer are required');
  const { bundle, types } = credentialToFhirBundle(credential, options);
  const issuer = options.issuer ?? defaultIssuer(credential);
  if (issuer === undefined) fail('issuer is required (the credential has no https issuer URL to default to)');
  const payload = createShcPayload(bundle, {
    issuer,
    types: types.slice(1),
    ...(options.nbf !== undefined ? { nbf: options.nbf } : {}),
    ...(options.exp !== undefined ? { exp: options.exp } : {}),
    ...(options.rid !== undefined ? { rid: options.rid } : {}),
  });
  const jws = await signShcPayload(payload, options);
  return { jws, qr: encodeShcQr(jws), file: createHealthCardFile(jws), payload };
}
