import { beforeAll, describe, expect, it } from 'vitest';
import { TrustStore } from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import {
  createDevCsca,
  createDevelopmentCsca,
  createDevelopmentSigner,
  createDevSignerCertificate,
  issueVdsnc,
  verifyVdsnc,
  type DevelopmentCsca,
  type DevelopmentSigner,
  type VdsncVerificationResult,
} from '@divoc/vdsnc';
import { omit, vaccinationRecord as fullRecord } from '../../../test/support/fixtures.js';

// The one naming scheme (docs/architecture.md, "Names"): new names work, old ones are the same thing.
const record = {
  ...omit(fullRecord, [
    'nationality',
    'district',
    'effectiveUntil',
    'facilityAddressLine1',
    'facilityDistrict',
    'facilityState',
    'facilityPincode',
  ]),
  vaccine: 'COVISHIELD',
};
const trustCheck = (r: VdsncVerificationResult) => r.checks.find((c) => c.name === 'trust');

describe('development PKI', () => {
  it('createDevCsca and createDevSignerCertificate are the new functions', () => {
    expect(createDevCsca).toBe(createDevelopmentCsca);
    expect(createDevSignerCertificate).toBe(createDevelopmentSigner);
  });

  it('returns the shared shape, and the signer issues as it is', async () => {
    const csca = await createDevelopmentCsca({ validityDays: 30 });
    expect(csca.country).toBe('IN');
    expect(csca.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(csca.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const signer = await createDevelopmentSigner({ csca });
    const seal = await issueVdsnc(buildCredential('vaccination', record, { issuer: 'https://divoc.dev/' }), signer);
    const store = new TrustStore();
    store.addCertificate(csca.certificate);
    expect((await verifyVdsnc(seal, { trust: store })).valid).toBe(true);
    // Control: a validityDays outside 1…36500 is refused.
    await expect(createDevelopmentCsca({ validityDays: 0 })).rejects.toMatchObject({ code: 'ERR_VDSNC_ISSUE_INVALID' });
  });
});

describe('trust option', () => {
  let csca: DevelopmentCsca;
  let seal: object;

  beforeAll(async () => {
    csca = await createDevelopmentCsca();
    const signer: DevelopmentSigner = await createDevelopmentSigner({ csca });
    seal = await issueVdsnc(buildCredential('vaccination', record, { issuer: 'https://divoc.dev/' }), signer);
  });

  it('takes a store, a holder with its CSCAs (the verifier’s Trust), or the deprecated trustStore', async () => {
    const store = new TrustStore();
    store.addCertificate(csca.certificate);
    expect(trustCheck(await verifyVdsnc(seal, { trust: store }))?.ok).toBe(true);
    expect(trustCheck(await verifyVdsnc(seal, { trustStore: store }))?.ok).toBe(true);
    expect(trustCheck(await verifyVdsnc(seal, { trust: { store } }))?.ok).toBe(true);
    const holder = { store: new TrustStore(), cscaCertificates: [csca.certificate] };
    expect(trustCheck(await verifyVdsnc(seal, { trust: holder }))?.ok).toBe(true);
    // Control: an empty store trusts nothing.
    expect(trustCheck(await verifyVdsnc(seal, { trust: new TrustStore() }))).toMatchObject({
      ok: false,
      code: 'ERR_VDSNC_NOT_TRUSTED',
    });
  });
});
