import { isJsonObject, trustStoreOf } from '@divoc/keys';
import type { Check, TrustedKey, TrustOption } from '@divoc/keys';
import { CONTEXT_URLS, type DocumentLoader } from '@divoc/schemas';
import {
  verifyCredential,
  type CredentialVerificationResult,
  type KeyResolver,
  type UnsignedCredential,
  type VerifyOptions,
} from '@divoc/vc';
import { StatusOptionsInvalidError } from '../lib/errors.js';
import { describe, failed, passed, readJson, type JsonRecord } from '../lib/json.js';
import { readStatus } from './codec.js';
import {
  listEntryOf,
  registeredTypes,
  stillHolds,
  verificationScope,
  verifiedList,
  verificationsOf,
  type ListEntry,
  type VerificationScope,
  type VerifiedList,
} from './cache.js';
import {
  parseStatusListCredential,
  MAX_STATUS_LIST_CREDENTIAL_CHARS,
  type ParsedStatusListCredential,
} from './credential.js';
import { bitsOf, isStatusList, type BitstringStatusListEntry, type StatusList } from './list.js';

/**
 * Adds `entry` (or entries) as `credentialStatus` to a copy of an unsigned credential; on a VC 1.1 credential it
 * also adds the Bitstring Status List context (VC 2.0's base context already defines the terms). Sign afterwards.
 */
export function addCredentialStatus<T extends UnsignedCredential>(
  credential: T,
  entry: BitstringStatusListEntry | readonly BitstringStatusListEntry[],
): T & { credentialStatus: BitstringStatusListEntry | BitstringStatusListEntry[] } {
  if (!isJsonObject(credential)) throw new StatusOptionsInvalidError('credential must be an object');
  if ('proof' in credential && credential.proof !== undefined) {
    throw new StatusOptionsInvalidError('credential is already signed: add credentialStatus before issuing');
  }
  const entries = (Array.isArray(entry) ? entry : [entry]) as BitstringStatusListEntry[];
  if (entries.length === 0 || !entries.every((e) => isJsonObject(e) && e.type === 'BitstringStatusListEntry')) {
    throw new StatusOptionsInvalidError(
      'entry must be a BitstringStatusListEntry (from allocateStatusEntry or statusEntryFor)',
    );
  }
  // Only the top level changes (credentialStatus and @context get new values): a shallow copy leaves the caller's
  // credential as it was, without the cost of a deep clone on every issuance.
  const copy = { ...credential } as T & { credentialStatus?: unknown };
  const existing =
    copy.credentialStatus === undefined
      ? []
      : Array.isArray(copy.credentialStatus)
        ? copy.credentialStatus
        : [copy.credentialStatus];
  const all = [...existing, ...entries.map((e) => structuredClone(e))];
  (copy as Record<string, unknown>).credentialStatus = all.length === 1 ? all[0] : all;
  const contexts = Array.isArray(copy['@context']) ? [...copy['@context']] : [copy['@context']];
  if (contexts.includes(CONTEXT_URLS.CREDENTIALS_V1) && !contexts.includes(CONTEXT_URLS.BITSTRING_STATUS_LIST_V1)) {
    contexts.push(CONTEXT_URLS.BITSTRING_STATUS_LIST_V1);
    (copy as Record<string, unknown>)['@context'] = contexts;
  }
  return copy as T & { credentialStatus: BitstringStatusListEntry | BitstringStatusListEntry[] };
}

/**
 * Where `checkStatus` finds status lists. Offline only: a list not given here is a failed check, never a fetch.
 * - an array of signed `BitstringStatusListCredential`s (objects or JSON text), found by their `id`;
 * - a Map from list URL to a signed credential, or to an in-memory `StatusList` (an issuer checking its own
 *   lists: trusted as is, no signature).
 */
export type StatusListSource = readonly unknown[] | ReadonlyMap<string, StatusList | unknown>;

