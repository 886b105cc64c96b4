/**
 * Turn what jsQR decoded into the text the QR holds. jsQR's `data` guesses (it percent-decodes bytes as UTF-8 and
 * falls back to raw chars); we decide ourselves: an ECI designator names the charset (26 = UTF-8, 1/3 = ISO-8859-1);
 * without one, byte data is UTF-8 when it is valid UTF-8 (what HC1/shc:/ ASCII and DIVOC's UTF-8-written binary
 * strings are) and ISO-8859-1 otherwise (the QR standard's default).
 */
import type { QRCode as JsQrResult } from 'jsqr';
import { decodeLatin1, decodeUtf8 } from '../lib/bytes.js';

/** A QR segment mode (ECI is the mode that switches character sets). */
export type QrSegmentMode = 'numeric' | 'alphanumeric' | 'byte' | 'kanji' | 'eci';

function decodeRun(bytes: number[], eci: number | null): string {
  const array = Uint8Array.from(bytes);
  if (eci === 1 || eci === 3) return decodeLatin1(array);
  return decodeUtf8(array) ?? decodeLatin1(array);
}

export function qrText(result: JsQrResult): string {
  const chunks = result.chunks;
  if (!chunks.some((c) => c.type === 'eci')) return decodeRun(result.binaryData, null);
  let out = '';
  let eci: number | null = null;
  let run: number[] = [];
  for (const chunk of chunks) {
    if (chunk.type === 'eci') {
      out += decodeRun(run, eci);
      run = [];
      eci = 'assignmentNumber' in chunk ? chunk.assignmentNumber : null;
    } else if ('bytes' in chunk) {
      run.push(...chunk.bytes);
    } else if ('text' in chunk) {
      for (let i = 0; i < chunk.text.length; i++) run.push(chunk.text.charCodeAt(i));
    }
  }
  return out + decodeRun(run, eci);
}

export function qrModes(result: JsQrResult): QrSegmentMode[] {
  return result.chunks.map((c) => c.type as QrSegmentMode);
}
