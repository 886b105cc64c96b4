/**
 * `issueBulk`: the coordinator of a bulk run, on the main thread. It reads records from the source, maps and checks
 * them, hands them out in batches to the executor (worker threads, or the main thread) and keeps the run's ledger:
 * the journal (`files` layout), certificates.ndjson (`ndjson` layout) or the caller's sink. Queues are bounded, so
 * memory stays flat whatever the input size; every batch is journaled before it is handed out and after its
 * certificates are stored, so a run killed at any moment and started again issues every record exactly once.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  certificateIdFor,
  findUnknownFields,
  knownRecordFields,
  unknownFieldMessage,
  type IssuerKeys,
} from '@divoc/issuer';
import { resolveVaccine } from '@divoc/schemas';
import type { BitstringStatusListEntry } from '@divoc/status';
import {
  BulkLayoutMismatchError,
  BulkOptionsError,
  BulkOutputUnwritableError,
  BulkUnknownColumnsError,
  describeFsError,
  isBulkError,
  isFsError,
} from './errors.js';
import { BULK_FORMATS, VC_BASED_FORMATS, isBulkFormat, mainFileName, type BulkFormat } from './formats.js';
import { Bundle, BUNDLE_FILE, layoutInUse, type BundleReport } from './lib/bundle.js';
import { INDEX_FILE, Journal, TMP_DIR, type BeginItem, type RecoveryReport } from './lib/journal.js';
import { identityMapper, mappingRecordMapper, parseMapping, recordIdOf } from './lib/mapping.js';
import { DEFAULT_WORKER_HEAP_MB, createExecutor, type Executor } from './lib/pool.js';
import { PDF_FORMAT, type IndexEntry, type RecordTask, type TaskResult, type WorkConfig } from './lib/work.js';
import { toRecordSource, type RecordSource } from './sources/index.js';
import type { FieldError, RawRecord, RecordMapper, SourceItem } from './types.js';

/**
 * Signing keys for a run. Keys in memory (`IssuerKeys`, as `@divoc/issuer` takes them) sign on the main thread
 * only: signers cannot be sent to worker threads. A `KeyLoader` lets every worker thread load its own copy.
 */
export type BulkKeys = IssuerKeys | KeyLoader;

/**
 * An ES module exporting `loadIssuerKeys(options): Promise<IssuerKeys>`, imported by each worker thread so private
 * keys never travel between threads (they read key files, or open an HSM session, themselves).
 */
export interface KeyLoader {
  /** `file:` URL or absolute path of the module. */
  module: string | URL;
  /** Passed to `loadIssuerKeys` in each thread: plain data (file paths, a PKCS#11 URI), never key bytes. */
  options?: unknown;
}

/** One issued record, as a sink receives it: the same object as a line of certificates.ndjson. */
export interface IssuedCertificate {
  certificateId: string;
  /** Position of the record in the source (its line in a file; from 1). */
  line: number;
  /** The registry's own id of the record (`refId`, `recordId` or `id`), when it has one. */
  recordId?: string;
  /**
   * Each requested format: `w3c-vc` the signed credential (object), `divoc-qr` / `vc-compact` / `dcc` the QR text,
   * `shc` `{ file, qr }`, `vdsnc` the seal (object).
   */
  formats: Partial<Record<BulkFormat, unknown>>;
}

/**
 * Where certificates go instead of files: the registry's own store. Exactly once across crashes needs both halves:
 * `has` says which certificates are stored already (a resumed run skips them; so does a repeated id), and `write`
 * stores a batch durably (one transaction) before it resolves. `write` is never called twice at once.
 */
export interface CertificateSink {
  /** Which of these certificate ids the store already holds; those records are skipped. */
  has(certificateIds: readonly string[]): Promise<Iterable<string>> | Iterable<string>;
  /** Stores one batch durably (one transaction) before resolving; a rejection stops the run. */
  write(certificates: readonly IssuedCertificate[]): Promise<void>;
}