/** Options of `checkStatus`: the status lists at hand and the keys that may sign them. */
export interface CheckStatusOptions {
  statusLists: StatusListSource;
  /** Required: keys that may sign status list credentials (the verifier's `Trust`, or a `TrustStore`). */
  trust?: TrustOption<KeyResolver>;
  /** @deprecated use `trust` */
  trustStore?: KeyResolver;
  /** Validation clock. Default now. */
  now?: Date;
  documentLoader?: DocumentLoader;
  /**
   * The status list credential must have the same issuer as the credential it speaks for. Default true: a key
   * trusted for one issuer must not be able to revoke another issuer's credentials.
   */
  requireSameIssuer?: boolean;
  /**
   * Whether the key that signed a status list may speak for the credential's issuer: returns why not, or undefined.
   * Issuer strings are the credential's own claims, so `requireSameIssuer` alone lets any trusted key publish a list
   * in another issuer's name; `@divoc/verifier` passes a check of the signing keys' trusted identities here.
   */
  acceptListSigner?: (listSigner: TrustedKey, list: { url: string; issuer?: string }) => string | undefined;
  /** Cap on an inflated bitstring, in bytes. Default 16 MiB. */
  maxBitstringBytes?: number;
}

const MAX_ENTRIES = 8;
/** Lists of an array `statusLists` that are looked at; the rest are ignored. */
const MAX_STATUS_LISTS = 10_000;
/** Lists sharing one id that are inflated before the check fails (two valid ones already make it fail). */
const MAX_LISTS_PER_ID = 4;

/**
 * The `id` of a list credential (text, bytes or object), read without inflating its bitstring; undefined if
 * unreadable.
 */
function listIdOf(item: unknown): string | undefined {
  try {
    const json = readJson(item, MAX_STATUS_LIST_CREDENTIAL_CHARS, (m) => new StatusOptionsInvalidError(m));
    return isJsonObject(json) && typeof json.id === 'string' && json.id.length > 0 && json.id.length <= 2048
      ? json.id
      : undefined;
  } catch {
    return undefined;
  }
}

interface ResolvedList {
  url: string;
  purposes: readonly string[];
  bits: Uint8Array;
  bitLength: number;
  /** Known for signed lists; undefined for in-memory lists. */
  issuer?: string;
  statusSize?: number;
}

type Lookup = (url: string) => Promise<ResolvedList | Check>;

function issuerOf(credential: JsonRecord): string | undefined {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  if (isJsonObject(issuer) && typeof issuer.id === 'string') return issuer.id;
  return undefined;
}

/** The outcome of verifying a list credential: the key that signed it, or why it does not verify. */
type Verification = { signer: TrustedKey | undefined } | Check;

/** `verifyCredential` on a parsed list credential: the signing key, or why the list does not verify. */
async function verifyListCredential(
  url: string,
  parsed: ParsedStatusListCredential,
  options: CheckStatusOptions,
  trustStore: KeyResolver | undefined,
): Promise<Verification> {
  const verifyOptions: VerifyOptions = { trust: trustStore };
  if (options.now) verifyOptions.now = options.now;
  if (options.documentLoader) verifyOptions.documentLoader = options.documentLoader;
  const result = await verifyCredential(parsed.credential, verifyOptions);
  const bad = result.checks.find((c) => !c.ok);
  if (!result.valid || bad) {
    return failed(
      'ERR_STATUS_LIST_INVALID',
      `status list ${url} does not verify: ` +
        `${bad ? `${bad.name} ${bad.code ?? ''} ${bad.message ?? ''}`.trim() : 'invalid'}`,
    );
  }
  return { signer: result.signer };
}

/**
 * `verifyListCredential`, answered from the cache (see cache.ts) when this list text verified before under the same
 * trust store revision, document loader and registry, and `now` lies inside every window that verification
 * depended on. Only successes are kept.
 */
