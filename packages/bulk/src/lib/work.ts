/**
 * The work done for one record, wherever it runs (a worker thread, or the main thread with `workers: 0`): skip the
 * formats already in the output folder, build the credential, make every pending format, and write the files
 * crash-safely. The coordinator (main thread) reads, maps and journals; this only makes and writes files.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { join } from 'node:path';
import type { SignedCredential } from '@divoc/vc';
import { encodeCompactCredential } from '@divoc/vc';
import type { BitstringStatusListEntry } from '@divoc/status';
import {
  IssuerCertificateIdError,
  IssuerInputError,
  IssuerRecordError,
  issueAllFormats,
  splitRecord,
  type IssuedFormats,
  type IssueInput,
  type IssuerKeys,
} from '@divoc/issuer';
import { BulkOptionsError, describeError } from '../errors.js';
import { VC_BASED_FORMATS, formatStem, isBulkFormat, mainFileName, pluginOf, type BulkFormat } from '../formats.js';
import type { FieldError } from '../types.js';
import { publishFile, writeTempFile } from './atomic.js';
import { BUNDLE_FILE } from './bundle.js';

/** One line of index.ndjson (and of the journal's `done` entries). */
export interface IndexEntry {
  line: number;
  recordId?: string;
  certificateId: string;
  files: string[];
  formats: string[];
  vdsncId?: string;
}

/** What the coordinator sends: a mapped, checked record and its certificate id. */
export interface RecordTask {
  line: number;
  /** Position in the input (the coordinator's bookkeeping: errors.ndjson stays in input order). */
  seq?: number;
  recordId?: string;
  certificateId: string;
  /** Record fields (without `certificateId`), ready for the template. */
  record: Record<string, unknown>;
  /**
   * Status list entries (`BitstringStatusListEntry`) the coordinator allocated for this record, added to the W3C
   * credential before it is signed. The allocation must be on disk before the task is handed out (so a crash can
   * leak an index, never reuse one).
   */
  credentialStatus?: Record<string, unknown>[];
}

export type TaskResult =
  /**
   * `bundleLine`: the record's certificates.ndjson line; with the `ndjson` layout until `processBatch` has appended
   * it, with a `sink` until the coordinator has handed it over.
   */
  | { kind: 'issued'; entry: IndexEntry; bundleLine?: string; warnings?: { code: string; message: string }[] }
  | { kind: 'skipped'; line: number; certificateId: string }
  | { kind: 'failed'; line: number; recordId?: string; certificateId: string; errors: FieldError[] };

/**
 * How a thread gets its signing keys: an ES module (file URL) exporting `loadIssuerKeys(options)`, imported by
 * each worker thread, so private keys never travel in messages. `options` is plain data (file paths, a token URI).
 */
export interface KeyLoaderSpec {
  module: string;
  options?: unknown;
}

/** What a key loader module exports. */
export interface KeyLoaderModule {
  loadIssuerKeys(options: unknown): Promise<IssuerKeys> | IssuerKeys;
}

/** Everything a worker needs, as plain data (no keys: each worker loads its own through `keyLoader`). */
export interface WorkConfig {
  cwd: string;
  outDir: string;
  tmpDir: string;
  template: string;
  formats: BulkFormat[];
  /** Absent when the keys are in memory (then the work runs on the main thread). */
  keyLoader?: KeyLoaderSpec;
  issuer: string;
  qr?: 'png' | 'svg';
  vcVersion?: '1.1' | '2.0';
  /** JSON-LD contexts of the W3C credential (default `sdk`). */
  context?: 'sdk' | 'divoc-legacy';
  /** Printable certificate issuer (DCC `is`). */
  certificateIssuerName?: string;
  pdf?: { templatePath?: string; fontPath?: string; locale?: string };
  fsync: boolean;
  /**
   * `files` (default): files per record; `ndjson`: one line per record in certificates.ndjson; `sink`: the line
   * goes back to the coordinator, which hands the certificate to the caller's sink.
   */
  layout?: 'files' | 'ndjson' | 'sink';
  /** MiB of V8 old generation per worker thread (0 = V8's default). */
  workerHeapMb?: number;
}

/** Makes the printable certificate for a record (`@divoc/pdf`, loaded only when a PDF is asked for). */
export interface PdfMaker {
  make(input: PdfInput): Promise<Uint8Array>;
  /** The page and what it could not print as written (WARN_PDF_GLYPH_MISSING). */
  render?(input: PdfInput): Promise<{ pdf: Uint8Array; warnings: { code: string; message: string }[] }>;
}

