/**
 * Which QR segments and error correction level each health-credential format wants.
 *
 * - EU DCC (`HC1:` + Base45): every char is in the QR alphanumeric set, so one alphanumeric segment;
 *   error correction Q, as the hcert specification recommends (ehn-dcc-development/hcert-spec, "QR code").
 * - SMART Health Cards (`shc:/` + digits, optionally `shc:/1/3/` chunk headers): a byte segment for the prefix,
 *   then a numeric segment for the digits, as the SMART Health Cards spec prescribes; error correction L
 *   (what the spec's examples and reference generator use; the spec sizes payloads for version 22 at level L).
 * - DIVOC (ZIP binary string): one byte segment holding the string's UTF-8 bytes, error correction M: what
 *   DIVOC's certificate API produced with `QRCode.toDataURL(zippedData)` (qrcode's default level M).
 * - Anything else: the fewest-bits mix of numeric, alphanumeric and byte segments (our encoder), level M.
 */
export type QrEcc = 'L' | 'M' | 'Q' | 'H';
/** How the QR text is segmented: per its format (`auto`) or in one segment of the given mode. */
export type QrMode = 'auto' | 'alphanumeric' | 'byte' | 'numeric';
/** The payload kinds `qrProfileFor` recognises (`HC1:`, `shc:/`, DIVOC, anything else). */
export type QrPayloadFormat = 'dcc' | 'shc' | 'divoc' | 'text';

/** One QR segment: a mode and its data. */
export type QrSegment =
  | { mode: 'numeric'; data: string }
  | { mode: 'alphanumeric'; data: string }
  /** A string is written as its UTF-8 bytes; a Uint8Array as is. */
  | { mode: 'byte'; data: string | Uint8Array };

/** How a payload kind is best put in a QR: its segments and error correction level. */
export interface QrProfile {
  format: QrPayloadFormat;
  /** Explicit segments; `undefined` lets the encoder segment the text itself (`format: 'text'`). */
  segments: QrSegment[] | undefined;
  ecc: QrEcc;
}

export const ALPHANUMERIC_CHARS = /^[0-9A-Z $%*+\-./:]*$/;
const HC1 = /^HC1:[0-9A-Z $%*+\-./:]+$/;
const SHC = /^(shc:\/(?:\d+\/\d+\/)?)(\d+)$/;

/** The segments and error correction level the format of `text` calls for. */
export function qrProfileFor(text: string): QrProfile {
  if (HC1.test(text)) return { format: 'dcc', segments: [{ mode: 'alphanumeric', data: text }], ecc: 'Q' };
  const shc = SHC.exec(text);
  if (shc) {
    return {
      format: 'shc',
      segments: [
        { mode: 'byte', data: shc[1]! },
        { mode: 'numeric', data: shc[2]! },
      ],
      ecc: 'L',
    };
  }
  if (text.startsWith('PK\u0003\u0004')) return { format: 'divoc', segments: [{ mode: 'byte', data: text }], ecc: 'M' };
  return { format: 'text', segments: undefined, ecc: 'M' };
}
