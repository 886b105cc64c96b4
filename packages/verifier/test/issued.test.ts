import { beforeAll, describe, expect, it } from 'vitest';
import {
  createSigner,
  didKeyFromKeyPair,
  generateKeyPair,
  jwkThumbprint,
  toTrustListEntry,
  verificationMethodId,
  type KeyPair,
  type Signer,
} from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { encodeCompactCredential, issueCredential, type SignedCredential, type UnsignedCredential } from '@divoc/vc';
import { encodeDivocQr, encodePixelPass, renderQrPng } from '@divoc/qr';
import {
  createDevelopmentCsca,
  createDevelopmentSigner,
  encodeDvc,
  issueDcc,
  type DocumentSignerCertificate,
} from '@divoc/dcc';
import { createRevocationList, exportIssuerJwks, issueShc } from '@divoc/shc';
import { issueSdJwtVc } from '@divoc/sd-jwt';
import {
  createDevelopmentCsca as createVdsncCsca,
  createDevelopmentSigner as createVdsncSigner,
  issueVdsnc,
} from '@divoc/vdsnc';
import {
  addCredentialStatus,
  allocateStatusEntry,
  createDccRevocationList,
  createStatusList,
  dccRevocationHashes,
  publishStatusList,
  revoke,
  type StatusList,
} from '@divoc/status';
import { Trust, verify, type CredentialFormat, type VerificationResult } from '@divoc/verifier';
import { outline, vaccinationRecord } from './helpers.js';

const SHC_ISS = 'https://divoc.example/shc';
const SD_JWT_ISS = 'https://divoc.example/sd-jwt';
const now = new Date('2021-07-01T00:00:00Z');
const ISSUED = '2021-05-03T12:00:00Z';
const CERTS_FROM = new Date('2021-01-01T00:00:00Z');

interface Issued {
  trust: Trust;
  vcKey: KeyPair;
  vcSigner: Signer;
  issuerDid: string;
  statusList: StatusList;
  credential: SignedCredential;
  dsc: DocumentSignerCertificate;
  dscTestOnly: DocumentSignerCertificate;
  shcKey: KeyPair;
  shcSigner: Signer;
  inputs: Record<CredentialFormat, unknown>;
  hc1: string;
}

let issued: Issued;

