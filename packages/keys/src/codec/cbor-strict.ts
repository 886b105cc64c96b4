import { CborInvalidError } from '../lib/errors.js';
import { CborBuffer, CBOR_MAJOR } from './cbor.js';
import { utf8DecodeStrict } from './utf8.js';

/**
 * A strict CBOR (RFC 8949) subset with a value model that keeps what JSON loses (map key order, tags, float64
 * forms): for formats that must refuse what a general decoder accepts (the compact W3C VC QR). Not cbor-x, so the
 * decoder has no global tag registry (cbor-x gives tags 27, 28/29, 51 … behaviours of its own) and answers hostile
 * input with a typed error: definite lengths only, minimal integer heads, integers within ±2^53, finite float64 only,
 * simple values false/true/null only, valid UTF-8, bounded depth and item count.
 */

export type CborValue = number | string | boolean | null | Uint8Array | CborValue[] | CborMap | CborTag | CborFloat;
/** A map as an ordered list of entries: key order is part of the document. */
export class CborMap {
  constructor(readonly entries: Array<[CborValue, CborValue]>) {}
}
/** A tagged CBOR item (major type 6): the tag number and the item it wraps. */
export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}
/** A number written as float64 (non-integers, -0, integers beyond 2^53). */
export class CborFloat {
  constructor(readonly value: number) {}
}

const MAX_DEPTH = 48;
const MAX_ITEMS = 50_000;

// ------------------------------------------------------------------------------------------------ encoder

/** Writes `CborValue`s with the deterministic forms of `CborBuffer`. */
export class CborValueWriter extends CborBuffer {
  /** Appends one value (and everything inside it). Throws `TypeError` for a number that is not a safe integer. */
  write(value: CborValue): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value))
        throw new TypeError('CBOR integers must be safe integers; wrap others in CborFloat');
      this.integer(value);
    } else if (typeof value === 'string') this.text(value);
    else if (typeof value === 'boolean' || value === null) this.simple(value);
    else if (value instanceof Uint8Array) this.byteString(value);
    else if (Array.isArray(value)) {
      this.head(CBOR_MAJOR.array, value.length);
      for (const item of value) this.write(item);
    } else if (value instanceof CborMap) {
      this.head(CBOR_MAJOR.map, value.entries.length);
      for (const [k, v] of value.entries) {
        this.write(k);
        this.write(v);
      }
    } else if (value instanceof CborTag) {
      this.head(CBOR_MAJOR.tag, value.tag);
      this.write(value.value);
    } else if (value instanceof CborFloat) this.float64(value.value);
    else throw new TypeError('not a CBOR value');
  }
}

/** The deterministic encoding of a `CborValue` (shortest heads, the map order given). */
export function encodeCborValue(value: CborValue): Uint8Array {
  const w = new CborValueWriter();
  w.write(value);
  return w.bytes();
}

// ------------------------------------------------------------------------------------------------ decoder

/** Decodes exactly one CBOR item spanning all of `bytes`. Throws `CborInvalidError` (`ERR_CBOR_INVALID`). */
export function decodeCborStrict(bytes: Uint8Array, options: DecodeCborStrictOptions = {}): CborValue {
  const reader = new Reader(bytes, options.anyFloatWidth === true);
  const value = reader.item(0);
  if (reader.pos !== bytes.length) throw new CborInvalidError('trailing bytes after the CBOR item');
  return value;
}

/** Options of `decodeCborStrict`. */
export interface DecodeCborStrictOptions {
  /**
   * Also read half- and single-precision floats (finite only), as general encoders write numbers that fit them (MOSIP
   * PixelPass, through cbor-web). Off by default: formats whose bytes are signed or compared keep float64 only.
   */
  anyFloatWidth?: boolean;
}

/** An IEEE 754 half-precision float (CBOR `0xf9`): DataView has no getter for it. */
function halfFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

class Reader {
  pos = 0;
  #items = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly anyFloatWidth = false,
  ) {}

  #fail(message: string): never {
    throw new CborInvalidError(`CBOR at byte ${this.pos}: ${message}`);
  }

  #take(n: number): Uint8Array {
    if (n > this.bytes.length - this.pos) this.#fail('truncated');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** The head's argument, refusing non-minimal forms and values beyond 2^53 - 1. */
  #argument(info: number): number {
    if (info < 24) return info;
    if (info > 27) this.#fail(info === 31 ? 'indefinite lengths are not allowed' : 'reserved additional information');
    const b = this.#take(1 << (info - 24));
    let n = 0;
    for (const x of b) n = n * 256 + x;
    if (!Number.isSafeInteger(n)) this.#fail('integer beyond 2^53');
    const min = [24, 0x100, 0x10000, 0x100000000][info - 24]!;
    if (n < min) this.#fail('non-minimal integer encoding');
    return n;
  }

  item(depth: number): CborValue {
    if (depth > MAX_DEPTH) this.#fail('nested too deeply');
    if (++this.#items > MAX_ITEMS) this.#fail('too many items');
    const [initial] = this.#take(1);
    const major = initial! >> 5;
    const info = initial! & 0x1f;
    switch (major) {
      case 0:
        return this.#argument(info);
      case 1:
        return -1 - this.#argument(info);
      case 2:
        return new Uint8Array(this.#take(this.#argument(info)));
      case 3: {
        // A leading U+FEFF is data: the text string comes back as it was written.
        const text = utf8DecodeStrict(this.#take(this.#argument(info)), { keepBom: true });
        return text ?? this.#fail('text string is not UTF-8');
      }
      case 4: {
        const n = this.#argument(info);
        if (n > this.bytes.length - this.pos) this.#fail('array longer than the input');
        const out: CborValue[] = [];
        for (let i = 0; i < n; i++) out.push(this.item(depth + 1));
        return out;
      }
      case 5: {
        const n = this.#argument(info);
        if (n * 2 > this.bytes.length - this.pos) this.#fail('map longer than the input');
        const entries: Array<[CborValue, CborValue]> = [];
        for (let i = 0; i < n; i++) entries.push([this.item(depth + 1), this.item(depth + 1)]);
        return new CborMap(entries);
      }
      case 6: {
        const tag = this.#argument(info);
        return new CborTag(tag, this.item(depth + 1));
      }
      default:
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22) return null;
        if (info === 27) {
          // The compact form writes float64 only for JSON numbers: NaN and ±Infinity are not JSON (JSON.stringify
          // would turn them into null, so the decoded document would not be the one that was signed).
          const float = new DataView(this.#take(8).slice().buffer).getFloat64(0);
          if (!Number.isFinite(float)) this.#fail('float64 NaN or Infinity is not a JSON number');
          return new CborFloat(float);
        }
        if ((info === 25 || info === 26) && this.anyFloatWidth) {
          const bytes = this.#take(info === 25 ? 2 : 4);
          const view = new DataView(bytes.slice().buffer);
          const float = info === 25 ? halfFloat(view.getUint16(0)) : view.getFloat32(0);
          if (!Number.isFinite(float)) this.#fail('NaN or Infinity is not a JSON number');
          return new CborFloat(float);
        }
        return this.#fail(`simple value / float form 0x${initial!.toString(16)} is not allowed`);
    }
  }
}
