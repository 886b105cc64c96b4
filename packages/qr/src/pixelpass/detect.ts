/**
 * Recognising PixelPass QR data cheaply, apart from the codec so that the format plugin's `detect` (loaded at
 * start-up) loads no inflater or CBOR code.
 */
import { base45Decode } from '@divoc/keys';

/** Base45 text (RFC 9285 alphabet), nothing else: no prefix, no white space at either end. */
const BASE45_TEXT = /^[0-9A-Z $%*+\-./:]+$/;
/** The shortest zlib stream (header, an empty final block, Adler-32) is 8 bytes: 12 Base45 characters. */
const MIN_TEXT = 12;

/**
 * Whether `bytes` start like a zlib stream (RFC 1950) that PixelPass writes: DEFLATE (CM 8), a window of at most
 * 32 KiB, a header checksum that holds, no preset dictionary, and a first DEFLATE block of a defined type.
 */
export function startsLikeZlib(bytes: Uint8Array): boolean {
  if (bytes.length < 3) return false;
  const cmf = bytes[0]!;
  const flg = bytes[1]!;
  return (
    (cmf & 0x0f) === 8 &&
    cmf >> 4 <= 7 &&
    ((cmf << 8) | flg) % 31 === 0 &&
    (flg & 0x20) === 0 &&
    ((bytes[2]! >> 1) & 3) !== 3
  );
}

/**
 * Cheap, strict sniff of PixelPass QR data: the whole text is Base45 of a valid length and its first bytes are a
 * zlib header. `HC1:`, `DIVOC1:`, `shc:/`, `B64:`, a DIVOC ZIP and JSON all fail it. Never throws; decodes only the
 * first 6 characters. (A Base45 text never starts or ends with a space once it starts with a zlib header, so a
 * trimmed input is the data itself.)
 */
export function detectPixelPass(text: unknown): boolean {
  if (typeof text !== 'string' || text.length < MIN_TEXT || text.length % 3 === 1) return false;
  if (!BASE45_TEXT.test(text)) return false;
  try {
    return startsLikeZlib(base45Decode(text.slice(0, 6)));
  } catch {
    return false;
  }
}
