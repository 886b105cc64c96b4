/**
 * Property-based fuzzing (fast-check) of the CMS SignedData verification (x509/cms.ts) on the OpenSSL-made messages of
 * cms.test.ts: mutated messages, mutated content, random bytes. verifyCmsDetachedSignature never rejects; a refusal
 * must come from one of its own checks or from the typed CertificateInvalidError of the DER / CMS reading (its
 * reason then reads "malformed CMS SignedData: CMS: …" or "…: DER: …"; anything else, e.g. a TypeError, fails here).
 * A mutated message may still verify only when the mutation missed what the signature covers: the signature value and
 * the signed attributes (which carry the content's digest) must then be the original's. Short runs here;
 * `pnpm fuzz` (scripts/fuzz.mjs) runs the same properties with FUZZ_RUNS cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64Decode,
  derChildren,
  DER_TAG,
  MAX_CMS_BYTES,
  parseCertificate,
  readDerOnly,
  verifyCmsDetachedSignature,
  type CmsVerification,
} from '@divoc/keys';
import { FIXTURES as CMS_FIXTURES } from './cms-fixtures.js';
import { fuzzParams, fuzzRuns, fuzzTimeout, mutate, mutationsArb } from '../../../test/fuzz/support.js';

/** Short-run case counts (FUZZ_RUNS replaces them in the long run). */
const RUNS = { mutated: 300, content: 200, random: 300 };

/** The OpenSSL-made fixtures of cms.test.ts, shared with it rather than copied (base64 strings by name). */
const FIXTURES: Record<string, string> = CMS_FIXTURES;
const bytes = (name: string): Uint8Array => {
  const b64 = FIXTURES[name];
  if (!b64) throw new Error(`fixture ${name} not found in cms-fixtures.ts`);
  return base64Decode(b64);
};
const content = bytes('content');
const taEc = parseCertificate(bytes('taEc'));
const taRsa = parseCertificate(bytes('taRsa'));
/** Each message with its signer and a key that did not sign it. */
const MESSAGES = (
  [
    ['ec', taEc, taRsa],
    ['ecNoAttributes', taEc, taRsa],
    ['rsa', taRsa, taEc],
    ['rsaPss', taRsa, taEc],
    ['ecEmbeddedSha384', taEc, taRsa],
  ] as const
).map(([name, right, wrong]) => ({ name, cms: bytes(name), right, wrong }));

/** Every reason a refusal may give: the verifier's own checks, or a CertificateInvalidError of the reading. */
const REASONS = [
  /^the signature is empty$/,
  /^the signature is larger than \d+ bytes$/,
  /^eContentType is [\d.]+, not id-data$/,
  /^the embedded content is not the signed certificate$/,
  /^the message-digest attribute does not match the certificate$/,
  /^no key to check the signature with$/,
  /^the signature does not verify with any of the given keys$/,
  /^malformed CMS SignedData: (CMS|DER): /,
];
function expectTypedRefusal(result: CmsVerification): void {
  expect(result.valid).toBe(false);
  const { reason } = result as { reason: string };
  expect(
    REASONS.some((r) => r.test(reason)),
    `untyped refusal: ${reason}`,
  ).toBe(true);
}

/** What the signature covers besides the content: the SignerInfo's signature value and its signed attributes. */
function signedParts(cms: Uint8Array): string {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const [, wrapped] = derChildren(readDerOnly(cms, 'ContentInfo'));
  const signedData = derChildren(derChildren(wrapped!)[0]!);
  const signerInfo = derChildren(derChildren(signedData[signedData.length - 1]!)[0]!);
  const attributes = signerInfo.find((f) => f.tag === 0xa0);
  const signature = signerInfo.find((f) => f.tag === DER_TAG.OCTET_STRING);
  return `${attributes ? hex(attributes.raw) : '-'} ${hex(signature!.value)}`;
}

/** The field of the original message a byte offset falls in (to report where still-valid mutations landed). */
function fieldAt(cms: Uint8Array, offset: number): string {
  const within = (n: { raw: Uint8Array }) =>
    offset >= n.raw.byteOffset - cms.byteOffset && offset < n.raw.byteOffset - cms.byteOffset + n.raw.length;
  const [, wrapped] = derChildren(readDerOnly(cms, 'ContentInfo'));
  const signedData = derChildren(derChildren(wrapped!)[0]!);
  const names = [
    'version',
    'digestAlgorithms',
    'encapContentInfo',
    ...(signedData.length === 5 ? ['certificates'] : []),
  ];
  for (const [i, field] of signedData.slice(0, -1).entries()) if (within(field)) return `SignedData.${names[i]}`;
  const signerInfo = derChildren(derChildren(signedData[signedData.length - 1]!)[0]!);
  const infoNames = [
    'version',
    'sid',
    'digestAlgorithm',
    ...(signerInfo.some((f) => f.tag === 0xa0) ? ['signedAttrs'] : []),
    'signatureAlgorithm',
    'signature',
    'unsignedAttrs',
  ];
  for (const [i, field] of signerInfo.entries()) if (within(field)) return `SignerInfo.${infoNames[i]}`;
  return 'headers';
}

const short = (b: Uint8Array) => Buffer.from(b.subarray(0, 48)).toString('hex');

