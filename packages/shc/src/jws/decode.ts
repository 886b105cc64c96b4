import { base64urlDecode, isJsonObject } from '@divoc/keys';
import { healthCardFileCredentials, inputText } from '../file/health-card-file.js';
import { ShcFileInvalidError, ShcInputInvalidError } from '../lib/errors.js';
import { parseJson } from '../lib/json.js';
import { LIMITS } from '../lib/limits.js';
import { decodeShcQr, looksLikeShcQr } from '../qr/numeric.js';
import type { DecodedShc, HealthCardFile } from '../types.js';
import { parseShcJws, type ParsedJws } from './parse.js';

/** Everything `decodeShc` / `verifyShc` accept. */
export type ShcInput = string | Uint8Array | readonly string[] | HealthCardFile;

function fromFile(value: unknown): string {
  const list = healthCardFileCredentials(value);
  if (list.length > 1) {
    throw new ShcFileInvalidError(
      `health card file holds ${list.length} credentials; read them with readHealthCardFile() and decode each`,
    );
  }
  return list[0]!;
}

/** The compact JWS an input carries: a JWS, a `shc:/` text, QR chunks (any order) or a `.smart-health-card` file. */
export function jwsOfInput(input: ShcInput): string {
  if (Array.isArray(input)) {
    if (input.length > LIMITS.maxChunks) throw new ShcInputInvalidError(`more than ${LIMITS.maxChunks} QR texts`);
    return decodeShcQr(input as readonly string[]);
  }
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    if (isJsonObject(input)) return fromFile(input);
    throw new ShcInputInvalidError(
      'input must be a JWS, a shc:/ QR text, an array of QR chunks or a .smart-health-card file',
    );
  }
  const text = inputText(input, 'input').trim();
  if (text.length === 0) throw new ShcInputInvalidError('input is empty');
  if (looksLikeShcQr(text)) return decodeShcQr(text);
  if (text.startsWith('{')) {
    const parsed = parseJson(text);
    if (!parsed.ok)
      throw new ShcFileInvalidError('input looks like a .smart-health-card file but is not JSON', {
        cause: parsed.error,
      });
    return fromFile(parsed.value);
  }
  return text;
}

export function parseInput(input: ShcInput): ParsedJws {
  return parseShcJws(jwsOfInput(input));
}

/**
 * Decodes a SMART Health Card without verifying it: a compact JWS, a `shc:/…` numeric QR text, an array of chunked
 * QR texts (any order), or a `.smart-health-card` file (text, bytes or parsed; exactly one credential — use
 * `readHealthCardFile` for files with several). Inflation is bounded. Throws a typed `ShcError` for bad input.
 */
export function decodeShc(input: ShcInput): DecodedShc {
  const { header, payload, jws } = parseInput(input);
  return { header, payload, jws };
}

/** Cheap sniff: a `shc:/` text, a `.smart-health-card` JSON, or a compact JWS whose header says `zip: "DEF"`. */
export function detectShc(input: string | Uint8Array): boolean {
  let head: string;
  if (input instanceof Uint8Array) {
    head = String.fromCharCode(...input.subarray(0, 512));
  } else if (typeof input === 'string') {
    head = input.slice(0, 512);
  } else {
    return false;
  }
  head = head.replace(/^\uFEFF/, '').trimStart();
  if (looksLikeShcQr(head)) return true;
  if (head.startsWith('{')) return /"verifiableCredential"\s*:\s*\[/.test(head);
  const dot = head.indexOf('.');
  if (dot <= 0 || dot > 400) return false;
  let headerText: string;
  try {
    headerText = String.fromCharCode(...base64urlDecode(head.slice(0, dot)));
  } catch {
    return false;
  }
  return /"zip"\s*:\s*"DEF"/.test(headerText) && /"alg"\s*:\s*"ES256"/.test(headerText);
}
