import { CompactPayloadError } from './errors.js';

/**
 * The strict CBOR (RFC 8949) subset the compact format uses, written here rather than taken from cbor-x so the
 * decoder has no global tag registry (cbor-x gives tags 27, 28/29, 51 … behaviours of its own) and answers hostile
 * input with a typed error: definite lengths only, minimal integer heads, integers within ±2^53, finite float64 only,
 * simple values false/true/null only, valid UTF-8, bounded depth and item count.
 */

export type CborValue = number | string | boolean | null | Uint8Array | CborValue[] | CborMap | CborTag | CborFloat;
/** A map as an ordered list of entries: key order is part of the document. */
export class CborMap {
  constructor(readonly entries: Array<[CborValue, CborValue]>) {}
}
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

export class CborWriter {
  #buf = new Uint8Array(1024);
  #len = 0;

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  #byte(b: number): void {
    this.#reserve(1);
    this.#buf[this.#len++] = b;
  }

  #bytes(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  /** Major type + argument with the shortest head. `n` is a non-negative safe integer. */
  head(major: number, n: number): void {
    const m = major << 5;
    if (n < 24) this.#byte(m | n);
    else if (n < 0x100) {
      this.#byte(m | 24);
      this.#byte(n);
    } else if (n < 0x10000) {
      this.#byte(m | 25);
      this.#byte(n >>> 8);
      this.#byte(n & 0xff);
    } else if (n < 0x100000000) {
      this.#byte(m | 26);
      for (let s = 24; s >= 0; s -= 8) this.#byte((n >>> s) & 0xff);
    } else {
      this.#byte(m | 27);
      const hi = Math.floor(n / 0x100000000);
      const lo = n >>> 0;
      for (let s = 24; s >= 0; s -= 8) this.#byte((hi >>> s) & 0xff);
      for (let s = 24; s >= 0; s -= 8) this.#byte((lo >>> s) & 0xff);
    }
  }

  write(value: CborValue): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new TypeError('CBOR integers must be safe integers; wrap others in CborFloat');
      if (value >= 0) this.head(0, value);
      else this.head(1, -1 - value);
    } else if (typeof value === 'string') {
      const bytes = new TextEncoder().encode(value);
      this.head(3, bytes.length);
      this.#bytes(bytes);
    } else if (value === false) this.#byte(0xf4);
    else if (value === true) this.#byte(0xf5);
    else if (value === null) this.#byte(0xf6);
    else if (value instanceof Uint8Array) {
      this.head(2, value.length);
      this.#bytes(value);
    } else if (Array.isArray(value)) {
      this.head(4, value.length);
      for (const item of value) this.write(item);
    } else if (value instanceof CborMap) {
      this.head(5, value.entries.length);
      for (const [k, v] of value.entries) {
        this.write(k);
        this.write(v);
      }
    } else if (value instanceof CborTag) {
      this.head(6, value.tag);
      this.write(value.value);
    } else if (value instanceof CborFloat) {
      this.#byte(0xfb);
      const view = new DataView(new ArrayBuffer(8));
      view.setFloat64(0, value.value);
      this.#bytes(new Uint8Array(view.buffer));
    } else {
      throw new TypeError('not a CBOR value');
    }
  }

  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

export function encodeCbor(value: CborValue): Uint8Array {
  const w = new CborWriter();
  w.write(value);
  return w.bytes();
}

// ------------------------------------------------------------------------------------------------ decoder

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decode exactly one CBOR item spanning all of `bytes`. Throws `CompactPayloadError`. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const reader = new Reader(bytes);
  const value = reader.item(0);
  if (reader.pos !== bytes.length) throw new CompactPayloadError('trailing bytes after the CBOR item');
  return value;
}

class Reader {
  pos = 0;
  #items = 0;
  constructor(private readonly bytes: Uint8Array) {}

  #fail(message: string): never {
    throw new CompactPayloadError(`CBOR at byte ${this.pos}: ${message}`);
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
        const raw = this.#take(this.#argument(info));
        try {
          return utf8.decode(raw);
        } catch {
          this.#fail('text string is not UTF-8');
        }
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
        return this.#fail(`simple value / float form 0x${initial!.toString(16)} is not allowed`);
    }
  }
}
