/**
 * Our luminance-only JPEG decoder (src/read/jpeg.ts) against jpeg-js, the decoder it replaces: images from jpeg-js's
 * own encoder and small ImageMagick / libjpeg fixtures (fixtures/jpeg/README.md), then every refusal next to a
 * positive control that the same bytes, unpatched, decode.
 *
 * The reference luminance is jpeg-js's Y channel (`colorTransform: false` keeps Y, Cb, Cr as decoded): that compares
 * the decoders, not colour conversions. For grey content the RGB → Y = 0.299R + 0.587G + 0.114B route is checked too.
 */
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeJpegLuminance, type LuminanceImage } from '../src/read/jpeg.js';
import { QrErrorBase } from '../src/lib/errors.js';
import { concat, prng } from '../../../test/support/bytes.js';

const FIXTURES = new URL('./fixtures/jpeg/', import.meta.url);
const BIG = { maxPixels: 16_000_000 };

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURES)));
}

/** jpeg-js's Y plane (greyscale: its only plane). */
function jpegjsLuma(bytes: Uint8Array): LuminanceImage {
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    colorTransform: false,
    maxResolutionInMP: 20,
    maxMemoryUsageInMB: 1024,
  });
  const data = new Uint8Array(img.width * img.height);
  for (let i = 0; i < data.length; i++) data[i] = img.data[i * 3]!;
  return { width: img.width, height: img.height, data };
}

/** jpeg-js's RGB output converted to luminance. */
function jpegjsRgbLuma(bytes: Uint8Array): Uint8Array {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
  const data = new Uint8Array(img.width * img.height);
  for (let i = 0; i < data.length; i++)
    data[i] = Math.round(0.299 * img.data[3 * i]! + 0.587 * img.data[3 * i + 1]! + 0.114 * img.data[3 * i + 2]!);
  return data;
}

function diff(a: Uint8Array, b: Uint8Array): { max: number; mean: number } {
  expect(a.length).toBe(b.length);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: a.length ? sum / a.length : 0 };
}

/** Decode with both and check agreement within ±2 (mean under 0.25): IDCT rounding differs, nothing else should. */
function expectAgreesWithJpegJs(bytes: Uint8Array): { max: number; mean: number } {
  const ours = decodeJpegLuminance(bytes, BIG);
  const theirs = jpegjsLuma(bytes);
  expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
  expect(ours.data).toBeInstanceOf(Uint8Array);
  expect(ours.data.length).toBe(ours.width * ours.height);
  const d = diff(ours.data, theirs.data);
  expect(d.max).toBeLessThanOrEqual(2);
  expect(d.mean).toBeLessThan(0.25);
  return d;
}

/* ---------------------------------------------------------------------------------------------- test images */

type Content = 'noise' | 'grey-noise' | 'qr' | 'gradient';

/** RGBA pixels: colour noise, grey noise, QR-like black/white modules (3 px each), or a smooth colour gradient. */
function rgba(width: number, height: number, content: Content, seed = 1): Uint8Array {
  const rnd = prng(seed);
  const modules = Array.from({ length: Math.ceil(height / 3) * Math.ceil(width / 3) }, () => (rnd() < 0.5 ? 0 : 255));
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      let rgb: [number, number, number];
      if (content === 'noise') rgb = [rnd() * 256, rnd() * 256, rnd() * 256];
      else if (content === 'grey-noise') rgb = Array(3).fill(rnd() * 256) as [number, number, number];
      else if (content === 'qr')
        rgb = Array(3).fill(modules[Math.floor(y / 3) * Math.ceil(width / 3) + Math.floor(x / 3)]) as [
          number,
          number,
          number,
        ];
      else rgb = [(x * 255) / Math.max(1, width - 1), (y * 255) / Math.max(1, height - 1), ((x + y) * 3) & 255];
      out.set([...rgb.map((v) => v | 0), 255], i);
    }
  }
  return out;
}

function jpegjsEncode(width: number, height: number, content: Content, quality: number, seed = 1): Uint8Array {
  return new Uint8Array(jpeg.encode({ width, height, data: rgba(width, height, content, seed) }, quality).data);
}

/* ---------------------------------------------------------------------------------------------- byte surgery */

interface Segment {
  code: number;
  /** Offset of the 0xFF of the marker. */
  at: number;
  /** End of the segment; for SOS, of its entropy-coded data too. */
  end: number;
}

