/**
 * Issue 14: certificates in the scripts of the people who carry them. Each page is checked through its text layer
 * (pdftotext, poppler-utils) against the record as written (NFC), and rendered to PNG in /tmp/pdf-check/ (pdftoppm)
 * for a person to look at: conjuncts (क्ष, त्र, ශ්‍රී), reordered vowel signs (கொ, कि) and marks.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPdfMaker,
  isPdfError,
  parsePdfTemplate,
  PdfLocaleUnknownError,
  PDF_LOCALES,
  PDF_MESSAGES,
  type PdfInput,
} from '../src/index.js';

const poppler = spawnSync('pdftotext', ['-v']).status === 0 && spawnSync('pdftoppm', ['-v']).status === 0;
const PNG_DIR = '/tmp/pdf-check';

// The text-layer checks need poppler-utils (`.ci/run` installs it); without it they must fail, not skip.
it('pdftotext and pdftoppm are installed (Debian package poppler-utils)', () => {
  expect(poppler).toBe(true);
});

function input(name: string, extra: Record<string, unknown> = {}): PdfInput {
  return {
    certificateId: '244768056',
    record: {
      name,
      dob: '1994-09-01',
      gender: 'Female',
      refId: '12346',
      vaccine: 'Covishield',
      batch: '4121Z005',
      vaccinationDate: '2021-05-03T10:15:00.000Z',
      dose: '1',
      totalDoses: '2',
      facilityName: 'ABC Medical Center',
      ...extra,
    },
    issuer: 'https://divoc.example',
    issuanceDate: '2021-05-03',
    qr: { 'divoc-qr': 'QR payload' },
  };
}

/** The page's text as pdftotext reads it (whitespace runs folded), and a PNG of it in /tmp/pdf-check/. */
function textOf(pdf: Uint8Array, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'divoc-pdf-scripts-'));
  try {
    const file = join(dir, `${name}.pdf`);
    writeFileSync(file, pdf);
    mkdirSync(PNG_DIR, { recursive: true });
    writeFileSync(join(PNG_DIR, `${name}.pdf`), pdf);
    const png = spawnSync('pdftoppm', ['-r', '100', '-png', '-singlefile', file, join(PNG_DIR, name)]);
    expect(png.status, png.stderr.toString()).toBe(0);
    const out = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-']);
    expect(out.status, out.stderr.toString()).toBe(0);
    return out.stdout
      .toString('utf8')
      .normalize('NFC')
      .replace(/[ \t]+/g, ' ');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('names in Indic scripts are printed, shaped, and read back from the text layer', () => {
  const names: [string, string][] = [
    ['hindi', 'क्षत्रिय प्रिया किरण'],
    ['tamil', 'கொற்றவை செல்வி'],
    ['sinhala', 'ශ්‍රී ලංකා කුමාරි පෙරේරා'],
    ['bengali', 'সুচিত্রা সেন'],
  ];
  for (const [script, name] of names)
    it(`a ${script} name: the text layer has it as written (NFC), no warning`, async () => {
      const maker = await createPdfMaker({ cwd: '.' });
      const { pdf, warnings } = await maker.render(input(name));
      expect(warnings).toEqual([]);
      const text = textOf(pdf, `name-${script}`);
      expect(text).toContain(name.normalize('NFC'));
      expect(text).not.toContain('(see QR code)');
      // The English labels around it are unchanged.
      expect(text).toContain('Certificate for Vaccination');
      expect(text).toContain('Dose: 1 of 2');
    });

  it('a Latin name with a Devanagari one in the same value: both read back, in order', async () => {
    const maker = await createPdfMaker({ cwd: '.' });
    const { pdf, warnings } = await maker.render(input('Priya (प्रिया) Kiran'));
    expect(warnings).toEqual([]);
    expect(textOf(pdf, 'name-mixed')).toContain('Priya (प्रिया) Kiran');
  });

  it('--locale hi-IN,en prints every label in Hindi, then English; ta and si the same', async () => {
    const hindi = await createPdfMaker({ cwd: '.', locale: 'hi-IN,en' });
    const { pdf, warnings } = await hindi.render(input('प्रिया किरण'));
    expect(warnings).toEqual([]);
    const text = textOf(pdf, 'labels-hi-en');
    expect(text).toContain('टीकाकरण प्रमाणपत्र / Certificate for Vaccination');
    expect(text).toContain('लाभार्थी / Beneficiary');
    expect(text).toContain('खुराक / Dose: 2 में से 1 / 1 of 2');
    expect(text).toContain('प्रिया किरण');

    for (const [locale, file, label] of [
      [['ta', 'en'], 'labels-ta-en', 'தடுப்பூசி சான்றிதழ் / Certificate for Vaccination'],
      ['si-LK,ta-LK,en', 'labels-si-ta-en', 'එන්නත්කරණ සහතිකය / தடுப்பூசி சான்றிதழ் / Certificate for Vaccination'],
      ['bn', 'labels-bn', 'টিকাকরণ শংসাপত্র'],
    ] as const) {
      const maker = await createPdfMaker({ cwd: '.', locale });
      const page = await maker.render(input('ශ්‍රී කුමාරි'));
      expect(page.warnings).toEqual([]);
      expect(textOf(page.pdf, file)).toContain(label);
    }
  });

  it('a Thai or Ethiopic name warns WARN_PDF_GLYPH_MISSING with the fallback; a Tamil one does not', async () => {
    const seen: unknown[] = [];
    const maker = await createPdfMaker({ cwd: '.', onWarning: (w) => seen.push(w) });
    for (const [file, name, first] of [
      ['missing-thai', 'สมชาย ใจดี', 'U+0E2A'],
      ['missing-ethiopic', 'አበበ ቢቂላ', 'U+12A0'],
    ] as const) {
      const { pdf, warnings } = await maker.render(input(name));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ code: 'WARN_PDF_GLYPH_MISSING', field: 'name' });
      expect(warnings[0]?.codePoints[0]).toBe(first);
      expect(warnings[0]?.message).toContain('(see QR code)');
      const text = textOf(pdf, file);
      expect(text).toContain('(see QR code)');
      expect(text).not.toContain(name);
    }
    // make() hands the same warnings to onWarning.
    await maker.make(input('สมชาย'));
    expect(seen).toHaveLength(1);
    // Control: the same maker, a name its fonts have.
    const control = await maker.render(input('கொற்றவை'));
    expect(control.warnings).toEqual([]);
    expect(textOf(control.pdf, 'control-tamil')).toContain('கொற்றவை');
  });
});

