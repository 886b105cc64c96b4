import { describe, expect, it } from 'vitest';
import { TrustStore } from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { issueCredential, verifyCredential } from '@divoc/vc';
import { buildOptions, ed25519Issuer, vaccinationRecord } from '../../../test/support/fixtures.js';

// The one naming scheme (docs/architecture.md, "Names"): `trust` names trusted keys; `trustStore` is deprecated.
describe('trust option', () => {
  it('verifyCredential takes `trust` (a store or a holder of one) and the deprecated `trustStore`', async () => {
    const issuer = await ed25519Issuer();
    const credential = buildCredential('vaccination', vaccinationRecord, buildOptions);
    const signed = await issueCredential(credential, { signer: issuer.signer });
    const store = issuer.trustStore;
    expect((await verifyCredential(signed, { trust: store })).valid).toBe(true);
    expect((await verifyCredential(signed, { trust: { store } })).valid).toBe(true);
    expect((await verifyCredential(signed, { trustStore: store })).valid).toBe(true);
    // Controls: an empty store trusts nothing; no trust at all is a usage error.
    expect((await verifyCredential(signed, { trust: new TrustStore() })).valid).toBe(false);
    await expect(verifyCredential(signed, {})).rejects.toThrow(/options\.trust is required/);
  });
});
