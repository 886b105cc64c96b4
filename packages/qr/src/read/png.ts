/**
 * PNG decoding without Node built-ins (the inflate is @divoc/keys' bounded fflate one). Reads every standard colour
 * type and bit depth, PLTE/tRNS, Adam7 interlacing; checks chunk CRCs. The image data is inflated as a stream and
 * unfiltered one scanline at a time: besides the output, decoding holds two scanlines, so reading a QR code from a
 * 16-megapixel photo costs its 16 MB luminance plane, not the 64 MB of RGBA twice over. The inflated size is known
 * from IHDR, so the inflate budget is exact: a compressed bomb cannot produce more than the header declared.
 */
import { InflateTooLargeError, inflateZlibBoundedStream } from '@divoc/keys';
import { crc32 } from '../lib/crc32.js';
import { QrImageCorruptError, QrImageUnsupportedError } from '../lib/errors.js';

export interface DecodedPng {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
const MAX_CHUNKS = 100_000;

// Adam7: start column/row and step for each of the 7 passes.
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

function corrupt(message: string): never {
  throw new QrImageCorruptError(`PNG is corrupt: ${message}`);
}

/** Bytes per scanline (without the filter byte) of a `width`-pixel row. */
function rowBytes(width: number, channels: number, depth: number): number {
  return Math.ceil((width * channels * depth) / 8);
}

/** Undo one scanline's filter in place; `prev` is the previous (unfiltered) line of the pass, zeros for its first. */
function unfilterRow(filter: number, row: Uint8Array, prev: Uint8Array, bpp: number): void {
  const stride = row.length;
  switch (filter) {
    case 0:
      break;
    case 1:
      for (let x = bpp; x < stride; x++) row[x] = (row[x]! + row[x - bpp]!) & 0xff;
      break;
    case 2:
      for (let x = 0; x < stride; x++) row[x] = (row[x]! + prev[x]!) & 0xff;
      break;
    case 3:
      for (let x = 0; x < stride; x++) row[x] = (row[x]! + (((x >= bpp ? row[x - bpp]! : 0) + prev[x]!) >> 1)) & 0xff;
      break;
    case 4:
      for (let x = 0; x < stride; x++) {
        const a = x >= bpp ? row[x - bpp]! : 0;
        const b = prev[x]!;
        const c = x >= bpp ? prev[x - bpp]! : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        row[x] = (row[x]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
      }
      break;
    default:
      corrupt(`unknown filter type ${filter}`);
  }
}

export interface PngFormat {
  colorType: number;
  depth: number;
  channels: number;
  palette?: Uint8Array;
  alpha?: Uint8Array;
}

/** The pixels of one unfiltered scanline (`w` pixels) as 8-bit RGBA into `out` (at least `w`·4 long). */
function expandRow(row: Uint8Array, w: number, f: PngFormat, out: Uint8ClampedArray): void {
  if (f.depth === 8 && !f.alpha && (f.colorType === 0 || f.colorType === 2 || f.colorType === 6)) {
    // Fast path for the common 8-bit grey / RGB / RGBA rows.
    if (f.colorType === 6) {
      out.set(row.subarray(0, w * 4));
    } else if (f.colorType === 0) {
      for (let i = 0, o = 0; i < w; i++, o += 4) {
        const v = row[i]!;
        out[o] = v;
        out[o + 1] = v;
        out[o + 2] = v;
        out[o + 3] = 255;
      }
    } else {
      for (let s = 0, o = 0; o < w * 4; o += 4, s += 3) {
        out[o] = row[s]!;
        out[o + 1] = row[s + 1]!;
        out[o + 2] = row[s + 2]!;
        out[o + 3] = 255;
      }
    }
    return;
  }
  const max = (1 << Math.min(f.depth, 8)) - 1;
  const rawSample = (index: number): number =>
    f.depth === 16
      ? (row[index * 2]! << 8) | row[index * 2 + 1]!
      : f.depth === 8
        ? row[index]!
        : (row[(index * f.depth) >> 3]! >> (8 - f.depth - ((index * f.depth) & 7))) & max;
  // Sample `index` of the row, scaled to 0..255 (rounded, as pngjs does); palette indices stay indices.
  const sample = (index: number): number => {
    const v = rawSample(index);
    if (f.depth === 8 || f.colorType === 3) return v;
    return f.depth === 16 ? Math.round((v * 255) / 65535) : Math.round((v * 255) / max);
  };
  const key = (k: number): number =>
    f.alpha!.length >= 2 * k + 2 ? (f.alpha![2 * k]! << 8) | f.alpha![2 * k + 1]! : -1;
  for (let i = 0, o = 0; i < w; i++, o += 4) {
    let r: number;
    let g: number;
    let b: number;
    let a = 255;
    switch (f.colorType) {
      case 0:
        r = g = b = sample(i);
        if (f.alpha && rawSample(i) === key(0)) a = 0;
        break;
      case 2:
        r = sample(i * 3);
        g = sample(i * 3 + 1);
        b = sample(i * 3 + 2);
        if (
          f.alpha &&
          f.alpha.length >= 6 &&
          rawSample(i * 3) === key(0) &&
          rawSample(i * 3 + 1) === key(1) &&
          rawSample(i * 3 + 2) === key(2)
        )
          a = 0;
        break;
      case 3: {
        const index = sample(i);
        if (!f.palette || index * 3 + 2 >= f.palette.length) corrupt('palette index out of range');
        r = f.palette[index * 3]!;
        g = f.palette[index * 3 + 1]!;
        b = f.palette[index * 3 + 2]!;
        if (f.alpha && index < f.alpha.length) a = f.alpha[index]!;
        break;
      }
      case 4:
        r = g = b = sample(i * 2);
        a = sample(i * 2 + 1);
        break;
      default:
        r = sample(i * 4);
        g = sample(i * 4 + 1);
        b = sample(i * 4 + 2);
        a = sample(i * 4 + 3);
    }
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    out[o + 3] = a;
  }
}

/**
 * Where decoded pixels go: called once per scanline with the unfiltered line (`w` pixels in the PNG's own format,
 * valid only during the call), to be placed at (x0 + i·dx, y) for i < w.
 */
export type PngRowSink = (row: Uint8Array, format: PngFormat, w: number, y: number, x0: number, dx: number) => void;

/**
 * Decode a PNG whose IHDR has already passed the pixel budget: `target(width, height)` is called once the header is
 * read and returns where the scanlines go. Throws QrImageCorruptError / QrImageUnsupportedError.
 */
export function decodePng(
  bytes: Uint8Array,
  target: (width: number, height: number) => PngRowSink,
): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  const format: PngFormat = { colorType: -1, depth: 0, channels: 0 };
  let interlaced = false;
  const idat: Uint8Array[] = [];
  let idatLength = 0;
  let ended = false;
  for (let chunks = 0; !ended; chunks++) {
    if (chunks > MAX_CHUNKS) corrupt('too many chunks');
    if (at + 12 > bytes.length) corrupt('truncated chunk');
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (length > bytes.length - at - 12) corrupt(`chunk ${type} runs past the end`);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes, 0, at + 4, at + 8 + length) !== view.getUint32(at + 8 + length))
      corrupt(`CRC mismatch in chunk ${type}`);
    at += 12 + length;
    switch (type) {
      case 'IHDR': {
        if (chunks !== 0 || length !== 13) corrupt('bad IHDR');
        width = view.getUint32(16);
        height = view.getUint32(20);
        format.depth = body[8]!;
        format.colorType = body[9]!;
        if (body[10] !== 0 || body[11] !== 0)
          throw new QrImageUnsupportedError('PNG uses an unknown compression or filter method');
        if (body[12]! > 1) corrupt('unknown interlace method');
        interlaced = body[12] === 1;
        if (!DEPTHS[format.colorType]?.includes(format.depth))
          corrupt(`colour type ${format.colorType} with bit depth ${format.depth}`);
        format.channels = CHANNELS[format.colorType]!;
        break;
      }
      case 'PLTE':
        if (length % 3 !== 0 || length > 768) corrupt('bad PLTE');
        format.palette = body.slice();
        break;
      case 'tRNS':
        format.alpha = body.slice();
        break;
      case 'IDAT':
        idat.push(body);
        idatLength += length;
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        // Critical chunks we do not know make the image unreadable; ancillary ones are skipped.
        if ((type.charCodeAt(0) & 0x20) === 0)
          throw new QrImageUnsupportedError(`PNG has an unknown critical chunk ${type}`);
    }
  }
  if (width === 0 || height === 0) corrupt('no IHDR');
  if (format.colorType === 3 && !format.palette) corrupt('palette image without PLTE');
  if (idatLength === 0) corrupt('no image data');

  const passes = interlaced
    ? ADAM7.map(([x0, y0, dx, dy]) => ({
        x0,
        y0,
        dx,
        dy,
        w: Math.ceil((width - x0) / dx),
        h: Math.ceil((height - y0) / dy),
      })).filter((p) => p.w > 0 && p.h > 0)
    : [{ x0: 0, y0: 0, dx: 1, dy: 1, w: width, h: height }];
  const expected = passes.reduce((n, p) => n + p.h * (1 + rowBytes(p.w, format.channels, format.depth)), 0);
  const compressed = new Uint8Array(idatLength);
  let o = 0;
  for (const part of idat) {
    compressed.set(part, o);
    o += part.length;
  }

  const sink = target(width, height);
  const bpp = Math.max(1, (format.channels * format.depth) >> 3);
  const maxStride = rowBytes(width, format.channels, format.depth);
  let line = new Uint8Array(maxStride);
  let prev = new Uint8Array(maxStride);
  // Where the stream is: pass, row within it, and bytes of the current line (filter byte included) seen so far.
  let pass = 0;
  let row = 0;
  let filled = 0;
  let filter = 0;
  const take = (chunk: Uint8Array): void => {
    let i = 0;
    while (i < chunk.length) {
      const p = passes[pass];
      if (!p) return; // trailing bytes past the image data: the inflate budget (`expected`) stops them
      const stride = rowBytes(p.w, format.channels, format.depth);
      if (filled === 0) {
        filter = chunk[i++]!;
        filled = 1;
        continue;
      }
      const n = Math.min(stride - (filled - 1), chunk.length - i);
      line.set(chunk.subarray(i, i + n), filled - 1);
      i += n;
      filled += n;
      if (filled - 1 < stride) continue;
      const current = line.subarray(0, stride);
      unfilterRow(filter, current, prev.subarray(0, stride), bpp);
      sink(current, format, p.w, p.y0 + row * p.dy, p.x0, p.dx);
      [line, prev] = [prev, line];
      filled = 0;
      if (++row === p.h) {
        pass++;
        row = 0;
        prev.fill(0);
      }
    }
  };
  let produced: number;
  try {
    produced = inflateZlibBoundedStream(compressed, { maxOutput: expected }, take);
  } catch (error) {
    if (error instanceof QrImageCorruptError || error instanceof QrImageUnsupportedError) throw error;
    if (error instanceof InflateTooLargeError) corrupt('image data inflates past the size IHDR declares');
    throw new QrImageCorruptError(`PNG is corrupt: ${(error as Error).message}`, { cause: error });
  }
  if (produced < expected) corrupt('image data is shorter than IHDR declares');
  return { width, height };
}

