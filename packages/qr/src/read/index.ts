import jsQRModule from 'jsqr';
import type { Options as JsQrOptions, QRCode as JsQrResult } from 'jsqr';
import { QrImageTooComplexError, QrNotFoundError, QrTimeBudgetError } from '../lib/errors.js';
import { countFinderCandidates } from './finder-candidates.js';
import { DEFAULT_IMAGE_LIMITS, decodeImage, type GreyImage, type ImageKind, type ImageLimits } from './image.js';
import { qrModes, qrText, type QrSegmentMode } from './qr-text.js';

export interface ReadQrOptions extends ImageLimits {
  /** Most codes to look for in one image (`readQrCodesFromImage`). Default 8. */
  maxCodes?: number;
}

/** One QR code read from an image: its text and bytes, and how it was found. */
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

/**
 * One way of looking at an image. A point (x, y) of the image it makes is the point
 * ((x − pad) · scale, (y − pad) · scale) of the image it was made from.
 */
type Attempt = { name: string; image: () => GreyImage; pad: number; scale: number };
type Point = { x: number; y: number };
/** A hit of `scan`, with the map from its coordinates to those of the image scanned. */
type Hit = { result: JsQrResult; attempt: string; toScanned: (p: Point) => Point };

/**
 * Largest image one jsQR call sees. A larger image is box-filtered down to this first (a QR code in a 12 MP photo
 * keeps several pixels per module at 4 MP), so each attempt costs at most a few hundred milliseconds and its copies
 * a few tens of MB. The ladder works on luminance planes (1 byte a pixel); only the image handed to jsQR is RGBA.
 */
const MAX_SCAN_PIXELS = 4_000_000;

/**
 * Most finder-pattern candidates (both polarities) one jsQR call may be handed (./finder-candidates.ts): jsQR spends
 * a few microseconds on each, so this caps one call at a few hundred milliseconds. A QR code in a photo has a few
 * thousand; an image over the cap is shrunk (candidates are mostly fine texture, which shrinking removes) or skipped.
 */
const MAX_FINDER_CANDIDATES = 30_000;
/** Smallest side an attempt is shrunk to for the candidate budget. */
const MIN_SHRUNK_SIDE = 400;

/** What reading may still spend: the deadline, checked between attempts, and what the candidate budget refused. */
class Budget {
  private readonly end: number;
  /** Whether an attempt has been made. */
  used = false;
  /** Whether an attempt was skipped for being over the candidate budget. */
  tooComplex = false;
  constructor(budgetMs: number) {
    this.end = now() + budgetMs;
  }
  get passed(): boolean {
    return now() > this.end;
  }
}
const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

class OutOfTime extends Error {}

type Region = { x0: number; y0: number; width: number; height: number };

/**
 * The image (or a region of it), box-filtered down by an integer factor to at most `MAX_SCAN_PIXELS` pixels; `factor`
 * maps its coordinates back (x · factor + region x0).
 */
function scanSized(image: GreyImage, region?: Region): { image: GreyImage; factor: number } {
  const pixels = region ? region.width * region.height : image.width * image.height;
  if (pixels <= MAX_SCAN_PIXELS) return { image: region ? crop(image, region) : image, factor: 1 };
  const factor = Math.ceil(Math.sqrt(pixels / MAX_SCAN_PIXELS));
  return { image: shrink(image, factor, region), factor };
}

/** Add a white border: jsQR needs some quiet zone around the finder patterns. */
function pad(image: GreyImage, border: number): GreyImage {
  const width = image.width + 2 * border;
  const height = image.height + 2 * border;
  const data = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < image.height; y++)
    data.set(image.data.subarray(y * image.width, (y + 1) * image.width), (y + border) * width + border);
  return { width, height, data };
}

/** Nearest-neighbour resize up by an integer factor. */
function enlarge(image: GreyImage, f: number): GreyImage {
  const width = image.width * f;
  const height = image.height * f;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = ((y / f) | 0) * image.width;
    for (let x = 0; x < width; x++) data[y * width + x] = image.data[row + ((x / f) | 0)]!;
  }
  return { width, height, data };
}

/**
 * Box-filter down by an integer factor (of the `region` of the image only, when given: cropping and shrinking in one
 * pass needs no full-resolution copy of the region).
 */
function shrink(image: GreyImage, f: number, region?: Region): GreyImage {
  const {
    x0,
    y0,
    width: regionWidth,
    height: regionHeight,
  } = region ?? { x0: 0, y0: 0, width: image.width, height: image.height };
  const width = Math.floor(regionWidth / f);
  const height = Math.floor(regionHeight / f);
  const data = new Uint8Array(width * height);
  // One pass over the source rows, summing into a row of accumulators.
  const sums = new Uint32Array(width);
  const src = image.data;
  const area = f * f;
  for (let y = 0; y < height; y++) {
    sums.fill(0);
    for (let dy = 0; dy < f; dy++) {
      let p = (y0 + y * f + dy) * image.width + x0;
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let dx = 0; dx < f; dx++) sum += src[p++]!;
        sums[x] = sums[x]! + sum;
      }
    }
    for (let x = 0, o = y * width; x < width; x++, o++) data[o] = Math.round(sums[x]! / area);
  }
  return { width, height, data };
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

