/**
 * Node-only trust loaders (files and folders). The rest of `@divoc/verifier` is runtime-neutral; import these from
 * `@divoc/verifier/node`.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isUnsafeJsonError, parseJsonStrict } from '@divoc/keys';
import { TrustInvalidError, TrustUnreadableError } from './lib/errors.js';
import { isObject } from './lib/bytes.js';
import { MAX_TRUST_TEXT, Trust, type TrustAddOptions } from './trust/trust.js';

/** An issuer folder holds a few revocation lists; refuse folders that are something else entirely. */
const MAX_CRL_FILES = 256;

export interface LoadTrustFileOptions extends TrustAddOptions {
  /** Add to this Trust instead of a new one. */
  trust?: Trust;
}

export interface LoadTrustDirectoryOptions {
  trust?: Trust;
  /** The issuer URL the folder's keys belong to (the cards' `iss`). Default: `iss.txt` or `issuer.json` in the folder. */
  issuer?: string;
  /** Display name of the issuer. Default: `name` from `issuer.json`. */
  name?: string;
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

/** Read at most `limit` bytes; a larger file is refused without reading it all. */
async function readLimited(path: string, limit = MAX_TRUST_TEXT): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new TrustUnreadableError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const buffer = new Uint8Array(limit + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > limit) throw new TrustInvalidError(`${path} is larger than ${limit} bytes`);
    }
    return buffer.slice(0, length);
  } catch (error) {
    if (error instanceof TrustInvalidError) throw error;
    throw new TrustUnreadableError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  } finally {
    await handle.close();
  }
}

async function readText(path: string): Promise<string> {
  return new TextDecoder().decode(await readLimited(path)).replace(/^\uFEFF/, '');
}

async function readJson(path: string): Promise<unknown> {
  const text = await readText(path);
  try {
    return parseJsonStrict(text, { maxLength: MAX_TRUST_TEXT });
  } catch (error) {
    if (isUnsafeJsonError(error)) throw new TrustInvalidError(`${path} is refused: ${error.message} (${error.code})`, { cause: error });
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
  let base = dir;
  if (!(await exists(join(base, 'jwks.json'))) && (await isDirectory(join(base, '.well-known')))) base = join(base, '.well-known');
  const jwksPath = join(base, 'jwks.json');
  if (!(await exists(jwksPath))) throw new TrustUnreadableError(`${dir} holds no jwks.json (nor .well-known/jwks.json)`);
  const jwks = await readJson(jwksPath);

  let issuer = options.issuer;
  let name = options.name;
  for (const folder of [...new Set([base, dir])]) {
    if (issuer !== undefined) break;
    if (await exists(join(folder, 'iss.txt'))) {
      issuer = (await readText(join(folder, 'iss.txt'))).trim();
    } else if (await exists(join(folder, 'issuer.json'))) {
      const json = await readJson(join(folder, 'issuer.json'));
      if (typeof json === 'string') issuer = json;
      else if (isObject(json)) {
        const iss = json.iss ?? json.issuer;
        if (typeof iss === 'string') issuer = iss;
        if (name === undefined && typeof json.name === 'string') name = json.name;
      }
      if (issuer === undefined) throw new TrustInvalidError(`${join(folder, 'issuer.json')} names no issuer ({ "iss": "https://…" })`);
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
    if (names.length > MAX_CRL_FILES) throw new TrustInvalidError(`${crlDir} holds more than ${MAX_CRL_FILES} revocation lists`);
    for (const file of names) crls.push(await readJson(join(crlDir, file)));
  }
  trust.addWellKnown({ jwks, crls, ...(issuer !== undefined && issuer !== '' ? { issuer } : {}), ...(name !== undefined ? { name } : {}) });
  return trust;
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

