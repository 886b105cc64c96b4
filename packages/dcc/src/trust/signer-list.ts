import {
  assertSafeJson,
  dccKid,
  isIssuedBy,
  isUnsafeJsonError,
  parseCertificate,
  parseJsonStrict,
  sameIssuer,
  TrustStore,
  trustStoreOf,
  verifyCmsDetachedSignature,
  type TrustOption,
  type X509CertificateInfo,
  base64Decode,
  isJsonObject,
} from '@divoc/keys';
import { DccCertificateError, DccTrustListError } from '../lib/errors.js';

const MAX_ENTRIES = 100_000;
/** Trust anchors given at once (a gateway rolls its anchor over now and then: a few, never many). */
const MAX_TRUST_ANCHORS = 16;
/** CSCAs given besides the list's own. */
const MAX_EXTRA_CSCAS = 10_000;

/** `certificateType` values of the EU DCC Gateway's `/trustList` (an entry without one is a document signer). */
export const DCC_TRUST_LIST_CERTIFICATE_TYPES = ['DSC', 'CSCA', 'UPLOAD', 'AUTHENTICATION'] as const;
/** A certificate type of an EU DCC Gateway trust list entry (`DSC`, `CSCA`, `UPLOAD`, `AUTHENTICATION`). */
export type DccTrustListCertificateType = (typeof DCC_TRUST_LIST_CERTIFICATE_TYPES)[number];

/** Options of `loadDccSignerList`: where the keys go. */
export interface LoadDccSignerListOptions {
  /** Add to this store (or to the verifier's `Trust`, through its `store`) instead of a new one. */
  trust?: TrustOption<TrustStore>;
  /** @deprecated use `trust` */
  trustStore?: TrustStore;
}

/** Options of `loadDccTrustList`: a signer list's options, and the gateway's trust anchor that signs the list. */
export interface LoadDccTrustListOptions extends LoadDccSignerListOptions {
  /**
   * The gateway's trust anchor certificate(s) (PEM — several blocks for a rollover —, base64 DER or DER). With one,
   * every entry's `signature` must verify: CSCA, UPLOAD and AUTHENTICATION entries are signed by the trust anchor,
   * each document signer by an UPLOAD certificate of its country that the trust anchor signed; and every document
   * signer must chain to a CSCA of its country.
   */
  trustAnchor?: string | Uint8Array | readonly (string | Uint8Array)[];
  /** CSCA certificates trusted besides the list's own CSCA entries (e.g. added to a verifier's trust separately). */
  cscas?: readonly X509CertificateInfo[];
}

/** What `loadDccTrustList` found and added. */
export interface LoadedDccTrustList {
  trustStore: TrustStore;
  /** Document signers added as keys. */
  signers: number;
  /** CSCA certificates of the list (checked against the trust anchor when one was given): they anchor the signers. */
  cscas: X509CertificateInfo[];
  /** Entries of other types (UPLOAD, AUTHENTICATION): checked, never trusted as signers. */
  other: number;
  /** Withdrawn document signers (`rawData: null`, as the gateway lists a deleted DSC): skipped. */
  withdrawn: number;
  /** Whether the entries' signatures were checked against a trust anchor. */
  anchored: boolean;
}

interface Entry {
  index: number;
  kid: string;
  type: DccTrustListCertificateType;
  der: Uint8Array;
  x509: X509CertificateInfo;
  /** The certificate's country (`C`), upper case, when it names one. */
  country?: string;
  /** The listed country, as given (checked against `country`). */
  listedCountry?: string;
  signature?: string;
}

function entriesOf(json: unknown): unknown[] {
  let value = json;
  if (typeof value === 'string') {
    if (value.length > 64 * 1024 * 1024) throw new DccCertificateError('signer list is too large');
    try {
      // Strict: a member named twice or named `__proto__` / `constructor` / `prototype` is refused.
      value = parseJsonStrict(value);
    } catch (cause) {
      if (isUnsafeJsonError(cause))
        throw new DccCertificateError(`signer list is refused: ${cause.message} (${cause.code})`, { cause });
      throw new DccCertificateError('signer list is not JSON', { cause });
    }
  } else {
    try {
      assertSafeJson(value);
    } catch (cause) {
      throw new DccCertificateError(
        `signer list is refused: ${(cause as Error).message} (${(cause as { code?: string }).code})`,
        { cause },
      );
    }
  }
  // EU gateway / national backends: a bare array, or `{ certificates: [...] }`.
  if (isJsonObject(value) && Array.isArray(value.certificates)) {
    value = value.certificates;
  }
  if (!Array.isArray(value))
    throw new DccCertificateError('signer list must be an array of { kid, rawData } (or { certificates: [...] })');
  if (value.length > MAX_ENTRIES) throw new DccCertificateError(`signer list has more than ${MAX_ENTRIES} entries`);
  return value;
}

