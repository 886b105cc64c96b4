/**
 * Property-based fuzzing (fast-check) of the compact `DIVOC1:` credential decoder: the hand-written CBOR reader
 * (compact/cbor.ts) against cbor-x, its budgets (depth, item count, declared lengths), and the whole decode
 * (`DIVOC1:` → Base45 → header → inflate with the table's dictionary → CBOR → table → credential) on mutated real
 * credentials. Only CompactCredentialError subclasses (with a stable `code`) may come out. Short runs here;
 * `pnpm fuzz` (scripts/fuzz.mjs) runs the same properties with FUZZ_RUNS cases.
 *
 * Deliberate differences from cbor-x (ours refuses, cbor-x reads): indefinite lengths, non-minimal heads, integers
 * beyond ±2^53 (cbor-x answers a BigInt), float16/float32 (ours: float64 only), float64 NaN/±Infinity (not JSON
 * numbers; found while writing these properties: they decoded into credentials JSON.stringify turns into null), simple
 * values other than
 * false/true/null (undefined, simple(n)), text that is not UTF-8 (cbor-x substitutes U+FFFD), nesting deeper than 48,
 * more than 50,000 items. Tags are plain (tag, value) pairs in ours; cbor-x gives tags 0–5, 27–29, 51, 64–87, 258,
 * 259, 55799 … meanings of its own, so values holding those tags are compared only for "both answer". Duplicate map
 * keys are kept by the reader (the table step, cborToJson, refuses them); cbor-x's Map keeps the last value.
 */
import { deflateRaw } from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { Decoder, Encoder, Tag as CxTag } from 'cbor-x';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CompactPayloadError,
  CompactTooLargeError,
  COMPACT_PREFIX,
  decodeCompactCredential,
  encodeCompactCredential,
  isCompactCredentialError,
  type SignedCredential,
} from '../src/index.js';
import { base45Decode, base45Encode } from '../src/compact/base45.js';
import { CborFloat, CborMap, CborTag, decodeCbor, encodeCbor, type CborValue } from '../src/compact/cbor.js';
import { cborToJson, CURRENT_TABLE, jsonToCbor, TAG } from '../src/compact/codec.js';
import { resultOrCode } from '../../../test/support/fuzz.js';
import { fuzzParams, fuzzRuns, fuzzTimeout, mutate, mutationsArb } from '../../../test/fuzz/support.js';
import { vectorJson } from './helpers.js';
import { buildOptions, shortVaccinationRecord } from '../../../test/support/fixtures.js';

/** Short-run case counts per property (FUZZ_RUNS replaces them in the long run). */
const RUNS = { ourEncoder: 300, cborxEncoder: 300, mutated: 400, random: 400, budgets: 100, text: 300 };

const CODES = new Set([
  'ERR_COMPACT_FORMAT',
  'ERR_COMPACT_TOO_LARGE',
  'ERR_COMPACT_VERSION',
  'ERR_COMPACT_PAYLOAD',
  'ERR_COMPACT_NOT_CREDENTIAL',
]);
const COMPACT_TAGS = new Set<number>(Object.values(TAG));

/** The reference: cbor-x reading maps as Maps, no records, no structured clone, no packing. */
const cborx = new Decoder({ mapsAsObjects: false, useRecords: false });
const cborxWriter = new Encoder({
  mapsAsObjects: false,
  useRecords: false,
  variableMapSize: true,
  pack: false,
  structuredClone: false,
  tagUint8Array: false,
});
const cborxDecode = (bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: cborx.decode(bytes) };
  } catch {
    return { ok: false };
  }
};

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/**
 * One printable form for both readers' values. Numbers print by value (cbor-x does not tell an int from an integral
 * float, and answers BigInt for every 64-bit head); maps print their entries with Map semantics (a later duplicate
 * primitive key replaces the value in place, as cbor-x's Map.set does).
 */
