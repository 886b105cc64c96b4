import { createHash } from 'node:crypto';
import {
  createSigner,
  exportPrivatePem,
  exportPublicJwk,
  importKeyPair,
  isKeysError,
  isUnsafeJsonError,
  parseJsonStrict,
  verificationMethodId,
  type KeyPair,
  type KeyType,
  type SignatureAlgorithm,
  type Signer,
} from '@divoc/keys';
import type { OpenPkcs11SessionOptions, Pkcs11Session } from '@divoc/keys/pkcs11';
import { InputUnreadableError, KeyFileError } from './errors.js';
import { readFileLimited } from './files.js';
import { resolvePath, type CliIo } from './io.js';
import { loadPkcs11Module } from './pkcs11-module.js';
import { describeFsError } from './records/read.js';

/**
 * The CLI's private key file (`divoc keys generate` writes it, `--key` reads it). JSON, mode 0600:
 *
 *   { "kind": "divoc-key", "version": 1, "type": "Ed25519" | "P-256" | "RSA",
 *     "id": "<verification method>", "controller"?: "<DID or URL>",
 *     "privateKeyPem": "-----BEGIN PRIVATE KEY-----…", "publicKeyJwk": { … } }
 *
 * `publicKeyJwk` is redundant on purpose: it lets an operator see which key a file holds without a tool,
 * and loading checks it matches the private key (catches hand-edited or mixed-up files).
 */
export interface DivocKeyFile {
  kind: 'divoc-key';
  version: 1;
  type: KeyType;
  id: string;
  controller?: string;
  privateKeyPem: string;
  publicKeyJwk: JsonWebKey;
  created?: string;
}

/** Id DIVOC's own certificates name as `verificationMethod`: a label, not a resolvable DID. */
export const DIVOC_KEY_ID = 'did:india';

/** A key read from a file (or found in a PKCS#11 token), with the id proofs will reference. */
export interface LoadedKey {
  /** For a token key: the public half only; sign with `signerFor(key, …)`, which uses `signer`. */
  keyPair: KeyPair;
  id: string;
  controller?: string;
  /** Which file format it came from; `pkcs11` for a key in a token (`--key pkcs11:…`). */
  source: 'divoc-key' | 'pem' | 'divoc-config' | 'jwk' | 'pkcs11';
  /** Set for token keys: signs inside the token (the private key never leaves it). */
  signer?: Signer;
}

/** Real key files are a few KiB; refuse anything larger before parsing. */
export const MAX_KEY_FILE_BYTES = 256 * 1024;