beforeAll(async () => {
  const trust = new Trust();
  // W3C VC / compact / DIVOC QR: an Ed25519 did:key issuer, trusted through a trust-list entry.
  const vcKey = await generateKeyPair('Ed25519');
  const vcSigner = createSigner(vcKey, { id: verificationMethodId(vcKey) });
  const issuerDid = didKeyFromKeyPair(vcKey);
  expect(trust.add(JSON.stringify(toTrustListEntry(vcKey, { id: vcSigner.id, controller: issuerDid })))).toEqual({
    kind: 'trust-list-entry',
    keys: 1,
  });
  const statusList = createStatusList({ id: 'https://divoc.example/status/1', statusPurpose: 'revocation' });
  const unsigned = addCredentialStatus(
    buildCredential('vaccination-v2', vaccinationRecord, {
      issuer: issuerDid,
      issuanceDate: ISSUED,
    }) as UnsignedCredential,
    allocateStatusEntry(statusList),
  );
  const credential = await issueCredential(unsigned as UnsignedCredential, {
    signer: vcSigner,
    created: '2021-05-03T12:00:00Z',
  });

  // DCC: development CSCA and document signer.
  const csca = await createDevelopmentCsca({ country: 'IN', commonName: 'Verifier test CSCA' });
  const dsc = await createDevelopmentSigner({
    csca,
    types: ['v', 't', 'r'],
    validFrom: new Date('2021-01-01T00:00:00Z'),
  });
  const dscTestOnly = await createDevelopmentSigner({
    csca,
    types: ['t'],
    validFrom: new Date('2021-01-01T00:00:00Z'),
  });
  expect(trust.add(dsc.certificatePem)).toEqual({ kind: 'signer-certificate', keys: 1 });
  trust.add(dscTestOnly.certificatePem);
  const dcc = await issueDcc(credential, {
    signer: dsc.signer,
    certificate: dsc.certificatePem,
    iat: new Date('2021-05-04T00:00:00Z'),
  });

  // SHC: a P-256 issuer key published as a JWKS with a revocation list.
  const shcKey = await generateKeyPair('P-256');
  const shcSigner = createSigner(shcKey, { id: jwkThumbprint(shcKey) });
  trust.addWellKnown({ jwks: exportIssuerJwks([shcKey]), crls: [], issuer: SHC_ISS, name: 'DIVOC example SHC issuer' });
  const shc = await issueShc(credential, {
    signer: shcSigner,
    key: shcKey,
    issuer: SHC_ISS,
    nbf: new Date('2021-05-04T00:00:00Z'),
    rid: 'rid-bhaya-1',
  });

  // SD-JWT VC: a P-256 issuer key published as JWT VC Issuer Metadata (`/.well-known/jwt-vc-issuer`).
  const sdJwtKey = await generateKeyPair('P-256');
  expect(trust.add({ issuer: SD_JWT_ISS, jwks: exportIssuerJwks([sdJwtKey]) })).toEqual({
    kind: 'jwt-vc-issuer-metadata',
    keys: 1,
    issuers: 1,
  });
  const sdJwt = await issueSdJwtVc(credential, {
    signer: createSigner(sdJwtKey, { id: jwkThumbprint(sdJwtKey) }),
    issuer: SD_JWT_ISS,
    issuedAt: new Date('2021-05-04T00:00:00Z'),
  });

  // VDS-NC: development CSCA (a CA certificate: it goes to the CSCA set) and barcode signer.
  const vdsCsca = await createVdsncCsca({ country: 'IN', validFrom: CERTS_FROM });
  const vdsSigner = await createVdsncSigner({ csca: vdsCsca, country: 'IN', validFrom: CERTS_FROM });
  expect(trust.add(vdsCsca.certificate)).toEqual({ kind: 'csca-certificate', keys: 0, cscas: 1 });
  const seal = await issueVdsnc(credential, {
    signer: createSigner(vdsSigner.keyPair, { id: 'vds' }),
    certificate: vdsSigner.certificate,
  });

  issued = {
    trust,
    vcKey,
    vcSigner,
    issuerDid,
    statusList,
    credential,
    dsc,
    dscTestOnly,
    shcKey,
    shcSigner,
    hc1: dcc.hc1,
    inputs: {
      'w3c-vc': credential,
      'vc-compact': encodeCompactCredential(credential),
      'divoc-qr': encodeDivocQr(credential),
      pixelpass: encodePixelPass(credential),
      dcc: dcc.hc1,
      // The WHO DVC and ICVP (same document signer): their own tests are dvc.test.ts; here they fill the record.
      dvc: (
        await encodeDvc(
          {
            n: 'Bhaya Mitra',
            dob: '1994-09-01',
            v: { tg: '1D47', vp: 'XM0N24', dn: 1, dt: '2021-05-03', bo: 'YF-1', is: 'MoH' },
          },
          { signer: dsc.signer, certificate: dsc.certificatePem, iat: new Date('2021-05-04T00:00:00Z') },
        )
      ).hc1,
      icvp: (
        await encodeDvc(
          {
            n: 'Bhaya Mitra',
            dob: '1994-09-01',
            v: [{ vp: 'a3K3X000005atRtUAI', dt: '2021-05-03', bo: 'YF-1', is: 'MoH' }],
          },
          { signer: dsc.signer, certificate: dsc.certificatePem, iat: new Date('2021-05-04T00:00:00Z') },
        )
      ).hc1,
      shc: shc.qr.length === 1 ? shc.qr[0] : shc.qr,
      vdsnc: seal,
      'sd-jwt-vc': sdJwt,
    },
  };
}, 60_000);

