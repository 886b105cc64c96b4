/**
 * The run journal: `.divoc-journal.ndjson` in the output folder, append-only, flushed to disk (fsync) at every
 * batch boundary. It is what makes `divoc issue` resumable after `kill -9` or a power loss:
 *
 *   {"t":"open","v":1,"indexBase":0}                         first line: index.ndjson lines older than the journal
 *   {"t":"begin","items":[{"line","certificateId","recordId","formats"}]}   written BEFORE a batch is handed out
 *   {"t":"done","items":[<index.ndjson line>…]}              written AFTER the batch's files are renamed into place
 *   {"t":"end","ids":["<certificateId>"…]}                   records of a begun batch that wrote nothing
 *                                                            (rejected or skipped)
 *
 * index.ndjson is a copy of the `done` items, appended after the journal line is on disk. On start:
 * - temporary files of an interrupted run (`.divoc-tmp/`) are deleted;
 * - a torn last line (of the journal or the index) is cut off;
 * - index lines the journal has but the index lost are appended (the index never gets a line twice);
 * - records begun but neither done nor failed are looked at: formats whose main file is there were finished
 *   before the crash and get their `done` entry now; the rest are issued again by the run (same certificate id).
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rm, stat, truncate, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BulkOutputLockedError as OutputLockedError } from '../errors.js';
import { fsyncDirectory } from './atomic.js';
import { completedFiles, type IndexEntry } from './work.js';

export const JOURNAL_FILE = '.divoc-journal.ndjson';
export const TMP_DIR = '.divoc-tmp';
export const LOCK_FILE = '.divoc-lock';
export const INDEX_FILE = 'index.ndjson';

export interface BeginItem {
  line: number;
  recordId?: string;
  certificateId: string;
  /** Reported format names (`w3c-vc`, `dcc`, …, `pdf`) requested for the record. */
  formats: string[];
}

type JournalEntry =
  | { t: 'open'; v: 1; indexBase: number }
  | { t: 'begin'; items: BeginItem[] }
  | { t: 'done'; items: IndexEntry[] }
  | { t: 'end'; ids: string[] };

/** What a run found and repaired in the journal and index of an earlier, interrupted run (`files` layout). */
export interface RecoveryReport {
  /** `done` items already in the journal. */
  journaled: number;
  /** Index lines appended because the index had lost them. */
  indexRepaired: number;
  /** Records of an interrupted run found finished on disk and journaled now. */
  recovered: number;
  /** Torn lines cut off (journal or index). */
  tornLines: number;
  /** Temporary files deleted. */
  tempsDeleted: number;
}

/**
 * Lengths in bytes of the complete lines of a file (ending in "\n") and the offset where the complete part ends.
 * Streams the file: a journal of millions of lines is never held in memory.
 */
export async function scanLines(
  path: string,
  onLine: (text: string) => void,
): Promise<{ complete: number; size: number }> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return { complete: 0, size: -1 };
  }
  let complete = 0;
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let buffer = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    buffer += chunk;
    let start = 0;
    for (;;) {
      const nl = buffer.indexOf('\n', start);
      if (nl === -1) break;
      const text = buffer.slice(start, nl);
      complete += Buffer.byteLength(text, 'utf8') + 1;
      onLine(text);
      start = nl + 1;
    }
    buffer = buffer.slice(start);
  }
  return { complete, size };
}

export class Journal {
  private constructor(
    private readonly outDir: string,
    private readonly journal: FileHandle,
    private readonly index: FileHandle,
    private readonly lockPath: string,
    private readonly fsync: boolean,
  ) {}

  readonly report: RecoveryReport = { journaled: 0, indexRepaired: 0, recovered: 0, tornLines: 0, tempsDeleted: 0 };

