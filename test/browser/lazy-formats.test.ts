/**
 * The browser verifier downloads a format's code when it meets a credential of that format: `verify` + `Trust` from
 * @divoc/verifier's packaged build (dist/, as an app installs it), bundled with code splitting, served on loopback and
 * run in headless Chromium, one fresh browser context per published vector (benchmarks/bundle-formats.mjs, which also
 * measures the download sizes for `pnpm bench`). Needs `pnpm build` (pnpm test runs it first).
 */
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script of the benchmarks, without type declarations.
import { formatCases, verifyInChromium } from '../../benchmarks/bundle-formats.mjs';

interface Case {
  format: string;
  label?: string;
}
interface Outcome {
  case: Case;
  format: string;
  valid: boolean;
  checks: string[];
  files: { path: string; bytes: Uint8Array }[];
}

const run = verifyInChromium as (cases: Case[], options?: { withTrust?: boolean }) => Promise<Outcome[]>;
const label = (c: Case) => c.label ?? c.format;
/** A message only the DCC verifier's code holds (packages/dcc/src/hc1/verify.ts). */
const DCC_VERIFIER_TEXT = 'the message names no kid; cannot choose a signer certificate';

let trusted: Outcome[];
let untrusted: Outcome[];

beforeAll(async () => {
  const cases = (await (formatCases as () => Promise<Case[]>)()) as Case[];
  trusted = await run(cases);
  untrusted = await run(cases, { withTrust: false });
}, 120_000);

describe('verify in Chromium loads each format on first use', () => {
  it('covers every format of the SDK, and a QR image', () => {
    expect(new Set(trusted.map((r) => r.case.format))).toEqual(
      // icvp is a DVC profile: the same code as dvc.
      new Set(['w3c-vc', 'divoc-qr', 'vc-compact', 'pixelpass', 'sd-jwt-vc', 'dcc', 'dvc', 'shc', 'vdsnc']),
    );
    expect(trusted.some((r) => label(r.case).includes('image'))).toBe(true);
  });

  it('each published vector is VALID with its trust material (a PEM and a base64 DER read in the browser too)', () => {
    for (const r of trusted) {
      expect(r.format, label(r.case)).toBe(r.case.format);
      expect(r.valid, `${label(r.case)}: ${r.checks.join(' ')}`).toBe(true);
    }
  });

  it('without trust material none is VALID: decoded by its lazily loaded code, then refused for trust', () => {
    for (const r of untrusted) {
      expect(r.format, label(r.case)).toBe(r.case.format);
      expect(r.valid, label(r.case)).toBe(false);
      expect(r.checks, label(r.case)).toContain('decode:ok');
      expect(
        r.checks.some((c) => c.startsWith('trust:') || c.startsWith('signature:ERR_')),
        label(r.case),
      ).toBe(true);
    }
  });

  it("a page that verifies a W3C VC fetches none of the DCC code, and one that verifies a DCC none of the VC's", () => {
    const files = (name: string) => new Set(trusted.find((r) => label(r.case) === name)!.files.map((f) => f.path));
    const vc = files('w3c-vc');
    const dcc = files('dcc');
    const dccOnly = [...dcc].filter((f) => !vc.has(f));
    const vcOnly = [...vc].filter((f) => !dcc.has(f));
    // Both load a common first part, and each its own chunks.
    expect([...vc].filter((f) => dcc.has(f)).length).toBeGreaterThan(0);
    expect(dccOnly.length).toBeGreaterThan(0);
    expect(vcOnly.length).toBeGreaterThan(0);
    // The DCC-only chunks hold the DCC verifier (a message of its signature check), which the VC page never fetched.
    const text = (path: string) =>
      new TextDecoder().decode(trusted.flatMap((r) => r.files).find((f) => f.path === path)!.bytes);
    expect(dccOnly.some((f) => text(f).includes(DCC_VERIFIER_TEXT))).toBe(true);
    expect([...vc].some((f) => text(f).includes(DCC_VERIFIER_TEXT))).toBe(false);
  });
});
