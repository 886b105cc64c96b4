import { isJsonObject, TrustStore, type TrustedKey } from '@divoc/keys';
import { defaultRegistry, type DocumentLoader } from '@divoc/schemas';
import type { KeyResolver } from '@divoc/vc';
import type { ParsedStatusListCredential } from './credential.js';

/*
 * Checked status lists, so a verifier that passes the same list credential objects with every credential (the
 * service does, for seconds at a time) reads, inflates and verifies each list once instead of once per credential.
 *
 * Correct first. An entry is found by the list credential OBJECT (a WeakMap: it lives as long as the caller keeps
 * the object) but used only while the object still serialises to the very text it was read from: a list updated in
 * place must never answer with its old bits. Everything derived (id, parsed list, verification) is a function of
 * that text, exactly as `readJson` would read the object now. Text and byte inputs are not cached: every caller in
 * this repository passes objects, text can be parsed once by its holder, and a text-keyed cache would need a byte
 * budget (each inflated bitstring may be 16 MiB) to stay bounded.
 *
 * A verification is reused only when it succeeded and nothing it depended on can have changed:
 * - the same trust store (identity), a `TrustStore` whose `revision` is unchanged (keys are only ever added, and an
 *   added key can change which key a verification method resolves to) and whose `resolve` is the class's own;
 *   any other key resolver may answer differently at any time, so nothing is cached for it;
 * - the same document loader (identity; none given is its own key);
 * - the same number of registered credential types in the default registry (registering one can add a schema the
 *   list credential is then checked against; types are never removed);
 * - a `now` at which every time-dependent check of `verifyCredential` still holds. Those are the credential's
 *   window (issuanceDate/validFrom <= now <= expirationDate/validUntil) and the signing key's window (checked at
 *   the proof's `created`, else at now; requiring now inside it is stricter than needed when `created` is given,
 *   so such a list is re-verified after its key expires, never wrongly accepted). Each is an interval containing the
 *   `now` of the successful check, so any `now` inside all of them gives the same result.
 * Failures are never cached. The issuer binding (`acceptListSigner`) and the id check run on every call.
 */

/** A successful verification of one list credential text, and what it depended on. */
export interface VerifiedList {
  signer: TrustedKey;
  revision: number;
  registeredTypes: number;
  /** The list credential's own window, in ms since the epoch (inclusive). */
  notBefore: number;
  notAfter: number;
  /** The signing key's window when it verified (a key's Date objects could be changed in place since). */
  keyFrom: number | undefined;
  keyUntil: number | undefined;
}

/** One list credential object as last read: its text, and what was derived from exactly that text. */
export interface ListEntry {
  readonly text: string;
  /** The list's `id` read from `text` (null: unreadable); undefined until first asked. */
  id?: string | null;
  /** Parsed (inflated) list per `maxBitstringBytes` (undefined: the default). */
  readonly parsed: Map<number | undefined, ParsedStatusListCredential>;
  /** Verifications per trust store, then per document loader (`NO_LOADER` when none was given). */
  readonly verified: WeakMap<object, WeakMap<object, Promise<VerifiedList | undefined>>>;
}

const entries = new WeakMap<object, ListEntry>();
const NO_LOADER = {};

/**
 * The cache entry of a list credential given as an object, current with what the object holds now; undefined for
 * text, bytes or anything that does not serialise (read afresh, as before).
 */
export function listEntryOf(item: unknown): ListEntry | undefined {
  if (!isJsonObject(item) || item instanceof Uint8Array) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(item);
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  const cached = entries.get(item);
  if (cached && cached.text === text) return cached;
  const entry: ListEntry = { text, parsed: new Map(), verified: new WeakMap() };
  entries.set(item, entry);
  return entry;
}

/** Where verifications of one list are kept for these options; undefined when they may not be cached. */
export interface VerificationScope {
  store: TrustStore;
  loader: object;
}

/**
 * The cache scope for a call's trust store, document loader and clock; undefined (verify every time) for a key
 * resolver other than a plain `TrustStore`, an invalid clock or a loader that is not a function.
 */
export function verificationScope(
  store: KeyResolver | undefined,
  documentLoader: DocumentLoader | undefined,
  now: unknown,
): VerificationScope | undefined {
  if (!(store instanceof TrustStore) || store.resolve !== TrustStore.prototype.resolve) return undefined;
  if (now !== undefined && !(now instanceof Date && Number.isFinite(now.getTime()))) return undefined;
  if (documentLoader !== undefined && typeof documentLoader !== 'function') return undefined;
  return { store, loader: documentLoader ?? NO_LOADER };
}

/** Registered credential types: a count that only grows, so it tells whether the registry changed. */
export const registeredTypes = (): number => defaultRegistry.list().length;

/** Same parsing as `@divoc/vc` applies to validity dates (xsd:dateTime); undefined when it would refuse the value. */
function dateTimeMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The window of a list credential that verified, from the fields `verifyCredential` checks against now; undefined
 * (do not cache) if one of them is present but not a date it reads.
 */
function validityWindow(credential: Readonly<Record<string, unknown>>): [number, number] | undefined {
  let notBefore = -Infinity;
  let notAfter = Infinity;
  for (const field of ['issuanceDate', 'validFrom']) {
    if (credential[field] === undefined) continue;
    const ms = dateTimeMs(credential[field]);
    if (ms === undefined) return undefined;
    notBefore = Math.max(notBefore, ms);
  }
  for (const field of ['expirationDate', 'validUntil']) {
    if (credential[field] === undefined) continue;
    const ms = dateTimeMs(credential[field]);
    if (ms === undefined) return undefined;
    notAfter = Math.min(notAfter, ms);
  }
  return [notBefore, notAfter];
}

/** Whether a cached verification holds at `at` (ms) for the store as it is now. NaN never does. */
export function stillHolds(verified: VerifiedList, store: TrustStore, at: number): boolean {
  const { keyFrom, keyUntil } = verified;
  return (
    verified.revision === store.revision &&
    verified.registeredTypes === registeredTypes() &&
    at >= verified.notBefore &&
    at <= verified.notAfter &&
    verified.signer.validFrom?.getTime() === keyFrom &&
    verified.signer.validUntil?.getTime() === keyUntil &&
    (keyFrom === undefined || at >= keyFrom) &&
    (keyUntil === undefined || at <= keyUntil)
  );
}

/** What `stillHolds` needs to know of a successful verification. */
export function verifiedList(
  signer: TrustedKey,
  credential: Readonly<Record<string, unknown>>,
  revision: number,
  types: number,
): VerifiedList | undefined {
  const window = validityWindow(credential);
  if (!window) return undefined;
  return {
    signer,
    revision,
    registeredTypes: types,
    notBefore: window[0],
    notAfter: window[1],
    keyFrom: signer.validFrom?.getTime(),
    keyUntil: signer.validUntil?.getTime(),
  };
}

/** The verifications of `entry` kept for `scope` (created on first use). */
export function verificationsOf(
  entry: ListEntry,
  scope: VerificationScope,
): WeakMap<object, Promise<VerifiedList | undefined>> {
  let byLoader = entry.verified.get(scope.store);
  if (!byLoader) {
    byLoader = new WeakMap();
    entry.verified.set(scope.store, byLoader);
  }
  return byLoader;
}
