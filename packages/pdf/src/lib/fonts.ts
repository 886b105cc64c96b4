/**
 * The fonts this package ships (through its @fontsource dependencies, OFL-1.1): Noto Sans for Devanagari, Bengali,
 * Tamil and Sinhala, regular and bold. They are found at run time next to the installed package, so the same code
 * works from the sources, from dist and from node_modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import fontkit, { type Font } from '@pdf-lib/fontkit';

/** Scripts a bundled font covers (ISO 15924 codes). */
export type BundledScript = 'Deva' | 'Beng' | 'Taml' | 'Sinh';

const PACKAGES: Record<BundledScript, { pkg: string; subset: string }> = {
  Deva: { pkg: 'noto-sans-devanagari', subset: 'devanagari' },
  Beng: { pkg: 'noto-sans-bengali', subset: 'bengali' },
  Taml: { pkg: 'noto-sans-tamil', subset: 'tamil' },
  Sinh: { pkg: 'noto-sans-sinhala', subset: 'sinhala' },
};

/** The script block a code point belongs to, when a bundled font is made for it. */
export function bundledScriptOf(cp: number): BundledScript | undefined {
  if ((cp >= 0x0900 && cp <= 0x097f) || (cp >= 0xa8e0 && cp <= 0xa8ff) || (cp >= 0x1cd0 && cp <= 0x1cff)) return 'Deva';
  if (cp >= 0x0980 && cp <= 0x09ff) return 'Beng';
  if (cp >= 0x0b80 && cp <= 0x0bff) return 'Taml';
  if ((cp >= 0x0d80 && cp <= 0x0dff) || (cp >= 0x111e0 && cp <= 0x111ff)) return 'Sinh';
  return undefined;
}

/**
 * @pdf-lib/fontkit 1.1.1 was compiled with Babel's generator transform but does not bundle its runtime: the Indic
 * and Universal shapers call a global `regeneratorRuntime` for one generator (the syllable state machine) and throw
 * without it. This is the small part of that runtime the compiled generator uses (mark, wrap, context.stop), set
 * only when no runtime is already there, and only when a bundled font is first loaded.
 */
function ensureRegeneratorRuntime(): void {
  const g = globalThis as { regeneratorRuntime?: unknown };
  if (g.regeneratorRuntime !== undefined) return;
  interface Context {
    prev: number;
    next: number | string;
    done: boolean;
    stop(): void;
  }
  g.regeneratorRuntime = {
    mark: <T>(fn: T): T => fn,
    wrap(inner: (context: Context) => unknown) {
      const context: Context = {
        prev: 0,
        next: 0,
        done: false,
        stop() {
          this.done = true;
        },
      };
      const iterator = {
        next(): IteratorResult<unknown> {
          if (context.done) return { value: undefined, done: true };
          const value = inner(context);
          return context.done ? { value: undefined, done: true } : { value, done: false };
        },
        [Symbol.iterator]() {
          return iterator;
        },
      };
      return iterator;
    },
  };
}

/** An OpenType coverage table as fontkit 1.1.1 parses it. */
interface Coverage {
  version: number;
  glyphs?: number[];
  rangeRecords?: { start: number; end: number }[];
}

/** The parts of fontkit 1.1.1's glyph iterator (it walks the glyphs for GSUB/GPOS lookups) the repairs use. */
interface LookupGlyph {
  id: number;
  isMark: boolean;
  /** Set by the Indic and Universal shapers. */
  shaperInfo?: { syllable?: number } | null;
}
interface LookupIterator {
  glyphs: LookupGlyph[];
  index: number;
  flags: { useMarkFilteringSet?: boolean };
  options?: { markFilteringSet?: number };
  shouldIgnore(glyph: LookupGlyph): boolean;
  move(dir: number): LookupGlyph | null;
  increment(count?: number): LookupGlyph | null;
}

/** fontkit 1.1.1's GSUB or GPOS processor, as far as the repairs below use it. */
interface LookupProcessor {
  currentFeature?: string;
  applyLookup(type: number, table: unknown): boolean;
}

/**
 * GSUB features HarfBuzz's Indic shaper applies within one syllable: a rule's context may not reach into the next
 * or previous syllable. fontkit 1.1.1 lets it: Noto Sans Bengali's rule that moves a reph before an i-kar then took
 * the i-kar of the syllable before ("নির্মল": the reph went over ন instead of ম).
 */
