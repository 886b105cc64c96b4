import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { buildCredential } from '@divoc/schemas';
import { TrustStore, trustedKeyFromKeyPair } from '@divoc/keys';
import {
  DCC_KEY_USAGE_OIDS,
  certificateKidBase64,
  credentialToDccPayload,
  decodeDcc,
  detectDcc,
  encodeDcc,
  issueDcc,
  loadDccSignerList,
  validateDccPayload,
  validateUvciChecksum,
  verifyDcc,
} from '../src/index.js';
import { developmentPki, rsaSigner, SAMPLE_DCC } from './helpers.js';

const issuer = 'https://divoc.dev/';

function vaccination() {
  return buildCredential(
    'vaccination-v2',
    {
      refId: 'R-1',
      certificateId: '244768056',
      name: 'Bhaya Mitra',
      dob: '1990-01-15',
      vaccine: 'COVISHIELD',
      batch: 'AB348FS',
      vaccinationDate: '2021-07-12',
      dose: 2,
      totalDoses: 2,
      facilityName: 'ABCD Medical Center',
      facilityCountry: 'IN',
    },
    { issuer },
  );
}
function testResult() {
  return buildCredential(
    'test',
    {
      refId: 'R-2',
      certificateId: '5566778899',
      name: 'Günther Müller-Lüdenscheidt',
      dob: '1985-03-04',
      testType: 'RT-PCR',
      testName: 'Abbott RealTime',
      sampleCollectionTimestamp: '2021-07-12T09:30:00Z',
      result: 'Negative',
      facilityName: 'Delhi Lab',
      facilityCountry: 'IN',
    },
    { issuer },
  );
}
function recovery() {
  return buildCredential(
    'recovery',
    {
      certificateId: '7788',
      name: 'Ana Núñez',
      dob: '1970-12-01',
      disease: 'COVID-19',
      firstPositiveTestDate: '2021-05-01',
      validFrom: '2021-05-12',
      validUntil: '2099-11-01',
      country: 'IN',
    },
    { issuer },
  );
}

