/**
 * Property-based fuzzing (fast-check) of the SMART Health Card parsers a verifier runs on strangers' data: the
 * `shc:/` numeric QR decoding (digits → JWS, chunked `shc:/C/N/` sets), the compact JWS parsing (parse.ts) and the
 * payload inflate/JSON step. References: jose's `decodeProtectedHeader` and `compactVerify` (the header, and whether
 * the signature verifies), node:zlib + JSON.parse on the base64url-decoded payload, and an independent digit-pair
 * decoder. Only ShcError subclasses (with a stable `code`) may come out. Short runs here; `pnpm fuzz`
 * (scripts/fuzz.mjs) runs the same properties with FUZZ_RUNS cases.
 */
import { inflateRawSync, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import * as jose from 'jose';
import { describe, expect, it } from 'vitest';
import { buildCredential } from '@divoc/schemas';
import {
  decodeShc,
  decodeShcQr,
  encodeShcQr,
  issueShc,
  isShcError,
  SHC_LIMITS,
  signShcPayload,
  verifyShc,
  type DecodedShc,
} from '@divoc/shc';
import { resultOrCode } from '../../../test/support/fuzz.js';
import { fuzzParams, fuzzRuns, fuzzTimeout, mutate, mutationsArb } from '../../../test/fuzz/support.js';
import { vaccinationRecord } from './fixtures.js';
import { EXAMPLE_ISSUER, exampleSigningKey, exampleStore, issuerJwks, vector, vectorJson } from './helpers.js';

/** Short-run case counts per property (FUZZ_RUNS replaces them in the long run). */
const RUNS = { qrMutated: 300, jwsMutated: 300, headers: 200, payload: 300, digits: 400, chunks: 400 };

/** Every code decodeShc may answer with for hostile input. */
const DECODE_CODES = new Set([
  'ERR_SHC_INPUT_INVALID',
  'ERR_JSON_DUPLICATE_KEY',
  'ERR_JSON_FORBIDDEN_KEY',
  'ERR_SHC_INPUT_TOO_LARGE',
  'ERR_SHC_JWS_MALFORMED',
  'ERR_SHC_HEADER_INVALID',
  'ERR_SHC_INFLATE_FAILED',
  'ERR_SHC_PAYLOAD_INVALID',
  'ERR_SHC_QR_INVALID',
  'ERR_SHC_CHUNKS_INVALID',
  'ERR_SHC_FILE_INVALID',
]);
const QR_CODES = new Set(['ERR_SHC_QR_INVALID', 'ERR_SHC_CHUNKS_INVALID', 'ERR_SHC_INPUT_INVALID']);

// ------------------------------------------------------------------------------------------------ cards

/** The example issuer's key 3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s. */
const { kid: signingKid, keyPair, signer } = exampleSigningKey();
const now = new Date('2025-01-01T00:00:00Z');
const store = exampleStore();

/** jose keys by kid: the example issuer's JWKS. */
const JOSE_KEYS = new Map<string, CryptoKey | Uint8Array>();
for (const { kid, x5c: _x5c, ...jwk } of issuerJwks().keys as unknown as (JsonWebKey & {
  kid: string;
  x5c?: unknown;
})[]) {
  JOSE_KEYS.set(kid, await jose.importJWK(jwk, 'ES256'));
}

// Cards made by the package's own issuing API (one QR, and a chunked set), and the spec's examples.
const issued = await issueShc(buildCredential('vaccination-v2', vaccinationRecord, { issuer: 'https://divoc.dev/' }), {
  signer,
  key: keyPair,
  issuer: EXAMPLE_ISSUER,
  nbf: new Date('2024-03-01T10:00:00Z'),
});
const bigJws = await signShcPayload(vectorJson('examples/example-02-c-jws-payload-minified.json'), {
  signer,
  kid: signingKid,
});
const JWS = [issued.jws, bigJws, ...['00', '01', '02'].map((n) => vector(`examples/example-${n}-d-jws.txt`).trim())];
/** QR sets: each a list of `shc:/` texts (one, or the chunks in order). */
const QR_SETS: string[][] = [
  issued.qr,
  encodeShcQr(bigJws),
  [vector('examples/example-00-f-qr-code-numeric-value-0.txt').trim()],
  [vector('examples/example-01-f-qr-code-numeric-value-0.txt').trim()],
  [0, 1, 2].map((i) => vector(`examples/example-02-f-qr-code-numeric-value-${i}.txt`).trim()),
];
const QR_JWS = [issued.jws, bigJws, JWS[2]!, JWS[3]!, JWS[4]!];

// ------------------------------------------------------------------------------------------------ references

/** Independent digit-pair decoding: pairs 00–77 → '-' … 'z', the result a JWS alphabet string. */
function referenceDigits(digits: string): string | undefined {
  if (!/^(?:\d\d)+$/.test(digits)) return undefined;
  let out = '';
  for (let i = 0; i < digits.length; i += 2) {
    const n = Number(digits.slice(i, i + 2));
    if (n > 77) return undefined;
    out += String.fromCharCode(n + 45);
  }
  return /^[A-Za-z0-9_.-]+$/.test(out) ? out : undefined;
}

/** The payload as node:zlib and JSON.parse read it (base64url by Buffer). */
function referencePayload(jws: string): unknown {
  return JSON.parse(inflateRawSync(Buffer.from(jws.split('.')[1]!, 'base64url')).toString('utf8'));
}

/** decodeShc's answer, or the code of its typed error; anything else fails the property. */
function decodeOrCode(input: string | string[]): DecodedShc | string {
  return resultOrCode('decodeShc', () => decodeShc(input), isShcError, DECODE_CODES);
}

/** A decode agrees with jose (header), node:zlib + JSON.parse (payload). */
function agreeWithReferences(decoded: DecodedShc): void {
  expect(decoded.header).toEqual(jose.decodeProtectedHeader(decoded.jws));
  expect(decoded.payload).toEqual(referencePayload(decoded.jws));
  const inflated = inflateRawSync(Buffer.from(decoded.jws.split('.')[1]!, 'base64url'));
  expect(inflated.length).toBeLessThanOrEqual(SHC_LIMITS.maxInflatedBytes);
}

/** Our verifyShc's signature check against jose.compactVerify with the same key. */
async function signatureAgrees(input: string | string[], decoded: DecodedShc): Promise<void> {
  const key = JOSE_KEYS.get(decoded.header.kid);
  if (!key) return;
  const joseOk = await jose.compactVerify(decoded.jws, key).then(
    () => true,
    () => false,
  );
  const result = await verifyShc(input, { trust: store, now });
  const check = result.checks.find((c) => c.name === 'signature');
  expect(check?.ok ?? false, `signature: jose says ${joseOk}`).toBe(joseOk);
}

type Seen = Record<string, number>;
const count = (seen: Seen, key: string) => (seen[key] = (seen[key] ?? 0) + 1);

// ------------------------------------------------------------------------------------------------ arbitraries

const DIGIT_EDIT = fc.constantFrom(...'0123456789', '00', '77', '78', '99', '/', ' ', 'a', '\n', '-', '');
/** 1–3 edits of a text: replace, insert or delete a character (positions mostly in the numeric part). */
const textEdits = fc.array(
  fc.tuple(fc.nat({ max: 6000 }), DIGIT_EDIT, fc.constantFrom('replace', 'insert', 'delete')),
  { minLength: 1, maxLength: 3 },
);
function edit(text: string, edits: readonly [number, string, string][]): string {
  return edits.reduce((t, [at, c, how]) => {
    const p = at % (t.length + 1);
    if (how === 'delete') return t.slice(0, p) + t.slice(p + 1);
    return t.slice(0, p) + c + t.slice(p + (how === 'replace' ? 1 : 0));
  }, text);
}
const prefixEdit = fc.constantFrom('shc:/', 'SHC:/', ' shc:/', 'shc:', 'shc://', 'shc:/\u0000', 'Shc:/', 'shc:/ ');

const b64 = (data: Uint8Array | string) => Buffer.from(data).toString('base64url');
const JWS_CHARS = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  '.',
  '=',
  '+',
  '/',
  ' ',
  'é',
);

