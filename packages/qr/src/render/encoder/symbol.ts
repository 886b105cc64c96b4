/**
 * Codewords → module matrix: function patterns from a per-version template, data placed along the precomputed
 * zig-zag path, and the mask chosen by the standard's penalty rules (N1–N4) evaluated on bit-packed rows and
 * columns, 32 modules per operation.
 *
 * The result is module-for-module what `qrcode` (soldair/node-qrcode 1.5) produces for the same segments, level and
 * version, including its reading of the penalty rules (N3 counted on full 11-module windows only; N4 as
 * |ceil(dark% / 5) − 10| × 10) and its tie-break (the lowest mask number wins).
 */
import { alignmentCoordinates, formatBits, symbolSize, versionBits } from './tables.js';

interface VersionTemplate {
  size: number;
  /** 32-bit words per packed row (or column). */
  words: number;
  /** 1 where a function pattern (or reserved format/version area) sits. */
  reserved: Uint8Array;
  /** Function pattern values, format information left 0 (it depends on level and mask). */
  functionValues: Uint8Array;
  /** Data module positions in placement order, as (row << 8) | column. */
  dataPath: Uint16Array;
}

interface LevelTemplate {
  /**
   * Per mask: everything the mask changes or adds on top of the raw data bits, packed by rows and by columns:
   * the mask pattern over the data area, OR the function modules with this level's and mask's format information.
   * A masked symbol is then `data XOR layer`, word by word.
   */
  rowLayers: Int32Array[];
  colLayers: Int32Array[];
}

const versionTemplates = new Map<number, VersionTemplate>();
const levelTemplates = new Map<number, LevelTemplate>();

function maskBit(mask: number, i: number, j: number): boolean {
  switch (mask) {
    case 0:
      return (i + j) % 2 === 0;
    case 1:
      return i % 2 === 0;
    case 2:
      return j % 3 === 0;
    case 3:
      return (i + j) % 3 === 0;
    case 4:
      return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0;
    case 5:
      return ((i * j) % 2) + ((i * j) % 3) === 0;
    case 6:
      return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0;
    default:
      return (((i * j) % 3) + ((i + j) % 2)) % 2 === 0;
  }
}

/** Calls `set(row, col, dark)` for the 15 format modules of each copy and the always-dark module. */
function forEachFormatModule(size: number, bits: number, set: (row: number, col: number, dark: boolean) => void): void {
  for (let i = 0; i < 15; i++) {
    const dark = ((bits >> i) & 1) === 1;
    // Copy along column 8 (top to bottom, skipping the timing row), then along row 8 (right to left, skipping the
    // timing column).
    set(i < 6 ? i : i < 8 ? i + 1 : size - 15 + i, 8, dark);
    set(8, i < 8 ? size - 1 - i : i === 8 ? 7 : 14 - i, dark);
  }
  set(size - 8, 8, true);
}

function versionTemplate(version: number): VersionTemplate {
  const cached = versionTemplates.get(version);
  if (cached) return cached;
  const size = symbolSize(version);
  const reserved = new Uint8Array(size * size);
  const values = new Uint8Array(size * size);
  const set = (r: number, c: number, dark: boolean): void => {
    reserved[r * size + c] = 1;
    values[r * size + c] = dark ? 1 : 0;
  };
  // Finder patterns with their light separators.
  for (const [row, col] of [
    [0, 0],
    [0, size - 7],
    [size - 7, 0],
  ] as const) {
    for (let r = -1; r <= 7; r++) {
      if (row + r < 0 || row + r >= size) continue;
      for (let c = -1; c <= 7; c++) {
        if (col + c < 0 || col + c >= size) continue;
        const ring = (r >= 0 && r <= 6 && (c === 0 || c === 6)) || (c >= 0 && c <= 6 && (r === 0 || r === 6));
        const core = r >= 2 && r <= 4 && c >= 2 && c <= 4;
        set(row + r, col + c, ring || core);
      }
    }
  }
  // Timing patterns.
  for (let i = 8; i < size - 8; i++) {
    set(i, 6, i % 2 === 0);
    set(6, i, i % 2 === 0);
  }
  // Alignment patterns, except where a finder pattern sits.
  const coords = alignmentCoordinates(version);
  const last = coords.length - 1;
  for (let a = 0; a <= last; a++) {
    for (let b = 0; b <= last; b++) {
      if ((a === 0 && b === 0) || (a === 0 && b === last) || (a === last && b === 0)) continue;
      for (let r = -2; r <= 2; r++) {
        for (let c = -2; c <= 2; c++)
          set(coords[a]! + r, coords[b]! + c, r === -2 || r === 2 || c === -2 || c === 2 || (r === 0 && c === 0));
      }
    }
  }
  // Format information area (values come per level and mask), and the always-dark module.
  forEachFormatModule(size, 0, (r, c, dark) => set(r, c, dark));
  if (version >= 7) {
    const bits = versionBits(version);
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >> i) & 1) === 1;
      const a = Math.floor(i / 3);
      const b = (i % 3) + size - 11;
      set(a, b, dark);
      set(b, a, dark);
    }
  }
  // Zig-zag data path: column pairs from the right, alternately upwards and downwards, skipping the timing column.
  const path: number[] = [];
  let upward = true;
  for (let col = size - 1; col > 0; col -= 2) {
    if (col === 6) col--;
    for (let k = 0; k < size; k++) {
      const row = upward ? size - 1 - k : k;
      for (let c = 0; c < 2; c++) if (!reserved[row * size + col - c]) path.push((row << 8) | (col - c));
    }
    upward = !upward;
  }
  const template: VersionTemplate = {
    size,
    words: (size + 31) >> 5,
    reserved,
    functionValues: values,
    dataPath: Uint16Array.from(path),
  };
  versionTemplates.set(version, template);
  return template;
}

