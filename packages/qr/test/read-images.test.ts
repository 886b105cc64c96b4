import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { decodeDivocQr, renderQrPng, renderQrSvg } from '../src/index.js';
import { readQrCodesFromImage, readQrFromImage } from '../src/image.js';
import { DIVOC_VECTORS, vectorBytes, vectorFiles, vectorJson, vectorText } from './helpers.js';
import { pngChunk, pngFile, pngIhdr } from '../../../test/support/png.js';
import { codeOf } from '../../../test/support/errors.js';

describe('DIVOC vector PNGs', () => {
  it.each(DIVOC_VECTORS)('%s.qr.png reads back to its qr-text, which decodes to the certificate', (name) => {
    const text = readQrFromImage(vectorBytes(`divoc/qr/${name}.qr.png`));
    expect(text).toBe(vectorText(`divoc/qr/${name}.qr-text.txt`));
    expect(decodeDivocQr(text).credential).toEqual(vectorJson(`divoc/signed/${name}.json`));
  });
});

describe('SMART Health Card example SVG QR codes (rasterised by our SVG reader)', () => {
  const svgs = vectorFiles('shc/examples/', '.svg').filter((p) => /-g-qr-code-\d+\.svg$/.test(p));
  it('finds the examples', () => expect(svgs.length).toBe(5));
  it.each(svgs)('%s reads back to its numeric text', (path) => {
    const numeric = vectorText(path.replace(/-g-qr-code-(\d+)\.svg$/, '-f-qr-code-numeric-value-$1.txt')).trim();
    const [found] = readQrCodesFromImage(vectorBytes(path));
    expect(found?.text).toBe(numeric);
    // Byte segment "shc:/" (+ chunk header) then numeric, as the spec asks.
    expect(found?.modes).toEqual(['byte', 'numeric']);
  });
  it.each(svgs)('%s: our own rendering of the same text reads back too', (path) => {
    const numeric = vectorText(path.replace(/-g-qr-code-(\d+)\.svg$/, '-f-qr-code-numeric-value-$1.txt')).trim();
    expect(readQrFromImage(renderQrPng(numeric))).toBe(numeric);
    expect(readQrFromImage(new TextEncoder().encode(renderQrSvg(numeric)))).toBe(numeric);
  });
});

describe('JPEG and awkward images', () => {
  const text = 'HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOO6+IDOEZ%K5:5U/K';
  const png = renderQrPng(text, { moduleSize: 4 });
  const rgba = pngjs.PNG.sync.read(Buffer.from(png));

  it('reads a JPEG', () => {
    const jpg = jpeg.encode({ width: rgba.width, height: rgba.height, data: rgba.data }, 85).data;
    expect(readQrFromImage(new Uint8Array(jpg))).toBe(text);
  });

  it('reads a code with no quiet zone, inverted colours and a grey, low-contrast one', () => {
    expect(readQrFromImage(renderQrPng(text, { margin: 0 }))).toBe(text);
    const inverted = Buffer.from(rgba.data);
    for (let i = 0; i < inverted.length; i += 4) for (let c = 0; c < 3; c++) inverted[i + c] = 255 - inverted[i + c]!;
    expect(
      readQrFromImage(
        new Uint8Array(
          pngjs.PNG.sync.write(
            Object.assign(new pngjs.PNG({ width: rgba.width, height: rgba.height }), { data: inverted }),
          ),
        ),
      ),
    ).toBe(text);
    const grey = Buffer.from(rgba.data);
    for (let i = 0; i < grey.length; i += 4) for (let c = 0; c < 3; c++) grey[i + c] = grey[i + c]! ? 170 : 110;
    expect(
      readQrFromImage(
        new Uint8Array(
          pngjs.PNG.sync.write(
            Object.assign(new pngjs.PNG({ width: rgba.width, height: rgba.height }), { data: grey }),
          ),
        ),
      ),
    ).toBe(text);
  });

  it('reads a tiny 1-pixel-per-module code (upscaled) and finds two codes side by side', () => {
    expect(readQrFromImage(renderQrPng(text, { moduleSize: 1 }))).toBe(text);
    const a = pngjs.PNG.sync.read(Buffer.from(renderQrPng('first code', { moduleSize: 4 })));
    const b = pngjs.PNG.sync.read(Buffer.from(renderQrPng('second code', { moduleSize: 4 })));
    const both = new pngjs.PNG({ width: a.width + b.width, height: Math.max(a.height, b.height) });
    both.data.fill(255);
    pngjs.PNG.bitblt(a, both, 0, 0, a.width, a.height, 0, 0);
    pngjs.PNG.bitblt(b, both, 0, 0, b.width, b.height, a.width, 0);
    const found = readQrCodesFromImage(new Uint8Array(pngjs.PNG.sync.write(both))).map((r) => r.text);
    expect(found.sort()).toEqual(['first code', 'second code']);
  });

  it('a blank image holds no code', () => {
    const blank = new pngjs.PNG({ width: 50, height: 50 });
    blank.data.fill(255);
    const bytes = new Uint8Array(pngjs.PNG.sync.write(blank));
    expect(readQrCodesFromImage(bytes)).toEqual([]);
    expect(codeOf(() => readQrFromImage(bytes))).toBe('ERR_QR_NOT_FOUND');
  });
});

/* ------------------------------------------------------------------------------------------------ hostile images */

function pngWithSize(width: number, height: number, idat: Uint8Array): Uint8Array {
  return pngFile(pngIhdr(width, height, 8, 0), [pngChunk('IDAT', idat)]);
}

