/**
 * OpenID4VP 1.0 on loopback: the registry creates a presentation request (DCQL), a wallet on the OpenWallet
 * Foundation client (`@openid4vc/openid4vp` 0.4.6) answers it with an SD-JWT VC the service issued to it over
 * OpenID4VCI, and the registry polls the outcome. Every negative case sits next to a control that passes. Memory
 * storage and, when reachable, PostgreSQL (127.0.0.1:5432, db test).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimalVaccinationRecord } from '../../../test/support/fixtures.js';
import { exportJWK } from 'jose';
import {
  createSigner,
  didKeyFromKeyPair,
  exportPublicJwk,
  generateKeyPair,
  importKeyPair,
  jwkThumbprint,
  verificationMethodId,
  type KeyPair,
  type Signer,
} from '@divoc/keys';
import { createPresentation, issueCredential, signPresentation } from '@divoc/vc';
import { buildCredential } from '@divoc/schemas';
import { issueSdJwtVc } from '@divoc/sd-jwt';
import { Trust } from '@divoc/verifier';
import {
  createService,
  parseServiceConfig,
  ServiceConfigError,
  startService,
  type KeyLoader,
  type RunningService,
  type ServiceStorage,
} from '@divoc/service';
import { API_KEYS, RECORD, auth, baseConfig, storageBackends } from './helpers.js';
import { createWallet, walletKey } from './oid4vci-wallet.js';
import { createPresentationWallet } from './oid4vp-wallet.js';

const BACKENDS = await storageBackends('divoc_oid4vp_test');

/** A service on 127.0.0.1:<free port> issuing over OpenID4VCI and verifying over OpenID4VP, with `trust`. */
async function start(storage: ServiceStorage, trust: Trust, requestTtlSeconds?: number): Promise<RunningService> {
  const config = await baseConfig({
    storage,
    trust,
    listen: { host: '127.0.0.1', port: 0 },
    certificateIssuerName: 'Test Health Registry',
    oid4vci: { enabled: true, batchSize: 1 },
    oid4vp: { enabled: true, ...(requestTtlSeconds !== undefined ? { requestTtlSeconds } : {}) },
  });
  delete (config as { publicUrl?: string }).publicUrl;
  return startService(config);
}

interface Created {
  authorization_request: Record<string, unknown> & { client_id: string; nonce: string; state: string };
  link: string;
  requestId: string;
}

