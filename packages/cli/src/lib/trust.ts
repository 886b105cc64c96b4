import { readFileCapped } from '@divoc/keys/node';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { controllerOf, isUnsafeJsonError, jwkThumbprint, parseJsonStrict, trustedKeyFromKeyPair } from '@divoc/keys';
import { MAX_TRUST_TEXT, Trust, isVerifierError, type TrustAddOptions, type TrustSourceSummary } from '@divoc/verifier';
import {
  MAX_TRUST_DIRECTORY_BYTES,
  MAX_TRUST_DIRECTORY_CRL_FILES,
  loadDidTrustDirectory,
  splitTrustBinding,
  trustBindingOf,
} from '@divoc/verifier/node';
import { InputUnreadableError, KeyFileError } from './errors.js';
import { resolvePath, type CliIo } from './io.js';
import { parseKeyFile } from './keyfile.js';
import { describeFsError } from '@divoc/keys/node';

/** Trust files can be whole national lists; still, bound what we read: the library's limits (@divoc/verifier). */
const MAX_TRUST_FILE_BYTES = MAX_TRUST_TEXT;
/** An issuer folder holds a few revocation lists; refuse directories that are something else entirely. */
const MAX_CRL_FILES = MAX_TRUST_DIRECTORY_CRL_FILES;

/** What one `--trust` argument added, for messages. */
export interface LoadedTrustSource {
  source: string;
  summary: TrustSourceSummary;
}

/** What the `--trust` arguments gave: one `Trust` (`@divoc/verifier`) holding keys, CSCAs and SHC revocation lists. */
export interface LoadedTrust {
  trust: Trust;
  sources: LoadedTrustSource[];
}

export { splitTrustBinding };

/**
 * Loads every `--trust` value into one `Trust`. Sniffing is `Trust.add`'s (trust list, JWKS, certificates, signer
 * lists, DID documents, DIVOC keys…); the CLI adds what is about files: `ID=FILE` bindings, issuer folders, and our
 * own private key files (only their public key is trusted). Any bad source is a `KeyFileError` (exit 2).
 */
export async function loadTrust(
  io: CliIo,
  values: readonly string[],
  trust: Trust = new Trust(),
  options: LoadTrustOptions = {},
): Promise<LoadedTrust> {
  const anchor = options.dccTrustAnchor !== undefined ? await readTrustAnchor(io, options.dccTrustAnchor) : undefined;
  const sources: LoadedTrustSource[] = [];
  for (const value of values) sources.push({ source: value, summary: await addTrustSource(io, trust, value, anchor) });
  const unresolved = trust.unresolvedDidReferences;
  if (unresolved.length > 0) {
    // Not an error: the operator may trust only part of a referenced list. Nothing is trusted for these.
    const first = JSON.stringify(unresolved[0]!.length > 160 ? `${unresolved[0]!.slice(0, 160)}…` : unresolved[0]);
    io.stderr.write(
      `divoc: warning: ${unresolved.length} DID trust-list reference(s) name documents no --trust file gave ` +
        `(nothing is trusted for them), e.g. ${first}\n`,
    );
  }
  if (anchor !== undefined && !sources.some((s) => s.summary.kind === 'dcc-signer-list')) {
    throw new KeyFileError(
      options.dccTrustAnchor!,
      'a DCC gateway trust anchor checks EU DCC trust lists, and no --trust file is one (ERR_TRUST_INVALID)',
    );
  }
  return { trust, sources };
}

export interface LoadTrustOptions {
  /**
   * File holding the EU DCC Gateway trust anchor certificate (PEM, several for a rollover, or DER): every EU DCC
   * trust list among the `--trust` files must then carry valid gateway signatures (`Trust.addDccSignerList`).
   */
  dccTrustAnchor?: string;
}

async function readTrustAnchor(io: CliIo, path: string): Promise<string | Uint8Array> {
  const bytes = await readTrustFile(io, path);
  if (bytes.length === 0) throw new KeyFileError(path, 'empty file (ERR_TRUST_UNRECOGNIZED)');
  if (bytes[0] === 0x30) return bytes;
  const text = Buffer.from(bytes).toString('utf8');
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new KeyFileError(path, 'is not a PEM or DER certificate (ERR_TRUST_INVALID)');
  return text;
}

