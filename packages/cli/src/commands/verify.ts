import { DEFAULT_LIMITS, verify, type VerificationResult, type VerifyInput } from '@divoc/verifier';
import { defineCommand, formatHelp, parseArgs } from '../lib/args.js';
import { UsageError } from '../lib/errors.js';
import type { RawInput } from '../lib/formats/index.js';
import { MAX_INPUT_BYTES, readInputs } from '../lib/inputs.js';
import { useColour, type CliIo } from '../lib/io.js';
import {
  failedDecode,
  formatInputReport,
  inputReportJson,
  makeStyle,
  reportOf,
  type InputReport,
} from '../lib/report.js';
import { loadRevocation } from '../lib/revocation.js';
import { loadTrust } from '../lib/trust.js';

export { MAX_INPUT_BYTES };

export const verifySpec = defineCommand({
  name: 'verify',
  summary:
    'Verify credentials in any supported format: signature, trust in the signing key, validity period, ' +
    'key usage, schema and revocation.',
  usage:
    'verify [--trust [ISSUER=]FILE]... [--dcc-trust-anchor FILE] [--status FILE]... [--require-status] ' +
    '[--now ISO-8601] [--allow-expired-keys] [--json] INPUT...',
  flags: {
    trust: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description:
        'trusted keys: trust list, trust-list entry, JWKS, X.509 cert (DSC, CSCA; PEM, DER or base64), ' +
        'EU DCC signer list, DID document, key file, SHC issuer folder; ISSUER=FILE binds the keys in ' +
        'FILE to ISSUER (below)',
    },
    'dcc-trust-anchor': {
      type: 'string',
      valueName: 'FILE',
      description:
        'the EU DCC Gateway trust anchor certificate (PEM or DER): EU DCC trust lists given with --trust ' +
        'must then carry valid gateway signatures (below)',
    },
    status: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description:
        'revocation data, never fetched: a signed BitstringStatusListCredential (divoc status publish), ' +
        'a DIVOC revocation list, an SHC revocation list or a DCC revocation list (or a JSON array of them), ' +
        'or an IETF Token Status List token (statuslist+jwt, for SD-JWT VCs)',
    },
    'require-status': {
      type: 'boolean',
      description:
        'a credential no --status data covers is INVALID (ERR_STATUS_LIST_MISSING) ' +
        'instead of VALID with its revocation "not checked"',
    },
    now: {
      type: 'string',
      valueName: 'ISO-8601',
      description: 'verify as of this instant instead of the current time',
    },
    'allow-expired-keys': {
      type: 'boolean',
      description:
        'historical checks: accept a credential whose signing key or signer certificate is outside its validity window',
    },
    json: { type: 'boolean', description: 'print one JSON object per input, one per line' },
  },
  positionals: { min: 1, max: Number.POSITIVE_INFINITY, name: 'INPUT' },
  details: `INPUT is a file, or - for standard input. Formats are detected from the content:
  w3c-vc      W3C VC JSON (DIVOC certificates included)
  divoc-qr    DIVOC QR text (ZIP binary string, B64:)
  vc-compact  compact W3C VC QR text (DIVOC1:)
  pixelpass   PixelPass QR data (MOSIP Inji: Base45 of zlib-compressed CBOR or JSON text)
  dcc         EU Digital COVID Certificate (HC1: text)
  shc         SMART Health Card (shc:/ text, chunks as several INPUTs or one per line, JWS, .smart-health-card)
  vdsnc       ICAO VDS-NC seal JSON
and QR images (PNG, JPEG, SVG) holding any of the QR texts. Verification is @divoc/verifier's.

A DIVOC key configuration (publicKeyBase58 JSON) or a PEM public key given to --trust is trusted as did:india,
the verificationMethod DIVOC certificates name. --trust did:key:z… trusts a did:key directly. A DCC needs the
signer certificate (DSC) or an EU signer list [{ "kid", "rawData" }]; a VDS-NC seal needs the CSCA or the signer
certificate itself. A PEM file of several certificates trusts every one (CA certificates as CSCAs, others as
signers). An EU DCC trust list (the gateway's /trustList or a national mirror) is checked entry by entry: the
listed kid, thumbprint and country must be the certificate's; CSCA, UPLOAD and AUTHENTICATION entries are never
signers; a document signer issued by another country's CSCA is refused. With --dcc-trust-anchor, every entry's
CMS signature must verify (trust anchor for CSCA and UPLOAD entries, the country's UPLOAD certificate for its
document signers) and every document signer must chain to a CSCA of its country. One bad entry refuses the list.

Who issued it: the issuer a result names comes from the trust, never from the credential alone. Each key is
trusted for some issuers: its trust-list entry's "issuer" (a string or an array) and "controller", the country C=
of its certificate (a DSC's, or a VDS-NC signer's CSCA's), a signer list entry's "country", a DID document's id,
a did:key itself; failing those, its own id without the #fragment. ISSUER=FILE adds ISSUER for every key in FILE
(JWKS, PEM certificate or key, DIVOC key or configuration, trust list, key file, SHC issuer folder):
  --trust https://cowin.gov.in/=india-divoc-key.json   DIVOC certificates whose issuer is https://cowin.gov.in/
  --trust https://spec.smarthealth.cards/examples/issuer=jwks.json   SMART Health Cards of that iss
  --trust did:web:moh.gov.lk#key-1=lk.pem              the key named did:web:moh.gov.lk#key-1, for did:web:moh.gov.lk
A credential naming an issuer of a kind its key is trusted for (a country, an https URL, a DID) must name one of
them, else it is INVALID with ERR_TRUST_ISSUER_MISMATCH. A claim of another kind (a DIVOC key known only as
did:india signing for https://cowin.gov.in/) is VALID, shown under the trust's name with WARN_TRUST_ISSUER_UNBOUND.
See docs/trust.md.

--status adds a revocation check: a credential with a credentialStatus entry is looked up in the status list
credential it names (which must be given, be signed by a trusted key of the same issuer and be within its
validity period); DIVOC certificates by certificate id in DIVOC lists; SMART Health Cards by rid in the list for
their kid; DCCs by UCI / signature hash in the list for their kid. Revoked: ERR_STATUS_REVOKED, suspended:
ERR_STATUS_SUSPENDED. A --status file that is none of these is exit 2. A credential that carries a credentialStatus
(or an SHC key with a revocation list) and no --status data for it shows "revocation WARN_REVOCATION_NOT_CHECKED";
--require-status makes that, and any credential no data covers, INVALID.

Exit status: 0 every input valid, 1 some input invalid, 2 usage error, unreadable input or bad --trust/--status file.`,
});

