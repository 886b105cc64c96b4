/**
 * `--layout ndjson`: every issued record is one line of `DIR/certificates.ndjson`, appended by the worker that
 * made it, a batch per write (see processBatch), instead of files per record. At a million records the per-record
 * files (create, write, rename in a directory of millions of entries) cost more than the signing; one append per
 * batch costs almost nothing.
 *
 * The bundle is its own journal: a line is there whole (it ends in "\n") or it is a torn tail, cut off on the next
 * start. Records whose line is there are done; everything else (handed out, never appended) is issued again with
 * the same certificate id. The ids are kept in an `IdSet` so reruns and repeated ids in the input are skipped.
 *
 *   {"certificateId":"…","line":12,"recordId":"…","formats":{"w3c-vc":{…},"vc-compact":"DIVOC1:…",…}}
 */
import { stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JOURNAL_FILE, acquireLock, releaseLock, scanLines } from './journal.js';
import { IdSet } from './id-set.js';

export const BUNDLE_FILE = 'certificates.ndjson';

/** What a run found in an existing `ndjson` bundle from an earlier run (the bundle is its own journal). */
export interface BundleReport {
  /** Records already in the bundle when the run started. */
  journaled: number;
  /** Torn last line cut off (0 or 1). */
  tornLines: number;
  /**
   * Lines inside the file that are not whole records (a disk that failed mid-write): their records are issued
   * again.
   */
  invalidLines: number;
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
  readonly report: BundleReport = { journaled: 0, tornLines: 0, invalidLines: 0 };

  private constructor(
    private readonly lockPath: string,
    private readonly ids: IdSet,
  ) {}

  /** Takes the output folder's lock, cuts a torn last line and reads the ids of the records already there. */
  static async open(outDir: string): Promise<Bundle> {
    const lockPath = await acquireLock(outDir);
    try {
      const path = join(outDir, BUNDLE_FILE);
      const ids = new IdSet();
      let invalid = 0;
      const scan = await scanLines(path, (text) => {
        // Every line is parsed, not only its id read: a line a failed disk cut short inside the file (another
        // batch appended behind it) must not count its record as done. Only on a restart, never on a fresh run.
        const id = bundleLineId(text);
        let whole = false;
        if (id !== undefined) {
          try {
            JSON.parse(text);
            whole = true;
          } catch {
            whole = false;
          }
        }
        if (whole) ids.add(id as string);
        else invalid++;
      });
      let torn = 0;
      if (scan.size > scan.complete) {
        await truncate(path, scan.complete);
        torn = 1;
      }
      await writeFile(path, '', { flag: 'a' }); // there from the start: it marks the folder's layout
      const bundle = new Bundle(lockPath, ids);
      bundle.report.journaled = ids.size;
      bundle.report.tornLines = torn;
      bundle.report.invalidLines = invalid;
      return bundle;
    } catch (error) {
      await releaseLock(lockPath);
      throw error;
    }
  }

  /** Whether the record with this certificate id is in the bundle (written by this run or an earlier one). */
  has(certificateId: string): boolean {
    return this.ids.has(certificateId);
  }

  /** Records whose lines the workers have appended (processBatch): reruns and repeats of them are skipped. */
  markDone(certificateIds: readonly string[]): void {
    for (const id of certificateIds) this.ids.add(id);
  }

  async close(): Promise<void> {
    await releaseLock(this.lockPath);
  }
}

/** Whether DIR holds a run of the other layout (mixing them would issue records twice). */
export async function layoutInUse(outDir: string): Promise<'files' | 'ndjson' | undefined> {
  const present = async (name: string) =>
    stat(join(outDir, name)).then(
      () => true,
      () => false,
    );
  if (await present(BUNDLE_FILE)) return 'ndjson';
  if (await present(JOURNAL_FILE)) return 'files';
  return undefined;
}
