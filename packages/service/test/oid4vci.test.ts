/**
 * OpenID4VCI 1.0 pre-authorized code flow, end to end on loopback: a wallet on the OpenWallet Foundation client
 * (`@openid4vc/openid4vci` 0.4.6) receives ldp_vc copies bound to its keys, verified by @divoc/verifier and by
 * digitalbazaar's @digitalbazaar/vc; every negative case sits next to a control that passes. Memory storage and, when
 * reachable, PostgreSQL (127.0.0.1:5432, db test).
 */
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { ES256, digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as dbVc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { createDocumentLoader } from '@divoc/schemas';
import { Trust, verify } from '@divoc/verifier';
import {
  createSigner,
  didKeyFromKeyPair,
  exportPublicJwk,
  generateKeyPair,
  importKeyPair,
  jwkThumbprint,
  verificationMethodId,
} from '@divoc/keys';
import { presentSdJwtVc, SD_JWT_VC_TYPES_BY_KIND, verifySdJwtVc } from '@divoc/sd-jwt';
import { exportJWK, importJWK, jwtVerify } from 'jose';
import {
  createMemoryStorage,
  createService,
  parseServiceConfig,
  ServiceConfigError,
  startService,
  type KeyLoader,
  type Oid4vciFormatIssuer,
  type RunningService,
  type ServiceConfig,
  type ServiceStorage,
} from '@divoc/service';
import { API_KEYS, RECORD, auth, baseConfig, storageBackends } from './helpers.js';
import { createWallet, didKeyOf, handProof, walletKey, type WalletKey } from './oid4vci-wallet.js';
import { withDidKeys } from '../../../test/support/loaders.js';

const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
const CONFIG_ID = 'vaccination_ldp_vc';

/** What the tests read of an offer and of a credential (JSON from the wire). */
interface OfferResponse {
  credential_offer: { grants: Record<string, Record<string, string>> };
}
interface Credential {
  [member: string]: unknown;
  credentialSubject: { id?: string };
  credentialStatus: { statusListCredential: string };
  evidence: Array<{ certificateId: string }>;
}

const BACKENDS = await storageBackends('divoc_oid4vci_test');

/** A service on 127.0.0.1:<free port> with OpenID4VCI on; the credential issuer is that address. */
async function start(storage: ServiceStorage, oid4vci: ServiceConfig['oid4vci'] = {}) {
  const config = await baseConfig({
    storage,
    listen: { host: '127.0.0.1', port: 0 },
    oid4vci: { enabled: true, batchSize: 3, ...oid4vci },
  });
  delete (config as { publicUrl?: string }).publicUrl;
  const running = await startService(config);
  return { running, config };
}

/** The registry's side: `POST /credential-offers`. */
async function createOffer(url: string, body: Record<string, unknown>, key = API_KEYS.issuer) {
  const res = await fetch(`${url}/credential-offers`, {
    method: 'POST',
    headers: { ...auth(key), 'content-type': 'application/json' },
    body: JSON.stringify({ template: 'vaccination', record: RECORD, ...body }),
  });
  return { status: res.status, body: await res.json() };
}

async function tokenRequest(url: string, form: Record<string, string>) {
  const res = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: await res.json() };
}

const codeOf = (offer: OfferResponse): string =>
  offer.credential_offer.grants[PRE_AUTH]!['pre-authorized_code'] as string;

async function nonce(url: string): Promise<string> {
  const res = await fetch(`${url}/nonce`, { method: 'POST' });
  return ((await res.json()) as { c_nonce: string }).c_nonce;
}

