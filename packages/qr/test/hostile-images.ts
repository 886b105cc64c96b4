/**
 * Hostile (and large-but-legitimate) QR images, generated in code so no big fixture files are needed. Shared by the
 * @divoc/qr, @divoc/verifier and CLI budget tests.
 */
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { createQrMatrix, renderQr, renderQrSvg } from '../src/index.js';
import { decodeImage } from '../src/read/image.js';
import { pngChunk, pngFile, pngIhdr } from '../../../test/support/png.js';

/** A PNG (8-bit grey, or RGB with `channels: 3`) of `width`×`height` whose pixel rows `paint` fills (default white). */
export function largePng(
  width: number,
  height: number,
  options: { channels?: 1 | 3; paint?: (row: Uint8Array, y: number) => void } = {},
): Uint8Array {
  const channels = options.channels ?? 1;
  const stride = width * channels + 1;
  const raw = Buffer.alloc(stride * height, 255);
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0; // filter: none
    options.paint?.(raw.subarray(y * stride + 1, (y + 1) * stride), y);
  }
  return pngFile(pngIhdr(width, height, 8, channels === 1 ? 0 : 2), [
    pngChunk('IDAT', deflateSync(raw, { level: options.paint ? 1 : 9 })),
  ]);
}

/**
 * A large photo-like PNG (light grey background, RGB) with a real QR code of `text` in it: rendered by `renderQr`
 * (1 pixel per module, with its quiet zone), then scaled up `modulePx` times into the picture.
 */
export function photoWithQr(
  text: string,
  width: number,
  height: number,
  modulePx: number,
  channels: 1 | 3 = 3,
): Uint8Array {
  return largePng(width, height, { channels, paint: photoRows(text, width, height, modulePx, channels) });
}

/** Paints the rows of that photo: light grey, the code's modules `modulePx` pixels wide right of centre. */
function photoRows(
  text: string,
  width: number,
  height: number,
  modulePx: number,
  channels: 1 | 3,
): (row: Uint8Array, y: number) => void {
  const qr = decodeImage(renderQr(text, { format: 'png', moduleSize: 1 }) as Uint8Array);
  const x0 = Math.floor(width * 0.55);
  const y0 = Math.floor(height * 0.3);
  return (row, y) => {
    row.fill(200);
    const qy = Math.floor((y - y0) / modulePx);
    if (qy < 0 || qy >= qr.height) return;
    for (let qx = 0; qx < qr.width; qx++) {
      const v = qr.data[qy * qr.width + qx]! < 128 ? 20 : 240;
      row.fill(v, (x0 + qx * modulePx) * channels, (x0 + (qx + 1) * modulePx) * channels);
    }
  };
}

/** The same photo as a JPEG (baseline 4:4:4, as jpeg-js writes it, quality 85). */
export function photoWithQrJpeg(text: string, width: number, height: number, modulePx: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4).fill(255);
  const lines = photoRows(text, width, height, modulePx, 1);
  const row = new Uint8Array(width);
  for (let y = 0; y < height; y++) {
    lines(row, y);
    for (let x = 0, o = y * width * 4; x < width; x++, o += 4) rgba.fill(row[x]!, o, o + 3);
  }
  return new Uint8Array(jpeg.encode({ width, height, data: rgba }, 85).data);
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** An SVG path of `segments` full-height edges (the edge-list bomb): `V<h> h1 V0 h1 …`, ~5.5 bytes a segment. */
export function svgEdgeBomb(segments: number, side = 4000): Uint8Array {
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}"><path d="M0 0`];
  for (let k = 0; k < segments; k += 4) parts.push(`V${side}h1V0h1`);
  parts.push('z"/></svg>');
  return utf8(parts.join(''));
}

/** A real QR SVG of `text` with an attribute name of `nameLength` characters (no `=`) in its path element. */
export function svgLongAttributeName(text: string, nameLength: number): Uint8Array {
  const svg = renderQrSvg(text);
  return utf8(svg.replace('<path ', `<path ${'a'.repeat(nameLength)} `));
}

/** A tiny SVG declaring a `side`×`side` viewBox with nothing in it. */
export function svgHugeViewBox(side: number): Uint8Array {
  return utf8(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}"><rect width="1" height="1" ` +
      `fill="#fff"/></svg>`,
  );
}

/** A QR SVG drawn in a large viewBox (`unit` viewBox units per module, one <rect> per dark module). */
export function svgQrInLargeViewBox(text: string, unit: number): Uint8Array {
  const { size, modules } = createQrMatrix(text);
  const side = (size + 8) * unit;
  const rects: string[] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++)
      if (modules[y * size + x])
        rects.push(`<rect x="${(x + 4) * unit}" y="${(y + 4) * unit}" width="${unit}" height="${unit}"/>`);
  }
  return utf8(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}"><rect width="${side}" ` +
      `height="${side}" fill="#ffffff"/>${rects.join('')}</svg>`,
  );
}
