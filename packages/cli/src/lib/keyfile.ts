import { createHash } from 'node:crypto';
import {
  createSigner,
  controllerOf,
  defaultKeyId,
  isUnsafeJsonError,
  JsonError,
  KeyFileInvalidError,
  KeyFileTooLargeError,
  KeyFileUnreadableError,
  parseKeyFile as parseKeyFileText,
  type KeyFileKey,
  type KeyPair,
  type KeyType,
  type SignatureAlgorithm,
  type Signer,
} from '@divoc/keys';
import { readKeyFile } from '@divoc/keys/node';
import type { OpenPkcs11SessionOptions, Pkcs11Session } from '@divoc/keys/pkcs11';
import { InputUnreadableError, KeyFileError } from './errors.js';
import { resolvePath, type CliIo } from './io.js';
import { loadPkcs11Module } from './pkcs11-module.js';
import { describeFsError } from '@divoc/keys/node';

// The key-file format (`divoc-key` JSON, PEM, DIVOC key JSON, JWK) is @divoc/keys' (`parseKeyFile`,
// `serializeKeyFile`; reading and writing in `@divoc/keys/node`). This module maps its errors to the CLI's codes and
// adds keys in PKCS#11 tokens.

/** A key read from a file (or found in a PKCS#11 token), with the id proofs will reference. */
export interface LoadedKey extends Omit<KeyFileKey, 'source'> {
  /** For a token key: the public half only; sign with `signerFor(key, …)`, which uses `signer`. */
  keyPair: KeyPair;
  /** Which file format it came from; `pkcs11` for a key in a token (`--key pkcs11:…`). */
  source: KeyFileKey['source'] | 'pkcs11';
  /** Set for token keys: signs inside the token (the private key never leaves it). */
  signer?: Signer;
}

/**
 * The CLI error for a @divoc/keys key-file error, with the code, exit status and message the CLI has always printed:
 * a bad file is `ERR_KEY_FILE_INVALID` (`KeyFileError`), one that cannot be read or is too large to be a key file
 * `ERR_INPUT_UNREADABLE` (`InputUnreadableError`) when reading it, `ERR_KEY_FILE_INVALID` when given its bytes.
 * Anything else is returned as it is.
 */
function toCliError(path: string, error: unknown, reading: boolean): unknown {
  if (error instanceof KeyFileInvalidError) {
    // The CLI has always prefixed the strict parser's syntax errors once more.
    const syntax = error.cause instanceof JsonError && !isUnsafeJsonError(error.cause);
    return new KeyFileError(path, syntax ? `invalid JSON: ${error.reason}` : error.reason);
  }
  if (error instanceof KeyFileTooLargeError) {
    const reason = `larger than ${error.limit} bytes: not a key file`;
    return reading ? new InputUnreadableError(path, reason) : new KeyFileError(path, reason);
  }
  if (error instanceof KeyFileUnreadableError)
    return new InputUnreadableError(path, describeFsError(error.cause ?? error));
  return error;
}

/**
 * Parses any key file the CLI accepts (see @divoc/keys `parseKeyFile`): errors are `KeyFileError`s naming `path`.
 * `explicitId` (from `--key-id` or `--trust ID=FILE`) overrides the id the file gives or implies.
 */
export function parseKeyFile(
  path: string,
  bytes: Uint8Array,
  options: { explicitId?: string; requirePrivate: boolean },
): LoadedKey {
  try {
    return parseKeyFileText(bytes, { name: path, ...options });
  } catch (error) {
    throw toCliError(path, error, false);
  }
}

/**
 * The Signer for a loaded key: the token's for a PKCS#11 key, else one over the in-memory private key.
 * Use it wherever a command signs, so `--key pkcs11:…` works like a key file.
 */
export function signerFor(key: LoadedKey, options: { id: string; algorithm?: SignatureAlgorithm }): Signer {
  const token = key.signer;
  if (!token) return createSigner(key.keyPair, options);
  const algorithm = options.algorithm ?? token.algorithm;
  if (algorithm !== token.algorithm)
    throw new KeyFileError(key.id, `the token key signs ${token.algorithm}, not ${algorithm}`);
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

async function pkcs11Session(
  pkcs11: typeof import('@divoc/keys/pkcs11'),
  options: OpenPkcs11SessionOptions,
): Promise<Pkcs11Session> {
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
export async function loadPkcs11Key(
  uri: string,
  options: { explicitId?: string; env: Record<string, string | undefined> },
): Promise<LoadedKey> {
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
    const made = await pkcs11.generatePkcs11KeyPair(session, {
      type,
      label,
      ...(target.key?.id !== undefined ? { id: target.key.id } : {}),
    });
    return {
      keyPair: made.keyPair,
      label: made.label,
      tokenLabel: session.tokenLabel,
      objectId: Buffer.from(made.id).toString('hex'),
    };
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
  if (isPkcs11KeyRef(path))
    return loadPkcs11Key(path, { ...(keyId !== undefined ? { explicitId: keyId } : {}), env: io.env ?? process.env });
  try {
    return await readKeyFile(resolvePath(io, path), {
      name: path,
      ...(keyId !== undefined ? { explicitId: keyId } : {}),
      requirePrivate: true,
    });
  } catch (error) {
    throw toCliError(path, error, true);
  }
}