export interface PdfInput {
  certificateId: string;
  record: Record<string, unknown>;
  issuer: string;
  issuanceDate: string;
  /** QR payloads available for this record, by format stem (the template picks one). */
  qr: Partial<Record<string, string>>;
}

export interface WorkContext {
  config: WorkConfig;
  /** `ndjson` layout: the certificates.ndjson each batch is appended to. */
  bundlePath?: string;
  /** The keys as @divoc/issuer takes them, loaded once per thread. */
  keys: IssuerKeys;
  pdf?: PdfMaker;
}

/** One file to write. `main` marks the file whose existence means the format is done. */
interface Artefact {
  format: BulkFormat;
  name: string;
  contents: string | Uint8Array;
  main: boolean;
}

/** `$.evidence[0].batch` → `evidence[0].batch`; `$` → `(record)`. */
function fieldOfPath(path: string): string {
  const field = path.replace(/^\$\.?/, '');
  return field === '' ? '(record)' : field;
}

function qrImageArtefacts(
  format: BulkFormat,
  certificateId: string,
  images: readonly (string | Uint8Array)[],
): Artefact[] {
  const stem = formatStem(format);
  return images.map((contents, i) => ({
    format,
    name:
      `${certificateId}.${stem}${images.length > 1 ? `-${i + 1}` : ''}.` +
      `${typeof contents === 'string' ? 'svg' : 'png'}`,
    contents,
    main: false,
  }));
}

/** The files of each format, as its plugin names and formats them (QR images and side files first). */
function artefactsOf(issued: IssuedFormats, formats: readonly BulkFormat[], certificateId: string): Artefact[] {
  const out: Artefact[] = [];
  const outputs = issued.outputs as Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;
  for (const format of formats) {
    const output = outputs[format];
    if (output === undefined) continue;
    const files = pluginOf(format).files;
    const images = (output.images ?? (output.image !== undefined ? [output.image] : [])) as readonly (
      string | Uint8Array
    )[];
    out.push(...qrImageArtefacts(format, certificateId, images));
    for (const side of files.sides?.(output) ?? []) {
      out.push({ format, name: `${certificateId}${side.suffix}`, contents: side.contents, main: false });
    }
    out.push({ format, name: mainFileName(format, certificateId), contents: files.main(output), main: true });
  }
  return out;
}

export const PDF_FORMAT = 'pdf';

/** Imports the key loader module and loads the keys (in the thread that will sign with them). */
export async function loadKeys(spec: KeyLoaderSpec): Promise<IssuerKeys> {
  const loader = (await import(spec.module)) as Partial<KeyLoaderModule>;
  if (typeof loader.loadIssuerKeys !== 'function') {
    throw new BulkOptionsError(`key loader ${spec.module} does not export loadIssuerKeys(options)`);
  }
  return loader.loadIssuerKeys(spec.options);
}

/** `keys`: keys in memory (main thread only); otherwise they are loaded through `config.keyLoader`. */
export async function createWorkContext(config: WorkConfig, keys?: IssuerKeys): Promise<WorkContext> {
  let loaded = keys;
  if (loaded === undefined) {
    if (config.keyLoader === undefined)
      throw new BulkOptionsError('no keys: give keys in memory or a key loader module');
    loaded = await loadKeys(config.keyLoader);
  }
  // Each thread writes its temporaries in a folder of its own: creating and renaming out of one shared folder
  // makes the threads queue on that folder's lock.
  const tmpDir = join(config.tmpDir, `t${threadId}`);
  if (config.layout === 'files' || config.layout === undefined) mkdirSync(tmpDir, { recursive: true });
  const context: WorkContext = { config: { ...config, tmpDir }, keys: loaded };
  if (config.layout === 'ndjson') context.bundlePath = join(config.outDir, BUNDLE_FILE);
  if (config.pdf) {
    const { createPdfMaker } = await import('@divoc/pdf');
    context.pdf = await createPdfMaker({ cwd: config.cwd, ...config.pdf });
  }
  return context;
}

function readMain(outDir: string, format: BulkFormat, certificateId: string): string | undefined {
  try {
    return readFileSync(join(outDir, mainFileName(format, certificateId)), 'utf8');
  } catch {
    return undefined;
  }
}

