import jsQRModule from 'jsqr';
import type { Options as JsQrOptions, QRCode as JsQrResult } from 'jsqr';
import { QrNotFoundError, QrTimeBudgetError } from '../lib/errors.js';
import { DEFAULT_IMAGE_LIMITS, decodeImage, type ImageKind, type ImageLimits, type RgbaImage } from './image.js';
import { qrModes, qrText, type QrSegmentMode } from './qr-text.js';

export interface ReadQrOptions extends ImageLimits {
  /** Most codes to look for in one image (`readQrCodesFromImage`). Default 8. */
  maxCodes?: number;
}

export interface QrReadResult {
  /** The text the QR holds (see `qrText` for how bytes become text). */
  text: string;
  /** The raw data bytes. */
  bytes: Uint8Array;
  version: number;
  /** Segment modes, in order (`eci` for ECI designators). */
  modes: QrSegmentMode[];
  /** Which pre-processing found it (`as-is`, `quiet-zone`, `upscaled`, `downscaled`, `threshold-<n>`). */
  attempt: string;
  /** Image type read. */
  image: ImageKind;
}

type JsQr = (data: Uint8ClampedArray, width: number, height: number, options?: JsQrOptions) => JsQrResult | null;
// jsqr is a UMD bundle: its CommonJS export is the function, which also carries itself as `.default`.
const jsQR: JsQr = ((jsQRModule as unknown as { default?: JsQr }).default ?? jsQRModule) as unknown as JsQr;

type Attempt = { name: string; image: () => RgbaImage };

/**
 * Largest image one jsQR call sees. A larger image is box-filtered down to this first (a QR code in a 12 MP photo
 * keeps several pixels per module at 4 MP), so each attempt costs at most a few hundred milliseconds and its copies
 * a few tens of MB.
 */
const MAX_SCAN_PIXELS = 4_000_000;

/** When reading must stop: checked between attempts. */
class Deadline {
  private readonly end: number;
  /** Whether an attempt has been made. */
  used = false;
  constructor(budgetMs: number) {
    this.end = now() + budgetMs;
  }
  get passed(): boolean {
    return now() > this.end;
  }
}
const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

class OutOfTime extends Error {}

/** The image (or a region of it), box-filtered down by an integer factor to at most `MAX_SCAN_PIXELS` pixels. */
function scanSized(image: RgbaImage, region?: { x0: number; y0: number; width: number; height: number }): RgbaImage {
  const pixels = region ? region.width * region.height : image.width * image.height;
  if (pixels <= MAX_SCAN_PIXELS) return region ? crop(image, region.x0, region.y0, region.width, region.height) : image;
  return rescale(image, 1 / Math.ceil(Math.sqrt(pixels / MAX_SCAN_PIXELS)), region);
}

/** Add a white border: jsQR needs some quiet zone around the finder patterns. */
function pad(image: RgbaImage, border: number): RgbaImage {
  const width = image.width + 2 * border;
  const height = image.height + 2 * border;
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let y = 0; y < image.height; y++) {
    data.set(image.data.subarray(y * image.width * 4, (y + 1) * image.width * 4), ((y + border) * width + border) * 4);
  }
  return { width, height, data };
}

/**
 * Nearest-neighbour resize by an integer factor up, or box-filter down (of the `region` of the image only, when
 * given: cropping and shrinking in one pass needs no full-resolution copy of the region).
 */
