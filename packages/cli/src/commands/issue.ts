import { mkdir, open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createSigner } from '@divoc/keys';
import type { SignedCredential, SuiteName } from '@divoc/vc';
import { defineCommand, formatHelp, parseArgs, requireFlags } from '../lib/args.js';
import { certificateIdFor } from '../lib/certificate-id.js';
import { ALL_SUITES, SUITES_BY_KEY_TYPE, buildFromRecord, makeIssuer, recordFieldNames, templateNames } from '../lib/engine.js';
import { InputUnreadableError, KeyFileError, OutputUnwritableError, UsageError } from '../lib/errors.js';
import { exists, readFileLimited, writeFileAtomicExclusive } from '../lib/files.js';
import { resolvePath, type CliIo } from '../lib/io.js';
import { MAX_KEY_FILE_BYTES, controllerOf, parseKeyFile, type LoadedKey } from '../lib/keyfile.js';
import { identityMapper, type RecordMapper } from '../lib/records/map.js';
import { describeFsError, openRecords } from '../lib/records/read.js';
import { recordIdOf } from '../lib/records/record-id.js';
import type { FieldError } from '../lib/records/types.js';
import {
  FormatIssueError,
  OUTPUT_FORMAT_ALIASES,
  REPORTED_FORMAT,
  VC_BASED,
  certifiedKey,
  hasVdsncUsage,
  mainFileName,
  makeArtefacts,
  parseOutputFormats,
  type CertifiedKey,
  type IssueMaterial,
  type OutputFormat,
  vdsncCertificateId,
} from '../lib/outputs.js';

