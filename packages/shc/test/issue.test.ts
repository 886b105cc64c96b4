import { describe, expect, it } from 'vitest';
import { createSigner, generateKeyPair, jwkThumbprint, TrustStore } from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import {
  computeRid,
  createHealthCardFile,
  createRevocationList,
  createShcPayload,
  credentialToFhirBundle,
  decodeShc,
  exportIssuerJwks,
  issueShc,
  loadIssuerDirectory,
  minimizeFhirBundle,
  readHealthCardFile,
  signShcPayload,
  verifyShc,
  type FhirBundle,
} from '@divoc/shc';
import { EXAMPLE_ISSUER, exampleSigningKey, exampleStore, vectorJson } from './helpers.js';
import { testRecord, vaccinationRecord } from './fixtures.js';

/** The example issuer's key 3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s. */
const { kid: signingKid, jwk: signingJwk, keyPair, signer } = exampleSigningKey();
const issuedAt = new Date('2024-03-01T10:00:00Z');
const now = new Date('2025-01-01T00:00:00Z');

function entries(bundle: FhirBundle) {
  return bundle.entry.map((e) => e.resource);
}

describe('signing with the spec example issuer key', () => {
  it('kid is the RFC 7638 thumbprint the JWKS publishes', () => {
    expect(jwkThumbprint(keyPair)).toBe(signingKid);
  });

  it('a card we sign verifies against examples/issuer JWKS', async () => {
    const credential = buildCredential('vaccination-v2', vaccinationRecord, { issuer: 'https://divoc.dev/' });
    const card = await issueShc(credential, { signer, key: keyPair, issuer: EXAMPLE_ISSUER, nbf: issuedAt });
    const header = JSON.parse(Buffer.from(card.jws.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'ES256', zip: 'DEF', kid: signingKid });
    expect(Object.keys(header)).toEqual(['alg', 'zip', 'kid']);
    const result = await verifyShc(card.jws, { trust: exampleStore(), now });
    expect(result.valid).toBe(true);
    expect(result.issuer).toBe(EXAMPLE_ISSUER);
    for (const input of [card.qr.length === 1 ? card.qr[0]! : card.qr, card.file, JSON.stringify(card.file)]) {
      expect((await verifyShc(input, { trust: exampleStore(), now })).valid).toBe(true);
    }
  });

  it('a card re-signed from an example payload verifies and keeps its payload (fractional nbf)', async () => {
    const payload = vectorJson<Parameters<typeof signShcPayload>[0]>('examples/example-00-c-jws-payload-minified.json');
    const jws = await signShcPayload(payload, { signer, kid: signingKid });
    const decoded = decodeShc(jws);
    expect(decoded.payload).toEqual(payload);
    expect(decoded.payload.nbf).toBe(1687450764.656);
    expect((await verifyShc(jws, { trust: exampleStore(), now })).valid).toBe(true);
  });

  it('nbf is whole seconds: a Date with milliseconds (what `divoc issue` passes) and the default now', async () => {
    const credential = buildCredential('vaccination-v2', vaccinationRecord, { issuer: 'https://divoc.dev/' });
    const withMs = new Date('2024-03-01T10:00:00.789Z');
    const card = await issueShc(credential, { signer, key: keyPair, issuer: EXAMPLE_ISSUER, nbf: withMs });
    expect(decodeShc(card.jws).payload.nbf).toBe(Math.floor(withMs.getTime() / 1000));
    expect(Number.isInteger(decodeShc(card.jws).payload.nbf)).toBe(true);
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [] } as unknown as FhirBundle;
    for (const nbf of [undefined, 1687450764.656, withMs]) {
      const payload = createShcPayload(bundle, { issuer: EXAMPLE_ISSUER, ...(nbf !== undefined ? { nbf } : {}) });
      expect(Number.isInteger(payload.nbf), String(nbf)).toBe(true);
    }
    // Control: a whole-second time is kept as it is, and the card verifies.
    const whole = await issueShc(credential, { signer, key: keyPair, issuer: EXAMPLE_ISSUER, nbf: issuedAt });
    expect(decodeShc(whole.jws).payload.nbf).toBe(issuedAt.getTime() / 1000);
    expect((await verifyShc(card.jws, { trustStore: exampleStore(), now })).valid).toBe(true);
  });

  it('rejects a signer whose key is not the given key', async () => {
    const other = await generateKeyPair('P-256');
    const payload = createShcPayload(
      { resourceType: 'Bundle', type: 'collection', entry: [] },
      { issuer: EXAMPLE_ISSUER },
    );
    await expect(
      signShcPayload(payload, { signer: createSigner(other, { id: 'x' }), key: keyPair }),
    ).rejects.toMatchObject({ code: 'ERR_SHC_OPTIONS_INVALID' });
    await expect(signShcPayload(payload, { signer, kid: 'abc', key: keyPair })).rejects.toMatchObject({
      code: 'ERR_SHC_OPTIONS_INVALID',
    });
    await expect(signShcPayload(payload, { signer })).rejects.toMatchObject({ code: 'ERR_SHC_OPTIONS_INVALID' });
    const ed = await generateKeyPair('Ed25519');
    await expect(signShcPayload(payload, { signer: createSigner(ed, { id: 'e' }), kid: 'k' })).rejects.toMatchObject({
      code: 'ERR_SHC_OPTIONS_INVALID',
    });
  });
});

