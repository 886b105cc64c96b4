import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeShc,
  decodeShcQr,
  encodeShcQr,
  readHealthCardFile,
  verifyShc,
  parseRevocationList,
  isRevoked,
} from '@divoc/shc';
import { inflateRawSync } from 'node:zlib';
import {
  EXAMPLE_ISSUER,
  EXAMPLES,
  VECTORS,
  exampleStore,
  exampleStoreWithoutX5c,
  vector,
  vectorJson,
} from './helpers.js';

const files = readdirSync(new URL('examples/', VECTORS));
const qrFiles = (ex: string) => files.filter((f) => f.startsWith(`example-${ex}-f-qr-code-numeric-value-`)).sort();
const jwsOf = (ex: string) => vector(`examples/example-${ex}-d-jws.txt`).trim();
const now = new Date('2025-01-01T00:00:00Z');

describe('SMART Health Card spec examples', () => {
  it('has the expected vector files', () => {
    expect(EXAMPLES.map((ex) => qrFiles(ex).length)).toEqual([1, 1, 3]);
  });

  for (const ex of EXAMPLES) {
    describe(`example-${ex}`, () => {
      it('each numeric QR text decodes to exactly the JWS', () => {
        const texts = qrFiles(ex).map((f) => vector(`examples/${f}`));
        expect(decodeShcQr(texts.length === 1 ? texts[0]! : texts)).toBe(jwsOf(ex));
        expect(decodeShc(texts.length === 1 ? texts[0]! : texts).jws).toBe(jwsOf(ex));
      });

      it('our QR encoding of the JWS equals the published numeric texts', () => {
        const texts = qrFiles(ex).map((f) => vector(`examples/${f}`).trim());
        expect(encodeShcQr(jwsOf(ex))).toEqual(texts);
      });

      it('the inflated payload equals the minified payload file byte for byte', () => {
        const payloadPart = jwsOf(ex).split('.')[1]!;
        const inflated = inflateRawSync(Buffer.from(payloadPart, 'base64url')).toString('utf8');
        expect(inflated).toBe(vector(`examples/example-${ex}-c-jws-payload-minified.json`).trim());
        expect(decodeShc(jwsOf(ex)).payload).toEqual(vectorJson(`examples/example-${ex}-c-jws-payload-minified.json`));
      });

      it('the payload bundle equals the published FHIR bundle', () => {
        expect(decodeShc(jwsOf(ex)).payload.vc.credentialSubject.fhirBundle).toEqual(
          vectorJson(`examples/example-${ex}-a-fhirBundle.json`),
        );
      });

      it('the .smart-health-card file decodes (text, bytes and parsed)', () => {
        const text = vector(`examples/example-${ex}-e-file.smart-health-card`);
        expect(readHealthCardFile(text)).toEqual([jwsOf(ex)]);
        expect(decodeShc(text).jws).toBe(jwsOf(ex));
        expect(decodeShc(new TextEncoder().encode(text)).jws).toBe(jwsOf(ex));
        expect(decodeShc(JSON.parse(text)).jws).toBe(jwsOf(ex));
      });

      it('verifies against the issuer JWKS (signature ok) with fractional nbf', async () => {
        const result = await verifyShc(jwsOf(ex), { trust: exampleStoreWithoutX5c(), now });
        expect(result.checks).toEqual([
          { name: 'decode', ok: true },
          { name: 'signature', ok: true },
          { name: 'trust', ok: true },
          { name: 'validity', ok: true },
        ]);
        expect(result.valid).toBe(true);
        expect(result.issuer).toBe(EXAMPLE_ISSUER);
        expect(Number.isInteger(result.payload!.nbf)).toBe(false);
      });
    });
  }

  it('examples 00 and 02 verify against the full published JWKS', async () => {
    for (const ex of ['00', '02']) {
      const result = await verifyShc(jwsOf(ex), { trust: exampleStore(), now });
      expect(result.valid, ex).toBe(true);
      expect(result.keyId).toBe('3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s');
    }
  });

  it('example-01 is signed by the x5c key after its certificate expired: trust fails, signature holds', async () => {
    // The leaf certificate in the published JWKS is valid 2021-06-01..2022-06-01; the card's nbf is 2023-06-22.
    const result = await verifyShc(jwsOf('01'), { trust: exampleStore(), now });
    expect(result.checks.find((c) => c.name === 'signature')).toEqual({ name: 'signature', ok: true });
    expect(result.checks.find((c) => c.name === 'trust')).toMatchObject({ ok: false, code: 'ERR_SHC_KEY_EXPIRED' });
    expect(result.valid).toBe(false);
  });

  it('the 3-chunk card reassembles in any order', () => {
    const texts = qrFiles('02').map((f) => vector(`examples/${f}`));
    const orders = [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
      [2, 0, 1],
      [1, 0, 2],
      [0, 2, 1],
    ];
    for (const order of orders) expect(decodeShcQr(order.map((i) => texts[i]!))).toBe(jwsOf('02'));
  });

  it('verifies chunked QR input directly (shuffled)', async () => {
    const texts = qrFiles('02').map((f) => vector(`examples/${f}`));
    const result = await verifyShc([texts[2]!, texts[0]!, texts[1]!], { trust: exampleStore(), now });
    expect(result.valid).toBe(true);
  });

  describe('example revocation list', () => {
    const crl = parseRevocationList(
      vectorJson('examples/issuer/.well-known/crl/3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json'),
    );

    it('parses', () => {
      expect(crl.kid).toBe('3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s');
      expect(crl.rids).toHaveLength(4);
    });

    it('does not revoke example-00 (rid MKyCxh7p6uQ)', async () => {
      const result = await verifyShc(jwsOf('00'), { trust: exampleStore(), now, revocationLists: [crl] });
      expect(result.checks.at(-1)).toEqual({ name: 'revocation', ok: true });
      expect(result.valid).toBe(true);
    });

    it('applies bare and timestamped entries', () => {
      expect(isRevoked('FKDIxsTCGlU', crl, 0)).toBe(true);
      expect(isRevoked('FKDIxsTCGlU', crl, 9e9)).toBe(true);
      // vwAjHdarZuc.1687450765: revoked when issued before that second (examples were issued at 1687450764.656).
      expect(isRevoked('vwAjHdarZuc', crl, 1687450764.656)).toBe(true);
      expect(isRevoked('vwAjHdarZuc', crl, 1687450765)).toBe(false);
      expect(isRevoked('vwAjHdarZuc', crl, new Date('2024-01-01T00:00:00Z'))).toBe(false);
      expect(isRevoked('MKyCxh7p6uQ', crl, 1687450764.656)).toBe(false);
    });

    it('example-01 has no rid: revocation check passes with a note', async () => {
      const result = await verifyShc(jwsOf('01'), {
        trust: exampleStoreWithoutX5c(),
        now,
        revocationLists: [{ ...crl, kid: 'EBKOr72QQDcTBUuVzAzkfBTGew0ZA16GuWty64nS-sw' }],
      });
      expect(result.checks.at(-1)).toEqual({ name: 'revocation', ok: true, message: 'card has no rid' });
    });
  });
});

describe('detectShc', () => {
  it('recognises every published form and nothing else', async () => {
    const { detectShc } = await import('@divoc/shc');
    for (const ex of EXAMPLES) {
      expect(detectShc(jwsOf(ex))).toBe(true);
      expect(detectShc(vector(`examples/example-${ex}-e-file.smart-health-card`))).toBe(true);
      expect(detectShc(new TextEncoder().encode(vector(`examples/example-${ex}-e-file.smart-health-card`)))).toBe(true);
      for (const f of qrFiles(ex)) expect(detectShc(vector(`examples/${f}`))).toBe(true);
    }
    for (const other of [
      'HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N',
      '{"@context":[]}',
      'eyJhbGciOiJFZERTQSJ9.e30.sig',
      '',
      'shc',
      '{}',
    ]) {
      expect(detectShc(other), other).toBe(false);
    }
    expect(detectShc(42 as never)).toBe(false);
  });
});
