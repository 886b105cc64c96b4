/**
 * The one-pass reader for the common DCC shape (lib/cbor-reader.ts) against the general path (cbor-x, then
 * parseCoseSign1 / parseCwtClaims): whenever it answers, the answer is the general path's, key order included; it
 * gives up on everything else, and on damaged input it never answers where the general path fails.
 */
import { describe, expect, it } from 'vitest';
import base45 from 'base45';
import { readDccCose } from '../src/lib/cbor-reader.js';
import { parseCoseSign1 } from '../src/cose/cose.js';
import { parseCwtClaims } from '../src/cwt/claims.js';
import { cborEncode, Tag } from '../src/lib/cbor.js';
import { base45Decode, base45Encode, decodeDcc } from '../src/index.js';
import { loadTestCases } from './harness/dgc-testdata.js';
import { claimsFor, SAMPLE_DCC } from './helpers.js';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

/** The general path's result, or 'error'. */
function general(cose: Uint8Array): ReturnType<typeof readDccCose> | 'error' {
  try {
    const parsed = parseCoseSign1(cose);
    return { cose: parsed, claims: parseCwtClaims(parsed.payload) };
  } catch {
    return 'error';
  }
}

/** Bytes as hex and Maps as entry lists (cbor-x hands out Buffers where the reader gives Uint8Arrays). */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString('hex')}`;
  if (value instanceof Map) return [...value].map(([k, v]) => [k, plain(v)]);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** Deep equality with key order (objects compared through their JSON, Maps and bytes by entries). */
function same(a: NonNullable<ReturnType<typeof readDccCose>>, b: NonNullable<ReturnType<typeof readDccCose>>): void {
  expect(JSON.stringify(plain(a.cose))).toBe(JSON.stringify(plain(b.cose)));
  expect(a.claims).toEqual(b.claims);
  expect(JSON.stringify(a.claims.payload)).toBe(JSON.stringify(b.claims.payload));
  expect(JSON.stringify(a.claims.all)).toBe(JSON.stringify(b.claims.all));
}

function coseOf(payload: unknown, options: { claims?: Map<number, unknown>; payloadBytes?: Uint8Array; unprotected?: Map<number, unknown>; tag?: 'none' | 'cose' | 'cwt' } = {}): Uint8Array {
  const protectedBytes = cborEncode(new Map<number, unknown>([[1, -7], [4, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)]]));
  const payloadBytes = options.payloadBytes ?? cborEncode(options.claims ?? claimsFor(payload));
  const array = [protectedBytes, options.unprotected ?? new Map(), payloadBytes, new Uint8Array(64).fill(7)];
  if (options.tag === 'none') return cborEncode(array);
  if (options.tag === 'cwt') return cborEncode(new Tag(new Tag(array, 18), 61));
  return cborEncode(new Tag(array, 18));
}

/** Random JSON-like data as a DCC issuer might send (text, integers, floats, booleans, null, arrays, objects). */
function randomPayload(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 5 : 7));
  switch (pick) {
    case 0:
      return [0, 23, 24, 255, 256, 65_535, 65_536, 4_294_967_295, -1, -24, -25, -256, -65_537, -4_294_967_296][Math.floor(next() * 14)];
    case 1:
      return next() * 1e6 - 5e5;
    case 2: {
      const chars = Array.from('aZ09 -/éÆ€😀"\\\u0000');
      let s = '';
      for (let i = Math.floor(next() * (next() < 0.1 ? 80 : 12)); i > 0; i--) s += chars[Math.floor(next() * chars.length)];
      return s;
    }
    case 3:
      return next() < 0.5;
    case 4:
      return null;
    case 5:
      return Array.from({ length: Math.floor(next() * 4) }, () => randomPayload(next, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 5); i > 0; i--) out[['ver', 'nam', 'fn', 'v', '0', '12', 'a-b', 'ü', 'constructor'][Math.floor(next() * 9)]!] = randomPayload(next, depth + 1);
      return out;
    }
  }
}

describe('readDccCose answers as the general path does', () => {
  it('the EU test DCCs: the same result, and nearly all in the common shape', () => {
    let fast = 0;
    let total = 0;
    const seen = new Set<string>();
    for (const c of loadTestCases()) {
      const hexCose = c.data.COSE;
      if (typeof hexCose !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(hexCose) || seen.has(hexCose)) continue;
      seen.add(hexCose);
      const cose = new Uint8Array(Buffer.from(hexCose, 'hex'));
      const a = readDccCose(cose);
      const b = general(cose);
      total++;
      if (a === undefined) continue;
      fast++;
      expect(b, c.file).not.toBe('error');
      same(a, b as NonNullable<typeof a>);
    }
    expect(total).toBeGreaterThan(400);
    expect(fast / total).toBeGreaterThan(0.9);
  });

  it('3,000 random payloads, tagged 18, 61+18 and untagged, with kid or alg in the unprotected header', () => {
    const next = rng(17);
    for (let i = 0; i < 3000; i++) {
      const payload: Record<string, unknown> = { ver: '1.3.0', ...(randomPayload(next, 1) as object) };
      const unprotected = next() < 0.2 ? new Map<number, unknown>([[4, Uint8Array.of(9, 9)]]) : next() < 0.1 ? new Map<number, unknown>([[1, -37]]) : new Map();
      const cose = coseOf(payload, { unprotected, tag: (['none', 'cose', 'cwt'] as const)[i % 3] });
      const a = readDccCose(cose);
      const b = general(cose);
      expect(b).not.toBe('error');
      // Floats that fit 32 bits are written as float32 by cbor-x: the reader leaves those to the general path.
      if (a !== undefined) same(a, b as NonNullable<typeof a>);
    }
  });

  it('gives up on every shape it does not own, and decodeDcc still answers through the general path', () => {
    // 1.5 as float64 (what cbor-x writes), then rewritten as float32 and float16, which some encoders write.
    const f64Hex = Buffer.from(cborEncode(claimsFor({ ...SAMPLE_DCC, x: 1.5 }))).toString('hex');
    expect(f64Hex).toContain('fb3ff8000000000000');
    const f32 = coseOf(null, { payloadBytes: new Uint8Array(Buffer.from(f64Hex.replace('fb3ff8000000000000', 'fa3fc00000'), 'hex')) });
    const f16 = coseOf(null, { payloadBytes: new Uint8Array(Buffer.from(f64Hex.replace('fb3ff8000000000000', 'f93e00'), 'hex')) });
    expect(readDccCose(coseOf({ ...SAMPLE_DCC, x: 1.5 }))).toBeDefined();
    const tagged = coseOf({ ...SAMPLE_DCC, x: new Tag('2021-01-01', 0) });
    const intKey = coseOf(new Map<unknown, unknown>([['ver', '1.3.0'], [5, 'x']]));
    const proto = coseOf(new Map<unknown, unknown>([['ver', '1.3.0'], ['__proto__', { a: 1 }]]));
    const bytesInside = coseOf({ ...SAMPLE_DCC, x: Uint8Array.of(1) });
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = [deep];
    const tooDeep = coseOf({ ...SAMPLE_DCC, x: deep });
    const extraClaim = coseOf(SAMPLE_DCC, { claims: new Map<number, unknown>([...claimsFor(SAMPLE_DCC), [7, 'cti']]) });
    const textClaim = coseOf(SAMPLE_DCC, { claims: new Map<unknown, unknown>([['1', 'IN'], [-260, new Map([[1, SAMPLE_DCC]])]]) as Map<number, unknown> });
    const noIss = coseOf(SAMPLE_DCC, { claims: new Map<number, unknown>([[-260, new Map([[1, SAMPLE_DCC]])]]) });
    const shapes = { f32, f16, tagged, intKey, proto, bytesInside, tooDeep, extraClaim, textClaim };
    for (const [name, cose] of Object.entries(shapes)) {
      expect(readDccCose(cose), name).toBeUndefined();
      const b = general(cose);
      try {
        decodeDcc(cose);
      } catch (error) {
        expect(b).toBe('error');
        expect((error as { code?: string }).code).toMatch(/^ERR_DCC_/);
      }
    }
    // A message without iss is still the common shape.
    const a = readDccCose(noIss)!;
    expect(a.claims.iss).toBeUndefined();
    same(a, general(noIss) as NonNullable<typeof a>);
    // Trailing bytes and truncation.
    const good = coseOf(SAMPLE_DCC);
    expect(readDccCose(Uint8Array.from([...good, 0]))).toBeUndefined();
    expect(readDccCose(good.subarray(0, good.length - 1))).toBeUndefined();
  });

  it('damaged messages: it never answers where the general path fails, and agrees where both answer', () => {
    const next = rng(29);
    const sources = [coseOf(SAMPLE_DCC), coseOf(SAMPLE_DCC, { tag: 'cwt' }), coseOf({ ...SAMPLE_DCC, nam: { fn: 'Ærøskøbing 😀' } }, { tag: 'none' })];
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      const cose = new Uint8Array(sources[i % sources.length]!);
      let t: Uint8Array = cose;
      const kind = Math.floor(next() * 3);
      if (kind === 0) cose[Math.floor(next() * cose.length)]! ^= 1 << Math.floor(next() * 8);
      else if (kind === 1) cose[Math.floor(next() * cose.length)] = Math.floor(next() * 256);
      else t = cose.subarray(0, Math.floor(next() * cose.length));
      const a = readDccCose(t);
      const b = general(t);
      if (a === undefined) continue;
      answered++;
      expect(b, `case ${i}`).not.toBe('error');
      same(a, b as NonNullable<typeof a>);
    }
    expect(answered).toBeGreaterThan(1000);
  });
});

describe('Base45 encode and decode against the base45 package, for every two-byte value', () => {
  it('all 65,536 pairs and every single byte', () => {
    const pairs = new Uint8Array(131_072);
    for (let n = 0; n < 65_536; n++) {
      pairs[2 * n] = n >> 8;
      pairs[2 * n + 1] = n & 0xff;
    }
    const text = base45Encode(pairs);
    expect(text).toBe(base45.encode(Buffer.from(pairs)));
    expect(Buffer.from(base45Decode(text)).equals(Buffer.from(pairs))).toBe(true);
    for (let b = 0; b < 256; b++) {
      const one = base45Encode(Uint8Array.of(b));
      expect(one).toBe(base45.encode(Buffer.from([b])));
      expect(base45Decode(one)).toEqual(Uint8Array.of(b));
    }
  });
});