function sameCountry(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase() || sameIssuer(a, b);
}

/**
 * Every entry checked on its own: a readable certificate whose computed kid is the listed kid, whose SHA-256 is the
 * listed thumbprint and whose subject country is the listed country. The first bad entry refuses the whole list.
 */
function readEntries(json: unknown): { entries: Entry[]; withdrawn: number } {
  const entries: Entry[] = [];
  let withdrawn = 0;
  const staged = new TrustStore();
  entriesOf(json).forEach((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      throw new DccCertificateError(`signer list [${i}] must be an object`);
    const { kid, rawData, country, thumbprint, certificateType, signature } = item as Record<string, unknown>;
    let type: DccTrustListCertificateType = 'DSC';
    if (certificateType !== undefined && certificateType !== null) {
      const known =
        typeof certificateType === 'string'
          ? DCC_TRUST_LIST_CERTIFICATE_TYPES.find((t) => t === certificateType.toUpperCase())
          : undefined;
      if (!known)
        throw new DccCertificateError(
          `signer list [${i}].certificateType must be one of ${DCC_TRUST_LIST_CERTIFICATE_TYPES.join(', ')}`,
        );
      type = known;
    }
    // The gateway keeps a deleted document signer in its list with `rawData: null`: withdrawn, never trusted.
    if (rawData === null && type === 'DSC') {
      withdrawn++;
      return;
    }
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > 64)
      throw new DccCertificateError(`signer list [${i}].kid must be a base64 kid`);
    if (typeof rawData !== 'string' || rawData.length === 0)
      throw new DccCertificateError(`signer list [${i}] (kid ${kid}).rawData must be a base64 DER certificate`);
    let der: Uint8Array;
    let x509: X509CertificateInfo;
    try {
      der = base64Decode(rawData);
      x509 = parseCertificate(der);
      // A document signer becomes a key: its key must be one the SDK verifies with (checked the way it is added).
      if (type === 'DSC') staged.addCertificate(der, { id: kid });
    } catch (cause) {
      throw new DccCertificateError(`signer list [${i}] (kid ${kid}): ${(cause as Error).message}`, { cause });
    }
    const computed = dccKid(der);
    if (kid !== computed) {
      throw new DccTrustListError(
        'ERR_DCC_TRUST_KID_MISMATCH',
        i,
        kid,
        `the listed kid is not the certificate's kid ${computed} (base64 of the first 8 bytes of its SHA-256)`,
      );
    }
    if (thumbprint !== undefined && thumbprint !== null) {
      if (typeof thumbprint !== 'string' || thumbprint.toLowerCase() !== x509.sha256Hex.toLowerCase()) {
        throw new DccTrustListError(
          'ERR_DCC_TRUST_THUMBPRINT_MISMATCH',
          i,
          kid,
          `the listed thumbprint is not the certificate's SHA-256 ${x509.sha256Hex.toLowerCase()}`,
        );
      }
    }
    const subjectCountry = x509.subject.country?.trim();
    let listedCountry: string | undefined;
    if (country !== undefined && country !== null) {
      if (typeof country !== 'string' || country.length === 0 || country.length > 64)
        throw new DccCertificateError(`signer list [${i}] (kid ${kid}).country must be a country code`);
      if (subjectCountry === undefined || !sameCountry(country, subjectCountry)) {
        throw new DccTrustListError(
          'ERR_DCC_TRUST_COUNTRY_MISMATCH',
          i,
          kid,
          `the entry is listed for country ${JSON.stringify(country)}, but its certificate ` +
            `${subjectCountry === undefined ? 'names no country (C)' : `is for ${subjectCountry}`}; ` +
            'an entry cannot bind a key to a country its certificate does not name',
        );
      }
      listedCountry = country;
    }
    if (signature !== undefined && signature !== null && typeof signature !== 'string')
      throw new DccCertificateError(`signer list [${i}] (kid ${kid}).signature must be base64 text`);
    entries.push({
      index: i,
      kid,
      type,
      der,
      x509,
      ...(subjectCountry !== undefined ? { country: subjectCountry.toUpperCase() } : {}),
      ...(listedCountry !== undefined ? { listedCountry } : {}),
      ...(typeof signature === 'string' ? { signature } : {}),
    });
  });
  return { entries, withdrawn };
}

/**
 * Add the document signers: answering to their kid, trusted for their country (`issuers`, and `controller` as
 * before).
 */
function commit(store: TrustStore, signers: readonly Entry[]): void {
  for (const entry of signers) {
    // The listed country is the certificate's (checked); its `C` spelling, upper case, is the identity.
    const country =
      entry.listedCountry !== undefined ? (entry.country ?? entry.listedCountry.toUpperCase()) : undefined;
    store.addCertificate(entry.der, {
      id: entry.kid,
      ...(country !== undefined ? { controller: country, issuers: [country] } : {}),
    });
  }
}