  /**
   * `fsync: false` (`--no-fsync`): nothing is flushed to disk, neither files nor journal. Appends still reach the
   * page cache in order, so a kill -9 loses nothing (the kernel keeps them); only a power loss can. Flushing costs
   * the coordinator two fsyncs per batch, which at a million records is minutes of waiting.
   */
  static async open(outDir: string, options: { qr?: 'png' | 'svg'; fsync?: boolean }): Promise<Journal> {
    const lockPath = await acquireLock(outDir);
    try {
      const journalPath = join(outDir, JOURNAL_FILE);
      const indexPath = join(outDir, INDEX_FILE);
      const report: RecoveryReport = { journaled: 0, indexRepaired: 0, recovered: 0, tornLines: 0, tempsDeleted: 0 };

      // 1. Temporaries of an interrupted run: never published, so never referenced; delete them.
      const tmpDir = join(outDir, TMP_DIR);
      try {
        const { readdir } = await import('node:fs/promises');
        // Files only: each thread keeps its temporaries in a folder of its own (t<threadId>/).
        report.tempsDeleted = (await readdir(tmpDir, { recursive: true, withFileTypes: true })).filter((e) =>
          e.isFile(),
        ).length;
      } catch {
        report.tempsDeleted = 0;
      }
      await rm(tmpDir, { recursive: true, force: true });
      await mkdir(tmpDir, { recursive: true });

      // 2. Index lines (complete ones) and a torn tail.
      let indexLines = 0;
      const indexScan = await scanLines(indexPath, () => indexLines++);
      if (indexScan.size > indexScan.complete) {
        await truncate(indexPath, indexScan.complete);
        report.tornLines++;
      }

      // 3. The journal: replay it, cut a torn tail.
      let indexBase: number | undefined;
      let doneItems = 0;
      const pending = new Map<string, BeginItem>();
      const journalScan = await scanLines(journalPath, (text) => {
        let entry: JournalEntry;
        try {
          entry = JSON.parse(text) as JournalEntry;
        } catch {
          return; // a line torn inside (cannot happen with appends, but never stop a recovery on it)
        }
        if (entry.t === 'open') indexBase ??= entry.indexBase;
        else if (entry.t === 'begin') for (const item of entry.items) pending.set(item.certificateId, item);
        else if (entry.t === 'done') {
          doneItems += entry.items.length;
          for (const item of entry.items) pending.delete(item.certificateId);
        } else if (entry.t === 'end') for (const id of entry.ids) pending.delete(id);
      });
      if (journalScan.size > journalScan.complete) {
        await truncate(journalPath, journalScan.complete);
        report.tornLines++;
      }
      const fresh = indexBase === undefined;
      if (fresh) {
        // No journal yet: an index.ndjson already there (an older run) is kept as it is.
        indexBase = indexLines;
        await writeFile(journalPath, `${JSON.stringify({ t: 'open', v: 1, indexBase })}\n`, {
          flag: journalScan.size >= 0 ? 'w' : 'wx',
        });
        fsyncDirectory(outDir);
      }
      report.journaled = doneItems;

      const journal = await open(journalPath, 'a');
      const index = await open(indexPath, 'a');
      const self = new Journal(outDir, journal, index, lockPath, options.fsync ?? true);
      Object.assign(self.report, report);

      // 4. Index lines the journal has and the index lost (crash between the two appends).
      const expected = (indexBase as number) + doneItems;
      if (indexLines < expected) {
        let skip = indexLines - (indexBase as number);
        const missing: string[] = [];
        await scanLines(journalPath, (text) => {
          if (!text.startsWith('{"t":"done"')) return;
          let entry: JournalEntry;
          try {
            entry = JSON.parse(text) as JournalEntry;
          } catch {
            return;
          }
          if (entry.t !== 'done') return;
          for (const item of entry.items) {
            if (skip > 0) skip--;
            else missing.push(JSON.stringify(item));
          }
        });
        if (missing.length > 0) {
          await index.write(`${missing.join('\n')}\n`);
          await index.sync();
          self.report.indexRepaired = missing.length;
        }
      }

      // 5. Records an interrupted run began: what is on disk was finished; journal and index it now.
      if (pending.size > 0) {
        const done: IndexEntry[] = [];
        for (const item of pending.values()) {
          const found = completedFiles(outDir, item.certificateId, item.formats, options.qr);
          if (found.formats.length === 0) continue;
          done.push({
            line: item.line,
            ...(item.recordId !== undefined ? { recordId: item.recordId } : {}),
            certificateId: item.certificateId,
            files: found.files,
            formats: found.formats,
          });
        }
        const unfinished = [...pending.keys()].filter((id) => !done.some((d) => d.certificateId === id));
        await self.commit(done, unfinished);
        self.report.recovered = done.length;
      }
      return self;
    } catch (error) {
      await releaseLock(lockPath);
      throw error;
    }
  }