describe('credentials we issue, in every format, through one verify()', () => {
  const formats: CredentialFormat[] = [
    'w3c-vc',
    'vc-compact',
    'divoc-qr',
    'pixelpass',
    'dcc',
    'shc',
    'vdsnc',
    'sd-jwt-vc',
  ];
  const results = new Map<CredentialFormat, VerificationResult>();

  it.each(formats)('%s is detected and valid', async (format) => {
    const result = await verify(issued.inputs[format] as string, { trust: issued.trust, now });
    results.set(format, result);
    expect(result.format).toBe(format);
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.credential).toBeDefined();
  });

  it.each(formats)('%s summary: the same person and event', async (format) => {
    const result = results.get(format) ?? (await verify(issued.inputs[format] as string, { trust: issued.trust, now }));
    expect(result.summary).toMatchObject({
      name: 'Bhaya Mitra',
      dateOfBirth: '1994-09-01',
      event: 'vaccination',
      dose: 1,
      date: '2021-05-03',
    });
    expect(result.summary.vaccine).toMatch(/Covishield/);
  });

  it('format-specific summary fields', async () => {
    const vc = await verify(issued.inputs['w3c-vc'] as object, { trust: issued.trust, now });
    expect(vc.summary).toEqual({
      name: 'Bhaya Mitra',
      dateOfBirth: '1994-09-01',
      gender: 'Male',
      event: 'vaccination',
      vaccine: 'Covishield',
      vaccineCode: 'XM9QW8',
      manufacturer: 'Serum Institute of India',
      dose: 1,
      totalDoses: 2,
      date: '2021-05-03',
      country: 'IN',
      certificateId: '244768056',
    });
    const dcc = await verify(issued.hc1, { trust: issued.trust, now });
    expect(dcc.summary).toMatchObject({
      vaccineCode: 'Covishield',
      totalDoses: 2,
      country: 'IN',
      certificateId: expect.stringMatching(/^URN:UVCI:01:IN:244768056/),
    });
    expect(dcc.summary.manufacturer).toMatch(/Serum Institute/);
    expect(dcc.issuer).toBe('IN');
    const shc = await verify(issued.inputs.shc as string, { trust: issued.trust, now });
    expect(shc.summary).toMatchObject({ vaccineCode: '210' });
    expect(shc.issuerName).toBe('DIVOC example SHC issuer');
  });

  it('a QR image we render verifies (DIVOC QR as PNG)', async () => {
    const png = await renderQrPng(issued.inputs['divoc-qr'] as string);
    const result = await verify(png, { trust: issued.trust, now });
    expect(result.format).toBe('divoc-qr');
    expect(result.valid).toBe(true);
  });

  it('formats subset: a disabled format fails decode with ERR_FORMAT_DISABLED', async () => {
    const result = await verify(issued.hc1, { trust: issued.trust, now, formats: ['w3c-vc', 'shc'] });
    expect(result).toMatchObject({
      format: 'dcc',
      valid: false,
      checks: [{ name: 'decode', ok: false, code: 'ERR_FORMAT_DISABLED' }],
    });
  });
});

describe('revocation', () => {
  it('W3C VC: a Bitstring Status List (signed, offline) — valid before, revoked after', async () => {
    const entryIndex = Number((issued.credential.credentialStatus as { statusListIndex: string }).statusListIndex);
    const publish = () =>
      publishStatusList(issued.statusList, {
        signer: issued.vcSigner,
        issuer: issued.issuerDid,
        validFrom: CERTS_FROM,
        validUntil: new Date('2030-01-01T00:00:00Z'),
      });
    const before = await verify(issued.credential, {
      trust: issued.trust,
      now,
      revocation: { statusLists: [await publish()] },
    });
    expect(outline(before.checks).at(-1)).toBe('revocation:ok');
    expect(before.valid).toBe(true);
    revoke(issued.statusList, entryIndex);
    const after = await verify(issued.credential, {
      trust: issued.trust,
      now,
      revocation: { statusLists: [await publish()] },
    });
    expect(after.valid).toBe(false);
    expect(after.checks.at(-1)).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_STATUS_REVOKED' });
  });

  it('DIVOC: a revoked-certificate list entry (DIVOC QR)', async () => {
    const result = await verify(issued.inputs['divoc-qr'] as string, {
      trust: issued.trust,
      now,
      revocation: { divoc: [{ revoked: [{ certificateId: '244768056', reason: 'issued in error' }] }] },
    });
    expect(result.valid).toBe(false);
    expect(result.checks.at(-1)).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_STATUS_REVOKED' });
    const other = await verify(issued.inputs['divoc-qr'] as string, {
      trust: issued.trust,
      now,
      revocation: { divoc: [{ revoked: [{ certificateId: '1' }] }] },
    });
    expect(other.valid).toBe(true);
  });

  it('SHC: a rid on the issuer CRL (from the trust) and given as revocation data', async () => {
    const kid = jwkThumbprint(issued.shcKey);
    const crl = createRevocationList({ kid, rids: ['rid-bhaya-1'] });
    const trust = new Trust();
    trust.addWellKnown({
      jwks: exportIssuerJwks([{ key: issued.shcKey, crlVersion: 1 }]),
      crls: [crl],
      issuer: SHC_ISS,
    });
    const viaTrust = await verify(issued.inputs.shc as string, { trust, now });
    expect(viaTrust.valid).toBe(false);
    expect(viaTrust.checks.at(-1)).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_STATUS_REVOKED' });
    const viaOptions = await verify(issued.inputs.shc as string, {
      trust: issued.trust,
      now,
      revocation: { shc: [crl] },
    });
    expect(viaOptions.checks.at(-1)).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_STATUS_REVOKED' });
    // The JWK names crlVersion 1: a verifier without that list cannot say the card is not revoked.
    const noList = new Trust();
    noList.addWellKnown({ jwks: exportIssuerJwks([{ key: issued.shcKey, crlVersion: 1 }]), issuer: SHC_ISS });
    const missing = await verify(issued.inputs.shc as string, {
      trust: noList,
      now,
      policy: { requireRevocationData: true },
    });
    expect(missing.checks.at(-1)).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_STATUS_LIST_MISSING' });
  });

  it('DCC: a UCI hash on the list for the signer kid', async () => {
    const decoded = await verify(issued.hc1, { trust: issued.trust, now });
    const uci = decoded.summary.certificateId!;
    const list = createDccRevocationList({
      kid: issued.dsc.kid,
      hashType: 'UCI',
      hashes: [dccRevocationHashes({ uci }).UCI!],
    });
    const result = await verify(issued.hc1, { trust: issued.trust, now, revocation: { dcc: [list] } });
    expect(result.valid).toBe(false);
    expect(result.checks.at(-1)).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_STATUS_REVOKED' });
    const otherKid = createDccRevocationList({
      kid: issued.dscTestOnly.kid,
      hashType: 'UCI',
      hashes: [dccRevocationHashes({ uci }).UCI!],
    });
    expect((await verify(issued.hc1, { trust: issued.trust, now, revocation: { dcc: [otherKid] } })).valid).toBe(true);
  });

  it('requireRevocationData: no data → a failed revocation check in every format', async () => {
    for (const format of ['vc-compact', 'dcc', 'shc', 'vdsnc'] as const) {
      const result = await verify(issued.inputs[format] as string, {
        trust: issued.trust,
        now,
        policy: { requireRevocationData: true },
      });
      expect(result.checks.at(-1), format).toMatchObject({
        name: 'revocation',
        ok: false,
        code: 'ERR_STATUS_LIST_MISSING',
      });
      expect(result.valid).toBe(false);
    }
  });
});

