// @sd-jwt/core rather than @sd-jwt/sd-jwt-vc: the same issuing and presenting, without the type-metadata schemas
// (zod, 6 MB installed) that only its `verify` needs; the VC rules (typ, visible claims) are applied here.
import { SDJwtInstance } from '@sd-jwt/core';
import type { DisclosureFrame } from '@sd-jwt/types';
import {
  base64urlEncode,
  isDivocError,
  isJsonObject,
  publicKeyInfoFromJwk,
  secureRandom,
  sha256,
  utf8Encode,
  type Signer,
} from '@divoc/keys';
import { loadDdccReader, type DdccCoreDataSet, type ToDdccOptions } from '@divoc/schemas';
import { healthClaimsOf, SD_JWT_VC_TYPES_BY_KIND } from './claims.js';
import { SdJwtCredentialUnsupportedError, SdJwtOptionsInvalidError } from './lib/errors.js';
import { signerAlgorithm } from './lib/jwt.js';
import { KID_PATTERN } from './lib/keys.js';
import { seconds } from './lib/time.js';
import { isIssuerUrl } from './lib/url.js';
import type { StatusListReference } from './status-list.js';

/** Options of `issueSdJwtVc`. */
export interface IssueSdJwtVcOptions {
  /** The issuer's ES256 or EdDSA signer (`@divoc/keys`). */
  signer: Signer;
  /** `iss`: the issuer's https URL, where its JWT VC Issuer Metadata is served (`/.well-known/jwt-vc-issuer`). */
  issuer: string;
  /** `kid` of the header: the key's id in the issuer's JWKS. Default: the signer's `id`. */
  kid?: string;
  /** `vct`. Default: one per credential type (see `SD_JWT_VC_TYPES_BY_KIND`). */
  vct?: string;
  /** The holder's public key (JWK): `cnf.jwk`, which presentations prove possession of. */
  holderPublicKey?: JsonWebKey;
  /** Status list entry (`status.status_list`) for revocation. */
  status?: StatusListReference;
  /** `iat` (and `nbf`). Default now. */
  issuedAt?: Date;
  /** `exp`. Default none. */
  expiresAt?: Date;
  /** What the registry knows that the credential does not carry (Latin name...), for the DDCC mapping. */
  ddcc?: ToDdccOptions;
}

/** The `@sd-jwt` hasher over the SDK's SHA-256 (the only `_sd_alg` this package issues and accepts). */
export const sdHasher = (data: string | ArrayBuffer, alg: string): Uint8Array => {
  if (alg.toLowerCase() !== 'sha-256') throw new SdJwtOptionsInvalidError(`hash ${alg} is not supported`);
  return sha256(typeof data === 'string' ? data : new Uint8Array(data));
};

/** An `@sd-jwt` signer (signing input text → base64url signature) over an SDK signer. */
export const sdSigner =
  (signer: Signer) =>
  async (data: string): Promise<string> =>
    base64urlEncode(await signer.sign(utf8Encode(data)));

/** 128-bit salts, base64url. */
const saltGenerator = (): string => base64urlEncode(secureRandom(new Uint8Array(16)));

function checkHolderKey(jwk: unknown): JsonWebKey {
  if (!isJsonObject(jwk)) throw new SdJwtOptionsInvalidError('holderPublicKey must be a JWK object');
  if (jwk.d !== undefined) throw new SdJwtOptionsInvalidError('holderPublicKey holds private key material');
  try {
    const { type, jwk: clean } = publicKeyInfoFromJwk(jwk);
    if (type !== 'P-256' && type !== 'Ed25519')
      throw new SdJwtOptionsInvalidError('holderPublicKey must be a P-256 or Ed25519 key');
    return clean;
  } catch (error) {
    if (error instanceof SdJwtOptionsInvalidError) throw error;
    throw new SdJwtOptionsInvalidError('holderPublicKey is not a valid public JWK', { cause: error });
  }
}