  /** Records about to be handed to workers: on disk before any of their files can be. */
  async begin(items: BeginItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.journal.write(`${JSON.stringify({ t: 'begin', items })}\n`);
    if (this.fsync) await this.journal.sync();
  }

  /** Records whose files are in place (`done`), and begun records that wrote nothing (`ended`: rejected, skipped). */
  async commit(done: IndexEntry[], ended: string[]): Promise<void> {
    if (done.length === 0 && ended.length === 0) return;
    // The renames must be durable before the journal says the files are there.
    if (done.length > 0 && this.fsync) fsyncDirectory(this.outDir);
    let text = '';
    if (done.length > 0) text += `${JSON.stringify({ t: 'done', items: done })}\n`;
    if (ended.length > 0) text += `${JSON.stringify({ t: 'end', ids: ended })}\n`;
    await this.journal.write(text);
    if (this.fsync) await this.journal.sync();
    if (done.length > 0) await this.index.write(`${done.map((d) => JSON.stringify(d)).join('\n')}\n`);
  }

  async close(): Promise<void> {
    try {
      await this.index.sync().catch(() => undefined);
      await this.index.close();
      await this.journal.close();
      await rm(join(this.outDir, TMP_DIR), { recursive: true, force: true });
    } finally {
      await releaseLock(this.lockPath);
    }
  }
}

/** Lock files this process holds: a second run in the same process must not take them over as stale. */
const heldHere = new Set<string>();

/** One run per output folder: `.divoc-lock` holds the pid; a lock left by a dead process is taken over. */
export async function acquireLock(outDir: string): Promise<string> {
  const path = join(outDir, LOCK_FILE);
  if (heldHere.has(path)) throw new OutputLockedError(outDir, `another run in this process is writing there`);
  heldHere.add(path);
  try {
    return await takeLock(outDir, path);
  } catch (error) {
    heldHere.delete(path);
    throw error;
  }
}

export async function releaseLock(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
  heldHere.delete(path);
}

async function takeLock(outDir: string, path: string): Promise<string> {
  const me = JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, me, { flag: 'wx' });
      return path;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    let holder: { pid?: unknown; host?: unknown } = {};
    try {
      holder = JSON.parse(await readFile(path, 'utf8')) as typeof holder;
    } catch {
      holder = {};
    }
    if (
      typeof holder.pid === 'number' &&
      holder.host === hostname() &&
      holder.pid !== process.pid &&
      isAlive(holder.pid)
    ) {
      throw new OutputLockedError(
        outDir,
        `another divoc issue (pid ${holder.pid}) is writing there; if it is gone, delete ${path}`,
      );
    }
    if (typeof holder.pid === 'number' && holder.host !== hostname() && holder.host !== undefined) {
      throw new OutputLockedError(
        outDir,
        `locked by pid ${holder.pid} on ${String(holder.host)}; if that run is gone, delete ${path}`,
      );
    }
    // Stale (the process died, e.g. kill -9): take it over.
    await unlink(path).catch(() => undefined);
  }
  throw new OutputLockedError(outDir, `cannot take the lock ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
