/**
 * The bulk engine in-process (the main-thread executor: vitest runs the TypeScript sources, where no worker script
 * exists; the built worker threads are exercised by issue-bulk-resume.test.ts): crash recovery at each step,
 * mapping files, `divoc sample` input, JSON events, the output lock and printable PDFs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { ASHA_P1, FIXTURES, generateKeyFiles, issueArgv, ndjson, run, withTempDir } from './helpers.js';

const CSV = join(FIXTURES, 'records.csv');

async function key(dir: string): Promise<string> {
  const file = join(dir, 'k.json');
  await generateKeyFiles(file, join(dir, 'trust.json'));
  return file;
}

const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter(Boolean);

describe('divoc issue: journal and crash recovery', () => {
  async function issuedRun(dir: string) {
    const k = await key(dir);
    const out = join(dir, 'out');
    // One record per batch: one begin and one done line per record, so a crash can be simulated record by record.
    const argv = issueArgv({ key: k, in: CSV, out }, '--format', 'vc,vc-compact', '--qr', 'svg', '--batch-size', '1');
    const r = await run(argv);
    expect(r.stdout).toContain('issued 3, skipped 0, failed 3');
    return { out, argv, journal: join(out, '.divoc-journal.ndjson'), index: join(out, 'index.ndjson') };
  }

  /**
   * A crash before the last record's done line: drops that line from the journal and the record's index line; returns
   * the record's index entry.
   */
  async function forgetLastDone(journal: string, index: string) {
    const last = JSON.parse((await lines(index)).at(-1) as string) as { certificateId: string; files: string[] };
    await writeFile(
      journal,
      (await lines(journal))
        .filter((l) => !(l.startsWith('{"t":"done"') && l.includes(last.certificateId)))
        .join('\n') + '\n',
    );
    await writeFile(index, `${(await lines(index)).slice(0, -1).join('\n')}\n`);
    return last;
  }

  const checkExactlyOnce = async (out: string) => {
    const index = ndjson(await readFile(join(out, 'index.ndjson'), 'utf8')) as {
      certificateId: string;
      files: string[];
      formats: string[];
    }[];
    const byId = new Map<string, string[]>();
    for (const e of index) byId.set(e.certificateId, [...(byId.get(e.certificateId) ?? []), ...e.formats]);
    expect([...byId.values()].map((f) => f.sort())).toEqual([0, 1, 2].map(() => ['vc-compact', 'w3c-vc']));
    for (const e of index) for (const f of e.files) expect(existsSync(join(out, f)), f).toBe(true);
    const names = await readdir(out);
    expect(names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))).toHaveLength(3);
    expect(names.filter((n) => n.endsWith('.svg'))).toHaveLength(3);
    for (const n of names.filter((x) => x.endsWith('.json'))) JSON.parse(await readFile(join(out, n), 'utf8'));
    expect(names).not.toContain('.divoc-tmp');
    expect(names).not.toContain('.divoc-lock');
    return index;
  };

  it('crash after the temporary write: temporaries are discarded, the record is issued again', async () => {
    await withTempDir(async (dir) => {
      const { out, argv, journal, index } = await issuedRun(dir);
      const [, ...rest] = await lines(index);
      // State: begin journaled, temps written, nothing renamed, no done line, no index line.
      const last = await forgetLastDone(journal, index);
      for (const f of last.files) await rm(join(out, f));
      await mkdir(join(out, '.divoc-tmp'), { recursive: true });
      await writeFile(join(out, '.divoc-tmp', `1-1-1-${last.certificateId}.json`), '{"half": ');
      expect(rest).toHaveLength(2);
      const r = await run(argv);
      expect(r.stdout).toContain('issued 1, skipped 2, failed 3');
      const entries = await checkExactlyOnce(out);
      expect(entries).toHaveLength(3);
    });
  });

  it('crash after the renames, before the journal append: recovery journals and indexes it once', async () => {
    await withTempDir(async (dir) => {
      const { out, argv, journal, index } = await issuedRun(dir);
      await forgetLastDone(journal, index);
      const r = await run([...argv, '--json']);
      const start = ndjson(r.stdout)[0] as { recovery: { recovered: number } };
      expect(start.recovery.recovered).toBe(1);
      const done = ndjson(r.stdout).at(-1);
      expect(done).toMatchObject({ event: 'done', issued: 0, skipped: 3, failed: 3 });
      expect(await checkExactlyOnce(out)).toHaveLength(3);
    });
  });

  it(
    'crash mid-record: one format done, the other only half-written (side file renamed, ' + 'main file missing)',
    async () => {
      await withTempDir(async (dir) => {
        const { out, argv, journal, index } = await issuedRun(dir);
        const last = await forgetLastDone(journal, index);
        await rm(join(out, `${last.certificateId}.vc-compact.txt`));
        await writeFile(join(out, `${last.certificateId}.vc-compact.svg`), '<svg>stale</svg>');
        const r = await run(argv);
        // The VC was finished (journaled by recovery); the compact QR is made again from that same VC.
        expect(r.stdout).toContain('issued 1, skipped 2, failed 3');
        const entries = await checkExactlyOnce(out);
        expect(entries.filter((e) => e.certificateId === last.certificateId).map((e) => e.formats)).toEqual([
          ['w3c-vc'],
          ['vc-compact'],
        ]);
        expect(await readFile(join(out, `${last.certificateId}.vc-compact.svg`), 'utf8')).not.toContain('stale');
        const decoded = ndjson(
          (await run(['decode', '--json', join(out, `${last.certificateId}.vc-compact.txt`)])).stdout,
        )[0];
        expect(decoded?.payload).toEqual(JSON.parse(await readFile(join(out, `${last.certificateId}.json`), 'utf8')));
      });
    },
  );

  it(
    'crash between the journal and the index append, torn last lines: ' + 'the index is repaired without duplicates',
    async () => {
      await withTempDir(async (dir) => {
        const { out, argv, journal, index } = await issuedRun(dir);
        await writeFile(index, `${(await lines(index)).slice(0, -1).join('\n')}\n{"line":8,"recordI`);
        await writeFile(journal, `${await readFile(journal, 'utf8')}{"t":"done","items":[{"li`);
        const r = await run([...argv, '--json']);
        const start = ndjson(r.stdout)[0] as { recovery: Record<string, number> };
        expect(start.recovery).toMatchObject({ indexRepaired: 1, tornLines: 2, recovered: 0 });
        expect(ndjson(r.stdout).at(-1)).toMatchObject({ issued: 0, skipped: 3 });
        expect(await checkExactlyOnce(out)).toHaveLength(3);
        // And once more: nothing changes.
        await run(argv);
        expect(await checkExactlyOnce(out)).toHaveLength(3);
      });
    },
  );

  it('an output folder in use by a live process is refused (exit 2); a stale lock is taken over', async () => {
    await withTempDir(async (dir) => {
      const k = await key(dir);
      const out = join(dir, 'out');
      await mkdir(out);
      const { hostname } = await import('node:os');
      // pid 1 is alive (and not us).
      await writeFile(join(out, '.divoc-lock'), JSON.stringify({ pid: 1, host: hostname() }));
      const argv = issueArgv({ key: k, in: CSV, out });
      const locked = await run(argv);
      expect(locked.code).toBe(2);
      expect(locked.stderr).toContain('ERR_OUTPUT_LOCKED');
      await writeFile(join(out, '.divoc-lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }));
      const r = await run(argv);
      expect(r.stdout).toContain('issued 3');
      expect(existsSync(join(out, '.divoc-lock'))).toBe(false);
    });
  });
});