function rescale(image: RgbaImage, factor: number, region?: { x0: number; y0: number; width: number; height: number }): RgbaImage {
  if (factor >= 1) {
    const f = Math.round(factor);
    const width = image.width * f;
    const height = image.height * f;
    const data = new Uint8ClampedArray(width * height * 4);
    const src = new Uint32Array(image.data.buffer, image.data.byteOffset, image.width * image.height);
    const dst = new Uint32Array(data.buffer);
    for (let y = 0; y < height; y++) {
      const row = ((y / f) | 0) * image.width;
      for (let x = 0; x < width; x++) dst[y * width + x] = src[row + ((x / f) | 0)]!;
    }
    return { width, height, data };
  }
  const f = Math.round(1 / factor);
  const { x0, y0, width: regionWidth, height: regionHeight } = region ?? { x0: 0, y0: 0, width: image.width, height: image.height };
  const width = Math.floor(regionWidth / f);
  const height = Math.floor(regionHeight / f);
  const data = new Uint8ClampedArray(width * height * 4);
  // One pass over the source rows, summing into a row of accumulators (alpha-weighted: transparent counts as white).
  const sums = new Float64Array(width * 3);
  const src = image.data;
  const area = f * f * 255;
  for (let y = 0; y < height; y++) {
    sums.fill(0);
    for (let dy = 0; dy < f; dy++) {
      let p = ((y0 + y * f + dy) * image.width + x0) * 4;
      for (let x = 0; x < width; x++) {
        const s = x * 3;
        for (let dx = 0; dx < f; dx++, p += 4) {
          const a = src[p + 3]!;
          const white = 255 - a;
          sums[s] = sums[s]! + (src[p]! * a) / 255 + white;
          sums[s + 1] = sums[s + 1]! + (src[p + 1]! * a) / 255 + white;
          sums[s + 2] = sums[s + 2]! + (src[p + 2]! * a) / 255 + white;
        }
      }
    }
    for (let x = 0, o = y * width * 4; x < width; x++, o += 4) {
      data[o] = (sums[x * 3]! * 255) / area;
      data[o + 1] = (sums[x * 3 + 1]! * 255) / area;
      data[o + 2] = (sums[x * 3 + 2]! * 255) / area;
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}

function luminance(image: RgbaImage): Uint8Array {
  const out = new Uint8Array(image.width * image.height);
  const d = image.data;
  for (let i = 0, p = 0; i < out.length; i++, p += 4) {
    // Transparent pixels count as white (QR PNGs with alpha backgrounds).
    const a = d[p + 3]! / 255;
    out[i] = (0.299 * d[p]! + 0.587 * d[p + 1]! + 0.114 * d[p + 2]!) * a + 255 * (1 - a);
  }
  return out;
}

/** Otsu's global threshold over the luminance histogram. */
function otsu(lum: Uint8Array): number {
  const hist = new Float64Array(256);
  for (const v of lum) hist[v]!++;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let sumB = 0;
  let weightB = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    weightB += hist[t]!;
    if (weightB === 0) continue;
    const weightF = lum.length - weightB;
    if (weightF === 0) break;
    sumB += t * hist[t]!;
    const between = weightB * weightF * (sumB / weightB - (sum - sumB) / weightF) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

function binarise(image: RgbaImage, lum: Uint8Array, threshold: number): RgbaImage {
  const data = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0, p = 0; i < lum.length; i++, p += 4) {
    const v = lum[i]! <= threshold ? 0 : 255;
    data[p] = v;
    data[p + 1] = v;
    data[p + 2] = v;
    data[p + 3] = 255;
  }
  return { width: image.width, height: image.height, data };
}

/** The pre-processing ladder: cheap first, each step only if the previous found nothing. */
function attempts(image: RgbaImage): Attempt[] {
  const list: Attempt[] = [{ name: 'as-is', image: () => image }];
  const side = Math.max(image.width, image.height);
  list.push({ name: 'quiet-zone', image: () => pad(image, Math.max(8, Math.round(side / 10))) });
  if (side < 400) list.push({ name: 'upscaled', image: () => pad(rescale(image, Math.ceil(800 / side)), 32) });
  if (side > 1600) list.push({ name: 'downscaled', image: () => rescale(image, 1 / Math.ceil(side / 1000)) });
  let lum: Uint8Array | undefined;
  const lumOf = (): Uint8Array => (lum ??= luminance(image));
  list.push({ name: 'threshold-otsu', image: () => pad(binarise(image, lumOf(), otsu(lumOf())), 16) });
  for (const t of [96, 160]) list.push({ name: `threshold-${t}`, image: () => pad(binarise(image, lumOf(), t), 16) });
  return list;
}

function scan(image: RgbaImage, quick: boolean, deadline: Deadline): { result: JsQrResult; attempt: string } | null {
  for (const attempt of quick ? attempts(image).slice(0, 2) : attempts(image)) {
    // The first attempt of a read always runs (it is bounded by the pixel budgets): a large photo whose decoding
    // took most of the budget on a slow machine is still looked at once.
    if (deadline.passed && deadline.used) throw new OutOfTime();
    deadline.used = true;
    const candidate = attempt.image();
    const result = jsQR(candidate.data, candidate.width, candidate.height, { inversionAttempts: 'attemptBoth' });
    if (result) return { result, attempt: attempt.name };
    // Later attempts only make sense once the plain one failed.
  }
  return null;
}

/** Paint the found code's bounding box white so the next scan finds another one. */
function blankOut(image: RgbaImage, result: JsQrResult): RgbaImage {
  const { topLeftCorner, topRightCorner, bottomLeftCorner, bottomRightCorner } = result.location;
  const xs = [topLeftCorner.x, topRightCorner.x, bottomLeftCorner.x, bottomRightCorner.x];
  const ys = [topLeftCorner.y, topRightCorner.y, bottomLeftCorner.y, bottomRightCorner.y];
  const x0 = Math.max(0, Math.floor(Math.min(...xs)) - 2);
  const x1 = Math.min(image.width, Math.ceil(Math.max(...xs)) + 2);
  const y0 = Math.max(0, Math.floor(Math.min(...ys)) - 2);
  const y1 = Math.min(image.height, Math.ceil(Math.max(...ys)) + 2);
  const data = new Uint8ClampedArray(image.data);
  for (let y = y0; y < y1; y++) data.fill(255, (y * image.width + x0) * 4, (y * image.width + x1) * 4);
  return { width: image.width, height: image.height, data };
}

function crop(image: RgbaImage, x0: number, y0: number, width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * image.width + x0) * 4;
    data.set(image.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { width, height, data };
}

/** Overlapping halves (left/right, top/bottom): several codes in one image can confuse jsQR's finder search. */
function halves(image: RgbaImage): { x0: number; y0: number; width: number; height: number }[] {
  const w = Math.ceil(image.width * 0.6);
  const h = Math.ceil(image.height * 0.6);
  return [
    { x0: 0, y0: 0, width: w, height: image.height },
    { x0: image.width - w, y0: 0, width: w, height: image.height },
    { x0: 0, y0: 0, width: image.width, height: h },
    { x0: 0, y0: image.height - h, width: image.width, height: h },
  ];
}

/**
 * Find every QR code in a PNG, JPEG or QR-style SVG image (up to `maxCodes`). Throws a typed error for an
 * unreadable/oversized image; returns `[]` when the image holds no readable code.
 */
export function readQrCodesFromImage(bytes: Uint8Array, options: ReadQrOptions = {}): QrReadResult[] {
  const budgetMs = options.timeBudgetMs ?? DEFAULT_IMAGE_LIMITS.timeBudgetMs;
  const deadline = new Deadline(Number.isFinite(budgetMs) && budgetMs > 0 ? budgetMs : DEFAULT_IMAGE_LIMITS.timeBudgetMs);
  const decoded = decodeImage(bytes, options);
  const maxCodes = options.maxCodes ?? 8;
  const found = new Map<string, QrReadResult>();
  const add = (hit: { result: JsQrResult; attempt: string }): void => {
    const text = qrText(hit.result);
    if (found.has(text)) return;
    found.set(text, {
      text,
      bytes: Uint8Array.from(hit.result.binaryData),
      version: hit.result.version,
      modes: qrModes(hit.result),
      attempt: hit.attempt,
      image: decoded.kind,
    });
  };

  try {
    // Whole image (at most MAX_SCAN_PIXELS of it): full ladder first; after a hit, blank it out and look again (cheaply).
    const scanned = scanSized(decoded);
    let image: RgbaImage = scanned;
    while (found.size < maxCodes) {
      const hit = scan(image, found.size > 0, deadline);
      if (!hit) break;
      add(hit);
      if (hit.attempt !== 'as-is') break; // locations are only in as-is coordinates
      image = blankOut(image, hit.result);
    }
    // Nothing found, or more codes wanted: look at overlapping halves (of the full-resolution image).
    if (found.size === 0 || (found.size < maxCodes && maxCodes > 1)) {
      for (const region of halves(decoded)) {
        if (found.size >= maxCodes) break;
        if (deadline.passed) throw new OutOfTime();
        // Made one at a time, cropped and shrunk in one pass: no full-resolution copies of a large image.
        const hit = scan(scanSized(decoded, region), true, deadline);
        if (hit) add({ ...hit, attempt: `region-${hit.attempt}` });
      }
    }
  } catch (error) {
    if (!(error instanceof OutOfTime)) throw error;
    if (found.size === 0) throw new QrTimeBudgetError(`no QR code found within the ${budgetMs} ms time budget`);
  }
  return [...found.values()].slice(0, maxCodes);
}

/** Read the (first) QR code in a PNG, JPEG or QR-style SVG image and return its text. */
export function readQrFromImage(bytes: Uint8Array, options: Omit<ReadQrOptions, 'maxCodes'> = {}): string {
  const [first] = readQrCodesFromImage(bytes, { ...options, maxCodes: 1 });
  if (!first) throw new QrNotFoundError('no readable QR code in the image');
  return first.text;
}