/** The marker segments of a well-formed JPEG, in order (test helper; trusts its input). */
function segments(bytes: Uint8Array): Segment[] {
  const out: Segment[] = [];
  let at = 2;
  while (at + 1 < bytes.length) {
    const code = bytes[at + 1]!;
    if (code === 0xd9) {
      out.push({ code, at, end: at + 2 });
      break;
    }
    let end = at + 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
    if (code === 0xda) {
      while (
        end + 1 < bytes.length &&
        !(bytes[end] === 0xff && bytes[end + 1] !== 0 && !(bytes[end + 1]! >= 0xd0 && bytes[end + 1]! <= 0xd7))
      )
        end++;
    }
    out.push({ code, at, end });
    at = end;
  }
  return out;
}

function first(bytes: Uint8Array, code: number): Segment {
  const s = segments(bytes).find((x) => x.code === code);
  if (!s) throw new Error(`no marker ${code.toString(16)}`);
  return s;
}

function patched(bytes: Uint8Array, at: number, ...values: number[]): Uint8Array {
  const out = new Uint8Array(bytes);
  out.set(values, at);
  return out;
}

function errorOf(f: () => unknown): QrErrorBase {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(QrErrorBase);
    return error as QrErrorBase;
  }
  throw new Error('expected an error');
}

function expectCode(bytes: Uint8Array, code: string, message?: RegExp, maxPixels = BIG.maxPixels): void {
  const error = errorOf(() => decodeJpegLuminance(bytes, { maxPixels }));
  expect(error.code).toBe(code);
  if (message) expect(error.message).toMatch(message);
}

const CORRUPT = 'ERR_QR_IMAGE_CORRUPT';
const UNSUPPORTED = 'ERR_QR_IMAGE_UNSUPPORTED';
const TOO_LARGE = 'ERR_QR_IMAGE_TOO_LARGE';

/* ---------------------------------------------------------------------------------------------- agreement */

describe('decodeJpegLuminance agrees with jpeg-js', () => {
  const sizes: [number, number][] = [
    [1, 1],
    [8, 8],
    [17, 9],
    [16, 16],
    [64, 3],
    [3, 64],
    [333, 251],
  ];
  const qualities = [10, 50, 75, 90, 100];
  for (const content of ['noise', 'grey-noise', 'qr', 'gradient'] as const) {
    it(
      `on jpeg-js-encoded ${content} images, sizes ${sizes.map(([w, h]) => `${w}×${h}`).join(' ')}, ` +
        `qualities ${qualities.join(' ')} (333×251: two of them)`,
      () => {
        let worst = { max: 0, mean: 0 };
        for (const [w, h] of sizes) {
          // jpeg-js encodes and decodes 333×251 slowly: two qualities each there keep the file fast.
          for (const q of w * h > 10_000 ? qualities.filter((_, i) => i % 2 === content.length % 2) : qualities) {
            const d = expectAgreesWithJpegJs(jpegjsEncode(w, h, content, q, w * 1000 + h + q));
            worst = { max: Math.max(worst.max, d.max), mean: Math.max(worst.mean, d.mean) };
          }
        }
        expect(worst.max).toBeLessThanOrEqual(2);
      },
    );
  }

  it('on grey content, also against jpeg-js RGB output converted with 0.299R+0.587G+0.114B', () => {
    for (const content of ['grey-noise', 'qr'] as const) {
      for (const q of [10, 75, 100]) {
        const bytes = jpegjsEncode(333, 251, content, q, q);
        const d = diff(decodeJpegLuminance(bytes, BIG).data, jpegjsRgbLuma(bytes));
        expect(d.max).toBeLessThanOrEqual(2);
        expect(d.mean).toBeLessThan(0.25);
      }
    }
  });

  const fixtures = [
    'photo-420.jpg',
    'photo-422.jpg',
    'photo-444.jpg',
    'photo-grey.jpg',
    'photo-420-progressive.jpg',
    'photo-grey-progressive.jpg',
    'photo-luma-subsampled.jpg',
    'photo-restart-1mcu.jpg',
    'photo-restart-3mcu-progressive.jpg',
    'grey-restart-5mcu.jpg',
  ];
  for (const name of fixtures) {
    it(`on fixture ${name}`, () => {
      const bytes = fixture(name);
      expectAgreesWithJpegJs(bytes);
      expect(decodeJpegLuminance(bytes, BIG).width).toBe(101);
    });
  }

  it('fixtures really contain what they are named after', () => {
    expect(first(fixture('photo-420-progressive.jpg'), 0xc2)).toBeTruthy();
    expect(segments(fixture('photo-420-progressive.jpg')).filter((s) => s.code === 0xda).length).toBeGreaterThan(5);
    expect(first(fixture('photo-restart-1mcu.jpg'), 0xdd)).toBeTruthy();
    expect(first(fixture('photo-restart-3mcu-progressive.jpg'), 0xdd)).toBeTruthy();
    expect(first(fixture('photo-arithmetic.jpg'), 0xc9)).toBeTruthy();
    // 4:2:0: Y sampled 2×2.
    const sof = first(fixture('photo-420.jpg'), 0xc0);
    expect(fixture('photo-420.jpg')[sof.at + 11]).toBe(0x22);
  });

  it('skips APPn and COM segments and fill bytes before markers', () => {
    const base = fixture('photo-420.jpg');
    const app = Uint8Array.of(0xff, 0xe5, 0x00, 0x06, 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xfe, 0x00, 0x04, 0xff, 0xd9);
    const bytes = concat(base.subarray(0, 2), app, base.subarray(2));
    expect(decodeJpegLuminance(bytes, BIG).data).toEqual(decodeJpegLuminance(base, BIG).data);
  });

  it('accepts data that ends right after the last scan (no EOI), refuses data that ends inside it', () => {
    const base = fixture('photo-420-progressive.jpg');
    const whole = decodeJpegLuminance(base, BIG);
    expect(decodeJpegLuminance(base.subarray(0, base.length - 2), BIG).data).toEqual(whole.data);
    expectCode(base.subarray(0, base.length - 40), CORRUPT, /ends before the scan/);
  });
});

