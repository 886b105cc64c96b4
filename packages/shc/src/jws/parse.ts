import { base64urlDecode, isJsonObject, utf8DecodeStrict, utf8Encode } from '@divoc/keys';
import { inflateRawBounded } from '../lib/deflate.js';
import {
  ShcHeaderInvalidError,
  ShcInputTooLargeError,
  ShcJwsMalformedError,
  ShcPayloadInvalidError,
} from '../lib/errors.js';
import { parseJson, type JsonObject } from '../lib/json.js';
import { LIMITS } from '../lib/limits.js';
import type { ShcHeader, ShcPayload } from '../types.js';

const COMPACT_JWS = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/;
/** Spec: a rid uses the base64url alphabet and has at most 24 characters. */
export const RID_PATTERN = /^[A-Za-z0-9_-]{1,24}$/;
export const HEALTH_CARD_TYPE = 'https://smarthealth.cards#health-card';

/** A compact JWS split and decoded, signature not checked. */
export interface ParsedJws {
  jws: string;
  header: ShcHeader;
  payload: ShcPayload;
  /** ASCII bytes of `header.payload`, what the signature covers. */
  signingInput: Uint8Array;
  signature: Uint8Array;
}

function b64(part: string, what: string): Uint8Array {
  try {
    return base64urlDecode(part);
  } catch (err) {
    throw new ShcJwsMalformedError(`JWS ${what} is not base64url`, { cause: err });
  }
}

function parseHeader(part: string): ShcHeader {
  if (part.length > 1024) throw new ShcJwsMalformedError('JWS header is longer than 1024 characters');
  // keepBom: a byte-order mark before the header JSON is refused (only the payload's is tolerated, see below).
  const text = utf8DecodeStrict(b64(part, 'header'), { keepBom: true });
  const parsed = text === undefined ? undefined : parseJson(text);
  if (!parsed?.ok || !isJsonObject(parsed.value)) throw new ShcJwsMalformedError('JWS header is not a JSON object');
  const header = parsed.value;
  // Only ES256 exists in SMART Health Cards: refusing everything else up front closes `none`/HS256/RS256 confusion.
  if (header.alg !== 'ES256')
    throw new ShcHeaderInvalidError(`JWS alg must be "ES256", got ${JSON.stringify(header.alg) ?? 'nothing'}`);
  if (header.zip !== 'DEF')
    throw new ShcHeaderInvalidError(
      `JWS zip must be "DEF" (raw DEFLATE), got ${JSON.stringify(header.zip) ?? 'nothing'}`,
    );
  if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 256) {
    throw new ShcHeaderInvalidError('JWS kid must be a non-empty string of at most 256 characters');
  }
  if (header.crit !== undefined) throw new ShcHeaderInvalidError('JWS crit is not supported');
  return header as ShcHeader;
}

function finiteNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ShcPayloadInvalidError(`${name} must be a non-negative number of seconds`);
  return value;
}

/** Checks the claim set's shape: `iss`, `nbf`, `vc.type` (with health-card), `vc.credentialSubject.fhirBundle`. */
export function checkPayload(value: unknown): ShcPayload {
  if (!isJsonObject(value)) throw new ShcPayloadInvalidError('payload is not a JSON object');
  const { iss, vc } = value;
  if (typeof iss !== 'string' || iss.length === 0 || iss.length > 2048)
    throw new ShcPayloadInvalidError('iss must be a non-empty string');
  finiteNumber(value.nbf, 'nbf');
  if (value.exp !== undefined) finiteNumber(value.exp, 'exp');
  if (!isJsonObject(vc)) throw new ShcPayloadInvalidError('vc must be an object');
  if (!Array.isArray(vc.type) || !vc.type.every((t) => typeof t === 'string'))
    throw new ShcPayloadInvalidError('vc.type must be an array of strings');
  if (!vc.type.includes(HEALTH_CARD_TYPE)) throw new ShcPayloadInvalidError(`vc.type must include ${HEALTH_CARD_TYPE}`);
  const subject = vc.credentialSubject;
  if (!isJsonObject(subject)) throw new ShcPayloadInvalidError('vc.credentialSubject must be an object');
  if (typeof subject.fhirVersion !== 'string')
    throw new ShcPayloadInvalidError('vc.credentialSubject.fhirVersion must be a string');
  const bundle = subject.fhirBundle;
  if (!isJsonObject(bundle) || bundle.resourceType !== 'Bundle' || !Array.isArray(bundle.entry)) {
    throw new ShcPayloadInvalidError('vc.credentialSubject.fhirBundle must be a FHIR Bundle with an entry array');
  }
  bundle.entry.forEach((e: unknown, i: number) => {
    if (!isJsonObject(e) || !isJsonObject(e.resource) || typeof e.resource.resourceType !== 'string') {
      throw new ShcPayloadInvalidError(`fhirBundle.entry[${i}] must hold a resource with a resourceType`);
    }
  });
  if (vc.rid !== undefined && (typeof vc.rid !== 'string' || !RID_PATTERN.test(vc.rid))) {
    throw new ShcPayloadInvalidError('vc.rid must be 1–24 characters of the base64url alphabet');
  }
  return value as unknown as ShcPayload;
}

/** Split, decode and inflate a compact health card JWS; checks header profile and payload shape, not the signature. */
export function parseShcJws(jws: string): ParsedJws {
  if (jws.length > LIMITS.maxJwsLength)
    throw new ShcInputTooLargeError(`JWS is longer than ${LIMITS.maxJwsLength} characters`);
  const match = COMPACT_JWS.exec(jws);
  if (!match) throw new ShcJwsMalformedError('not a compact JWS (three base64url parts separated by ".")');
  const [, headerPart, payloadPart, signaturePart] = match as unknown as [string, string, string, string];
  const header = parseHeader(headerPart);
  const signature = b64(signaturePart, 'signature');
  // ES256 is raw r||s: anything but 64 bytes is truncated, DER-encoded or forged.
  if (signature.length !== 64)
    throw new ShcJwsMalformedError(`ES256 signature must be 64 bytes, got ${signature.length}`);
  const inflated = inflateRawBounded(b64(payloadPart, 'payload'));
  // Real issuers (.NET's default UTF-8 encoder) put a byte-order mark before the JSON. The signature covers the
  // deflated bytes, BOM included, so skipping one leading BOM changes nothing signed; RFC 8259 §8.1 lets parsers
  // ignore it. Anywhere else (a second one, after whitespace, inside a value's syntax) it stays a JSON error.
  const text = utf8DecodeStrict(inflated, { keepBom: true });
  if (text === undefined) throw new ShcPayloadInvalidError('payload is not UTF-8');
  const parsed = parseJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (!parsed.ok) throw new ShcPayloadInvalidError('payload is not JSON', { cause: parsed.error });
  const payload = checkPayload(parsed.value);
  return { jws, header, payload, signingInput: utf8Encode(`${headerPart}.${payloadPart}`), signature };
}

export type { JsonObject };