function show(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? 'n:-0' : `n:${String(v)}`;
  if (typeof v === 'bigint') return `n:${String(v)}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || typeof v === 'boolean' || v === undefined) return String(v);
  if (v instanceof CborFloat) return show(v.value);
  if (v instanceof Uint8Array) return `h'${hex(v)}'`;
  if (Array.isArray(v)) return `[${v.map(show).join(',')}]`;
  if (v instanceof CborTag || v instanceof CxTag)
    return `${(v as { tag: number }).tag}(${show((v as { value: unknown }).value)})`;
  if (v instanceof CborMap) {
    // Keys as cbor-x makes them: primitives collide by value (an integral float key 1.0 is the number 1), others never.
    const map = new Map<unknown, unknown>();
    for (const [k, item] of v.entries)
      map.set(k instanceof CborFloat ? k.value : typeof k === 'object' && k !== null ? { k } : k, item);
    const keyOf = (k: unknown): unknown => (typeof k === 'object' && k !== null ? (k as { k: unknown }).k : k);
    return `{${[...map].map(([k, item]) => `${show(keyOf(k))}:${show(item)}`).join(',')}}`;
  }
  if (v instanceof Map) return `{${[...v].map(([k, item]) => `${show(k)}:${show(item)}`).join(',')}}`;
  return `?${Object.prototype.toString.call(v)}`;
}

/** Every tag in an our-reader value is one of the compact form's (6–18), which cbor-x leaves as plain tags. */
function compactTagsOnly(v: CborValue): boolean {
  if (v instanceof CborTag) return COMPACT_TAGS.has(v.tag) && compactTagsOnly(v.value);
  if (Array.isArray(v)) return v.every(compactTagsOnly);
  if (v instanceof CborMap) return v.entries.every(([k, item]) => compactTagsOnly(k) && compactTagsOnly(item));
  return true;
}

/** Our reading, or undefined for CompactPayloadError (the only error the reader may throw). */
function ours(bytes: Uint8Array): { value: CborValue } | { refused: string } {
  try {
    return { value: decodeCbor(bytes) };
  } catch (error) {
    if (!(error instanceof CompactPayloadError))
      throw new Error(`decodeCbor threw an untyped error: ${String(error)}`, { cause: error });
    expect(error.code).toBe('ERR_COMPACT_PAYLOAD');
    return { refused: error.message };
  }
}

/** The table step on a decoded value: JSON, or CompactPayloadError only. */
function tableStep(value: CborValue): void {
  try {
    cborToJson(value, CURRENT_TABLE);
  } catch (error) {
    if (!(error instanceof CompactPayloadError))
      throw new Error(`cborToJson threw an untyped error: ${String(error)}`, { cause: error });
  }
}

/** The classes of input ours refuses and cbor-x reads (each a documented difference). */
const DIFFERENCE = new RegExp(
  [
    'indefinite lengths',
    'reserved additional information',
    'integer beyond 2\\^53',
    'non-minimal integer encoding',
    'nested too deeply',
    'too many items',
    'text string is not UTF-8',
    'simple value / float form',
    'NaN or Infinity',
  ].join('|'),
);

type Seen = {
  cases: number;
  answered: number;
  compared: number;
  otherTags: number;
  refused: number;
  differences: Record<string, number>;
};
const newSeen = (): Seen => ({ cases: 0, answered: 0, compared: 0, otherTags: 0, refused: 0, differences: {} });

/**
 * Ours answers as cbor-x does, or refuses with the typed error (where cbor-x also refuses, or for a documented
 * difference).
 */
function agreeOrRefuse(bytes: Uint8Array, seen: Seen): void {
  seen.cases++;
  const got = ours(bytes);
  const want = cborxDecode(bytes);
  if ('refused' in got) {
    seen.refused++;
    if (want.ok) {
      const kind = DIFFERENCE.exec(got.refused)?.[0];
      expect(kind, `ours refused what cbor-x reads: ${got.refused} (${hex(bytes.subarray(0, 64))})`).toBeDefined();
      seen.differences[kind!] = (seen.differences[kind!] ?? 0) + 1;
    }
    return;
  }
  seen.answered++;
  tableStep(got.value);
  if (!compactTagsOnly(got.value)) {
    // cbor-x gives these tags meanings (bignum, Date, Set, typed arrays…) and refuses contents that do not fit them.
    seen.otherTags++;
    return;
  }
  expect(want.ok, `cbor-x refused what ours read: ${hex(bytes.subarray(0, 64))}`).toBe(true);
  seen.compared++;
  expect(show(got.value)).toBe(show((want as { value: unknown }).value));
}

// ------------------------------------------------------------------------------------------------ arbitraries

const intArb = fc.oneof(
  fc.integer({ min: -30, max: 30 }),
  fc.constantFrom(
    23,
    24,
    255,
    256,
    65535,
    65536,
    2 ** 32 - 1,
    2 ** 32,
    -24,
    -25,
    -256,
    -257,
    -65536,
    -65537,
    -(2 ** 32),
    -(2 ** 32) - 1,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
  ),
  fc.maxSafeInteger(),
);
const textArb = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', 'x'.repeat(23), 'x'.repeat(24), 'é'.repeat(12), '\uFEFFbom', '😀'),
);
/**
 * Values the compact form can hold: ints, text, simple values, bytes, arrays, maps keyed by ints/text, tags 6–18,
 * float64.
 */
const cborArb: fc.Arbitrary<CborValue> = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      intArb,
      textArb,
      fc.constantFrom(true, false, null),
      fc.uint8Array({ maxLength: 40 }),
      fc
        .oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.constantFrom(-0, 0.5, 2 ** 53, 2 ** 64, Number.MAX_VALUE, -Number.MIN_VALUE),
        )
        .map((d) => new CborFloat(d)),
    ),
    fc.array(tie('value'), { maxLength: 5 }),
    fc
      .array(fc.tuple(fc.oneof(intArb, textArb), tie('value')), { maxLength: 5 })
      .map((entries) => new CborMap(entries)),
    fc.tuple(fc.integer({ min: 6, max: 18 }), tie('value')).map(([tag, value]) => new CborTag(tag, value)),
  ),
})).value;

/** Credential-like JSON, for the values the table encoder really writes (table terms, typed forms, repeats). */
const jsonKey = fc.oneof(
  fc.constantFrom('@context', 'type', 'id', 'proof', 'credentialSubject', 'issuanceDate', 'name', '__proto__', ''),
  fc.string({ maxLength: 6 }),
);
const jsonString = fc.oneof(
  fc.constantFrom(
    'VerifiableCredential',
    'https://www.w3.org/2018/credentials/v1',
    '2021-05-03T10:15:00.000Z',
    '2021-05-03T10:15:00Z',
    '2021-05-03T10:15:00.123Z',
    '2022-05-03',
    'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    'urn:uuid:123e4567-e89b-12d3-a456-426614174000',
    '244768056',
    '0',
    '007',
    'eyJhbGciOiJSUzI1NiJ9..c2lnbmF0dXJl',
    'https://divoc.dev/credentials/vaccination/v1',
    'z3yG7f',
  ),
  fc.string({ maxLength: 16 }),
);
const jsonArb = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      jsonString,
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    ),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(jsonKey, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Our value as cbor-x would be given it: Maps, cbor-x Tags, plain numbers. */
function toCborx(v: CborValue): unknown {
  if (v instanceof CborFloat) return v.value;
  if (v instanceof CborTag) return new CxTag(toCborx(v.value), v.tag);
  if (v instanceof CborMap) return new Map(v.entries.map(([k, item]) => [toCborx(k), toCborx(item)]));
  if (Array.isArray(v)) return v.map(toCborx);
  return v;
}

// ------------------------------------------------------------------------------------------------ real credentials

const VECTOR_CREDENTIALS = [
  'rsa2018-divocdev-valid.json',
  'rsa2018-cowinctx-valid.json',
  'ed25519-2018-divocdev-valid.json',
  'rsa2018-tampered-invalid.json',
].map((n) => vectorJson<SignedCredential>(`divoc/signed/${n}`));
const built = buildCredential('vaccination', shortVaccinationRecord, buildOptions) as unknown as Record<
  string,
  unknown
>;
/** A data-integrity-shaped proof (decode does not verify; only the shape matters here). */
const builtSigned = {
  ...built,
  proof: {
    type: 'DataIntegrityProof',
    cryptosuite: 'eddsa-rdfc-2022',
    created: '2021-05-03T11:00:05Z',
    verificationMethod:
      'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    proofPurpose: 'assertionMethod',
    proofValue: 'z3yG7fQvBLxHYZYZ8ApyV9r1xdS3PHPJ4ZVu8ALSgdTxqMtyQ4o8QRpUNTAz8xMH7dtk2Y1YHnMoU4rxX3PdXqGJ',
  },
} as unknown as SignedCredential;
const CREDENTIALS = [...VECTOR_CREDENTIALS, builtSigned];
const TEXTS = CREDENTIALS.map((c) => encodeCompactCredential(c));
const BODIES = CREDENTIALS.map((c) => encodeCbor(jsonToCbor(c, CURRENT_TABLE)));

/** decodeCompactCredential's credential, or the code of the typed error; anything else fails the property. */
function decodeOrCode(text: string): SignedCredential | string {
  return resultOrCode('decodeCompactCredential', () => decodeCompactCredential(text), isCompactCredentialError, CODES);
}

/** The compact text for a payload (header byte + body), as the encoder would write it. */
const textOf = (header: number, body: Uint8Array) => COMPACT_PREFIX + base45Encode(Uint8Array.from([header, ...body]));

// ------------------------------------------------------------------------------------------------------- tests

describe('compact credential CBOR reader under fuzzing (fast-check, cbor-x as the reference)', () => {
  it(
    `values of the compact subset written by our encoder: read back exactly, and as cbor-x reads them ` +
      `(${fuzzRuns(RUNS.ourEncoder)} cases)`,
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            cborArb,
            jsonArb.map((j) => jsonToCbor(j, CURRENT_TABLE)),
          ),
          (value) => {
            const bytes = encodeCbor(value);
            const got = decodeCbor(bytes);
            expect(show(got)).toBe(show(value));
            expect(hex(encodeCbor(got))).toBe(hex(bytes)); // ints stay ints, floats stay floats, key order kept
            const want = cborxDecode(bytes);
            expect(want.ok).toBe(true);
            expect(show(got)).toBe(show((want as { value: unknown }).value));
          },
        ),
        fuzzParams(RUNS.ourEncoder),
      );
    },
    fuzzTimeout,
  );

  it(
    `values of the compact subset written by cbor-x: ours reads what cbor-x reads ` +
      `(${fuzzRuns(RUNS.cborxEncoder)} cases)`,
    () => {
      fc.assert(
        fc.property(cborArb, (value) => {
          const bytes = new Uint8Array(cborxWriter.encode(toCborx(value)));
          const got = ours(bytes);
          expect(
            'value' in got,
            `ours refused cbor-x's encoding ${hex(bytes.subarray(0, 64))}: ${'refused' in got ? got.refused : ''}`,
          ).toBe(true);
          expect(show((got as { value: CborValue }).value)).toBe(show(cborx.decode(bytes)));
        }),
        fuzzParams(RUNS.cborxEncoder),
      );
    },
    fuzzTimeout,
  );

  it(
    `mutated encodings (random values, real credential bodies): cbor-x's reading or CompactPayloadError ` +
      `(${fuzzRuns(RUNS.mutated)} cases)`,
    () => {
      const seen = newSeen();
      const source = fc.oneof(
        fc.constantFrom(...BODIES),
        cborArb.map(encodeCbor),
        jsonArb.map((j) => encodeCbor(jsonToCbor(j, CURRENT_TABLE))),
      );
      fc.assert(
        fc.property(source, mutationsArb, (bytes, mutations) => agreeOrRefuse(mutate(bytes, mutations), seen)),
        fuzzParams(RUNS.mutated),
      );
      if (process.env.FUZZ_RUNS) console.log('compact CBOR mutated:', seen);
      expect(seen.compared).toBeGreaterThan(0);
      expect(seen.refused).toBeGreaterThan(0);
    },
    fuzzTimeout,
  );

  it(
    `random bytes and random heads: cbor-x's reading or CompactPayloadError (${fuzzRuns(RUNS.random)} cases)`,
    () => {
      const seen = newSeen();
      const bytes = fc.oneof(
        fc.uint8Array({ maxLength: 64 }),
        // A container or string head with every additional-information form, then noise.
        fc
          .tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 31 }), fc.uint8Array({ maxLength: 40 }))
          .map(([major, info, rest]) => Uint8Array.from([(major << 5) | info, ...rest])),
        // Sequences of small well-formed items inside an array header of the wrong count.
        fc
          .tuple(
            fc.integer({ min: 0, max: 30 }),
            fc.array(
              fc.constantFrom(0x00, 0x17, 0xf4, 0xf5, 0xf6, 0xf7, 0x40, 0x60, 0x80, 0xa0, 0xc6, 0xf9, 0xfa, 0xfb, 0xff),
              { maxLength: 30 },
            ),
          )
          .map(([n, items]) => Uint8Array.from([0x98, n, ...items])),
      );
      fc.assert(
        fc.property(bytes, (input) => agreeOrRefuse(input, seen)),
        fuzzParams(RUNS.random),
      );
      if (process.env.FUZZ_RUNS) console.log('compact CBOR random:', seen);
      expect(seen.answered).toBeGreaterThan(0);
    },
    fuzzTimeout,
  );

  it(
    `deep nesting and huge declared lengths: CompactPayloadError at once, nothing allocated for the declared ` +
      `size (${fuzzRuns(RUNS.budgets)} cases)`,
    () => {
      // Nesting: arrays, maps (key then value), tags, 1000s deep. The reader stops at depth 48.
      fc.assert(
        fc.property(
          fc.constantFrom([0x81], [0xa1, 0x00], [0xc6], [0xd8, 0x20], [0x82, 0x00]),
          fc.integer({ min: 49, max: 200_000 }),
          (prefix, depth) => {
            const bytes = new Uint8Array(prefix.length * depth + 1);
            for (let i = 0; i < depth; i++) bytes.set(prefix, i * prefix.length);
            const started = performance.now();
            expect(() => decodeCbor(bytes)).toThrow(/nested too deeply/);
            expect(performance.now() - started).toBeLessThan(50);
          },
        ),
        fuzzParams(RUNS.budgets, 0.1),
      );
      // Declared lengths up to 2^64 - 1 with little or nothing behind them: refused before any allocation.
      fc.assert(
        fc.property(
          fc.constantFrom(0x40, 0x60, 0x80, 0xa0, 0xc0),
          fc.integer({ min: 24, max: 27 }),
          fc.uint8Array({ minLength: 8, maxLength: 8 }),
          fc.uint8Array({ maxLength: 16 }),
          (major, info, argument, tail) => {
            const size = 1 << (info - 24);
            const head = Uint8Array.from([major | info, ...argument.subarray(0, size)]);
            let n = 0;
            for (const x of head.subarray(1)) n = n * 256 + x;
            const bytes = Uint8Array.from([...head, ...tail]);
            const started = performance.now();
            const got = ours(bytes);
            expect(performance.now() - started).toBeLessThan(50);
            const perItem = major === 0xa0 ? 2 : 1;
            if (major !== 0xc0 && n * perItem > tail.length) {
              // The only ways out for a length longer than the input: nothing was taken or built for it.
              expect(
                'refused' in got && /truncated|longer than the input|beyond 2\^53|non-minimal/.test(got.refused),
                JSON.stringify(got),
              ).toBe(true);
            }
          },
        ),
        fuzzParams(RUNS.budgets),
      );
    },
    fuzzTimeout,
  );

  it(
    'item budget: 50,000 items are read, more are refused; a 65,535-element array of the wrong length fails ' + 'fast',
    () => {
      // The array itself is an item: 1 + 49,999 zeros is the most the reader takes.
      const array = (n: number) => Uint8Array.from([0x99, (n >>> 8) & 0xff, n & 0xff, ...new Uint8Array(n)]);
      expect((decodeCbor(array(49_999)) as unknown[]).length).toBe(49_999);
      expect(() => decodeCbor(array(50_000))).toThrow(/too many items/);
      const short = array(65_535).subarray(0, 1000);
      expect(() => decodeCbor(short)).toThrow(/longer than the input/);
      // Map heads count two items per entry.
      expect(() => decodeCbor(Uint8Array.of(0xa3, 0x00, 0x00, 0x00, 0x00, 0x00))).toThrow(/map longer than the input/);
      expect(decodeCbor(Uint8Array.of(0xa3, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00))).toBeInstanceOf(CborMap);
    },
  );
});

