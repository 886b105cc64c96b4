/**
 * `@divoc/keys/node`: key files on disk (Node.js only). The format itself (`parseKeyFile`, `serializeKeyFile`,
 * `DivocKeyFile`) is runtime-neutral and lives in the main entry.
 *
 * @module @divoc/keys/node
 */
import { open } from 'node:fs/promises';
import {
  MAX_KEY_FILE_BYTES,
  parseKeyFile,
  serializeKeyFile,
  type KeyFileKey,
  type ParseKeyFileOptions,
} from '../file/key-file.js';
import { writePrivateKeyFile, type WritePrivateKeyFileOptions } from '../file/private-key-file.js';
import { KeyFileTooLargeError, KeyFileUnreadableError } from '../lib/errors.js';
import type { KeyPair } from '../key/key-pair.js';

/** Options of `readKeyFile`. */
export interface ReadKeyFileOptions extends ParseKeyFileOptions {
  /** Name of the file in error messages. Default: the path as given. */
  name?: string;
}

function unreadable(name: string, error: unknown): KeyFileUnreadableError {
  const systemCode = (error as { code?: unknown })?.code;
  const code = typeof systemCode === 'string' ? systemCode : undefined;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : ((error as Error)?.message ?? String(error));
  return new KeyFileUnreadableError(name, reason, {
    ...(code !== undefined ? { systemCode: code } : {}),
    cause: error,
  });
}

/**
 * Reads at most `maxBytes` of a file, checking while reading rather than after a stat (a file may grow, or be a
 * device or a pipe that never ends): never more than one byte past the cap is read or allocated, and that byte sets
 * `tooLarge` (`bytes` is then the first `maxBytes`). A directory is an `EISDIR` error; other errors are the file
 * system's. The one capped reader of the SDK: key files, trust and status files, CLI inputs, service configuration.
 */
export async function readFileCapped(
  path: string,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; tooLarge: boolean }> {
  const handle = await open(path, 'r');
  try {
    if ((await handle.stat()).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const chunks: Buffer[] = [];
    let length = 0;
    while (length <= maxBytes) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
    }
    const bytes = Buffer.concat(chunks, length);
    const tooLarge = length > maxBytes;
    return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, tooLarge ? maxBytes : length), tooLarge };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Reads a key file of at most `maxBytes` (default `MAX_KEY_FILE_BYTES`), refusing a larger one while reading it:
 * `KeyFileTooLargeError`. A file that cannot be opened or read (missing, a directory, no permission) is a
 * `KeyFileUnreadableError`.
 */
export async function readKeyFileBytes(
  path: string,
  options: { name?: string; maxBytes?: number } = {},
): Promise<Uint8Array> {
  const name = options.name ?? path;
  const max = options.maxBytes ?? MAX_KEY_FILE_BYTES;
  let read;
  try {
    read = await readFileCapped(path, max);
  } catch (error) {
    throw unreadable(name, error);
  }
  if (read.tooLarge) throw new KeyFileTooLargeError(name, max);
  return read.bytes;
}

/**
 * Reads and parses a key file (see `parseKeyFile`): `KeyFileUnreadableError`, `KeyFileTooLargeError` (checked while
 * reading) or `KeyFileInvalidError`, each naming the file (`name`, default the path) and never quoting its content.
 */
export async function readKeyFile(path: string, options: ReadKeyFileOptions = {}): Promise<KeyFileKey> {
  const name = options.name ?? path;
  const bytes = await readKeyFileBytes(path, {
    name,
    ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
  });
  return parseKeyFile(bytes, { ...options, name });
}

/** Options of `writeKeyFile`. */
export interface WriteKeyFileOptions extends WritePrivateKeyFileOptions {
  /** `created` timestamp. Default now. */
  now?: Date;
}

/**
 * Writes a `divoc-key` file (`serializeKeyFile`) readable by its owner only (mode 0600, set before the secret is
 * written). Refuses an existing file with `KeyFileExistsError` unless `overwrite`; never writes through a symlink.
 * Other file system errors pass through (with their `code`).
 */
export async function writeKeyFile(
  path: string,
  key: { keyPair: KeyPair; id: string; controller?: string },
  options: WriteKeyFileOptions = {},
): Promise<void> {
  const { now, ...write } = options;
  await writePrivateKeyFile(path, serializeKeyFile(key, now !== undefined ? { now } : {}), write);
}

export { writePrivateKeyFile, MAX_KEY_FILE_BYTES };
export type { WritePrivateKeyFileOptions, KeyFileKey, ParseKeyFileOptions };

/**
 * A plain reason for a Node.js file system error (`no such file`, `permission denied`, `is a directory`), for messages.
 */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
