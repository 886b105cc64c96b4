import { constants, sign as nodeSign } from 'node:crypto';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  EncodingError,
  base45Decode,
  base45Encode,
  base64Decode,
  base64Encode,
  base64urlDecode,
  base64urlEncode,
  deflateRaw,
  deflateZlib,
  generateKeyPair,
  gunzipBounded,
  gzip,
  hmacSha256,
  importKeyPair,
  inflateRawBounded,
  inflateZlibBounded,
  isJsonObject,
  sha256,
  trustedKeyFromKeyPair,
  type SignatureAlgorithm,
} from '@divoc/keys';
import { webCryptoVerify } from '../src/sign/webcrypto.js';

describe('runtime-neutral codecs and hashes', () => {
  it('base64 / base64url match Buffer for every length', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 37 + n) & 255);
      expect(base64urlEncode(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      expect(base64Encode(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64urlDecode(Buffer.from(bytes).toString('base64url'))).toEqual(bytes);
      expect(base64Decode(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
    }
  });

  it('base64: strict decoding refuses whitespace and wrong padding; lenient decoding ignores whitespace only', () => {
    const strict = (text: string) => base64Decode(text, { strict: true });
    for (let n = 0; n < 20; n++) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 91 + n) & 255);
      expect(strict(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
    }
    for (const bad of ['QQ', 'QUI', 'QQ=', 'QUJD=', 'QQ ==', ' QQ==', 'QQ==\n', 'Q===', 'QQ=A', 'QQ-_', 'Q\u00e9==']) {
      expect(() => strict(bad), bad).toThrow(EncodingError);
    }
    expect(base64Decode('QU\nJD\r\nRA==')).toEqual(new TextEncoder().encode('ABCD'));
    expect(base64Decode('QUJDRA')).toEqual(new TextEncoder().encode('ABCD'));
    for (const bad of ['QUJDR', 'QUJDR==', 'QUJDRA=', 'QUJD=', 'QU=JD', 'QUJD*', 'QUJD-_']) {
      expect(() => base64Decode(bad), bad).toThrow(expect.objectContaining({ code: 'ERR_ENCODING_INVALID' }));
    }
  });

  it('base45 (RFC 9285): the examples, strict decoding with EncodingError', () => {
    const utf8 = (t: string) => new TextEncoder().encode(t);
    expect(base45Encode(utf8('AB'))).toBe('BB8');
    expect(base45Encode(utf8('Hello!!'))).toBe('%69 VD92EX0');
    expect(base45Encode(utf8('base-45'))).toBe('UJCLQE7W581');
    expect(base45Decode('QED8WEX0')).toEqual(utf8('ietf!'));
    for (const bad of ['A', 'GGW', 'ZZ', 'bb8', 'BB 8 ', 'BB\u00e98'])
      expect(() => base45Decode(bad), bad).toThrow(EncodingError);
    expect(() => base45Decode('A', { fail: (message) => new RangeError(message) })).toThrow(RangeError);
    for (let n = 0; n < 40; n++) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 131 + n * 7) & 255);
      expect(base45Decode(base45Encode(bytes))).toEqual(bytes);
    }
  });

  it("deflateZlib strategy 'rle' (PNG image data) round-trips", () => {
    const rows = new Uint8Array(40_000).map((_, i) => (i % 400 < 200 ? 0 : (i * 7) & 255));
    const packed = deflateZlib(rows, { level: 6, strategy: 'rle' });
    expect(packed.length).toBeLessThan(rows.length);
    expect(inflateZlibBounded(packed, { maxOutput: rows.length })).toEqual(rows);
    expect(new Uint8Array(zlib.inflateSync(packed))).toEqual(rows);
  });

  it('isJsonObject: non-null, non-array objects', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject(Object.create(null))).toBe(true);
    for (const v of [null, undefined, [], 'x', 1, true]) expect(isJsonObject(v)).toBe(false);
  });

  it('sha256 and hmacSha256 match node:crypto', async () => {
    const { createHash, createHmac } = await import('node:crypto');
    const data = new TextEncoder().encode('divoc');
    expect(Buffer.from(sha256(data)).toString('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(Buffer.from(sha256('divoc')).toString('hex')).toBe(createHash('sha256').update('divoc').digest('hex'));
    expect(Buffer.from(hmacSha256(data, 'x')).toString('hex')).toBe(
      createHmac('sha256', data).update('x').digest('hex'),
    );
  });
});