/* ---------------------------------------------------------------------------------------------- refusals */

describe('decodeJpegLuminance refuses, with a typed error, what it does not support', () => {
  const base = fixture('photo-420.jpg');
  const sof = first(base, 0xc0);

  it('positive control: the unpatched baseline decodes', () => {
    expect(decodeJpegLuminance(base, BIG).width).toBe(101);
  });

  it('arithmetic coding (a real SOF9 file from libjpeg, and SOF0 patched to SOF9..SOF15)', () => {
    expectCode(fixture('photo-arithmetic.jpg'), UNSUPPORTED, /arithmetic/);
    for (const code of [0xc9, 0xca, 0xcd, 0xce]) expectCode(patched(base, sof.at + 1, code), UNSUPPORTED, /arithmetic/);
  });

  it('lossless and hierarchical coding', () => {
    for (const code of [0xc3, 0xc7, 0xcb, 0xcf]) expectCode(patched(base, sof.at + 1, code), UNSUPPORTED, /lossless/);
    for (const code of [0xc5, 0xc6]) expectCode(patched(base, sof.at + 1, code), UNSUPPORTED, /hierarchical/);
    // A DHP segment (hierarchical) before the frame.
    const dhp = Uint8Array.of(0xff, 0xde, 0x00, 0x02);
    expectCode(concat(base.subarray(0, 2), dhp, base.subarray(2)), UNSUPPORTED, /hierarchical/);
  });

  it('12- and 16-bit precision', () => {
    expectCode(patched(base, sof.at + 4, 12), UNSUPPORTED, /12-bit/);
    expectCode(patched(base, sof.at + 4, 16), UNSUPPORTED, /16-bit/);
  });

  it('2 and 4 components (CMYK from ImageMagick)', () => {
    expectCode(patched(base, sof.at + 9, 2), UNSUPPORTED, /2-component/);
    expectCode(fixture('photo-cmyk.jpg'), UNSUPPORTED, /CMYK/);
  });

  it('3 components coded as RGB (Adobe APP14 transform 0), while Adobe YCbCr decodes', () => {
    const rgb = fixture('photo-adobe-rgb.jpg');
    expectCode(rgb, UNSUPPORTED, /RGB/);
    const app14 = first(rgb, 0xee);
    // Positive control: the same file claiming transform 1 (YCbCr) decodes (to the wrong picture, but it decodes).
    expect(decodeJpegLuminance(patched(rgb, app14.at + 15, 1), BIG).width).toBe(101);
  });
});