describe('divoc issue: mapping files and divoc sample input', () => {
  it('a registry export with its own column names and date formats, through a mapping file', async () => {
    await withTempDir(async (dir) => {
      const k = await key(dir);
      await writeFile(
        join(dir, 'export.csv'),
        'Beneficiary ID;Full Name;Birth Date;Sex;Aadhaar;Vaccine Name;Dose No;Of;Vaccinated At;Centre\n'.replaceAll(
          ';',
          ',',
        ) +
          'B-1,Asha Verma,12/04/1990,F,did:in.gov.uidai.aadhaar:111122223333,COVISHIELD,1,2,' +
          '01-09-2021 10:15,PHC Pune\n' +
          'B-2,Ravi Kumar,44378,M,did:in.gov.uidai.aadhaar:444455556666,Covaxin,2,2,02-09-2021 11:00,PHC Hebbal\n' +
          'B-3,Bad Date,31/02/1990,M,did:in.gov.uidai.aadhaar:777788889999,Covaxin,1,2,02-09-2021 11:00,PHC\n',
      );
      await writeFile(
        join(dir, 'mapping.json'),
        JSON.stringify({
          version: 1,
          fields: {
            refId: 'Beneficiary ID',
            name: 'Full Name',
            dob: { column: 'Birth Date', formats: ['DD/MM/YYYY', 'excel'] },
            gender: { column: 'Sex', values: { F: 'Female', M: 'Male' } },
            identity: 'Aadhaar',
            vaccine: 'Vaccine Name',
            dose: 'Dose No',
            totalDoses: 'Of',
            vaccinationDate: { column: 'Vaccinated At', formats: ['DD-MM-YYYY HH:mm'], timeZone: 'Asia/Kolkata' },
            facilityName: 'Centre',
            country: { value: 'IN' },
          },
        }),
      );
      const out = join(dir, 'out');
      const r = await run(
        issueArgv({ key: k, in: join(dir, 'export.csv'), out }, '--mapping', join(dir, 'mapping.json')),
      );
      expect(r.stdout, r.stderr).toContain('issued 2, skipped 0, failed 1');
      const errors = ndjson(await readFile(join(out, 'errors.ndjson'), 'utf8'));
      expect(errors).toEqual([
        { line: 4, recordId: 'B-3', errors: [{ field: 'dob', reason: expect.stringContaining('"Birth Date"') }] },
      ]);
      const index = ndjson(await readFile(join(out, 'index.ndjson'), 'utf8')) as {
        recordId: string;
        certificateId: string;
      }[];
      const vc = JSON.parse(await readFile(join(out, `${index[0]?.certificateId}.json`), 'utf8')) as {
        credentialSubject: Record<string, unknown>;
        evidence: Record<string, unknown>[];
      };
      expect(vc.credentialSubject).toMatchObject({ name: 'Asha Verma', gender: 'Female', refId: 'B-1' });
      expect(vc.evidence[0]).toMatchObject({ date: '2021-09-01T04:45:00.000Z', dose: 1, totalDoses: 2 });
      const v = await run(['verify', '--trust', join(dir, 'trust.json'), join(out, `${index[1]?.certificateId}.json`)]);
      expect(v.code, v.stdout).toBe(0);

      // A broken mapping file is exit 2 before anything is written.
      await writeFile(
        join(dir, 'bad.json'),
        JSON.stringify({ version: 1, fields: { dob: { column: 'D', formats: ['DD/MM'] } } }),
      );
      const bad = await run(
        issueArgv({ key: k, in: join(dir, 'export.csv'), out: join(dir, 'out2') }, '--mapping', join(dir, 'bad.json')),
      );
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('ERR_MAPPING_INVALID');
      expect(existsSync(join(dir, 'out2'))).toBe(false);
    });
  });

  it('divoc sample output is read with --template vaccination and no mapping; every bad row is reported', async () => {
    await withTempDir(async (dir) => {
      const k = await key(dir);
      for (const format of ['csv', 'ndjson', 'json'] as const) {
        const file = join(dir, `sample.${format}`);
        const s = await run([
          'sample',
          '--rows',
          '120',
          '--out',
          file,
          '--seed',
          'unit',
          '--bad-ratio',
          '0.1',
          '--json',
        ]);
        expect(s.code, s.stderr).toBe(0);
        const stats = JSON.parse(s.stdout) as { good: number; bad: number };
        expect(stats).toMatchObject({ good: 108, bad: 12 });
        const out = join(dir, `out-${format}`);
        const r = await run(issueArgv({ key: k, in: file, out }, '--suite', 'Ed25519Signature2018'));
        expect(r.stdout, r.stderr).toContain('issued 108, skipped 0, failed 12');
        const errors = ndjson(await readFile(join(out, 'errors.ndjson'), 'utf8')) as { errors: { field: string }[] }[];
        expect(errors.map((e) => e.errors[0]?.field).sort()).toEqual([
          'dose',
          'dose',
          'dose',
          'name',
          'name',
          'name',
          'vaccinationDate',
          'vaccinationDate',
          'vaccinationDate',
          'vaccine',
          'vaccine',
          'vaccine',
        ]);
      }
      // Same seed, same bytes.
      await run(['sample', '--rows', '120', '--out', join(dir, 'again.csv'), '--seed', 'unit', '--bad-ratio', '0.1']);
      expect(await readFile(join(dir, 'again.csv'), 'utf8')).toBe(await readFile(join(dir, 'sample.csv'), 'utf8'));
      for (const argv of [
        ['sample'],
        ['sample', '--rows', '0', '--out', 'x'],
        ['sample', '--rows', '10', '--out', 'x', '--bad-ratio', '2'],
        ['sample', '--rows', 'ten', '--out', 'x'],
      ]) {
        expect((await run(argv, { cwd: dir })).code, argv.join(' ')).toBe(2);
      }
    });
  });
});