/**
 * Load an EU DCC signer list — `[{ "kid", "rawData", "country"?, "thumbprint"?, "certificateType"?, … }]` as the EU
 * DCC Gateway's `/trustList` or a national backend returns it, or `{ certificates: [...] }` — into a `TrustStore`.
 * Every entry's listed kid must be its certificate's DCC kid, its thumbprint (when listed) the certificate's
 * SHA-256, its country (when listed) the certificate subject's `C`; a document signer answers to its kid (its
 * SHA-256 is an alias) and is trusted for its country. Entries of type CSCA, UPLOAD or AUTHENTICATION are never
 * signers. All entries are checked before any is added; the first bad one refuses the whole list with
 * `DccTrustListError` (`ERR_DCC_TRUST_*`, naming its index and kid) or `DccCertificateError`.
 *
 * This synchronous loader checks no signatures: a list holding CSCA entries needs the chain check of
 * `loadDccTrustList`, and is refused here. Load only a list you already trust, or use `loadDccTrustList` with the
 * gateway's trust anchor.
 */
export function loadDccSignerList(json: unknown, options: LoadDccSignerListOptions = {}): TrustStore {
  const { entries } = readEntries(json);
  const csca = entries.find((e) => e.type === 'CSCA');
  if (csca) {
    throw new DccCertificateError(
      `signer list [${csca.index}] is a CSCA: its document signers must be checked against it, ` +
        'which needs signature checks; load the list with loadDccTrustList (asynchronous)',
    );
  }
  const staged = new TrustStore();
  const signers = entries.filter((e) => e.type === 'DSC');
  commit(staged, signers);
  const store = trustStoreOf(options);
  if (!store) return staged;
  commit(store, signers);
  return store;
}

function pemBlocks(text: string): string[] | undefined {
  const out: string[] = [];
  const BEGIN = '-----BEGIN CERTIFICATE-----';
  const END = '-----END CERTIFICATE-----';
  let at = text.indexOf(BEGIN);
  if (at === -1) return undefined;
  while (at !== -1) {
    const end = text.indexOf(END, at + BEGIN.length);
    if (end === -1) throw new DccCertificateError(`trust anchor PEM block ${out.length} has no END line`);
    out.push(text.slice(at + BEGIN.length, end));
    if (out.length > MAX_TRUST_ANCHORS) throw new DccCertificateError(`more than ${MAX_TRUST_ANCHORS} trust anchors`);
    at = text.indexOf(BEGIN, end + END.length);
  }
  return out;
}

function trustAnchorsOf(input: LoadDccTrustListOptions['trustAnchor']): X509CertificateInfo[] {
  if (input === undefined) return [];
  const items: (string | Uint8Array)[] = [];
  for (const item of Array.isArray(input) ? input : [input]) {
    if (typeof item === 'string') items.push(...(pemBlocks(item) ?? [item]));
    else if (item instanceof Uint8Array) items.push(item);
    else throw new DccCertificateError('trustAnchor must be PEM, base64 DER or DER bytes (or a list of them)');
  }
  if (items.length === 0) throw new DccCertificateError('trustAnchor holds no certificate');
  if (items.length > MAX_TRUST_ANCHORS) throw new DccCertificateError(`more than ${MAX_TRUST_ANCHORS} trust anchors`);
  return items.map((item, i) => {
    try {
      return parseCertificate(typeof item === 'string' ? base64Decode(item) : item);
    } catch (cause) {
      throw new DccCertificateError(
        `trust anchor ${i} is not a readable X.509 certificate: ${(cause as Error).message}`,
        { cause },
      );
    }
  });
}

async function checkSignature(entry: Entry, signers: readonly X509CertificateInfo[], by: string): Promise<void> {
  if (entry.signature === undefined || entry.signature.length === 0) {
    throw new DccTrustListError(
      'ERR_DCC_TRUST_SIGNATURE_INVALID',
      entry.index,
      entry.kid,
      `${entry.type} entry has no signature, and a trust anchor was given`,
    );
  }
  let cms: Uint8Array;
  try {
    cms = base64Decode(entry.signature);
  } catch (cause) {
    throw new DccTrustListError(
      'ERR_DCC_TRUST_SIGNATURE_INVALID',
      entry.index,
      entry.kid,
      'the signature is not base64',
      { cause },
    );
  }
  const result = await verifyCmsDetachedSignature(cms, entry.der, signers);
  if (!result.valid) {
    throw new DccTrustListError(
      'ERR_DCC_TRUST_SIGNATURE_INVALID',
      entry.index,
      entry.kid,
      `${entry.type} entry: the signature is not a CMS signature by ${by} over the certificate: ${result.reason}`,
    );
  }
}

