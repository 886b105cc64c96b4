import { isJsonObject } from '../codec/json.js';
import { base64Encode } from '../codec/base64url.js';
import { parseDidKey, resolveDidKey } from '../did/did-key.js';
import { importPublicKeyInfo, type PublicKeyInput } from '../key/public-import.js';
import {
  decodeMultikeyPublic,
  publicKeyInfoFromJwk,
  publicKeyInfoFromRaw,
  samePublicKey,
  type PublicKeyInfo,
} from '../key/public-jwk.js';
import { KeyError, KeyUnsupportedError, TrustListError } from '../lib/errors.js';
import type { KeyPurpose, KeyType, TrustedKey } from '../types.js';
import { readTrustedCertificate, type TrustedCertificate } from './certificate.js';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { isTrustedKeyValidAt, trustListEntryOf, trustedKeyAllowsPurpose, type TrustList } from './trusted-key.js';

/** Options of `new TrustStore()`. */
export interface TrustStoreOptions {
  /**
   * Answer `resolve('did:key:…')` from the DID itself even when the key was never added. Off by default: a did:key
   * names any key at all, so resolving it locally trusts whoever made the credential. Turn on only where the
   * issuer's identity is checked elsewhere (e.g. holder proofs, tests).
   */
  resolveDidKey?: boolean;
}

/** Optional narrowing of `TrustStore.resolve` results. */
export interface ResolveFilter {
  /** Keep only keys valid at this instant (see `isTrustedKeyValidAt`): the validation clock, named as everywhere. */
  now?: Date;
  /** @deprecated use `now` */
  at?: Date;
  /** Keep only keys allowed for this purpose (keys without purposes allow any). */
  purpose?: KeyPurpose;
}

/** Options of `TrustStore.addCertificate`: the ids the certificate's key answers to, its controller and issuers. */
export interface AddCertificateOptions {
  /** Default: the EU DCC kid (base64 of the first 8 bytes of SHA-256 of the DER). */
  id?: string;
  aliases?: readonly string[];
  controller?: string;
  /** Issuers the certificate's key signs for, besides its subject country (see `TrustedKey.issuers`). */
  issuers?: readonly string[];
  /** Default: DCC purposes from the certificate's extended key usage, or any. */
  purposes?: readonly KeyPurpose[];
}

const KEY_TYPES: readonly unknown[] = ['Ed25519', 'P-256', 'RSA'];
const MAX_ENTRIES = 100_000;
const MAX_ID_LENGTH = 2048;
const MAX_DID_KEY_CACHE = 1024;
const DID_RELATIONSHIPS = [
  'assertionMethod',
  'authentication',
  'capabilityInvocation',
  'capabilityDelegation',
] as const;

type Json = Record<string, unknown>;

function fail(where: string, message: string, cause?: unknown): never {
  throw new TrustListError(`${where}: ${message}`, cause === undefined ? undefined : { cause });
}

function idString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(where, 'must be a non-empty string');
  if (value.length > MAX_ID_LENGTH) fail(where, `longer than ${MAX_ID_LENGTH} characters`);
  return value;
}

function optionalString(value: unknown, where: string): string | undefined {
  return value === undefined ? undefined : idString(value, where);
}

function stringArray(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > 64) fail(where, 'must be an array of at most 64 strings');
  return value.map((v, i) => idString(v, `${where}[${i}]`));
}

function optionalDate(value: unknown, where: string): Date | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return new Date(value);
  if (typeof value !== 'string' || value.length > 64 || !/^\d{4}-\d{2}-\d{2}/.test(value))
    fail(where, 'must be an ISO 8601 date-time string');
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) fail(where, 'is not a valid date');
  return date;
}

/** Import public key material, turning any error into a TrustListError that names where it came from. */
function importPublic(input: PublicKeyInput, where: string): PublicKeyInfo {
  try {
    return importPublicKeyInfo(input);
  } catch (err) {
    fail(where, err instanceof Error ? err.message : 'invalid key', err);
  }
}

