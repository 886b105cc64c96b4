import { defineCommand, formatHelp, parseArgs } from '../lib/args.js';
import { UsageError } from '../lib/errors.js';
import { failedDecode, verifyInput } from '../lib/formats/index.js';
import { MAX_INPUT_BYTES, readInputs } from '../lib/inputs.js';
import { useColour, type CliIo } from '../lib/io.js';
import { formatInputReport, inputReportJson, makeStyle, type InputReport } from '../lib/report.js';
import { loadTrust } from '../lib/trust.js';

export { MAX_INPUT_BYTES };

export const verifySpec = defineCommand({
  name: 'verify',
  summary: 'Verify credentials in any supported format: signature, trust in the signing key, validity period, key usage and schema.',
  usage: 'verify [--trust FILE]... [--now ISO-8601] [--allow-expired-keys] [--json] INPUT...',
  flags: {
    trust: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description:
        'trusted keys: trust list, trust-list entry, JWKS, X.509 cert (DSC, CSCA; PEM, DER or base64), EU DCC signer list, DID document, key file, SHC issuer folder; ID=FILE binds a key (or a JWKS) to ID',
    },
    now: { type: 'string', valueName: 'ISO-8601', description: 'verify as of this instant instead of the current time' },
    'allow-expired-keys': {
      type: 'boolean',
      description: 'accept a credential whose signing key or signer certificate has expired since it was signed (DCC, SHC)',
    },
    json: { type: 'boolean', description: 'print one JSON object per input, one per line' },
  },
  positionals: { min: 1, max: Number.POSITIVE_INFINITY, name: 'INPUT' },
  details: `INPUT is a file, or - for standard input. Formats are detected from the content:
  w3c-vc      W3C VC JSON (DIVOC certificates included)
  divoc-qr    DIVOC QR text (ZIP binary string, B64:)
  vc-compact  compact W3C VC QR text (DIVOC1:)
  dcc         EU Digital COVID Certificate (HC1: text)
  shc         SMART Health Card (shc:/ text, chunks as several INPUTs or one per line, JWS, .smart-health-card)
  vdsnc       ICAO VDS-NC seal JSON
and QR images (PNG, JPEG, SVG) holding any of the QR texts.

A DIVOC key configuration (publicKeyBase58 JSON) or a PEM public key given to --trust is trusted as did:india,
the verificationMethod DIVOC certificates name; --trust did:india=FILE says so explicitly. --trust did:key:z…
trusts a did:key directly. --trust https://issuer=jwks.json binds a JWKS to a SMART Health Card issuer; a
folder holding jwks.json (and crl/<kid>.json revocation lists), or its .well-known/, is read the same way.
A DCC needs the signer certificate (DSC) or an EU signer list [{ "kid", "rawData" }]; a VDS-NC seal needs the CSCA.
--allow-expired-keys does not apply to W3C VCs, DIVOC QR, compact VCs and VDS-NC seals (their verifiers have no
such policy).

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
  const { store, shcRevocationLists } = await loadTrust(io, flags.trust);
  const ctx = { trustStore: store, now, allowExpiredKeys: flags['allow-expired-keys'], shcRevocationLists };

  const style = makeStyle(!flags.json && useColour(io, io.stdout));
  let exit = 0;
  for (const unit of await readInputs(io, positionals)) {
    const report: InputReport = unit.kind === 'failed' ? failedDecode(unit.name, unit.code, unit.message) : await verifyInput(unit.input, ctx);
    const unreadable = unit.kind === 'failed' && unit.unreadable;
    if (flags.json) io.stdout.write(`${inputReportJson(report)}\n`);
    else io.stdout.write(formatInputReport(report, style));
    if (unreadable) {
      if (!flags.json) io.stderr.write(`divoc verify: cannot read ${report.input}\n`);
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
