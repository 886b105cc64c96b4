/**
 * A tiny rasteriser for QR-code SVGs: `<rect>` and `<path>` elements with straight segments (M/L/H/V/Z, absolute
 * and relative), filled (even-odd) or stroked axis-aligned (as the `qrcode` package draws modules:
 * `stroke` + `M4 4.5h7`). No transforms, curves, CSS or nesting semantics: QR SVGs need none, and anything else
 * is refused with a typed error rather than guessed at. Pixels are sampled at unit-cell centres in viewBox units,
 * then scaled up so each unit is a few pixels for jsQR.
 */
import {
  QrImageCorruptError,
  QrImageTooLargeError,
  QrImageUnsupportedError,
  QrSvgTooComplexError,
} from '../lib/errors.js';
import type { GreyImage } from './image.js';

/**
 * Work budgets. Every loop below is linear in the input or bounded by one of these, so a hostile SVG costs at most
 * a few hundred milliseconds and a few tens of MB before it is refused with `ERR_QR_SVG_TOO_COMPLEX`. A version 40
 * QR code drawn one path per module needs ~60 000 segments and ~60 000 crossings.
 */
const MAX_UNITS = 4096;
/** `<rect>` and `<path>` elements in one document. */
export const MAX_SVG_ELEMENTS = 100_000;
/** Path segments (and points) in one document, over all paths. */
export const MAX_SVG_SEGMENTS = 200_000;
/** Edge × scanline crossings of the even-odd fill, over all paths (8 bytes each, allocated only once counted). */
export const MAX_SVG_CROSSINGS = 2_000_000;
/** Unit cells painted, over all elements. */
export const MAX_SVG_PAINTED = 32_000_000;
/** Longest side of the raster handed to the QR reader (the unit grid is box-filtered down to it). */
const MAX_OUTPUT_SIDE = 1600;
const TARGET_PIXELS = 800;

type Attrs = Record<string, string>;

const isNameChar = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) ||
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  c === 0x5f ||
  c === 0x3a ||
  c === 0x2d;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c;

/** Attributes `name="value"` / `name='value'`, read in one linear pass (no backtracking on long names). */
function parseAttrs(source: string): Attrs {
  const attrs: Attrs = {};
  const n = source.length;
  let i = 0;
  while (i < n) {
    if (!isNameChar(source.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isNameChar(source.charCodeAt(i))) i++;
    const name = source.slice(start, i);
    let j = i;
    while (j < n && isSpace(source.charCodeAt(j))) j++;
    if (source.charCodeAt(j) !== 0x3d /* = */) continue;
    j++;
    while (j < n && isSpace(source.charCodeAt(j))) j++;
    const quote = source[j];
    if (quote !== '"' && quote !== "'") {
      i = j;
      continue;
    }
    const end = source.indexOf(quote, j + 1);
    if (end < 0) break;
    attrs[name.toLowerCase()] = source.slice(j + 1, end);
    i = end + 1;
  }
  // Inline style wins over presentation attributes.
  for (const decl of (attrs.style ?? '').split(';')) {
    const colon = decl.indexOf(':');
    if (colon < 0) continue;
    const key = decl.slice(0, colon).trim();
    const value = decl.slice(colon + 1).trim();
    if (key && value) attrs[key.toLowerCase()] = value;
  }
  return attrs;
}

/**
 * The start tags of the document, in order: name (lower case) and attribute source. One linear pass: comments are
 * skipped, quoted `>` do not end a tag, an unterminated tag ends the document.
 */
function* startTags(svg: string): Generator<{ name: string; attrs: string }> {
  let at = 0;
  for (;;) {
    const lt = svg.indexOf('<', at);
    if (lt < 0) return;
    if (svg.startsWith('<!--', lt)) {
      const end = svg.indexOf('-->', lt + 4);
      if (end < 0) return;
      at = end + 3;
      continue;
    }
    let i = lt + 1;
    const nameStart = i;
    while (i < svg.length && isNameChar(svg.charCodeAt(i))) i++;
    const name = svg.slice(nameStart, i).toLowerCase();
    // Find the closing '>' outside quotes.
    let quote = 0;
    let j = i;
    for (; j < svg.length; j++) {
      const c = svg.charCodeAt(j);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 0x22 || c === 0x27) quote = c;
      else if (c === 0x3e) break;
    }
    if (j >= svg.length) return;
    at = j + 1;
    if (name === '') continue; // </…>, <!…>, <?…?>
    let body = svg.slice(i, j);
    if (body.endsWith('/')) body = body.slice(0, -1);
    yield { name, attrs: body };
  }
}

