import type { TrustedKey } from '../types.js';
import { parseCertificate } from '../x509/certificate.js';
import { isAlpha3, toAlpha3 } from './countries.js';

/**
 * Who a trusted key may speak for, and whether a credential's claimed issuer is one of them.
 *
 * A verifier that trusts many issuers at once must never let one of them sign in another's name, so the issuer a
 * result names comes from the trust source (the identities below), never from the credential. A claim is compared
 * only with identities of its own kind: a country code with countries (alpha-2 and alpha-3 name the same country),
 * an http(s) URL with URLs, a DID with DIDs. A claim of a kind the key has no identity of cannot be checked, so it
 * does not conflict; the result then names the trust's identity and says the claim is not bound.
 */

export type IssuerKind = 'country' | 'url' | 'did' | 'other';

const DID = /^did:[a-z0-9]+(?::|$)/;
const HTTP_URL = /^https?:\/\/[^\s]+$/i;

/** Kind of an issuer string (a claim or an identity). */
export function issuerKind(value: string): IssuerKind {
  if (DID.test(value)) return 'did';
  if (HTTP_URL.test(value)) return 'url';
  const upper = value.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper) && toAlpha3(upper) !== undefined) return 'country';
  if (upper === 'D<<' || (/^[A-Z]{3}$/.test(upper) && isAlpha3(upper))) return 'country';
  return 'other';
}

/** The form two issuers of one kind are compared in. */
function comparable(value: string, kind: IssuerKind): string {
  if (kind === 'country') return toAlpha3(value.toUpperCase() === 'D<<' ? 'DEU' : value) ?? value.toUpperCase();
  if (kind === 'url') {
    try {
      const url = new URL(value);
      // Scheme and host are case-insensitive; a lone trailing slash is not a different issuer.
      const href = url.href;
      return url.pathname === '/' && !url.search && !url.hash ? href.replace(/\/$/, '') : href;
    } catch {
      return value;
    }
  }
  return value;
}

/** True when two issuer strings name the same issuer (same kind and same comparable form). */
export function sameIssuer(a: string, b: string): boolean {
  const kind = issuerKind(a);
  return kind === issuerKind(b) && comparable(a, kind) === comparable(b, kind);
}

const certificateCountries = new WeakMap<Uint8Array, string | null>();

function certificateCountry(der: Uint8Array): string | undefined {
  let country = certificateCountries.get(der);
  if (country === undefined) {
    try {
      const c = parseCertificate(der).subject.country;
      country = typeof c === 'string' && issuerKind(c) === 'country' ? c.toUpperCase() : null;
    } catch {
      country = null;
    }
    certificateCountries.set(der, country);
  }
  return country ?? undefined;
}

/** A key id without its fragment (`did:web:x#key-1` → `did:web:x`); the id itself when it has none. */
function withoutFragment(id: string): string {
  const hash = id.indexOf('#');
  return hash > 0 ? id.slice(0, hash) : id;
}

/**
 * The issuers a trusted key may sign for, most specific first: the identities its trust source stated (`issuers`),
 * its controller, the country (`C`) of its certificate; without any of those, its own controller as its id says
 * (the id without the fragment). A `did:key` always answers for itself.
 */
export function trustedKeyIssuers(key: TrustedKey): string[] {
  const out: string[] = [];
  const add = (value: string | undefined) => {
    if (typeof value === 'string' && value.length > 0 && !out.some((v) => v === value)) out.push(value);
  };
  for (const issuer of key.issuers ?? []) add(issuer);
  add(key.controller);
  if (key.certificate instanceof Uint8Array) add(certificateCountry(key.certificate));
  if (out.length === 0) add(withoutFragment(key.id));
  if (key.id.startsWith('did:key:')) add(withoutFragment(key.id));
  return out;
}

/** Outcome of comparing a credential's claimed issuer with the identities of the key that signed it. */
export interface IssuerBinding {
  /**
   * `bound`: the claim is one of the key's identities. `unbound`: the key has no identity of the claim's kind, so
   * the claim could not be checked (the result names the trust's identity). `mismatch`: the key has identities of
   * the claim's kind and the claim is none of them: the credential speaks for an issuer the key does not.
   * `unclaimed`: the credential names no issuer.
   */
  status: 'bound' | 'unbound' | 'mismatch' | 'unclaimed';
  /** The issuer a result may name: the claim when bound, else the key's first identity. */
  issuer: string;
  /** The key's identities. */
  identities: string[];
  claim?: string;
}

/** Compare a claimed issuer with identities (from `trustedKeyIssuers`, or several keys' identities together). */
export function bindIssuer(identities: readonly string[], claim: string | undefined): IssuerBinding {
  const ids = [...identities];
  const first = ids[0] ?? '';
  if (claim === undefined || claim.length === 0) return { status: 'unclaimed', issuer: first, identities: ids };
  if (ids.some((id) => sameIssuer(id, claim))) return { status: 'bound', issuer: claim, identities: ids, claim };
  const kind = issuerKind(claim);
  // Free text (a ministry's name as DCC `iss`) has no kind to compare by: it is never a conflict, only unbound.
  const status = kind !== 'other' && ids.some((id) => issuerKind(id) === kind) ? 'mismatch' : 'unbound';
  return { status, issuer: first, identities: ids, claim };
}

/**
 * Trusted keys of a JWS issuer (SMART Health Cards, SD-JWT VC) answering exactly to `iss#kid` or to `kid`: `keys` may
 * sign for `iss`; `foreign` are trusted for another issuer (the caller tries them too, so a result can say who really
 * signed, and trust then refuses it). Only a key whose id or alias is exactly that name counts (no looser DID-style
 * matching on strings the credential chose), and a `kid` outside `kidPattern` finds none, so a store that resolves
 * keys from their names never trusts a key the credential itself names.
 */
export function keysForJwsIssuer(
  store: { resolve(id: string): readonly TrustedKey[] | undefined },
  iss: string,
  kid: string,
  kidPattern: RegExp,
): { keys: TrustedKey[]; foreign: TrustedKey[] } {
  if (!kidPattern.test(kid)) return { keys: [], foreign: [] };
  const seen = new Set<TrustedKey>();
  const keys: TrustedKey[] = [];
  const foreign: TrustedKey[] = [];
  for (const name of [`${iss}#${kid}`, kid]) {
    let found: readonly TrustedKey[] = [];
    try {
      found = store.resolve(name) ?? [];
    } catch {
      found = [];
    }
    for (const key of found) {
      if (seen.has(key)) continue;
      seen.add(key);
      if (key.id !== name && !(key.aliases ?? []).includes(name)) continue;
      if (bindIssuer(trustedKeyIssuers(key), iss).status !== 'mismatch') keys.push(key);
      else foreign.push(key);
    }
  }
  return { keys, foreign };
}
