import { X509Certificate } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isDccError, loadDccSignerList } from '@divoc/dcc';
import { TrustStore, isKeysError, jwkThumbprint, trustedKeyFromKeyPair } from '@divoc/keys';
import { isShcError, parseRevocationList, type RevocationList } from '@divoc/shc';
import { InputUnreadableError, KeyFileError } from './errors.js';
import { readFileLimited } from './files.js';
import { resolvePath, type CliIo } from './io.js';
import { DIVOC_KEY_ID, MAX_KEY_FILE_BYTES, controllerOf, parseKeyFile } from './keyfile.js';
import { describeFsError } from './records/read.js';

/** Trust files can be whole lists; still, bound what we read. */
const MAX_TRUST_FILE_BYTES = 8 * 1024 * 1024;

/** What one `--trust` argument added, for the human summary. */
export interface TrustSourceSummary {
  source: string;
  kind: string;
}

/**
 * `--trust ID=FILE` binds the key in FILE to ID. The part before `=` must start with a URI scheme of at least
 * two letters (`did:`, `urn:`, `https:`), so Windows drive letters and plain paths containing `=` are never split.
 */
export function splitTrustBinding(value: string): { id?: string; path: string } {
  const eq = value.indexOf('=');
  if (eq > 0) {
    const id = value.slice(0, eq);
    if (/^[A-Za-z][A-Za-z0-9+.-]+:\S+$/.test(id)) return { id, path: value.slice(eq + 1) };
  }
  return { path: value };
}

/** What the `--trust` arguments gave: the keys, and SMART Health Card revocation lists from issuer folders. */
export interface LoadedTrust {
  store: TrustStore;
  sources: TrustSourceSummary[];
  shcRevocationLists: RevocationList[];
}

/** An issuer folder holds a few revocation lists; refuse directories that are something else entirely. */
const MAX_CRL_FILES = 256;

export async function loadTrust(io: CliIo, values: readonly string[], store: TrustStore = new TrustStore()): Promise<LoadedTrust> {
  const sources: TrustSourceSummary[] = [];
  const shcRevocationLists: RevocationList[] = [];
  for (const value of values) {
    sources.push(await addTrustSource(io, store, value, shcRevocationLists));
  }
  return { store, sources, shcRevocationLists };
}

async function readTrustFile(io: CliIo, path: string): Promise<Uint8Array> {
  try {
    const read = await readFileLimited(resolvePath(io, path), MAX_TRUST_FILE_BYTES);
    if (read.tooLarge) throw new KeyFileError(path, `larger than ${MAX_TRUST_FILE_BYTES} bytes`);
    return read.bytes;
  } catch (error) {
    if (error instanceof KeyFileError) throw error;
    throw new InputUnreadableError(path, describeFsError(error));
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A SMART Health Card issuer's published folder: `jwks.json` and `crl/<kid>.json`, either directly in the folder or
 * in its `.well-known/`. The JWKS is bound to ISS when given as `ISS=FOLDER`.
 */
async function addIssuerFolder(io: CliIo, store: TrustStore, path: string, issuer: string | undefined, crls: RevocationList[]): Promise<TrustSourceSummary> {
  let base = resolvePath(io, path);
  if (!(await isDirectory(join(base, 'crl'))) && (await isDirectory(join(base, '.well-known')))) base = join(base, '.well-known');
  const jwksPath = join(base, 'jwks.json');
  const json = parseTrustJson(jwksPath, await readTrustFile(io, jwksPath));
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { keys?: unknown }).keys)) throw new KeyFileError(jwksPath, 'not a JWKS ({ "keys": [ … ] })');
  const added = addJwks(store, jwksPath, json, issuer);
  let lists = 0;
  const crlDir = join(base, 'crl');
  if (await isDirectory(crlDir)) {
    const names = (await readdir(crlDir)).filter((n) => n.endsWith('.json')).sort();
    if (names.length > MAX_CRL_FILES) throw new KeyFileError(crlDir, `more than ${MAX_CRL_FILES} revocation lists`);
    for (const name of names) {
      const file = join(crlDir, name);
      const crl = parseTrustJson(file, await readTrustFile(io, file));
      try {
        crls.push(parseRevocationList(crl));
      } catch (error) {
        if (isShcError(error)) throw new KeyFileError(file, `${error.message} (${error.code})`);
        throw error;
      }
      lists++;
    }
  }
  return { source: path, kind: `SHC issuer folder (${added} keys${issuer ? ` for ${issuer}` : ''}, ${lists} revocation lists)` };
}

function parseTrustJson(path: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new KeyFileError(path, `invalid JSON: ${(error as Error).message}`);
  }
}

function addJwks(store: TrustStore, path: string, json: unknown, issuer: string | undefined): number {
  let added = 0;
  wrap(path, () => (added = store.addJwks(json, issuer !== undefined ? { issuer } : {}).length));
  // A JWKS may carry keys we skip (encryption keys, other curves); one with none usable is a mistake.
  if (added === 0) throw new KeyFileError(path, 'JWKS holds no usable signature key (ERR_TRUST_LIST_INVALID)');
  return added;
}

/**
 * Adds a certificate. A P-256 key also answers to its RFC 7638 thumbprint, the `kid` SMART Health Cards name, so
 * a DSC given to `divoc issue --format shc` verifies its cards too.
 */
