/**
 * PNG builders for the image tests: chunks with their CRC-32 (an implementation of its own, independent of the
 * decoders under test), the signature, an IHDR and whole files.
 */
import { concat } from './bytes.js';

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** Adam7 passes: [x0, y0, dx, dy]. */
export const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (ISO-HDLC, as PNG and ZIP use it) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: length, type (its char codes' low bytes), body and the CRC over type and body. */
export function pngChunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i) & 0xff;
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** An IHDR body (13 bytes). */
export function pngIhdr(
  width: number,
  height: number,
  depth: number,
  colorType: number,
  interlace = 0,
  compression = 0,
  filter = 0,
): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([depth, colorType, compression, filter, interlace], 8);
  return ihdr;
}

/** A PNG file: the signature, IHDR from `ihdr`, the `chunks` as given and (unless `end` is false) IEND. */
export function pngFile(ihdr: Uint8Array, chunks: readonly Uint8Array[], end = true): Uint8Array {
  return concat(
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    ...chunks,
    ...(end ? [pngChunk('IEND', new Uint8Array(0))] : []),
  );
}
