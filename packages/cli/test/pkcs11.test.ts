import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeSoftHsm, type SoftHsm } from '../../keys/test/pkcs11-helpers.js';
import { FIXTURES, issueArgv, ndjson, run, vectorPath, withTempDir } from './helpers.js';

// The root vitest config aliases `@divoc/keys` to its src/index.ts, which turns the subpath into the
// unresolvable `src/index.ts/pkcs11`: load the subpath from source here (the built CLI imports dist/pkcs11).
vi.mock('../src/lib/pkcs11-module.js', () => ({ loadPkcs11Module: () => import('../../keys/src/pkcs11/index.js') }));

const PIN = '1234';
let hsm: SoftHsm;
let env: Record<string, string>;

beforeAll(() => {
  hsm = makeSoftHsm();
  hsm.initToken('cli-token', PIN);
  env = { DIVOC_PKCS11_PIN: PIN };
  // `divoc issue` may sign in worker threads, which see the process environment (as in a real run), not run()'s env.
  process.env.DIVOC_PKCS11_PIN = PIN;
});

afterAll(async () => {
  const { closePkcs11Sessions } = await import('../src/lib/keyfile.js');
  await closePkcs11Sessions();
  delete process.env.DIVOC_PKCS11_PIN;
  hsm?.cleanup();
});

const uriFor = (label: string, query = 'pin-source=env:DIVOC_PKCS11_PIN') =>
  `pkcs11:token=cli-token;object=${label}?module-path=${hsm.module}&${query}`;

/**
 * `divoc keys generate --type FLAG --pkcs11 <label's URI> --out TRUST` (an RSA key with an explicit id), asserting exit
 * 0; returns the printed trust entry.
 */
async function generateTokenKey(flag: string, label: string, trust: string): Promise<{ id: string }> {
  const made = await run(
    [
      'keys',
      'generate',
      '--type',
      flag,
      '--pkcs11',
      uriFor(label),
      '--out',
      trust,
      ...(flag === 'rsa' ? ['--id', 'did:web:issuer.example#rsa'] : []),
    ],
    { env },
  );
  expect(made.code, made.stderr).toBe(0);
  return JSON.parse(made.stdout) as { id: string };
}