async function readTrustFile(io: CliIo, path: string, budget?: FolderBudget): Promise<Uint8Array> {
  const limit = Math.min(MAX_TRUST_FILE_BYTES, budget?.left ?? MAX_TRUST_FILE_BYTES);
  try {
    const read = await readFileCapped(resolvePath(io, path), limit);
    if (read.tooLarge && budget && limit < MAX_TRUST_FILE_BYTES) {
      throw new KeyFileError(
        budget.path,
        `its files hold more than ${MAX_TRUST_DIRECTORY_BYTES} bytes in all (ERR_TRUST_INVALID)`,
      );
    }
    if (read.tooLarge) throw new KeyFileError(path, `larger than ${MAX_TRUST_FILE_BYTES} bytes`);
    if (budget) budget.left -= read.bytes.length;
    return read.bytes;
  } catch (error) {
    if (error instanceof KeyFileError) throw error;
    throw new InputUnreadableError(path, describeFsError(error));
  }
}

/** What an issuer folder may still read: the library's `MAX_TRUST_DIRECTORY_BYTES` for all its files together. */
interface FolderBudget {
  path: string;
  left: number;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Runs a `Trust` loader, turning its typed errors into the CLI's exit-2 error naming the file. */
function wrap<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isVerifierError(error)) throw new KeyFileError(path, `${error.message} (${error.code})`);
    throw error;
  }
}

async function wrapAsync<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    return wrap(path, () => {
      throw error;
    });
  }
}

function parseTrustJson(path: string, bytes: Uint8Array): unknown {
  try {
    // Strict: trust with a member named twice, or named `__proto__` / `constructor` / `prototype`, is refused.
    return parseJsonStrict(
      Buffer.from(bytes)
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
    );
  } catch (error) {
    if (isUnsafeJsonError(error)) throw new KeyFileError(path, `refused: ${error.message} (${error.code})`);
    throw new KeyFileError(path, `invalid JSON: ${(error as Error).message} (ERR_TRUST_INVALID)`);
  }
}

/**
 * An issuer's published folder, as SMART Health Card issuers lay out `.well-known/`: `jwks.json` and
 * `crl/<kid>.json`, in the folder itself or in its `.well-known/`. The keys belong to ISS (`ISS=FOLDER`), else to the
 * URL in `iss.txt` or `issuer.json` (`{ "iss" }`), else to no issuer in particular. The revocation lists are applied
 * to that issuer's cards by `verify`.
 */
async function addIssuerFolder(
  io: CliIo,
  trust: Trust,
  path: string,
  bound: string | undefined,
): Promise<TrustSourceSummary> {
  const dir = resolvePath(io, path);
  const budget: FolderBudget = { path, left: MAX_TRUST_DIRECTORY_BYTES };
  let base = dir;
  if (!(await isFile(join(base, 'jwks.json'))) && (await isDirectory(join(base, '.well-known'))))
    base = join(base, '.well-known');
  const jwksPath = join(base, 'jwks.json');
  if (!(await isFile(jwksPath))) {
    // Not an issuer folder: a folder of DID documents (a DID trust list and the documents it references)?
    if (bound !== undefined)
      throw new KeyFileError(path, "a folder of DID documents names each key's identity itself; give it without ID=");
    try {
      return await loadDidTrustDirectory(dir, { trust });
    } catch (error) {
      if (isVerifierError(error) && error.code === 'ERR_TRUST_UNREADABLE')
        throw new KeyFileError(
          path,
          'holds no jwks.json (nor .well-known/jwks.json) and no DID documents (ERR_TRUST_UNREADABLE)',
        );
      return wrap(path, () => {
        throw error;
      });
    }
  }
  const jwks = parseTrustJson(jwksPath, await readTrustFile(io, jwksPath, budget));

  let issuer = bound;
  let name: string | undefined;
  for (const folder of [...new Set([base, dir])]) {
    if (issuer !== undefined) break;
    if (await isFile(join(folder, 'iss.txt'))) {
      issuer =
        Buffer.from(await readTrustFile(io, join(folder, 'iss.txt'), budget))
          .toString('utf8')
          .trim() || undefined;
    } else if (await isFile(join(folder, 'issuer.json'))) {
      const file = join(folder, 'issuer.json');
      const json = parseTrustJson(file, await readTrustFile(io, file, budget)) as
        { iss?: unknown; issuer?: unknown; name?: unknown } | string | null;
      const iss = typeof json === 'string' ? json : (json?.iss ?? json?.issuer);
      if (typeof iss !== 'string' || iss === '')
        throw new KeyFileError(file, 'names no issuer ({ "iss": "https://…" })');
      issuer = iss;
      if (typeof json === 'object' && json !== null && typeof json.name === 'string') name = json.name;
    }
  }

  const crls: unknown[] = [];
  const crlDir = join(base, 'crl');
  if (await isDirectory(crlDir)) {
    const names = (await readdir(crlDir)).filter((n) => n.endsWith('.json')).sort();
    if (names.length > MAX_CRL_FILES) throw new KeyFileError(crlDir, `more than ${MAX_CRL_FILES} revocation lists`);
    for (const file of names)
      crls.push(parseTrustJson(join(crlDir, file), await readTrustFile(io, join(crlDir, file), budget)));
  }
  return wrap(path, () =>
    trust.addWellKnown({
      jwks,
      crls,
      ...(issuer !== undefined ? { issuer } : {}),
      ...(name !== undefined ? { name } : {}),
    }),
  );
}

