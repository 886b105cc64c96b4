import { afterAll, describe, expect, it } from 'vitest';
import { API_KEYS, auth, makeService, UNSIGNED_CREDENTIAL } from './helpers.js';

// Request bodies and the credentials in them are strangers' JSON: a member named twice (JSON.parse keeps the last,
// a log or another reader may take the first) or named `__proto__` is refused, never verified as valid.

const admin = auth(API_KEYS.admin);

describe('duplicate and forbidden JSON members in requests', async () => {
  const { app } = await makeService();
  afterAll(() => app.close());
  const post = (url: string, payload: string) =>
    app.inject({ method: 'POST', url, headers: { ...admin, 'content-type': 'application/json' }, payload });
  const SUBJECT = '"credentialSubject":{"id":"did:example:subject"}';
  let vcText = '';

  it('issues a credential to tamper with', async () => {
    const unsigned = UNSIGNED_CREDENTIAL;
    const res = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: admin,
      payload: { credential: unsigned },
    });
    expect(res.statusCode).toBe(201);
    vcText = JSON.stringify(res.json().verifiableCredential);
    expect(vcText).toContain(SUBJECT);
  });

  it('control: the untampered credential verifies, as the body and as { input } text', async () => {
    expect((await post('/credentials/verify', `{"verifiableCredential":${vcText}}`)).json()).toMatchObject({
      valid: true,
    });
    expect((await post('/credentials/verify', JSON.stringify({ input: vcText }))).json()).toMatchObject({
      valid: true,
    });
  });

  it('a body naming a member twice is a 400 ERR_JSON_INVALID whose details name ERR_JSON_DUPLICATE_KEY', async () => {
    const tampered = vcText.replace(
      SUBJECT,
      '"credentialSubject":{"id":"did:example:evil","id":"did:example:subject"}',
    );
    const res = await post('/credentials/verify', `{"verifiableCredential":${tampered}}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'ERR_JSON_INVALID',
      details: { code: 'ERR_JSON_DUPLICATE_KEY', path: '$.verifiableCredential.credentialSubject.id' },
    });
    const proto = await post(
      '/credentials/verify',
      `{"verifiableCredential"` +
        `:${vcText.replace(SUBJECT, '"credentialSubject":{"__proto__":{},"id":"did:example:subject"}')}}`,
    );
    expect(proto.statusCode).toBe(400);
    expect(proto.json().error).toMatchObject({ code: 'ERR_JSON_INVALID', details: { code: 'ERR_JSON_FORBIDDEN_KEY' } });
  });

  it('a credential text ({ input }) naming a member twice fails decode with ERR_JSON_DUPLICATE_KEY', async () => {
    const tampered = vcText.replace(
      SUBJECT,
      '"credentialSubject":{"id":"did:example:evil","id":"did:example:subject"}',
    );
    const res = await post('/credentials/verify', JSON.stringify({ input: tampered }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      valid: false,
      checks: [{ name: 'decode', ok: false, code: 'ERR_JSON_DUPLICATE_KEY' }],
    });
  });
});
