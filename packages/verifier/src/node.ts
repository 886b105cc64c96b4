/**
 * Node-only trust loaders (files and folders). The rest of `@divoc/verifier` is runtime-neutral; import these from
 * `@divoc/verifier/node`.
 *
 * @module @divoc/verifier/node
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isUnsafeJsonError, parseJsonStrict } from '@divoc/keys';
import { readFileCapped } from '@divoc/keys/node';
import { TrustInvalidError, TrustUnreadableError } from './lib/errors.js';
import { isObject } from './lib/bytes.js';
import { MAX_TRUST_TEXT, Trust, type TrustAddOptions, type TrustSourceSummary } from './trust/trust.js';

/** An issuer folder holds a few revocation lists; refuse folders that are something else entirely. */
export const MAX_TRUST_DIRECTORY_CRL_FILES = 256;
/**
 * Default cap on the bytes of all the files an issuer folder is read from (`jwks.json`, `iss.txt` / `issuer.json`,
 * `crl/*.json`): two full-size trust files (`MAX_TRUST_TEXT` each), so 256 revocation lists cannot add up to 4 GiB.
 */
export const MAX_TRUST_DIRECTORY_BYTES = 2 * MAX_TRUST_TEXT;
const MAX_CRL_FILES = MAX_TRUST_DIRECTORY_CRL_FILES;
/** DID documents a folder may hold (WHO's ddcc-trust `dist/test` has about 3,300). */
export const MAX_DID_DIRECTORY_FILES = 100_000;
/** Sub-folder depth searched in a folder of DID documents (`u/k/<kid>/did.json` is 3). */
const MAX_DID_DIRECTORY_DEPTH = 8;

/** Options of {@link loadTrustFile}: those of `Trust.add`, and the `Trust` to add to. */
export interface LoadTrustFileOptions extends TrustAddOptions {
  /** Add to this Trust instead of a new one. */
  trust?: Trust;
}

