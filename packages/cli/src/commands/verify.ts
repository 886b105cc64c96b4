import { defineCommand, formatHelp, parseArgs } from '../lib/args.js';
import { UsageError } from '../lib/errors.js';
import { readFileLimited, readStreamLimited } from '../lib/files.js';
import { failedDecode, rawInput, verifyInput } from '../lib/formats/index.js';
import { resolvePath, useColour, type CliIo } from '../lib/io.js';
import { describeFsError } from '../lib/records/read.js';
import { formatInputReport, inputReportJson, makeStyle, type InputReport } from '../lib/report.js';
import { loadTrust } from '../lib/trust.js';

/** Credentials and QR payloads are small; anything larger is refused before parsing. */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

export const verifySpec = defineCommand({
  name: 'verify',
  summary: 'Verify credentials: signature, trust in the signing key, validity period and schema.',
  usage: 'verify [--trust FILE]... [--now ISO-8601] [--json] INPUT...',
  flags: {
    trust: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description: 'trusted keys: trust list, trust-list entry, JWKS, X.509 cert, DID document, key file; ID=FILE binds a key to ID',
    },
    now: { type: 'string', valueName: 'ISO-8601', description: 'verify as of this instant instead of the current time' },
    json: { type: 'boolean', description: 'print one JSON object per input, one per line' },
  },
  positionals: { min: 1, max: Number.POSITIVE_INFINITY, name: 'INPUT' },
  details: `INPUT is a file, or - for standard input.
A DIVOC key configuration (publicKeyBase58 JSON) or a PEM public key given to --trust is trusted as did:india,
the verificationMethod DIVOC certificates name; --trust did:india=FILE says so explicitly. --trust did:key:z…
trusts a did:key directly.

Exit status: 0 every input valid, 1 some input invalid, 2 usage error or unreadable input.`,
});

export async function runVerify(argv: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals, help } = parseArgs(argv, verifySpec);
  if (help) {
    io.stdout.write(formatHelp(verifySpec));
    return 0;
  }
  const now = flags.now === undefined ? undefined : parseInstant(flags.now);
  if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('standard input (-) can be read only once', verifySpec.name);
  const { store } = await loadTrust(io, flags.trust);

  const style = makeStyle(!flags.json && useColour(io, io.stdout));
  let exit = 0;
  for (const name of positionals) {
    let report: InputReport;
    let unreadable = false;
    try {
      const read = name === '-' ? await readStreamLimited(io.stdin, MAX_INPUT_BYTES) : await readFileLimited(resolvePath(io, name), MAX_INPUT_BYTES);
      report = read.tooLarge
        ? failedDecode(name, 'ERR_INPUT_TOO_LARGE', `larger than ${MAX_INPUT_BYTES} bytes`)
        : await verifyInput(rawInput(name, read.bytes), { trustStore: store, now });
    } catch (error) {
      unreadable = true;
      report = failedDecode(name, 'ERR_INPUT_UNREADABLE', `cannot read ${name}: ${describeFsError(error)}`);
    }
    if (flags.json) io.stdout.write(`${inputReportJson(report)}\n`);
    else io.stdout.write(formatInputReport(report, style));
    if (unreadable) {
      if (!flags.json) io.stderr.write(`divoc verify: cannot read ${name}\n`);
      exit = 2;
    } else if (!report.valid && exit === 0) exit = 1;
  }
  return exit;
}

/**
 * Strict ISO 8601: a date (`2021-08-27`, midnight UTC) or date-time with optional fraction and zone
 * (`2021-08-27T10:57:57Z`, `…+05:30`, `…+0530`). A date-time without zone is taken as UTC, never local time,
 * so results do not depend on the machine's time zone.
 */
export function parseInstant(value: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  let date = new Date(Number.NaN);
  if (m) {
    const [, day, time, zone] = m;
    const fixedZone = zone === undefined ? 'Z' : zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
    // JS Date keeps milliseconds only; trim longer fractions.
    const fixedTime = time?.replace(/(\.\d{3})\d+$/, '$1');
    date = new Date(fixedTime === undefined ? `${day}T00:00:00Z` : `${day}T${fixedTime}${fixedZone}`);
    // Reject calendar overflow such as 2021-02-30 (Date would roll it into March).
    if (!Number.isNaN(date.getTime()) && zone === undefined && date.toISOString().slice(0, 10) !== day) date = new Date(Number.NaN);
  }
  if (Number.isNaN(date.getTime())) throw new UsageError(`--now: ${JSON.stringify(value)} is not an ISO 8601 date or date-time`, verifySpec.name);
  return date;
}
