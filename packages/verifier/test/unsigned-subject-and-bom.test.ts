/**
 * Real certificates `verify` must read and judge (issue 15): DIVOC certificates with a relative
 * `credentialSubject.id` (read, INVALID with ERR_VC_SUBJECT_ID_UNSIGNED, in every format that carries a W3C VC), and
 * SMART Health Cards whose payload begins with a UTF-8 byte-order mark (read and judged by the signature).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  base64urlEncode,
  createSigner,
  deflateRaw,
  didKeyFromKeyPair,
  generateKeyPair,
  jwkThumbprint,
  toTrustListEntry,
  utf8Encode,
  verificationMethodId,
  type KeyPair,
  type Signer,
} from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { encodeCompactCredential, issueCredential, type SignedCredential, type UnsignedCredential } from '@divoc/vc';
import { encodeDivocQr } from '@divoc/qr';
import { encodeShcQr, exportIssuerJwks, issueShc } from '@divoc/shc';
import { Trust, verify, type CredentialFormat } from '@divoc/verifier';
import { outline, vaccinationRecord } from './helpers.js';
import { loader, unsafeSigner } from '../../vc/test/unsafe-signer.js';

const now = new Date('2021-07-01T00:00:00Z');
const SHC_ISS = 'https://divoc.example/shc';
/** eddsa-rdfc-2022, canonicalised as a signer without JSON-LD safe mode does it (relative IRIs silently dropped). */
const unsafeSuite = unsafeSigner('eddsa-rdfc-2022');

let trust: Trust;
let vcKey: KeyPair;
let vcSigner: Signer;
let shcKey: KeyPair;
let shcSigner: Signer;

beforeAll(async () => {
  trust = new Trust();
  vcKey = await generateKeyPair('Ed25519');
  vcSigner = createSigner(vcKey, { id: verificationMethodId(vcKey) });
  trust.add(JSON.stringify(toTrustListEntry(vcKey, { id: vcSigner.id, controller: didKeyFromKeyPair(vcKey) })));
  shcKey = await generateKeyPair('P-256');
  shcSigner = createSigner(shcKey, { id: jwkThumbprint(shcKey) });
  trust.addWellKnown({ jwks: exportIssuerJwks([shcKey]), crls: [], issuer: SHC_ISS, name: 'Example SHC issuer' });
}, 30_000);

async function divocWithSubjectId(id: string): Promise<SignedCredential> {
  const unsigned = buildCredential('vaccination-v2', vaccinationRecord, {
    issuer: didKeyFromKeyPair(vcKey),
    issuanceDate: '2021-05-03T12:00:00Z',
  }) as UnsignedCredential;
  const credential = { ...unsigned, credentialSubject: { ...(unsigned.credentialSubject as object), id } };
  return issueCredential(credential as UnsignedCredential, {
    signer: vcSigner,
    suite: unsafeSuite,
    documentLoader: loader,
    created: '2021-05-03T12:00:00Z',
  });
}

const inputs = (credential: SignedCredential): Array<[CredentialFormat, unknown]> => [
  ['w3c-vc', credential],
  ['vc-compact', encodeCompactCredential(credential)],
  ['divoc-qr', encodeDivocQr(credential)],
];

