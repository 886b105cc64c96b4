import { afterAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair as joseKeyPair } from 'jose';
import { ROUTES, createMemoryStorage, createService, type ServiceStorage } from '@divoc/service';
import { API_KEYS, RECORD, auth, baseConfig, logCapture, makeService } from './helpers.js';

const admin = auth(API_KEYS.admin);
const issueRecord = (
  payload: unknown = { record: RECORD, template: 'vaccination-v2' },
  headers: Record<string, string> = {},
) => ({
  method: 'POST' as const,
  url: '/credentials/issue',
  headers: { ...admin, ...headers },
  payload: payload as Record<string, unknown>,
});

describe('Idempotency-Key', async () => {
  const { app } = await makeService();
  afterAll(() => app.close());
  const unsigned = (n: number) => ({
    '@context': ['https://www.w3.org/2018/credentials/v1'],
    type: ['VerifiableCredential'],
    issuanceDate: '2024-01-01T00:00:00Z',
    credentialSubject: { id: `did:example:${n}` },
  });

  it('same key + same body → the stored response (no second certificate), replay flagged', async () => {
    // VC-API credentials without a certificate id get a random one: only the key prevents a duplicate.
    const req = {
      method: 'POST' as const,
      url: '/credentials/issue',
      headers: { ...admin, 'idempotency-key': 'k-1' },
      payload: { credential: unsigned(1) },
    };
    const first = await app.inject(req);
    const second = await app.inject(req);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.body).toBe(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers.location).toBe(first.headers.location);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('divoc_credentials_issued_total{kind="credential"} 1');
    expect(metrics).toContain('divoc_idempotent_replays_total 1');
  });

  it('same key + a different body → 422 ERR_IDEMPOTENCY_KEY_REUSED', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: { ...admin, 'idempotency-key': 'k-1' },
      payload: { credential: unsigned(2) },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('ERR_IDEMPOTENCY_KEY_REUSED');
  });

  it('keys are per client: another client may use the same key', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: { ...auth(API_KEYS.issuer), 'idempotency-key': 'k-1' },
      payload: { credential: unsigned(3) },
    });
    expect(res.statusCode).toBe(201);
  });

  it('concurrent duplicates run once', async () => {
    const req = {
      method: 'POST' as const,
      url: '/credentials/issue',
      headers: { ...admin, 'idempotency-key': 'k-concurrent' },
      payload: { credential: unsigned(4) },
    };
    const results = await Promise.all(Array.from({ length: 12 }, () => app.inject(req)));
    const bodies = new Set(results.map((r) => r.body));
    expect(bodies.size).toBe(1);
    expect(results.every((r) => r.statusCode === 201)).toBe(true);
    expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(11);
  });

  it('concurrent identical records without a key still make one certificate (deterministic id)', async () => {
    const record = { ...RECORD, identity: 'did:in.gov.uidai.aadhaar:111122223333' };
    const results = await Promise.all(
      Array.from({ length: 8 }, () => app.inject(issueRecord({ record, template: 'vaccination-v2' }))),
    );
    expect(new Set(results.map((r) => r.json().certificateId)).size).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r.json().credential))).size).toBe(1);
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
  });

  it('a rejected request is stored too: the retry gets the same 422', async () => {
    const bad = issueRecord(
      { record: { ...RECORD, dob: 'not a date' }, template: 'vaccination-v2' },
      { 'idempotency-key': 'k-bad' },
    );
    const a = await app.inject(bad);
    const b = await app.inject(bad);
    expect(a.statusCode).toBe(422);
    expect(b.body).toBe(a.body);
    expect(b.headers['idempotent-replayed']).toBe('true');
  });

  it('an unusable key → 400 ERR_IDEMPOTENCY_KEY_INVALID', async () => {
    const res = await app.inject(issueRecord(undefined, { 'idempotency-key': 'x'.repeat(300) }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('ERR_IDEMPOTENCY_KEY_INVALID');
  });
});

