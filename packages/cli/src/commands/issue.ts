import { readFileCapped } from '@divoc/keys/node';
import { availableParallelism } from 'node:os';
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveVaccine } from '@divoc/schemas';
import { defineCommand, formatHelp, parseArgs, requireFlags } from '../lib/args.js';
import { certificateIdFor } from '@divoc/issuer';
import { ALL_SUITES, recordFieldNames, templateNames } from '../lib/engine.js';
import { InputUnreadableError, MappingFileInvalidError, OutputUnwritableError, UsageError, exitCodeOf, isCliError } from '../lib/errors.js';
import { resolvePath, type CliIo } from '../lib/io.js';
import { identityMapper, type RecordMapper } from '../lib/records/map.js';
import { describeFsError, openRecords } from '../lib/records/read.js';
import { recordIdOf } from '../lib/records/record-id.js';
import type { FieldError } from '../lib/records/types.js';
import { OUTPUT_FORMAT_ALIASES, REPORTED_FORMAT, VC_BASED, parseOutputFormats } from '../lib/outputs.js';
import { Journal, TMP_DIR, type BeginItem } from '../lib/bulk/journal.js';
import { Bundle, layoutInUse } from '../lib/bulk/bundle.js';
import { loadMaterial, type MaterialFlags } from '../lib/bulk/material.js';
import { mappingRecordMapper, parseMapping } from '../lib/bulk/mapping.js';
import { DEFAULT_WORKER_HEAP_MB, createExecutor, type Executor } from '../lib/bulk/pool.js';
import { createProgress, type ProgressMode } from '../lib/bulk/progress.js';
import { PDF_FORMAT, type IndexEntry, type RecordTask, type TaskResult, type WorkConfig } from '../lib/bulk/work.js';
import { openStatusAssigner, signsNewCredential, type StatusAssigner } from '../lib/status-assign.js';