describe('locales and message keys', () => {
  it('every shipped catalogue has every message the English one has, with the same placeholders', () => {
    const keys = Object.keys(PDF_MESSAGES.en as object).sort();
    expect(PDF_LOCALES).toEqual(expect.arrayContaining(['en', 'hi', 'ta', 'si']));
    for (const locale of PDF_LOCALES) {
      const catalogue = PDF_MESSAGES[locale] as Record<string, string>;
      expect(Object.keys(catalogue).sort()).toEqual(keys);
      for (const key of keys) {
        const fields = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
        expect(fields(catalogue[key] as string), `${locale}.${key}`).toEqual(
          fields((PDF_MESSAGES.en as Record<string, string>)[key] as string),
        );
      }
    }
  });

  it('an unknown locale is ERR_PDF_LOCALE_UNKNOWN naming the available ones; hi-IN and en are accepted', async () => {
    for (const locale of ['xx', 'hi-IN,zz', '', 'hi IN']) {
      const error = await createPdfMaker({ cwd: '.', locale }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PdfLocaleUnknownError);
      expect(isPdfError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_PDF_LOCALE_UNKNOWN', message: expect.stringContaining('en, hi') });
    }
    await expect(createPdfMaker({ cwd: '.', locale: 'hi-IN' })).resolves.toBeDefined();
    await expect(createPdfMaker({ cwd: '.', locale: ['EN'] })).resolves.toBeDefined();
  });

  it('a template naming an unknown {{@message}} is refused; a known one loads', () => {
    const template = (text: string) => ({
      version: 1,
      page: { size: 'A5' },
      texts: [{ text, x: 10, y: 10 }],
      qr: { x: 10, y: 100, size: 100 },
    });
    expect(() => parsePdfTemplate(template('{{@nope}}: {{name}}'))).toThrow(/unknown message \{\{@nope\}\}/);
    expect(() => parsePdfTemplate(template('{{@beneficiary}}: {{name}}'))).not.toThrow();
  });
});
