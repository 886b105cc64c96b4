/**
 * A zlib (RFC 1950) / deflate (RFC 1951) encoder sized for what a DCC issuer compresses: one COSE message of a few
 * hundred bytes. At that size a general-purpose deflate spends its time on per-call setup (native zlib allocates and
 * clears its state, crosses into C++ and wraps a Buffer), not on compressing. This one keeps its tables between calls,
 * allocates nothing but the returned bytes, and does only work proportional to the input and the symbols it uses.
 *
 * After an LZ77 pass with hash chains and lazy matching modelled on zlib's level 9, it writes one block: stored or
 * fixed Huffman, whichever is smaller, or dynamic Huffman when that is smaller still. Building a dynamic code costs
 * as much as the rest put together and, on a DCC, rarely saves more than a few bytes, so it is built only when an
 * entropy estimate says it saves at least 16 bytes (JSON text does; most DCCs do not). On the EU test DCCs the
 * output is on average slightly smaller than zlib level 9's. Large inputs are better served by a real zlib (several
 * blocks, tuned heuristics): `lib/zlib.ts` sends them there.
 */

import { adler32 } from '@divoc/keys';
import { CL_ORDER, DIST_BASE, DIST_EXTRA, LENGTH_BASE, LENGTH_EXTRA } from './deflate-tables.js';

const MIN_MATCH = 3;
const MAX_MATCH = 258;
const WINDOW = 32_768;
/**
 * Hash table size grows with the input (about one bucket per byte, 2^9 to 2^15): a DCC touches a few KB of it, which
 * stay in cache next to the signature code that runs between two DCCs, and a large input does not get long chains.
 */
const MIN_HASH_BITS = 9;
const MAX_HASH_BITS = 15;
/**
 * Candidates tried per position, a quarter of that once a good match is in hand. zlib's level 9 tries up to 4096; on
 * DCCs and on JSON text up to 8 KiB, 32 gives the same sizes (measured) in a fraction of the time.
 */
const MAX_CHAIN = 32;
const GOOD_MATCH = 32;
/** A 3-byte match this far back costs about as many bits as three literals (zlib's TOO_FAR). */
const TOO_FAR = 4096;
const MAX_STORED = 65_535;
/** Frequencies must stay below 2^22 (sortByFrequency packs one with its symbol into 31 bits). */
export const MAX_DEFLATE_SMALL_INPUT = (1 << 22) - 2;

const CL_EXTRA_BITS = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7);

/** Match length 3..258 → length code index 0..28 (symbol 257 + index). */
const LENGTH_CODE = new Uint8Array(MAX_MATCH + 1);
for (let code = 0; code < 29; code++) {
  const end = code === 28 ? MAX_MATCH + 1 : LENGTH_BASE[code + 1]!;
  for (let len = LENGTH_BASE[code]!; len < end; len++) LENGTH_CODE[len] = code;
}
/** Distance → distance code, looked up at d − 1 below 257, else at 256 + ((d − 1) >> 7) (zlib's two-level trick). */
const DIST_CODE = new Uint8Array(512);
for (let code = 0; code < 30; code++) {
  const end = code === 29 ? WINDOW + 1 : DIST_BASE[code + 1]!;
  for (let d = DIST_BASE[code]!; d < end; d++) DIST_CODE[d <= 256 ? d - 1 : 256 + ((d - 1) >> 7)] = code;
}

function distCode(dist: number): number {
  return DIST_CODE[dist <= 256 ? dist - 1 : 256 + ((dist - 1) >> 7)]!;
}

const REVERSE8 = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let r = 0;
  for (let b = 0; b < 8; b++) if (i & (1 << b)) r |= 0x80 >> b;
  REVERSE8[i] = r;
}

const blCount = new Uint16Array(16);
const nextCode = new Uint16Array(16);

/**
 * Canonical Huffman codes (RFC 1951 section 3.2.2) for `lengths[0..count)`, packed as `code | length << 16` with the
 * code bit-reversed (deflate sends Huffman codes most significant bit first into a least-significant-first stream).
 */