function certificateOf(value: string | Uint8Array, where: string): TrustedCertificate {
  try {
    return readTrustedCertificate(value);
  } catch (err) {
    fail(where, err instanceof Error ? err.message : 'invalid certificate', err);
  }
}

function latest(a?: Date, b?: Date): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}
function earliest(a?: Date, b?: Date): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() <= b.getTime() ? a : b;
}

interface KeyFields {
  id: string;
  type: KeyType;
  publicKey: PublicKeyInfo;
  aliases?: readonly string[] | undefined;
  controller?: string | undefined;
  issuers?: readonly string[] | undefined;
  validFrom?: Date | undefined;
  validUntil?: Date | undefined;
  purposes?: readonly KeyPurpose[] | undefined;
  certificate?: Uint8Array | undefined;
}

/** Build a frozen TrustedKey. */
function buildTrustedKey(fields: KeyFields, where: string): TrustedKey {
  if (fields.validFrom && fields.validUntil && fields.validFrom.getTime() > fields.validUntil.getTime()) {
    fail(where, 'validFrom is after validUntil');
  }
  const aliases = fields.aliases?.filter((a) => a !== fields.id);
  const key: TrustedKey = Object.freeze({
    id: fields.id,
    type: fields.type,
    publicKeyJwk: Object.freeze({ ...fields.publicKey.jwk }),
    ...(aliases?.length ? { aliases: Object.freeze([...new Set(aliases)]) } : {}),
    ...(fields.controller !== undefined ? { controller: fields.controller } : {}),
    ...(fields.issuers?.length ? { issuers: Object.freeze([...new Set(fields.issuers)]) } : {}),
    ...(fields.validFrom ? { validFrom: fields.validFrom } : {}),
    ...(fields.validUntil ? { validUntil: fields.validUntil } : {}),
    ...(fields.purposes ? { purposes: Object.freeze([...fields.purposes]) } : {}),
    ...(fields.certificate ? { certificate: fields.certificate } : {}),
  });
  return key;
}

function didPart(id: string): string | undefined {
  const hash = id.indexOf('#');
  return hash > 0 ? id.slice(0, hash) : undefined;
}

/**
 * The keys a verifier trusts, looked up by verification method id, alias or DID. The low-level store: users build
 * the verifier's `Trust`, which keeps its keys in one of these; every verify function's `trust` option takes either.
 * Loaders validate everything before adding anything: a bad entry rejects the whole input with `TrustListError`.
 */
export class TrustStore {
  readonly #keys: TrustedKey[] = [];
  /** id and aliases → keys. */
  readonly #byId = new Map<string, TrustedKey[]>();
  /** DID part (before '#') of ids and aliases → keys. */
  readonly #byDid = new Map<string, TrustedKey[]>();
  readonly #resolveDidKey: boolean;
  readonly #didKeyCache = new Map<string, TrustedKey>();
  #revision = 0;

  constructor(options: TrustStoreOptions = {}) {
    this.#resolveDidKey = options.resolveDidKey === true;
  }

  /** A store holding the keys of a `{ "issuers": [...] }` trust list. */
  static fromTrustList(json: unknown, options?: TrustStoreOptions): TrustStore {
    const store = new TrustStore(options);
    store.addTrustList(json);
    return store;
  }

  get size(): number {
    return this.#keys.length;
  }

  /**
   * Goes up whenever a key is added (keys are never removed): what `resolve` answers can only have changed when it
   * did, so a cache of results that depend on this store (e.g. verified status lists) keys on it.
   */
  get revision(): number {
    return this.#revision;
  }

