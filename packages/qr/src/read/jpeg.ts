/**
 * A bounded-memory JPEG decoder (ITU T.81) that outputs only the luminance plane: QR reading needs nothing else.
 *
 * Supported: SOF0 (baseline), SOF1 (extended sequential) and SOF2 (progressive), 8-bit, Huffman coded, with 1
 * component (greyscale) or 3 (YCbCr: component 0 is the Y plane), any sampling factors 1..4, restart intervals, fill
 * bytes, APPn/COM skipping. Refused with QrImageUnsupportedError: arithmetic coding, lossless, hierarchical, 12/16-bit
 * precision, 2 or 4 components, and RGB-coded 3-component JPEGs (Adobe APP14 transform=0, or R/G/B component ids
 * without JFIF/Adobe markers) — luminance from RGB would need all three planes, which is what this decoder avoids.
 *
 * Memory: the pixel budget is checked on the SOF header before anything proportional to pixels is allocated.
 * Sequential scans are decoded MCU by MCU straight into the luminance plane: chroma blocks are Huffman-decoded (they
 * are interleaved with luma in the bit stream) and dropped, never transformed. Progressive frames keep one Int16Array
 * of coefficients for the luma component only, skip scans without luma, and run the IDCT once at the end.
 *
 * Work: markers, scans and progressive refinement passes are capped, the entropy reader never reads past the buffer,
 * and consuming bits past the end of a scan's data is an error. Every failure is a QrImage*Error.
 *
 * The data ending right after a complete scan, without an EOI marker, is accepted (common in truncated downloads
 * whose pixels are all present).
 */
import { QrImageCorruptError, QrImageTooLargeError, QrImageUnsupportedError } from '../lib/errors.js';
import { checkPixels } from './budget.js';
import type { GreyImage } from './image.js';

/** The Y plane: one byte a pixel, row-major (the reader's `GreyImage`). */
export type LuminanceImage = GreyImage;

/** Markers/segments per file: real photos have a few dozen (EXIF, ICC chunks, tables, scans). */
const MAX_MARKERS = 2048;
/** Scans per frame: libjpeg's progressive script has 10, mozjpeg's up to ~20. */
const MAX_SCANS = 256;
/**
 * Progressive work cap: the sum over decoded luma scans of the band width (Se − Ss + 1) plus a per-scan charge for
 * visiting every block. Each of the 64 coefficients is sent once plus once per successive-approximation refinement;
 * libjpeg's script costs 239, mozjpeg's a little more. Without it a hostile file could make each of 256 scans walk
 * every block (EOB runs make that cheap in bytes).
 */
const MAX_PROGRESSIVE_BAND_WORK = 64 * 10;
const PROGRESSIVE_SCAN_CHARGE = 8;

/** Zig-zag order → natural (row-major) index of the 8×8 block. */
const ZIGZAG = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
  55, 62, 63,
]);

/* ------------------------------------------------------------------------------------------------ structures */

interface Component {
  id: number;
  h: number;
  v: number;
  /** Quantisation table selector. */
  tq: number;
  /** Blocks that hold image samples (the component's own size, rounded up to 8). */
  blocksW: number;
  blocksH: number;
  /** Blocks including the padding that completes the last MCU row/column of interleaved scans. */
  paddedW: number;
  paddedH: number;
  /** Sample dimensions of the component. */
  samplesW: number;
  samplesH: number;
}

interface Frame {
  progressive: boolean;
  width: number;
  height: number;
  components: Component[];
  hMax: number;
  vMax: number;
  mcusX: number;
  mcusY: number;
}

interface ScanComponent {
  component: Component;
  /** True for component 0, the luma. */
  isLuma: boolean;
  dc: HuffmanTable | null;
  ac: HuffmanTable | null;
  pred: number;
}

interface Scan {
  components: ScanComponent[];
  ss: number;
  se: number;
  ah: number;
  al: number;
}

/** A Huffman table: a 9-bit lookup for short codes and canonical-code limits for the rest (T.81 F.2.2.3). */
interface HuffmanTable {
  /** Index: next 9 bits. Entry: (code length << 8) | symbol, or 0 when the code is longer than 9 bits. */
  fast: Uint16Array;
  /** Largest code of each length 1..16, −1 when there is none. */
  maxCode: Int32Array;
  /** values index of the first code of each length, minus that code. */
  valOffset: Int32Array;
  values: Uint8Array;
}

const FAST_BITS = 9;

function corrupt(message: string): never {
  throw new QrImageCorruptError(`JPEG is corrupt: ${message}`);
}

function unsupported(message: string): never {
  throw new QrImageUnsupportedError(`JPEG ${message} is not supported`);
}

/* ------------------------------------------------------------------------------------------------ Huffman */

