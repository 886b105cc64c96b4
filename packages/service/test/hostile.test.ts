import { afterAll, describe, expect, it } from 'vitest';
import { API_KEYS, RECORD, auth, makeService } from './helpers.js';

const admin = auth(API_KEYS.admin);

describe('hostile input', async () => {
  const { app } = await makeService({ bodyLimit: 262_144 });
  afterAll(() => app.close());
  const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...admin, 'content-type': 'application/json', ...headers }, payload });

  it(
    'deeply nested, huge-string, wrong-typed and forged bodies get 4xx or a failed report, ' + 'never a crash',
    async () => {
      const deep = `{"verifiableCredential":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
      const answers = [
        await post('/credentials/verify', deep),
        await post(
          '/credentials/verify',
          JSON.stringify({
            verifiableCredential: { proof: { type: 'DataIntegrityProof', proofValue: 'z'.repeat(100_000) } },
          }),
        ),
        await post('/credentials/verify', JSON.stringify({ input: 'HC1:' + 'A'.repeat(150_000) })),
        await post('/credentials/verify', JSON.stringify({ input: 'DIVOC1:' + '%%%'.repeat(1000) })),
        await post('/credentials/verify', JSON.stringify({ input: 12 })),
        await post(
          '/credentials/issue',
          JSON.stringify({ record: { ...RECORD, name: { $ne: 1 } }, template: 'vaccination-v2' }),
        ),
        await post(
          '/credentials/issue',
          JSON.stringify({
            record: Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`f${i}`, i])),
            template: 'vaccination-v2',
          }),
        ),
        await post(
          '/credentials/issue',
          JSON.stringify({
            credential: {
              '@context': ['https://evil.example/context'],
              type: ['VerifiableCredential'],
              credentialSubject: {},
            },
          }),
        ),
        await post('/credentials/issue', JSON.stringify({ credential: { type: 'VerifiableCredential', proof: {} } })),
        await post(
          '/credentials/issue',
          JSON.stringify({ credential: {}, options: { certificateId: '../../etc/passwd' } }),
        ),
        await post('/credentials/issue', JSON.stringify({ record: RECORD, template: 'vaccination-v2' }), {
          'content-length': '5',
        }),
      ];
      for (const res of answers) {
        expect(res.statusCode, res.body.slice(0, 200)).toBeLessThan(500);
        expect(res.statusCode === 200 ? res.json().valid : res.json().error.code).toBeDefined();
        if (res.statusCode === 200) expect(res.json().valid).toBe(false);
      }
      const ok = await app.inject({
        method: 'POST',
        url: '/credentials/issue',
        headers: admin,
        payload: { record: RECORD, template: 'vaccination-v2' },
      });
      expect(ok.statusCode).toBe(201);
    },
  );

  it('a huge Accept header or odd ids are handled', async () => {
    const issued = (
      await app.inject({
        method: 'POST',
        url: '/credentials/issue',
        headers: admin,
        payload: { record: RECORD, template: 'vaccination-v2' },
      })
    ).json();
    const res = await app.inject({
      method: 'GET',
      url: `/credentials/${issued.certificateId}`,
      headers: { ...admin, accept: `${'x/y;q=0.1,'.repeat(2000)}image/png` },
    });
    expect(res.statusCode).toBeLessThan(500);
    const long = await app.inject({ method: 'GET', url: `/credentials/${'a'.repeat(200)}`, headers: admin });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.code).toBe('ERR_REQUEST_INVALID');
    expect(
      (await app.inject({ method: 'GET', url: `/credentials/${'a'.repeat(5000)}`, headers: admin })).statusCode,
    ).toBe(414);
    expect((await app.inject({ method: 'GET', url: '/status-lists/..%2F1' })).statusCode).toBe(400);
  });
});