  /** Every key in the store (a copy of the list). */
  keys(): TrustedKey[] {
    return [...this.#keys];
  }

  /** Add one key (validated and copied; the stored copy is returned). Adding the same id and key twice is a no-op. */
  add(key: TrustedKey): TrustedKey {
    return this.#commit([this.#normalize(key, 'trusted key')])[0]!;
  }

  /**
   * Keys answering to `id`: exact id or alias first; else, for a DID URL, keys registered under its DID; for a bare
   * DID, keys whose id lies under it; else (only with `{ resolveDidKey: true }`) the key a did:key names. Never throws.
   */
  resolve(id: string, filter: ResolveFilter = {}): TrustedKey[] {
    const found = this.#lookup(id);
    const now = filter.now ?? filter.at;
    if (now === undefined && filter.purpose === undefined) return found;
    return found.filter(
      (key) =>
        (now === undefined || isTrustedKeyValidAt(key, now)) &&
        (filter.purpose === undefined || trustedKeyAllowsPurpose(key, filter.purpose)),
    );
  }

  /** The store as a trust list file (public keys only), loadable with `addTrustList` / `fromTrustList`. */
  toTrustList(): TrustList {
    return {
      issuers: this.#keys.map((key) => {
        const entry = trustListEntryOf(publicKeyInfoFromJwk(key.publicKeyJwk), {
          id: key.id,
          ...(key.controller !== undefined ? { controller: key.controller } : {}),
          ...(key.issuers?.length ? { issuers: key.issuers } : {}),
          ...(key.validFrom ? { validFrom: key.validFrom } : {}),
          ...(key.validUntil ? { validUntil: key.validUntil } : {}),
          ...(key.purposes ? { purposes: key.purposes } : {}),
        });
        if (key.aliases?.length) entry.aliases = [...key.aliases];
        if (key.certificate) entry.certificate = base64Encode(key.certificate);
        return entry;
      }),
    };
  }

  #lookup(id: string): TrustedKey[] {
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) return [];
    const exact = this.#byId.get(id);
    if (exact) return [...exact];
    const did = didPart(id);
    const related = did !== undefined ? this.#byId.get(did) : this.#byDid.get(id);
    if (related) return [...related];
    if (this.#resolveDidKey && id.startsWith('did:key:')) {
      const key = this.#resolveDidKeyLocally(id);
      if (key) return [key];
    }
    return [];
  }

  /**
   * Load
   * `{ "issuers": [ { id, publicKeyPem | publicKeyJwk | publicKeyMultibase | publicKeyBase58 | certificate, … } ] }`.
   */
  addTrustList(json: unknown): TrustedKey[] {
    if (!isJsonObject(json)) fail('trust list', 'must be a JSON object');
    const issuers = json.issuers;
    if (!Array.isArray(issuers)) fail('trust list', '"issuers" must be an array');
    if (issuers.length > MAX_ENTRIES) fail('trust list', `more than ${MAX_ENTRIES} issuers`);
    return this.#commit(issuers.map((entry, i) => this.#parseTrustListEntry(entry, `issuers[${i}]`)));
  }

  /**
   * Load a JWKS (`{ "keys": [...] }`), SMART Health Cards style: each key's `kid` (or its RFC 7638 thumbprint) becomes
   * the id, and with `issuer` also `issuer#kid` is an alias and `issuer` the controller. Encryption keys (`use: "enc"`)
   * and key types this package does not support are skipped; malformed keys reject the whole set.
   */
  addJwks(jwks: unknown, options: { issuer?: string; issuers?: readonly string[] } = {}): TrustedKey[] {
    if (!isJsonObject(jwks) || !Array.isArray(jwks.keys)) fail('JWKS', 'must be an object with a "keys" array');
    if (jwks.keys.length > MAX_ENTRIES) fail('JWKS', `more than ${MAX_ENTRIES} keys`);
    const issuer = optionalString(options.issuer, 'JWKS issuer');
    const issuers = stringArray(options.issuers, 'JWKS issuers');
    const parsed: TrustedKey[] = [];
    jwks.keys.forEach((jwk: unknown, i: number) => {
      const where = `keys[${i}]`;
      if (!isJsonObject(jwk)) fail(where, 'must be a JWK object');
      if (jwk.use === 'enc') return;
      if (jwk.d !== undefined)
        fail(where, 'holds private key material; a JWKS for verification carries public keys only');
      let kp: PublicKeyInfo;
      try {
        kp = publicKeyInfoFromJwk(jwk);
      } catch (err) {
        if (err instanceof KeyUnsupportedError) return;
        fail(where, err instanceof Error ? err.message : 'invalid JWK', err);
      }
      const kid = jwk.kid === undefined ? jwkThumbprint(kp.jwk) : idString(jwk.kid, `${where}.kid`);
      let cert: TrustedCertificate | undefined;
      if (jwk.x5c !== undefined) {
        if (!Array.isArray(jwk.x5c) || typeof jwk.x5c[0] !== 'string')
          fail(`${where}.x5c`, 'must be an array of base64 certificates');
        cert = certificateOf(jwk.x5c[0], `${where}.x5c[0]`);
        if (!samePublicKey(cert.key, kp)) fail(`${where}.x5c[0]`, 'certificate key differs from the JWK');
      }
      parsed.push(
        buildTrustedKey(
          {
            id: kid,
            type: kp.type,
            publicKey: kp,
            aliases: issuer !== undefined ? [`${issuer}#${kid}`] : undefined,
            controller: issuer,
            issuers,
            validFrom: cert?.validFrom,
            validUntil: cert?.validUntil,
            certificate: cert?.der,
          },
          where,
        ),
      );
    });
    return this.#commit(parsed);
  }

  /**
   * Trust the key of an X.509 certificate (PEM, base64 DER or DER bytes). The id defaults to the EU DCC kid; the hex
   * SHA-256 of the DER is an alias; validity comes from the certificate; purposes from its DCC extended key usage.
   * The certificate chain is NOT checked here: add only certificates you already trust.
   */
  addCertificate(pemOrDer: string | Uint8Array, options: AddCertificateOptions = {}): TrustedKey {
    const cert = certificateOf(pemOrDer, 'certificate');
    const id = optionalString(options.id, 'certificate id') ?? cert.kid;
    const aliases = [...(stringArray(options.aliases, 'certificate aliases') ?? []), cert.sha256Hex];
    if (id !== cert.kid) aliases.push(cert.kid);
    const key = buildTrustedKey(
      {
        id,
        type: cert.key.type,
        publicKey: cert.key,
        aliases,
        controller: optionalString(options.controller, 'certificate controller'),
        issuers: stringArray(options.issuers, 'certificate issuers'),
        validFrom: cert.validFrom,
        validUntil: cert.validUntil,
        purposes: stringArray(options.purposes, 'certificate purposes') ?? cert.purposes,
        certificate: cert.der,
      },
      'certificate',
    );
    return this.#commit([key])[0]!;
  }

  /**
   * Trust the verification methods of a DID document (publicKeyMultibase, publicKeyJwk or publicKeyBase58).
   * Each key's purposes are the relationships (assertionMethod, authentication, capabilityInvocation,
   * capabilityDelegation) that reference or embed it; a method no relationship names gets no purposes. Methods of
   * unsupported key types (e.g. X25519 keyAgreement keys) are skipped.
   */
  addDidDocument(doc: unknown): TrustedKey[] {
    if (!isJsonObject(doc)) fail('DID document', 'must be a JSON object');
    const did = idString(doc.id, 'DID document id');
    if (!did.startsWith('did:')) fail('DID document id', 'is not a DID');
    const absolute = (ref: string) => (ref.startsWith('#') ? `${did}${ref}` : ref);
    const methods = new Map<string, { vm: Json; where: string }>();
    const purposes = new Map<string, KeyPurpose[]>();
    const vms = doc.verificationMethod ?? [];
    if (!Array.isArray(vms) || vms.length > 1000)
      fail('verificationMethod', 'must be an array of at most 1000 entries');
    vms.forEach((vm: unknown, i: number) => {
      const where = `verificationMethod[${i}]`;
      if (!isJsonObject(vm)) fail(where, 'must be an object');
      methods.set(absolute(idString(vm.id, `${where}.id`)), { vm, where });
    });
    for (const rel of DID_RELATIONSHIPS) {
      const refs = doc[rel];
      if (refs === undefined) continue;
      if (!Array.isArray(refs) || refs.length > 1000) fail(rel, 'must be an array');
      refs.forEach((ref: unknown, i: number) => {
        const where = `${rel}[${i}]`;
        let id: string;
        if (typeof ref === 'string') id = absolute(idString(ref, where));
        else if (isJsonObject(ref)) {
          id = absolute(idString(ref.id, `${where}.id`));
          if (!methods.has(id)) methods.set(id, { vm: ref, where });
        } else fail(where, 'must be a DID URL or a verification method');
        const list = purposes.get(id) ?? [];
        if (!list.includes(rel)) list.push(rel);
        purposes.set(id, list);
      });
    }
    const parsed: TrustedKey[] = [];
    for (const [id, { vm, where }] of methods) {
      const kp = this.#verificationMethodKey(vm, where);
      if (!kp) continue;
      parsed.push(
        buildTrustedKey(
          {
            id,
            type: kp.type,
            publicKey: kp,
            controller: optionalString(vm.controller, `${where}.controller`) ?? did,
            purposes: purposes.get(id) ?? [],
          },
          where,
        ),
      );
    }
    return this.#commit(parsed);
  }

  /** Trust the key a did:key names (its document is built locally). */
  addDidKey(did: string): TrustedKey[] {
    let doc;
    try {
      doc = resolveDidKey(did);
    } catch (err) {
      fail('did:key', err instanceof Error ? err.message : 'invalid did:key', err);
    }
    return this.addDidDocument(doc);
  }

  // ------------------------------------------------------------------ internals

  #verificationMethodKey(vm: Json, where: string): PublicKeyInfo | undefined {
    const fields = ['publicKeyMultibase', 'publicKeyJwk', 'publicKeyBase58'].filter((f) => vm[f] !== undefined);
    if (fields.length === 0) fail(where, 'has no publicKeyMultibase, publicKeyJwk or publicKeyBase58');
    if (fields.length > 1) fail(where, `has more than one key field (${fields.join(', ')})`);
    const field = fields[0]!;
    try {
      if (field === 'publicKeyJwk') {
        if (isJsonObject(vm.publicKeyJwk) && vm.publicKeyJwk.d !== undefined)
          fail(`${where}.publicKeyJwk`, 'holds private key material');
        return publicKeyInfoFromJwk(vm.publicKeyJwk);
      }
      if (field === 'publicKeyMultibase') {
        const { type, raw } = decodeMultikeyPublic(vm.publicKeyMultibase, 'publicKeyMultibase');
        return publicKeyInfoFromRaw(type, raw);
      }
      if (
        vm.type !== undefined &&
        vm.type !== 'Ed25519VerificationKey2018' &&
        vm.type !== 'Ed25519VerificationKey2020'
      ) {
        throw new KeyUnsupportedError(`publicKeyBase58 of type ${String(vm.type)}`);
      }
      return importPublicKeyInfo({ type: 'Ed25519', publicKeyBase58: vm.publicKeyBase58 as string });
    } catch (err) {
      if (err instanceof TrustListError) throw err;
      if (err instanceof KeyUnsupportedError) return undefined;
      fail(`${where}.${field}`, err instanceof Error ? err.message : 'invalid key', err);
    }
  }

  #parseTrustListEntry(entry: unknown, where: string): TrustedKey {
    if (!isJsonObject(entry)) fail(where, 'must be an object');
    const id = idString(entry.id, `${where}.id`);
    const found: { field: string; kp: PublicKeyInfo }[] = [];
    let cert: TrustedCertificate | undefined;
    if (entry.publicKeyPem !== undefined) {
      if (typeof entry.publicKeyPem !== 'string') fail(`${where}.publicKeyPem`, 'must be a PEM string');
      found.push({ field: 'publicKeyPem', kp: importPublic({ pem: entry.publicKeyPem }, `${where}.publicKeyPem`) });
    }
    if (entry.publicKeyJwk !== undefined) {
      if (!isJsonObject(entry.publicKeyJwk)) fail(`${where}.publicKeyJwk`, 'must be a JWK object');
      found.push({
        field: 'publicKeyJwk',
        kp: importPublic({ jwk: entry.publicKeyJwk as JsonWebKey }, `${where}.publicKeyJwk`),
      });
    }
    if (entry.publicKeyMultibase !== undefined) {
      if (typeof entry.publicKeyMultibase !== 'string') fail(`${where}.publicKeyMultibase`, 'must be a string');
      found.push({
        field: 'publicKeyMultibase',
        kp: importPublic({ publicKeyMultibase: entry.publicKeyMultibase }, `${where}.publicKeyMultibase`),
      });
    }
    if (entry.publicKeyBase58 !== undefined) {
      if (typeof entry.publicKeyBase58 !== 'string') fail(`${where}.publicKeyBase58`, 'must be a string');
      found.push({
        field: 'publicKeyBase58',
        kp: importPublic({ type: 'Ed25519', publicKeyBase58: entry.publicKeyBase58 }, `${where}.publicKeyBase58`),
      });
    }
    if (entry.certificate !== undefined) {
      if (typeof entry.certificate !== 'string') fail(`${where}.certificate`, 'must be a PEM or base64 DER string');
      cert = certificateOf(entry.certificate, `${where}.certificate`);
      found.push({ field: 'certificate', kp: cert.key });
    }
    if (found.length === 0)
      fail(where, 'has no key (publicKeyPem, publicKeyJwk, publicKeyMultibase, publicKeyBase58 or certificate)');
    const first = found[0]!;
    // Several representations are allowed only if they are the same key, so no field can smuggle in another one.
    for (const other of found.slice(1)) {
      if (!samePublicKey(other.kp, first.kp)) fail(`${where}.${other.field}`, `is a different key than ${first.field}`);
    }
    if (entry.type !== undefined) {
      if (typeof entry.type !== 'string') fail(`${where}.type`, 'must be a string');
      if (KEY_TYPES.includes(entry.type) && entry.type !== first.kp.type)
        fail(`${where}.type`, `says ${entry.type} but the key is ${first.kp.type}`);
    }
    const validFrom = optionalDate(entry.validFrom, `${where}.validFrom`);
    const validUntil = optionalDate(entry.validUntil, `${where}.validUntil`);
    return buildTrustedKey(
      {
        id,
        type: first.kp.type,
        publicKey: first.kp,
        aliases: stringArray(entry.aliases, `${where}.aliases`),
        controller: optionalString(entry.controller, `${where}.controller`),
        issuers:
          typeof entry.issuer === 'string'
            ? [idString(entry.issuer, `${where}.issuer`)]
            : stringArray(entry.issuer, `${where}.issuer`),
        // A certificate can only narrow the window the entry states.
        validFrom: latest(validFrom, cert?.validFrom),
        validUntil: earliest(validUntil, cert?.validUntil),
        purposes: stringArray(entry.purposes, `${where}.purposes`) ?? cert?.purposes,
        certificate: cert?.der,
      },
      where,
    );
  }

  #normalize(key: TrustedKey, where: string): TrustedKey {
    if (!isJsonObject(key)) fail(where, 'must be an object');
    const id = idString(key.id, `${where}.id`);
    if (!KEY_TYPES.includes(key.type)) fail(`${where}.type`, 'must be Ed25519, P-256 or RSA');
    if (!isJsonObject(key.publicKeyJwk)) fail(`${where}.publicKeyJwk`, 'must be a JWK object');
    let publicKey: PublicKeyInfo;
    try {
      if ((key.publicKeyJwk as Json).d !== undefined)
        throw new TrustListError('publicKeyJwk holds private key material');
      publicKey = publicKeyInfoFromJwk(key.publicKeyJwk);
      if (publicKey.type !== key.type)
        throw new TrustListError(`type ${key.type} does not match its JWK (${publicKey.type})`);
    } catch (err) {
      fail(`${where} ${id}`, err instanceof Error ? err.message : 'invalid key', err);
    }
    const dateField = (v: unknown, f: string) => {
      if (v !== undefined && (!(v instanceof Date) || Number.isNaN(v.getTime())))
        fail(`${where}.${f}`, 'must be a valid Date');
      return v as Date | undefined;
    };
    if (key.certificate !== undefined && !(key.certificate instanceof Uint8Array))
      fail(`${where}.certificate`, 'must be DER bytes');
    return buildTrustedKey(
      {
        id,
        type: key.type,
        publicKey,
        aliases: stringArray(key.aliases, `${where}.aliases`),
        controller: optionalString(key.controller, `${where}.controller`),
        issuers: stringArray(key.issuers, `${where}.issuers`),
        validFrom: dateField(key.validFrom, 'validFrom'),
        validUntil: dateField(key.validUntil, 'validUntil'),
        purposes: stringArray(key.purposes, `${where}.purposes`),
        certificate: key.certificate ? new Uint8Array(key.certificate) : undefined,
      },
      where,
    );
  }

  /** Add validated keys; all-or-nothing because every check ran before this point. */
  #commit(keys: TrustedKey[]): TrustedKey[] {
    const added: TrustedKey[] = [];
    for (const key of keys) {
      const existing = this.#byId.get(key.id)?.find((k) => k.id === key.id && sameTrustedKey(k, key));
      if (existing) {
        added.push(existing);
        continue;
      }
      this.#keys.push(key);
      this.#revision++;
      for (const name of [key.id, ...(key.aliases ?? [])]) {
        push(this.#byId, name, key);
        const did = didPart(name);
        if (did !== undefined) push(this.#byDid, did, key);
      }
      added.push(key);
    }
    return added;
  }

  #resolveDidKeyLocally(id: string): TrustedKey | undefined {
    const cached = this.#didKeyCache.get(id);
    if (cached) return cached;
    try {
      const { did, multibase } = parseDidKey(id);
      const { type, raw } = decodeMultikeyPublic(multibase, 'did:key');
      const kp = publicKeyInfoFromRaw(type, raw);
      const key = buildTrustedKey(
        {
          id: `${did}#${multibase}`,
          type: kp.type,
          publicKey: kp,
          controller: did,
          purposes: ['assertionMethod', 'authentication'],
        },
        'did:key',
      );
      if (this.#didKeyCache.size >= MAX_DID_KEY_CACHE) this.#didKeyCache.clear();
      this.#didKeyCache.set(id, key);
      return key;
    } catch (err) {
      if (err instanceof KeyError) return undefined;
      throw err;
    }
  }
}

function push(map: Map<string, TrustedKey[]>, name: string, key: TrustedKey): void {
  const list = map.get(name);
  if (list) {
    if (!list.includes(key)) list.push(key);
  } else map.set(name, [key]);
}

/** Same public key? Both keys were validated when they were built. */
function sameTrustedKey(a: TrustedKey, b: TrustedKey): boolean {
  return samePublicKey({ type: a.type, jwk: a.publicKeyJwk }, { type: b.type, jwk: b.publicKeyJwk });
}
