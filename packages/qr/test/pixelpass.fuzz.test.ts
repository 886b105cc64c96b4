/**
 * Property-based fuzzing (fast-check) of PixelPass QR data (pixelpass/decode.ts, `decodePixelPass`) against the
 * published `@mosip/pixelpass` 0.6.0: JSON data we encode reads back the same with ours and with their `decode()`;
 * JSON data they encode reads back with ours to their answer (or is refused with a stable code: cbor-web writes
 * float32/float16 numbers, outside the SDK's strict CBOR subset); mutated PixelPass texts, mutated zlib streams and
 * random Base45 text either decode within the budgets or throw a QrErrorBase with a PixelPass or JSON code, never
 * anything else. Short runs here; `pnpm fuzz` (scripts/fuzz.mjs) runs the same properties with FUZZ_RUNS cases.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base45Decode, base45Encode, deflateZlib, encodeCborValue, utf8Encode } from '@divoc/keys';
import {
  decodePixelPass,
  encodePixelPass,
  type DecodedPixelPass,
  type PixelPassJson,
  type PixelPassLimits,
} from '../src/index.js';
import { QrErrorBase } from '../src/lib/errors.js';
import { resultOrCode } from '../../../test/support/fuzz.js';
import { fuzzParams, fuzzTimeout, mutate, mutationsArb } from '../../../test/fuzz/support.js';

/** Short-run case counts per property (FUZZ_RUNS replaces them in the long run). */
const RUNS = { ours: 300, theirs: 300, mutated: 500, stream: 400, random: 500 };

const CODES = new Set([
  'ERR_PIXELPASS_MALFORMED',
  'ERR_PIXELPASS_TOO_LARGE',
  'ERR_PIXELPASS_BOMB',
  'ERR_PIXELPASS_CBOR_INVALID',
  'ERR_PIXELPASS_TEXT_INVALID',
  'ERR_JSON_DUPLICATE_KEY',
  'ERR_JSON_FORBIDDEN_KEY',
]);

interface MosipPixelPass {
  generateQRData(data: string, header?: string): string;
  decode(data: string): string;
}
const mosip = createRequire(import.meta.url)('@mosip/pixelpass') as MosipPixelPass;

/** JSON data without the member names both sides refuse or treat specially (`__proto__` & co.). */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const jsonArb: fc.Arbitrary<PixelPassJson> = fc
  .jsonValue({ maxDepth: 6 })
  .filter((v) => !JSON.stringify(v).match(/"(__proto__|constructor|prototype)":/)) as fc.Arbitrary<PixelPassJson>;

const decode = (text: string, limits?: PixelPassLimits) =>
  resultOrCode<DecodedPixelPass>(
    'decodePixelPass',
    () => decodePixelPass(text, limits),
    (e) => e instanceof QrErrorBase,
    CODES,
  );

/**
 * Whether the zlib stream of PixelPass text starts with a stored (uncompressed) block: what zlib writes for data it
 * cannot compress. `@mosip/pixelpass` 0.6.0 cannot read those, even its own: base45-web decodes to a plain Array
 * and pako's stored-block copy calls `input.subarray` ("input.subarray is not a function").
 */
const storedFirstBlock = (text: string): boolean => ((base45Decode(text)[2]! >> 1) & 3) === 0;

/** Their decode(), or undefined when it throws. */
const theirDecode = (text: string): string | undefined => {
  try {
    return mosip.decode(text);
  } catch {
    return undefined;
  }
};