function binarise(image: GreyImage, threshold: number): GreyImage {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = image.data[i]! <= threshold ? 0 : 255;
  return { width: image.width, height: image.height, data };
}

/** Below this spread of grey levels (of 255) no code can be read: jsQR's own binariser needs far more. */
const MIN_CONTRAST = 24;

/** Spread between the darkest and the lightest pixel. */
function contrast(image: GreyImage): number {
  let min = 255;
  let max = 0;
  for (const v of image.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max - min;
}

/** The RGBA jsQR takes, grey in every channel. */
function toRgba(image: GreyImage): Uint8ClampedArray {
  const out = new Uint8ClampedArray(image.data.length * 4);
  const words = new Uint32Array(out.buffer);
  // Grey v in every colour channel, opaque: 0xFF vv vv vv in a little-endian word, vv vv vv FF in a big-endian one.
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (let i = 0; i < image.data.length; i++) {
    const v = image.data[i]!;
    words[i] = littleEndian
      ? (0xff000000 | (v << 16) | (v << 8) | v) >>> 0
      : ((v << 24) | (v << 16) | (v << 8) | 0xff) >>> 0;
  }
  return out;
}

/** The pre-processing ladder: cheap first, each step only if the previous found nothing. */
function attempts(image: GreyImage): Attempt[] {
  const list: Attempt[] = [{ name: 'as-is', image: () => image, pad: 0, scale: 1 }];
  const side = Math.max(image.width, image.height);
  const border = Math.max(8, Math.round(side / 10));
  list.push({ name: 'quiet-zone', image: () => pad(image, border), pad: border, scale: 1 });
  const up = Math.ceil(800 / side);
  if (side < 400) list.push({ name: 'upscaled', image: () => pad(enlarge(image, up), 32), pad: 32, scale: 1 / up });
  const down = Math.ceil(side / 1000);
  if (side > 1600) list.push({ name: 'downscaled', image: () => shrink(image, down), pad: 0, scale: down });
  list.push({ name: 'threshold-otsu', image: () => pad(binarise(image, otsu(image.data)), 16), pad: 16, scale: 1 });
  for (const t of [96, 160])
    list.push({ name: `threshold-${t}`, image: () => pad(binarise(image, t), 16), pad: 16, scale: 1 });
  return list;
}

function scan(image: GreyImage, quick: boolean, deadline: Budget): Hit | null {
  for (const attempt of quick ? attempts(image).slice(0, 2) : attempts(image)) {
    // The first attempt of a read always runs (it is bounded by the pixel budgets): a large photo whose decoding
    // took most of the budget on a slow machine is still looked at once.
    if (deadline.passed && deadline.used) throw new OutOfTime();
    deadline.used = true;
    let candidate = attempt.image();
    let name = attempt.name;
    let shrunk = 1;
    let work = countFinderCandidates(candidate, MAX_FINDER_CANDIDATES);
    while (work > MAX_FINDER_CANDIDATES && Math.min(candidate.width, candidate.height) >= 2 * MIN_SHRUNK_SIDE) {
      candidate = shrink(candidate, 2);
      shrunk *= 2;
      name = `${attempt.name}-shrunk`;
      work = countFinderCandidates(candidate, MAX_FINDER_CANDIDATES);
    }
    if (work > MAX_FINDER_CANDIDATES) {
      deadline.tooComplex = true;
      continue;
    }
    const result = jsQR(toRgba(candidate), candidate.width, candidate.height, { inversionAttempts: 'attemptBoth' });
    if (result) {
      const { pad: border, scale } = attempt;
      return {
        result,
        attempt: name,
        toScanned: (p) => ({ x: (p.x * shrunk - border) * scale, y: (p.y * shrunk - border) * scale }),
      };
    }
    // Later attempts only make sense once the plain one failed.
  }
  return null;
}

/** Paint the found code's bounding box white so the next scan finds another one. */
function blankOut(image: GreyImage, result: JsQrResult): GreyImage {
  const { topLeftCorner, topRightCorner, bottomLeftCorner, bottomRightCorner } = result.location;
  const xs = [topLeftCorner.x, topRightCorner.x, bottomLeftCorner.x, bottomRightCorner.x];
  const ys = [topLeftCorner.y, topRightCorner.y, bottomLeftCorner.y, bottomRightCorner.y];
  const x0 = Math.max(0, Math.floor(Math.min(...xs)) - 2);
  const x1 = Math.min(image.width, Math.ceil(Math.max(...xs)) + 2);
  const y0 = Math.max(0, Math.floor(Math.min(...ys)) - 2);
  const y1 = Math.min(image.height, Math.ceil(Math.max(...ys)) + 2);
  const data = image.data.slice();
  for (let y = y0; y < y1; y++) data.fill(255, y * image.width + x0, y * image.width + x1);
  return { width: image.width, height: image.height, data };
}

function crop(image: GreyImage, { x0, y0, width, height }: Region): GreyImage {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = (y0 + y) * image.width + x0;
    data.set(image.data.subarray(from, from + width), y * width);
  }
  return { width, height, data };
}

