import {
  addCredentialStatus,
  allocateStatusEntry,
  isStatusError,
  type BitstringStatusListEntry,
  type StatusList,
} from '@divoc/status';
import { StatusFileError, UsageError } from './errors.js';
import { join } from 'node:path';
import { exists } from './files.js';
import type { CliIo } from './io.js';
import { VC_BASED, mainFileName, type OutputFormat } from './outputs.js';
import { acquireStatusListLock, readStatusListFile, writeStatusListFile } from './status-file.js';

/**
 * `divoc issue --status-list FILE` (repeatable): each issued W3C VC gets a `credentialStatus` entry (a fresh index,
 * never handed out before) in each list, so `divoc status revoke` / `suspend` can act on it later.
 *
 * Crash safety: an index must be recorded as handed out before any file carrying it exists, or a later run could
 * give the same index to another credential (revoking one would revoke both). So: `assign` allocates in memory,
 * `flush` persists the state files (atomically), and the caller flushes before writing a credential that got entries.
 * Each state file is locked (`FILE.lock`) from `openStatusAssigner` to `close`: a concurrent `divoc status revoke`
 * fails with ERR_STATUS_LIST_LOCKED instead of having its change overwritten.
 */
export interface StatusAssigner {
  /** The lists in use, with their state files. */
  readonly lists: readonly { path: string; list: StatusList }[];
  /**
   * One new entry per list, for a credential signed elsewhere (a worker thread): add them with
   * `addCredentialStatus(credential, entries)` from `@divoc/status` before signing. Throws `StatusFileError` when a
   * list is full.
   */
  allocate(): BitstringStatusListEntry[];
  /**
   * A copy of an unsigned credential with one new `credentialStatus` entry per list (and, on VC 1.1, the Bitstring
   * Status List context). Sign the result. Throws `StatusFileError` when a list is full.
   */
  assign<T extends object>(
    credential: T,
  ): T & { credentialStatus: BitstringStatusListEntry | BitstringStatusListEntry[] };
  /** Persists the allocations made since the last flush; a no-op when there were none. */
  flush(): Promise<void>;
  /** Flushes, then releases the locks. Call it in a `finally`. */
  close(): Promise<void>;
}

/**
 * Opens (and locks) the `--status-list` state files. Two lists with the same purpose are a usage error (which one
 * would `revoke` mean?). Returns undefined when no file is given, so callers can write `assigner?.assign(…)`.
 */
export async function openStatusAssigner(
  io: CliIo,
  paths: readonly string[],
  command = 'issue',
): Promise<StatusAssigner | undefined> {
  if (paths.length === 0) return undefined;
  const lists: { path: string; list: StatusList }[] = [];
  const releases: (() => Promise<void>)[] = [];
  const releaseAll = async () => {
    for (const release of releases.splice(0)) await release();
  };
  try {
    for (const path of paths) {
      if (lists.some((l) => l.path === path)) throw new UsageError(`--status-list ${path} given twice`, command);
      // Locked from here until close(), so nobody else changes the list under us.
      releases.push(await acquireStatusListLock(io, path));
      const list = await readStatusListFile(io, path);
      const same = lists.find((l) => l.list.statusPurpose === list.statusPurpose);
      if (same)
        throw new UsageError(
          `--status-list ${path} and ${same.path} are both ${list.statusPurpose} lists; give one per purpose`,
          command,
        );
      lists.push({ path, list });
    }
  } catch (error) {
    await releaseAll();
    throw error;
  }

  let dirty = false;
  const flush = async (): Promise<void> => {
    if (!dirty) return;
    for (const { path, list } of lists) await writeStatusListFile(io, path, list);
    dirty = false;
  };
  const allocate = (): BitstringStatusListEntry[] => {
    const entries = lists.map(({ path, list }) => {
      try {
        return allocateStatusEntry(list);
      } catch (error) {
        if (isStatusError(error)) throw new StatusFileError(path, `${error.message} (${error.code})`);
        throw error;
      }
    });
    dirty = true;
    return entries;
  };
  return {
    lists,
    allocate,
    assign(credential) {
      const entries = allocate();
      // addCredentialStatus is typed for @divoc/vc's UnsignedCredential; any unsigned credential object works.
      return addCredentialStatus(
        credential as never,
        entries.length === 1 ? (entries[0] as BitstringStatusListEntry) : entries,
      ) as never;
    },
    flush,
    async close() {
      try {
        await flush();
      } finally {
        await releaseAll();
      }
    },
  };
}

/**
 * Whether issuing `certificateId` into `outDir` will sign a new W3C VC, i.e. whether its task needs status entries:
 * some VC-based format (vc, divoc-qr, vc-compact) is still to be written, and no `<id>.json` from an earlier run will
 * be reused for it. Allocating only then keeps reruns from using up the list.
 */
export async function signsNewCredential(
  outDir: string,
  formats: readonly OutputFormat[],
  certificateId: string,
): Promise<boolean> {
  if (formats.includes('vc') && (await exists(join(outDir, mainFileName('vc', certificateId))))) return false;
  for (const format of formats) {
    if (VC_BASED.has(format) && !(await exists(join(outDir, mainFileName(format, certificateId))))) return true;
  }
  return false;
}