describe('divoc issue --pdf', () => {
  it(
    'writes a one-page PDF per record that pdf-lib loads back, with the QR; Unicode names; ' + 'custom templates',
    async () => {
      await withTempDir(async (dir) => {
        const k = await key(dir);
        const input = join(dir, 'in.ndjson');
        await writeFile(
          input,
          [
            { ...ASHA_P1, facilityName: 'PHC Pune' },
            {
              refId: 'P-2',
              name: 'Анна Иванова',
              dob: '1985-01-02',
              vaccine: 'Sputnik V',
              vaccinationDate: '2021-09-02',
              dose: 1,
              totalDoses: 2,
            },
            {
              refId: 'P-3',
              name: 'आशा वर्मा',
              dob: '1991-04-12',
              vaccine: 'Covaxin',
              vaccinationDate: '2021-09-03',
              dose: 2,
              totalDoses: 2,
            },
          ]
            .map((r) => JSON.stringify(r))
            .join('\n'),
        );
        const out = join(dir, 'out');
        const r = await run(issueArgv({ key: k, in: input, out }, '--format', 'vc,vc-compact', '--pdf'));
        expect(r.code, r.stdout + r.stderr).toBe(0);
        const index = ndjson(await readFile(join(out, 'index.ndjson'), 'utf8')) as {
          certificateId: string;
          files: string[];
          formats: string[];
        }[];
        expect(index.map((e) => e.formats)).toEqual([0, 1, 2].map(() => ['w3c-vc', 'vc-compact', 'pdf']));
        for (const e of index) {
          const bytes = await readFile(join(out, `${e.certificateId}.pdf`));
          expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
          const doc = await PDFDocument.load(bytes);
          expect(doc.getPageCount()).toBe(1);
          expect(doc.getTitle()).toBe(`Certificate ${e.certificateId}`);
          expect(bytes.length).toBeLessThan(200_000);
        }
        // Rendering it (where poppler is installed) proves viewers can draw it; the QR is read back from the render.
        let pdftoppm = false;
        try {
          execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
          pdftoppm = true;
        } catch {
          pdftoppm = false;
        }
        if (pdftoppm) {
          const first = index[0]!.certificateId;
          execFileSync('pdftoppm', ['-png', '-r', '100', '-singlefile', join(out, `${first}.pdf`), join(dir, 'page')]);
          const { readQrFromImage } = await import('@divoc/qr/image');
          const read = await readQrFromImage(await readFile(join(dir, 'page.png')));
          expect(read).toBe((await readFile(join(out, `${first}.vc-compact.txt`), 'utf8')).trim());
        }
        // Rerun with --pdf: nothing new. Adding --pdf later only writes the PDFs.
        expect(
          (await run(issueArgv({ key: k, in: input, out }, '--format', 'vc,vc-compact', '--pdf'))).stdout,
        ).toContain('issued 0, skipped 3');

        const template = {
          version: 1,
          page: { width: 400, height: 300 },
          fallbackText: '[see QR]',
          texts: [{ text: 'Name: {{name}} · {{nope|refId}}', x: 20, y: 40, size: 12 }],
          qr: { x: 200, y: 60, size: 180, payload: ['vc-compact'] },
        };
        await writeFile(join(dir, 'layout.json'), JSON.stringify(template));
        const out2 = join(dir, 'out2');
        const custom = await run(
          issueArgv({ key: k, in: input, out: out2 }, '--pdf', '--pdf-template', join(dir, 'layout.json')),
        );
        expect(custom.code, custom.stderr).toBe(0);
        const doc = await PDFDocument.load(
          await readFile(
            join(
              out2,
              (ndjson(await readFile(join(out2, 'index.ndjson'), 'utf8'))[0] as { certificateId: string })
                .certificateId + '.pdf',
            ),
          ),
        );
        expect(doc.getPage(0).getSize()).toEqual({ width: 400, height: 300 });

        // A bad template is exit 2 before anything is issued.
        await writeFile(join(dir, 'bad.json'), JSON.stringify({ ...template, qr: { x: 300, y: 60, size: 180 } }));
        const bad = await run(
          issueArgv({ key: k, in: input, out: join(dir, 'out3') }, '--pdf', '--pdf-template', join(dir, 'bad.json')),
        );
        expect(bad.code).toBe(2);
        expect(bad.stderr).toContain('ERR_PDF_TEMPLATE_INVALID');
        expect(
          (await run(issueArgv({ key: k, in: input, out }, '--pdf-template', join(dir, 'layout.json')))).code,
        ).toBe(2);
      });
    },
    60_000,
  );

  it('fillText: placeholders, fallbacks for unprintable values', async () => {
    const { fillText, parsePdfTemplate, DEFAULT_PDF_TEMPLATE } = await import('@divoc/pdf');
    const printable = (v: string) => !/[\u0900-\u097f]/.test(v);
    expect(fillText('Name: {{name}}, born {{dob|age}}{{missing}}', { name: 'Asha', age: '31' }, printable, '?')).toBe(
      'Name: Asha, born 31',
    );
    expect(fillText('{{ name }}', { name: 'आशा' }, printable, '(see QR code)')).toBe('(see QR code)');
    expect(fillText('{{__proto__}}{{constructor}}', {}, printable, '?')).toBe('');
    expect(() => parsePdfTemplate(DEFAULT_PDF_TEMPLATE)).not.toThrow();
    expect(() =>
      parsePdfTemplate({ version: 1, page: { size: 'B9' }, texts: [], qr: { x: 0, y: 0, size: 100 } }),
    ).toThrow(/page.size/);
    expect(() =>
      parsePdfTemplate({
        version: 1,
        page: { size: 'A4' },
        texts: [{ text: 'x', x: -1, y: 0 }],
        qr: { x: 0, y: 0, size: 100 },
      }),
    ).toThrow(/texts\[0\]\.x/);
    expect(() =>
      parsePdfTemplate({
        version: 1,
        page: { size: 'A4' },
        texts: [],
        qr: { x: 0, y: 0, size: 100, payload: 'w3c-vc' },
      }),
    ).toThrow(/payload/);
  });
});
