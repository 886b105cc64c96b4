import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ServiceRouteDeps } from '../lib/route-deps.js';
import { isUnsafeJsonError, parseJsonStrict, type Check } from '@divoc/keys';
import { loadDdccReader } from '@divoc/schemas';
import { parseSdJwt } from '@divoc/sd-jwt';
import { canonize, verifyPresentation } from '@divoc/vc';
import { verify, type Trust } from '@divoc/verifier';
import { ServiceConfigError, ServiceError, badRequest } from '../lib/errors.js';
import type {
  Oid4vpStore,
  PresentationOutcome,
  PresentedCredentialOutcome,
  StoredPresentationRequest,
} from '../storage/types.js';
import {
  PRESENTATION_FORMATS,
  checkDcqlQuery,
  isVaccinationQuery,
  vaccinationClaimsOf,
  type PresentationFormat,
  unmetByCredential,
  unmetCredentialSets,
  unmetVaccination,
  vaccinationQuery,
  type DcqlQuery,
  type VaccinationConstraint,
} from './dcql.js';
import { Oid4vpError } from './errors.js';
import type { Oid4vpConfig } from './types.js';

/** The scheme of presentation request links (and their QR codes). */
export const PRESENTATION_REQUEST_SCHEME = 'openid4vp://';

/** JWS algorithms the verifier accepts for issuer-signed JWTs and key-binding JWTs (what `@divoc/sd-jwt` verifies). */
const SD_JWT_ALGS = ['ES256', 'EdDSA'];

/** What `client_metadata.vp_formats_supported` says per format (OpenID4VP 1.0 § B.1.3.2 for ldp_vc, § B.3.4). */
const VP_FORMATS_SUPPORTED: Record<PresentationFormat, Record<string, string[]>> = {
  'dc+sd-jwt': { 'sd-jwt_alg_values': SD_JWT_ALGS, 'kb-jwt_alg_values': SD_JWT_ALGS },
  // The proofs `@divoc/vc` verifies on a presentation (the holder's key is a did:key: Ed25519 or P-256).
  ldp_vc: {
    proof_type_values: ['DataIntegrityProof', 'Ed25519Signature2020'],
    cryptosuite_values: ['eddsa-rdfc-2022', 'ecdsa-rdfc-2019'],
  },
};

/** What each passing check of an ldp_vc's Verifiable Presentation (`verifyPresentation`) established. */
const PRESENTATION_CHECKS: Readonly<Record<string, string>> = {
  decode: 'the Verifiable Presentation',
  signature: "the presentation's proof, under the holder's did:key",
  'key-usage': "the presentation's proof: authentication, this request's nonce (challenge) and client_id (domain)",
  trust: "the presentation's credential names the holder as its subject",
};

const RDF_TYPE = '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>';
/** `VerifiableCredential` expanded (the same IRI under the VC 1.1 and 2.0 contexts). */
const VC_TYPE = 'https://www.w3.org/2018/credentials#VerifiableCredential';

/**
 * The credential's types for DCQL `type_values`: the expanded IRIs (OpenID4VP § B.1.1), read from the canonical
 * N-Quads of the credential node, plus the types as written (so a query naming `ProofOfVaccinationCredential` works).
 */
async function credentialTypes(credential: Record<string, unknown>): Promise<Set<string>> {
  const types = new Set<string>();
  const written = credential.type;
  for (const t of Array.isArray(written) ? written : [written]) if (typeof t === 'string') types.add(t);
  const bySubject = new Map<string, string[]>();
  for (const line of (await canonize(credential as Parameters<typeof canonize>[0])).split('\n')) {
    // Default-graph triples only: the proof's own graph has a fourth term.
    const match = /^(\S+) (\S+) <([^>]+)> \.$/.exec(line);
    if (match === null || match[2] !== RDF_TYPE) continue;
    const list = bySubject.get(match[1]!) ?? [];
    list.push(match[3]!);
    bySubject.set(match[1]!, list);
  }
  for (const list of bySubject.values()) if (list.some((t) => t === VC_TYPE)) for (const t of list) types.add(t);
  return types;
}