describe('key windows and purposes', () => {
  it('a key outside its window now fails trust by default; acceptExpiredKeys allows the historical check', async () => {
    const kp = await generateKeyPair('Ed25519');
    const signer = createSigner(kp, { id: 'https://divoc.example/keys/2021' });
    const trust = new Trust();
    trust.add(
      toTrustListEntry(kp, {
        id: signer.id,
        controller: 'https://divoc.example/',
        validFrom: new Date('2021-01-01T00:00:00Z'),
        validUntil: new Date('2022-01-01T00:00:00Z'),
      }),
    );
    const credential = await issueCredential(
      buildCredential('vaccination', vaccinationRecord, {
        issuer: 'https://divoc.example/',
        issuanceDate: ISSUED,
      }) as UnsignedCredential,
      { signer, created: '2021-06-01T00:00:00Z' },
    );
    const later = new Date('2024-01-01T00:00:00Z');
    expect((await verify(credential, { trust, now })).valid).toBe(true);
    const strict = await verify(credential, { trust, now: later });
    expect(strict.checks.find((c) => c.name === 'trust')).toMatchObject({ ok: false, code: 'ERR_VC_KEY_EXPIRED' });
    const historical = await verify(credential, { trust, now: later, policy: { acceptExpiredKeys: true } });
    expect(historical.valid).toBe(true);
  });

  it('a key whose purposes exclude assertionMethod fails trust', async () => {
    const kp = await generateKeyPair('Ed25519');
    const signer = createSigner(kp, { id: 'https://divoc.example/keys/auth' });
    const trust = new Trust();
    trust.add(
      toTrustListEntry(kp, { id: signer.id, controller: 'https://divoc.example/', purposes: ['authentication'] }),
    );
    const credential = await issueCredential(
      buildCredential('vaccination', vaccinationRecord, {
        issuer: 'https://divoc.example/',
        issuanceDate: ISSUED,
      }) as UnsignedCredential,
      { signer },
    );
    const result = await verify(credential, { trust, now });
    expect(result.checks.find((c) => c.name === 'trust')).toMatchObject({ ok: false, code: 'ERR_VC_KEY_PURPOSE' });
  });

  it('DCC: a signer certificate for tests only may not sign a vaccination (key-usage)', async () => {
    const dcc = await issueDcc(issued.credential, {
      signer: issued.dscTestOnly.signer,
      certificate: issued.dscTestOnly.certificatePem,
      iat: new Date('2021-05-04T00:00:00Z'),
    });
    const result = await verify(dcc.hc1, { trust: issued.trust, now });
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.name === 'key-usage')).toMatchObject({ ok: false });
  });

  it('DCC: an expired signer certificate fails by default, passes with acceptExpiredKeys', async () => {
    const later = new Date('2030-01-01T00:00:00Z');
    const strict = await verify(issued.hc1, { trust: issued.trust, now: later });
    expect(strict.valid).toBe(false);
    const historical = await verify(issued.hc1, {
      trust: issued.trust,
      now: later,
      policy: { acceptExpiredKeys: true },
    });
    expect(historical.checks.filter((c) => !c.ok).map((c) => c.name)).not.toContain('trust');
  });
});