describe('decodePixelPass (fast-check)', () => {
  it(
    'JSON data we encode decodes to the same data, with ours and with their decode()',
    () => {
      fc.assert(
        fc.property(jsonArb, (value) => {
          const text = encodePixelPass(value, { maxLength: 1 << 20 });
          const decoded = decode(text, { maxInputLength: text.length, maxInflatedBytes: 1 << 20 });
          const theirs = theirDecode(text);
          if (typeof decoded === 'string') {
            // false and null (alone, or as JSON text) inflate to one byte that is not UTF-8: their decode() gives
            // U+FFFD, ours refuses.
            expect([decoded, theirs]).toEqual(['ERR_PIXELPASS_TEXT_INVALID', '\uFFFD']);
            return;
          }
          // Their decode() fails on incompressible data only (their stored-block bug, above); ours reads it.
          if (theirs === undefined) expect(storedFirstBlock(text)).toBe(true);
          if (typeof value === 'string') {
            // Text comes back as it was; JSON text as its JSON data; text whose bytes read as a CBOR byte string is
            // text here, where their decode() shows a Buffer object.
            expect([value, theirs]).toContain(decoded.text);
            return;
          }
          if (theirs !== undefined) expect(decoded.text).toBe(theirs);
          if ([0, ''].includes(value as never)) expect(decoded.kind).toBe('text');
          // -0 comes back as 0, as JSON.stringify writes it: the data is compared as its JSON.
          else
            expect(decoded).toEqual({
              kind: 'cbor',
              data: JSON.parse(JSON.stringify(value)),
              text: JSON.stringify(value),
            });
        }),
        fuzzParams(RUNS.ours),
      );
    },
    fuzzTimeout,
  );

  it(
    'JSON data they encode decodes to the same JSON, or is refused with a stable code',
    () => {
      fc.assert(
        fc.property(fc.dictionary(fc.string(), jsonArb, { maxKeys: 6 }), (value) => {
          if (Object.keys(value).some((k) => FORBIDDEN.has(k))) return;
          const text = mosip.generateQRData(JSON.stringify(value));
          const decoded = decode(text);
          if (typeof decoded === 'string') {
            // cbor-web writes numbers that fit a float32 (1.5) or -0 as float32/float16: refused on purpose.
            expect(decoded).toBe('ERR_PIXELPASS_CBOR_INVALID');
            return;
          }
          expect(decoded.text).toBe(JSON.stringify(value));
          const theirs = theirDecode(text);
          if (theirs === undefined) expect(storedFirstBlock(text)).toBe(true);
          else expect(decoded.text).toBe(theirs);
        }),
        fuzzParams(RUNS.theirs),
      );
    },
    fuzzTimeout,
  );

  it(
    'mutated PixelPass texts decode within the budgets or throw a typed error',
    () => {
      const seeds = [
        encodePixelPass({ name: 'Asha Rao', dose: 1, doses: [1, 2], ok: true, x: null, f: 0.25 }),
        encodePixelPass('text, not JSON'),
        mosip.generateQRData('{"temp":15}'),
      ];
      fc.assert(
        fc.property(fc.constantFrom(...seeds), mutationsArb, (seed, mutations) => {
          const mutated = new TextDecoder('latin1').decode(mutate(utf8Encode(seed), mutations));
          const out = decode(mutated);
          if (typeof out !== 'string') expect(out.text.length).toBeLessThanOrEqual(65_536 * 6);
        }),
        fuzzParams(RUNS.mutated),
      );
    },
    fuzzTimeout,
  );

  it(
    'mutated zlib streams and CBOR payloads (re-encoded as Base45) decode or throw a typed error',
    () => {
      const payload = encodeCborValue([1, 'two', true, null, [[[]]]]);
      const seeds = [base45Decode(encodePixelPass({ a: [1, { b: 'c' }] })), deflateZlib(payload)];
      fc.assert(
        fc.property(fc.constantFrom(...seeds), mutationsArb, (seed, mutations) => {
          decode(base45Encode(mutate(seed, mutations)));
        }),
        fuzzParams(RUNS.stream),
      );
    },
    fuzzTimeout,
  );

  it(
    'random Base45 text and random bytes as zlib payloads decode or throw a typed error',
    () => {
      const base45 = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'.split('')) });
      fc.assert(
        fc.property(
          fc.oneof(
            base45,
            fc.uint8Array({ maxLength: 256 }).map((b) => base45Encode(deflateZlib(b))),
          ),
          (text) => {
            decode(`NCF${text}`);
            decode(text);
          },
        ),
        fuzzParams(RUNS.random),
      );
    },
    fuzzTimeout,
  );
});