/** Overlapping halves (left/right, top/bottom): several codes in one image can confuse jsQR's finder search. */
function halves(image: GreyImage): Region[] {
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
  const deadline = new Budget(Number.isFinite(budgetMs) && budgetMs > 0 ? budgetMs : DEFAULT_IMAGE_LIMITS.timeBudgetMs);
  const decoded = decodeImage(bytes, options);
  const maxCodes = options.maxCodes ?? 8;
  const found = new Map<string, QrReadResult>();
  // Where each code found lies in the decoded image: a second read of the same printed code (a crop through it can
  // be mis-corrected into another text) is not a second code.
  const boxes: { x0: number; y0: number; x1: number; y1: number }[] = [];
  const add = (hit: Hit, toDecoded: (p: Point) => Point): void => {
    const text = qrText(hit.result);
    if (found.has(text)) return;
    const { topLeftCorner, topRightCorner, bottomLeftCorner, bottomRightCorner } = hit.result.location;
    const corners = [topLeftCorner, topRightCorner, bottomLeftCorner, bottomRightCorner].map((p) =>
      toDecoded(hit.toScanned(p)),
    );
    const box = {
      x0: Math.min(...corners.map((p) => p.x)),
      y0: Math.min(...corners.map((p) => p.y)),
      x1: Math.max(...corners.map((p) => p.x)),
      y1: Math.max(...corners.map((p) => p.y)),
    };
    const centre = { x: (box.x0 + box.x1) / 2, y: (box.y0 + box.y1) / 2 };
    if (boxes.some((b) => centre.x >= b.x0 && centre.x <= b.x1 && centre.y >= b.y0 && centre.y <= b.y1)) return;
    boxes.push(box);
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
    // Whole image (at most MAX_SCAN_PIXELS of it): full ladder first; after a hit, blank it out and look again
    // (cheaply).
    const { image: scanned, factor } = scanSized(decoded);
    // A code needs contrast: a (nearly) uniform image, as a blank bomb is, has none to find.
    if (contrast(scanned) < MIN_CONTRAST) return [];
    const wholeToDecoded = (p: Point): Point => ({ x: p.x * factor, y: p.y * factor });
    let image: GreyImage = scanned;
    while (found.size < maxCodes) {
      const hit = scan(image, found.size > 0, deadline);
      if (!hit) break;
      add(hit, wholeToDecoded);
      if (hit.attempt !== 'as-is') break; // locations are only in as-is coordinates
      image = blankOut(image, hit.result);
    }
    // Nothing found, or more codes wanted: look at overlapping halves (of the full-resolution image).
    if (found.size === 0 || (found.size < maxCodes && maxCodes > 1)) {
      for (const region of halves(decoded)) {
        if (found.size >= maxCodes) break;
        if (deadline.passed) throw new OutOfTime();
        // Made one at a time, cropped and shrunk in one pass: no full-resolution copies of a large image.
        const sized = scanSized(decoded, region);
        const hit = scan(sized.image, true, deadline);
        if (hit)
          add({ ...hit, attempt: `region-${hit.attempt}` }, (p) => ({
            x: region.x0 + p.x * sized.factor,
            y: region.y0 + p.y * sized.factor,
          }));
      }
    }
  } catch (error) {
    if (!(error instanceof OutOfTime)) throw error;
    if (found.size === 0 && !deadline.tooComplex)
      throw new QrTimeBudgetError(`no QR code found within the ${budgetMs} ms time budget`);
  }
  if (found.size === 0 && deadline.tooComplex) {
    throw new QrImageTooComplexError(
      `the image has more finder-pattern candidates than the ${MAX_FINDER_CANDIDATES} a QR decoder is ` +
        `given, at every scale tried`,
    );
  }
  return [...found.values()].slice(0, maxCodes);
}

/** Read the (first) QR code in a PNG, JPEG or QR-style SVG image and return its text. */
export function readQrFromImage(bytes: Uint8Array, options: Omit<ReadQrOptions, 'maxCodes'> = {}): string {
  const [first] = readQrCodesFromImage(bytes, { ...options, maxCodes: 1 });
  if (!first) throw new QrNotFoundError('no readable QR code in the image');
  return first.text;
}
