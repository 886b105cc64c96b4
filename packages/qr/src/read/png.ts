/**
 * PNG decoding to 8-bit RGBA without Node built-ins (the inflate is @divoc/keys' bounded fflate one). Reads every
 * standard colour type and bit depth, PLTE/tRNS, Adam7 interlacing; checks chunk CRCs. The inflated size is known
 * from IHDR, so the inflate budget is exact: a compressed bomb cannot allocate past what the header declared.
 */
import { InflateTooLargeError, inflateZlibBounded } from '@divoc/keys';
import { crc32 } from '../lib/crc32.js';
import { QrImageCorruptError, QrImageUnsupportedError } from '../lib/errors.js';

export interface DecodedPng {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
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

/**
 * Undo the row filters in place: each row stays where it is in `data` (after its filter byte), so decoding needs no
 * second copy of the image data. Returns where the next pass starts.
 */
function unfilter(data: Uint8Array, offset: number, width: number, height: number, channels: number, depth: number): number {
  const stride = rowBytes(width, channels, depth);
  const bpp = Math.max(1, (channels * depth) >> 3);
  let at = offset;
  for (let y = 0; y < height; y++) {
    if (at + 1 + stride > data.length) corrupt('image data is shorter than IHDR declares');
    const filter = data[at++]!;
    const row = at;
    const prev = row - stride - 1;
    switch (filter) {
      case 0:
        break;
      case 1:
        for (let x = bpp; x < stride; x++) data[row + x] = (data[row + x]! + data[row + x - bpp]!) & 0xff;
        break;
      case 2:
        if (y > 0) for (let x = 0; x < stride; x++) data[row + x] = (data[row + x]! + data[prev + x]!) & 0xff;
        break;
      case 3:
        for (let x = 0; x < stride; x++) {
          const a = x >= bpp ? data[row + x - bpp]! : 0;
          const b = y > 0 ? data[prev + x]! : 0;
          data[row + x] = (data[row + x]! + ((a + b) >> 1)) & 0xff;
        }
        break;
      case 4:
        for (let x = 0; x < stride; x++) {
          const a = x >= bpp ? data[row + x - bpp]! : 0;
          const b = y > 0 ? data[prev + x]! : 0;
          const c = x >= bpp && y > 0 ? data[prev + x - bpp]! : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          data[row + x] = (data[row + x]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
        }
        break;
      default:
        corrupt(`unknown filter type ${filter}`);
    }
    at += stride;
  }
  return at;
}

interface Format {
  colorType: number;
  depth: number;
  channels: number;
  palette?: Uint8Array;
  alpha?: Uint8Array;
}

/**
 * Write the pixels of the unfiltered rows at `rows[base…]` (a `w`×`h` sub-image, each row after its filter byte)
 * into `out` at (x0 + i·dx, y0 + j·dy).
 */
function expand(rows: Uint8Array, base: number, w: number, h: number, f: Format, out: Uint8ClampedArray, width: number, x0: number, y0: number, dx: number, dy: number): void {
  const stride = rowBytes(w, f.channels, f.depth);
  if (f.depth === 8 && dx === 1 && !f.alpha && (f.colorType === 0 || f.colorType === 2 || f.colorType === 6)) {
    // Fast path for the common 8-bit grey / RGB / RGBA rows.
    for (let j = 0; j < h; j++) {
      let s = base + j * (stride + 1) + 1;
      let o = ((y0 + j * dy) * width + x0) * 4;
      const end = o + w * 4;
      if (f.colorType === 0) {
        for (; o < end; o += 4, s++) {
          const v = rows[s]!;
          out[o] = v;
          out[o + 1] = v;
          out[o + 2] = v;
          out[o + 3] = 255;
        }
      } else if (f.colorType === 2) {
        for (; o < end; o += 4, s += 3) {
          out[o] = rows[s]!;
          out[o + 1] = rows[s + 1]!;
          out[o + 2] = rows[s + 2]!;
          out[o + 3] = 255;
        }
      } else {
        out.set(rows.subarray(s, s + w * 4), o);
      }
    }
    return;
  }
  const max = (1 << Math.min(f.depth, 8)) - 1;
  const sample = (row: number, index: number): number => {
    // Sample `index` of a row, scaled to 0..255 (rounded, as pngjs does).
    if (f.depth === 8) return rows[row + index]!;
    if (f.depth === 16) return Math.round((((rows[row + index * 2]! << 8) | rows[row + index * 2 + 1]!) * 255) / 65535);
    const bit = index * f.depth;
    const v = (rows[row + (bit >> 3)]! >> (8 - f.depth - (bit & 7))) & max;
    return f.colorType === 3 ? v : Math.round((v * 255) / max);
  };
  const rawSample = (row: number, index: number): number =>
    f.depth === 16 ? (rows[row + index * 2]! << 8) | rows[row + index * 2 + 1]! : f.depth === 8 ? rows[row + index]! : (rows[row + ((index * f.depth) >> 3)]! >> (8 - f.depth - ((index * f.depth) & 7))) & max;
  for (let j = 0; j < h; j++) {
    const row = base + j * (stride + 1) + 1;
    for (let i = 0; i < w; i++) {
      const o = ((y0 + j * dy) * width + x0 + i * dx) * 4;
      let r: number;
      let g: number;
      let b: number;
      let a = 255;
      switch (f.colorType) {
        case 0:
          r = g = b = sample(row, i);
          if (f.alpha && f.alpha.length >= 2 && rawSample(row, i) === ((f.alpha[0]! << 8) | f.alpha[1]!)) a = 0;
          break;
        case 2:
          r = sample(row, i * 3);
          g = sample(row, i * 3 + 1);
          b = sample(row, i * 3 + 2);
          if (
            f.alpha &&
            f.alpha.length >= 6 &&
            rawSample(row, i * 3) === ((f.alpha[0]! << 8) | f.alpha[1]!) &&
            rawSample(row, i * 3 + 1) === ((f.alpha[2]! << 8) | f.alpha[3]!) &&
            rawSample(row, i * 3 + 2) === ((f.alpha[4]! << 8) | f.alpha[5]!)
          ) {
            a = 0;
          }
          break;
        case 3: {
          const index = sample(row, i);
          if (!f.palette || index * 3 + 2 >= f.palette.length) corrupt('palette index out of range');
          r = f.palette[index * 3]!;
          g = f.palette[index * 3 + 1]!;
          b = f.palette[index * 3 + 2]!;
          if (f.alpha && index < f.alpha.length) a = f.alpha[index]!;
          break;
        }
        case 4:
          r = g = b = sample(row, i * 2);
          a = sample(row, i * 2 + 1);
          break;
        default:
          r = sample(row, i * 4);
          g = sample(row, i * 4 + 1);
          b = sample(row, i * 4 + 2);
          a = sample(row, i * 4 + 3);
      }
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      out[o + 3] = a;
    }
  }
}

/** Decode a PNG whose IHDR has already passed the pixel budget. Throws QrImageCorruptError / QrImageUnsupportedError. */
export function decodePngRgba(bytes: Uint8Array): DecodedPng {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  const format: Format = { colorType: -1, depth: 0, channels: 0 };
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
    if (crc32(bytes, 0, at + 4, at + 8 + length) !== view.getUint32(at + 8 + length)) corrupt(`CRC mismatch in chunk ${type}`);
    at += 12 + length;
    switch (type) {
      case 'IHDR': {
        if (chunks !== 0 || length !== 13) corrupt('bad IHDR');
        width = view.getUint32(16);
        height = view.getUint32(20);
        format.depth = body[8]!;
        format.colorType = body[9]!;
        if (body[10] !== 0 || body[11] !== 0) throw new QrImageUnsupportedError('PNG uses an unknown compression or filter method');
        if (body[12]! > 1) corrupt('unknown interlace method');
        interlaced = body[12] === 1;
        if (!DEPTHS[format.colorType]?.includes(format.depth)) corrupt(`colour type ${format.colorType} with bit depth ${format.depth}`);
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
        if ((type.charCodeAt(0) & 0x20) === 0) throw new QrImageUnsupportedError(`PNG has an unknown critical chunk ${type}`);
    }
  }
  if (width === 0 || height === 0) corrupt('no IHDR');
  if (format.colorType === 3 && !format.palette) corrupt('palette image without PLTE');
  if (idatLength === 0) corrupt('no image data');

  const passes = interlaced
    ? ADAM7.map(([x0, y0, dx, dy]) => ({ x0, y0, dx, dy, w: Math.ceil((width - x0) / dx), h: Math.ceil((height - y0) / dy) })).filter((p) => p.w > 0 && p.h > 0)
    : [{ x0: 0, y0: 0, dx: 1, dy: 1, w: width, h: height }];
  const expected = passes.reduce((n, p) => n + p.h * (1 + rowBytes(p.w, format.channels, format.depth)), 0);
  const compressed = new Uint8Array(idatLength);
  let o = 0;
  for (const part of idat) {
    compressed.set(part, o);
    o += part.length;
  }
  let data: Uint8Array;
  try {
    data = inflateZlibBounded(compressed, { maxOutput: expected });
  } catch (error) {
    if (error instanceof InflateTooLargeError) corrupt('image data inflates past the size IHDR declares');
    throw new QrImageCorruptError(`PNG is corrupt: ${(error as Error).message}`, { cause: error });
  }
  if (data.length < expected) corrupt('image data is shorter than IHDR declares');
  const out = new Uint8ClampedArray(width * height * 4);
  let offset = 0;
  for (const p of passes) {
    const next = unfilter(data, offset, p.w, p.h, format.channels, format.depth);
    expand(data, offset, p.w, p.h, format, out, width, p.x0, p.y0, p.dx, p.dy);
    offset = next;
  }
  return { width, height, data: out };
}
