/**
 * Bounded time and memory for every image the reader may be handed: each hostile input (generated here) is refused
 * with a typed code or read quickly, and a genuine image of the same kind still decodes. Times are measured only as
 * a generous sanity bound (the budgets themselves are pixel / segment / crossing counts and a deadline).
 */
import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { DEFAULT_IMAGE_LIMITS, createQrMatrix, renderQrPng, renderQrSvg } from '../src/index.js';
import { readQrCodesFromImage, readQrFromImage } from '../src/image.js';
import { MAX_SVG_SEGMENTS } from '../src/read/svg-raster.js';
import {
  largePng,
  photoWithQr,
  svgEdgeBomb,
  svgHugeViewBox,
  svgLongAttributeName,
  svgQrInLargeViewBox,
} from './hostile-images.js';

const SANITY_MS = 15_000;
const TEXT = 'HC1:budget-test ' + 'X'.repeat(120);

/** The error code thrown (or `ok` / `none` for a read that found a code / found none), and how long it took. */
function outcome(fn: () => unknown): { code: string; ms: number } {
  const start = performance.now();
  let code: string;
  try {
    const value = fn();
    code = Array.isArray(value) && value.length === 0 ? 'none' : 'ok';
  } catch (error) {
    code = (error as { code?: string }).code ?? `untyped: ${String(error)}`;
  }
  return { code, ms: performance.now() - start };
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('defaults', () => {
  it('cap pixels at 16 MP, input at 8 MiB and reading at 1.5 s', () => {
    expect(DEFAULT_IMAGE_LIMITS).toEqual({ maxPixels: 16_000_000, maxBytes: 8 * 1024 * 1024, timeBudgetMs: 1500 });
  });
});

describe('SVG with ~200k full-height path segments (edge-list bomb)', () => {
  it('2 MB-class: refused with ERR_QR_SVG_TOO_COMPLEX, no per-row edge lists', () => {
    const bomb = svgEdgeBomb(MAX_SVG_SEGMENTS + 4);
    const r = outcome(() => readQrFromImage(bomb));
    expect(r.code).toBe('ERR_QR_SVG_TOO_COMPLEX');
    expect(r.ms).toBeLessThan(SANITY_MS);
  });

  it('1 MB-class (under the segment cap): refused by the crossing budget before allocating', () => {
    const bomb = svgEdgeBomb(100_000);
    const r = outcome(() => readQrCodesFromImage(bomb));
    expect(r.code).toBe('ERR_QR_SVG_TOO_COMPLEX');
    expect(r.ms).toBeLessThan(SANITY_MS);
  });

  it('control: a real QR SVG (one path, many segments) still reads', () => {
    expect(readQrFromImage(utf8(renderQrSvg(TEXT)))).toBe(TEXT);
  });
});

describe('SVG prologs and many small paths (found by fuzzing)', () => {
  it('a prolog of 150 comments is sniffed in linear time (was an exponentially backtracking regex)', () => {
    for (const count of [30, 150]) {
      const r = outcome(() => readQrCodesFromImage(utf8('<!---->'.repeat(count))));
      expect(r.code).toBe('ERR_QR_IMAGE_UNSUPPORTED');
      expect(r.ms).toBeLessThan(SANITY_MS);
    }
  });

  it('control: a QR SVG behind an XML declaration, comments and a doctype still reads', () => {
    const svg = renderQrSvg(TEXT);
    const prolog = `\uFEFF<?xml version="1.0"?>\n${'<!-- c -->\n'.repeat(20)}<!DOCTYPE svg>\n`;
    expect(readQrFromImage(utf8(prolog + svg.replace(/^<\?xml[^>]*>\s*/, '')))).toBe(TEXT);
  });

  it('100k one-row paths in a 4096-unit-tall viewBox cost what they cover, not 100k × the height', () => {
    const svg = utf8(
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4096 3906">${'<path d="M0 0v1"/>'.repeat(99_999)}</svg>`,
    );
    const r = outcome(() => readQrCodesFromImage(svg));
    expect(['none', 'ERR_QR_NOT_FOUND', 'ERR_QR_SVG_TOO_COMPLEX']).toContain(r.code);
    expect(r.ms).toBeLessThan(SANITY_MS);
  });

  it('control: a QR drawn one filled path per module reads', () => {
    const { size, modules } = createQrMatrix(TEXT);
    const paths: string[] = [];
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) if (modules[y * size + x]) paths.push(`<path d="M${x + 4} ${y + 4}h1v1h-1z"/>`);
    expect(
      readQrFromImage(
        utf8(
          `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size + 8} ${size + 8}"><rect ` +
            `width="100%" height="100%" fill="#fff"/>${paths.join('')}</svg>`,
        ),
      ),
    ).toBe(TEXT);
  });
});