/** The QR text of a format, from this run's artefacts or from the files an earlier run wrote. */
function qrTextOf(
  format: BulkFormat,
  artefacts: readonly Artefact[],
  outDir: string,
  certificateId: string,
): string | undefined {
  const qrText = pluginOf(format).files.qrText;
  if (qrText === undefined) return undefined;
  const text = (contents: string | Uint8Array): string =>
    typeof contents === 'string' ? contents : Buffer.from(contents).toString('utf8');
  const read = (name: string): string | undefined => {
    const made = artefacts.find((a) => a.format === format && a.name === name);
    if (made) return text(made.contents);
    try {
      return readFileSync(join(outDir, name), 'utf8');
    } catch {
      return undefined;
    }
  };
  const main = read(mainFileName(format, certificateId));
  return qrText(main ?? '', (suffix) => read(`${certificateId}${suffix}`));
}

/** Signs every pending format of one record (@divoc/issuer); a record that cannot be issued gives its field errors. */
async function issueRecord(
  context: WorkContext,
  task: RecordTask,
  pending: readonly BulkFormat[],
  existingVc: SignedCredential | undefined,
  issuanceDate: Date,
): Promise<{ ok: true; issued: IssuedFormats } | { ok: false; errors: FieldError[] }> {
  const { config } = context;
  const { certificateId } = task;
  // One record, every pending format, mapped through one DDCC data set (@divoc/issuer).
  const input: IssueInput =
    existingVc !== undefined
      ? { credential: existingVc, ddcc: splitRecord(task.record, config.template).ddcc }
      : { record: task.record, template: config.template };
  // Status entries allocated by the coordinator: the issuer adds them to the credential before it signs it. A
  // credential an earlier run signed carries its own already.
  const entries =
    existingVc === undefined && task.credentialStatus !== undefined && task.credentialStatus.length > 0
      ? (task.credentialStatus as unknown as BitstringStatusListEntry[])
      : undefined;

  let issued: IssuedFormats;
  try {
    issued = await issueAllFormats(input, {
      keys: context.keys,
      issuer: config.issuer,
      formats: [...pending],
      certificateId,
      issuanceDate,
      ...(entries !== undefined ? { credentialStatus: entries } : {}),
      ...(config.qr ? { qr: config.qr } : {}),
      ...(config.vcVersion ? { vcVersion: config.vcVersion } : {}),
      ...(config.context ? { context: config.context } : {}),
      ...(config.certificateIssuerName !== undefined ? { certificateIssuerName: config.certificateIssuerName } : {}),
    });
  } catch (error) {
    if (error instanceof IssuerRecordError)
      return { ok: false, errors: error.issues.map((i) => ({ field: fieldOfPath(i.path), reason: i.message })) };
    if (error instanceof IssuerCertificateIdError)
      return { ok: false, errors: [{ field: error.field, reason: error.message.replace(/^[^:]*: /, '') }] };
    if (error instanceof IssuerInputError) return { ok: false, errors: [{ field: '(record)', reason: error.message }] };
    throw error;
  }
  // If one requested format cannot be made, none is written for the record.
  if (issued.errors) {
    return {
      ok: false,
      errors: Object.entries(issued.errors).map(([format, failure]) => ({
        field: `(${isBulkFormat(format) ? formatStem(format) : format})`,
        reason:
          `${failure?.message ?? 'failed'}` +
          `${failure?.causeCode ? ` (${failure.causeCode})` : failure?.code ? ` (${failure.code})` : ''}`,
      })),
    };
  }
  return { ok: true, issued };
}

/**
 * The `"formats"` members of a certificates.ndjson line, as JSON text: QR texts as strings, documents as JSON. The
 * credential's text is the one issueAllFormats already serialised, spliced in rather than serialised again.
 */
function bundleFormatsJson(issued: IssuedFormats, formats: readonly BulkFormat[]): string {
  const outputs = issued.outputs as Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;
  const members: string[] = [];
  for (const format of formats) {
    const output = outputs[format];
    if (output !== undefined) members.push(`${JSON.stringify(format)}:${pluginOf(format).files.bundle(output)}`);
  }
  return `{${members.join(',')}}`;
}

/** `--layout ndjson`: issue every format and hand the line back; the coordinator appends it (see bundle.ts). */
async function processRecordBundled(context: WorkContext, task: RecordTask): Promise<TaskResult> {
  const { config } = context;
  const { certificateId, line } = task;
  const made = await issueRecord(context, task, config.formats, undefined, new Date());
  if (!made.ok)
    return {
      kind: 'failed',
      line,
      ...(task.recordId !== undefined ? { recordId: task.recordId } : {}),
      certificateId,
      errors: made.errors,
    };
  const formats: string[] = [...config.formats];
  // certificateId first: the bundle is scanned by that prefix on restart (bundleLineId).
  const head = JSON.stringify({
    certificateId,
    line,
    ...(task.recordId !== undefined ? { recordId: task.recordId } : {}),
  });
  const bundleLine = `${head.slice(0, -1)},"formats":${bundleFormatsJson(made.issued, config.formats)}}\n`;
  return {
    kind: 'issued',
    entry: {
      line,
      ...(task.recordId !== undefined ? { recordId: task.recordId } : {}),
      certificateId,
      files: [BUNDLE_FILE],
      formats,
      ...(made.issued.identifiers.vdsnc !== undefined && made.issued.identifiers.vdsnc !== certificateId
        ? { vdsncId: made.issued.identifiers.vdsnc }
        : {}),
    },
    bundleLine,
  };
}

