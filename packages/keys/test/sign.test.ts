import { constants, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  assertAlgorithmMatchesKey,
  createSigner,
  defaultAlgorithm,
  generateKeyPair,
  importKeyPair,
  trustedKeyFromKeyPair,
  verifySignature,
  type KeyType,
  type SignatureAlgorithm,
} from '@divoc/keys';

const data = new TextEncoder().encode('{"credentialSubject":{"name":"Test"}}');
const keys = {
  Ed25519: await generateKeyPair('Ed25519'),
  'P-256': await generateKeyPair('P-256'),
  RSA: await generateKeyPair('RSA'),
};

describe('createSigner', () => {
  it('defaults: Ed25519 → EdDSA, P-256 → ES256, RSA → PS256', () => {
    for (const type of ['Ed25519', 'P-256', 'RSA'] as KeyType[]) {
      const signer = createSigner(keys[type], { id: 'did:example:1#k' });
      expect(signer.algorithm).toBe(defaultAlgorithm(type));
      expect(signer.id).toBe('did:example:1#k');
    }
  });

  it.each([
    ['Ed25519', 'EdDSA', 64],
    ['P-256', 'ES256', 64],
    ['RSA', 'PS256', 256],
    ['RSA', 'RS256', 256],
  ] as const)('%s %s signs and verifies with KeyPair, KeyObject and TrustedKey', async (type, alg, length) => {
    const kp = keys[type];
    const signer = createSigner(kp, { id: 'k', algorithm: alg });
    const sig = await signer.sign(data);
    expect(sig).toBeInstanceOf(Uint8Array);
    expect(sig.length).toBe(length);
    const trusted = trustedKeyFromKeyPair(kp, { id: 'k' });
    const publicOnly = importKeyPair({ jwk: trusted.publicKeyJwk });
    for (const key of [kp, kp.publicKey, trusted, publicOnly, { ...trusted }]) {
      expect(await verifySignature(key, alg, data, sig)).toBe(true);
    }
    const tampered = Uint8Array.from(sig);
    tampered[5] = tampered[5]! ^ 1;
    expect(await verifySignature(trusted, alg, data, tampered)).toBe(false);
    expect(await verifySignature(trusted, alg, Uint8Array.of(...data, 0), sig)).toBe(false);
    expect(await verifySignature(trusted, alg, data, sig.subarray(0, length - 1))).toBe(false);
    expect(await verifySignature(trusted, alg, data, new Uint8Array(0))).toBe(false);
    expect(await verifySignature(trusted, alg, data, new Uint8Array(100_000))).toBe(false);
  });

  it('ES256 is randomized by default and deterministic on request', async () => {
    const a = await createSigner(keys['P-256'], { id: 'k' }).sign(data);
    const b = await createSigner(keys['P-256'], { id: 'k' }).sign(data);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    const det = createSigner(keys['P-256'], { id: 'k', deterministic: true });
    const c = await det.sign(data);
    expect(Buffer.from(c).equals(Buffer.from(await det.sign(data)))).toBe(true);
    expect(await verifySignature(keys['P-256'], 'ES256', data, c)).toBe(true);
  });

  it('refuses public-only keys, wrong algorithms and deterministic PS256', () => {
    const pub = importKeyPair({ keyObject: keys.Ed25519.publicKey });
    expect(() => createSigner(pub, { id: 'k' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_NOT_PRIVATE' }));
    expect(() => createSigner(keys.Ed25519, { id: 'k', algorithm: 'ES256' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_ALG_MISMATCH' }),
    );
    expect(() => createSigner(keys.RSA, { id: 'k', algorithm: 'EdDSA' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_ALG_MISMATCH' }),
    );
    expect(() => createSigner(keys.RSA, { id: 'k', deterministic: true })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_UNSUPPORTED' }),
    );
    expect(() => createSigner(keys.RSA, { id: '' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
  });

  it('signing twice reuses the key (fast path sanity: 200 EdDSA signatures well under a second)', async () => {
    const signer = createSigner(keys.Ed25519, { id: 'k' });
    const started = performance.now();
    for (let i = 0; i < 200; i++) await signer.sign(data);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('TrustedKey KeyObject cache', () => {
  it('imports a TrustedKey once', async () => {
    const { publicKeyObject } = await import('@divoc/keys');
    const trusted = { ...trustedKeyFromKeyPair(keys['P-256'], { id: 'k' }) };
    const first = publicKeyObject(trusted);
    expect(publicKeyObject(trusted)).toBe(first);
    expect(first.equals(keys['P-256'].publicKey)).toBe(true);
  });
});

describe('verifySignature: algorithm confusion and encodings', () => {
  it('returns false (never throws) when the algorithm does not belong to the key', async () => {
    const edSig = await createSigner(keys.Ed25519, { id: 'k' }).sign(data);
    const rsaSig = await createSigner(keys.RSA, { id: 'k', algorithm: 'RS256' }).sign(data);
    const cases: [keyof typeof keys, SignatureAlgorithm, Uint8Array][] = [
      ['RSA', 'EdDSA', edSig],
      ['P-256', 'EdDSA', edSig],
      ['Ed25519', 'ES256', edSig],
      ['Ed25519', 'RS256', rsaSig],
      ['RSA', 'ES256', edSig],
      ['RSA', 'PS256', rsaSig], // PKCS#1 v1.5 signature presented as PSS
      ['RSA', 'none' as SignatureAlgorithm, rsaSig],
      ['RSA', 'HS256' as SignatureAlgorithm, rsaSig],
    ];
    for (const [type, alg, sig] of cases) {
      expect(await verifySignature(keys[type], alg, data, sig)).toBe(false);
      expect(await verifySignature(trustedKeyFromKeyPair(keys[type], { id: 'k' }), alg, data, sig)).toBe(false);
    }
    expect(await verifySignature(keys.RSA, 'RS256', data, rsaSig)).toBe(true);
  });

  it('assertAlgorithmMatchesKey throws ERR_KEY_ALG_MISMATCH', () => {
    expect(() => assertAlgorithmMatchesKey(keys.RSA, 'EdDSA')).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_ALG_MISMATCH' }),
    );
    expect(() => assertAlgorithmMatchesKey('P-256', 'PS256')).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_ALG_MISMATCH' }),
    );
    expect(() => assertAlgorithmMatchesKey(keys.Ed25519.publicKey, 'EdDSA')).not.toThrow();
    expect(() => assertAlgorithmMatchesKey(trustedKeyFromKeyPair(keys.RSA, { id: 'k' }), 'RS256')).not.toThrow();
  });

  it('rejects DER-encoded ES256 signatures (contract is raw r||s)', async () => {
    const der = nodeSign('sha256', data, keys['P-256'].privateKey!);
    expect(await verifySignature(keys['P-256'], 'ES256', data, der)).toBe(false);
  });

  it('accepts PS256 with any salt length (legacy node-jose) ', async () => {
    for (const saltLength of [0, 20, 32, constants.RSA_PSS_SALTLEN_MAX_SIGN]) {
      const sig = nodeSign('sha256', data, {
        key: keys.RSA.privateKey!,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength,
      });
      expect(await verifySignature(keys.RSA, 'PS256', data, sig)).toBe(true);
    }
  });

  it('false for non-bytes and unsupported KeyObjects; typed error for a broken TrustedKey', async () => {
    const sig = await createSigner(keys.Ed25519, { id: 'k' }).sign(data);
    expect(await verifySignature(keys.Ed25519, 'EdDSA', 'text' as unknown as Uint8Array, sig)).toBe(false);
    expect(await verifySignature(keys.Ed25519, 'EdDSA', data, [1, 2] as unknown as Uint8Array)).toBe(false);
    expect(
      await verifySignature(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey, 'ES256', data, sig),
    ).toBe(false);
    const broken = { id: 'k', type: 'Ed25519' as const, publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' } };
    await expect(verifySignature(broken, 'EdDSA', data, sig)).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' });
    const lying = { ...trustedKeyFromKeyPair(keys.Ed25519, { id: 'k' }), type: 'RSA' as const };
    await expect(verifySignature(lying, 'EdDSA', data, sig)).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' });
  });
});
