/**
 * Text on the page in several scripts: each line is split into runs of one font (Helvetica for what WinAnsi
 * encodes, the template's own Unicode font, the bundled Noto font of the script, a system font), and each run is
 * shaped and placed on its own.
 *
 * Runs in a bundled font are shaped by fontkit (conjuncts, reordered and split vowel signs, GPOS mark positions) and
 * drawn glyph by glyph at the positions fontkit gives: pdf-lib's own drawText keeps the substituted glyphs but drops
 * their positions. Each such run is wrapped in a marked-content span whose /ActualText is the text as written, so
 * copy-paste and text extraction read "कि", not the visual order "िक".
 */
import fontkit, { type Font, type Glyph, type GlyphRun } from '@pdf-lib/fontkit';
import {
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFOperator,
  PDFOperatorNames,
  StandardFonts,
  beginText,
  endMarkedContent,
  endText,
  rgb,
  setFillingRgbColor,
  setFontAndSize,
  setTextMatrix,
  showText,
  type PDFFont,
  type PDFPage,
} from 'pdf-lib';
import { BUNDLED_SCRIPTS, bundledScriptOf, loadBundledFont, parsedFont, type BundledScript } from './fonts.js';

/** A font a run can be set in. */
export type Face =
  { kind: 'standard' } | { kind: 'unicode'; which: 'template' | 'system' } | { kind: 'bundled'; script: BundledScript };

export interface Run {
  face: Face;
  text: string;
}

/** A Unicode TrueType font given by the caller or found on the system. */
export interface UnicodeFont {
  bytes: Uint8Array;
  font: Font;
}

// Characters WinAnsiEncoding (Helvetica) has: Latin-1 and the cp1252 extras.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
export function winAnsiChar(ch: string): boolean {
  const cp = ch.codePointAt(0) as number;
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || WIN_ANSI_EXTRA.has(ch);
}

/** What pdf-lib 1.17.1 (pinned) keeps in a subset font's embedder: the glyphs a page uses, renumbered. */
interface SubsetEmbedder {
  subset: { includeGlyph(glyph: Glyph): number };
  glyphs: Glyph[];
  glyphIdMap: Map<number, number>;
  glyphCache: { invalidate(): void };
}

/**
 * The code a glyph fontkit shaped has in the embedded font: its id when the font is embedded whole, else its id in
 * the subset. pdf-lib only adds glyphs to a subset through its own encodeText, which shapes the text again with its
 * default script (and so cannot take the Sinhala fallback below): this does what that method does with each glyph.
 */
function glyphCode(font: PDFFont, glyph: Glyph, subset: boolean): number {
  if (!subset) return glyph.id;
  const embedder = (font as unknown as { embedder: Partial<SubsetEmbedder> }).embedder;
  if (!embedder.subset || !embedder.glyphs || !embedder.glyphIdMap || !embedder.glyphCache)
    throw new Error('pdf-lib is not the version this package was written for (1.17.1)');
  const id = embedder.subset.includeGlyph(glyph);
  embedder.glyphs[id - 1] = glyph;
  embedder.glyphIdMap.set(glyph.id, id);
  embedder.glyphCache.invalidate();
  return id;
}

/**
 * Bundled fonts are subset like other embedded fonts (fontkit keeps the glyphs a run uses: shaping happens before),
 * except Sinhala: its subset renders only some glyphs (seen with pdftoppm), so the Sinhala font is embedded whole.
 */
const SUBSET: Record<BundledScript, boolean> = { Deva: true, Beng: true, Taml: true, Sinh: false };

// What fontkit's Universal shaper applies to Sinhala, for the fallback below.
const SINHALA_FEATURES = [
  'ccmp',
  'locl',
  'akhn',
  'rphf',
  'pref',
  'rkrf',
  'abvf',
  'blwf',
  'half',
  'pstf',
  'vatu',
  'cjct',
];
SINHALA_FEATURES.push('abvs', 'blws', 'pres', 'psts', 'dist', 'abvm', 'blwm', 'haln');
const SINHALA_CONSONANT = /[\u0d9a-\u0dc6]/;

/**
 * fontkit 1.1.1's Universal shaper (used for Sinhala) throws on a vowel sign followed by al-lakuna, which is how the
 * split vowels ේ and ෝ decompose ("Cannot read properties of null (reading 'syllable')"). For such text this does
 * the shaper's reordering itself: decompose (NFD), move each kombuva (ෙ, ෛ) before its consonant cluster (consonants
 * joined by al-lakuna and ZWJ), then apply the same GSUB features through the font's DFLT script, which holds the
 * Sinhala lookups in the Noto font (checked: the same glyphs as the shaper for text it does not throw on).
 */