/** Build a table from a DHT's 16 code-length counts and its symbols; over-subscribed code lengths are corrupt. */
function buildHuffmanTable(counts: Uint8Array, values: Uint8Array): HuffmanTable {
  const fast = new Uint16Array(1 << FAST_BITS);
  const maxCode = new Int32Array(17).fill(-1);
  const valOffset = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1]!;
    valOffset[len] = k - code;
    for (let i = 0; i < n; i++, k++, code++) {
      if (len <= FAST_BITS) {
        const shift = FAST_BITS - len;
        fast.fill((len << 8) | values[k]!, code << shift, (code + 1) << shift);
      }
    }
    // More codes of this length than the remaining code space holds: not a prefix code.
    if (code > 1 << len) corrupt('Huffman table has more codes than its code lengths allow');
    if (n > 0) maxCode[len] = code - 1;
    code <<= 1;
  }
  return { fast, maxCode, valOffset, values };
}

/* ------------------------------------------------------------------------------------------------ bit reader */

/**
 * Reads entropy-coded bits MSB first, undoing 0xFF00 stuffing. It stops at a marker (or the end of the buffer) and
 * then feeds zero bits, counting them: consuming one of those means the scan's data ended early, which is an error.
 */
class EntropyReader {
  private buf = 0;
  private count = 0;
  private padBits = 0;
  private stopped = false;
  pos: number;

  constructor(
    private readonly data: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }

  /** Top the buffer up to more than 24 bits. */
  private fill(): void {
    const data = this.data;
    while (this.count <= 24) {
      let byte = 0;
      if (!this.stopped) {
        const pos = this.pos;
        if (pos >= data.length) this.stopped = true;
        else {
          byte = data[pos]!;
          if (byte !== 0xff) this.pos = pos + 1;
          else if (pos + 1 < data.length && data[pos + 1] === 0) this.pos = pos + 2;
          else {
            // A marker (or the buffer ends after 0xFF): the scan's data ends here.
            this.stopped = true;
            byte = 0;
          }
        }
      }
      if (this.stopped) this.padBits += 8;
      this.buf = (this.buf << 8) | byte;
      this.count += 8;
    }
  }

  private consume(n: number): void {
    this.count -= n;
    if (this.count < this.padBits) corrupt('entropy-coded data ends before the scan does');
  }

  /** One Huffman-coded symbol. */
  decode(table: HuffmanTable): number {
    if (this.count < 16) this.fill();
    const entry = table.fast[(this.buf >>> (this.count - FAST_BITS)) & ((1 << FAST_BITS) - 1)]!;
    if (entry !== 0) {
      this.consume(entry >> 8);
      return entry & 0xff;
    }
    for (let len = FAST_BITS + 1; len <= 16; len++) {
      const code = (this.buf >>> (this.count - len)) & ((1 << len) - 1);
      if (code <= table.maxCode[len]!) {
        this.consume(len);
        return table.values[code + table.valOffset[len]!]!;
      }
    }
    return corrupt('invalid Huffman code in the entropy-coded data');
  }

  /** `n` (1..16) raw bits, sign-extended as T.81 F.2.2.1 EXTEND does. */
  receiveExtend(n: number): number {
    if (this.count < n) this.fill();
    this.consume(n);
    const value = (this.buf >>> this.count) & ((1 << n) - 1);
    return value < 1 << (n - 1) ? value - (1 << n) + 1 : value;
  }

  /** `n` (0..16) raw bits, unsigned. */
  receive(n: number): number {
    if (n === 0) return 0;
    if (this.count < n) this.fill();
    this.consume(n);
    return (this.buf >>> this.count) & ((1 << n) - 1);
  }

  bit(): number {
    if (this.count < 1) this.fill();
    this.consume(1);
    return (this.buf >>> this.count) & 1;
  }

  /** At a restart boundary: the next marker must be RSTn with the expected n; continue after it with empty state. */
  restart(expected: number): void {
    const at = nextMarker(this.data, this.pos, false);
    if (at < 0 || this.data[at + 1] !== 0xd0 + expected) corrupt('restart marker missing or out of sequence');
    this.pos = at + 2;
    this.buf = 0;
    this.count = 0;
    this.padBits = 0;
    this.stopped = false;
  }
}

/**
 * Position of the next marker's 0xFF at or after `from` (stuffed 0xFF00 and fill bytes skipped, RSTn too when
 * `skipRestarts`), or −1 when the data ends first. Linear in the bytes scanned.
 */
