import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSigner, generateKeyPair, importKeyPair, trustedKeyFromKeyPair } from '@divoc/keys';
import { issueCredential, verifyCredential, type UnsignedCredential } from '../src/index.js';
import { keyResolver, VECTORS, vectorJson } from './helpers.js';
import { passedChecks } from '../../../test/support/checks.js';

const rsa = importKeyPair({ pem: readFileSync(new URL('divoc/keys/divoc-test-rsa.public.pem', VECTORS), 'utf8') });
const ed = importKeyPair(vectorJson('divoc/keys/divoc-test-ed25519.json') as never);
const divocTrustStore = keyResolver([
  trustedKeyFromKeyPair(rsa, { id: 'did:india' }),
  trustedKeyFromKeyPair(ed, { id: 'did:india' }),
]);
const now = new Date('2022-01-01T00:00:00Z');

describe('DIVOC-issued certificates', () => {
  it.each(['rsa2018-divocdev-valid.json', 'rsa2018-cowinctx-valid.json', 'ed25519-2018-divocdev-valid.json'])(
    '%s verifies with the DIVOC test keys as did:india',
    async (name) => {
      // Schema check on (the default): ProofOfVaccinationCredential is a registered type.
      const result = await verifyCredential(vectorJson(`divoc/signed/${name}`), { trust: divocTrustStore, now });
      expect(result.checks).toEqual(passedChecks('decode', 'signature', 'trust', 'validity', 'schema'));
      expect(result.valid).toBe(true);
      expect(result.verificationMethod).toBe('did:india');
    },
  );

  it('the tampered certificate fails with ERR_VC_SIGNATURE_INVALID', async () => {
    const result = await verifyCredential(vectorJson('divoc/signed/rsa2018-tampered-invalid.json'), {
      trust: divocTrustStore,
      now,
      checkSchema: false,
    });
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.name === 'signature')).toMatchObject({
      ok: false,
      code: 'ERR_VC_SIGNATURE_INVALID',
    });
  });
});

describe('schema check', () => {
  it("a correctly signed credential that breaks its type's schema → ERR_VC_SCHEMA_INVALID", async () => {
    const kp = await generateKeyPair('Ed25519');
    const { proof: _p, ...unsigned } = vectorJson('divoc/signed/ed25519-2018-divocdev-valid.json');
    const broken = {
      ...unsigned,
      credentialSubject: { ...(unsigned.credentialSubject as object), name: 42 },
    } as unknown as UnsignedCredential;
    const signed = await issueCredential(broken, {
      signer: createSigner(kp, { id: 'did:india' }),
      suite: 'Ed25519Signature2018',
    });
    const trustStore = keyResolver([trustedKeyFromKeyPair(kp, { id: 'did:india' })]);
    const result = await verifyCredential(signed, { trust: trustStore, now });
    expect(result.valid).toBe(false);
    expect(result.checks.filter((c) => !c.ok)).toEqual([
      {
        name: 'schema',
        ok: false,
        code: 'ERR_VC_SCHEMA_INVALID',
        message: expect.stringContaining('$.credentialSubject.name'),
      },
    ]);
    // checkSchema: false skips it.
    expect((await verifyCredential(signed, { trust: trustStore, now, checkSchema: false })).valid).toBe(true);
  });

  it('a type no registry knows passes the schema check with a note', async () => {
    const signed = vectorJson('w3c/vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json');
    const result = await verifyCredential(signed, { trust: keyResolver([]) });
    expect(result.checks.at(-1)).toEqual({
      name: 'schema',
      ok: true,
      message: 'no schema registered for this credential type',
    });
  });
});
