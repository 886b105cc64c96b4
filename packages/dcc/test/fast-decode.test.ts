/**
 * The COSE/CWT decode (cbor-x, then parseCoseSign1 / parseCwtClaims) on the shapes DCC issuers send and on damaged
 * messages: the payload comes back as encoded, and anything else is a typed DccError. (These tests used to hold the
 * one-pass reader lib/cbor-reader.ts to this path; the reader is gone, the path's cases stay.) Also Base45 against
 * the base45 package.
 */
import { describe, expect, it } from 'vitest';
import base45 from 'base45';
import { cborEncode, Tag } from '../src/lib/cbor.js';
import { base45Decode, base45Encode, decodeDcc, isDccError } from '../src/index.js';
import { claimsFor, randomJson, SAMPLE_DCC, type RandomJsonShape } from './helpers.js';
import { xorshift32 as rng } from '../../../test/support/bytes.js';

function coseOf(
  payload: unknown,
  options: {
    claims?: Map<number, unknown>;
    payloadBytes?: Uint8Array;
    unprotected?: Map<number, unknown>;
    tag?: 'none' | 'cose' | 'cwt';
  } = {},
): Uint8Array {
  const protectedBytes = cborEncode(
    new Map<number, unknown>([
      [1, -7],
      [4, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)],
    ]),
  );
  const payloadBytes = options.payloadBytes ?? cborEncode(options.claims ?? claimsFor(payload));
  const array = [protectedBytes, options.unprotected ?? new Map(), payloadBytes, new Uint8Array(64).fill(7)];
  if (options.tag === 'none') return cborEncode(array);
  if (options.tag === 'cwt') return cborEncode(new Tag(new Tag(array, 18), 61));
  return cborEncode(new Tag(array, 18));
}

/** decodeDcc's answer, or the code of the typed error it threw (anything else fails the test). */
function decodeOrCode(cose: Uint8Array): ReturnType<typeof decodeDcc> | string {
  try {
    return decodeDcc(cose);
  } catch (error) {
    expect(isDccError(error), String(error)).toBe(true);
    return (error as { code: string }).code;
  }
}

/** Random JSON-like data as a DCC issuer might send (text, integers, floats, booleans, null, arrays, objects). */
const PAYLOAD_SHAPE: RandomJsonShape = {
  integer: (next) =>
    [0, 23, 24, 255, 256, 65_535, 65_536, 4_294_967_295, -1, -24, -25, -256, -65_537, -4_294_967_296][
      Math.floor(next() * 14)
    ]!,
  chars: 'aZ09 -/éÆ€😀"\\\u0000',
  longString: 80,
  shortString: 12,
  arrayLength: 4,
  objectSize: 5,
  key: (next) => ['ver', 'nam', 'fn', 'v', '0', '12', 'a-b', 'ü', 'constructor'][Math.floor(next() * 9)]!,
};
const randomPayload = (next: () => number, depth = 0): unknown => randomJson(next, PAYLOAD_SHAPE, depth);