describe('FHIR bundles from our credentials', () => {
  it('vaccination-v2 → Patient + Immunization, CVX 210 for Covishield, minimised', async () => {
    const credential = buildCredential('vaccination-v2', vaccinationRecord, { issuer: 'https://divoc.dev/' });
    const { bundle, types } = credentialToFhirBundle(credential);
    expect(types).toEqual([
      'https://smarthealth.cards#health-card',
      'https://smarthealth.cards#immunization',
      'https://smarthealth.cards#covid19',
    ]);
    expect(bundle).toEqual({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          fullUrl: 'resource:0',
          resource: { resourceType: 'Patient', name: [{ text: 'Bhaya Mitra' }], birthDate: '1994-09-01' },
        },
        {
          fullUrl: 'resource:1',
          resource: {
            resourceType: 'Immunization',
            status: 'completed',
            vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '210' }] },
            patient: { reference: 'resource:0' },
            occurrenceDateTime: '2021-05-03T10:15:00.000Z',
            performer: [{ actor: { display: 'ABC Medical Center' } }],
            lotNumber: '4121Z005',
          },
        },
      ],
    });
    // Minimising our own bundle changes nothing.
    expect(minimizeFhirBundle(bundle)).toEqual(bundle);
  });

  it('round-trips: issue → QR → decode → same bundle; verify ok', async () => {
    const kp = await generateKeyPair('P-256');
    const store = new TrustStore();
    store.addJwks(exportIssuerJwks([kp]), { issuer: 'https://divoc.dev' });
    const credential = buildCredential('vaccination', vaccinationRecord, { issuer: 'https://divoc.dev/' });
    const card = await issueShc(credential, { signer: createSigner(kp, { id: 'k' }), key: kp });
    expect(card.payload.iss).toBe('https://divoc.dev');
    const decoded = decodeShc(card.qr.length === 1 ? card.qr[0]! : card.qr);
    expect(decoded.jws).toBe(card.jws);
    expect(decoded.payload).toEqual(card.payload);
    const [patient, immunization] = entries(decoded.payload.vc.credentialSubject.fhirBundle);
    // v1 credentials carry an age, not a birth date.
    expect(patient).toEqual({ resourceType: 'Patient', name: [{ text: 'Bhaya Mitra' }] });
    expect(immunization).toMatchObject({ vaccineCode: { coding: [{ code: '210' }] }, lotNumber: '4121Z005' });
    expect((await verifyShc(card.jws, { trust: store })).valid).toBe(true);
  });

  it('test credential: issue → file → verify, laboratory types', async () => {
    const credential = buildCredential('test', testRecord, { issuer: 'https://divoc.dev/' });
    const card = await issueShc(credential, { signer, key: keyPair, issuer: EXAMPLE_ISSUER, nbf: issuedAt });
    expect(card.payload.vc.type).toContain('https://smarthealth.cards#laboratory');
    const result = await verifyShc(JSON.stringify(card.file), { trust: exampleStore(), now });
    expect(result.valid).toBe(true);
    expect(entries(result.payload!.vc.credentialSubject.fhirBundle).map((r) => r.resourceType)).toEqual([
      'Patient',
      'Observation',
    ]);
  });

  it('issueShc refuses bad options with a typed error', async () => {
    const credential = buildCredential('vaccination-v2', vaccinationRecord, { issuer: 'did:web:divoc.dev' });
    for (const options of [
      { signer, key: keyPair },
      { signer, key: keyPair, issuer: 'http://insecure.example' },
      { signer, key: keyPair, issuer: `${EXAMPLE_ISSUER}/` },
      { signer, key: keyPair, issuer: EXAMPLE_ISSUER, rid: 'not a rid!' },
      { signer, key: keyPair, issuer: EXAMPLE_ISSUER, nbf: Number.NaN },
    ]) {
      await expect(issueShc(credential, options), JSON.stringify(options.issuer)).rejects.toMatchObject({
        code: 'ERR_SHC_OPTIONS_INVALID',
      });
    }
  });

  it('maps vaccine names to CVX, unknown products to ICD-11', () => {
    const cvx = (vaccine: string, extra: Record<string, unknown> = {}) => {
      const c = buildCredential(
        'vaccination-v2',
        { ...vaccinationRecord, vaccine, ...extra },
        { issuer: 'https://divoc.dev/' },
      );
      const imm = entries(credentialToFhirBundle(c).bundle)[1] as unknown as {
        vaccineCode: { coding: { system: string; code: string }[] };
      };
      return imm.vaccineCode.coding[0];
    };
    const expected: Record<string, string> = {
      Covishield: '210',
      AstraZeneca: '210',
      Covaxin: '502',
      'Pfizer/Comirnaty': '208',
      Moderna: '207',
      Janssen: '212',
      Sinopharm: '510',
      Sinovac: '511',
      Novavax: '211',
      Covovax: '211',
      'Sputnik V': '505',
      'Sputnik Light': '504',
      'ZyCoV-D': '514',
      Corbevax: '517',
      Convidecia: '506',
    };
    for (const [name, code] of Object.entries(expected))
      expect(cvx(name), name).toEqual({ system: 'http://hl7.org/fhir/sid/cvx', code });
    expect(cvx('Soberana 02', { icd11Code: 'XM5JC5' })).toEqual({
      system: 'http://id.who.int/icd11/mms',
      code: 'XM5JC5',
    });
  });

  it('test credential → Patient + Observation (LOINC, SNOMED result)', () => {
    const credential = buildCredential('test', testRecord, { issuer: 'https://divoc.dev/' });
    const { bundle, types } = credentialToFhirBundle(credential);
    expect(types).toEqual([
      'https://smarthealth.cards#health-card',
      'https://smarthealth.cards#laboratory',
      'https://smarthealth.cards#covid19',
    ]);
    expect(entries(bundle)[1]).toEqual({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '94500-6' }] },
      subject: { reference: 'resource:0' },
      effectiveDateTime: '2021-06-01T03:30:00.000Z',
      performer: [{ display: 'City Lab' }],
      valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '260415000' }] },
    });
    const rat = buildCredential(
      'test',
      { ...testRecord, testType: 'Rapid Antigen Test', result: 'Positive' },
      { issuer: 'https://divoc.dev/' },
    );
    const obs = entries(credentialToFhirBundle(rat).bundle)[1]!;
    expect(obs.code).toEqual({ coding: [{ system: 'http://loinc.org', code: '94558-4' }] });
    expect(obs.valueCodeableConcept).toEqual({ coding: [{ system: 'http://snomed.info/sct', code: '260373001' }] });
  });

  it('refuses what it cannot map, with a typed error', () => {
    expect(() =>
      credentialToFhirBundle({
        type: ['VerifiableCredential', 'ProofOfRecoveryCredential'],
        credentialSubject: { name: 'x' },
        evidence: [{}],
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_SHC_CREDENTIAL_UNSUPPORTED' }));
    const c = buildCredential('test', { ...testRecord, testType: 'Blood culture' }, { issuer: 'https://divoc.dev/' });
    expect(() => credentialToFhirBundle(c)).toThrow(
      expect.objectContaining({ code: 'ERR_SHC_CREDENTIAL_UNSUPPORTED' }),
    );
    expect(entries(credentialToFhirBundle(c, { testLoinc: '94309-2' }).bundle)[1]!.code).toEqual({
      coding: [{ system: 'http://loinc.org', code: '94309-2' }],
    });
    for (const bad of [
      null,
      'x',
      [],
      {},
      { type: 'ProofOfVaccinationCredential', credentialSubject: {}, evidence: [] },
    ]) {
      expect(() => credentialToFhirBundle(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_SHC_CREDENTIAL_UNSUPPORTED' }),
      );
    }
  });

  it('minimizeFhirBundle refuses non-bundles', () => {
    for (const bad of [null, {}, { resourceType: 'Patient' }, { resourceType: 'Bundle', entry: [{}] }]) {
      expect(() => minimizeFhirBundle(bad)).toThrow(expect.objectContaining({ code: 'ERR_SHC_INPUT_INVALID' }));
    }
  });

  it('minimizeFhirBundle applies the spec rules', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          fullUrl: 'urn:uuid:p1',
          resource: {
            resourceType: 'Patient',
            id: 'p1',
            meta: { versionId: '1' },
            text: { status: 'generated', div: '<div/>' },
            name: [{ family: 'A' }],
          },
        },
        {
          fullUrl: 'https://fhir.example/Immunization/i1',
          resource: {
            resourceType: 'Immunization',
            id: 'i1',
            meta: { security: [{ code: 'IAL1.2' }], lastUpdated: 'x' },
            vaccineCode: {
              text: 'Moderna',
              coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '207', display: 'Moderna' }],
            },
            patient: { reference: 'Patient/p1' },
            performer: [{ actor: { display: 'Clinic' } }],
          },
        },
      ],
    };
    expect(minimizeFhirBundle(bundle)).toEqual({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'resource:0', resource: { resourceType: 'Patient', name: [{ family: 'A' }] } },
        {
          fullUrl: 'resource:1',
          resource: {
            resourceType: 'Immunization',
            meta: { security: [{ code: 'IAL1.2' }] },
            vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '207' }] },
            patient: { reference: 'resource:0' },
            performer: [{ actor: { display: 'Clinic' } }],
          },
        },
      ],
    });
  });
});

