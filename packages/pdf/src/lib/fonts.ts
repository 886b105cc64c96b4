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
    rememberParsed(bytes, entry.font);
    loaded.set(key, entry);
  }
  return entry;
}

/** Every bundled script, in the order they are tried for a character of no particular script (₹, ZWJ). */
export const BUNDLED_SCRIPTS: readonly BundledScript[] = ['Deva', 'Beng', 'Taml', 'Sinh'];
