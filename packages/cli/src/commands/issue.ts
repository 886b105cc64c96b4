import { existsSync } from 'node:fs';
import { readFileCapped } from '@divoc/keys/node';
import { availableParallelism } from 'node:os';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BulkInputSyntaxError,
  BulkInputUnreadableError,
  BulkLayoutMismatchError,
  BulkMappingInvalidError,
  BulkOptionsError,
  BulkOutputLockedError,
  BulkOutputUnwritableError,
  BulkUnknownColumnsError,
  BulkWorkerError,
  DEFAULT_WORKER_HEAP_MB,
  createProgress,
  formatOfStem,
  issueBulk,
  mappingRecordMapper,
  openRecordFile,
  parseMapping,
  type BulkCounts,
  type BulkFormat,
  type BulkKeys,
  type ProgressMode,
  type RecordMapper,
} from '@divoc/bulk';
import { defineCommand, formatHelp, parseArgs, requireFlags } from '../lib/args.js';
import { ALL_SUITES, templateNames } from '../lib/engine.js';
import {
  InputColumnsUnknownError,
  InputSyntaxError,
  InputUnreadableError,
  InternalCliError,
  MappingFileInvalidError,
  OutputLockedError,
  OutputUnwritableError,
  UsageError,
  exitCodeOf,
} from '../lib/errors.js';
import { resolvePath, type CliIo } from '../lib/io.js';
import { describeFsError } from '@divoc/keys/node';
import { listUnknownFields } from '@divoc/issuer';
import { OUTPUT_FORMAT_ALIASES, REPORTED_FORMAT, parseOutputFormats } from '../lib/outputs.js';
import { issuerKeysOf, loadMaterial, type BulkKeyOptions, type MaterialFlags } from '../lib/bulk/material.js';
import { openStatusAssigner, type StatusAssigner } from '../lib/status-assign.js';