export async function processRecord(context: WorkContext, task: RecordTask): Promise<TaskResult> {
  if (context.config.layout === 'ndjson' || context.config.layout === 'sink')
    return processRecordBundled(context, task);
  const { config } = context;
  const { outDir, tmpDir } = config;
  const { certificateId, line } = task;
  const pending = config.formats.filter((f) => !existsSync(join(outDir, mainFileName(f, certificateId))));
  const pdfName = `${certificateId}.pdf`;
  const wantPdf = context.pdf !== undefined && !existsSync(join(outDir, pdfName));
  if (pending.length === 0 && !wantPdf) return { kind: 'skipped', line, certificateId };
  const fail = (errors: FieldError[]): TaskResult => ({
    kind: 'failed',
    line,
    ...(task.recordId !== undefined ? { recordId: task.recordId } : {}),
    certificateId,
    errors,
  });

  const issuanceDate = new Date();
  // Formats made from the VC reuse the one an earlier run wrote, so every format carries the same credential.
  let existingVc: SignedCredential | undefined;
  const needsVc =
    pending.some((f) => VC_BASED_FORMATS.has(f)) || (wantPdf && config.formats.some((f) => VC_BASED_FORMATS.has(f)));
  if (!pending.includes('w3c-vc') && needsVc && config.formats.includes('w3c-vc')) {
    const text = readMain(outDir, 'w3c-vc', certificateId);
    try {
      if (text === undefined) throw new Error('missing');
      existingVc = JSON.parse(text) as SignedCredential;
    } catch (error) {
      return fail([
        { field: '(vc)', reason: `cannot reuse ${mainFileName('w3c-vc', certificateId)}: ${describeError(error)}` },
      ]);
    }
  }

  const made = await issueRecord(context, task, pending, existingVc, issuanceDate);
  if (!made.ok) return fail(made.errors);
  const issued = made.issued;
  const artefacts = artefactsOf(issued, pending, certificateId);
  const signedVc: SignedCredential | undefined = issued.outputs['w3c-vc']?.credential ?? existingVc;

  let pdfBytes: Uint8Array | undefined;
  let pdfWarnings: { code: string; message: string }[] = [];
  if (wantPdf && context.pdf) {
    const qr: Partial<Record<string, string>> = {};
    for (const format of config.formats) {
      const text = qrTextOf(format, artefacts, outDir, certificateId);
      if (text !== undefined) qr[formatStem(format)] = text;
    }
    // Only a W3C VC was asked for: print its compact QR form (DIVOC1:…), which fits a page.
    if (signedVc !== undefined && qr['vc-compact'] === undefined) {
      try {
        qr['vc-compact'] = encodeCompactCredential(signedVc);
      } catch {
        // a credential the compact form cannot carry: another payload (or none) is printed
      }
    }
    try {
      const pdfInput = {
        certificateId,
        record: task.record,
        issuer: config.issuer,
        issuanceDate: issuanceDate.toISOString().slice(0, 10),
        qr,
      };
      if (context.pdf.render) {
        const page = await context.pdf.render(pdfInput);
        pdfBytes = page.pdf;
        pdfWarnings = page.warnings.map(({ code, message }) => ({ code, message }));
      } else pdfBytes = await context.pdf.make(pdfInput);
    } catch (error) {
      return fail([{ field: '(pdf)', reason: describeError(error) }]);
    }
  }

  // Per format: images and side files first (replacing leftovers of an interrupted attempt), the main file last
  // and never replacing one: its presence says the format is complete.
  const files: string[] = [];
  const written = new Set<string>();
  for (const format of pending) {
    const parts = artefacts.filter((a) => a.format === format);
    const main = parts.find((a) => a.main);
    const sides = parts.filter((a) => !a.main);
    const sideNames: string[] = [];
    for (const side of sides) {
      publishFile(writeTempFile(tmpDir, side.name, side.contents, config.fsync), join(outDir, side.name), false);
      sideNames.push(side.name);
    }
    if (
      main &&
      publishFile(writeTempFile(tmpDir, main.name, main.contents, config.fsync), join(outDir, main.name), true)
    ) {
      files.push(...sideNames, main.name);
      written.add(format);
    }
  }
  if (
    pdfBytes !== undefined &&
    publishFile(writeTempFile(tmpDir, pdfName, pdfBytes, config.fsync), join(outDir, pdfName), true)
  ) {
    files.push(pdfName);
    written.add(PDF_FORMAT);
  }
  if (written.size === 0) return { kind: 'skipped', line, certificateId };
  const formats: string[] = pending.filter((f) => written.has(f));
  if (written.has(PDF_FORMAT)) formats.push(PDF_FORMAT);
  return {
    kind: 'issued',
    ...(pdfWarnings.length > 0 && written.has(PDF_FORMAT) ? { warnings: pdfWarnings } : {}),
    entry: {
      line,
      ...(task.recordId !== undefined ? { recordId: task.recordId } : {}),
      certificateId,
      files,
      formats,
      // The VDS-NC seal's uvci / utci when the certificateId was too long for it.
      ...(written.has('vdsnc') && issued.identifiers.vdsnc !== undefined && issued.identifiers.vdsnc !== certificateId
        ? { vdsncId: issued.identifiers.vdsnc }
        : {}),
    },
  };
}