/** What the OpenID4VP routes need from the service. */
export interface Oid4vpDeps extends ServiceRouteDeps {
  config: Oid4vpConfig;
  store: Oid4vpStore;
  /** The service's verification trust (`/credentials/verify`'s). */
  trust: Trust;
  /**
   * The service's own SD-JWT VC issuer metadata (`{ issuer, jwks }`), when it issues SD-JWT VCs: trusted too, so a
   * wallet can present what the service issued. Read when asked (the issuer URL may hold the port picked at start).
   */
  ownSdJwtIssuer?: () => { issuer: string; jwks: { keys: readonly JsonWebKey[] }; name?: string } | undefined;
  /**
   * The Token Status List token (`statuslist+jwt`) of a status list URI the service itself serves, or undefined for
   * any other URI: the service fetches nothing, so a credential naming another issuer's list is not checked for
   * revocation.
   */
  statusListToken?: (uri: string) => Promise<string | undefined>;
  /**
   * The W3C Bitstring Status List credential at a URL the service itself serves, or undefined for any other URL (an
   * ldp_vc naming another issuer's list is not checked for revocation: the service fetches nothing).
   */
  statusListCredential?: (url: string) => Promise<Record<string, unknown> | undefined>;
  /** The service's public base URL (the response URI lives under it). */
  baseUrl: () => string;
  /** Counts verified responses (metrics). */
  onVerified: (valid: boolean) => void;
}

interface RequestBody {
  dcql?: unknown;
  vaccination?: VaccinationConstraint;
  formats?: string[];
}

const hash = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('base64url');
const secret = (): string => randomBytes(32).toString('base64url');
const NO_STORE = { 'cache-control': 'no-store' };
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks the OpenID4VP section of the configuration; returns the request lifetime in seconds. */
export function checkOid4vpConfig(config: Oid4vpConfig): number {
  const ttl = config.requestTtlSeconds ?? 300;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400)
    throw new ServiceConfigError('oid4vp.requestTtlSeconds must be 1-86400');
  return ttl;
}

/** `openid4vp://?<the request's members, objects as JSON>`: the request passed by value. */
export function presentationRequestLink(request: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(request)) params.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  return `${PRESENTATION_REQUEST_SCHEME}?${params.toString()}`;
}

/**
 * Registers the OpenID4VP 1.0 verifier: the registry creates a presentation request (DCQL), the wallet answers at
 * the response URI (`direct_post`), and the registry polls the outcome.
 */
