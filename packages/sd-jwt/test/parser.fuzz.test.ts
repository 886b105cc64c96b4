/**
 * Property-based fuzzing (fast-check) of the SD-JWT parser a verifier runs on strangers' data: byte mutations of a real
 * presentation, random disclosure arrays, and random payload `_sd` structures. Only SdJwtError subclasses (with a
 * stable `code`) may come out of parsing; `verifySdJwtVc` never throws and never says VALID for a mutated input.
 * Short runs here; `pnpm fuzz` runs the same properties with FUZZ_RUNS cases.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrustStore } from '@divoc/keys';
import {
  isSdJwtError,
  issueSdJwtVc,
  loadJwtVcIssuerMetadata,
  parseSdJwt,
  presentSdJwtVc,
  resolveDisclosures,
  verifySdJwtVc,
} from '@divoc/sd-jwt';
import { resultOrCode } from '../../../test/support/fuzz.js';
import { fuzzParams, fuzzTimeout, mutate, mutationsArb } from '../../../test/fuzz/support.js';
import { AUDIENCE, b64, holderKey, ISSUED_AT, ISSUER, issuerKey, NONCE, NOW, vaccination } from './helpers.js';

const RUNS = { mutated: 300, disclosures: 300, payloads: 300 };
const CODES = new Set([
  'ERR_SDJWT_INPUT_INVALID',
  'ERR_SDJWT_INPUT_TOO_LARGE',
  'ERR_JSON_DUPLICATE_KEY',
  'ERR_JSON_FORBIDDEN_KEY',
  'ERR_SDJWT_MALFORMED',
  'ERR_SDJWT_HEADER_INVALID',
  'ERR_SDJWT_PAYLOAD_INVALID',
  'ERR_SDJWT_DISCLOSURE_INVALID',
]);

let presentation: string;
let store: TrustStore;

beforeAll(async () => {
  const key = await issuerKey();
  const holder = await holderKey();
  store = new TrustStore();
  loadJwtVcIssuerMetadata(key.metadata, { trust: store });
  const sdJwt = await issueSdJwtVc(vaccination(), {
    signer: key.signer,
    issuer: ISSUER,
    holderPublicKey: holder.jwk,
    issuedAt: ISSUED_AT,
  });
  presentation = await presentSdJwtVc(sdJwt, {
    disclose: ['name', 'birthdate', 'vaccination_date'],
    holderSigner: holder.signer,
    nonce: NONCE,
    audience: AUDIENCE,
    issuedAt: NOW,
  });
});

const parseAll = (text: string) => {
  const parsed = parseSdJwt(text);
  return resolveDisclosures(parsed.issuer.payload, parsed.disclosures);
};

describe('SD-JWT parser fuzz', () => {
  it(
    'mutated presentations: typed errors only, and never VALID unless unchanged',
    async () => {
      // Control: the unmutated presentation verifies.
      const control = await verifySdJwtVc(presentation, {
        trust: store,
        now: NOW,
        keyBinding: { nonce: NONCE, audience: AUDIENCE },
      });
      expect(control.valid).toBe(true);
      const bytes = new TextEncoder().encode(presentation);
      await fc.assert(
        fc.asyncProperty(mutationsArb, async (mutations) => {
          const text = new TextDecoder().decode(mutate(bytes, mutations));
          resultOrCode('parse', () => parseAll(text), isSdJwtError, CODES);
          const result = await verifySdJwtVc(text, {
            trust: store,
            now: NOW,
            keyBinding: { nonce: NONCE, audience: AUDIENCE },
          });
          if (text.trim() !== presentation) expect(result.valid).toBe(false);
        }),
        fuzzParams(RUNS.mutated),
      );
    },
    fuzzTimeout,
  );

  it('random disclosures appended: typed errors only', () => {
    const jwt = presentation.split('~')[0]!;
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.jsonValue(), fc.string()), { maxLength: 5 }), (values) => {
        const text = `${jwt}~${values.map((v) => b64(v)).join('~')}~`;
        resultOrCode('parse', () => parseAll(text), isSdJwtError, CODES);
      }),
      fuzzParams(RUNS.disclosures),
    );
  });

  it('random payload structures with _sd and "..." members: typed errors only, no prototype pollution', () => {
    const digestish = fc.oneof(fc.string(), fc.constant('x'), fc.integer());
    const node: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue(),
        fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('_sd', '...', '_sd_alg', '__proto__')), tie('value')),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.record({ _sd: fc.array(digestish, { maxLength: 4 }) }),
        fc.record({ '...': digestish }),
      ),
    })).value;
    fc.assert(
      fc.property(fc.dictionary(fc.string(), node), fc.array(fc.jsonValue(), { maxLength: 3 }), (payload, values) => {
        const disclosures = values.flatMap((value, i) => {
          const encoded = b64([`salt${i}`, `claim${i}`, value]);
          try {
            return [parseSdJwt(`${presentation.split('~')[0]}~${encoded}~`).disclosures[0]!];
          } catch (error) {
            // A value the strict parser refuses (a "prototype" member, say): refused with a typed error, and left out.
            expect(isSdJwtError(error), String(error)).toBe(true);
            return [];
          }
        });
        resultOrCode('resolve', () => resolveDisclosures(payload, disclosures), isSdJwtError, CODES);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      fuzzParams(RUNS.payloads),
    );
  });
});