export const issueSpec = defineCommand({
  name: 'issue',
  summary:
    'Issue signed credentials from registry records (CSV, JSON array or NDJSON), in one or more formats, ' +
    'files per record.',
  usage:
    'issue --template NAME --in FILE --out DIR [--format vc,divoc-qr,vc-compact,pixelpass,dcc,shc,vdsnc] ' +
    '[--qr png|svg] [--pdf [--pdf-template FILE] [--pdf-font FILE] [--locale LIST]] [--mapping FILE] [--key FILE] ' +
    '[--dsc-key FILE --dsc-cert FILE] [--bsc-key FILE --bsc-cert FILE] [--shc-key FILE] ' +
    '[--shc-issuer URL] [--dcc-issuer NAME] [--suite NAME] [--issuer URL] [--key-id ID] [--vc-version 1.1|2.0] ' +
    '[--context sdk|divoc-legacy] [--workers N] [--json] [--progress auto|bar|log|none]',
  flags: {
    key: {
      type: 'string',
      valueName: 'FILE',
      description:
        'W3C VC signing key (formats vc, divoc-qr, vc-compact, pixelpass): divoc-key JSON, PKCS#8/PKCS#1 PEM, ' +
        'or DIVOC key JSON',
    },
    'key-id': {
      type: 'string',
      valueName: 'ID',
      description: 'verification method id for the key (default: from the key file, or derived)',
    },
    template: {
      type: 'string',
      valueName: 'NAME',
      description: 'credential template: vaccination, vaccination-v2, test, recovery, or a registered type',
    },
    in: {
      type: 'string',
      valueName: 'FILE',
      description: 'records: .csv, .json (array), .ndjson/.jsonl; else detected from content',
    },
    out: { type: 'string', valueName: 'DIR', description: 'output directory (created if missing)' },
    suite: {
      type: 'string',
      valueName: 'NAME',
      choices: ALL_SUITES,
      description: 'proof suite (default by key: Ed25519 eddsa-rdfc-2022, P-256 ecdsa-rdfc-2019, RSA RsaSignature2018)',
    },
    issuer: {
      type: 'string',
      valueName: 'URL',
      description: 'issuer DID or URL (default: the key controller, else the key id without fragment)',
    },
    format: {
      type: 'string',
      valueName: 'FORMAT',
      multiple: true,
      description:
        `formats to write, comma-separated: ${Object.keys(OUTPUT_FORMAT_ALIASES).join(', ')} ` +
        '(json = vc; default vc)',
    },
    qr: {
      type: 'string',
      valueName: 'png|svg',
      choices: ['png', 'svg'],
      description: 'also write a QR image per QR payload (divoc-qr, vc-compact, pixelpass, dcc, shc, vdsnc)',
    },
    'dsc-key': {
      type: 'string',
      valueName: 'FILE',
      description:
        'P-256 document signer key (PEM, JWK or divoc-key JSON), for dcc and vdsnc (and shc without --shc-key)',
    },
    'dsc-cert': {
      type: 'string',
      valueName: 'FILE',
      description: 'X.509 certificate of --dsc-key (PEM, DER or base64 DER)',
    },
    'bsc-key': {
      type: 'string',
      valueName: 'FILE',
      description: 'P-256 VDS-NC barcode signer key (default: --dsc-key, if its certificate has the VDS-NC usage)',
    },
    'bsc-cert': {
      type: 'string',
      valueName: 'FILE',
      description: 'X.509 certificate of --bsc-key, with the VDS-NC extended key usage 2.23.136.1.1.14.2',
    },
    'shc-key': {
      type: 'string',
      valueName: 'FILE',
      description: 'P-256 SMART Health Card signing key (default: --dsc-key)',
    },
    'shc-issuer': {
      type: 'string',
      valueName: 'URL',
      description: 'SMART Health Card issuer (https, no trailing slash; default: --issuer when https)',
    },
    'dcc-issuer': {
      type: 'string',
      valueName: 'NAME',
      description:
        'printable certificate issuer for dcc: the "is" claim, e.g. "Ministry of Health" (1 to 80 characters; ' +
        'default the issuer URI)',
    },
    'ignore-unknown-fields': {
      type: 'boolean',
      description: 'drop record fields the template does not know instead of rejecting the record',
    },
    'vc-version': {
      type: 'string',
      valueName: 'VERSION',
      choices: ['1.1', '2.0'],
      description: 'W3C VC data model (default 1.1, what deployed DIVOC verifiers read)',
    },
    context: {
      type: 'string',
      valueName: 'NAME',
      choices: ['sdk', 'divoc-legacy'],
      description:
        'JSON-LD contexts of the W3C VC: sdk (default, https://divoc.dev/credentials/sdk/v2, ' +
        "every term with its own IRI) or divoc-legacy (DIVOC's own contexts, " +
        'for deployed verifier apps that need them; ' +
        'their signatures do not bind certificateId/batch/vaccine/manufacturer, ' +
        'date/effectiveStart/effectiveUntil or dose/totalDoses to their values)',
    },
    mapping: {
      type: 'string',
      valueName: 'FILE',
      description:
        'mapping file (JSON): which column holds which record field, date and number rules (default: ' +
        'columns are the record fields)',
    },
    pdf: { type: 'boolean', description: 'also write a printable certificate <certificateId>.pdf with the QR code' },
    'pdf-template': {
      type: 'string',
      valueName: 'FILE',
      description: 'PDF layout template (JSON; default: the built-in A4 vaccination certificate)',
    },
    locale: {
      type: 'string',
      valueName: 'LIST',
      description:
        'languages of the PDF labels, primary first: en (default), hi, ta, si, bn; ' +
        '"hi-IN,en" prints Hindi, then English',
    },
    'pdf-font': {
      type: 'string',
      valueName: 'FILE',
      description: 'TrueType font for text Helvetica cannot print (names in non-Latin scripts)',
    },
    workers: {
      type: 'string',
      valueName: 'N',
      description: 'worker threads (default: one per core; 0 = work on the main thread)',
    },
    'worker-heap': {
      type: 'string',
      valueName: 'MIB',
      description: 'V8 old-generation ceiling per worker thread, in MiB (default 128; 0 = V8 default)',
    },
    'batch-size': {
      type: 'string',
      valueName: 'N',
      description: 'records per batch handed to a worker and per journal flush (default 64)',
    },
    progress: {
      type: 'string',
      valueName: 'MODE',
      choices: ['auto', 'bar', 'log', 'none'],
      description: 'progress on stderr: auto (bar on a terminal, log lines otherwise), bar, log, none',
    },
    json: {
      type: 'boolean',
      description: 'JSON events on stdout, one per line (start, progress, done); the summary line goes to stderr',
    },
    'status-list': {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description:
        'status list state file (divoc status create): give each new W3C VC a credentialStatus entry ' +
        '(repeatable, one list per purpose)',
    },
    'allow-unknown-vaccine': {
      type: 'boolean',
      description: 'issue vaccination records whose vaccine resolveVaccine() does not know (default: rejected)',
    },
    'no-fsync': {
      type: 'boolean',
      description:
        'do not flush files or the journal to disk (faster; still safe against kill -9, not against power loss)',
    },
    layout: {
      type: 'string',
      valueName: 'files|ndjson',
      choices: ['files', 'ndjson'],
      description:
        'files (default): files per record, as below; ndjson: ' +
        'one line per record in DIR/certificates.ndjson (for very large runs)',
    },
  },
  positionals: { min: 0, max: 0 },
  details: `Files in DIR per issued record (certificateId = the record's "certificateId", else derived from identity
(or refId, or name + dob/age), dose and template):
  vc          <certificateId>.json                 signed W3C VC (needs --key)
  divoc-qr    <certificateId>.divoc-qr.txt         DIVOC QR text (ZIP binary string) of that VC (needs --key)
  vc-compact  <certificateId>.vc-compact.txt       compact QR text of that VC, DIVOC1:… (needs --key)
  pixelpass   <certificateId>.pixelpass.txt        PixelPass QR data of that VC, as MOSIP Inji Verify scans it
                                                   (CBOR, zlib, Base45; no line end) (needs --key)
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
formats named as in index.ndjson (w3c-vc: the credential; divoc-qr, vc-compact, pixelpass, dcc: the QR text;
shc: { file, qr }; vdsnc: the seal). A record already in the file is skipped. --qr and --pdf need --layout files; a
DIR is written with one layout only.

Bulk runs: records are read as a stream and signed on worker threads (--workers, default one per core). The run
journal DIR/.divoc-journal.ndjson makes a run resumable: after a crash or kill -9 run the same command again; it
finishes what is missing, every record issued exactly once, no partial files. --pdf writes <certificateId>.pdf.
Vaccination records whose vaccine resolveVaccine() does not know are rejected (--allow-unknown-vaccine).

Without --mapping the columns of a CSV are the record fields: a header naming a column the template does not know
stops the run before any record (exit 2, ERR_INPUT_UNKNOWN_COLUMNS, with the near match it probably means).

Exit status: 0 all records issued or skipped, 1 some record rejected, 2 usage error, unreadable input/key or unknown
CSV columns.`,
});

