/**
 * `--layout ndjson`: every issued record is one line of `DIR/certificates.ndjson`, appended by the coordinator a
 * batch at a time, instead of files per record. At a million records the per-record files (create, write, rename
 * in a directory of millions of entries) cost more than the signing; one append per batch costs almost nothing.
 *
 * The bundle is its own journal: a line is there whole (it ends in "\n") or it is a torn tail, cut off on the next
 * start. Records whose line is there are done; everything else (handed out, never appended) is issued again with
 * the same certificate id. The ids are kept in an `IdSet` so reruns and repeated ids in the input are skipped.
 *
 *   {"certificateId":"…","line":12,"recordId":"…","formats":{"w3c-vc":{…},"vc-compact":"DIVOC1:…",…}}
 */
import { open, stat, truncate, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { JOURNAL_FILE, acquireLock, scanLines } from './journal.js';
import { IdSet } from './id-set.js';

export const BUNDLE_FILE = 'certificates.ndjson';

export interface BundleReport {
  /** Records already in the bundle when the run started. */
  journaled: number;
  /** Torn last line cut off (0 or 1). */
  tornLines: number;
}

const PREFIX = '{"certificateId":';

/** The certificate id at the start of a bundle line, or undefined if the line is not one of ours. */
export function bundleLineId(text: string): string | undefined {
  if (!text.startsWith(PREFIX)) return undefined;
  // The id is a JSON string right after the prefix: find its closing quote (skipping escapes) and parse just it.
  let i = PREFIX.length + 1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34 /* " */) break;
  }
  try {
    const id: unknown = JSON.parse(text.slice(PREFIX.length, i + 1));
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

export class Bundle {
  readonly report: BundleReport = { journaled: 0, tornLines: 0 };

  private constructor(
    private readonly file: FileHandle,
    private readonly lockPath: string,
    private readonly ids: IdSet,
    private readonly fsync: boolean,
  ) {}

  static async open(outDir: string, options: { fsync?: boolean } = {}): Promise<Bundle> {
    const lockPath = await acquireLock(outDir);
    try {
      const path = join(outDir, BUNDLE_FILE);
      const ids = new IdSet();
      const scan = await scanLines(path, (text) => {
        const id = bundleLineId(text);
        if (id !== undefined) ids.add(id);
      });
      let torn = 0;
      if (scan.size > scan.complete) {
        await truncate(path, scan.complete);
        torn = 1;
      }
      const file = await open(path, 'a');
      const bundle = new Bundle(file, lockPath, ids, options.fsync ?? true);
      bundle.report.journaled = ids.size;
      bundle.report.tornLines = torn;
      return bundle;
    } catch (error) {
      await unlink(lockPath).catch(() => undefined);
      throw error;
    }
  }

  /** Whether the record with this certificate id is in the bundle (written by this run or an earlier one). */
  has(certificateId: string): boolean {
    return this.ids.has(certificateId);
  }

  /** Appends whole lines (each ending in "\n"), then remembers their ids. */
  async append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.file.write(lines.join(''));
    if (this.fsync) await this.file.sync();
    for (const text of lines) {
      const id = bundleLineId(text);
      if (id !== undefined) this.ids.add(id);
    }
  }

  async close(): Promise<void> {
    try {
      await this.file.close();
    } finally {
      await unlink(this.lockPath).catch(() => undefined);
    }
  }
}

/** Whether DIR holds a run of the other layout (mixing them would issue records twice). */
export async function layoutInUse(outDir: string): Promise<'files' | 'ndjson' | undefined> {
  const present = async (name: string) => stat(join(outDir, name)).then(() => true, () => false);
  if (await present(BUNDLE_FILE)) return 'ndjson';
  if (await present(JOURNAL_FILE)) return 'files';
  return undefined;
}