/** Our own key files (`divoc-key`, a private JWK): `Trust` refuses private material, so only the public key goes in. */
function isPrivateKeyFile(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const obj = json as Record<string, unknown>;
  return obj.kind === 'divoc-key' || (typeof obj.kty === 'string' && obj.d !== undefined);
}

function addKeyFile(
  trust: Trust,
  path: string,
  bytes: Uint8Array,
  binding: { id?: string; issuer?: string },
): TrustSourceSummary {
  const key = parseKeyFile(path, bytes, {
    ...(binding.id !== undefined ? { explicitId: binding.id } : {}),
    requirePrivate: false,
  });
  // P-256 keys also answer to their JWK thumbprint: the kid SMART Health Cards name.
  const thumbprint = key.keyPair.type === 'P-256' ? jwkThumbprint(key.keyPair) : undefined;
  const controller = key.controller ?? controllerOf(key.id);
  const trusted = trustedKeyFromKeyPair(key.keyPair, {
    id: key.id,
    ...(thumbprint !== undefined && thumbprint !== key.id ? { aliases: [thumbprint] } : {}),
    ...(controller !== undefined ? { controller } : {}),
    ...(binding.issuer !== undefined ? { issuers: [binding.issuer] } : {}),
  });
  return wrap(path, () => trust.addTrustedKey(trusted));
}

async function addTrustSource(
  io: CliIo,
  trust: Trust,
  value: string,
  trustAnchor: string | Uint8Array | undefined,
): Promise<TrustSourceSummary> {
  const { id, path } = splitTrustBinding(value);
  if (id === undefined && value.startsWith('did:key:')) return wrap(value, () => trust.add(value));
  const binding = trustBindingOf(id);
  if (await isDirectory(resolvePath(io, path))) return addIssuerFolder(io, trust, path, id);
  const bytes = await readTrustFile(io, path);
  if (bytes.length === 0) throw new KeyFileError(path, 'empty file (ERR_TRUST_UNRECOGNIZED)');

  const text =
    bytes[0] === 0x30
      ? undefined
      : Buffer.from(bytes)
          .toString('utf8')
          .replace(/^\uFEFF/, '')
          .trimStart();
  let json: unknown;
  if (text !== undefined && (text.startsWith('{') || text.startsWith('['))) {
    json = parseTrustJson(path, bytes);
    if (isPrivateKeyFile(json)) return addKeyFile(trust, path, bytes, binding);
  }
  let options: TrustAddOptions = {};
  if (id !== undefined) {
    const obj = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : undefined;
    if (Array.isArray(json) || Array.isArray(obj?.certificates))
      throw new KeyFileError(path, "an EU DCC signer list carries each signer's country; give it without ID=");
    options = { ...binding };
  }
  // `load`, not `add`: an EU DCC trust list gets its signature and CSCA chain checks (asynchronous).
  if (trustAnchor !== undefined) options = { ...options, trustAnchor };
  return wrapAsync(path, () => trust.load(json ?? bytes, options));
}
