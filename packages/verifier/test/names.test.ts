import { beforeAll, describe, expect, it } from 'vitest';
import {
  DIVOC_KEY_ID as KEYS_DIVOC_KEY_ID,
  createSigner,
  generateKeyPair,
  jwkThumbprint,
  toTrustListEntry,
  verificationMethodId,
} from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { issueCredential, verifyCredential, type SignedCredential } from '@divoc/vc';
import * as dcc from '@divoc/dcc';
import { exportIssuerJwks, issueShc, verifyShc } from '@divoc/shc';
import * as vdsnc from '@divoc/vdsnc';
import { DIVOC_KEY_ID, Trust } from '@divoc/verifier';
import { vaccinationRecord } from './helpers.js';

// The one naming scheme (docs/architecture.md, "Names"): the verifier's `Trust` is the trust of every verify
// function, under the one option name `trust`; both development PKIs return one shape.
const SHC_ISS = 'https://divoc.example/shc';
const FROM = new Date('2021-01-01T00:00:00Z');
const NOW = new Date('2021-07-01T00:00:00Z');

interface Issued {
  trust: Trust;
  credential: SignedCredential;
  hc1: string;
  shc: string;
  seal: object;
}
let issued: Issued;

beforeAll(async () => {
  const trust = new Trust();
  const vcKey = await generateKeyPair('Ed25519');
  const vcSigner = createSigner(vcKey, { id: verificationMethodId(vcKey) });
  trust.add(JSON.stringify(toTrustListEntry(vcKey, { id: vcSigner.id })));
  const unsigned = buildCredential('vaccination-v2', vaccinationRecord, {
    issuer: 'https://divoc.dev/',
    issuanceDate: '2021-05-03T12:00:00Z',
  });
  const credential = await issueCredential(unsigned, { signer: vcSigner, created: '2021-05-03T12:00:00Z' });

  const csca = await dcc.createDevelopmentCsca({ validFrom: FROM });
  const dsc = await dcc.createDevelopmentSigner({ csca, validFrom: FROM });
  trust.add(dsc.certificatePem);
  const { hc1 } = await dcc.issueDcc(credential, {
    signer: dsc.signer,
    certificate: dsc.certificate,
    iat: new Date('2021-05-04T00:00:00Z'),
  });

  const shcKey = await generateKeyPair('P-256');
  trust.addWellKnown({ jwks: exportIssuerJwks([shcKey]), crls: [], issuer: SHC_ISS });
  const shcSigner = createSigner(shcKey, { id: jwkThumbprint(shcKey) });
  const { jws } = await issueShc(credential, { signer: shcSigner, key: shcKey, issuer: SHC_ISS, nbf: FROM });

  const vdsCsca = await vdsnc.createDevelopmentCsca({ validFrom: FROM });
  trust.add(vdsCsca.certificate);
  const seal = await vdsnc.issueVdsnc(
    credential,
    await vdsnc.createDevelopmentSigner({ csca: vdsCsca, validFrom: FROM }),
  );
  issued = { trust, credential, hc1, shc: jws, seal };
}, 60_000);

describe('the verifier’s Trust as every format’s `trust`', () => {
  it('verifyCredential, verifyDcc, verifyShc, verifyVdsnc all accept it', async () => {
    const { trust } = issued;
    expect((await verifyCredential(issued.credential, { trust, now: NOW })).valid).toBe(true);
    expect((await dcc.verifyDcc(issued.hc1, { trust, now: NOW })).valid).toBe(true);
    expect((await verifyShc(issued.shc, { trust, now: NOW })).valid).toBe(true);
    expect((await vdsnc.verifyVdsnc(issued.seal, { trust, now: NOW })).valid).toBe(true);
  });

  it('control: an empty Trust trusts none of them', async () => {
    const trust = new Trust();
    expect((await verifyCredential(issued.credential, { trust, now: NOW })).valid).toBe(false);
    expect((await dcc.verifyDcc(issued.hc1, { trust, now: NOW })).valid).toBe(false);
    expect((await verifyShc(issued.shc, { trust, now: NOW })).valid).toBe(false);
    expect((await vdsnc.verifyVdsnc(issued.seal, { trust, now: NOW })).valid).toBe(false);
  });
});

describe('one development-PKI shape', () => {
  it('a CSCA of either package issues the other package’s signer', async () => {
    const dccCsca = await dcc.createDevelopmentCsca();
    const vdsCsca = await vdsnc.createDevelopmentCsca();
    const bsc = await vdsnc.createDevelopmentSigner({ csca: dccCsca });
    const dsc = await dcc.createDevelopmentSigner({ csca: vdsCsca });
    const seal = await vdsnc.issueVdsnc(issued.credential, bsc);
    expect((await vdsnc.verifyVdsnc(seal, { cscaCertificates: [dccCsca.certificate] })).valid).toBe(true);
    // Control: the other CSCA did not issue this signer.
    expect((await vdsnc.verifyVdsnc(seal, { cscaCertificates: [vdsCsca.certificate] })).valid).toBe(false);
    const { hc1 } = await dcc.issueDcc(issued.credential, { signer: dsc.signer, certificate: dsc.certificate });
    const trust = new Trust();
    trust.add(dsc.certificatePem);
    expect((await dcc.verifyDcc(hc1, { trust })).valid).toBe(true);
    for (const made of [dccCsca, vdsCsca, bsc, dsc]) {
      expect(Object.keys(made)).toEqual(
        expect.arrayContaining(['country', 'certificate', 'certificatePem', 'keyPair', 'privateKeyPem']),
      );
    }
  });
});

it('DIVOC_KEY_ID is the one value of @divoc/keys', () => {
  expect(DIVOC_KEY_ID).toBe(KEYS_DIVOC_KEY_ID);
});