/** The registry's side: `POST /presentation-requests`. */
async function createRequest(url: string, body: Record<string, unknown>, key: string | null = API_KEYS.verifier) {
  const res = await fetch(`${url}/presentation-requests`, {
    method: 'POST',
    headers: { ...(key !== null ? auth(key) : {}), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Created & { error?: { code: string } } };
}

interface Outcome {
  status: string;
  outcome?: {
    valid: boolean;
    error?: { code: string; message: string };
    credentials: Array<{
      valid: boolean;
      issuer: string | null;
      issuerName?: string;
      type?: string;
      claims: Record<string, unknown>;
      checks: Array<{ name: string; ok: boolean; code?: string; message?: string }>;
    }>;
  };
}

async function outcomeOf(url: string, id: string): Promise<Outcome> {
  const res = await fetch(`${url}/presentation-requests/${id}`, { headers: auth(API_KEYS.verifier) });
  expect(res.status).toBe(200);
  return (await res.json()) as Outcome;
}

const DISCLOSE = ['target_disease', 'vaccination_date', 'name'];
/** A record for credentials other issuers sign in the tests. */
const OTHER_RECORD = { ...minimalVaccinationRecord, refId: '12347' };
const VACCINATION = { disease: 'COVID-19', after: '2021-01-01' };

describe.each(BACKENDS)('OpenID4VP presentation requests (%s storage)', (_name, makeStorage) => {
  let running: RunningService;
  let url: string;
  let trust: Trust;
  let sdJwt: string;
  let holderSigner: Signer;
  let offerId: string;
  const wallet = createPresentationWallet();

  beforeAll(async () => {
    trust = new Trust();
    running = await start(await makeStorage(), trust);
    url = running.url;
    // The holder gets an SD-JWT VC bound to its key from the service itself, over OpenID4VCI.
    const offer = await fetch(`${url}/credential-offers`, {
      method: 'POST',
      headers: { ...auth(API_KEYS.issuer), 'content-type': 'application/json' },
      body: JSON.stringify({ template: 'vaccination', record: RECORD, formats: ['dc+sd-jwt'] }),
    });
    const key = await walletKey('ES256');
    holderSigner = createSigner(importKeyPair({ jwk: (await exportJWK(key.privateKey)) as JsonWebKey }), {
      id: 'wallet',
    });
    const offered = (await offer.json()) as { link: string; offerId: string };
    offerId = offered.offerId;
    const { response } = await createWallet([key]).receive(offered.link);
    sdJwt = (response.credentialResponse.credentials as Array<{ credential: string }>)[0]!.credential;
  });
  afterAll(async () => {
    await running?.close();
  });

  /** A fresh request, resolved by the wallet library. */
  async function request(body: Record<string, unknown> = { vaccination: VACCINATION }) {
    const created = await createRequest(url, body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const resolved = await wallet.resolve(created.body.link);
    return { created: created.body, resolved };
  }

  it('the wallet answers a vaccination request; the registry reads the disclosed claims and the issuer', async () => {
    const { created, resolved } = await request();
    // What the library read from the link: the 1.0 request, the redirect_uri client id, the DCQL query.
    expect(resolved.version).toBe(100);
    expect(resolved.client.prefix).toBe('redirect_uri');
    expect(created.authorization_request).toMatchObject({
      response_type: 'vp_token',
      response_mode: 'direct_post',
      client_id: `redirect_uri:${url}/presentations/${created.requestId}`,
      response_uri: `${url}/presentations/${created.requestId}`,
    });
    expect(resolved.dcql?.query).toEqual(created.authorization_request.dcql_query);
    expect((await outcomeOf(url, created.requestId)).status).toBe('pending');

    const sent = await wallet.send(resolved, {
      vaccination: [await wallet.present(resolved, sdJwt, holderSigner, DISCLOSE)],
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const state = await outcomeOf(url, created.requestId);
    expect(state.status).toBe('valid');
    const credential = state.outcome!.credentials[0]!;
    expect(credential).toMatchObject({ valid: true, issuer: url, issuerName: 'Test Health Registry' });
    expect(credential.claims).toMatchObject({ name: RECORD.name, vaccination_date: RECORD.vaccinationDate });
    expect((credential.claims.target_disease as { code: string }).code).toBe('RA01');
    // Only what the wallet disclosed (plus iss, vct, iat, exp): no birth date, no holder key.
    expect(credential.claims.birthdate).toBeUndefined();
    expect(credential.claims.cnf).toBeUndefined();
    expect(credential.checks.map((c) => c.name)).toEqual([
      'decode',
      'signature',
      'trust',
      'validity',
      'key-usage',
      'revocation',
      'query',
    ]);
  });

  it('a replayed response is refused; the first outcome stands (control: the first one counted)', async () => {
    const { created, resolved } = await request();
    const vpToken = { vaccination: [await wallet.present(resolved, sdJwt, holderSigner, DISCLOSE)] };
    expect((await wallet.send(resolved, vpToken)).status).toBe(200);
    const replay = await wallet.send(resolved, vpToken);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: 'invalid_request' });
    expect(String(replay.body.error_description)).toMatch(/answered already/);
    expect((await outcomeOf(url, created.requestId)).status).toBe('valid');
  });

  it('a changed disclosure is refused (control: the same presentation unchanged passes)', async () => {
    const { created, resolved } = await request();
    const presentation = await wallet.present(resolved, sdJwt, holderSigner, DISCLOSE);
    // Rewrite the vaccination date inside its disclosure, keeping its salt: the digest no longer matches.
    const parts = presentation.split('~');
    const index = parts.findIndex(
      (p, i) => i > 0 && i < parts.length - 1 && Buffer.from(p, 'base64url').toString().includes('vaccination_date'),
    );
    expect(index).toBeGreaterThan(0);
    const [salt, claim] = JSON.parse(Buffer.from(parts[index]!, 'base64url').toString()) as [string, string, string];
    parts[index] = Buffer.from(JSON.stringify([salt, claim, '2023-01-01'])).toString('base64url');
    const sent = await wallet.send(resolved, { vaccination: [parts.join('~')] });
    expect(sent.status).toBe(400);
    const state = await outcomeOf(url, created.requestId);
    expect(state.status).toBe('invalid');
    expect(state.outcome!.credentials[0]!.claims).toEqual({});
    expect(state.outcome!.credentials[0]!.checks.find((c) => !c.ok)?.name).toBe('decode');

    const control = await request();
    const ok = await wallet.send(control.resolved, {
      vaccination: [await wallet.present(control.resolved, sdJwt, holderSigner, DISCLOSE)],
    });
    expect(ok.status).toBe(200);
  });

  it('a presentation without key binding is refused (control: with it, it passes)', async () => {
    const { created, resolved } = await request();
    const bare = await presentSdJwtWithoutKb(sdJwt);
    const sent = await wallet.send(resolved, { vaccination: [bare] });
    expect(sent.status).toBe(400);
    const state = await outcomeOf(url, created.requestId);
    expect(state.status).toBe('invalid');
    expect(state.outcome!.credentials[0]!.checks.find((c) => !c.ok)?.name).toBe('key-usage');

    const control = await request();
    const ok = await wallet.send(control.resolved, {
      vaccination: [await wallet.present(control.resolved, sdJwt, holderSigner, DISCLOSE)],
    });
    expect(ok.status).toBe(200);
  });

  it('a KB-JWT for another nonce or another audience is refused (control: the request’s own pass)', async () => {
    for (const override of [
      { nonce: 'another-nonce-0123456789' },
      { audience: 'redirect_uri:https://evil.example/cb' },
    ]) {
      const { created, resolved } = await request();
      const sent = await wallet.send(resolved, {
        vaccination: [await wallet.present(resolved, sdJwt, holderSigner, DISCLOSE, override)],
      });
      expect(sent.status).toBe(400);
      const state = await outcomeOf(url, created.requestId);
      expect(state.status).toBe('invalid');
      expect(state.outcome!.credentials[0]!.checks.find((c) => !c.ok)?.name).toBe('key-usage');
    }
    const control = await request();
    const ok = await wallet.send(control.resolved, {
      vaccination: [await wallet.present(control.resolved, sdJwt, holderSigner, DISCLOSE)],
    });
    expect(ok.status).toBe(200);
  });

  it('the disease or the date not satisfying the query fails; SNOMED / ICD-11 / the day before pass', async () => {
    const cases: Array<[Record<string, string>, boolean]> = [
      [{ disease: 'measles' }, false],
      [{ disease: 'COVID-19', after: RECORD.vaccinationDate }, false],
      [{ after: '2022-01-01' }, false],
      [{ disease: '840539006' }, true],
      [{ disease: 'RA01', after: '2021-07-11' }, true],
    ];
    for (const [vaccination, valid] of cases) {
      const { created, resolved } = await request({ vaccination });
      const sent = await wallet.send(resolved, {
        vaccination: [await wallet.present(resolved, sdJwt, holderSigner, DISCLOSE)],
      });
      expect(sent.status, JSON.stringify(vaccination)).toBe(valid ? 200 : 400);
      const state = await outcomeOf(url, created.requestId);
      expect(state.status).toBe(valid ? 'valid' : 'invalid');
      if (!valid) expect(state.outcome!.error!.code).toBe('ERR_DCQL_UNSATISFIED');
    }
  });

  it('a claim the query asks for left undisclosed fails (control: disclosed, it passes)', async () => {
    const { created, resolved } = await request();
    const sent = await wallet.send(resolved, {
      vaccination: [await wallet.present(resolved, sdJwt, holderSigner, ['name', 'target_disease'])],
    });
    expect(sent.status).toBe(400);
    expect((await outcomeOf(url, created.requestId)).outcome!.error!.message).toMatch(
      /vaccination_date was not disclosed/,
    );
  });

  it('a DCQL query with values: matched (control) and not matched', async () => {
    const dcql = (name: string) => ({
      credentials: [
        {
          id: 'pass',
          format: 'dc+sd-jwt',
          meta: { vct_values: ['urn:divoc:sd-jwt-vc:vaccination:1'] },
          claims: [{ path: ['name'], values: [name] }],
        },
      ],
    });
    for (const [name, status] of [
      [RECORD.name, 200],
      ['Someone Else', 400],
    ] as const) {
      const { resolved } = await request({ dcql: dcql(name) });
      const sent = await wallet.send(resolved, {
        pass: [await wallet.present(resolved, sdJwt, holderSigner, ['name'])],
      });
      expect(sent.status).toBe(status);
    }
  });

  it('an issuer not in the trust is refused; once trusted, the same credential passes', async () => {
    const otherKey = await generateKeyPair('P-256');
    const kid = jwkThumbprint(otherKey);
    const issuer = 'https://other-issuer.example';
    const holderKey = await generateKeyPair('Ed25519');
    const other = await issueSdJwtVc(buildCredential('vaccination-v2', minimalVaccinationRecord, { issuer }), {
      signer: createSigner(otherKey, { id: kid }),
      issuer,
      kid,
      holderPublicKey: exportPublicJwk(holderKey),
    });
    const otherHolder = createSigner(holderKey, { id: 'wallet-2' });
    const attempt = async () => {
      const { created, resolved } = await request();
      const sent = await wallet.send(resolved, {
        vaccination: [await wallet.present(resolved, other, otherHolder, DISCLOSE)],
      });
      return { sent, state: await outcomeOf(url, created.requestId) };
    };
    const refused = await attempt();
    expect(refused.sent.status).toBe(400);
    expect(refused.state.outcome!.credentials[0]!.issuer).toBeNull();
    expect(refused.state.outcome!.credentials[0]!.checks.find((c) => !c.ok)?.name).toMatch(/signature|trust/);

    trust.add({ issuer, jwks: { keys: [{ ...exportPublicJwk(otherKey), kid }] } }, { name: 'Other Registry' });
    const accepted = await attempt();
    expect(accepted.sent.status).toBe(200);
    expect(accepted.state.outcome!.credentials[0]).toMatchObject({ valid: true, issuer, issuerName: 'Other Registry' });
  });

  it('wrong state, unknown request and the wallet’s error response', async () => {
    const { created, resolved } = await request();
    const post = (id: string, form: Record<string, string>) =>
      fetch(`${url}/presentations/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    const wrong = await post(created.requestId, { state: 'not-the-state', vp_token: '{}' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_request' });
    const unknown = await post('00000000-0000-4000-8000-000000000000', { state: created.authorization_request.state });
    expect(unknown.status).toBe(400);
    // The request is still open after those: the holder declines, which is recorded.
    const declined = await post(created.requestId, {
      state: created.authorization_request.state,
      error: 'access_denied',
    });
    expect(declined.status).toBe(200);
    const state = await outcomeOf(url, created.requestId);
    expect(state).toMatchObject({ status: 'invalid', outcome: { valid: false, error: { code: 'access_denied' } } });
    expect(resolved.authorizationRequestPayload.state).toBe(created.authorization_request.state);
  });

  it('creating requests needs credentials:verify; bad bodies are 400', async () => {
    expect((await createRequest(url, { vaccination: VACCINATION }, null)).status).toBe(401);
    expect((await createRequest(url, { vaccination: VACCINATION }, API_KEYS.issuer)).status).toBe(403);
    expect((await createRequest(url, { vaccination: VACCINATION })).status).toBe(201);
    expect((await createRequest(url, { vaccination: { after: '12/01/2021' } })).status).toBe(400);
    expect((await createRequest(url, {})).status).toBe(400);
    expect((await createRequest(url, { vaccination: VACCINATION, formats: ['ldp_vc'] })).status).toBe(201);
    expect((await createRequest(url, { vaccination: VACCINATION, formats: ['jwt_vc_json'] })).status).toBe(400);
    expect((await createRequest(url, { dcql: { credentials: [{ id: 'x', format: 'mso_mdoc' }] } })).status).toBe(400);
    const res = await fetch(`${url}/presentation-requests/00000000-0000-4000-8000-000000000000`, {
      headers: auth(API_KEYS.verifier),
    });
    expect(res.status).toBe(404);
    const paths = ((await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> }).paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(['/presentation-requests', '/presentation-requests/{id}', '/presentations/{id}']),
    );
  });

  it('an expired request is refused (control: answered within its lifetime, it passes)', async () => {
    // Another instance with a 1 s request lifetime, trusting the first instance's published SD-JWT VC keys.
    const published = new Trust();
    published.add(await (await fetch(`${url}/.well-known/jwt-vc-issuer`)).json());
    const short = await start(await makeStorage(), published, 1);
    try {
      const make = async () => {
        const created = await createRequest(short.url, { vaccination: VACCINATION });
        return { created: created.body, resolved: await wallet.resolve(created.body.link) };
      };
      const control = await make();
      const late = await make();
      const ok = await wallet.send(control.resolved, {
        vaccination: [await wallet.present(control.resolved, sdJwt, holderSigner, DISCLOSE)],
      });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      await new Promise((r) => setTimeout(r, 1200));
      const lateSent = await wallet.send(late.resolved, {
        vaccination: [await wallet.present(late.resolved, sdJwt, holderSigner, DISCLOSE)],
      });
      expect(lateSent.status).toBe(400);
      expect(String(lateSent.body.error_description)).toMatch(/expired/);
      const res = await fetch(`${short.url}/presentation-requests/${late.created.requestId}`, {
        headers: auth(API_KEYS.verifier),
      });
      expect(((await res.json()) as Outcome).status).toBe('expired');
    } finally {
      await short.close();
    }
  });

  it('issuer confusion: a key trusted for issuer A, signing as issuer B, is refused (control: as A)', async () => {
    const keyA = await generateKeyPair('P-256');
    const kidA = jwkThumbprint(keyA);
    const keyB = await generateKeyPair('P-256');
    const issuerA = 'https://issuer-a.example';
    const issuerB = 'https://issuer-b.example';
    // Both issuers are trusted, each with its own key.
    trust.add({ issuer: issuerA, jwks: { keys: [{ ...exportPublicJwk(keyA), kid: kidA }] } }, { name: 'Issuer A' });
    trust.add({ issuer: issuerB, jwks: { keys: [{ ...exportPublicJwk(keyB), kid: jwkThumbprint(keyB) }] } });
    const holderKey = await generateKeyPair('Ed25519');
    const holder = createSigner(holderKey, { id: 'wallet-3' });
    const issueAs = (issuer: string) =>
      issueSdJwtVc(buildCredential('vaccination-v2', OTHER_RECORD, { issuer }), {
        signer: createSigner(keyA, { id: kidA }),
        issuer,
        kid: kidA,
        holderPublicKey: exportPublicJwk(holderKey),
      });
    const attempt = async (credential: string) => {
      const { created, resolved } = await request();
      const sent = await wallet.send(resolved, {
        vaccination: [await wallet.present(resolved, credential, holder, DISCLOSE)],
      });
      return { sent, presented: (await outcomeOf(url, created.requestId)).outcome!.credentials[0]! };
    };
    const forged = await attempt(await issueAs(issuerB));
    expect(forged.sent.status).toBe(400);
    expect(forged.presented).toMatchObject({ valid: false, issuer: null });
    // The holder's key binding was good: only the credential's issuer binding fails.
    expect(forged.presented.checks.filter((c) => !c.ok)).toEqual([
      expect.objectContaining({ name: 'trust', code: 'ERR_TRUST_ISSUER_MISMATCH' }),
    ]);
    const control = await attempt(await issueAs(issuerA));
    expect(control.sent.status, JSON.stringify(control.presented.checks)).toBe(200);
    expect(control.presented).toMatchObject({ valid: true, issuer: issuerA, issuerName: 'Issuer A' });
  });

  // Last: it revokes the holder's credential.
  it('a revoked credential is refused (control: the same presentation before revocation passes)', async () => {
    const present = async () => {
      const { created, resolved } = await request();
      const sent = await wallet.send(resolved, {
        vaccination: [await wallet.present(resolved, sdJwt, holderSigner, DISCLOSE)],
      });
      return { sent, state: await outcomeOf(url, created.requestId) };
    };
    const before = await present();
    expect(before.sent.status).toBe(200);
    expect(before.state.outcome!.credentials[0]!.checks.find((c) => c.name === 'revocation')?.ok).toBe(true);
    const offer = (await (
      await fetch(`${url}/credential-offers/${offerId}`, { headers: auth(API_KEYS.issuer) })
    ).json()) as { credentialIds: string[] };
    const revoked = await fetch(`${url}/credentials/${offer.credentialIds[0]}/revoke`, {
      method: 'POST',
      headers: auth(API_KEYS.admin),
    });
    expect(revoked.status).toBe(200);
    const after = await present();
    expect(after.sent.status).toBe(400);
    // verify()'s revocation decision: the same code as an ldp_vc's and /credentials/verify's.
    expect(after.state.outcome!.credentials[0]!.checks.find((c) => !c.ok)).toMatchObject({
      name: 'revocation',
      code: 'ERR_STATUS_REVOKED',
    });
  });
});

describe.each(BACKENDS)('OpenID4VP ldp_vc presentations (%s storage)', (_name, makeStorage) => {
  let running: RunningService;
  let url: string;
  let trust: Trust;
  let credential: Record<string, unknown>;
  let holderKey: KeyPair;
  const wallet = createPresentationWallet();
  const LDP = { vaccination: VACCINATION, formats: ['ldp_vc'] };

  beforeAll(async () => {
    trust = new Trust();
    running = await start(await makeStorage(), trust);
    url = running.url;
    // The holder gets an ldp_vc from the service over OpenID4VCI: its credentialSubject.id is the wallet key's did:key.
    const offer = await fetch(`${url}/credential-offers`, {
      method: 'POST',
      headers: { ...auth(API_KEYS.issuer), 'content-type': 'application/json' },
      body: JSON.stringify({ template: 'vaccination', record: RECORD, formats: ['ldp_vc'] }),
    });
    const key = await walletKey('EdDSA');
    holderKey = importKeyPair({ jwk: (await exportJWK(key.privateKey)) as JsonWebKey });
    const { response } = await createWallet([key]).receive(((await offer.json()) as { link: string }).link);
    credential = (response.credentialResponse.credentials as Array<{ credential: Record<string, unknown> }>)[0]!
      .credential;
    expect((credential.credentialSubject as { id: string }).id).toBe(didKeyFromKeyPair(holderKey));
  });
  afterAll(async () => {
    await running?.close();
  });

  async function request(body: Record<string, unknown> = LDP) {
    const created = await createRequest(url, body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { created: created.body, resolved: await wallet.resolve(created.body.link) };
  }

  /** The wallet's VP over `vc`, signed by `key` (default the holder's) for the request's nonce and client_id. */
  async function vp(
    resolved: Awaited<ReturnType<typeof request>>['resolved'],
    override: { key?: KeyPair; holder?: string; challenge?: string; vc?: Record<string, unknown> } = {},
  ) {
    const request = resolved.authorizationRequestPayload as { nonce: string; client_id: string };
    const key = override.key ?? holderKey;
    const presentation = createPresentation({
      verifiableCredential: [(override.vc ?? credential) as never],
      holder: override.holder ?? didKeyFromKeyPair(key),
    });
    return signPresentation(presentation, {
      signer: createSigner(key, { id: verificationMethodId(key) }),
      challenge: override.challenge ?? request.nonce,
      domain: request.client_id,
    });
  }

  const firstFailure = async (id: string) =>
    (await outcomeOf(url, id)).outcome!.credentials[0]!.checks.find((c) => !c.ok);

  it('the wallet answers an ldp_vc request with a VP → valid; the registry reads disease and date', async () => {
    const { created, resolved } = await request();
    const query = created.authorization_request.dcql_query as { credentials: Array<Record<string, unknown>> };
    expect(query.credentials[0]).toMatchObject({ id: 'vaccination', format: 'ldp_vc' });
    expect(Object.keys(created.authorization_request.client_metadata as object)).toContain('vp_formats_supported');
    const sent = await wallet.send(resolved, { vaccination: [await vp(resolved)] });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const state = await outcomeOf(url, created.requestId);
    expect(state.status).toBe('valid');
    const presented = state.outcome!.credentials[0]!;
    expect(presented).toMatchObject({ valid: true, type: 'ProofOfVaccinationCredential' });
    expect(presented.claims).toMatchObject({ name: RECORD.name, vaccination_date: RECORD.vaccinationDate });
    expect((presented.claims.target_disease as { code: string }).code).toBe('RA01');
    // The presentation's checks (verifyPresentation), then the credential's as verify() reports them, then the query.
    expect(presented.checks.map((c) => c.name)).toEqual([
      'decode',
      'signature',
      'key-usage',
      'trust',
      'signature',
      'trust',
      'validity',
      'schema',
      'revocation',
      'query',
    ]);
  });

  it('a revoked ldp_vc is refused (control: the same VP before revocation passes)', async () => {
    // A copy of its own, so revoking it leaves the other tests' credential alone.
    const offer = await fetch(`${url}/credential-offers`, {
      method: 'POST',
      headers: { ...auth(API_KEYS.issuer), 'content-type': 'application/json' },
      body: JSON.stringify({ template: 'vaccination', record: RECORD, formats: ['ldp_vc'] }),
    });
    const offered = (await offer.json()) as { link: string; offerId: string };
    const key = await walletKey('EdDSA');
    const own = importKeyPair({ jwk: (await exportJWK(key.privateKey)) as JsonWebKey });
    const { response } = await createWallet([key]).receive(offered.link);
    const copy = (response.credentialResponse.credentials as Array<{ credential: Record<string, unknown> }>)[0]!
      .credential;
    const present = async () => {
      const { created, resolved } = await request();
      const sent = await wallet.send(resolved, { vaccination: [await vp(resolved, { key: own, vc: copy })] });
      return { sent, first: await firstFailure(created.requestId) };
    };
    const before = await present();
    expect(before.sent.status, JSON.stringify(before.sent.body)).toBe(200);
    expect(before.first).toBeUndefined();
    const state = (await (
      await fetch(`${url}/credential-offers/${offered.offerId}`, { headers: auth(API_KEYS.issuer) })
    ).json()) as { credentialIds: string[] };
    const revoked = await fetch(`${url}/credentials/${state.credentialIds[0]}/revoke`, {
      method: 'POST',
      headers: auth(API_KEYS.admin),
    });
    expect(revoked.status).toBe(200);
    const after = await present();
    expect(after.sent.status).toBe(400);
    expect(after.first).toMatchObject({ name: 'revocation', code: 'ERR_STATUS_REVOKED' });
  });

  it('a VP signed by another key is refused (control: the holder’s key passes)', async () => {
    const stranger = await generateKeyPair('Ed25519');
    // The stranger as holder: the credential's subject is not the stranger.
    let { created, resolved } = await request();
    expect((await wallet.send(resolved, { vaccination: [await vp(resolved, { key: stranger })] })).status).toBe(400);
    expect(await firstFailure(created.requestId)).toMatchObject({ name: 'trust', code: 'ERR_VP_HOLDER_MISMATCH' });
    // The stranger's signature under the holder's name and key id.
    ({ created, resolved } = await request());
    const forged = await vp(resolved);
    const byStranger = await signPresentation(
      createPresentation({ verifiableCredential: [credential as never], holder: forged.holder! }),
      {
        signer: createSigner(stranger, { id: verificationMethodId(holderKey) }),
        challenge: (resolved.authorizationRequestPayload as { nonce: string }).nonce,
        domain: (resolved.authorizationRequestPayload as { client_id: string }).client_id,
      },
    );
    expect((await wallet.send(resolved, { vaccination: [byStranger] })).status).toBe(400);
    expect(await firstFailure(created.requestId)).toMatchObject({
      name: 'signature',
      code: 'ERR_VC_SIGNATURE_INVALID',
    });
    const control = await request();
    expect((await wallet.send(control.resolved, { vaccination: [await vp(control.resolved)] })).status).toBe(200);
  });

  it('a VP for another nonce is refused (control: the request’s nonce passes)', async () => {
    const { created, resolved } = await request();
    const sent = await wallet.send(resolved, {
      vaccination: [await vp(resolved, { challenge: 'another-nonce-0123' })],
    });
    expect(sent.status).toBe(400);
    expect(await firstFailure(created.requestId)).toMatchObject({
      name: 'key-usage',
      code: 'ERR_VP_CHALLENGE_MISMATCH',
    });
    // Control, with the VP sent as a JSON string (as some wallets do).
    const control = await request();
    const sent2 = await wallet.send(control.resolved, { vaccination: [JSON.stringify(await vp(control.resolved))] });
    expect(sent2.status).toBe(200);
  });

  it('a changed credential inside the VP is refused (control: unchanged passes)', async () => {
    const { created, resolved } = await request();
    const changed = {
      ...credential,
      credentialSubject: { ...(credential.credentialSubject as object), name: 'Someone Else' },
    };
    // Re-signed by the holder, so only the issuer's proof on the credential is broken.
    expect((await wallet.send(resolved, { vaccination: [await vp(resolved, { vc: changed })] })).status).toBe(400);
    expect(await firstFailure(created.requestId)).toMatchObject({ name: 'trust', code: 'ERR_VP_CREDENTIAL_INVALID' });
    const control = await request();
    expect((await wallet.send(control.resolved, { vaccination: [await vp(control.resolved)] })).status).toBe(200);
  });

  /** The service's credential, re-signed by `key` as `issuer` (no status: the service's list is not the key's). */
  async function resignedAs(key: KeyPair, issuer: string): Promise<Record<string, unknown>> {
    const { proof: _proof, credentialStatus: _status, ...unsigned } = credential;
    return (await issueCredential(
      { ...unsigned, issuer },
      {
        signer: createSigner(key, { id: verificationMethodId(key) }),
      },
    )) as unknown as Record<string, unknown>;
  }

  /** A VP by the holder, for a fresh request, holding `vc`: the response status and the presented outcome. */
  async function presentVc(vc: Record<string, unknown>) {
    const { created, resolved } = await request();
    const sent = await wallet.send(resolved, { vaccination: [await vp(resolved, { vc })] });
    return { sent, presented: (await outcomeOf(url, created.requestId)).outcome!.credentials[0]! };
  }

  /** The presentation's own checks (decode, signature, key-usage: the holder's proof for this request) all passed. */
  const holderProofPassed = (checks: Array<{ name: string; ok: boolean }>) =>
    expect(checks.slice(0, 3)).toEqual([
      expect.objectContaining({ name: 'decode', ok: true }),
      expect.objectContaining({ name: 'signature', ok: true }),
      expect.objectContaining({ name: 'key-usage', ok: true }),
    ]);

  it('issuer confusion: a key trusted for issuer A naming the service is refused (control: as A)', async () => {
    const keyA = await generateKeyPair('Ed25519');
    const didA = didKeyFromKeyPair(keyA);
    trust.add(didA);
    const serviceIssuer = credential.issuer as string;
    expect(serviceIssuer).toMatch(/^did:/);
    const forged = await presentVc(await resignedAs(keyA, serviceIssuer));
    expect(forged.sent.status).toBe(400);
    expect(forged.presented).toMatchObject({ valid: false, issuer: null });
    holderProofPassed(forged.presented.checks);
    // verify()'s decision on the credential: the key is not trusted for the issuer it names.
    expect(forged.presented.checks).toContainEqual(
      expect.objectContaining({ name: 'trust', ok: false, code: 'ERR_TRUST_ISSUER_MISMATCH' }),
    );
    const control = await presentVc(await resignedAs(keyA, didA));
    expect(control.sent.status, JSON.stringify(control.presented.checks)).toBe(200);
    expect(control.presented).toMatchObject({ valid: true, issuer: didA });
  });

  it('an untrusted issuer is refused (control: once trusted, the same VP content passes)', async () => {
    const keyC = await generateKeyPair('Ed25519');
    const didC = didKeyFromKeyPair(keyC);
    const vc = await resignedAs(keyC, didC);
    const refused = await presentVc(vc);
    expect(refused.sent.status).toBe(400);
    expect(refused.presented).toMatchObject({ valid: false, issuer: null });
    holderProofPassed(refused.presented.checks);
    trust.add(didC);
    const accepted = await presentVc(vc);
    expect(accepted.sent.status, JSON.stringify(accepted.presented.checks)).toBe(200);
    expect(accepted.presented).toMatchObject({ valid: true, issuer: didC });
  });

  it('a key the trust lists for another format is refused by verify() alone (control: listed for vc)', async () => {
    // The key may sign credentials (assertionMethod), which is all the presentation's own check of the credential
    // asks; that the trust list gives it to another format only is verify()'s key-use decision.
    const addListed = async (use: string) => {
      const key = await generateKeyPair('Ed25519');
      const did = didKeyFromKeyPair(key);
      trust.add({
        issuers: [
          {
            id: verificationMethodId(key),
            issuer: did,
            publicKeyJwk: exportPublicJwk(key),
            purposes: ['assertionMethod', `format:${use}`],
          },
        ],
      });
      return resignedAs(key, did);
    };
    const other = await presentVc(await addListed('dcc'));
    expect(other.sent.status).toBe(400);
    expect(other.presented.checks.filter((c) => !c.ok)).toEqual([
      expect.objectContaining({ name: 'trust', code: 'ERR_TRUST_KEY_USE' }),
    ]);
    const own = await presentVc(await addListed('vc'));
    expect(own.sent.status, JSON.stringify(own.presented.checks)).toBe(200);
  });

  it('the disease or the date not satisfying the request fails; matching ones pass', async () => {
    const cases: Array<[Record<string, string>, boolean]> = [
      [{ disease: 'measles' }, false],
      [{ disease: 'COVID-19', after: RECORD.vaccinationDate }, false],
      [{ disease: '840539006', after: '2021-01-01' }, true],
    ];
    for (const [vaccination, valid] of cases) {
      const { created, resolved } = await request({ vaccination, formats: ['ldp_vc'] });
      const sent = await wallet.send(resolved, { vaccination: [await vp(resolved)] });
      expect(sent.status, JSON.stringify(vaccination)).toBe(valid ? 200 : 400);
      const state = await outcomeOf(url, created.requestId);
      expect(state.status).toBe(valid ? 'valid' : 'invalid');
      if (!valid) expect(state.outcome!.error!.code).toBe('ERR_DCQL_UNSATISFIED');
    }
  });

  it('DCQL type_values: another type fails, the expanded vaccination type passes; both formats offered', async () => {
    const dcql = (types: string[][]) => ({
      credentials: [{ id: 'pass', format: 'ldp_vc', meta: { type_values: types } }],
    });
    const other = await request({ dcql: dcql([['https://example.org/types#Passport']]) });
    expect((await wallet.send(other.resolved, { pass: [await vp(other.resolved)] })).status).toBe(400);
    const iri = await request({
      dcql: dcql([['https://divoc.dev/credentials/sdk/v2#ProofOfVaccinationCredential']]),
    });
    expect((await wallet.send(iri.resolved, { pass: [await vp(iri.resolved)] })).status).toBe(200);
    // Both formats: either credential query answers the request.
    const both = await request({ vaccination: VACCINATION, formats: ['dc+sd-jwt', 'ldp_vc'] });
    const sent = await wallet.send(both.resolved, { vaccination_ldp_vc: [await vp(both.resolved)] });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    // A VP answering an SD-JWT query is no SD-JWT (control above).
    const wrong = await request({ vaccination: VACCINATION });
    expect((await wallet.send(wrong.resolved, { vaccination: [await vp(wrong.resolved)] })).status).toBe(400);
  });
});

describe('OpenID4VP configuration file', () => {
  async function parse(oid4vp: unknown) {
    const keyPair = await generateKeyPair('Ed25519');
    const signer = createSigner(keyPair, { id: 'vc-key' });
    const loadKey: KeyLoader = async () => ({
      signer,
      publicKeyJwk: exportPublicJwk(keyPair),
      type: 'Ed25519',
      id: signer.id,
    });
    return parseServiceConfig(
      {
        issuer: 'https://certs.example.test',
        keys: { vc: 'vc.key.json' },
        auth: { mode: 'none' },
        storage: { kind: 'memory' },
        log: false,
        oid4vp,
      },
      { baseDir: '/nonexistent', env: {}, loadKey },
    );
  }

  it('the oid4vp section: enabled and the request lifetime; unknown members and bad values are refused', async () => {
    expect((await parse({ enabled: true, requestTtlSeconds: 60 })).oid4vp).toEqual({
      enabled: true,
      requestTtlSeconds: 60,
    });
    await expect(parse({ enabled: 'yes' })).rejects.toThrow(ServiceConfigError);
    await expect(parse({ ttl: 1 })).rejects.toThrow(/oid4vp\.ttl/);
    // The range is createService's: a lifetime of 0 is refused there.
    await expect(createService(await parse({ enabled: true, requestTtlSeconds: 0 }))).rejects.toThrow(
      /requestTtlSeconds/,
    );
  });
});

/** The SD-JWT with its disclosures of the asked claims but no KB-JWT (what a wallet without the key could send). */
async function presentSdJwtWithoutKb(sdJwt: string): Promise<string> {
  const { presentSdJwtVc } = await import('@divoc/sd-jwt');
  return presentSdJwtVc(sdJwt, { disclose: DISCLOSE });
}
