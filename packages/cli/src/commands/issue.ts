import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { SuiteName } from '@divoc/vc';
import { defineCommand, formatHelp, parseArgs, requireFlags } from '../lib/args.js';
import { certificateIdFor } from '../lib/certificate-id.js';
import { ALL_SUITES, SUITES_BY_KEY_TYPE, buildFromRecord, makeIssuer, recordFieldNames, templateNames } from '../lib/engine.js';
import { InputUnreadableError, OutputUnwritableError, UsageError, describeError, errorCode } from '../lib/errors.js';
import { exists, readFileLimited, writeFileAtomicExclusive } from '../lib/files.js';
import { resolvePath, type CliIo } from '../lib/io.js';
import { MAX_KEY_FILE_BYTES, controllerOf, parseKeyFile, type LoadedKey } from '../lib/keyfile.js';
import { identityMapper, type RecordMapper } from '../lib/records/map.js';
import { describeFsError, openRecords } from '../lib/records/read.js';
import { recordIdOf } from '../lib/records/record-id.js';
import type { FieldError } from '../lib/records/types.js';

export const issueSpec = defineCommand({
  name: 'issue',
  summary: 'Issue signed credentials from registry records (CSV, JSON array or NDJSON), one file per record.',
  usage: 'issue --key FILE --template NAME --in FILE --out DIR [--suite NAME] [--issuer URL] [--format json] [--key-id ID] [--vc-version 1.1|2.0]',
  flags: {
    key: { type: 'string', valueName: 'FILE', description: 'signing key: divoc-key JSON, PKCS#8/PKCS#1 PEM, or DIVOC key JSON' },
    'key-id': { type: 'string', valueName: 'ID', description: 'verification method id for the key (default: from the key file, or derived)' },
    template: { type: 'string', valueName: 'NAME', description: 'credential template: vaccination, vaccination-v2, test, recovery, or a registered type' },
    in: { type: 'string', valueName: 'FILE', description: 'records: .csv, .json (array), .ndjson/.jsonl; else detected from content' },
    out: { type: 'string', valueName: 'DIR', description: 'output directory (created if missing)' },
    suite: { type: 'string', valueName: 'NAME', choices: ALL_SUITES, description: 'proof suite (default by key: Ed25519 eddsa-rdfc-2022, P-256 ecdsa-rdfc-2019, RSA RsaSignature2018)' },
    issuer: { type: 'string', valueName: 'URL', description: 'issuer DID or URL (default: the key controller, else the key id without fragment)' },
    format: { type: 'string', valueName: 'FORMAT', multiple: true, choices: ['json'], description: 'output format of each credential (default json)' },
    'ignore-unknown-fields': { type: 'boolean', description: 'drop record fields the template does not know instead of rejecting the record' },
    'vc-version': { type: 'string', valueName: 'VERSION', choices: ['1.1', '2.0'], description: 'W3C VC data model (default 1.1, what deployed DIVOC verifiers read)' },
  },
  positionals: { min: 0, max: 0 },
  details: `Writes DIR/<certificateId>.json per issued record, appends one line per issued record to DIR/index.ndjson,
and writes DIR/errors.ndjson with one line per rejected record ({ "line", "recordId", "errors": [{ "field", "reason" }] }).
certificateId is the record's own "certificateId", else derived from identity (or refId, or name + dob/age),
dose and template; a certificate already present in DIR is skipped, so reruns never issue twice.

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
  requireFlags(spec, flags, ['key', 'template', 'in', 'out']);
  const template = flags.template as string;
  const templates = templateNames();
  if (!templates.includes(template)) {
    throw new UsageError(`unknown template ${JSON.stringify(template)} (expected one of: ${templates.join(', ')})`, spec.name);
  }
  if (flags.issuer !== undefined && !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(flags.issuer)) {
    throw new UsageError('--issuer must be a DID or URL', spec.name);
  }
  const key = await loadSigningKey(io, flags.key as string, flags['key-id']);
  const allowed = SUITES_BY_KEY_TYPE[key.keyPair.type];
  const suite = (flags.suite ?? allowed[0]) as SuiteName;
  if (!allowed.includes(suite)) {
    throw new UsageError(`suite ${suite} cannot be signed with a ${key.keyPair.type} key (use: ${allowed.join(', ')})`, spec.name);
  }
  const issuer = flags.issuer ?? key.controller ?? controllerOf(key.id) ?? key.id.split('#')[0] ?? key.id;
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
  const credentialIssuer = makeIssuer(key, suite);
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
      const fileName = `${certificateId}.json`;
      const filePath = join(outDir, fileName);
      if (seen.has(certificateId) || (await exists(filePath))) {
        summary.skipped++;
        continue;
      }
      const { certificateId: _given, ...recordFields } = mapped.record;
      // A misspelt optional column would otherwise vanish silently from a health record.
      if (knownFields !== undefined) {
        const unknown = Object.keys(recordFields).filter((f) => !knownFields.has(f));
        if (unknown.length > 0) {
          if (flags['ignore-unknown-fields']) for (const f of unknown) delete recordFields[f];
          else {
            await reject(item.line, recordId, unknown.map((field) => ({ field, reason: `unknown field for template ${template} (use --ignore-unknown-fields to drop it)` })));
            continue;
          }
        }
      }
      const built = buildFromRecord(template, recordFields, { issuer, certificateId, ...(vcVersion ? { vcVersion } : {}) });
      if (!built.ok) {
        await reject(item.line, recordId, built.errors);
        continue;
      }
      let signed: unknown;
      try {
        signed = await credentialIssuer.issue(built.credential);
      } catch (error) {
        const code = errorCode(error);
        await reject(item.line, recordId, [{ field: '(credential)', reason: `${describeError(error)}${code ? ` (${code})` : ''}` }]);
        continue;
      }
      seen.add(certificateId);
      const created = await writeFileAtomicExclusive(filePath, `${JSON.stringify(signed, null, 2)}\n`);
      if (!created) {
        summary.skipped++;
        continue;
      }
      summary.issued++;
      await indexFile.write(
        `${JSON.stringify({ line: item.line, ...(recordId !== undefined ? { recordId } : {}), certificateId, files: [fileName], formats: ['w3c-vc'] })}\n`,
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
    io.stdout.write(formatSummary(summary, flags.out as string, suite, template));
  }
  return summary.failed > 0 ? 1 : 0;
}

function formatSummary(s: IssueSummary, out: string, suite: string, template: string): string {
  const failedNote = s.failed > 0 ? ` (see ${join(out, 'errors.ndjson')})` : '';
  return `${template} credentials (${suite}): issued ${s.issued}, skipped ${s.skipped}, failed ${s.failed}${failedNote}\n`;
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
