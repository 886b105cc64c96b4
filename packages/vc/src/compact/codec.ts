import { base58btcDecode, base58btcEncode, base64Decode, base64urlDecode, base64urlEncode } from '@divoc/keys';
import { CborFloat, CborMap, CborTag, type CborValue } from './cbor.js';
import { CompactPayloadError, CompactNotCredentialError } from './errors.js';
import { DICTIONARY_V1_BASE64, KEYS_V1, PREFIXES_V1, VALUES_V1 } from './table-v1.js';

/**
 * JSON ↔ CBOR model with the compression table. Every JSON value round-trips: anything the table or a typed form
 * cannot write exactly falls back to a literal.
 *
 *   object  → map; keys: table term (small int) or literal text
 *   array   → array
 *   string  → table value (bare int) | tag 7–18 typed form | literal text
 *   number  → tag 6 (int or float64)
 *   boolean, null → simple values
 */
export const TAG = Object.freeze({
  NUMBER: 6,
  /** `YYYY-MM-DDTHH:mm:ssZ` → seconds since the epoch. */
  DATETIME_S: 7,
  /** `YYYY-MM-DDTHH:mm:ss.sssZ` → milliseconds since the epoch. */
  DATETIME_MS: 8,
  /** `YYYY-MM-DDTHH:mm:ss.000Z` → seconds since the epoch. */
  DATETIME_MS0: 9,
  /** `YYYY-MM-DD` → days since the epoch. */
  DATE: 10,
  /** base58btc multibase (`z…`) → bytes. */
  MULTIBASE58: 11,
  /** `did:key:z…` → multicodec key bytes. */
  DID_KEY: 12,
  /** `did:key:z…#z…` (fragment = the key) → multicodec key bytes. */
  DID_KEY_VM: 13,
  /** Detached JWS `header..signature` → [header (table int or text), signature bytes]. */
  JWS: 14,
  /** [prefix index, rest (text, or an int for a decimal rest)]. */
  PREFIX: 15,
  /** Decimal digits without a leading zero → int. */
  DECIMAL: 16,
  /** The n-th string written so far by PREFIX or literal (length ≥ 4), again. */
  REPEAT: 17,
  /** `urn:uuid:` + lower-case UUID → 16 bytes. */
  UUID: 18,
});

export interface Table {
  version: number;
  keys: readonly string[];
  values: readonly string[];
  prefixes: readonly string[];
  /** Preset dictionary for the raw deflate stream. */
  dictionary: Uint8Array;
}

export const TABLES: ReadonlyMap<number, Table> = new Map([
  [
    1,
    {
      version: 1,
      keys: KEYS_V1,
      values: VALUES_V1,
      prefixes: PREFIXES_V1,
      dictionary: base64Decode(DICTIONARY_V1_BASE64),
    },
  ],
]);
export const CURRENT_TABLE = TABLES.get(1)!;

/** Entry index ↔ CBOR int: 0, -1, 1, -2, 2, … so the first 48 entries fit a one-byte head. */
const indexToInt = (i: number): number => (i % 2 === 0 ? i / 2 : -(i + 1) / 2);
const intToIndex = (n: number): number => (n >= 0 ? 2 * n : -2 * n - 1);

const MIN_REPEAT_LENGTH = 4;
const MAX_REPEATS = 4096;
const MAX_DEPTH = 48;
/** Base58 is quadratic: bound what a hostile payload can ask us to encode (the text form allows ≤ 200 chars). */
const MAX_BASE58_BYTES = 150;

