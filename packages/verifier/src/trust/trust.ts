import { importKeyPair, jwkThumbprint, TrustStore, trustedKeyFromKeyPair, type KeyPair, type TrustedKey } from '@divoc/keys';
import { loadDccSignerList } from '@divoc/dcc';
import { loadIssuerDirectory, parseRevocationList, type RevocationList } from '@divoc/shc';
import { base64ToBytes, isObject, pemCertificateDer, utf8OrUndefined, type Json } from '../lib/bytes.js';
import { isCaCertificate } from '../lib/der.js';
import { TrustInvalidError, TrustUnrecognizedError } from '../lib/errors.js';

/** Id DIVOC certificates name as `verificationMethod`: a label for the national signing key, not a resolvable DID. */
export const DIVOC_KEY_ID = 'did:india';

/** Trust material is at most a large national list; refuse anything bigger before parsing. */
export const MAX_TRUST_TEXT = 16 * 1024 * 1024;
const MAX_CSCAS = 10_000;
const MAX_CRLS = 10_000;

/** What kind of material `Trust.add` recognised. */
export type TrustSourceKind =
  | 'trust-list'
  | 'trust-list-entry'
  | 'jwks'
  | 'jwk'
  | 'issuer-directory'
  | 'dcc-signer-list'
  | 'csca-certificate'
  | 'signer-certificate'
  | 'did-document'
  | 'did-key'
  | 'divoc-key'
  | 'divoc-config'
  | 'shc-revocation-list';

/** What one call to `Trust.add` (or a specific loader) added. */
export interface TrustSourceSummary {
  kind: TrustSourceKind;
  /** Keys added to the key store (a CSCA adds none: it anchors VDS-NC chains). */
  keys: number;
  /** Issuers named (SHC directories), CSCAs or revocation lists added, when the kind has them. */
  issuers?: number;
  cscas?: number;
  revocationLists?: number;
}

export interface TrustAddOptions {
  /** Display name of the issuer (SHC issuer, DIVOC key owner). */
  name?: string;
  /** Issuer the keys belong to: an SHC `iss` URL for a JWKS, a controller DID/URL for other keys. */
  issuer?: string;
  /** Id for a single key or certificate (default: `did:india` for DIVOC keys, the DCC kid for certificates). */
  id?: string;
  /** Force a certificate's role instead of reading its basicConstraints: a CSCA anchors VDS-NC chains, a signer is a key. */
  role?: 'csca' | 'signer';
  /** Key sets by `iss` for a VCI directory (`participating_issuers` lists no keys). */
  jwks?: Readonly<Record<string, unknown>>;
}

/** An issuer's published `.well-known/`: its JWKS and the revocation lists that come with the keys. */
export interface WellKnownMaterial {
  jwks: unknown;
  /** SHC revocation lists (`crl/<kid>.json`), objects or JSON text. */
  crls?: readonly unknown[];
  /** The issuer URL the keys belong to (the cards' `iss`). */
  issuer?: string;
  name?: string;
}

function wrap<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof TrustInvalidError || error instanceof TrustUnrecognizedError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown })?.code;
    throw new TrustInvalidError(`${what}: ${message}${typeof code === 'string' ? ` (${code})` : ''}`, { cause: error });
  }
}