async function credentialRequest(url: string, token: string | undefined, body: unknown) {
  const res = await fetch(`${url}/credential`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/** A proof as the spec wants it, with overrides for the negative cases. */
async function proof(
  key: WalletKey,
  aud: string,
  nonceValue: string | undefined,
  header: Record<string, unknown> = {},
  payload: Record<string, unknown> = {},
) {
  return handProof(
    key,
    { typ: 'openid4vci-proof+jwt', jwk: key.publicJwk, ...header },
    { aud, iat: Math.floor(Date.now() / 1000), ...(nonceValue !== undefined ? { nonce: nonceValue } : {}), ...payload },
  );
}

/** An offer (no PIN) redeemed for an access token: the starting point of the credential endpoint cases. */
async function redeemed(url: string): Promise<string> {
  const offer = await createOffer(url, {});
  const token = await tokenRequest(url, { grant_type: PRE_AUTH, 'pre-authorized_code': codeOf(offer.body) });
  expect(token.status).toBe(200);
  return token.body.access_token as string;
}

async function verifyWithDivoc(
  running: RunningService,
  config: ServiceConfig,
  credential: Credential,
): Promise<{ valid: boolean; revoked: boolean }> {
  const trust = new Trust();
  trust.addTrustListEntry({
    id: config.keys.vc.signer.id,
    type: 'Ed25519',
    controller: config.issuer,
    publicKeyJwk: config.keys.vc.publicKeyJwk,
  });
  const listUrl = String(credential.credentialStatus.statusListCredential);
  const list = await (await fetch(`${running.url}/status-lists/${listUrl.split('/').pop()}`)).json();
  const result = await verify(credential as never, { trust, revocation: { statusLists: [list] } } as never);
  const revocation = result.checks.find((c) => c.name === 'revocation');
  return { valid: result.valid, revoked: revocation?.ok === false };
}

describe.each(BACKENDS)('OpenID4VCI issuer, %s storage', (_name, makeStorage) => {
  let running: RunningService;
  let config: ServiceConfig;
  let url: string;
  beforeAll(async () => {
    ({ running, config } = await start(await makeStorage()));
    url = running.url;
  });
  afterAll(async () => running.close());

  it('publishes issuer and authorization-server metadata for every type, in English and Hindi', async () => {
    const meta = await (await fetch(`${url}/.well-known/openid-credential-issuer`)).json();
    expect(meta.credential_issuer).toBe(url);
    expect(meta.credential_endpoint).toBe(`${url}/credential`);
    expect(meta.nonce_endpoint).toBe(`${url}/nonce`);
    expect(meta.batch_credential_issuance).toEqual({ batch_size: 3 });
    const ids = Object.keys(meta.credential_configurations_supported);
    expect(ids).toEqual(expect.arrayContaining(['vaccination_ldp_vc', 'test_ldp_vc', 'recovery_ldp_vc']));
    // The VC key (Ed25519, its public key known) signs SD-JWT VCs too: dc+sd-jwt configurations, its key published.
    expect(ids).toEqual(expect.arrayContaining(['vaccination_dc_sd_jwt', 'test_dc_sd_jwt', 'recovery_dc_sd_jwt']));
    expect(meta.credential_configurations_supported.vaccination_dc_sd_jwt).toMatchObject({
      format: 'dc+sd-jwt',
      vct: SD_JWT_VC_TYPES_BY_KIND.vaccination,
      cryptographic_binding_methods_supported: ['jwk'],
      credential_signing_alg_values_supported: ['EdDSA'],
    });
    const jwtVcIssuer = await (await fetch(`${url}/.well-known/jwt-vc-issuer`)).json();
    expect(jwtVcIssuer.issuer).toBe(url);
    expect(jwtVcIssuer.jwks.keys).toEqual([
      { ...config.keys.vc.publicKeyJwk, kid: jwkThumbprint(config.keys.vc.publicKeyJwk!), alg: 'EdDSA', use: 'sig' },
    ]);
    const vaccination = meta.credential_configurations_supported.vaccination_ldp_vc;
    expect(vaccination.credential_definition.type).toEqual(['VerifiableCredential', 'ProofOfVaccinationCredential']);
    expect(vaccination.proof_types_supported.jwt.proof_signing_alg_values_supported).not.toContain('none');
    const locales = vaccination.credential_metadata.display.map((d: { locale: string }) => d.locale);
    expect(locales).toEqual(['en', 'hi']);
    const as = await (await fetch(`${url}/.well-known/oauth-authorization-server`)).json();
    expect(as.token_endpoint).toBe(`${url}/token`);
    expect(as.issuer).toBe(url);
    const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/credential-offers', '/token', '/nonce', '/credential']),
    );
  });

  it('a wallet gets a batch of ldp_vc copies bound to its keys (PIN offer); both verifiers accept them', async () => {
    const offer = await createOffer(url, { txCode: true, qr: 'svg' });
    expect(offer.status).toBe(201);
    expect(offer.body.link).toMatch(/^openid-credential-offer:\/\/\?credential_offer=/);
    expect(offer.body.credential_offer.credential_issuer).toBe(url);
    expect(offer.body.credential_offer.credential_configuration_ids).toEqual([CONFIG_ID]);
    expect(offer.body.txCode).toMatch(/^\d{6}$/);
    expect(offer.body.qr).toMatch(/^<svg/);
    const keys = [await walletKey('EdDSA'), await walletKey('ES256')];
    const wallet = createWallet(keys);
    const { response, issuerMetadata } = await wallet.receive(offer.body.link, offer.body.txCode);
    const configuration = issuerMetadata.credentialIssuer.credential_configurations_supported[CONFIG_ID];
    const definition = configuration?.credential_definition as { '@context': string[]; type: string[] };
    // OpenID4VCI 1.0 shape: { credentials: [{ credential }] } (the library's type also covers older drafts).
    const entries = response.credentialResponse.credentials as Array<{ credential: Credential }>;
    const credentials = entries.map((c) => c.credential);
    expect(credentials).toHaveLength(2);
    expect(credentials.map((c) => c.credentialSubject.id)).toEqual(keys.map((k) => didKeyOf(k.publicJwk)));
    for (const credential of credentials) {
      // What the metadata promised is what the wallet gets (signing adds the status and Data Integrity contexts).
      const contexts = credential['@context'] as string[];
      expect(contexts.slice(0, definition['@context'].length)).toEqual(definition['@context']);
      expect(credential.type).toEqual(definition.type);
      expect(credential.issuer).toBe(config.issuer);
      expect(credential.evidence[0]!.certificateId).toBe(offer.body.certificateId);
      expect(await verifyWithDivoc(running, config, credential)).toEqual({ valid: true, revoked: false });
      // Independently: digitalbazaar's verifier, with the SDK's offline contexts and local did:key resolution.
      const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
      const loader = withDidKeys(createDocumentLoader());
      // Their side checks the proof; the status list is @divoc/verifier's part above.
      const theirs = await dbVc.verifyCredential({
        credential,
        suite,
        documentLoader: loader,
        checkStatus: async () => ({ verified: true }),
      });
      expect(theirs.error).toBeUndefined();
      expect(theirs.verified).toBe(true);
      // A changed subject key fails both.
      const swapped = {
        ...credential,
        credentialSubject: { ...credential.credentialSubject, id: 'did:key:z6Mkother' },
      };
      expect((await verifyWithDivoc(running, config, swapped)).valid).toBe(false);
    }
    // The registry sees what was issued, and revokes one copy alone.
    const state = await (
      await fetch(`${url}/credential-offers/${offer.body.offerId}`, { headers: auth(API_KEYS.issuer) })
    ).json();
    expect(state).toMatchObject({ redeemed: true, issuedCount: 2 });
    expect(state.credentialIds).toHaveLength(2);
    const revoke = await fetch(`${url}/credentials/${state.credentialIds[0]}/revoke`, {
      method: 'POST',
      headers: auth(API_KEYS.admin),
    });
    expect(revoke.status).toBe(200);
    const [first, second] = await Promise.all(
      state.credentialIds.map(async (id: string) =>
        (await fetch(`${url}/credentials/${id}`, { headers: auth(API_KEYS.issuer) })).json(),
      ),
    );
    expect(await verifyWithDivoc(running, config, first)).toMatchObject({ revoked: true });
    expect(await verifyWithDivoc(running, config, second)).toEqual({ valid: true, revoked: false });
  });

  it('a wallet gets a dc+sd-jwt bound to its key, verified with the published keys; presents a subset', async () => {
    const offer = await createOffer(url, { formats: ['dc+sd-jwt'] });
    expect(offer.status).toBe(201);
    expect(offer.body.credential_offer.credential_configuration_ids).toEqual(['vaccination_dc_sd_jwt']);
    // The wallet's key as @divoc/keys sees it too (it signs the key-binding JWT below).
    const key = await walletKey('ES256');
    const holder = importKeyPair({
      jwk: (await exportJWK(key.privateKey)) as JsonWebKey,
    });
    const { response } = await createWallet([key]).receive(offer.body.link);
    const entries = response.credentialResponse.credentials as Array<{ credential: string }>;
    expect(entries).toHaveLength(1);
    const sdJwt = entries[0]!.credential;
    expect(sdJwt).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+(~[\w-]+)+~$/);

    // Trust from the issuer's published metadata, as a verifier app would keep it.
    const trust = new Trust();
    await trust.add(await (await fetch(`${url}/.well-known/jwt-vc-issuer`)).json());
    const result = await verify(sdJwt, { trust });
    expect(result.format).toBe('sd-jwt-vc');
    expect(result.valid, JSON.stringify(result.checks)).toBe(true);
    // Independently: jose checks the issuer's JWT with the published key; the payload is bound to the wallet key.
    const [jwt] = sdJwt.split('~');
    const published = (await (await fetch(`${url}/.well-known/jwt-vc-issuer`)).json()).jwks.keys[0];
    const { payload, protectedHeader } = await jwtVerify(jwt!, await importJWK(published, 'EdDSA'), { issuer: url });
    expect(protectedHeader).toMatchObject({ typ: 'dc+sd-jwt', kid: published.kid });
    expect(payload.vct).toBe(SD_JWT_VC_TYPES_BY_KIND.vaccination);
    expect((payload.cnf as { jwk: JsonWebKey }).jwk).toMatchObject({ kty: 'EC', x: key.publicJwk.x });
    // No personal claim in the clear: all of them are disclosures.
    expect(JSON.stringify(payload)).not.toContain(RECORD.name);

    // Independently: @sd-jwt/sd-jwt-vc verifies it (issuer signature, disclosures, status), and later the presentation.
    const issuerKey = createPublicKey({ key: published as import('node:crypto').JsonWebKey, format: 'jwk' });
    const holderVerifier = await ES256.getVerifier(key.publicJwk as JsonWebKey);
    const independent = new SDJwtVcInstance({
      hasher: digest,
      verifier: async (data, sig) => verifySignature(null, Buffer.from(data), issuerKey, Buffer.from(sig, 'base64url')),
      kbVerifier: (data, sig) => holderVerifier(data, sig),
      // Their status check fetches the list the credential names: served here as the service's Token Status List.
      statusListFetcher: async (uri) =>
        (
          await fetch(`${url}/status-lists/${uri.split('/').pop()}`, {
            headers: { accept: 'application/statuslist+jwt' },
          })
        ).text(),
    });
    const theirs = await independent.verify(sdJwt);
    expect(theirs.payload).toMatchObject({ iss: url, name: RECORD.name, vct: SD_JWT_VC_TYPES_BY_KIND.vaccination });

    // Revocation: the status entry's URL serves the service's status list as an IETF Token Status List when asked.
    const statusRef = (payload.status as { status_list: { uri: string; idx: number } }).status_list;
    // (Fetched from where the test service listens: its status URLs name the configured public URL.)
    const listUrl = `${url}/status-lists/${statusRef.uri.split('/').pop()}`;
    const token = async () => {
      const res = await fetch(listUrl, { headers: { accept: 'application/statuslist+jwt' } });
      expect(res.headers.get('content-type')).toMatch(/^application\/statuslist\+jwt/);
      return res.text();
    };
    const withStatus = async () => verify(sdJwt, { trust, revocation: { tokenStatusLists: [await token()] } });
    const before = await withStatus();
    expect(before.valid, JSON.stringify(before.checks)).toBe(true);
    expect(before.checks.find((c) => c.name === 'revocation')?.ok).toBe(true);
    // The W3C list is still what the same URL serves by default.
    expect((await (await fetch(listUrl)).json()).type).toContain('VerifiableCredential');
    const state = await (
      await fetch(`${url}/credential-offers/${offer.body.offerId}`, { headers: auth(API_KEYS.issuer) })
    ).json();
    expect(state.credentialIds).toHaveLength(1);
    const revoke = await fetch(`${url}/credentials/${state.credentialIds[0]}/revoke`, {
      method: 'POST',
      headers: auth(API_KEYS.admin),
    });
    expect(revoke.status).toBe(200);
    const after = await withStatus();
    expect(after.valid).toBe(false);
    expect(after.checks.find((c) => c.name === 'revocation')?.code).toBe('ERR_STATUS_REVOKED');

    // A presentation of two claims with a key-binding JWT, for a verifier's nonce and audience.
    const holderSigner = createSigner(holder, { id: 'wallet' });
    const presentation = await presentSdJwtVc(sdJwt, {
      disclose: ['name', 'vaccination_date'],
      holderSigner,
      nonce: 'n-123',
      audience: 'https://verifier.example',
    });
    const checked = await verifySdJwtVc(presentation, {
      trust,
      keyBinding: { required: true, nonce: 'n-123', audience: 'https://verifier.example' },
    });
    expect(checked.valid, JSON.stringify(checked.checks)).toBe(true);
    expect([...(checked.disclosed ?? [])].sort()).toEqual(['name', 'vaccination_date']);
    // Their verifier checks the key binding too, and reads the revocation above from the service's Token Status List.
    await expect(independent.verify(presentation, { keyBindingNonce: 'n-123' })).rejects.toThrow(/Status is not valid/);
    // Negatives next to that control: another nonce, a presentation without key binding, a key of another issuer.
    const otherNonce = await verifySdJwtVc(presentation, {
      trust,
      keyBinding: { required: true, nonce: 'n-456', audience: 'https://verifier.example' },
    });
    expect(otherNonce.valid).toBe(false);
    const unbound = await presentSdJwtVc(sdJwt, { disclose: ['name'] });
    expect((await verifySdJwtVc(unbound, { trust, keyBinding: { required: true } })).valid).toBe(false);
    const stranger = await generateKeyPair('Ed25519');
    const strangers = new Trust();
    await strangers.add({ issuer: url, jwks: { keys: [{ ...exportPublicJwk(stranger), kid: published.kid }] } });
    expect((await verify(sdJwt, { trust: strangers })).valid).toBe(false);
  });

  it('POST /credential-offers: authenticated with credentials:issue, idempotent, record checked', async () => {
    const anonymous = await fetch(`${url}/credential-offers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ template: 'vaccination', record: RECORD }),
    });
    expect(anonymous.status).toBe(401);
    expect((await createOffer(url, {}, API_KEYS.verifier)).status).toBe(403);
    expect((await createOffer(url, {}, API_KEYS.issuer)).status).toBe(201);
    const bad = await createOffer(url, { record: { ...RECORD, vaccinationDate: 'yesterday' } });
    expect(bad.status).toBe(422);
    expect((await createOffer(url, { template: 'no-such-type' })).status).toBe(400);
    expect((await createOffer(url, { formats: ['jwt_vc_json'] })).status).toBe(400);
    const once = async () =>
      fetch(`${url}/credential-offers`, {
        method: 'POST',
        headers: { ...auth(API_KEYS.issuer), 'content-type': 'application/json', 'idempotency-key': 'offer-1' },
        body: JSON.stringify({ template: 'vaccination', record: RECORD }),
      });
    const a = await once();
    const b = await once();
    expect(a.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await b.text()).toBe(await a.text());
  });

  it('a pre-authorized code works once: the replay is invalid_grant', async () => {
    const offer = await createOffer(url, {});
    const form = { grant_type: PRE_AUTH, 'pre-authorized_code': codeOf(offer.body) };
    const first = await tokenRequest(url, form);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
    const replay = await tokenRequest(url, form);
    expect(replay).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: expect.any(String) } });
    const unknown = await tokenRequest(url, { ...form, 'pre-authorized_code': 'not-a-code' });
    expect(unknown.body.error).toBe('invalid_grant');
    expect((await tokenRequest(url, { ...form, grant_type: 'client_credentials' })).body.error).toBe(
      'unsupported_grant_type',
    );
    // A parameter given twice is refused outright.
    const twice = await fetch(`${url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=${encodeURIComponent(PRE_AUTH)}&pre-authorized_code=a&pre-authorized_code=b`,
    });
    expect(await twice.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('racing redemptions of one code and racing uses of one nonce: exactly one wins each', async () => {
    const offer = await createOffer(url, {});
    const form = { grant_type: PRE_AUTH, 'pre-authorized_code': codeOf(offer.body) };
    const tokens = await Promise.all(Array.from({ length: 6 }, () => tokenRequest(url, form)));
    expect(tokens.filter((t) => t.status === 200)).toHaveLength(1);
    expect(tokens.filter((t) => t.body.error === 'invalid_grant')).toHaveLength(5);
    const token = tokens.find((t) => t.status === 200)!.body.access_token as string;
    const key = await walletKey();
    const n = await nonce(url);
    const body = { credential_configuration_id: CONFIG_ID, proofs: { jwt: [await proof(key, url, n)] } };
    const results = await Promise.all(Array.from({ length: 4 }, () => credentialRequest(url, token, body)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.body.error === 'invalid_nonce')).toHaveLength(3);
  });

  it('the transaction code: missing is invalid_request, wrong is invalid_grant, the right one works', async () => {
    const offer = await createOffer(url, { txCode: { length: 4 } });
    const form = { grant_type: PRE_AUTH, 'pre-authorized_code': codeOf(offer.body) };
    expect(offer.body.credential_offer.grants[PRE_AUTH].tx_code).toMatchObject({ input_mode: 'numeric', length: 4 });
    expect((await tokenRequest(url, form)).body.error).toBe('invalid_request');
    const wrong = offer.body.txCode === '0000' ? '1111' : '0000';
    expect((await tokenRequest(url, { ...form, tx_code: wrong })).body.error).toBe('invalid_grant');
    const right = await tokenRequest(url, { ...form, tx_code: offer.body.txCode });
    expect(right.status).toBe(200);
    // A PIN sent for an offer without one is refused as well (control: the same offer without it works).
    const plain = await createOffer(url, {});
    const plainForm = { grant_type: PRE_AUTH, 'pre-authorized_code': codeOf(plain.body) };
    expect((await tokenRequest(url, { ...plainForm, tx_code: '1234' })).body.error).toBe('invalid_request');
    expect((await tokenRequest(url, plainForm)).status).toBe(200);
  });

  it('guessing the transaction code ends the offer after 5 attempts, parallel guesses included', async () => {
    const attempt = async (wrongFirst: number, parallel = false) => {
      const offer = await createOffer(url, { txCode: true });
      const form = { grant_type: PRE_AUTH, 'pre-authorized_code': codeOf(offer.body) };
      const wrong = { ...form, tx_code: offer.body.txCode === '000000' ? '111111' : '000000' };
      const guesses = Array.from({ length: wrongFirst }, () => () => tokenRequest(url, wrong));
      const results = parallel
        ? await Promise.all(guesses.map((g) => g()))
        : await guesses.reduce<Promise<Awaited<ReturnType<typeof tokenRequest>>[]>>(
            async (done, g) => [...(await done), await g()],
            Promise.resolve([]),
          );
      expect(results.every((r) => r.body.error === 'invalid_grant')).toBe(true);
      return tokenRequest(url, { ...form, tx_code: offer.body.txCode });
    };
    // Control: the right PIN as the fifth attempt still works.
    expect((await attempt(4)).status).toBe(200);
    const late = await attempt(5);
    expect(late.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/too many/) });
    expect((await attempt(12, true)).body.error_description).toMatch(/too many/);
  });

  it('proof nonce: missing or stale is invalid_nonce; a fresh one works once', async () => {
    const token = await redeemed(url);
    const key = await walletKey();
    const missing = await credentialRequest(url, token, {
      credential_configuration_id: CONFIG_ID,
      proofs: { jwt: [await proof(key, url, undefined)] },
    });
    expect(missing.body.error).toBe('invalid_nonce');
    const fresh = await nonce(url);
    const body = { credential_configuration_id: CONFIG_ID, proofs: { jwt: [await proof(key, url, fresh)] } };
    const ok = await credentialRequest(url, token, body);
    expect(ok.status).toBe(200);
    expect(ok.body.credentials).toHaveLength(1);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    // The same nonce again (a replayed request): stale.
    expect((await credentialRequest(url, token, body)).body.error).toBe('invalid_nonce');
    const made = await credentialRequest(url, token, {
      credential_configuration_id: CONFIG_ID,
      proofs: { jwt: [await proof(key, url, 'a-nonce-the-service-never-gave')] },
    });
    expect(made.body.error).toBe('invalid_nonce');
  });

  it('proof key: a proof signed by another key than its header names is invalid_proof', async () => {
    const token = await redeemed(url);
    const [holder, other] = [await walletKey(), await walletKey()];
    const forged = await handProof(
      other,
      { typ: 'openid4vci-proof+jwt', jwk: holder.publicJwk },
      { aud: url, iat: Math.floor(Date.now() / 1000), nonce: await nonce(url) },
    );
    const bad = await credentialRequest(url, token, {
      credential_configuration_id: CONFIG_ID,
      proofs: { jwt: [forged] },
    });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_proof' } });
    // Control: the holder's own signature, and a did:key kid instead of jwk.
    const kid = `${didKeyOf(holder.publicJwk)}#${didKeyOf(holder.publicJwk).slice(8)}`;
    const good = await proof(holder, url, await nonce(url), { jwk: undefined, kid });
    const ok = await credentialRequest(url, token, { credential_configuration_id: CONFIG_ID, proofs: { jwt: [good] } });
    expect(ok.status).toBe(200);
    expect(ok.body.credentials[0].credential.credentialSubject.id).toBe(didKeyOf(holder.publicJwk));
  });

  it('proof: wrong aud, wrong typ, alg none or HS256 are invalid_proof (control: the right aud)', async () => {
    const token = await redeemed(url);
    const key = await walletKey();
    const ask = async (jwt: string) =>
      (await credentialRequest(url, token, { credential_configuration_id: CONFIG_ID, proofs: { jwt: [jwt] } })).body;
    expect((await ask(await proof(key, 'https://other-issuer.example', await nonce(url)))).error).toBe('invalid_proof');
    expect((await ask(await proof(key, url, await nonce(url), { typ: 'JWT' }))).error).toBe('invalid_proof');
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const claims = { aud: url, iat: Math.floor(Date.now() / 1000), nonce: await nonce(url) };
    const none = `${b64({ alg: 'none', typ: 'openid4vci-proof+jwt', jwk: key.publicJwk })}.${b64(claims)}.`;
    expect((await ask(none)).error).toBe('invalid_proof');
    const hs = `${b64({ alg: 'HS256', typ: 'openid4vci-proof+jwt', jwk: key.publicJwk })}.${b64(claims)}.c2ln`;
    expect((await ask(hs)).error).toBe('invalid_proof');
    expect((await ask(await proof(key, url, await nonce(url)))).credentials).toHaveLength(1);
  });

  it('unknown credential_configuration_id is unknown_credential_configuration (control: the offered one)', async () => {
    const token = await redeemed(url);
    const key = await walletKey();
    const unknown = await credentialRequest(url, token, {
      credential_configuration_id: 'passport_ldp_vc',
      proofs: { jwt: [await proof(key, url, await nonce(url))] },
    });
    expect(unknown.body.error).toBe('unknown_credential_configuration');
    const notOffered = await credentialRequest(url, token, {
      credential_configuration_id: 'test_ldp_vc',
      proofs: { jwt: [await proof(key, url, await nonce(url))] },
    });
    expect(notOffered.body.error).toBe('invalid_credential_request');
    const ok = await credentialRequest(url, token, {
      credential_configuration_id: CONFIG_ID,
      proofs: { jwt: [await proof(key, url, await nonce(url))] },
    });
    expect(ok.status).toBe(200);
  });

  it('batch: over the maximum is invalid_credential_request; at the maximum it works', async () => {
    const token = await redeemed(url);
    const keys = await Promise.all([1, 2, 3, 4].map(() => walletKey()));
    const n = await nonce(url);
    const four = await Promise.all(keys.map((k) => proof(k, url, n)));
    const over = await credentialRequest(url, token, { credential_configuration_id: CONFIG_ID, proofs: { jwt: four } });
    expect(over.body.error).toBe('invalid_credential_request');
    const n2 = await nonce(url);
    const three = await Promise.all(keys.slice(0, 3).map((k) => proof(k, url, n2)));
    const ok = await credentialRequest(url, token, { credential_configuration_id: CONFIG_ID, proofs: { jwt: three } });
    expect(ok.body.credentials).toHaveLength(3);
    // The offer's copies are used up (batch size × one configuration).
    const more = await credentialRequest(url, token, {
      credential_configuration_id: CONFIG_ID,
      proofs: { jwt: [await proof(keys[0]!, url, await nonce(url))] },
    });
    expect(more.body.error).toBe('invalid_credential_request');
  });

  it('no access token or a wrong one is 401 invalid_token (control: the issued token)', async () => {
    const token = await redeemed(url);
    const key = await walletKey();
    const body = async () => ({
      credential_configuration_id: CONFIG_ID,
      proofs: { jwt: [await proof(key, url, await nonce(url))] },
    });
    const none = await credentialRequest(url, undefined, await body());
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('invalid_token');
    expect(none.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    const wrong = await credentialRequest(url, `${token.slice(0, -2)}xx`, await body());
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    // A service API key is not an access token either.
    expect((await credentialRequest(url, API_KEYS.admin, await body())).status).toBe(401);
    expect((await credentialRequest(url, token, await body())).status).toBe(200);
  });
});

describe('OpenID4VCI expiry', () => {
  it('an expired pre-authorized code is invalid_grant (control: redeemed in time)', async () => {
    const { running } = await start(createMemoryStorage(), { offerTtlSeconds: 1 });
    try {
      const url = running.url;
      const inTime = await createOffer(url, {});
      const late = await createOffer(url, {});
      expect(
        (await tokenRequest(url, { grant_type: PRE_AUTH, 'pre-authorized_code': codeOf(inTime.body) })).status,
      ).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      const expired = await tokenRequest(url, { grant_type: PRE_AUTH, 'pre-authorized_code': codeOf(late.body) });
      expect(expired.body).toMatchObject({
        error: 'invalid_grant',
        error_description: expect.stringMatching(/expired/),
      });
    } finally {
      await running.close();
    }
  });

  it('an expired nonce is invalid_nonce (control: a fresh one)', async () => {
    const { running } = await start(createMemoryStorage(), { nonceTtlSeconds: 1 });
    try {
      const url = running.url;
      const token = await redeemed(url);
      const key = await walletKey();
      const old = await nonce(url);
      await new Promise((r) => setTimeout(r, 1100));
      const stale = await credentialRequest(url, token, {
        credential_configuration_id: CONFIG_ID,
        proofs: { jwt: [await proof(key, url, old)] },
      });
      expect(stale.body.error).toBe('invalid_nonce');
      const ok = await credentialRequest(url, token, {
        credential_configuration_id: CONFIG_ID,
        proofs: { jwt: [await proof(key, url, await nonce(url))] },
      });
      expect(ok.status).toBe(200);
    } finally {
      await running.close();
    }
  });
});

describe('OpenID4VCI format issuers', () => {
  it('another format (stand-in for dc+sd-jwt): advertised, issued, keys published when configured', async () => {
    const { generateKeyPair: joseKeys, exportJWK, SignJWT } = await import('jose');
    const { publicKey, privateKey } = await joseKeys('EdDSA', { crv: 'Ed25519' });
    const issuerJwk = { ...(await exportJWK(publicKey)), kid: 'sd-1' };
    const seen: Array<{ vct: unknown; cnf: unknown }> = [];
    const standIn: Oid4vciFormatIssuer = {
      format: 'dc+sd-jwt',
      statusKind: 'none',
      configuration: (template) => ({ vct: `https://vct.example/${template}` }),
      async issue(input) {
        seen.push({ vct: input.configurationId, cnf: input.holder.jwk });
        // Not an SD-JWT: a signed JWT over the unsigned credential's subject, enough to see the plumbing.
        const jwt = await new SignJWT({
          vct: `https://vct.example/${input.template}`,
          cnf: { jwk: input.holder.jwk },
          name: (input.unsigned.credentialSubject as { name?: string }).name,
        })
          .setProtectedHeader({ alg: 'EdDSA', typ: 'dc+sd-jwt', kid: 'sd-1' })
          .setIssuer(input.credentialIssuer)
          .sign(privateKey);
        return { credential: `${jwt}~` };
      },
      publicJwks: () => [issuerJwk],
    };
    const { running } = await start(createMemoryStorage(), { formatIssuers: [standIn] });
    try {
      const url = running.url;
      const meta = await (await fetch(`${url}/.well-known/openid-credential-issuer`)).json();
      expect(meta.credential_configurations_supported.vaccination_dc_sd_jwt).toMatchObject({
        format: 'dc+sd-jwt',
        vct: 'https://vct.example/vaccination',
      });
      const jwks = await (await fetch(`${url}/.well-known/jwt-vc-issuer`)).json();
      expect(jwks).toEqual({ issuer: url, jwks: { keys: [issuerJwk] } });
      const offer = await createOffer(url, { formats: ['ldp_vc', 'dc+sd-jwt'] });
      expect(offer.body.credential_offer.credential_configuration_ids).toEqual([
        'vaccination_ldp_vc',
        'vaccination_dc_sd_jwt',
      ]);
      const key = await walletKey();
      const token = await tokenRequest(url, { grant_type: PRE_AUTH, 'pre-authorized_code': codeOf(offer.body) });
      const sd = await credentialRequest(url, token.body.access_token, {
        credential_configuration_id: 'vaccination_dc_sd_jwt',
        proofs: { jwt: [await proof(key, url, await nonce(url))] },
      });
      expect(sd.status).toBe(200);
      expect(sd.body.credentials[0].credential).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+~$/);
      expect(seen[0]?.cnf).toMatchObject({ kty: 'OKP', x: key.publicJwk.x });
      // The same token also gets the ldp_vc the offer grants.
      const ldp = await credentialRequest(url, token.body.access_token, {
        credential_configuration_id: CONFIG_ID,
        proofs: { jwt: [await proof(key, url, await nonce(url))] },
      });
      expect(ldp.body.credentials[0].credential.proof).toBeDefined();
    } finally {
      await running.close();
    }
  });
});

describe('OpenID4VCI configuration file', () => {
  async function parse(oid4vci: unknown) {
    const keyPair = await generateKeyPair('Ed25519');
    const signer = createSigner(keyPair, { id: verificationMethodId(keyPair) });
    const loadKey: KeyLoader = async () => ({
      signer,
      publicKeyJwk: exportPublicJwk(keyPair),
      type: 'Ed25519',
      id: signer.id,
    });
    return parseServiceConfig(
      {
        issuer: didKeyFromKeyPair(keyPair),
        publicUrl: 'https://certs.example.test',
        keys: { vc: 'vc.key.json' },
        auth: { mode: 'none' },
        storage: { kind: 'memory' },
        log: false,
        oid4vci,
      },
      { baseDir: '/nonexistent', env: {}, loadKey },
    );
  }

  it('the oid4vci section: types, display, limits; unknown members, none and HS256 are refused', async () => {
    const config = await parse({
      enabled: true,
      credentialTypes: [{ template: 'test', display: [{ name: 'COVID test', locale: 'en' }] }],
      batchSize: 2,
    });
    const app = await createService(config);
    try {
      const meta = (await app.inject({ method: 'GET', url: '/.well-known/openid-credential-issuer' })).json();
      expect(meta.credential_issuer).toBe('https://certs.example.test');
      expect(Object.keys(meta.credential_configurations_supported)).toEqual(['test_ldp_vc', 'test_dc_sd_jwt']);
      expect(meta.credential_configurations_supported.test_ldp_vc.credential_metadata.display).toEqual([
        { name: 'COVID test', locale: 'en' },
      ]);
      expect(meta.batch_credential_issuance.batch_size).toBe(2);
    } finally {
      await app.close();
    }
    await expect(parse({ enabled: true, bogus: 1 })).rejects.toThrow(/oid4vci\.bogus/);
    await expect(createService(await parse({ enabled: true, proofAlgorithms: ['ES256', 'none'] }))).rejects.toThrow(
      ServiceConfigError,
    );
    await expect(createService(await parse({ enabled: true, proofAlgorithms: ['HS256'] }))).rejects.toThrow(/HS256/);
    await expect(
      createService(await parse({ enabled: true, credentialTypes: [{ template: 'no-such-type' }] })),
    ).rejects.toThrow(/no-such-type/);
    // Off unless enabled: no wallet routes.
    const off = await createService(await parse({ enabled: false }));
    try {
      expect((await off.inject({ method: 'GET', url: '/.well-known/openid-credential-issuer' })).statusCode).toBe(404);
    } finally {
      await off.close();
    }
  });
});