function checkOptions(options: IssueSdJwtVcOptions): void {
  if (!isJsonObject(options)) throw new SdJwtOptionsInvalidError('options must be an object');
  signerAlgorithm(options.signer, 'signer');
  if (!isIssuerUrl(options.issuer))
    throw new SdJwtOptionsInvalidError('issuer must be an https URL (http only on loopback, for development)');
  const kid = options.kid ?? options.signer.id;
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid))
    throw new SdJwtOptionsInvalidError(
      'kid must be a plain key id (no ":" or "#"), as in the issuer JWKS: give options.kid',
    );
  for (const [name, date] of [
    ['issuedAt', options.issuedAt],
    ['expiresAt', options.expiresAt],
  ] as const)
    if (date !== undefined && (!(date instanceof Date) || Number.isNaN(date.getTime())))
      throw new SdJwtOptionsInvalidError(`${name} must be a valid Date`);
  if (options.vct !== undefined && (typeof options.vct !== 'string' || options.vct === ''))
    throw new SdJwtOptionsInvalidError('vct must be a non-empty string');
  const status = options.status;
  if (
    status !== undefined &&
    (!isJsonObject(status) || typeof status.uri !== 'string' || !Number.isSafeInteger(status.idx) || status.idx < 0)
  )
    throw new SdJwtOptionsInvalidError('status must be { uri: string, idx: non-negative integer }');
}

/**
 * Issues a DDCC core data set as an SD-JWT VC (`typ: dc+sd-jwt`): every health claim (see `SdJwtVcHealthClaims`)
 * selectively disclosable, `iss`/`iat`/`nbf`/`exp`/`vct`/`cnf`/`status` always visible.
 */
export async function issueSdJwtVcFromDdcc(ddcc: DdccCoreDataSet, options: IssueSdJwtVcOptions): Promise<string> {
  checkOptions(options);
  const claims = healthClaimsOf(ddcc) as Record<string, unknown>;
  const issuedAt = seconds(options.issuedAt ?? new Date());
  const payload: Record<string, unknown> & { vct: string } = {
    iss: options.issuer,
    iat: issuedAt,
    nbf: issuedAt,
    ...(options.expiresAt !== undefined ? { exp: seconds(options.expiresAt) } : {}),
    vct: options.vct ?? SD_JWT_VC_TYPES_BY_KIND[ddcc.kind],
    ...(options.holderPublicKey !== undefined ? { cnf: { jwk: checkHolderKey(options.holderPublicKey) } } : {}),
    ...(options.status !== undefined
      ? { status: { status_list: { idx: options.status.idx, uri: options.status.uri } } }
      : {}),
    ...claims,
  };
  const kid = options.kid ?? options.signer.id;
  const instance = new SDJwtInstance<typeof payload>({
    signer: sdSigner(options.signer),
    signAlg: options.signer.algorithm,
    hasher: sdHasher,
    hashAlg: 'sha-256',
    saltGenerator,
  });
  const frame = { _sd: Object.keys(claims) } as DisclosureFrame<typeof payload>;
  return instance.issue(payload, frame, { header: { typ: 'dc+sd-jwt', kid } });
}

/**
 * Issues a health credential as an SD-JWT VC. `credential` is an unsigned (or signed) W3C credential as
 * `buildCredential` from `@divoc/schemas` makes it from a registry record; it is read through the WHO DDCC core data
 * set, so the claims are the same whatever template made it. Returns the compact SD-JWT (`<JWT>~<disclosure>~…~`).
 */
export async function issueSdJwtVc(
  credential: Readonly<Record<string, unknown>>,
  options: IssueSdJwtVcOptions,
): Promise<string> {
  checkOptions(options);
  let ddcc: DdccCoreDataSet;
  try {
    ddcc = (await loadDdccReader())(credential, options.ddcc ?? {});
  } catch (error) {
    throw new SdJwtCredentialUnsupportedError(
      `the credential cannot be read as a vaccination, test or recovery record: ${
        isDivocError(error) || error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  return issueSdJwtVcFromDdcc(ddcc, options);
}