function levelTemplate(version: number, ecc: number): LevelTemplate {
  const key = version * 4 + ecc;
  const cached = levelTemplates.get(key);
  if (cached) return cached;
  const t = versionTemplate(version);
  const { size, words } = t;
  const rowLayers: Int32Array[] = [];
  const colLayers: Int32Array[] = [];
  const layer = new Uint8Array(size * size);
  for (let mask = 0; mask < 8; mask++) {
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const i = r * size + c;
        layer[i] = t.reserved[i] ? t.functionValues[i]! : maskBit(mask, r, c) ? 1 : 0;
      }
    }
    forEachFormatModule(size, formatBits(ecc, mask), (r, c, dark) => {
      layer[r * size + c] = dark ? 1 : 0;
    });
    const rows = new Int32Array(size * words);
    const cols = new Int32Array(size * words);
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        if (!layer[r * size + c]) continue;
        rows[r * words + (c >> 5)]! |= 1 << (c & 31);
        cols[c * words + (r >> 5)]! |= 1 << (r & 31);
      }
    }
    rowLayers.push(rows);
    colLayers.push(cols);
  }
  const template = { rowLayers, colLayers };
  levelTemplates.set(key, template);
  return template;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Scratch lines for the penalty computation (at most 6 words: version 40 has 177 modules). */
const eq = new Int32Array(8);
const light = new Int32Array(8);
const core = new Int32Array(8);
const light4 = new Int32Array(8);

/** Bit masks of the valid columns of a packed line of `n` modules: c < limit. */
function validMasks(words: number, limit: number): Int32Array {
  const masks = new Int32Array(words);
  for (let w = 0; w < words; w++) {
    const bits = Math.max(0, Math.min(32, limit - (w << 5)));
    masks[w] = bits === 32 ? -1 : (1 << bits) - 1;
  }
  return masks;
}

/**
 * N1 (runs of five or more equal modules: 3 + run − 5 each) and N3 (dark-light-dark-dark-dark-light-dark with four
 * light modules on one side: 40 each) of one packed line. Bit c of the line is module c; "x >>> k | next << (32 − k)"
 * lines module c + k up with module c, so each rule is a handful of ANDs per 32 modules.
 */
function linePenalty(a: Int32Array, off: number, words: number, inLine: Int32Array, eqValid: Int32Array): number {
  for (let w = 0; w < words; w++) {
    const x = a[off + w]!;
    const y = w + 1 < words ? a[off + w + 1]! : 0;
    light[w] = ~x & inLine[w]!;
    // module c equals module c + 1 (c ≤ n − 2)
    eq[w] = ~(x ^ ((x >>> 1) | (y << 31))) & eqValid[w]!;
  }
  let runs = 0;
  for (let w = 0; w < words; w++) {
    const last = w + 1 === words;
    const x = a[off + w]!;
    const y = last ? 0 : a[off + w + 1]!;
    const l = light[w]!;
    const ln = last ? 0 : light[w + 1]!;
    const e = eq[w]!;
    const en = last ? 0 : eq[w + 1]!;
    // five equal modules from c: eq[c..c+3]; the run starts at c when eq[c − 1] is 0 (3 + (run − 5) = windows + 2 per
    // run).
    const five = e & ((e >>> 1) | (en << 31)) & ((e >>> 2) | (en << 30)) & ((e >>> 3) | (en << 29));
    if (five !== 0) {
      const before = (e << 1) | (w > 0 ? eq[w - 1]! >>> 31 : 0);
      runs += popcount(five) + 2 * popcount(five & ~before);
    }
    core[w] =
      x &
      ((l >>> 1) | (ln << 31)) &
      ((x >>> 2) | (y << 30)) &
      ((x >>> 3) | (y << 29)) &
      ((x >>> 4) | (y << 28)) &
      ((l >>> 5) | (ln << 27)) &
      ((x >>> 6) | (y << 26));
    light4[w] = l & ((l >>> 1) | (ln << 31)) & ((l >>> 2) | (ln << 30)) & ((l >>> 3) | (ln << 29));
  }
  let finders = 0;
  for (let w = 0; w < words; w++) {
    const last = w + 1 === words;
    const c = core[w]!;
    const cn = last ? 0 : core[w + 1]!;
    const f = light4[w]!;
    const fn = last ? 0 : light4[w + 1]!;
    const hits = (c & ((f >>> 7) | (fn << 25))) | 0;
    const hits2 = (f & ((c >>> 4) | (cn << 28))) | 0;
    if (hits !== 0) finders += popcount(hits);
    if (hits2 !== 0) finders += popcount(hits2);
  }
  return runs + 40 * finders;
}

