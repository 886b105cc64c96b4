import { describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import pngjs from 'pngjs';
import QRCode from 'qrcode';
import { createQrMatrix, encodeDivocQr, qrProfileFor, renderQr, renderQrPng, renderQrSvg } from '../src/index.js';
import { readQrCodesFromImage, readQrFromImage } from '../src/image.js';
import { vectorJson, vectorText } from './helpers.js';
import { codeOf } from '../../../test/support/errors.js';

const HC1 = vectorJson<{ PREFIX: string }>('dcc/dgc-testdata/AT/2DCode/raw/1.json').PREFIX;
const SHC = vectorText('shc/examples/example-00-f-qr-code-numeric-value-0.txt').trim();
const SHC_CHUNK = vectorText('shc/examples/example-02-f-qr-code-numeric-value-1.txt').trim();
const DIVOC = vectorText('divoc/qr/rsa2018-divocdev-valid.qr-text.txt');
const svgBytes = (svg: string): Uint8Array => new TextEncoder().encode(svg);

describe('qrProfileFor', () => {
  it('HC1 → one alphanumeric segment, ECC Q', () => {
    expect(qrProfileFor(HC1)).toEqual({ format: 'dcc', segments: [{ mode: 'alphanumeric', data: HC1 }], ecc: 'Q' });
  });
  it('shc:/ → byte "shc:/" + numeric digits, ECC L (chunk headers stay in the byte segment)', () => {
    expect(qrProfileFor(SHC)).toEqual({
      format: 'shc',
      segments: [
        { mode: 'byte', data: 'shc:/' },
        { mode: 'numeric', data: SHC.slice(5) },
      ],
      ecc: 'L',
    });
    expect(SHC_CHUNK.startsWith('shc:/2/3/')).toBe(true);
    expect(qrProfileFor(SHC_CHUNK).segments?.[0]).toEqual({ mode: 'byte', data: 'shc:/2/3/' });
  });
  it('DIVOC binary string → one byte segment, ECC M (qrcode default, as DIVOC used)', () => {
    expect(qrProfileFor(DIVOC)).toEqual({ format: 'divoc', segments: [{ mode: 'byte', data: DIVOC }], ecc: 'M' });
  });
  it('other text → qrcode segments it, ECC M', () => {
    expect(qrProfileFor('hello')).toEqual({ format: 'text', segments: undefined, ecc: 'M' });
    expect(qrProfileFor('HC1:lowercase')).toMatchObject({ format: 'text' });
  });
});

describe('module matrix', () => {
  it('matches qrcode.create for the same segments and level', () => {
    for (const text of [HC1, SHC, DIVOC]) {
      const profile = qrProfileFor(text);
      const ours = createQrMatrix(text);
      const theirs = QRCode.create(profile.segments as never, { errorCorrectionLevel: profile.ecc });
      expect(ours.size).toBe(theirs.modules.size);
      expect(Buffer.from(ours.modules).equals(Buffer.from(theirs.modules.data))).toBe(true);
    }
  });
  it('explicit segments use the right modes: HC1 alphanumeric fits a smaller version than byte mode', () => {
    expect(createQrMatrix(HC1).version).toBeLessThan(createQrMatrix(HC1, { mode: 'byte', ecc: 'Q' }).version);
    expect(createQrMatrix(SHC).version).toBeLessThan(createQrMatrix(SHC, { mode: 'byte', ecc: 'L' }).version);
  });
  it('DIVOC binary strings are written as their UTF-8 bytes (what DIVOC did)', () => {
    const png = renderQrPng(DIVOC, { moduleSize: 2 });
    const [found] = readQrCodesFromImage(png);
    expect(Buffer.from(found!.bytes).equals(Buffer.from(DIVOC, 'utf8'))).toBe(true);
    expect(found!.modes).toEqual(['byte']);
  });
});

describe('PNG writer', () => {
  it('writes a valid 1-bit grayscale PNG that pngjs reads, with the requested geometry', () => {
    const png = renderQrPng('hello world', { moduleSize: 3, margin: 2 });
    const matrix = createQrMatrix('hello world');
    const image = pngjs.PNG.sync.read(Buffer.from(png));
    const side = (matrix.size + 4) * 3;
    expect([image.width, image.height]).toEqual([side, side]);
    expect(png[24]).toBe(1); // bit depth
    expect(png[25]).toBe(0); // grayscale
    // Pixel check: top-left finder pattern corner is dark, quiet zone light.
    const px = (x: number, y: number) => image.data[(y * side + x) * 4]!;
    expect(px(0, 0)).toBe(255);
    expect(px(6, 6)).toBe(0);
    expect(px(6 + 3 * 7, 6)).toBe(255); // separator after the 7-module finder
    // Scanlines use filter 0 and are one bit per pixel.
    const idatLength = new DataView(png.buffer, png.byteOffset).getUint32(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).toBe(side * (1 + Math.ceil(side / 8)));
  });

  it('option errors are typed', () => {
    expect(codeOf(() => renderQrPng('x', { moduleSize: 0 }))).toBe('ERR_QR_RENDER_OPTIONS');
    expect(codeOf(() => renderQrPng('x', { margin: -1 }))).toBe('ERR_QR_RENDER_OPTIONS');
    expect(codeOf(() => renderQrPng('x', { ecc: 'X' as never }))).toBe('ERR_QR_RENDER_OPTIONS');
    expect(codeOf(() => renderQrPng('x', { mode: 'kanji' as never }))).toBe('ERR_QR_RENDER_OPTIONS');
    expect(codeOf(() => renderQrPng('abc', { mode: 'numeric' }))).toBe('ERR_QR_RENDER_OPTIONS');
    expect(codeOf(() => renderQrPng('abc', { mode: 'alphanumeric' }))).toBe('ERR_QR_RENDER_OPTIONS');
    expect(codeOf(() => renderQrPng(''))).toBe('ERR_QR_RENDER_OPTIONS');
    expect(codeOf(() => renderQrPng(42 as never))).toBe('ERR_QR_RENDER_OPTIONS');
    expect(codeOf(() => renderQr('x', { format: 'gif' as never }))).toBe('ERR_QR_RENDER_OPTIONS');
    expect(codeOf(() => renderQrPng('x'.repeat(3000), { ecc: 'H' }))).toBe('ERR_QR_DATA_TOO_LONG');
    expect(codeOf(() => renderQrPng('x', { version: 41 }))).toBe('ERR_QR_RENDER_OPTIONS');
  });
});

describe('SVG writer', () => {
  it('one <path> of horizontal runs on a white background', () => {
    const svg = renderQrSvg('hello', { moduleSize: 5, margin: 4 });
    const size = createQrMatrix('hello').size + 8;
    expect(svg).toContain(`viewBox="0 0 ${size} ${size}"`);
    expect(svg).toContain(`width="${size * 5}"`);
    expect(svg.match(/<path/g)).toHaveLength(1);
    expect(svg).toMatch(/d="M4 4h7v1h-7z/); // top row starts with the 7-module finder
  });
});

/* Everything we render reads back to its text: PNG and (through our rasteriser) SVG. */
describe('render → read round trips', () => {
  const longAlnum = 'HC1:' + 'ABCDEFGHIJ0123456789 $%*+-./:'.repeat(90).slice(0, 2380); // v40-Q holds 2420
  const longBytes = 'Grüße, DIVOC! ' + 'é'.repeat(1100); // UTF-8, ~2.2 kB
  const cases: [string, string][] = [
    ['HC1 (DCC vector)', HC1],
    ['shc:/ single', SHC],
    ['shc:/ chunk 2 of 3', SHC_CHUNK],
    ['DIVOC binary string', DIVOC],
    [
      'DIVOC binary string (ours)',
      encodeDivocQr(vectorJson('divoc/signed/ed25519-2018-divocdev-valid.json'), { modified: new Date(2021, 0, 1) }),
    ],
    ['plain ASCII', 'hello world'],
    ['long alphanumeric near version 40', longAlnum],
    ['long UTF-8 bytes', longBytes],
  ];
  it.each(cases)('%s: PNG', (_label, text) => {
    const png = renderQr(text, { format: 'png', moduleSize: 3 });
    expect(readQrFromImage(png)).toBe(text);
  });
  it.each(cases)('%s: SVG rasterised', (_label, text) => {
    const svg = renderQr(text, { format: 'svg' });
    expect(readQrFromImage(svgBytes(svg))).toBe(text);
  });
  it('long texts really reach high versions', () => {
    expect(createQrMatrix(longAlnum).version).toBeGreaterThanOrEqual(38);
    expect(createQrMatrix(longBytes).version).toBeGreaterThanOrEqual(35);
  });
  it('numeric and byte modes on request', () => {
    const digits = '0123456789'.repeat(20);
    expect(readQrFromImage(renderQrPng(digits, { mode: 'numeric', ecc: 'H' }))).toBe(digits);
    expect(readQrFromImage(renderQrPng(new Uint8Array([0x50, 0x4b, 0xe9, 0xff]), { mode: 'byte' }))).toBe(
      'PK\u00e9\u00ff',
    );
  });
});
