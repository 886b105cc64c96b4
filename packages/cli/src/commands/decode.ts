import { decodedToFhir, FORMATS } from '@divoc/formats';
import { defineCommand, formatHelp, parseArgs } from '../lib/args.js';
import { describeError, errorCode, UsageError } from '../lib/errors.js';
import { decodeInput } from '../lib/formats/index.js';
import { readInputs } from '../lib/inputs.js';
import type { CliIo } from '../lib/io.js';

export const decodeSpec = defineCommand({
  name: 'decode',
  summary:
    'Print what a credential or QR holds, as JSON, WITHOUT verifying it (for support staff: never trust the output).',
  usage: 'decode [--json] [--fhir] INPUT...',
  flags: {
    json: { type: 'boolean', description: 'one JSON object per input, one per line (default: pretty-printed)' },
    fhir: {
      type: 'boolean',
      description: 'print each credential as a FHIR R4 document Bundle (WHO DDCC mapping, docs/fhir.md)',
    },
  },
  positionals: { min: 1, max: Number.POSITIVE_INFINITY, name: 'INPUT' },
  details: `INPUT is a file or - (stdin), in any format 'divoc verify' reads, QR images included; SMART Health Card
chunks given as several INPUTs are decoded together. Per input:
  { "input", "format", "payload", "header"? }                      decoded (header: key id, algorithm, times…)
  { "input", "format": "unknown", "detected"?, "error": { "code", "message" } }  not decodable ("detected"
                                     names the format when it was recognised but is broken)
With --fhir, a decoded input prints its FHIR R4 document Bundle instead (Composition, Patient, Organization and an
Immunization, Observation or Condition, mapped through the WHO DDCC core data set; the same input always gives the
same bundle); an input that does not decode, or whose data the mapping cannot read, prints the error object above
("detected" names its format, code ERR_DDCC_CREDENTIAL_INVALID or ERR_FHIR_UNSUPPORTED).
Nothing is checked: signatures, keys and dates are NOT verified. Use 'divoc verify' for that.

Exit status: 0 every input decoded, 1 some input did not decode, 2 usage error or unreadable input.`,
});

/** JSON of a decoded value: bytes as base64, dates as ISO 8601. */
function toJson(value: unknown, pretty: boolean): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v),
    pretty ? 2 : undefined,
  );
}

export async function runDecode(argv: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals, help } = parseArgs(argv, decodeSpec);
  if (help) {
    io.stdout.write(formatHelp(decodeSpec));
    return 0;
  }
  if (positionals.filter((p) => p === '-').length > 1)
    throw new UsageError('standard input (-) can be read only once', decodeSpec.name);
  let exit = 0;
  for (const unit of await readInputs(io, positionals)) {
    let out: Record<string, unknown>;
    if (unit.kind === 'failed') {
      out = { input: unit.name, format: 'unknown', error: { code: unit.code, message: unit.message } };
      if (unit.unreadable) {
        io.stderr.write(`divoc decode: cannot read ${unit.name}\n`);
        exit = 2;
      } else if (exit === 0) exit = 1;
    } else {
      const report = await decodeInput(unit.input);
      if (report.ok && flags.fhir) {
        try {
          out = (await decodedToFhir(FORMATS.get(report.format), report.payload)) as unknown as Record<string, unknown>;
        } catch (error) {
          out = {
            input: report.input,
            format: 'unknown',
            detected: report.format,
            error: { code: errorCode(error) ?? 'ERR_FHIR_UNSUPPORTED', message: describeError(error) },
          };
          if (exit === 0) exit = 1;
        }
      } else if (report.ok) {
        out = {
          input: report.input,
          format: report.format,
          payload: report.payload,
          ...(report.header !== undefined ? { header: report.header } : {}),
        };
      } else {
        // The contract says `unknown` on failure; `detected` tells which format it looked like.
        out = {
          input: report.input,
          format: 'unknown',
          ...(report.format !== 'unknown' ? { detected: report.format } : {}),
          error: report.error,
        };
        if (exit === 0) exit = 1;
      }
    }
    io.stdout.write(`${toJson(out, !flags.json)}\n`);
  }
  return exit;
}
