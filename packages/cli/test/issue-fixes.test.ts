import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeDcc } from '@divoc/dcc';
import { records } from '../../issuer/test/records.js';
import { generateKeyFiles, ndjson, run, withTempDir } from './helpers.js';

// The CLI fixes of issue 14: DCC name columns, CSV header check, `divoc sample` for vaccination-v2, whole-second SHC
// nbf, --dcc-issuer. Keys are made once: a VC key and a development DSC (`divoc keys dsc`).
let keysDir: string;
let cleanup: () => Promise<void> = async () => undefined;
beforeAll(async () => {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  keysDir = await mkdtemp(join(tmpdir(), 'divoc-issue-fixes-'));
  cleanup = () => rm(keysDir, { recursive: true, force: true });
  const dsc = await run(['keys', 'dsc', '--country', 'IN', '--out', join(keysDir, 'pki')]);
  expect(dsc.code, dsc.stderr).toBe(0);
  await generateKeyFiles(join(keysDir, 'vc.key.json'), join(keysDir, 'vc.trust.json'));
  return () => cleanup();
});

const dscFlags = () => [
  '--issuer',
  'https://divoc.example',
  '--dsc-key',
  join(keysDir, 'pki/dsc.key.pem'),
  '--dsc-cert',
  join(keysDir, 'pki/dsc.crt.pem'),
];

function issue(template: string, input: string, out: string, ...extra: string[]) {
  return run(['issue', '--template', template, '--in', input, '--out', out, '--workers', '0', ...extra]);
}

const toNdjson = (rows: readonly object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

async function dccPayloads(out: string) {
  const files = (await readdir(out)).filter((f) => f.endsWith('.dcc.txt')).sort();
  return Promise.all(files.map(async (f) => decodeDcc((await readFile(join(out, f), 'utf8')).trim()).payload));
}

describe('divoc issue --format dcc: the DCC name columns', () => {
  it('a Hindi name with nameLatin (or the family/given Latin columns) issues, fnt/gnt from the Latin', async () => {
    await withTempDir(async (dir) => {
      const base = records['vaccination-v2'];
      const rows = [
        base, // name राजेश कुमार, nameLatin Rajesh Kumar
        {
          ...base,
          refId: 'R-1002b',
          name: 'सुनीता देवी',
          nameLatin: undefined,
          familyName: 'देवी',
          givenName: 'सुनीता',
          familyNameLatin: 'Devi',
          givenNameLatin: 'Sunita',
        },
      ];
      await writeFile(join(dir, 'in.ndjson'), toNdjson(rows));
      const out = join(dir, 'out');
      const r = await issue('vaccination-v2', join(dir, 'in.ndjson'), out, '--format', 'dcc', ...dscFlags());
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(r.stdout).toContain('issued 2');
      const names = (await dccPayloads(out))
        .map((p) => p.nam)
        .sort((a, b) => String(a.fnt).localeCompare(String(b.fnt)));
      expect(names).toEqual([
        expect.objectContaining({ fn: 'देवी', gn: 'सुनीता', fnt: 'DEVI', gnt: 'SUNITA' }),
        expect.objectContaining({ fnt: 'KUMAR', gnt: 'RAJESH' }),
      ]);
    });
  });

  it('without a Latin spelling the row is rejected for the dcc, naming nameLatin', async () => {
    await withTempDir(async (dir) => {
      const { nameLatin: _latin, ...noLatin } = records['vaccination-v2'];
      await writeFile(join(dir, 'in.ndjson'), toNdjson([noLatin]));
      const out = join(dir, 'out');
      const r = await issue('vaccination-v2', join(dir, 'in.ndjson'), out, '--format', 'dcc', ...dscFlags());
      expect(r.code).toBe(1);
      const [line] = ndjson(await readFile(join(out, 'errors.ndjson'), 'utf8'));
      expect(JSON.stringify(line)).toContain('nameLatin');
    });
  });
});

describe('--dcc-issuer', () => {
  it('sets the "is" claim of v, t and r entries; without it "is" is the issuer URI', async () => {
    await withTempDir(async (dir) => {
      // A recovery certificate valid now (the DCC's exp is its validUntil, and must be after iat).
      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      const recovery = {
        ...records.recovery,
        firstPositiveTestDate: day(-20),
        validFrom: day(-9),
        validUntil: day(150),
      };
      for (const template of ['vaccination-v2', 'test', 'recovery'] as const) {
        const record = template === 'recovery' ? recovery : records[template];
        await writeFile(join(dir, `${template}.ndjson`), toNdjson([record]));
        const out = join(dir, template);
        const args = ['--format', 'dcc', ...dscFlags()];
        const r = await issue(
          template,
          join(dir, `${template}.ndjson`),
          out,
          ...args,
          '--dcc-issuer',
          'Ministry of Health',
        );
        expect(r.code, r.stdout).toBe(0);
        const [payload] = await dccPayloads(out);
        const entry = template === 'vaccination-v2' ? 'v' : template === 'test' ? 't' : 'r';
        expect((payload as unknown as Record<string, { is: string }[]>)[entry]?.[0]?.is, template).toBe(
          'Ministry of Health',
        );
        // Control: no flag, the default.
        const plain = join(dir, `${template}-plain`);
        expect((await issue(template, join(dir, `${template}.ndjson`), plain, ...args)).code).toBe(0);
        const [def] = await dccPayloads(plain);
        expect((def as unknown as Record<string, { is: string }[]>)[entry]?.[0]?.is).toBe('https://divoc.example');
      }
    });
  });

  it('is named in the --json start event; misuse is a usage error (exit 2)', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'in.ndjson'), toNdjson([records['vaccination-v2']]));
      const input = join(dir, 'in.ndjson');
      const r = await issue(
        'vaccination-v2',
        input,
        join(dir, 'a'),
        '--format',
        'dcc',
        ...dscFlags(),
        '--json',
        '--dcc-issuer',
        'MoH',
      );
      expect(r.code, r.stderr).toBe(0);
      expect(ndjson(r.stdout)[0]).toMatchObject({ event: 'start', dccIssuer: 'MoH' });
      const key = ['--key', join(keysDir, 'vc.key.json')];
      const noDcc = await issue('vaccination-v2', input, join(dir, 'b'), ...key, '--dcc-issuer', 'MoH');
      expect(noDcc.code).toBe(2);
      expect(noDcc.stderr).toContain('--format dcc');
      const long = await issue(
        'vaccination-v2',
        input,
        join(dir, 'c'),
        '--format',
        'dcc',
        ...dscFlags(),
        '--dcc-issuer',
        'x'.repeat(81),
      );
      expect(long.code).toBe(2);
    });
  });
});