async function verifyListCached(
  url: string,
  parsed: ParsedStatusListCredential,
  entry: ListEntry | undefined,
  scope: VerificationScope | undefined,
  options: CheckStatusOptions,
): Promise<Verification> {
  if (!entry || !scope) return verifyListCredential(url, parsed, options, scope?.store ?? trustStoreOf(options));
  const at = options.now ? options.now.getTime() : Date.now();
  const slot = verificationsOf(entry, scope);
  const previous = slot.get(scope.loader);
  if (previous) {
    // Also joins a verification still running for another call (many requests arrive with a fresh list at once).
    const verified = await previous;
    if (verified && stillHolds(verified, scope.store, at)) return { signer: verified.signer };
  }
  // Read before verifying: a key added while it runs leaves the result stale, never wrongly current.
  const revision = scope.store.revision;
  const types = registeredTypes();
  const fresh = verifyListCredential(url, parsed, options, scope.store);
  // Never rejects: a throw reaches this caller through `fresh`, and is not kept for the next one.
  const keep = fresh.then(
    (outcome): VerifiedList | undefined =>
      'ok' in outcome || !outcome.signer ? undefined : verifiedList(outcome.signer, parsed.credential, revision, types),
    () => undefined,
  );
  if (!previous) slot.set(scope.loader, keep);
  else
    // A success replaces an outdated entry; a failure leaves it (it is not reused while outdated anyway).
    void keep.then((verified) => {
      if (verified && slot.get(scope.loader) === previous) slot.set(scope.loader, keep);
    });
  return fresh;
}