describe('decodeCompactCredential (DIVOC1: → Base45 → inflate → CBOR → credential) under fuzzing', () => {
  it('the real credentials round-trip (control)', () => {
    for (const [i, text] of TEXTS.entries())
      expect(JSON.stringify(decodeCompactCredential(text))).toBe(JSON.stringify(CREDENTIALS[i]));
  });

  it(
    `mutated DIVOC1: texts, payloads and CBOR bodies: a credential that round-trips, or a typed error with a ` +
      `stable code (${fuzzRuns(RUNS.text)} cases)`,
    () => {
      const seen: Record<string, number> = {};
      const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
      const index = fc.nat({ max: TEXTS.length - 1 });
      const input = fc.oneof(
        // Text: replace, insert or delete characters, truncate.
        fc
          .tuple(
            index,
            fc.array(fc.tuple(fc.nat({ max: 5000 }), fc.constantFrom(...ALPHABET, 'a', '\n', 'É', '', '::')), {
              minLength: 1,
              maxLength: 3,
            }),
            fc.boolean(),
          )
          .map(([i, edits, replace]) =>
            edits.reduce((t, [at, c]) => {
              const p = at % (t.length + 1);
              return t.slice(0, p) + c + t.slice(p + (replace ? 1 : 0));
            }, TEXTS[i]!),
          ),
        fc.tuple(index, fc.nat({ max: 5000 })).map(([i, at]) => TEXTS[i]!.slice(0, at % (TEXTS[i]!.length + 1))),
        // The payload bytes (header byte + deflated body).
        fc
          .tuple(index, mutationsArb)
          .map(
            ([i, m]) => COMPACT_PREFIX + base45Encode(mutate(base45Decode(TEXTS[i]!.slice(COMPACT_PREFIX.length)), m)),
          ),
        // The CBOR body, stored (header 0x01) or deflated with the table's dictionary (0x81).
        fc.tuple(index, mutationsArb, fc.boolean()).map(([i, m, deflate]) => {
          const body = mutate(BODIES[i]!, m);
          return deflate
            ? textOf(0x81, deflateRaw(body, { level: 9, dictionary: CURRENT_TABLE.dictionary }))
            : textOf(0x01, body);
        }),
      );
      fc.assert(
        fc.property(input, (text) => {
          const got = decodeOrCode(text);
          const key = typeof got === 'string' ? got : 'decoded';
          seen[key] = (seen[key] ?? 0) + 1;
          if (typeof got === 'string') return;
          // What decodes is JSON (a credential the encoder writes back to the same JSON); only a longer text may fail.
          let again: string;
          try {
            again = encodeCompactCredential(got);
          } catch (error) {
            expect(error, String(error)).toBeInstanceOf(CompactTooLargeError);
            return;
          }
          expect(JSON.stringify(decodeCompactCredential(again))).toBe(JSON.stringify(got));
        }),
        fuzzParams(RUNS.text),
      );
      if (process.env.FUZZ_RUNS) console.log('DIVOC1: mutated:', seen);
      expect(seen.decoded ?? 0).toBeGreaterThan(0);
    },
    fuzzTimeout,
  );
});