describe('decodeJpegLuminance checks the pixel budget on the SOF header', () => {
  const base = fixture('photo-420.jpg');
  const sof = first(base, 0xc0);

  it('exactly at the budget decodes, one pixel under refuses', () => {
    expect(decodeJpegLuminance(base, { maxPixels: 101 * 75 }).data.length).toBe(101 * 75);
    expectCode(base, TOO_LARGE, /7575 pixels/, 101 * 75 - 1);
  });

  it('65535×65535 declared with a short body is refused as too large, not decoded', () => {
    expectCode(patched(base, sof.at + 5, 0xff, 0xff, 0xff, 0xff), TOO_LARGE, /65535×65535/);
    // With no real budget: whether or not the engine can allocate 4 GiB, a typed error, never a RangeError.
    const error = errorOf(() =>
      decodeJpegLuminance(patched(base, sof.at + 5, 0xff, 0xff, 0xff, 0xff), { maxPixels: Number.MAX_SAFE_INTEGER }),
    );
    expect([TOO_LARGE, CORRUPT]).toContain(error.code);
  });

  it('zero width, and zero height (deferred to DNL), are corrupt', () => {
    expectCode(patched(base, sof.at + 5, 0, 0), CORRUPT, /DNL/);
    expectCode(patched(base, sof.at + 7, 0, 0), CORRUPT, /0 pixels wide/);
  });
});