function parseJsonText(text: string, what: string): unknown {
  if (text.length > MAX_TRUST_TEXT) throw new TrustInvalidError(`${what} is larger than ${MAX_TRUST_TEXT} characters`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new TrustInvalidError(`${what} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

function stringOption(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) throw new TrustInvalidError(`${what} must be a non-empty string`);
  return value;
}

/**
 * Everything a verifier trusts, for every format: one key store (W3C VC, DIVOC, DCC signers, SHC issuer keys), the
 * CSCA certificates that anchor VDS-NC signer chains, SHC issuer names and the revocation lists published with the
 * keys. Nothing is trusted because a credential names it; everything here was added by the operator.
 *
 * Loaders check everything before adding anything; bad material throws `TrustInvalidError`, material `add` cannot
 * place throws `TrustUnrecognizedError`. Runtime-neutral: file and folder loaders live in `@divoc/verifier/node`.
 */
export class Trust {
  /** Keys for signature checks (looked up by verification method, kid, `iss#kid`, alias). */
  readonly store: TrustStore;
  readonly #cscas: Uint8Array[] = [];
  readonly #crls: RevocationList[] = [];
  readonly #issuerNames = new Map<string, string>();
  readonly #crlVersions = new Map<string, number>();

  constructor(store: TrustStore = new TrustStore()) {
    if (!(store instanceof TrustStore)) throw new TrustInvalidError('Trust needs a TrustStore from @divoc/keys');
    this.store = store;
  }

  /** CSCA certificates (DER) that anchor VDS-NC signer certificates. */
  get cscaCertificates(): readonly Uint8Array[] {
    return [...this.#cscas];
  }

  /** SHC revocation lists that came with issuer keys (`.well-known/crl/`). */
  get shcRevocationLists(): readonly RevocationList[] {
    return [...this.#crls];
  }

  /** Display name of an issuer (SHC directory `name`, or `name` given when adding its keys). */
  issuerName(issuer: string): string | undefined {
    return this.#issuerNames.get(issuer);
  }

  /** The `crlVersion` an SHC issuer's JWK names, when it names one: a revocation list at least that new exists. */
  crlVersion(issuer: string | undefined, kid: string): number | undefined {
    return (issuer !== undefined ? this.#crlVersions.get(`${issuer}#${kid}`) : undefined) ?? this.#crlVersions.get(kid);
  }

  /**
   * Add trust material of any supported kind, sniffed from its content: our trust list (`{ issuers: [{ id, … }] }`)
   * or one entry of it, a JWKS or single JWK, an SHC issuer directory (ours with `jwks`, or the VCI
   * `participating_issuers` with `options.jwks`), an EU DCC signer list (`[{ kid, rawData }]`), an X.509 certificate
   * (PEM, base64 DER or DER; a CA goes to the CSCA set, a leaf to the key store), a DID document, a `did:key`, a DIVOC
   * key (`publicKeyBase58` / `publicKeyPem` JSON or a PEM public key, trusted as `did:india`), DIVOC's verifier
   * configuration (`certificatePublicKey`, `certificatePublicKeyBase58`), or an SHC revocation list.
   */
  add(content: unknown, options: TrustAddOptions = {}): TrustSourceSummary {
    if (!isObject(options)) throw new TrustInvalidError('options must be an object');
    if (content instanceof Uint8Array) {
      if (content.length === 0) throw new TrustUnrecognizedError('trust material is empty');
      if (content.length > MAX_TRUST_TEXT) throw new TrustInvalidError(`trust material is larger than ${MAX_TRUST_TEXT} bytes`);
      // DER: an ASN.1 SEQUENCE. Only certificates come as binary.
      if (content[0] === 0x30) return this.addCertificate(content, options);
      const text = utf8OrUndefined(content);
      if (text === undefined) throw new TrustUnrecognizedError('binary trust material that is neither UTF-8 text nor a DER certificate');
      return this.add(text, options);
    }
    if (typeof content === 'string') return this.#addText(content, options);
    if (Array.isArray(content)) {
      if (content.length > 0 && content.every((e) => isObject(e) && 'rawData' in e)) return this.addDccSignerList(content);
      throw new TrustUnrecognizedError('a JSON array is trusted only as an EU DCC signer list ([{ "kid", "rawData" }])');
    }
    if (!isObject(content)) throw new TrustUnrecognizedError(`cannot trust a ${content === null ? 'null' : typeof content}`);
    return this.#addJson(content, options);
  }

  #addText(raw: string, options: TrustAddOptions): TrustSourceSummary {
    if (raw.length > MAX_TRUST_TEXT) throw new TrustInvalidError(`trust material is larger than ${MAX_TRUST_TEXT} characters`);
    const text = raw.replace(/^\uFEFF/, '').trim();
    if (text.length === 0) throw new TrustUnrecognizedError('trust material is empty');
    if (/^did:key:z[1-9A-HJ-NP-Za-km-z]+$/.test(text)) return this.addDidKey(text);
    if (text.includes('-----BEGIN CERTIFICATE-----')) return this.addCertificate(text, options);
    if (text.startsWith('-----BEGIN')) return this.addDivocKey(text, options);
    if (/^MI[A-Za-z0-9+/]/.test(text) && /^[A-Za-z0-9+/=\s]+$/.test(text)) return this.addCertificate(text, options);
    if (text.startsWith('{') || text.startsWith('[')) return this.add(parseJsonText(text, 'trust material'), options);
    throw new TrustUnrecognizedError('not trust material (expected JSON, a PEM certificate or key, base64 DER, or a did:key)');
  }

  #addJson(json: Json, options: TrustAddOptions): TrustSourceSummary {
    if (Array.isArray(json.certificates)) return this.addDccSignerList(json);
    if (Array.isArray(json.keys)) return this.addJwks(json, options);
    if (Array.isArray(json.participating_issuers)) return this.addIssuerDirectory(json, options);
    if (Array.isArray(json.issuers)) {
      const first: unknown = json.issuers[0];
      if (isObject(first) && typeof first.iss === 'string' && first.id === undefined) return this.addIssuerDirectory(json, options);
      return this.addTrustList(json);
    }
    if (json.method === 'rid' && typeof json.kid === 'string' && Array.isArray(json.rids)) return this.addShcRevocationList(json);
    if (typeof json.id === 'string' && json.id.startsWith('did:') && (Array.isArray(json.verificationMethod) || '@context' in json)) return this.addDidDocument(json);
    if (typeof json.certificatePublicKey === 'string' || typeof json.certificatePublicKeyBase58 === 'string') return this.addDivocConfig(json, options);
    if (typeof json.kty === 'string') return this.addJwks({ keys: [json] }, options, 'jwk');
    const keyFields = ['publicKeyJwk', 'publicKeyMultibase', 'publicKeyPem', 'publicKeyBase58', 'certificate'];
    if (typeof json.id === 'string' && keyFields.some((f) => json[f] !== undefined)) return this.addTrustListEntry(json);
    if (typeof json.publicKeyBase58 === 'string' || typeof json.publicKeyPem === 'string') return this.addDivocKey(json, options);
    throw new TrustUnrecognizedError(
      'JSON is none of: trust list, trust-list entry, JWKS, JWK, SHC issuer directory, EU DCC signer list, DID document, DIVOC key or verifier configuration, SHC revocation list',
    );
  }

  /** Our trust list: `{ "issuers": [ { id, publicKeyJwk | publicKeyMultibase | publicKeyBase58 | publicKeyPem | certificate, validFrom?, validUntil?, purposes?, … } ] }`. */
  addTrustList(json: unknown): TrustSourceSummary {
    const added = wrap('trust list', () => this.store.addTrustList(json));
    return { kind: 'trust-list', keys: added.length };
  }

  /** One entry of a trust list (as `divoc keys generate` prints it). */
  addTrustListEntry(entry: unknown): TrustSourceSummary {
    const added = wrap('trust-list entry', () => this.store.addTrustList({ issuers: [entry] }));
    return { kind: 'trust-list-entry', keys: added.length };
  }

  /**
   * A JWKS (`{ keys: [...] }`). With `issuer` (an SHC `iss`), keys answer to `iss#kid` and are trusted for that issuer
   * only; `x5c` certificates narrow the keys' validity windows; `crlVersion` is remembered for the revocation check.
   */
  addJwks(jwks: unknown, options: Pick<TrustAddOptions, 'issuer' | 'name'> = {}, kind: 'jwks' | 'jwk' = 'jwks'): TrustSourceSummary {
    const issuer = stringOption(options.issuer, 'issuer');
    const name = stringOption(options.name, 'name');
    const added = wrap('JWKS', () => this.store.addJwks(jwks, issuer !== undefined ? { issuer } : {}));
    if (added.length === 0) throw new TrustInvalidError('JWKS holds no usable signature key');
    this.#rememberCrlVersions(jwks, issuer);
    if (issuer !== undefined && name !== undefined) this.#issuerNames.set(issuer, name);
    return { kind, keys: added.length };
  }

  /**
   * An SHC issuer directory: ours (`{ issuers: [{ iss, name?, jwks }] }`) or the VCI one (`{ participating_issuers:
   * [{ iss, name }] }`, keys from `options.jwks` by `iss`). Issuer names are kept for result display.
   */
  addIssuerDirectory(json: unknown, options: Pick<TrustAddOptions, 'jwks'> = {}): TrustSourceSummary {
    const before = this.store.size;
    const loaded = wrap('issuer directory', () => loadIssuerDirectory(json, { trustStore: this.store, ...(options.jwks ? { jwks: options.jwks } : {}) }));
    const entries = (isObject(json) ? (Array.isArray(json.issuers) ? json.issuers : json.participating_issuers) : []) as unknown[];
    for (const issuer of loaded.issuers) {
      if (issuer.name !== undefined) this.#issuerNames.set(issuer.iss, issuer.name);
      const entry = entries.find((e) => isObject(e) && e.iss === issuer.iss) as Json | undefined;
      const jwks = options.jwks && Object.hasOwn(options.jwks, issuer.iss) ? options.jwks[issuer.iss] : entry?.jwks;
      this.#rememberCrlVersions(jwks, issuer.iss);
    }
    return { kind: 'issuer-directory', keys: this.store.size - before, issuers: loaded.issuers.length };
  }

  /** An EU DCC signer list: `[{ kid, rawData }]` or `{ certificates: [...] }`. Keys answer to the listed kid. */
  addDccSignerList(json: unknown): TrustSourceSummary {
    const before = this.store.size;
    wrap('EU DCC signer list', () => loadDccSignerList(json, { trustStore: this.store }));
    return { kind: 'dcc-signer-list', keys: this.store.size - before };
  }

  /**
   * An X.509 certificate (PEM, base64 DER or DER). A CA certificate (basicConstraints cA) anchors VDS-NC signer
   * chains; a leaf (DCC document signer, SHC issuer certificate) becomes a key with the certificate's validity
   * window and DCC key usages, answering to its DCC kid and, for P-256, its JWK thumbprint (an SHC `kid`).
   */
  addCertificate(pemOrDer: string | Uint8Array, options: Pick<TrustAddOptions, 'id' | 'role' | 'issuer'> = {}): TrustSourceSummary {
    const der = typeof pemOrDer === 'string' ? (pemCertificateDer(pemOrDer) ?? base64ToBytes(pemOrDer)) : pemOrDer;
    if (!(der instanceof Uint8Array) || der.length === 0) throw new TrustInvalidError('certificate is neither PEM nor base64 DER');
    const id = stringOption(options.id, 'certificate id');
    const controller = stringOption(options.issuer, 'issuer');
    const role = options.role ?? (isCaCertificate(der) ? 'csca' : 'signer');
    // Parse it the same way whatever the role, so a broken CSCA is refused now, not at verification.
    const scratch = new TrustStore();
    const parsed = wrap('certificate', () => scratch.addCertificate(der));
    if (role === 'csca') {
      if (this.#cscas.length >= MAX_CSCAS) throw new TrustInvalidError(`more than ${MAX_CSCAS} CSCA certificates`);
      if (!this.#cscas.some((c) => sameBytes(c, der))) this.#cscas.push(new Uint8Array(der));
      return { kind: 'csca-certificate', keys: 0, cscas: 1 };
    }
    const aliases = parsed.type === 'P-256' ? [wrap('certificate', () => jwkThumbprint(parsed.publicKeyJwk))] : [];
    wrap('certificate', () =>
      this.store.addCertificate(der, { ...(id !== undefined ? { id } : {}), aliases, ...(controller !== undefined ? { controller } : {}) }),
    );
    return { kind: 'signer-certificate', keys: 1 };
  }

  /** A DID document: each verification method becomes a key with the relationships that name it as purposes. */
  addDidDocument(doc: unknown): TrustSourceSummary {
    const added = wrap('DID document', () => this.store.addDidDocument(doc));
    return { kind: 'did-document', keys: added.length };
  }

  /** Trust the key a `did:key` names. */
  addDidKey(did: string): TrustSourceSummary {
    const added = wrap('did:key', () => this.store.addDidKey(did));
    return { kind: 'did-key', keys: added.length };
  }

  /**
   * A DIVOC signing key: its key JSON (`{ publicKeyBase58 }` Ed25519 or `{ publicKeyPem }`) or a PEM public key.
   * DIVOC proofs name the key `did:india`, so that is its id unless `options.id` says otherwise. Only the public key is
   * kept; a private key in the file is ignored.
   */
  addDivocKey(input: string | Json, options: Pick<TrustAddOptions, 'id' | 'issuer' | 'name'> = {}): TrustSourceSummary {
    const id = stringOption(options.id, 'key id') ?? (isObject(input) && typeof input.id === 'string' ? input.id : DIVOC_KEY_ID);
    const controller = stringOption(options.issuer, 'issuer');
    const keyPair = wrap('DIVOC key', (): KeyPair => {
      if (typeof input === 'string') return importKeyPair({ pem: input });
      if (typeof input.publicKeyBase58 === 'string') return importKeyPair({ type: 'Ed25519', publicKeyBase58: input.publicKeyBase58 });
      if (typeof input.publicKeyPem === 'string') return importKeyPair({ pem: input.publicKeyPem });
      throw new TrustInvalidError('DIVOC key JSON has neither publicKeyBase58 nor publicKeyPem');
    });
    this.#addKey(keyPair, id, controller);
    if (controller !== undefined && options.name !== undefined) this.#issuerNames.set(controller, options.name);
    return { kind: 'divoc-key', keys: 1 };
  }

  /**
   * DIVOC's verifier configuration (the keys its verification apps were built with): `certificatePublicKey` (PEM,
   * RSA) and/or `certificatePublicKeyBase58` (Ed25519), named by `CERTIFICATE_DID` (default `did:india`), owned by
   * `CERTIFICATE_CONTROLLER_ID`. `CERTIFICATE_SIGNED_KEY_TYPE` (`RSA` / `ED25519`), when present, picks one of them.
   */
  addDivocConfig(config: unknown, options: Pick<TrustAddOptions, 'name'> = {}): TrustSourceSummary {
    if (!isObject(config)) throw new TrustInvalidError('DIVOC configuration must be an object');
    const id = stringOption(config.CERTIFICATE_DID, 'CERTIFICATE_DID') ?? DIVOC_KEY_ID;
    const controller = stringOption(config.CERTIFICATE_CONTROLLER_ID, 'CERTIFICATE_CONTROLLER_ID');
    const keyType = typeof config.CERTIFICATE_SIGNED_KEY_TYPE === 'string' ? config.CERTIFICATE_SIGNED_KEY_TYPE.toUpperCase() : undefined;
    const pairs: KeyPair[] = [];
    wrap('DIVOC configuration', () => {
      if (typeof config.certificatePublicKey === 'string' && keyType !== 'ED25519') pairs.push(importKeyPair({ pem: config.certificatePublicKey }));
      if (typeof config.certificatePublicKeyBase58 === 'string' && (keyType === undefined || keyType === 'ED25519')) {
        pairs.push(importKeyPair({ type: 'Ed25519', publicKeyBase58: config.certificatePublicKeyBase58 }));
      }
    });
    if (pairs.length === 0) throw new TrustInvalidError(`DIVOC configuration has no public key for key type ${keyType ?? 'any'}`);
    for (const kp of pairs) this.#addKey(kp, id, controller);
    if (controller !== undefined && options.name !== undefined) this.#issuerNames.set(controller, options.name);
    return { kind: 'divoc-config', keys: pairs.length };
  }

  /** An SHC revocation list (`{ kid, method: "rid", ctr, rids }`), applied by `verify` to cards signed by `kid`. */
  addShcRevocationList(crl: unknown): TrustSourceSummary {
    const json = typeof crl === 'string' ? parseJsonText(crl, 'revocation list') : crl;
    const parsed = wrap('SHC revocation list', () => parseRevocationList(json));
    if (this.#crls.length >= MAX_CRLS) throw new TrustInvalidError(`more than ${MAX_CRLS} revocation lists`);
    this.#crls.push(parsed);
    return { kind: 'shc-revocation-list', keys: 0, revocationLists: 1 };
  }

  /**
   * An issuer's published `.well-known/` content: `jwks.json` (bound to `issuer`) and the `crl/<kid>.json` revocation
   * lists published with it. Everything is checked before anything is added.
   */
  addWellKnown(material: WellKnownMaterial): TrustSourceSummary {
    if (!isObject(material)) throw new TrustInvalidError('well-known material must be { jwks, crls?, issuer? }');
    const crls = material.crls ?? [];
    if (!Array.isArray(crls)) throw new TrustInvalidError('crls must be an array');
    const parsed = crls.map((crl, i) => wrap(`crl[${i}]`, () => parseRevocationList(typeof crl === 'string' ? parseJsonText(crl, `crl[${i}]`) : crl)));
    // Validate the JWKS on a scratch store first so a bad CRL or JWKS adds nothing.
    wrap('jwks.json', () => new TrustStore().addJwks(material.jwks));
    const summary = this.addJwks(material.jwks, {
      ...(material.issuer !== undefined ? { issuer: material.issuer } : {}),
      ...(material.name !== undefined ? { name: material.name } : {}),
    });
    if (this.#crls.length + parsed.length > MAX_CRLS) throw new TrustInvalidError(`more than ${MAX_CRLS} revocation lists`);
    this.#crls.push(...parsed);
    return { ...summary, revocationLists: parsed.length };
  }

  /** Add one key as is (validated by the store). */
  addTrustedKey(key: TrustedKey): TrustSourceSummary {
    wrap('trusted key', () => this.store.add(key));
    return { kind: 'trust-list-entry', keys: 1 };
  }

  #addKey(keyPair: KeyPair, id: string, controller: string | undefined): void {
    // P-256 keys also answer to their JWK thumbprint, the kid SMART Health Cards name.
    const thumbprint = keyPair.type === 'P-256' ? jwkThumbprint(keyPair) : undefined;
    wrap('key', () =>
      this.store.add(
        trustedKeyFromKeyPair(keyPair, {
          id,
          ...(thumbprint !== undefined && thumbprint !== id ? { aliases: [thumbprint] } : {}),
          ...(controller !== undefined ? { controller } : {}),
        }),
      ),
    );
  }

  #rememberCrlVersions(jwks: unknown, issuer: string | undefined): void {
    if (!isObject(jwks) || !Array.isArray(jwks.keys)) return;
    for (const jwk of jwks.keys.slice(0, 10_000)) {
      if (!isObject(jwk) || typeof jwk.kid !== 'string') continue;
      const version = jwk.crlVersion;
      if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) continue;
      this.#crlVersions.set(issuer !== undefined ? `${issuer}#${jwk.kid}` : jwk.kid, version);
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
