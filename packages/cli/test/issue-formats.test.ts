import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, generateKeyFiles, issueArgv, ndjson, run, withTempDir } from './helpers.js';

type Check = { name: string; ok: boolean; code?: string };
type Line = { input: string; format: string; valid: boolean; checks: Check[] };

const CSV = join(FIXTURES, 'records.csv');
const FORMATS = 'vc,divoc-qr,vc-compact,dcc,shc,vdsnc';
const SHC_ISSUER = 'https://issuer.example';

/** `divoc keys dsc` + `divoc keys generate`, in `dir`. */
async function setUp(dir: string): Promise<{ pki: (name: string) => string; vcKey: string; vcTrust: string }> {
  const pkiDir = join(dir, 'pki');
  const dsc = await run(['keys', 'dsc', '--country', 'IN', '--out', pkiDir]);
  expect(dsc.code, dsc.stderr).toBe(0);
  const vcKey = join(dir, 'issuer.key.json');
  const vcTrust = join(dir, 'issuer.trust.json');
  await generateKeyFiles(vcKey, vcTrust);
  return { pki: (name) => join(pkiDir, name), vcKey, vcTrust };
}

function issueArgs(s: Awaited<ReturnType<typeof setUp>>, out: string, extra: string[] = []): string[] {
  return issueArgv(
    { key: s.vcKey, in: CSV, out },
    '--dsc-key',
    s.pki('dsc.key.pem'),
    '--dsc-cert',
    s.pki('dsc.crt.pem'),
    '--bsc-key',
    s.pki('bsc.key.pem'),
    '--bsc-cert',
    s.pki('bsc.crt.pem'),
    '--shc-issuer',
    SHC_ISSUER,
    ...extra,
  );
}

describe('divoc keys dsc', () => {
  it('writes the CSCA, DSC and VDS-NC signer (keys 0600) and a JSON summary', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'pki');
      const r = await run(['keys', 'dsc', '--country', 'IN', '--out', out, '--types', 'v,t', '--days', '30']);
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout) as Record<string, unknown> & {
        dsc: Record<string, string>;
        csca: Record<string, string>;
        files: { file: string; mode?: string }[];
      };
      expect(summary.country).toBe('IN');
      expect(summary.kid).toMatch(/^[A-Za-z0-9+/]{11}=$/);
      expect(summary.types).toEqual(['v', 't']);
      expect(summary.dsc.subject).toContain('C=IN');
      expect(summary.dsc.issuer).toBe(summary.csca.subject);
      const days =
        (Date.parse(summary.dsc.notAfter as string) - Date.parse(summary.dsc.notBefore as string)) / 86_400_000;
      expect(days).toBeCloseTo(30, 0);
      const names = [
        'csca.key.pem',
        'csca.crt.pem',
        'dsc.key.pem',
        'dsc.crt.pem',
        'bsc.key.pem',
        'bsc.crt.pem',
        'dcc-signer-list.json',
      ];
      expect((await readdir(out)).sort()).toEqual([...names].sort());
      expect(summary.files.map((f) => f.file.split('/').pop())).toEqual(names);
      for (const name of names) {
        const mode = (await stat(join(out, name))).mode & 0o777;
        expect(mode.toString(8), name).toBe(name.endsWith('.key.pem') ? '600' : '644');
      }
      expect(r.stdout).not.toContain('PRIVATE KEY');
      // The DSC carries the DCC key usages of --types and chains to the CSCA.
      const dsc = new X509Certificate(await readFile(join(out, 'dsc.crt.pem')));
      const csca = new X509Certificate(await readFile(join(out, 'csca.crt.pem')));
      expect(dsc.checkIssued(csca)).toBe(true);
      expect(dsc.verify(csca.publicKey)).toBe(true);
      expect(csca.ca).toBe(true);
      const eku = (dsc as unknown as { keyUsage?: string[] }).keyUsage ?? [];
      expect(eku).toEqual(expect.arrayContaining(['1.3.6.1.4.1.1847.2021.1.2', '1.3.6.1.4.1.1847.2021.1.1']));
      expect(eku).not.toContain('1.3.6.1.4.1.1847.2021.1.3');
      const bsc = new X509Certificate(await readFile(join(out, 'bsc.crt.pem')));
      expect(bsc.verify(csca.publicKey)).toBe(true);
      expect((bsc as unknown as { keyUsage?: string[] }).keyUsage).toContain('2.23.136.1.1.14.2');
    });
  });

  it('refuses to overwrite without --force (nothing written), --types r writes no VDS-NC signer', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'pki');
      expect((await run(['keys', 'dsc', '--country', 'DE', '--out', out, '--types', 'r'])).code).toBe(0);
      expect(await readdir(out)).not.toContain('bsc.crt.pem');
      const before = await readFile(join(out, 'dsc.crt.pem'), 'utf8');
      const again = await run(['keys', 'dsc', '--country', 'DE', '--out', out]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('ERR_FILE_EXISTS');
      expect(await readFile(join(out, 'dsc.crt.pem'), 'utf8')).toBe(before);
      const forced = await run(['keys', 'dsc', '--country', 'DE', '--out', out, '--force']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(await readFile(join(out, 'dsc.crt.pem'), 'utf8')).not.toBe(before);
      expect(((await stat(join(out, 'dsc.key.pem'))).mode & 0o777).toString(8)).toBe('600');
    });
  });

  it('usage errors exit 2', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'pki');
      for (const argv of [
        ['keys', 'dsc'],
        ['keys', 'dsc', '--out', out],
        ['keys', 'dsc', '--country', 'IN'],
        ['keys', 'dsc', '--country', 'in', '--out', out],
        ['keys', 'dsc', '--country', 'IND', '--out', out],
        ['keys', 'dsc', '--country', 'IN', '--out', out, '--types', 'v,x'],
        ['keys', 'dsc', '--country', 'IN', '--out', out, '--days', '0'],
        ['keys', 'dsc', '--country', 'IN', '--out', out, '--days', 'ten'],
        ['keys', 'dsc', '--country', 'IN', '--out', out, 'extra'],
      ]) {
        const r = await run(argv);
        expect(r.code, argv.join(' ')).toBe(2);
      }
      expect((await run(['keys', 'dsc', '--help'])).stdout).toContain('--country CC');
    });
  });
});