interface LineMasks {
  inLine: Int32Array;
  eqValid: Int32Array;
}
const lineMasks = new Map<number, LineMasks>();

function penalty(rows: Int32Array, cols: Int32Array, size: number, words: number): number {
  let masks = lineMasks.get(size);
  if (!masks) {
    masks = { inLine: validMasks(words, size), eqValid: validMasks(words, size - 1) };
    lineMasks.set(size, masks);
  }
  const { inLine, eqValid } = masks;
  let score = 0;
  let dark = 0;
  let blocks = 0;
  for (let r = 0; r < size; r++) {
    const off = r * words;
    score += linePenalty(rows, off, words, inLine, eqValid) + linePenalty(cols, off, words, inLine, eqValid);
    for (let w = 0; w < words; w++) dark += popcount(rows[off + w]!);
    if (r + 1 < size) {
      // N2: 2×2 blocks of one colour (top-left corner c ≤ n − 2).
      const next = off + words;
      for (let w = 0; w < words; w++) {
        const last = w + 1 === words;
        const a = rows[off + w]!;
        const an = last ? 0 : rows[off + w + 1]!;
        const b = rows[next + w]!;
        const bn = last ? 0 : rows[next + w + 1]!;
        const same = ~(a ^ b) & ~(a ^ ((a >>> 1) | (an << 31))) & ~(b ^ ((b >>> 1) | (bn << 31))) & eqValid[w]!;
        if (same !== 0) blocks += popcount(same);
      }
    }
  }
  const total = size * size;
  const balance = Math.abs(Math.ceil((dark * 100) / total / 5) - 10);
  return score + 3 * blocks + 10 * balance;
}

export interface Symbol {
  size: number;
  modules: Uint8Array;
  mask: number;
}

/**
 * Place `codewords` in a symbol of `version` at level `ecc` (0–3), mask it (best mask unless given), return modules.
 */
export function buildSymbol(codewords: Uint8Array, version: number, ecc: number, forcedMask?: number): Symbol {
  const t = versionTemplate(version);
  const { size, words, dataPath } = t;
  const level = levelTemplate(version, ecc);
  const dataRows = new Int32Array(size * words);
  const dataCols = new Int32Array(size * words);
  const bits = codewords.length * 8;
  for (let i = 0; i < bits; i++) {
    if (!((codewords[i >> 3]! >> (7 - (i & 7))) & 1)) continue;
    const p = dataPath[i]!;
    const r = p >> 8;
    const c = p & 0xff;
    dataRows[r * words + (c >> 5)]! |= 1 << (c & 31);
    dataCols[c * words + (r >> 5)]! |= 1 << (r & 31);
  }
  const rows = new Int32Array(size * words);
  const cols = new Int32Array(size * words);
  let best = forcedMask ?? 0;
  if (forcedMask === undefined) {
    let lowest = Infinity;
    for (let mask = 0; mask < 8; mask++) {
      const rowLayer = level.rowLayers[mask]!;
      const colLayer = level.colLayers[mask]!;
      for (let i = 0; i < rows.length; i++) {
        rows[i] = dataRows[i]! ^ rowLayer[i]!;
        cols[i] = dataCols[i]! ^ colLayer[i]!;
      }
      const score = penalty(rows, cols, size, words);
      if (score < lowest) {
        lowest = score;
        best = mask;
      }
    }
  }
  const rowLayer = level.rowLayers[best]!;
  const modules = new Uint8Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let w = 0; w < words; w++) {
      const word = dataRows[r * words + w]! ^ rowLayer[r * words + w]!;
      if (word === 0) continue;
      const base = r * size + (w << 5);
      const end = Math.min(32, size - (w << 5));
      for (let b = 0; b < end; b++) modules[base + b] = (word >>> b) & 1;
    }
  }
  return { size, modules, mask: best };
}