// ------------------------------------------------------------------------------------------------------- tests

describe('SMART Health Card parsers under fuzzing (fast-check, jose and node:zlib as references)', () => {
  it('the cards decode, agree with the references and verify (control)', async () => {
    expect(issued.qr.length).toBe(1);
    expect(QR_SETS[1]!.length).toBeGreaterThan(1);
    for (const [i, set] of QR_SETS.entries()) {
      const decoded = decodeOrCode(set.length === 1 ? set[0]! : set);
      expect(typeof decoded).toBe('object');
      expect((decoded as DecodedShc).jws).toBe(QR_JWS[i]);
      agreeWithReferences(decoded as DecodedShc);
      await signatureAgrees(set, decoded as DecodedShc);
      const result = await verifyShc(set, { trust: store, now });
      expect(result.checks.find((c) => c.name === 'signature')?.ok).toBe(true);
      if (i < 2) expect(result.valid).toBe(true); // ours (the spec examples' trust depends on their x5c dates)
    }
  });

  it(
    `mutated shc:/ QR texts and chunk sets: a typed error, or a decode that agrees with jose and node:zlib ` +
      `(${fuzzRuns(RUNS.qrMutated)} cases)`,
    async () => {
      const seen: Seen = {};
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: QR_SETS.length - 1 }),
          fc.nat({ max: 31 }),
          textEdits,
          fc.option(prefixEdit, { freq: 5 }),
          async (setIndex, which, edits, prefix) => {
            const set = [...QR_SETS[setIndex]!];
            const k = which % set.length;
            let text = edit(set[k]!, edits);
            if (prefix !== null) text = prefix + text.replace(/^shc:\//, '');
            set[k] = text;
            const input = set.length === 1 ? set[0]! : set;
            const got = decodeOrCode(input);
            if (typeof got === 'string') {
              count(seen, got);
              return;
            }
            count(seen, got.jws === QR_JWS[setIndex] ? 'decoded unchanged' : 'decoded changed');
            // The digits decode as the independent decoder reads them.
            if (set.length === 1) expect(got.jws).toBe(referenceDigits(set[0]!.trim().slice(5)));
            agreeWithReferences(got);
            await signatureAgrees(input, got);
          },
        ),
        fuzzParams(RUNS.qrMutated),
      );
      if (process.env.FUZZ_RUNS) console.log('SHC QR mutated:', seen);
    },
    fuzzTimeout,
  );

  it(
    `mutated compact JWS text: a typed error, or jose's header, node:zlib's payload and jose's signature ` +
      `verdict (${fuzzRuns(RUNS.jwsMutated)} cases)`,
    async () => {
      const seen: Seen = {};
      const input = fc.oneof(
        // Character edits anywhere in the JWS.
        fc
          .tuple(
            fc.nat({ max: JWS.length - 1 }),
            fc.array(fc.tuple(fc.nat({ max: 4000 }), JWS_CHARS, fc.constantFrom('replace', 'insert', 'delete')), {
              minLength: 1,
              maxLength: 3,
            }),
          )
          .map(([i, edits]) => edit(JWS[i]!, edits)),
        // A part's bytes mutated and re-encoded (header JSON, deflated payload, signature).
        fc.tuple(fc.nat({ max: JWS.length - 1 }), fc.nat({ max: 2 }), mutationsArb).map(([i, part, m]) => {
          const parts = JWS[i]!.split('.');
          parts[part] = b64(mutate(Buffer.from(parts[part]!, 'base64url'), m));
          return parts.join('.');
        }),
        // Parts swapped, dropped or repeated.
        fc.tuple(fc.nat({ max: JWS.length - 1 }), fc.array(fc.nat({ max: 3 }), { maxLength: 5 })).map(([i, order]) => {
          const parts = JWS[i]!.split('.');
          return order.map((p) => parts[p] ?? '').join('.');
        }),
      );
      await fc.assert(
        fc.asyncProperty(input, async (jws) => {
          const got = decodeOrCode(jws);
          if (typeof got === 'string') {
            count(seen, got);
            return;
          }
          count(seen, 'decoded');
          expect(got.jws).toBe(jws);
          agreeWithReferences(got);
          await signatureAgrees(jws, got);
          // Every decodable JWS round-trips through the QR encoding.
          expect(decodeShcQr(encodeShcQr(jws).length === 1 ? encodeShcQr(jws)[0]! : encodeShcQr(jws))).toBe(jws);
        }),
        fuzzParams(RUNS.jwsMutated),
      );
      if (process.env.FUZZ_RUNS) console.log('SHC JWS mutated:', seen);
      expect(seen.decoded ?? 0).toBeGreaterThan(0);
    },
    fuzzTimeout,
  );

  it(
    `random protected headers: accepted exactly when the SHC profile holds (ES256, DEF, kid, no crit), ` +
      `read as jose reads them (${fuzzRuns(RUNS.headers)} cases)`,
    () => {
      const [, payloadPart, signaturePart] = JWS[0]!.split('.') as [string, string, string];
      const value = fc.oneof(
        fc.constantFrom('ES256', 'DEF', 'none', 'HS256', 'es256', '', 'x'.repeat(257), 'kid-1'),
        fc.string({ maxLength: 8 }),
        fc.integer(),
        fc.constant(null),
        fc.boolean(),
        fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
      );
      const header = fc.dictionary(
        fc.constantFrom('alg', 'zip', 'kid', 'crit', 'typ', 'b64', 'x5c', 'jku', '__proto__', 'constructor'),
        value,
        { maxKeys: 6 },
      );
      const headerText = fc.oneof(
        header.map((h) => JSON.stringify(h)),
        header.map((h) => JSON.stringify({ alg: 'ES256', zip: 'DEF', kid: signingKid, ...h })),
        // Raw text: duplicate members, non-objects, not JSON.
        fc.constantFrom(
          '{"alg":"ES256","zip":"DEF","kid":"k","alg":"none"}',
          '[]',
          'null',
          '"x"',
          '{',
          '{"alg":"ES256","zip":"DEF","kid":"k","__proto__":{}}',
          '\uFEFF{}',
        ),
        fc.string({ maxLength: 40 }),
      );
      const seen: Seen = {};
      fc.assert(
        fc.property(headerText, (text) => {
          const jws = `${b64(text)}.${payloadPart}.${signaturePart}`;
          const got = decodeOrCode(jws);
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const h = parsed as Record<string, unknown> | undefined;
          const profile =
            !!h &&
            typeof h === 'object' &&
            !Array.isArray(h) &&
            h.alg === 'ES256' &&
            h.zip === 'DEF' &&
            typeof h.kid === 'string' &&
            h.kid.length > 0 &&
            h.kid.length <= 256 &&
            h.crit === undefined;
          if (typeof got === 'string') {
            count(seen, got);
            // Refusing a profile header is allowed only for the unsafe-JSON rules (duplicate or forbidden members).
            if (profile) expect(got).toMatch(/^ERR_JSON_/);
            return;
          }
          count(seen, 'decoded');
          expect(profile).toBe(true);
          expect(got.header).toEqual(jose.decodeProtectedHeader(jws));
        }),
        fuzzParams(RUNS.headers),
      );
      if (process.env.FUZZ_RUNS) console.log('SHC headers:', seen);
      expect(seen.decoded ?? 0).toBeGreaterThan(0);
    },
    fuzzTimeout,
  );

  it(
    `payload inflate/JSON: random and mutated deflate streams — node:zlib's reading within the budget, or ` +
      `a typed error (${fuzzRuns(RUNS.payload)} cases)`,
    () => {
      const [headerPart, payloadPart, signaturePart] = JWS[0]!.split('.') as [string, string, string];
      const realDeflated = Buffer.from(payloadPart, 'base64url');
      const json = fc.oneof(
        fc.json({ maxDepth: 3 }),
        fc.constant(JSON.stringify(referencePayload(JWS[0]!))),
        fc.constantFrom(
          '{"iss":"https://x","nbf":1,"vc":{"type":["https://smarthealth.cards#health-card"],"credentialSub' +
            'ject":{"fhirVersion":"4.0.1","fhirBundle":{"resourceType":"Bundle","entry":[]}}}}',
          '{"a":1,"a":2}',
          '',
        ),
      );
      const body = fc.oneof(
        fc.tuple(fc.constant(realDeflated), mutationsArb).map(([d, m]) => mutate(d, m)),
        json.map((t) => new Uint8Array(deflateRawSync(t))),
        fc.tuple(json, mutationsArb).map(([t, m]) => mutate(new Uint8Array(deflateRawSync(t)), m)),
        fc.uint8Array({ maxLength: 200 }),
        // Bombs: runs of one byte, deflated far past the ratio.
        fc
          .tuple(fc.integer({ min: 64 * 1024, max: 1200 * 1024 }), fc.integer({ min: 0, max: 255 }))
          .map(([n, b]) => new Uint8Array(deflateRawSync(Buffer.alloc(n, b), { level: 9 }))),
      );
      const seen: Seen = {};
      fc.assert(
        fc.property(body, (deflated) => {
          const jws = `${headerPart}.${b64(deflated)}.${signaturePart}`;
          const budget = Math.min(
            SHC_LIMITS.maxInflatedBytes,
            Math.max(SHC_LIMITS.inflateFloorBytes, deflated.length * SHC_LIMITS.maxInflateRatio),
          );
          const started = performance.now();
          const got = decodeOrCode(jws);
          expect(performance.now() - started).toBeLessThan(1000);
          let reference: Buffer | undefined;
          try {
            reference = inflateRawSync(deflated, { maxOutputLength: budget + 1 });
          } catch {
            reference = undefined;
          }
          if (typeof got === 'string') {
            count(seen, got);
            // An empty payload part is no compact JWS at all; other inflate failures are ERR_SHC_INFLATE_FAILED.
            if (deflated.length === 0) expect(got).toBe('ERR_SHC_JWS_MALFORMED');
            else if (reference === undefined || reference.length > budget || reference.length === 0)
              expect(got).toBe('ERR_SHC_INFLATE_FAILED');
            return;
          }
          count(seen, 'decoded');
          expect(reference, 'ours inflated what node:zlib refuses').toBeDefined();
          expect(reference!.length).toBeLessThanOrEqual(budget);
          expect(got.payload).toEqual(JSON.parse(reference!.toString('utf8')));
        }),
        fuzzParams(RUNS.payload),
      );
      if (process.env.FUZZ_RUNS) console.log('SHC payloads:', seen);
      expect(seen.decoded ?? 0).toBeGreaterThan(0);
    },
    fuzzTimeout,
  );

  it(
    `random digit strings behind shc:/: the independent digit decoder's JWS, then a typed error ` +
      `(${fuzzRuns(RUNS.digits)} cases)`,
    () => {
      const digits = fc.oneof(
        fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 200 }),
        // Pairs in the valid range only: always a JWS-alphabet string, rarely a JWS.
        fc
          .array(fc.integer({ min: 0, max: 77 }), { maxLength: 120 })
          .map((pairs) => pairs.map((n) => String(n).padStart(2, '0')).join('')),
        fc.string({ unit: fc.constantFrom(...'0123456789/ '), maxLength: 60 }),
        fc.integer({ min: 7000, max: 7200 }).map((n) => '0'.repeat(n)),
      );
      fc.assert(
        fc.property(digits, (d) => {
          const text = `shc:/${d}`;
          let jws: string | undefined;
          try {
            jws = decodeShcQr(text);
          } catch (error) {
            expect(isShcError(error) && QR_CODES.has(error.code), String(error)).toBe(true);
          }
          // The text is trimmed as a whole: blanks after the prefix are not digits.
          if (!d.includes('/'))
            expect(jws).toBe(
              text.length <= SHC_LIMITS.maxQrTextLength ? referenceDigits(text.trim().slice(5)) : undefined,
            );
          const got = decodeOrCode(text);
          expect(typeof got).toBe('string');
        }),
        fuzzParams(RUNS.digits),
      );
    },
    fuzzTimeout,
  );

  it(
    `chunk headers with hostile numbers (0, huge, negative, leading zeros, mismatched counts, duplicates): ` +
      `the JWS only for a genuine set (${fuzzRuns(RUNS.chunks)} cases)`,
    () => {
      const real = QR_SETS[1]!; // our chunked card
      const n = real.length;
      const bodies = real.map((t) => t.split('/').pop()!);
      const number = fc.oneof(
        fc.integer({ min: 0, max: n + 2 }).map(String),
        fc.constantFrom(
          '0',
          '00',
          '000',
          '0001',
          '-1',
          '+1',
          ' 1',
          '1 ',
          '1.0',
          '1e0',
          '33',
          '32',
          '999',
          '1000',
          '4294967297',
          '9'.repeat(30),
          '',
          'NaN',
          '0x1',
          '\u0661',
        ),
        fc.integer({ min: 0, max: 999 }).map((k) => String(k).padStart(3, '0')),
      );
      const chunk = fc
        .tuple(fc.nat({ max: n - 1 }), number, number, fc.boolean())
        .map(([b, i, total, keep]) => ({ text: `shc:/${i}/${total}/${bodies[b]}`, i, total, body: b, keep }));
      const set = fc.oneof(
        // A genuine set with one or two chunk headers replaced, shuffled.
        fc.tuple(fc.array(chunk, { minLength: 1, maxLength: 2 }), fc.nat({ max: 1000 })).map(([edits, seed]) => {
          const texts = [...real];
          for (const e of edits) texts[e.body] = e.keep ? texts[e.body]! : e.text;
          return rotate(texts, seed);
        }),
        // Arbitrary sets of hostile chunks, mixed with a single-card text now and then.
        fc.array(
          fc.oneof(
            { weight: 9, arbitrary: chunk.map((c) => c.text) },
            { weight: 1, arbitrary: fc.constant(QR_SETS[0]![0]!) },
          ),
          { minLength: 0, maxLength: 40 },
        ),
        // The genuine set minus, plus or with a duplicate.
        fc
          .tuple(fc.nat({ max: n - 1 }), fc.constantFrom('drop', 'duplicate'))
          .map(([k, how]) => (how === 'drop' ? real.filter((_, j) => j !== k) : [...real, real[k]!])),
      );
      const seen: Seen = {};
      fc.assert(
        fc.property(set, (texts) => {
          let jws: string | undefined;
          try {
            jws = decodeShcQr(texts);
          } catch (error) {
            expect(isShcError(error) && QR_CODES.has(error.code), String(error)).toBe(true);
            count(seen, (error as { code: string }).code);
          }
          // A complete set: T texts (1 ≤ T ≤ 32), each `shc:/i/T/digits` with i and T decimal (1–3 digits, leading
          // zeros allowed), the indexes 1..T once each. It decodes to the bodies' characters in index order.
          const heads = texts.map((t) => /^shc:\/(\d{1,3})\/(\d{1,3})\/(\d*)$/.exec(t));
          const total = heads[0] ? Number(heads[0][2]) : 0;
          const complete =
            total >= 1 &&
            total <= SHC_LIMITS.maxChunks &&
            texts.length === total &&
            heads.every((h) => h && Number(h[2]) === total && Number(h[1]) >= 1 && Number(h[1]) <= total) &&
            new Set(heads.map((h) => Number(h![1]))).size === total;
          const assembled = complete
            ? [...heads]
                .sort((a, b) => Number(a![1]) - Number(b![1]))
                .map((h) => referenceDigits(h![3]!) ?? '\u0000')
                .join('')
            : undefined;
          // A lone single-card text is a card of its own.
          const single = texts.length === 1 && texts[0] === QR_SETS[0]![0];
          const expected = single ? QR_JWS[0] : assembled?.includes('\u0000') ? undefined : assembled;
          if (jws !== undefined) count(seen, jws === QR_JWS[1] ? 'decoded the card' : 'decoded a part');
          expect(jws).toBe(expected);
          // Only the genuine headers over the genuine bodies give the card.
          if (jws === QR_JWS[1])
            expect(texts.length === n && heads.every((h) => h![3] === bodies[Number(h![1]) - 1])).toBe(true);
        }),
        fuzzParams(RUNS.chunks),
      );
      if (process.env.FUZZ_RUNS) console.log('SHC chunks:', seen);
      expect(seen['decoded the card'] ?? 0).toBeGreaterThan(0);
    },
    fuzzTimeout,
  );
});

function rotate<T>(list: T[], by: number): T[] {
  const k = by % Math.max(1, list.length);
  return [...list.slice(k), ...list.slice(0, k)];
}