/**
 * Status list entries for new W3C credentials, one per list (e.g. `revocation`, `suspension`): see
 * `allocateStatusEntry` in `@divoc/status`. `flush` persists the allocations; it runs before the batch is handed
 * out, so a crash can waste an index, never hand one out twice.
 */
export interface StatusEntryAllocator {
  /** One new entry per status list, for the next credential. */
  allocate(): BitstringStatusListEntry[];
  /** Persists the allocations made so far; runs before the batch that uses them is handed out. */
  flush(): Promise<void>;
}

/** Records issued, skipped (already issued, or a repeated id) and failed (reported in the errors) so far. */
export interface BulkCounts {
  issued: number;
  skipped: number;
  failed: number;
}

/** A record that was not issued, with why (the same object as a line of errors.ndjson). */
export interface BulkRejection {
  line: number;
  recordId?: string;
  errors: FieldError[];
}

/** What `issueBulk` reports to `onStart` once the output is opened, before the first record is issued. */
export interface BulkStartInfo {
  /** Worker threads signing (0: the main thread). */
  threads: number;
  /** What was found in the output folder from an earlier, interrupted run (`files` / `ndjson` layouts). */
  recovery?: RecoveryReport | BundleReport;
}

/** Options of {@link issueBulk}: the records, the template and formats, the keys, and where the certificates go. */
export interface IssueBulkOptions {
  /** Records: a RecordSource (`csvSource`, `ndjsonSource`, `jsonSource`, `openRecordFile`) or any iterable of them. */
  source: RecordSource | AsyncIterable<RawRecord> | Iterable<RawRecord>;
  /** Credential template: `vaccination`, `vaccination-v2`, `test`, `recovery` or a registered custom type. */
  template: string;
  /** Formats to issue per record (default `['w3c-vc']`). */
  formats?: readonly BulkFormat[];
  keys: BulkKeys;
  /** Issuer DID or URL of the credentials. */
  issuer: string;
  /**
   * Output folder for the `files` and `ndjson` layouts (created if missing); it also holds the run's journal,
   * `errors.ndjson` and the lock that keeps a second run out. Not used with a `sink`.
   */
  out?: string;
  /** `files` (default): files per certificate, index.ndjson; `ndjson`: a line per certificate, certificates.ndjson. */
  layout?: 'files' | 'ndjson';
  /** Certificates go to this sink instead of an output folder. */
  sink?: CertificateSink;
  /** Column mapping: a RecordMapper, or a mapping object (the `--mapping` file format). Default: columns are fields. */
  mapping?: RecordMapper | Record<string, unknown>;
  /** Worker threads (default: one per core; 0 = the main thread). Ignored (0) with keys in memory. */
  workers?: number;
  /** Records per batch handed to a worker and per journal flush (default 64). */
  batchSize?: number;
  /** V8 old-generation ceiling per worker thread in MiB (default 128; 0 = V8's default). */
  workerHeapMb?: number;
  /** Flush files and the journal to disk (default true; false is still safe against kill -9, not power loss). */
  fsync?: boolean;
  /** Also write QR images (`files` layout). */
  qr?: 'png' | 'svg';
  /** Also write a printable PDF per certificate (`files` layout; needs `@divoc/pdf`). */
  pdf?: { templatePath?: string; fontPath?: string; locale?: string };
  vcVersion?: '1.1' | '2.0';
  /** JSON-LD contexts of the W3C credential (default `sdk`). */
  context?: 'sdk' | 'divoc-legacy';
  /** Printable certificate issuer: the DCC's `is` claim in every `v`/`t`/`r` entry (≤ 80; default the issuer URI). */
  certificateIssuerName?: string;
  /** Drop record fields the template does not know instead of rejecting the record. */
  ignoreUnknownFields?: boolean;
  /** Issue vaccination records whose vaccine `resolveVaccine` does not know (default: rejected). */
  allowUnknownVaccine?: boolean;
  credentialStatus?: StatusEntryAllocator;
  /** Directory relative PDF template and font paths are read from (default: the process's). */
  cwd?: string;
  /** Stops reading new records; what was handed out finishes and is journaled, then `issueBulk` resolves. */
  signal?: AbortSignal;
  /** Called once, when the output is opened and before the first record is issued. */
  onStart?(info: BulkStartInfo): void;
  /**
   * Called often (after each batch and record); throttle any drawing yourself. `bytesRead` is of the source, which
   * is read ahead of the work; `recordsRead` counts the records taken from it (done, or queued for the workers).
   */
  onProgress?(counts: Readonly<BulkCounts>, bytesRead: number, recordsRead: number): void;
  /** Each rejected record, in source order. */
  onReject?(rejection: BulkRejection): void;
  /**
   * A record whose PDF was written, but not all as in the record (`WARN_PDF_GLYPH_MISSING`: characters no font has
   * were printed as the template's fallback text). `line` is the input line.
   */
  onWarning?(warning: { line: number; certificateId: string; code: string; message: string }): void;
  /** The final counts, also when the run fails (called before `issueBulk` settles). */
  onDone?(summary: BulkSummary): void;
}

