/**
 * Property-based fuzzing (fast-check) of the hand-written PNG decoder (read/png.ts, `decodePngRgba`) against pngjs:
 * valid PNGs of every colour type, bit depth and interlacing decode to exactly pngjs's RGBA; mutated PNGs (with the
 * chunk CRCs left broken, or recomputed so the mutation reaches the IHDR/PLTE/tRNS/IDAT logic) and random chunk
 * sequences either decode (agreeing with pngjs where pngjs decodes them too) or throw a QrErrorBase with a stable
 * code. The pixel budget is image.ts' job, so inputs whose IHDR declares more than MAX_PIXELS go through
 * `readQrCodesFromImage` and must be refused there with ERR_QR_IMAGE_TOO_LARGE. Short runs here; `pnpm fuzz`
 * (scripts/fuzz.mjs) runs the same properties with FUZZ_RUNS cases.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { readQrCodesFromImage } from '../src/read/index.js';
import { decodePngRgba } from '../src/read/png.js';
import { QrErrorBase } from '../src/lib/errors.js';
import { concat } from '../../../test/support/bytes.js';
import {
  ADAM7,
  crc32,
  PNG_SIGNATURE as SIGNATURE,
  pngChunk as chunk,
  pngFile,
  pngIhdr,
} from '../../../test/support/png.js';
import { assertTallied } from '../../../test/support/fuzz.js';
import { fuzzParams, fuzzTimeout, mutate, mutationsArb } from '../../../test/fuzz/support.js';

/** Short-run case counts per property (FUZZ_RUNS replaces them in the long run). */
const RUNS = {
  valid: 300,
  pngjsEncoded: 150,
  mutated: 400,
  mutatedCrcFixed: 400,
  fields: 400,
  chunks: 400,
  budget: 60,
};

/** Largest image decoded directly (decodePngRgba trusts image.ts to have checked the IHDR against the budget). */
const MAX_PIXELS = 4096;
/** A decode of at most MAX_PIXELS pixels from a few KB of input must never take this long (a hang). */
/** A hang guard, not a speed assertion: generous for a loaded CI machine. */
const SLOW_MS = 10_000;
const PNG_CODES = new Set(['ERR_QR_IMAGE_CORRUPT', 'ERR_QR_IMAGE_UNSUPPORTED']);
const READ_CODES = new Set([
  'ERR_QR_IMAGE_CORRUPT',
  'ERR_QR_IMAGE_UNSUPPORTED',
  'ERR_QR_IMAGE_TOO_LARGE',
  'ERR_QR_TIME_BUDGET',
]);

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
/** Walk the chunk list from offset 8 (as far as it is intact): offset, length and type of each chunk. */
function chunksOf(bytes: Uint8Array): { at: number; length: number; type: string }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { at: number; length: number; type: string }[] = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = view.getUint32(at);
    if (length > bytes.length - at - 12) break;
    out.push({ at, length, type: String.fromCharCode(...bytes.subarray(at + 4, at + 8)) });
    at += 12 + length;
  }
  return out;
}

/** Recompute every intact chunk's CRC, so a mutation gets past the CRC check to the chunk logic. */
function fixCrcs(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  for (const c of chunksOf(out))
    view.setUint32(c.at + 8 + c.length, crc32(out.subarray(c.at + 4, c.at + 8 + c.length)));
  return out;
}

/** Width × height as IHDR declares them (where image.ts reads them), or null when there is no IHDR there. */
function declared(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 33) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8) !== 13 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

type Ours = { ok: true; width: number; height: number; data: Uint8ClampedArray } | { ok: false; code: string };

/** Our decoder: a result, or the typed error's code; anything else fails the property. */
function ours(bytes: Uint8Array): Ours {
  const started = performance.now();
  try {
    const image = decodePngRgba(bytes);
    // Budget: exactly the pixels IHDR declared, 4 bytes each.
    const size = declared(bytes);
    expect(size).not.toBeNull();
    expect([image.width, image.height]).toEqual([size!.width, size!.height]);
    expect(image.data).toBeInstanceOf(Uint8ClampedArray);
    expect(image.data.length).toBe(image.width * image.height * 4);
    return { ok: true, width: image.width, height: image.height, data: image.data };
  } catch (error) {
    if (!(error instanceof QrErrorBase)) throw error;
    expect(PNG_CODES.has(error.code), error.code).toBe(true);
    return { ok: false, code: error.code };
  } finally {
    expect(performance.now() - started).toBeLessThan(SLOW_MS);
  }
}

