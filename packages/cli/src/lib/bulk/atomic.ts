/**
 * Crash-safe file writes for the issue engine, synchronous on purpose: they run in worker threads (each its own
 * thread, so blocking is fine) and a synchronous write + fsync + rename is the cheapest sequence there is.
 *
 * A file is first written whole to a temporary name in `<out>/.divoc-tmp/` (same file system, so rename is
 * atomic), flushed to disk, then renamed into place. A crash leaves either no file or the whole file; temporaries
 * left behind by a crash are deleted by the next run.
 */
import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

let counter = 0;

export function writeTempFile(tmpDir: string, name: string, contents: string | Uint8Array, fsync: boolean): string {
  const temp = join(tmpDir, `${process.pid}-${threadId}-${++counter}-${name}`);
  const fd = openSync(temp, 'wx', 0o644);
  try {
    const bytes = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    if (fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/**
 * Moves a temporary file into place. `exclusive`: never replace an existing file (hard link, then drop the
 * temporary): returns false when the target exists. Otherwise rename, replacing what is there.
 */
export function publishFile(temp: string, target: string, exclusive: boolean): boolean {
  if (!exclusive) {
    renameSync(temp, target);
    return true;
  }
  try {
    linkSync(temp, target);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST') return false;
    // File systems without hard links: the output directory is locked, so check-then-rename cannot race.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'ENOSYS' || code === 'EMLINK') {
      if (existsSync(target)) return false;
      renameSync(temp, target);
      return true;
    }
    throw error;
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed
    }
  }
}

/** Flushes a directory entry table (renames into it) to disk. Best effort where directories cannot be opened. */
export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows and some network file systems cannot fsync a directory.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
