import type { CertificateSignerResult, FormatTrust } from '@divoc/schemas';
import {
  assertSafeJson,
  dccKid,
  importPublicKeyInfo,
  isIssuedBy,
  isUnsafeJsonError,
  jwkThumbprint,
  parseCertificate,
  parseJsonStrict,
  publicKeyInfoFromJwk,
  sameDistinguishedName,
  sameIssuer,
  TrustStore,
  type PublicKeyInfo,
  type TrustedKey,
  type X509CertificateInfo,
} from '@divoc/keys';
import { DIVOC_KEY_ID as KEYS_DIVOC_KEY_ID } from '@divoc/keys';
import { loadDccSignerList, loadDccTrustList } from '@divoc/dcc/plugin';
import { loadIssuerDirectory, parseRevocationList } from '@divoc/shc/plugin';
import { isJwtVcIssuerMetadata, loadJwtVcIssuerMetadata } from '@divoc/sd-jwt/plugin';
import type { RevocationList } from '@divoc/shc';
import {
  base64ToBytes,
  isObject,
  pemCertificateBodies,
  pemCertificateDer,
  utf8OrUndefined,
  type Json,
} from '../lib/bytes.js';
import { isCaCertificate } from './ca-certificate.js';
import {
  isDidTrustList,
  planDidTrustList,
  type DidTrustListPlan,
  type DidTrustListProblem,
  type PlannedCsca,
  type PlannedSigner,
} from './did-trust-list.js';
import { TrustInvalidError, TrustUnrecognizedError } from '../lib/errors.js';

/**
 * Id DIVOC certificates name as `verificationMethod`: a label for the national signing key, not a resolvable DID.
 * The one constant of `@divoc/keys`, re-exported so both packages name the same value.
 */
export const DIVOC_KEY_ID = KEYS_DIVOC_KEY_ID;

/** Trust material is at most a large national list; refuse anything bigger before parsing. */
export const MAX_TRUST_TEXT = 16 * 1024 * 1024;
const MAX_CSCAS = 10_000;
const MAX_CRLS = 10_000;
/** Certificates one PEM bundle may hold (a CSCA master list is a few hundred). */
export const MAX_BUNDLE_CERTIFICATES = 1_000;

/** What kind of material `Trust.add` recognised. */
export type TrustSourceKind =
  | 'trust-list'
  | 'trust-list-entry'
  | 'jwks'
  | 'jwk'
  | 'issuer-directory'
  | 'jwt-vc-issuer-metadata'
  | 'dcc-signer-list'
  | 'csca-certificate'
  | 'signer-certificate'
  | 'certificate-bundle'
  | 'did-document'
  | 'did-key'
  | 'divoc-key'
  | 'divoc-config'
  | 'shc-revocation-list'
  | 'did-trust-list';

export type { DidTrustListProblem } from './did-trust-list.js';

/** What one call to `Trust.add` (or a specific loader) added. */
export interface TrustSourceSummary {
  kind: TrustSourceKind;
  /** Keys added to the key store (a CSCA adds none: it anchors VDS-NC chains). */
  keys: number;
  /** Issuers named (SHC directories), CSCAs or revocation lists added, when the kind has them. */
  issuers?: number;
  cscas?: number;
  revocationLists?: number;
  /** Certificates a PEM bundle held (`certificate-bundle`: `keys` leaves plus `cscas` CA certificates). */
  certificates?: number;
  /** Withdrawn document signers an EU DCC trust list named (`rawData: null`): skipped, never trusted. */
  withdrawn?: number;
  /** DID trust list: DID documents or keys it references (the referenced form). */
  references?: number;
  /**
   * DID trust list: references that no DID document added so far resolves (see `Trust.unresolvedDidReferences`):
   * nothing is trusted for them until their documents are added.
   */
  unresolvedReferences?: number;
  /** DID trust list: entries refused (a broken chain, a certificate that is not the listed key, …). */
  refused?: number;
  /** DID trust list: entries left out as unusable (a key type not supported, a TLS or upload certificate, …). */
  skipped?: number;
  /** DID trust list: the first refused or skipped entries and why. */
  problems?: readonly DidTrustListProblem[];
}

/** Options of `Trust.add` and the other loaders: the issuer the keys sign for, its name, and the keys' id and role. */
export interface TrustAddOptions {
  /** Display name of the issuer (SHC issuer, DIVOC key owner). */
  name?: string;
  /**
   * The issuer the keys sign for (`--trust ISSUER=FILE`): an SHC `iss` URL for a JWKS, a DID or URL for a key, a
   * country code for a certificate. Credentials these keys sign may name this issuer; see docs/trust.md.
   */
  issuer?: string;
  /** Id for a single key or certificate (default: `did:india` for DIVOC keys, the DCC kid for certificates). */
  id?: string;
  /**
   * Force a certificate's role instead of reading its basicConstraints: a CSCA anchors VDS-NC chains, a signer is a
   * key.
   */
  role?: 'csca' | 'signer';
  /** Key sets by `iss` for a VCI directory (`participating_issuers` lists no keys). */
  jwks?: Readonly<Record<string, unknown>>;
  /**
   * The EU DCC Gateway trust anchor (PEM, base64 DER or DER): an EU DCC trust list is then accepted only with every
   * entry's CMS signature verified (see `addDccSignerList`). Signatures are checked asynchronously: `load` and
   * `addDccSignerList` take it, `add` refuses it. Other material ignores it in `load`.
   */
  trustAnchor?: DccTrustAnchor;
}

/** A gateway trust anchor certificate: PEM (several blocks for a rollover), base64 DER or DER, or a list of them. */
export type DccTrustAnchor = string | Uint8Array | readonly (string | Uint8Array)[];

/** Options of `Trust.addDccSignerList`. */
export interface DccSignerListOptions {
  /** The gateway's trust anchor: every entry's `signature` must then verify (see `addDccSignerList`). */
  trustAnchor?: DccTrustAnchor;
}

/** What adding one certificate will do, worked out (and every check run) before anything is added. */
interface CertificatePlan {
  role: 'csca' | 'signer';
  der: Uint8Array;
  x509: X509CertificateInfo;
  id?: string;
  controller?: string;
  aliases: string[];
  /** `certificate`, or `certificate [i] of the bundle`: how messages name it. */
  what: string;
}

/** A CSCA: the certificate and the issuers the trust source bound it to (its own country `C` counts as well). */
interface CscaEntry {
  der: Uint8Array;
  x509: X509CertificateInfo;
  issuers: readonly string[];
  /** Key uses the trust source listed it for (a DID trust list's domain): signers it anchors get them too. */
  purposes?: readonly string[];
  /** Ids a trust source listed it under (a DID trust list's DID URL and kid). */
  ids?: readonly string[];
}