describe('bounded inflate', () => {
  const text = new TextEncoder().encode('health credential '.repeat(200));

  it('round-trips raw, zlib and gzip, and reads node:zlib output', () => {
    expect(inflateRawBounded(deflateRaw(text), { maxOutput: 10_000 })).toEqual(text);
    expect(inflateZlibBounded(deflateZlib(text), { maxOutput: 10_000 })).toEqual(text);
    expect(gunzipBounded(gzip(text), { maxOutput: 10_000 })).toEqual(text);
    expect(inflateRawBounded(new Uint8Array(zlib.deflateRawSync(text)), { maxOutput: 10_000 })).toEqual(text);
    expect(inflateZlibBounded(new Uint8Array(zlib.deflateSync(text)), { maxOutput: 10_000 })).toEqual(text);
    expect(gunzipBounded(new Uint8Array(zlib.gzipSync(text)), { maxOutput: 10_000 })).toEqual(text);
    const dictionary = new TextEncoder().encode('health credential');
    const withDict = new Uint8Array(zlib.deflateRawSync(text, { dictionary }));
    expect(inflateRawBounded(withDict, { maxOutput: 10_000, dictionary })).toEqual(text);
    expect(inflateRawBounded(deflateRaw(text, { dictionary }), { maxOutput: 10_000, dictionary })).toEqual(text);
  });

  it('stops a bomb at its budget, by size and by ratio', () => {
    const bomb = new Uint8Array(zlib.deflateRawSync(new Uint8Array(50_000_000)));
    expect(bomb.length).toBeLessThan(60_000);
    expect(() => inflateRawBounded(bomb, { maxOutput: 1_000_000 })).toThrow(
      expect.objectContaining({ code: 'ERR_INFLATE_TOO_LARGE' }),
    );
    expect(() => inflateRawBounded(deflateRaw(text), { maxOutput: 1_000_000, maxRatio: 2 })).toThrow(
      expect.objectContaining({ code: 'ERR_INFLATE_TOO_LARGE' }),
    );
    expect(() =>
      gunzipBounded(new Uint8Array(zlib.gzipSync(new Uint8Array(10_000_000))), { maxOutput: 100_000 }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INFLATE_TOO_LARGE' }));
  });

  it('rejects garbage and truncation as ERR_INFLATE_INVALID', () => {
    const good = deflateRaw(text);
    for (const bad of [Uint8Array.of(0xff, 0xff, 0xff), good.subarray(0, good.length - 4), new Uint8Array(0)]) {
      expect(() => inflateRawBounded(bad, { maxOutput: 10_000 })).toThrow(
        expect.objectContaining({ code: 'ERR_INFLATE_INVALID' }),
      );
    }
    expect(() => inflateZlibBounded(Uint8Array.of(1, 2, 3, 4), { maxOutput: 100 })).toThrow(
      expect.objectContaining({ code: 'ERR_INFLATE_INVALID' }),
    );
    expect(() => gunzipBounded(Uint8Array.of(0x1f, 0x8b, 8), { maxOutput: 100 })).toThrow(
      expect.objectContaining({ code: 'ERR_INFLATE_INVALID' }),
    );
  });
});

describe('WebCrypto verification path (what browsers run)', () => {
  const data = new TextEncoder().encode('signed bytes');

  it.each([
    ['Ed25519', 'EdDSA'],
    ['P-256', 'ES256'],
    ['RSA', 'RS256'],
    ['RSA', 'PS256'],
  ] as const)('%s %s: verifies, rejects tampering', async (type, algorithm) => {
    const kp = await generateKeyPair(type);
    const key = trustedKeyFromKeyPair(kp, { id: 'k' });
    const privateKey = kp.privateKey!;
    const signature = new Uint8Array(
      algorithm === 'EdDSA'
        ? nodeSign(null, data, privateKey)
        : algorithm === 'ES256'
          ? nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })
          : algorithm === 'RS256'
            ? nodeSign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PADDING })
            : nodeSign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
    );
    expect(await webCryptoVerify(key, algorithm as SignatureAlgorithm, data, signature)).toBe(true);
    const tampered = signature.slice();
    tampered[10]! ^= 1;
    expect(await webCryptoVerify(key, algorithm, data, tampered)).toBe(false);
    expect(await webCryptoVerify(key, algorithm, data, signature.subarray(1))).toBe(false);
  });

  it('PS256 with the maximum salt length (legacy DIVOC) verifies', async () => {
    const kp = await generateKeyPair('RSA');
    const key = trustedKeyFromKeyPair(importKeyPair({ jwk: kp.publicKey.export({ format: 'jwk' }) as JsonWebKey }), {
      id: 'k',
    });
    const signature = new Uint8Array(
      nodeSign('sha256', data, {
        key: kp.privateKey!,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN,
      }),
    );
    expect(await webCryptoVerify(key, 'PS256', data, signature)).toBe(true);
  });
});
