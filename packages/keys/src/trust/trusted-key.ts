import { base58btcEncode } from '../codec/base58.js';
import { multibaseEncode } from '../codec/multibase.js';
import { MULTICODEC, concatBytes } from '../codec/multicodec.js';
import { exportPublicJwk } from '../key/export.js';
import type { KeyPair } from '../key/key-pair.js';
import { publicKeyInfoFromJwk, rawPublicKeyOfJwk, type PublicKeyInfo } from '../key/public-jwk.js';
import { KeyInvalidError } from '../lib/errors.js';
import { rememberPublicKeyObject } from '../lib/key-object-cache.js';
import type { KeyPurpose, KeyType, TrustedKey } from '../types.js';

/**
 * Options of `trustedKeyFromKeyPair` and the other `TrustedKey` constructors: the ids, controller, issuers, window
 * and purposes.
 */
export interface TrustedKeyOptions {
  id: string;
  aliases?: readonly string[];
  controller?: string;
  /** Issuers the key signs for (see `TrustedKey.issuers`). */
  issuers?: readonly string[];
  validFrom?: Date;
  validUntil?: Date;
  purposes?: readonly KeyPurpose[];
}

/** One issuer entry of a trust list file, as the CLI prints it and `TrustStore.addTrustList` reads it. */
export interface TrustListEntry {
  id: string;
  type: KeyType;
  controller?: string;
  /** Issuers the key signs for: one, or several (a DID, an https URL, a country code). */
  issuer?: string | string[];
  publicKeyJwk: JsonWebKey;
  /** Ed25519 and P-256 only. */
  publicKeyMultibase?: string;
  /** Ed25519 only. */
  publicKeyBase58?: string;
  /** ISO 8601. */
  validFrom?: string;
  validUntil?: string;
  purposes?: KeyPurpose[];
  /** Other ids the key answers to. */
  aliases?: string[];
  /** The X.509 certificate the key came from: PEM or base64 DER. */
  certificate?: string;
}

/** A trust list file: `{ "issuers": [ … ] }`. */
export interface TrustList {
  issuers: TrustListEntry[];
}

function checkWindow(validFrom: Date | undefined, validUntil: Date | undefined): void {
  for (const d of [validFrom, validUntil]) {
    if (d !== undefined && (!(d instanceof Date) || Number.isNaN(d.getTime())))
      throw new KeyInvalidError('validFrom/validUntil must be valid Dates');
  }
  if (validFrom && validUntil && validFrom.getTime() > validUntil.getTime())
    throw new KeyInvalidError('validFrom is after validUntil');
}

/** The public half of a key pair as a TrustedKey (private material is never copied). */
export function trustedKeyFromKeyPair(kp: KeyPair, options: TrustedKeyOptions): TrustedKey {
  if (typeof options?.id !== 'string' || options.id.length === 0)
    throw new KeyInvalidError('trusted key id must be a non-empty string');
  checkWindow(options.validFrom, options.validUntil);
  const key: TrustedKey = Object.freeze({
    id: options.id,
    type: kp.type,
    publicKeyJwk: Object.freeze(exportPublicJwk(kp)),
    ...(options.aliases?.length ? { aliases: Object.freeze([...options.aliases]) } : {}),
    ...(options.controller !== undefined ? { controller: options.controller } : {}),
    ...(options.issuers?.length ? { issuers: Object.freeze([...new Set(options.issuers)]) } : {}),
    ...(options.validFrom !== undefined ? { validFrom: new Date(options.validFrom) } : {}),
    ...(options.validUntil !== undefined ? { validUntil: new Date(options.validUntil) } : {}),
    ...(options.purposes !== undefined ? { purposes: Object.freeze([...options.purposes]) } : {}),
  });
  rememberPublicKeyObject(key, kp.publicKey);
  return key;
}

interface TrustListEntryOptions {
  id: string;
  controller?: string;
  issuers?: readonly string[];
  validFrom?: Date;
  validUntil?: Date;
  purposes?: readonly KeyPurpose[];
}

/** The JSON trust-list entry for a key pair's public key (what `divoc keys export --trust-list` prints). */
export function toTrustListEntry(kp: KeyPair, options: TrustListEntryOptions): TrustListEntry {
  return trustListEntryOf(publicKeyInfoFromJwk(exportPublicJwk(kp)), options);
}

/** The trust-list entry for a validated public key (runtime-neutral). */
export function trustListEntryOf(key: PublicKeyInfo, options: TrustListEntryOptions): TrustListEntry {
  if (typeof options?.id !== 'string' || options.id.length === 0)
    throw new KeyInvalidError('trust list entry id must be a non-empty string');
  checkWindow(options.validFrom, options.validUntil);
  const entry: TrustListEntry = {
    id: options.id,
    type: key.type,
    ...(options.controller !== undefined ? { controller: options.controller } : {}),
    ...(options.issuers?.length
      ? { issuer: options.issuers.length === 1 ? options.issuers[0]! : [...options.issuers] }
      : {}),
    publicKeyJwk: { ...key.jwk },
  };
  if (key.type !== 'RSA') {
    const header = key.type === 'Ed25519' ? MULTICODEC.ed25519Public : MULTICODEC.p256Public;
    entry.publicKeyMultibase = multibaseEncode(concatBytes(header, rawPublicKeyOfJwk(key)));
  }
  if (key.type === 'Ed25519') entry.publicKeyBase58 = base58btcEncode(rawPublicKeyOfJwk(key));
  if (options.validFrom) entry.validFrom = options.validFrom.toISOString();
  if (options.validUntil) entry.validUntil = options.validUntil.toISOString();
  if (options.purposes) entry.purposes = [...options.purposes];
  return entry;
}

/** True when `at` (default now) lies inside the key's validity window (bounds inclusive). */
export function isTrustedKeyValidAt(key: TrustedKey, at: Date = new Date()): boolean {
  const t = at.getTime();
  if (Number.isNaN(t)) return false;
  if (key.validFrom && t < key.validFrom.getTime()) return false;
  if (key.validUntil && t > key.validUntil.getTime()) return false;
  return true;
}

/** True when the key may be used for `purpose` (no purposes listed means any). */
export function trustedKeyAllowsPurpose(key: TrustedKey, purpose: KeyPurpose): boolean {
  return key.purposes === undefined || key.purposes.includes(purpose);
}