/**
 * A batch, record by record; with `--layout ndjson` the batch's lines are then appended to certificates.ndjson in
 * one write (and flushed unless --no-fsync) before the results go back, so a record reported done is in the file.
 * Lines never travel to the coordinator: at a million records that traffic was most of its memory.
 * `onError` turns an unexpected error of one record into its result; a file system error is rethrown.
 */
export async function processBatch(
  context: WorkContext,
  tasks: readonly RecordTask[],
  onError: (task: RecordTask, error: unknown) => TaskResult,
): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  for (const task of tasks) {
    try {
      results.push(await processRecord(context, task));
    } catch (error) {
      results.push(onError(task, error));
    }
  }
  if (context.bundlePath !== undefined) {
    let text = '';
    for (const result of results) {
      if (result.kind === 'issued' && result.bundleLine !== undefined) {
        text += result.bundleLine;
        delete result.bundleLine;
      }
    }
    if (text !== '') {
      const bytes = Buffer.from(text, 'utf8');
      // One write per batch, O_APPEND: the kernel places it whole at the end, whichever thread writes. (Opened per
      // batch, so a worker that is terminated holds no descriptor.)
      const fd = openSync(context.bundlePath, 'a');
      try {
        // A short write only happens when the disk fails (full, quota): stop there rather than finish the batch
        // in a second write another thread's batch could land in front of.
        const written = writeSync(fd, bytes, 0, bytes.length);
        if (written !== bytes.length)
          throw Object.assign(new Error(`short write to ${BUNDLE_FILE} (${written} of ${bytes.length} bytes)`), {
            code: 'EIO',
          });
        if (context.config.fsync) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  }
  return results;
}

/**
 * Files of a record that an interrupted run finished (main file present) but never journaled: rebuilt from the
 * deterministic names, for the index. Formats whose main file is missing are left for reissue.
 */
export function completedFiles(
  outDir: string,
  certificateId: string,
  formats: readonly string[],
  qr: 'png' | 'svg' | undefined,
): { files: string[]; formats: string[] } {
  const files: string[] = [];
  const done: string[] = [];
  const has = (name: string) => existsSync(join(outDir, name));
  for (const reported of formats) {
    if (reported === PDF_FORMAT) {
      if (has(`${certificateId}.pdf`)) {
        files.push(`${certificateId}.pdf`);
        done.push(PDF_FORMAT);
      }
      continue;
    }
    const format = isBulkFormat(reported) ? reported : undefined;
    if (!format) continue;
    const main = mainFileName(format, certificateId);
    if (!has(main)) continue;
    const sides: string[] = [];
    if (format === 'shc' && has(`${certificateId}.shc.txt`)) sides.push(`${certificateId}.shc.txt`);
    if (qr && format !== 'w3c-vc') {
      const stem = formatStem(format);
      const single = `${certificateId}.${stem}.${qr}`;
      if (has(single)) sides.push(single);
      else
        for (let i = 1; has(`${certificateId}.${stem}-${i}.${qr}`); i++)
          sides.push(`${certificateId}.${stem}-${i}.${qr}`);
    }
    files.push(...sides, main);
    done.push(reported);
  }
  return { files, formats: done };
}
