import { describe, expect, it } from 'vitest';
import { DEMO_STEPS, runDemo, type DemoStep } from '../src/commands/demo.js';
import { run } from './helpers.js';

describe('divoc demo', () => {
  it('issues every format, verifies each, rejects every tampered copy, exit 0, offline', async () => {
    const r = await run(['demo']);
    expect(new Set(DEMO_STEPS.map((s) => s.format))).toEqual(
      new Set(['w3c-vc', 'divoc-qr', 'vc-compact', 'pixelpass', 'sd-jwt-vc', 'dcc', 'dvc', 'shc', 'vdsnc']),
    );
    expect(DEMO_STEPS.some((s) => /QR image round trip/.test(s.title))).toBe(true);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const step of DEMO_STEPS) expect(r.stdout).toContain(step.title);
    for (const suite of [
      'eddsa-rdfc-2022',
      'Ed25519Signature2020',
      'ecdsa-rdfc-2019',
      'RsaSignature2018',
      'Ed25519Signature2018',
    ]) {
      expect(r.stdout).toContain(suite);
    }
    expect(r.stdout).toContain('test certificate');
    expect(r.stdout).toMatch(/issued .*\d+(\.\d)? (B|KiB)/);
    expect(r.stdout.match(/rejected, as it must be/g)?.length).toBe(DEMO_STEPS.length);
    expect(r.stdout).toContain('All genuine credentials verified');
    expect(r.stdout).not.toMatch(/\u001b\[/); // no colour when not a TTY
    expect(r.stdout).not.toContain('PRIVATE');
  });

  it('exits 1 when a step fails or a tampered copy passes', async () => {
    const io = {
      stdout: { write: () => true },
      stderr: { write: () => true },
      stdin: process.stdin,
      cwd: process.cwd(),
      env: {},
    };
    const broken: DemoStep = { title: 'broken', format: 'x', run: () => Promise.reject(new Error('boom')) };
    const lenient: DemoStep = {
      title: 'lenient',
      format: 'x',
      run: async () => ({
        issued: 'x',
        size: 1,
        genuine: { valid: true, checks: [{ name: 'signature', ok: true }] },
        tampered: { valid: true, change: 'nothing', checks: [{ name: 'signature', ok: true }] },
      }),
    };
    expect(await runDemo([], io, [broken])).toBe(1);
    expect(await runDemo([], io, [lenient])).toBe(1);
  });

  it('takes no arguments', async () => {
    expect((await run(['demo', 'extra'])).code).toBe(2);
    expect((await run(['demo', '--out', 'x'])).code).toBe(2);
    expect((await run(['demo', '--help'])).code).toBe(0);
  });
});