function nextMarker(data: Uint8Array, from: number, skipRestarts: boolean): number {
  for (let i = from; i + 1 < data.length; i++) {
    if (data[i] !== 0xff) continue;
    const code = data[i + 1]!;
    if (code === 0 || code === 0xff) continue;
    if (skipRestarts && code >= 0xd0 && code <= 0xd7) {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}

/* ------------------------------------------------------------------------------------------------ IDCT */

/** AAN scale factors: cos(kπ/16)·√2 for k > 0, folded into the dequantisation table (Arai, Agui, Nakajima). */
const AAN_SCALE = Float64Array.from({ length: 8 }, (_, k) => (k === 0 ? 1 : Math.cos((k * Math.PI) / 16) * Math.SQRT2));

/** A quantisation table (natural order) with the AAN scale factors and the final 1/8 folded in. */
function scaledQuantTable(q: Uint16Array): Float64Array {
  const out = new Float64Array(64);
  for (let i = 0; i < 64; i++) out[i] = (q[i]! * AAN_SCALE[i >> 3]! * AAN_SCALE[i & 7]!) / 8;
  return out;
}

/** One 8-point AAN inverse DCT, in place, on `v` at `base` with `stride`. */
function idct8(v: Float64Array, base: number, stride: number): void {
  const s0 = v[base]!,
    s1 = v[base + stride]!,
    s2 = v[base + 2 * stride]!,
    s3 = v[base + 3 * stride]!;
  const s4 = v[base + 4 * stride]!,
    s5 = v[base + 5 * stride]!,
    s6 = v[base + 6 * stride]!,
    s7 = v[base + 7 * stride]!;
  // Even part.
  const e10 = s0 + s4,
    e11 = s0 - s4,
    e13 = s2 + s6;
  const e12 = (s2 - s6) * 1.414213562 - e13;
  const e0 = e10 + e13,
    e3 = e10 - e13,
    e1 = e11 + e12,
    e2 = e11 - e12;
  // Odd part.
  const z13 = s5 + s3,
    z10 = s5 - s3,
    z11 = s1 + s7,
    z12 = s1 - s7;
  const o7 = z11 + z13;
  const o11 = (z11 - z13) * 1.414213562;
  const z5 = (z10 + z12) * 1.847759065;
  const o10 = 1.0823922 * z12 - z5;
  const o12 = -2.61312593 * z10 + z5;
  const o6 = o12 - o7,
    o5 = o11 - o6,
    o4 = o10 + o5;
  v[base] = e0 + o7;
  v[base + 7 * stride] = e0 - o7;
  v[base + stride] = e1 + o6;
  v[base + 6 * stride] = e1 - o6;
  v[base + 2 * stride] = e2 + o5;
  v[base + 5 * stride] = e2 - o5;
  v[base + 4 * stride] = e3 + o4;
  v[base + 3 * stride] = e3 - o4;
}

/** Round, level-shift and clamp one sample. */
function toSample(x: number): number {
  const s = x + 128.5;
  return s <= 0 ? 0 : s >= 255 ? 255 : s | 0;
}

/**
 * Inverse-transform a block of dequantised, AAN-scaled coefficients (natural order, destroyed) into `plane` at
 * (x0, y0), clipped to the plane. `dcOnly` skips the transform for the common flat block.
 */
function idctBlockToPlane(
  block: Float64Array,
  dcOnly: boolean,
  plane: Uint8Array,
  stride: number,
  planeH: number,
  x0: number,
  y0: number,
): void {
  const cols = Math.min(8, stride - x0);
  const rows = Math.min(8, planeH - y0);
  if (cols <= 0 || rows <= 0) return;
  if (dcOnly) {
    const s = toSample(block[0]!);
    for (let r = 0; r < rows; r++) plane.fill(s, (y0 + r) * stride + x0, (y0 + r) * stride + x0 + cols);
    return;
  }
  for (let c = 0; c < 8; c++) idct8(block, c, 8);
  for (let r = 0; r < rows; r++) {
    idct8(block, r * 8, 1);
    const at = (y0 + r) * stride + x0;
    for (let c = 0; c < cols; c++) plane[at + c] = toSample(block[r * 8 + c]!);
  }
}

/* ------------------------------------------------------------------------------------------------ decoder */

interface LumaPlane {
  data: Uint8Array;
  width: number;
  height: number;
}

class JpegLumaDecoder {
  private pos = 2;
  private markers = 0;
  private scans = 0;
  private readonly quant: (Uint16Array | null)[] = [null, null, null, null];
  private readonly dcTables: (HuffmanTable | null)[] = [null, null, null, null];
  private readonly acTables: (HuffmanTable | null)[] = [null, null, null, null];
  private restartInterval = 0;
  private adobeTransform = -1;
  private jfif = false;
  private frame: Frame | null = null;
  private plane: LumaPlane | null = null;
  /** Progressive only: the luma coefficients, natural order, 64 per padded block. */
  private coefficients: Int16Array | null = null;
  /** Luma quantisation table, latched at the first luma scan (as libjpeg does for progressive). */
  private lumaQuant: Float64Array | null = null;
  private lumaScans = 0;
  private bandWork = 0;

  constructor(
    private readonly data: Uint8Array,
    private readonly maxPixels: number,
  ) {}

  decode(): LuminanceImage {
    const data = this.data;
    if (data.length < 2 || data[0] !== 0xff || data[1] !== 0xd8) corrupt('missing the SOI marker');
    for (;;) {
      if (++this.markers > MAX_MARKERS) corrupt(`more than ${MAX_MARKERS} markers`);
      let at = this.pos;
      if (at >= data.length) return this.finish('the data ends without an EOI marker');
      if (data[at] !== 0xff) corrupt('expected a marker between segments');
      while (at + 1 < data.length && data[at + 1] === 0xff) at++; // fill bytes before a marker
      if (at + 1 >= data.length) return this.finish('the data ends inside a marker');
      const code = data[at + 1]!;
      this.pos = at + 2;
      if (code === 0xd9) return this.finish('EOI before any scan');
      if (this.handleMarkerWithoutLength(code)) continue;
      this.handleSegment(code);
    }
  }

  /** SOI, RSTn, TEM: no length field. */
  private handleMarkerWithoutLength(code: number): boolean {
    if (code === 0xd8) corrupt('a second SOI marker');
    if (code === 0x00) corrupt('expected a marker between segments');
    return code === 0x01 || (code >= 0xd0 && code <= 0xd7);
  }

  /** A marker segment: [start, end) is its payload after the 2-byte length. */
  private handleSegment(code: number): void {
    const data = this.data;
    if (this.pos + 2 > data.length) corrupt('a marker segment is truncated');
    const length = (data[this.pos]! << 8) | data[this.pos + 1]!;
    if (length < 2) corrupt('a marker segment has a length under 2');
    const start = this.pos + 2;
    const end = this.pos + length;
    if (end > data.length) corrupt('a marker segment runs past the end of the data');
    this.pos = end;
    const payload = data.subarray(start, end);
    if (code === 0xc0 || code === 0xc1 || code === 0xc2) this.readFrame(payload, code === 0xc2);
    else if (code === 0xc4) this.readHuffmanTables(payload);
    else if (code === 0xdb) this.readQuantTables(payload);
    else if (code === 0xdd) this.readRestartInterval(payload);
    else if (code === 0xda) this.readScan(payload);
    else if (code === 0xee) this.readAdobe(payload);
    else if (code === 0xe0)
      this.jfif ||= payload.length >= 5 && String.fromCharCode(...payload.subarray(0, 5)) === 'JFIF\0';
    else refuseFrameType(code);
    // Everything else (APPn, COM, DNL, JPGn, reserved) is skipped by its length.
  }

  private readFrame(p: Uint8Array, progressive: boolean): void {
    if (this.frame) corrupt('more than one frame (SOF marker)');
    if (p.length < 6) corrupt('the SOF segment is too short');
    if (p[0] !== 8) unsupported(`${p[0]}-bit precision`);
    const height = (p[1]! << 8) | p[2]!;
    const width = (p[3]! << 8) | p[4]!;
    const count = p[5]!;
    if (width === 0) corrupt('the frame is 0 pixels wide');
    if (height === 0) corrupt('the frame height is deferred to a DNL marker');
    if (count === 2 || count === 4)
      unsupported(`${count}-component (${count === 4 ? 'CMYK/YCCK' : 'two-channel'}) image`);
    if (count !== 1 && count !== 3) corrupt(`the frame has ${count} components`);
    if (p.length !== 6 + 3 * count) corrupt('the SOF segment length does not match its component count');
    checkPixels(width, height, this.maxPixels);
    const raw = readFrameComponents(p, count);
    this.frame = layoutFrame(raw, width, height, progressive);
    this.allocate(this.frame);
  }

  /** The luma plane (at the luma component's own resolution) and, for progressive, its coefficients. */
  private allocate(frame: Frame): void {
    const luma = frame.components[0]!;
    try {
      this.plane = { data: new Uint8Array(luma.samplesW * luma.samplesH), width: luma.samplesW, height: luma.samplesH };
      if (frame.progressive) this.coefficients = new Int16Array(luma.paddedW * luma.paddedH * 64);
    } catch (error) {
      // Only reachable with a maxPixels budget larger than the engine can allocate.
      throw new QrImageTooLargeError(`a ${frame.width}×${frame.height} image cannot be allocated`, { cause: error });
    }
  }

  private readHuffmanTables(p: Uint8Array): void {
    let at = 0;
    while (at < p.length) {
      if (at + 17 > p.length) corrupt('a DHT segment is truncated');
      const tc = p[at]! >> 4;
      const th = p[at]! & 15;
      if (tc > 1 || th > 3) corrupt('a DHT segment names an invalid table class or id');
      const counts = p.subarray(at + 1, at + 17);
      let total = 0;
      for (const n of counts) total += n;
      if (total > 256) corrupt('a Huffman table has more than 256 symbols');
      if (at + 17 + total > p.length) corrupt('a DHT segment is truncated');
      const table = buildHuffmanTable(counts, p.subarray(at + 17, at + 17 + total));
      (tc === 0 ? this.dcTables : this.acTables)[th] = table;
      at += 17 + total;
    }
  }

  private readQuantTables(p: Uint8Array): void {
    let at = 0;
    while (at < p.length) {
      const precision = p[at]! >> 4;
      const tq = p[at]! & 15;
      if (precision > 1 || tq > 3) corrupt('a DQT segment names an invalid precision or table id');
      const size = precision === 0 ? 64 : 128;
      if (at + 1 + size > p.length) corrupt('a DQT segment is truncated');
      const table = new Uint16Array(64);
      for (let k = 0; k < 64; k++) {
        const i = at + 1 + (precision === 0 ? k : 2 * k);
        table[ZIGZAG[k]!] = precision === 0 ? p[i]! : (p[i]! << 8) | p[i + 1]!;
      }
      this.quant[tq] = table;
      at += 1 + size;
    }
  }

  private readRestartInterval(p: Uint8Array): void {
    if (p.length !== 2) corrupt('the DRI segment is not 4 bytes long');
    this.restartInterval = (p[0]! << 8) | p[1]!;
  }

  private readAdobe(p: Uint8Array): void {
    if (p.length >= 12 && String.fromCharCode(...p.subarray(0, 5)) === 'Adobe') this.adobeTransform = p[11]!;
  }

  /* ---------------------------------------------------------------------------------------------- scans */

  private readScan(p: Uint8Array): void {
    const frame = this.frame ?? corrupt('a scan (SOS) before the frame header (SOF)');
    if (++this.scans > MAX_SCANS) corrupt(`more than ${MAX_SCANS} scans`);
    if (this.scans === 1) this.refuseRgb(frame);
    const scan = this.parseScanHeader(p, frame);
    const scanEnd = this.pos;
    const hasLuma = scan.components.some((c) => c.isLuma);
    if (hasLuma) {
      this.startLumaScan(frame, scan);
      const reader = new EntropyReader(this.data, scanEnd);
      if (frame.progressive) this.decodeProgressiveScan(frame, scan, reader);
      else this.decodeSequentialScan(frame, scan, reader);
      this.pos = reader.pos;
    }
    // Skip (or step past the end of) the entropy-coded data: up to the next marker that is not RSTn.
    const next = nextMarker(this.data, this.pos, true);
    this.pos = next < 0 ? this.data.length : next;
  }

  /** A 3-component image coded as RGB would need all planes for luminance: refused. */
  private refuseRgb(frame: Frame): void {
    if (frame.components.length !== 3) return;
    const ids = frame.components.map((c) => c.id).join(',');
    const rgbIds = ids === '82,71,66'; // 'R','G','B'
    if (this.adobeTransform === 0 || (this.adobeTransform < 0 && !this.jfif && rgbIds))
      unsupported('RGB colour model (not YCbCr)');
  }

  private parseScanHeader(p: Uint8Array, frame: Frame): Scan {
    const count = p[0] ?? 0;
    if (count < 1 || count > frame.components.length) corrupt('the SOS segment has an invalid component count');
    if (p.length !== 4 + 2 * count) corrupt('the SOS segment length does not match its component count');
    const components: ScanComponent[] = [];
    for (let i = 0; i < count; i++) {
      const id = p[1 + 2 * i]!;
      const tables = p[2 + 2 * i]!;
      const index = frame.components.findIndex((c) => c.id === id);
      if (index < 0) corrupt('a scan names a component that is not in the frame');
      if (components.some((c) => c.component.id === id)) corrupt('a scan names a component twice');
      const td = tables >> 4;
      const ta = tables & 15;
      if (td > 3 || ta > 3) corrupt('a scan names an invalid Huffman table id');
      components.push({
        component: frame.components[index]!,
        isLuma: index === 0,
        dc: this.dcTables[td] ?? null,
        ac: this.acTables[ta] ?? null,
        pred: 0,
      });
    }
    const ss = p[1 + 2 * count]!;
    const se = p[2 + 2 * count]!;
    const ah = p[3 + 2 * count]! >> 4;
    const al = p[3 + 2 * count]! & 15;
    if (count > 1 && components.reduce((n, c) => n + c.component.h * c.component.v, 0) > 10)
      corrupt('an interleaved scan has more than 10 blocks per MCU');
    if (frame.progressive) validateProgressiveScan(components, ss, se, ah, al);
    return { components, ss, se, ah, al };
  }

  /** Checks and bookkeeping before a scan that includes luma is decoded. */
  private startLumaScan(frame: Frame, scan: Scan): void {
    this.lumaScans++;
    if (!frame.progressive && this.lumaScans > 1)
      corrupt('a sequential frame codes the luma component in more than one scan');
    if (frame.progressive) {
      this.bandWork += scan.se - scan.ss + 1 + PROGRESSIVE_SCAN_CHARGE;
      if (this.bandWork > MAX_PROGRESSIVE_BAND_WORK) corrupt('too many progressive refinement passes');
    }
    for (const c of scan.components) {
      if (!this.quant[c.component.tq]) corrupt('a scan uses a quantisation table that was never defined');
      const needsDc = !frame.progressive || (scan.ss === 0 && scan.ah === 0);
      const needsAc = !frame.progressive ? true : scan.ss > 0;
      if ((needsDc && !c.dc) || (needsAc && !c.ac)) corrupt('a scan uses a Huffman table that was never defined');
    }
    // Sequential: the table in force now. Progressive: latched at the first luma scan.
    if (!frame.progressive || !this.lumaQuant) this.lumaQuant = scaledQuantTable(this.quant[frame.components[0]!.tq]!);
  }

  /** Walk the scan's MCUs in order, handling restart intervals, calling `visit` for every block. */
  private forEachBlock(
    frame: Frame,
    scan: Scan,
    reader: EntropyReader,
    onRestart: () => void,
    visit: (c: ScanComponent, bx: number, by: number) => void,
  ): void {
    const single = scan.components.length === 1;
    const first = scan.components[0]!;
    // A one-component scan is non-interleaved: one block per MCU, only the blocks holding samples (T.81 A.2.2).
    const mcusX = single ? first.component.blocksW : frame.mcusX;
    const mcusY = single ? first.component.blocksH : frame.mcusY;
    const interval = this.restartInterval;
    let untilRestart = interval;
    let rst = 0;
    for (let my = 0; my < mcusY; my++) {
      for (let mx = 0; mx < mcusX; mx++) {
        if (interval > 0) {
          if (untilRestart === 0) {
            reader.restart(rst);
            rst = (rst + 1) & 7;
            untilRestart = interval;
            for (const c of scan.components) c.pred = 0;
            onRestart();
          }
          untilRestart--;
        }
        if (single) visit(first, mx, my);
        else {
          for (const c of scan.components) {
            const { h, v } = c.component;
            for (let y = 0; y < v; y++) for (let x = 0; x < h; x++) visit(c, mx * h + x, my * v + y);
          }
        }
      }
    }
  }

  private decodeSequentialScan(frame: Frame, scan: Scan, reader: EntropyReader): void {
    const plane = this.plane!;
    const quant = this.lumaQuant!;
    const block = new Float64Array(64);
    this.forEachBlock(
      frame,
      scan,
      reader,
      () => {},
      (c, bx, by) => {
        if (!c.isLuma) {
          skipSequentialBlock(reader, c);
          return;
        }
        const dcOnly = decodeSequentialBlock(reader, c, quant, block);
        idctBlockToPlane(block, dcOnly, plane.data, plane.width, plane.height, bx * 8, by * 8);
        block.fill(0);
      },
    );
  }

  private decodeProgressiveScan(frame: Frame, scan: Scan, reader: EntropyReader): void {
    const coefs = this.coefficients!;
    const padded = frame.components[0]!.paddedW;
    const state = { eobrun: 0 };
    const { ss, se, ah, al } = scan;
    this.forEachBlock(
      frame,
      scan,
      reader,
      () => (state.eobrun = 0),
      (c, bx, by) => {
        const at = (by * padded + bx) * 64;
        if (ss === 0) {
          if (ah === 0) decodeDcFirst(reader, c, c.isLuma ? coefs : null, at, al);
          else if (reader.bit() && c.isLuma) coefs[at] = coefs[at]! | (1 << al);
        } else if (ah === 0) decodeAcFirst(reader, c.ac!, coefs, at, ss, se, al, state);
        else decodeAcRefine(reader, c.ac!, coefs, at, ss, se, al, state);
      },
    );
  }

  /** Inverse-transform the progressive coefficients, upsample luma if it is subsampled, return the plane. */
  private finish(whatIfNoScan: string): LuminanceImage {
    const frame = this.frame;
    if (!frame || this.lumaScans === 0) corrupt(whatIfNoScan);
    const plane = this.plane!;
    if (frame.progressive) this.transformCoefficients(frame, plane);
    const luma = frame.components[0]!;
    if (luma.samplesW === frame.width && luma.samplesH === frame.height)
      return { width: frame.width, height: frame.height, data: plane.data };
    return { width: frame.width, height: frame.height, data: upsample(plane, frame, luma) };
  }

  private transformCoefficients(frame: Frame, plane: LumaPlane): void {
    const coefs = this.coefficients!;
    const quant = this.lumaQuant!;
    const luma = frame.components[0]!;
    const block = new Float64Array(64);
    for (let by = 0; by < luma.blocksH; by++) {
      for (let bx = 0; bx < luma.blocksW; bx++) {
        const at = (by * luma.paddedW + bx) * 64;
        let dcOnly = true;
        for (let i = 0; i < 64; i++) {
          const v = coefs[at + i]!;
          if (i > 0 && v !== 0) dcOnly = false;
          block[i] = v * quant[i]!;
        }
        idctBlockToPlane(block, dcOnly, plane.data, plane.width, plane.height, bx * 8, by * 8);
      }
    }
  }
}

/** SOF markers this decoder does not implement, named for the error message. */
function refuseFrameType(code: number): void {
  if (code === 0xc3 || code === 0xc7 || code === 0xcb || code === 0xcf) unsupported('lossless coding');
  if (code === 0xc5 || code === 0xc6 || code === 0xde || code === 0xdf) unsupported('hierarchical coding');
  if (code === 0xc9 || code === 0xca || code === 0xcc || code === 0xcd || code === 0xce)
    unsupported('arithmetic coding');
  if (code === 0xc8) unsupported('JPG extension (SOF8)');
}

function readFrameComponents(p: Uint8Array, count: number): { id: number; h: number; v: number; tq: number }[] {
  const out: { id: number; h: number; v: number; tq: number }[] = [];
  for (let i = 0; i < count; i++) {
    const id = p[6 + 3 * i]!;
    const h = p[7 + 3 * i]! >> 4;
    const v = p[7 + 3 * i]! & 15;
    const tq = p[8 + 3 * i]!;
    if (h < 1 || h > 4 || v < 1 || v > 4) corrupt('a component has a sampling factor outside 1..4');
    if (tq > 3) corrupt('a component names an invalid quantisation table id');
    if (out.some((c) => c.id === id)) corrupt('two frame components share an id');
    out.push({ id, h, v, tq });
  }
  return out;
}

/** Component sizes and MCU grid (T.81 A.1.1, A.2). */
function layoutFrame(
  raw: { id: number; h: number; v: number; tq: number }[],
  width: number,
  height: number,
  progressive: boolean,
): Frame {
  const hMax = Math.max(...raw.map((c) => c.h));
  const vMax = Math.max(...raw.map((c) => c.v));
  const mcusX = Math.ceil(width / (8 * hMax));
  const mcusY = Math.ceil(height / (8 * vMax));
  const components = raw.map((c): Component => {
    const samplesW = Math.ceil((width * c.h) / hMax);
    const samplesH = Math.ceil((height * c.v) / vMax);
    // A single-component frame is never interleaved: its MCU is one block whatever its sampling factors say.
    const single = raw.length === 1;
    return {
      ...c,
      samplesW,
      samplesH,
      blocksW: Math.ceil(samplesW / 8),
      blocksH: Math.ceil(samplesH / 8),
      paddedW: single ? Math.ceil(samplesW / 8) : mcusX * c.h,
      paddedH: single ? Math.ceil(samplesH / 8) : mcusY * c.v,
    };
  });
  return { progressive, width, height, components, hMax, vMax, mcusX, mcusY };
}

/** T.81 G.1.1.1: spectral selection and successive approximation limits for progressive scans. */
function validateProgressiveScan(components: ScanComponent[], ss: number, se: number, ah: number, al: number): void {
  if (ss > 63 || se > 63 || ss > se) corrupt('a progressive scan has an invalid spectral selection');
  if (ss === 0 && se !== 0) corrupt('a progressive DC scan also codes AC coefficients');
  if (ss > 0 && components.length !== 1) corrupt('a progressive AC scan has more than one component');
  if (al > 13 || ah > 13 || (ah !== 0 && al !== ah - 1))
    corrupt('a progressive scan has an invalid successive approximation');
}

/* ------------------------------------------------------------------------------------------------ block decoding */

/** DC difference category: at most 11 for 8-bit samples. */
function decodeDcDiff(reader: EntropyReader, table: HuffmanTable): number {
  const s = reader.decode(table);
  if (s === 0) return 0;
  if (s > 11) corrupt('a DC difference category is out of range');
  return reader.receiveExtend(s);
}

/**
 * Decode one sequential block into `block` (natural order, dequantised and AAN-scaled, expected zeroed). Returns
 * true when only the DC coefficient is non-zero.
 */
function decodeSequentialBlock(
  reader: EntropyReader,
  c: ScanComponent,
  quant: Float64Array,
  block: Float64Array,
): boolean {
  c.pred += decodeDcDiff(reader, c.dc!);
  block[0] = c.pred * quant[0]!;
  const ac = c.ac!;
  let dcOnly = true;
  for (let k = 1; k < 64;) {
    const rs = reader.decode(ac);
    const s = rs & 15;
    const r = rs >> 4;
    if (s === 0) {
      if (r !== 15) break; // EOB
      k += 16; // ZRL
      continue;
    }
    k += r;
    if (k > 63 || s > 10) corrupt('an AC coefficient is out of range');
    const z = ZIGZAG[k]!;
    block[z] = reader.receiveExtend(s) * quant[z]!;
    dcOnly = false;
    k++;
  }
  return dcOnly;
}

/** Decode and drop one sequential (chroma) block: only the bit stream position and DC predictor matter. */
function skipSequentialBlock(reader: EntropyReader, c: ScanComponent): void {
  c.pred += decodeDcDiff(reader, c.dc!);
  const ac = c.ac!;
  for (let k = 1; k < 64;) {
    const rs = reader.decode(ac);
    const s = rs & 15;
    const r = rs >> 4;
    if (s === 0) {
      if (r !== 15) break;
      k += 16;
      continue;
    }
    k += r;
    if (k > 63 || s > 10) corrupt('an AC coefficient is out of range');
    reader.receive(s);
    k++;
  }
}

/** G.1.2.1: first DC scan. `coefs` is null for a chroma block that is decoded only to keep the stream in step. */
function decodeDcFirst(
  reader: EntropyReader,
  c: ScanComponent,
  coefs: Int16Array | null,
  at: number,
  al: number,
): void {
  c.pred += decodeDcDiff(reader, c.dc!);
  if (coefs) coefs[at] = c.pred * (1 << al);
}

/** G.1.2.2: first AC scan of band [ss, se], with end-of-band runs spanning blocks. */
function decodeAcFirst(
  reader: EntropyReader,
  table: HuffmanTable,
  coefs: Int16Array,
  at: number,
  ss: number,
  se: number,
  al: number,
  state: { eobrun: number },
): void {
  if (state.eobrun > 0) {
    state.eobrun--;
    return;
  }
  for (let k = ss; k <= se;) {
    const rs = reader.decode(table);
    const s = rs & 15;
    const r = rs >> 4;
    if (s === 0) {
      if (r < 15) {
        // EOBr: this block and the next (2^r − 1 + extra bits) blocks end here.
        state.eobrun = (1 << r) - 1 + reader.receive(r);
        return;
      }
      k += 16;
      continue;
    }
    k += r;
    if (k > se || s > 10) corrupt('an AC coefficient is out of range');
    coefs[at + ZIGZAG[k]!] = reader.receiveExtend(s) * (1 << al);
    k++;
  }
}

/** G.1.2.3: AC refinement scan: one correction bit for every non-zero coefficient passed, new ±1 coefficients. */
function decodeAcRefine(
  reader: EntropyReader,
  table: HuffmanTable,
  coefs: Int16Array,
  at: number,
  ss: number,
  se: number,
  al: number,
  state: { eobrun: number },
): void {
  const plus = 1 << al;
  const minus = -1 << al;
  let k = ss;
  if (state.eobrun === 0) {
    for (; k <= se; k++) {
      const rs = reader.decode(table);
      let s = rs & 15;
      let r = rs >> 4;
      if (s === 0) {
        if (r < 15) {
          state.eobrun = (1 << r) + reader.receive(r);
          break; // the rest of this block is refined below as part of the run
        }
        // ZRL: skip 16 zero coefficients (refining the non-zero ones passed).
      } else {
        if (s !== 1) corrupt('an AC refinement coefficient is not ±1');
        s = reader.bit() ? plus : minus;
      }
      // Skip r zero-history coefficients, refining non-zero ones on the way; stop on the (r+1)th zero one.
      for (; k <= se; k++) {
        const z = at + ZIGZAG[k]!;
        const v = coefs[z]!;
        if (v !== 0) refineBit(reader, coefs, z, v, plus, minus);
        else if (--r < 0) break;
      }
      if (s !== 0) {
        if (k > se) corrupt('an AC refinement coefficient is out of range');
        coefs[at + ZIGZAG[k]!] = s;
      }
    }
  }
  if (state.eobrun > 0) {
    for (; k <= se; k++) {
      const z = at + ZIGZAG[k]!;
      const v = coefs[z]!;
      if (v !== 0) refineBit(reader, coefs, z, v, plus, minus);
    }
    state.eobrun--;
  }
}

function refineBit(reader: EntropyReader, coefs: Int16Array, z: number, v: number, plus: number, minus: number): void {
  if (reader.bit() && (v & plus) === 0) coefs[z] = v + (v >= 0 ? plus : minus);
}

/* ------------------------------------------------------------------------------------------------ upsampling */

/**
 * Nearest-neighbour upsampling of a luma component sampled below the frame's maximum (rare; QR reading needs no more).
 */
function upsample(plane: LumaPlane, frame: Frame, luma: Component): Uint8Array {
  const { width, height, hMax, vMax } = frame;
  const out = new Uint8Array(width * height);
  const sx = Int32Array.from({ length: width }, (_, x) => Math.min(plane.width - 1, Math.floor((x * luma.h) / hMax)));
  for (let y = 0; y < height; y++) {
    const row = Math.min(plane.height - 1, Math.floor((y * luma.v) / vMax)) * plane.width;
    const at = y * width;
    for (let x = 0; x < width; x++) out[at + x] = plane.data[row + sx[x]!]!;
  }
  return out;
}

/* ------------------------------------------------------------------------------------------------ entry point */

/**
 * Decode the luminance (Y) plane of a JPEG. Throws QrImageTooLargeError when the frame declares more than
 * `options.maxPixels` pixels (checked before allocating), QrImageUnsupportedError for the coding processes and colour
 * models listed at the top of this file, QrImageCorruptError for anything malformed.
 */
export function decodeJpegLuminance(bytes: Uint8Array, options: { maxPixels: number }): LuminanceImage {
  return new JpegLumaDecoder(bytes, options.maxPixels).decode();
}
