import { utf8Encode } from '@divoc/keys';
/**
 * A minimal ZIP writer and a bounded, strict ZIP reader: just what DIVOC QR payloads need
 * (JSZip-style archives: local file headers, central directory, end-of-central-directory record; store or DEFLATE).
 *
 * The reader treats every archive as hostile: ZIP64, encryption, multi-disk archives, unsafe names and
 * overlapping entries are refused, sizes and ratios are checked against the declared values BEFORE inflating,
 * and inflation itself is capped, so a bomb ends in a typed error, never an out-of-memory.
 */
import { crc32 } from '../lib/crc32.js';
import { decodeLatin1, decodeUtf8 } from '../lib/bytes.js';
import { deflateRaw, inflateRawBounded } from '../lib/deflate.js';
import {
  DivocQrBombError,
  DivocQrCrcMismatchError,
  DivocQrZipEntryNameError,
  DivocQrZipInvalidError,
  DivocQrZipUnsupportedError,
} from '../lib/errors.js';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const EOCD_SIZE = 22;
const LOCAL_SIZE = 30;
const CENTRAL_SIZE = 46;

const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
/** General purpose flag bits. */
const FLAG_ENCRYPTED = 0x0001;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;

export interface ZipEntryInput {
  name: string;
  data: Uint8Array;
}

export interface WriteZipOptions {
  /** Last-modified time written into the headers. Default now (what JSZip does). */
  modified?: Date;
  /** DEFLATE level 0–9. Default 9 (smallest QR). */
  level?: number;
}

/** MS-DOS date and time fields (local time, 2-second resolution), as JSZip writes them. */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(Math.max(date.getFullYear(), 1980), 2107);
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/** Write a ZIP archive: one DEFLATE entry per input, no data descriptors, no extra fields, no comment. */
export function writeZip(entries: readonly ZipEntryInput[], options: WriteZipOptions = {}): Uint8Array {
  const { time, date } = dosDateTime(options.modified ?? new Date());
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = utf8Encode(entry.name);
    const utf8Flag = name.some((b) => b >= 0x80) ? FLAG_UTF8 : 0;
    const compressed = deflateRaw(entry.data, options.level ?? 9);
    const crc = crc32(entry.data);

    const local = new Uint8Array(LOCAL_SIZE + name.length + compressed.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, SIG_LOCAL, true);
    lv.setUint16(4, 10, true); // version needed: 1.0, as JSZip writes for DEFLATE entries
    lv.setUint16(6, utf8Flag, true);
    lv.setUint16(8, METHOD_DEFLATE, true);
    lv.setUint16(10, time, true);
    lv.setUint16(12, date, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, compressed.length, true);
    lv.setUint32(22, entry.data.length, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, 0, true);
    local.set(name, LOCAL_SIZE);
    local.set(compressed, LOCAL_SIZE + name.length);

    const central = new Uint8Array(CENTRAL_SIZE + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, SIG_CENTRAL, true);
    cv.setUint16(4, 0x0014, true); // version made by: 2.0, MS-DOS
    cv.setUint16(6, 10, true);
    cv.setUint16(8, utf8Flag, true);
    cv.setUint16(10, METHOD_DEFLATE, true);
    cv.setUint16(12, time, true);
    cv.setUint16(14, date, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, compressed.length, true);
    cv.setUint32(24, entry.data.length, true);
    cv.setUint16(28, name.length, true);
    // extra length, comment length, disk start, internal attrs, external attrs: all zero
    cv.setUint32(42, offset, true);
    central.set(name, CENTRAL_SIZE);

    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const centralSize = centrals.reduce((n, c) => n + c.length, 0);
  const eocd = new Uint8Array(EOCD_SIZE);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, SIG_EOCD, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);

  const out = new Uint8Array(offset + centralSize + EOCD_SIZE);
  let at = 0;
  for (const part of [...locals, ...centrals, eocd]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export interface ReadZipLimits {
  /** Total uncompressed bytes over all inflated entries. Default 1 MiB. */
  maxUncompressedSize?: number;
  /** Largest uncompressed/compressed ratio accepted per entry. Default 200. */
  maxCompressionRatio?: number;
  /** Most entries an archive may hold. Default 4. */
  maxEntries?: number;
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  /** Offsets of the entry's local header and of its data in the archive. */
  localOffset: number;
  dataOffset: number;
}

export interface ZipArchive {
  entries: ZipEntry[];
  /** Inflate one entry (checked against size, ratio and CRC). */
  read(entry: ZipEntry): Uint8Array;
}

const DEFAULT_LIMITS: Required<ReadZipLimits> = {
  maxUncompressedSize: 1024 * 1024,
  maxCompressionRatio: 200,
  maxEntries: 4,
};

function invalid(message: string): never {
  throw new DivocQrZipInvalidError(`ZIP archive invalid: ${message}`);
}

/** Refuse names that could escape a directory or mean different things to different tools. */
function checkEntryName(name: string): void {
  if (name.length === 0) throw new DivocQrZipEntryNameError('ZIP entry has an empty name');
  if (name.includes('\0')) throw new DivocQrZipEntryNameError('ZIP entry name contains NUL');
  if (name.includes('\\'))
    throw new DivocQrZipEntryNameError(`ZIP entry name contains a backslash: ${JSON.stringify(name)}`);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) {
    throw new DivocQrZipEntryNameError(`ZIP entry name is an absolute path: ${JSON.stringify(name)}`);
  }
  if (name.split('/').some((segment) => segment === '..')) {
    throw new DivocQrZipEntryNameError(`ZIP entry name traverses directories: ${JSON.stringify(name)}`);
  }
}