/** Options of {@link loadTrustDirectory}: the `Trust` to add to, and the issuer the folder's keys belong to. */
export interface LoadTrustDirectoryOptions {
  trust?: Trust;
  /**
   * The issuer URL the folder's keys belong to (the cards' `iss`). Default: `iss.txt` or `issuer.json` in the folder.
   */
  issuer?: string;
  /** Display name of the issuer. Default: `name` from `issuer.json`. */
  name?: string;
  /**
   * Most bytes read from the folder's files together (`ERR_TRUST_INVALID` beyond). Default `MAX_TRUST_DIRECTORY_BYTES`
   * (32 MiB).
   */
  maxBytes?: number;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Read at most `limit` bytes; a larger file is refused while reading (never read whole, nor `limit` allocated). */
async function readLimited(path: string, limit = MAX_TRUST_TEXT): Promise<Uint8Array> {
  let read;
  try {
    read = await readFileCapped(path, limit);
  } catch (error) {
    throw new TrustUnreadableError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (read.tooLarge) throw new TrustInvalidError(`${path} is larger than ${limit} bytes`);
  return read.bytes;
}

/** What an issuer folder may still read; each file is read within it, so the folder is refused while reading. */
class ReadBudget {
  #left: number;
  constructor(
    readonly dir: string,
    readonly total: number,
  ) {
    this.#left = total;
  }
  async read(path: string): Promise<Uint8Array> {
    const limit = Math.min(MAX_TRUST_TEXT, this.#left);
    let bytes: Uint8Array;
    try {
      bytes = await readLimited(path, limit);
    } catch (error) {
      if (error instanceof TrustInvalidError && limit < MAX_TRUST_TEXT)
        throw new TrustInvalidError(`${this.dir}: its files hold more than ${this.total} bytes in all`, {
          cause: error,
        });
      throw error;
    }
    this.#left -= bytes.length;
    return bytes;
  }
}

async function readText(path: string, budget?: ReadBudget): Promise<string> {
  return new TextDecoder().decode(await (budget ? budget.read(path) : readLimited(path))).replace(/^\uFEFF/, '');
}

async function readJson(path: string, budget?: ReadBudget): Promise<unknown> {
  const text = await readText(path, budget);
  try {
    return parseJsonStrict(text, { maxLength: MAX_TRUST_TEXT });
  } catch (error) {
    if (isUnsafeJsonError(error))
      throw new TrustInvalidError(`${path} is refused: ${error.message} (${error.code})`, { cause: error });
    throw new TrustInvalidError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Load one trust file (anything `Trust.add` recognises: trust list, JWKS, SHC directory, DCC signer list, PEM / DER
 * certificate, DID document, DIVOC key or configuration). A folder is read with `loadTrustDirectory`.
 */
export async function loadTrustFile(path: string, options: LoadTrustFileOptions = {}): Promise<Trust> {
  const { trust = new Trust(), ...addOptions } = options;
  if (await isDirectory(path)) {
    return loadTrustDirectory(path, {
      trust,
      ...(addOptions.issuer !== undefined ? { issuer: addOptions.issuer } : {}),
      ...(addOptions.name !== undefined ? { name: addOptions.name } : {}),
    });
  }
  const bytes = await readLimited(path);
  try {
    // `load`: an EU DCC trust list gets its signature and CSCA chain checks (asynchronous).
    await trust.load(bytes, addOptions);
  } catch (error) {
    if (error instanceof Error && 'code' in error) error.message = `${path}: ${error.message}`;
    throw error;
  }
  return trust;
}

/**
 * Load a folder laid out like an issuer's published `.well-known/` (the folder itself, or one holding `.well-known/`):
 * `jwks.json`, and `crl/<kid>.json` revocation lists that `verify` then applies to the issuer's cards. The keys are
 * bound to `options.issuer`, else to the URL in `iss.txt` or `issuer.json` (`{ "iss": "https://…", "name"?: "…" }`).
 */
export async function loadTrustDirectory(dir: string, options: LoadTrustDirectoryOptions = {}): Promise<Trust> {
  const trust = options.trust ?? new Trust();
  const maxBytes = options.maxBytes ?? MAX_TRUST_DIRECTORY_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new RangeError('loadTrustDirectory: maxBytes must be a positive integer');
  const budget = new ReadBudget(dir, maxBytes);
  let base = dir;
  if (!(await exists(join(base, 'jwks.json'))) && (await isDirectory(join(base, '.well-known'))))
    base = join(base, '.well-known');
  const jwksPath = join(base, 'jwks.json');
  if (!(await exists(jwksPath))) {
    // No issuer folder: a folder of DID documents (a DID trust list and the documents it references), if it holds any.
    await loadDidTrustDirectory(dir, { trust, maxBytes });
    return trust;
  }
  const jwks = await readJson(jwksPath, budget);

  let issuer = options.issuer;
  let name = options.name;
  for (const folder of [...new Set([base, dir])]) {
    if (issuer !== undefined) break;
    if (await exists(join(folder, 'iss.txt'))) {
      issuer = (await readText(join(folder, 'iss.txt'), budget)).trim();
    } else if (await exists(join(folder, 'issuer.json'))) {
      const json = await readJson(join(folder, 'issuer.json'), budget);
      if (typeof json === 'string') issuer = json;
      else if (isObject(json)) {
        const iss = json.iss ?? json.issuer;
        if (typeof iss === 'string') issuer = iss;
        if (name === undefined && typeof json.name === 'string') name = json.name;
      }
      if (issuer === undefined)
        throw new TrustInvalidError(`${join(folder, 'issuer.json')} names no issuer ({ "iss": "https://…" })`);
    }
  }

  const crls: unknown[] = [];
  const crlDir = join(base, 'crl');
  if (await isDirectory(crlDir)) {
    let names: string[];
    try {
      names = (await readdir(crlDir)).filter((n) => n.endsWith('.json')).sort();
    } catch (error) {
      throw new TrustUnreadableError(`cannot list ${crlDir}: ${(error as Error).message}`, { cause: error });
    }
    if (names.length > MAX_CRL_FILES)
      throw new TrustInvalidError(`${crlDir} holds more than ${MAX_CRL_FILES} revocation lists`);
    for (const file of names) crls.push(await readJson(join(crlDir, file), budget));
  }
  trust.addWellKnown({
    jwks,
    crls,
    ...(issuer !== undefined && issuer !== '' ? { issuer } : {}),
    ...(name !== undefined ? { name } : {}),
  });
  return trust;
}

/** Options of {@link loadDidTrustDirectory}. */
export interface LoadDidTrustDirectoryOptions {
  trust?: Trust;
  /** Most bytes read from the folder's files together. Default `MAX_TRUST_DIRECTORY_BYTES` (32 MiB). */
  maxBytes?: number;
}

async function jsonFilesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      throw new TrustUnreadableError(`cannot list ${folder}: ${(error as Error).message}`, { cause: error });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      // Symbolic links are not followed: a folder of trust material holds its files.
      if (entry.isDirectory() && depth < MAX_DID_DIRECTORY_DEPTH) await walk(path, depth + 1);
      else if (entry.isFile() && (entry.name === 'did.json' || entry.name.endsWith('.did.json'))) found.push(path);
      if (found.length > MAX_DID_DIRECTORY_FILES)
        throw new TrustInvalidError(`${dir} holds more than ${MAX_DID_DIRECTORY_FILES} DID documents`);
    }
  };
  await walk(dir, 0);
  return found;
}

/**
 * Load a folder of DID documents: a DID trust list (WHO ddcc-trust or GDHCN v2) and the documents its references
 * name, as files named `did.json` or `*.did.json` anywhere under the folder (`u/k/<kid>/did.json`, as did:web
 * publishes them; symbolic links are not followed). Every file is added with
 * `Trust.load`, in name order; the order does not matter, since a reference only says which document should be
 * there. References no file resolved are counted in the summary (`unresolvedReferences`) and listed by
 * `trust.unresolvedDidReferences`: nothing is trusted for them.
 */
export async function loadDidTrustDirectory(
  dir: string,
  options: LoadDidTrustDirectoryOptions = {},
): Promise<TrustSourceSummary> {
  const trust = options.trust ?? new Trust();
  const maxBytes = options.maxBytes ?? MAX_TRUST_DIRECTORY_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new RangeError('loadDidTrustDirectory: maxBytes must be a positive integer');
  const files = await jsonFilesUnder(dir);
  if (files.length === 0)
    throw new TrustUnreadableError(`${dir} holds no jwks.json (nor .well-known/jwks.json) and no DID documents`);
  const budget = new ReadBudget(dir, maxBytes);
  const total: TrustSourceSummary = { kind: 'did-trust-list', keys: 0, cscas: 0 };
  const add = (name: 'keys' | 'cscas' | 'references' | 'refused' | 'skipped', value: number | undefined) => {
    if (value) total[name] = (total[name] ?? 0) + value;
  };
  for (const file of files) {
    const json = await readJson(file, budget);
    let summary: TrustSourceSummary;
    try {
      summary = await trust.load(json);
    } catch (error) {
      if (error instanceof Error && 'code' in error) error.message = `${file}: ${error.message}`;
      throw error;
    }
    add('keys', summary.keys);
    add('cscas', summary.cscas);
    add('references', summary.references);
    add('refused', summary.refused);
    add('skipped', summary.skipped);
    if (summary.problems?.length) total.problems = [...(total.problems ?? []), ...summary.problems].slice(0, 50);
  }
  if (total.references !== undefined) total.unresolvedReferences = trust.unresolvedDidReferences.length;
  return total;
}

export { Trust };

/**
 * `--trust ID=FILE` binds the keys in FILE to the issuer ID: credentials they sign may name ID as their issuer (see
 * docs/trust.md). The part before `=` must start with a URI scheme of at least two letters (`did:`, `urn:`,
 * `https:`), so Windows drive letters and plain paths containing `=` are never split. An ID with a fragment
 * (`did:web:x#key-1`) also names the key itself; the issuer is then the part before `#`.
 */
export function splitTrustBinding(value: string): { id?: string; path: string } {
  const eq = value.indexOf('=');
  if (eq > 0) {
    const id = value.slice(0, eq);
    if (/^[A-Za-z][A-Za-z0-9+.-]+:\S+$/.test(id)) return { id, path: value.slice(eq + 1) };
  }
  return { path: value };
}

/** What `ID=` says: the issuer the keys sign for and, for an ID with a fragment, the key's own id. */
export function trustBindingOf(id: string | undefined): { id?: string; issuer?: string } {
  if (id === undefined) return {};
  const hash = id.indexOf('#');
  return hash > 0 ? { id, issuer: id.slice(0, hash) } : { issuer: id };
}