describe('regressions found while writing these properties', () => {
  /** A real credential with one JSON number written as tag 6 (number) holding the given float64. */
  function withNumber(float: number): string {
    const credential = VECTOR_CREDENTIALS[0]!;
    const value = jsonToCbor(
      { ...credential, credentialSubject: { ...(credential.credentialSubject as object), age: 0.5 } },
      CURRENT_TABLE,
    ) as CborMap;
    const patch = (v: CborValue): CborValue =>
      v instanceof CborTag && v.tag === TAG.NUMBER && v.value instanceof CborFloat && v.value.value === 0.5
        ? new CborTag(TAG.NUMBER, new CborFloat(float))
        : v instanceof CborMap
          ? new CborMap(v.entries.map(([k, item]) => [k, patch(item)]))
          : Array.isArray(v)
            ? v.map(patch)
            : v;
    return textOf(0x01, encodeCbor(patch(value)));
  }

  it(
    'float64 NaN / ±Infinity are refused (they decoded into a credential whose JSON says null); finite floats ' +
      'still decode',
    () => {
      const ok = decodeCompactCredential(withNumber(1.25)) as unknown as { credentialSubject: { age: number } };
      expect(ok.credentialSubject.age).toBe(1.25);
      expect(decodeCompactCredential(withNumber(-0)).credentialSubject).toMatchObject({ age: -0 });
      for (const bad of [NaN, Infinity, -Infinity]) {
        expect(decodeOrCode(withNumber(bad)), String(bad)).toBe('ERR_COMPACT_PAYLOAD');
        expect(() => decodeCbor(encodeCbor(new CborFloat(bad)))).toThrow(/NaN or Infinity/);
      }
      // Any NaN payload (quiet, signalling, negative) is refused too.
      expect(() => decodeCbor(Uint8Array.of(0xfb, 0xff, 0xf0, 0, 0, 0, 0, 0, 1))).toThrow(CompactPayloadError);
      expect(decodeCbor(Uint8Array.of(0xfb, 0x7f, 0xef, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))).toEqual(
        new CborFloat(Number.MAX_VALUE),
      );
    },
  );
});