export const issueSpec = defineCommand({
  name: 'issue',
  summary: 'Issue signed credentials from registry records (CSV, JSON array or NDJSON), in one or more formats, files per record.',
  usage:
    'issue --template NAME --in FILE --out DIR [--format vc,divoc-qr,vc-compact,dcc,shc,vdsnc] [--qr png|svg] [--pdf [--pdf-template FILE] [--pdf-font FILE]] [--mapping FILE] [--key FILE] [--dsc-key FILE --dsc-cert FILE] [--bsc-key FILE --bsc-cert FILE] [--shc-key FILE] [--shc-issuer URL] [--suite NAME] [--issuer URL] [--key-id ID] [--vc-version 1.1|2.0] [--context sdk|divoc-legacy] [--workers N] [--json] [--progress auto|bar|log|none]',
  flags: {
    key: { type: 'string', valueName: 'FILE', description: 'W3C VC signing key (formats vc, divoc-qr, vc-compact): divoc-key JSON, PKCS#8/PKCS#1 PEM, or DIVOC key JSON' },
    'key-id': { type: 'string', valueName: 'ID', description: 'verification method id for the key (default: from the key file, or derived)' },
    template: { type: 'string', valueName: 'NAME', description: 'credential template: vaccination, vaccination-v2, test, recovery, or a registered type' },
    in: { type: 'string', valueName: 'FILE', description: 'records: .csv, .json (array), .ndjson/.jsonl; else detected from content' },
    out: { type: 'string', valueName: 'DIR', description: 'output directory (created if missing)' },
    suite: { type: 'string', valueName: 'NAME', choices: ALL_SUITES, description: 'proof suite (default by key: Ed25519 eddsa-rdfc-2022, P-256 ecdsa-rdfc-2019, RSA RsaSignature2018)' },
    issuer: { type: 'string', valueName: 'URL', description: 'issuer DID or URL (default: the key controller, else the key id without fragment)' },
    format: {
      type: 'string',
      valueName: 'FORMAT',
      multiple: true,
      description: `formats to write, comma-separated: ${Object.keys(OUTPUT_FORMAT_ALIASES).join(', ')} (json = vc; default vc)`,
    },
    qr: { type: 'string', valueName: 'png|svg', choices: ['png', 'svg'], description: 'also write a QR image per QR payload (divoc-qr, vc-compact, dcc, shc, vdsnc)' },
    'dsc-key': { type: 'string', valueName: 'FILE', description: 'P-256 document signer key (PEM, JWK or divoc-key JSON), for dcc and vdsnc (and shc without --shc-key)' },
    'dsc-cert': { type: 'string', valueName: 'FILE', description: 'X.509 certificate of --dsc-key (PEM, DER or base64 DER)' },
    'bsc-key': { type: 'string', valueName: 'FILE', description: 'P-256 VDS-NC barcode signer key (default: --dsc-key, if its certificate has the VDS-NC usage)' },
    'bsc-cert': { type: 'string', valueName: 'FILE', description: 'X.509 certificate of --bsc-key, with the VDS-NC extended key usage 2.23.136.1.1.14.2' },
    'shc-key': { type: 'string', valueName: 'FILE', description: 'P-256 SMART Health Card signing key (default: --dsc-key)' },
    'shc-issuer': { type: 'string', valueName: 'URL', description: 'SMART Health Card issuer (https, no trailing slash; default: --issuer when https)' },
    'ignore-unknown-fields': { type: 'boolean', description: 'drop record fields the template does not know instead of rejecting the record' },
    'vc-version': { type: 'string', valueName: 'VERSION', choices: ['1.1', '2.0'], description: 'W3C VC data model (default 1.1, what deployed DIVOC verifiers read)' },
    context: {
      type: 'string',
      valueName: 'NAME',
      choices: ['sdk', 'divoc-legacy'],
      description:
        'JSON-LD contexts of the W3C VC: sdk (default, https://divoc.dev/credentials/sdk/v2, every term with its own IRI) or divoc-legacy (DIVOC\'s own contexts, for deployed verifier apps that need them; their signatures do not bind certificateId/batch/vaccine/manufacturer, date/effectiveStart/effectiveUntil or dose/totalDoses to their values)',
    },
    mapping: { type: 'string', valueName: 'FILE', description: 'mapping file (JSON): which column holds which record field, date and number rules (default: columns are the record fields)' },
    pdf: { type: 'boolean', description: 'also write a printable certificate <certificateId>.pdf with the QR code' },
    'pdf-template': { type: 'string', valueName: 'FILE', description: 'PDF layout template (JSON; default: the built-in A4 vaccination certificate)' },
    'pdf-font': { type: 'string', valueName: 'FILE', description: 'TrueType font for text Helvetica cannot print (names in non-Latin scripts)' },
    workers: { type: 'string', valueName: 'N', description: 'worker threads (default: one per core; 0 = work on the main thread)' },
    'worker-heap': { type: 'string', valueName: 'MIB', description: 'V8 old-generation ceiling per worker thread, in MiB (default 128; 0 = V8 default)' },
    'batch-size': { type: 'string', valueName: 'N', description: 'records per batch handed to a worker and per journal flush (default 64)' },
    progress: { type: 'string', valueName: 'MODE', choices: ['auto', 'bar', 'log', 'none'], description: 'progress on stderr: auto (bar on a terminal, log lines otherwise), bar, log, none' },
    json: { type: 'boolean', description: 'JSON events on stdout, one per line (start, progress, done); the summary line goes to stderr' },
    'status-list': {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description: 'status list state file (divoc status create): give each new W3C VC a credentialStatus entry (repeatable, one list per purpose)',
    },
    'allow-unknown-vaccine': { type: 'boolean', description: 'issue vaccination records whose vaccine resolveVaccine() does not know (default: rejected)' },
    'no-fsync': { type: 'boolean', description: 'do not flush files or the journal to disk (faster; still safe against kill -9, not against power loss)' },
    layout: {
      type: 'string',
      valueName: 'files|ndjson',
      choices: ['files', 'ndjson'],
      description: 'files (default): files per record, as below; ndjson: one line per record in DIR/certificates.ndjson (for very large runs)',
    },
  },
  positionals: { min: 0, max: 0 },
  details: `Files in DIR per issued record (certificateId = the record's "certificateId", else derived from identity
(or refId, or name + dob/age), dose and template):
  vc          <certificateId>.json                 signed W3C VC (needs --key)
  divoc-qr    <certificateId>.divoc-qr.txt         DIVOC QR text (ZIP binary string) of that VC (needs --key)
  vc-compact  <certificateId>.vc-compact.txt       compact QR text of that VC, DIVOC1:… (needs --key)
  dcc         <certificateId>.dcc.txt              EU DCC, HC1:… (needs --dsc-key, --dsc-cert)
  shc         <certificateId>.smart-health-card    SMART Health Card file, and <certificateId>.shc.txt with the
                                                   shc:/ QR text(s), one per line (needs --shc-key or --dsc-key,
                                                   and an https issuer: --shc-issuer or --issuer)
  vdsnc       <certificateId>.vdsnc.json           ICAO VDS-NC seal (needs --bsc-key/--bsc-cert, or a DSC with
                                                   the VDS-NC usage; 'divoc keys dsc' makes both)
  --qr png|svg: <certificateId>.<format>.png|svg per QR, numbered -1, -2, … for SHC chunks.
index.ndjson gets one line per issued record ({ "line", "recordId", "certificateId", "files", "formats" });
errors.ndjson is rewritten with one line per rejected record ({ "line", "recordId", "errors": [{ "field", "reason" }] };
a format that cannot represent the record, e.g. a vaccine without an EU code in a DCC, names "(dcc)").
A format whose file is already in DIR is skipped, so reruns never issue twice and adding a format later issues
only that one (reusing the W3C VC already written).

--layout ndjson writes no per-record files and no index.ndjson: each issued record is one line of
DIR/certificates.ndjson, { "certificateId", "line", "recordId", "formats": { "<format>": payload } } with the
formats named as in index.ndjson (w3c-vc: the credential; divoc-qr, vc-compact, dcc: the QR text; shc: { file,
qr }; vdsnc: the seal). A record already in the file is skipped. --qr and --pdf need --layout files; a DIR is
written with one layout only.

Bulk runs: records are read as a stream and signed on worker threads (--workers, default one per core). The run
journal DIR/.divoc-journal.ndjson makes a run resumable: after a crash or kill -9 run the same command again; it
finishes what is missing, every record issued exactly once, no partial files. --pdf writes <certificateId>.pdf.
Vaccination records whose vaccine resolveVaccine() does not know are rejected (--allow-unknown-vaccine).

Exit status: 0 all records issued or skipped, 1 some record rejected, 2 usage error or unreadable input/key.`,
});

