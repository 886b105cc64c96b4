/**
 * A tiny rasteriser for QR-code SVGs: `<rect>` and `<path>` elements with straight segments (M/L/H/V/Z, absolute
 * and relative), filled (even-odd) or stroked axis-aligned (as the `qrcode` package draws modules:
 * `stroke` + `M4 4.5h7`). No transforms, curves, CSS or nesting semantics: QR SVGs need none, and anything else
 * is refused with a typed error rather than guessed at. Pixels are sampled at unit-cell centres in viewBox units,
 * then scaled up so each unit is a few pixels for jsQR.
 */
import { QrImageCorruptError, QrImageTooLargeError, QrImageUnsupportedError } from '../lib/errors.js';
import type { RgbaImage } from './image.js';

const MAX_UNITS = 4096;
const TARGET_PIXELS = 800;

type Attrs = Record<string, string>;

function parseAttrs(source: string): Attrs {
  const attrs: Attrs = {};
  for (const m of source.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  // Inline style wins over presentation attributes.
  for (const decl of (attrs.style ?? '').split(';')) {
    const [key, value] = decl.split(':').map((s) => s.trim());
    if (key && value) attrs[key.toLowerCase()] = value;
  }
  return attrs;
}

/** `true` dark, `false` light, `null` none. */
function paintOf(value: string | undefined, fallback: boolean | null): boolean | null {
  if (value === undefined) return fallback;
  const v = value.trim().toLowerCase();
  if (v === 'none' || v === 'transparent') return null;
  let rgb: [number, number, number] | null = null;
  let m: RegExpExecArray | null;
  if ((m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(v))) rgb = [parseInt(m[1]! + m[1]!, 16), parseInt(m[2]! + m[2]!, 16), parseInt(m[3]! + m[3]!, 16)];
  else if ((m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})(?:[0-9a-f]{2})?$/.exec(v))) rgb = [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
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

/** Parse a path's `d` into subpaths of absolute points (straight segments only). */
function parsePath(d: string): { points: Point[]; closed: boolean }[] {
  const tokens = d.match(/[MmLlHhVvZz]|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[A-Za-z]/g) ?? [];
  const subpaths: { points: Point[]; closed: boolean }[] = [];
  let current: { points: Point[]; closed: boolean } | null = null;
  let x = 0;
  let y = 0;
  let command = '';
  let i = 0;
  const next = (): number => {
    const token = tokens[i++];
    const n = token === undefined ? Number.NaN : Number(token);
    if (!Number.isFinite(n)) throw new QrImageCorruptError('SVG path data is malformed');
    return n;
  };
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (/^[A-Za-z]$/.test(token)) {
      if (!/[MmLlHhVvZz]/.test(token)) throw new QrImageUnsupportedError(`SVG path command ${token} is not supported (QR SVGs use straight segments)`);
      command = token;
      i++;
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

export function rasteriseSvg(svg: string, options: { maxPixels: number }): RgbaImage {
  const root = /<svg\b([^>]*)>/i.exec(svg);
  if (!root) throw new QrImageCorruptError('no <svg> element');
  const rootAttrs = parseAttrs(root[1]!);
  let minX = 0;
  let minY = 0;
  let width: number;
  let height: number;
  if (rootAttrs.viewbox) {
    const parts = rootAttrs.viewbox.trim().split(/[\s,]+/).map(Number);
    if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) throw new QrImageCorruptError('SVG viewBox is malformed');
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
  let painted = 0;
  const budget = 64 * w * h;
  const paintCell = (cx: number, cy: number, dark: boolean): void => {
    grid[cy * w + cx] = dark ? 1 : 0;
  };
  const paintBox = (x0: number, y0: number, x1: number, y1: number, dark: boolean): void => {
    // Cells whose centre (c + 0.5) lies in [x0, x1) × [y0, y1).
    const cx0 = Math.max(0, Math.ceil(x0 - minX - 0.5));
    const cx1 = Math.min(w, Math.ceil(x1 - minX - 0.5));
    const cy0 = Math.max(0, Math.ceil(y0 - minY - 0.5));
    const cy1 = Math.min(h, Math.ceil(y1 - minY - 0.5));
    painted += Math.max(0, cx1 - cx0) * Math.max(0, cy1 - cy0);
    if (painted > budget) throw new QrImageTooLargeError('SVG paints too much area (element bomb)');
    for (let cy = cy0; cy < cy1; cy++) for (let cx = cx0; cx < cx1; cx++) paintCell(cx, cy, dark);
  };

  for (const m of svg.matchAll(/<(rect|path)\b([^>]*?)\/?>/gi)) {
    const attrs = parseAttrs(m[2]!);
    if (attrs.transform) throw new QrImageUnsupportedError('SVG transforms are not supported');
    if (m[1]!.toLowerCase() === 'rect') {
      const fill = paintOf(attrs.fill, true);
      if (fill === null) continue;
      const x = num(attrs.x);
      const y = num(attrs.y);
      paintBox(x, y, x + num(attrs.width), y + num(attrs.height), fill);
      continue;
    }
    const subpaths = parsePath(attrs.d ?? '');
    const fill = paintOf(attrs.fill, true);
    if (fill !== null) {
      // Even-odd scanline fill at cell centres, over every subpath (each implicitly closed).
      const edges: [number, number, number, number][] = [];
      let top = Infinity;
      let bottom = -Infinity;
      for (const { points } of subpaths) {
        for (let k = 0; k < points.length; k++) {
          const a = points[k]!;
          const b = points[(k + 1) % points.length]!;
          if (a.y === b.y) continue;
          edges.push([a.x, a.y, b.x, b.y]);
          top = Math.min(top, a.y, b.y);
          bottom = Math.max(bottom, a.y, b.y);
        }
      }
      if (edges.length > 0) {
        const rows = new Map<number, number[]>();
        for (const [x0, y0, x1, y1] of edges) {
          const lo = Math.min(y0, y1);
          const hi = Math.max(y0, y1);
          const cy0 = Math.max(0, Math.ceil(lo - minY - 0.5));
          const cy1 = Math.min(h, Math.ceil(hi - minY - 0.5));
          for (let cy = cy0; cy < cy1; cy++) {
            const sy = cy + 0.5 + minY;
            const sx = x0 + ((sy - y0) * (x1 - x0)) / (y1 - y0);
            let list = rows.get(cy);
            if (!list) rows.set(cy, (list = []));
            list.push(sx);
          }
        }
        for (const [cy, xs] of rows) {
          xs.sort((a, b) => a - b);
          for (let k = 0; k + 1 < xs.length; k += 2) paintBox(xs[k]!, cy + minY + 0.5, xs[k + 1]!, cy + minY + 0.5 + 1e-9, fill);
        }
      }
    }
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

  // Scale so the symbol is a few hundred pixels wide, within the pixel budget.
  let scale = Math.max(1, Math.floor(TARGET_PIXELS / Math.max(w, h)));
  while (scale > 1 && w * h * scale * scale > options.maxPixels) scale--;
  const outW = w * scale;
  const outH = h * scale;
  const data = new Uint8ClampedArray(outW * outH * 4).fill(255);
  for (let cy = 0; cy < h; cy++) {
    for (let cx = 0; cx < w; cx++) {
      if (!grid[cy * w + cx]) continue;
      for (let dy = 0; dy < scale; dy++) {
        let p = ((cy * scale + dy) * outW + cx * scale) * 4;
        for (let dx = 0; dx < scale; dx++, p += 4) {
          data[p] = 0;
          data[p + 1] = 0;
          data[p + 2] = 0;
        }
      }
    }
  }
  return { width: outW, height: outH, data };
}
