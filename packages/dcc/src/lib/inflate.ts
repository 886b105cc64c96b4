/**
 * zlib (RFC 1950) / inflate (RFC 1951) for what a verifier reads: a few hundred bytes inflating to at most a budget
 * (64 KiB). Native zlib pays a per-call setup (a stream object, a 32 KiB window, a Buffer) far larger than the work
 * on a DCC; this keeps its tables between calls and writes into one reused buffer, so the only allocation is the
 * result.
 *
 * It accepts exactly the streams zlib's inflate accepts, with the same output (a test runs it against node:zlib on
 * valid and damaged streams): the same checks on the header, block types, stored lengths, code sets (over-subscribed
 * or incomplete codes are refused, except a single one-bit code, as zlib allows), repeats, the end-of-block code,
 * distances back past the start, and the Adler-32 trailer; bytes after the trailer are ignored, as zlib does. It
 * never produces more than `maxBytes`.
 */

import { CL_ORDER, DIST_BASE, DIST_EXTRA, LENGTH_BASE, LENGTH_EXTRA, adler32 } from './deflate-tables.js';

/** A damaged or truncated stream (message in zlib's words). */
export class InflateError extends Error {}

/** The output would pass the budget. */
export class InflateBudgetError extends Error {}

const REVERSE8 = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let r = 0;
  for (let b = 0; b < 8; b++) if (i & (1 << b)) r |= 0x80 >> b;
  REVERSE8[i] = r;
}

/** Bits resolved by one table lookup; longer codes (rare) are decoded bit by bit from the canonical code. */
const LIT_BITS = 9;
const DIST_BITS = 8;
const CL_BITS = 7;

/**
 * A Huffman decoding table: `table[bits]` = symbol << 4 | code length for codes up to `bits` long, 0 otherwise
 * (a longer code, or no code); `count` and `symbols` describe the canonical code for the bit-by-bit path.
 */
interface Code {
  bits: number;
  table: Int32Array;
  count: Uint16Array;
  symbols: Uint16Array;
}

function makeCode(bits: number, symbols: number): Code {
  return { bits, table: new Int32Array(1 << bits), count: new Uint16Array(16), symbols: new Uint16Array(symbols) };
}

const offsets = new Uint16Array(16);
const nextCode = new Uint16Array(16);

/**
 * Build `code` from `lengths[0..n)`. Returns false for a set zlib refuses: over-subscribed, or incomplete unless it is
 * a single one-bit code (allowed for literal/length and distance codes, not for the code-length code). A set with no
 * codes at all is accepted, as zlib does; decoding anything with it fails.
 */
function buildCode(code: Code, lengths: Uint8Array, n: number, allowSingle: boolean): boolean {
  const { count, symbols, table, bits } = code;
  count.fill(0);
  for (let s = 0; s < n; s++) count[lengths[s]!]!++;
  if (count[0] === n) {
    table.fill(0);
    return true;
  }
  let left = 1;
  let max = 0;
  for (let len = 1; len < 16; len++) {
    left = (left << 1) - count[len]!;
    if (left < 0) return false;
    if (count[len]! > 0) max = len;
  }
  if (left > 0 && !(allowSingle && max === 1)) return false;
  // A complete code covers every table slot (a short code, or the first bits of a long one, written 0 below); the
  // single incomplete case leaves slots uncovered, so they are cleared first.
  if (left > 0) table.fill(0);
  offsets[1] = 0;
  for (let len = 1; len < 15; len++) offsets[len + 1] = offsets[len]! + count[len]!;
  // Canonical codes (RFC 1951 section 3.2.2) in symbol order, bit-reversed into table slots: a code of `len` bits
  // fills every slot whose low `len` bits are its reversed code.
  let c = 0;
  count[0] = 0;
  for (let len = 1; len < 16; len++) {
    c = (c + count[len - 1]!) << 1;
    nextCode[len] = c;
  }
  const size = 1 << bits;
  for (let s = 0; s < n; s++) {
    const len = lengths[s]!;
    if (len === 0) continue;
    symbols[offsets[len]!++] = s;
    const value = nextCode[len]!++;
    if (len > bits) {
      table[((REVERSE8[(value >>> (len - bits)) & 0xff]! << 8) | REVERSE8[(value >>> (len - bits)) >>> 8]!) >>> (16 - bits)] = 0;
      continue;
    }
    const reversed = ((REVERSE8[value & 0xff]! << 8) | REVERSE8[value >>> 8]!) >>> (16 - len);
    const entry = (s << 4) | len;
    for (let slot = reversed; slot < size; slot += 1 << len) table[slot] = entry;
  }
  return true;
}

