/**
 * Property-based fuzzing (fast-check) of the hand-written parsers a DCC verifier runs on strangers' data, each against
 * a reference library: zlibInflate (lib/inflate.ts) against node:zlib, the COSE/CWT decode against
 * what cbor-x decodes, Base45 against the base45 package, and the whole decode (HC1 → Base45 → inflate → COSE → CWT)
 * for typed errors only. Only the typed errors may come out, and the output
 * budgets hold. Short runs here; `pnpm fuzz` (scripts/fuzz.mjs) runs the same properties with FUZZ_RUNS cases.
 * The seeded-PRNG suites (zlib-small, fast-decode, fast-path) stay as they are; these add shrinking,
 * other input shapes and the long campaign.
 */
import { constants, deflateSync, inflateSync } from 'node:zlib';
import base45 from 'base45';
import { EncodingError, base45Decode as sharedBase45Decode, base45Encode as sharedBase45Encode } from '@divoc/keys';
import { encode as cborxEncode } from 'cbor-x';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cborDecode, cborEncode, Tag } from '../src/lib/cbor.js';
import { MAX_INFLATED_BYTES, MAX_INFLATE_RATIO, zlibInflate, zlibDeflate } from '../src/lib/zlib.js';
import { toJsonLike } from '../src/cwt/claims.js';
import {
  DccBase45Error,
  DccCompressionError,
  base45Decode,
  base45Encode,
  decodeDcc,
  isDccError,
} from '../src/index.js';
import { resultOrCode } from '../../../test/support/fuzz.js';
import { fuzzParams, fuzzRuns, fuzzTimeout, mutate, mutationsArb } from '../../../test/fuzz/support.js';
import { claimsFor, SAMPLE_DCC } from './helpers.js';

/** Short-run case counts per property (FUZZ_RUNS replaces them in the long run). */
const RUNS = { inflateMutated: 400, inflateRandom: 400, cborShapes: 300, cborMutated: 400, base45: 500, hc1: 300 };

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

// ------------------------------------------------------------------------------------------------------ inflate

/** node:zlib's answer within the budget, with zlibInflate's ratio limit applied. */
function nodeInflate(z: Uint8Array, max: number): string {
  try {
    // node refuses a maxOutputLength of 0: ask for 1 and apply the budget here.
    const out = inflateSync(z, { maxOutputLength: Math.max(1, max) });
    return out.length > max || (out.length > 4096 && out.length > z.length * MAX_INFLATE_RATIO) ? 'error' : hex(out);
  } catch {
    return 'error';
  }
}

/** zlibInflate's answer; only DccCompressionError may come out, and the output stays within the budget. */
function ourInflate(z: Uint8Array, max: number): string {
  try {
    const out = zlibInflate(z, max);
    expect(out.length).toBeLessThanOrEqual(max);
    return hex(out);
  } catch (error) {
    if (!(error instanceof DccCompressionError)) throw error;
    return 'error';
  }
}

/** Data that compresses in every way: text-like, runs, noise. */
const plainData = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }),
  fc.string({ maxLength: 1500 }).map((s) => new TextEncoder().encode(s)),
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 300 })), { maxLength: 20 })
    .map((runs) => Uint8Array.from(runs.flatMap(([b, n]) => new Array<number>(n).fill(b)))),
);
const deflater = fc.constantFrom('ours', 'zlib9', 'zlib1-fixed', 'huffman', 'stored', 'zlib6');
function deflateWith(kind: string, data: Uint8Array): Uint8Array {
  if (kind === 'ours') return zlibDeflate(data);
  if (kind === 'zlib9') return new Uint8Array(deflateSync(data, { level: 9 }));
  if (kind === 'zlib1-fixed') return new Uint8Array(deflateSync(data, { level: 1, strategy: constants.Z_FIXED }));
  if (kind === 'huffman') return new Uint8Array(deflateSync(data, { strategy: constants.Z_HUFFMAN_ONLY }));
  if (kind === 'stored') return new Uint8Array(deflateSync(data, { level: 0 }));
  return new Uint8Array(deflateSync(data));
}
/** Budgets around the interesting edges, and the verifier's own. */
const budget = fc.oneof(fc.constant(MAX_INFLATED_BYTES), fc.integer({ min: 0, max: 4000 }));

// ------------------------------------------------------------------------------------------------------- CBOR

/** decodeDcc's answer, or the code of the typed error it threw; anything else fails the property. */
function decodeOrCode(cose: Uint8Array): ReturnType<typeof decodeDcc> | string {
  return resultOrCode('decodeDcc', () => decodeDcc(cose), isDccError);
}

/** The hcert payload of `cose` as cbor-x decodes it (the reference), as JSON-like data, or undefined. */
function referencePayload(cose: Uint8Array): unknown {
  try {
    let item = cborDecode(cose);
    while (item instanceof Tag) item = item.value;
    const claims = cborDecode((item as unknown[])[2] as Uint8Array) as Map<unknown, unknown>;
    return toJsonLike((claims.get(-260) as Map<unknown, unknown>).get(1));
  } catch {
    return undefined;
  }
}