describe('divoc keys generate --pkcs11', () => {
  it.each([
    ['ed25519', 'Ed25519', /^did:key:z6Mk/],
    ['p256', 'P-256', /^did:key:zDna/],
    ['rsa', 'RSA', /^urn:divoc:key:/],
  ] as const)('--type %s makes the key in the token and prints its trust-list entry', async (flag, type, idPattern) => {
    await withTempDir(async (dir) => {
      const r = await run(['keys', 'generate', '--type', flag, '--pkcs11', uriFor(`gen-${flag}`)], { env });
      expect(r.code, r.stderr).toBe(0);
      const entry = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(entry).toMatchObject({ type, id: expect.stringMatching(idPattern), publicKeyJwk: expect.any(Object) });
      expect(JSON.stringify(entry)).not.toMatch(/"d"|privateKey/);
      expect(r.stderr).toContain(`in token "cli-token"`);
      expect(r.stderr).not.toContain(PIN);
      // Nothing was written: no --out.
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it(
    '--out writes only the public trust entry; --id and --controller are used; ' + 'the same label twice is refused',
    async () => {
      await withTempDir(async (dir) => {
        const out = join(dir, 'entry.json');
        const args = [
          'keys',
          'generate',
          '--type',
          'p256',
          '--pkcs11',
          uriFor('with-out'),
          '--out',
          out,
          '--id',
          'did:web:issuer.example#hsm-1',
        ];
        const r = await run(args, { env });
        expect(r.code, r.stderr).toBe(0);
        const written = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
        expect(written).toEqual(JSON.parse(r.stdout));
        expect(written).toMatchObject({ id: 'did:web:issuer.example#hsm-1', controller: 'did:web:issuer.example' });
        const again = await run([...args, '--force'], { env });
        expect(again.code).toBe(2);
        expect(again.stderr).toContain('ERR_PKCS11_KEY_EXISTS');
      });
    },
  );

  it('typed failures: wrong PIN, no PIN, no label, not a URI — exit 2, the PIN never shown', async () => {
    const wrong = await run(['keys', 'generate', '--type', 'p256', '--pkcs11', uriFor('w', 'pin-value=000000')], {
      env: {},
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('ERR_PKCS11_PIN_INCORRECT');
    expect(wrong.stderr).not.toContain('000000');
    const noPin = await run(['keys', 'generate', '--type', 'p256', '--pkcs11', uriFor('w', 'x-none=1')], { env: {} });
    expect(noPin.code).toBe(2);
    expect(noPin.stderr).toContain('ERR_PKCS11_PIN_UNAVAILABLE');
    const noLabel = await run(
      ['keys', 'generate', '--type', 'p256', '--pkcs11', `pkcs11:token=cli-token?module-path=${hsm.module}`],
      { env },
    );
    expect(noLabel.code).toBe(2);
    expect(noLabel.stderr).toContain('object=LABEL');
    const notUri = await run(['keys', 'generate', '--type', 'p256', '--pkcs11', '/tmp/key.json'], { env });
    expect(notUri.code).toBe(2);
  });
});

describe('loadSigningKey + signerFor with a pkcs11: URI (what every --key flag goes through)', () => {
  it.each([
    ['ed25519', 'eddsa-rdfc-2022'],
    ['p256', 'ecdsa-rdfc-2019'],
    ['rsa', 'RsaSignature2018'],
  ] as const)(
    'a %s token key signs a VC (%s) that divoc verify accepts with the generated trust entry',
    async (flag, suite) => {
      await withTempDir(async (dir) => {
        const label = `loader-${flag}`;
        const trust = join(dir, 'trust.json');
        const entry = await generateTokenKey(flag, label, trust);
        const { loadSigningKey, signerFor } = await import('../src/lib/keyfile.js');
        const key = await loadSigningKey({ cwd: dir, env }, uriFor(label), flag === 'rsa' ? entry.id : undefined);
        expect(key).toMatchObject({ id: entry.id, source: 'pkcs11' });
        expect(key.keyPair.privateKey).toBeUndefined();
        const { issueCredential } = await import('@divoc/vc');
        const { proof: _proof, ...unsigned } = JSON.parse(
          await readFile(vectorPath('divoc/signed/rsa2018-divocdev-valid.json'), 'utf8'),
        ) as Record<string, unknown>;
        const files: string[] = [];
        for (let i = 0; i < 3; i++) {
          const signed = await issueCredential(
            { ...unsigned, id: `urn:uuid:00000000-0000-4000-8000-00000000000${i}` } as never,
            { signer: signerFor(key, { id: key.id }), suite },
          );
          files.push(join(dir, `c${i}.json`));
          await writeFile(files[i]!, JSON.stringify(signed));
        }
        const verified = await run(['verify', '--trust', trust, '--json', ...files]);
        expect(verified.code, verified.stdout + verified.stderr).toBe(0);
        expect(ndjson(verified.stdout).map((l) => l.valid)).toEqual([true, true, true]);
        // A different algorithm than the token key's is refused, not silently changed.
        if (flag === 'p256') expect(() => signerFor(key, { id: key.id, algorithm: 'EdDSA' })).toThrow(/signs ES256/);
      });
    },
  );
});

describe('divoc issue --key pkcs11:…', () => {
  it.each([
    ['ed25519', 'eddsa-rdfc-2022'],
    ['p256', 'ecdsa-rdfc-2019'],
    ['rsa', 'RsaSignature2018'],
  ] as const)(
    'signs a 3-row CSV with a %s key in the token; divoc verify accepts every output',
    async (flag, suite) => {
      await withTempDir(async (dir) => {
        const label = `issue-${flag}`;
        const entry = await generateTokenKey(flag, label, join(dir, 'trust.json'));
        const csv = join(dir, 'three.csv');
        // Three good rows: the fixture's header and first record, for three different people.
        const [header, first] = (await readFile(join(FIXTURES, 'records.csv'), 'utf8')).split('\n') as [string, string];
        const row = (n: number) =>
          first
            .replace('R-001', `R-10${n}`)
            .replace('111122223333', `11112222333${n}`)
            .replace('Asha Verma', `Asha Verma ${n}`);
        await writeFile(csv, [header, row(1), row(2), row(3)].join('\n') + '\n');
        const out = join(dir, 'out');
        const issued = await run(
          [
            'issue',
            '--key',
            uriFor(label),
            '--suite',
            suite,
            '--template',
            'vaccination',
            '--in',
            csv,
            '--out',
            out,
            ...(flag === 'rsa' ? ['--key-id', entry.id, '--issuer', 'https://issuer.example'] : []),
          ],
          { env },
        );
        expect(
          issued.code,
          'divoc issue must accept --key pkcs11:… (keyfile.ts loadSigningKey + signerFor): ' +
            `${issued.stdout}${issued.stderr}`,
        ).toBe(0);
        const files = (await readdir(out)).filter((f) => f.endsWith('.json'));
        expect(files, `${JSON.stringify(await readdir(out))} ${issued.stdout}`).toHaveLength(3);
        for (const file of files) {
          const credential = JSON.parse(await readFile(join(out, file), 'utf8')) as { proof: Record<string, unknown> };
          expect(credential.proof.verificationMethod).toBe(entry.id);
          expect((await stat(join(out, file))).size).toBeGreaterThan(100);
        }
        const verified = await run([
          'verify',
          '--trust',
          join(dir, 'trust.json'),
          '--json',
          ...files.map((f) => join(out, f)),
        ]);
        expect(verified.code, verified.stdout + verified.stderr).toBe(0);
        const lines = ndjson(verified.stdout);
        expect(lines).toHaveLength(3);
        expect(lines.every((l) => l.valid === true)).toBe(true);
      });
    },
  );

  it('a missing label in the token is a clear key error (exit 2)', async () => {
    await withTempDir(async (dir) => {
      const r = await run(
        issueArgv({ key: uriFor('no-such-key'), in: join(FIXTURES, 'records.csv'), out: join(dir, 'out') }),
        { env },
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('ERR_PKCS11_KEY_NOT_FOUND');
    });
  });
});