describe('authentication', async () => {
  const idp = await joseKeyPair('ES256', { extractable: true });
  const stranger = await joseKeyPair('ES256');
  const jwk = { ...(await exportJWK(idp.publicKey)), kid: 'idp-1', alg: 'ES256' };
  const { app } = await makeService({
    auth: {
      apiKeys: [
        {
          id: 'registry',
          sha256: (await import('@divoc/service')).sha256Hex(API_KEYS.issuer),
          scopes: ['credentials:issue'],
        },
      ],
      jwt: { jwks: { keys: [jwk] }, issuer: 'https://idp.example', audience: 'divoc-service' },
    },
  });
  afterAll(() => app.close());
  const token = (
    claims: Record<string, unknown>,
    options: { key?: CryptoKey; exp?: string | number; iss?: string; aud?: string } = {},
  ) =>
    new SignJWT({ scope: 'credentials:verify', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
      .setSubject('client-7')
      .setIssuer(options.iss ?? 'https://idp.example')
      .setAudience(options.aud ?? 'divoc-service')
      .setIssuedAt(typeof options.exp === 'number' ? options.exp - 60 : undefined)
      .setExpirationTime(options.exp ?? '5m')
      .sign(options.key ?? idp.privateKey);
  const verifyWith = (headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/credentials/verify', headers, payload: { input: 'DIVOC1:x' } });

  it('no credentials → 401 ERR_AUTH_MISSING with WWW-Authenticate', async () => {
    const res = await verifyWith({});
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('ERR_AUTH_MISSING');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });
  it('a wrong API key → 401 ERR_AUTH_INVALID; a right one (Bearer or X-API-Key) passes', async () => {
    expect((await app.inject(issueRecord(undefined, { authorization: 'Bearer wrong-key' }))).json().error.code).toBe(
      'ERR_AUTH_INVALID',
    );
    expect((await app.inject(issueRecord(undefined, { authorization: '', 'x-api-key': 'wrong' }))).statusCode).toBe(
      401,
    );
    expect((await app.inject(issueRecord(undefined, { authorization: `Bearer ${API_KEYS.issuer}` }))).statusCode).toBe(
      201,
    );
    expect(
      (await app.inject(issueRecord(undefined, { authorization: '', 'x-api-key': API_KEYS.issuer }))).statusCode,
    ).toBe(200);
    expect((await app.inject(issueRecord(undefined, { authorization: 'Basic abc' }))).statusCode).toBe(401);
  });
  it('an API key without the scope → 403 ERR_AUTH_SCOPE', async () => {
    const res = await verifyWith(auth(API_KEYS.issuer));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('ERR_AUTH_SCOPE');
  });
  it('a valid JWT with the scope passes; with another scope → 403', async () => {
    expect((await verifyWith(auth(await token({})))).statusCode).toBe(200);
    const res = await app.inject(issueRecord(undefined, auth(await token({}))));
    expect(res.statusCode).toBe(403);
    expect(
      (await app.inject(issueRecord(undefined, auth(await token({ scope: 'credentials:issue credentials:read' })))))
        .statusCode,
    ).toBeLessThan(300);
  });
  it(
    'maxTokenAgeSeconds (default one day) is the age since iat: an old token whose exp is far away is ' +
      'refused; a fresh one (control) passes',
    async () => {
      const now = Math.floor(Date.now() / 1000);
      const sign = (iat: number) =>
        new SignJWT({ scope: 'credentials:verify' })
          .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
          .setSubject('client-7')
          .setIssuer('https://idp.example')
          .setAudience('divoc-service')
          .setIssuedAt(iat)
          .setExpirationTime(now + 30 * 86_400)
          .sign(idp.privateKey);
      const old = await verifyWith(auth(await sign(now - 2 * 86_400)));
      expect(old.statusCode).toBe(401);
      expect((await verifyWith(auth(await sign(now - 60)))).statusCode).toBe(200);
    },
  );
  it('expired, wrong issuer, wrong audience, unknown key, garbage → 401', async () => {
    const expired = await token({}, { exp: Math.floor(Date.now() / 1000) - 3600 });
    const e = await verifyWith(auth(expired));
    expect(e.statusCode).toBe(401);
    expect(e.json().error.code).toBe('ERR_AUTH_EXPIRED');
    for (const t of [
      await token({}, { iss: 'https://evil.example' }),
      await token({}, { aud: 'other' }),
      await token({}, { key: stranger.privateKey }),
      'a.b.c',
    ]) {
      const res = await verifyWith(auth(t));
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('ERR_AUTH_INVALID');
    }
  });
  it('refuses configs that would be unsafe', async () => {
    await expect(createService(await baseConfig({ auth: { apiKeys: [] } }))).rejects.toMatchObject({
      code: 'ERR_SERVICE_CONFIG_INVALID',
    });
    await expect(
      createService(
        await baseConfig({ auth: { apiKeys: [{ id: 'x', sha256: 'plain-key', scopes: ['credentials:issue'] }] } }),
      ),
    ).rejects.toMatchObject({ code: 'ERR_SERVICE_CONFIG_INVALID' });
    await expect(
      createService(
        await baseConfig({
          auth: { jwt: { jwks: { keys: [await exportJWK(idp.privateKey)] }, issuer: 'x', audience: 'y' } },
        }),
      ),
    ).rejects.toThrow(/public keys only/);
  });
});

describe('rate limits', async () => {
  const { app } = await makeService({ rateLimit: { capacity: 3, refillPerSecond: 0.2 } });
  afterAll(() => app.close());
  it('a client over its bucket gets 429 with Retry-After; other clients do not', async () => {
    const req = () =>
      app.inject({
        method: 'POST',
        url: '/credentials/verify',
        headers: auth(API_KEYS.verifier),
        payload: { input: 'x' },
      });
    for (let i = 0; i < 3; i++) expect((await req()).statusCode).toBe(200);
    const limited = await req();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('ERR_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(
      (await app.inject({ method: 'POST', url: '/credentials/verify', headers: admin, payload: { input: 'x' } }))
        .statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('divoc_rate_limited_total 1');
  });

  it(
    'failed authentications are limited too, by address: guessing keys is throttled; a valid key from there ' +
      'still works',
    async () => {
      const { app: fresh } = await makeService({ rateLimit: { capacity: 3, refillPerSecond: 0.2 } });
      try {
        const guess = (key: string) =>
          fresh.inject({ method: 'POST', url: '/credentials/verify', headers: auth(key), payload: { input: 'x' } });
        for (let i = 0; i < 3; i++) expect((await guess(`wrong-${i}`)).statusCode).toBe(401);
        const limited = await guess('wrong-4');
        expect(limited.statusCode).toBe(429);
        expect(limited.json().error.code).toBe('ERR_RATE_LIMITED');
        // Control: a client that authenticates is limited by its own bucket, not by the failures.
        expect(
          (await fresh.inject({ method: 'POST', url: '/credentials/verify', headers: admin, payload: { input: 'x' } }))
            .statusCode,
        ).toBe(200);
      } finally {
        await fresh.close();
      }
    },
  );
});

describe('request validation', async () => {
  const { app } = await makeService({ bodyLimit: 8192 });
  afterAll(() => app.close());
  const post = (payload: string, contentType = 'application/json') =>
    app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: { ...admin, 'content-type': contentType },
      payload,
    });

  it('answers every bad request with a clear 4xx and keeps serving', async () => {
    const cases: [string, Awaited<ReturnType<typeof post>>, number, string][] = [
      ['bad JSON', await post('{"record": {'), 400, 'ERR_JSON_INVALID'],
      ['empty JSON', await post(''), 400, 'ERR_JSON_INVALID'],
      [
        'oversize',
        await post(JSON.stringify({ record: { ...RECORD, name: 'x'.repeat(10_000) }, template: 'vaccination-v2' })),
        413,
        'ERR_BODY_TOO_LARGE',
      ],
      ['wrong type', await post(JSON.stringify({ record: RECORD, template: 5 })), 400, 'ERR_REQUEST_INVALID'],
      ['array body', await post('[]'), 400, 'ERR_REQUEST_INVALID'],
      [
        'unknown field',
        await post(JSON.stringify({ record: RECORD, template: 'vaccination-v2', extra: 1 })),
        400,
        'ERR_REQUEST_INVALID',
      ],
      [
        'unknown format',
        await post(JSON.stringify({ record: RECORD, template: 'vaccination-v2', formats: ['pdf'] })),
        400,
        'ERR_REQUEST_INVALID',
      ],
      ['text/plain', await post('hello', 'text/plain'), 415, 'ERR_MEDIA_TYPE_UNSUPPORTED'],
      [
        '__proto__',
        await post('{"record":{"__proto__":{"x":1}},"template":"vaccination-v2"}'),
        400,
        'ERR_JSON_INVALID',
      ],
      ['unknown template', await post(JSON.stringify({ record: RECORD, template: 'nope' })), 422, 'ERR_RECORD_INVALID'],
      [
        'invalid record',
        await post(JSON.stringify({ record: { ...RECORD, dob: 'yesterday' }, template: 'vaccination-v2' })),
        422,
        'ERR_RECORD_INVALID',
      ],
      [
        'no identity',
        await post(JSON.stringify({ record: { vaccine: 'Covishield' }, template: 'vaccination-v2' })),
        422,
        'ERR_RECORD_INVALID',
      ],
    ];
    for (const [name, res, status, code] of cases) {
      expect({ name, status: res.statusCode }).toEqual({ name, status });
      expect({ name, code: res.json().error.code }).toEqual({ name, code });
      expect(typeof res.json().error.message).toBe('string');
    }
    const wrongType = cases[3]![1].json();
    expect(wrongType.error.details.length).toBeGreaterThan(0);
    const notFound = await app.inject({ method: 'GET', url: '/nope<b>evil</b>' });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.json().error.code).toBe('ERR_NOT_FOUND');
    expect(notFound.body).not.toMatch(/nope|evil/);
    // Fastify's own errors (a malformed URL) come in our shape, without the URL.
    const badUrl = await app.inject({ method: 'GET', url: '/%zz<script>' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json()).toEqual({ error: { code: 'ERR_REQUEST_INVALID', message: expect.any(String) } });
    expect(badUrl.body).not.toMatch(/script|%zz/i);
    expect((await app.inject({ method: 'GET', url: '/credentials/bad%20id', headers: admin })).statusCode).toBe(400);
    // Still serving:
    const ok = await app.inject(issueRecord());
    expect(ok.statusCode).toBe(201);
  });

  it('accepts application/ld+json bodies', async () => {
    const res = await post(JSON.stringify({ input: 'DIVOC1:x' }), 'application/ld+json');
    expect(res.statusCode).toBe(400); // wrong route body for issue: validated, not a media type error
    const verified = await app.inject({
      method: 'POST',
      url: '/credentials/verify',
      headers: { ...admin, 'content-type': 'application/ld+json' },
      payload: JSON.stringify({ input: 'DIVOC1:x' }),
    });
    expect(verified.statusCode).toBe(200);
  });
});

describe('OpenAPI, health, metrics', async () => {
  let failing = false;
  const memory = createMemoryStorage();
  const storage: ServiceStorage = {
    ...memory,
    ping: async () => {
      if (failing) throw new Error('down');
    },
  };
  const { app } = await makeService({ storage });
  afterAll(() => app.close());

  it('serves an OpenAPI 3.1 document with every route and the validation schemas', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = JSON.parse(res.body);
    expect(doc.openapi).toBe('3.1.0');
    for (const route of ROUTES)
      expect(doc.paths[route.url]?.[route.method.toLowerCase()], `${route.method} ${route.url}`).toBeDefined();
    const issue = doc.paths['/credentials/issue'].post;
    expect(issue.requestBody.content['application/json'].schema).toEqual(JSON.parse(JSON.stringify(ROUTES[0]!.body)));
    expect(issue.parameters.some((p: { name: string }) => p.name === 'Idempotency-Key')).toBe(true);
    expect(doc.paths['/credentials/{id}'].get.responses['200'].content['image/png']).toBeDefined();
    expect(doc.components.securitySchemes.bearer.scheme).toBe('bearer');
    // Every $ref resolves.
    for (const ref of res.body.match(/"\$ref":"[^"]+"/g) ?? [])
      expect(doc.components.schemas[ref.split('/').pop()!.replace('"', '')]).toBeDefined();
  });

  it('health: ready while storage answers, 503 when it does not', async () => {
    const ok = await app.inject({ method: 'GET', url: '/health' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'ok', live: true, ready: true });
    failing = true;
    const down = await app.inject({ method: 'GET', url: '/health' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'unavailable', live: true, ready: false });
    failing = false;
  });

  it('metrics: Prometheus text with counts and latency histograms by route and status', async () => {
    await app.inject(issueRecord());
    await app.inject({ method: 'POST', url: '/credentials/verify', headers: admin, payload: { input: 'x' } });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/);
    expect(res.body).toContain('divoc_http_requests_total{method="POST",route="/credentials/issue",status="201"} 1');
    expect(res.body).toContain(
      'divoc_http_request_duration_seconds_bucket{method="POST",route="/credentials/issue",status="201",le="+Inf"} 1',
    );
    expect(res.body).toContain('divoc_credentials_verified_total{result="invalid"} 1');
    expect(res.body).toMatch(/# TYPE divoc_http_request_duration_seconds histogram/);
  });
});

describe('logs', async () => {
  const sink = logCapture();
  const { app } = await makeService({ logger: { level: 'info', sink } });
  afterAll(() => app.close());
  it("are JSON lines with route and status, and hold none of the record's personal data, nor keys", async () => {
    const res = await app.inject(issueRecord());
    expect(res.statusCode).toBe(201);
    await app.inject(issueRecord({ record: { ...RECORD, dob: 'bad-dob-1990' }, template: 'vaccination-v2' }));
    await app.inject({
      method: 'POST',
      url: '/credentials/verify',
      headers: admin,
      payload: { verifiableCredential: res.json().credential },
    });
    await app.inject({ method: 'GET', url: `/credentials/${res.json().certificateId}?name=Rajesh`, headers: admin });
    await app.inject(issueRecord(undefined, { authorization: 'Bearer not-the-key-secret' }));
    const text = sink.lines.join('');
    expect(sink.lines.length).toBeGreaterThanOrEqual(5);
    const lines = sink.lines.map((l) => JSON.parse(l));
    expect(lines.some((l) => l.route === '/credentials/issue' && l.status === 201 && l.client === 'admin')).toBe(true);
    for (const value of [
      RECORD.name,
      'Rajesh',
      RECORD.dob,
      '1990-01-15',
      RECORD.identity,
      '998877665544',
      RECORD.refId,
      RECORD.batch,
      RECORD.vaccinatorName,
      'bad-dob-1990',
      API_KEYS.admin,
      'not-the-key-secret',
      'Bearer',
    ]) {
      expect(text, value).not.toContain(value);
    }
  });
});
