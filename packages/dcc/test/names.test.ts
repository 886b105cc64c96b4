import { describe, expect, it } from 'vitest';
import { TrustStore } from '@divoc/keys';
import {
  createDevelopmentCsca,
  createDevelopmentSigner,
  createDocumentSignerCertificate,
  encodeDcc,
  loadDccSignerList,
  verifyDcc,
} from '../src/index.js';
import { SAMPLE_DCC } from './helpers.js';

// The one naming scheme (docs/architecture.md, "Names"): new names work, old ones are the same thing.
const ISSUED = new Date('2021-07-15T00:00:00Z');
const LATER = new Date('2021-08-01T00:00:00Z');

describe('development PKI', () => {
  it('createDocumentSignerCertificate is createDevelopmentSigner', () => {
    expect(createDocumentSignerCertificate).toBe(createDevelopmentSigner);
  });

  it('returns the shared shape: certificate (DER), PEMs, key pair, signer', async () => {
    const csca = await createDevelopmentCsca();
    expect(csca.country).toBe('IN');
    expect(csca.certificate).toBeInstanceOf(Uint8Array);
    expect(csca.certificateDer).toBe(csca.certificate);
    expect(csca.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(csca.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const dsc = await createDevelopmentSigner({ csca, validUntil: new Date(Date.now() + 86_400_000) });
    expect(dsc.certificateDer).toBe(dsc.certificate);
    expect(dsc.signer.id).toBe(dsc.kid);
    expect(dsc.country).toBe('IN');
    // A CSCA given as { certificatePem, keyPair } (an earlier version's shape) still issues.
    const legacy = await createDevelopmentSigner({
      csca: { certificatePem: csca.certificatePem, keyPair: csca.keyPair },
    });
    expect(legacy.certificate.length).toBeGreaterThan(0);
    // Control: a CSCA without its private key is refused.
    await expect(
      createDevelopmentSigner({
        csca: { certificate: csca.certificate, keyPair: { ...csca.keyPair, privateKey: undefined } },
      }),
    ).rejects.toMatchObject({ code: 'ERR_DCC_CERTIFICATE_INVALID' });
  });
});

/** A DSC valid through 2021, and SAMPLE_DCC it signed on 2021-07-15 (expiring 2099). */
async function signed() {
  const csca = await createDevelopmentCsca({ validFrom: new Date('2020-01-01T00:00:00Z') });
  const dsc = await createDevelopmentSigner({ csca, validFrom: new Date('2021-01-01T00:00:00Z'), validityDays: 365 });
  const { hc1 } = await encodeDcc(SAMPLE_DCC, {
    signer: dsc.signer,
    certificate: dsc.certificate,
    iat: ISSUED,
    exp: new Date('2099-01-01T00:00:00Z'),
  });
  const store = new TrustStore();
  store.addCertificate(dsc.certificate);
  return { dsc, hc1, store };
}

describe('trust option', () => {
  it('`trust` takes a store or a holder of one; the deprecated `trustStore` still works', async () => {
    const { hc1, store } = await signed();
    expect((await verifyDcc(hc1, { trust: store, now: LATER })).valid).toBe(true);
    expect((await verifyDcc(hc1, { trust: { store }, now: LATER })).valid).toBe(true);
    expect((await verifyDcc(hc1, { trustStore: store, now: LATER })).valid).toBe(true);
    // Control: an empty store trusts nothing.
    const empty = await verifyDcc(hc1, { trust: new TrustStore(), now: LATER });
    expect(empty.checks.find((c) => c.name === 'trust')).toMatchObject({ ok: false, code: 'ERR_DCC_KEY_NOT_TRUSTED' });
  });

  it('loadDccSignerList adds to `trust` or to the deprecated `trustStore`', async () => {
    const { dsc } = await signed();
    const a = new TrustStore();
    const b = new TrustStore();
    expect(loadDccSignerList([dsc.signerListEntry], { trust: a })).toBe(a);
    expect(loadDccSignerList([dsc.signerListEntry], { trustStore: b })).toBe(b);
    expect(a.size).toBe(1);
    expect(b.size).toBe(1);
  });
});

describe('policy names', () => {
  it('acceptExpiredKeys, and the deprecated acceptExpiredSignerCertificate, accept a signer valid at iat', async () => {
    const { hc1, store } = await signed();
    const late = new Date('2023-01-01T00:00:00Z');
    const strict = await verifyDcc(hc1, { trust: store, now: late });
    expect(strict.checks.find((c) => c.name === 'validity')).toMatchObject({
      ok: false,
      code: 'ERR_DCC_SIGNER_CERTIFICATE_EXPIRED',
    });
    for (const policy of [{ acceptExpiredKeys: true }, { acceptExpiredSignerCertificate: true }]) {
      const result = await verifyDcc(hc1, { trust: store, now: late, policy });
      expect(result.valid, JSON.stringify(policy)).toBe(true);
    }
  });

  it('clockToleranceSeconds, and the deprecated clockSkewSeconds, bound an iat ahead of the clock', async () => {
    const { hc1, store } = await signed();
    const justBefore = new Date(ISSUED.getTime() - 30_000);
    // Control: the default tolerance (60 s) accepts an iat 30 s ahead.
    expect((await verifyDcc(hc1, { trust: store, now: justBefore })).valid).toBe(true);
    for (const policy of [{ clockToleranceSeconds: 0 }, { clockSkewSeconds: 0 }]) {
      const result = await verifyDcc(hc1, { trust: store, now: justBefore, policy });
      expect(result.checks.find((c) => c.name === 'validity')?.code, JSON.stringify(policy)).toBe(
        'ERR_DCC_NOT_YET_VALID',
      );
    }
  });
});
