/**
 * A CBOR writer specialised for what a DCC issuer writes: JSON data (after a JSON round trip: null, booleans,
 * numbers, strings, arrays, plain objects), the CWT claims map and the COSE_Sign1 structures around it. It writes
 * into one reused buffer (the `CborBuffer` of `@divoc/keys`) and produces the same bytes as the general cbor-x
 * encoder configured in lib/cbor.ts (integers within ±2^32 in their shortest form, other numbers as float64, maps in
 * insertion order), which the tests check; parsing stays with cbor-x.
 */
import { CborBuffer } from '@divoc/keys';
import { DccEncodeError } from './errors.js';

const MAX_DEPTH = 32;

export class CborWriter extends CborBuffer {
  constructor() {
    super(2048);
  }

  /** Start writing at `offset`, leaving that many bytes free before (see `sigStructureAround`). */
  resetAt(offset: number): this {
    this.pos = 0;
    this.ensure(offset);
    this.pos = offset;
    return this;
  }

  /**
   * The Sig_structure around a payload written from `offset` (after `resetAt(offset)`, `offset` at least
   * `sigStructureRoom(protectedBytes)`): the structure's head goes into the room before the payload, so the payload
   * is copied once. Returns the Sig_structure and the payload as a view into it.
   */
  sigStructureAround(offset: number, protectedBytes: Uint8Array): { toBeSigned: Uint8Array; payload: Uint8Array } {
    const end = this.pos;
    const payloadLength = end - offset;
    // Write the head after the payload first (the writer knows how), then move it into the room before.
    this.raw(SIGNATURE1_PREFIX);
    this.byteString(protectedBytes);
    this.head(0x40, 0);
    this.head(0x40, payloadLength);
    const headLength = this.pos - end;
    const start = offset - headLength;
    this.buf.copyWithin(start, end, this.pos);
    const toBeSigned = this.buf.slice(start, end);
    this.pos = end;
    return { toBeSigned, payload: toBeSigned.subarray(headLength) };
  }

  /** A JSON value (output of JSON.parse), as cbor-x writes it. */
  json(value: unknown, depth = 0): void {
    if (depth > MAX_DEPTH) throw new DccEncodeError(`payload is nested deeper than ${MAX_DEPTH} levels`);
    switch (typeof value) {
      case 'string':
        this.text(value);
        return;
      case 'number':
        if (Number.isInteger(value) && value >= -4294967296 && value <= 4294967295) this.integer(value);
        else this.float64(value);
        return;
      case 'boolean':
        this.simple(value);
        return;
      case 'object':
        if (value === null) {
          this.simple(null);
          return;
        }
        if (Array.isArray(value)) {
          this.head(0x80, value.length);
          for (let i = 0; i < value.length; i++) this.json(value[i], depth + 1);
          return;
        }
        {
          const keys = Object.keys(value);
          this.head(0xa0, keys.length);
          for (const key of keys) {
            this.text(key);
            this.json((value as Record<string, unknown>)[key], depth + 1);
          }
        }
        return;
      default:
        throw new DccEncodeError(`payload holds a ${typeof value}, which is not JSON data`);
    }
  }

  /**
   * Write `value` as `json` would write its JSON round trip (`JSON.parse(JSON.stringify(value))`), without making that
   * copy, when the value is plain data: strings, finite numbers, booleans, null, arrays without holes, and objects
   * whose prototype is Object.prototype or null, none with a `toJSON`. Anything else (a Date, undefined, NaN, a class
   * instance, a getter that throws, a cycle) makes it return false, with the writer back where it started: the caller
   * then takes the copy, which applies JSON's rules.
   */
  plainJson(value: object): boolean {
    const start = this.pos;
    try {
      this.plain(value, 0);
      return true;
    } catch {
      // NOT_PLAIN, or whatever a getter or proxy threw: the copy will meet it again and report it properly.
      this.pos = start;
      return false;
    }
  }

  private plain(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'string':
        this.text(value);
        return;
      case 'number':
        if (!Number.isFinite(value)) throw NOT_PLAIN;
        this.json(value);
        return;
      case 'boolean':
        this.simple(value);
        return;
      case 'object': {
        if (value === null) {
          this.simple(null);
          return;
        }
        if (depth >= MAX_DEPTH) throw NOT_PLAIN;
        if (Array.isArray(value)) {
          if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw NOT_PLAIN;
          const length = value.length;
          this.head(0x80, length);
          for (let i = 0; i < length; i++) {
            const item: unknown = value[i];
            if (item === undefined) throw NOT_PLAIN;
            this.plain(item, depth + 1);
          }
          return;
        }
        if (!isPlainObject(value)) throw NOT_PLAIN;
        const keys = Object.keys(value);
        this.head(0xa0, keys.length);
        for (const key of keys) {
          const item = (value as Record<string, unknown>)[key];
          // JSON leaves out undefined, functions and symbols: the copy handles that.
          if (item === undefined || typeof item === 'function' || typeof item === 'symbol') throw NOT_PLAIN;
          this.text(key);
          this.plain(item, depth + 1);
        }
        return;
      }
      default:
        throw NOT_PLAIN;
    }
  }
}

/** Thrown inside `plainJson` to abandon the fast path; never escapes it. */
const NOT_PLAIN = Symbol('not plain JSON data');

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** `["Signature1", protected, h'', payload]` (RFC 9052 section 4.4), written directly. */
const SIGNATURE1_PREFIX = Uint8Array.of(0x84, 0x6a, 0x53, 0x69, 0x67, 0x6e, 0x61, 0x74, 0x75, 0x72, 0x65, 0x31);

/** Room `sigStructureAround` needs before the payload: the prefix, two byte-string heads, the empty bstr. */
export function sigStructureRoom(protectedBytes: Uint8Array): number {
  return SIGNATURE1_PREFIX.length + 5 + protectedBytes.length + 1 + 5;
}

export function writeSigStructure(w: CborWriter, protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  w.reset();
  w.raw(SIGNATURE1_PREFIX);
  w.byteString(protectedBytes);
  w.head(0x40, 0);
  w.byteString(payload);
  return w.bytes();
}

/** Tag 18 `[protected, {}, payload, signature]`. */
export function writeCoseSign1(
  w: CborWriter,
  protectedBytes: Uint8Array,
  payload: Uint8Array,
  signature: Uint8Array,
): Uint8Array {
  w.reset();
  w.head(0xc0, 18);
  w.head(0x80, 4);
  w.byteString(protectedBytes);
  w.head(0xa0, 0);
  w.byteString(payload);
  w.byteString(signature);
  return w.bytes();
}
