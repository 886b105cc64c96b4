import { TrustStore, trustStoreOf, type TrustedKey, type TrustOption, isJsonObject } from '@divoc/keys';
import { checkIssuerUrl } from '../jws/sign.js';
import { isShcError, ShcDirectoryInvalidError } from '../lib/errors.js';
import { LIMITS } from '../lib/limits.js';

/**
 * An issuer directory with keys, the shape `loadIssuerDirectory` reads:
 *
 * ```json
 * { "issuers": [ { "iss": "https://issuer.example", "name": "Example Health", "jwks": { "keys": [ ... ] } } ] }
 * ```
 *
 * `iss` is the card's `iss` (https, no trailing slash), `jwks` the issuer's `/.well-known/jwks.json` as fetched by
 * whoever built the directory, `name` a display name. The VCI directory (`{ "participating_issuers": [{ iss, name,
 * ... }] }`) lists no keys; load it with its key sets passed as `options.jwks` (by `iss`).
 */
export interface IssuerDirectory {
  issuers: IssuerDirectoryEntry[];
}

/** One issuer of a directory: its `iss` URL, name, and key set. */
export interface IssuerDirectoryEntry {
  iss: string;
  name?: string;
  jwks: unknown;
}

/** Options of `loadIssuerDirectory`. */
export interface LoadIssuerDirectoryOptions {
  /** Add to this store (or to the verifier's `Trust`, through its `store`) instead of a new one. */
  trust?: TrustOption<TrustStore>;
  /** @deprecated use `trust` */
  trustStore?: TrustStore;
  /** Key sets by `iss`, for directories that carry none (the VCI format). */
  jwks?: Readonly<Record<string, unknown>>;
}

/** One issuer `loadIssuerDirectory` loaded, and how many of its keys are now trusted. */
export interface LoadedIssuer {
  iss: string;
  name?: string;
  /** Signing keys trusted for this issuer (0 when the directory named it but no key set was given). */
  keys: number;
}

/** What `loadIssuerDirectory` loaded: the store the keys went into, and the issuers. */
export interface LoadedIssuerDirectory {
  trustStore: TrustStore;
  issuers: LoadedIssuer[];
}

function fail(message: string, cause?: unknown): never {
  throw new ShcDirectoryInvalidError(message, cause === undefined ? undefined : { cause });
}

/**
 * Loads an issuer directory into a TrustStore: each issuer's keys answer to their `kid` and to `iss#kid`, with
 * `iss` as controller, so `verifyShc` accepts them only for cards of that issuer. Validates everything before adding
 * anything: a bad entry rejects the whole directory with `ShcDirectoryInvalidError`.
 */
export function loadIssuerDirectory(json: unknown, options: LoadIssuerDirectoryOptions = {}): LoadedIssuerDirectory {
  if (!isJsonObject(json)) fail('issuer directory must be a JSON object');
  const vci = json.issuers === undefined && json.participating_issuers !== undefined;
  const list = vci ? json.participating_issuers : json.issuers;
  if (!Array.isArray(list)) fail(`issuer directory must have an "${vci ? 'participating_issuers' : 'issuers'}" array`);
  if (list.length > LIMITS.maxDirectoryIssuers)
    fail(`issuer directory has more than ${LIMITS.maxDirectoryIssuers} issuers`);
  const extra = options.jwks ?? {};
  if (!isJsonObject(extra)) fail('options.jwks must be an object keyed by iss');

  const scratch = new TrustStore();
  const staged: { iss: string; name?: string; jwks: unknown; keys: TrustedKey[] }[] = [];
  const seen = new Set<string>();
  list.forEach((entry: unknown, i: number) => {
    const where = `${vci ? 'participating_issuers' : 'issuers'}[${i}]`;
    if (!isJsonObject(entry)) fail(`${where} must be an object`);
    let iss: string;
    try {
      iss = checkIssuerUrl(entry.iss, `${where}.iss`);
    } catch (err) {
      fail(isShcError(err) ? err.message : `${where}.iss is invalid`, err);
    }
    if (seen.has(iss)) fail(`${where}.iss ${iss} is listed twice`);
    seen.add(iss);
    if (entry.name !== undefined && (typeof entry.name !== 'string' || entry.name.length > 512))
      fail(`${where}.name must be a string`);
    const jwks = Object.hasOwn(extra, iss) ? extra[iss] : entry.jwks;
    if (jwks === undefined && !vci) fail(`${where}.jwks is missing`);
    let keys: TrustedKey[] = [];
    if (jwks !== undefined) {
      try {
        keys = scratch.addJwks(jwks, { issuer: iss }).filter((k) => k.type === 'P-256');
      } catch (err) {
        fail(`${where}.jwks: ${err instanceof Error ? err.message : 'invalid'}`, err);
      }
    }
    staged.push({ iss, ...(typeof entry.name === 'string' ? { name: entry.name } : {}), jwks, keys });
  });

  const trustStore = trustStoreOf(options) ?? new TrustStore();
  const issuers = staged.map(({ iss, name, jwks, keys }) => {
    if (jwks !== undefined) trustStore.addJwks(jwks, { issuer: iss });
    return { iss, ...(name !== undefined ? { name } : {}), keys: keys.length };
  });
  return { trustStore, issuers };
}