function canonicalCodes(lengths: Uint8Array, count: number, table: Uint32Array): void {
  blCount.fill(0);
  for (let s = 0; s < count; s++) blCount[lengths[s]!]!++;
  blCount[0] = 0;
  let code = 0;
  for (let len = 1; len < 16; len++) {
    code = (code + blCount[len - 1]!) << 1;
    nextCode[len] = code;
  }
  for (let s = 0; s < count; s++) {
    const len = lengths[s]!;
    if (len === 0) continue;
    const c = nextCode[len]!++;
    table[s] = (((REVERSE8[c & 0xff]! << 8) | REVERSE8[c >>> 8]!) >>> (16 - len)) | (len << 16);
  }
}

const FIXED_LIT_LENGTHS = new Uint8Array(288).fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
const FIXED_LIT_TABLE = new Uint32Array(288);
const FIXED_DIST_TABLE = new Uint32Array(30);
canonicalCodes(FIXED_LIT_LENGTHS, 288, FIXED_LIT_TABLE);
canonicalCodes(new Uint8Array(30).fill(5), 30, FIXED_DIST_TABLE);

// Building one Huffman code (at most 288 symbols): symbols in frequency order, then their lengths in place.
const hSym = new Uint16Array(288);
const hA = new Int32Array(288);
const hKeys = new Int32Array(288);
/** Counting-sort buckets by frequency; all zero between calls. */
const COUNT_SORT_MAX = 1024;
const hCount = new Uint16Array(COUNT_SORT_MAX + 1);
const hLevels = new Int32Array(32);

/** `used[0..m)` (symbols of `freq` that occur) into `hSym`, by increasing frequency, ties by list order. */
function sortByFrequency(freq: Uint32Array, used: Uint16Array, m: number): void {
  let maxF = 0;
  for (let k = 0; k < m; k++) {
    const f = freq[used[k]!]!;
    if (f > maxF) maxF = f;
  }
  if (maxF <= COUNT_SORT_MAX) {
    // A DCC's symbol frequencies are small: a counting sort, without comparisons.
    for (let k = 0; k < m; k++) hCount[freq[used[k]!]!]!++;
    let at = 0;
    for (let f = 1; f <= maxF; f++) {
      const c = hCount[f]!;
      hCount[f] = at;
      at += c;
    }
    for (let k = 0; k < m; k++) {
      const s = used[k]!;
      hSym[hCount[freq[s]!]!++] = s;
    }
    hCount.fill(0, 0, maxF + 1);
  } else {
    // Frequency and symbol in one integer, so a numeric typed-array sort orders them.
    for (let k = 0; k < m; k++) hKeys[k] = (freq[used[k]!]! << 9) | used[k]!;
    const keys = hKeys.subarray(0, m).sort();
    for (let k = 0; k < m; k++) hSym[k] = keys[k]! & 511;
  }
}

/**
 * Huffman code lengths, none longer than `limit`, for the `m` symbols listed in `used` (at least two), written into
 * `lengths` (whose other entries the caller has zeroed).
 */
function buildLengths(freq: Uint32Array, used: Uint16Array, m: number, limit: number, lengths: Uint8Array): void {
  sortByFrequency(freq, used, m);
  const A = hA;
  for (let k = 0; k < m; k++) A[k] = freq[hSym[k]!]!;
  // Moffat and Katajainen's in-place method on the sorted weights, in three sweeps. 1: merge into internal nodes,
  // each node's slot ending up holding its parent's index.
  A[0] = A[0]! + A[1]!;
  let root = 0;
  let leaf = 2;
  for (let next = 1; next < m - 1; next++) {
    if (leaf >= m || A[root]! < A[leaf]!) {
      A[next] = A[root]!;
      A[root++] = next;
    } else {
      A[next] = A[leaf++]!;
    }
    if (leaf >= m || (root < next && A[root]! < A[leaf]!)) {
      A[next] = A[next]! + A[root]!;
      A[root++] = next;
    } else {
      A[next] = A[next]! + A[leaf++]!;
    }
  }
  // 2: parent indices into internal node depths (the root is the last node).
  A[m - 2] = 0;
  for (let next = m - 3; next >= 0; next--) A[next] = A[A[next]!]! + 1;
  // 3: internal node depths into leaf depths, shallowest last (the most frequent symbols).
  let avail = 1;
  let usedNodes = 0;
  let depth = 0;
  root = m - 2;
  let next = m - 1;
  while (avail > 0) {
    while (root >= 0 && A[root] === depth) {
      usedNodes++;
      root--;
    }
    while (avail > usedNodes) {
      A[next--] = depth;
      avail--;
    }
    avail = 2 * usedNodes;
    depth++;
    usedNodes = 0;
  }
  if (A[0]! > limit) limitLengths(m, limit);
  for (let k = 0; k < m; k++) lengths[hSym[k]!] = A[k]!;
}

