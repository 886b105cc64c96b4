import { TrustStore, isKeysError, trustedKeyFromKeyPair } from '@divoc/keys';
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

export async function loadTrust(io: CliIo, values: readonly string[], store: TrustStore = new TrustStore()): Promise<{ store: TrustStore; sources: TrustSourceSummary[] }> {
  const sources: TrustSourceSummary[] = [];
  for (const value of values) {
    sources.push(await addTrustSource(io, store, value));
  }
  return { store, sources };
}

async function addTrustSource(io: CliIo, store: TrustStore, value: string): Promise<TrustSourceSummary> {
  const { id, path } = splitTrustBinding(value);
  if (id === undefined && value.startsWith('did:key:')) {
    wrap(value, () => store.addDidKey(value));
    return { source: value, kind: 'did:key' };
  }
  const fullPath = resolvePath(io, path);
  let bytes: Uint8Array;
  try {
    const read = await readFileLimited(fullPath, MAX_TRUST_FILE_BYTES);
    if (read.tooLarge) throw new KeyFileError(path, `larger than ${MAX_TRUST_FILE_BYTES} bytes`);
    bytes = read.bytes;
  } catch (error) {
    if (error instanceof KeyFileError) throw error;
    throw new InputUnreadableError(path, describeFsError(error));
  }
  if (bytes.length === 0) throw new KeyFileError(path, 'empty file');

  // DER X.509 certificate: an ASN.1 SEQUENCE.
  if (bytes[0] === 0x30) {
    wrap(path, () => store.addCertificate(bytes, id !== undefined ? { id } : {}));
    return { source: path, kind: 'X.509 certificate' };
  }
  const text = Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('-----BEGIN CERTIFICATE-----')) {
    wrap(path, () => store.addCertificate(text, id !== undefined ? { id } : {}));
    return { source: path, kind: 'X.509 certificate' };
  }
  if (trimmed.startsWith('-----BEGIN')) {
    // A PEM key: DIVOC publishes its signing key as a bare PEM, named `did:india` in its proofs.
    if (bytes.length > MAX_KEY_FILE_BYTES) throw new KeyFileError(path, 'too large for a key file');
    const key = parseKeyFile(path, bytes, { explicitId: id ?? DIVOC_KEY_ID, requirePrivate: false });
    addKey(store, path, key.keyPair, key.id, key.controller);
    return { source: path, kind: `${key.keyPair.type} public key as ${key.id}` };
  }
  if (!trimmed.startsWith('{')) throw new KeyFileError(path, 'not a trust source (expected JSON, PEM or DER)');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new KeyFileError(path, `invalid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new KeyFileError(path, 'trust JSON must be an object');
  const obj = json as Record<string, unknown>;

  if (id === undefined) {
    if (Array.isArray(obj.issuers)) {
      wrap(path, () => store.addTrustList(obj));
      return { source: path, kind: `trust list (${obj.issuers.length} issuers)` };
    }
    if (Array.isArray(obj.keys)) {
      let added = 0;
      wrap(path, () => (added = store.addJwks(obj).length));
      // A JWKS may carry keys we skip (encryption keys, other curves); one with none usable is a mistake.
      if (added === 0) throw new KeyFileError(path, 'JWKS holds no usable signature key (ERR_TRUST_LIST_INVALID)');
      return { source: path, kind: `JWKS (${added} keys)` };
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
  wrap(path, () => store.add(trustedKeyFromKeyPair(keyPair, { id, ...(controller !== undefined ? { controller } : {}) })));
}

function wrap(path: string, fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (isKeysError(error)) throw new KeyFileError(path, `${error.message} (${error.code})`);
    throw error;
  }
}