/** decodeDcc answers with the payload cbor-x reads (key order included), or a typed error. */
function sameAsCborX(cose: Uint8Array): 'answered' | 'refused' {
  const got = decodeOrCode(cose);
  if (typeof got === 'string') return 'refused';
  const want = referencePayload(cose);
  expect(want).toBeDefined();
  expect(JSON.stringify(got.payload)).toBe(JSON.stringify(want));
  return 'answered';
}

/** JSON-like DCC content, with the keys and values that trip decoders (prototype names, numbers as keys, floats). */
const keyArb = fc.oneof(
  fc.constantFrom('ver', 'nam', 'v', '0', '12', '__proto__', 'constructor', 'toString', 'ü', ''),
  fc.string({ maxLength: 6 }),
);
const jsonArb = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.double({ noNaN: false }),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(2 ** 32, -(2 ** 53), 2 ** 64, 1.5, -0),
    ),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 5 }),
  ),
})).value;
const unprotectedArb = fc.oneof(
  fc.constant(new Map<number, unknown>()),
  fc.uint8Array({ minLength: 0, maxLength: 16 }).map((kid) => new Map<number, unknown>([[4, kid]])),
  fc.constantFrom(-7, -37, 'x').map((alg) => new Map<number, unknown>([[1, alg]])),
);
const claimsArb = fc.oneof(
  fc
    .tuple(jsonArb, fc.integer({ min: -1, max: 2 ** 40 }), fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.double()))
    .map(([p, iat, exp]) =>
      claimsFor(
        { ver: '1.3.0', ...(p && typeof p === 'object' && !Array.isArray(p) ? p : { x: p }) },
        iat,
        exp as number,
      ),
    ),
  // Odd claim sets: text labels, duplicate-looking labels, missing hcert.
  fc
    .array(fc.tuple(fc.oneof(fc.integer({ min: -300, max: 300 }), fc.string({ maxLength: 3 })), jsonArb), {
      maxLength: 6,
    })
    .map((entries) => new Map<unknown, unknown>(entries)),
);
const coseArb = fc
  .tuple(claimsArb, unprotectedArb, fc.constantFrom('none', 'cose', 'cwt'), fc.uint8Array({ maxLength: 80 }))
  .map(([claims, unprotected, tag, signature]) => {
    const protectedBytes = cborEncode(
      new Map<number, unknown>([
        [1, -7],
        [4, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)],
      ]),
    );
    const array = [protectedBytes, unprotected, cborEncode(claims), signature];
    if (tag === 'none') return cborEncode(array);
    if (tag === 'cwt') return cborEncode(new Tag(new Tag(array, 18), 61));
    return cborEncode(new Tag(array, 18));
  });

// ------------------------------------------------------------------------------------------------------ Base45

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const base45Text = fc.oneof(
  fc.array(fc.constantFrom(...ALPHABET), { maxLength: 60 }).map((a) => a.join('')),
  fc
    .array(fc.constantFrom(...ALPHABET, 'a', 'z', '\n', '=', 'É', '\u0141', '\ud83d', '\u00ad'), { maxLength: 30 })
    .map((a) => a.join('')),
  fc.string({ maxLength: 30 }),
);

// ------------------------------------------------------------------------------------------------------- tests