/**
 * Load an EU DCC Gateway trust list with every check a national backend makes: those of `loadDccSignerList`, then
 * - with `trustAnchor`: each entry's `signature` — a base64 CMS SignedData (RFC 5652) with the certificate DER as
 *   its detached content, as the gateway stores it — must verify: CSCA, UPLOAD and AUTHENTICATION entries with the
 *   trust anchor's key, a document signer (DSC) with the key of a trust-anchor-signed UPLOAD certificate of its
 *   country (the national backend signed its upload with it). Load the whole list (`/trustList`), not only DSCs.
 * - CSCAs (the list's CSCA entries, plus `options.cscas`): a document signer issued (`isIssuedBy`) by a CSCA of
 *   another country is refused (`ERR_TRUST_CHAIN_COUNTRY`); one of a country with a known CSCA, or any one when a
 *   trust anchor was given, must be issued by a CSCA of its country (`ERR_DCC_TRUST_CHAIN_UNTRUSTED`).
 * Without a trust anchor or CSCAs, the document signers are trusted as listed (the operator vouches for the list).
 * All-or-nothing: the first refused entry throws `DccTrustListError` and nothing is added. CSCA, UPLOAD and
 * AUTHENTICATION certificates never become signer keys.
 */
export async function loadDccTrustList(
  json: unknown,
  options: LoadDccTrustListOptions = {},
): Promise<LoadedDccTrustList> {
  const anchors = trustAnchorsOf(options.trustAnchor);
  const extra = options.cscas ?? [];
  if (!Array.isArray(extra) || extra.length > MAX_EXTRA_CSCAS)
    throw new DccCertificateError(`cscas must be a list of at most ${MAX_EXTRA_CSCAS} certificates`);
  const { entries, withdrawn } = readEntries(json);
  const signers = entries.filter((e) => e.type === 'DSC');
  const listCscas = entries.filter((e) => e.type === 'CSCA');

  if (anchors.length > 0) {
    const uploads = new Map<string, X509CertificateInfo[]>();
    for (const entry of entries) {
      if (entry.type === 'DSC') continue;
      await checkSignature(entry, anchors, 'the trust anchor');
      if (entry.type === 'UPLOAD' && entry.country !== undefined)
        uploads.set(entry.country, [...(uploads.get(entry.country) ?? []), entry.x509]);
    }
    for (const entry of signers) {
      const country = entry.country;
      const candidates =
        country !== undefined
          ? [...uploads.entries()].filter(([c]) => sameCountry(c, country)).flatMap(([, certs]) => certs)
          : [];
      if (candidates.length === 0) {
        throw new DccTrustListError(
          'ERR_DCC_TRUST_SIGNATURE_INVALID',
          entry.index,
          entry.kid,
          `no UPLOAD certificate of ${country ?? 'its country'} in the list to check the document signer's signature ` +
            "with (load the gateway's whole /trustList, not only its DSCs)",
        );
      }
      await checkSignature(entry, candidates, `an UPLOAD certificate of ${country}`);
    }
  }

  const cscas = [...listCscas.map((e) => e.x509), ...extra];
  if (cscas.length > 0 || anchors.length > 0) {
    for (const entry of signers) {
      let issuer: X509CertificateInfo | undefined;
      for (const csca of cscas) {
        if (await isIssuedBy(entry.x509, csca)) {
          issuer = csca;
          break;
        }
      }
      const country = entry.country;
      const cscaCountry = issuer?.subject.country;
      if (issuer && country !== undefined && cscaCountry !== undefined && !sameCountry(country, cscaCountry)) {
        throw new DccTrustListError(
          'ERR_TRUST_CHAIN_COUNTRY',
          entry.index,
          entry.kid,
          `the document signer is for country ${country}, ` +
            `but the CSCA that issued it (${issuer.subject.text.split('\n').join(', ')}) is ${cscaCountry}'s; ` +
            'a CSCA vouches for its own country only',
        );
      }
      if (!issuer) {
        const ofCountry =
          country !== undefined &&
          cscas.some((c) => c.subject.country !== undefined && sameCountry(c.subject.country, country));
        if (anchors.length > 0 || ofCountry) {
          throw new DccTrustListError(
            'ERR_DCC_TRUST_CHAIN_UNTRUSTED',
            entry.index,
            entry.kid,
            `no ${anchors.length > 0 ? 'trust-anchor-signed ' : ''}CSCA of ${country ?? 'its country'} ` +
              'issued and signed the document signer',
          );
        }
      }
    }
  }

  const store = trustStoreOf(options) ?? new TrustStore();
  commit(store, signers);
  return {
    trustStore: store,
    signers: signers.length,
    cscas: listCscas.map((e) => e.x509),
    other: entries.length - signers.length - listCscas.length,
    withdrawn,
    anchored: anchors.length > 0,
  };
}