function theirs(bytes: Uint8Array): { width: number; height: number; data: Buffer } | null {
  try {
    return pngjs.PNG.sync.read(Buffer.from(bytes), { checkCRC: true });
  } catch {
    return null;
  }
}

/**
 * Where the two decoders legitimately differ: pngjs appends a second PLTE to the first and merges a second tRNS into
 * the palette (we take the last one; the PNG spec allows one of each). Such files are not compared.
 */
function comparable(bytes: Uint8Array): boolean {
  const chunks = chunksOf(bytes);
  if (chunks.filter((c) => c.type === 'PLTE').length > 1 || chunks.filter((c) => c.type === 'tRNS').length > 1)
    return false;
  // pngjs' own bounded inflate (non-interlaced images) swallows zlib errors and returns zeros for a corrupt stream,
  // and our inflater (fflate) accepts a few broken streams node:zlib refuses (a stored block whose NLEN is not the
  // complement of LEN, a wrong Adler-32): compare only where node:zlib inflates the image data cleanly.
  const idat = concat(
    ...chunks.filter((c) => c.type === 'IDAT').map((c) => bytes.subarray(c.at + 8, c.at + 8 + c.length)),
  );
  try {
    inflateSync(idat, { maxOutputLength: 1 << 22 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Pixel for pixel. One documented difference: pngjs turns a pixel made transparent by a grey/RGB tRNS colour into
 * (0,0,0,0), we keep its colour with alpha 0; a fully transparent pixel's colour means nothing, so pixels with alpha
 * 0 in both compare equal whatever their colour.
 */
function expectSamePixels(
  a: { width: number; height: number; data: Uint8ClampedArray },
  b: { width: number; height: number; data: Buffer },
): void {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  expect(a.data.length).toBe(b.data.length);
  for (let p = 0; p < a.data.length; p += 4) {
    if (a.data[p + 3] === 0 && b.data[p + 3] === 0) continue;
    if (
      a.data[p] !== b.data[p] ||
      a.data[p + 1] !== b.data[p + 1] ||
      a.data[p + 2] !== b.data[p + 2] ||
      a.data[p + 3] !== b.data[p + 3]
    ) {
      expect([...a.data.subarray(p, p + 4)], `pixel ${p / 4}`).toEqual([...b.data.subarray(p, p + 4)]);
    }
  }
}

/** Both decoders decode `png`, to exactly the same RGBA. */
function expectDecodedLikePngjs(png: Uint8Array): void {
  const a = ours(png);
  expect(a.ok).toBe(true);
  const b = theirs(png);
  expect(b).not.toBeNull();
  expectSamePixels(a as Extract<Ours, { ok: true }>, b!);
}

type Outcome = 'both' | 'ours' | 'theirs' | 'neither' | 'skipped';

/** Decode with both; compare where both decode and the file is comparable. Returns what happened. */
function differential(bytes: Uint8Array): Outcome {
  const size = declared(bytes);
  if (size !== null && size.width * size.height > MAX_PIXELS) {
    // Not safe to hand to decodePngRgba directly (it trusts image.ts' budget check): image.ts must refuse it.
    // (Without an IHDR of length 13 at offset 8 decodePngRgba allocates nothing, so those are decoded below.)
    expectReadRefused(bytes);
    return 'skipped';
  }
  const a = ours(bytes);
  // pngjs walks every row of a 0 × 2³¹ image (gigabytes); ours refuses a zero dimension up front.
  const b = size === null || (size.width > 0 && size.height > 0) ? theirs(bytes) : null;
  if (a.ok && b && comparable(bytes)) {
    expectSamePixels(a, b);
    return 'both';
  }
  return a.ok ? 'ours' : b ? 'theirs' : 'neither';
}

/** readQrCodesFromImage on an image over the budget (or without a proper IHDR): a typed refusal. */
function expectReadRefused(bytes: Uint8Array): void {
  try {
    readQrCodesFromImage(bytes, { maxPixels: MAX_PIXELS, timeBudgetMs: 200 });
  } catch (error) {
    if (!(error instanceof QrErrorBase)) throw error;
    expect(READ_CODES.has(error.code), error.code).toBe(true);
    const size = declared(bytes);
    const png = SIGNATURE.every((b, i) => bytes[i] === b);
    if (png && size && size.width > 0 && size.height > 0 && size.width * size.height > MAX_PIXELS)
      expect(error.code).toBe('ERR_QR_IMAGE_TOO_LARGE');
    return;
  }
  // Only a non-PNG (e.g. a mutated signature sniffed as something else) could get here; it cannot be a large PNG.
  const size = declared(bytes);
  expect(SIGNATURE.every((b, i) => bytes[i] === b) && size !== null && size.width * size.height > MAX_PIXELS).toBe(
    false,
  );
}

// ------------------------------------------------------------------------------------------------------ generators

interface PngSpec {
  width: number;
  height: number;
  colorType: number;
  depth: number;
  interlace: 0 | 1;
  /** Bytes of each row before unfiltering (random filter types exercise every filter on random data). */
  rows: Uint8Array;
  palette?: Uint8Array;
  trns?: Uint8Array;
  ancillary: { type: string; body: Uint8Array }[];
  idatSplits: number;
  level: number;
}

function rowBytes(width: number, channels: number, depth: number): number {
  return Math.ceil((width * channels * depth) / 8);
}

/** Filtered scanline bytes needed (all Adam7 passes when interlaced). */
function rawLength(width: number, height: number, colorType: number, depth: number, interlace: number): number {
  const passes = interlace
    ? ADAM7.map(([x0, y0, dx, dy]) => [Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)] as const)
    : [[width, height] as const];
  return passes
    .filter(([w, h]) => w > 0 && h > 0)
    .reduce((n, [w, h]) => n + h * (1 + rowBytes(w, CHANNELS[colorType]!, depth)), 0);
}

const formatArb = fc.constantFrom(
  ...Object.entries(DEPTHS).flatMap(([t, ds]) => ds.map((d) => ({ colorType: Number(t), depth: d }))),
);

const ancillaryArb = fc.array(
  fc.oneof(
    fc.record({ type: fc.constant('tEXt'), body: fc.uint8Array({ maxLength: 24 }) }),
    fc.record({ type: fc.constant('gAMA'), body: fc.uint8Array({ minLength: 4, maxLength: 4 }) }),
    fc.record({ type: fc.constant('pHYs'), body: fc.uint8Array({ minLength: 9, maxLength: 9 }) }),
    fc.record({ type: fc.constant('zzZz'), body: fc.uint8Array({ maxLength: 8 }) }),
  ),
  { maxLength: 2 },
);

const specArb: fc.Arbitrary<PngSpec> = fc
  .record({
    width: fc.integer({ min: 1, max: 17 }),
    height: fc.integer({ min: 1, max: 17 }),
    format: formatArb,
    interlace: fc.constantFrom(0 as const, 1 as const),
    seed: fc.integer(),
    withTrns: fc.boolean(),
    trnsHitsPixel: fc.boolean(),
    ancillary: ancillaryArb,
    idatSplits: fc.integer({ min: 1, max: 3 }),
    level: fc.integer({ min: 0, max: 9 }),
  })
  .map(
    ({
      width,
      height,
      format: { colorType, depth },
      interlace,
      seed,
      withTrns,
      trnsHitsPixel,
      ancillary,
      idatSplits,
      level,
    }) => {
      // A small xorshift PRNG fills the rows (faster and smaller to shrink than arrays of bytes).
      let s = seed | 1;
      const rand = (): number => {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        return s >>> 0;
      };
      const rows = new Uint8Array(rawLength(width, height, colorType, depth, interlace));
      for (let i = 0; i < rows.length; i++) rows[i] = rand() & 0xff;
      // Filter bytes 0..4: walk the rows and fix each row's first byte.
      let at = 0;
      const passes = interlace
        ? ADAM7.map(([x0, y0, dx, dy]) => [Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)] as const)
        : [[width, height] as const];
      for (const [w, h] of passes) {
        if (w <= 0 || h <= 0) continue;
        for (let y = 0; y < h; y++) {
          rows[at] = rand() % 5;
          at += 1 + rowBytes(w, CHANNELS[colorType]!, depth);
        }
      }
      const spec: PngSpec = { width, height, colorType, depth, interlace, rows, ancillary, idatSplits, level };
      if (colorType === 3) {
        // A full palette: every index random data can produce is in it.
        spec.palette = Uint8Array.from({ length: 3 << depth }, () => rand() & 0xff);
        if (withTrns) spec.trns = Uint8Array.from({ length: rand() % ((1 << depth) + 1) }, () => rand() & 0xff);
      } else if (withTrns && (colorType === 0 || colorType === 2)) {
        // A transparent colour: sometimes one that occurs (filters make that rare by chance), else random.
        const n = colorType === 0 ? 1 : 3;
        const max = (1 << depth) - 1;
        const trns = new Uint8Array(2 * n);
        for (let k = 0; k < n; k++) {
          const v = trnsHitsPixel && depth <= 2 ? rand() & max : rand() & (depth === 16 ? 0xffff : max);
          trns[2 * k] = v >> 8;
          trns[2 * k + 1] = v & 0xff;
        }
        spec.trns = trns;
      }
      return spec;
    },
  );

function buildPng(spec: PngSpec): Uint8Array {
  const ihdr = pngIhdr(spec.width, spec.height, spec.depth, spec.colorType, spec.interlace);
  const z = new Uint8Array(deflateSync(spec.rows, { level: spec.level }));
  const idat: Uint8Array[] = [];
  const step = Math.ceil(z.length / spec.idatSplits);
  for (let at = 0; at < z.length; at += step) idat.push(chunk('IDAT', z.subarray(at, at + step)));
  return pngFile(ihdr, [
    ...spec.ancillary.map((c) => chunk(c.type, c.body)),
    ...(spec.palette ? [chunk('PLTE', spec.palette)] : []),
    ...(spec.trns ? [chunk('tRNS', spec.trns)] : []),
    ...idat,
  ]);
}

const validPngArb = specArb.map(buildPng);

/** PNGs as pngjs itself writes them (its packer: colour types 0, 2, 4, 6 at depth 8 or 16, every filter). */
const pngjsPngArb = fc
  .record({
    width: fc.integer({ min: 1, max: 16 }),
    height: fc.integer({ min: 1, max: 16 }),
    colorType: fc.constantFrom(0, 2, 4, 6),
    bitDepth: fc.constantFrom(8 as const, 16 as const),
    filterType: fc.integer({ min: -1, max: 4 }),
    pixels: fc.uint8Array({ minLength: 16 * 16 * 4, maxLength: 16 * 16 * 4 }),
  })
  .map(({ width, height, colorType, bitDepth, filterType, pixels }) => {
    const png = new pngjs.PNG({ width, height });
    png.data = Buffer.from(pixels.subarray(0, width * height * 4));
    return new Uint8Array(
      pngjs.PNG.sync.write(png, {
        colorType: colorType as 0 | 2 | 4 | 6,
        bitDepth,
        filterType,
        inputColorType: 6,
        inputHasAlpha: true,
      }),
    );
  });

/** Seeds for mutation: our generated PNGs and pngjs-written ones. */
const seedArb = fc.oneof({ weight: 3, arbitrary: validPngArb }, { weight: 1, arbitrary: pngjsPngArb });

/** Mutations aimed inside the chunks: positions near IHDR/PLTE/tRNS matter most (the shared ones are mod length). */
const mutatedArb = fc.tuple(seedArb, mutationsArb).map(([png, mutations]) => mutate(png, mutations));

/**
 * Header/chunk-level mutations of a valid PNG, rebuilt with correct CRCs: IHDR fields that disagree with the image
 * data (any colour type × any depth, other width/height/interlace), palettes and tRNS of any length (too short for the
 * indices, longer than the palette), the IDAT data cut or extended, chunks dropped, duplicated or reordered.
 */
const fieldMutatedArb = fc
  .tuple(
    specArb,
    // At most two changes at once (and none, so the reordering alone is also tried).
    fc
      .array(
        fc.oneof(
          fc.record({ colorType: fc.oneof(fc.constantFrom(0, 2, 3, 4, 6), fc.integer({ min: 0, max: 255 })) }),
          fc.record({ depth: fc.oneof(fc.constantFrom(1, 2, 4, 8, 16), fc.integer({ min: 0, max: 255 })) }),
          fc.record({ colorType: fc.constantFrom(0, 2, 3, 4, 6), depth: fc.constantFrom(1, 2, 4, 8, 16) }),
          fc.record({ width: fc.integer({ min: 0, max: 40 }) }),
          fc.record({ height: fc.integer({ min: 0, max: 40 }) }),
          fc.record({ interlace: fc.integer({ min: 0, max: 2 }) }),
          fc.record({ compression: fc.integer({ min: 0, max: 1 }) }),
          fc.record({ filter: fc.integer({ min: 0, max: 1 }) }),
          fc.record({ palette: fc.uint8Array({ maxLength: 800 }) }),
          fc.record({ trns: fc.uint8Array({ maxLength: 300 }) }),
          fc.record({ rawDelta: fc.integer({ min: -40, max: 40 }) }),
          fc.record({ rowFilter: fc.integer({ min: 0, max: 255 }) }),
        ),
        { maxLength: 2 },
      )
      .map(
        (changes) =>
          Object.assign({}, ...changes) as Partial<{
            colorType: number;
            depth: number;
            width: number;
            height: number;
            interlace: number;
            compression: number;
            filter: number;
            palette: Uint8Array;
            trns: Uint8Array;
            rawDelta: number;
            rowFilter: number;
          }>,
      ),
    fc.array(fc.constantFrom('drop', 'duplicate', 'swap'), { maxLength: 2 }),
    fc.nat(),
  )
  .map(([spec, change, reorder, pick]) => {
    const s: PngSpec = { ...spec, ...change, interlace: spec.interlace };
    const ihdr = pngIhdr(
      s.width,
      s.height,
      s.depth,
      s.colorType,
      change.interlace ?? spec.interlace,
      change.compression ?? 0,
      change.filter ?? 0,
    );
    // Image data: the spec's rows, cut or padded by rawDelta, or sized for the changed header (so that header wins).
    let rows = spec.rows;
    if (
      change.width !== undefined ||
      change.height !== undefined ||
      change.depth !== undefined ||
      change.colorType !== undefined ||
      change.interlace !== undefined
    ) {
      const depth = s.depth > 0 && s.depth <= 16 ? s.depth : 8;
      const n = Math.min(
        200_000,
        rawLength(s.width, s.height, CHANNELS[s.colorType] ? s.colorType : 0, depth, change.interlace === 1 ? 1 : 0),
      );
      rows = Uint8Array.from({ length: n }, (_, i) => spec.rows[i % spec.rows.length]!);
    }
    if (change.rawDelta !== undefined)
      rows =
        change.rawDelta < 0
          ? rows.subarray(0, Math.max(0, rows.length + change.rawDelta))
          : concat(rows, new Uint8Array(change.rawDelta));
    if (change.rowFilter !== undefined && rows.length > 0) {
      rows = new Uint8Array(rows);
      rows[0] = change.rowFilter;
    }
    const chunks: Uint8Array[] = [
      ...s.ancillary.map((c) => chunk(c.type, c.body)),
      ...(s.palette ? [chunk('PLTE', s.palette)] : []),
      ...(s.trns ? [chunk('tRNS', s.trns)] : []),
      chunk('IDAT', new Uint8Array(deflateSync(rows))),
    ];
    for (const op of reorder) {
      const i = pick % chunks.length;
      const j = (pick >> 3) % chunks.length;
      if (op === 'drop') chunks.splice(i, 1);
      else if (op === 'duplicate') chunks.splice(j, 0, chunks[i]!);
      else [chunks[i], chunks[j]] = [chunks[j]!, chunks[i]!];
      if (chunks.length === 0) break;
    }
    return pngFile(ihdr, chunks);
  });

/** Random chunk sequences with correct CRCs: IHDR-like headers, PLTE/tRNS of any length, IDAT of zlib'd random data. */
const chunkSequenceArb = fc
  .tuple(
    fc.record({
      width: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 20 }) },
        fc.constantFrom(0xffffffff, 0x80000000, 65536),
      ),
      height: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 20 }) },
        fc.constantFrom(0xffffffff, 0x80000000, 65536),
      ),
      // Mostly valid header fields (so that the chunks after the header matter), sometimes anything.
      format: fc.oneof(
        { weight: 6, arbitrary: formatArb },
        fc.record({ colorType: fc.integer({ min: 0, max: 255 }), depth: fc.integer({ min: 0, max: 255 }) }),
      ),
      compression: fc.oneof({ weight: 15, arbitrary: fc.constant(0) }, fc.integer({ min: 0, max: 255 })),
      filter: fc.oneof({ weight: 15, arbitrary: fc.constant(0) }, fc.integer({ min: 0, max: 255 })),
      interlace: fc.oneof({ weight: 15, arbitrary: fc.constantFrom(0, 1) }, fc.integer({ min: 0, max: 255 })),
    }),
    fc.array(
      fc.oneof(
        fc.record({
          type: fc.constant('PLTE'),
          body: fc.oneof(fc.uint8Array({ maxLength: 780 }), fc.uint8Array({ minLength: 768, maxLength: 768 })),
        }),
        fc.record({ type: fc.constant('tRNS'), body: fc.uint8Array({ maxLength: 260 }) }),
        // Image data of about the size the header asks for (filter bytes random, so also out of range).
        {
          weight: 3,
          arbitrary: fc.record({
            type: fc.constant('IDAT*'),
            body: fc
              .tuple(fc.integer({ min: -3, max: 3 }), fc.integer())
              .map(([d, seed]) => Uint8Array.of(d + 3, seed & 0xff, (seed >> 8) & 0xff)),
          }),
        },
        fc.record({
          type: fc.constant('IDAT'),
          body: fc.uint8Array({ maxLength: 600 }).map((raw) => new Uint8Array(deflateSync(raw))),
        }),
        fc.record({ type: fc.constant('IDAT'), body: fc.uint8Array({ maxLength: 64 }) }),
        fc.record({
          type: fc.constantFrom('IHDR', 'IEND', 'gAMA', 'tEXt', 'ABCD', 'abcd'),
          body: fc.uint8Array({ maxLength: 16 }),
        }),
      ),
      { maxLength: 6 },
    ),
    // Mostly with an IEND (without one the file is merely truncated).
    fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
  )
  .map(([header, chunks, end]) => {
    const h = { ...header, ...header.format };
    const ihdr = pngIhdr(h.width, h.height, h.depth, h.colorType, h.interlace, h.compression, h.filter);
    const body = (c: { type: string; body: Uint8Array }): Uint8Array => {
      if (c.type !== 'IDAT*') return chunk(c.type, c.body);
      const fits =
        h.width * h.height <= MAX_PIXELS && CHANNELS[h.colorType] !== undefined && h.depth > 0 && h.depth <= 16;
      const n = fits
        ? Math.max(0, rawLength(h.width, h.height, h.colorType, h.depth, h.interlace === 1 ? 1 : 0) + c.body[0]! - 3)
        : 64;
      // Filter bytes (0..4) where a non-interlaced image's rows start; elsewhere any byte.
      const stride = fits ? 1 + rowBytes(h.width, CHANNELS[h.colorType]!, h.depth) : 7;
      const raw = Uint8Array.from(
        { length: n },
        (_, i) => (i * 131 + c.body[1]! * 7 + c.body[2]!) % (i % stride === 0 ? 5 : 256),
      );
      return chunk('IDAT', new Uint8Array(deflateSync(raw)));
    };
    return pngFile(ihdr, chunks.map(body), end);
  });

