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
import fontkit from '@pdf-lib/fontkit';
import { loadBundledFont, type BundledScript } from '../src/lib/fonts.js';
import { shapeBundled } from '../src/lib/layout.js';

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

/**
 * Glyph ids HarfBuzz gives for these words (Chromium 'print to PDF' of the same @fontsource 5.3.0 woff files keeps
 * the font's glyph ids; positions checked the same way): conjuncts, reph, ra-phala and ya-phala.
 */
const HARFBUZZ: [BundledScript, string, number[]][] = [
  ['Beng', 'রবীন্দ্রনাথ', [51, 47, 61, 337, 214, 312, 277, 44, 59, 41]],
  ['Beng', 'চন্দ্র', [30, 337, 214, 312, 277]],
  ['Beng', 'কেন্দ্র', [386, 25, 337, 214, 312, 277]],
  ['Beng', 'রাষ্ট্র', [51, 59, 183, 319, 274]],
  ['Beng', 'ত্র', [144]],
  ['Beng', 'সুচিত্রা', [55, 62, 352, 30, 144, 59]],
  ['Beng', 'কর্মকার', [25, 49, 122, 25, 59, 51]],
  ['Beng', 'শর্মা', [53, 49, 122, 59]],
  ['Beng', 'পূর্ণিমা', [45, 63, 352, 39, 122, 49, 59]],
  ['Beng', 'বিদ্যা', [60, 47, 42, 123, 59]],
  ['Beng', 'সত্য', [55, 40, 123]],
  // The reph stays in its own syllable (over ম), not over the ন before.
  ['Beng', 'নির্মল', [60, 44, 49, 122, 52]],
  ['Beng', 'জ্যোতির্ময়ী', [386, 32, 123, 59, 60, 40, 49, 122, 50, 57, 61]],
  // The word-initial e-kar (386, 388) at the start of a word only: কেন্দ্র above, not after ধ or ব.
  ['Beng', 'ধর্মেন্দ্র', [43, 66, 49, 122, 337, 214, 312, 277]],
  ['Beng', 'বন্দ্যোপাধ্যায়', [47, 385, 337, 42, 312, 123, 59, 45, 59, 43, 123, 59, 50, 57]],
  // HarfBuzz leaves glyph 5 (U+200B, blank, no advance) where the reph was; fontkit hides it as glyph 7 (space)
  // with no advance: the same on the page.
  ['Beng', 'কার্তিক', [25, 59, 60, 122, 40, 7, 25]],
  ['Deva', 'राष्ट्र', [82, 31, 464, 505]],
  ['Deva', 'इन्द्र', [7, 245, 306]],
  ['Deva', 'शर्मा', [85, 80, 31, 503]],
  ['Deva', 'पूर्णिमा', [76, 35, 593, 70, 759, 80, 31]],
  ['Deva', 'क्षत्रिय', [90, 542, 304, 81]],
  ['Taml', 'கொற்றவை', [46, 18, 41, 91, 32, 48, 36]],
  ['Taml', 'செல்வி', [46, 20, 92, 36, 165]],
  ['Sinh', 'ශ්‍රී', [350, 167]],
  ['Sinh', 'කුමාරි', [426, 53, 66, 284]],
  ['Sinh', 'පෙරේරා', [74, 49, 74, 218, 56, 66]],
];

describe('shaping matches HarfBuzz (glyph ids of the bundled regular fonts)', () => {
  for (const [script, word, ids] of HARFBUZZ)
    it(`${script} ${word}`, () => {
      expect(shapeBundled(script, word, false).layout.glyphs.map((g) => g.id)).toEqual(ids);
    });

  it('the ra-phala of ন্দ্র sits under the cluster (as HarfBuzz places it), not under the next letter', () => {
    const { layout } = shapeBundled('Beng', 'ন্দ্রনা', false);
    let pen = 0;
    const at = layout.positions.map((p) => {
      const x = pen + p.xOffset;
      pen += p.xAdvance;
      return [x, p.yOffset];
    });
    // HarfBuzz: ra-phala.alt09 at x 232, y -30 units; না starts at 867.
    expect(layout.glyphs.map((g) => g.id)).toEqual([337, 214, 312, 277, 44, 59]);
    expect(at[3]).toEqual([232, -30]);
    expect(at[4]).toEqual([867, 0]);
  });

  it('fontkit 1.1.1 left alone gets ন্দ্র, নির্মল and ধর্মে wrong and ত্র right: the repair is what changes it', () => {
    // The same font file, parsed again without repairFontkitLookups.
    const plain = fontkit.create(loadBundledFont('Beng', false).bytes);
    expect(plain.layout('ন্দ্র').glyphs.map((g) => g.id)).toEqual([337, 214, 312, 268]);
    // Two rephs, one over ন; and the word-initial e-kar inside the word.
    expect(plain.layout('নির্মল').glyphs.map((g) => g.id)).toEqual([60, 122, 44, 49, 122, 52]);
    expect(plain.layout('ধর্মে').glyphs.map((g) => g.id)).toEqual([43, 386, 49, 122]);
    expect(shapeBundled('Beng', 'ধর্মে', false).layout.glyphs.map((g) => g.id)).toEqual([43, 66, 49, 122]);
    // Control: a two-consonant cluster, which needs no backtrack of two glyphs.
    expect(plain.layout('ত্র').glyphs.map((g) => g.id)).toEqual([144]);
    expect(shapeBundled('Beng', 'ন্দ্র', false).layout.glyphs.map((g) => g.id)).toEqual([337, 214, 312, 277]);
  });

  it('saving a page (its font subset) does not change how later text is shaped; fontkit alone does', async () => {
    const ids = (font: { layout(text: string): { glyphs: { id: number }[] } }, text: string) =>
      font.layout(text).glyphs.map((g) => g.id);
    const subsetOf = async (font: ReturnType<typeof fontkit.create>, text: string) => {
      const subset = font.createSubset();
      for (const glyph of font.layout(text).glyphs) subset.includeGlyph(glyph);
      // What pdf-lib does when it saves a page: the subset is encoded (glyph outlines and their parts read).
      const stream = subset.encodeStream();
      await new Promise<void>((done) => {
        stream.on('data', () => undefined);
        stream.on('end', () => done());
      });
    };
    // Bold, as names are printed. র's outline is ব's plus a dot: the subset asks for ব as its part.
    const expected = [60, 47, 42, 123, 59];
    const plain = fontkit.create(loadBundledFont('Beng', true).bytes);
    expect(ids(plain, 'বিদ্যা')).toEqual(expected);
    const fresh = fontkit.create(loadBundledFont('Beng', true).bytes);
    await subsetOf(fresh, 'কর');
    // Without the cache: ি stays after ব, with a dotted circle (glyph 6) before it.
    expect(ids(fresh, 'বিদ্যা')).toEqual([47, 60, 6, 42, 123, 59]);
    // Ours, after a whole page with র was made and saved.
    const maker = await createPdfMaker({ cwd: '.' });
    await maker.render(input('টিকাকরণ শংসাপত্র'));
    expect(shapeBundled('Beng', 'বিদ্যা', true).layout.glyphs.map((g) => g.id)).toEqual(expected);
  });

  it('the names print with the repaired shaping (PNG in /tmp/pdf-check/ to look at)', async () => {
    const maker = await createPdfMaker({ cwd: '.' });
    const name = 'রবীন্দ্রনাথ কর্মকার বিদ্যা';
    const { pdf, warnings } = await maker.render(input(name));
    expect(warnings).toEqual([]);
    expect(textOf(pdf, 'name-bengali-conjuncts')).toContain(name);
  });
});