describe('decodeJpegLuminance refuses corrupt data with QrImageCorruptError', () => {
  const base = fixture('photo-420.jpg');
  const progressive = fixture('photo-420-progressive.jpg');
  const restart = fixture('photo-restart-1mcu.jpg');

  it('positive controls decode', () => {
    for (const b of [base, progressive, restart]) expect(decodeJpegLuminance(b, BIG).height).toBe(75);
  });

  it('no SOI, second SOI, SOS before SOF, EOI before any scan, junk between segments', () => {
    expectCode(base.subarray(2), CORRUPT, /SOI/);
    expectCode(concat(base.subarray(0, 2), Uint8Array.of(0xff, 0xd8), base.subarray(2)), CORRUPT, /second SOI/);
    const sos = first(base, 0xda);
    const sof = first(base, 0xc0);
    expectCode(concat(base.subarray(0, 2), base.subarray(sos.at, sos.end)), CORRUPT, /before the frame header/);
    expectCode(concat(base.subarray(0, sof.end), Uint8Array.of(0xff, 0xd9)), CORRUPT, /EOI/);
    expectCode(concat(base.subarray(0, 2), Uint8Array.of(0x12), base.subarray(2)), CORRUPT, /expected a marker/);
  });

  it('truncated anywhere: headers, segment lengths, entropy data', () => {
    const sos = first(base, 0xda);
    for (const end of [1, 3, 5, 20, sos.at + 3, sos.at + 20, Math.floor((sos.at + sos.end) / 2), sos.end - 3]) {
      expectCode(base.subarray(0, end), CORRUPT);
    }
    for (const end of [
      first(progressive, 0xc2).end + 10,
      Math.floor(progressive.length / 2),
      progressive.length - 30,
    ]) {
      expectCode(progressive.subarray(0, end), CORRUPT);
    }
  });

  it('an over-subscribed Huffman table', () => {
    const dht = first(base, 0xc4);
    // Counts (lengths 1, 2, 3): two 1-bit codes fill the code space; the table's other codes no longer fit.
    const counts = base.subarray(dht.at + 5, dht.at + 8);
    expect(counts[0]).toBe(0);
    const bad = patched(base, dht.at + 5, 2, Math.max(0, counts[1]! - 1), counts[2]! - 1 + (counts[1]! > 0 ? 0 : 1));
    expectCode(bad, CORRUPT, /Huffman table has more codes/);
  });

  it('a Huffman symbol out of range (DC category above 11)', () => {
    const dht = first(base, 0xc4);
    const total = [...base.subarray(dht.at + 5, dht.at + 21)].reduce((a, b) => a + b, 0);
    expect(base[dht.at + 4]).toBe(0x00); // DC table 0
    expectCode(patched(base, dht.at + 21, ...new Array<number>(total).fill(15)), CORRUPT, /DC difference category/);
  });

  it('a quantisation table or Huffman table referenced but never defined', () => {
    const sof = first(base, 0xc0);
    expectCode(patched(base, sof.at + 12, 3), CORRUPT, /quantisation table that was never defined/);
    const dqt = first(base, 0xdb);
    expectCode(concat(base.subarray(0, dqt.at), base.subarray(dqt.end)), CORRUPT, /quantisation table/);
    const sos = first(base, 0xda);
    expectCode(patched(base, sos.at + 6, 0x33), CORRUPT, /Huffman table that was never defined/);
  });

  it('a scan naming a component that is not in the frame, or one twice', () => {
    const sos = first(base, 0xda);
    expectCode(patched(base, sos.at + 5, 9), CORRUPT, /not in the frame/);
    expectCode(patched(base, sos.at + 7, base[sos.at + 5]!), CORRUPT, /twice/);
  });

  it('progressive spectral selection and successive approximation out of range', () => {
    const scans = segments(progressive).filter((s) => s.code === 0xda);
    const acScan = scans[1]!; // Y, 1..5
    const n = progressive[acScan.at + 4]!;
    const ss = acScan.at + 5 + 2 * n;
    expect(n).toBe(1);
    expectCode(patched(progressive, ss, 1, 64), CORRUPT, /spectral selection/);
    expectCode(patched(progressive, ss, 6, 5), CORRUPT, /spectral selection/);
    expectCode(patched(progressive, ss, 0, 5), CORRUPT, /DC scan also codes AC/);
    expectCode(patched(progressive, ss + 2, 0x31), CORRUPT, /successive approximation/);
    expectCode(patched(progressive, ss + 2, 0x0e), CORRUPT, /successive approximation/);
  });

  it('restart markers missing or out of sequence', () => {
    const sos = first(restart, 0xda);
    let rst = sos.at + 10;
    while (!(restart[rst] === 0xff && restart[rst + 1] === 0xd0)) rst++;
    expectCode(concat(restart.subarray(0, rst), restart.subarray(rst + 2)), CORRUPT, /restart marker/);
    expectCode(patched(restart, rst + 1, 0xd3), CORRUPT, /restart marker/);
  });

  it('more markers than the cap (positive control: 500 COM segments decode)', () => {
    const com = (n: number) => concat(...Array.from({ length: n }, () => Uint8Array.of(0xff, 0xfe, 0x00, 0x02)));
    expect(decodeJpegLuminance(concat(base.subarray(0, 2), com(500), base.subarray(2)), BIG).width).toBe(101);
    expectCode(concat(base.subarray(0, 2), com(3000), base.subarray(2)), CORRUPT, /more than 2048 markers/);
  });

  it(
    'more scans than the cap, and too many progressive passes over luma (positive controls: a few repeats ' + 'decode)',
    () => {
      const segs = segments(progressive);
      const scans = segs.filter((s) => s.code === 0xda);
      const eoi = segs[segs.length - 1]!;
      // an AC scan of Cb/Cr
      const chroma = scans.find((s) => progressive[s.at + 5] !== 1 && progressive[s.at + 4] === 1)!;
      const lumaAc = scans[1]!;
      // Repeat the scan with the DHT in front of it (each scan here brings its own optimised table).
      const withTables = (scan: Segment) => {
        const i = segs.indexOf(scan);
        return progressive.subarray(segs[i - 1]!.code === 0xc4 ? segs[i - 1]!.at : scan.at, scan.end);
      };
      const repeat = (scan: Segment, n: number) =>
        concat(
          progressive.subarray(0, eoi.at),
          ...Array.from({ length: n }, () => withTables(scan)),
          progressive.subarray(eoi.at),
        );
      const clean = decodeJpegLuminance(progressive, BIG).data;
      expect(decodeJpegLuminance(repeat(chroma, 20), BIG).data).toEqual(clean);
      expectCode(repeat(chroma, 300), CORRUPT, /more than 256 scans/);
      expect(decodeJpegLuminance(repeat(lumaAc, 3), BIG).width).toBe(101);
      expectCode(repeat(lumaAc, 150), CORRUPT, /too many progressive refinement passes/);
    },
  );

  it('a sequential frame coding luma twice', () => {
    const sos = first(base, 0xda);
    const eoi = base.length - 2;
    expectCode(
      concat(base.subarray(0, eoi), base.subarray(sos.at, sos.end), base.subarray(eoi)),
      CORRUPT,
      /more than one scan/,
    );
  });

  it('error messages do not quote input bytes', () => {
    const marker = 'QUOTE-ME';
    const com = concat(Uint8Array.of(0xff, 0xfe, 0x00, marker.length + 2), new TextEncoder().encode(marker));
    const error = errorOf(() => decodeJpegLuminance(concat(base.subarray(0, 2), com, base.subarray(2, 40)), BIG));
    expect(error.message).not.toContain(marker);
  });
});