export type IssueSummary = BulkCounts;

const MAX_MAPPING_BYTES = 1024 * 1024;
const PDF_FORMAT = 'pdf';

function positiveInt(value: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,6}$/.test(value) || Number(value) < min || Number(value) > max)
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}`, 'issue');
  return Number(value);
}

async function loadMapper(io: CliIo, path: string): Promise<RecordMapper> {
  let text: string;
  try {
    const read = await readFileCapped(resolvePath(io, path), MAX_MAPPING_BYTES);
    if (read.tooLarge)
      throw new InputUnreadableError(path, `larger than ${MAX_MAPPING_BYTES} bytes: not a mapping file`);
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
    if (error instanceof BulkMappingInvalidError) throw new MappingFileInvalidError(`${path}: ${error.message}`);
    throw error;
  }
}

/**
 * The key loader module the workers import: dist/bulk-keys.js beside the built CLI. Running from sources (vitest)
 * there is none, and the keys already loaded are used on the main thread, as before.
 */
function keyLoaderModule(): URL | undefined {
  const url = new URL('./bulk-keys.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

/** `@divoc/bulk`'s errors as the CLI has always reported them (same codes, messages and exit statuses). */
function cliErrorOf(error: unknown, out: string, input: string): unknown {
  if (error instanceof BulkLayoutMismatchError) {
    const inUse = error.inUse;
    return new UsageError(`${out} holds a --layout ${inUse} run: use --layout ${inUse} or another --out`, 'issue');
  }
  if (error instanceof BulkOutputLockedError) return new OutputLockedError(error.path, error.reason);
  if (error instanceof BulkOutputUnwritableError) return new OutputUnwritableError(out, error.reason);
  if (error instanceof BulkInputSyntaxError) return new InputSyntaxError(error.detail, error.line);
  if (error instanceof BulkInputUnreadableError) return new InputUnreadableError(error.path, error.reason);
  if (error instanceof BulkMappingInvalidError) return new MappingFileInvalidError(error.message);
  if (error instanceof BulkUnknownColumnsError) {
    const named = listUnknownFields(error.columns);
    return new InputColumnsUnknownError(
      `${input}: ${error.columns.length === 1 ? 'unknown column' : 'unknown columns'} ${named} ` +
        `for template ${error.template}: rename ${error.columns.length === 1 ? 'it' : 'them'}, map the columns ` +
        'with --mapping, or drop unknown columns with --ignore-unknown-fields; nothing was issued',
      error.columns,
    );
  }
  if (error instanceof BulkWorkerError) return new InternalCliError(error.message, { cause: error });
  if (error instanceof BulkOptionsError) return new UsageError(error.message, 'issue');
  if (error instanceof Error && 'code' in error && typeof error.code === 'string' && /^E[A-Z]+$/.test(error.code)) {
    return new OutputUnwritableError(out, describeFsError(error));
  }
  return error;
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
    throw new UsageError(
      `unknown --format ${unknown.map((u) => JSON.stringify(u)).join(', ')} (expected: ` +
        `${Object.keys(OUTPUT_FORMAT_ALIASES).join(', ')})`,
      spec.name,
    );
  }
  if (formats.length === 0) throw new UsageError('--format names no format', spec.name);
  const template = flags.template as string;
  const templates = templateNames();
  if (!templates.includes(template)) {
    throw new UsageError(
      `unknown template ${JSON.stringify(template)} (expected one of: ${templates.join(', ')})`,
      spec.name,
    );
  }
  if (flags.issuer !== undefined && !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(flags.issuer)) {
    throw new UsageError('--issuer must be a DID or URL', spec.name);
  }
  if ((flags['pdf-template'] !== undefined || flags['pdf-font'] !== undefined) && !flags.pdf)
    throw new UsageError('--pdf-template and --pdf-font need --pdf', spec.name);
  if (flags.locale !== undefined && !flags.pdf)
    throw new UsageError('--locale sets the PDF labels: add --pdf', spec.name);
  const dccIssuer = flags['dcc-issuer'];
  if (dccIssuer !== undefined) {
    if (dccIssuer.trim() === '' || dccIssuer.length > 80)
      throw new UsageError('--dcc-issuer must be 1 to 80 characters', spec.name);
    if (!formats.includes('dcc'))
      throw new UsageError('--dcc-issuer names the issuer of a dcc: add --format dcc', spec.name);
  }
  const layout = (flags.layout ?? 'files') as 'files' | 'ndjson';
  if (layout === 'ndjson' && (flags.qr !== undefined || flags.pdf))
    throw new UsageError('--qr and --pdf write files per record: they need --layout files', spec.name);
  const workers = positiveInt(flags.workers, 'workers', 0, 256, Math.max(1, availableParallelism()));
  const batchSize = positiveInt(flags['batch-size'], 'batch-size', 1, 10_000, 64);
  const workerHeapMb =
    flags['worker-heap'] === '0'
      ? 0
      : positiveInt(flags['worker-heap'], 'worker-heap', 32, 65_536, DEFAULT_WORKER_HEAP_MB);

  const materialFlags: MaterialFlags = {};
  for (const name of [
    'key',
    'key-id',
    'suite',
    'issuer',
    'qr',
    'dsc-key',
    'dsc-cert',
    'bsc-key',
    'bsc-cert',
    'shc-key',
    'shc-issuer',
  ] as const) {
    const value = flags[name];
    if (value !== undefined) materialFlags[name] = value;
  }
  // Loaded here once to check the command line (exit 2 before any record); the workers load their own copy.
  const { material, issuer, label } = await loadMaterial(io, materialFlags, formats);
  const mapper = mapperOverride ?? (flags.mapping !== undefined ? await loadMapper(io, flags.mapping) : undefined);
  const pdf = flags.pdf
    ? {
        ...(flags['pdf-template'] !== undefined ? { templatePath: resolvePath(io, flags['pdf-template']) } : {}),
        ...(flags['pdf-font'] !== undefined ? { fontPath: resolvePath(io, flags['pdf-font']) } : {}),
        ...(flags.locale !== undefined ? { locale: flags.locale } : {}),
      }
    : undefined;
  if (pdf) {
    // Check the template and font now: a bad layout is a usage problem, not a million failed records.
    const { createPdfMaker } = await import('@divoc/pdf');
    await createPdfMaker({ cwd: io.cwd, ...pdf });
  }
  const outDir = resolvePath(io, flags.out as string);
  const records = await openRecordFile(resolvePath(io, flags.in as string)).catch((error: unknown) => {
    if (error instanceof BulkInputUnreadableError) throw new InputUnreadableError(flags.in as string, error.reason);
    throw error;
  });
  try {
    await mkdir(outDir, { recursive: true });
    if (!(await stat(outDir)).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    await records.items[Symbol.asyncIterator]().return?.(undefined);
    throw new OutputUnwritableError(flags.out as string, describeFsError(error));
  }

  const bulkFormats = formats.map((f) => formatOfStem(f) as BulkFormat);
  const reportedFormats = [...formats.map((f) => REPORTED_FORMAT[f]), ...(pdf ? [PDF_FORMAT] : [])];
  const loader = keyLoaderModule();
  const keyOptions: BulkKeyOptions = { cwd: io.cwd, flags: materialFlags, formats };
  const keys: BulkKeys = loader ? { module: loader, options: keyOptions } : issuerKeysOf(material);
  let summary: IssueSummary = { issued: 0, skipped: 0, failed: 0 };
  const stderrIsTty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  const progressFlag = (flags.progress ?? 'auto') as 'auto' | ProgressMode;
  const progress = createProgress({
    mode: flags.json ? 'json' : progressFlag === 'auto' ? (stderrIsTty ? 'bar' : 'log') : progressFlag,
    sink: flags.json ? io.stdout : io.stderr,
    totalBytes: records.size,
  });

  let statusAssigner: StatusAssigner | undefined;
  let exitCode = 0;
  try {
    // Locks the lists for the whole run, so a concurrent `divoc status revoke` cannot be overwritten.
    statusAssigner = await openStatusAssigner(io, (flags['status-list'] as string[] | undefined) ?? []);
    const done = await issueBulk({
      source: records,
      template,
      formats: bulkFormats,
      keys,
      issuer,
      out: outDir,
      layout,
      ...(mapper ? { mapping: mapper } : {}),
      workers,
      batchSize,
      workerHeapMb,
      fsync: !flags['no-fsync'],
      ...(flags.qr !== undefined ? { qr: flags.qr as 'png' | 'svg' } : {}),
      ...(pdf ? { pdf } : {}),
      ...(flags['vc-version'] !== undefined ? { vcVersion: flags['vc-version'] as '1.1' | '2.0' } : {}),
      ...(flags.context !== undefined ? { context: flags.context as 'sdk' | 'divoc-legacy' } : {}),
      ...(dccIssuer !== undefined ? { certificateIssuerName: dccIssuer.trim() } : {}),
      ignoreUnknownFields: flags['ignore-unknown-fields'] === true,
      allowUnknownVaccine: flags['allow-unknown-vaccine'] === true,
      ...(statusAssigner ? { credentialStatus: statusAssigner } : {}),
      cwd: io.cwd,
      // A page printed with the fallback text for characters no font has: said on stderr, the run goes on.
      onWarning: (w) =>
        io.stderr.write(`divoc: warning: line ${w.line} (${w.certificateId}): ${w.message} (${w.code})\n`),
      onStart: (info) => {
        const { threads: workers, recovery } = info;
        progress.start({
          input: flags.in,
          out: flags.out,
          template,
          formats: reportedFormats,
          ...(dccIssuer !== undefined ? { dccIssuer: dccIssuer.trim() } : {}),
          workers,
          recovery,
        });
      },
      onProgress: (counts, bytesRead, recordsRead) => progress.update(counts, bytesRead, recordsRead),
      onDone: (final) => {
        summary = { issued: final.issued, skipped: final.skipped, failed: final.failed };
      },
    });
    exitCode = done.failed > 0 ? 1 : 0;
  } catch (error) {
    const reported = cliErrorOf(error, flags.out as string, flags.in as string);
    exitCode = exitCodeOf(reported);
    throw reported;
  } finally {
    await statusAssigner?.close();
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
  return (
    `${template} credentials (${label}): issued ${s.issued}, skipped ${s.skipped}, ` +
    `failed ${s.failed}${failedNote}\n`
  );
}
