/**
 * DIVOC QR payloads. DIVOC's certificate API (egovernments/DIVOC backend/certificate_api,
 * `certificate_controller.js`) zips the signed certificate JSON as the single entry `certificate.json`
 * with JSZip (DEFLATE), takes the archive as a JavaScript binary string (`generateAsync({ type: 'string' })`)
 * and hands that string to `QRCode.toDataURL`, which writes it in byte mode as UTF-8: every byte >= 0x80 becomes
 * two bytes. A scanner that decodes the QR's bytes as UTF-8 returns the binary string again.
 *
 * Wrappings found in public code (see README "DIVOC QR variants" for the sources):
 * - `zip-binary-string`: the above (DIVOC certificate_api; DIVOC verification_app `JSZip.loadAsync(data)`).
 * - `zip-utf8-as-latin1`: same QR, but the scanner returned its raw UTF-8 bytes as Latin-1 text (mojibake).
 * - `zip-bytes`: the ZIP as raw bytes (`PK\x03\x04`...), e.g. a scanner API that returns bytes.
 * - `zip-utf8-bytes`: the QR's own bytes from a DIVOC QR (UTF-8 of the binary string), as a byte-level reader returns
 * them.
 * - `zip-base64`: `B64:` + base64 of the ZIP (WHO ddcc-validator `DivocVerifier`, URI_SCHEMA "B64:").
 * - `json`: the signed credential as plain JSON text (DIVOC public_app's first verifier; Path-Check divoc-sdk
 *   `unpack`, used for India/Sri Lanka certificates).
 */
import { base64Decode, isUnsafeJsonError, parseJsonStrict, isJsonObject, utf8Encode } from '@divoc/keys';
import { binaryStringToBytes, bytesToBinaryString, decodeUtf8, startsWithBytes } from '../lib/bytes.js';
import {
  DivocQrEntryMissingError,
  DivocQrJsonInvalidError,
  DivocQrMalformedError,
  DivocQrUnsafeJsonError,
  DivocQrUnsupportedError,
  DivocQrZipInvalidError,
} from '../lib/errors.js';
import { readZip, writeZip, type ReadZipLimits } from './zip.js';

/** Name of the one ZIP entry DIVOC writes. */
export const DIVOC_CERTIFICATE_ENTRY = 'certificate.json';

/**
 * How a DIVOC QR payload was wrapped: a ZIP (as a binary string, as UTF-8 read as Latin-1, as bytes, as base64) or
 * plain JSON.
 */
export type DivocQrVariant =
  'zip-binary-string' | 'zip-utf8-as-latin1' | 'zip-bytes' | 'zip-utf8-bytes' | 'zip-base64' | 'json';

/** A JSON object as `JSON.parse` returns it. */
export type DivocCredentialJson = { [key: string]: unknown };

/** A decoded DIVOC QR payload: the certificate, its JSON text, and how it was wrapped. */
export interface DecodedDivocQr {
  /** The certificate (a signed W3C credential), parsed. */
  credential: DivocCredentialJson;
  /** The certificate's JSON text exactly as it was carried. */
  json: string;
  /** Which wrapping the input used. */
  variant: DivocQrVariant;
}

/** Options of `decodeDivocQr`: input and ZIP limits. */
export interface DecodeDivocQrOptions extends ReadZipLimits {
  /** Longest input accepted, in chars or bytes. A QR holds at most 7089 chars; default 16384. */
  maxInputLength?: number;
}

/** Options of `encodeDivocQr`. */
export interface EncodeDivocQrOptions {
  /** ZIP entry timestamp. Default now, as JSZip does. */
  modified?: Date;
  /** DEFLATE level. Default 9. */
  level?: number;
}

const PK_LOCAL = [0x50, 0x4b, 0x03, 0x04] as const;
const DEFAULT_MAX_INPUT = 16 * 1024;

/**
 * Encode a DIVOC certificate the way DIVOC's certificate API does: ZIP (`certificate.json`, DEFLATE) as a binary
 * string. Render it with `renderQr(..)`/`qrProfileFor(..)`, which write it in byte mode as UTF-8, as DIVOC did.
 * A string argument is taken as the certificate's JSON text, kept byte for byte.
 */
export function encodeDivocQr(credential: DivocCredentialJson | string, options: EncodeDivocQrOptions = {}): string {
  let json: string;
  if (typeof credential === 'string') {
    json = credential;
  } else if (isJsonObject(credential)) {
    json = JSON.stringify(credential);
  } else {
    throw new DivocQrMalformedError('encodeDivocQr expects a credential object or its JSON text');
  }
  const zip = writeZip([{ name: DIVOC_CERTIFICATE_ENTRY, data: utf8Encode(json) }], options);
  return bytesToBinaryString(zip);
}

/** Bytes of a ZIP → the certificate. */
function credentialFromZip(zip: Uint8Array, variant: DivocQrVariant, limits: ReadZipLimits): DecodedDivocQr {
  const archive = readZip(zip, limits);
  const entry = archive.entries.find((e) => e.name === DIVOC_CERTIFICATE_ENTRY);
  if (!entry) {
    throw new DivocQrEntryMissingError(
      `the ZIP has no ${DIVOC_CERTIFICATE_ENTRY} entry (found: ` +
        `${archive.entries.map((e) => JSON.stringify(e.name)).join(', ')})`,
    );
  }
  const text = decodeUtf8(archive.read(entry));
  if (text === undefined) throw new DivocQrJsonInvalidError(`${DIVOC_CERTIFICATE_ENTRY} is not valid UTF-8`);
  return { credential: parseCredentialJson(text), json: text, variant };
}