describe('DIVOC certificate with a relative credentialSubject.id, through verify()', () => {
  it.each(['did:in.gov.uidai.aadhaar:2342343334', 'urn:uuid:0b7e6c1a-58a1-4d8e-9f44-2f1c3a5d7e90'])(
    'control: an absolute id (%s) is VALID in every format',
    async (id) => {
      const credential = await divocWithSubjectId(id);
      for (const [format, input] of inputs(credential)) {
        const result = await verify(input as string, { trust, now });
        expect(result.format, format).toBe(format);
        expect(
          result.checks.filter((c) => !c.ok),
          format,
        ).toEqual([]);
        expect(result.valid, format).toBe(true);
      }
    },
  );

  it.each(['Aadhaar-XXXX', '123'])('"%s": read (decode ok) and INVALID with ERR_VC_SUBJECT_ID_UNSIGNED', async (id) => {
    const credential = await divocWithSubjectId(id);
    for (const [format, input] of inputs(credential)) {
      const result = await verify(input as string, { trust, now });
      expect(result.format, format).toBe(format);
      expect(result.valid, format).toBe(false);
      const checks = outline(result.checks);
      expect(checks[0], format).toBe('decode:ok');
      expect(checks, format).toContain('signature:ERR_VC_SUBJECT_ID_UNSIGNED');
      // Decoded and summarised: the person is shown with the failure, not lost in a decode error.
      expect(result.summary.name, format).toBe('Bhaya Mitra');
      expect(result.issuer, format).toBeNull();
    }
  });

  it('the subject is unsigned: another id or name keeps the result; changed evidence breaks the proof', async () => {
    const credential = await divocWithSubjectId('Aadhaar-XXXX');
    const base = outline((await verify(credential, { trust, now })).checks);
    const subject = credential.credentialSubject as Record<string, unknown>;
    for (const change of [{ id: 'Aadhaar-YYYY' }, { name: 'Someone Else' }]) {
      const forged = { ...credential, credentialSubject: { ...subject, ...change } };
      expect(outline((await verify(forged, { trust, now })).checks), JSON.stringify(change)).toEqual(base);
    }
    const evidence = (credential.evidence as Record<string, unknown>[]).map((e) => ({ ...e, dose: 2 }));
    const tampered = outline((await verify({ ...credential, evidence }, { trust, now })).checks);
    expect(tampered).toContain('signature:ERR_VC_SIGNATURE_INVALID');
    expect(tampered).not.toContain('signature:ERR_VC_SUBJECT_ID_UNSIGNED');
  });
});

describe('SMART Health Card payload with a UTF-8 byte-order mark, through verify()', () => {
  async function card(payload: Uint8Array): Promise<string> {
    const header = base64urlEncode(
      utf8Encode(JSON.stringify({ alg: 'ES256', zip: 'DEF', kid: jwkThumbprint(shcKey) })),
    );
    const signingInput = `${header}.${base64urlEncode(deflateRaw(payload))}`;
    return `${signingInput}.${base64urlEncode(await shcSigner.sign(utf8Encode(signingInput)))}`;
  }
  async function payloadJson(): Promise<string> {
    const credential = buildCredential('vaccination-v2', vaccinationRecord, { issuer: didKeyFromKeyPair(vcKey) });
    const issued = await issueShc(credential, {
      signer: shcSigner,
      key: shcKey,
      issuer: SHC_ISS,
      nbf: new Date('2021-05-04T00:00:00Z'),
    });
    return JSON.stringify(issued.payload);
  }
  const BOM = [0xef, 0xbb, 0xbf];

  it('with and without BOM: decoded and VALID, issuer named from the trust (QR text and JWS)', async () => {
    const json = await payloadJson();
    for (const bytes of [utf8Encode(json), new Uint8Array([...BOM, ...utf8Encode(json)])]) {
      const jws = await card(bytes);
      for (const input of [jws, ...encodeShcQr(jws)]) {
        const result = await verify(input, { trust, now });
        expect(result.format).toBe('shc');
        expect(result.checks.filter((c) => !c.ok)).toEqual([]);
        expect(result.valid).toBe(true);
        expect(result.issuerName).toBe('Example SHC issuer');
      }
    }
  });

  it('BOM + garbage, or two BOMs: decode fails with ERR_SHC_PAYLOAD_INVALID', async () => {
    const json = await payloadJson();
    for (const bytes of [
      new Uint8Array([...BOM, ...utf8Encode('not json')]),
      new Uint8Array([...BOM, ...BOM, ...utf8Encode(json)]),
    ]) {
      const result = await verify(await card(bytes), { trust, now });
      expect(result.valid).toBe(false);
      expect(outline(result.checks)).toEqual(['decode:ERR_SHC_PAYLOAD_INVALID']);
    }
  });

  it('a BOM card signed by another key is a bad signature, as without BOM', async () => {
    const json = await payloadJson();
    const jws = await card(new Uint8Array([...BOM, ...utf8Encode(json)]));
    const other = createSigner(await generateKeyPair('P-256'), { id: 'x' });
    const [header, payload] = jws.split('.');
    const forged = `${header}.${payload}.${base64urlEncode(await other.sign(utf8Encode(`${header}.${payload}`)))}`;
    const result = await verify(forged, { trust, now });
    expect(result.valid).toBe(false);
    expect(outline(result.checks)).toContain('signature:ERR_SHC_SIGNATURE_INVALID');
  });
});
