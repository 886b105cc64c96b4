/**
 * Optional helpers that fetch a DID trust list (WHO ddcc-trust, GDHCN v2) over HTTPS, cache it, and check its
 * signature when it is signed (`Ed25519Signature2020` or `JsonWebSignature2020`, with the JSON-LD contexts bundled
 * here; `verifyDidTrustListProof` checks a list read from a file). Nothing here runs at import: a list is fetched
 * only when `fetchDidTrustList` is called. Add what it returns with `await trust.load(fetched.document)`.
 *
 * @module @divoc/verifier/did-web
 */
import { createDocumentLoader } from '@divoc/schemas';
import { isUnsafeJsonError, parseJsonStrict, sha256, type TrustedKey } from '@divoc/keys';
import { canonize, jsonWebSignature2020, suites, type JsonObject, type Proof, type ProofSuite } from '@divoc/vc';
// The two contexts every DID trust list names, compiled into this entry only (see tsup.config.mjs `bundle`), so a
// signed list is checked offline and the main entry does not carry them.
import didV1Context from 'did-context/js/context.js';
import jws2020Context from '@transmute/security-context/contexts/suites/jws-2020-v1.json' with { type: 'json' };
import { isObject } from './lib/bytes.js';
import { TrustInvalidError, TrustUnreadableError } from './lib/errors.js';
import { isDidTrustList } from './trust/did-trust-list.js';
import { MAX_TRUST_TEXT } from './trust/trust.js';

/** A cached copy of a fetched list. */
export interface CachedDidTrustList {
  url: string;
  /** When it was fetched (ms since the epoch). */
  fetchedAt: number;
  text: string;
}

/** Where fetched lists are kept between calls: any async key-value store (IndexedDB, Redis, a Map). */
export interface DidTrustListCache {
  /** The cached copy for `url`, if there is one (of any age: `fetchDidTrustList` applies `maxAge`). */
  get(url: string): Promise<CachedDidTrustList | undefined> | CachedDidTrustList | undefined;
  /** Keep `entry` for `url` (called only with lists that passed every check). */
  set(url: string, entry: CachedDidTrustList): Promise<void> | void;
}

/** The list signer a signed list (`s/` variants, GDHCN v2) must be signed by, and any extra JSON-LD contexts. */
export interface DidTrustListProofCheck {
  /** The trusted list-signer key (`trustedKeyFromKeyPair`, a `TrustedKey` from a trust store). */
  key: TrustedKey;
  /**
   * Extra JSON-LD contexts by URL, for a list that names contexts beyond the usual ones. Not needed for WHO's
   * lists: the W3C DID v1 and JWS 2020 contexts are bundled here, and the Ed25519 2020 one with `@divoc/schemas`
   * (none of these can be replaced). A context that is not served makes the proof uncheckable and the list refused
   * (nothing is fetched to get it).
   */
  contexts?: Readonly<Record<string, unknown>>;
}

/** Options of `fetchDidTrustList`. */
export interface FetchDidTrustListOptions {
  /** The `fetch` to use (default `globalThis.fetch`): a proxy-aware one, or a stub in tests. */
  fetch?: (url: string, init?: { signal?: AbortSignal; headers?: Record<string, string> }) => Promise<Response>;
  /** A cache for fetched lists. */
  cache?: DidTrustListCache;
  /** Node only: a folder for cached lists (one file per URL). */
  cacheDir?: string;
  /** How old (ms) a cached copy may be and still be used without fetching. Default one day. */
  maxAge?: number;
  /** Most bytes a list may have. Default `MAX_TRUST_TEXT` (16 MiB). */
  maxBytes?: number;
  /** Give up after this many ms. Default 30 000. */
  timeoutMs?: number;
  /**
   * Check the list's proof (`Ed25519Signature2020`, as WHO ddcc-trust `s/` lists, or `JsonWebSignature2020`, as
   * GDHCN version 2 lists) against this list-signer key: a list without a proof, or whose proof does not verify, is
   * refused. Without it a proof is not checked (`proof: "unchecked"`). See `verifyDidTrustListProof`.
   */
  verifyProof?: DidTrustListProofCheck;
  /** The clock for `maxAge` (default now). */
  now?: Date;
}

/** What `fetchDidTrustList` got. */
export interface FetchedDidTrustList {
  /** The URL fetched (a did:web resolved to its `did.json`). */
  url: string;
  /** The list, parsed strictly (duplicate members refused). */
  document: Record<string, unknown>;
  fromCache: boolean;
  fetchedAt: Date;
  /** `verified` with `verifyProof`; `unchecked` when signed but no key was given; `absent` when unsigned. */
  proof: 'verified' | 'unchecked' | 'absent';
}

const DAY = 24 * 60 * 60 * 1000;
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;

/**
 * The HTTPS URL of a did:web DID's document (W3C did:web: `did:web:host[:path…]` → `https://host/path…/did.json`,
 * `https://host/.well-known/did.json` without a path; `%3A` in the host is a port). An https URL is returned as is.
 */
