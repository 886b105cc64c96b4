import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../src/commands/verify.js';
import { DIVOC_ED25519_KEY, DIVOC_RSA_PUBLIC, ndjson, run, vectorPath, withTempDir } from './helpers.js';

const signed = (name: string) => vectorPath(`divoc/signed/${name}`);
const ED25519_VALID = signed('ed25519-2018-divocdev-valid.json');
const RSA_VALID = [signed('rsa2018-divocdev-valid.json'), signed('rsa2018-cowinctx-valid.json')];
const RSA_TAMPERED = signed('rsa2018-tampered-invalid.json');

describe('divoc verify: DIVOC signed vectors', () => {
  it("verifies the Ed25519Signature2018 certificate against DIVOC's Ed25519 key config (did:india)", async () => {
    const r = await run(['verify', '--trust', DIVOC_ED25519_KEY, '--json', ED25519_VALID]);
    const [line] = ndjson(r.stdout);
    // Known only as did:india, the key does not vouch for the certificate's own issuer URL: VALID, shown as did:india.
    expect(line, r.stdout + r.stderr).toMatchObject({
      input: ED25519_VALID,
      format: 'w3c-vc',
      valid: true,
      issuer: 'did:india',
      claimedIssuer: 'https://divoc.dev/',
    });
    expect(line?.warnings).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'WARN_TRUST_ISSUER_UNBOUND' })]),
    );
    expect(r.code).toBe(0);
    const human = await run(['verify', '--trust', DIVOC_ED25519_KEY, ED25519_VALID]);
    expect(human.stdout).toMatch(/claimed:\s+https:\/\/divoc\.dev\/ \(not bound to the signing key\)/);
    expect(human.stdout).toContain('! WARN_TRUST_ISSUER_UNBOUND');
  });

  it("verifies the RsaSignature2018 certificates against DIVOC's RSA public key PEM", async () => {
    const r = await run(['verify', '--trust', DIVOC_RSA_PUBLIC, '--json', ...RSA_VALID]);
    const lines = ndjson(r.stdout);
    expect(
      lines.map((l) => l.valid),
      r.stdout,
    ).toEqual([true, true]);
    expect(r.code).toBe(0);
  });

  it('accepts --trust did:india=FILE and several trust sources at once (human output)', async () => {
    const r = await run([
      'verify',
      '--trust',
      `did:india=${DIVOC_RSA_PUBLIC}`,
      '--trust',
      DIVOC_ED25519_KEY,
      ED25519_VALID,
      ...RSA_VALID,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.match(/^VALID/gm)?.length).toBe(3);
    expect(r.stdout).toContain('✔ signature');
  });

  it('rejects the tampered certificate with a failed signature check and its code', async () => {
    const r = await run(['verify', '--trust', DIVOC_RSA_PUBLIC, '--json', RSA_TAMPERED]);
    expect(r.code).toBe(1);
    const [line] = ndjson(r.stdout);
    expect(line).toMatchObject({ valid: false, format: 'w3c-vc' });
    const sig = (line?.checks as { name: string; ok: boolean; code?: string }[]).find((c) => c.name === 'signature');
    expect(sig).toMatchObject({ ok: false, code: 'ERR_VC_SIGNATURE_INVALID' });
  });

  it('fails trust when the signing key is not trusted', async () => {
    const r = await run(['verify', '--trust', DIVOC_ED25519_KEY, '--json', RSA_VALID[0] as string]);
    expect(r.code).toBe(1);
    const [line] = ndjson(r.stdout);
    expect(line?.valid).toBe(false);
    expect((line?.checks as { ok: boolean }[]).some((c) => !c.ok)).toBe(true);
  });

  it('exit 1 when one of several inputs is invalid, in input order', async () => {
    const r = await run(['verify', '--trust', DIVOC_RSA_PUBLIC, '--json', RSA_VALID[0] as string, RSA_TAMPERED]);
    expect(r.code).toBe(1);
    expect(ndjson(r.stdout).map((l) => [l.input, l.valid])).toEqual([
      [RSA_VALID[0], true],
      [RSA_TAMPERED, false],
    ]);
  });

  it('reads a credential from stdin (-)', async () => {
    const r = await run(['verify', '--trust', DIVOC_ED25519_KEY, '--json', '-'], {
      stdin: await readFile(ED25519_VALID),
    });
    expect(ndjson(r.stdout)[0]).toMatchObject({ input: '-', valid: true });
    expect(r.code).toBe(0);
  });
});