/** `true` dark, `false` light, `null` none. */
function paintOf(value: string | undefined, fallback: boolean | null): boolean | null {
  if (value === undefined) return fallback;
  const v = value.trim().toLowerCase();
  if (v === 'none' || v === 'transparent') return null;
  let rgb: [number, number, number] | null = null;
  let m: RegExpExecArray | null;
  if ((m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(v)))
    rgb = [parseInt(m[1]! + m[1]!, 16), parseInt(m[2]! + m[2]!, 16), parseInt(m[3]! + m[3]!, 16)];
  else if ((m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})(?:[0-9a-f]{2})?$/.exec(v)))
    rgb = [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
  else if ((m = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/.exec(v))) rgb = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if (v === 'white') return false;
  else if (v === 'black') return true;
  else return true; // other named colours: QR SVGs only use dark ones for modules
  return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] < 128;
}

function num(value: string | undefined, fallback = 0): number {
  if (value === undefined) return fallback;
  const n = Number.parseFloat(value);
  return Number.isFinite(n) ? n : fallback;
}

interface Point {
  x: number;
  y: number;
}

const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;

/** Path data tokens (command letters and numbers), one at a time, in a linear pass; other characters separate. */
class PathTokens {
  private at = 0;
  private peeked: string | undefined;
  constructor(private readonly d: string) {}
  peek(): string | undefined {
    if (this.peeked !== undefined) return this.peeked;
    const d = this.d;
    while (this.at < d.length) {
      const c = d.charCodeAt(this.at);
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
        this.peeked = d[this.at++]!;
        return this.peeked;
      }
      if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
        NUMBER.lastIndex = this.at;
        const m = NUMBER.exec(d);
        if (m) {
          this.at = NUMBER.lastIndex;
          this.peeked = m[0];
          return this.peeked;
        }
      }
      this.at++;
    }
    return undefined;
  }
  take(): string | undefined {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }
}

/** What one document may still cost; shared by all its elements. */
interface Budget {
  segments: number;
  crossings: number;
  painted: number;
}

/** Parse a path's `d` into subpaths of absolute points (straight segments only). */
function parsePath(d: string, budget: Budget): { points: Point[]; closed: boolean }[] {
  const tokens = new PathTokens(d);
  const subpaths: { points: Point[]; closed: boolean }[] = [];
  let current: { points: Point[]; closed: boolean } | null = null;
  let x = 0;
  let y = 0;
  let command = '';
  const next = (): number => {
    const token = tokens.take();
    const n = token === undefined ? Number.NaN : Number(token);
    if (!Number.isFinite(n)) throw new QrImageCorruptError('SVG path data is malformed');
    return n;
  };
  for (let token = tokens.peek(); token !== undefined; token = tokens.peek()) {
    if (++budget.segments > MAX_SVG_SEGMENTS)
      throw new QrSvgTooComplexError(`SVG has more than ${MAX_SVG_SEGMENTS} path segments`);
    const c = token.charCodeAt(0);
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
      if (!/[MmLlHhVvZz]/.test(token))
        throw new QrImageUnsupportedError(`SVG path command ${token} is not supported (QR SVGs use straight segments)`);
      command = token;
      tokens.take();
      if (command === 'Z' || command === 'z') {
        if (current) {
          current.closed = true;
          const start = current.points[0]!;
          x = start.x;
          y = start.y;
        }
        current = null;
        continue;
      }
    } else if (command === '') {
      throw new QrImageCorruptError('SVG path data does not start with a command');
    }
    switch (command) {
      case 'M':
      case 'm': {
        const nx = next();
        const ny = next();
        x = command === 'm' ? x + nx : nx;
        y = command === 'm' ? y + ny : ny;
        current = { points: [{ x, y }], closed: false };
        subpaths.push(current);
        command = command === 'm' ? 'l' : 'L'; // further pairs are line-tos
        break;
      }
      case 'L':
      case 'l': {
        const nx = next();
        const ny = next();
        x = command === 'l' ? x + nx : nx;
        y = command === 'l' ? y + ny : ny;
        break;
      }
      case 'H':
      case 'h': {
        const n = next();
        x = command === 'h' ? x + n : n;
        break;
      }
      case 'V':
      case 'v': {
        const n = next();
        y = command === 'v' ? y + n : n;
        break;
      }
      default:
        throw new QrImageCorruptError('SVG path data is malformed');
    }
    if (!current) {
      current = { points: [{ x, y }], closed: false };
      subpaths.push(current);
    } else if (command !== 'L' || current.points.length > 0) {
      const last = current.points[current.points.length - 1]!;
      if (last.x !== x || last.y !== y) current.points.push({ x, y });
    }
  }
  return subpaths;
}