describe('CSV header check', () => {
  const header = 'refId,name,dob,vaccine,batch,vaccinationDate,dose,totalDoses,facilityName,facilityCountry';
  const row = 'R-1,Asha Verma,1990-04-12,Covishield,B1,2021-09-01,1,2,PHC Pune,IN';

  it('an unknown column stops the run before any record: one error naming each, a near match; exit 2', async () => {
    await withTempDir(async (dir) => {
      const bad = header.replace('name,', 'Name,').replace('facilityCountry', 'facility_country,wardNo');
      await writeFile(join(dir, 'in.csv'), `${bad}\n${row},7\n${row.replace('R-1', 'R-2')},8\n`);
      const out = join(dir, 'out');
      const r = await issue('vaccination-v2', join(dir, 'in.csv'), out, '--key', join(keysDir, 'vc.key.json'));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('ERR_INPUT_UNKNOWN_COLUMNS');
      expect(r.stderr).toContain('"Name" (did you mean "name"?)');
      expect(r.stderr).toContain('"facility_country" (did you mean "facilityCountry"?)');
      expect(r.stderr).toContain('"wardNo"');
      expect(r.stderr).not.toMatch(/needs identity|refId/);
      expect(r.stdout).toContain('issued 0, skipped 0, failed 0');
      expect(existsSync(join(out, 'index.ndjson'))).toBe(false);
      expect(existsSync(join(out, 'errors.ndjson'))).toBe(false);
    });
  });

  it('a good header runs; an extra column runs with --ignore-unknown-fields', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'in.csv'), `${header}\n${row}\n`);
      const key = ['--key', join(keysDir, 'vc.key.json')];
      const good = await issue('vaccination-v2', join(dir, 'in.csv'), join(dir, 'a'), ...key);
      expect(good.code, good.stderr).toBe(0);
      expect(good.stdout).toContain('issued 1');
      await writeFile(join(dir, 'extra.csv'), `${header},wardNo\n${row},7\n`);
      const extra = await issue(
        'vaccination-v2',
        join(dir, 'extra.csv'),
        join(dir, 'b'),
        ...key,
        '--ignore-unknown-fields',
      );
      expect(extra.code, extra.stderr).toBe(0);
      expect(extra.stdout).toContain('issued 1');
    });
  });
});

describe('divoc sample feeds both vaccination templates', () => {
  it('has facilityCountry and a dob on every row; its good rows all issue as vaccination-v2', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'sample.csv');
      const s = await run(['sample', '--rows', '60', '--bad-ratio', '0', '--out', file]);
      expect(s.code, s.stderr).toBe(0);
      const [head, ...lines] = (await readFile(file, 'utf8')).trim().split('\n');
      expect(head?.split(',')).toContain('facilityCountry');
      expect(lines).toHaveLength(60);
      const key = ['--key', join(keysDir, 'vc.key.json')];
      const v2 = await issue('vaccination-v2', file, join(dir, 'v2'), ...key);
      expect(v2.code, v2.stdout + (await readFile(join(dir, 'v2', 'errors.ndjson'), 'utf8'))).toBe(0);
      expect(v2.stdout).toContain('issued 60, skipped 0, failed 0');
      // Control: the v1 template still reads it, and bad rows are still bad.
      const v1 = await issue('vaccination', file, join(dir, 'v1'), ...key);
      expect(v1.stdout).toContain('issued 60, skipped 0, failed 0');
      const withBad = join(dir, 'bad.csv');
      expect((await run(['sample', '--rows', '20', '--bad-ratio', '0.2', '--out', withBad])).code).toBe(0);
      const bad = await issue('vaccination-v2', withBad, join(dir, 'bad'), ...key);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('issued 16, skipped 0, failed 4');
    });
  });
});

describe('SHC from divoc issue', () => {
  it('nbf is a whole number of seconds', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'in.ndjson'), toNdjson([records['vaccination-v2']]));
      const out = join(dir, 'out');
      const r = await issue(
        'vaccination-v2',
        join(dir, 'in.ndjson'),
        out,
        '--format',
        'shc',
        ...dscFlags(),
        '--shc-issuer',
        'https://issuer.example',
      );
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const card = (await readdir(out)).find((f) => f.endsWith('.smart-health-card')) as string;
      const { verifiableCredential } = JSON.parse(await readFile(join(out, card), 'utf8')) as {
        verifiableCredential: string[];
      };
      const { decodeShc } = await import('@divoc/shc');
      const { nbf } = decodeShc(verifiableCredential[0] as string).payload;
      expect(Number.isInteger(nbf), String(nbf)).toBe(true);
      expect(Math.abs(nbf - Date.now() / 1000)).toBeLessThan(120);
    });
  });
});
