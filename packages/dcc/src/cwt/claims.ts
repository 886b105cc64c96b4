import { base64Encode } from '@divoc/keys';
import { cborDecode, isBytes, Tag } from '../lib/cbor.js';
import { DccCwtError } from '../lib/errors.js';
import type { DccPayload } from '../types.js';

export const CLAIM_ISS = 1;
export const CLAIM_EXP = 4;
export const CLAIM_IAT = 6;
export const CLAIM_HCERT = -260;
export const HCERT_EU_DCC_V1 = 1;
/** WHO Digital Vaccination Certificate (the same value as `HCERT_DVC` in dvc/payload.ts). */
export const HCERT_WHO_DVC = -6;
/** The HCERT sub-claims this package reads: the EU DCC (1) or a WHO DVC (-6). */
export type HcertSubClaim = typeof HCERT_EU_DCC_V1 | typeof HCERT_WHO_DVC;
const HCERT_NAMES: Record<HcertSubClaim, string> = { 1: 'an EU DCC (key 1)', [-6]: 'a WHO DVC (key -6)' };

const MAX_DEPTH = 16;

export interface CwtClaims {
  iss?: string;
  /** Seconds since the epoch. */
  iat?: number;
  exp?: number;
  payload: DccPayload;
  /** Every claim, labels as decimal strings (`"1"`, `"-260"`), JSON-like values. */
  all: Record<string, unknown>;
}

/** A CBOR value (Maps, arrays, bytes, tags) as JSON-like data: text keys only, dates as ISO strings. */
export function toJsonLike(value: unknown, depth = 0, textKeysOnly = true): unknown {
  if (depth > MAX_DEPTH) throw new DccCwtError(`DCC is nested deeper than ${MAX_DEPTH} levels`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new DccCwtError('DCC holds a non-finite number');
    return value;
  }
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
      throw new DccCwtError('DCC holds an integer beyond 2^53');
    return Number(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new DccCwtError('DCC holds an invalid date');
    // cbor-x turns tag 0/1 dates into Dates; give them back as RFC 3339 UTC text, without zero milliseconds.
    return value.toISOString().replace(/\.000Z$/, 'Z');
  }
  if (Array.isArray(value)) return value.map((v) => toJsonLike(v, depth + 1, textKeysOnly));
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) {
      if (typeof k !== 'string' && (textKeysOnly || typeof k !== 'number'))
        throw new DccCwtError('DCC map keys must be text');
      const key = String(k);
      if (key === '__proto__') throw new DccCwtError('DCC map key "__proto__" is not allowed');
      out[key] = toJsonLike(v, depth + 1, textKeysOnly);
    }
    return out;
  }
  if (isBytes(value)) {
    if (textKeysOnly) throw new DccCwtError('DCC holds a byte string where JSON data is expected');
    return base64Encode(value);
  }
  if (value instanceof Tag) throw new DccCwtError(`DCC holds an unexpected CBOR tag ${value.tag}`);
  throw new DccCwtError(`DCC holds a value of unsupported type (${value === undefined ? 'undefined' : typeof value})`);
}

function numericDate(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) return Math.floor(value.getTime() / 1000);
  if (typeof value === 'bigint') value = Number(value);
  // A float is a NumericDate too (RFC 8392; Uruguay's DCCs carry exp as a CBOR float): read as seconds.
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new DccCwtError(`CWT claim ${name} must be a NumericDate (seconds since the epoch)`);
  if (value < 0) throw new DccCwtError(`CWT claim ${name} must not be before 1970`);
  return value;
}

/**
 * Parse the CWT claims set in a COSE payload and extract the HCERT payload (`hcert` -260 → 1 for the EU DCC, → -6 for
 * a WHO DVC). Only iss, iat, exp and hcert are read (and refused when malformed); other claims (nbf 5, cti 7, private
 * negative ones) are shown in `all` and otherwise ignored, as real issuers add them. A hcert claim holding both an
 * EU DCC and a DVC is refused: which one was signed for is unclear.
 */
export function parseCwtClaims(payloadBytes: Uint8Array, sub: HcertSubClaim = HCERT_EU_DCC_V1): CwtClaims {
  let claims: unknown;
  try {
    claims = cborDecode(payloadBytes);
  } catch (cause) {
    throw new DccCwtError(`CWT payload is not well-formed CBOR: ${(cause as Error).message}`, { cause });
  }
  if (!(claims instanceof Map)) throw new DccCwtError('CWT payload is not a claims map');
  const iss = claims.get(CLAIM_ISS);
  if (iss !== undefined && typeof iss !== 'string') throw new DccCwtError('CWT claim iss (1) must be text');
  const iat = numericDate(claims.get(CLAIM_IAT), 'iat (6)');
  const exp = numericDate(claims.get(CLAIM_EXP), 'exp (4)');
  const hcert = claims.get(CLAIM_HCERT);
  if (!(hcert instanceof Map)) throw new DccCwtError('CWT has no hcert claim (-260) map');
  if (hcert.has(HCERT_EU_DCC_V1) && hcert.has(HCERT_WHO_DVC))
    throw new DccCwtError('hcert claim holds both an EU DCC (key 1) and a WHO DVC (key -6)');
  const dcc = hcert.get(sub);
  if (!(dcc instanceof Map)) {
    const other = sub === HCERT_EU_DCC_V1 ? HCERT_WHO_DVC : HCERT_EU_DCC_V1;
    throw new DccCwtError(
      hcert.has(other)
        ? `hcert claim holds ${HCERT_NAMES[other]}, not ${HCERT_NAMES[sub]}`
        : `hcert claim has no ${sub === HCERT_EU_DCC_V1 ? 'EU DCC v1 (key 1)' : 'WHO DVC (key -6)'} map`,
    );
  }
  const payload = toJsonLike(dcc) as DccPayload;
  const all: Record<string, unknown> = {};
  for (const [k, v] of claims) {
    if (typeof k !== 'number' && typeof k !== 'string')
      throw new DccCwtError('CWT claim labels must be integers or text');
    all[String(k)] = k === CLAIM_HCERT ? { [String(sub)]: payload } : describeClaim(v);
  }
  return {
    ...(iss !== undefined ? { iss } : {}),
    ...(iat !== undefined ? { iat } : {}),
    ...(exp !== undefined ? { exp } : {}),
    payload,
    all,
  };
}

/** A claim other than hcert, for display: JSON-like when possible, else a short description. */
function describeClaim(value: unknown): unknown {
  try {
    return toJsonLike(value, 1, false);
  } catch {
    return value instanceof Tag ? `<CBOR tag ${value.tag}>` : '<unsupported value>';
  }
}
