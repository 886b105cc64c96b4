import { createHash } from 'node:crypto';
import {
  exportPrivatePem,
  exportPublicJwk,
  importKeyPair,
  isKeysError,
  verificationMethodId,
  type KeyPair,
  type KeyType,
} from '@divoc/keys';
import { KeyFileError } from './errors.js';

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

/** A key read from a file, with the id proofs will reference. */
export interface LoadedKey {
  keyPair: KeyPair;
  id: string;
  controller?: string;
  /** Which file format it came from. */
  source: 'divoc-key' | 'pem' | 'divoc-config' | 'jwk';
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
    json = JSON.parse(text);
  } catch (error) {
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