const B58 = /^z[1-9A-HJ-NP-Za-km-z]{1,200}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;
const UUID = /^urn:uuid:([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/;
const DATETIME_S = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DATETIME_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY = 86_400_000;

/** ISO form of an epoch-ms time, or undefined outside years 0000–9999. */
function iso(ms: number): string | undefined {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  const s = new Date(ms).toISOString();
  return s.length === 24 ? s : undefined;
}

function base64urlBytes(text: string): Uint8Array | undefined {
  if (!B64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = base64urlDecode(text);
  return base64urlEncode(bytes) === text ? bytes : undefined;
}

function base58Bytes(text: string): Uint8Array | undefined {
  if (!B58.test(text)) return undefined;
  try {
    const bytes = base58btcDecode(text.slice(1));
    return base58btcEncode(bytes) === text.slice(1) ? bytes : undefined;
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------------ encode

/** Term → index maps of a table, built once per table (rebuilding them was a third of an encode). */
const indexes = new WeakMap<Table, { keyIndex: Map<string, number>; valueIndex: Map<string, number> }>();
function indexesOf(table: Table) {
  let found = indexes.get(table);
  if (!found) {
    found = {
      keyIndex: new Map(table.keys.map((k, i) => [k, i])),
      valueIndex: new Map(table.values.map((v, i) => [v, i])),
    };
    indexes.set(table, found);
  }
  return found;
}

export function jsonToCbor(value: unknown, table: Table = CURRENT_TABLE): CborValue {
  const { keyIndex, valueIndex } = indexesOf(table);
  const repeats = new Map<string, number>();

  const encodeString = (s: string): CborValue => {
    const v = valueIndex.get(s);
    if (v !== undefined) return indexToInt(v);
    const typed = typedForm(s);
    if (typed !== undefined) return typed;
    const seen = repeats.get(s);
    if (seen !== undefined) return new CborTag(TAG.REPEAT, seen);
    const remember = () => {
      if (s.length >= MIN_REPEAT_LENGTH && repeats.size < MAX_REPEATS) repeats.set(s, repeats.size);
    };
    let best = -1;
    for (let i = 0; i < table.prefixes.length; i++) {
      const p = table.prefixes[i]!;
      if (s.startsWith(p) && (best < 0 || p.length > table.prefixes[best]!.length)) best = i;
    }
    if (best >= 0) {
      const rest = s.slice(table.prefixes[best]!.length);
      remember();
      return new CborTag(TAG.PREFIX, [
        indexToInt(best),
        DECIMAL.test(rest) && Number.isSafeInteger(Number(rest)) ? Number(rest) : rest,
      ]);
    }
    remember();
    return s;
  };

  const typedForm = (s: string): CborValue | undefined => {
    if (DATETIME_MS.test(s)) {
      const ms = Date.parse(s);
      if (iso(ms) === s)
        return ms % 1000 === 0 ? new CborTag(TAG.DATETIME_MS0, ms / 1000) : new CborTag(TAG.DATETIME_MS, ms);
    } else if (DATETIME_S.test(s)) {
      const ms = Date.parse(s);
      if (iso(ms)?.replace('.000Z', 'Z') === s) return new CborTag(TAG.DATETIME_S, ms / 1000);
    } else if (DATE.test(s)) {
      const ms = Date.parse(`${s}T00:00:00.000Z`);
      if (iso(ms)?.slice(0, 10) === s) return new CborTag(TAG.DATE, ms / DAY);
    } else if (s.startsWith('z')) {
      const bytes = base58Bytes(s);
      if (bytes) return new CborTag(TAG.MULTIBASE58, bytes);
    } else if (s.startsWith('did:key:')) {
      const [did, fragment, ...more] = s.slice(8).split('#');
      const bytes = more.length === 0 ? base58Bytes(did!) : undefined;
      if (bytes && fragment === undefined) return new CborTag(TAG.DID_KEY, bytes);
      if (bytes && fragment === did) return new CborTag(TAG.DID_KEY_VM, bytes);
    } else if (s.startsWith('urn:uuid:')) {
      const m = UUID.exec(s);
      if (m) return new CborTag(TAG.UUID, hexBytes(m.slice(1).join('')));
    } else if (DECIMAL.test(s) && Number.isSafeInteger(Number(s))) {
      return new CborTag(TAG.DECIMAL, Number(s));
    } else if (s.startsWith('eyJ')) {
      const parts = s.split('.');
      const signature = parts.length === 3 && parts[1] === '' ? base64urlBytes(parts[2]!) : undefined;
      if (signature && B64URL.test(parts[0]!)) {
        const v = valueIndex.get(parts[0]!);
        return new CborTag(TAG.JWS, [v !== undefined ? indexToInt(v) : parts[0]!, signature]);
      }
    }
    return undefined;
  };

  const encode = (v: unknown, depth: number): CborValue => {
    if (depth > MAX_DEPTH) throw new CompactNotCredentialError(`nested deeper than ${MAX_DEPTH} levels`);
    if (v === null || typeof v === 'boolean') return v;
    if (typeof v === 'string') return encodeString(v);
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new CompactNotCredentialError(`${v} is not a JSON number`);
      return new CborTag(TAG.NUMBER, Number.isSafeInteger(v) && !Object.is(v, -0) ? v : new CborFloat(v));
    }
    if (Array.isArray(v)) return v.map((item) => encode(item === undefined ? null : item, depth + 1));
    if (typeof v === 'object') {
      const entries: Array<[CborValue, CborValue]> = [];
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if (item === undefined || typeof item === 'function') continue; // as JSON.stringify
        const ki = keyIndex.get(k);
        entries.push([ki !== undefined ? indexToInt(ki) : k, encode(item, depth + 1)]);
      }
      return new CborMap(entries);
    }
    throw new CompactNotCredentialError(`a ${typeof v} is not a JSON value`);
  };
  return encode(value, 0);
}

// ------------------------------------------------------------------------------------------------ decode

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export function cborToJson(value: CborValue, table: Table): Json {
  const repeats: string[] = [];
  const fail = (message: string): never => {
    throw new CompactPayloadError(message);
  };
  const entry = (list: readonly string[], n: CborValue, what: string): string => {
    if (typeof n !== 'number') return fail(`${what} must be an integer`);
    const s = list[intToIndex(n)];
    return s !== undefined ? s : fail(`${what} ${n} is not in table v${table.version}`);
  };
  const remember = (s: string): string => {
    if (s.length >= MIN_REPEAT_LENGTH && repeats.length < MAX_REPEATS) repeats.push(s);
    return s;
  };
  const int = (v: CborValue, what: string): number => (typeof v === 'number' ? v : fail(`${what} must be an integer`));
  const bytes = (v: CborValue, what: string, max = MAX_BASE58_BYTES): Uint8Array =>
    v instanceof Uint8Array
      ? v.length <= max
        ? v
        : fail(`${what} longer than ${max} bytes`)
      : fail(`${what} must be a byte string`);
  const time = (ms: number, what: string): string => iso(ms) ?? fail(`${what} out of range`);

  const decodeTag = (t: CborTag): Json => {
    const v = t.value;
    switch (t.tag) {
      case TAG.NUMBER:
        if (typeof v === 'number') return v;
        if (v instanceof CborFloat) return v.value;
        return fail('number tag must hold an integer or float');
      case TAG.DATETIME_S:
        return time(int(v, 'date-time') * 1000, 'date-time').replace('.000Z', 'Z');
      case TAG.DATETIME_MS:
        return time(int(v, 'date-time'), 'date-time');
      case TAG.DATETIME_MS0:
        return time(int(v, 'date-time') * 1000, 'date-time');
      case TAG.DATE:
        return time(int(v, 'date') * DAY, 'date').slice(0, 10);
      case TAG.MULTIBASE58:
        return `z${base58btcEncode(bytes(v, 'multibase'))}`;
      case TAG.DID_KEY:
        return `did:key:z${base58btcEncode(bytes(v, 'did:key'))}`;
      case TAG.DID_KEY_VM: {
        const mb = `z${base58btcEncode(bytes(v, 'did:key'))}`;
        return `did:key:${mb}#${mb}`;
      }
      case TAG.JWS: {
        if (!Array.isArray(v) || v.length !== 2) return fail('JWS must be [header, signature]');
        const header = typeof v[0] === 'string' ? v[0] : entry(table.values, v[0]!, 'JWS header');
        return `${header}..${base64urlEncode(bytes(v[1]!, 'JWS signature', 1024))}`;
      }
      case TAG.PREFIX: {
        if (!Array.isArray(v) || v.length !== 2) return fail('prefix form must be [index, rest]');
        const prefix = entry(table.prefixes, v[0]!, 'prefix');
        const rest = v[1]!;
        if (typeof rest === 'string') return remember(prefix + rest);
        if (typeof rest === 'number' && rest >= 0) return remember(prefix + String(rest));
        return fail('prefix rest must be text or a non-negative integer');
      }
      case TAG.DECIMAL: {
        const n = int(v, 'decimal');
        return n >= 0 ? String(n) : fail('decimal must be non-negative');
      }
      case TAG.REPEAT: {
        const s = repeats[int(v, 'repeat index')];
        return s !== undefined ? s : fail('repeat refers to a string not written yet');
      }
      case TAG.UUID: {
        const b = bytes(v, 'UUID');
        if (b.length !== 16) return fail('UUID must be 16 bytes');
        const h = hex(b);
        return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      }
      default:
        return fail(`unknown tag ${t.tag}`);
    }
  };

  const decode = (v: CborValue): Json => {
    if (v === null || typeof v === 'boolean') return v;
    if (typeof v === 'number') return entry(table.values, v, 'value');
    if (typeof v === 'string') return remember(v);
    if (Array.isArray(v)) return v.map(decode);
    if (v instanceof CborTag) return decodeTag(v);
    if (v instanceof CborMap) {
      const out: { [key: string]: Json } = {};
      for (const [k, item] of v.entries) {
        const key =
          typeof k === 'string'
            ? k
            : typeof k === 'number'
              ? entry(table.keys, k, 'key')
              : fail('map keys must be table ints or text');
        if (Object.hasOwn(out, key)) fail(`duplicate key ${JSON.stringify(key)}`);
        // defineProperty: a "__proto__" key stays an own property, as JSON.parse makes it.
        Object.defineProperty(out, key, { value: decode(item), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return fail('byte strings and floats appear only inside tags');
  };
  return decode(value);
}

function hexBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