export interface IssueSummary {
  issued: number;
  skipped: number;
  failed: number;
}

const MAX_MAPPING_BYTES = 1024 * 1024;
const VACCINATION_TEMPLATES = new Set(['vaccination', 'vaccination-v2']);

function positiveInt(value: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,6}$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}`, 'issue');
  return Number(value);
}

async function loadMapper(io: CliIo, path: string): Promise<RecordMapper> {
  let text: string;
  try {
    const read = await readFileCapped(resolvePath(io, path), MAX_MAPPING_BYTES);
    if (read.tooLarge) throw new InputUnreadableError(path, `larger than ${MAX_MAPPING_BYTES} bytes: not a mapping file`);
    text = Buffer.from(read.bytes).toString('utf8');
  } catch (error) {
    if (error instanceof InputUnreadableError) throw error;
    throw new InputUnreadableError(path, describeFsError(error));
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new MappingFileInvalidError(`${path}: not JSON: ${(error as Error).message}`);
  }
  try {
    return mappingRecordMapper(parseMapping(json));
  } catch (error) {
    if (error instanceof MappingFileInvalidError) throw new MappingFileInvalidError(`${path}: ${error.message}`);
    throw error;
  }
}

export async function runIssue(argv: readonly string[], io: CliIo, mapperOverride?: RecordMapper): Promise<number> {
  const spec = issueSpec;
  const { flags, help } = parseArgs(argv, spec);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  requireFlags(spec, flags, ['template', 'in', 'out']);
  const { formats, unknown } = parseOutputFormats(flags.format);
  if (unknown.length > 0) {
    throw new UsageError(`unknown --format ${unknown.map((u) => JSON.stringify(u)).join(', ')} (expected: ${Object.keys(OUTPUT_FORMAT_ALIASES).join(', ')})`, spec.name);
  }
  if (formats.length === 0) throw new UsageError('--format names no format', spec.name);
  const template = flags.template as string;
  const templates = templateNames();
  if (!templates.includes(template)) {
    throw new UsageError(`unknown template ${JSON.stringify(template)} (expected one of: ${templates.join(', ')})`, spec.name);
  }
  if (flags.issuer !== undefined && !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(flags.issuer)) {
    throw new UsageError('--issuer must be a DID or URL', spec.name);
  }
  if ((flags['pdf-template'] !== undefined || flags['pdf-font'] !== undefined) && !flags.pdf) throw new UsageError('--pdf-template and --pdf-font need --pdf', spec.name);
  const layout = (flags.layout ?? 'files') as 'files' | 'ndjson';
  if (layout === 'ndjson' && (flags.qr !== undefined || flags.pdf)) throw new UsageError('--qr and --pdf write files per record: they need --layout files', spec.name);
  const workers = positiveInt(flags.workers, 'workers', 0, 256, Math.max(1, availableParallelism()));
  const batchSize = positiveInt(flags['batch-size'], 'batch-size', 1, 10_000, 64);
  const workerHeapMb = flags['worker-heap'] === '0' ? 0 : positiveInt(flags['worker-heap'], 'worker-heap', 32, 65_536, DEFAULT_WORKER_HEAP_MB);

  const materialFlags: MaterialFlags = {};
  for (const name of ['key', 'key-id', 'suite', 'issuer', 'qr', 'dsc-key', 'dsc-cert', 'bsc-key', 'bsc-cert', 'shc-key', 'shc-issuer'] as const) {
    const value = flags[name];
    if (value !== undefined) materialFlags[name] = value;
  }
  // Loaded here once to check the command line (exit 2 before any record); the workers load their own copy.
  const { issuer, label } = await loadMaterial(io, materialFlags, formats);
  const mapper = mapperOverride ?? (flags.mapping !== undefined ? await loadMapper(io, flags.mapping) : identityMapper);
  const pdf = flags.pdf
    ? {
        ...(flags['pdf-template'] !== undefined ? { templatePath: resolvePath(io, flags['pdf-template']) } : {}),
        ...(flags['pdf-font'] !== undefined ? { fontPath: resolvePath(io, flags['pdf-font']) } : {}),
      }
    : undefined;
  if (pdf) {
    // Check the template and font now: a bad layout is a usage problem, not a million failed records.
    const { createPdfMaker } = await import('@divoc/pdf');
    await createPdfMaker({ cwd: io.cwd, ...pdf });
  }
  const outDir = resolvePath(io, flags.out as string);
  const records = await openRecords(resolvePath(io, flags.in as string)).catch((error: unknown) => {
    if (error instanceof InputUnreadableError) throw new InputUnreadableError(flags.in as string, error.message.replace(/^cannot read [^:]*: /, ''));
    throw error;
  });
  try {
    await mkdir(outDir, { recursive: true });
    if (!(await stat(outDir)).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    await records.items.return(undefined);
    throw new OutputUnwritableError(flags.out as string, describeFsError(error));
  }

  const knownFields = recordFieldNames(template);
  const vcVersion = flags['vc-version'] as '1.1' | '2.0' | undefined;
  const contextProfile = flags.context as 'sdk' | 'divoc-legacy' | undefined;
  const qr = flags.qr as 'png' | 'svg' | undefined;
  const reportedFormats = [...formats.map((f) => REPORTED_FORMAT[f]), ...(pdf ? [PDF_FORMAT] : [])];
  const summary: IssueSummary = { issued: 0, skipped: 0, failed: 0 };
  const stderrIsTty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  const progressFlag = (flags.progress ?? 'auto') as 'auto' | ProgressMode;
  const progress = createProgress({
    mode: flags.json ? 'json' : progressFlag === 'auto' ? (stderrIsTty ? 'bar' : 'log') : progressFlag,
    sink: flags.json ? io.stdout : io.stderr,
    totalBytes: records.size,
  });

  let journal: Journal | Bundle | undefined;
  let executor: Executor | undefined;
  let statusAssigner: StatusAssigner | undefined;
  let errorsFile: FileHandle | undefined;
  let exitCode = 0;
  try {
    try {
      const inUse = await layoutInUse(outDir);
      if (inUse !== undefined && inUse !== layout) throw new UsageError(`${flags.out as string} holds a --layout ${inUse} run: use --layout ${inUse} or another --out`, spec.name);
      journal = layout === 'ndjson'
        ? await Bundle.open(outDir)
        : await Journal.open(outDir, { ...(qr !== undefined ? { qr } : {}), fsync: !flags['no-fsync'] });
    } catch (error) {
      if (isCliError(error)) throw error;
      throw new OutputUnwritableError(flags.out as string, describeFsError(error));
    }
    const config: WorkConfig = {
      cwd: io.cwd,
      outDir,
      tmpDir: join(outDir, TMP_DIR),
      template,
      formats,
      flags: materialFlags,
      issuer,
      ...(vcVersion ? { vcVersion } : {}),
      ...(contextProfile ? { context: contextProfile } : {}),
      ...(pdf ? { pdf } : {}),
      fsync: !flags['no-fsync'],
      layout,
      workerHeapMb,
    };
    // Locks the lists for the whole run, so a concurrent `divoc status revoke` cannot be overwritten.
    statusAssigner = await openStatusAssigner(io, (flags['status-list'] as string[] | undefined) ?? []);
    executor = await createExecutor(config, workers);
    // errors.ndjson describes this run only (replaced); index.ndjson is the ledger across runs (see Journal).
    errorsFile = await open(join(outDir, 'errors.ndjson'), 'w');
    progress.start({
      input: flags.in,
      out: flags.out,
      template,
      formats: reportedFormats,
      workers: executor.threads,
      recovery: journal.report,
    });

    const ledger = journal instanceof Journal ? journal : undefined;
    const bundle = journal instanceof Bundle ? journal : undefined;
    const pool = executor;
    const errors = errorsFile;
    // The first failure of a worker or of a write: stops the run (after draining), reported as its error.
    let runFailure: unknown;
    // Errors and journal commits are written in order, one at a time.
    let writes: Promise<void> = Promise.resolve();
    const serial = (fn: () => Promise<void>): Promise<void> => {
      writes = writes.then(fn);
      return writes;
    };
    let errorText = '';
    // errors.ndjson is in input order: each record gets a sequence number, and its outcome is written once every
    // record before it has one (a window as large as the work queue).
    let nextSeq = 0;
    let nextToWrite = 0;
    const outcomes = new Map<number, string | null>();
    const settle = (seq: number, text: string | null) => {
      outcomes.set(seq, text);
      while (outcomes.has(nextToWrite)) {
        const t = outcomes.get(nextToWrite);
        outcomes.delete(nextToWrite);
        if (t) errorText += t;
        nextToWrite++;
      }
      if (errorText.length > 64 * 1024) {
        const text = errorText;
        errorText = '';
        serial(() => errors.write(text).then(() => undefined)).catch((error: unknown) => {
          runFailure ??= error;
        });
      }
    };
    const reject = (seq: number, line: number, recordId: string | undefined, fieldErrors: FieldError[]) => {
      summary.failed++;
      settle(seq, `${JSON.stringify({ line, ...(recordId !== undefined ? { recordId } : {}), errors: fieldErrors })}\n`);
    };

    // Records with the same certificate id never run at once: a later one waits, then finds the files (skipped).
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
      const failedIds: string[] = []; // and skipped: begun records that wrote nothing
      results.forEach((result, i) => {
        const seq = (tasks[i] as RecordTask).seq as number;
        if (result.kind === 'issued') {
          summary.issued++;
          done.push(result.entry);
          settle(seq, null);
        } else if (result.kind === 'skipped') {
          summary.skipped++;
          failedIds.push(result.certificateId);
          settle(seq, null);
        } else {
          reject(seq, result.line, result.recordId, result.errors);
          failedIds.push(result.certificateId);
        }
      });
      if (bundle) bundle.markDone(done.map((d) => d.certificateId)); // the worker appended the lines already
      else await serial(() => (ledger as Journal).commit(done, failedIds));
      for (const task of tasks) release(task);
      progress.update(summary, records.bytesRead());
    };

    const dispatch = async (all: RecordTask[]) => {
      while (inflight.size >= pool.slots) await Promise.race(inflight);
      if (runFailure !== undefined) throw runFailure;
      // --layout ndjson: a record already in certificates.ndjson (an earlier run, or the same id earlier in this
      // input, which was held back until that one was appended) is skipped here; the files layout finds its files.
      let tasks = all;
      if (bundle) {
        tasks = [];
        for (const task of all) {
          if (!bundle.has(task.certificateId)) tasks.push(task);
          else {
            summary.skipped++;
            settle(task.seq as number, null);
            release(task);
          }
        }
        if (tasks.length === 0) return;
      }
      if (statusAssigner) {
        // Only records that will sign a new VC take an index (a rerun must not use up the list), and the list state
        // is saved before the batch is journaled: a crash can then waste an index, never hand one out twice.
        for (const task of tasks) {
          const signsNew = bundle ? formats.some((f) => VC_BASED.has(f)) : await signsNewCredential(outDir, formats, task.certificateId);
          if (signsNew) task.credentialStatus = statusAssigner.allocate() as unknown as Record<string, unknown>[];
        }
        await statusAssigner.flush();
      }
      if (ledger) {
        const items: BeginItem[] = tasks.map((t) => ({ line: t.line, ...(t.recordId !== undefined ? { recordId: t.recordId } : {}), certificateId: t.certificateId, formats: reportedFormats }));
        await serial(() => ledger.begin(items));
      }
      const promise: Promise<void> = pool
        .run(tasks)
        .then((results) => handle(tasks, results))
        .catch((error: unknown) => {
          // A worker or the disk failed: stop reading; the error ends the run once the rest is drained.
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
      for await (const item of records.items) {
        if (runFailure !== undefined) throw runFailure;
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
        const idResult = certificateIdFor(template, mapped.record);
        if (!idResult.ok) {
          reject(seq, item.line, recordId, [{ field: idResult.field, reason: idResult.reason }]);
          continue;
        }
        const { certificateId: _given, ...recordFields } = mapped.record;
        // A misspelt optional column would otherwise vanish silently from a health record.
        if (knownFields !== undefined) {
          const unknownFields = Object.keys(recordFields).filter((f) => !knownFields.has(f));
          if (unknownFields.length > 0) {
            if (flags['ignore-unknown-fields']) for (const f of unknownFields) delete recordFields[f];
            else {
              reject(seq, item.line, recordId, unknownFields.map((field) => ({ field, reason: `unknown field for template ${template} (use --ignore-unknown-fields to drop it)` })));
              continue;
            }
          }
        }
        // A vaccine no value set knows would be issued with no codes: a typo in the export, most likely.
        if (VACCINATION_TEMPLATES.has(template) && !flags['allow-unknown-vaccine'] && typeof recordFields.vaccine === 'string' && recordFields.icd11Code === undefined) {
          if (resolveVaccine(recordFields.vaccine) === undefined) {
            reject(seq, item.line, recordId, [{ field: 'vaccine', reason: `unknown vaccine ${JSON.stringify(recordFields.vaccine.slice(0, 64))} (not one resolveVaccine() knows; --allow-unknown-vaccine issues it anyway)` }]);
            continue;
          }
        }
        await enqueue({ line: item.line, seq, ...(recordId !== undefined ? { recordId } : {}), certificateId: idResult.certificateId, record: recordFields });
        progress.update(summary, records.bytesRead());
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
      await serial(() => errors.write(text).then(() => undefined));
    }
    // A worker failure lost its batch (nothing journaled as done for it: a rerun issues it): surface it.
    if (runFailure !== undefined) throw runFailure;
    exitCode = summary.failed > 0 ? 1 : 0;
  } catch (error) {
    exitCode = exitCodeOf(error);
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && /^E[A-Z]+$/.test(error.code)) {
      throw new OutputUnwritableError(flags.out as string, describeFsError(error));
    }
    throw error;
  } finally {
    await executor?.close();
    await statusAssigner?.close();
    await errorsFile?.close();
    await journal?.close();
    // Report what was done even when the input broke off half-way.
    const line = formatSummary(summary, flags.out as string, label, template);
    if (flags.json) {
      io.stderr.write(line);
      progress.finish(summary, { exitCode, errorsFile: join(flags.out as string, 'errors.ndjson') });
    } else {
      progress.finish(summary, {});
      io.stdout.write(line);
    }
  }
  return exitCode;
}

function formatSummary(s: IssueSummary, out: string, label: string, template: string): string {
  const failedNote = s.failed > 0 ? ` (see ${join(out, 'errors.ndjson')})` : '';
  return `${template} credentials (${label}): issued ${s.issued}, skipped ${s.skipped}, failed ${s.failed}${failedNote}\n`;
}