describe('divoc verify: bad inputs', () => {
  it('missing file: exit 2, and in --json an object with a failed decode check ERR_INPUT_UNREADABLE', async () => {
    const r = await run(['verify', '--trust', DIVOC_ED25519_KEY, '--json', 'no-such-file.json', ED25519_VALID]);
    expect(r.code).toBe(2);
    const lines = ndjson(r.stdout);
    expect(lines[0]).toEqual({
      input: 'no-such-file.json',
      format: 'unknown',
      valid: false,
      issuer: null,
      checks: [
        { name: 'decode', ok: false, code: 'ERR_INPUT_UNREADABLE', message: expect.stringContaining('no such file') },
      ],
    });
    expect(lines[1]?.valid).toBe(true);
  });

  it('unrecognised input is a failed decode check ERR_INPUT_UNRECOGNIZED (exit 1)', async () => {
    await withTempDir(async (dir) => {
      const cases = {
        'text.txt': 'hello',
        'obj.json': '{"a":1}',
        'trunc.json': '{"@context": [',
        'bin.bin': new Uint8Array([0xff, 0xfe, 0x00, 0x80]),
        'empty.json': '',
      };
      for (const [name, content] of Object.entries(cases)) await writeFile(join(dir, name), content);
      const r = await run(['verify', '--json', ...Object.keys(cases)], { cwd: dir });
      expect(r.code).toBe(1);
      for (const line of ndjson(r.stdout)) {
        expect(line).toMatchObject({
          valid: false,
          format: 'unknown',
          checks: [{ name: 'decode', ok: false, code: 'ERR_INPUT_UNRECOGNIZED' }],
        });
      }
    });
  });

  it('an oversized input is a failed decode check ERR_INPUT_TOO_LARGE (exit 1), not read whole', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'big.json'), `{"@context": "${'x'.repeat(5 * 1024 * 1024)}"}`);
      const r = await run(['verify', '--json', 'big.json'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(ndjson(r.stdout)[0]).toMatchObject({
        checks: [{ name: 'decode', ok: false, code: 'ERR_INPUT_TOO_LARGE' }],
      });
    });
  });

  it(
    "verify and decode refuse text over the library's maxTextLength (DEFAULT_LIMITS), exit 1; " +
      'the genuine input after it verifies',
    async () => {
      const { DEFAULT_LIMITS } = await import('@divoc/verifier');
      const { MAX_INPUT_BYTES } = await import('../src/commands/verify.js');
      expect(MAX_INPUT_BYTES).toBe(DEFAULT_LIMITS.maxBytes);
      await withTempDir(async (dir) => {
        // One character over the library's text limit, far under the file cap: the CLI used to take 4 MiB of text.
        await writeFile(join(dir, 'long.txt'), `HC1:${'A'.repeat(DEFAULT_LIMITS.maxTextLength - 3)}`);
        const r = await run(['verify', '--json', '--trust', DIVOC_ED25519_KEY, 'long.txt', ED25519_VALID], {
          cwd: dir,
        });
        expect(r.code).toBe(1);
        const [long, genuine] = ndjson(r.stdout);
        expect(long).toMatchObject({
          input: 'long.txt',
          checks: [{ name: 'decode', ok: false, code: 'ERR_INPUT_TOO_LARGE' }],
        });
        expect(JSON.stringify(long)).not.toContain('AAAA');
        expect(genuine).toMatchObject({ valid: true });
        const d = await run(['decode', '--json', 'long.txt', ED25519_VALID], { cwd: dir });
        expect(d.code).toBe(1);
        const [refused, decoded] = ndjson(d.stdout);
        expect(refused).toMatchObject({ input: 'long.txt', format: 'unknown', error: { code: 'ERR_INPUT_TOO_LARGE' } });
        expect(decoded).toMatchObject({ format: 'w3c-vc' });
        // Control: at the limit exactly, the text is read (and fails as the broken DCC it is, not as too large).
        await writeFile(join(dir, 'limit.txt'), `HC1:${'A'.repeat(DEFAULT_LIMITS.maxTextLength - 4)}`);
        const atLimit = await run(['verify', '--json', 'limit.txt'], { cwd: dir });
        expect(ndjson(atLimit.stdout)[0]?.checks).toEqual([expect.objectContaining({ name: 'decode', ok: false })]);
        expect((ndjson(atLimit.stdout)[0]?.checks as { code?: string }[])[0]?.code).not.toBe('ERR_INPUT_TOO_LARGE');
      });
    },
  );

  it('--now is the validation clock', async () => {
    const r = await run([
      'verify',
      '--trust',
      DIVOC_ED25519_KEY,
      '--now',
      '2022-01-01T00:00:00Z',
      '--json',
      ED25519_VALID,
    ]);
    expect(r.code).toBe(0);
    // Before its issuanceDate (2021-08-27) the certificate is not yet valid.
    const early = await run(['verify', '--trust', DIVOC_ED25519_KEY, '--now', '2021-01-01', '--json', ED25519_VALID]);
    expect(early.code).toBe(1);
    expect(
      (ndjson(early.stdout)[0]?.checks as { name: string; ok: boolean }[]).find((c) => c.name === 'validity')?.ok,
    ).toBe(false);
  });

  it('without --json, an unreadable input is reported on stdout and stderr, exit 2', async () => {
    const r = await run(['verify', 'missing.json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('INVALID');
    expect(r.stdout).toContain('ERR_INPUT_UNREADABLE');
    expect(r.stderr).toContain('cannot read missing.json');
  });

  it('usage errors exit 2', async () => {
    for (const argv of [
      ['verify'],
      ['verify', '--bogus', 'x.json'],
      ['verify', '--now', 'yesterday', 'x.json'],
      ['verify', '--now', '2021-02-30', 'x.json'],
      ['verify', '--trust'],
      ['verify', '-', '-'],
    ]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(/divoc verify: .*\nRun 'divoc verify --help'/);
    }
  });

  it('unreadable or malformed --trust files exit 2', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'bad.json'), '{"hello": "world"}');
      await writeFile(join(dir, 'garbage.pem'), '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n');
      for (const trust of ['missing.json', 'bad.json', 'garbage.pem']) {
        const r = await run(['verify', '--trust', trust, ED25519_VALID], { cwd: dir });
        expect(r.code, trust).toBe(2);
        expect(r.stdout, trust).toBe('');
      }
    });
  });

  it('--help prints usage and exits 0', async () => {
    const r = await run(['verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: divoc verify');
  });
});

describe('parseInstant', () => {
  it('accepts ISO 8601 dates and date-times, UTC when no zone', () => {
    expect(parseInstant('2021-08-27').toISOString()).toBe('2021-08-27T00:00:00.000Z');
    expect(parseInstant('2021-08-27T10:57:57Z').toISOString()).toBe('2021-08-27T10:57:57.000Z');
    expect(parseInstant('2021-08-27T10:57').toISOString()).toBe('2021-08-27T10:57:00.000Z');
    expect(parseInstant('2021-08-27T10:57:57.123456789+0530').toISOString()).toBe('2021-08-27T05:27:57.123Z');
  });
  it('rejects anything else', () => {
    for (const bad of [
      '',
      'now',
      '2021-8-27',
      '2021-02-30',
      '2021-08-27T25:00:00Z',
      '1630000000',
      '2021-08-27T10:57:57+5',
    ]) {
      expect(() => parseInstant(bad), bad).toThrow('ISO 8601');
    }
  });
});
