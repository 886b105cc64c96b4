import { describe, expect, it } from 'vitest';
import { decodeDivocQr, DivocQrUnsafeJsonError, encodeDivocQr, isQrError, verifyDivocQr } from '../src/index.js';
import { divocTrustStore, vectorText } from './helpers.js';
import { thrownBy } from '../../../test/support/errors.js';

// "What was signed is what is read": the certificate JSON inside a DIVOC QR (ZIP or plain JSON) is read strictly, so
// `"name":"Evil", …, "name":"Bhaya Mitra"` (JSON.parse keeps the last, signed, value) fails decode.

const now = new Date('2022-01-01T00:00:00Z');
const CERTIFICATE = vectorText('divoc/signed/rsa2018-divocdev-valid.json');
const NAME = '"name": "Bhaya Mitra"';
const duplicated = CERTIFICATE.replace(NAME, `"name": "Evil", ${NAME}`);
const proto = CERTIFICATE.replace('"credentialSubject": {', '"credentialSubject": {"__proto__": {"name": "Evil"}, ');

describe('DIVOC QR: duplicate and forbidden JSON members', () => {
  it('the vector holds the member the tampering targets', () => {
    expect(CERTIFICATE).toContain(NAME);
    expect(duplicated).not.toBe(CERTIFICATE);
    expect(proto).not.toBe(CERTIFICATE);
  });

  it('control: the untampered certificate, zipped as DIVOC does and as plain JSON, verifies', async () => {
    for (const qr of [encodeDivocQr(CERTIFICATE), CERTIFICATE]) {
      const result = await verifyDivocQr(qr, { trust: divocTrustStore(), now });
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
      expect(result.valid).toBe(true);
    }
  });

  it.each([
    ['a duplicated "name" (attacker value first)', duplicated, 'ERR_JSON_DUPLICATE_KEY'],
    ['a "__proto__" member', proto, 'ERR_JSON_FORBIDDEN_KEY'],
  ])('%s fails decode with its JSON code, zipped and as plain JSON', async (_label, json, code) => {
    for (const qr of [encodeDivocQr(json), json]) {
      const result = await verifyDivocQr(qr, { trust: divocTrustStore(), now });
      expect(result.valid).toBe(false);
      expect(result.checks).toEqual([
        { name: 'decode', ok: false, code, message: expect.stringContaining('$.credentialSubject.') },
      ]);
      const thrown = thrownBy(() => decodeDivocQr(qr));
      expect(thrown).toBeInstanceOf(DivocQrUnsafeJsonError);
      expect(isQrError(thrown)).toBe(true);
    }
  });
});
