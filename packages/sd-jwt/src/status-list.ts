import {
  base64urlDecode,
  bindIssuer,
  inflateZlibBounded,
  isJsonObject,
  trustedKeyIssuers,
  trustStoreOf,
  type Signer,
  type TrustOption,
  type TrustStore,
} from '@divoc/keys';
import { SdJwtOptionsInvalidError, SdJwtStatusListInvalidError, isSdJwtError } from './lib/errors.js';
import { numericDate, parseJwt, signJwt, signerAlgorithm } from './lib/jwt.js';
import { candidateKeys, KID_PATTERN, verifiedBy } from './lib/keys.js';
import { MAX_STATUS_LIST_BYTES, SD_JWT_LIMITS } from './lib/limits.js';
import { seconds } from './lib/time.js';

/** Bits per status in a Token Status List. */
export type StatusListBits = 1 | 2 | 4 | 8;

/** A reference to one entry of an IETF Token Status List (`status.status_list` of the SD-JWT VC). */
export interface StatusListReference {
  /** The status list token's URL (its `sub`). */
  uri: string;
  /** The entry's index in the list. */
  idx: number;
}

// The status list library (and its inflater) loads only when a status list is made or read.
const statusListLibrary = () => import('@sd-jwt/jwt-status-list');

/** Status values of the IETF Token Status List: 0 VALID, 1 INVALID (revoked), 2 SUSPENDED; 3 and up are the list's. */
export const TOKEN_STATUS = Object.freeze({ VALID: 0, INVALID: 1, SUSPENDED: 2 });

/** The header `typ` of a status list token. */
export const STATUS_LIST_TOKEN_TYPE = 'statuslist+jwt';

/** Options of `createStatusListToken`. */
export interface CreateStatusListTokenOptions {
  /** The issuer's ES256 or EdDSA signer: the same issuer (and trust) as the credentials the list speaks for. */
  signer: Signer;
  /** `kid` of the header. Default: the signer's `id`. */
  kid?: string;
  /** `iss`: the credentials' issuer URL. */
  issuer: string;
  /** `sub`: the URL the token is served at, which credentials name in `status.status_list.uri`. */
  uri: string;
  /** The status of each index (0 valid, 1 revoked, 2 suspended...), each below 2^bits. */
  statuses: readonly number[];
  /** Bits per status: 1 (default), 2, 4 or 8. */
  bits?: StatusListBits;
  /** `iat`. Default now. */
  issuedAt?: Date;
  /** `exp`: verifiers refuse the token after it. */
  expiresAt?: Date;
  /** `ttl`: seconds a verifier may cache the token. */
  ttlSeconds?: number;
}

/** Creates and signs a status list token (`typ: statuslist+jwt`, `sub`, `iat`, `status_list: { bits, lst }`). */
export async function createStatusListToken(options: CreateStatusListTokenOptions): Promise<string> {
  if (!isJsonObject(options)) throw new SdJwtOptionsInvalidError('options must be an object');
  const alg = signerAlgorithm(options.signer, 'signer');
  const bits = options.bits ?? 1;
  if (![1, 2, 4, 8].includes(bits)) throw new SdJwtOptionsInvalidError('bits must be 1, 2, 4 or 8');
  const statuses = options.statuses;
  if (!Array.isArray(statuses) || statuses.length === 0 || statuses.length > MAX_STATUS_LIST_BYTES * (8 / bits))
    throw new SdJwtOptionsInvalidError('statuses must be a non-empty array no longer than the list can hold');
  if (!statuses.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** bits))
    throw new SdJwtOptionsInvalidError(`every status must be an integer from 0 to ${2 ** bits - 1}`);
  for (const name of ['issuer', 'uri'] as const)
    if (typeof options[name] !== 'string' || options[name] === '')
      throw new SdJwtOptionsInvalidError(`${name} must be a non-empty string`);
  const kid = options.kid ?? options.signer.id;
  if (!KID_PATTERN.test(kid)) throw new SdJwtOptionsInvalidError('kid must be a plain key id (no ":" or "#")');
  const { StatusList, createHeaderAndPayload } = await statusListLibrary();
  const list = new StatusList([...statuses], bits);
  const { header, payload } = createHeaderAndPayload(
    list,
    {
      iss: options.issuer,
      sub: options.uri,
      iat: seconds(options.issuedAt ?? new Date()),
      ...(options.expiresAt !== undefined ? { exp: seconds(options.expiresAt) } : {}),
      ...(options.ttlSeconds !== undefined ? { ttl: options.ttlSeconds } : {}),
    },
    { alg, typ: STATUS_LIST_TOKEN_TYPE, kid },
  );
  return signJwt(header, payload, options.signer);
}