function makeLookup(options: CheckStatusOptions): Lookup {
  const source = options.statusLists;
  const maxBytes = options.maxBitstringBytes;
  const parseOptions = maxBytes !== undefined ? { maxBytes } : {};
  const memo = new Map<string, Promise<ResolvedList | Check>>();
  let byId: Map<string, Array<{ item: unknown; entry: ListEntry | undefined }>> | undefined;
  let unreadable = 0;
  const scope = verificationScope(trustStoreOf(options), options.documentLoader, options.now);
  // Parsed lists are cached per cap on the inflated size; an odd cap is simply not cached.
  const parseCacheable = maxBytes === undefined || typeof maxBytes === 'number';

  /** The list read from `item`, or from the text its cache entry holds (the same read, done at most once). */
  const parse = (item: unknown, entry: ListEntry | undefined): ParsedStatusListCredential => {
    if (!entry || !parseCacheable) return parseStatusListCredential(entry ? entry.text : item, parseOptions);
    let parsed = entry.parsed.get(maxBytes);
    if (!parsed) {
      parsed = parseStatusListCredential(entry.text, parseOptions);
      entry.parsed.set(maxBytes, parsed);
    }
    return parsed;
  };

  const verifyParsed = async (
    url: string,
    parsed: ParsedStatusListCredential,
    entry: ListEntry | undefined,
  ): Promise<ResolvedList | Check> => {
    if (parsed.id !== url)
      return failed(
        'ERR_STATUS_LIST_INVALID',
        `status list credential id ${describe(parsed.id)} is not ${describe(url)}`,
      );
    const verification = await verifyListCached(url, parsed, entry, scope, options);
    if ('ok' in verification) return verification;
    // The issuer binding depends on the credential being checked: applied on every call, never cached.
    if (options.acceptListSigner) {
      const why = verification.signer
        ? options.acceptListSigner(verification.signer, {
            url,
            ...(parsed.issuer !== undefined ? { issuer: parsed.issuer } : {}),
          })
        : 'no signing key';
      if (why !== undefined)
        return failed('ERR_STATUS_LIST_INVALID', `status list ${url} may not speak for this credential: ${why}`);
    }
    return {
      url,
      purposes: parsed.statusPurposes,
      bits: parsed.bits,
      bitLength: parsed.bitLength,
      issuer: parsed.issuer,
    };
  };

  const resolve = async (url: string): Promise<ResolvedList | Check> => {
    if (source instanceof Map) {
      if (!source.has(url))
        return failed('ERR_STATUS_LIST_MISSING', `no status list ${url} was given (lists are never fetched)`);
      const value: unknown = source.get(url);
      if (isStatusList(value)) {
        if (value.id !== url)
          return failed('ERR_STATUS_LIST_INVALID', `in-memory list ${value.id} is filed under ${url}`);
        const bits = bitsOf(value);
        return {
          url,
          purposes: [value.statusPurpose],
          bits,
          bitLength: value.length * value.statusSize,
          statusSize: value.statusSize,
        };
      }
      const entry = listEntryOf(value);
      let parsed: ParsedStatusListCredential;
      try {
        parsed = parse(value, entry);
      } catch (error) {
        return failed('ERR_STATUS_LIST_INVALID', (error as Error).message);
      }
      return verifyParsed(url, parsed, entry);
    }
    if (!Array.isArray(source)) return failed('ERR_STATUS_LIST_MISSING', 'statusLists must be an array or a Map');
    if (!byId) {
      // Only each list's `id` is read here; a bitstring is inflated when an entry names its list, so lists no entry
      // points at (or a cache full of decompression bombs) cost a JSON read each, never an inflate. A list object
      // read before (and unchanged) costs one serialisation.
      byId = new Map();
      for (const item of source.slice(0, MAX_STATUS_LISTS)) {
        const entry = listEntryOf(item);
        let id: string | undefined;
        if (entry) {
          if (entry.id === undefined) entry.id = listIdOf(entry.text) ?? null;
          id = entry.id ?? undefined;
        } else id = listIdOf(item);
        if (id === undefined) {
          unreadable++;
          continue;
        }
        const same = byId.get(id);
        if (same) same.push({ item, entry });
        else byId.set(id, [{ item, entry }]);
      }
    }
    const candidates = byId.get(url) ?? [];
    if (candidates.length > MAX_LISTS_PER_ID)
      return failed('ERR_STATUS_LIST_INVALID', `more than ${MAX_LISTS_PER_ID} status list credentials have id ${url}`);
    let found: { parsed: ParsedStatusListCredential; entry: ListEntry | undefined } | undefined;
    let broken = 0;
    for (const { item, entry } of candidates) {
      let parsed: ParsedStatusListCredential;
      try {
        parsed = parse(item, entry);
      } catch {
        broken++;
        continue;
      }
      // Two different lists under one id: keep neither, the check fails as invalid.
      if (found) return failed('ERR_STATUS_LIST_INVALID', `more than one status list credential has id ${url}`);
      found = { parsed, entry };
    }
    if (!found) {
      const ignored = unreadable + broken;
      return failed(
        'ERR_STATUS_LIST_MISSING',
        `no status list ${url} was given (lists are never fetched)` +
          `${ignored ? `; ${ignored} unreadable list(s) ignored` : ''}`,
      );
    }
    return verifyParsed(url, found.parsed, found.entry);
  };

  return (url) => {
    let pending = memo.get(url);
    if (!pending) {
      pending = resolve(url);
      memo.set(url, pending);
    }
    return pending;
  };
}

interface ParsedEntry {
  statusPurpose: string;
  index: number;
  url: string;
  statusSize: number;
  messages?: Array<{ status: string; message: string }>;
}

/** An absolute URL (a scheme, then no whitespace), at most 2048 characters: list ids are matched as such. */
const isAbsoluteUrl = (v: unknown): v is string =>
  typeof v === 'string' && v.length <= 2048 && /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(v);

