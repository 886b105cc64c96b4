import { crc32, deflateRawSync } from 'node:zlib';

/** Data codewords per QR version (1–40) at error correction level M (ISO/IEC 18004 table 7). */
const DATA_CODEWORDS_M = [
  16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627, 669, 714, 782, 860, 914,
  1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812, 1914, 1992, 2102, 2216, 2334,
];

/** Smallest QR version (EC level M) holding `length` characters in alphanumeric mode, or bytes in byte mode. */
export function qrVersion(mode: 'alphanumeric' | 'byte', length: number): number | undefined {
  for (let v = 1; v <= 40; v++) {
    const countBits = mode === 'alphanumeric' ? (v <= 9 ? 9 : v <= 26 ? 11 : 13) : v <= 9 ? 8 : 16;
    const dataBits = mode === 'alphanumeric' ? Math.floor(length / 2) * 11 + (length % 2) * 6 : length * 8;
    if (4 + countBits + dataBits <= DATA_CODEWORDS_M[v - 1]! * 8) return v;
  }
  return undefined;
}

/** [offset, width in bytes, value] of a little-endian field. */
type Field = [number, 2 | 4, number];

/** A zeroed buffer of `size` bytes with `fields` written into it. */
function littleEndian(size: number, fields: Field[]): Buffer {
  const out = Buffer.alloc(size);
  for (const [offset, width, value] of fields) {
    if (width === 2) out.writeUInt16LE(value, offset);
    else out.writeUInt32LE(value, offset);
  }
  return out;
}

/** DIVOC's QR payload: a ZIP with one DEFLATE entry `certificate.json` holding the credential JSON. */
export function divocZip(json: string): Uint8Array {
  const name = Buffer.from('certificate.json');
  const data = Buffer.from(json, 'utf8');
  const compressed = deflateRawSync(data);
  const crc = crc32(data);
  // CRC, compressed and uncompressed size and name length, from `offset` on in both headers.
  const entry = (offset: number): Field[] => [
    [offset, 4, crc],
    [offset + 4, 4, compressed.length],
    [offset + 8, 4, data.length],
    [offset + 12, 2, name.length],
  ];
  // Local file header: version 20, method 8 (deflate).
  const local = littleEndian(30, [[0, 4, 0x04034b50], [4, 2, 20], [8, 2, 8], ...entry(14)]);
  // Central directory header: made by / needs version 20, method 8.
  const central = littleEndian(46, [[0, 4, 0x02014b50], [4, 2, 20], [6, 2, 20], [10, 2, 8], ...entry(16)]);
  // End of central directory: one entry, the directory's size and offset.
  const end = littleEndian(22, [
    [0, 4, 0x06054b50],
    [8, 2, 1],
    [10, 2, 1],
    [12, 4, 46 + name.length],
    [16, 4, 30 + name.length + compressed.length],
  ]);
  return Buffer.concat([local, name, compressed, central, name, end]);
}

/** Bytes a binary string occupies in a byte-mode QR when written as UTF-8 (each byte ≥ 0x80 becomes 2). */
export function binaryStringUtf8Length(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) n += b >= 0x80 ? 2 : 1;
  return n;
}
