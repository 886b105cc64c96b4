/**
 * Optional helpers that fetch a DID trust list (WHO ddcc-trust, GDHCN v2) over HTTPS, cache it, and check its
 * signature when it is signed. Nothing here runs at import: a list is fetched only when `fetchDidTrustList` is
 * called. Add what it returns with `await trust.load(fetched.document)`.
 *
 * @module @divoc/verifier/did-web
 */
import { createDocumentLoader } from '@divoc/schemas';
import { isUnsafeJsonError, parseJsonStrict, sha256, type TrustedKey } from '@divoc/keys';
import { canonize, suites, type JsonObject, type Proof } from '@divoc/vc';
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

/** The list signer a signed list (`s/` variants) must be signed by, and the JSON-LD contexts its proof needs. */
export interface DidTrustListProofCheck {
  /** The trusted list-signer key (`trustedKeyFromKeyPair`, a `TrustedKey` from a trust store). */
  key: TrustedKey;
  /**
   * JSON-LD contexts by URL that canonicalisation needs and the SDK does not bundle: the lists' own
   * `https://www.w3.org/ns/did/v1` and `https://w3id.org/security/suites/jws-2020/v1`. Without them the proof cannot
   * be checked and the list is refused (nothing is fetched to get them).
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
   * Check the list's `Ed25519Signature2020` proof against this list-signer key: a list without a proof, or whose
   * proof does not verify, is refused. Without it a proof is not checked (`proof: "unchecked"`).
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

/**
 * Check a signed list's `Ed25519Signature2020` proof with `@divoc/vc`'s suite: RDFC-1.0 canonicalisation of the
 * document without its proof and of the proof options, SHA-256 of each, the Ed25519 signature over both, by the given
 * key. Also: the proof names that key (`verificationMethod` is its id or an alias) for `assertionMethod`. Not
 * checked: `created` / expiry of the proof, and whether the key's DID document still lists it (the caller trusts
 * the key as given).
 */
async function checkProof(doc: Record<string, unknown>, check: DidTrustListProofCheck, url: string): Promise<void> {
  const proof = doc.proof;
  if (proof === undefined) throw new TrustInvalidError(`${url} is not signed, and a signed list was asked for`);
  if (!isObject(proof) || proof.type !== 'Ed25519Signature2020')
    throw new TrustInvalidError(`${url}: the proof is not an Ed25519Signature2020 proof`, {
      reason: 'ERR_DID_TRUST_PROOF_INVALID',
    });
  const names = [check.key.id, ...(check.key.aliases ?? [])];
  if (typeof proof.verificationMethod !== 'string' || !names.includes(proof.verificationMethod))
    throw new TrustInvalidError(`${url}: the proof is by another key than the list signer given`, {
      reason: 'ERR_DID_TRUST_PROOF_INVALID',
    });
  if (proof.proofPurpose !== 'assertionMethod')
    throw new TrustInvalidError(`${url}: the proof's purpose is not assertionMethod`, {
      reason: 'ERR_DID_TRUST_PROOF_INVALID',
    });
  const documentLoader = createDocumentLoader({ contexts: { ...(check.contexts ?? {}) }, registry: null });
  const { proof: _, ...document } = doc;
  let verifiedBy: TrustedKey | null;
  try {
    verifiedBy = await suites.Ed25519Signature2020.verifyProof({
      document: document as JsonObject,
      proof: proof as unknown as Proof,
      keys: [check.key],
      context: { documentLoader, canonize: (d) => canonize(d, { documentLoader }) },
    });
  } catch (error) {
    throw new TrustInvalidError(
      `${url}: the proof cannot be checked: ${(error as Error).message}` +
        ' (contexts the SDK does not bundle go in verifyProof.contexts)',
      { cause: error, reason: 'ERR_DID_TRUST_PROOF_INVALID' },
    );
  }
  if (!verifiedBy)
    throw new TrustInvalidError(`${url}: the proof does not verify with the list signer's key`, {
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
    if (options.verifyProof) await checkProof(document, options.verifyProof, url);
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
