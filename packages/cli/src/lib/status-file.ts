import { readFileCapped } from '@divoc/keys/node';
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  MAX_SERIALIZED_STATUS_LIST_CHARS,
  isStatusError,
  loadStatusList,
  serializeStatusList,
  type StatusList,
} from '@divoc/status';
import {
  FileExistsError,
  InputUnreadableError,
  OutputUnwritableError,
  StatusFileError,
  StatusListLockedError,
} from './errors.js';
import { writeFileAtomicExclusive } from './files.js';
import { resolvePath, type CliIo } from './io.js';
import { describeFsError } from '@divoc/keys/node';

/**
 * Status list state files: the issuer's own record of a Bitstring Status List (`serializeStatusList` JSON: statuses,
 * metadata, and which indexes were handed out). No secrets, so default permissions; but never torn (written to a
 * temporary file, flushed, renamed over) and never updated by two commands at once (a `FILE.lock` beside it).
 */

/** A serialized list holds two bitstrings of at most 16 MiB each, base64url; bound what we read (the library's cap). */
const MAX_STATE_FILE_BYTES = MAX_SERIALIZED_STATUS_LIST_CHARS;

export async function readStatusListFile(io: CliIo, path: string): Promise<StatusList> {
  let bytes: Uint8Array;
  try {
    const read = await readFileCapped(resolvePath(io, path), MAX_STATE_FILE_BYTES);
    if (read.tooLarge)
      throw new StatusFileError(path, `larger than ${MAX_STATE_FILE_BYTES} bytes: not a status list state file`);
    bytes = read.bytes;
  } catch (error) {
    if (error instanceof StatusFileError) throw error;
    throw new InputUnreadableError(path, describeFsError(error));
  }
  const text = Buffer.from(bytes)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  try {
    return loadStatusList(text);
  } catch (error) {
    if (isStatusError(error)) {
      const hint = /BitstringStatusListCredential/.test(text.slice(0, 4096))
        ? ' (this looks like a published list credential; give the state file written by divoc status create)'
        : '';
      throw new StatusFileError(path, `not a status list state file: ${error.message} (${error.code})${hint}`);
    }
    throw error;
  }
}

/**
 * Replaces (or creates) `path` atomically: temporary file in the same directory, fsync, rename. Readers see the old
 * content or the new, never a mix; a crash leaves at worst a stray temporary file.
 */
export async function writeFileAtomic(path: string, contents: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(contents, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  // Make the rename itself durable.
  const dir = await open(dirname(path), 'r').catch(() => undefined);
  if (dir) {
    await dir.sync().catch(() => undefined);
    await dir.close();
  }
}

/**
 * Writes a state file atomically. `exclusive`: only if none exists (else `FileExistsError`), for `status create`:
 * a new list must never replace one whose indexes were handed out.
 */
export async function writeStatusListFile(
  io: CliIo,
  path: string,
  list: StatusList,
  options: { exclusive?: boolean } = {},
): Promise<void> {
  const contents = `${serializeStatusList(list)}\n`;
  let created = true;
  try {
    if (options.exclusive) created = await writeFileAtomicExclusive(resolvePath(io, path), contents);
    else await writeFileAtomic(resolvePath(io, path), contents);
  } catch (error) {
    throw new OutputUnwritableError(path, describeFsError(error));
  }
  if (!created) throw new FileExistsError(path);
}

/**
 * Takes `FILE.lock` (created exclusively, holding our pid) and returns the function that releases it. A lock already
 * there is `StatusListLockedError`: another command is updating the list, or one crashed (then remove the lock).
 */
export async function acquireStatusListLock(io: CliIo, path: string): Promise<() => Promise<void>> {
  const lockPath = `${resolvePath(io, path)}.lock`;
  let lock;
  try {
    lock = await open(lockPath, 'wx', 0o644);
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') throw new StatusListLockedError(path);
    throw new OutputUnwritableError(`${path}.lock`, describeFsError(error));
  }
  try {
    await lock.writeFile(`${process.pid}\n`);
  } finally {
    await lock.close();
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await unlink(lockPath).catch(() => undefined);
  };
}

/** Holds `FILE.lock` while `fn` runs. */
export async function withStatusListLock<T>(io: CliIo, path: string, fn: () => Promise<T>): Promise<T> {
  const release = await acquireStatusListLock(io, path);
  try {
    return await fn();
  } finally {
    await release();
  }
}

/**
 * Read-modify-write of a state file under its lock: `update` changes the list and says whether to save it.
 * The file is replaced only after `update` returns, atomically.
 */
export async function updateStatusListFile<T>(
  io: CliIo,
  path: string,
  update: (list: StatusList) => Promise<{ save: boolean; value: T }> | { save: boolean; value: T },
): Promise<T> {
  return withStatusListLock(io, path, async () => {
    const list = await readStatusListFile(io, path);
    const { save, value } = await update(list);
    if (save) await writeStatusListFile(io, path, list);
    return value;
  });
}