describe('SVG with a very long attribute name (linear attribute parsing)', () => {
  it('100 KB and 1 MB names: the QR beside them still reads, quickly', () => {
    for (const length of [100_000, 1_000_000]) {
      const r = outcome(() => readQrFromImage(svgLongAttributeName(TEXT, length)));
      expect(r.code).toBe('ok');
      expect(r.ms).toBeLessThan(SANITY_MS);
    }
    expect(readQrFromImage(svgLongAttributeName(TEXT, 100_000))).toBe(TEXT);
  });

  it('unterminated tags and names without values are linear too', () => {
    const open = utf8(`<svg viewBox="0 0 10 10">${'<rect '.repeat(200_000)}`);
    expect(outcome(() => readQrFromImage(open)).code).toBe('ERR_QR_NOT_FOUND');
    const names = utf8(`<svg viewBox="0 0 10 10"><rect ${'a '.repeat(500_000)}/></svg>`);
    expect(outcome(() => readQrFromImage(names)).code).toBe('ERR_QR_NOT_FOUND');
  });

  it('control: the same QR SVG without the attribute reads', () => {
    expect(readQrFromImage(svgLongAttributeName(TEXT, 0))).toBe(TEXT);
  });
});

describe('PNG over the pixel budget (64 KB, all white, 49 MP)', () => {
  it('refused with ERR_QR_IMAGE_TOO_LARGE before any pixel is allocated', () => {
    const bomb = largePng(7000, 7000);
    expect(bomb.length).toBeLessThan(200_000);
    const r = outcome(() => readQrFromImage(bomb));
    expect(r.code).toBe('ERR_QR_IMAGE_TOO_LARGE');
    expect(r.ms).toBeLessThan(SANITY_MS);
  });

  it('control: a normal QR PNG reads', () => {
    expect(readQrFromImage(renderQrPng(TEXT))).toBe(TEXT);
  });
});

describe('PNG at the pixel budget (16 MP, all white) and a 12 MP photo', () => {
  it('16 MP: returns (no code, or ERR_QR_TIME_BUDGET), scanning at most 4 MP per attempt', () => {
    const png = largePng(4000, 4000);
    const r = outcome(() => readQrCodesFromImage(png, { maxCodes: 8 }));
    expect(['none', 'ERR_QR_TIME_BUDGET']).toContain(r.code);
    expect(r.ms).toBeLessThan(SANITY_MS);
  });

  it('a blank image (no contrast) is looked at once, not through the whole ladder', () => {
    expect(outcome(() => readQrCodesFromImage(largePng(2000, 2000), { timeBudgetMs: 1 })).code).toBe('none');
  });

  it('a deadline that has passed stops the attempt ladder with ERR_QR_TIME_BUDGET', () => {
    // Horizontal gradients: contrast everywhere, few finder-pattern candidates, no code.
    const png = largePng(2000, 2000, { paint: (row, y) => row.forEach((_, x) => (row[x] = (x + y) & 255)) });
    expect(outcome(() => readQrFromImage(png, { timeBudgetMs: 1 })).code).toBe('ERR_QR_TIME_BUDGET');
  });

  it('control: a ~12 MP photo with a QR code in it decodes under the defaults', () => {
    const photo = photoWithQr(TEXT, 4000, 3000, 10);
    expect(readQrFromImage(photo)).toBe(TEXT);
  });
});

describe('SVG declaring a huge viewBox (116 bytes)', () => {
  it('4096×4096 units: over the 16 MP budget, ERR_QR_IMAGE_TOO_LARGE', () => {
    const svg = svgHugeViewBox(4096);
    expect(svg.length).toBeLessThan(150);
    expect(outcome(() => readQrFromImage(svg)).code).toBe('ERR_QR_IMAGE_TOO_LARGE');
  });

  it('4000×4000 units (within the budget): rasterised down, read quickly, no code', () => {
    const r = outcome(() => readQrFromImage(svgHugeViewBox(4000)));
    expect(['ERR_QR_NOT_FOUND', 'ERR_QR_TIME_BUDGET']).toContain(r.code);
    expect(r.ms).toBeLessThan(SANITY_MS);
  });

  it('control: a QR drawn in a large viewBox (20 units a module) reads', () => {
    expect(readQrFromImage(svgQrInLargeViewBox(TEXT, 20))).toBe(TEXT);
  });
});

describe('JPEG over the pixel budget (checked from the frame header, before decoding)', () => {
  const rgba = pngjs.PNG.sync.read(Buffer.from(renderQrPng(TEXT)));
  const jpg = new Uint8Array(jpeg.encode({ width: rgba.width, height: rgba.height, data: rgba.data }, 90).data);

  it('a JPEG declaring 20 MP is refused from its frame header with ERR_QR_IMAGE_TOO_LARGE', () => {
    const big = jpg.slice();
    for (let i = 2; i < big.length - 9; i++) {
      if (big[i] === 0xff && big[i + 1] === 0xc0) {
        big.set([0x0f, 0xa0, 0x13, 0x88], i + 5); // 4000 rows × 5000 columns
        break;
      }
    }
    const r = outcome(() => readQrFromImage(big));
    expect(r.code).toBe('ERR_QR_IMAGE_TOO_LARGE');
    expect(r.ms).toBeLessThan(SANITY_MS);
  });

  it('control: a normal QR JPEG reads', () => {
    expect(readQrFromImage(jpg)).toBe(TEXT);
  });
});
