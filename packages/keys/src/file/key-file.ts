import { parseJsonStrict } from '../codec/json.js';
import { verificationMethodId } from '../did/did-key.js';
import { exportPrivatePem, exportPublicJwk } from '../key/export.js';
import { importKeyPair } from '../key/import.js';
import type { KeyPair } from '../key/key-pair.js';
import { isUnsafeJsonError, JsonError, KeyError, KeyFileInvalidError, KeyFileTooLargeError } from '../lib/errors.js';
import { jwkThumbprint } from '../trust/jwk-thumbprint.js';
import type { KeyType } from '../types.js';

/**
 * The private key file `divoc keys generate` writes and `divoc issue --key`, `divoc serve` and `@divoc/service` read.
 * JSON, mode 0600 (write it with `writeKeyFile` from `@divoc/keys/node`):
 *
 *   { "kind": "divoc-key", "version": 1, "type": "Ed25519" | "P-256" | "RSA",
 *     "id": "<verification method>", "controller"?: "<DID or URL>",
 *     "privateKeyPem": "-----BEGIN PRIVATE KEY-----…", "publicKeyJwk": { … }, "created"?: "<ISO 8601>" }
 *
 * `publicKeyJwk` is redundant on purpose: it lets an operator see which key a file holds without a tool, and
 * parsing checks it matches the private key (catches hand-edited or mixed-up files).
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

/** Which format a key file was in: our `divoc-key` JSON, a PEM key, DIVOC's key JSON (base58), or a bare JWK. */
export type KeyFileFormat = 'divoc-key' | 'pem' | 'divoc-config' | 'jwk';

/** The key a key file holds, with the verification method id proofs will reference. */
export interface KeyFileKey {
  keyPair: KeyPair;
  /** The id the caller gave (`explicitId`), else the file's, else one derived from the key (`defaultKeyId`). */
  id: string;
  /** The `controller` a `divoc-key` file names. */
  controller?: string;
  source: KeyFileFormat;
}

/** Options of `parseKeyFile`. */
export interface ParseKeyFileOptions {
  /** Name of the file in error messages (a path, or a label). Default `key file`. */
  name?: string;
  /** Id to use instead of the one the file gives or implies (`--key-id`, `--trust ID=FILE`). */
  explicitId?: string;
  /** Refuse a file holding a public key only. Default false. */
  requirePrivate?: boolean;
  /** Largest file accepted, in bytes. Default `MAX_KEY_FILE_BYTES`. */
  maxBytes?: number;
}

/** Real key files are a few KiB; anything larger is refused before parsing (and, by `readKeyFile`, while reading). */
export const MAX_KEY_FILE_BYTES = 256 * 1024;

/** Id DIVOC's own certificates name as `verificationMethod`: a label, not a resolvable DID. */
export const DIVOC_KEY_ID = 'did:india';

/** Default verification method id: did:key URL for Ed25519 / P-256, `urn:divoc:key:<JWK thumbprint>` for RSA. */
export function defaultKeyId(keyPair: KeyPair): string {
  return keyPair.type === 'RSA' ? `urn:divoc:key:${jwkThumbprint(keyPair)}` : verificationMethodId(keyPair);
}

/** Controller implied by an id: the DID of a DID URL; nothing for other ids. */
export function controllerOf(id: string): string | undefined {
  if (!id.startsWith('did:')) return undefined;
  const hash = id.indexOf('#');
  return hash === -1 ? undefined : id.slice(0, hash);
}