// The fixed codes have 288 literal/length and 32 distance symbols, as zlib builds them; the last two of each exist
// in the code but are invalid when met.
const fixedLit = makeCode(LIT_BITS, 288);
const fixedDist = makeCode(DIST_BITS, 32);
buildCode(fixedLit, new Uint8Array(288).fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288), 288, false);
buildCode(fixedDist, new Uint8Array(32).fill(5), 32, false);

const dynLit = makeCode(LIT_BITS, 288);
const dynDist = makeCode(DIST_BITS, 32);
const clCode = makeCode(CL_BITS, 19);
const lengths = new Uint8Array(286 + 30);
const clLengths = new Uint8Array(19);

// Input and bit reader state (bits are taken from the least significant end, bytes loaded ahead into `bitBuf`).
const EMPTY: Uint8Array = new Uint8Array(0);
let src = EMPTY;
let pos = 0;
let bitBuf = 0;
let bitCount = 0;

// Output: one buffer reused between calls, grown up to the budget when needed; `cap` is the smaller of the two.
let out = new Uint8Array(4096);
let outPos = 0;
let budget = 0;
let cap = 0;

const END_OF_FILE = 'unexpected end of file';

function fail(message: string): never {
  throw new InflateError(message);
}

/** At least `n` (≤ 16) bits in the buffer, or end of input. */
function need(n: number): void {
  while (bitCount < n) {
    if (pos >= src.length) fail(END_OF_FILE);
    bitBuf |= src[pos++]! << bitCount;
    bitCount += 8;
  }
}

function take(n: number): number {
  need(n);
  const v = bitBuf & ((1 << n) - 1);
  bitBuf >>>= n;
  bitCount -= n;
  return v;
}

/** Load up to 16 bits ahead without failing at the end of the input (a decode checks it had enough). */
function fill(): void {
  while (bitCount < 16 && pos < src.length) {
    bitBuf |= src[pos++]! << bitCount;
    bitCount += 8;
  }
}

/** Hand back the whole bytes loaded ahead and drop the bits of a partial one (before stored data and the trailer). */
function alignToByte(): void {
  pos -= bitCount >>> 3;
  bitBuf = 0;
  bitCount = 0;
}

/** One symbol of `code`; `invalid` is zlib's message when the bits match no code. */
function decode(code: Code, invalid: string): number {
  fill();
  const entry = code.table[bitBuf & ((1 << code.bits) - 1)]!;
  if (entry !== 0) {
    const len = entry & 15;
    if (len > bitCount) fail(END_OF_FILE);
    bitBuf >>>= len;
    bitCount -= len;
    return entry >>> 4;
  }
  // A code longer than the table, or no code: walk the canonical code one bit at a time.
  const { count, symbols } = code;
  let value = 0;
  let first = 0;
  let index = 0;
  for (let len = 1; len < 16; len++) {
    if (len > bitCount) {
      fill();
      if (len > bitCount) fail(END_OF_FILE);
    }
    value |= (bitBuf >>> (len - 1)) & 1;
    const c = count[len]!;
    if (value - first < c) {
      bitBuf >>>= len;
      bitCount -= len;
      return symbols[index + value - first]!;
    }
    index += c;
    first = (first + c) << 1;
    value <<= 1;
  }
  return fail(invalid);
}

