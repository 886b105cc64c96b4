/** Our runtime-neutral PNG decoder against pngjs (the decoder it replaced), pixel for pixel. */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import pngjs from 'pngjs';
import { decodePngRgba } from '../src/read/png.js';
import { ADAM7, pngChunk, pngFile, pngIhdr } from '../../../test/support/png.js';
import { vectorBytes, vectorFiles, vectorJson } from './helpers.js';

function samePixels(png: Uint8Array): void {
  const ours = decodePngRgba(png);
  const theirs = pngjs.PNG.sync.read(Buffer.from(png));
  expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
  expect(Buffer.from(ours.data.buffer, ours.data.byteOffset, ours.data.length).equals(theirs.data)).toBe(true);
}

function png(
  width: number,
  height: number,
  depth: number,
  colorType: number,
  raw: Uint8Array,
  extra: Uint8Array[] = [],
  interlace = 0,
): Uint8Array {
  return pngFile(pngIhdr(width, height, depth, colorType, interlace), [
    ...extra,
    pngChunk('IDAT', new Uint8Array(deflateSync(raw))),
  ]);
}

describe('decodePngRgba matches pngjs', () => {
  it('on every dgc-testdata QR image', () => {
    let n = 0;
    for (const path of vectorFiles('dcc/dgc-testdata/', '.json')) {
      const data = vectorJson<{ '2DCODE'?: string; _2DCODE?: string }>(path);
      const b64 = data['2DCODE'] ?? data._2DCODE;
      if (!b64) continue;
      const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
      if (bytes[0] !== 0x89) continue;
      samePixels(bytes);
      n++;
    }
    expect(n).toBeGreaterThan(300);
  });

  it('on the DIVOC vector PNGs', () => {
    for (const path of vectorFiles('divoc/qr/', '.png')) samePixels(vectorBytes(path));
  });

  it.each([
    [0, 8],
    [0, 16],
    [2, 8],
    [2, 16],
    [4, 8],
    [4, 16],
    [6, 8],
    [6, 16],
  ])('colour type %i, depth %i, every filter', (colorType, depth) => {
    const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType]!;
    const width = 7;
    const height = 5;
    const stride = (width * channels * depth) / 8;
    const raw = new Uint8Array(height * (stride + 1));
    for (let y = 0; y < height; y++) {
      raw[y * (stride + 1)] = y % 5; // filters 0..4
      for (let x = 0; x < stride; x++) raw[y * (stride + 1) + 1 + x] = (x * 31 + y * 17) & 255;
    }
    samePixels(png(width, height, depth, colorType, raw));
  });

  it('palette and low bit depths', () => {
    const palette = Uint8Array.from({ length: 16 * 3 }, (_, i) => (i * 23) & 255);
    for (const depth of [1, 2, 4, 8]) {
      const width = 9;
      const stride = Math.ceil((width * depth) / 8);
      const raw = new Uint8Array(3 * (stride + 1));
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < stride; x++)
          raw[y * (stride + 1) + 1 + x] = depth === 8 ? (x + y) % 16 : (x * 0x5b + y) & 255;
      samePixels(png(width, 3, depth, 3, raw, [pngChunk('PLTE', palette)]));
      samePixels(png(width, 3, depth, 0, raw));
    }
  });

  it('Adam7 interlacing', () => {
    const width = 10;
    const height = 9;
    const rows: number[] = [];
    for (const [x0, y0, dx, dy] of ADAM7) {
      const w = Math.ceil((width - x0!) / dx!);
      const h = Math.ceil((height - y0!) / dy!);
      if (w <= 0 || h <= 0) continue;
      for (let y = 0; y < h; y++) {
        rows.push(0);
        for (let x = 0; x < w * 3; x++) rows.push((x * 7 + y * 13 + x0! * 3) & 255);
      }
    }
    samePixels(png(width, height, 8, 2, Uint8Array.from(rows), [], 1));
  });

  it('rejects corrupt input with typed errors', () => {
    const good = png(2, 2, 8, 0, new Uint8Array(6));
    const badCrc = good.slice();
    badCrc[30]! ^= 1;
    expect(() => decodePngRgba(badCrc)).toThrow(expect.objectContaining({ code: 'ERR_QR_IMAGE_CORRUPT' }));
    expect(() => decodePngRgba(good.subarray(0, good.length - 14))).toThrow(
      expect.objectContaining({ code: 'ERR_QR_IMAGE_CORRUPT' }),
    );
    // IDAT that inflates far past what IHDR declares.
    const bomb = png(2, 2, 8, 0, new Uint8Array(5_000_000));
    expect(() => decodePngRgba(bomb)).toThrow(expect.objectContaining({ code: 'ERR_QR_IMAGE_CORRUPT' }));
    // Too little data.
    expect(() => decodePngRgba(png(4, 4, 8, 0, new Uint8Array(3)))).toThrow(
      expect.objectContaining({ code: 'ERR_QR_IMAGE_CORRUPT' }),
    );
  });
});