const PER_SYLLABLE = new Set([
  'nukt',
  'akhn',
  'rphf',
  'rkrf',
  'pref',
  'blwf',
  'abvf',
  'half',
  'pstf',
  'vatu',
  'cjct',
  'init',
  'pres',
  'abvs',
  'blws',
  'psts',
  'haln',
]);

/** A chaining-context subtable (any of its three formats) as fontkit 1.1.1 parses it. */
interface ChainSubtable {
  version: number;
  lookupType?: number;
  extension?: ChainSubtable;
  chainRuleSets?: ({ backtrack?: number[] }[] | null)[];
  chainClassSet?: ({ backtrack?: number[] }[] | null)[];
  backtrackCoverage?: Coverage[];
}

/** A GSUB or GPOS lookup as fontkit 1.1.1 parses it. */
interface Lookup {
  lookupType: number;
  flags: { flags: { useMarkFilteringSet?: boolean }; markFilteringSet?: number };
  markFilteringSet?: number;
  subTables: ChainSubtable[];
}

/** A GSUB or GPOS lookup list (decoded on demand, each lookup once). */
interface LookupList {
  length: number;
  get(index: number): Lookup | undefined;
}

function coveredGlyphs(coverage: Coverage | undefined): Set<number> {
  const glyphs = new Set<number>(coverage?.glyphs ?? []);
  for (const range of coverage?.rangeRecords ?? []) for (let g = range.start; g <= range.end; g++) glyphs.add(g);
  return glyphs;
}

/** fontkit 1.1.1's processor running one stage of GSUB features over glyphs (with what the shaper marked). */
interface InitStage {
  applyFeatures(
    features: string[],
    glyphs: { features: Record<string, boolean>; codePoints: number[] }[],
    positions?: unknown,
  ): void;
}

/**
 * What may come before a pre-base vowel sign inside a word: HarfBuzz's Indic shaper gives the sign its word-initial
 * form ('init') unless the glyph before is of a general category from Cf to Mn in its order (letters, marks, format
 * and unassigned characters). fontkit 1.1.1 tests Cf and Mn only, so it used the initial form after a consonant too
 * (the e-kar of "বন্দ্যো" in the middle of a name).
 */
const IN_WORD = /^[\p{L}\p{M}\p{Cf}\p{Cn}\p{Co}\p{Cs}]$/u;

/**
 * Bugs of fontkit 1.1.1's GSUB/GPOS lookups, corrected for one font object (its parsed tables and its own lookup
 * processors; fontkit itself is not changed):
 *
 * - Chaining-context rules list their backtrack glyphs nearest first (OpenType spec); fontkit matches them as if in
 *   text order. Rules with two or more backtrack glyphs then match the wrong text: Noto Sans Bengali picks the
 *   ra-phala after ন্দ (ন্দ্র) and the e-kar before ন্দ with such rules, so fontkit drew the plain ra-phala after the
 *   cluster, under the next letter. The parsed backtrack lists are reversed here, so fontkit's order is right.
 * - A lookup's mark filtering set (GDEF mark glyph sets: "skip the marks not in set N") is read but not used, so no
 *   mark is skipped; the iterators of this font's processors are made to skip them as the spec (and HarfBuzz) do.
 * - Contexts may reach into other syllables (PER_SYLLABLE above): the iterators stop at the syllable's edge.
 * - The Indic shaper's word-initial vowel forms (IN_WORD above): the marks it sets are corrected before that stage.
 */