function addCertificate(store: TrustStore, path: string, cert: string | Uint8Array, id: string | undefined): string {
  let aliases: string[] = [];
  try {
    const jwk = new X509Certificate(typeof cert === 'string' ? cert : Buffer.from(cert)).publicKey.export({ format: 'jwk' });
    if (jwk.kty === 'EC' && jwk.crv === 'P-256') aliases = [jwkThumbprint(jwk)];
  } catch {
    // addCertificate reports the real problem below.
  }
  let subject = '';
  wrap(path, () => {
    const key = store.addCertificate(cert, { ...(id !== undefined ? { id } : {}), aliases });
    subject = key.id;
  });
  return `X.509 certificate (kid ${subject})`;
}

async function addTrustSource(io: CliIo, store: TrustStore, value: string, crls: RevocationList[]): Promise<TrustSourceSummary> {
  const { id, path } = splitTrustBinding(value);
  if (id === undefined && value.startsWith('did:key:')) {
    wrap(value, () => store.addDidKey(value));
    return { source: value, kind: 'did:key' };
  }
  if (await isDirectory(resolvePath(io, path))) return addIssuerFolder(io, store, path, id, crls);
  const bytes = await readTrustFile(io, path);
  if (bytes.length === 0) throw new KeyFileError(path, 'empty file');

  // DER X.509 certificate: an ASN.1 SEQUENCE.
  if (bytes[0] === 0x30) return { source: path, kind: addCertificate(store, path, bytes, id) };
  const text = Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('-----BEGIN CERTIFICATE-----')) return { source: path, kind: addCertificate(store, path, text, id) };
  // Base64 of a DER certificate (how DCC trust lists and the ICAO sample CSCAs carry them): "MII…".
  if (/^MI[A-Za-z0-9+/]/.test(trimmed) && /^[A-Za-z0-9+/=\s]+$/.test(trimmed)) {
    return { source: path, kind: addCertificate(store, path, Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'), id) };
  }
  if (trimmed.startsWith('-----BEGIN')) {
    // A PEM key: DIVOC publishes its signing key as a bare PEM, named `did:india` in its proofs.
    if (bytes.length > MAX_KEY_FILE_BYTES) throw new KeyFileError(path, 'too large for a key file');
    const key = parseKeyFile(path, bytes, { explicitId: id ?? DIVOC_KEY_ID, requirePrivate: false });
    addKey(store, path, key.keyPair, key.id, key.controller);
    return { source: path, kind: `${key.keyPair.type} public key as ${key.id}` };
  }
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) throw new KeyFileError(path, 'not a trust source (expected JSON, PEM or DER)');
  const json = parseTrustJson(path, bytes);
  // EU DCC signer list: [{ "kid", "rawData" }], or { "certificates": [ … ] }.
  if (Array.isArray(json) || (typeof json === 'object' && json !== null && Array.isArray((json as { certificates?: unknown }).certificates))) {
    if (id !== undefined) throw new KeyFileError(path, 'an EU DCC signer list carries its own kids; give it without ID=');
    const before = store.size;
    try {
      loadDccSignerList(json, { trustStore: store });
    } catch (error) {
      if (isDccError(error) || isKeysError(error)) throw new KeyFileError(path, `${error.message} (${error.code})`);
      throw error;
    }
    return { source: path, kind: `EU DCC signer list (${store.size - before} certificates)` };
  }
  if (typeof json !== 'object' || json === null) throw new KeyFileError(path, 'trust JSON must be an object');
  const obj = json as Record<string, unknown>;

  if (Array.isArray(obj.keys)) {
    // A JWKS; with ID= (an issuer URL) its keys are that issuer's, SMART Health Cards style.
    const added = addJwks(store, path, obj, id);
    return { source: path, kind: `JWKS (${added} keys${id !== undefined ? ` for ${id}` : ''})` };
  }
  if (id === undefined) {
    if (Array.isArray(obj.issuers)) {
      wrap(path, () => store.addTrustList(obj));
      return { source: path, kind: `trust list (${obj.issuers.length} issuers)` };
    }
    if (typeof obj.id === 'string' && obj.id.startsWith('did:') && (Array.isArray(obj.verificationMethod) || '@context' in obj)) {
      wrap(path, () => store.addDidDocument(obj));
      return { source: path, kind: `DID document ${obj.id}` };
    }
    if (typeof obj.id === 'string' && (typeof obj.publicKeyJwk === 'object' || typeof obj.publicKeyMultibase === 'string') && obj.kind === undefined) {
      // A single trust-list entry, as `divoc keys generate` prints it.
      wrap(path, () => store.addTrustList({ issuers: [obj] }));
      return { source: path, kind: `trust-list entry ${obj.id}` };
    }
  }
  // A key file: divoc-key JSON, DIVOC key configuration (→ did:india), or a JWK.
  const key = parseKeyFile(path, bytes, { ...(id !== undefined ? { explicitId: id } : {}), requirePrivate: false });
  addKey(store, path, key.keyPair, key.id, key.controller ?? controllerOf(key.id));
  return { source: path, kind: `${key.keyPair.type} key as ${key.id}` };
}

function addKey(store: TrustStore, path: string, keyPair: Parameters<typeof trustedKeyFromKeyPair>[0], id: string, controller: string | undefined): void {
  // P-256 keys also answer to their JWK thumbprint: the kid SMART Health Cards name.
  const thumbprint = keyPair.type === 'P-256' ? jwkThumbprint(keyPair) : undefined;
  const aliases = thumbprint !== undefined && thumbprint !== id ? { aliases: [thumbprint] } : {};
  wrap(path, () => store.add(trustedKeyFromKeyPair(keyPair, { id, ...aliases, ...(controller !== undefined ? { controller } : {}) })));
}

function wrap(path: string, fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (isKeysError(error)) throw new KeyFileError(path, `${error.message} (${error.code})`);
    throw error;
  }
}

