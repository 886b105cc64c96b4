import type { Check } from '@divoc/vc';

/** The verification outcome of one INPUT, as printed by `divoc verify` (one JSON line each with --json). */
export interface InputReport {
  input: string;
  /** Detected format (`w3c-vc`), or `unknown` when nothing recognised the input. */
  format: string;
  valid: boolean;
  issuer: string | null;
  verificationMethod?: string;
  suite?: string;
  checks: Check[];
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

export function formatCheck(check: Check, style: Style): string {
  const mark = check.ok ? style.ok : style.fail;
  const detail = check.ok ? (check.message ? style.dim(` ${check.message}`) : '') : ` ${[check.code, check.message].filter(Boolean).join(': ')}`;
  return `${mark} ${check.name}${detail}`;
}

export function formatInputReport(report: InputReport, style: Style): string {
  const verdict = report.valid ? style.green(style.bold('VALID')) : style.red(style.bold('INVALID'));
  const lines = [`${verdict}  ${report.input}`];
  const facts: [string, string | undefined][] = [
    ['format', report.format],
    ['issuer', report.issuer ?? undefined],
    ['suite', report.suite],
    ['key', report.verificationMethod],
  ];
  for (const [k, v] of facts) if (v !== undefined) lines.push(`  ${style.dim(`${k}:`.padEnd(8))}${v}`);
  for (const check of report.checks) lines.push(`  ${formatCheck(check, style)}`);
  return `${lines.join('\n')}\n`;
}

/** JSON line for --json: stable key order, optional keys only when known. */
export function inputReportJson(report: InputReport): string {
  const out: Record<string, unknown> = {
    input: report.input,
    format: report.format,
    valid: report.valid,
    issuer: report.issuer,
  };
  if (report.suite !== undefined) out.suite = report.suite;
  if (report.verificationMethod !== undefined) out.verificationMethod = report.verificationMethod;
  out.checks = report.checks.map((c) => {
    const check: Record<string, unknown> = { name: c.name, ok: c.ok };
    if (c.code !== undefined) check.code = c.code;
    if (c.message !== undefined) check.message = c.message;
    return check;
  });
  return JSON.stringify(out);
}

export function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`;
}