describe('verifyCmsDetachedSignature under fuzzing (fast-check)', () => {
  it('the OpenSSL messages verify with their signer key (control)', async () => {
    expect(Object.keys(FIXTURES).length).toBeGreaterThanOrEqual(8);
    for (const m of MESSAGES) {
      expect(await verifyCmsDetachedSignature(m.cms, content, [m.wrong, m.right]), m.name).toMatchObject({
        valid: true,
      });
      expectTypedRefusal(await verifyCmsDetachedSignature(m.cms, content, [m.wrong]));
    }
  });

  it(
    `mutated messages: a typed refusal, or valid only with the signer's key and the signed parts untouched ` +
      `(${fuzzRuns(RUNS.mutated)} cases)`,
    async () => {
      const seen = {
        cases: 0,
        valid: 0,
        unchanged: 0,
        malformed: 0,
        refused: 0,
        validWhere: {} as Record<string, number>,
      };
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: MESSAGES.length - 1 }),
          mutationsArb,
          fc.boolean(),
          async (index, mutations, withWrongKey) => {
            const m = MESSAGES[index]!;
            const cms = mutate(m.cms, mutations);
            seen.cases++;
            const keys = withWrongKey ? [m.wrong] : [m.wrong, m.right];
            const result = await verifyCmsDetachedSignature(cms, content, keys);
            if (!result.valid) {
              seen.refused++;
              if (/^malformed/.test(result.reason)) seen.malformed++;
              expectTypedRefusal(result);
              return;
            }
            seen.valid++;
            if (Buffer.compare(cms, m.cms) === 0) seen.unchanged++;
            else {
              let at = 0;
              while (at < cms.length && cms[at] === m.cms[at]) at++;
              const where = `${m.name}: ${fieldAt(m.cms, at)}`;
              seen.validWhere[where] = (seen.validWhere[where] ?? 0) + 1;
            }
            // Valid: only with the key that signed, and the mutation missed every signed byte.
            expect(withWrongKey, `verified with the wrong key: ${short(cms)}`).toBe(false);
            expect(result.signer).toBe(m.right);
            expect(
              signedParts(cms),
              `signed parts changed but still valid: ${m.name} ${JSON.stringify(mutations)}`,
            ).toBe(signedParts(m.cms));
          },
        ),
        fuzzParams(RUNS.mutated),
      );
      if (process.env.FUZZ_RUNS) console.log('CMS mutated:', seen);
      expect(seen.refused).toBeGreaterThan(0);
    },
    fuzzTimeout,
  );

  it(
    `mutated signed content (the message untouched): never valid (${fuzzRuns(RUNS.content)} cases)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: MESSAGES.length - 1 }), mutationsArb, async (index, mutations) => {
          const m = MESSAGES[index]!;
          const other = mutate(content, mutations);
          fc.pre(Buffer.compare(other, content) !== 0);
          const result = await verifyCmsDetachedSignature(m.cms, other, [m.wrong, m.right]);
          expectTypedRefusal(result);
          expect((result as { reason: string }).reason).toMatch(
            m.name === 'ecEmbeddedSha384'
              ? /embedded content/
              : m.name === 'ecNoAttributes'
                ? /does not verify/
                : /message-digest attribute does not match/,
          );
        }),
        fuzzParams(RUNS.content),
      );
    },
    fuzzTimeout,
  );

  it(
    `random bytes, DER-shaped noise and oversized input: a typed refusal (${fuzzRuns(RUNS.random)} cases)`,
    async () => {
      const noise = fc.oneof(
        fc.uint8Array({ maxLength: 400 }),
        // A ContentInfo SEQUENCE head with a long-form length, then noise.
        fc
          .tuple(
            fc.constantFrom(0x30, 0x31, 0xa0, 0x04, 0x06),
            fc.constantFrom(0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0xff),
            fc.uint8Array({ maxLength: 300 }),
          )
          .map(([t, l, rest]) => Uint8Array.from([t, l, ...rest])),
        // The real SignedData prefix (OID and [0] wrapper) with random contents behind it.
        fc
          .tuple(
            fc.nat({ max: MESSAGES.length - 1 }),
            fc.integer({ min: 2, max: 60 }),
            fc.uint8Array({ maxLength: 300 }),
          )
          .map(([i, keep, rest]) => Uint8Array.from([...MESSAGES[i]!.cms.subarray(0, keep), ...rest])),
        // A whole message's fields shuffled as raw bytes of another message.
        fc
          .tuple(fc.nat({ max: MESSAGES.length - 1 }), fc.nat({ max: MESSAGES.length - 1 }), fc.nat({ max: 1200 }))
          .map(([a, b, at]) => {
            const x = MESSAGES[a]!.cms;
            const y = MESSAGES[b]!.cms;
            const cut = at % Math.min(x.length, y.length);
            return Uint8Array.from([...x.subarray(0, cut), ...y.subarray(cut)]);
          }),
      );
      await fc.assert(
        fc.asyncProperty(noise, async (input) => {
          const result = await verifyCmsDetachedSignature(input, content, [taEc, taRsa]);
          if (result.valid) {
            // Only a splice of a message with itself (or of two identical-so-far prefixes) can still verify.
            expect(
              MESSAGES.some((m) => Buffer.compare(m.cms, input) === 0 || signedParts(m.cms) === signedParts(input)),
              short(input),
            ).toBe(true);
            return;
          }
          expectTypedRefusal(result);
        }),
        fuzzParams(RUNS.random),
      );
      expectTypedRefusal(
        await verifyCmsDetachedSignature(new Uint8Array(MAX_CMS_BYTES + 1).fill(0x30), content, [taEc]),
      );
    },
    fuzzTimeout,
  );
});