export function repairFontkitLookups(font: Font): void {
  const parts = font as unknown as {
    GDEF?: { markGlyphSetsDef?: { coverage?: Coverage[] } };
    GSUB?: { lookupList?: LookupList };
    GPOS?: { lookupList?: LookupList };
    _layoutEngine?: { engine?: { GSUBProcessor?: object | null; GPOSProcessor?: object | null } };
  };
  const engine = parts._layoutEngine?.engine;
  if (!engine) throw new Error('@pdf-lib/fontkit is not the version this package was written for (1.1.1)');
  const reversed = new WeakSet<object>();
  const reverse = (list: unknown[] | undefined) => {
    if (!Array.isArray(list) || reversed.has(list)) return;
    list.reverse();
    reversed.add(list);
  };
  for (const [table, chaining, extension] of [
    [parts.GSUB, 6, 7],
    [parts.GPOS, 8, 9],
  ] as const) {
    const lookups = table?.lookupList;
    for (let i = 0; lookups && i < lookups.length; i++) {
      const lookup = lookups.get(i);
      if (!lookup) continue;
      // fontkit hands its iterator the lookup's flags only: the set's index goes there too.
      if (lookup.flags.flags.useMarkFilteringSet) lookup.flags.markFilteringSet = lookup.markFilteringSet;
      for (const sub of lookup.subTables) {
        const inner = lookup.lookupType === extension ? sub.extension : sub;
        if (!inner || (lookup.lookupType === extension ? inner.lookupType : lookup.lookupType) !== chaining) continue;
        if (inner.version === 1)
          for (const rules of inner.chainRuleSets ?? []) for (const r of rules ?? []) reverse(r.backtrack);
        if (inner.version === 2)
          for (const rules of inner.chainClassSet ?? []) for (const r of rules ?? []) reverse(r.backtrack);
        if (inner.version === 3) reverse(inner.backtrackCoverage);
      }
    }
  }

  const gsub = engine.GSUBProcessor as InitStage | null | undefined;
  if (gsub) {
    const apply = gsub.applyFeatures.bind(gsub);
    gsub.applyFeatures = (features, glyphs, positions) => {
      if (features.includes('init'))
        glyphs.forEach((glyph, i) => {
          const before = glyphs[i - 1]?.codePoints[0];
          if (glyph.features.init && before !== undefined && IN_WORD.test(String.fromCodePoint(before)))
            delete glyph.features.init;
        });
      apply(features, glyphs, positions);
    };
  }

  const glyphSets = (parts.GDEF?.markGlyphSetsDef?.coverage ?? []).map(coveredGlyphs);
  for (const processor of [engine.GSUBProcessor, engine.GPOSProcessor] as (LookupProcessor | null | undefined)[]) {
    if (!processor) continue;
    let current: LookupIterator | undefined;
    // The syllable of the glyph a per-syllable lookup is being applied at (undefined: no such limit).
    let syllable: number | undefined;
    let depth = 0;
    const applyLookup = processor.applyLookup.bind(processor);
    processor.applyLookup = (type, table) => {
      if (depth === 0)
        syllable =
          processor === engine.GSUBProcessor && PER_SYLLABLE.has(processor.currentFeature ?? '')
            ? (current?.glyphs[current.index]?.shaperInfo?.syllable ?? undefined)
            : undefined;
      depth++;
      try {
        return applyLookup(type, table);
      } finally {
        depth--;
      }
    };
    const repaired = (iterator: LookupIterator): LookupIterator => {
      const ignores = iterator.shouldIgnore.bind(iterator);
      iterator.shouldIgnore = (glyph) => {
        if (ignores(glyph)) return true;
        if (!iterator.flags.useMarkFilteringSet || !glyph.isMark) return false;
        // A set the font does not have holds no marks: every mark is skipped.
        return !glyphSets[iterator.options?.markFilteringSet ?? -1]?.has(glyph.id);
      };
      // A context that reaches into another syllable does not match (the main loop ignores what move returns).
      const move = iterator.move.bind(iterator);
      iterator.move = (dir) => {
        const glyph = move(dir);
        const other = glyph?.shaperInfo?.syllable;
        return glyph && syllable !== undefined && other !== undefined && other !== syllable ? null : glyph;
      };
      iterator.increment = (count = 1) => {
        let glyph = iterator.glyphs[iterator.index] ?? null;
        for (let n = Math.abs(count); n > 0; n--) glyph = iterator.move(count < 0 ? -1 : 1);
        return glyph;
      };
      return iterator;
    };
    // Each layout makes a new iterator (OTProcessor.applyLookups): catch it as it is stored.
    Object.defineProperty(processor, 'glyphIterator', {
      configurable: true,
      get: () => current,
      set: (iterator: LookupIterator) => {
        current = repaired(iterator);
      },
    });
  }
}

/**
 * WOFF 1.0 → the TrueType/OpenType file it wraps (tables are zlib-compressed one by one). PDF embeds sfnt data, not
 * WOFF; and fontkit's own reading of WOFF glyph data fails on some of these files.
 */
