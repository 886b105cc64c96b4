import { beforeAll, describe, expect, it } from 'vitest';
import { createSigner, generateKeyPair, TrustStore, type KeyPair } from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import {
  canonicalJsonBytes,
  createDevelopmentCsca,
  createDevelopmentSigner,
  decodeVdsnc,
  detectVdsnc,
  encodeVdsnc,
  issueVdsnc,
  isVdsncError,
  MAX_SEAL_BYTES,
  OID_EKU_VDSNC_SIGNER,
  parseSignerCertificate,
  verifyVdsnc,
  VdsncIssueError,
  type DevelopmentCsca,
  type VdsncSeal,
  type VdsncVerificationResult,
} from '@divoc/vdsnc';
import {
  omit,
  testRecord as fullTestRecord,
  vaccinationRecord as fullVaccinationRecord,
} from '../../../test/support/fixtures.js';
import { vectorText as anyVectorText } from '../../../test/support/vectors.js';

const vectorText = (name: string): string => anyVectorText(`vdsnc/${name}`);
const AU_VALID = vectorText('au-citizen-john-valid.json');
const AU_TAMPERED = vectorText('au-citizen-john-tampered-invalid.json');
const AU_CSCA = vectorText('au-csca-root.der.b64').trim();
/** Inside both the Australian signer (2021-08-31 … 2031-09-30) and CSCA (2020 … 2036) windows. */
const AU_CLOCK = new Date('2022-01-15T00:00:00Z');

