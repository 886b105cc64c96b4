/**
 * Crash-safe file writes for the issue engine, synchronous on purpose: they run in worker threads (each its own
 * thread, so blocking is fine) and a synchronous write + fsync + rename is the cheapest sequence there is.
 *
 * A file is first written whole to a temporary name in `<out>/.divoc-tmp/` (same file system, so rename is
 * atomic), flushed to disk, then renamed into place. A crash leaves either no file or the whole file; temporaries
 * left behind by a crash are deleted by the next run.
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
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
 * Moves a temporary file into place. `exclusive`: never replace an existing file; returns false (and drops the
 * temporary) when the target exists. Check-then-rename cannot race: the output folder is locked to one run, and
 * within a run two records with the same certificate id never run at once (the coordinator holds the second back).
 * One rename is one directory operation fewer than link + unlink, and directory operations are most of the cost of
 * writing a million small files.
 */
export function publishFile(temp: string, target: string, exclusive: boolean): boolean {
  if (exclusive && existsSync(target)) {
    unlinkSync(temp);
    return false;
  }
  renameSync(temp, target);
  return true;
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