/** What `Trust.certificateSigner` found: the trusted key of a signer certificate, or why it is not trusted. */
export type { CertificateSignerResult } from '@divoc/schemas';

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
    throw new TrustInvalidError(`${what}: ${message}${typeof code === 'string' ? ` (${code})` : ''}`, {
      cause: error,
      ...(typeof code === 'string' ? { reason: code } : {}),
    });
  }
}

async function wrapAsync<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    return wrap(what, () => {
      throw error;
    });
  }
}

/** A certificate's parse, kept per trusted key (the chain-country check looks at every certificate key). */
const parsedCertificates = new WeakMap<TrustedKey, X509CertificateInfo | null>();

function certificateOfKey(key: TrustedKey): X509CertificateInfo | undefined {
  if (!(key.certificate instanceof Uint8Array)) return undefined;
  let x509 = parsedCertificates.get(key);
  if (x509 === undefined) {
    try {
      x509 = parseCertificate(key.certificate);
    } catch {
      x509 = null;
    }
    parsedCertificates.set(key, x509);
  }
  return x509 ?? undefined;
}

function sameCountryCode(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase() || sameIssuer(a.toUpperCase(), b.toUpperCase());
}

function sameKeyIdentifier(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a === undefined || b === undefined || sameBytes(a, b);
}

/**
 * `ca` is the CA `cert` names as its issuer (same name; same key identifier when both say). By name only, without
 * the signature: used to refuse (a signer naming another country's CSCA as its issuer), never to trust.
 */
function namesAsIssuer(cert: X509CertificateInfo, ca: X509CertificateInfo): boolean {
  return (
    sameDistinguishedName(cert.issuer, ca.subject) &&
    sameKeyIdentifier(cert.authorityKeyIdentifier, ca.subjectKeyIdentifier)
  );
}

/** The countries of a signer certificate and the CSCA it names as its issuer, when both have one and they differ. */
function chainCountryConflict(
  signer: X509CertificateInfo,
  csca: X509CertificateInfo,
): { signer: string; csca: string } | undefined {
  const a = signer.subject.country;
  const b = csca.subject.country;
  if (a === undefined || b === undefined || sameCountryCode(a, b) || !namesAsIssuer(signer, csca)) return undefined;
  return { signer: a, csca: b };
}

const oneLine = (dn: X509CertificateInfo['subject']): string => dn.text.split('\n').join(', ');

