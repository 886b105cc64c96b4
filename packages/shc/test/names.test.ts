import { beforeAll, describe, expect, it } from 'vitest';
import { createSigner, generateKeyPair, jwkThumbprint, TrustStore } from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { exportIssuerJwks, issueShc, loadIssuerDirectory, verifyShc } from '@divoc/shc';
import { vaccinationRecord } from './fixtures.js';

// The one naming scheme (docs/architecture.md, "Names"): `trust` names trusted keys; `trustStore` is deprecated.
const ISSUER = 'https://issuer.example';

describe('trust option', () => {
  let jws: string;
  let jwks: unknown;

  beforeAll(async () => {
    const keyPair = await generateKeyPair('P-256');
    const signer = createSigner(keyPair, { id: jwkThumbprint(keyPair), algorithm: 'ES256' });
    const credential = buildCredential('vaccination-v2', vaccinationRecord, { issuer: 'https://divoc.dev/' });
    jws = (await issueShc(credential, { signer, key: keyPair, issuer: ISSUER })).jws;
    jwks = exportIssuerJwks([keyPair]);
  });

  it('verifyShc takes `trust` (a store or a holder of one) and the deprecated `trustStore`', async () => {
    const store = new TrustStore();
    store.addJwks(jwks, { issuer: ISSUER });
    expect((await verifyShc(jws, { trust: store })).valid).toBe(true);
    expect((await verifyShc(jws, { trust: { store } })).valid).toBe(true);
    expect((await verifyShc(jws, { trustStore: store })).valid).toBe(true);
    // Controls: an empty store trusts nothing; no trust at all is a usage error.
    expect((await verifyShc(jws, { trust: new TrustStore() })).valid).toBe(false);
    await expect(verifyShc(jws, {})).rejects.toThrow(/options\.trust is required/);
  });

  it('loadIssuerDirectory adds to `trust` or to the deprecated `trustStore`', async () => {
    const directory = { issuers: [{ iss: ISSUER, jwks }] };
    const a = new TrustStore();
    const b = new TrustStore();
    expect(loadIssuerDirectory(directory, { trust: a }).trustStore).toBe(a);
    expect(loadIssuerDirectory(directory, { trustStore: b }).trustStore).toBe(b);
    expect((await verifyShc(jws, { trust: a })).valid).toBe(true);
    expect((await verifyShc(jws, { trust: b })).valid).toBe(true);
  });
});