describe('DCC parsers under fuzzing (fast-check)', () => {
  it(
    "inflate: mutated streams from five deflaters, with budgets — node:zlib's answer or a typed error " +
      `(${fuzzRuns(RUNS.inflateMutated)} cases)`,
    () => {
      fc.assert(
        fc.property(plainData, deflater, mutationsArb, fc.boolean(), budget, (data, kind, mutations, damage, max) => {
          const good = deflateWith(kind, data);
          const z = damage ? mutate(good, mutations) : good;
          expect(ourInflate(z, max)).toBe(nodeInflate(z, max));
        }),
        fuzzParams(RUNS.inflateMutated),
      );
    },
    fuzzTimeout,
  );

  it(
    "inflate: random bytes behind a zlib header — node:zlib's answer, within the budget, or DccCompressionError " +
      `(${fuzzRuns(RUNS.inflateRandom)} cases)`,
    () => {
      const header = fc.constantFrom([0x78, 0x9c], [0x78, 0xda], [0x78, 0x01], [0x08, 0x1d], [0x78, 0x5e]);
      fc.assert(
        fc.property(header, fc.uint8Array({ maxLength: 200 }), budget, (h, body, max) => {
          const z = Uint8Array.from([...h, ...body]);
          expect(ourInflate(z, max)).toBe(nodeInflate(z, max));
        }),
        fuzzParams(RUNS.inflateRandom),
      );
    },
    fuzzTimeout,
  );

  it(
    'COSE/CWT decode: random DCC-shaped messages read as cbor-x reads them, or a typed error ' +
      `(${fuzzRuns(RUNS.cborShapes)} cases)`,
    () => {
      fc.assert(
        fc.property(coseArb, (cose) => {
          // cbor-x decodes what we built (the reference for the bytes themselves).
          expect(() => cborDecode(cose)).not.toThrow();
          sameAsCborX(cose);
        }),
        fuzzParams(RUNS.cborShapes),
      );
      // A genuine DCC shape must be answered (control).
      const genuine = cborEncode(
        new Tag(
          [
            cborEncode(
              new Map<number, unknown>([
                [1, -7],
                [4, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)],
              ]),
            ),
            new Map(),
            cborEncode(claimsFor(SAMPLE_DCC)),
            new Uint8Array(64),
          ],
          18,
        ),
      );
      expect(sameAsCborX(genuine)).toBe('answered');
    },
    fuzzTimeout,
  );

  it(
    `COSE/CWT decode: mutated messages — cbor-x's reading or a typed error (${fuzzRuns(RUNS.cborMutated)} cases)`,
    () => {
      const sources = [SAMPLE_DCC, { ...SAMPLE_DCC, nam: { fn: 'Ærøskøbing 😀' } }].map((p) =>
        cborEncode(
          new Tag(
            [
              cborEncode(new Map<number, unknown>([[1, -7]])),
              new Map([[4, Uint8Array.of(9, 9)]]),
              cborEncode(claimsFor(p)),
              new Uint8Array(64),
            ],
            18,
          ),
        ),
      );
      fc.assert(
        fc.property(fc.oneof(fc.constantFrom(...sources), coseArb), mutationsArb, (cose, mutations) => {
          sameAsCborX(mutate(cose, mutations));
        }),
        fuzzParams(RUNS.cborMutated),
      );
      // Raw cbor-x encodings of arbitrary values: a typed error, never anything else.
      fc.assert(
        fc.property(jsonArb, (value) => {
          expect(decodeOrCode(new Uint8Array(cborxEncode(value)))).toBeTypeOf('string');
        }),
        fuzzParams(Math.round(RUNS.cborMutated / 4), 0.25),
      );
    },
    fuzzTimeout,
  );

  it(
    'Base45: decodes as the base45 package does, or throws DccBase45Error; encode round-trips ' +
      `(${fuzzRuns(RUNS.base45)} cases)`,
    () => {
      fc.assert(
        fc.property(base45Text, (text) => {
          let ours: Uint8Array | undefined;
          try {
            ours = base45Decode(text);
          } catch (error) {
            expect(error).toBeInstanceOf(DccBase45Error);
          }
          // The SDK's one Base45 (`@divoc/keys`, which this package wraps) agrees, throwing `EncodingError`.
          let shared: Uint8Array | undefined;
          try {
            shared = sharedBase45Decode(text);
          } catch (error) {
            expect(error).toBeInstanceOf(EncodingError);
          }
          expect(shared && hex(shared)).toBe(ours && hex(ours));
          if (ours) {
            // Accepted text is canonical: it re-encodes to itself, and the reference decodes it to the same bytes.
            expect(base45Encode(ours)).toBe(text);
            expect(hex(new Uint8Array(base45.decode(text)))).toBe(hex(ours));
          }
        }),
        fuzzParams(RUNS.base45),
      );
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
          const text = base45Encode(bytes);
          expect(text).toBe(base45.encode(Buffer.from(bytes)));
          expect(sharedBase45Encode(bytes)).toBe(text);
          expect(hex(base45Decode(text))).toBe(hex(bytes));
        }),
        fuzzParams(RUNS.base45),
      );
    },
    fuzzTimeout,
  );

  it(
    `decodeDcc on mutated HC1 text and bytes: a DCC or a typed DccError, nothing else (${fuzzRuns(RUNS.hc1)} cases)`,
    () => {
      const goodCose = cborEncode(
        new Tag(
          [
            cborEncode(new Map<number, unknown>([[1, -7]])),
            new Map([[4, Uint8Array.of(9, 9)]]),
            cborEncode(claimsFor(SAMPLE_DCC)),
            new Uint8Array(64),
          ],
          18,
        ),
      );
      const goodZ = zlibDeflate(goodCose);
      const hc1 = `HC1:${base45Encode(goodZ)}`;
      fc.assert(
        fc.property(
          fc.oneof(
            mutationsArb.map((m) => `HC1:${base45Encode(mutate(goodZ, m))}`),
            fc
              .tuple(fc.nat({ max: hc1.length }), fc.constantFrom(...ALPHABET, 'a', ' ', '\n', ':', 'É'))
              .map(([at, c]) => hc1.slice(0, at) + c + hc1.slice(at + 1)),
            fc.tuple(fc.nat({ max: hc1.length })).map(([at]) => hc1.slice(0, at)),
            mutationsArb.map((m) => mutate(goodCose, m)),
            mutationsArb.map((m) => mutate(goodZ, m)),
          ),
          (input) => {
            try {
              decodeDcc(input);
            } catch (error) {
              expect(isDccError(error), String(error)).toBe(true);
            }
          },
        ),
        fuzzParams(RUNS.hc1),
      );
    },
    fuzzTimeout,
  );
});