function parseCredentialJson(text: string): DivocCredentialJson {
  let value: unknown;
  try {
    // Strict: a member named twice or named `__proto__` / `constructor` / `prototype` keeps its JSON code.
    value = parseJsonStrict(text);
  } catch (error) {
    if (isUnsafeJsonError(error))
      throw new DivocQrUnsafeJsonError(`the certificate JSON is refused: ${error.message}`, {
        code: error.code,
        cause: error,
      });
    throw new DivocQrJsonInvalidError(`the certificate is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DivocQrJsonInvalidError('the certificate JSON is not an object');
  }
  return value as DivocCredentialJson;
}

/**
 * ZIP bytes that may have been UTF-8 encoded once too often (a binary string written as UTF-8, then read back as
 * bytes or as Latin-1). Try them as they are; if the archive is structurally broken, undo one UTF-8 layer.
 */
function credentialFromZipMaybeUtf8(bytes: Uint8Array, variant: DivocQrVariant, limits: ReadZipLimits): DecodedDivocQr {
  try {
    return credentialFromZip(bytes, variant, limits);
  } catch (error) {
    if (!(error instanceof DivocQrZipInvalidError)) throw error;
    const once = decodeUtf8(bytes);
    const inner = once === undefined ? null : binaryStringToBytes(once);
    if (inner === null || inner.length === bytes.length || !startsWithBytes(inner, PK_LOCAL)) throw error;
    return credentialFromZip(inner, variant === 'zip-bytes' ? 'zip-utf8-bytes' : 'zip-utf8-as-latin1', limits);
  }
}

function decodeText(text: string, limits: ReadZipLimits): DecodedDivocQr {
  if (text.startsWith('PK\u0003\u0004')) {
    const bytes = binaryStringToBytes(text);
    if (bytes === null) throw new DivocQrMalformedError('a DIVOC ZIP binary string holds only chars U+0000–U+00FF');
    return credentialFromZipMaybeUtf8(bytes, 'zip-binary-string', limits);
  }
  const trimmed = text.trim();
  if (/^b64:/i.test(trimmed)) {
    let bytes: Uint8Array;
    try {
      bytes = base64Decode(trimmed.slice(4));
    } catch (cause) {
      throw new DivocQrMalformedError('the B64: payload is not valid base64', { cause });
    }
    if (!startsWithBytes(bytes, PK_LOCAL)) throw new DivocQrMalformedError('the B64: payload is not a ZIP archive');
    return credentialFromZip(bytes, 'zip-base64', limits);
  }
  if (trimmed.startsWith('{')) return { credential: parseCredentialJson(trimmed), json: trimmed, variant: 'json' };
  if (/^https?:\/\//i.test(trimmed)) {
    throw new DivocQrUnsupportedError(
      'the QR holds a URL: verifying it needs an online lookup, which this SDK never does',
    );
  }
  throw new DivocQrMalformedError('not a DIVOC QR payload (expected a ZIP starting "PK", "B64:" + base64, or JSON)');
}

/**
 * Decode what a scanner returns for a DIVOC QR, in any of the wrappings listed above, to the certificate JSON.
 * No signature check (see `verifyDivocQr`). Throws a typed `QrError` (`ERR_DIVOC_QR_*`).
 */
export function decodeDivocQr(input: string | Uint8Array, options: DecodeDivocQrOptions = {}): DecodedDivocQr {
  const { maxInputLength = DEFAULT_MAX_INPUT, ...limits } = options;
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new DivocQrMalformedError(`expected a string or Uint8Array, got ${input === null ? 'null' : typeof input}`);
  }
  if (input.length === 0) throw new DivocQrMalformedError('the input is empty');
  if (input.length > maxInputLength) {
    throw new DivocQrMalformedError(
      `the input is ${input.length} long, over the ${maxInputLength} limit (no QR code holds that much)`,
    );
  }
  if (typeof input === 'string') return decodeText(input, limits);
  if (startsWithBytes(input, PK_LOCAL)) return credentialFromZipMaybeUtf8(input, 'zip-bytes', limits);
  const text = decodeUtf8(input);
  if (text === undefined) throw new DivocQrMalformedError('the bytes are neither a ZIP archive nor UTF-8 text');
  return decodeText(text, limits);
}

const DIVOC_MARKERS = [
  'cowin.gov.in/credentials',
  'divoc.dev/credentials',
  'divoc.lgcc.gov.lk/credentials',
  '"did:india"',
  '"did:srilanka',
  '"did:philippines',
  'ProofOfVaccinationCredential',
  'ProofOfTestCertificateCredential',
];

/**
 * Cheap sniff: does this look like a DIVOC QR payload? True for a ZIP (`PK\x03\x04`, as text or bytes, also
 * UTF-8-as-Latin-1), `B64:` + base64, or JSON naming a DIVOC context, type or `did:india`-style key label.
 */
export function detectDivocQr(input: string | Uint8Array): boolean {
  if (input instanceof Uint8Array) {
    if (startsWithBytes(input, PK_LOCAL)) return true;
    const text = decodeUtf8(input.subarray(0, Math.min(input.length, DEFAULT_MAX_INPUT)));
    return text !== undefined && detectDivocQr(text);
  }
  if (typeof input !== 'string') return false;
  if (input.startsWith('PK\u0003\u0004')) return true;
  const head = input.trimStart();
  if (/^b64:/i.test(head)) return true;
  if (head.startsWith('{')) return DIVOC_MARKERS.some((marker) => input.includes(marker));
  return false;
}