export function woffToSfnt(woff: Uint8Array): Uint8Array {
  const view = new DataView(woff.buffer, woff.byteOffset, woff.byteLength);
  if (view.getUint32(0) !== 0x774f4646) throw new Error('not a WOFF file');
  const flavor = view.getUint32(4);
  const numTables = view.getUint16(12);
  const tables: { tag: number; checksum: number; data: Uint8Array }[] = [];
  for (let i = 0; i < numTables; i++) {
    const at = 44 + i * 20;
    const offset = view.getUint32(at + 4);
    const compLength = view.getUint32(at + 8);
    const origLength = view.getUint32(at + 12);
    const stored = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? new Uint8Array(inflateSync(stored)) : stored;
    if (data.length !== origLength) throw new Error('a WOFF table has the wrong length');
    tables.push({ tag: view.getUint32(at), checksum: view.getUint32(at + 16), data });
  }
  const headerLength = 12 + 16 * numTables;
  const total = tables.reduce((sum, t) => sum + ((t.data.length + 3) & ~3), headerLength);
  const out = new Uint8Array(total);
  const o = new DataView(out.buffer);
  let pow = 1;
  while (pow * 2 <= numTables) pow *= 2;
  o.setUint32(0, flavor);
  o.setUint16(4, numTables);
  o.setUint16(6, pow * 16);
  o.setUint16(8, Math.log2(pow));
  o.setUint16(10, numTables * 16 - pow * 16);
  let offset = headerLength;
  tables.forEach((t, i) => {
    o.setUint32(12 + i * 16, t.tag);
    o.setUint32(16 + i * 16, t.checksum);
    o.setUint32(20 + i * 16, offset);
    o.setUint32(24 + i * 16, t.data.length);
    out.set(t.data, offset);
    offset += (t.data.length + 3) & ~3;
  });
  return out;
}

/**
 * fontkit keeps one glyph object per glyph id, made on first use with the characters it was asked for; the Indic
 * shapers read a glyph's script class from those characters. A subset (pdf-lib's, when a page is saved) asks for the
 * parts of composite glyphs with no characters: র is drawn as ব plus a dot, so once a page with র was saved, ব had no
 * character left, and a later name with বি or বী got a dotted circle and an unmoved i-kar (seen after "টিকাকরণ").
 * Asking for every mapped character first gives each of those glyphs its character for the life of the font.
 */
function cacheMappedGlyphs(font: Font): void {
  for (const cp of font.characterSet) font.glyphForCodePoint(cp);
}

/** A bundled font, decoded once per process. */
export interface BundledFont {
  script: BundledScript;
  bold: boolean;
  /** TrueType bytes (embedded whole: see the README on subsetting). */
  bytes: Uint8Array;
  font: Font;
}

const loaded = new Map<string, BundledFont>();

/** Fonts already parsed, by their bytes (the same array each time): see sharedFontkit in layout.ts. */
const parsed = new WeakMap<Uint8Array, Font>();
export function rememberParsed(bytes: Uint8Array, font: Font): void {
  parsed.set(bytes, font);
}
export function parsedFont(bytes: Uint8Array): Font | undefined {
  return parsed.get(bytes);
}

/** The file a bundled font is read from, resolved from this package's dependencies. */
export function bundledFontFile(script: BundledScript, bold: boolean): string {
  const { pkg, subset } = PACKAGES[script];
  const require = createRequire(import.meta.url);
  return require.resolve(`@fontsource/${pkg}/files/${pkg}-${subset}-${bold ? 700 : 400}-normal.woff`);
}

export function loadBundledFont(script: BundledScript, bold: boolean): BundledFont {
  const key = `${script}/${bold ? 'bold' : 'regular'}`;
  let entry = loaded.get(key);
  if (!entry) {
    ensureRegeneratorRuntime();
    const bytes = woffToSfnt(readFileSync(bundledFontFile(script, bold)));
    entry = { script, bold, bytes, font: fontkit.create(bytes) };
    repairFontkitLookups(entry.font);
    cacheMappedGlyphs(entry.font);
    rememberParsed(bytes, entry.font);
    loaded.set(key, entry);
  }
  return entry;
}

/** Every bundled script, in the order they are tried for a character of no particular script (₹, ZWJ). */
export const BUNDLED_SCRIPTS: readonly BundledScript[] = ['Deva', 'Beng', 'Taml', 'Sinh'];