/**
 * Lengths in `hA[0..m)` (non-increasing) capped at `limit`. Capping over-fills the code (Kraft sum above 1); each step
 * then moves one leaf from the deepest level to just below the deepest shallower level that has one, which lowers the
 * sum by one unit of 2^-limit, until the code is exactly full again.
 */
function limitLengths(m: number, limit: number): void {
  hLevels.fill(0);
  for (let k = 0; k < m; k++) hLevels[Math.min(hA[k]!, limit)]!++;
  let total = 0;
  for (let len = 1; len <= limit; len++) total += hLevels[len]! * 2 ** (limit - len);
  const full = 2 ** limit;
  while (total > full) {
    hLevels[limit]!--;
    for (let len = limit - 1; len > 0; len--) {
      if (hLevels[len]! > 0) {
        hLevels[len]!--;
        hLevels[len + 1]! += 2;
        break;
      }
    }
    total--;
  }
  // The least frequent symbols (first in the order) keep the longest codes.
  let k = 0;
  for (let len = limit; len > 0; len--) {
    for (let c = hLevels[len]!; c > 0; c--) hA[k++] = len;
  }
}

// State kept between calls. `head` holds absolute positions (`base` + index): entries below the current call's base
// are stale, so the table never needs clearing.
const head = new Int32Array(1 << MAX_HASH_BITS);
let base = 1;

interface Scratch {
  /** Hash chains: for each position, the previous position with the same 3-byte hash (absolute). */
  prev: Int32Array;
  /** LZ77 output, one entry per symbol: a literal byte, or (match length << 16) | distance. */
  syms: Uint32Array;
  out: Uint8Array;
}

/** Never more than the stored form: the input, 5 bytes per 64 KiB block, the zlib header and trailer. */
function outputBound(n: number): number {
  return n + 5 * (Math.floor(n / MAX_STORED) + 1) + 6;
}

function makeScratch(capacity: number): Scratch {
  return {
    prev: new Int32Array(capacity),
    syms: new Uint32Array(capacity),
    out: new Uint8Array(outputBound(capacity)),
  };
}

/** Sized for a DCC and then some; a larger input gets its own scratch, dropped after the call. */
const KEEP_CAPACITY = 8192;
const kept = makeScratch(KEEP_CAPACITY);

const litFreq = new Uint32Array(286);
const distFreq = new Uint32Array(30);
/** Symbols that occur, in order of first use (the per-call work follows these lists, not the whole alphabets). */
const litUsed = new Uint16Array(288);
const distUsed = new Uint16Array(32);
let litCount = 0;
let distCount = 0;
const litLengths = new Uint8Array(286);
const distLengths = new Uint8Array(30);
const litTable = new Uint32Array(286);
const distTable = new Uint32Array(30);
const clSym = new Uint8Array(286 + 30);
const clExtra = new Uint8Array(286 + 30);
const clFreq = new Uint32Array(19);
const clUsed = new Uint16Array(19);
const clLengths = new Uint8Array(19);
const clTable = new Uint32Array(19);

