import { describe, expect, it } from 'vitest';
import { base64Decode, parseCertificate, verifyCmsDetachedSignature, type X509CertificateInfo } from '@divoc/keys';
import { FIXTURES } from './cms-fixtures.js';

const bytes = (b64: string): Uint8Array => base64Decode(b64);
const content = bytes(FIXTURES.content);
const taEc = parseCertificate(bytes(FIXTURES.taEc));
const taRsa = parseCertificate(bytes(FIXTURES.taRsa));

async function check(cms: string, signed: Uint8Array, keys: readonly X509CertificateInfo[]) {
  return verifyCmsDetachedSignature(bytes(cms), signed, keys);
}

describe('verifyCmsDetachedSignature (CMS SignedData, RFC 5652) against OpenSSL-made signatures', () => {
  it.each([
    ['ECDSA with signed attributes', 'ec', 'ec'],
    ['ECDSA without signed attributes', 'ecNoAttributes', 'ec'],
    ['RSA PKCS#1 v1.5', 'rsa', 'rsa'],
    ['RSASSA-PSS', 'rsaPss', 'rsa'],
    ['ECDSA SHA-384, content embedded', 'ecEmbeddedSha384', 'ec'],
  ] as const)('%s verifies with its signer key, and with no other', async (_name, fixture, signer) => {
    const right = signer === 'ec' ? taEc : taRsa;
    const wrong = signer === 'ec' ? taRsa : taEc;
    const ok = await check(FIXTURES[fixture], content, [wrong, right]);
    expect(ok).toMatchObject({ valid: true });
    expect(ok.valid && ok.signer).toBe(right);
    expect(await check(FIXTURES[fixture], content, [wrong])).toMatchObject({
      valid: false,
      reason: 'the signature does not verify with any of the given keys',
    });
  });

  it('other content, a changed signature, junk and an empty key list are refused', async () => {
    const other = bytes(FIXTURES.taEc);
    expect((await check(FIXTURES.ec, other, [taEc])).valid).toBe(false);
    expect((await check(FIXTURES.ecNoAttributes, other, [taEc])).valid).toBe(false);
    // Embedded content must be the content the caller checks.
    expect(await check(FIXTURES.ecEmbeddedSha384, other, [taEc])).toMatchObject({
      valid: false,
      reason: 'the embedded content is not the signed certificate',
    });
    const flipped = bytes(FIXTURES.rsa);
    flipped[flipped.length - 10]! ^= 0x01;
    expect(await verifyCmsDetachedSignature(flipped, content, [taRsa])).toMatchObject({ valid: false });
    expect(
      await verifyCmsDetachedSignature(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), content, [taEc]),
    ).toMatchObject({ valid: false });
    expect(await verifyCmsDetachedSignature(new TextEncoder().encode('junk signature'), content, [taEc])).toMatchObject(
      { valid: false },
    );
    expect(await verifyCmsDetachedSignature(new Uint8Array(), content, [taEc])).toMatchObject({
      valid: false,
      reason: 'the signature is empty',
    });
    expect(await check(FIXTURES.ec, content, [])).toMatchObject({
      valid: false,
      reason: 'no key to check the signature with',
    });
  });

  it('a CMS whose message-digest attribute is for other content is refused', async () => {
    // Same signed attributes, re-signed nowhere: swap the content and the digest no longer matches.
    const result = await check(FIXTURES.rsa, bytes(FIXTURES.taRsa), [taRsa]);
    expect(result).toMatchObject({
      valid: false,
      reason: 'the message-digest attribute does not match the certificate',
    });
  });
});