export const issueSpec = defineCommand({
  name: 'issue',
  summary: 'Issue signed credentials from registry records (CSV, JSON array or NDJSON), in one or more formats, files per record.',
  usage:
    'issue --template NAME --in FILE --out DIR [--format vc,divoc-qr,vc-compact,dcc,shc,vdsnc] [--qr png|svg] [--key FILE] [--dsc-key FILE --dsc-cert FILE] [--bsc-key FILE --bsc-cert FILE] [--shc-key FILE] [--shc-issuer URL] [--suite NAME] [--issuer URL] [--key-id ID] [--vc-version 1.1|2.0]',
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

Exit status: 0 all records issued or skipped, 1 some record rejected, 2 usage error or unreadable input/key.`,
});

export interface IssueSummary {
  issued: number;
  skipped: number;
  failed: number;
}

export async function runIssue(argv: readonly string[], io: CliIo, mapper: RecordMapper = identityMapper): Promise<number> {
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
  const { material, issuer, label } = await loadMaterial(io, flags, formats);
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
  const summary: IssueSummary = { issued: 0, skipped: 0, failed: 0 };
  const seen = new Set<string>();
  let indexFile: FileHandle | undefined;
  let errorsFile: FileHandle | undefined;
  try {
    // index.ndjson is a ledger across runs (appended); errors.ndjson describes this run only (replaced).
    indexFile = await open(join(outDir, 'index.ndjson'), 'a');
    errorsFile = await open(join(outDir, 'errors.ndjson'), 'w');
    const reject = async (line: number, recordId: string | undefined, errors: FieldError[]) => {
      summary.failed++;
      await (errorsFile as FileHandle).write(`${JSON.stringify({ line, ...(recordId !== undefined ? { recordId } : {}), errors })}\n`);
    };

    for await (const item of records.items) {
      if (item.kind === 'invalid') {
        await reject(item.line, item.recordId, item.errors);
        continue;
      }
      const recordId = recordIdOf(item.record);
      const mapped = mapper.map(item.record);
      if (!mapped.ok) {
        await reject(item.line, recordId, mapped.errors);
        continue;
      }
      const idResult = certificateIdFor(template, mapped.record);
      if (!idResult.ok) {
        await reject(item.line, recordId, [{ field: idResult.field, reason: idResult.reason }]);
        continue;
      }
      const { certificateId } = idResult;
      // Formats whose file is already there were issued by an earlier run (or an earlier record with this id).
      const pending: OutputFormat[] = [];
      if (!seen.has(certificateId)) {
        for (const format of formats) if (!(await exists(join(outDir, mainFileName(format, certificateId))))) pending.push(format);
      }
      if (pending.length === 0) {
        summary.skipped++;
        continue;
      }
      const { certificateId: _given, ...recordFields } = mapped.record;
      // A misspelt optional column would otherwise vanish silently from a health record.
      if (knownFields !== undefined) {
        const unknownFields = Object.keys(recordFields).filter((f) => !knownFields.has(f));
        if (unknownFields.length > 0) {
          if (flags['ignore-unknown-fields']) for (const f of unknownFields) delete recordFields[f];
          else {
            await reject(item.line, recordId, unknownFields.map((field) => ({ field, reason: `unknown field for template ${template} (use --ignore-unknown-fields to drop it)` })));
            continue;
          }
        }
      }
      const built = buildFromRecord(template, recordFields, { issuer, certificateId, ...(vcVersion ? { vcVersion } : {}) });
      if (!built.ok) {
        await reject(item.line, recordId, built.errors);
        continue;
      }
      // Formats made from the VC reuse the one an earlier run wrote, so every format carries the same credential.
      let existingVc: SignedCredential | undefined;
      if (!pending.includes('vc') && pending.some((f) => VC_BASED.has(f))) {
        try {
          existingVc = JSON.parse(await readFile(join(outDir, mainFileName('vc', certificateId)), 'utf8')) as SignedCredential;
        } catch (error) {
          await reject(item.line, recordId, [{ field: '(vc)', reason: `cannot reuse ${mainFileName('vc', certificateId)}: ${describeFsError(error)}` }]);
          continue;
        }
      }
      let artefacts;
      try {
        ({ artefacts } = await makeArtefacts(pending, certificateId, built.credential, material, existingVc));
      } catch (error) {
        if (!(error instanceof FormatIssueError)) throw error;
        await reject(item.line, recordId, [{ field: `(${error.format})`, reason: `${error.message}${error.code ? ` (${error.code})` : ''}` }]);
        continue;
      }
      seen.add(certificateId);
      const files: string[] = [];
      const written = new Set<OutputFormat>();
      // Images and side files first, the main file last: its presence says the format is complete.
      for (const artefact of artefacts) {
        const created = await writeFileAtomicExclusive(join(outDir, artefact.name), artefact.contents);
        if (!created) continue;
        files.push(artefact.name);
        if (artefact.main) written.add(artefact.format);
      }
      if (written.size === 0) {
        summary.skipped++;
        continue;
      }
      summary.issued++;
      await indexFile.write(
        `${JSON.stringify({
          line: item.line,
          ...(recordId !== undefined ? { recordId } : {}),
          certificateId,
          files,
          formats: pending.filter((f) => written.has(f)).map((f) => REPORTED_FORMAT[f]),
          // The VDS-NC seal's uvci / utci when the certificateId was too long for it.
          ...(written.has('vdsnc') && vdsncCertificateId(certificateId) !== certificateId ? { vdsncId: vdsncCertificateId(certificateId) } : {}),
        })}\n`,
      );
    }
  } catch (error) {
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && /^E[A-Z]+$/.test(error.code)) {
      throw new OutputUnwritableError(flags.out as string, describeFsError(error));
    }
    throw error;
  } finally {
    await indexFile?.close();
    await errorsFile?.close();
    // Report what was done even when the input broke off half-way.
    io.stdout.write(formatSummary(summary, flags.out as string, label, template));
  }
  return summary.failed > 0 ? 1 : 0;
}

function formatSummary(s: IssueSummary, out: string, label: string, template: string): string {
  const failedNote = s.failed > 0 ? ` (see ${join(out, 'errors.ndjson')})` : '';
  return `${template} credentials (${label}): issued ${s.issued}, skipped ${s.skipped}, failed ${s.failed}${failedNote}\n`;
}

type IssueFlags = ReturnType<typeof parseArgs<(typeof issueSpec)['flags']>>['flags'];

/**
 * Loads the keys the requested formats need. Missing key material is a usage error naming the flag; a key or
 * certificate that cannot be used (wrong type, mismatched pair) is a key file error. Both exit 2 before any record.
 */
async function loadMaterial(io: CliIo, flags: IssueFlags, formats: readonly OutputFormat[]): Promise<{ material: IssueMaterial; issuer: string; label: string }> {
  const spec = issueSpec;
  const wants = (f: OutputFormat) => formats.includes(f);
  const material: IssueMaterial = {};
  if (flags.qr !== undefined) material.qr = flags.qr as 'png' | 'svg';
  const labels: string[] = [];
  let issuer = flags.issuer;

  // Key flags a format list does not need are accepted (and checked), so one command line serves several runs.
  const vcFormats = formats.filter((f) => VC_BASED.has(f));
  if (vcFormats.length > 0 && flags.key === undefined) {
    throw new UsageError(`missing required option --key (a W3C VC signing key, for --format ${vcFormats.join(',')})`, spec.name);
  }
  if (flags.key !== undefined) {
    const key = await loadSigningKey(io, flags.key, flags['key-id']);
    const allowed = SUITES_BY_KEY_TYPE[key.keyPair.type];
    const suite = (flags.suite ?? allowed[0]) as SuiteName;
    if (!allowed.includes(suite)) {
      throw new UsageError(`suite ${suite} cannot be signed with a ${key.keyPair.type} key (use: ${allowed.join(', ')})`, spec.name);
    }
    issuer ??= key.controller ?? controllerOf(key.id) ?? key.id.split('#')[0] ?? key.id;
    if (vcFormats.length > 0) {
      material.vc = makeIssuer(key, suite);
      labels.push(...vcFormats.map((f) => (f === 'vc' ? suite : f)));
    }
  }

  const pair = async (keyFlag: 'dsc-key' | 'bsc-key', certFlag: 'dsc-cert' | 'bsc-cert'): Promise<CertifiedKey | undefined> => {
    const keyPath = flags[keyFlag];
    const certPath = flags[certFlag];
    if (keyPath === undefined && certPath === undefined) return undefined;
    if (keyPath === undefined) throw new UsageError(`--${certFlag} needs --${keyFlag}`, spec.name);
    if (certPath === undefined) throw new UsageError(`--${keyFlag} needs --${certFlag} (the signer certificate)`, spec.name);
    const key = await loadSigningKey(io, keyPath, undefined);
    const cert = await readSmallFile(io, certPath);
    try {
      return certifiedKey(key, cert);
    } catch (error) {
      throw new KeyFileError(`${keyPath} / ${certPath}`, (error as Error).message);
    }
  };
  const dsc = await pair('dsc-key', 'dsc-cert');
  const bsc = await pair('bsc-key', 'bsc-cert');

  if (wants('dcc')) {
    if (!dsc) throw new UsageError('--format dcc needs --dsc-key and --dsc-cert (a P-256 document signer key and certificate; see divoc keys dsc)', spec.name);
    material.dsc = dsc;
    labels.push('dcc');
  }
  if (wants('vdsnc')) {
    if (bsc) material.bsc = bsc;
    else if (dsc && hasVdsncUsage(dsc)) material.bsc = dsc;
    else if (dsc) {
      throw new UsageError(
        '--format vdsnc needs --bsc-key and --bsc-cert: the certificate in --dsc-cert lacks the VDS-NC extended key usage 2.23.136.1.1.14.2 (divoc keys dsc writes bsc.key.pem / bsc.crt.pem)',
        spec.name,
      );
    } else throw new UsageError('--format vdsnc needs --bsc-key and --bsc-cert (or --dsc-key and --dsc-cert with the VDS-NC usage; see divoc keys dsc)', spec.name);
    labels.push('vdsnc');
  }
  if (wants('shc')) {
    let key;
    if (flags['shc-key'] !== undefined) key = await loadSigningKey(io, flags['shc-key'], undefined);
    else if (dsc) key = dsc.key;
    else throw new UsageError('--format shc needs --shc-key (a P-256 key) or --dsc-key', spec.name);
    if (key.keyPair.type !== 'P-256') throw new KeyFileError(flags['shc-key'] ?? (flags['dsc-key'] as string), `SMART Health Cards are signed with P-256 (ES256), not ${key.keyPair.type}`);
    const fromIssuer = issuer?.startsWith('https://') ? issuer.replace(/\/+$/, '') : undefined;
    const shcIssuer = flags['shc-issuer'] ?? fromIssuer;
    if (shcIssuer === undefined) throw new UsageError('--format shc needs --shc-issuer URL (https, no trailing slash: where the issuer publishes /.well-known/jwks.json)', spec.name);
    if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(shcIssuer) || shcIssuer.endsWith('/')) throw new UsageError('--shc-issuer must be an https URL without a trailing slash', spec.name);
    material.shc = { signer: createSigner(key.keyPair, { id: key.id, algorithm: 'ES256' }), key, issuer: shcIssuer };
    issuer ??= shcIssuer;
    labels.push('shc');
  }
  if (issuer === undefined) throw new UsageError('missing --issuer (the credential issuer; without --key it cannot be derived)', spec.name);
  return { material, issuer, label: labels.join(', ') };
}

async function readSmallFile(io: CliIo, path: string): Promise<Uint8Array> {
  try {
    const read = await readFileLimited(resolvePath(io, path), MAX_KEY_FILE_BYTES);
    if (read.tooLarge) throw new InputUnreadableError(path, `larger than ${MAX_KEY_FILE_BYTES} bytes`);
    return read.bytes;
  } catch (error) {
    if (error instanceof InputUnreadableError) throw error;
    throw new InputUnreadableError(path, describeFsError(error));
  }
}

async function loadSigningKey(io: CliIo, path: string, keyId: string | undefined): Promise<LoadedKey> {
  let bytes: Uint8Array;
  try {
    const read = await readFileLimited(resolvePath(io, path), MAX_KEY_FILE_BYTES);
    if (read.tooLarge) throw new InputUnreadableError(path, `larger than ${MAX_KEY_FILE_BYTES} bytes: not a key file`);
    bytes = read.bytes;
  } catch (error) {
    if (error instanceof InputUnreadableError) throw error;
    throw new InputUnreadableError(path, describeFsError(error));
  }
  return parseKeyFile(path, bytes, { ...(keyId !== undefined ? { explicitId: keyId } : {}), requirePrivate: true });
}