export function didWebUrl(didOrUrl: string): string {
  if (typeof didOrUrl !== 'string' || didOrUrl.length === 0 || didOrUrl.length > 2048)
    throw new TrustInvalidError('a did:web DID or an https URL is needed');
  if (/^https:\/\//i.test(didOrUrl) || LOOPBACK.test(didOrUrl)) return new URL(didOrUrl).href;
  const m = /^did:web:([^#?]+)$/.exec(didOrUrl);
  if (!m) throw new TrustInvalidError(`not a did:web DID nor an https URL: ${JSON.stringify(didOrUrl.slice(0, 100))}`);
  const [host, ...path] = m[1]!.split(':').map((part) => decodeURIComponent(part));
  if (!host || !/^[A-Za-z0-9.-]+(:\d+)?$/.test(host))
    throw new TrustInvalidError(`did:web host ${JSON.stringify(host?.slice(0, 100))} is not a host name`);
  if (path.some((p) => p === '' || p === '.' || p === '..' || p.includes('/')))
    throw new TrustInvalidError('did:web path segments must be plain names');
  return path.length === 0
    ? `https://${host}/.well-known/did.json`
    : `https://${host}/${path.map(encodeURIComponent).join('/')}/did.json`;
}

async function readCapped(response: Response, max: number, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) throw new TrustInvalidError(`${url} is larger than ${max} bytes`);
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new TrustInvalidError(`${url} is larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(all);
}

function parseList(text: string, url: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = parseJsonStrict(text.replace(/^\uFEFF/, ''), { maxLength: MAX_TRUST_TEXT });
  } catch (error) {
    const why = isUnsafeJsonError(error) ? `refused: ${error.message} (${error.code})` : 'not valid JSON';
    throw new TrustInvalidError(`${url}: ${why}`, { cause: error });
  }
  if (!isObject(json) || !isDidTrustList(json)) throw new TrustInvalidError(`${url} is not a DID trust list`);
  return json;
}

/** File-system cache (Node), loaded only when `cacheDir` is given. */
async function fileCache(dir: string): Promise<DidTrustListCache> {
  const { mkdir, readFile, writeFile, rename } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const file = (url: string) =>
    join(
      dir,
      `${Array.from(sha256(new TextEncoder().encode(url)), (b) => b.toString(16).padStart(2, '0')).join('')}.json`,
    );
  return {
    async get(url) {
      try {
        const entry = JSON.parse(await readFile(file(url), 'utf8')) as CachedDidTrustList;
        return entry.url === url && typeof entry.text === 'string' && typeof entry.fetchedAt === 'number'
          ? entry
          : undefined;
      } catch {
        return undefined;
      }
    },
    async set(url, entry) {
      await mkdir(dir, { recursive: true });
      const path = file(url);
      // Write then rename, so a reader never sees half a file.
      await writeFile(`${path}.tmp`, JSON.stringify(entry));
      await rename(`${path}.tmp`, path);
    },
  };
}

/** Contexts every DID trust list names that `@divoc/schemas` does not bundle. */
const DID_TRUST_LIST_CONTEXTS: Readonly<Record<string, unknown>> = {
  'https://www.w3.org/ns/did/v1': didV1Context,
  'https://w3id.org/security/suites/jws-2020/v1': jws2020Context,
};

/** The proof types a signed list may carry, each with the `@divoc/vc` suite that checks it. */
const LIST_PROOF_SUITES: ReadonlyMap<string, ProofSuite> = new Map([
  ['Ed25519Signature2020', suites.Ed25519Signature2020],
  ['JsonWebSignature2020', jsonWebSignature2020],
]);

/**
 * Check a signed DID trust list's proof, offline, for a list read from a file or fetched by other means
 * (`fetchDidTrustList` calls it with `verifyProof`). Accepted: `Ed25519Signature2020` (WHO ddcc-trust `s/` lists) and
 * `JsonWebSignature2020` (GDHCN version 2 lists; JWS `EdDSA`, `ES256` or `PS256` by the key's type), each checked
 * with `@divoc/vc`'s suite: RDFC-1.0 canonicalisation of the document without its proof and of the proof options,
 * SHA-256 of each, the signature over both by the given key. The W3C DID v1 and JWS 2020 contexts are bundled, so
 * nothing is fetched. Also: the proof names that key (`verificationMethod` is its id or an alias) for
 * `assertionMethod`. Not checked: `created` / expiry of the proof, and whether the key's DID document still lists it
 * (the caller trusts the key as given). Resolves when the proof verifies; otherwise `TrustInvalidError` with reason
 * `ERR_DID_TRUST_PROOF_INVALID` (a list with no proof at all: `TrustInvalidError` without that reason).
 * `source` names the list in messages.
 */
export async function verifyDidTrustListProof(
  list: Readonly<Record<string, unknown>>,
  check: DidTrustListProofCheck,
  source = 'the DID trust list',
): Promise<void> {
  if (!isObject(list)) throw new TrustInvalidError(`${source} is not a JSON object`);
  const proof = list.proof;
  if (proof === undefined) throw new TrustInvalidError(`${source} is not signed, and a signed list was asked for`);
  const suite = isObject(proof) && typeof proof.type === 'string' ? LIST_PROOF_SUITES.get(proof.type) : undefined;
  if (!isObject(proof) || suite === undefined)
    throw new TrustInvalidError(`${source}: the proof is not Ed25519Signature2020 nor JsonWebSignature2020`, {
      reason: 'ERR_DID_TRUST_PROOF_INVALID',
    });
  const names = [check.key.id, ...(check.key.aliases ?? [])];
  if (typeof proof.verificationMethod !== 'string' || !names.includes(proof.verificationMethod))
    throw new TrustInvalidError(`${source}: the proof is by another key than the list signer given`, {
      reason: 'ERR_DID_TRUST_PROOF_INVALID',
    });
  if (proof.proofPurpose !== 'assertionMethod')
    throw new TrustInvalidError(`${source}: the proof's purpose is not assertionMethod`, {
      reason: 'ERR_DID_TRUST_PROOF_INVALID',
    });
  let verifiedBy: TrustedKey | null;
  try {
    // The caller's contexts come first so the bundled ones win: a pinned context is never replaced.
    const documentLoader = createDocumentLoader({
      contexts: { ...(check.contexts ?? {}), ...DID_TRUST_LIST_CONTEXTS },
      registry: null,
    });
    const { proof: _, ...document } = list;
    verifiedBy = await suite.verifyProof({
      document: document as JsonObject,
      proof: proof as unknown as Proof,
      keys: [check.key],
      context: { documentLoader, canonize: (d) => canonize(d, { documentLoader }) },
    });
  } catch (error) {
    const unknownContext = (error as { code?: unknown }).code === 'ERR_JSONLD_UNKNOWN_URL';
    throw new TrustInvalidError(
      `${source}: the proof cannot be checked: ${(error as Error).message}` +
        (unknownContext ? ' (contexts the SDK does not bundle go in verifyProof.contexts)' : ''),
      { cause: error, reason: 'ERR_DID_TRUST_PROOF_INVALID' },
    );
  }
  if (!verifiedBy)
    throw new TrustInvalidError(`${source}: the proof does not verify with the list signer's key`, {
      reason: 'ERR_DID_TRUST_PROOF_INVALID',
    });
}

/**
 * Fetch a DID trust list (a did:web DID or an https URL; `http://` only on loopback), or take it from the cache while
 * it is younger than `maxAge`. The list is parsed strictly and must be a DID trust list; with `verifyProof`, its
 * signature must verify (see `DidTrustListProofCheck`). Fetches only when called, never at import.
 * `TrustUnreadableError` when it cannot be fetched, `TrustInvalidError` when what came back is refused.
 */
export async function fetchDidTrustList(
  source: string,
  options: FetchDidTrustListOptions = {},
): Promise<FetchedDidTrustList> {
  const url = didWebUrl(source);
  const maxBytes = options.maxBytes ?? MAX_TRUST_TEXT;
  const maxAge = options.maxAge ?? DAY;
  const now = (options.now ?? new Date()).getTime();
  const cache = options.cache ?? (options.cacheDir !== undefined ? await fileCache(options.cacheDir) : undefined);
  const finish = async (text: string, fetchedAt: number, fromCache: boolean): Promise<FetchedDidTrustList> => {
    const document = parseList(text, url);
    if (source.startsWith('did:web:') && document.id !== source)
      throw new TrustInvalidError(`${url} holds the document of another DID than ${JSON.stringify(source)}`);
    if (options.verifyProof) await verifyDidTrustListProof(document, options.verifyProof, url);
    const proof = options.verifyProof ? 'verified' : document.proof !== undefined ? 'unchecked' : 'absent';
    return { url, document, fromCache, fetchedAt: new Date(fetchedAt), proof };
  };

  const cached = cache ? await cache.get(url) : undefined;
  if (cached && now - cached.fetchedAt <= maxAge && cached.text.length <= maxBytes)
    return finish(cached.text, cached.fetchedAt, true);

  const fetcher = options.fetch ?? globalThis.fetch;
  if (typeof fetcher !== 'function') throw new TrustUnreadableError('no fetch available; pass options.fetch');
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 30_000);
  let text: string;
  try {
    const response = await fetcher(url, { signal: controller.signal, headers: { accept: 'application/json' } });
    if (!response.ok) throw new TrustUnreadableError(`${url}: HTTP ${response.status}`);
    text = await readCapped(response, maxBytes, url);
  } catch (error) {
    if (error instanceof TrustInvalidError || error instanceof TrustUnreadableError) throw error;
    throw new TrustUnreadableError(`cannot fetch ${url}: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  // Check before caching, so a refused list never lands in the cache.
  const result = await finish(text, now, false);
  if (cache) await cache.set(url, { url, fetchedAt: now, text });
  return result;
}