/** Room for `needed` bytes of output, or `InflateBudgetError` past the budget. */
function grow(needed: number): void {
  if (needed > budget) throw new InflateBudgetError(`inflated data exceeds ${budget} bytes`);
  if (needed > out.length) {
    let size = out.length;
    while (size < needed) size *= 2;
    const next = new Uint8Array(Math.min(size, budget));
    next.set(out.subarray(0, outPos));
    out = next;
  }
  cap = Math.min(out.length, budget);
}

/** Literals and matches until end-of-block: the hot loop, with the bit reader and the output in locals. */
function codes(lit: Code, dist: Code): void {
  const data = src;
  const n = data.length;
  const litTable = lit.table;
  const litMask = (1 << lit.bits) - 1;
  const distTable = dist.table;
  const distMask = (1 << dist.bits) - 1;
  let p = pos;
  let buf = bitBuf;
  let cnt = bitCount;
  let o = out;
  let op = outPos;
  let room = cap;
  for (;;) {
    if (cnt < 16) {
      if (p + 1 < n) {
        buf |= (data[p]! | (data[p + 1]! << 8)) << cnt;
        p += 2;
        cnt += 16;
      } else if (p < n) {
        buf |= data[p++]! << cnt;
        cnt += 8;
      }
    }
    let entry = litTable[buf & litMask]!;
    let sym: number;
    if (entry !== 0 && (entry & 15) <= cnt) {
      buf >>>= entry & 15;
      cnt -= entry & 15;
      sym = entry >>> 4;
    } else {
      pos = p;
      bitBuf = buf;
      bitCount = cnt;
      sym = decode(lit, 'invalid literal/length code');
      p = pos;
      buf = bitBuf;
      cnt = bitCount;
    }
    if (sym < 256) {
      if (op >= room) {
        outPos = op;
        grow(op + 1);
        o = out;
        room = cap;
      }
      o[op++] = sym;
      continue;
    }
    if (sym === 256) break;
    const li = sym - 257;
    if (li >= 29) fail('invalid literal/length code');
    // Length extra bits (up to 5), then the distance code, then its extra bits (up to 13): refill before each.
    let len = LENGTH_BASE[li]!;
    const lx = LENGTH_EXTRA[li]!;
    if (lx > 0) {
      while (cnt < lx && p < n) {
        buf |= data[p++]! << cnt;
        cnt += 8;
      }
      if (cnt < lx) fail(END_OF_FILE);
      len += buf & ((1 << lx) - 1);
      buf >>>= lx;
      cnt -= lx;
    }
    while (cnt < 16 && p < n) {
      buf |= data[p++]! << cnt;
      cnt += 8;
    }
    entry = distTable[buf & distMask]!;
    let di: number;
    if (entry !== 0 && (entry & 15) <= cnt) {
      buf >>>= entry & 15;
      cnt -= entry & 15;
      di = entry >>> 4;
    } else {
      pos = p;
      bitBuf = buf;
      bitCount = cnt;
      di = decode(dist, 'invalid distance code');
      p = pos;
      buf = bitBuf;
      cnt = bitCount;
    }
    if (di >= 30) fail('invalid distance code');
    const dx = DIST_EXTRA[di]!;
    while (cnt < dx && p < n) {
      buf |= data[p++]! << cnt;
      cnt += 8;
    }
    if (cnt < dx) fail(END_OF_FILE);
    const d = DIST_BASE[di]! + (buf & ((1 << dx) - 1));
    buf >>>= dx;
    cnt -= dx;
    if (d > op) fail('invalid distance too far back');
    if (op + len > room) {
      outPos = op;
      grow(op + len);
      o = out;
      room = cap;
    }
    let from = op - d;
    const stop = op + len;
    if (d >= len) {
      o.copyWithin(op, from, from + len);
      op = stop;
    } else {
      while (op < stop) o[op++] = o[from++]!;
    }
  }
  pos = p;
  bitBuf = buf;
  bitCount = cnt;
  outPos = op;
}