function parseJsonText(text: string, what: string): unknown {
  if (text.length > MAX_TRUST_TEXT) throw new TrustInvalidError(`${what} is larger than ${MAX_TRUST_TEXT} characters`);
  try {
    // Strict: a member named twice or named `__proto__` / `constructor` / `prototype` is refused (the code is in the
    // message).
    return parseJsonStrict(text, { maxLength: MAX_TRUST_TEXT });
  } catch (error) {
    if (isUnsafeJsonError(error))
      throw new TrustInvalidError(`${what} is refused: ${error.message} (${error.code})`, { cause: error });
    throw new TrustInvalidError(`${what} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Parsed trust material from a caller: no own `__proto__` / `constructor` / `prototype` member anywhere. */
function checkSafeJson(json: object): void {
  try {
    assertSafeJson(json);
  } catch (error) {
    throw new TrustInvalidError(
      `trust material is refused: ${(error as Error).message} (${(error as { code?: string }).code})`,
      { cause: error },
    );
  }
}

function stringOption(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048)
    throw new TrustInvalidError(`${what} must be a non-empty string`);
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
export class Trust implements FormatTrust {
  /** Keys for signature checks (looked up by verification method, kid, `iss#kid`, alias). */
  readonly store: TrustStore;
  readonly #cscas: CscaEntry[] = [];
  readonly #crls: RevocationList[] = [];
  /** kid → the issuer whose keys an SHC revocation list came with (`addWellKnown`). */
  readonly #crlIssuers = new Map<string, string>();
  readonly #issuerNames = new Map<string, string>();
  readonly #crlVersions = new Map<string, number>();
  /** Set by `load` while it runs `add`: takes an EU DCC list to check asynchronously instead of adding it. */
  #dccHandler: ((json: unknown) => TrustSourceSummary) | undefined;
  /** Set by `load` while it runs `add`: takes a DID trust list whose chains need (asynchronous) signature checks. */
  #didHandler: ((json: unknown) => TrustSourceSummary) | undefined;
  /** Ids of the DID documents and verification methods added (resolve the references of DID trust lists). */
  readonly #didIds = new Set<string>();
  /** DID trust-list references no added document resolves yet → the list that made them. */
  readonly #pendingDidRefs = new Map<string, string>();
  /** The same references by the DID (before `#`) they point into, so adding a document resolves them at once. */
  readonly #pendingByDid = new Map<string, Set<string>>();

  constructor(store: TrustStore = new TrustStore()) {
    if (!(store instanceof TrustStore)) throw new TrustInvalidError('Trust needs a TrustStore from @divoc/keys');
    this.store = store;
  }

  /** CSCA certificates (DER) that anchor VDS-NC signer certificates. */
  get cscaCertificates(): readonly Uint8Array[] {
    return this.#cscas.map((c) => c.der);
  }

  /** The issuer whose keys the SHC revocation list for `kid` came with, when it came with an issuer's keys. */
  shcRevocationListIssuer(kid: string): string | undefined {
    return this.#crlIssuers.get(kid);
  }

  /**
   * The trusted key of a signer certificate a credential carries (a VDS-NC `sig.cer`): the certificate itself when it
   * was added as trusted, else a key valid within both windows, for the issuers of the trusted CSCA that issued it.
   * A CSCA vouches for its own country only: a signer certificate naming another country is refused.
   */
  async certificateSigner(
    der: Uint8Array,
    notTrustedCode = 'ERR_TRUST_CERTIFICATE_UNTRUSTED',
  ): Promise<CertificateSignerResult> {
    let x509: X509CertificateInfo;
    try {
      x509 = parseCertificate(der);
    } catch (error) {
      return {
        code: 'ERR_TRUST_CERTIFICATE_INVALID',
        message: `signer certificate: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    const direct = this.store
      .resolve(x509.sha256Hex)
      .find((k) => k.certificate !== undefined && sameBytes(k.certificate, x509.der));
    if (direct) return { key: direct };
    for (const csca of this.#cscas) {
      if (!(await isIssuedBy(x509, csca.x509))) continue;
      const signerCountry = x509.subject.country;
      const cscaCountry = csca.x509.subject.country;
      if (signerCountry !== undefined && cscaCountry !== undefined && !sameCountryCode(signerCountry, cscaCountry)) {
        return {
          code: 'ERR_TRUST_CHAIN_COUNTRY',
          message:
            `the signer certificate is for country ${signerCountry}, but the CSCA that issued it ` +
            `(${oneLine(csca.x509.subject)}) is ${cscaCountry}'s; a CSCA vouches for its own country only`,
        };
      }
      let info;
      try {
        info = publicKeyInfoFromJwk(x509.publicKey.jwk);
      } catch (error) {
        return {
          code: 'ERR_TRUST_CERTIFICATE_INVALID',
          message: `signer certificate key: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      const issuers = [...csca.issuers, ...(cscaCountry !== undefined ? [cscaCountry.toUpperCase()] : [])];
      const key: TrustedKey = Object.freeze({
        id: dccKid(x509.der),
        type: info.type,
        publicKeyJwk: info.jwk,
        validFrom: new Date(Math.max(x509.notBefore.getTime(), csca.x509.notBefore.getTime())),
        validUntil: new Date(Math.min(x509.notAfter.getTime(), csca.x509.notAfter.getTime())),
        ...(issuers.length > 0 ? { issuers: Object.freeze([...new Set(issuers)]) } : {}),
        ...(csca.purposes?.length ? { purposes: Object.freeze([...csca.purposes]) } : {}),
        certificate: x509.der,
      });
      return { key };
    }
    return {
      code: notTrustedCode,
      message: 'neither the signer certificate nor a CSCA that issued and signed it is trusted',
    };
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
   * `participating_issuers` with `options.jwks`), JWT VC Issuer Metadata (`{ issuer, jwks }`), an EU DCC signer list
   * (`[{ kid, rawData }]`), an X.509 certificate (PEM, base64 DER or DER; a CA goes to the CSCA set, a leaf to the key
   * store), a DID document, a `did:key`, a DIVOC key (`publicKeyBase58` / `publicKeyPem` JSON or a PEM public key,
   * trusted as `did:india`), DIVOC's verifier configuration (`certificatePublicKey`, `certificatePublicKeyBase58`), or
   * an SHC revocation list.
   */
  add(content: unknown, options: TrustAddOptions = {}): TrustSourceSummary {
    if (!isObject(options)) throw new TrustInvalidError('options must be an object');
    if (content instanceof Uint8Array) {
      if (content.length === 0) throw new TrustUnrecognizedError('trust material is empty');
      if (content.length > MAX_TRUST_TEXT)
        throw new TrustInvalidError(`trust material is larger than ${MAX_TRUST_TEXT} bytes`);
      // DER: an ASN.1 SEQUENCE. Only certificates come as binary.
      if (content[0] === 0x30) return this.addCertificate(content, options);
      const text = utf8OrUndefined(content);
      if (text === undefined)
        throw new TrustUnrecognizedError('binary trust material that is neither UTF-8 text nor a DER certificate');
      return this.add(text, options);
    }
    if (typeof content === 'string') return this.#addText(content, options);
    if (typeof content === 'object' && content !== null) checkSafeJson(content);
    if (Array.isArray(content)) {
      if (content.length > 0 && content.every((e) => isObject(e) && 'rawData' in e))
        return this.#dccList(content, options);
      throw new TrustUnrecognizedError(
        'a JSON array is trusted only as an EU DCC signer list ([{ "kid", "rawData" }])',
      );
    }
    if (!isObject(content))
      throw new TrustUnrecognizedError(`cannot trust a ${content === null ? 'null' : typeof content}`);
    return this.#addJson(content, options);
  }

  #addText(raw: string, options: TrustAddOptions): TrustSourceSummary {
    if (raw.length > MAX_TRUST_TEXT)
      throw new TrustInvalidError(`trust material is larger than ${MAX_TRUST_TEXT} characters`);
    const text = raw.replace(/^\uFEFF/, '').trim();
    if (text.length === 0) throw new TrustUnrecognizedError('trust material is empty');
    if (/^did:key:z[1-9A-HJ-NP-Za-km-z]+$/.test(text)) return this.addDidKey(text);
    if (text.includes('-----BEGIN CERTIFICATE-----')) return this.addCertificate(text, options);
    if (text.startsWith('-----BEGIN')) return this.addDivocKey(text, options);
    if (/^MI[A-Za-z0-9+/]/.test(text) && /^[A-Za-z0-9+/=\s]+$/.test(text)) return this.addCertificate(text, options);
    if (text.startsWith('{') || text.startsWith('[')) return this.add(parseJsonText(text, 'trust material'), options);
    throw new TrustUnrecognizedError(
      'not trust material (expected JSON, a PEM certificate or key, base64 DER, or a did:key)',
    );
  }

  #addJson(json: Json, options: TrustAddOptions): TrustSourceSummary {
    if (Array.isArray(json.certificates)) return this.#dccList(json, options);
    if (Array.isArray(json.keys)) return this.addJwks(json, options);
    if (Array.isArray(json.participating_issuers)) return this.addIssuerDirectory(json, options);
    // `{ jwks, crls, issuer }` is `addWellKnown` material, not metadata: never trusted without its CRLs.
    if (json.crls === undefined && isJwtVcIssuerMetadata(json)) return this.addJwtVcIssuerMetadata(json, options);
    if (Array.isArray(json.issuers)) {
      const first: unknown = json.issuers[0];
      if (isObject(first) && typeof first.iss === 'string' && first.id === undefined)
        return this.addIssuerDirectory(json, options);
      return this.addTrustList(json, options);
    }
    if (json.method === 'rid' && typeof json.kid === 'string' && Array.isArray(json.rids))
      return this.addShcRevocationList(json);
    if (isDidTrustList(json)) return this.#didList(json, options);
    if (
      typeof json.id === 'string' &&
      json.id.startsWith('did:') &&
      (Array.isArray(json.verificationMethod) || '@context' in json)
    )
      return this.addDidDocument(json);
    if (typeof json.certificatePublicKey === 'string' || typeof json.certificatePublicKeyBase58 === 'string')
      return this.addDivocConfig(json, options);
    if (typeof json.kty === 'string') return this.addJwks({ keys: [json] }, options, 'jwk');
    const keyFields = ['publicKeyJwk', 'publicKeyMultibase', 'publicKeyPem', 'publicKeyBase58', 'certificate'];
    if (typeof json.id === 'string' && keyFields.some((f) => json[f] !== undefined))
      return this.addTrustListEntry(json, options);
    if (typeof json.publicKeyBase58 === 'string' || typeof json.publicKeyPem === 'string')
      return this.addDivocKey(json, options);
    throw new TrustUnrecognizedError(
      'JSON is none of: trust list, trust-list entry, JWKS, JWK, SHC issuer directory, JWT VC Issuer Metadata, EU ' +
        'DCC signer list, DID document, DIVOC key or verifier configuration, SHC revocation list',
    );
  }

  /**
   * Our trust list: `{ "issuers": [ { id, publicKeyJwk | publicKeyMultibase | publicKeyBase58 | publicKeyPem |
   * certificate, validFrom?, validUntil?, purposes?, … } ] }`.
   */
  addTrustList(json: unknown, options: Pick<TrustAddOptions, 'issuer'> = {}): TrustSourceSummary {
    const issuer = stringOption(options.issuer, 'issuer');
    const added = wrap('trust list', () =>
      this.store.addTrustList(issuer === undefined ? json : withIssuer(json, issuer)),
    );
    return { kind: 'trust-list', keys: added.length };
  }

  /** One entry of a trust list (as `divoc keys generate` prints it). */
  addTrustListEntry(entry: unknown, options: Pick<TrustAddOptions, 'issuer'> = {}): TrustSourceSummary {
    const issuer = stringOption(options.issuer, 'issuer');
    const list = { issuers: [entry] };
    const added = wrap('trust-list entry', () =>
      this.store.addTrustList(issuer === undefined ? list : withIssuer(list, issuer)),
    );
    return { kind: 'trust-list-entry', keys: added.length };
  }

  /**
   * A JWKS (`{ keys: [...] }`). With `issuer` (an SHC `iss`), keys answer to `iss#kid` and are trusted for that issuer
   * only; `x5c` certificates narrow the keys' validity windows; `crlVersion` is remembered for the revocation check.
   */
  addJwks(
    jwks: unknown,
    options: Pick<TrustAddOptions, 'issuer' | 'name'> = {},
    kind: 'jwks' | 'jwk' = 'jwks',
  ): TrustSourceSummary {
    const issuer = stringOption(options.issuer, 'issuer');
    const name = stringOption(options.name, 'name');
    const added = wrap('JWKS', () => this.store.addJwks(jwks, issuer !== undefined ? { issuer } : {}));
    if (added.length === 0) throw new TrustInvalidError('JWKS holds no usable signature key');
    this.#rememberCrlVersions(jwks, issuer);
    if (issuer !== undefined && name !== undefined) this.#issuerNames.set(issuer, name);
    return { kind, keys: added.length };
  }

  /**
   * JWT VC Issuer Metadata (`{ issuer, jwks }`, as an SD-JWT VC issuer serves it at `/.well-known/jwt-vc-issuer`): its
   * keys answer to `issuer#kid` and are trusted for that issuer URL only, the `iss` its SD-JWT VCs must name.
   */
  addJwtVcIssuerMetadata(json: unknown, options: Pick<TrustAddOptions, 'issuer' | 'name'> = {}): TrustSourceSummary {
    const issuer = stringOption(options.issuer, 'issuer');
    const name = stringOption(options.name, 'name');
    if (issuer !== undefined && (!isObject(json) || json.issuer !== issuer))
      throw new TrustInvalidError(`JWT VC Issuer Metadata names another issuer than ${issuer}`);
    const loaded = wrap('JWT VC Issuer Metadata', () => loadJwtVcIssuerMetadata(json, { trust: this.store }));
    if (name !== undefined) this.#issuerNames.set(loaded.issuer, name);
    return { kind: 'jwt-vc-issuer-metadata', keys: loaded.keys.length, issuers: 1 };
  }

  /**
   * An SHC issuer directory: ours (`{ issuers: [{ iss, name?, jwks }] }`) or the VCI one (`{ participating_issuers:
   * [{ iss, name }] }`, keys from `options.jwks` by `iss`). Issuer names are kept for result display.
   */
  addIssuerDirectory(json: unknown, options: Pick<TrustAddOptions, 'jwks'> = {}): TrustSourceSummary {
    const before = this.store.size;
    const loaded = wrap('issuer directory', () =>
      loadIssuerDirectory(json, { trust: this.store, ...(options.jwks ? { jwks: options.jwks } : {}) }),
    );
    const entries = (
      isObject(json) ? (Array.isArray(json.issuers) ? json.issuers : json.participating_issuers) : []
    ) as unknown[];
    for (const issuer of loaded.issuers) {
      if (issuer.name !== undefined) this.#issuerNames.set(issuer.iss, issuer.name);
      const entry = entries.find((e) => isObject(e) && e.iss === issuer.iss) as Json | undefined;
      const jwks = options.jwks && Object.hasOwn(options.jwks, issuer.iss) ? options.jwks[issuer.iss] : entry?.jwks;
      this.#rememberCrlVersions(jwks, issuer.iss);
    }
    return { kind: 'issuer-directory', keys: this.store.size - before, issuers: loaded.issuers.length };
  }

  /**
   * Add trust material the way `add` does, with the checks that need signatures: an EU DCC trust list goes through
   * `addDccSignerList` (with `options.trustAnchor`, the CSCA chain check against the list's and this trust's CSCAs).
   * Everything else is added by `add`. Use this (or `addDccSignerList`) for EU DCC lists: `add` refuses a list that
   * needs signature checks.
   */
  async load(content: unknown, options: TrustAddOptions = {}): Promise<TrustSourceSummary> {
    if (!isObject(options as unknown)) throw new TrustInvalidError('options must be an object');
    const deferred: { list?: { json: unknown }; did?: { json: unknown } } = {};
    const { trustAnchor, ...rest } = options;
    this.#dccHandler = (json) => {
      deferred.list = { json };
      return { kind: 'dcc-signer-list', keys: 0 };
    };
    this.#didHandler = (json) => {
      deferred.did = { json };
      return { kind: 'did-trust-list', keys: 0 };
    };
    let summary: TrustSourceSummary;
    try {
      summary = this.add(content, rest);
    } finally {
      this.#dccHandler = undefined;
      this.#didHandler = undefined;
    }
    if (deferred.list)
      return this.addDccSignerList(deferred.list.json, trustAnchor !== undefined ? { trustAnchor } : {});
    if (deferred.did) return this.addDidTrustList(deferred.did.json);
    return summary;
  }

  /**
   * An EU DCC trust list as the EU DCC Gateway's `/trustList` or a national backend returns it: `[{ kid, rawData,
   * country?, thumbprint?, certificateType?, signature?, timestamp? }]` or `{ certificates: [...] }`. Always: the
   * listed kid must be the certificate's DCC kid, the thumbprint its SHA-256, the country its subject's `C` (and the
   * key is then trusted for that country); CSCA, UPLOAD and AUTHENTICATION entries never become signer keys;
   * withdrawn entries (`rawData: null`) are skipped. With `trustAnchor`, every entry's CMS `signature` must verify
   * (trust anchor → CSCA / UPLOAD, UPLOAD → document signer). When CSCAs are known (the list's CSCA entries, the
   * CSCAs of this trust), a document signer issued by another country's CSCA is refused (`ERR_TRUST_CHAIN_COUNTRY`),
   * and one of a country with a known CSCA — any, with a trust anchor — must be issued by a CSCA of its country.
   * The whole list is refused at the first bad entry (`TrustInvalidError`, its `reason` the `ERR_DCC_TRUST_*` code,
   * the message naming the entry's index and kid): a list that fails these checks was tampered with or mirrored
   * wrongly, and its operator needs to know, not a verifier quietly trusting part of it.
   */
  async addDccSignerList(json: unknown, options: DccSignerListOptions = {}): Promise<TrustSourceSummary> {
    if (!isObject(options as unknown)) throw new TrustInvalidError('options must be an object');
    const before = this.store.size;
    const cscas = this.#cscas.map((c) => c.x509);
    const loaded = await wrapAsync('EU DCC signer list', () =>
      loadDccTrustList(json, {
        trust: this.store,
        cscas,
        ...(options.trustAnchor !== undefined ? { trustAnchor: options.trustAnchor } : {}),
      }),
    );
    return {
      kind: 'dcc-signer-list',
      keys: this.store.size - before,
      ...(loaded.withdrawn > 0 ? { withdrawn: loaded.withdrawn } : {}),
    };
  }

  /** An EU DCC list met by `add`: handed to `load` when it runs, else added here when no signature check is needed. */
  #dccList(json: unknown, options: TrustAddOptions): TrustSourceSummary {
    if (this.#dccHandler) return this.#dccHandler(json);
    const async = 'use `await trust.load(list, options)` or `await trust.addDccSignerList(list, options)`';
    if (options.trustAnchor !== undefined)
      throw new TrustInvalidError(`a trust anchor means checking signatures, which is asynchronous: ${async}`);
    const entries = (
      Array.isArray(json) ? json : isObject(json) && Array.isArray(json.certificates) ? json.certificates : []
    ) as unknown[];
    if (
      entries.some(
        (e) => isObject(e) && typeof e.certificateType === 'string' && e.certificateType.toUpperCase() === 'CSCA',
      )
    ) {
      throw new TrustInvalidError(
        `this EU DCC list holds CSCAs, and its document signers must be checked against them (signatures, ` +
          `asynchronous): ${async}`,
      );
    }
    const staged = wrap('EU DCC signer list', () => loadDccSignerList(json));
    if (this.#cscas.length > 0) {
      for (const key of staged.keys()) {
        const x509 = certificateOfKey(key);
        const country = x509?.subject.country;
        const related =
          x509 &&
          this.#cscas.find(
            (c) =>
              namesAsIssuer(x509, c.x509) ||
              (country !== undefined &&
                c.x509.subject.country !== undefined &&
                sameCountryCode(country, c.x509.subject.country)),
          );
        if (related) {
          throw new TrustInvalidError(
            `document signer ${key.id} must be checked against the trusted ` +
              `CSCA ${oneLine(related.x509.subject)} (a signature check, asynchronous): ${async}`,
          );
        }
      }
    }
    const before = this.store.size;
    wrap('EU DCC signer list', () => loadDccSignerList(json, { trust: this.store }));
    return { kind: 'dcc-signer-list', keys: this.store.size - before };
  }

  /**
   * An X.509 certificate (PEM, base64 DER or DER), or a PEM bundle of several. A CA certificate (basicConstraints cA)
   * anchors VDS-NC signer chains; a leaf (DCC document signer, SHC issuer certificate) becomes a key with the
   * certificate's validity window and DCC key usages, answering to its DCC kid and, for P-256, its JWK thumbprint (an
   * SHC `kid`). A bundle adds every certificate (at most `MAX_BUNDLE_CERTIFICATES`) or, when one is bad, none: the
   * error names its index. A signer naming as its issuer a trusted CSCA of another country is refused (and so is a
   * CSCA that a trusted signer of another country names): a CSCA vouches for its own country only
   * (`reason: 'ERR_TRUST_CHAIN_COUNTRY'`).
   */
  addCertificate(
    pemOrDer: string | Uint8Array,
    options: Pick<TrustAddOptions, 'id' | 'role' | 'issuer'> = {},
  ): TrustSourceSummary {
    if (typeof pemOrDer === 'string' && pemOrDer.length > MAX_TRUST_TEXT)
      throw new TrustInvalidError(`certificate text is larger than ${MAX_TRUST_TEXT} characters`);
    if (typeof pemOrDer === 'string' && pemOrDer.includes('-----BEGIN CERTIFICATE-----')) {
      let bodies: string[];
      try {
        bodies = pemCertificateBodies(pemOrDer, MAX_BUNDLE_CERTIFICATES);
      } catch (error) {
        throw new TrustInvalidError(`certificate bundle: ${(error as Error).message}`, { cause: error });
      }
      if (bodies.length > 1) return this.#addCertificateBundle(bodies, options);
    }
    const plan = this.#planCertificate(pemOrDer, options, 'certificate');
    this.#checkChainCountries([plan]);
    this.#commitCertificate(plan);
    return plan.role === 'csca'
      ? { kind: 'csca-certificate', keys: 0, cscas: 1 }
      : { kind: 'signer-certificate', keys: 1 };
  }

  #addCertificateBundle(
    bodies: readonly string[],
    options: Pick<TrustAddOptions, 'id' | 'role' | 'issuer'>,
  ): TrustSourceSummary {
    if (options.id !== undefined)
      throw new TrustInvalidError(`an id names one certificate, and this bundle holds ${bodies.length}`);
    const plans = bodies.map((body, i) => {
      const what = `certificate [${i}] of the bundle`;
      const der = base64ToBytes(body);
      if (!der) throw new TrustInvalidError(`${what} is not base64 DER`);
      return this.#planCertificate(der, options, what);
    });
    const cscas = plans.filter((p) => p.role === 'csca').length;
    if (this.#cscas.length + cscas > MAX_CSCAS) throw new TrustInvalidError(`more than ${MAX_CSCAS} CSCA certificates`);
    this.#checkChainCountries(plans);
    for (const plan of plans) this.#commitCertificate(plan);
    return { kind: 'certificate-bundle', keys: plans.length - cscas, cscas, certificates: plans.length };
  }

  /** Read and check one certificate for `addCertificate`; adds nothing. */
  #planCertificate(
    pemOrDer: string | Uint8Array,
    options: Pick<TrustAddOptions, 'id' | 'role' | 'issuer'>,
    what: string,
  ): CertificatePlan {
    const der = typeof pemOrDer === 'string' ? (pemCertificateDer(pemOrDer) ?? base64ToBytes(pemOrDer)) : pemOrDer;
    if (!(der instanceof Uint8Array) || der.length === 0)
      throw new TrustInvalidError(`${what} is neither PEM nor base64 DER`);
    const id = stringOption(options.id, 'certificate id');
    const controller = stringOption(options.issuer, 'issuer');
    if (options.role !== undefined && options.role !== 'csca' && options.role !== 'signer')
      throw new TrustInvalidError('role must be "csca" or "signer"');
    const role = options.role ?? (isCaCertificate(der) ? 'csca' : 'signer');
    const copy = new Uint8Array(der);
    // Parse it the same way whatever the role, so a broken CSCA is refused now, not at verification.
    const parsed = wrap(what, () => new TrustStore().addCertificate(copy));
    const x509 = wrap(what, () => parseCertificate(copy));
    const aliases =
      role === 'signer' && parsed.type === 'P-256' ? [wrap(what, () => jwkThumbprint(parsed.publicKeyJwk))] : [];
    const plan: CertificatePlan = {
      role,
      der: copy,
      x509,
      aliases,
      what,
      ...(id !== undefined ? { id } : {}),
      ...(controller !== undefined ? { controller } : {}),
    };
    // The key exactly as it will be added, so adding cannot fail half-way through a bundle.
    if (role === 'signer') wrap(what, () => new TrustStore().addCertificate(copy, this.#signerOptions(plan)));
    else if (this.#cscas.length >= MAX_CSCAS) throw new TrustInvalidError(`more than ${MAX_CSCAS} CSCA certificates`);
    return plan;
  }

  #signerOptions(plan: CertificatePlan): { id?: string; aliases: string[]; controller?: string } {
    return {
      ...(plan.id !== undefined ? { id: plan.id } : {}),
      aliases: plan.aliases,
      ...(plan.controller !== undefined ? { controller: plan.controller } : {}),
    };
  }

  /**
   * A CSCA vouches for its own country only: refuse a new signer that names (issuer name and key identifier) a
   * trusted or new CSCA of another country as its issuer, and a new CSCA that a trusted or new signer of another
   * country names as its issuer. By name, so it can only refuse; `certificateSigner` and the DCC list loader check
   * signatures where they trust.
   */
  #checkChainCountries(plans: readonly CertificatePlan[]): void {
    const newCscas = plans.filter((p) => p.role === 'csca');
    const newSigners = plans.filter((p) => p.role === 'signer');
    if (newCscas.length === 0 && this.#cscas.length === 0) return;
    const refuse = (
      signer: string,
      csca: X509CertificateInfo,
      countries: { signer: string; csca: string },
      refused: string,
    ): never => {
      throw new TrustInvalidError(
        `${refused}: ${signer} is for country ${countries.signer}, but names as its issuer the ` +
          `CSCA ${oneLine(csca.subject)}, which is ${countries.csca}'s; a CSCA vouches for its own country ` +
          `only (ERR_TRUST_CHAIN_COUNTRY)`,
        { reason: 'ERR_TRUST_CHAIN_COUNTRY' },
      );
    };
    const allCscas = [...this.#cscas.map((c) => c.x509), ...newCscas.map((p) => p.x509)];
    for (const signer of newSigners) {
      for (const csca of allCscas) {
        const conflict = chainCountryConflict(signer.x509, csca);
        if (conflict)
          refuse(
            `the signer certificate ${signer.x509.subject.commonName ?? dccKid(signer.der)}`,
            csca,
            conflict,
            signer.what,
          );
      }
    }
    if (newCscas.length === 0) return;
    for (const key of this.store.keys()) {
      const x509 = certificateOfKey(key);
      if (!x509) continue;
      for (const csca of newCscas) {
        const conflict = chainCountryConflict(x509, csca.x509);
        if (conflict) refuse(`the trusted signer certificate ${key.id}`, csca.x509, conflict, csca.what);
      }
    }
  }

  #commitCertificate(plan: CertificatePlan): void {
    if (plan.role === 'csca') {
      const issuers = plan.controller !== undefined ? [plan.controller] : [];
      const known = this.#cscas.find((c) => sameBytes(c.der, plan.der));
      if (known) {
        const i = this.#cscas.indexOf(known);
        this.#cscas[i] = { ...known, issuers: [...new Set([...known.issuers, ...issuers])] };
      } else {
        this.#cscas.push({ der: plan.der, x509: plan.x509, issuers });
      }
      return;
    }
    wrap(plan.what, () => this.store.addCertificate(plan.der, this.#signerOptions(plan)));
  }

  /** A DID document: each verification method becomes a key with the relationships that name it as purposes. */
  addDidDocument(doc: unknown): TrustSourceSummary {
    const added = wrap('DID document', () => this.store.addDidDocument(doc));
    if (isObject(doc) && typeof doc.id === 'string') this.#resolveDidIds([doc.id, ...added.map((k) => k.id)]);
    return { kind: 'did-document', keys: added.length };
  }

  /**
   * A DID trust list as WHO publishes them (see docs/trust.md, "DID trust lists (WHO)"): the ddcc-trust documents
   * (`JsonWebKey2020` keys with `x5c`, embedded or by reference) and GDHCN version 2 lists. Each key answers to its
   * id and to the percent-decoded fragment of its id (the kid, never the certificate hash) and signs for the country
   * the list names (a controller's country, a v2 participant) or else its certificate's `C`, or for the SHC issuer
   * URL its controller encodes; the use the list gives it (DCC/HCERT, SHC, VDS-NC, W3C VC) is enforced when
   * verifying. CA certificates become CSCAs, never signers. When `x5c` holds 2 certificates, x5c[1] must have
   * issued x5c[0] (a signature check). An entry that fails its checks is refused alone (counted, with the first
   * reasons, in the summary); a malformed list is refused whole. References (`verificationMethod` strings) are
   * resolved by DID documents added before or after, in any order; `unresolvedDidReferences` lists the rest.
   */
  async addDidTrustList(json: unknown): Promise<TrustSourceSummary> {
    const doc = typeof json === 'string' ? parseJsonText(json, 'DID trust list') : json;
    if (isObject(doc)) checkSafeJson(doc);
    const plan = planDidTrustList(doc);
    const refuse: { entry: PlannedSigner | PlannedCsca; code: string; message: string }[] = [];
    for (const entry of plan.entries) {
      const x509 = entry.role === 'signer' ? entry.x509! : entry.x509;
      if (!entry.chain || (await isIssuedBy(x509, entry.chain))) continue;
      const sha1 = SHA1_SIGNATURES.has(x509.signatureAlgorithm.oid);
      refuse.push({
        entry,
        code: 'ERR_DID_TRUST_CHAIN',
        message: sha1
          ? 'x5c[0] is signed with SHA-1, which is not accepted as proof that x5c[1] issued it'
          : 'x5c[1] did not issue x5c[0]',
      });
    }
    return this.#commitDidList(plan, refuse);
  }

  /** DID trust-list references (DID URLs, DIDs) that no DID document added so far resolves. */
  get unresolvedDidReferences(): readonly string[] {
    return [...this.#pendingDidRefs.keys()];
  }

  /** The CSCA certificate (DER) a trust source listed under `id` (a DID trust list's DID URL or kid), if any. */
  cscaFor(id: string): Uint8Array | undefined {
    return this.#cscas.find((c) => c.ids?.includes(id))?.der;
  }

  #didList(json: Json, options: TrustAddOptions): TrustSourceSummary {
    if (options.issuer !== undefined || options.id !== undefined)
      throw new TrustInvalidError("a DID trust list names each key's identity itself; give it without an issuer or id");
    if (this.#didHandler) return this.#didHandler(json);
    const plan = planDidTrustList(json);
    if (plan.entries.some((e) => e.chain !== undefined)) {
      throw new TrustInvalidError(
        'this DID trust list has x5c chains whose signatures must be checked (asynchronous): use ' +
          '`await trust.load(list)` or `await trust.addDidTrustList(list)`',
      );
    }
    return this.#commitDidList(plan, []);
  }

  /** Add what a checked DID trust list holds: every key and CSCA that passed, in one go. */
  #commitDidList(
    plan: DidTrustListPlan,
    refusals: { entry: PlannedSigner | PlannedCsca; code: string; message: string }[],
  ): TrustSourceSummary {
    const problems = [...plan.problems];
    let refused = plan.refused;
    const out = new Set<PlannedSigner | PlannedCsca>();
    const note = (entry: PlannedSigner | PlannedCsca, code: string, message: string) => {
      out.add(entry);
      refused++;
      if (problems.length < 50) problems.push({ index: entry.index, id: cutId(entry.vmId), code, message });
    };
    for (const r of refusals) note(r.entry, r.code, r.message);
    const cscas = plan.entries.filter((e): e is PlannedCsca => e.role === 'csca' && !out.has(e));
    // CSCAs by subject name: a conflict needs the signer to name the CSCA as its issuer, so a 100,000-entry list
    // never compares every signer with every CSCA.
    const bySubject = new Map<string, X509CertificateInfo[]>();
    for (const csca of [...this.#cscas.map((c) => c.x509), ...cscas.map((c) => c.x509)]) {
      const list = bySubject.get(nameKey(csca.subject)) ?? [];
      list.push(csca);
      bySubject.set(nameKey(csca.subject), list);
    }
    for (const entry of plan.entries) {
      if (entry.role !== 'signer' || out.has(entry) || !entry.x509) continue;
      for (const csca of bySubject.get(nameKey(entry.x509.issuer)) ?? []) {
        const conflict = chainCountryConflict(entry.x509, csca);
        if (conflict) {
          note(entry, 'ERR_TRUST_CHAIN_COUNTRY', `x5c[0] is for ${conflict.signer}; its CSCA is ${conflict.csca}'s`);
          break;
        }
      }
    }
    if (cscas.length > 0) {
      const newBySubject = new Map<string, PlannedCsca[]>();
      for (const entry of cscas) {
        const list = newBySubject.get(nameKey(entry.x509.subject)) ?? [];
        list.push(entry);
        newBySubject.set(nameKey(entry.x509.subject), list);
      }
      for (const key of this.store.keys()) {
        const x509 = certificateOfKey(key);
        for (const entry of (x509 && newBySubject.get(nameKey(x509.issuer))) || []) {
          const conflict = !out.has(entry) && chainCountryConflict(x509!, entry.x509);
          if (conflict)
            note(entry, 'ERR_TRUST_CHAIN_COUNTRY', `trusted signer ${key.id} of ${conflict.signer} names it as issuer`);
        }
      }
    }
    const signers = plan.entries.filter((e): e is PlannedSigner => e.role === 'signer' && !out.has(e));
    const newCscas = cscas.filter((e) => !out.has(e));
    if (this.#cscas.length + newCscas.length > MAX_CSCAS)
      throw new TrustInvalidError(`more than ${MAX_CSCAS} CSCA certificates`);
    // Validate every key on a scratch store first, so a key the store refuses adds nothing.
    const scratch = new TrustStore();
    const usable = signers.filter((entry) => {
      try {
        scratch.add(entry.key);
        return true;
      } catch (error) {
        note(entry, 'ERR_DID_TRUST_KEY', error instanceof Error ? error.message : String(error));
        return false;
      }
    });
    if (usable.length + newCscas.length === 0 && plan.references.length === 0 && refused + plan.skipped > 0) {
      const first = problems
        .slice(0, 3)
        .map((p) => `[${p.index}] ${p.id}: ${p.message} (${p.code})`)
        .join('; ');
      throw new TrustInvalidError(
        `DID trust list ${JSON.stringify(plan.id.slice(0, 80))} has no usable entry: ${first}`,
        {
          reason: problems[0]?.code ?? 'ERR_DID_TRUST_LIST_INVALID',
        },
      );
    }
    let keys = 0;
    for (const entry of usable) {
      wrap('DID trust list', () => this.store.add(entry.key));
      keys++;
    }
    for (const entry of newCscas) {
      const known = this.#cscas.find((c) => sameBytes(c.der, entry.der));
      const merged: CscaEntry = {
        der: entry.der,
        x509: entry.x509,
        issuers: [...new Set([...(known?.issuers ?? []), ...entry.issuers])],
        purposes: [...new Set([...(known?.purposes ?? []), ...entry.purposes])],
        ids: [...new Set([...(known?.ids ?? []), ...entry.ids])],
      };
      if (known) this.#cscas[this.#cscas.indexOf(known)] = merged;
      else this.#cscas.push(merged);
    }
    this.#resolveDidIds(plan.ids);
    for (const ref of plan.references) {
      if (this.#didResolves(ref)) continue;
      this.#pendingDidRefs.set(ref, plan.id);
      const did = ref.split('#')[0]!;
      const set = this.#pendingByDid.get(did) ?? new Set<string>();
      set.add(ref);
      this.#pendingByDid.set(did, set);
    }
    const unresolved = plan.references.filter((ref) => this.#pendingDidRefs.has(ref)).length;
    return {
      kind: 'did-trust-list',
      keys,
      cscas: newCscas.length,
      ...(plan.references.length > 0 ? { references: plan.references.length, unresolvedReferences: unresolved } : {}),
      ...(refused > 0 ? { refused } : {}),
      ...(plan.skipped > 0 ? { skipped: plan.skipped } : {}),
      ...(problems.length > 0 ? { problems } : {}),
    };
  }

  /** Note DID documents / verification methods as added, and drop the references they resolve. */
  #resolveDidIds(ids: readonly string[]): void {
    for (const id of ids) {
      this.#didIds.add(id);
      this.#pendingDidRefs.delete(id);
      // A document resolves every reference into it; a key resolves its own reference only (deleted above).
      for (const ref of this.#pendingByDid.get(id) ?? []) this.#pendingDidRefs.delete(ref);
      this.#pendingByDid.delete(id);
    }
  }

  /** A reference resolves when its DID URL, or the DID document it lies in, was added. */
  #didResolves(ref: string): boolean {
    if (this.#didIds.has(ref)) return true;
    const hash = ref.indexOf('#');
    return hash > 0 && this.#didIds.has(ref.slice(0, hash));
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
    const id =
      stringOption(options.id, 'key id') ?? (isObject(input) && typeof input.id === 'string' ? input.id : DIVOC_KEY_ID);
    const controller = stringOption(options.issuer, 'issuer');
    // Public keys only, parsed without node:crypto, so the browser build reads the same trust material as Node.
    const key = wrap('DIVOC key', (): PublicKeyInfo => {
      if (typeof input === 'string') return importPublicKeyInfo({ pem: input });
      if (typeof input.publicKeyBase58 === 'string')
        return importPublicKeyInfo({ type: 'Ed25519', publicKeyBase58: input.publicKeyBase58 });
      if (typeof input.publicKeyPem === 'string') return importPublicKeyInfo({ pem: input.publicKeyPem });
      throw new TrustInvalidError('DIVOC key JSON has neither publicKeyBase58 nor publicKeyPem');
    });
    this.#addKey(key, id, controller);
    if (controller !== undefined && options.name !== undefined) this.#issuerNames.set(controller, options.name);
    return { kind: 'divoc-key', keys: 1 };
  }

  /**
   * DIVOC's verifier configuration (the keys its verification apps were built with): `certificatePublicKey` (PEM,
   * RSA) and/or `certificatePublicKeyBase58` (Ed25519), named by `CERTIFICATE_DID` (default `did:india`), owned by
   * `CERTIFICATE_CONTROLLER_ID`. `CERTIFICATE_SIGNED_KEY_TYPE` (`RSA` / `ED25519`), when present, picks one of them.
   */
  addDivocConfig(config: unknown, options: Pick<TrustAddOptions, 'name' | 'id' | 'issuer'> = {}): TrustSourceSummary {
    if (!isObject(config)) throw new TrustInvalidError('DIVOC configuration must be an object');
    const id =
      stringOption(options.id, 'key id') ?? stringOption(config.CERTIFICATE_DID, 'CERTIFICATE_DID') ?? DIVOC_KEY_ID;
    const controller =
      stringOption(options.issuer, 'issuer') ??
      stringOption(config.CERTIFICATE_CONTROLLER_ID, 'CERTIFICATE_CONTROLLER_ID');
    const keyType =
      typeof config.CERTIFICATE_SIGNED_KEY_TYPE === 'string'
        ? config.CERTIFICATE_SIGNED_KEY_TYPE.toUpperCase()
        : undefined;
    const keys: PublicKeyInfo[] = [];
    wrap('DIVOC configuration', () => {
      if (typeof config.certificatePublicKey === 'string' && keyType !== 'ED25519')
        keys.push(importPublicKeyInfo({ pem: config.certificatePublicKey }));
      if (typeof config.certificatePublicKeyBase58 === 'string' && (keyType === undefined || keyType === 'ED25519')) {
        keys.push(importPublicKeyInfo({ type: 'Ed25519', publicKeyBase58: config.certificatePublicKeyBase58 }));
      }
    });
    if (keys.length === 0)
      throw new TrustInvalidError(`DIVOC configuration has no public key for key type ${keyType ?? 'any'}`);
    for (const key of keys) this.#addKey(key, id, controller);
    if (controller !== undefined && options.name !== undefined) this.#issuerNames.set(controller, options.name);
    return { kind: 'divoc-config', keys: keys.length };
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
    const parsed = crls.map((crl, i) =>
      wrap(`crl[${i}]`, () => parseRevocationList(typeof crl === 'string' ? parseJsonText(crl, `crl[${i}]`) : crl)),
    );
    // Validate the JWKS on a scratch store first so a bad CRL or JWKS adds nothing.
    wrap('jwks.json', () => new TrustStore().addJwks(material.jwks));
    const summary = this.addJwks(material.jwks, {
      ...(material.issuer !== undefined ? { issuer: material.issuer } : {}),
      ...(material.name !== undefined ? { name: material.name } : {}),
    });
    if (this.#crls.length + parsed.length > MAX_CRLS)
      throw new TrustInvalidError(`more than ${MAX_CRLS} revocation lists`);
    this.#crls.push(...parsed);
    if (material.issuer !== undefined) for (const crl of parsed) this.#crlIssuers.set(crl.kid, material.issuer);
    return { ...summary, revocationLists: parsed.length };
  }

  /** Add one key as is (validated by the store). */
  addTrustedKey(key: TrustedKey): TrustSourceSummary {
    wrap('trusted key', () => this.store.add(key));
    return { kind: 'trust-list-entry', keys: 1 };
  }

  #addKey(key: PublicKeyInfo, id: string, controller: string | undefined): void {
    // P-256 keys also answer to their JWK thumbprint, the kid SMART Health Cards name; a key bound to a DID also
    // answers to that DID, so `--trust did:x=key.pem` keeps trusting credentials whose proofs name did:x.
    const aliases = [
      ...(key.type === 'P-256' ? [jwkThumbprint(key.jwk)] : []),
      ...(controller !== undefined && controller.startsWith('did:') ? [controller] : []),
    ].filter((alias) => alias !== id);
    wrap('key', () =>
      this.store.add({
        id,
        type: key.type,
        publicKeyJwk: key.jwk,
        ...(aliases.length > 0 ? { aliases } : {}),
        ...(controller !== undefined ? { controller } : {}),
      }),
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

/** A distinguished name as `sameDistinguishedName` compares it (attributes in order, values folded). */
function nameKey(dn: X509CertificateInfo['subject']): string {
  return dn.attributes.map((a) => `${a.oid}=${a.value.trim().replace(/\s+/g, ' ').toLowerCase()}`).join('\u0000');
}

/** ECDSA and RSA signatures over SHA-1: not accepted as evidence that a certificate was issued by another. */
const SHA1_SIGNATURES = new Set(['1.2.840.10045.4.1', '1.2.840.113549.1.1.5']);

/** An entry id for a summary (a DID trust list's own, so trusted material, but still bounded). */
const cutId = (id: string): string => (id.length > 200 ? `${id.slice(0, 200)}…` : id);

/** A trust list whose every entry also signs for `issuer` (an `ISSUER=FILE` binding). */
function withIssuer(json: unknown, issuer: string): unknown {
  if (!isObject(json) || !Array.isArray(json.issuers)) return json;
  return {
    ...json,
    issuers: json.issuers.map((entry: unknown) => {
      if (!isObject(entry)) return entry;
      const own = entry.issuer === undefined ? [] : Array.isArray(entry.issuer) ? entry.issuer : [entry.issuer];
      return { ...entry, issuer: [...own, issuer] };
    }),
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
