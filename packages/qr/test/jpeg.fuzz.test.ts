/**
 * Property-based fuzzing (fast-check) of the luminance-only JPEG decoder (src/read/jpeg.ts): mutated valid JPEGs
 * (baseline, progressive, subsampled, with restart intervals) and random entropy-coded data behind real headers
 * either decode within the pixel budget or throw one of the package's typed image errors — nothing else escapes —
 * and unmutated images from jpeg-js's encoder agree with jpeg-js. Short runs here; `pnpm fuzz` (scripts/fuzz.mjs)
 * runs the same properties with FUZZ_RUNS cases.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeJpegLuminance } from '../src/read/jpeg.js';
import { QrErrorBase } from '../src/lib/errors.js';
import { fuzzParams, fuzzRuns, fuzzTimeout, mutate, mutationsArb } from '../../../test/fuzz/support.js';

/** Short-run case counts per property (FUZZ_RUNS replaces them in the long run). */
const RUNS = { mutated: 300, randomAfterSoi: 200, randomEntropy: 200, agreement: 60 };

const TYPED_CODES = ['ERR_QR_IMAGE_CORRUPT', 'ERR_QR_IMAGE_UNSUPPORTED', 'ERR_QR_IMAGE_TOO_LARGE'];

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/jpeg/${name}`, import.meta.url)));

/** Valid seeds: ImageMagick/libjpeg fixtures (4:2:0, 4:2:2, grey, progressive, restarts) and a jpeg-js encoding. */
const SEEDS = [
  fixture('photo-420.jpg'),
  fixture('photo-422.jpg'),
  fixture('photo-grey.jpg'),
  fixture('photo-420-progressive.jpg'),
  fixture('photo-grey-progressive.jpg'),
  fixture('photo-restart-1mcu.jpg'),
  fixture('photo-restart-3mcu-progressive.jpg'),
  fixture('photo-luma-subsampled.jpg'),
];

/** Budgets: the fixtures' own size, tight ones, and one where mutated dimensions can still pass. */
const budget = fc.oneof(fc.constant(101 * 75), fc.integer({ min: 1, max: 20_000 }), fc.constant(1 << 20));

/** Decode, and check the only two allowed outcomes. */
function decodeOrTypedError(bytes: Uint8Array, maxPixels: number): 'decoded' | string {
  try {
    const img = decodeJpegLuminance(bytes, { maxPixels });
    expect(img.width).toBeGreaterThan(0);
    expect(img.height).toBeGreaterThan(0);
    expect(img.width * img.height).toBeLessThanOrEqual(maxPixels);
    expect(img.data).toBeInstanceOf(Uint8Array);
    expect(img.data.length).toBe(img.width * img.height);
    return 'decoded';
  } catch (error) {
    if (!(error instanceof QrErrorBase)) throw error;
    expect(TYPED_CODES).toContain(error.code);
    return error.code;
  }
}

/** Everything in front of the first SOS's entropy-coded data: tables, frame and scan headers. */
function headersOf(bytes: Uint8Array): Uint8Array {
  let at = 2;
  for (;;) {
    const code = bytes[at + 1]!;
    const end = at + 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
    if (code === 0xda) return bytes.subarray(0, end);
    at = end;
  }
}

function jpegjsLuma(bytes: Uint8Array): Uint8Array {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, colorTransform: false });
  return Uint8Array.from({ length: img.width * img.height }, (_, i) => img.data[3 * i]!);
}

describe('decodeJpegLuminance under fuzzing (fast-check)', () => {
  it(
    `mutated valid JPEGs (baseline, progressive, subsampled, restarts): decode within budget or a typed ` +
      `error (${fuzzRuns(RUNS.mutated)} cases)`,
    () => {
      const outcomes = new Set<string>();
      fc.assert(
        fc.property(fc.constantFrom(...SEEDS), mutationsArb, budget, (seed, mutations, maxPixels) => {
          outcomes.add(decodeOrTypedError(mutate(seed, mutations), maxPixels));
        }),
        fuzzParams(RUNS.mutated),
      );
      // Controls: the seeds themselves decode, and mutations do produce refusals (the property is not vacuous).
      for (const seed of SEEDS) expect(decodeOrTypedError(seed, 101 * 75)).toBe('decoded');
      expect(outcomes.has('ERR_QR_IMAGE_CORRUPT')).toBe(true);
    },
    fuzzTimeout,
  );

  it(
    `random bytes after an SOI: a typed error (or, rarely, an image) (${fuzzRuns(RUNS.randomAfterSoi)} cases)`,
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 600 }), budget, (body, maxPixels) => {
          decodeOrTypedError(Uint8Array.from([0xff, 0xd8, ...body]), maxPixels);
        }),
        fuzzParams(RUNS.randomAfterSoi),
      );
    },
    fuzzTimeout,
  );

  it(
    `random entropy-coded data behind real headers: decode within budget or a typed error ` +
      `(${fuzzRuns(RUNS.randomEntropy)} cases)`,
    () => {
      const headers = SEEDS.map(headersOf);
      const entropy = fc.uint8Array({ maxLength: 4000 }).map((b) => b.map((x) => (x === 0xff ? 0x00 : x)));
      const sprinkled = fc.uint8Array({ maxLength: 4000 }); // raw: 0xFF bytes become markers, stuffing, fill
      fc.assert(
        fc.property(
          fc.constantFrom(...headers),
          fc.oneof(entropy, sprinkled),
          fc.boolean(),
          budget,
          (head, body, eoi, maxPixels) => {
            const tail = eoi ? [0xff, 0xd9] : [];
            decodeOrTypedError(Uint8Array.from([...head, ...body, ...tail]), maxPixels);
          },
        ),
        fuzzParams(RUNS.randomEntropy),
      );
    },
    fuzzTimeout,
  );

  it(
    `unmutated jpeg-js encodings (any size 1..48, quality 1..100, any content): agree with jpeg-js within ` +
      `±2 (${fuzzRuns(RUNS.agreement, 0.1)} cases)`,
    () => {
      const image = fc
        .record({
          width: fc.integer({ min: 1, max: 48 }),
          height: fc.integer({ min: 1, max: 48 }),
          quality: fc.integer({ min: 1, max: 100 }),
          grey: fc.boolean(),
        })
        .chain((r) =>
          fc
            .uint8Array({ minLength: r.width * r.height * 4, maxLength: r.width * r.height * 4 })
            .map((pixels) => ({ ...r, pixels })),
        );
      fc.assert(
        fc.property(image, ({ width, height, quality, grey, pixels }) => {
          const data = new Uint8Array(pixels);
          // Grey content (R = G = B) half the time: no chroma at all, the QR case.
          if (grey) for (let i = 0; i < data.length; i += 4) data[i + 1] = data[i + 2] = data[i]!;
          const bytes = new Uint8Array(jpeg.encode({ width, height, data }, quality).data);
          const ours = decodeJpegLuminance(bytes, { maxPixels: width * height });
          const theirs = jpegjsLuma(bytes);
          expect([ours.width, ours.height]).toEqual([width, height]);
          let max = 0;
          for (let i = 0; i < theirs.length; i++) max = Math.max(max, Math.abs(ours.data[i]! - theirs[i]!));
          expect(max).toBeLessThanOrEqual(2);
        }),
        fuzzParams(RUNS.agreement, 0.1),
      );
    },
    fuzzTimeout,
  );
});