/**
 * What the verifier gets for an input: the chunk texts of an SHC card, the bytes of a file, or the text already
 * read from a QR image (reading an image twice would double the slowest step). A JSON text from an image goes as
 * the image itself: the verifier reads JSON in a QR code as DIVOC's plain-JSON QR, not as a W3C VC file.
 */
function verifierInput(input: RawInput): VerifyInput {
  if (input.chunks) return [...input.chunks];
  if (input.image !== undefined && input.text !== undefined) {
    return input.text.trimStart().startsWith('{') && input.imageBytes ? input.imageBytes : input.text;
  }
  return input.bytes;
}

/** Where the text came from, when the CLI read the image itself. */
function withImageDetails(result: VerificationResult, input: RawInput): VerificationResult {
  const image = input.image as 'png' | 'jpeg' | 'svg' | undefined;
  if (image === undefined || result.details?.image !== undefined) return result;
  return { ...result, details: { ...result.details, image, qrCodes: input.chunks?.length ?? 1 } };
}

export async function runVerify(argv: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals, help } = parseArgs(argv, verifySpec);
  if (help) {
    io.stdout.write(formatHelp(verifySpec));
    return 0;
  }
  const now = flags.now === undefined ? undefined : parseInstant(flags.now);
  if (positionals.filter((p) => p === '-').length > 1)
    throw new UsageError('standard input (-) can be read only once', verifySpec.name);
  const dccTrustAnchor = flags['dcc-trust-anchor'];
  const { trust } = await loadTrust(io, flags.trust, undefined, dccTrustAnchor !== undefined ? { dccTrustAnchor } : {});
  const { revocation } = await loadRevocation(io, flags.status);
  const options = {
    trust,
    ...(now ? { now } : {}),
    revocation,
    policy: { acceptExpiredKeys: flags['allow-expired-keys'], requireRevocationData: flags['require-status'] },
    // The library's own limits (DEFAULT_LIMITS): the CLI reads at most maxBytes of a file, and refuses what
    // verify() would.
    limits: DEFAULT_LIMITS,
  };

  const style = makeStyle(!flags.json && useColour(io, io.stdout));
  let exit = 0;
  for (const unit of await readInputs(io, positionals)) {
    const report: InputReport =
      unit.kind === 'failed'
        ? failedDecode(unit.name, unit.code, unit.message)
        : reportOf(withImageDetails(await verify(verifierInput(unit.input), options), unit.input), unit.input.name);
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
    const fixedZone =
      zone === undefined
        ? 'Z'
        : zone === 'Z'
          ? 'Z'
          : zone.includes(':')
            ? zone
            : `${zone.slice(0, 3)}:${zone.slice(3)}`;
    // JS Date keeps milliseconds only; trim longer fractions.
    const fixedTime = time?.replace(/(\.\d{3})\d+$/, '$1');
    date = new Date(fixedTime === undefined ? `${day}T00:00:00Z` : `${day}T${fixedTime}${fixedZone}`);
    // Reject calendar overflow such as 2021-02-30 (Date would roll it into March).
    if (!Number.isNaN(date.getTime()) && zone === undefined && date.toISOString().slice(0, 10) !== day)
      date = new Date(Number.NaN);
  }
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`--now: ${JSON.stringify(value)} is not an ISO 8601 date or date-time`, verifySpec.name);
  return date;
}