function stored(): void {
  alignToByte();
  if (pos + 4 > src.length) fail(END_OF_FILE);
  const len = src[pos]! | (src[pos + 1]! << 8);
  const nlen = src[pos + 2]! | (src[pos + 3]! << 8);
  pos += 4;
  if ((len ^ 0xffff) !== nlen) fail('invalid stored block lengths');
  if (pos + len > src.length) fail(END_OF_FILE);
  if (outPos + len > cap) grow(outPos + len);
  out.set(src.subarray(pos, pos + len), outPos);
  outPos += len;
  pos += len;
}

function dynamic(): void {
  const nlen = take(5) + 257;
  const ndist = take(5) + 1;
  const ncode = take(4) + 4;
  if (nlen > 286 || ndist > 30) fail('too many length or distance symbols');
  clLengths.fill(0);
  for (let i = 0; i < ncode; i++) clLengths[CL_ORDER[i]!] = take(3);
  if (!buildCode(clCode, clLengths, 19, false)) fail('invalid code lengths set');
  const total = nlen + ndist;
  const table = clCode.table;
  const mask = (1 << clCode.bits) - 1;
  for (let have = 0; have < total; ) {
    // Every code-length code is at most 7 bits: one table lookup, no long codes (a 0 entry means no code).
    fill();
    const entry = table[bitBuf & mask]!;
    if (entry === 0) fail(bitCount < 7 ? END_OF_FILE : 'invalid code lengths set');
    const len = entry & 15;
    if (len > bitCount) fail(END_OF_FILE);
    bitBuf >>>= len;
    bitCount -= len;
    const sym = entry >>> 4;
    if (sym < 16) {
      lengths[have++] = sym;
      continue;
    }
    let value = 0;
    let copies: number;
    if (sym === 16) {
      if (have === 0) fail('invalid bit length repeat');
      value = lengths[have - 1]!;
      copies = 3 + take(2);
    } else if (sym === 17) copies = 3 + take(3);
    else copies = 11 + take(7);
    if (have + copies > total) fail('invalid bit length repeat');
    for (; copies > 0; copies--) lengths[have++] = value;
  }
  if (lengths[256] === 0) fail('invalid code -- missing end-of-block');
  if (!buildCode(dynLit, lengths, nlen, true)) fail('invalid literal/lengths set');
  if (!buildCode(dynDist, lengths.subarray(nlen, total), ndist, true)) fail('invalid distances set');
  codes(dynLit, dynDist);
}


/**
 * The data of zlib stream `data`, at most `maxBytes` of it. Throws `InflateError` for a damaged or truncated stream,
 * `InflateBudgetError` when the output would pass `maxBytes`.
 */
export function inflateSmall(data: Uint8Array, maxBytes: number): Uint8Array {
  src = data;
  pos = 0;
  bitBuf = 0;
  bitCount = 0;
  outPos = 0;
  budget = Math.max(0, maxBytes);
  cap = Math.min(out.length, budget);
  try {
    if (data.length < 2) fail(END_OF_FILE);
    const cmf = data[0]!;
    const flg = data[1]!;
    if (((cmf << 8) | flg) % 31 !== 0) fail('incorrect header check');
    if ((cmf & 0x0f) !== 8) fail('unknown compression method');
    if (cmf >>> 4 > 7) fail('invalid window size');
    if (flg & 0x20) fail('Missing dictionary');
    pos = 2;
    let last = 0;
    do {
      last = take(1);
      const type = take(2);
      if (type === 0) stored();
      else if (type === 1) codes(fixedLit, fixedDist);
      else if (type === 2) dynamic();
      else fail('invalid block type');
    } while (!last);
    alignToByte();
    if (pos + 4 > data.length) fail(END_OF_FILE);
    const check = ((data[pos]! << 24) | (data[pos + 1]! << 16) | (data[pos + 2]! << 8) | data[pos + 3]!) >>> 0;
    if (adler32(out, outPos) !== check) fail('incorrect data check');
    return out.slice(0, outPos);
  } finally {
    src = EMPTY;
    // A buffer grown for a large output is not kept.
    if (out.length > 65_536) out = new Uint8Array(4096);
  }
}