function sinhalaFallback(font: Font, text: string) {
  const chars = [...text.normalize('NFD')];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] !== '\u0dd9' && chars[i] !== '\u0ddb') continue;
    let start = i;
    while (start > 0 && SINHALA_CONSONANT.test(chars[start - 1] as string)) {
      start--;
      // Back over "al-lakuna (ZWJ)" to the consonant before it.
      let k = start - 1;
      if (chars[k] === '\u200d') k--;
      if (chars[k] === '\u0dca' && k > 0 && SINHALA_CONSONANT.test(chars[k - 1] as string)) start = k;
      else break;
    }
    const [sign] = chars.splice(i, 1);
    chars.splice(start, 0, sign as string);
  }
  // fontkit's layout takes a script tag third (its typings leave it out): DFLT picks the default shaper.
  const layout = font.layout.bind(font) as (text: string, features: string[], script: string) => GlyphRun;
  return layout(chars.join(''), SINHALA_FEATURES, 'DFLT');
}

/** fontkit's glyphs and positions for text in a bundled font (exported for the tests). */
export function shapeBundled(script: BundledScript, text: string, bold: boolean): { font: Font; layout: GlyphRun } {
  const font = loadBundledFont(script, bold).font;
  if (script !== 'Sinh') return { font, layout: font.layout(text) };
  // Where it does not throw on those, it may split the syllable and insert a dotted circle (seen: "කේතය").
  if (/[\u0dda\u0ddd]|[\u0dd9\u0ddc]\u0dca/.test(text)) return { font, layout: sinhalaFallback(font, text) };
  try {
    return { font, layout: font.layout(text) };
  } catch {
    return { font, layout: sinhalaFallback(font, text) };
  }
}

const shape = (run: Run & { face: { kind: 'bundled' } }, bold: boolean) =>
  shapeBundled(run.face.script, run.text, bold);

const sameFace = (a: Face, b: Face) =>
  a.kind === b.kind &&
  (a.kind !== 'unicode' || a.which === (b as typeof a).which) &&
  (a.kind !== 'bundled' || a.script === (b as typeof a).script);

/** Chooses fonts for characters; one per maker (fonts are read once). */
export class FontChooser {
  constructor(
    private readonly template: UnicodeFont | undefined,
    private readonly system: () => UnicodeFont | undefined,
  ) {}

  unicode(which: 'template' | 'system'): UnicodeFont | undefined {
    return which === 'template' ? this.template : this.system();
  }

  covers(face: Face, ch: string, bold: boolean): boolean {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x20) return false;
    if (face.kind === 'standard') return winAnsiChar(ch);
    const font = face.kind === 'bundled' ? loadBundledFont(face.script, bold).font : this.unicode(face.which)?.font;
    return font?.hasGlyphForCodePoint(cp) ?? false;
  }

  /** The first font that has the character, in order of preference; undefined when none has. */
  choose(ch: string, bold: boolean): Face | undefined {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x20) return undefined;
    if (winAnsiChar(ch)) return { kind: 'standard' };
    const candidates: Face[] = [{ kind: 'unicode', which: 'template' }];
    const script = bundledScriptOf(cp);
    if (script) candidates.push({ kind: 'bundled', script });
    candidates.push({ kind: 'unicode', which: 'system' });
    for (const s of BUNDLED_SCRIPTS) if (s !== script) candidates.push({ kind: 'bundled', script: s });
    return candidates.find((face) => this.covers(face, ch, bold));
  }

  /**
   * Splits text into runs of one font. A character of no script of its own (space, digit, punctuation, ZWJ, danda)
   * stays in the run it follows when that font has it, so a name is shaped as one piece. Characters no font has are
   * returned in `missing` and left out of the runs.
   */
  split(text: string, bold: boolean): { runs: Run[]; missing: string[] } {
    const runs: Run[] = [];
    const missing: string[] = [];
    for (const ch of text) {
      const last = runs[runs.length - 1];
      const neutral = !/[\p{Script=Latin}]/u.test(ch) && bundledScriptOf(ch.codePointAt(0) as number) === undefined;
      let face: Face | undefined;
      if (last && last.face.kind !== 'standard' && neutral && this.covers(last.face, ch, bold)) face = last.face;
      else if (last && bundledScriptOf(ch.codePointAt(0) as number) !== undefined && this.covers(last.face, ch, bold))
        face = last.face;
      else face = this.choose(ch, bold);
      if (!face) {
        if (!missing.includes(ch)) missing.push(ch);
        continue;
      }
      if (last && sameFace(last.face, face)) last.text += ch;
      else runs.push({ face, text: ch });
    }
    return { runs, missing };
  }
}