function parseEntry(entry: unknown, at: string): ParsedEntry | Check {
  const bad = (m: string): Check => failed('ERR_STATUS_ENTRY_INVALID', `${at}: ${m}`);
  if (!isJsonObject(entry)) return bad('must be an object');
  const types = typeof entry.type === 'string' ? [entry.type] : entry.type;
  if (!Array.isArray(types) || !types.includes('BitstringStatusListEntry')) {
    return bad(`unsupported type ${describe(entry.type)} (only BitstringStatusListEntry is checked)`);
  }
  if (typeof entry.statusPurpose !== 'string' || entry.statusPurpose.length === 0)
    return bad('statusPurpose must be a string');
  const rawIndex = entry.statusListIndex;
  let index: number;
  if (typeof rawIndex === 'string' && /^(0|[1-9]\d{0,14})$/.test(rawIndex)) index = Number(rawIndex);
  else if (typeof rawIndex === 'number' && Number.isSafeInteger(rawIndex) && rawIndex >= 0) index = rawIndex;
  else return bad(`statusListIndex must be a non-negative integer string (got ${describe(rawIndex)})`);
  if (!isAbsoluteUrl(entry.statusListCredential)) return bad('statusListCredential must be a URL');
  if (entry.id !== undefined && !isAbsoluteUrl(entry.id)) return bad('id must be a URL');
  const statusSize = entry.statusSize ?? 1;
  if (typeof statusSize !== 'number' || !Number.isInteger(statusSize) || statusSize < 1 || statusSize > 8)
    return bad('statusSize must be an integer from 1 to 8');
  const parsed: ParsedEntry = {
    statusPurpose: entry.statusPurpose,
    index,
    url: entry.statusListCredential,
    statusSize,
  };
  if (entry.statusMessage !== undefined) {
    if (
      !Array.isArray(entry.statusMessage) ||
      entry.statusMessage.length > 256 ||
      !entry.statusMessage.every(
        (m) => isJsonObject(m) && typeof m.status === 'string' && typeof m.message === 'string',
      )
    ) {
      return bad('statusMessage must be an array of { status, message }');
    }
    parsed.messages = entry.statusMessage as Array<{ status: string; message: string }>;
  }
  if (statusSize > 1 && !parsed.messages) return bad('statusSize above 1 needs statusMessage');
  return parsed;
}

/**
 * Why a status entry could not be checked the way `checkStatus` reads it (a message starting with `at`), or
 * undefined when it can: an issuer signs only over entries whose status can be checked.
 */
export function statusEntryProblem(entry: unknown, at = 'credentialStatus'): string | undefined {
  const parsed = parseEntry(entry, at);
  return 'ok' in parsed ? parsed.message : undefined;
}

async function checkEntry(
  entry: ParsedEntry,
  credentialIssuer: string | undefined,
  lookup: Lookup,
  requireSameIssuer: boolean,
): Promise<Check> {
  const list = await lookup(entry.url);
  if ('name' in list) return list;
  if (requireSameIssuer && list.issuer !== undefined && list.issuer !== credentialIssuer) {
    return failed(
      'ERR_STATUS_LIST_INVALID',
      `status list ${list.url} is issued by ${describe(list.issuer)}, ` +
        `not by the credential's issuer ${describe(credentialIssuer ?? '')}`,
    );
  }
  if (!list.purposes.includes(entry.statusPurpose)) {
    return failed(
      'ERR_STATUS_PURPOSE_MISMATCH',
      `entry purpose ${describe(entry.statusPurpose)} is not the list's (${list.purposes.join(', ')})`,
    );
  }
  if (list.statusSize !== undefined && list.statusSize !== entry.statusSize) {
    return failed(
      'ERR_STATUS_ENTRY_INVALID',
      `entry statusSize ${entry.statusSize} is not the list's (${list.statusSize})`,
    );
  }
  if ((entry.index + 1) * entry.statusSize > list.bitLength) {
    return failed(
      'ERR_STATUS_INDEX_OUT_OF_RANGE',
      `index ${entry.index} is outside ${list.url} (${Math.floor(list.bitLength / entry.statusSize)} entries)`,
    );
  }
  const value = readStatus(list.bits, entry.index, entry.statusSize);
  const where = `${list.url}#${entry.index}`;
  if (entry.statusPurpose === 'revocation') {
    return value === 0
      ? passed(`not revoked (${where})`)
      : failed('ERR_STATUS_REVOKED', `credential is revoked (${where})`);
  }
  if (entry.statusPurpose === 'suspension') {
    return value === 0
      ? passed(`not suspended (${where})`)
      : failed('ERR_STATUS_SUSPENDED', `credential is suspended (${where})`);
  }
  const message = entry.messages?.find(
    (m) => /^0x[0-9a-f]+$/i.test(m.status) && Number.parseInt(m.status.slice(2), 16) === value,
  )?.message;
  return passed(
    `${entry.statusPurpose} status 0x${value.toString(16)}` +
      `${message !== undefined ? ` (${message.slice(0, 200)})` : ''} (${where})`,
  );
}