/** Options of `checkStatusListEntry`. */
export interface CheckStatusListEntryOptions {
  /** Keys trusted to sign status lists: the credential issuer's (e.g. from its JWT VC Issuer Metadata). */
  trust: TrustOption<Pick<TrustStore, 'resolve'>>;
  /** The issuer of the credential the entry belongs to: the token must be signed by a key trusted for it. */
  issuer: string;
  /** Validation clock (token `exp`). Default now. */
  now?: Date;
}

const fail = (message: string, cause?: unknown): SdJwtStatusListInvalidError =>
  new SdJwtStatusListInvalidError(message, cause === undefined ? undefined : { cause });

/**
 * The status of one entry, read from a status list token the caller fetched: the token must be a `statuslist+jwt`
 * for the entry's `uri` (`sub`), unexpired, and signed by a key trusted for the credential's issuer; the list is
 * inflated within a fixed budget. Returns the status value (`TOKEN_STATUS`); throws `SdJwtStatusListInvalidError`.
 */
export async function checkStatusListEntry(
  token: string,
  entry: StatusListReference,
  options: CheckStatusListEntryOptions,
): Promise<number> {
  const store = trustStoreOf(options);
  if (typeof store?.resolve !== 'function') throw new TypeError('checkStatusListEntry: options.trust is required');
  if (typeof token !== 'string') throw fail('the status list token must be a string');
  if (!isJsonObject(entry) || typeof entry.uri !== 'string' || !Number.isSafeInteger(entry.idx) || entry.idx < 0)
    throw fail('the status entry must be { uri, idx }');
  let parsed;
  try {
    parsed = parseJwt(token.trim(), 'status list token', [STATUS_LIST_TOKEN_TYPE], SD_JWT_LIMITS);
  } catch (error) {
    throw fail(`status list token: ${isSdJwtError(error) ? error.message : 'malformed'}`, error);
  }
  const { header, payload } = parsed;
  if (payload.sub !== entry.uri)
    throw fail(`the status list token is for ${JSON.stringify(String(payload.sub)).slice(0, 120)}, not ${entry.uri}`);
  const now = seconds(options.now ?? new Date());
  const exp = numericDate(payload, 'exp', fail);
  if (exp !== undefined && exp < now) throw fail('the status list token has expired');
  const kid = header.kid;
  if (typeof kid !== 'string') throw fail('the status list token header has no kid');
  const { keys, foreign } = candidateKeys(store, options.issuer, kid);
  const key = await verifiedBy(parsed, keys);
  if (!key) {
    const other = await verifiedBy(parsed, foreign);
    throw fail(
      other
        ? `the status list token is signed by ${other.id}, trusted for ${trustedKeyIssuers(other).join(', ')}, not ` +
            `for the credential's issuer ${options.issuer}`
        : `no key trusted for ${options.issuer} verifies the status list token`,
    );
  }
  if (typeof payload.iss === 'string' && bindIssuer([options.issuer], payload.iss).status === 'mismatch')
    throw fail(`the status list token names issuer ${payload.iss.slice(0, 120)}, not ${options.issuer}`);
  const list = payload.status_list;
  if (!isJsonObject(list) || typeof list.lst !== 'string' || ![1, 2, 4, 8].includes(list.bits as number))
    throw fail('status_list must be { bits: 1|2|4|8, lst: string }');
  try {
    // Bounded first: the library's own inflate has no output limit.
    inflateZlibBounded(base64urlDecode(list.lst), { maxOutput: MAX_STATUS_LIST_BYTES });
  } catch (error) {
    throw fail('status_list.lst is not a zlib-compressed list within the size budget', error);
  }
  let status: number;
  try {
    const { StatusList } = await statusListLibrary();
    status = StatusList.decompressStatusList(list.lst, list.bits as StatusListBits).getStatus(entry.idx);
  } catch (error) {
    throw fail(`index ${entry.idx} is not in the status list`, error);
  }
  if (typeof status !== 'number') throw fail(`index ${entry.idx} is not in the status list`);
  return status;
}
