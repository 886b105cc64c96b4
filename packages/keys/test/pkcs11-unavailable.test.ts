import { describe, expect, it, vi } from 'vitest';

// As if the optional native dependency were not installed (or failed to build).
vi.mock('pkcs11js', () => {
  throw new Error("Cannot find module 'pkcs11js'");
});

describe('without pkcs11js', () => {
  it('the main entry still loads and works', async () => {
    const keys = await import('@divoc/keys');
    const kp = await keys.generateKeyPair('Ed25519');
    const signer = keys.createSigner(kp, { id: 'k' });
    const data = Uint8Array.of(1, 2, 3);
    expect(await keys.verifySignature(kp, 'EdDSA', data, await signer.sign(data))).toBe(true);
  });

  it('opening a session fails with ERR_PKCS11_UNAVAILABLE, and URI parsing still works', async () => {
    const pkcs11 = await import('../src/pkcs11/index.js');
    const error = await pkcs11
      .openPkcs11Session({ module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'T', pin: '1234' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(pkcs11.Pkcs11UnavailableError);
    expect(error).toMatchObject({ code: 'ERR_PKCS11_UNAVAILABLE' });
    expect(pkcs11.isPkcs11Error(error)).toBe(true);
    expect(pkcs11.parsePkcs11Uri('pkcs11:token=T').token).toBe('T');
  });
});