/** The `divoc-key` JSON text (pretty, newline-terminated) of a key pair that holds its private key. */
export function serializeKeyFile(
  key: { keyPair: KeyPair; id: string; controller?: string },
  options: { now?: Date } = {},
): string {
  const file: DivocKeyFile = {
    kind: 'divoc-key',
    version: 1,
    type: key.keyPair.type,
    id: key.id,
    ...(key.controller !== undefined ? { controller: key.controller } : {}),
    privateKeyPem: exportPrivatePem(key.keyPair),
    publicKeyJwk: exportPublicJwk(key.keyPair),
    created: (options.now ?? new Date()).toISOString(),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

const KEY_TYPES: readonly string[] = ['Ed25519', 'P-256', 'RSA'];

function utf8Length(text: string, atLeast: number): number {
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: only count when the answer is in doubt.
  if (text.length > atLeast || text.length * 3 <= atLeast) return text.length;
  return new TextEncoder().encode(text).length;
}

/**
 * Parses any key file: our `divoc-key` JSON, a PEM (PKCS#8 / PKCS#1 / SEC1 private, SPKI public), DIVOC's key JSON
 * (`publicKeyBase58` / `privateKeyBase58`, id `did:india`), or a bare JWK. JSON is read strictly (`parseJsonStrict`:
 * no member twice, no `__proto__`). Throws `KeyFileInvalidError` (file name, JSON path, what is wrong; never the
 * content) or `KeyFileTooLargeError`. Runtime-neutral; PEM import needs Node (see `importKeyPair`).
 */
export function parseKeyFile(input: string | Uint8Array, options: ParseKeyFileOptions = {}): KeyFileKey {
  const name = options.name ?? 'key file';
  const max = options.maxBytes ?? MAX_KEY_FILE_BYTES;
  const size = typeof input === 'string' ? utf8Length(input, max) : input.length;
  if (size > max) throw new KeyFileTooLargeError(name, max);
  const text = (typeof input === 'string' ? input : new TextDecoder().decode(input)).replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  let key: KeyFileKey;
  if (trimmed.startsWith('-----BEGIN')) {
    const keyPair = importing(name, undefined, () => importKeyPair({ pem: text }));
    key = { keyPair, id: options.explicitId ?? defaultKeyId(keyPair), source: 'pem' };
  } else if (trimmed.startsWith('{')) {
    key = parseKeyFileJson(strictJson(name, text), {
      name,
      ...(options.explicitId !== undefined ? { explicitId: options.explicitId } : {}),
    });
  } else {
    throw new KeyFileInvalidError(name, 'not a key file (expected divoc-key JSON, a PEM key, DIVOC key JSON or a JWK)');
  }
  return checkPrivate(name, key, options.requirePrivate);
}

/**
 * Like `parseKeyFile`, for key JSON already parsed (strictly, please: `parseJsonStrict`): a `divoc-key` object,
 * DIVOC's key JSON or a JWK.
 */
export function parseKeyFileJson(json: unknown, options: Omit<ParseKeyFileOptions, 'maxBytes'> = {}): KeyFileKey {
  const name = options.name ?? 'key file';
  const explicitId = options.explicitId;
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new KeyFileInvalidError(name, 'key JSON must be an object', { jsonPath: '$' });
  const obj = json as Record<string, unknown>;
  let key: KeyFileKey;
  if (obj.kind === 'divoc-key') key = parseDivocKey(name, obj, explicitId);
  else if (typeof obj.publicKeyBase58 === 'string') {
    // DIVOC's key configuration (Ed25519VerificationKey2018). DIVOC proofs name this key `did:india`.
    const input = {
      type: 'Ed25519' as const,
      publicKeyBase58: obj.publicKeyBase58,
      ...(typeof obj.privateKeyBase58 === 'string' ? { privateKeyBase58: obj.privateKeyBase58 } : {}),
    };
    const keyPair = importing(name, '$', () => importKeyPair(input));
    const fileId = typeof obj.id === 'string' && obj.id !== '' ? obj.id : undefined;
    key = { keyPair, id: explicitId ?? fileId ?? DIVOC_KEY_ID, source: 'divoc-config' };
  } else if (typeof obj.kty === 'string') {
    const keyPair = importing(name, '$', () => importKeyPair({ jwk: obj as JsonWebKey }));
    const kid = typeof obj.kid === 'string' && obj.kid !== '' ? obj.kid : undefined;
    key = { keyPair, id: explicitId ?? kid ?? defaultKeyId(keyPair), source: 'jwk' };
  } else {
    throw new KeyFileInvalidError(
      name,
      'unrecognised key JSON (expected "kind": "divoc-key", DIVOC "publicKeyBase58", or a JWK)',
      { jsonPath: '$' },
    );
  }
  return checkPrivate(name, key, options.requirePrivate);
}

function parseDivocKey(name: string, obj: Record<string, unknown>, explicitId: string | undefined): KeyFileKey {
  const fail = (jsonPath: string, reason: string): never => {
    throw new KeyFileInvalidError(name, reason, { jsonPath });
  };
  if (obj.version !== 1) {
    // Only a small number is shown: the rest of the file may be a secret.
    const shown =
      typeof obj.version === 'number' && Number.isSafeInteger(obj.version) && Math.abs(obj.version) < 1e6
        ? ` ${obj.version}`
        : '';
    fail('$.version', `unsupported divoc-key version${shown} (expected 1)`);
  }
  if (typeof obj.privateKeyPem !== 'string') fail('$.privateKeyPem', 'divoc-key file lacks "privateKeyPem"');
  if (typeof obj.id !== 'string' || obj.id === '') fail('$.id', 'divoc-key file lacks "id"');
  if (obj.controller !== undefined && typeof obj.controller !== 'string')
    fail('$.controller', '"controller" must be a string');
  const keyPair = importing(name, '$.privateKeyPem', () => importKeyPair({ pem: obj.privateKeyPem as string }));
  if (obj.type !== keyPair.type) {
    // A known type is named; any other value is not shown (it is content).
    if (typeof obj.type === 'string' && KEY_TYPES.includes(obj.type))
      fail('$.type', `"type" says ${JSON.stringify(obj.type)} but the key is ${keyPair.type}`);
    fail('$.type', `"type" is not ${KEY_TYPES.join(', ')} (the key is ${keyPair.type})`);
  }
  if (obj.publicKeyJwk !== undefined && !sameJwk(obj.publicKeyJwk, exportPublicJwk(keyPair))) {
    fail('$.publicKeyJwk', '"publicKeyJwk" does not match the private key');
  }
  return {
    keyPair,
    id: explicitId ?? (obj.id as string),
    ...(typeof obj.controller === 'string' ? { controller: obj.controller } : {}),
    source: 'divoc-key',
  };
}

function strictJson(name: string, text: string): unknown {
  try {
    return parseJsonStrict(text);
  } catch (error) {
    if (isUnsafeJsonError(error))
      throw new KeyFileInvalidError(name, `refused: ${error.message} (${error.code})`, {
        jsonPath: error.path,
        cause: error,
      });
    // JsonError messages start "invalid JSON: ", give the position and the JSON path, and never quote the text.
    if (error instanceof JsonError)
      throw new KeyFileInvalidError(name, error.message, { jsonPath: error.path, cause: error });
    throw error;
  }
}

/**
 * Runs an import, turning a `@divoc/keys` error (whose message never quotes key material) into a KeyFileInvalidError.
 */
function importing<T>(name: string, jsonPath: string | undefined, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof KeyError) {
      throw new KeyFileInvalidError(name, `${error.message} (${(error as KeyError & { code: string }).code})`, {
        ...(jsonPath !== undefined ? { jsonPath } : {}),
        cause: error,
      });
    }
    throw error;
  }
}

function checkPrivate(name: string, key: KeyFileKey, requirePrivate: boolean | undefined): KeyFileKey {
  if (requirePrivate && key.keyPair.privateKey === undefined)
    throw new KeyFileInvalidError(name, 'holds a public key only; a private key is needed to sign');
  return key;
}

function sameJwk(a: unknown, b: JsonWebKey): boolean {
  if (typeof a !== 'object' || a === null) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  return ['kty', 'crv', 'x', 'y', 'n', 'e'].every((k) => x[k] === y[k]);
}
