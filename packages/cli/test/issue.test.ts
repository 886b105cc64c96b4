import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DIVOC_ED25519_KEY,
  DIVOC_RSA_PRIVATE,
  DIVOC_RSA_PUBLIC,
  FIXTURES,
  generateKeyFiles,
  issueArgv,
  ndjson,
  run,
  withTempDir,
} from './helpers.js';

async function generateKey(
  dir: string,
  type: string,
): Promise<{ keyFile: string; trustFile: string; entry: Record<string, unknown> }> {
  const keyFile = join(dir, `${type}.key.json`);
  const trustFile = join(dir, `${type}.trust.json`);
  return { keyFile, trustFile, entry: await generateKeyFiles(keyFile, trustFile, type) };
}

async function readOut(out: string) {
  const files = (await readdir(out)).filter((f) => f.endsWith('.json')).sort();
  const index = ndjson(await readFile(join(out, 'index.ndjson'), 'utf8'));
  const errors = ndjson(await readFile(join(out, 'errors.ndjson'), 'utf8'));
  return { files, index, errors };
}

const errorFields = (e: Record<string, unknown>) =>
  (e.errors as { field: string; reason: string }[]).map((x) => x.field);

describe('divoc issue', () => {
  it(
    'CSV: issues good rows, reports bad ones with line + field + reason (exit 1); ' + 'a fresh key verifies them',
    async () => {
      await withTempDir(async (dir) => {
        const { keyFile, trustFile, entry } = await generateKey(dir, 'ed25519');
        const out = join(dir, 'out');
        const r = await run(issueArgv({ key: keyFile, in: join(FIXTURES, 'records.csv'), out }));
        expect(r.code, r.stdout + r.stderr).toBe(1);
        expect(r.stdout).toContain('issued 3, skipped 0, failed 3');
        const { files, index, errors } = await readOut(out);
        expect(index.map((l) => [l.line, l.recordId])).toEqual([
          [2, 'R-001'],
          [3, 'R-002'],
          [8, 'R-006'],
        ]);
        for (const line of index) {
          expect(line).toMatchObject({
            certificateId: expect.any(String),
            files: [`${line.certificateId as string}.json`],
            formats: ['w3c-vc'],
          });
        }
        expect(files).toEqual(index.map((l) => `${l.certificateId as string}.json`).sort());
        expect(errors.map((e) => [e.line, e.recordId, errorFields(e)])).toEqual([
          [5, 'R-003', ['dose']],
          [6, 'R-004', ['name']],
          [7, 'R-005', ['(record)']],
        ]);
        for (const e of errors) for (const x of e.errors as { reason: string }[]) expect(x.reason).toMatch(/\S/);

        // Every issued credential carries its certificate id and verifies against the printed trust-list entry.
        const credential = JSON.parse(await readFile(join(out, files[0] as string), 'utf8')) as {
          proof: unknown;
          issuer: unknown;
        };
        expect(credential.proof).toMatchObject({ cryptosuite: 'eddsa-rdfc-2022', verificationMethod: entry.id });
        expect(credential.issuer).toBe((entry.id as string).split('#')[0]);
        const v = await run(['verify', '--trust', trustFile, '--json', ...files.map((f) => join(out, f))]);
        expect(v.code, v.stdout).toBe(0);
        expect(ndjson(v.stdout).every((l) => l.valid === true)).toBe(true);
        // Without the trust entry it does not verify.
        expect((await run(['verify', '--json', join(out, files[0] as string)])).code).toBe(1);
      });
    },
  );

  it('rerun issues nothing new and leaves the issued files alone', async () => {
    await withTempDir(async (dir) => {
      const { keyFile } = await generateKey(dir, 'ed25519');
      const out = join(dir, 'out');
      const argv = issueArgv({ key: keyFile, in: join(FIXTURES, 'records.csv'), out });
      await run(argv);
      const before = await readOut(out);
      const mtimes = await Promise.all(before.files.map(async (f) => (await stat(join(out, f))).mtimeMs));
      const again = await run(argv);
      expect(again.code).toBe(1);
      expect(again.stdout).toContain('issued 0, skipped 3, failed 3');
      const after = await readOut(out);
      expect(after.files).toEqual(before.files);
      expect(after.index).toEqual(before.index);
      expect(after.errors).toEqual(before.errors);
      expect(await Promise.all(after.files.map(async (f) => (await stat(join(out, f))).mtimeMs))).toEqual(mtimes);
    });
  });

  it('JSON array input with an RSA key (RsaSignature2018)', async () => {
    await withTempDir(async (dir) => {
      const { keyFile, trustFile } = await generateKey(dir, 'rsa');
      const out = join(dir, 'out');
      const r = await run(issueArgv({ key: keyFile, in: join(FIXTURES, 'records.json'), out }, '--format', 'json'));
      expect(r.code, r.stdout + r.stderr).toBe(1);
      const { files, index, errors } = await readOut(out);
      expect(index.map((l) => [l.line, l.recordId])).toEqual([
        [2, 'J-001'],
        [12, 'J-004'],
      ]);
      expect(errors.map((e) => [e.line, errorFields(e)])).toEqual([
        [7, ['vaccinationDate']],
        [11, ['(record)']],
      ]);
      expect(errors[0]?.recordId).toBe('J-002');
      const v = await run(['verify', '--trust', trustFile, '--json', ...files.map((f) => join(out, f))]);
      expect(ndjson(v.stdout).map((l) => [l.valid, l.suite])).toEqual([
        [true, 'RsaSignature2018'],
        [true, 'RsaSignature2018'],
      ]);
    });
  });

  it('NDJSON input with a P-256 key; same record in one run is issued once', async () => {
    await withTempDir(async (dir) => {
      const { keyFile, trustFile } = await generateKey(dir, 'p256');
      const input = join(dir, 'in.jsonl');
      const text = await readFile(join(FIXTURES, 'records.ndjson'), 'utf8');
      const firstLine = text.split('\n')[0] as string;
      await writeFile(input, `${text.trimEnd()}\n${firstLine}\n`);
      const out = join(dir, 'out');
      const r = await run(issueArgv({ key: keyFile, in: input, out }));
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('issued 2, skipped 1, failed 2');
      const { files, index, errors } = await readOut(out);
      expect(index.map((l) => [l.line, l.recordId])).toEqual([
        [1, 'N-001'],
        [5, 'N-005'],
      ]);
      expect(errors.map((e) => [e.line, errorFields(e)])).toEqual([
        [2, ['vaccine']],
        [3, ['(line)']],
      ]);
      const v = await run(['verify', '--trust', trustFile, '--json', ...files.map((f) => join(out, f))]);
      expect(v.code, v.stdout).toBe(0);
      expect(ndjson(v.stdout)[0]?.suite).toBe('ecdsa-rdfc-2019');
    });
  });

  it(
    'all-good input exits 0; uses the record certificateId; DIVOC key JSON signs as did:india ' +
      '(Ed25519Signature2018)',
    async () => {
      await withTempDir(async (dir) => {
        const input = join(dir, 'in.ndjson');
        await writeFile(
          input,
          `${JSON.stringify({
            refId: 'D-1',
            certificateId: '244768056',
            name: 'Sam',
            age: 31,
            vaccine: 'covaxin',
            vaccinationDate: '2021-07-12',
            dose: 2,
            totalDoses: 2,
          })}\n`,
        );
        const out = join(dir, 'out');
        const r = await run([
          'issue',
          '--key',
          DIVOC_ED25519_KEY,
          '--suite',
          'Ed25519Signature2018',
          '--issuer',
          'https://divoc.dev/',
          '--template',
          'vaccination',
          '--in',
          input,
          '--out',
          out,
        ]);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        const credential = JSON.parse(await readFile(join(out, '244768056.json'), 'utf8')) as {
          proof: unknown;
          issuer: unknown;
        };
        expect(credential.proof).toMatchObject({ type: 'Ed25519Signature2018', verificationMethod: 'did:india' });
        expect(credential.issuer).toBe('https://divoc.dev/');
        const v = await run(['verify', '--trust', DIVOC_ED25519_KEY, join(out, '244768056.json')]);
        expect(v.code, v.stdout).toBe(0);
      });
    },
  );

  it('a plain PKCS#1 PEM key with --key-id signs; verify binds the id with ID=FILE', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'out');
      const r = await run([
        'issue',
        '--key',
        DIVOC_RSA_PRIVATE,
        '--key-id',
        'did:india',
        '--issuer',
        'https://divoc.dev/',
        '--template',
        'vaccination',
        '--in',
        join(FIXTURES, 'records.json'),
        '--out',
        out,
      ]);
      expect(r.code).toBe(1);
      const { files } = await readOut(out);
      const v = await run(['verify', '--trust', `did:india=${DIVOC_RSA_PUBLIC}`, ...files.map((f) => join(out, f))]);
      expect(v.code, v.stdout).toBe(0);
    });
  });

  it('--vc-version 2.0 issues a VC 2.0 credential that verifies', async () => {
    await withTempDir(async (dir) => {
      const { keyFile, trustFile } = await generateKey(dir, 'ed25519');
      const out = join(dir, 'out');
      const r = await run(issueArgv({ key: keyFile, in: join(FIXTURES, 'records.json'), out }, '--vc-version', '2.0'));
      expect(r.code).toBe(1);
      const { files } = await readOut(out);
      const credential = JSON.parse(await readFile(join(out, files[0] as string), 'utf8')) as {
        '@context': unknown[];
        validFrom: unknown;
      };
      expect(credential['@context'][0]).toBe('https://www.w3.org/ns/credentials/v2');
      expect(credential.validFrom).toEqual(expect.any(String));
      expect((await run(['verify', '--trust', trustFile, ...files.map((f) => join(out, f))])).code).toBe(0);
    });
  });

  it(
    "the SDK v2 context by default; --context divoc-legacy signs with DIVOC's vaccination context " + '(both verify)',
    async () => {
      await withTempDir(async (dir) => {
        const { keyFile, trustFile } = await generateKey(dir, 'ed25519');
        for (const [flags, context] of [
          [[], 'https://divoc.dev/credentials/sdk/v2'],
          [['--context', 'divoc-legacy'], 'https://divoc.dev/credentials/vaccination/v1'],
          [['--context', 'sdk'], 'https://divoc.dev/credentials/sdk/v2'],
        ] as const) {
          const out = join(dir, `out-${flags.join('') || 'default'}`);
          const r = await run(issueArgv({ key: keyFile, in: join(FIXTURES, 'records.json'), out }, ...flags));
          expect(r.code).toBe(1);
          const { files } = await readOut(out);
          const credential = JSON.parse(await readFile(join(out, files[0] as string), 'utf8')) as {
            '@context': unknown[];
          };
          // (then the Data Integrity context the eddsa-rdfc-2022 proof adds)
          expect(credential['@context'].slice(0, 2)).toEqual(['https://www.w3.org/2018/credentials/v1', context]);
          expect((await run(['verify', '--trust', trustFile, ...files.map((f) => join(out, f))])).code).toBe(0);
        }
        const bad = await run(
          issueArgv({ key: keyFile, in: join(FIXTURES, 'records.json'), out: join(dir, 'x') }, '--context', 'divoc'),
        );
        expect(bad.code).toBe(2);
      });
    },
  );

  it('hostile records are rejected one by one, never crash the run', async () => {
    await withTempDir(async (dir) => {
      const { keyFile } = await generateKey(dir, 'ed25519');
      const good = {
        refId: 'H-0',
        name: 'Good',
        age: 30,
        vaccine: 'Covaxin',
        vaccinationDate: '2021-09-01',
        dose: 1,
        totalDoses: 2,
      };
      const lines = [
        JSON.stringify(good),
        '{"__proto__": {"polluted": true}, "refId": "H-1", "name": "P"}',
        JSON.stringify({ ...good, refId: 'H-2', name: 'x'.repeat(5000) }),
        JSON.stringify({ ...good, refId: 'H-3', dose: { $gt: 1 } }),
        JSON.stringify({ ...good, refId: 'H-4', certificateId: '../../etc/passwd' }),
        JSON.stringify({ ...good, refId: 'H-5', extraField: 'not in the schema' }),
        `{"refId": "H-6", "pad": "${'y'.repeat(2 * 1024 * 1024)}"}`,
        JSON.stringify({ ...good, refId: 'H-7', identity: 'did:x:7', vaccinationDate: '2021-02-30' }),
      ];
      await writeFile(join(dir, 'in.ndjson'), `${lines.join('\n')}\n`);
      const out = join(dir, 'out');
      const r = await run(issueArgv({ key: keyFile, in: join(dir, 'in.ndjson'), out }));
      expect(r.code, r.stdout + r.stderr).toBe(1);
      const { index, errors } = await readOut(out);
      expect(index.map((l) => l.recordId)).toEqual(['H-0']);
      expect(errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
      expect(errors[0]).toMatchObject({ errors: [{ field: '__proto__' }] });
      expect(errors[3]).toMatchObject({ recordId: 'H-4', errors: [{ field: 'certificateId' }] });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(await readdir(dir)).not.toContain('passwd');
      expect(errors[4]).toMatchObject({
        recordId: 'H-5',
        errors: [{ field: 'extraField', reason: expect.stringContaining('--ignore-unknown-fields') }],
      });

      const lenient = await run(
        issueArgv({ key: keyFile, in: join(dir, 'in.ndjson'), out }, '--ignore-unknown-fields'),
      );
      expect(lenient.stdout).toContain('issued 1, skipped 1, failed 6');
      expect(ndjson(await readFile(join(out, 'index.ndjson'), 'utf8')).map((l) => l.recordId)).toEqual(['H-0', 'H-5']);
    });
  });

  it('usage errors and unreadable inputs exit 2', async () => {
    await withTempDir(async (dir) => {
      const { keyFile } = await generateKey(dir, 'ed25519');
      const csv = join(FIXTURES, 'records.csv');
      const out = join(dir, 'out');
      await writeFile(join(dir, 'broken.json'), '[{"refId": "x"');
      await writeFile(join(dir, 'notakey.json'), '{"hello": 1}');
      const cases: string[][] = [
        ['issue'],
        ['issue', '--key', keyFile, '--template', 'vaccination', '--in', csv],
        ['issue', '--key', keyFile, '--template', 'nope', '--in', csv, '--out', out],
        issueArgv({ key: keyFile, in: csv, out }, '--suite', 'RsaSignature2018'),
        issueArgv({ key: keyFile, in: csv, out }, '--suite', 'bogus'),
        issueArgv({ key: keyFile, in: csv, out }, '--format', 'png'),
        issueArgv({ key: keyFile, in: csv, out }, '--issuer', 'not a url'),
        issueArgv({ key: keyFile, in: csv, out }, '--unknown'),
        issueArgv({ key: join(dir, 'missing.json'), in: csv, out }),
        issueArgv({ key: join(dir, 'notakey.json'), in: csv, out }),
        issueArgv({ key: DIVOC_RSA_PUBLIC, in: csv, out }),
        issueArgv({ key: keyFile, in: join(dir, 'missing.csv'), out }),
        issueArgv({ key: keyFile, in: join(dir, 'broken.json'), out }),
        issueArgv({ key: keyFile, in: csv, out: join(dir, 'notakey.json') }),
      ];
      for (const argv of cases) {
        const r = await run(argv);
        expect(r.code, `${argv.join(' ')}\n${r.stdout}${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(/^divoc/);
      }
    });
  });

  it('--help', async () => {
    const r = await run(['issue', '--help']);
    expect(r.code).toBe(0);
    for (const s of [
      '--key FILE',
      '--template NAME',
      '--in FILE',
      '--out DIR',
      '--suite NAME',
      '--issuer URL',
      '--format FORMAT',
    ])
      expect(r.stdout).toContain(s);
  });
});
