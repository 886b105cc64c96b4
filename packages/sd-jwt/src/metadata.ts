import { isJsonObject, type TrustedKey, type TrustStore } from '@divoc/keys';
import { SdJwtIssuerMetadataInvalidError } from './lib/errors.js';
import { isIssuerUrl } from './lib/url.js';

/** JWT VC Issuer Metadata, as an issuer serves it at `/.well-known/jwt-vc-issuer`: its URL and its keys. */
export interface JwtVcIssuerMetadata {
  /** The issuer URL: the `iss` of its SD-JWT VCs. */
  issuer: string;
  /** The issuer's public keys (JWKS). */
  jwks: { keys: JsonWebKey[] };
}

/** Whether `json` looks like JWT VC Issuer Metadata (`{ issuer, jwks | jwks_uri }`): cheap, to sniff trust input. */
export function isJwtVcIssuerMetadata(json: unknown): boolean {
  return (
    isJsonObject(json) &&
    typeof json.issuer === 'string' &&
    (isJsonObject(json.jwks) || typeof json.jwks_uri === 'string') &&
    json.keys === undefined
  );
}

/**
 * Reads JWT VC Issuer Metadata (`{ issuer, jwks }`) and adds its keys to `options.trust`, bound to the issuer URL: they
 * answer to `<issuer>#<kid>` and verify only SD-JWT VCs (and status lists) whose `iss` is that issuer. Offline: a
 * `jwks_uri` is not fetched (fetch it and pass `{ issuer, jwks }`). Check that the metadata came from
 * `<issuer>/.well-known/jwt-vc-issuer` before trusting it. Throws `SdJwtIssuerMetadataInvalidError`.
 */
export function loadJwtVcIssuerMetadata(
  json: unknown,
  options: { trust: Pick<TrustStore, 'addJwks'> },
): { issuer: string; keys: TrustedKey[] } {
  const fail = (m: string, cause?: unknown) =>
    new SdJwtIssuerMetadataInvalidError(`JWT VC Issuer Metadata: ${m}`, cause === undefined ? undefined : { cause });
  if (!isJsonObject(json)) throw fail('must be a JSON object');
  const issuer = json.issuer;
  if (!isIssuerUrl(issuer)) throw fail('issuer must be an https URL (http only on loopback), no query or fragment');
  if (json.jwks === undefined)
    throw fail(
      typeof json.jwks_uri === 'string' ? 'jwks_uri is not fetched here: give the keys inline as jwks' : 'no jwks',
    );
  if (!isJsonObject(json.jwks) || !Array.isArray(json.jwks.keys)) throw fail('jwks must be { keys: [...] }');
  let keys: TrustedKey[];
  try {
    keys = options.trust.addJwks(json.jwks, { issuer });
  } catch (error) {
    throw fail(error instanceof Error ? error.message : 'bad jwks', error);
  }
  if (keys.length === 0) throw fail('jwks holds no usable signature key');
  return { issuer, keys };
}