/** Decode to 8-bit RGBA (a whole-image buffer: for tests and callers that need colour). */
export function decodePngRgba(bytes: Uint8Array): DecodedPng {
  let out = new Uint8ClampedArray(0);
  const { width, height } = decodePng(bytes, (w, h) => {
    out = new Uint8ClampedArray(w * h * 4);
    const rgba = new Uint8ClampedArray(w * 4);
    return (row, format, n, y, x0, dx) => {
      expandRow(row, n, format, rgba);
      if (dx === 1) {
        out.set(rgba.subarray(0, n * 4), (y * w + x0) * 4);
        return;
      }
      for (let i = 0; i < n; i++) out.set(rgba.subarray(i * 4, i * 4 + 4), (y * w + x0 + i * dx) * 4);
    };
  });
  return { width, height, data: out };
}

/**
 * Decode to a luminance plane (1 byte a pixel, transparent counts as white): what QR reading needs, at a quarter of
 * the memory of RGBA.
 */
export function decodePngLuminance(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  let out = new Uint8Array(0);
  const { width, height } = decodePng(bytes, (w, h) => {
    out = new Uint8Array(w * h);
    const rgba = new Uint8ClampedArray(w * 4);
    return (row, format, n, y, x0, dx) => {
      let o = y * w + x0;
      if (format.depth === 8 && !format.alpha && format.colorType !== 3 && format.colorType !== 4) {
        // Straight from 8-bit grey / RGB / RGBA samples, without the RGBA line in between.
        if (format.colorType === 0) {
          for (let i = 0; i < n; i++, o += dx) out[o] = row[i]!;
        } else if (format.colorType === 2) {
          for (let i = 0, s = 0; i < n; i++, s += 3, o += dx)
            out[o] = (77 * row[s]! + 150 * row[s + 1]! + 29 * row[s + 2]! + 128) >> 8;
        } else {
          for (let i = 0, s = 0; i < n; i++, s += 4, o += dx)
            out[o] = luma(row[s]!, row[s + 1]!, row[s + 2]!, row[s + 3]!);
        }
        return;
      }
      expandRow(row, n, format, rgba);
      for (let i = 0, p = 0; i < n; i++, p += 4, o += dx)
        out[o] = luma(rgba[p]!, rgba[p + 1]!, rgba[p + 2]!, rgba[p + 3]!);
    };
  });
  return { width, height, data: out };
}

/**
 * BT.601 luma of a pixel composited over white (integer weights 77/150/29 of 256: a pixel is one of 256 greys anyway).
 */
export function luma(r: number, g: number, b: number, a: number): number {
  const l = (77 * r + 150 * g + 29 * b + 128) >> 8;
  return a === 255 ? l : ((l * a + 255 * (255 - a) + 127) / 255) | 0;
}