describe('divoc issue --format (every format) then divoc verify every file', () => {
  it('issues vc, divoc-qr, vc-compact, dcc, shc, vdsnc with PNG QR codes; every file verifies', async () => {
    await withTempDir(async (dir) => {
      const s = await setUp(dir);
      const out = join(dir, 'out');
      const r = await run(issueArgs(s, out, ['--format', FORMATS, '--qr', 'png']));
      expect(r.code, r.stdout + r.stderr).toBe(1); // the fixture has 3 bad records
      expect(r.stdout).toContain('issued 3, skipped 0, failed 3');
      const index = ndjson(await readFile(join(out, 'index.ndjson'), 'utf8')) as {
        certificateId: string;
        files: string[];
        formats: string[];
        vdsncId?: string;
      }[];
      expect(index).toHaveLength(3);
      for (const entry of index) {
        expect(entry.formats).toEqual(['w3c-vc', 'divoc-qr', 'vc-compact', 'dcc', 'shc', 'vdsnc']);
        const id = entry.certificateId;
        expect([...entry.files].sort()).toEqual(
          [
            `${id}.json`,
            `${id}.divoc-qr.txt`,
            `${id}.divoc-qr.png`,
            `${id}.vc-compact.txt`,
            `${id}.vc-compact.png`,
            `${id}.dcc.txt`,
            `${id}.dcc.png`,
            `${id}.smart-health-card`,
            `${id}.shc.txt`,
            `${id}.shc.png`,
            `${id}.vdsnc.json`,
            `${id}.vdsnc.png`,
          ].sort(),
        );
        // UUID-shaped ids are longer than the 12 characters a VDS-NC uvci holds.
        expect(entry.vdsncId).toMatch(/^[0-9A-Z]{12}$/);
        expect(await readFile(join(out, `${id}.dcc.txt`), 'utf8')).toMatch(/^HC1:[0-9A-Z $%*+\-./:]+\n$/);
        expect(await readFile(join(out, `${id}.shc.txt`), 'utf8')).toMatch(/^shc:\/\d+\n$/);
        const png = await readFile(join(out, `${id}.dcc.png`));
        expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      }
      const files = (await readdir(out)).filter((f) => !f.endsWith('.ndjson')).map((f) => join(out, f));
      expect(files).toHaveLength(36);
      const v = await run([
        'verify',
        '--json',
        '--trust',
        s.vcTrust,
        '--trust',
        s.pki('dsc.crt.pem'),
        '--trust',
        s.pki('csca.crt.pem'),
        ...files,
      ]);
      const lines = ndjson(v.stdout) as unknown as Line[];
      const bad = lines
        .filter((l) => !l.valid)
        .map((l) => `${l.input}: ${JSON.stringify(l.checks.filter((c) => !c.ok))}`);
      expect(bad, v.stderr).toEqual([]);
      expect(lines).toHaveLength(36);
      const formatOf = (suffix: string) => lines.filter((l) => l.input.endsWith(suffix)).map((l) => l.format);
      expect(new Set(formatOf('.json').filter((f) => f !== 'vdsnc'))).toEqual(new Set(['w3c-vc']));
      expect(new Set(formatOf('.divoc-qr.png'))).toEqual(new Set(['divoc-qr']));
      expect(new Set(formatOf('.vc-compact.png'))).toEqual(new Set(['vc-compact']));
      expect(new Set(formatOf('.smart-health-card'))).toEqual(new Set(['shc']));
      expect(new Set(formatOf('.vdsnc.png'))).toEqual(new Set(['vdsnc']));
      expect(v.code).toBe(0);

      // The EU signer list written by keys dsc trusts the DCCs too.
      const dccFiles = files.filter((f) => f.endsWith('.dcc.txt'));
      const viaList = await run(['verify', '--json', '--trust', s.pki('dcc-signer-list.json'), ...dccFiles]);
      expect(viaList.code, viaList.stdout).toBe(0);
    });
  });

  it('SVG QR codes, SHC with --dsc-key as default key, and the old --format json alias', async () => {
    await withTempDir(async (dir) => {
      const s = await setUp(dir);
      const out = join(dir, 'out');
      const r = await run(
        issueArgv(
          { in: CSV, out },
          '--format',
          'dcc',
          '--format',
          'shc',
          '--qr',
          'svg',
          '--issuer',
          'https://registry.example/',
          '--dsc-key',
          s.pki('dsc.key.pem'),
          '--dsc-cert',
          s.pki('dsc.crt.pem'),
        ),
      );
      expect(r.stdout).toContain('issued 3');
      const svgs = (await readdir(out)).filter((f) => f.endsWith('.svg'));
      expect(svgs).toHaveLength(6);
      // A DSC certificate given to --trust also answers to its JWK thumbprint: the kid of the SHC it signed.
      const v = await run(['verify', '--json', '--trust', s.pki('dsc.crt.pem'), ...svgs.map((f) => join(out, f))]);
      expect(
        (ndjson(v.stdout) as unknown as Line[]).map((l) => l.valid),
        v.stdout,
      ).toEqual(svgs.map(() => true));
      const card = JSON.parse(
        await readFile(
          join(out, svgs.find((f) => f.includes('.shc'))!.replace('.shc.svg', '.smart-health-card')),
          'utf8',
        ),
      ) as { verifiableCredential: string[] };
      const payload = ndjson(
        (
          await run([
            'decode',
            '--json',
            join(
              out,
              svgs.find((f) => f.includes('.shc'))!,
            ),
          ])
        ).stdout,
      )[0]?.payload as { iss: string };
      expect(card.verifiableCredential).toHaveLength(1);
      expect(payload.iss).toBe('https://registry.example');

      const legacy = await run(issueArgv({ key: s.vcKey, in: CSV, out: join(dir, 'legacy') }, '--format', 'json'));
      expect(legacy.stdout).toContain('issued 3');
      expect((await readdir(join(dir, 'legacy'))).filter((f) => f.endsWith('.json'))).toHaveLength(3);
    });
  });

  it('reruns skip what exists; adding a format later issues only it, reusing the W3C VC', async () => {
    await withTempDir(async (dir) => {
      const s = await setUp(dir);
      const out = join(dir, 'out');
      await run(issueArgs(s, out, ['--format', 'vc']));
      const again = await run(issueArgs(s, out, ['--format', 'vc']));
      expect(again.stdout).toContain('issued 0, skipped 3');
      const more = await run(issueArgs(s, out, ['--format', 'vc,vc-compact,dcc']));
      expect(more.stdout, more.stderr).toContain('issued 3, skipped 0');
      const index = ndjson(await readFile(join(out, 'index.ndjson'), 'utf8')) as {
        certificateId: string;
        formats: string[];
      }[];
      expect(index.slice(3).map((e) => e.formats)).toEqual([
        ['vc-compact', 'dcc'],
        ['vc-compact', 'dcc'],
        ['vc-compact', 'dcc'],
      ]);
      // The compact QR holds exactly the VC written by the first run.
      const id = index[0]!.certificateId;
      const decoded = ndjson((await run(['decode', '--json', join(out, `${id}.vc-compact.txt`)])).stdout)[0];
      expect(decoded?.payload).toEqual(JSON.parse(await readFile(join(out, `${id}.json`), 'utf8')));
      const last = await run(issueArgs(s, out, ['--format', FORMATS]));
      expect(last.stdout).toContain('issued 3, skipped 0');
      expect((await run(issueArgs(s, out, ['--format', FORMATS]))).stdout).toContain('issued 0, skipped 3');
    });
  });

  it('a record a format cannot represent is rejected naming the format; the other records are issued', async () => {
    await withTempDir(async (dir) => {
      const s = await setUp(dir);
      const csv = join(dir, 'records.csv');
      await writeFile(
        csv,
        'refId,name,dob,gender,identity,vaccine,batch,vaccinationDate,dose,totalDoses,facilityName,country\n' +
          'A,Asha Verma,1990-04-12,Female,did:example:a,COVISHIELD,B1,2021-09-01,1,2,PHC,IN\n' +
          'B,Ravi Kumar,1985-11-30,Male,did:example:b,ZyCoV-D,B2,2021-09-01,1,2,PHC,IN\n',
      );
      const out = join(dir, 'out');
      const r = await run(issueArgs(s, out, ['--format', 'dcc']).map((a) => (a === CSV ? csv : a)));
      expect(r.code).toBe(1);
      expect(r.stdout, await readFile(join(out, 'errors.ndjson'), 'utf8')).toContain('issued 1, skipped 0, failed 1');
      const [error] = ndjson(await readFile(join(out, 'errors.ndjson'), 'utf8')) as {
        recordId: string;
        errors: { field: string; reason: string }[];
      }[];
      expect(error?.recordId).toBe('B');
      expect(error?.errors[0]?.field).toBe('(dcc)');
      // Since the per-record work goes through @divoc/issuer, the code is its typed failure code.
      expect(error?.errors[0]?.reason).toMatch(/no EU value-set code.*\(ERR_ISSUER_VALUE_UNMAPPABLE\)/);
    });
  });

  it('--allow-expired-keys: a DCC signed while the DSC was valid, verified after the DSC expired', async () => {
    await withTempDir(async (dir) => {
      const pki = join(dir, 'pki');
      expect((await run(['keys', 'dsc', '--country', 'IN', '--out', pki, '--days', '2'])).code).toBe(0);
      const out = join(dir, 'out');
      await run(
        issueArgv(
          { in: CSV, out },
          '--format',
          'dcc',
          '--issuer',
          'https://registry.example',
          '--dsc-key',
          join(pki, 'dsc.key.pem'),
          '--dsc-cert',
          join(pki, 'dsc.crt.pem'),
        ),
      );
      const dcc = join(
        out,
        (await readdir(out)).find((f) => f.endsWith('.dcc.txt'))!,
      );
      const later = new Date(Date.now() + 30 * 86_400_000).toISOString();
      const strict = await run(['verify', '--json', '--trust', join(pki, 'dsc.crt.pem'), '--now', later, dcc]);
      expect(strict.code).toBe(1);
      expect((ndjson(strict.stdout)[0] as unknown as Line).checks.find((c) => !c.ok)?.code).toBe(
        'ERR_DCC_SIGNER_CERTIFICATE_EXPIRED',
      );
      const lenient = await run([
        'verify',
        '--json',
        '--allow-expired-keys',
        '--trust',
        join(pki, 'dsc.crt.pem'),
        '--now',
        later,
        dcc,
      ]);
      expect(lenient.code, lenient.stdout).toBe(0);
    });
  });

  it(
    'missing key material for a requested format is a usage error naming the flag (exit 2, ' + 'nothing written)',
    async () => {
      await withTempDir(async (dir) => {
        const s = await setUp(dir);
        const out = join(dir, 'out');
        const base = issueArgv({ in: CSV, out });
        const cases: [string[], string][] = [
          [[...base, '--key', s.vcKey, '--format', 'dcc'], '--dsc-key'],
          [[...base, '--format', 'vc'], '--key'],
          [[...base, '--format', 'divoc-qr'], '--key'],
          [[...base, '--key', s.vcKey, '--format', 'vc,vdsnc'], '--bsc-key'],
          [
            [
              ...base,
              '--key',
              s.vcKey,
              '--format',
              'vc,vdsnc',
              '--dsc-key',
              s.pki('dsc.key.pem'),
              '--dsc-cert',
              s.pki('dsc.crt.pem'),
            ],
            '--bsc-key',
          ],
          [[...base, '--key', s.vcKey, '--format', 'vc,shc'], '--shc-key'],
          [[...base, '--key', s.vcKey, '--format', 'vc,shc', '--shc-key', s.pki('dsc.key.pem')], '--shc-issuer'],
          [
            [...base, '--format', 'shc', '--shc-key', s.pki('dsc.key.pem'), '--shc-issuer', 'http://insecure.example'],
            '--shc-issuer',
          ],
          [[...base, '--format', 'dcc', '--dsc-key', s.pki('dsc.key.pem')], '--dsc-cert'],
          [[...base, '--format', 'dcc', '--dsc-cert', s.pki('dsc.crt.pem')], '--dsc-key'],
          [
            [...base, '--format', 'dcc', '--dsc-key', s.pki('dsc.key.pem'), '--dsc-cert', s.pki('dsc.crt.pem')],
            '--issuer',
          ],
          [[...base, '--key', s.vcKey, '--format', 'vc,png'], '--format'],
          [[...base, '--key', s.vcKey, '--format', 'vc', '--qr', 'gif'], '--qr'],
        ];
        for (const [argv, flag] of cases) {
          const r = await run(argv);
          expect(r.code, `${argv.slice(7).join(' ')}\n${r.stderr}`).toBe(2);
          expect(r.stderr, argv.slice(7).join(' ')).toContain(flag);
        }
        // A key that does not match its certificate, or an Ed25519 key, is a key file error (exit 2).
        for (const [key, cert] of [
          [s.pki('bsc.key.pem'), s.pki('dsc.crt.pem')],
          [s.vcKey, s.pki('dsc.crt.pem')],
        ] as const) {
          const r = await run([
            ...base,
            '--format',
            'dcc',
            '--issuer',
            'https://x.example',
            '--dsc-key',
            key,
            '--dsc-cert',
            cert,
          ]);
          expect(r.code, r.stderr).toBe(2);
          expect(r.stderr).toContain('ERR_KEY_FILE_INVALID');
        }
        await expect(readdir(out)).rejects.toThrow();
      });
    },
  );
});

