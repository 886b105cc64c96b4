import { describe, expect, it } from 'vitest';
import {
  createSigner,
  didKeyFromKeyPair,
  exportPrivateJwk,
  exportPrivatePem,
  exportPublicJwk,
  exportPublicPem,
  importKeyPair,
  multibaseEncode,
  privateKeyBase58,
  privateKeyMultibase,
  publicKeyBase58,
  publicKeyMultibase,
  resolveDidKey,
  verificationMethodId,
  verifySignature,
} from '@divoc/keys';
import { vectorText } from '../../../test/support/vectors.js';

const text = vectorText;
const json = (p: string) => JSON.parse(text(p)) as Record<string, unknown>;
const hex = (p: string) => Uint8Array.from(Buffer.from(text(p).trim(), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('W3C vc-di-eddsa key pair', () => {
  const input = json('w3c/vc-di-eddsa/TestVectors/keyPair.json') as {
    publicKeyMultibase: string;
    privateKeyMultibase: string;
  };
  const kp = importKeyPair(input);

  it('imports as Ed25519 and round-trips Multikey', () => {
    expect(kp.type).toBe('Ed25519');
    expect(publicKeyMultibase(kp)).toBe(input.publicKeyMultibase);
    expect(privateKeyMultibase(kp)).toBe(input.privateKeyMultibase);
  });

  it('gives the verificationMethod of the signed eddsa-rdfc-2022 credential', () => {
    const signed = json('w3c/vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json') as {
      proof: { verificationMethod: string };
    };
    expect(verificationMethodId(kp)).toBe(signed.proof.verificationMethod);
    expect(didKeyFromKeyPair(kp)).toBe(signed.proof.verificationMethod.split('#')[0]);
    const doc = resolveDidKey(didKeyFromKeyPair(kp));
    expect(doc.verificationMethod[0]!.id).toBe(signed.proof.verificationMethod);
    expect(doc.assertionMethod).toEqual([signed.proof.verificationMethod]);
  });

  it.each([
    ['Ed25519Signature2020/', 'EdSig'],
    ['eddsa-jcs-2022/', 'JCS'],
    ['eddsa-rdfc-2022/employ/', 'DataInt'],
  ])('reproduces %ssigHex%s.txt and its base58 form', async (dir, suffix) => {
    const base = `w3c/vc-di-eddsa/TestVectors/${dir}`;
    const data = Buffer.concat([hex(`${base}proofHash${suffix}.txt`), hex(`${base}docHash${suffix}.txt`)]);
    expect(toHex(data)).toBe(text(`${base}combinedHash${suffix}.txt`).trim());
    const sig = await createSigner(kp, { id: verificationMethodId(kp) }).sign(data);
    expect(toHex(sig)).toBe(text(`${base}sigHex${suffix}.txt`).trim());
    expect(multibaseEncode(sig)).toBe(text(`${base}sigBTC58${suffix}.txt`).trim());
  });

  it('reproduces sigHexDataInt.txt over proofHash || docHash', async () => {
    const dir = 'w3c/vc-di-eddsa/TestVectors/eddsa-rdfc-2022/';
    const data = Buffer.concat([hex(`${dir}proofHashDataInt.txt`), hex(`${dir}docHashDataInt.txt`)]);
    const signer = createSigner(kp, { id: verificationMethodId(kp) });
    expect(signer.algorithm).toBe('EdDSA');
    const sig = await signer.sign(data);
    expect(toHex(sig)).toBe(text(`${dir}sigHexDataInt.txt`).trim());
    expect(await verifySignature(kp, 'EdDSA', data, sig)).toBe(true);
  });
});

describe('W3C vc-di-ecdsa P-256 key pair', () => {
  const input = json('w3c/vc-di-ecdsa/TestVectors/p256KeyPair.json') as {
    publicKeyMultibase: string;
    secretKeyMultibase: string;
  };
  const kp = importKeyPair(input);
  const dir = 'w3c/vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/';
  const data = Buffer.concat([hex(`${dir}proofHashECDSAP256.txt`), hex(`${dir}docHashECDSAP256.txt`)]);

  it('imports as P-256 and round-trips Multikey', () => {
    expect(kp.type).toBe('P-256');
    expect(publicKeyMultibase(kp)).toBe(input.publicKeyMultibase);
    expect(privateKeyMultibase(kp)).toBe(input.secretKeyMultibase);
  });

  it('gives the verificationMethod of the signed ecdsa-rdfc-2019 credential', () => {
    const signed = json(`${dir}signedECDSAP256.json`) as { proof: { verificationMethod: string } };
    expect(verificationMethodId(kp)).toBe(signed.proof.verificationMethod);
  });

  it('deterministic ES256 (RFC 6979, SHA-256 of proofHash || docHash) reproduces sigHexECDSAP256.txt', async () => {
    const signer = createSigner(kp, { id: verificationMethodId(kp), deterministic: true });
    const sig = await signer.sign(data);
    expect(toHex(sig)).toBe(text(`${dir}sigHexECDSAP256.txt`).trim());
    expect(multibaseEncode(sig)).toBe(text(`${dir}sigBTC58ECDSAP256.txt`).trim());
    expect(await verifySignature(kp, 'ES256', data, sig)).toBe(true);
  });

  it('randomized ES256 gives 64-byte r||s that verifies', async () => {
    const sig = await createSigner(kp, { id: 'x' }).sign(data);
    expect(sig.length).toBe(64);
    expect(await verifySignature(kp.publicKey, 'ES256', data, sig)).toBe(true);
  });
});

describe('DIVOC test keys', () => {
  it('imports the Ed25519VerificationKey2018 JSON and round-trips every format', async () => {
    const input = json('divoc/keys/divoc-test-ed25519.json') as {
      type: 'Ed25519VerificationKey2018';
      publicKeyBase58: string;
      privateKeyBase58: string;
    };
    const kp = importKeyPair(input);
    expect(kp.type).toBe('Ed25519');
    expect(publicKeyBase58(kp)).toBe(input.publicKeyBase58);
    expect(privateKeyBase58(kp)).toBe(input.privateKeyBase58);
    for (const again of [
      importKeyPair({ jwk: exportPrivateJwk(kp) }),
      importKeyPair({ pem: exportPrivatePem(kp) }),
      importKeyPair({ publicKeyMultibase: publicKeyMultibase(kp), privateKeyMultibase: privateKeyMultibase(kp) }),
      importKeyPair({ type: 'Ed25519', publicKeyBase58: publicKeyBase58(kp), privateKeyBase58: privateKeyBase58(kp) }),
    ]) {
      expect(again.publicKey.equals(kp.publicKey)).toBe(true);
      expect(again.privateKey!.equals(kp.privateKey!)).toBe(true);
    }
    expect(importKeyPair({ pem: exportPublicPem(kp) }).publicKey.equals(kp.publicKey)).toBe(true);
    expect(importKeyPair({ jwk: exportPublicJwk(kp) }).privateKey).toBeUndefined();
  });

  it('imports the PKCS#1 RSA private PEM and its SPKI public PEM', async () => {
    const priv = importKeyPair({ pem: text('divoc/keys/divoc-test-rsa.private.pem') });
    const pub = importKeyPair({ pem: text('divoc/keys/divoc-test-rsa.public.pem') });
    expect(priv.type).toBe('RSA');
    expect(pub.type).toBe('RSA');
    expect(priv.publicKey.equals(pub.publicKey)).toBe(true);
    const squash = (pem: string) => pem.replace(/\s+/g, '');
    expect(squash(exportPublicPem(priv))).toBe(squash(text('divoc/keys/divoc-test-rsa.public.pem')));
    for (const again of [
      importKeyPair({ jwk: exportPrivateJwk(priv) }),
      importKeyPair({ pem: exportPrivatePem(priv) }),
    ]) {
      expect(again.privateKey!.equals(priv.privateKey!)).toBe(true);
    }
    expect(() => publicKeyMultibase(priv)).toThrow(expect.objectContaining({ code: 'ERR_KEY_UNSUPPORTED' }));
    expect(() => publicKeyBase58(priv)).toThrow(expect.objectContaining({ code: 'ERR_KEY_UNSUPPORTED' }));
    const data = new TextEncoder().encode('divoc');
    const sig = await createSigner(priv, { id: 'did:india' }).sign(data);
    expect(await verifySignature(pub, 'PS256', data, sig)).toBe(true);
  });
});
