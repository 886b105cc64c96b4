import { crc32, deflateRawSync } from 'node:zlib';

/** Data codewords per QR version (1–40) at error correction level M (ISO/IEC 18004 table 7). */
const DATA_CODEWORDS_M = [
  16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627, 669, 714, 782, 860, 914, 1000,
  1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812, 1914, 1992, 2102, 2216, 2334,
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

/** DIVOC's QR payload: a ZIP with one DEFLATE entry `certificate.json` holding the credential JSON. */
export function divocZip(json: string): Uint8Array {
  const name = Buffer.from('certificate.json');
  const data = Buffer.from(json, 'utf8');
  const compressed = deflateRawSync(data);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(30 + name.length + compressed.length, 16);
  return Buffer.concat([local, name, compressed, central, name, end]);
}

/** Bytes a binary string occupies in a byte-mode QR when written as UTF-8 (each byte ≥ 0x80 becomes 2). */
export function binaryStringUtf8Length(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) n += b >= 0x80 ? 2 : 1;
  return n;
}
