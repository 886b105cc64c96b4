import { constants, sign as nodeSign } from 'node:crypto';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
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

  it('sha256 and hmacSha256 match node:crypto', async () => {
    const { createHash, createHmac } = await import('node:crypto');
    const data = new TextEncoder().encode('divoc');
    expect(Buffer.from(sha256(data)).toString('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(Buffer.from(sha256('divoc')).toString('hex')).toBe(createHash('sha256').update('divoc').digest('hex'));
    expect(Buffer.from(hmacSha256(data, 'x')).toString('hex')).toBe(createHmac('sha256', data).update('x').digest('hex'));
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
    expect(() => inflateRawBounded(bomb, { maxOutput: 1_000_000 })).toThrow(expect.objectContaining({ code: 'ERR_INFLATE_TOO_LARGE' }));
    expect(() => inflateRawBounded(deflateRaw(text), { maxOutput: 1_000_000, maxRatio: 2 })).toThrow(expect.objectContaining({ code: 'ERR_INFLATE_TOO_LARGE' }));
    expect(() => gunzipBounded(new Uint8Array(zlib.gzipSync(new Uint8Array(10_000_000))), { maxOutput: 100_000 })).toThrow(
      expect.objectContaining({ code: 'ERR_INFLATE_TOO_LARGE' }),
    );
  });

  it('rejects garbage and truncation as ERR_INFLATE_INVALID', () => {
    const good = deflateRaw(text);
    for (const bad of [Uint8Array.of(0xff, 0xff, 0xff), good.subarray(0, good.length - 4), new Uint8Array(0)]) {
      expect(() => inflateRawBounded(bad, { maxOutput: 10_000 })).toThrow(expect.objectContaining({ code: 'ERR_INFLATE_INVALID' }));
    }
    expect(() => inflateZlibBounded(Uint8Array.of(1, 2, 3, 4), { maxOutput: 100 })).toThrow(expect.objectContaining({ code: 'ERR_INFLATE_INVALID' }));
    expect(() => gunzipBounded(Uint8Array.of(0x1f, 0x8b, 8), { maxOutput: 100 })).toThrow(expect.objectContaining({ code: 'ERR_INFLATE_INVALID' }));
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
    const key = trustedKeyFromKeyPair(importKeyPair({ jwk: kp.publicKey.export({ format: 'jwk' }) as JsonWebKey }), { id: 'k' });
    const signature = new Uint8Array(
      nodeSign('sha256', data, { key: kp.privateKey!, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN }),
    );
    expect(await webCryptoVerify(key, 'PS256', data, signature)).toBe(true);
  });
});
