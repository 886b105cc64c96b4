import { describe, expect, it } from 'vitest';
import { CredentialTypeRegistry, buildCredential, createDocumentLoader } from '@divoc/schemas';
import { TrustStore, createSigner, generateKeyPair, trustedKeyFromKeyPair, verificationMethodId } from '@divoc/keys';
import { issueCredential, verifyCredential, type SuiteName } from '@divoc/vc';
import { measlesRubellaCredentialType } from '../src/index.js';

// The programme's type signs and verifies with the stock SDK: the only thing it hands over is its registry.
const record = {
  childName: 'Meera Das',
  dob: '2020-01-15',
  uniqueChildId: 'MR-2021-000123',
  campaign: 'MR catch-up campaign 2021',
  batch: 'MR1234',
  vaccinationDate: '2021-03-10',
  dose: 1,
};

describe('measles-rubella credentials sign and verify with no SDK change', async () => {
  const registry = new CredentialTypeRegistry().register(measlesRubellaCredentialType);
  const documentLoader = createDocumentLoader({ registry });
  const ed25519 = await generateKeyPair('Ed25519');
  const p256 = await generateKeyPair('P-256');
  const trustStore = new TrustStore();
  for (const kp of [ed25519, p256]) trustStore.add(trustedKeyFromKeyPair(kp, { id: verificationMethodId(kp) }));

  const cases: Array<[SuiteName, typeof ed25519, '1.1' | '2.0']> = [
    ['eddsa-rdfc-2022', ed25519, '2.0'],
    ['Ed25519Signature2020', ed25519, '1.1'],
    ['ecdsa-rdfc-2019', p256, '1.1'],
  ];
  it.each(cases)('%s, VC %s', async (suite, kp, vcVersion) => {
    const credential = buildCredential('measles-rubella', record, {
      issuer: 'https://health.example.org/',
      vcVersion,
      registry,
    });
    const signer = createSigner(kp, { id: verificationMethodId(kp) });
    const signed = await issueCredential(credential, { signer, suite, documentLoader });
    const result = await verifyCredential(signed, { trust: trustStore, documentLoader, registry });
    expect(result.checks).toEqual(expect.arrayContaining([{ name: 'schema', ok: true }]));
    expect(result.valid).toBe(true);

    const tampered = structuredClone(signed) as typeof signed & { evidence: Array<Record<string, unknown>> };
    tampered.evidence[0]!.batch = 'MR9999';
    expect((await verifyCredential(tampered, { trust: trustStore, documentLoader, registry })).valid).toBe(false);
  });

  it('a verifier that does not know the programme cannot be tricked into a pass', async () => {
    const credential = buildCredential('measles-rubella', record, { issuer: 'https://health.example.org/', registry });
    const signer = createSigner(ed25519, { id: verificationMethodId(ed25519) });
    const signed = await issueCredential(credential, { signer, documentLoader });
    const result = await verifyCredential(signed, {
      trust: trustStore,
      documentLoader: createDocumentLoader({ registry: null }),
    });
    expect(result.valid).toBe(false);
    expect(result.checks[0]).toMatchObject({ name: 'decode', ok: false, code: 'ERR_JSONLD_UNKNOWN_URL' });
  });
});