// ------------------------------------------------------------------------------------------------------ properties

describe('PNG decoder fuzzing (decodePngRgba against pngjs)', () => {
  it(
    'valid PNGs of every colour type, bit depth and interlacing decode to exactly pngjs’s RGBA',
    () => {
      fc.assert(fc.property(validPngArb, expectDecodedLikePngjs), fuzzParams(RUNS.valid, 0.5));
    },
    fuzzTimeout,
  );

  it(
    'PNGs written by pngjs decode to exactly pngjs’s RGBA',
    () => {
      fc.assert(fc.property(pngjsPngArb, expectDecodedLikePngjs), fuzzParams(RUNS.pngjsEncoded, 0.25));
    },
    fuzzTimeout,
  );

  /** Properties whose every case goes through `differential`: title, tally name, the PNGs, short-run count. */
  const differentialProperties: [string, string, fc.Arbitrary<Uint8Array>, number][] = [
    [
      'mutated PNGs (CRCs left as they are): decode, agreeing with pngjs where it decodes too, or a typed error',
      'mutated',
      mutatedArb,
      RUNS.mutated,
    ],
    [
      'mutated PNGs with the CRCs recomputed (the mutation reaches IHDR/PLTE/tRNS/IDAT): the same',
      'crc-fixed',
      mutatedArb.map(fixCrcs),
      RUNS.mutatedCrcFixed,
    ],
    [
      'header/chunk-level mutations (IHDR fields against the data, PLTE/tRNS of any length, chunks ' +
        'dropped/duplicated/swapped): the same',
      'fields',
      fieldMutatedArb,
      RUNS.fields,
    ],
    [
      'random chunk sequences with valid CRCs (any IHDR fields, PLTE/tRNS of any size, stray IDAT): the same',
      'chunks',
      chunkSequenceArb,
      RUNS.chunks,
    ],
  ];
  for (const [title, name, arb, runs] of differentialProperties) {
    // The tallies show, in the long run, how often the comparison with pngjs actually ran.
    it(title, () => assertTallied(`png fuzz ${name}`, arb, differential, runs), fuzzTimeout);
  }

  it(
    'through readQrCodesFromImage (pixel budget 4096): an array or a typed error; an IHDR over the budget ' +
      'is ERR_QR_IMAGE_TOO_LARGE',
    () => {
      const overBudget = fc
        .tuple(
          seedArb,
          fc.integer({ min: 65, max: 0xffffffff }),
          fc.integer({ min: 65, max: 0xffffffff }),
          fc.boolean(),
        )
        .map(([png, width, height, fix]) => {
          const out = new Uint8Array(png);
          const view = new DataView(out.buffer);
          view.setUint32(16, width);
          view.setUint32(20, height);
          return fix ? fixCrcs(out) : out;
        });
      fc.assert(
        fc.property(fc.oneof(mutatedArb, mutatedArb.map(fixCrcs), overBudget), (png) => {
          const size = declared(png);
          const overTheBudget =
            size !== null && size.width > 0 && size.height > 0 && size.width * size.height > MAX_PIXELS;
          try {
            const found = readQrCodesFromImage(png, { maxPixels: MAX_PIXELS, timeBudgetMs: 200 });
            expect(Array.isArray(found)).toBe(true);
            expect(overTheBudget && SIGNATURE.every((b, i) => png[i] === b)).toBe(false);
          } catch (error) {
            if (!(error instanceof QrErrorBase)) throw error;
            expect(READ_CODES.has(error.code), error.code).toBe(true);
            if (overTheBudget && SIGNATURE.every((b, i) => png[i] === b))
              expect(error.code).toBe('ERR_QR_IMAGE_TOO_LARGE');
          }
        }),
        fuzzParams(RUNS.budget, 0.05),
      );
    },
    fuzzTimeout,
  );
});