describe('issue → encode → decode → verify with a development DSC', () => {
  it.each([
    ['vaccination', vaccination, 'v'],
    ['test', testResult, 't'],
    ['recovery', recovery, 'r'],
  ] as const)('%s credential', async (_name, make, type) => {
    const { dsc } = await developmentPki();
    const credential = make();
    const issued = await issueDcc(credential, {
      signer: dsc.signer,
      certificate: dsc.certificatePem,
      certificateIssuer: 'Ministry of Health, India',
    });
    expect(issued.hc1.startsWith('HC1:')).toBe(true);
    expect(detectDcc(issued.hc1)).toBe(true);
    expect(issued.kid).toBe(dsc.kid);
    expect(validateDccPayload(issued.payload)).toEqual([]);

    const decoded = decodeDcc(issued.hc1);
    expect(decoded.payload).toEqual(issued.payload);
    expect(decoded.type).toBe(type);
    expect(decoded.kid).toBe(dsc.kid);
    expect(decoded.alg).toBe('ES256');
    expect(decoded.iss).toBe('IN');
    expect(decoded.coseTags).toEqual([18]);
    const entry = (issued.payload[type] as Array<{ ci: string }>)[0]!;
    expect(validateUvciChecksum(entry.ci)).toBe(true);

    const store = new TrustStore();
    store.addCertificate(dsc.certificatePem);
    const result = await verifyDcc(issued.hc1, { trust: store, now: new Date() });
    expect(result.checks).toEqual([
      { name: 'decode', ok: true },
      { name: 'signature', ok: true },
      expect.objectContaining({ name: 'trust', ok: true }),
      { name: 'validity', ok: true },
      { name: 'key-usage', ok: true },
      { name: 'schema', ok: true },
    ]);
    expect(result.valid).toBe(true);
    expect(result.format).toBe('dcc');
    expect(result.issuer).toBe('IN');
    expect(result.certificateType).toBe(type);
    expect(result.signer?.id).toBe(dsc.kid);
    // Same through COSE bytes and through a signer list.
    expect((await verifyDcc(decoded.coseBytes, { certificates: [dsc.certificateDer], now: new Date() })).valid).toBe(
      true,
    );
    expect(
      (await verifyDcc(issued.hc1, { trust: loadDccSignerList([dsc.signerListEntry]), now: new Date() })).valid,
    ).toBe(true);
  });

  it('maps names, codes and dates as the DCC wants them', () => {
    const v = credentialToDccPayload(vaccination(), { certificateIssuer: 'MoHFW' });
    expect(v.nam).toEqual({ fn: 'Mitra', fnt: 'MITRA', gn: 'Bhaya', gnt: 'BHAYA' });
    expect(v.v?.[0]).toMatchObject({
      tg: '840539006',
      vp: '29061000087103',
      mp: 'Covishield',
      ma: 'ORG-100001981',
      dn: 2,
      sd: 2,
      dt: '2021-07-12',
      co: 'IN',
      is: 'MoHFW',
    });
    expect(v.v?.[0]?.ci).toMatch(/^URN:UVCI:01:IN:244768056#.$/);
    const t = credentialToDccPayload(testResult());
    expect(t.nam).toMatchObject({ fnt: 'MUELLER<LUEDENSCHEIDT', gnt: 'GUENTHER' });
    expect(t.t?.[0]).toMatchObject({
      tt: 'LP6464-4',
      tr: '260415000',
      nm: 'Abbott RealTime',
      sc: '2021-07-12T09:30:00.000Z',
      tc: 'Delhi Lab',
      is: issuer,
    });
    const r = credentialToDccPayload(recovery(), { uvci: 'URN:UVCI:01:IN:ABC' });
    expect(r.r?.[0]).toMatchObject({ fr: '2021-05-01', df: '2021-05-12', du: '2099-11-01', ci: 'URN:UVCI:01:IN:ABC' });
    const noLatin = credentialToDccPayload(vaccination(), {
      name: { fn: 'मित्र', gn: 'भय', fnt: 'MITRA', gnt: 'BHAYA' },
    });
    expect(noLatin.nam).toEqual({ fn: 'मित्र', fnt: 'MITRA', gn: 'भय', gnt: 'BHAYA' });
  });

  it('refuses what cannot be mapped, with typed errors', () => {
    expect(() => credentialToDccPayload({ type: ['VerifiableCredential'] })).toThrow(
      expect.objectContaining({ code: 'ERR_DCC_ENCODE_INVALID' }),
    );
    const zycov = buildCredential(
      'vaccination-v2',
      {
        refId: '1',
        name: 'A B',
        dob: '1990-01-01',
        vaccine: 'ZyCoV-D',
        batch: 'x',
        vaccinationDate: '2021-07-12',
        dose: 1,
        totalDoses: 3,
        facilityName: 'f',
        facilityCountry: 'IN',
      },
      { issuer },
    );
    expect(() => credentialToDccPayload(zycov)).toThrow(/no EU value-set code/);
    expect(() => credentialToDccPayload(vaccination(), { country: 'Atlantis' })).toThrow(/country/);
    expect(() => credentialToDccPayload(vaccination(), { name: { fn: 'मित्र' } })).toThrow(/transliteration/);
    expect(() => credentialToDccPayload(null)).toThrow(expect.objectContaining({ code: 'ERR_DCC_ENCODE_INVALID' }));
  });

  it('a recovery DCC expires with its du', async () => {
    const { dsc } = await developmentPki();
    const issued = await issueDcc(recovery(), { signer: dsc.signer, certificate: dsc.certificatePem });
    expect(issued.exp).toBe(Date.parse('2099-11-01T23:59:59Z') / 1000);
  });

  it('signs PS256 with an RSA key (kid given, key trusted directly)', async () => {
    const { signer, keyPair } = await rsaSigner();
    const kid = 'AAECAwQFBgc=';
    const encoded = await encodeDcc(SAMPLE_DCC, {
      signer,
      kid,
      iat: new Date('2024-01-01T00:00:00Z'),
      exp: new Date('2099-01-01T00:00:00Z'),
    });
    expect(encoded.alg).toBe('PS256');
    expect(decodeDcc(encoded.hc1).algId).toBe(-37);
    const store = new TrustStore();
    store.add(trustedKeyFromKeyPair(keyPair, { id: kid }));
    const result = await verifyDcc(encoded.hc1, { trust: store });
    expect(result.valid, JSON.stringify(result.checks)).toBe(true);
  });

  it('encodeDcc checks the payload, the certificate and the options', async () => {
    const { dsc, testOnly } = await developmentPki();
    await expect(
      encodeDcc({ ...SAMPLE_DCC, dob: 'yesterday' }, { signer: dsc.signer, certificate: dsc.certificatePem }),
    ).rejects.toMatchObject({ code: 'ERR_DCC_SCHEMA_INVALID' });
    await expect(
      encodeDcc(SAMPLE_DCC, { signer: dsc.signer, certificate: testOnly.certificatePem }),
    ).rejects.toMatchObject({ code: 'ERR_DCC_ENCODE_INVALID' });
    await expect(encodeDcc(SAMPLE_DCC, { signer: dsc.signer })).rejects.toMatchObject({
      code: 'ERR_DCC_ENCODE_INVALID',
    });
    await expect(
      encodeDcc(SAMPLE_DCC, {
        signer: { ...dsc.signer, id: 'x', algorithm: 'EdDSA', sign: dsc.signer.sign },
        kid: dsc.kid,
      }),
    ).rejects.toMatchObject({ code: 'ERR_DCC_ALG_UNSUPPORTED' });
    await expect(encodeDcc(SAMPLE_DCC, { signer: dsc.signer, kid: dsc.kid, iat: 100, exp: 50 })).rejects.toMatchObject({
      code: 'ERR_DCC_ENCODE_INVALID',
    });
    await expect(encodeDcc(SAMPLE_DCC, { signer: dsc.signer, certificate: 'not a certificate' })).rejects.toMatchObject(
      { code: 'ERR_DCC_CERTIFICATE_INVALID' },
    );
  });
});

describe('development PKI', () => {
  it('makes a CSCA and DSCs with the DCC key usage, ES256 / P-256', async () => {
    const { csca, dsc, testOnly } = await developmentPki();
    const root = new X509Certificate(csca.certificatePem);
    const leaf = new X509Certificate(dsc.certificatePem);
    expect(root.ca).toBe(true);
    expect(root.subject).toContain('C=IN');
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(root)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(true);
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(leaf.keyUsage).toEqual(
      expect.arrayContaining([DCC_KEY_USAGE_OIDS.v, DCC_KEY_USAGE_OIDS.t, DCC_KEY_USAGE_OIDS.r]),
    );
    expect(new X509Certificate(testOnly.certificatePem).keyUsage).toEqual([DCC_KEY_USAGE_OIDS.t]);
    expect(await certificateKidBase64(dsc.certificatePem)).toBe(dsc.kid);
    expect(Buffer.from(dsc.kid, 'base64')).toHaveLength(8);
    expect(dsc.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(new TrustStore().addCertificate(testOnly.certificatePem).purposes).toEqual(['dcc-test']);
  });

  it('rejects bad requests', async () => {
    const { csca } = await developmentPki();
    const { createDevelopmentCsca, createDevelopmentSigner } = await import('../src/index.js');
    await expect(createDevelopmentCsca({ country: 'India' })).rejects.toMatchObject({
      code: 'ERR_DCC_CERTIFICATE_INVALID',
    });
    await expect(createDevelopmentSigner({ csca, types: [] })).rejects.toMatchObject({
      code: 'ERR_DCC_CERTIFICATE_INVALID',
    });
    await expect(createDevelopmentSigner({ csca, validityDays: 0 })).rejects.toMatchObject({
      code: 'ERR_DCC_CERTIFICATE_INVALID',
    });
  });
});
