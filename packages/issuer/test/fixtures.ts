import { createSigner, exportPublicJwk, generateKeyPair, type TrustStore } from '@divoc/keys';
import { createDevelopmentCsca, createDevelopmentSigner } from '@divoc/dcc';
import { createDevelopmentCsca as createVdsncCsca, createDevelopmentSigner as createVdsncSigner } from '@divoc/vdsnc';
import { exportIssuerJwks } from '@divoc/shc';
import type { IssuerKeys } from '../src/index.js';
import { ed25519Issuer } from '../../../test/support/fixtures.js';

export const ISSUER = 'https://divoc.example';
export const ISSUED_AT = new Date('2021-08-01T10:00:00Z');
/** Development certificates valid from 2021 for ten years, so 2021 issuance dates verify. */
const CERTS_FROM = new Date('2021-01-01T00:00:00Z');
const CERTS_UNTIL = new Date('2031-01-01T00:00:00Z');

export interface Fixture {
  keys: IssuerKeys;
  trustStore: TrustStore;
  /** VDS-NC CSCA (DER), for `verifyVdsnc({ cscaCertificates })`. */
  vdsncCsca: Uint8Array;
}

/** Keys for every format, and a trust store that trusts exactly them. */
export async function createFixture(): Promise<Fixture> {
  // The VC key, and the trust store, which trusts it from the start.
  const { signer: vcSigner, trustStore } = await ed25519Issuer();
  const csca = await createDevelopmentCsca({
    country: 'IN',
    commonName: 'Test CSCA IN',
    validFrom: CERTS_FROM,
    validityDays: 3650,
  });
  const dsc = await createDevelopmentSigner({
    csca,
    types: ['v', 't', 'r'],
    validFrom: CERTS_FROM,
    validityDays: 3000,
  });
  const vdsncCsca = await createVdsncCsca({ country: 'IN', validFrom: CERTS_FROM, validUntil: CERTS_UNTIL });
  const bsc = await createVdsncSigner({
    csca: vdsncCsca,
    country: 'IN',
    validFrom: CERTS_FROM,
    validUntil: CERTS_UNTIL,
  });
  const shcKey = await generateKeyPair('P-256');

  trustStore.addCertificate(dsc.certificatePem);
  trustStore.addJwks(exportIssuerJwks([shcKey]), { issuer: ISSUER });

  return {
    keys: {
      vc: vcSigner,
      dcc: { signer: dsc.signer, certificate: dsc.certificatePem },
      vdsnc: { signer: createSigner(bsc.keyPair, { id: 'bsc' }), certificate: bsc.certificate },
      shc: { signer: createSigner(shcKey, { id: 'shc' }), key: exportPublicJwk(shcKey) as JsonWebKey },
    },
    trustStore,
    vdsncCsca: vdsncCsca.certificate,
  };
}