/** Insert every position into the hash chains first: the match search then only walks them. */
function chainAll(data: Uint8Array, n: number, prev: Int32Array, b: number): void {
  const shift = 32 - Math.min(MAX_HASH_BITS, Math.max(MIN_HASH_BITS, 32 - Math.clz32(n)));
  for (let i = 0; i + 2 < n; i++) {
    const h = Math.imul((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!, 0x9e3779b1) >>> shift;
    prev[i] = head[h]!;
    head[h] = b + i;
  }
}

/**
 * Longest match at `i` longer than `best`, along the hash chain within the window: `(length << 16) | distance`, or 0
 * when there is none (or only a 3-byte one too far back to pay off).
 */
function longestMatch(data: Uint8Array, n: number, i: number, best: number, prev: Int32Array, b: number): number {
  let cand = prev[i]!;
  const lowest = b + i - WINDOW;
  if (cand < b || cand < lowest) return 0;
  const maxLen = n - i < MAX_MATCH ? n - i : MAX_MATCH;
  if (best >= maxLen) return 0;
  let chain = best >= GOOD_MATCH ? MAX_CHAIN >> 2 : MAX_CHAIN;
  const b0 = data[i]!;
  const b1 = data[i + 1]!;
  let found = 0;
  do {
    const j = cand - b;
    // The byte that would make this match longer than the best so far first: most candidates fail there.
    if (data[j + best] === data[i + best] && data[j] === b0 && data[j + 1] === b1) {
      let len = 2;
      while (len < maxLen && data[j + len] === data[i + len]) len++;
      if (len > best) {
        best = len;
        found = (len << 16) | (i - j);
        if (len >= maxLen) break;
      }
    }
    if (--chain === 0) break;
    cand = prev[j]!;
  } while (cand >= b && cand >= lowest);
  if (found >>> 16 === MIN_MATCH && (found & 0xffff) > TOO_FAR) return 0;
  return found;
}

/** Extra bits (length and distance) of the symbols of the last `parse`. */
let parsedExtraBits = 0;

function addLiteral(byte: number): void {
  if (litFreq[byte]!++ === 0) litUsed[litCount++] = byte;
}

/**
 * LZ77 parse with lazy matching (a match is taken only if the next position does not start a longer one), counting
 * symbol frequencies as it goes; returns the number of symbols.
 */
function parse(data: Uint8Array, n: number, prev: Int32Array, syms: Uint32Array, b: number): number {
  let count = 0;
  let extra = 0;
  let i = 0;
  // The match found at i − 1, (length << 16) | distance, waiting to see whether i has a longer one.
  let held = 0;
  let pending = false;
  const searchable = n - 2;
  while (i < n) {
    const heldLen = held >>> 16;
    const cur =
      i < searchable && heldLen < MAX_MATCH ? longestMatch(data, n, i, heldLen > 2 ? heldLen : 2, prev, b) : 0;
    if (heldLen >= MIN_MATCH && cur === 0) {
      syms[count++] = held;
      const lc = LENGTH_CODE[heldLen]!;
      const dc = distCode(held & 0xffff);
      if (litFreq[257 + lc]!++ === 0) litUsed[litCount++] = 257 + lc;
      if (distFreq[dc]!++ === 0) distUsed[distCount++] = dc;
      extra += LENGTH_EXTRA[lc]! + DIST_EXTRA[dc]!;
      i += heldLen - 1;
      held = 0;
      pending = false;
    } else {
      if (pending) {
        const byte = data[i - 1]!;
        syms[count++] = byte;
        addLiteral(byte);
      }
      pending = true;
      held = cur;
      i++;
    }
  }
  if (pending) {
    const byte = data[n - 1]!;
    syms[count++] = byte;
    addLiteral(byte);
  }
  parsedExtraBits = extra;
  return count;
}

/**
 * Give at least two symbols a code, as deflate decoders require (zlib does the same): the lowest unused symbols get a
 * frequency of 1 and join the list after position `m` (so costs summed over the first `m` leave them out, as they are
 * never sent). Returns the new list length.
 */
function atLeastTwo(freq: Uint32Array, used: Uint16Array, m: number): number {
  for (let s = 0; m < 2; s++) {
    if (freq[s] === 0) {
      freq[s] = 1;
      used[m++] = s;
    }
  }
  return m;
}

/**
 * Run-length code `lengths[0..count)` (symbols 16, 17, 18 of RFC 1951 section 3.2.7) into the code-length symbols
 * from position `c`; returns the new end. The literal/length and distance lengths are coded one after the other
 * (runs do not cross between them, as in zlib).
 */
function runLengths(lengths: Uint8Array, count: number, c: number): number {
  for (let i = 0; i < count;) {
    const v = lengths[i]!;
    let j = i + 1;
    while (j < count && lengths[j] === v) j++;
    let run = j - i;
    i = j;
    if (v === 0) {
      for (; run >= 11;) {
        const r = run < 138 ? run : 138;
        clSym[c] = 18;
        clExtra[c++] = r - 11;
        run -= r;
      }
      if (run >= 3) {
        clSym[c] = 17;
        clExtra[c++] = run - 3;
        run = 0;
      }
    } else {
      clSym[c++] = v;
      run--;
      while (run >= 3) {
        const r = run < 6 ? run : 6;
        clSym[c] = 16;
        clExtra[c++] = r - 3;
        run -= r;
      }
    }
    for (; run > 0; run--) clSym[c++] = v;
  }
  return c;
}

/** Bit writer state for the block headers (deflate fills bytes from the least significant bit). */
let bitBuf = 0;
let bitCount = 0;
let pos = 0;

function putBits(out: Uint8Array, value: number, bits: number): void {
  bitBuf |= value << bitCount;
  bitCount += bits;
  while (bitCount >= 8) {
    out[pos++] = bitBuf & 0xff;
    bitBuf >>>= 8;
    bitCount -= 8;
  }
}

/** One entry of a packed code table (`code | length << 16`). */
function putCode(out: Uint8Array, entry: number): void {
  putBits(out, entry & 0xffff, entry >>> 16);
}

function alignToByte(out: Uint8Array): void {
  if (bitCount > 0) out[pos++] = bitBuf & 0xff;
  bitBuf = 0;
  bitCount = 0;
}

/** The LZ77 symbols and end-of-block with the given code tables (the hot loop: bit buffer in locals). */
function writeSymbols(out: Uint8Array, syms: Uint32Array, count: number, lit: Uint32Array, dist: Uint32Array): void {
  let p = pos;
  let buf = bitBuf;
  let bits = bitCount;
  for (let k = 0; k < count; k++) {
    const sym = syms[k]!;
    if (sym < 256) {
      const e = lit[sym]!;
      buf |= (e & 0xffff) << bits;
      bits += e >>> 16;
    } else {
      // A match needs up to 15 + 5 bits (length code, extra) and 15 + 13 (distance code, extra): bytes are flushed
      // before each part so the 32-bit buffer never overflows.
      while (bits >= 8) {
        out[p++] = buf & 0xff;
        buf >>>= 8;
        bits -= 8;
      }
      const len = sym >>> 16;
      const d = sym & 0xffff;
      const lc = LENGTH_CODE[len]!;
      const e = lit[257 + lc]!;
      buf |= (e & 0xffff) << bits;
      bits += e >>> 16;
      buf |= (len - LENGTH_BASE[lc]!) << bits;
      bits += LENGTH_EXTRA[lc]!;
      while (bits >= 8) {
        out[p++] = buf & 0xff;
        buf >>>= 8;
        bits -= 8;
      }
      const dc = distCode(d);
      const de = dist[dc]!;
      buf |= (de & 0xffff) << bits;
      bits += de >>> 16;
      while (bits >= 8) {
        out[p++] = buf & 0xff;
        buf >>>= 8;
        bits -= 8;
      }
      buf |= (d - DIST_BASE[dc]!) << bits;
      bits += DIST_EXTRA[dc]!;
    }
    // Fewer than 16 + 15 bits are pending here: two bytes out once there are 16, so a literal always fits.
    if (bits >= 16) {
      out[p++] = buf & 0xff;
      out[p++] = (buf >>> 8) & 0xff;
      buf >>>= 16;
      bits -= 16;
    }
  }
  pos = p;
  bitBuf = buf;
  bitCount = bits;
  putCode(out, lit[256]!);
}

/** Building a dynamic code costs as much as the rest of the deflate: only worth it for a real gain (16 bytes). */
const DYNAMIC_MIN_GAIN_BITS = 128;
/** Sending one code length costs 3–5 bits (measured on the EU test DCCs); the estimate uses 4. */
const HEADER_BITS_PER_SYMBOL = 4;
/** f·log2(f) for small frequencies (the common case), for the entropy estimate. */
const F_LOG_F = new Float64Array(1025);
for (let f = 2; f <= 1024; f++) F_LOG_F[f] = f * Math.log2(f);

function entropyBits(freq: Uint32Array, used: Uint16Array, m: number): number {
  let total = 0;
  let sum = 0;
  for (let k = 0; k < m; k++) {
    const f = freq[used[k]!]!;
    total += f;
    sum += f <= 1024 ? F_LOG_F[f]! : f * Math.log2(f);
  }
  return total > 0 ? total * Math.log2(total) - sum : 0;
}

/**
 * About what a dynamic block would take: the symbols' entropy plus a few hundredths of a bit each (a Huffman code's
 * usual excess), the code lengths sent in the header, and the header's fixed fields. Only used to decide whether
 * building the real code is worth it; the block type is then chosen on exact sizes.
 */
function estimateDynamicBits(extraBits: number, symbols: number): number {
  const used = litCount + distCount;
  const data = entropyBits(litFreq, litUsed, litCount) + entropyBits(distFreq, distUsed, distCount) + 0.03 * symbols;
  return 3 + 30 + extraBits + data + HEADER_BITS_PER_SYMBOL * used;
}

/** Header fields of the dynamic code last built. */
const dynamicHeader = { hlit: 257, hdist: 1, hclen: 4, clCount: 0 };

/** Build the dynamic Huffman code for the parsed symbols; returns the exact size of the block it gives, in bits. */
function buildDynamic(extraBits: number): number {
  const litReal = litCount;
  const distReal = distCount;
  litCount = atLeastTwo(litFreq, litUsed, litCount);
  distCount = atLeastTwo(distFreq, distUsed, distCount);
  litLengths.fill(0);
  distLengths.fill(0);
  buildLengths(litFreq, litUsed, litCount, 15, litLengths);
  buildLengths(distFreq, distUsed, distCount, 15, distLengths);
  let hlit = 257;
  for (let k = 0; k < litCount; k++) if (litUsed[k]! >= hlit) hlit = litUsed[k]! + 1;
  let hdist = 1;
  for (let k = 0; k < distCount; k++) if (distUsed[k]! >= hdist) hdist = distUsed[k]! + 1;
  const clCount = runLengths(distLengths, hdist, runLengths(litLengths, hlit, 0));
  clFreq.fill(0);
  let clUsedCount = 0;
  for (let k = 0; k < clCount; k++) if (clFreq[clSym[k]!]!++ === 0) clUsed[clUsedCount++] = clSym[k]!;
  const clReal = clUsedCount;
  clUsedCount = atLeastTwo(clFreq, clUsed, clUsedCount);
  clLengths.fill(0);
  buildLengths(clFreq, clUsed, clUsedCount, 7, clLengths);
  let hclen = 19;
  while (hclen > 4 && clLengths[CL_ORDER[hclen - 1]!] === 0) hclen--;
  let dynamicBits = 3 + 5 + 5 + 4 + 3 * hclen + extraBits;
  for (let k = 0; k < clReal; k++) {
    const s = clUsed[k]!;
    dynamicBits += clFreq[s]! * (clLengths[s]! + CL_EXTRA_BITS[s]!);
  }
  for (let k = 0; k < litReal; k++) dynamicBits += litFreq[litUsed[k]!]! * litLengths[litUsed[k]!]!;
  for (let k = 0; k < distReal; k++) dynamicBits += distFreq[distUsed[k]!]! * distLengths[distUsed[k]!]!;

  dynamicHeader.hlit = hlit;
  dynamicHeader.hdist = hdist;
  dynamicHeader.hclen = hclen;
  dynamicHeader.clCount = clCount;
  return dynamicBits;
}

/**
 * zlib stream of `data` (up to `MAX_DEFLATE_SMALL_INPUT` bytes). The result is a view into a buffer the next call
 * reuses: consume or copy it before compressing again (the call is synchronous, so nothing runs in between).
 */
export function deflateSmallView(data: Uint8Array): Uint8Array {
  const n = data.length;
  if (n > MAX_DEFLATE_SMALL_INPUT) throw new RangeError(`deflateSmall takes at most ${MAX_DEFLATE_SMALL_INPUT} bytes`);
  const { prev, syms, out } = n <= KEEP_CAPACITY ? kept : makeScratch(n);
  if (base > 0x3fff_ffff - n) {
    head.fill(0);
    base = 1;
  }
  const b = base;
  base += n;
  for (let k = 0; k < litCount; k++) litFreq[litUsed[k]!] = 0;
  for (let k = 0; k < distCount; k++) distFreq[distUsed[k]!] = 0;
  litCount = 0;
  distCount = 0;
  chainAll(data, n, prev, b);
  const count = parse(data, n, prev, syms, b);
  const extraBits = parsedExtraBits;
  addLiteral(256);
  const litReal = litCount;
  const distReal = distCount;

  // Bits of each block type, its 3 header bits included (the stream is byte-aligned after the 2-byte zlib header).
  let fixedBits = 3 + extraBits;
  for (let k = 0; k < litReal; k++) {
    const s = litUsed[k]!;
    fixedBits += litFreq[s]! * FIXED_LIT_LENGTHS[s]!;
  }
  for (let k = 0; k < distReal; k++) fixedBits += distFreq[distUsed[k]!]! * 5;
  const storedBits = (n + 5 * Math.max(1, Math.ceil(n / MAX_STORED))) * 8;

  const best = Math.min(fixedBits, storedBits);
  const dynamicBits =
    estimateDynamicBits(extraBits, count + 1) + DYNAMIC_MIN_GAIN_BITS < best ? buildDynamic(extraBits) : Infinity;

  pos = 0;
  bitBuf = 0;
  bitCount = 0;
  // CMF 0x78 (deflate, 32 KiB window), FLG 0xda (maximum compression, check bits): what zlib level 9 writes.
  out[pos++] = 0x78;
  out[pos++] = 0xda;
  if (storedBits <= fixedBits && storedBits <= dynamicBits) {
    // Blocks of at most 64 KiB − 1 (LEN is 16 bits); an empty input still needs one (final) block.
    let start = 0;
    do {
      const len = Math.min(MAX_STORED, n - start);
      putBits(out, start + len >= n ? 1 : 0, 3);
      alignToByte(out);
      out[pos++] = len & 0xff;
      out[pos++] = len >>> 8;
      out[pos++] = ~len & 0xff;
      out[pos++] = (~len >>> 8) & 0xff;
      out.set(data.subarray(start, start + len), pos);
      pos += len;
      start += len;
    } while (start < n);
  } else if (fixedBits <= dynamicBits) {
    putBits(out, 1 | (1 << 1), 3);
    writeSymbols(out, syms, count, FIXED_LIT_TABLE, FIXED_DIST_TABLE);
    alignToByte(out);
  } else {
    const { hlit, hdist, hclen, clCount } = dynamicHeader;
    canonicalCodes(litLengths, hlit, litTable);
    canonicalCodes(distLengths, hdist, distTable);
    canonicalCodes(clLengths, 19, clTable);
    putBits(out, 1 | (2 << 1), 3);
    putBits(out, hlit - 257, 5);
    putBits(out, hdist - 1, 5);
    putBits(out, hclen - 4, 4);
    for (let k = 0; k < hclen; k++) putBits(out, clLengths[CL_ORDER[k]!]!, 3);
    for (let k = 0; k < clCount; k++) {
      const s = clSym[k]!;
      putCode(out, clTable[s]!);
      if (s >= 16) putBits(out, clExtra[k]!, CL_EXTRA_BITS[s]!);
    }
    writeSymbols(out, syms, count, litTable, distTable);
    alignToByte(out);
  }
  const check = adler32(data.subarray(0, n));
  out[pos++] = check >>> 24;
  out[pos++] = (check >>> 16) & 0xff;
  out[pos++] = (check >>> 8) & 0xff;
  out[pos++] = check & 0xff;
  return out.subarray(0, pos);
}

/** zlib stream of `data` (up to `MAX_DEFLATE_SMALL_INPUT` bytes), in a new array. */
export function deflateSmall(data: Uint8Array): Uint8Array {
  return deflateSmallView(data).slice();
}