export function registerOid4vp(app: FastifyInstance, deps: Oid4vpDeps): void {
  const ttl = checkOid4vpConfig(deps.config);
  let ownTrusted: string | undefined;

  /** The trust, with the service's own SD-JWT VC issuer added once its URL is known. */
  function trust(): Trust {
    const own = deps.ownSdJwtIssuer?.();
    if (own !== undefined && ownTrusted !== own.issuer) {
      deps.trust.addJwtVcIssuerMetadata(
        { issuer: own.issuer, jwks: { keys: [...own.jwks.keys] } },
        own.name !== undefined ? { name: own.name } : {},
      );
      ownTrusted = own.issuer;
    }
    return deps.trust;
  }

  // ---- registry: requests -----------------------------------------------------------------------------------------

  app.post('/presentation-requests', deps.routeOptions('POST', '/presentation-requests'), async (request, reply) =>
    deps.idempotent(request, reply, () =>
      createRequest(request.body as RequestBody, request.client?.id ?? 'anonymous'),
    ),
  );
  app.get(
    '/presentation-requests/:id',
    deps.routeOptions('GET', '/presentation-requests/{id}'),
    async (request, reply) => {
      const stored = await deps.store.getRequest((request.params as { id: string }).id);
      if (stored === undefined) throw new ServiceError('ERR_NOT_FOUND', 404, 'no such presentation request');
      return reply.headers(NO_STORE).send(statusOf(stored));
    },
  );

  async function createRequest(body: RequestBody, client: string) {
    const formats = body.formats ?? [...PRESENTATION_FORMATS];
    for (const f of formats)
      if (!(PRESENTATION_FORMATS as readonly string[]).includes(f))
        throw badRequest(`format ${f} cannot be verified in presentations yet (${PRESENTATION_FORMATS.join(', ')})`);
    if (body.dcql === undefined && body.vaccination === undefined) throw badRequest('give dcql or vaccination');
    const vaccination = body.vaccination;
    if (
      vaccination?.after !== undefined &&
      (!DATE.test(vaccination.after) || Number.isNaN(Date.parse(vaccination.after)))
    )
      throw badRequest('vaccination.after must be a date (YYYY-MM-DD)', [
        { path: '/vaccination/after', message: 'must be YYYY-MM-DD' },
      ]);
    const dcql: DcqlQuery =
      body.dcql !== undefined
        ? checkDcqlQuery(body.dcql)
        : vaccinationQuery(body.formats !== undefined ? (formats as PresentationFormat[]) : undefined);
    if (vaccination !== undefined && !dcql.credentials.some((c) => isVaccinationQuery(c.id)))
      throw badRequest('vaccination constraints apply to the credential query with id "vaccination": add one to dcql');
    const id = randomUUID();
    const responseUri = `${deps.baseUrl()}/presentations/${id}`;
    // The redirect_uri client id prefix: the verifier is named by its response URI, and the request is unsigned.
    const clientId = `redirect_uri:${responseUri}`;
    const nonce = secret();
    const state = secret();
    const now = Date.now();
    const stored: StoredPresentationRequest = {
      id,
      stateHash: hash(state),
      nonce,
      clientId,
      dcqlQuery: dcql as unknown as Record<string, unknown>,
      ...(vaccination !== undefined ? { vaccination: { ...vaccination } } : {}),
      createdBy: client,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + ttl * 1000).toISOString(),
    };
    await deps.store.putRequest(stored);
    const authorizationRequest = {
      response_type: 'vp_token',
      response_mode: 'direct_post',
      client_id: clientId,
      response_uri: responseUri,
      nonce,
      state,
      dcql_query: dcql,
      client_metadata: {
        vp_formats_supported: Object.fromEntries(
          PRESENTATION_FORMATS.filter((f) => dcql.credentials.some((c) => c.format === f)).map((f) => [
            f,
            VP_FORMATS_SUPPORTED[f],
          ]),
        ),
      },
    };
    return {
      status: 201,
      headers: { location: `/presentation-requests/${id}`, ...NO_STORE },
      body: {
        authorization_request: authorizationRequest,
        link: presentationRequestLink(authorizationRequest),
        requestId: id,
        expiresAt: stored.expiresAt,
      },
    };
  }

  function statusOf(stored: StoredPresentationRequest) {
    const expired = stored.answeredAt === undefined && Date.parse(stored.expiresAt) <= Date.now();
    const status =
      stored.outcome !== undefined
        ? stored.outcome.valid
          ? 'valid'
          : 'invalid'
        : stored.answeredAt !== undefined
          ? 'processing'
          : expired
            ? 'expired'
            : 'pending';
    return {
      requestId: stored.id,
      status,
      createdAt: stored.createdAt,
      expiresAt: stored.expiresAt,
      dcql_query: stored.dcqlQuery,
      ...(stored.vaccination !== undefined ? { vaccination: stored.vaccination } : {}),
      ...(stored.answeredAt !== undefined ? { answeredAt: stored.answeredAt } : {}),
      ...(stored.outcome !== undefined ? { outcome: stored.outcome } : {}),
    };
  }

  // ---- wallet: the response URI (direct_post) ---------------------------------------------------------------------

  app.register(async (scope) => {
    // The authorization response is a form (OpenID4VP § 8.2); only this route reads forms.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      const params = new URLSearchParams(String(body));
      const out: Record<string, string> = {};
      for (const [k, v] of params) {
        if (k in out) return done(new Oid4vpError('invalid_request', `parameter ${k} is repeated`), undefined);
        out[k] = v;
      }
      return done(null, out);
    });
    scope.post('/presentations/:id', deps.routeOptions('POST', '/presentations/{id}'), async (request, reply) =>
      reply.headers(NO_STORE).send(await respond((request.params as { id: string }).id, request.body)),
    );
  });

  async function respond(id: string, body: unknown): Promise<Record<string, never>> {
    if (body === null || typeof body !== 'object') throw new Oid4vpError('invalid_request', 'send a form body');
    const form = body as Record<string, unknown>;
    const stored = await deps.store.getRequest(id);
    if (stored === undefined) throw new Oid4vpError('invalid_request', 'unknown presentation request');
    const state = form.state;
    if (typeof state !== 'string' || state === '' || state.length > 512)
      throw new Oid4vpError('invalid_request', 'state is required');
    if (!timingSafeEqual(Buffer.from(hash(state)), Buffer.from(stored.stateHash)))
      throw new Oid4vpError('invalid_request', 'state does not match the request');
    const at = new Date().toISOString();
    if (stored.answeredAt !== undefined)
      throw new Oid4vpError('invalid_request', 'the request was answered already: ask for a new one');
    if (Date.parse(stored.expiresAt) <= Date.parse(at))
      throw new Oid4vpError('invalid_request', 'the presentation request has expired');
    // Single use: the request is taken before the presentations are verified, so two racing responses never both count.
    if (!(await deps.store.claim(id, stored.stateHash, at)))
      throw new Oid4vpError('invalid_request', 'the request was answered already: ask for a new one');

    const finish = async (outcome: PresentationOutcome) => {
      await deps.store.putOutcome(id, outcome);
      deps.onVerified(outcome.valid);
      return outcome;
    };
    if (typeof form.error === 'string') {
      // The wallet's error response (the holder declined, or had nothing that fits): recorded, and acknowledged.
      const message = typeof form.error_description === 'string' ? form.error_description.slice(0, 500) : form.error;
      await finish({
        valid: false,
        error: { code: form.error.slice(0, 64), message },
        credentials: [],
        receivedAt: at,
      });
      return {};
    }
    const outcome = await verifyResponse(stored, form.vp_token, at);
    await finish(outcome);
    if (!outcome.valid) throw new Oid4vpError('invalid_request', outcome.error?.message ?? 'invalid presentation');
    return {};
  }

  async function verifyResponse(
    stored: StoredPresentationRequest,
    vpToken: unknown,
    receivedAt: string,
  ): Promise<PresentationOutcome> {
    const invalid = (code: string, message: string, credentials: PresentedCredentialOutcome[] = []) => ({
      valid: false,
      error: { code, message },
      credentials,
      receivedAt,
    });
    if (typeof vpToken !== 'string' || vpToken === '') return invalid('ERR_VP_TOKEN_MISSING', 'vp_token is required');
    let token: unknown;
    try {
      token = parseJsonStrict(vpToken);
    } catch (error) {
      return invalid(
        'ERR_VP_TOKEN_INVALID',
        isUnsafeJsonError(error) ? `vp_token is refused: ${error.message}` : 'vp_token is not JSON',
      );
    }
    if (token === null || typeof token !== 'object' || Array.isArray(token))
      return invalid('ERR_VP_TOKEN_INVALID', 'vp_token must be a JSON object keyed by credential query id (DCQL)');
    const query = stored.dcqlQuery as unknown as DcqlQuery;
    const credentials: PresentedCredentialOutcome[] = [];
    let firstProblem: { code: string; message: string } | undefined;
    const answered = new Set<string>();
    for (const [queryId, presentations] of Object.entries(token as Record<string, unknown>)) {
      const credentialQuery = query.credentials.find((c) => c.id === queryId);
      if (credentialQuery === undefined)
        return invalid('ERR_VP_TOKEN_INVALID', `vp_token answers ${queryId.slice(0, 64)}, which was not asked for`);
      if (!Array.isArray(presentations) || presentations.length === 0)
        return invalid('ERR_VP_TOKEN_INVALID', `vp_token.${queryId} must be a non-empty array of presentations`);
      if (presentations.length > 1 && credentialQuery.multiple !== true)
        return invalid('ERR_VP_TOKEN_INVALID', `credential query ${queryId} asks for one presentation`);
      if (presentations.length > 10) return invalid('ERR_VP_TOKEN_INVALID', `at most 10 presentations for ${queryId}`);
      answered.add(queryId);
      for (const presentation of presentations) {
        const result =
          credentialQuery.format === 'ldp_vc'
            ? await verifyLdpVc(stored, credentialQuery, presentation)
            : await verifyOne(stored, credentialQuery, presentation);
        credentials.push(result);
        if (!result.valid && firstProblem === undefined) {
          const failed = result.checks.find((c) => !c.ok);
          firstProblem = {
            code: failed?.code ?? 'ERR_PRESENTATION_INVALID',
            message: `${queryId}: ${failed?.name ?? 'verification'}: ${failed?.message ?? 'failed'}`,
          };
        }
      }
    }
    const unmetSets = unmetCredentialSets(query, answered);
    if (firstProblem === undefined && unmetSets !== undefined)
      firstProblem = { code: 'ERR_DCQL_UNSATISFIED', message: unmetSets };
    return firstProblem === undefined
      ? { valid: true, credentials, receivedAt }
      : invalid(firstProblem.code, firstProblem.message, credentials);
  }

  /** `verify()`'s checks as the outcome lists them. */
  const checksOf = (checks: readonly Check[]): PresentedCredentialOutcome['checks'] =>
    checks.map((c) => ({
      name: c.name,
      ok: c.ok,
      ...(c.code !== undefined ? { code: c.code } : {}),
      ...(c.message !== undefined ? { message: c.message } : {}),
    }));

  /**
   * One presented SD-JWT VC, decided by `verify()` of `@divoc/verifier` (as `divoc verify` and
   * `POST /credentials/verify` do): the issuer signature, trust and issuer binding, dates, key use and revocation
   * (the service's own Token Status List, when the credential is on one), and, through its `presentation` option, the
   * key binding to this request (a KB-JWT over the request's nonce, for its client_id, made just now). Then the
   * query's constraints on the disclosed claims.
   */
  async function verifyOne(
    stored: StoredPresentationRequest,
    credentialQuery: DcqlQuery['credentials'][number],
    presentation: unknown,
  ): Promise<PresentedCredentialOutcome> {
    const base = { queryId: credentialQuery.id, format: credentialQuery.format };
    if (typeof presentation !== 'string')
      return {
        ...base,
        valid: false,
        issuer: null,
        claims: {},
        checks: [
          { name: 'decode', ok: false, code: 'ERR_SDJWT_MALFORMED', message: 'a dc+sd-jwt presentation is a string' },
        ],
      };
    // Read (unverified) for two things only: which status list it names, and which claims the holder disclosed.
    // `verify()` parses it again and decides; if this read fails, so does its decode check.
    let parsed: ReturnType<typeof parseSdJwt> | undefined;
    try {
      parsed = parseSdJwt(presentation);
    } catch {
      parsed = undefined;
    }
    const statusUri = (parsed?.issuer.payload.status as { status_list?: { uri?: unknown } } | undefined)?.status_list
      ?.uri;
    const token =
      typeof statusUri === 'string' && deps.statusListToken !== undefined
        ? await deps.statusListToken(statusUri)
        : undefined;
    const result = await verify(presentation, {
      trust: trust(),
      formats: ['sd-jwt-vc'],
      // OpenID4VP 1.0 § B.3.6: the KB-JWT's nonce is the request's, its aud the client_id.
      presentation: { nonce: stored.nonce, audience: stored.clientId },
      ...(token !== undefined ? { revocation: { tokenStatusLists: [token] } } : {}),
    });
    const checks = checksOf(result.checks);
    const payload = result.credential as Record<string, unknown> | undefined;
    // The same parser as verify()'s, so it cannot fail alone; if it ever did, the outcome still says why.
    if (result.valid && parsed === undefined)
      checks.push({
        name: 'decode',
        ok: false,
        code: 'ERR_SDJWT_MALFORMED',
        message: 'the disclosures are unreadable',
      });
    if (!result.valid || payload === undefined || parsed === undefined)
      return { ...base, valid: false, issuer: null, claims: {}, checks };
    // Only what the holder disclosed and the claims that say what the credential is: never cnf, _sd or the status.
    const claims: Record<string, unknown> = {};
    const disclosed = parsed.disclosures.flatMap((d) => (d.name !== undefined ? [d.name] : []));
    for (const name of ['iss', 'vct', 'iat', 'exp', ...disclosed])
      if (payload[name] !== undefined) claims[name] = payload[name];
    const unmet =
      unmetByCredential(credentialQuery, claims) ??
      (stored.vaccination !== undefined && isVaccinationQuery(credentialQuery.id)
        ? unmetVaccination(stored.vaccination, claims)
        : undefined);
    checks.push(
      unmet === undefined
        ? { name: 'query', ok: true }
        : { name: 'query', ok: false, code: 'ERR_DCQL_UNSATISFIED', message: unmet },
    );
    return {
      ...base,
      valid: unmet === undefined,
      issuer: result.issuer,
      ...(result.issuerName !== undefined ? { issuerName: result.issuerName } : {}),
      ...(typeof payload.vct === 'string' ? { type: payload.vct } : {}),
      claims,
      checks,
    };
  }

  /**
   * One presented W3C VC (`ldp_vc`): a Verifiable Presentation signed by the holder's did:key over this request's
   * nonce (challenge) and client_id (domain), holding one credential that names the holder as its subject
   * (`verifyPresentation`); the credential itself decided by `verify()`; then the query's type and claims, and the
   * vaccination constraints, read through the DDCC core data set.
   */
  async function verifyLdpVc(
    stored: StoredPresentationRequest,
    credentialQuery: DcqlQuery['credentials'][number],
    presentation: unknown,
  ): Promise<PresentedCredentialOutcome> {
    const base = { queryId: credentialQuery.id, format: credentialQuery.format };
    const refused = (code: string, message: string): PresentedCredentialOutcome => ({
      ...base,
      valid: false,
      issuer: null,
      claims: {},
      checks: [{ name: 'decode', ok: false, code, message }],
    });
    // Some wallets send the VP as a JSON string inside vp_token: read it the same way (strictly).
    if (typeof presentation === 'string') {
      try {
        presentation = parseJsonStrict(presentation);
      } catch {
        return refused('ERR_VC_MALFORMED', 'an ldp_vc presentation given as a string must be JSON');
      }
    }
    if (presentation === null || typeof presentation !== 'object' || Array.isArray(presentation))
      return refused('ERR_VC_MALFORMED', 'an ldp_vc presentation is a Verifiable Presentation (a JSON object)');
    const currentTrust = trust();
    // OpenID4VP 1.0 § B.1.3.2.2: the proof's challenge is the request's nonce, its domain the client_id.
    const result = await verifyPresentation(presentation, {
      trust: currentTrust,
      challenge: stored.nonce,
      domain: stored.clientId,
      holderBinding: true,
    });
    // Said of the presentation, so the credential's checks that follow (same names) read apart from them.
    const checks = checksOf(
      result.checks.map((c) =>
        c.ok && c.message === undefined ? { ...c, message: PRESENTATION_CHECKS[c.name] ?? 'the presentation' } : c,
      ),
    );
    if (result.presentation === undefined) return { ...base, valid: false, issuer: null, claims: {}, checks };
    const held = result.presentation.verifiableCredential;
    const credentials = Array.isArray(held) ? held : held === undefined ? [] : [held];
    if (credentials.length !== 1)
      return refused('ERR_VP_TOKEN_INVALID', 'a presentation answers one credential query with one credential');
    const first: unknown = credentials[0];
    if (first === null || typeof first !== 'object' || Array.isArray(first))
      return refused('ERR_VC_MALFORMED', 'the presentation must hold a W3C credential (a JSON object)');
    const credential = first as Record<string, unknown>;
    // The credential itself is decided by `verify()` (as `divoc verify` and `POST /credentials/verify` do): signature,
    // trust and issuer binding, dates, key use, schema and revocation, with the service's own status list when the
    // credential is on one. The presentation proved only that its holder presents it for this request.
    const statusUrl = (credential.credentialStatus as { statusListCredential?: unknown } | undefined)
      ?.statusListCredential;
    const list =
      typeof statusUrl === 'string' && deps.statusListCredential !== undefined
        ? await deps.statusListCredential(statusUrl)
        : undefined;
    const checked = await verify(credential, {
      trust: currentTrust,
      formats: ['w3c-vc'],
      ...(list !== undefined ? { revocation: { statusLists: [list] } } : {}),
    });
    // The list reads: the presentation's checks, then the credential's as `verify()` reports them (its decode is the
    // presentation's, already listed unless it failed). Both are reported, whichever failed, and both must pass.
    checks.push(...checksOf(checked.checks.filter((c) => c.name !== 'decode' || !c.ok)));
    if (!result.valid || !checked.valid) return { ...base, valid: false, issuer: null, claims: {}, checks };
    let claims: Record<string, unknown> = {};
    try {
      claims = vaccinationClaimsOf((await loadDdccReader())(credential));
    } catch {
      // Not a health credential the DDCC reader knows: the vaccination constraints below then fail, a DCQL query alone
      // may still be met.
    }
    const unmet =
      unmetByCredential(credentialQuery, credential, await credentialTypes(credential)) ??
      (stored.vaccination !== undefined && isVaccinationQuery(credentialQuery.id)
        ? unmetVaccination(stored.vaccination, claims)
        : undefined);
    checks.push(
      unmet === undefined
        ? { name: 'query', ok: true }
        : { name: 'query', ok: false, code: 'ERR_DCQL_UNSATISFIED', message: unmet },
    );
    const types = Array.isArray(credential.type) ? (credential.type as unknown[]) : [credential.type];
    const type = types.find((t): t is string => typeof t === 'string' && t !== 'VerifiableCredential');
    return {
      ...base,
      valid: unmet === undefined,
      issuer: checked.issuer,
      ...(checked.issuerName !== undefined ? { issuerName: checked.issuerName } : {}),
      ...(type !== undefined ? { type } : {}),
      claims,
      checks,
    };
  }
}
