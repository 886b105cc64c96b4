/**
 * Issue 14: `divoc issue --pdf --locale LIST` prints the labels in those languages, names in Indic scripts in their
 * own fonts, and says on stderr (WARN_PDF_GLYPH_MISSING) when a name had to be printed as the fallback text. The
 * pages are read back with pdftotext (poppler-utils) where it is installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeyFiles, issueArgv, ndjson, run, withTempDir } from './helpers.js';

const poppler = spawnSync('pdftotext', ['-v']).status === 0;
const HEADER = 'refId,name,dob,gender,vaccine,manufacturer,batch,vaccinationDate,dose,totalDoses,facilityName,country';
const row = (id: string, name: string) =>
  `${id},${name},1990-04-12,Female,COVISHIELD,Serum Institute of India,4121Z025,2021-09-01,1,2,PHC Pune,IN`;

describe('divoc issue --pdf --locale', () => {
  it('hi-IN,en labels; Hindi, Tamil, Sinhala names printed; a Thai name warns on stderr, no other', async () => {
    await withTempDir(async (dir) => {
      const key = join(dir, 'k.json');
      await generateKeyFiles(key, join(dir, 'trust.json'));
      const input = join(dir, 'in.csv');
      const names = ['प्रिया क्षत्रिय', 'கொற்றவை', 'ශ්‍රී පෙරේරා', 'สมชาย'];
      await writeFile(input, [HEADER, ...names.map((n, i) => row(`R-${i}`, n))].join('\n') + '\n');
      const out = join(dir, 'out');
      const r = await run(issueArgv({ key, in: input, out }, '--format', 'vc', '--pdf', '--locale', 'hi-IN,en'));
      expect(r.code, r.stderr).toBe(0);
      // One warning, for the Thai name on line 5; none for the three names the shipped fonts cover.
      const warnings = r.stderr.split('\n').filter((l) => l.includes('WARN_PDF_GLYPH_MISSING'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^divoc: warning: line 5 \(.+\): \{\{name\}\}: no embedded font has U\+0E2A/);
      const index = ndjson(await readFile(join(out, 'index.ndjson'), 'utf8')) as { certificateId: string }[];
      expect(index).toHaveLength(4);
      if (!poppler) return;
      const text = (i: number) =>
        execFileSync('pdftotext', ['-enc', 'UTF-8', join(out, `${index[i]?.certificateId}.pdf`), '-'])
          .toString('utf8')
          .normalize('NFC');
      for (const [i, name] of names.slice(0, 3).entries()) {
        const page = text(i);
        expect(page).toContain(name.normalize('NFC'));
        expect(page).toContain('लाभार्थी / Beneficiary');
      }
      expect(text(3)).toContain('(see QR code)');
    });
  }, 60_000);

  it('an unknown locale is exit 2 (ERR_PDF_LOCALE_UNKNOWN) before any record; --locale needs --pdf', async () => {
    await withTempDir(async (dir) => {
      const key = join(dir, 'k.json');
      await generateKeyFiles(key, join(dir, 'trust.json'));
      const input = join(dir, 'in.csv');
      await writeFile(input, `${HEADER}\n${row('R-1', 'Asha')}\n`);
      const bad = await run(issueArgv({ key, in: input, out: join(dir, 'o1') }, '--pdf', '--locale', 'xx-YY'));
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('ERR_PDF_LOCALE_UNKNOWN');
      expect(bad.stderr).toContain('available: en, hi, ta, si, bn');
      const noPdf = await run(issueArgv({ key, in: input, out: join(dir, 'o2') }, '--locale', 'hi'));
      expect(noPdf.code).toBe(2);
      expect(noPdf.stderr).toContain('--locale');
      // Control: a known locale with --pdf issues.
      const ok = await run(issueArgv({ key, in: input, out: join(dir, 'o3') }, '--pdf', '--locale', 'ta-LK,en'));
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).not.toContain('WARN_PDF');
    });
  });
});
