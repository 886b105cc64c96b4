import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIVOC_ED25519_KEY, DIVOC_RSA_PRIVATE, DIVOC_RSA_PUBLIC, run, withTempDir } from './helpers.js';
import { parseKeyFile } from '../src/lib/keyfile.js';
import { KeyFileError } from '../src/lib/errors.js';

describe('divoc keys generate', () => {
  it.each([
    ['ed25519', 'Ed25519', /^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+#z6Mk/],
    ['p256', 'P-256', /^did:key:zDn[1-9A-HJ-NP-Za-km-z]+#zDn/],
    ['rsa', 'RSA', /^urn:divoc:key:[A-Za-z0-9_-]{43}$/],
  ])('--type %s writes a 0600 key file and prints a trust-list entry', async (flag, type, idPattern) => {
    await withTempDir(async (dir) => {
      const r = await run(['keys', 'generate', '--type', flag, '--out', 'k.json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const entry = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(entry).toMatchObject({ type, id: expect.stringMatching(idPattern), publicKeyJwk: expect.any(Object) });
      expect(JSON.stringify(entry)).not.toMatch(/"d"|private/i);
      const file = join(dir, 'k.json');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      expect(json).toMatchObject({
        kind: 'divoc-key',
        version: 1,
        type,
        id: entry.id,
        publicKeyJwk: entry.publicKeyJwk,
      });
      expect(json.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      if (type !== 'RSA') expect(json.controller).toBe((entry.id as string).split('#')[0]);
      // The private key never reaches the terminal.
      expect(r.stdout + r.stderr).not.toContain('PRIVATE');
      const loaded = parseKeyFile(file, await readFile(file), { requirePrivate: true });
      expect(loaded).toMatchObject({ id: entry.id, source: 'divoc-key' });
      expect(loaded.keyPair.type).toBe(type);
    });
  });

  it('uses --id and --controller', async () => {
    await withTempDir(async (dir) => {
      const r = await run(
        [
          'keys',
          'generate',
          '--type=rsa',
          '--out=k.json',
          '--id',
          'https://issuer.example/keys/1',
          '--controller',
          'https://issuer.example/',
        ],
        { cwd: dir },
      );
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        id: 'https://issuer.example/keys/1',
        controller: 'https://issuer.example/',
      });
    });
  });

  it('refuses to overwrite without --force (exit 2), overwrites with it', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'k.json'), 'precious');
      const refused = await run(['keys', 'generate', '--type', 'ed25519', '--out', 'k.json'], { cwd: dir });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--force');
      expect(await readFile(join(dir, 'k.json'), 'utf8')).toBe('precious');
      const forced = await run(['keys', 'generate', '--type', 'ed25519', '--out', 'k.json', '--force'], { cwd: dir });
      expect(forced.code).toBe(0);
      expect((await stat(join(dir, 'k.json'))).mode & 0o777).toBe(0o600);
    });
  });

  it('usage errors exit 2', async () => {
    for (const argv of [
      ['keys'],
      ['keys', 'rotate'],
      ['keys', 'generate'],
      ['keys', 'generate', '--type', 'ed25519'],
      ['keys', 'generate', '--out', 'x'],
      ['keys', 'generate', '--type', 'dsa', '--out', 'x'],
      ['keys', 'generate', '--type', 'ed25519', '--out', 'x', '--id', 'not a uri'],
      ['keys', 'generate', '--type', 'ed25519', '--out', 'x', 'extra'],
      ['keys', 'generate', '--type', 'ed25519', '--out', 'x', '--force=yes'],
    ]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout, argv.join(' ')).toBe('');
    }
  });

  it('an unwritable --out exits 2', async () => {
    await withTempDir(async (dir) => {
      const r = await run(['keys', 'generate', '--type', 'ed25519', '--out', join(dir, 'no/such/dir/k.json')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('ERR_OUTPUT_UNWRITABLE');
    });
  });

  it('--help', async () => {
    const r = await run(['keys', 'generate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--type TYPE');
    expect((await run(['keys', '--help'])).stdout).toContain('generate');
  });
});

describe('key files', () => {
  it('reads DIVOC key JSON as did:india, PEM with derived or explicit id', async () => {
    const divoc = parseKeyFile('k', await readFile(DIVOC_ED25519_KEY), { requirePrivate: true });
    expect(divoc).toMatchObject({ id: 'did:india', source: 'divoc-config' });
    const pem = parseKeyFile('k', await readFile(DIVOC_RSA_PRIVATE), { requirePrivate: true });
    expect(pem.id).toMatch(/^urn:divoc:key:/);
    expect(
      parseKeyFile('k', await readFile(DIVOC_RSA_PRIVATE), { requirePrivate: true, explicitId: 'did:india' }).id,
    ).toBe('did:india');
  });

  it('refuses a public key where a private key is needed', async () => {
    expect(() => parseKeyFile('pub.pem', new Uint8Array(Buffer.from('x')), { requirePrivate: true })).toThrow(
      KeyFileError,
    );
    const pub = await readFile(DIVOC_RSA_PUBLIC);
    expect(() => parseKeyFile('pub.pem', pub, { requirePrivate: true })).toThrow('public key only');
  });

  it.each([
    ['empty', ''],
    ['text', 'hello'],
    ['bad JSON', '{"kind":'],
    ['array', '[]'],
    ['unknown JSON', '{"a": 1}'],
    ['wrong version', '{"kind":"divoc-key","version":2}'],
    ['no pem', '{"kind":"divoc-key","version":1,"id":"x:y"}'],
    [
      'garbage pem',
      '{"kind":"divoc-key","version":1,"id":"x:y","type":"Ed25519","privateKeyPem":"-----BEGIN PRIVATE ' +
        'KEY-----\\nAAAA\\n-----END PRIVATE KEY-----"}',
    ],
    ['truncated PEM', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI'],
    ['bad base58', '{"publicKeyBase58": "0OIl", "privateKeyBase58": "0OIl"}'],
    ['wrong-typed base58', '{"publicKeyBase58": "abc", "privateKeyBase58": 5}'],
    ['oversized', `{"pad": "${'x'.repeat(300_000)}"}`],
  ])('rejects a hostile key file (%s) with KeyFileError', (_name, text) => {
    expect(() => parseKeyFile('k', new Uint8Array(Buffer.from(text)), { requirePrivate: true })).toThrow(KeyFileError);
  });

  it('detects a divoc-key file whose publicKeyJwk does not match its private key', async () => {
    await withTempDir(async (dir) => {
      await run(['keys', 'generate', '--type', 'ed25519', '--out', 'a.json'], { cwd: dir });
      await run(['keys', 'generate', '--type', 'ed25519', '--out', 'b.json'], { cwd: dir });
      const a = JSON.parse(await readFile(join(dir, 'a.json'), 'utf8')) as Record<string, unknown>;
      const b = JSON.parse(await readFile(join(dir, 'b.json'), 'utf8')) as Record<string, unknown>;
      const mixed = Buffer.from(JSON.stringify({ ...a, publicKeyJwk: b.publicKeyJwk }));
      expect(() => parseKeyFile('mixed', mixed, { requirePrivate: true })).toThrow('does not match');
      const wrongType = Buffer.from(JSON.stringify({ ...a, type: 'RSA' }));
      expect(() => parseKeyFile('wrong', wrongType, { requirePrivate: true })).toThrow('"type"');
    });
  });
});