describe('QR chunking of a large card', () => {
  it('a JWS over 1195 characters splits into balanced chunks that reassemble', async () => {
    const payload = vectorJson<Parameters<typeof signShcPayload>[0]>('examples/example-02-c-jws-payload-minified.json');
    const jws = await signShcPayload(payload, { signer, key: keyPair });
    const card = decodeShc(jws);
    expect(card.payload).toEqual(payload);
    const { encodeShcQr, decodeShcQr } = await import('@divoc/shc');
    const qr = encodeShcQr(jws);
    expect(qr.length).toBe(Math.ceil(jws.length / 1191));
    const lengths = qr.map((t) => t.replace(/^shc:\/\d+\/\d+\//, '').length / 2);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(1191);
    expect(decodeShcQr([...qr].reverse())).toBe(jws);
  });
});

describe('files, JWKS, revocation, directory', () => {
  it('health card files hold several cards', async () => {
    const file = createHealthCardFile(['a.b.c', 'd.e.f']);
    expect(readHealthCardFile(JSON.stringify(file))).toEqual(['a.b.c', 'd.e.f']);
    expect(() => decodeShc(file)).toThrow(expect.objectContaining({ code: 'ERR_SHC_FILE_INVALID' }));
  });

  it('exportIssuerJwks publishes public ES256 keys with thumbprint kids', async () => {
    const jwks = exportIssuerJwks([keyPair, { key: await generateKeyPair('P-256'), crlVersion: 3 }]);
    expect(jwks.keys[0]).toEqual({
      kty: 'EC',
      kid: signingKid,
      use: 'sig',
      alg: 'ES256',
      crv: 'P-256',
      x: signingJwk.x,
      y: signingJwk.y,
    });
    expect(jwks.keys[1]!.crlVersion).toBe(3);
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    const ed = await generateKeyPair('Ed25519');
    expect(() => exportIssuerJwks([ed])).toThrow(expect.objectContaining({ code: 'ERR_SHC_OPTIONS_INVALID' }));
    expect(() => exportIssuerJwks([])).toThrow(expect.objectContaining({ code: 'ERR_SHC_OPTIONS_INVALID' }));
  });

  it('computeRid is the truncated HMAC of the user id (11 base64url chars), stable per key', () => {
    const secret = new Uint8Array(32).fill(7);
    const rid = computeRid({ secret, kid: signingKid, userId: 'patient-42' });
    expect(rid).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(computeRid({ secret, kid: signingKid, userId: 'patient-42' })).toBe(rid);
    expect(computeRid({ secret, kid: 'other', userId: 'patient-42' })).not.toBe(rid);
    expect(() => computeRid({ secret: new Uint8Array(16), kid: 'k', userId: 'u' })).toThrow(
      expect.objectContaining({ code: 'ERR_SHC_REVOCATION_LIST_INVALID' }),
    );
  });

  it('a revoked card fails the revocation check; a card issued after the cut-off passes', async () => {
    const credential = buildCredential('vaccination-v2', vaccinationRecord, { issuer: 'https://divoc.dev/' });
    const rid = computeRid({ secret: new Uint8Array(32).fill(1), kid: signingKid, userId: 'u1' });
    const card = await issueShc(credential, { signer, key: keyPair, issuer: EXAMPLE_ISSUER, nbf: issuedAt, rid });
    expect(card.payload.vc.rid).toBe(rid);
    const bare = createRevocationList({ kid: signingKid, rids: [rid] });
    expect(bare).toEqual({ kid: signingKid, method: 'rid', ctr: 1, rids: [rid] });
    const revoked = await verifyShc(card.jws, { trust: exampleStore(), now, revocationLists: [bare] });
    expect(revoked.valid).toBe(false);
    expect(revoked.checks.at(-1)).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_SHC_REVOKED' });
    const cutoff = createRevocationList({
      kid: signingKid,
      rids: [{ rid, before: new Date('2024-01-01T00:00:00Z') }],
      ctr: 2,
    });
    expect(cutoff.rids).toEqual([`${rid}.1704067200`]);
    expect((await verifyShc(card.jws, { trust: exampleStore(), now, revocationLists: [cutoff] })).valid).toBe(true);
    const otherKey = createRevocationList({ kid: 'someone-else', rids: [rid] });
    const skipped = await verifyShc(card.jws, { trust: exampleStore(), now, revocationLists: [otherKey] });
    expect(skipped.checks.at(-1)).toEqual({
      name: 'revocation',
      ok: true,
      message: `no revocation list for key ${signingKid}`,
    });
    const broken = await verifyShc(card.jws, {
      trust: exampleStore(),
      now,
      revocationLists: [{ ...bare, method: 'x' } as never],
    });
    expect(broken.checks.at(-1)).toMatchObject({ ok: false, code: 'ERR_SHC_REVOCATION_LIST_INVALID' });
  });

  it('loadIssuerDirectory: our shape and the VCI shape with key sets alongside', async () => {
    const jwks = vectorJson('examples/issuer/.well-known/jwks.json');
    const ours = loadIssuerDirectory({ issuers: [{ iss: EXAMPLE_ISSUER, name: 'SMART example', jwks }] });
    expect(ours.issuers).toEqual([{ iss: EXAMPLE_ISSUER, name: 'SMART example', keys: 2 }]);
    const payload = vectorJson<Parameters<typeof signShcPayload>[0]>('examples/example-00-c-jws-payload-minified.json');
    const jws = await signShcPayload(payload, { signer, key: keyPair });
    expect((await verifyShc(jws, { trust: ours.trustStore, now })).valid).toBe(true);

    const vci = loadIssuerDirectory(
      {
        participating_issuers: [
          { iss: EXAMPLE_ISSUER, name: 'SMART example', website: 'https://smarthealth.cards' },
          { iss: 'https://other.example', name: 'Other' },
        ],
      },
      { jwks: { [EXAMPLE_ISSUER]: jwks } },
    );
    expect(vci.issuers).toEqual([
      { iss: EXAMPLE_ISSUER, name: 'SMART example', keys: 2 },
      { iss: 'https://other.example', name: 'Other', keys: 0 },
    ]);
    expect((await verifyShc(jws, { trust: vci.trustStore, now })).valid).toBe(true);
  });

  it('a key trusted for one issuer does not verify cards claiming another', async () => {
    const store = new TrustStore();
    store.addJwks(vectorJson('examples/issuer/.well-known/jwks.json'), { issuer: 'https://someone.else' });
    const payload = vectorJson<Parameters<typeof signShcPayload>[0]>('examples/example-00-c-jws-payload-minified.json');
    const jws = await signShcPayload(payload, { signer, key: keyPair });
    const result = await verifyShc(jws, { trust: store, now });
    expect(result.valid).toBe(false);
    expect(result.checks[1]).toMatchObject({ name: 'signature', ok: true });
    expect(result.checks[2]).toMatchObject({ name: 'trust', ok: false, code: 'ERR_TRUST_ISSUER_MISMATCH' });
  });

  it('rejects bad directories whole', () => {
    const jwks = vectorJson('examples/issuer/.well-known/jwks.json');
    for (const bad of [
      null,
      [],
      {},
      { issuers: 'x' },
      { issuers: [{ iss: 'http://insecure.example', jwks }] },
      { issuers: [{ iss: `${EXAMPLE_ISSUER}/`, jwks }] },
      { issuers: [{ iss: EXAMPLE_ISSUER }] },
      {
        issuers: [
          { iss: EXAMPLE_ISSUER, jwks },
          { iss: EXAMPLE_ISSUER, jwks },
        ],
      },
      { issuers: [{ iss: EXAMPLE_ISSUER, jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }] } }] },
    ]) {
      expect(() => loadIssuerDirectory(bad), JSON.stringify(bad)?.slice(0, 80)).toThrow(
        expect.objectContaining({ code: 'ERR_SHC_DIRECTORY_INVALID' }),
      );
    }
  });
});