describe('divoc decode', () => {
  it('prints { input, format, payload } for each format; exit 0', async () => {
    await withTempDir(async (dir) => {
      const s = await setUp(dir);
      const out = join(dir, 'out');
      await run(issueArgs(s, out, ['--format', FORMATS, '--qr', 'png']));
      const [entry] = ndjson(await readFile(join(out, 'index.ndjson'), 'utf8')) as { certificateId: string }[];
      const id = entry!.certificateId;
      const inputs = [
        'json',
        'divoc-qr.txt',
        'divoc-qr.png',
        'vc-compact.txt',
        'dcc.txt',
        'dcc.png',
        'smart-health-card',
        'shc.txt',
        'vdsnc.json',
        'vdsnc.png',
      ].map((x) => join(out, `${id}.${x}`));
      const r = await run(['decode', '--json', ...inputs]);
      expect(r.code, r.stderr).toBe(0);
      const decoded = ndjson(r.stdout);
      expect(decoded.map((d) => d.format)).toEqual([
        'w3c-vc',
        'divoc-qr',
        'divoc-qr',
        'vc-compact',
        'dcc',
        'dcc',
        'shc',
        'shc',
        'vdsnc',
        'vdsnc',
      ]);
      const vc = decoded[0]?.payload as { credentialSubject: { name: string } };
      expect(vc.credentialSubject.name).toBe('Asha Verma');
      expect((decoded[1]?.payload as typeof vc).credentialSubject.name).toBe('Asha Verma');
      expect((decoded[3]?.payload as typeof vc).credentialSubject.name).toBe('Asha Verma');
      expect((decoded[4]?.payload as { nam: { fnt: string } }).nam.fnt).toBe('VERMA');
      expect(decoded[4]?.header).toMatchObject({ alg: 'ES256', iss: 'IN', type: 'v' });
      expect((decoded[6]?.payload as { iss: string }).iss).toBe(SHC_ISSUER);
      expect(decoded[6]?.header).toMatchObject({ alg: 'ES256', zip: 'DEF' });
      expect((decoded[8]?.payload as { data: { hdr: { t: string } } }).data.hdr.t).toBe('icao.vacc');
      expect(decoded[8]?.header).toMatchObject({ type: 'icao.vacc', issuingCountry: 'IND' });
      // Pretty output without --json.
      const pretty = await run(['decode', inputs[4] as string]);
      expect(pretty.stdout).toContain('\n  "format": "dcc",\n');
    });
  });

  it('does not verify: a tampered credential still decodes', async () => {
    const { vectorPath } = await import('./helpers.js');
    const r = await run([
      'decode',
      '--json',
      vectorPath('divoc/signed/rsa2018-tampered-invalid.json'),
      vectorPath('vdsnc/au-citizen-john-tampered-invalid.json'),
    ]);
    expect(r.code).toBe(0);
    expect(ndjson(r.stdout).map((d) => d.format)).toEqual(['w3c-vc', 'vdsnc']);
  });

  it(
    'a broken or unknown input gives { format: "unknown", error: { code, message } }, exit 1; ' + 'unreadable exit 2',
    async () => {
      await withTempDir(async (dir) => {
        await writeFile(join(dir, 'a.txt'), 'hello');
        await writeFile(join(dir, 'b.txt'), 'HC1:NCFOXN');
        const r = await run(['decode', '--json', join(dir, 'a.txt'), join(dir, 'b.txt')]);
        expect(r.code).toBe(1);
        const [a, b] = ndjson(r.stdout);
        expect(a).toMatchObject({ format: 'unknown', error: { code: 'ERR_INPUT_UNRECOGNIZED' } });
        expect(b).toMatchObject({ format: 'unknown', detected: 'dcc' });
        expect((b?.error as { code: string }).code).toMatch(/^ERR_DCC_/);
        const missing = await run(['decode', '--json', join(dir, 'missing.txt'), join(dir, 'a.txt')]);
        expect(missing.code).toBe(2);
        expect(ndjson(missing.stdout)[0]).toMatchObject({ format: 'unknown', error: { code: 'ERR_INPUT_UNREADABLE' } });
        expect((await run(['decode'])).code).toBe(2);
        expect((await run(['decode', '--bogus', 'x'])).code).toBe(2);
        expect((await run(['decode', '-', '-'])).code).toBe(2);
      });
    },
  );

  it('reads stdin', async () => {
    const r = await run(['decode', '--json', '-'], { stdin: 'DIVOC1:AB' });
    expect(r.code).toBe(1);
    expect(ndjson(r.stdout)[0]).toMatchObject({ input: '-', format: 'unknown', detected: 'vc-compact' });
  });
});
