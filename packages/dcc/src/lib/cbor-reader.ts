/**
 * A CBOR reader for the shape nearly every DCC has: a COSE_Sign1 (tag 61 and/or 18, or none) whose headers hold only
 * alg and kid, and a CWT with iss, iat, exp and hcert { 1: DCC }, the DCC being JSON-like data (text keys, text,
 * integers, float64, booleans, null, arrays, maps). It decodes that in one pass straight into the objects the general
 * path (cbor-x, then `toJsonLike`) would build, without intermediate Maps.
 *
 * Anything else — a tag inside the DCC, an indefinite length, a half or single float, a 64-bit integer, a byte string
 * or a non-text key inside the DCC, more header fields or claims, invalid UTF-8, trailing bytes, truncation, nesting
 * deeper than the general path allows — makes it give up (`undefined`), and the general path decodes the message
 * and reports what is wrong with it. So this reader decides nothing on its own: it accepts only what the general path
 * accepts, with the same result.
 */
import type { CoseHeaderMap, CoseSign1 } from '../cose/cose.js';
import type { CwtClaims } from '../cwt/claims.js';
import type { DccPayload } from '../types.js';

/** Thrown to give up; caught in `readDccCose` only. */
const GIVE_UP = Symbol('not the common DCC shape');
/** Deepest value `toJsonLike` accepts (its MAX_DEPTH). */
const MAX_DEPTH = 16;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const EMPTY: Uint8Array = new Uint8Array(0);
let src = EMPTY;
let pos = 0;
let end = 0;
/** Argument of the last head read. */
let arg = 0;

/** Major type of the next item, its argument in `arg` (at most 32 bits, definite lengths only). */
function head(): number {
  if (pos >= end) throw GIVE_UP;
  const ib = src[pos++]!;
  const info = ib & 31;
  if (info < 24) arg = info;
  else if (info === 24) {
    if (pos + 1 > end) throw GIVE_UP;
    arg = src[pos++]!;
  } else if (info === 25) {
    if (pos + 2 > end) throw GIVE_UP;
    arg = (src[pos]! << 8) | src[pos + 1]!;
    pos += 2;
  } else if (info === 26) {
    if (pos + 4 > end) throw GIVE_UP;
    arg = ((src[pos]! << 24) | (src[pos + 1]! << 16) | (src[pos + 2]! << 8) | src[pos + 3]!) >>> 0;
    pos += 4;
  } else throw GIVE_UP;
  return ib >> 5;
}

function bytes(length: number): Uint8Array {
  if (length > end - pos) throw GIVE_UP;
  const out = src.slice(pos, pos + length);
  pos += length;
  return out;
}

function text(length: number): string {
  if (length > end - pos) throw GIVE_UP;
  const start = pos;
  const stop = pos + length;
  // Short ASCII strings (keys, codes, dates) without a decoder call; anything else through the strict UTF-8 decoder.
  if (length === 1 && src[start]! < 0x80) {
    pos = stop;
    return String.fromCharCode(src[start]!);
  }
  if (length === 2 && (src[start]! | src[start + 1]!) < 0x80) {
    pos = stop;
    return String.fromCharCode(src[start]!, src[start + 1]!);
  }
  if (length <= 32) {
    let s = '';
    for (let i = start; i < stop; i++) {
      const c = src[i]!;
      if (c >= 0x80) {
        s = '';
        break;
      }
      s += String.fromCharCode(c);
    }
    if (s.length === length) {
      pos = stop;
      return s;
    }
  }
  let s: string;
  try {
    s = utf8.decode(src.subarray(start, stop));
  } catch {
    throw GIVE_UP;
  }
  pos = stop;
  return s;
}

/** A JSON-like value, as `toJsonLike(cborDecode(...))` gives it. */
function value(depth: number): unknown {
  if (depth > MAX_DEPTH || pos >= end) throw GIVE_UP;
  const ib = src[pos]!;
  if (ib >= 0xe0) {
    pos++;
    if (ib === 0xf4) return false;
    if (ib === 0xf5) return true;
    if (ib === 0xf6) return null;
    if (ib === 0xfb && pos + 8 <= end) {
      const v = new DataView(src.buffer, src.byteOffset + pos, 8).getFloat64(0);
      pos += 8;
      if (!Number.isFinite(v)) throw GIVE_UP;
      return v;
    }
    throw GIVE_UP;
  }
  const major = head();
  switch (major) {
    case 0:
      return arg;
    case 1:
      return -1 - arg;
    case 3:
      return text(arg);
    case 4: {
      const n = arg;
      if (n > end - pos) throw GIVE_UP;
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(value(depth + 1));
      return out;
    }
    case 5:
      return map(arg, depth);
    default:
      throw GIVE_UP;
  }
}