describe('decodeDcc reads the COSE/CWT shapes issuers send', () => {
  it('3,000 random payloads, tagged 18, 61+18 and untagged, with kid or alg in the unprotected header', () => {
    const next = rng(17);
    for (let i = 0; i < 3000; i++) {
      // (A random string is wrapped, not spread: spreading splits it into UTF-16 units, lone surrogates included.)
      const random = randomPayload(next, 1);
      const payload: Record<string, unknown> = {
        ver: '1.3.0',
        ...(random && typeof random === 'object' ? random : { x: random }),
      };
      const unprotected =
        next() < 0.2
          ? new Map<number, unknown>([[4, Uint8Array.of(9, 9)]])
          : next() < 0.1
            ? new Map<number, unknown>([[1, -37]])
            : new Map();
      const tag = (['none', 'cose', 'cwt'] as const)[i % 3]!;
      const decoded = decodeDcc(coseOf(payload, { unprotected, tag }));
      // Key order included.
      expect(JSON.stringify(decoded.payload)).toBe(JSON.stringify(payload));
      expect(decoded.coseTags).toEqual(tag === 'none' ? [] : tag === 'cose' ? [18] : [61, 18]);
    }
  });

  it(
    'other shapes: floats of 16 and 32 bits, tags, non-text keys, ' +
      '__proto__, byte strings, deep nesting, more claims',
    () => {
      // 1.5 as float64 (what cbor-x writes), then rewritten as float32 and float16, which some encoders write.
      const f64Hex = Buffer.from(cborEncode(claimsFor({ ...SAMPLE_DCC, x: 1.5 }))).toString('hex');
      expect(f64Hex).toContain('fb3ff8000000000000');
      const f32 = coseOf(null, {
        payloadBytes: new Uint8Array(Buffer.from(f64Hex.replace('fb3ff8000000000000', 'fa3fc00000'), 'hex')),
      });
      const f16 = coseOf(null, {
        payloadBytes: new Uint8Array(Buffer.from(f64Hex.replace('fb3ff8000000000000', 'f93e00'), 'hex')),
      });
      for (const cose of [f32, f16]) expect((decodeDcc(cose).payload as unknown as { x: number }).x).toBe(1.5);
      let deep: unknown = 1;
      for (let i = 0; i < 20; i++) deep = [deep];
      const refused = {
        tagged: coseOf({ ...SAMPLE_DCC, x: new Tag('x', 1234) }),
        intKey: coseOf(
          new Map<unknown, unknown>([
            ['ver', '1.3.0'],
            [5, 'x'],
          ]),
        ),
        proto: coseOf(
          new Map<unknown, unknown>([
            ['ver', '1.3.0'],
            ['__proto__', { a: 1 }],
          ]),
        ),
        bytesInside: coseOf({ ...SAMPLE_DCC, x: Uint8Array.of(1) }),
        tooDeep: coseOf({ ...SAMPLE_DCC, x: deep }),
      };
      for (const [name, cose] of Object.entries(refused)) expect(decodeOrCode(cose), name).toBe('ERR_DCC_CWT_INVALID');
      const extraClaim = decodeDcc(
        coseOf(SAMPLE_DCC, { claims: new Map<number, unknown>([...claimsFor(SAMPLE_DCC), [7, 'cti']]) }),
      );
      expect(extraClaim.claims['7']).toBe('cti');
      const textClaim = decodeDcc(
        coseOf(SAMPLE_DCC, {
          claims: new Map<unknown, unknown>([
            ['1', 'IN'],
            [-260, new Map([[1, SAMPLE_DCC]])],
          ]) as Map<number, unknown>,
        }),
      );
      expect(textClaim.iss).toBeUndefined();
      expect(textClaim.claims['1']).toBe('IN');
      const noIss = decodeDcc(
        coseOf(SAMPLE_DCC, { claims: new Map<number, unknown>([[-260, new Map([[1, SAMPLE_DCC]])]]) }),
      );
      expect(noIss.iss).toBeUndefined();
      // Trailing bytes and truncation.
      const good = coseOf(SAMPLE_DCC);
      expect(decodeOrCode(Uint8Array.from([...good, 0]))).toBe('ERR_DCC_COSE_INVALID');
      expect(decodeOrCode(good.subarray(0, good.length - 1))).toBe('ERR_DCC_COSE_INVALID');
    },
  );

  it('damaged messages: a DCC or a typed DccError, nothing else', () => {
    const next = rng(29);
    const sources = [
      coseOf(SAMPLE_DCC),
      coseOf(SAMPLE_DCC, { tag: 'cwt' }),
      coseOf({ ...SAMPLE_DCC, nam: { fn: 'Ærøskøbing 😀' } }, { tag: 'none' }),
    ];
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      const cose = new Uint8Array(sources[i % sources.length]!);
      let t: Uint8Array = cose;
      const kind = Math.floor(next() * 3);
      if (kind === 0) cose[Math.floor(next() * cose.length)]! ^= 1 << Math.floor(next() * 8);
      else if (kind === 1) cose[Math.floor(next() * cose.length)] = Math.floor(next() * 256);
      else t = cose.subarray(0, Math.floor(next() * cose.length));
      if (typeof decodeOrCode(t) !== 'string') answered++;
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