/**
 * The `revocation` check of a credential against Bitstring Status Lists, offline: each `credentialStatus` entry's
 * list must be in `statusLists`, and a signed list must verify (signature, trust, validity window at `now`).
 * Never throws; a credential without `credentialStatus` passes (with a note).
 */
export async function checkStatus(credential: unknown, options: CheckStatusOptions): Promise<Check> {
  try {
    if (!isJsonObject(options) || !trustStoreOf(options) || !options.statusLists) {
      return failed('ERR_STATUS_LIST_MISSING', 'checkStatus needs { statusLists, trust }');
    }
    let data: unknown;
    try {
      data = readJson(credential, MAX_STATUS_LIST_CREDENTIAL_CHARS, (m) => new StatusOptionsInvalidError(m));
    } catch (error) {
      return failed('ERR_STATUS_ENTRY_INVALID', `credential: ${(error as Error).message}`);
    }
    if (!isJsonObject(data)) return failed('ERR_STATUS_ENTRY_INVALID', 'credential must be a JSON object');
    const status = data.credentialStatus;
    if (status === undefined) return passed('no credentialStatus: nothing to check');
    const entries = Array.isArray(status) ? status : [status];
    if (entries.length === 0) return failed('ERR_STATUS_ENTRY_INVALID', 'credentialStatus is an empty array');
    if (entries.length > MAX_ENTRIES)
      return failed(
        'ERR_STATUS_ENTRY_INVALID',
        `credentialStatus has ${entries.length} entries, over the ${MAX_ENTRIES} limit`,
      );
    const lookup = makeLookup(options);
    const issuer = issuerOf(data);
    const notes: string[] = [];
    for (const [i, raw] of entries.entries()) {
      const entry = parseEntry(raw, Array.isArray(status) ? `credentialStatus[${i}]` : 'credentialStatus');
      if ('name' in entry) return entry;
      const check = await checkEntry(entry, issuer, lookup, options.requireSameIssuer ?? true);
      if (!check.ok) return check;
      if (check.message) notes.push(check.message);
    }
    return passed(notes.join('; '));
  } catch (error) {
    // Defensive: a verifier must answer with a check, never an exception.
    return failed('ERR_STATUS_LIST_INVALID', `status check failed: ${(error as Error)?.message ?? String(error)}`);
  }
}

/** Options of `verifyWithStatus`: those of `verifyCredential`, and the status lists. */
export type VerifyWithStatusOptions = VerifyOptions &
  Omit<CheckStatusOptions, 'trust' | 'trustStore' | 'now' | 'documentLoader'>;

/**
 * `verifyCredential` from `@divoc/vc`, then the `revocation` check appended; `valid` is false when the credential
 * is revoked or suspended, or its status cannot be established offline. Never throws for bad input.
 */
export async function verifyCredentialWithStatus(
  credential: unknown,
  options: VerifyWithStatusOptions,
): Promise<CredentialVerificationResult> {
  const result = await verifyCredential(credential, options);
  const check = await checkStatus(result.credential ?? credential, options);
  return { ...result, checks: [...result.checks, check], valid: result.valid && check.ok };
}
