/**
 * Payloads that begin with a UTF-8 byte-order mark (EF BB BF before `{`): real issuers produce them (.NET's default
 * UTF-8 encoder; health-cards-dev-tools reports it as an issuer error since 2021). RFC 8259 §8.1 lets a parser ignore
 * it, and the signature covers the deflated bytes with the BOM, so the card is read and judged by its signature.
 * A BOM anywhere else (twice, after whitespace, between tokens, before the header JSON) stays an error.
 */
import { describe, expect, it } from 'vitest';
import { base64urlEncode, deflateRaw, utf8Encode } from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { decodeShc, issueShc, verifyShc } from '@divoc/shc';
import { EXAMPLE_ISSUER, exampleSigningKey, exampleStore } from './helpers.js';
import { vaccinationRecord } from './fixtures.js';
import { concat } from '../../../test/support/bytes.js';

const { kid, keyPair, signer } = exampleSigningKey();
const now = new Date('2025-01-01T00:00:00Z');
const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);

/** Signs raw payload bytes as an issuer would (the example issuer's key): header, DEFLATE, ES256 over both. */
async function signBytes(
  payload: Uint8Array,
  header: Uint8Array = utf8Encode(JSON.stringify({ alg: 'ES256', zip: 'DEF', kid })),
) {
  const signingInput = `${base64urlEncode(header)}.${base64urlEncode(deflateRaw(payload))}`;
  const signature = await signer.sign(utf8Encode(signingInput));
  return `${signingInput}.${base64urlEncode(signature)}`;
}

async function payloadJson(): Promise<string> {
  const credential = buildCredential('vaccination-v2', vaccinationRecord, { issuer: 'https://divoc.dev/' });
  const card = await issueShc(credential, {
    signer,
    key: keyPair,
    issuer: EXAMPLE_ISSUER,
    nbf: new Date('2024-03-01T10:00:00Z'),
  });
  return JSON.stringify(card.payload);
}

const codes = (result: { checks: { name: string; ok: boolean; code?: string }[] }) =>
  result.checks.filter((c) => !c.ok).map((c) => `${c.name}:${c.code}`);

describe('SMART Health Card payload with a UTF-8 byte-order mark', () => {
  it('control: the card without BOM decodes and verifies', async () => {
    const json = await payloadJson();
    const jws = await signBytes(utf8Encode(json));
    expect(decodeShc(jws).payload).toEqual(JSON.parse(json));
    const result = await verifyShc(jws, { trust: exampleStore(), now });
    expect(codes(result)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('decodes (same payload) and verifies by its signature, as a JWS, a shc:/ QR text and a file', async () => {
    const json = await payloadJson();
    const jws = await signBytes(concat(BOM, utf8Encode(json)));
    expect(decodeShc(jws).payload).toEqual(JSON.parse(json));
    const result = await verifyShc(jws, { trust: exampleStore(), now });
    expect(codes(result)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.issuer).toBe(EXAMPLE_ISSUER);
    const { encodeShcQr, createHealthCardFile } = await import('@divoc/shc');
    for (const input of [encodeShcQr(jws), createHealthCardFile(jws)]) {
      expect((await verifyShc(input, { trust: exampleStore(), now })).valid).toBe(true);
    }
  });

  it('a BOM card is judged by its signature: a signature over other bytes fails with the usual code', async () => {
    const json = await payloadJson();
    const good = await signBytes(concat(BOM, utf8Encode(json)));
    // The same JSON without the BOM under the BOM card's signature: the signed bytes differ, so it must fail.
    const withoutBom = await signBytes(utf8Encode(json));
    const forged = `${withoutBom.split('.').slice(0, 2).join('.')}.${good.split('.')[2]}`;
    const result = await verifyShc(forged, { trust: exampleStore(), now });
    expect(codes(result)).toEqual(['signature:ERR_SHC_SIGNATURE_INVALID']);
    // …and a changed value under a BOM fails too, while the untouched BOM card verifies (control).
    const changed = await signBytes(concat(BOM, utf8Encode(json.replace('"nbf":', '"nbf":1,"x":'))));
    const swapped = `${changed.split('.').slice(0, 2).join('.')}.${good.split('.')[2]}`;
    const bad = await verifyShc(swapped, { trust: exampleStore(), now });
    expect(bad.valid).toBe(false);
    expect(codes(bad)).toEqual(['signature:ERR_SHC_SIGNATURE_INVALID']);
    expect((await verifyShc(good, { trust: exampleStore(), now })).valid).toBe(true);
  });

  it('BOM + garbage fails to decode with the usual payload code (control: BOM + JSON decodes)', async () => {
    const json = await payloadJson();
    expect(() => decodeShc(signedSync(concat(BOM, utf8Encode(json))))).not.toThrow();
    for (const garbage of ['not json', '{"iss":', '', '\u0000{}', '[]']) {
      const jws = await signBytes(concat(BOM, utf8Encode(garbage)));
      expect(() => decodeShc(jws), garbage).toThrow(expect.objectContaining({ code: 'ERR_SHC_PAYLOAD_INVALID' }));
      const result = await verifyShc(jws, { trust: exampleStore(), now });
      expect(codes(result), garbage).toEqual(['decode:ERR_SHC_PAYLOAD_INVALID']);
    }
  });

  it('a BOM anywhere else stays an error: twice, after whitespace, between tokens, before the header', async () => {
    const json = await payloadJson();
    const bomText = '\uFEFF';
    const cases: Array<[string, Uint8Array]> = [
      ['two BOMs', concat(BOM, BOM, utf8Encode(json))],
      ['space then BOM', concat(utf8Encode(' '), BOM, utf8Encode(json))],
      ['BOM between tokens', utf8Encode(json.replace('{"iss"', `{${bomText}"iss"`))],
      ['BOM at the end', concat(utf8Encode(json), BOM)],
    ];
    for (const [label, bytes] of cases) {
      const jws = await signBytes(bytes);
      expect(() => decodeShc(jws), label).toThrow(expect.objectContaining({ code: 'ERR_SHC_PAYLOAD_INVALID' }));
      expect(codes(await verifyShc(jws, { trust: exampleStore(), now })), label).toEqual([
        'decode:ERR_SHC_PAYLOAD_INVALID',
      ]);
    }
    const header = concat(BOM, utf8Encode(JSON.stringify({ alg: 'ES256', zip: 'DEF', kid })));
    const badHeader = await signBytes(utf8Encode(json), header);
    expect(() => decodeShc(badHeader)).toThrow(expect.objectContaining({ code: 'ERR_SHC_JWS_MALFORMED' }));
    // Control: a BOM character inside a string value is data, not a byte-order mark; the card decodes.
    const inValue = await signBytes(
      utf8Encode(json.replace('"fhirVersion":"4.0.1"', `"fhirVersion":"4.0.1${bomText}"`)),
    );
    expect(decodeShc(inValue).payload.vc.credentialSubject.fhirVersion).toBe(`4.0.1${bomText}`);
  });
});

/** Decoding does not look at the signature: any 64 bytes make a well-formed JWS. */
function signedSync(payload: Uint8Array): string {
  const header = base64urlEncode(utf8Encode(JSON.stringify({ alg: 'ES256', zip: 'DEF', kid })));
  return `${header}.${base64urlEncode(deflateRaw(payload))}.${base64urlEncode(new Uint8Array(64))}`;
}
