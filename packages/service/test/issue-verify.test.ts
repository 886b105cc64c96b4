import { afterAll, describe, expect, it } from 'vitest';
import { API_KEYS, RECORD, auth, makeService, UNSIGNED_CREDENTIAL } from './helpers.js';

const admin = auth(API_KEYS.admin);

describe('issue, fetch, verify, revoke', async () => {
  const { app, config } = await makeService();
  afterAll(() => app.close());
  let certificateId = '';
  let credential: Record<string, unknown> = {};
  let compact = '';

  it('issues a record: 201 with the certificate id, the signed VC and its text outputs', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: admin,
      payload: { record: RECORD, template: 'vaccination-v2' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.created).toBe(true);
    expect(body.certificateId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.location).toBe(`/credentials/${body.certificateId}`);
    expect(body.credential.proof).toBeDefined();
    expect(body.credential.credentialStatus.type).toBe('BitstringStatusListEntry');
    expect(body.credential.credentialStatus.statusListCredential).toBe('https://certs.example.test/status-lists/1');
    expect(body.outputs['vc-compact'].text).toMatch(/^DIVOC1:/);
    expect(typeof body.outputs['divoc-qr'].text).toBe('string');
    certificateId = body.certificateId;
    credential = body.credential;
    compact = body.outputs['vc-compact'].text;
  });

  it('the status entry the service allocated is signed over (the issuer adds it before signing)', async () => {
    const ok = await app.inject({
      method: 'POST',
      url: '/credentials/verify',
      headers: admin,
      payload: { verifiableCredential: credential },
    });
    expect(ok.json().valid).toBe(true);
    const status = credential.credentialStatus as Record<string, unknown>;
    const tampered = {
      ...credential,
      credentialStatus: { ...status, statusListIndex: String(Number(status.statusListIndex) + 1) },
    };
    const bad = await app.inject({
      method: 'POST',
      url: '/credentials/verify',
      headers: admin,
      payload: { verifiableCredential: tampered },
    });
    expect(bad.json().valid).toBe(false);
  });

  it('a retried record (no Idempotency-Key) returns the same certificate, never a second one', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: admin,
      payload: { record: RECORD, template: 'vaccination-v2' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().created).toBe(false);
    expect(res.json().certificateId).toBe(certificateId);
    expect(res.json().credential).toEqual(credential);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('divoc_credentials_issued_total{kind="record"} 1');
  });

  it('issues VC-API style: { credential, options } → { verifiableCredential }', async () => {
    const unsigned = UNSIGNED_CREDENTIAL;
    const res = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: admin,
      payload: { credential: unsigned, options: { certificateId: 'vcapi-1' } },
    });
    expect(res.statusCode).toBe(201);
    const vc = res.json().verifiableCredential;
    expect(vc.issuer).toBe(config.issuer);
    expect(vc.proof.type).toBe('DataIntegrityProof');
    expect(vc.credentialStatus.statusPurpose).toBe('revocation');
    const tampered = {
      ...vc,
      credentialStatus: {
        ...vc.credentialStatus,
        statusListIndex: String(Number(vc.credentialStatus.statusListIndex) + 1),
      },
    };
    const broken = await app.inject({
      method: 'POST',
      url: '/credentials/verify',
      headers: admin,
      payload: { verifiableCredential: tampered },
    });
    expect(broken.json().valid).toBe(false);
    expect(res.headers.location).toBe('/credentials/vcapi-1');
    const again = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: admin,
      payload: { credential: unsigned, options: { certificateId: 'vcapi-1' } },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().verifiableCredential).toEqual(vc);
    const verified = await app.inject({
      method: 'POST',
      url: '/credentials/verify',
      headers: admin,
      payload: { verifiableCredential: vc, options: {} },
    });
    expect(verified.json().valid).toBe(true);
    const other = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: admin,
      payload: {
        credential: { ...unsigned, credentialSubject: { id: 'did:example:other' } },
        options: { certificateId: 'vcapi-1' },
      },
    });
    expect(other.statusCode).toBe(409);
    const foreign = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: admin,
      payload: { credential: { ...unsigned, issuer: 'did:example:someone-else' } },
    });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().error.code).toBe('ERR_CREDENTIAL_INVALID');
  });

  it('verifies a credential (VC-API) and a QR text ({ input }) into the verifier report', async () => {
    const vcapi = await app.inject({
      method: 'POST',
      url: '/credentials/verify',
      headers: admin,
      payload: { verifiableCredential: credential },
    });
    expect(vcapi.statusCode).toBe(200);
    const report = vcapi.json();
    expect(report).toMatchObject({ format: 'w3c-vc', valid: true });
    expect(report.checks.map((c: { name: string }) => c.name)).toContain('revocation');
    const qr = await app.inject({
      method: 'POST',
      url: '/credentials/verify',
      headers: admin,
      payload: { input: compact },
    });
    expect(qr.json()).toMatchObject({ format: 'vc-compact', valid: true });
    const junk = await app.inject({
      method: 'POST',
      url: '/credentials/verify',
      headers: admin,
      payload: { input: 'HC1:not-a-dcc' },
    });
    expect(junk.statusCode).toBe(200);
    expect(junk.json().valid).toBe(false);
    expect(junk.json().checks[0]).toMatchObject({ name: 'decode', ok: false });
    const tampered = structuredClone(credential) as { credentialSubject: { name: string } };
    tampered.credentialSubject.name = 'Someone Else';
    const forged = await app.inject({
      method: 'POST',
      url: '/credentials/verify',
      headers: admin,
      payload: { verifiableCredential: tampered },
    });
    expect(forged.json().valid).toBe(false);
  });

  it('GET /credentials/{id} negotiates JSON, JSON-LD, PNG, SVG, PDF', async () => {
    const get = (accept?: string) =>
      app.inject({
        method: 'GET',
        url: `/credentials/${certificateId}`,
        headers: { ...admin, ...(accept !== undefined ? { accept } : {}) },
      });
    const json = await get();
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.json()).toEqual(credential);
    expect((await get('application/ld+json')).headers['content-type']).toMatch(/^application\/ld\+json/);
    const png = await get('image/png');
    expect(png.headers['content-type']).toBe('image/png');
    expect([...png.rawPayload.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const svg = await get('image/svg+xml');
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.body).toContain('<svg');
    expect((await get('image/svg+xml;q=0.5, image/png')).headers['content-type']).toBe('image/png');
    expect((await get('image/*')).headers['content-type']).toBe('image/png');
    expect((await get('text/html')).statusCode).toBe(406);
    expect((await get('text/html')).json().error.code).toBe('ERR_NOT_ACCEPTABLE');
    const pdf = await get('application/pdf');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.rawPayload.subarray(-6).toString()).toContain('%%EOF');
    const missing = await app.inject({ method: 'GET', url: '/credentials/no-such-id', headers: admin });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('ERR_NOT_FOUND');
  });

  it('revokes: the bit flips, the list is republished, verify says revoked; revoking again is a no-op', async () => {
    const before = (await app.inject({ method: 'GET', url: '/status-lists/1' })).json();
    const res = await app.inject({
      method: 'POST',
      url: `/credentials/${certificateId}/revoke`,
      headers: admin,
      payload: { reason: 'issued in error' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      certificateId,
      revoked: true,
      statusListCredential: 'https://certs.example.test/status-lists/1',
    });
    const list = (await app.inject({ method: 'GET', url: '/status-lists/1' })).json();
    expect(list.type).toContain('BitstringStatusListCredential');
    expect(list.proof).toBeDefined();
    expect(list.credentialSubject.encodedList).not.toBe(before.credentialSubject.encodedList);
    const verified = (
      await app.inject({
        method: 'POST',
        url: '/credentials/verify',
        headers: admin,
        payload: { verifiableCredential: credential },
      })
    ).json();
    expect(verified.valid).toBe(false);
    expect(verified.checks.find((c: { name: string }) => c.name === 'revocation')).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_REVOKED',
    });
    const viaQr = (
      await app.inject({ method: 'POST', url: '/credentials/verify', headers: admin, payload: { input: compact } })
    ).json();
    expect(viaQr.valid).toBe(false);
    const again = await app.inject({ method: 'POST', url: `/credentials/${certificateId}/revoke`, headers: admin });
    expect(again.statusCode).toBe(200);
    expect(again.json().revokedAt).toBe(res.json().revokedAt);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('divoc_credentials_revoked_total 1');
    expect((await app.inject({ method: 'POST', url: '/credentials/nope/revoke', headers: admin })).statusCode).toBe(
      404,
    );
    expect((await app.inject({ method: 'GET', url: '/status-lists/99' })).statusCode).toBe(404);
    const badBody = await app.inject({
      method: 'POST',
      url: `/credentials/${certificateId}/revoke`,
      headers: admin,
      payload: { reason: 5 },
    });
    expect(badBody.statusCode).toBe(400);
  });

  it('other formats: a record issued with DCC absent from the config is a 400, not a crash', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: admin,
      payload: { record: { ...RECORD, dose: 2 }, template: 'vaccination-v2', formats: ['dcc'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/dcc is not enabled/);
  });
});

describe('status lists off', async () => {
  const { app } = await makeService({ statusList: { enabled: false } });
  afterAll(() => app.close());
  it('issues without credentialStatus; revoke answers 409 ERR_NOT_REVOCABLE', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: admin,
      payload: { record: RECORD, template: 'vaccination-v2' },
    });
    expect(res.json().credential.credentialStatus).toBeUndefined();
    const revoked = await app.inject({
      method: 'POST',
      url: `/credentials/${res.json().certificateId}/revoke`,
      headers: admin,
    });
    expect(revoked.statusCode).toBe(409);
    expect(revoked.json().error.code).toBe('ERR_NOT_REVOCABLE');
  });
});