describe('hostile images → typed errors', () => {
  const good = renderQrPng('hello');

  it('truncated PNGs', () => {
    expect(codeOf(() => readQrFromImage(good.subarray(0, 20)))).toBe('ERR_QR_IMAGE_CORRUPT');
    expect(codeOf(() => readQrFromImage(good.subarray(0, 60)))).toBe('ERR_QR_IMAGE_CORRUPT');
    expect(codeOf(() => readQrFromImage(good.subarray(0, good.length - 20)))).toBe('ERR_QR_IMAGE_CORRUPT');
  });

  it('a PNG declaring huge dimensions is refused before any pixel is allocated', () => {
    const bomb = pngWithSize(100_000, 100_000, deflateSync(Buffer.alloc(10)));
    expect(codeOf(() => readQrFromImage(bomb))).toBe('ERR_QR_IMAGE_TOO_LARGE');
    expect(codeOf(() => readQrFromImage(pngWithSize(8000, 8000, deflateSync(Buffer.alloc(10)))))).toBe(
      'ERR_QR_IMAGE_TOO_LARGE',
    );
    expect(codeOf(() => readQrFromImage(good, { maxPixels: 100 }))).toBe('ERR_QR_IMAGE_TOO_LARGE');
    expect(codeOf(() => readQrFromImage(pngWithSize(0, 10, deflateSync(Buffer.alloc(10)))))).toBe(
      'ERR_QR_IMAGE_CORRUPT',
    );
  });

  it('a PNG whose IDAT inflates far past its declared size (IDAT bomb) is corrupt, not an OOM', () => {
    const idatBomb = pngWithSize(10, 10, deflateSync(Buffer.alloc(64 * 1024 * 1024)));
    expect(codeOf(() => readQrFromImage(idatBomb))).toBe('ERR_QR_IMAGE_CORRUPT');
  });

  it('corrupt and oversized JPEGs', () => {
    const rgba = pngjs.PNG.sync.read(Buffer.from(good));
    const jpg = new Uint8Array(jpeg.encode({ width: rgba.width, height: rgba.height, data: rgba.data }, 90).data);
    expect(codeOf(() => readQrFromImage(jpg.subarray(0, 4)))).toBe('ERR_QR_IMAGE_CORRUPT');
    const scrambled = jpg.slice();
    scrambled.fill(0x00, 20, 400);
    expect(codeOf(() => readQrFromImage(scrambled))).toMatch(/^ERR_QR_IMAGE_(CORRUPT)$|^ERR_QR_NOT_FOUND$/);
    // Patch the SOF0 frame to claim 60000×60000.
    const huge = jpg.slice();
    for (let i = 2; i < huge.length - 9; i++) {
      if (huge[i] === 0xff && huge[i + 1] === 0xc0) {
        huge[i + 5] = 0xea;
        huge[i + 6] = 0x60;
        huge[i + 7] = 0xea;
        huge[i + 8] = 0x60;
        break;
      }
    }
    expect(codeOf(() => readQrFromImage(huge))).toBe('ERR_QR_IMAGE_TOO_LARGE');
  });

  it('not an image, wrong types, oversized input', () => {
    expect(codeOf(() => readQrFromImage(new TextEncoder().encode('hello, not an image')))).toBe(
      'ERR_QR_IMAGE_UNSUPPORTED',
    );
    expect(codeOf(() => readQrFromImage(new Uint8Array()))).toBe('ERR_QR_IMAGE_UNSUPPORTED');
    expect(codeOf(() => readQrFromImage('a string' as never))).toBe('ERR_QR_IMAGE_UNSUPPORTED');
    expect(codeOf(() => readQrFromImage(good, { maxBytes: 10 }))).toBe('ERR_QR_IMAGE_TOO_LARGE');
  });

  it('hostile SVGs', () => {
    const svg = (s: string) => new TextEncoder().encode(s);
    expect(
      codeOf(() => readQrFromImage(svg('<svg viewBox="0 0 100000 100000"><rect width="1" height="1"/></svg>'))),
    ).toBe('ERR_QR_IMAGE_TOO_LARGE');
    expect(codeOf(() => readQrFromImage(svg('<svg viewBox="0 0 10 x"></svg>')))).toBe('ERR_QR_IMAGE_CORRUPT');
    expect(codeOf(() => readQrFromImage(svg('<svg></svg>')))).toBe('ERR_QR_IMAGE_CORRUPT');
    expect(codeOf(() => readQrFromImage(svg('<svg viewBox="0 0 10 10"><path d="M0 0C1 1 2 2 3 3"/></svg>')))).toBe(
      'ERR_QR_IMAGE_UNSUPPORTED',
    );
    expect(
      codeOf(() => readQrFromImage(svg('<svg viewBox="0 0 10 10"><path d="M0 0h1" transform="scale(2)"/></svg>'))),
    ).toBe('ERR_QR_IMAGE_UNSUPPORTED');
    expect(codeOf(() => readQrFromImage(svg('<svg viewBox="0 0 10 10"><path d="0 0h1"/></svg>')))).toBe(
      'ERR_QR_IMAGE_CORRUPT',
    );
    const many = '<rect width="1000" height="1000"/>'.repeat(200);
    expect(codeOf(() => readQrFromImage(svg(`<svg viewBox="0 0 1000 1000">${many}</svg>`)))).toBe(
      'ERR_QR_SVG_TOO_COMPLEX',
    );
    expect(
      codeOf(() => readQrFromImage(svg('<svg viewBox="0 0 10 10"><rect width="10" height="10" fill="#fff"/></svg>'))),
    ).toBe('ERR_QR_NOT_FOUND');
  });
});
