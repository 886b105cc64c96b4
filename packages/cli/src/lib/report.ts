import {
  toJsonReport,
  type Check,
  type CredentialSummary,
  type VerificationResult,
  type VerificationWarning,
} from '@divoc/verifier';

/**
 * The verification outcome of one INPUT, as printed by `divoc verify` (one JSON line each with --json): the shape of
 * `@divoc/verifier`'s `toJsonReport`, named by the input.
 */
export interface InputReport {
  input: string;
  /** Detected format (`w3c-vc`), or `unknown` when nothing recognised the input. */
  format: string;
  valid: boolean;
  issuer: string | null;
  suite?: string;
  verificationMethod?: string;
  checks: Check[];
  /** The issuer the credential names, bound to its key or not (`issuer` is the one the trust vouches for). */
  claimedIssuer?: string;
  /** `WARN_…` notes to show next to a valid result: an unbound issuer claim, fields the signature does not bind. */
  warnings?: VerificationWarning[];
  /** Display name of the issuer, when the trust material gave one. */
  issuerName?: string;
  /** Who and what: name, date of birth, vaccine / test, dose, date… (absent when the input did not decode). */
  summary?: CredentialSummary;
  /** Envelope facts: DIVOC QR variant, image kind, DCC issue / expiry times… */
  details?: Record<string, unknown>;
}

/**
 * A verifier result as the CLI reports it. The CLI's contract says an input no format recognises fails `decode`
 * with `ERR_INPUT_UNRECOGNIZED`; the verifier says `ERR_INPUT_INVALID` for empty or broken-JSON input, which is the
 * same thing from the command line's point of view (its message says which).
 */
export function reportOf(result: VerificationResult, input: string): InputReport {
  const checks =
    result.format === 'unknown'
      ? result.checks.map((c) => (c.code === 'ERR_INPUT_INVALID' ? { ...c, code: 'ERR_INPUT_UNRECOGNIZED' } : c))
      : result.checks;
  const report = toJsonReport({ ...result, checks }, input) as unknown as InputReport;
  // A result with nothing decoded has nothing to summarise.
  if (result.format === 'unknown' || result.credential === undefined) delete report.summary;
  return report;
}

/** An input that never reached the verifier (unreadable, too large, not a readable image). */
export function failedDecode(input: string, code: string, message: string): InputReport {
  return {
    input,
    format: 'unknown',
    valid: false,
    issuer: null,
    checks: [{ name: 'decode', ok: false, code, message }],
  };
}

export interface Style {
  ok: string;
  fail: string;
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
}

export function makeStyle(colour: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (colour ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  const green = wrap(32, 39);
  const red = wrap(31, 39);
  return { ok: green('✔'), fail: red('✘'), bold: wrap(1, 22), dim: wrap(2, 22), green, red };
}

/**
 * Text from a credential, shown on a terminal: control characters (escape sequences could rewrite the screen, e.g.
 * print a fake VALID) become U+FFFD.
 */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

export function formatCheck(check: Check, style: Style): string {
  const mark = check.ok ? style.ok : style.fail;
  // A passing check with a code is a warning (revocation not checked): shown in full, not dimmed.
  const detail =
    check.ok && check.code === undefined
      ? check.message
        ? style.dim(` ${printable(check.message)}`)
        : ''
      : ` ${printable([check.code, check.message].filter(Boolean).join(': '))}`;
  return `${mark} ${check.name}${detail}`;
}

/** The person and the event, as label/value lines (name, date of birth, vaccine or test, dose, date…). */
export function summaryLines(summary: CredentialSummary): [string, string][] {
  const lines: [string, string | undefined][] = [
    ['name', summary.name],
    ['born', summary.dateOfBirth],
    ['gender', summary.gender],
  ];
  if (summary.event === 'vaccination') {
    const vaccine = [
      summary.vaccine,
      summary.vaccineCode !== undefined && summary.vaccineCode !== summary.vaccine
        ? `(${summary.vaccineCode})`
        : undefined,
    ]
      .filter(Boolean)
      .join(' ');
    lines.push(['vaccine', vaccine || undefined], ['maker', summary.manufacturer]);
    if (summary.dose !== undefined)
      lines.push([
        'dose',
        summary.totalDoses !== undefined ? `${summary.dose} of ${summary.totalDoses}` : String(summary.dose),
      ]);
    lines.push(['date', summary.date]);
  } else if (summary.event === 'test') {
    lines.push(['test', summary.testType], ['result', summary.testResult], ['sampled', summary.date]);
  } else if (summary.event === 'recovery') {
    lines.push(['recovery', summary.date !== undefined ? `first positive test ${summary.date}` : 'yes']);
  }
  lines.push(['country', summary.country], ['cert id', summary.certificateId]);
  return lines.filter((l): l is [string, string] => l[1] !== undefined && l[1] !== '');
}

export function formatInputReport(report: InputReport, style: Style): string {
  const verdict = report.valid ? style.green(style.bold('VALID')) : style.red(style.bold('INVALID'));
  const lines = [`${verdict}  ${printable(report.input)}`];
  const issuer =
    report.issuer === null
      ? undefined
      : report.issuerName !== undefined
        ? `${report.issuer} (${report.issuerName})`
        : report.issuer;
  const facts: [string, string | undefined][] = [
    ['format', report.format],
    ['issuer', issuer],
    [
      'claimed',
      report.claimedIssuer !== undefined && report.claimedIssuer !== report.issuer
        ? `${report.claimedIssuer} (not bound to the signing key)`
        : undefined,
    ],
    ['suite', report.suite],
    ['key', report.verificationMethod],
    ...(report.summary ? summaryLines(report.summary) : []),
  ];
  for (const [k, v] of facts) if (v !== undefined) lines.push(`  ${style.dim(`${k}:`.padEnd(10))}${printable(v)}`);
  for (const check of report.checks) lines.push(`  ${formatCheck(check, style)}`);
  for (const warning of report.warnings ?? []) lines.push(`  ! ${printable(`${warning.code}: ${warning.message}`)}`);
  return `${lines.join('\n')}\n`;
}

/** JSON line for --json: the report's own key order (`toJsonReport`'s), optional keys only when known. */
export function inputReportJson(report: InputReport): string {
  return JSON.stringify(report);
}

export function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`;
}