function map(n: number, depth: number): Record<string, unknown> {
  if (n * 2 > end - pos) throw GIVE_UP;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    if (head() !== 3) throw GIVE_UP;
    const key = text(arg);
    if (key === '__proto__') throw GIVE_UP;
    out[key] = value(depth + 1);
  }
  return out;
}

/** A header map holding at most alg (integer) and kid (byte string). */
function header(n: number): CoseHeaderMap {
  const out: CoseHeaderMap = new Map();
  for (let i = 0; i < n; i++) {
    const major = head();
    if (major !== 0) throw GIVE_UP;
    const label = arg;
    if (out.has(label)) throw GIVE_UP;
    if (label === 1) {
      const m = head();
      if (m === 0) out.set(1, arg);
      else if (m === 1) out.set(1, -1 - arg);
      else throw GIVE_UP;
    } else if (label === 4) {
      if (head() !== 2) throw GIVE_UP;
      out.set(4, bytes(arg));
    } else throw GIVE_UP;
  }
  return out;
}

function unsigned(): number {
  if (head() !== 0) throw GIVE_UP;
  return arg;
}

function claims(): CwtClaims {
  if (head() !== 5) throw GIVE_UP;
  const n = arg;
  let iss: string | undefined;
  let iat: number | undefined;
  let exp: number | undefined;
  let payload: DccPayload | undefined;
  const all: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const major = head();
    const label = major === 0 ? arg : major === 1 ? -1 - arg : NaN;
    if (label === 1 && iss === undefined) {
      if (head() !== 3) throw GIVE_UP;
      iss = text(arg);
      all['1'] = iss;
    } else if (label === 6 && iat === undefined) {
      iat = unsigned();
      all['6'] = iat;
    } else if (label === 4 && exp === undefined) {
      exp = unsigned();
      all['4'] = exp;
    } else if (label === -260 && payload === undefined) {
      if (head() !== 5 || arg !== 1 || head() !== 0 || arg !== 1 || head() !== 5) throw GIVE_UP;
      payload = map(arg, 0) as unknown as DccPayload;
      all['-260'] = { '1': payload };
    } else throw GIVE_UP;
  }
  if (payload === undefined || pos !== end) throw GIVE_UP;
  const out: CwtClaims = { payload, all };
  if (iss !== undefined) out.iss = iss;
  if (iat !== undefined) out.iat = iat;
  if (exp !== undefined) out.exp = exp;
  return out;
}

function within(data: Uint8Array, start: number, stop: number): void {
  src = data;
  pos = start;
  end = stop;
}

/**
 * The COSE_Sign1 and CWT claims of a DCC in the common shape, as `parseCoseSign1` and `parseCwtClaims` would return
 * them; undefined when the message has any other shape (the general path then decodes it).
 */
export function readDccCose(data: Uint8Array): { cose: CoseSign1; claims: CwtClaims } | undefined {
  try {
    within(data, 0, data.length);
    const tags: number[] = [];
    if (data[0] === 0xd8 && data[1] === 0x3d) {
      tags.push(61);
      pos = 2;
      if (data[2] !== 0xd2) throw GIVE_UP;
    }
    if (data[pos] === 0xd2) {
      tags.push(18);
      pos++;
    }
    if (head() !== 4 || arg !== 4) throw GIVE_UP;
    if (head() !== 2) throw GIVE_UP;
    const protectedBytes = bytes(arg);
    if (head() !== 5) throw GIVE_UP;
    const unprotectedHeader = header(arg);
    if (head() !== 2) throw GIVE_UP;
    const payloadStart = pos;
    const payloadEnd = pos + arg;
    const payload = bytes(arg);
    if (head() !== 2) throw GIVE_UP;
    const signature = bytes(arg);
    if (pos !== end) throw GIVE_UP;

    within(protectedBytes, 0, protectedBytes.length);
    let protectedHeader: CoseHeaderMap = new Map();
    if (protectedBytes.length > 0) {
      if (head() !== 5) throw GIVE_UP;
      protectedHeader = header(arg);
      if (pos !== end) throw GIVE_UP;
    }

    within(data, payloadStart, payloadEnd);
    const cwt = claims();
    return { cose: { protectedBytes, protectedHeader, unprotectedHeader, payload, signature, tags }, claims: cwt };
  } catch {
    // GIVE_UP (nothing else is thrown at MAX_DEPTH): the general path decodes the message.
    return undefined;
  } finally {
    src = EMPTY;
  }
}