export function serializeKeyFile(key: { keyPair: KeyPair; id: string; controller?: string }, now = new Date()): string {
  const file: DivocKeyFile = {
    kind: 'divoc-key',
    version: 1,
    type: key.keyPair.type,
    id: key.id,
    ...(key.controller !== undefined ? { controller: key.controller } : {}),
    privateKeyPem: exportPrivatePem(key.keyPair),
    publicKeyJwk: exportPublicJwk(key.keyPair),
    created: now.toISOString(),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of a public key. */
export function jwkThumbprint(keyPair: KeyPair): string {
  const jwk = exportPublicJwk(keyPair) as Record<string, string | undefined>;
  const members =
    jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** Default verification method id: did:key URL for Ed25519 / P-256, `urn:divoc:key:<thumbprint>` for RSA. */
export function defaultKeyId(keyPair: KeyPair): string {
  return keyPair.type === 'RSA' ? `urn:divoc:key:${jwkThumbprint(keyPair)}` : verificationMethodId(keyPair);
}

/** Controller implied by an id: the DID of a DID URL; nothing for other ids. */
export function controllerOf(id: string): string | undefined {
  if (!id.startsWith('did:')) return undefined;
  const hash = id.indexOf('#');
  return hash === -1 ? undefined : id.slice(0, hash);
}

/**
 * Parses any key file the CLI accepts: our `divoc-key` JSON, a PEM (PKCS#8 / PKCS#1 / SEC1 private, SPKI public),
 * DIVOC's key JSON (`publicKeyBase58` / `privateKeyBase58`, id `did:india`), or a bare JWK.
 * `explicitId` (from `--key-id` or `--trust ID=FILE`) overrides the id the file gives or implies.
 */
export function parseKeyFile(path: string, bytes: Uint8Array, options: { explicitId?: string; requirePrivate: boolean }): LoadedKey {
  if (bytes.length > MAX_KEY_FILE_BYTES) throw new KeyFileError(path, `larger than ${MAX_KEY_FILE_BYTES} bytes: not a key file`);
  const text = Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  let loaded: LoadedKey;
  try {
    if (trimmed.startsWith('-----BEGIN')) {
      const keyPair = importKeyPair({ pem: text });
      loaded = { keyPair, id: options.explicitId ?? defaultKeyId(keyPair), source: 'pem' };
    } else if (trimmed.startsWith('{')) {
      loaded = parseJsonKey(path, text, options.explicitId);
    } else {
      throw new KeyFileError(path, 'not a key file (expected divoc-key JSON, a PEM key, DIVOC key JSON or a JWK)');
    }
  } catch (error) {
    if (error instanceof KeyFileError) throw error;
    if (isKeysError(error)) throw new KeyFileError(path, `${error.message} (${error.code})`);
    throw error;
  }
  if (options.requirePrivate && loaded.keyPair.privateKey === undefined) {
    throw new KeyFileError(path, 'holds a public key only; a private key is needed to sign');
  }
  return loaded;
}

function parseJsonKey(path: string, text: string, explicitId: string | undefined): LoadedKey {
  let json: unknown;
  try {
    json = parseJsonStrict(text);
  } catch (error) {
    if (isUnsafeJsonError(error)) throw new KeyFileError(path, `refused: ${error.message} (${error.code})`);
    throw new KeyFileError(path, `invalid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new KeyFileError(path, 'key JSON must be an object');
  const obj = json as Record<string, unknown>;

  if (obj.kind === 'divoc-key') {
    if (obj.version !== 1) throw new KeyFileError(path, `unsupported divoc-key version ${JSON.stringify(obj.version)} (expected 1)`);
    if (typeof obj.privateKeyPem !== 'string') throw new KeyFileError(path, 'divoc-key file lacks "privateKeyPem"');
    if (typeof obj.id !== 'string' || obj.id === '') throw new KeyFileError(path, 'divoc-key file lacks "id"');
    if (obj.controller !== undefined && typeof obj.controller !== 'string') throw new KeyFileError(path, '"controller" must be a string');
    const keyPair = importKeyPair({ pem: obj.privateKeyPem });
    if (obj.type !== keyPair.type) throw new KeyFileError(path, `"type" says ${JSON.stringify(obj.type)} but the key is ${keyPair.type}`);
    if (obj.publicKeyJwk !== undefined && !sameJwk(obj.publicKeyJwk, exportPublicJwk(keyPair))) {
      throw new KeyFileError(path, '"publicKeyJwk" does not match the private key');
    }
    return {
      keyPair,
      id: explicitId ?? obj.id,
      ...(typeof obj.controller === 'string' ? { controller: obj.controller } : {}),
      source: 'divoc-key',
    };
  }
  if (typeof obj.publicKeyBase58 === 'string') {
    // DIVOC's key configuration (Ed25519VerificationKey2018). DIVOC proofs name this key `did:india`.
    const keyPair = importKeyPair({
      type: 'Ed25519',
      publicKeyBase58: obj.publicKeyBase58,
      ...(typeof obj.privateKeyBase58 === 'string' ? { privateKeyBase58: obj.privateKeyBase58 } : {}),
    });
    const fileId = typeof obj.id === 'string' && obj.id !== '' ? obj.id : undefined;
    return { keyPair, id: explicitId ?? fileId ?? DIVOC_KEY_ID, source: 'divoc-config' };
  }
  if (typeof obj.kty === 'string') {
    const keyPair = importKeyPair({ jwk: obj as JsonWebKey });
    const kid = typeof obj.kid === 'string' && obj.kid !== '' ? obj.kid : undefined;
    return { keyPair, id: explicitId ?? kid ?? defaultKeyId(keyPair), source: 'jwk' };
  }
  throw new KeyFileError(path, 'unrecognised key JSON (expected "kind": "divoc-key", DIVOC "publicKeyBase58", or a JWK)');
}

function sameJwk(a: unknown, b: JsonWebKey): boolean {
  if (typeof a !== 'object' || a === null) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  return ['kty', 'crv', 'x', 'y', 'n', 'e'].every((k) => x[k] === y[k]);
}

/**
 * The Signer for a loaded key: the token's for a PKCS#11 key, else one over the in-memory private key.
 * Use it wherever a command signs, so `--key pkcs11:…` works like a key file.
 */
export function signerFor(key: LoadedKey, options: { id: string; algorithm?: SignatureAlgorithm }): Signer {
  const token = key.signer;
  if (!token) return createSigner(key.keyPair, options);
  const algorithm = options.algorithm ?? token.algorithm;
  if (algorithm !== token.algorithm) throw new KeyFileError(key.id, `the token key signs ${token.algorithm}, not ${algorithm}`);
  if (options.id === token.id) return token;
  return Object.freeze({ id: options.id, algorithm, sign: (data: Uint8Array) => token.sign(data) });
}

/** True for a `--key` value that names a key in a PKCS#11 token (RFC 7512 URI) rather than a file. */
export function isPkcs11KeyRef(value: string): boolean {
  return /^pkcs11:/i.test(value);
}

/**
 * A @divoc/keys error, recognised by its code: the PKCS#11 entry may be a separately loaded copy of the package
 * (its `dist/`), whose error classes are not the ones `isKeysError` knows.
 */
function isCodedKeyError(error: unknown): error is Error & { code: string } {
  const code: unknown = error instanceof Error ? (error as unknown as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^ERR_(PKCS11|KEY|DID)_/.test(code);
}

/** The URI as it may appear in messages: any `pin-value` hidden. */
function shownUri(uri: string): string {
  return uri.replace(/(pin-value=)[^&;#]*/gi, '$1***');
}

// One logged-in session per token (and PIN) per process, shared by every key loaded from it.
const pkcs11Sessions = new Map<string, Promise<Pkcs11Session>>();

async function pkcs11Module(shown: string): Promise<typeof import('@divoc/keys/pkcs11')> {
  try {
    return await loadPkcs11Module();
  } catch (error) {
    throw new KeyFileError(shown, `PKCS#11 support could not be loaded: ${(error as Error).message}`);
  }
}

async function pkcs11Session(pkcs11: typeof import('@divoc/keys/pkcs11'), options: OpenPkcs11SessionOptions): Promise<Pkcs11Session> {
  const { pin, ...where } = options;
  const cacheKey = `${JSON.stringify(where)}#${createHash('sha256').update(pin).digest('base64url')}`;
  const cached = pkcs11Sessions.get(cacheKey);
  if (cached) {
    const session = await cached.catch(() => undefined);
    if (session && !session.closed) return session;
  }
  const opening = pkcs11.openPkcs11Session(options);
  pkcs11Sessions.set(cacheKey, opening);
  opening.catch(() => pkcs11Sessions.delete(cacheKey));
  return opening;
}

/** Close the PKCS#11 sessions `loadPkcs11Key` opened (the process exit does it too). */
export async function closePkcs11Sessions(): Promise<void> {
  const sessions = [...pkcs11Sessions.values()];
  pkcs11Sessions.clear();
  await Promise.all(sessions.map(async (s) => (await s.catch(() => undefined))?.close()));
}

/**
 * Open the token a PKCS#11 URI names (`pkcs11:token=T;object=LABEL?module-path=…&pin-source=env:VAR`) and load its
 * key: the public half for trust entries and ids, a Signer that signs in the token. The module defaults to
 * `$DIVOC_PKCS11_MODULE`, the PIN to `$DIVOC_PKCS11_PIN`. Errors are KeyFileErrors naming the URI (never the PIN).
 */
export async function loadPkcs11Key(uri: string, options: { explicitId?: string; env: Record<string, string | undefined> }): Promise<LoadedKey> {
  const shown = shownUri(uri);
  const pkcs11 = await pkcs11Module(shown);
  try {
    const target = await pkcs11.pkcs11UriTarget(uri, {
      env: options.env,
      ...(options.env.DIVOC_PKCS11_PIN ? { fallback: options.env.DIVOC_PKCS11_PIN } : {}),
      ...(options.env.DIVOC_PKCS11_MODULE ? { defaultModule: options.env.DIVOC_PKCS11_MODULE } : {}),
    });
    if (!target.key) throw new KeyFileError(shown, 'the PKCS#11 URI names no key: add object=LABEL (or id=…)');
    const session = await pkcs11Session(pkcs11, target.session);
    const keyPair = await pkcs11.exportPkcs11PublicKey(session, target.key);
    const id = options.explicitId ?? defaultKeyId(keyPair);
    const signer = await pkcs11.createPkcs11Signer(session, { ...target.key, signerId: id });
    const controller = controllerOf(id);
    return { keyPair, id, ...(controller !== undefined ? { controller } : {}), source: 'pkcs11', signer };
  } catch (error) {
    if (error instanceof KeyFileError) throw error;
    if (isCodedKeyError(error)) throw new KeyFileError(shown, `${error.message} (${error.code})`);
    throw error;
  }
}

/**
 * `divoc keys generate --pkcs11 URI`: make a key pair inside the token the URI names, labelled with its `object`
 * (and `id`, if given). Returns the public half; nothing private ever reaches this process.
 */
export async function generatePkcs11Key(
  uri: string,
  type: KeyType,
  env: Record<string, string | undefined>,
): Promise<{ keyPair: KeyPair; label: string; tokenLabel: string; objectId: string }> {
  const shown = shownUri(uri);
  const pkcs11 = await pkcs11Module(shown);
  let session: Pkcs11Session | undefined;
  try {
    const target = await pkcs11.pkcs11UriTarget(uri, {
      env,
      ...(env.DIVOC_PKCS11_PIN ? { fallback: env.DIVOC_PKCS11_PIN } : {}),
      ...(env.DIVOC_PKCS11_MODULE ? { defaultModule: env.DIVOC_PKCS11_MODULE } : {}),
    });
    const label = target.key?.label;
    if (label === undefined) throw new KeyFileError(shown, 'name the new key: add object=LABEL to the PKCS#11 URI');
    session = await pkcs11.openPkcs11Session(target.session);
    const made = await pkcs11.generatePkcs11KeyPair(session, { type, label, ...(target.key?.id !== undefined ? { id: target.key.id } : {}) });
    return { keyPair: made.keyPair, label: made.label, tokenLabel: session.tokenLabel, objectId: Buffer.from(made.id).toString('hex') };
  } catch (error) {
    if (error instanceof KeyFileError) throw error;
    if (isCodedKeyError(error)) throw new KeyFileError(shown, `${error.message} (${error.code})`);
    throw error;
  } finally {
    await session?.close();
  }
}

/**
 * Load a signing key from what the operator passed to `--key` / `--dsc-key` / `--shc-key` / `--bsc-key`: a key file
 * path, or a `pkcs11:` URI naming a key in a token. Sign with `signerFor(key, …)` so both work.
 */
export async function loadSigningKey(
  io: Pick<CliIo, 'cwd'> & { env?: Record<string, string | undefined> },
  path: string,
  keyId: string | undefined,
): Promise<LoadedKey> {
  if (isPkcs11KeyRef(path)) return loadPkcs11Key(path, { ...(keyId !== undefined ? { explicitId: keyId } : {}), env: io.env ?? process.env });
  let bytes: Uint8Array;
  try {
    const read = await readFileLimited(resolvePath(io, path), MAX_KEY_FILE_BYTES);
    if (read.tooLarge) throw new InputUnreadableError(path, `larger than ${MAX_KEY_FILE_BYTES} bytes: not a key file`);
    bytes = read.bytes;
  } catch (error) {
    if (error instanceof InputUnreadableError) throw error;
    throw new InputUnreadableError(path, describeFsError(error));
  }
  return parseKeyFile(path, bytes, { ...(keyId !== undefined ? { explicitId: keyId } : {}), requirePrivate: true });
}