const vaccinationRecord = {
  ...omit(fullVaccinationRecord, [
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
const testRecord = omit(fullTestRecord, ['nationality', 'identity', 'identityType']);
const options = { issuer: 'https://divoc.dev/', issuanceDate: '2021-05-03T11:00:00Z' };

const failed = (r: VdsncVerificationResult) => r.checks.filter((c) => !c.ok).map((c) => `${c.name}:${c.code}`);

describe('Australian VDS-NC vectors', () => {
  it('the valid seal verifies against the Australian CSCA', async () => {
    const result = await verifyVdsnc(AU_VALID, { cscaCertificates: [AU_CSCA], now: AU_CLOCK });
    expect(failed(result)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual([
      'decode',
      'signature',
      'trust',
      'validity',
      'key-usage',
      'schema',
    ]);
    expect(result.issuer).toBe('AUS');
    expect(result.payload?.data.msg.uvci).toBe('VB0009990025');
  });

  it('also through a TrustStore holding the CSCA (addCertificate)', async () => {
    const trustStore = new TrustStore();
    trustStore.addCertificate(AU_CSCA);
    const result = await verifyVdsnc(JSON.parse(AU_VALID) as object, { trust: trustStore, now: AU_CLOCK });
    expect(result.valid).toBe(true);
  });

  it('the Australian signer certificate carries the VDS-NC EKU and document type NV', () => {
    const cert = parseSignerCertificate(decodeVdsnc(AU_VALID).signerCertificate);
    expect(cert.extendedKeyUsage).toEqual([OID_EKU_VDSNC_SIGNER]);
    expect(cert.documentTypes).toEqual(['NV']);
    expect(cert.country).toBe('AU');
  });

  it('the tampered seal fails on signature only', async () => {
    const result = await verifyVdsnc(AU_TAMPERED, { cscaCertificates: [AU_CSCA], now: AU_CLOCK });
    expect(result.valid).toBe(false);
    expect(failed(result)).toEqual(['signature:ERR_VDSNC_SIGNATURE_INVALID']);
  });

  it('without the CSCA: not trusted', async () => {
    const result = await verifyVdsnc(AU_VALID, { now: AU_CLOCK });
    expect(failed(result)).toEqual(['trust:ERR_VDSNC_NOT_TRUSTED']);
  });

  it('a signer certificate trusted directly (the trust store holds sig.cer itself) needs no CSCA', async () => {
    const signerDer = decodeVdsnc(AU_VALID).signerCertificate;
    const direct = new TrustStore();
    direct.addCertificate(signerDer);
    const result = await verifyVdsnc(AU_VALID, { trust: direct, now: AU_CLOCK });
    expect(failed(result)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.checks.find((c) => c.name === 'trust')?.message).toBe('the signer certificate is trusted directly');
    // Controls: direct trust never excuses a bad signature, and another certificate in the store trusts nothing.
    expect(failed(await verifyVdsnc(AU_TAMPERED, { trust: direct, now: AU_CLOCK }))).toEqual([
      'signature:ERR_VDSNC_SIGNATURE_INVALID',
    ]);
    const other = new TrustStore();
    const csca = await createDevelopmentCsca({ country: 'AU' });
    other.addCertificate((await createDevelopmentSigner({ csca, country: 'AU' })).certificate);
    expect(failed(await verifyVdsnc(AU_VALID, { trust: other, now: AU_CLOCK }))).toEqual([
      'trust:ERR_VDSNC_NOT_TRUSTED',
    ]);
    // The signer's own window still applies.
    expect(failed(await verifyVdsnc(AU_VALID, { trust: direct, now: new Date('2032-01-01T00:00:00Z') }))).toEqual([
      'validity:ERR_VDSNC_CERTIFICATE_EXPIRED',
    ]);
  });

  it('outside the certificate windows: validity fails', async () => {
    const before = await verifyVdsnc(AU_VALID, { cscaCertificates: [AU_CSCA], now: new Date('2021-01-01T00:00:00Z') });
    expect(failed(before)).toEqual(['validity:ERR_VDSNC_CERTIFICATE_EXPIRED']);
    const after = await verifyVdsnc(AU_VALID, { cscaCertificates: [AU_CSCA], now: new Date('2032-01-01T00:00:00Z') });
    expect(failed(after)).toEqual(['validity:ERR_VDSNC_CERTIFICATE_EXPIRED']);
  });

  it(
    'a proof-of-testing seal from a NV-only signer fails key-usage ' + '(and the signature, since data changed)',
    async () => {
      const seal = JSON.parse(AU_VALID) as VdsncSeal;
      seal.data.hdr.t = 'icao.test';
      const result = await verifyVdsnc(seal, { cscaCertificates: [AU_CSCA], now: AU_CLOCK });
      expect(failed(result)).toContain('key-usage:ERR_VDSNC_KEY_USAGE');
      expect(failed(result)).toContain('signature:ERR_VDSNC_SIGNATURE_INVALID');
    },
  );

  it('detects seals and nothing else', () => {
    expect(detectVdsnc(AU_VALID)).toBe(true);
    expect(detectVdsnc(new TextEncoder().encode(AU_VALID))).toBe(true);
    expect(detectVdsnc('HC1:NCFOXN%TS3DH')).toBe(false);
    expect(detectVdsnc('{"@context":[]}')).toBe(false);
    expect(detectVdsnc('x'.repeat(MAX_SEAL_BYTES + 1))).toBe(false);
  });
});

describe('issued seals', () => {
  let csca: DevelopmentCsca;
  let signerCert: DevelopmentCsca;
  let signer: ReturnType<typeof createSigner>;
  let trustStore: TrustStore;

  beforeAll(async () => {
    csca = await createDevelopmentCsca({ country: 'IN' });
    signerCert = await createDevelopmentSigner({ csca, country: 'IN' });
    signer = createSigner(signerCert.keyPair, { id: 'vdsnc-dev-signer' });
    trustStore = new TrustStore();
    trustStore.addCertificate(csca.certificate);
  });

  it('vaccination (v1) → seal → verifies', async () => {
    const credential = buildCredential('vaccination', vaccinationRecord, options);
    const seal = await issueVdsnc(credential, { signer, certificate: signerCert.certificate });
    expect(seal.data.hdr).toEqual({ t: 'icao.vacc', v: 1, is: 'IND' });
    expect(seal.data.msg).toEqual({
      pid: { n: 'Bhaya Mitra', sex: 'M' }, // v1 carries age, not dob
      uvci: '244768056',
      ve: [
        {
          des: 'XM68M6',
          nam: 'Covishield',
          dis: 'RA01.0',
          vd: [{ dvc: '2021-05-03', seq: 1, ctr: 'IND', adm: 'ABC Medical Center', lot: '4121Z005' }],
        },
      ],
    });
    const text = encodeVdsnc(seal);
    expect(detectVdsnc(text)).toBe(true);
    const result = await verifyVdsnc(text, { trust: trustStore });
    expect(failed(result)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('vaccination-v2 carries dob and next dose date', async () => {
    const credential = buildCredential(
      'vaccination-v2',
      { ...vaccinationRecord, nextDoseDueDate: '2021-06-01' },
      options,
    );
    const seal = await issueVdsnc(credential, {
      signer,
      certificate: Buffer.from(signerCert.certificate).toString('base64'),
    });
    expect(seal.data.msg.pid).toEqual({ n: 'Bhaya Mitra', dob: '1994-09-01', sex: 'M' });
    expect((seal.data.msg.ve as Array<{ vd: Array<{ dvn?: string }> }>)[0]!.vd[0]!.dvn).toBe('2021-06-01');
    expect((await verifyVdsnc(seal, { cscaCertificates: [csca.certificate] })).valid).toBe(true);
  });

  it('test certificate → icao.test seal → verifies', async () => {
    const credential = buildCredential('test', testRecord, options);
    const seal = await issueVdsnc(credential, { signer, certificate: signerCert.certificate });
    expect(seal.data.hdr.t).toBe('icao.test');
    expect(seal.data.msg).toMatchObject({
      pid: { n: 'Asha Rao', dob: '1988-02-29', sex: 'F' },
      utci: '555',
      sp: { spn: 'City Lab', ctr: 'IND' },
      tr: { tc: 'molecular(PCR)', r: 'negative', m: 'nasopharyngeal' },
    });
    const result = await verifyVdsnc(encodeVdsnc(seal), { trust: trustStore });
    expect(failed(result)).toEqual([]);
  });

  it('the signature covers exactly the RFC 8785 form of data', async () => {
    const seal = await issueVdsnc(buildCredential('vaccination', vaccinationRecord, options), {
      signer,
      certificate: signerCert.certificate,
    });
    // Re-ordering members or adding whitespace does not change the canonical form, so it still verifies.
    const reordered = { sig: seal.sig, data: { msg: seal.data.msg, hdr: { is: 'IND', v: 1, t: 'icao.vacc' } } };
    expect((await verifyVdsnc(JSON.stringify(reordered, null, 2), { trust: trustStore })).valid).toBe(true);
    expect(new TextDecoder().decode(canonicalJsonBytes(seal.data))).toMatch(
      /^\{"hdr":\{"is":"IND","t":"icao.vacc","v":1\},"msg":\{"pid"/,
    );
  });

  it('refuses what it cannot issue, with typed errors', async () => {
    const credential = buildCredential('vaccination', vaccinationRecord, options);
    const ed = await generateKeyPair('Ed25519');
    const other = await generateKeyPair('P-256');
    const cases: Array<() => Promise<unknown>> = [
      () => issueVdsnc(credential, { signer: createSigner(ed, { id: 'x' }), certificate: signerCert.certificate }),
      // key ≠ certificate
      () => issueVdsnc(credential, { signer: createSigner(other, { id: 'x' }), certificate: signerCert.certificate }),
      () => issueVdsnc(credential, { signer, certificate: 'not a certificate' }),
      () =>
        issueVdsnc(
          buildCredential(
            'recovery',
            {
              refId: 'R',
              name: 'R K',
              dob: '1979-12-31',
              country: 'IN',
              disease: 'COVID-19',
              firstPositiveTestDate: '2021-04-01',
              validFrom: '2021-04-12',
              validUntil: '2021-10-01',
              certificateId: '7',
              facilityName: 'H',
              facilityCountry: 'IN',
            },
            options,
          ),
          { signer, certificate: signerCert.certificate },
        ),
      () =>
        issueVdsnc(
          { ...credential, credentialSubject: { name: 'x'.repeat(40) } },
          { signer, certificate: signerCert.certificate },
        ),
      () => issueVdsnc(credential, { signer, certificate: csca.certificate }), // CSCA is no barcode signer
    ];
    for (const run of cases) await expect(run()).rejects.toBeInstanceOf(VdsncIssueError);
  });
});

describe('hostile seals', () => {
  let csca: DevelopmentCsca;
  let signerCert: DevelopmentCsca;
  let signerKey: KeyPair;
  let good: VdsncSeal;
  let cscaCertificates: Uint8Array[];

  beforeAll(async () => {
    csca = await createDevelopmentCsca();
    signerCert = await createDevelopmentSigner({ csca });
    signerKey = signerCert.keyPair;
    good = await issueVdsnc(buildCredential('vaccination', vaccinationRecord, options), {
      signer: createSigner(signerKey, { id: 's' }),
      certificate: signerCert.certificate,
    });
    cscaCertificates = [csca.certificate];
  });

  const clone = (): VdsncSeal => JSON.parse(JSON.stringify(good)) as VdsncSeal;
  const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

  async function resign(seal: VdsncSeal, key: KeyPair): Promise<VdsncSeal> {
    seal.sig.sigvl = b64u(await createSigner(key, { id: 'k' }).sign(canonicalJsonBytes(seal.data)));
    return seal;
  }

  it('sanity: the untouched seal verifies', async () => {
    expect((await verifyVdsnc(good, { cscaCertificates })).valid).toBe(true);
  });

  it('sig stripped → decode fails', async () => {
    const { sig: _sig, ...unsigned } = clone();
    const result = await verifyVdsnc(unsigned, { cscaCertificates });
    expect(failed(result)).toEqual(['decode:ERR_VDSNC_MALFORMED']);
    expect(result.valid).toBe(false);
  });

  it('cer swapped for a certificate of another key (same CSCA) → signature fails', async () => {
    const other = await createDevelopmentSigner({ csca });
    const seal = clone();
    seal.sig.cer = b64u(other.certificate);
    expect(failed(await verifyVdsnc(seal, { cscaCertificates }))).toEqual(['signature:ERR_VDSNC_SIGNATURE_INVALID']);
  });

  it('forger re-signs with a self-signed "signer" → trust fails', async () => {
    const rogueCsca = await createDevelopmentCsca({ commonName: 'DIVOC Dev CSCA' }); // same name, other key
    const rogue = await createDevelopmentSigner({ csca: rogueCsca });
    const seal = clone();
    seal.data.msg.uvci = 'FORGED';
    seal.sig.cer = b64u(rogue.certificate);
    await resign(seal, rogue.keyPair);
    expect(failed(await verifyVdsnc(seal, { cscaCertificates }))).toEqual(['trust:ERR_VDSNC_NOT_TRUSTED']);
  });

  it('a self-signed CSCA-style certificate as cer (not chained) → trust fails', async () => {
    const self = await createDevelopmentCsca();
    const seal = clone();
    seal.sig.cer = b64u(self.certificate);
    await resign(seal, self.keyPair);
    const codes = failed(await verifyVdsnc(seal, { cscaCertificates }));
    expect(codes).toContain('trust:ERR_VDSNC_NOT_TRUSTED');
    expect(codes).toContain('key-usage:ERR_VDSNC_KEY_USAGE'); // a CSCA has no VDS-NC EKU
  });

  it('the CSCA itself in cer, signing the seal → key-usage fails (a CA is no barcode signer)', async () => {
    const seal = clone();
    seal.sig.cer = b64u(csca.certificate);
    await resign(seal, csca.keyPair);
    expect(failed(await verifyVdsnc(seal, { cscaCertificates }))).toEqual(['key-usage:ERR_VDSNC_KEY_USAGE']);
  });

  it('a signer certificate issued by a non-CA leaf → trust fails', async () => {
    // The legitimate signer certificate poses as an issuer: it is trusted as a "CSCA" but is no CA.
    const leafIssuer = { certificate: signerCert.certificate, keyPair: signerKey };
    const child = await createDevelopmentSigner({ csca: leafIssuer });
    const seal = clone();
    seal.sig.cer = b64u(child.certificate);
    await resign(seal, child.keyPair);
    expect(failed(await verifyVdsnc(seal, { cscaCertificates: [signerCert.certificate] }))).toEqual([
      'trust:ERR_VDSNC_NOT_TRUSTED',
    ]);
  });

  it.each(['ES384', 'RS256', 'none', 'EdDSA', 'es256'])(
    'alg %s → signature fails with ERR_VDSNC_ALG_UNSUPPORTED',
    async (alg) => {
      const seal = clone();
      seal.sig.alg = alg;
      expect(failed(await verifyVdsnc(seal, { cscaCertificates }))).toEqual(['signature:ERR_VDSNC_ALG_UNSUPPORTED']);
    },
  );

  it('DER (not raw r‖s) signature, truncated signature, empty signature → signature / decode fail', async () => {
    const truncated = clone();
    truncated.sig.sigvl = truncated.sig.sigvl.slice(0, 40);
    expect(failed(await verifyVdsnc(truncated, { cscaCertificates }))).toEqual([
      'signature:ERR_VDSNC_SIGNATURE_INVALID',
    ]);
    const empty = clone();
    empty.sig.sigvl = '';
    expect(failed(await verifyVdsnc(empty, { cscaCertificates }))).toEqual(['decode:ERR_VDSNC_MALFORMED']);
    const notB64 = clone();
    notB64.sig.sigvl = 'a+b/c';
    expect(failed(await verifyVdsnc(notB64, { cscaCertificates }))).toEqual(['decode:ERR_VDSNC_MALFORMED']);
  });

  it('garbage certificate bytes → signature fails (certificate invalid), trust fails', async () => {
    const seal = clone();
    seal.sig.cer = b64u(new Uint8Array([0x30, 0x82, 0xff, 0xff, 1, 2, 3]));
    expect(failed(await verifyVdsnc(seal, { cscaCertificates }))).toEqual([
      'signature:ERR_VDSNC_CERTIFICATE_INVALID',
      'trust:ERR_VDSNC_NOT_TRUSTED',
    ]);
  });

  it('a signer certificate without document type list or EKU → key-usage fails', async () => {
    for (const opts of [{ documentTypes: [] }, { extendedKeyUsage: [] }, { documentTypes: ['NT'] }]) {
      const cert = await createDevelopmentSigner({ csca, ...opts });
      const seal = clone();
      seal.sig.cer = b64u(cert.certificate);
      await resign(seal, cert.keyPair);
      expect(failed(await verifyVdsnc(seal, { cscaCertificates }))).toEqual(['key-usage:ERR_VDSNC_KEY_USAGE']);
    }
  });

  it('oversized input → decode fails before parsing', async () => {
    const huge = JSON.stringify({ ...clone(), pad: 'x'.repeat(MAX_SEAL_BYTES) });
    expect(failed(await verifyVdsnc(huge, { cscaCertificates }))).toEqual(['decode:ERR_VDSNC_TOO_LARGE']);
    expect(failed(await verifyVdsnc(new Uint8Array(MAX_SEAL_BYTES + 1), { cscaCertificates }))).toEqual([
      'decode:ERR_VDSNC_TOO_LARGE',
    ]);
    expect(() => decodeVdsnc({ ...clone(), pad: 'y'.repeat(MAX_SEAL_BYTES + 1) })).toThrow(
      expect.objectContaining({ code: 'ERR_VDSNC_TOO_LARGE' }),
    );
  });

  it.each([
    ['not JSON', '{"data":'],
    ['JSON array', '[]'],
    ['JSON null', 'null'],
    ['number', 42],
    ['data not an object', { data: 'x', sig: {} }],
    ['hdr missing', { data: { msg: {} }, sig: { alg: 'ES256', cer: 'AA', sigvl: 'AA' } }],
    [
      'unknown type',
      { data: { hdr: { t: 'icao.pass', v: 1, is: 'IND' }, msg: {} }, sig: { alg: 'ES256', cer: 'AA', sigvl: 'AA' } },
    ],
    [
      'version 2',
      { data: { hdr: { t: 'icao.vacc', v: 2, is: 'IND' }, msg: {} }, sig: { alg: 'ES256', cer: 'AA', sigvl: 'AA' } },
    ],
    [
      'version "1"',
      { data: { hdr: { t: 'icao.vacc', v: '1', is: 'IND' }, msg: {} }, sig: { alg: 'ES256', cer: 'AA', sigvl: 'AA' } },
    ],
    [
      'alpha-2 country',
      { data: { hdr: { t: 'icao.vacc', v: 1, is: 'IN' }, msg: {} }, sig: { alg: 'ES256', cer: 'AA', sigvl: 'AA' } },
    ],
    [
      'cer a number',
      { data: { hdr: { t: 'icao.vacc', v: 1, is: 'IND' }, msg: {} }, sig: { alg: 'ES256', cer: 5, sigvl: 'AA' } },
    ],
    [
      'msg an array',
      { data: { hdr: { t: 'icao.vacc', v: 1, is: 'IND' }, msg: [] }, sig: { alg: 'ES256', cer: 'AA', sigvl: 'AA' } },
    ],
    ['invalid UTF-8 bytes', new Uint8Array([0x7b, 0xff, 0x7d])],
    ['deeply nested', `{"data":${'['.repeat(5000)}${']'.repeat(5000)}}`],
  ])('%s → decode fails with a typed error, never throws', async (_label, input) => {
    const result = await verifyVdsnc(input as string, { cscaCertificates });
    expect(result.valid).toBe(false);
    expect(result.checks).toHaveLength(1);
    expect(result.checks[0]).toMatchObject({ name: 'decode', ok: false });
    expect(result.checks[0]!.code).toMatch(/^ERR_VDSNC_/);
    let thrown: unknown;
    try {
      decodeVdsnc(input as string);
    } catch (err) {
      thrown = err;
    }
    expect(isVdsncError(thrown)).toBe(true);
  });

  it('a cyclic object → decode fails', async () => {
    const seal: Record<string, unknown> = { ...clone() };
    seal.self = seal;
    expect(failed(await verifyVdsnc(seal, { cscaCertificates }))).toEqual(['decode:ERR_VDSNC_MALFORMED']);
  });

  it('wrong message field types → schema fails (and the signature, when not re-signed)', async () => {
    const seal = clone();
    (seal.data.msg.ve as Array<{ vd: Array<Record<string, unknown>> }>)[0]!.vd[0]!.seq = '1';
    seal.data.msg.uvci = 'X'.repeat(13);
    await resign(seal, signerKey);
    const result = await verifyVdsnc(seal, { cscaCertificates });
    expect(failed(result)).toEqual(['schema:ERR_VDSNC_SCHEMA_INVALID']);
    expect(result.checks.at(-1)!.message).toMatch(/seq/);
  });

  it('JCS edge cases inside a signed message: unicode, -0, 1e21, nested arrays → still verifies', async () => {
    const seal = clone();
    seal.data.msg.opt = {
      name: 'Zoë 😀 \u2028 "q" \\',
      neg: -0,
      big: 1e21,
      tiny: 1e-7,
      nested: [[1, [2, [3, []]]], {}],
      ['\u00e9']: 1,
      e: 2,
    };
    await resign(seal, signerKey);
    const text = JSON.stringify(seal);
    expect((await verifyVdsnc(text, { cscaCertificates })).valid).toBe(true);
    // The same seal re-serialised with the number written differently is the same canonical data.
    const rewritten = text.replace('"big":1e+21', '"big":1000000000000000000000').replace('"neg":0', '"neg":-0.0');
    expect(rewritten).not.toBe(text);
    expect((await verifyVdsnc(rewritten, { cscaCertificates })).valid).toBe(true);
  });

  it('a lone surrogate in the signed data → signature fails (not I-JSON), no crash', async () => {
    const text = JSON.stringify(clone()).replace('"Bhaya Mitra"', '"Bhaya \\ud800Mitra"');
    const result = await verifyVdsnc(text, { cscaCertificates });
    expect(failed(result)).toContain('signature:ERR_JCS_INVALID');
  });

  it('a seal claiming another issuing country than its signer certificate → trust fails', async () => {
    const seal = clone();
    seal.data.hdr.is = 'AUS';
    await resign(seal, signerKey);
    const result = await verifyVdsnc(seal, { cscaCertificates });
    expect(failed(result)).toEqual(['trust:ERR_VDSNC_NOT_TRUSTED']);
    expect(result.checks.find((c) => c.name === 'trust')!.message).toMatch(/AUS.*IND/);
  });

  it('a malformed trusted CSCA list → trust fails with a typed check', async () => {
    const result = await verifyVdsnc(good, { cscaCertificates: ['not base64 ***'] });
    expect(failed(result)).toEqual(['trust:ERR_VDSNC_NOT_TRUSTED']);
  });
});