function decodeName(bytes: Uint8Array, utf8: boolean): string {
  if (utf8) {
    const text = decodeUtf8(bytes);
    if (text === undefined) throw new DivocQrZipEntryNameError('ZIP entry name flagged UTF-8 is not valid UTF-8');
    return text;
  }
  // CP437 names: only ASCII matters for DIVOC; bytes >= 0x80 map to Latin-1 chars, which can never equal an ASCII name.
  return decodeLatin1(bytes);
}

/**
 * Parse a ZIP archive's directory strictly. Entries are inflated lazily through `read()`, each against the budget.
 */
export function readZip(bytes: Uint8Array, limits: ReadZipLimits = {}): ZipArchive {
  const maxUncompressedSize = limits.maxUncompressedSize ?? DEFAULT_LIMITS.maxUncompressedSize;
  const maxCompressionRatio = limits.maxCompressionRatio ?? DEFAULT_LIMITS.maxCompressionRatio;
  const maxEntries = limits.maxEntries ?? DEFAULT_LIMITS.maxEntries;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < EOCD_SIZE) invalid(`${bytes.length} bytes is shorter than an end-of-central-directory record`);

  // The EOCD sits at the end, followed only by its comment (at most 65535 bytes).
  let eocd = -1;
  const lowest = Math.max(0, bytes.length - EOCD_SIZE - 0xffff);
  for (let at = bytes.length - EOCD_SIZE; at >= lowest; at--) {
    if (view.getUint32(at, true) === SIG_EOCD && at + EOCD_SIZE + view.getUint16(at + 20, true) === bytes.length) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) invalid('no end-of-central-directory record');
  if (eocd >= 20 && view.getUint32(eocd - 20, true) === SIG_ZIP64_LOCATOR) {
    throw new DivocQrZipUnsupportedError('ZIP64 archives are not accepted');
  }

  const diskNumber = view.getUint16(eocd + 4, true);
  const centralDisk = view.getUint16(eocd + 6, true);
  const entriesOnDisk = view.getUint16(eocd + 8, true);
  const totalEntries = view.getUint16(eocd + 10, true);
  const centralSize = view.getUint32(eocd + 12, true);
  const centralOffset = view.getUint32(eocd + 16, true);
  if (totalEntries === 0xffff || centralSize === 0xffffffff || centralOffset === 0xffffffff) {
    throw new DivocQrZipUnsupportedError('ZIP64 archives are not accepted');
  }
  if (diskNumber !== 0 || centralDisk !== 0 || entriesOnDisk !== totalEntries) {
    throw new DivocQrZipUnsupportedError('multi-disk ZIP archives are not accepted');
  }
  if (totalEntries === 0) invalid('the archive has no entries');
  if (totalEntries > maxEntries) {
    throw new DivocQrBombError(`ZIP archive declares ${totalEntries} entries, more than the ${maxEntries} allowed`);
  }
  if (centralOffset + centralSize !== eocd) invalid('central directory does not end where the end record begins');

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let declaredTotal = 0;
  let at = centralOffset;
  for (let i = 0; i < totalEntries; i++) {
    if (at + CENTRAL_SIZE > eocd || view.getUint32(at, true) !== SIG_CENTRAL)
      invalid(`central directory entry ${i} is missing or truncated`);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressedSize = view.getUint32(at + 20, true);
    const uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const diskStart = view.getUint16(at + 34, true);
    const localOffset = view.getUint32(at + 42, true);
    const end = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (end > eocd) invalid(`central directory entry ${i} runs past the directory`);

    if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION))
      throw new DivocQrZipUnsupportedError('encrypted ZIP entries are not accepted');
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff) {
      throw new DivocQrZipUnsupportedError('ZIP64 entries are not accepted');
    }
    // A ZIP64 extended-information extra field (header id 0x0001) means sizes live elsewhere: refuse.
    for (let e = at + CENTRAL_SIZE + nameLength; e + 4 <= at + CENTRAL_SIZE + nameLength + extraLength;) {
      const id = view.getUint16(e, true);
      if (id === 0x0001) throw new DivocQrZipUnsupportedError('ZIP64 extra fields are not accepted');
      e += 4 + view.getUint16(e + 2, true);
    }
    if (diskStart !== 0) throw new DivocQrZipUnsupportedError('multi-disk ZIP archives are not accepted');
    if (method !== METHOD_STORE && method !== METHOD_DEFLATE) {
      throw new DivocQrZipUnsupportedError(`ZIP compression method ${method} is not accepted (only store and DEFLATE)`);
    }

    const name = decodeName(
      bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength),
      (flags & FLAG_UTF8) !== 0,
    );
    checkEntryName(name);
    if (names.has(name)) throw new DivocQrZipEntryNameError(`ZIP archive holds ${JSON.stringify(name)} twice`);
    names.add(name);

    // Sizes as declared: refuse a bomb before inflating anything.
    declaredTotal += uncompressedSize;
    if (uncompressedSize > maxUncompressedSize || declaredTotal > maxUncompressedSize) {
      throw new DivocQrBombError(
        `ZIP entries declare ${declaredTotal} uncompressed bytes, over the ${maxUncompressedSize}-byte budget`,
      );
    }
    if (method === METHOD_STORE && compressedSize !== uncompressedSize)
      invalid(`stored entry ${JSON.stringify(name)} has different sizes`);
    if (uncompressedSize > 0 && uncompressedSize > compressedSize * maxCompressionRatio) {
      throw new DivocQrBombError(
        `ZIP entry ${JSON.stringify(name)} declares a compression ratio over ${maxCompressionRatio}:1`,
      );
    }

    // The local header must agree with the central one, and the data must lie before the central directory.
    if (localOffset + LOCAL_SIZE > centralOffset || view.getUint32(localOffset, true) !== SIG_LOCAL) {
      invalid(`local header of ${JSON.stringify(name)} is missing`);
    }
    const localFlags = view.getUint16(localOffset + 6, true);
    if (localFlags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION))
      throw new DivocQrZipUnsupportedError('encrypted ZIP entries are not accepted');
    if (view.getUint16(localOffset + 8, true) !== method)
      invalid(`local and central headers of ${JSON.stringify(name)} disagree on the method`);
    const localNameLength = view.getUint16(localOffset + 26, true);
    const localExtraLength = view.getUint16(localOffset + 28, true);
    const dataOffset = localOffset + LOCAL_SIZE + localNameLength + localExtraLength;
    if (dataOffset + compressedSize > centralOffset)
      invalid(`data of ${JSON.stringify(name)} runs into the central directory`);
    const localName = decodeName(
      bytes.subarray(localOffset + LOCAL_SIZE, localOffset + LOCAL_SIZE + localNameLength),
      (localFlags & FLAG_UTF8) !== 0,
    );
    if (localName !== name)
      throw new DivocQrZipEntryNameError(
        `local name ${JSON.stringify(localName)} differs from central name ${JSON.stringify(name)}`,
      );

    entries.push({ name, method, compressedSize, uncompressedSize, crc32: crc, localOffset, dataOffset });
    at = end;
  }
  if (at !== eocd) invalid('central directory size does not match its entries');

  // Overlapping entries (several headers pointing at one DEFLATE stream) are a known bomb amplifier.
  const byOffset = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const previous = byOffset[i - 1]!;
    if (previous.dataOffset + previous.compressedSize > byOffset[i]!.localOffset) invalid('ZIP entries overlap');
  }

  let inflatedTotal = 0;
  return {
    entries,
    read(entry: ZipEntry): Uint8Array {
      const data = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
      let out: Uint8Array;
      if (entry.method === METHOD_STORE) {
        out = data;
      } else {
        // Never let the inflater produce more than the entry declared (itself within budget).
        let inflated: Uint8Array | 'too-large';
        try {
          inflated = inflateRawBounded(data, entry.uncompressedSize);
        } catch (error) {
          throw new DivocQrZipInvalidError(
            `DEFLATE data of ${JSON.stringify(entry.name)} is corrupt: ${(error as Error).message}`,
            { cause: error },
          );
        }
        if (inflated === 'too-large') {
          throw new DivocQrBombError(
            `ZIP entry ${JSON.stringify(entry.name)} inflates past its declared ${entry.uncompressedSize} bytes`,
          );
        }
        out = inflated;
      }
      inflatedTotal += out.length;
      if (inflatedTotal > maxUncompressedSize)
        throw new DivocQrBombError(`ZIP archive inflates past the ${maxUncompressedSize}-byte budget`);
      if (out.length !== entry.uncompressedSize) {
        throw new DivocQrCrcMismatchError(
          `ZIP entry ${JSON.stringify(entry.name)} inflated to ${out.length} bytes, not the declared ` +
            `${entry.uncompressedSize}`,
        );
      }
      if (crc32(out) !== entry.crc32)
        throw new DivocQrCrcMismatchError(`ZIP entry ${JSON.stringify(entry.name)} fails its CRC-32 check`);
      return out;
    },
  };
}