/**
 * pdf-lib parses each font it embeds again, in every document, and shapes text with that copy: parsing GSUB/GPOS of
 * an Indic font for every page made a page 15 times slower than a Latin one. This hands it the font already parsed
 * (fontkit fonts are not changed by layout or by making a subset).
 */
const sharedFontkit = {
  create(bytes: Uint8Array, postscriptName?: string): Font {
    return parsedFont(bytes) ?? fontkit.create(bytes, postscriptName);
  },
};

/** The fonts of one PDF document, embedded when first used. */
export class PageWriter {
  private readonly embedded = new Map<string, PDFFont>();
  private fontkitRegistered = false;

  constructor(
    private readonly doc: PDFDocument,
    private readonly page: PDFPage,
    private readonly chooser: FontChooser,
  ) {}

  private async pdfFont(face: Face, bold: boolean): Promise<PDFFont> {
    const key =
      face.kind === 'standard'
        ? `standard/${bold}`
        : face.kind === 'unicode'
          ? `unicode/${face.which}`
          : `bundled/${face.script}/${bold}`;
    let font = this.embedded.get(key);
    if (font) return font;
    if (face.kind === 'standard')
      font = await this.doc.embedFont(bold ? StandardFonts.HelveticaBold : StandardFonts.Helvetica);
    else {
      if (!this.fontkitRegistered) {
        this.doc.registerFontkit(sharedFontkit);
        this.fontkitRegistered = true;
      }
      if (face.kind === 'unicode') {
        const unicode = this.chooser.unicode(face.which);
        if (!unicode) throw new Error('unreachable: a run in a font that is not there');
        font = await this.doc.embedFont(unicode.bytes, { subset: true });
      } else font = await this.doc.embedFont(loadBundledFont(face.script, bold).bytes, { subset: SUBSET[face.script] });
    }
    this.embedded.set(key, font);
    return font;
  }

  /** Width of a run in points. */
  async width(run: Run, size: number, bold: boolean): Promise<number> {
    if (run.face.kind === 'bundled') {
      const { font, layout } = shape(run as Run & { face: { kind: 'bundled' } }, bold);
      return (layout.positions.reduce((sum, p) => sum + p.xAdvance, 0) * size) / font.unitsPerEm;
    }
    return (await this.pdfFont(run.face, bold)).widthOfTextAtSize(run.text, size);
  }

  async widthOf(runs: readonly Run[], size: number, bold: boolean): Promise<number> {
    let sum = 0;
    for (const run of runs) sum += await this.width(run, size, bold);
    return sum;
  }

  /** Draws runs from (x, y) (PDF coordinates, baseline); returns the width drawn. */
  async draw(
    runs: readonly Run[],
    x: number,
    y: number,
    size: number,
    bold: boolean,
    color: [number, number, number],
  ): Promise<number> {
    let at = x;
    for (const run of runs) {
      const font = await this.pdfFont(run.face, bold);
      if (run.face.kind !== 'bundled') {
        this.page.drawText(run.text, { x: at, y, size, font, color: rgb(...color) });
        at += font.widthOfTextAtSize(run.text, size);
        continue;
      }
      const { font: face, layout } = shape(run as Run & { face: { kind: 'bundled' } }, bold);
      const subset = SUBSET[run.face.script];
      const hex = layout.glyphs.map((g) => glyphCode(font, g, subset).toString(16).padStart(4, '0')).join('');
      const scale = size / face.unitsPerEm;
      const key = this.page.node.newFontDictionary(font.name, font.ref);
      // pdf-lib's operator types leave out dictionaries, which BDC takes (and which serialise like any object).
      const props = this.doc.context.obj({ ActualText: PDFHexString.fromText(run.text) }) as unknown as PDFName;
      const ops: PDFOperator[] = [
        PDFOperator.of(PDFOperatorNames.BeginMarkedContentSequence, [PDFName.of('Span'), props]),
        beginText(),
        setFillingRgbColor(...color),
        setFontAndSize(key, size),
      ];
      if (hex.length !== layout.glyphs.length * 4) throw new Error('glyph codes and positions disagree');
      layout.glyphs.forEach((_glyph, i) => {
        const p = layout.positions[i] as (typeof layout.positions)[number];
        ops.push(
          setTextMatrix(1, 0, 0, 1, at + p.xOffset * scale, y + p.yOffset * scale),
          showText(PDFHexString.of(hex.slice(i * 4, i * 4 + 4))),
        );
        at += p.xAdvance * scale;
      });
      ops.push(endText(), endMarkedContent());
      this.page.pushOperators(...ops);
    }
    return at - x;
  }
}
