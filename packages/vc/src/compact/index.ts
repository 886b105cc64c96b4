import { InflateTooLargeError, deflateRaw, inflateRawBounded, isJsonObject } from '@divoc/keys';
import type { SignedCredential } from '../types.js';
import { base45Decode, base45Encode } from './base45.js';
import { decodeCbor, encodeCbor } from './cbor.js';
import { cborToJson, CURRENT_TABLE, jsonToCbor, TABLES } from './codec.js';
import {
  CompactFormatError,
  CompactNotCredentialError,
  CompactPayloadError,
  CompactTooLargeError,
  CompactVersionError,
} from './errors.js';

/**
 * Compact QR text for a signed W3C credential:
 *
 *   "DIVOC1:" + Base45( header ‖ body )
 *   header = 1 byte: bit 7 = body is raw-deflated, bits 0–6 = compression table version (1)
 *   body   = CBOR of the credential with the table applied (see codec.ts), raw-deflated with the table's preset
 *            dictionary only when that is smaller
 *
 * Every character is in the QR alphanumeric set, so the QR code uses alphanumeric mode (5.5 bits/character).
 * Decoding gives back the exact JSON document that was signed, so the proof verifies as before.
 */
export const COMPACT_PREFIX = 'DIVOC1:';

/** Version 40-L holds 4296 alphanumeric characters: no QR code carries more. */
export const MAX_COMPACT_TEXT = 4296;
/** Inflate budget: a credential is a few KB; allow generous room but never a bomb. */
const MAX_INFLATED_BYTES = 65_536;
const MAX_INFLATE_RATIO = 40;
const DEFLATED = 0x80;

function assertSignedCredential(value: unknown, where: string): asserts value is SignedCredential {
  if (!isJsonObject(value)) throw new CompactNotCredentialError(`${where}: a credential is a JSON object`);
  if (value['@context'] === undefined) throw new CompactNotCredentialError(`${where}: no @context`);
  if (!isJsonObject(value.proof))
    throw new CompactNotCredentialError(`${where}: no proof object (only signed credentials are encoded)`);
}

/** Encode a signed credential as compact QR text (`DIVOC1:…`). Throws `CompactNotCredentialError`. */
export function encodeCompactCredential(signedCredential: SignedCredential): string {
  assertSignedCredential(signedCredential, 'encode');
  const cbor = encodeCbor(jsonToCbor(signedCredential, CURRENT_TABLE));
  const deflated = deflateRaw(cbor, { level: 9, dictionary: CURRENT_TABLE.dictionary });
  const useDeflate = deflated.length < cbor.length;
  const body = useDeflate ? deflated : cbor;
  const payload = new Uint8Array(body.length + 1);
  payload[0] = CURRENT_TABLE.version | (useDeflate ? DEFLATED : 0);
  payload.set(body, 1);
  const text = COMPACT_PREFIX + base45Encode(payload);
  if (text.length > MAX_COMPACT_TEXT)
    throw new CompactTooLargeError(
      `the credential needs ${text.length} characters; a QR code holds ${MAX_COMPACT_TEXT}`,
    );
  return text;
}

/**
 * Decode compact QR text back to the signed credential (not verified: pass the result to `verifyCredential`).
 * Bounded: text ≤ 4296 characters, inflate ≤ 64 KiB and ≤ 40× the input, strict CBOR. Throws a
 * `CompactCredentialError` (`ERR_COMPACT_FORMAT`, `_TOO_LARGE`, `_VERSION`, `_PAYLOAD`, `_NOT_CREDENTIAL`).
 */
export function decodeCompactCredential(text: string): SignedCredential {
  if (typeof text !== 'string') throw new CompactFormatError('compact credential text must be a string');
  if (text.length > MAX_COMPACT_TEXT + COMPACT_PREFIX.length)
    throw new CompactTooLargeError(`longer than any QR code (${MAX_COMPACT_TEXT} characters)`);
  if (!text.startsWith(COMPACT_PREFIX)) throw new CompactFormatError(`missing the ${COMPACT_PREFIX} prefix`);
  const payload = base45Decode(text.slice(COMPACT_PREFIX.length));
  if (payload.length < 2) throw new CompactFormatError('payload too short');
  const header = payload[0]!;
  const table = TABLES.get(header & ~DEFLATED);
  if (!table)
    throw new CompactVersionError(`compression table version ${header & ~DEFLATED} is not known to this decoder`);
  let body = payload.subarray(1);
  if (header & DEFLATED) {
    const budget = Math.min(MAX_INFLATED_BYTES, body.length * MAX_INFLATE_RATIO);
    try {
      body = inflateRawBounded(body, {
        maxOutput: MAX_INFLATED_BYTES,
        maxRatio: MAX_INFLATE_RATIO,
        dictionary: table.dictionary,
      });
    } catch (err) {
      if (err instanceof InflateTooLargeError)
        throw new CompactTooLargeError(`inflates past ${budget} bytes`, { cause: err });
      throw new CompactPayloadError('body is not a valid raw deflate stream', { cause: err });
    }
  }
  const credential = cborToJson(decodeCbor(body), table);
  assertSignedCredential(credential, 'decoded document');
  return credential;
}

/** Cheap sniff: compact QR text (prefix, then Base45 characters only). Never throws. */
export function detectCompactCredential(input: string | Uint8Array): boolean {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) {
    if (input.length > MAX_COMPACT_TEXT + COMPACT_PREFIX.length) return false;
    text = new TextDecoder().decode(input);
  } else return false;
  return (
    text.length <= MAX_COMPACT_TEXT + COMPACT_PREFIX.length &&
    text.startsWith(COMPACT_PREFIX) &&
    /^[0-9A-Z $%*+\-./:]+$/.test(text.slice(COMPACT_PREFIX.length))
  );
}

export { base45Encode, base45Decode } from './base45.js';
export { TAG as COMPACT_TAGS } from './codec.js';