/** The result of a finished (or aborted) {@link issueBulk} run. */
export interface BulkSummary extends BulkCounts {
  /** Whether `signal` stopped the run before the source was read to the end. Run again to finish. */
  aborted: boolean;
  /** Worker threads that signed (0: the main thread). */
  threads: number;
  seconds: number;
  /** Files of the run, for the `files` and `ndjson` layouts. */
  files?: { index?: string; certificates?: string; errors: string };
}

const VACCINATION_TEMPLATES = new Set(['vaccination', 'vaccination-v2']);

/** A module to `import()`: URLs as they are, absolute paths as `file:` URLs (a Windows path is no URL). */
function moduleHref(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return isAbsolute(module) ? pathToFileURL(module).href : module;
}

function isKeyLoader(keys: BulkKeys): keys is KeyLoader {
  return typeof (keys as KeyLoader).module === 'string' || (keys as KeyLoader).module instanceof URL;
}

function mapperOf(mapping: IssueBulkOptions['mapping']): RecordMapper {
  if (mapping === undefined) return identityMapper;
  if (typeof (mapping as RecordMapper).map === 'function') return mapping as RecordMapper;
  return mappingRecordMapper(parseMapping(mapping));
}

function checkCount(value: number | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BulkOptionsError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Whether a record will sign a new W3C credential (so it takes status entries): not when its VC is on disk. */
function signsNewCredential(outDir: string, formats: readonly BulkFormat[], certificateId: string): boolean {
  if (formats.includes('w3c-vc') && existsSync(join(outDir, mainFileName('w3c-vc', certificateId)))) return false;
  return formats.some((f) => VC_BASED_FORMATS.has(f) && !existsSync(join(outDir, mainFileName(f, certificateId))));
}

/**
 * Issues every record of `source` in every requested format. Resolves with the counts when the source is done
 * (or `signal` stopped it); rejects when the run cannot go on (output folder locked or unwritable, a worker
 * failed, the source broke off). Whatever was finished before is kept: run it again with the same output folder
 * (or sink) and it issues only what is missing.
 */
export async function issueBulk(options: IssueBulkOptions): Promise<BulkSummary> {
  const started = Date.now();
  const formats = BULK_FORMATS.filter((f) => (options.formats ?? ['w3c-vc']).includes(f));
  const unknownFormats = (options.formats ?? []).filter((f) => !isBulkFormat(f));
  if (unknownFormats.length > 0) throw new BulkOptionsError(`unknown formats: ${unknownFormats.join(', ')}`);
  if (formats.length === 0) throw new BulkOptionsError('formats names no format');
  const { template, sink } = options;
  if ((sink === undefined) === (options.out === undefined)) {
    throw new BulkOptionsError('give either out (an output folder) or a sink');
  }
  const layout = sink !== undefined ? 'sink' : (options.layout ?? 'files');
  if (layout !== 'files' && (options.qr !== undefined || options.pdf !== undefined)) {
    throw new BulkOptionsError('QR images and PDFs are files per certificate: they need the files layout');
  }
  const inMemoryKeys = isKeyLoader(options.keys) ? undefined : options.keys;
  const keyLoader = isKeyLoader(options.keys) ? options.keys : undefined;
  const workers = checkCount(options.workers, 'workers', 0, 256, Math.max(1, availableParallelism()));
  const batchSize = checkCount(options.batchSize, 'batchSize', 1, 10_000, 64);
  const issuerName = options.certificateIssuerName;
  if (
    issuerName !== undefined &&
    (typeof issuerName !== 'string' || issuerName.trim() === '' || issuerName.length > 80)
  )
    throw new BulkOptionsError('certificateIssuerName must be 1 to 80 characters');
  const workerHeapMb = checkCount(options.workerHeapMb, 'workerHeapMb', 0, 65_536, DEFAULT_WORKER_HEAP_MB);
  const mapper = mapperOf(options.mapping);
  const records = toRecordSource(options.source);
  const bytesRead = () => records.bytesRead?.() ?? 0;
  const outDir = options.out ?? '';
  const fsync = options.fsync ?? true;
  // The issuer's rule (@divoc/issuer), so the CLI, the service and the worker accept the same fields.
  const knownFields = knownRecordFields(template);
  const reportedFormats: string[] = [...formats, ...(options.pdf ? [PDF_FORMAT] : [])];
  // Counts as the run goes (what onProgress sees); the summary copies them at the end.
  const counts: BulkCounts = { issued: 0, skipped: 0, failed: 0 };
  const summary: BulkSummary = { ...counts, aborted: false, threads: 0, seconds: 0 };
  const statusAllocator = options.credentialStatus;
  const signal = options.signal;

  // A CSV's header is checked before anything is written: without a mapping its columns are the record fields, and
  // a misspelt one would otherwise fail every row, each for the field the column should have filled.
  let items: AsyncIterable<SourceItem> = records.items;
  if (records.columns !== undefined && mapper === identityMapper && !options.ignoreUnknownFields && knownFields) {
    const iterator = records.items[Symbol.asyncIterator]();
    let first: IteratorResult<SourceItem> | { error: unknown };
    try {
      first = await iterator.next();
    } catch (error) {
      first = { error }; // a broken input is reported where it always was: when the run reads it
    }
    const unknown = findUnknownFields(template, records.columns() ?? []);
    if (unknown.length > 0) {
      await iterator.return?.(undefined);
      throw new BulkUnknownColumnsError(template, unknown);
    }
    const rest: AsyncIterable<SourceItem> = { [Symbol.asyncIterator]: () => iterator };
    items = (async function* () {
      if ('error' in first) throw first.error;
      if (first.done) return;
      yield first.value;
      yield* rest;
    })();
  }

  let journal: Journal | Bundle | undefined;
  let executor: Executor | undefined;
  let sourceFailure: unknown;
  // Marks an error as the source's (a cursor's lost connection is not the output folder's fault).
  async function* sourceItems(): AsyncGenerator<SourceItem> {
    try {
      yield* items;
    } catch (error) {
      sourceFailure = error;
      throw error;
    }
  }
  let errorsFile: FileHandle | undefined;
  try {
    if (layout !== 'sink') {
      try {
        await mkdir(outDir, { recursive: true });
      } catch (error) {
        throw new BulkOutputUnwritableError(outDir, describeFsError(error));
      }
      const inUse = await layoutInUse(outDir);
      if (inUse !== undefined && inUse !== layout) throw new BulkLayoutMismatchError(outDir, inUse);
      try {
        journal =
          layout === 'ndjson'
            ? await Bundle.open(outDir)
            : await Journal.open(outDir, { ...(options.qr !== undefined ? { qr: options.qr } : {}), fsync });
      } catch (error) {
        if (isBulkError(error)) throw error;
        throw new BulkOutputUnwritableError(outDir, describeFsError(error));
      }
    }
    const config: WorkConfig = {
      cwd: options.cwd ?? process.cwd(),
      outDir,
      tmpDir: join(outDir, TMP_DIR),
      template,
      formats,
      ...(keyLoader ? { keyLoader: { module: moduleHref(keyLoader.module), options: keyLoader.options } } : {}),
      issuer: options.issuer,
      ...(options.qr ? { qr: options.qr } : {}),
      ...(options.vcVersion ? { vcVersion: options.vcVersion } : {}),
      ...(options.context ? { context: options.context } : {}),
      ...(options.certificateIssuerName !== undefined ? { certificateIssuerName: options.certificateIssuerName } : {}),
      ...(options.pdf ? { pdf: options.pdf } : {}),
      fsync,
      layout,
      workerHeapMb,
    };
    executor = await createExecutor(config, workers, 2, inMemoryKeys);
    summary.threads = executor.threads;
    // errors.ndjson describes this run only (replaced); index.ndjson is the ledger across runs (see Journal).
    if (layout !== 'sink') errorsFile = await open(join(outDir, 'errors.ndjson'), 'w');
    options.onStart?.({ threads: executor.threads, ...(journal ? { recovery: journal.report } : {}) });
    await run();
  } catch (error) {
    // A file system error of ours is the output folder's; the source's and the sink's own errors pass unchanged.
    if (layout !== 'sink' && error !== sourceFailure && !isBulkError(error) && isFsError(error)) {
      throw new BulkOutputUnwritableError(outDir, describeFsError(error));
    }
    throw error;
  } finally {
    await executor?.close();
    await errorsFile?.close();
    await journal?.close();
    Object.assign(summary, counts);
    summary.seconds = (Date.now() - started) / 1000;
    if (layout !== 'sink') {
      summary.files = {
        ...(layout === 'files' ? { index: join(outDir, INDEX_FILE) } : { certificates: join(outDir, BUNDLE_FILE) }),
        errors: join(outDir, 'errors.ndjson'),
      };
    }
    options.onDone?.(summary);
  }
  return summary;

  async function run(): Promise<void> {
    const pool = executor as Executor;
    const ledger = journal instanceof Journal ? journal : undefined;
    const bundle = journal instanceof Bundle ? journal : undefined;
    const errors = errorsFile;
    const progress = () => options.onProgress?.(counts, bytesRead(), nextSeq);
    // The first failure of a worker or of a write: stops the run (after draining), reported as its error.
    let runFailure: unknown;
    // Errors, journal commits and sink writes happen in order, one at a time.
    let writes: Promise<void> = Promise.resolve();
    const serial = (fn: () => Promise<void>): Promise<void> => {
      writes = writes.then(fn);
      return writes;
    };
    let errorText = '';
    // Rejections are reported in input order: each record gets a sequence number, and its outcome is written once
    // every record before it has one (a window as large as the work queue).
    let nextSeq = 0;
    let nextToWrite = 0;
    const outcomes = new Map<number, BulkRejection | null>();
    const settle = (seq: number, rejection: BulkRejection | null) => {
      outcomes.set(seq, rejection);
      while (outcomes.has(nextToWrite)) {
        const r = outcomes.get(nextToWrite);
        outcomes.delete(nextToWrite);
        if (r) {
          if (errors) errorText += `${JSON.stringify(r)}\n`;
          options.onReject?.(r);
        }
        nextToWrite++;
      }
      if (errors && errorText.length > 64 * 1024) {
        const text = errorText;
        errorText = '';
        serial(() => errors.write(text).then(() => undefined)).catch((error: unknown) => {
          runFailure ??= error;
        });
      }
    };
    const reject = (seq: number, line: number, recordId: string | undefined, fieldErrors: FieldError[]) => {
      counts.failed++;
      settle(seq, { line, ...(recordId !== undefined ? { recordId } : {}), errors: fieldErrors });
    };

    // Records with the same certificate id never run at once: a later one waits, then finds the first (skipped).
    const active = new Set<string>();
    const waiting = new Map<string, RecordTask[]>();
    const ready: RecordTask[] = [];
    let waitingCount = 0;
    const inflight = new Set<Promise<void>>();
    let batch: RecordTask[] = [];

    // A record leaves the run: the next one with its certificate id (held back meanwhile) may go.
    const release = (task: RecordTask) => {
      active.delete(task.certificateId);
      const queued = waiting.get(task.certificateId);
      if (queued) {
        const next = queued.shift() as RecordTask;
        waitingCount--;
        if (queued.length === 0) waiting.delete(task.certificateId);
        active.add(next.certificateId);
        ready.push(next);
      }
    };

    const handle = async (tasks: RecordTask[], results: TaskResult[]) => {
      const done: IndexEntry[] = [];
      const certificates: IssuedCertificate[] = [];
      const failedIds: string[] = []; // and skipped: begun records that wrote nothing
      results.forEach((result, i) => {
        const seq = (tasks[i] as RecordTask).seq as number;
        if (result.kind === 'issued') {
          counts.issued++;
          for (const w of result.warnings ?? [])
            options.onWarning?.({ line: result.entry.line, certificateId: result.entry.certificateId, ...w });
          done.push(result.entry);
          if (sink && result.bundleLine !== undefined) {
            certificates.push(JSON.parse(result.bundleLine) as IssuedCertificate);
          }
          settle(seq, null);
        } else if (result.kind === 'skipped') {
          counts.skipped++;
          failedIds.push(result.certificateId);
          settle(seq, null);
        } else {
          reject(seq, result.line, result.recordId, result.errors);
          failedIds.push(result.certificateId);
        }
      });
      if (sink) {
        if (certificates.length > 0) await serial(() => sink.write(certificates));
      } else if (bundle)
        bundle.markDone(done.map((d) => d.certificateId)); // the worker appended the lines already
      else await serial(() => (ledger as Journal).commit(done, failedIds));
      for (const task of tasks) release(task);
      progress();
    };

    const dispatch = async (all: RecordTask[]) => {
      while (inflight.size >= pool.slots) await Promise.race(inflight);
      if (runFailure !== undefined) throw runFailure;
      // ndjson layout and sinks: a record already stored (an earlier run, or the same id earlier in this input,
      // which was held back until that one was stored) is skipped here; the files layout finds its files.
      let tasks = all;
      if (bundle || sink) {
        const stored = sink ? new Set(await sink.has(all.map((t) => t.certificateId))) : undefined;
        tasks = [];
        for (const task of all) {
          if (!(stored ? stored.has(task.certificateId) : (bundle as Bundle).has(task.certificateId))) tasks.push(task);
          else {
            counts.skipped++;
            settle(task.seq as number, null);
            release(task);
          }
        }
        if (tasks.length === 0) return;
      }
      if (statusAllocator) {
        // Only records that will sign a new VC take an index (a rerun must not use up the list), and the list state
        // is saved before the batch is journaled: a crash can then waste an index, never hand one out twice.
        for (const task of tasks) {
          const signsNew = ledger
            ? signsNewCredential(outDir, formats, task.certificateId)
            : formats.some((f) => VC_BASED_FORMATS.has(f));
          if (signsNew) task.credentialStatus = statusAllocator.allocate() as unknown as Record<string, unknown>[];
        }
        await statusAllocator.flush();
      }
      if (ledger) {
        const items: BeginItem[] = tasks.map((t) => ({
          line: t.line,
          ...(t.recordId !== undefined ? { recordId: t.recordId } : {}),
          certificateId: t.certificateId,
          formats: reportedFormats,
        }));
        await serial(() => ledger.begin(items));
      }
      const promise: Promise<void> = pool
        .run(tasks)
        .then((results) => handle(tasks, results))
        .catch((error: unknown) => {
          // A worker, the disk or the sink failed: stop reading; the error ends the run once the rest is drained.
          runFailure ??= error;
        })
        .finally(() => inflight.delete(promise));
      inflight.add(promise);
    };

    const enqueue = async (task: RecordTask) => {
      if (active.has(task.certificateId)) {
        const queued = waiting.get(task.certificateId) ?? [];
        queued.push(task);
        waiting.set(task.certificateId, queued);
        waitingCount++;
        return;
      }
      active.add(task.certificateId);
      batch.push(task);
      if (batch.length >= batchSize) {
        const full = batch;
        batch = [];
        await dispatch(full);
      }
    };
    const drainReady = async () => {
      while (ready.length > 0) {
        batch.push(ready.shift() as RecordTask);
        if (batch.length >= batchSize) {
          const full = batch;
          batch = [];
          await dispatch(full);
        }
      }
    };

    try {
      for await (const item of sourceItems()) {
        if (runFailure !== undefined) throw runFailure;
        // Stop reading; what was read is finished below, so the ledger is consistent when we return.
        if (signal?.aborted) {
          summary.aborted = true;
          break;
        }
        await drainReady();
        // Duplicates waiting for their twin count against the queue too, so memory stays bounded.
        while ((waitingCount > pool.slots * batchSize || outcomes.size > 100_000) && inflight.size > 0) {
          await Promise.race(inflight);
          await drainReady();
        }
        const seq = nextSeq++;
        if (item.kind === 'invalid') {
          reject(seq, item.line, item.recordId, item.errors);
          continue;
        }
        const mapped = mapper.map(item.record);
        if (!mapped.ok) {
          reject(seq, item.line, recordIdOf(mapped.partial ?? {}) ?? recordIdOf(item.record), mapped.errors);
          continue;
        }
        const recordId = recordIdOf(mapped.record) ?? recordIdOf(item.record);
        const { certificateId: _given, ...recordFields } = mapped.record;
        // A misspelt optional column would otherwise vanish silently from a health record. Checked before the
        // certificate id, so a misspelt id column is reported as itself.
        if (knownFields !== undefined) {
          const unknownFields = findUnknownFields(
            template,
            Object.keys(recordFields).filter((f) => !knownFields.has(f)),
          );
          if (unknownFields.length > 0) {
            if (options.ignoreUnknownFields) for (const f of unknownFields) delete recordFields[f.field];
            else {
              reject(
                seq,
                item.line,
                recordId,
                unknownFields.map((f) => ({
                  field: f.field,
                  reason: `${unknownFieldMessage(template, f)}; --ignore-unknown-fields drops it`,
                })),
              );
              continue;
            }
          }
        }
        const idResult = certificateIdFor(template, mapped.record);
        if (!idResult.ok) {
          reject(seq, item.line, recordId, [{ field: idResult.field, reason: idResult.reason }]);
          continue;
        }
        // A vaccine no value set knows would be issued with no codes: a typo in the export, most likely.
        const vaccine = recordFields.vaccine;
        const checkVaccine = VACCINATION_TEMPLATES.has(template) && !options.allowUnknownVaccine;
        if (checkVaccine && typeof vaccine === 'string' && recordFields.icd11Code === undefined) {
          if (resolveVaccine(vaccine) === undefined) {
            const reason =
              `unknown vaccine ${JSON.stringify(vaccine.slice(0, 64))} ` +
              '(not one resolveVaccine() knows; --allow-unknown-vaccine issues it anyway)';
            reject(seq, item.line, recordId, [{ field: 'vaccine', reason }]);
            continue;
          }
        }
        const task: RecordTask = {
          line: item.line,
          seq,
          ...(recordId !== undefined ? { recordId } : {}),
          certificateId: idResult.certificateId,
          record: recordFields,
        };
        await enqueue(task);
        progress();
      }
    } finally {
      // Finish what was handed out, even when the input broke off half-way (then the error is reported after).
      for (;;) {
        await drainReady().catch(() => undefined);
        if (batch.length > 0) {
          const last = batch;
          batch = [];
          await dispatch(last).catch(() => undefined);
          continue;
        }
        if (inflight.size === 0) break;
        await Promise.race(inflight).catch(() => undefined);
      }
      const text = errorText;
      errorText = '';
      if (errors) await serial(() => errors.write(text).then(() => undefined));
      else await writes;
    }
    // A worker failure lost its batch (nothing journaled as done for it: a rerun issues it): surface it.
    if (runFailure !== undefined) throw runFailure;
  }
}