export function rasteriseSvg(svg: string, options: { maxPixels: number }): GreyImage {
  const tags = startTags(svg);
  let root: { name: string; attrs: string } | undefined;
  for (let next = tags.next(); !next.done; next = tags.next()) {
    if (next.value.name === 'svg') {
      root = next.value;
      break;
    }
  }
  if (!root) throw new QrImageCorruptError('no <svg> element');
  const rootAttrs = parseAttrs(root.attrs);
  let minX = 0;
  let minY = 0;
  let width: number;
  let height: number;
  if (rootAttrs.viewbox) {
    const parts = rootAttrs.viewbox
      .trim()
      .split(/[\s,]+/)
      .map(Number);
    if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)))
      throw new QrImageCorruptError('SVG viewBox is malformed');
    [minX, minY, width, height] = parts as [number, number, number, number];
  } else {
    width = num(rootAttrs.width, Number.NaN);
    height = num(rootAttrs.height, Number.NaN);
  }
  if (!(width > 0 && height > 0)) throw new QrImageCorruptError('SVG has no usable size (viewBox or width/height)');
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  if (w > MAX_UNITS || h > MAX_UNITS || w * h > options.maxPixels) {
    throw new QrImageTooLargeError(`SVG declares ${w}×${h} units, over the budget`);
  }

  // Unit grid: 1 = dark, painted in document order.
  const grid = new Uint8Array(w * h);
  const budget: Budget = { segments: 0, crossings: 0, painted: 0 };
  const paintBudget = Math.min(MAX_SVG_PAINTED, 64 * w * h);
  const paintBox = (x0: number, y0: number, x1: number, y1: number, dark: boolean): void => {
    // Cells whose centre (c + 0.5) lies in [x0, x1) × [y0, y1).
    const cx0 = Math.max(0, Math.ceil(x0 - minX - 0.5));
    const cx1 = Math.min(w, Math.ceil(x1 - minX - 0.5));
    const cy0 = Math.max(0, Math.ceil(y0 - minY - 0.5));
    const cy1 = Math.min(h, Math.ceil(y1 - minY - 0.5));
    if (!(cx1 > cx0 && cy1 > cy0)) return;
    budget.painted += (cx1 - cx0) * (cy1 - cy0);
    if (budget.painted > paintBudget) throw new QrSvgTooComplexError('SVG paints too much area (element bomb)');
    const value = dark ? 1 : 0;
    for (let cy = cy0; cy < cy1; cy++) grid.fill(value, cy * w + cx0, cy * w + cx1);
  };

  let elements = 0;
  for (let next = tags.next(); !next.done; next = tags.next()) {
    const tag = next.value;
    if (tag.name !== 'rect' && tag.name !== 'path') continue;
    if (++elements > MAX_SVG_ELEMENTS) throw new QrSvgTooComplexError(`SVG has more than ${MAX_SVG_ELEMENTS} elements`);
    const attrs = parseAttrs(tag.attrs);
    if (attrs.transform) throw new QrImageUnsupportedError('SVG transforms are not supported');
    if (tag.name === 'rect') {
      const fill = paintOf(attrs.fill, true);
      if (fill === null) continue;
      const x = num(attrs.x);
      const y = num(attrs.y);
      paintBox(x, y, x + num(attrs.width), y + num(attrs.height), fill);
      continue;
    }
    const subpaths = parsePath(attrs.d ?? '', budget);
    const fill = paintOf(attrs.fill, true);
    if (fill !== null) fillEvenOdd(subpaths, fill);
    const stroke = paintOf(attrs.stroke, null);
    if (stroke !== null) {
      const half = num(attrs['stroke-width'], 1) / 2;
      for (const { points, closed } of subpaths) {
        const count = closed ? points.length : points.length - 1;
        for (let k = 0; k < count; k++) {
          const a = points[k]!;
          const b = points[(k + 1) % points.length]!;
          if (a.y === b.y) paintBox(Math.min(a.x, b.x), a.y - half, Math.max(a.x, b.x), a.y + half, stroke);
          else if (a.x === b.x) paintBox(a.x - half, Math.min(a.y, b.y), a.x + half, Math.max(a.y, b.y), stroke);
          else throw new QrImageUnsupportedError('diagonal SVG strokes are not supported');
        }
      }
    }
  }

  /**
   * Even-odd scanline fill at cell centres, over every subpath (each implicitly closed). The crossings are counted
   * (against the document's budget) before one flat array of them is allocated; no per-row lists.
   */
  function fillEvenOdd(subpaths: { points: Point[] }[], dark: boolean): void {
    const rowOf = (v: number): number => Math.ceil(v - minY - 0.5);
    const forEachEdge = (
      visit: (ax: number, ay: number, bx: number, by: number, cy0: number, cy1: number) => void,
    ): void => {
      for (const { points } of subpaths) {
        for (let k = 0; k < points.length; k++) {
          const a = points[k]!;
          const b = points[(k + 1) % points.length]!;
          if (a.y === b.y) continue;
          const cy0 = Math.max(0, rowOf(Math.min(a.y, b.y)));
          const cy1 = Math.min(h, rowOf(Math.max(a.y, b.y)));
          if (cy1 > cy0) visit(a.x, a.y, b.x, b.y, cy0, cy1);
        }
      }
    };
    // The rows this path spans, [lo, hi): its tables are sized to them, not to the whole viewBox, and the span is
    // charged to the crossing budget, so many small paths in a tall viewBox cost what they cover.
    let total = 0;
    let lo = h;
    let hi = 0;
    forEachEdge((_ax, _ay, _bx, _by, cy0, cy1) => {
      total += cy1 - cy0;
      lo = Math.min(lo, cy0);
      hi = Math.max(hi, cy1);
    });
    if (total === 0) return;
    budget.crossings += total + (hi - lo);
    if (budget.crossings > MAX_SVG_CROSSINGS)
      throw new QrSvgTooComplexError(`SVG paths cross more than ${MAX_SVG_CROSSINGS} scanlines`);
    const rows = hi - lo;
    const perRow = new Int32Array(rows + 1);
    forEachEdge((_ax, _ay, _bx, _by, cy0, cy1) => {
      perRow[cy0 - lo]!++;
      perRow[cy1 - lo]!--;
    });
    // perRow: difference array → counts per row → start offsets.
    const start = new Int32Array(rows + 1);
    let running = 0;
    for (let r = 0, at = 0; r < rows; r++) {
      running += perRow[r]!;
      start[r] = at;
      at += running;
    }
    start[rows] = total;
    const fillAt = start.slice(0, rows);
    const xs = new Float64Array(total);
    forEachEdge((ax, ay, bx, by, cy0, cy1) => {
      for (let cy = cy0; cy < cy1; cy++) {
        const sy = cy + 0.5 + minY;
        xs[fillAt[cy - lo]!++] = ax + ((sy - ay) * (bx - ax)) / (by - ay);
      }
    });
    for (let r = 0; r < rows; r++) {
      const row = xs.subarray(start[r]!, start[r + 1]!);
      if (row.length < 2) continue;
      row.sort();
      const cy = r + lo;
      for (let k = 0; k + 1 < row.length; k += 2)
        paintBox(row[k]!, cy + minY + 0.5, row[k + 1]!, cy + minY + 0.5 + 1e-9, dark);
    }
  }

  // Scale so the symbol is a few hundred pixels wide, within the pixel budget; box-filter down a large grid.
  const side = Math.max(w, h);
  if (side > MAX_OUTPUT_SIDE) {
    const f = Math.ceil(side / MAX_OUTPUT_SIDE);
    const outW = Math.ceil(w / f);
    const outH = Math.ceil(h / f);
    const data = new Uint8Array(outW * outH);
    const sums = new Uint32Array(outW);
    for (let oy = 0; oy < outH; oy++) {
      sums.fill(0);
      const y1 = Math.min(h, (oy + 1) * f);
      for (let cy = oy * f; cy < y1; cy++) for (let cx = 0; cx < w; cx++) sums[(cx / f) | 0]! += grid[cy * w + cx]!;
      for (let ox = 0; ox < outW; ox++) {
        const cells = (Math.min(w, (ox + 1) * f) - ox * f) * (y1 - oy * f);
        data[oy * outW + ox] = 255 - Math.round((255 * sums[ox]!) / cells);
      }
    }
    return { width: outW, height: outH, data };
  }
  let scale = Math.max(1, Math.floor(TARGET_PIXELS / side));
  while (scale > 1 && w * h * scale * scale > options.maxPixels) scale--;
  const outW = w * scale;
  const outH = h * scale;
  const data = new Uint8Array(outW * outH).fill(255);
  for (let cy = 0; cy < h; cy++) {
    for (let cx = 0; cx < w; cx++) {
      if (!grid[cy * w + cx]) continue;
      for (let dy = 0; dy < scale; dy++) {
        const p = (cy * scale + dy) * outW + cx * scale;
        data.fill(0, p, p + scale);
      }
    }
  }
  return { width: outW, height: outH, data };
}
