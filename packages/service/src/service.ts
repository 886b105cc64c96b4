import { FORMATS } from '@divoc/formats';
import { QR_FORMATS } from './config/file.js';
import { randomUUID } from 'node:crypto';
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import {
  certificateIdFor,
  checkRecordFields,
  isSafeCertificateId,
  defaultSuiteFor,
  formatKeyHint,
  issuableFormats,
  splitRecord,
  type IssuerKeys,
} from '@divoc/issuer';
import { renderCertificatePdf, resolvePdfLocales } from '@divoc/pdf';
import { isUnsafeJsonError, parseJsonStrict } from '@divoc/keys';
import { renderQr } from '@divoc/qr';
import type { SuiteName } from '@divoc/vc';
import { Trust, toJsonReport, verify } from '@divoc/verifier';
import { createAuthenticator, requireScope, type Client, type Scope } from './auth/auth.js';
import type { IssuableFormat, ServiceConfig } from './config/types.js';
import { negotiate } from './lib/accept.js';
import { ServiceConfigError, ServiceError, StorageError, badRequest } from './lib/errors.js';
import { ServiceMetrics } from './lib/metrics.js';
import { RateLimiter } from './lib/rate-limit.js';
import * as S from './lib/schemas.js';
import { fingerprint, stableStringify } from './lib/stable-json.js';
import { openApiDocument, type RouteDoc } from './openapi.js';
import { StatusListManager } from './status/manager.js';
import { issuanceClientError, issuerKeysOf, type IssuanceSettings } from './issuance/issue.js';
import { inlineIssuance, keyIdentities, threadIssuance, type Issuance } from './issuance/pool.js';
import { createMemoryStorage } from './storage/memory.js';
import { Oid4vciError } from './oid4vci/errors.js';
import { registerOid4vci } from './oid4vci/issuer.js';
import { createLdpVcIssuer } from './oid4vci/ldp-vc.js';
import { OID4VCI_ROUTES } from './oid4vci/routes.js';
import { Oid4vpError } from './oid4vp/errors.js';
import { OID4VP_ROUTES } from './oid4vp/routes.js';
import { registerOid4vp } from './oid4vp/verifier.js';
import { canSignSdJwtVc, createSdJwtVcIssuer, statusListToken } from './oid4vci/sd-jwt.js';
import type { ServiceStorage, StoredCredential, StoredResponse } from './storage/types.js';

/** The media type of an IETF Token Status List token. */
const STATUS_LIST_TOKEN_MEDIA_TYPE = 'application/statuslist+jwt';

declare module 'fastify' {
  interface FastifyRequest {
    client?: Client;
  }
  interface FastifyContextConfig {
    scope?: Scope | readonly Scope[];
    rateLimited?: boolean;
  }
}

/** What a handler produces: sent as JSON unless `raw` is given. */
interface HandlerResult {
  status: number;
  body?: unknown;
  raw?: { contentType: string; payload: string | Uint8Array };
  headers?: Record<string, string>;
  /** The body is made of this stored credential: an Idempotency-Key stores the reference, not a second copy. */
  bodyFrom?: StoredResponse['bodyFrom'];
  /** The storage stored the response for the request's Idempotency-Key with the credential (nothing left to do). */
  idempotencyCompleted?: boolean;
}

/** The Idempotency-Key of the request a handler runs for, when it has one. */
interface IdempotencyContext {
  scope: string;
  key: string;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const JSON_TYPE = 'application/json; charset=utf-8';
/** The raw form of a response whose body is stored by reference (`bodyFrom`). */
const EMPTY_JSON = { contentType: JSON_TYPE, payload: '' };
const CREDENTIAL_TYPES = [
  'application/json',
  'application/ld+json',
  'application/vc+ld+json',
  'image/png',
  'image/svg+xml',
  'application/pdf',
] as const;
const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|localhost|::ffff:127(\.\d{1,3}){3})$/i;

/** True for a host name or address on the loopback interface (`localhost`, `127.x.x.x`, `::1`). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

/** Every route, described once: Fastify's validation and the OpenAPI document both read these. */
export const ROUTES: readonly RouteDoc[] = [
  {
    method: 'POST',
    url: '/credentials/issue',
    summary:
      'Issue: VC-API { credential, options } → { verifiableCredential }, or { record, template, formats? } → ' +
      'certificate id + outputs',
    scope: 'credentials:issue',
    body: S.issueBody,
    idempotent: true,
    responses: {
      201: { description: 'Issued', schema: { oneOf: [S.issueCredentialResponse, S.issueRecordResponse] } },
      200: {
        description: 'Already issued (same certificate id): the stored certificate',
        schema: { oneOf: [S.issueCredentialResponse, S.issueRecordResponse] },
      },
    },
  },
  {
    method: 'POST',
    url: '/credentials/verify',
    summary: 'Verify a credential (VC-API { verifiableCredential }) or any QR text ({ input }) → the verifier report',
    scope: 'credentials:verify',
    body: S.verifyBody,
    idempotent: true,
    responses: { 200: { description: 'The verification report (valid true or false)', schema: S.verifyResponse } },
  },
  {
    method: 'GET',
    url: '/credentials/{id}',
    summary: 'A stored credential: JSON, its QR (PNG, SVG) or a printable PDF, by Accept',
    scope: ['credentials:read', 'credentials:issue'],
    params: S.idParams,
    responses: {
      200: { description: 'The credential', contentTypes: [...CREDENTIAL_TYPES] },
      406: { description: 'No acceptable representation' },
    },
  },
  {
    method: 'POST',
    url: '/credentials/{id}/revoke',
    summary: "Revoke: sets the credential's bit in the service's Bitstring Status List and republishes it",
    scope: 'credentials:revoke',
    params: S.idParams,
    body: S.revokeBody,
    bodyOptional: true,
    idempotent: true,
    responses: { 200: { description: 'Revoked (or already revoked)', schema: S.revokeResponse } },
  },
  {
    method: 'GET',
    url: '/status-lists/{id}',
    summary:
      'The signed BitstringStatusListCredential; with Accept: application/statuslist+jwt, the same bits as an IETF ' +
      'Token Status List token (for the SD-JWT VCs OpenID4VCI issues)',
    params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9]{1,9}$' } } },
    responses: { 200: { description: 'Signed status list credential', schema: { type: 'object' } } },
  },
  {
    method: 'GET',
    url: '/health',
    summary: 'Liveness and readiness (storage reachable)',
    responses: {
      200: { description: 'Ready', schema: S.healthResponse },
      503: { description: 'Not ready', schema: S.healthResponse },
    },
  },
  {
    method: 'GET',
    url: '/metrics',
    summary: 'Prometheus metrics (text format 0.0.4)',
    responses: { 200: { description: 'Metrics', contentTypes: ['text/plain'] } },
  },
  {
    method: 'GET',
    url: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    responses: { 200: { description: 'OpenAPI document', schema: { type: 'object' } } },
  },
];

function routeDoc(method: string, url: string): RouteDoc {
  const doc = [...ROUTES, ...OID4VCI_ROUTES, ...OID4VP_ROUTES].find((r) => r.method === method && r.url === url);
  if (doc === undefined) throw new Error(`no route doc for ${method} ${url}`);
  return doc;
}

const fastifyUrl = (url: string): string => url.replace(/\{(\w+)\}/g, ':$1');

interface ResolvedConfig {
  issuer: string;
  keys: IssuerKeys;
  vcSuite: SuiteName;
  vcVerificationMethod: string;
  trust: Trust;
  formats: readonly IssuableFormat[];
  qr: IssuableFormat;
  pdfLocale?: string;
  statusEnabled: boolean;
  ownKeyEntry?: Record<string, unknown>;
}

function resolveConfig(config: ServiceConfig): ResolvedConfig {
  if (config === null || typeof config !== 'object') throw new ServiceConfigError('config must be an object');
  if (typeof config.issuer !== 'string' || !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(config.issuer))
    throw new ServiceConfigError('issuer must be an absolute URI or DID');
  const vc = config.keys?.vc;
  if (vc === undefined || typeof vc.signer?.sign !== 'function')
    throw new ServiceConfigError('keys.vc.signer (a Signer from @divoc/keys) is required');
  const suite = (vc.suite ?? defaultSuiteFor(vc.signer)) as SuiteName;
  const trust = config.trust ?? new Trust();
  // The service's own key as a trust list entry (plain data: verification threads add the same one).
  let ownKeyEntry: Record<string, unknown> | undefined;
  if (vc.publicKeyJwk !== undefined) {
    const kty = (vc.publicKeyJwk as { kty?: string }).kty;
    const type = kty === 'OKP' ? 'Ed25519' : kty === 'EC' ? 'P-256' : kty === 'RSA' ? 'RSA' : undefined;
    if (type === undefined)
      throw new ServiceConfigError('keys.vc.publicKeyJwk must be an Ed25519, P-256 or RSA public JWK');
    ownKeyEntry = {
      id: vc.verificationMethod ?? vc.signer.id,
      type,
      controller: config.issuer,
      publicKeyJwk: vc.publicKeyJwk as Record<string, unknown>,
    };
    trust.addTrustListEntry(ownKeyEntry);
  }
  const keys = issuerKeysOf(config.keys, {
    vcSuite: suite,
    vcVerificationMethod: vc.verificationMethod ?? vc.signer.id,
  });
  const available: IssuableFormat[] = issuableFormats(keys);
  const formats = config.formats ?? available;
  for (const f of formats)
    if (!available.includes(f)) throw new ServiceConfigError(`format ${f} needs its key in keys (${formatKeyHint(f)})`);
  if (config.qr !== undefined && !QR_FORMATS.includes(config.qr))
    throw new ServiceConfigError(`qr must be one of ${QR_FORMATS.map((f) => JSON.stringify(f)).join(', ')}`);
  if (config.pdfLocale !== undefined) {
    try {
      resolvePdfLocales(config.pdfLocale);
    } catch (error) {
      throw new ServiceConfigError(`pdfLocale: ${(error as Error).message}`);
    }
  }
  if (config.unknownFields !== undefined && config.unknownFields !== 'reject' && config.unknownFields !== 'ignore')
    throw new ServiceConfigError("unknownFields must be 'reject' or 'ignore'");
  return {
    issuer: config.issuer,
    keys,
    vcSuite: suite,
    vcVerificationMethod: vc.verificationMethod ?? vc.signer.id,
    trust,
    formats: formats.includes('w3c-vc') ? formats : ['w3c-vc', ...formats],
    qr: config.qr ?? 'divoc-qr',
    ...(config.pdfLocale !== undefined ? { pdfLocale: config.pdfLocale } : {}),
    statusEnabled: config.statusList?.enabled !== false,
    ...(ownKeyEntry !== undefined ? { ownKeyEntry } : {}),
  };
}

/**
 * Request bodies are strangers' JSON: read strictly, so a member named twice (JSON.parse would keep the last while a
 * signature or a log may show the first) or named `__proto__` / `constructor` / `prototype` is a 400 ERR_JSON_INVALID
 * whose details name the JSON code (`ERR_JSON_DUPLICATE_KEY`, `ERR_JSON_FORBIDDEN_KEY`) and path.
 */
function parseJsonBody(_request: FastifyRequest, body: string | Buffer): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.length === 0)
    throw new ServiceError('ERR_JSON_INVALID', 400, 'the body is empty but Content-Type is application/json');
  try {
    return parseJsonStrict(text);
  } catch (error) {
    if (isUnsafeJsonError(error)) {
      throw new ServiceError('ERR_JSON_INVALID', 400, `the body is refused: ${error.message}`, {
        details: { code: error.code, path: error.path },
      });
    }
    throw new ServiceError('ERR_JSON_INVALID', 400, 'the body is not valid JSON');
  }
}

function defaultPublicUrl(config: ServiceConfig): string {
  if (config.publicUrl !== undefined) {
    if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(config.publicUrl))
      throw new ServiceConfigError('publicUrl must be an http(s) URL');
    return config.publicUrl.replace(/\/+$/, '');
  }
  if (/^https?:\/\//.test(config.issuer)) return config.issuer.replace(/\/+$/, '');
  const host = config.listen?.host ?? '127.0.0.1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.listen?.port ?? 8080}`;
}

/**
 * The OpenID4VCI credential issuer identifier: configured, else the public URL, else the address the service listens
 * on (read when asked, so `--port 0` gets the port picked at start).
 */
function credentialIssuerUrl(config: ServiceConfig, app: FastifyInstance): string {
  const configured = config.oid4vci?.credentialIssuer;
  if (configured !== undefined) return configured.replace(/\/+$/, '');
  if (config.publicUrl !== undefined || /^https?:\/\//.test(config.issuer)) return defaultPublicUrl(config);
  const address = app.server.address();
  if (address !== null && typeof address === 'object') {
    const host = config.listen?.host ?? '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }
  return defaultPublicUrl(config);
}

/** Maps anything thrown to a client response, or undefined for server faults (5xx, logged). */
function clientErrorOf(error: unknown): ServiceError | undefined {
  if (error instanceof ServiceError) return error.status < 500 ? error : undefined;
  const issuance = issuanceClientError(error);
  if (issuance !== undefined) return issuance;
  const fe = error as Partial<FastifyError> & {
    validation?: { instancePath?: string; message?: string; params?: unknown }[];
  };
  if (fe.validation !== undefined) {
    const details = fe.validation
      .slice(0, 20)
      .map((v) => ({ path: v.instancePath === '' ? '/' : v.instancePath, message: v.message }));
    return badRequest(
      `request ${fe.validationContext ?? 'body'} is invalid: ${details
        .map((d) => `${d.path} ${d.message}`)
        .slice(0, 3)
        .join('; ')}`,
      details,
    );
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ServiceError('ERR_BODY_TOO_LARGE', 413, 'request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ServiceError('ERR_MEDIA_TYPE_UNSUPPORTED', 415, 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ServiceError('ERR_JSON_INVALID', 400, 'the body is empty but Content-Type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ServiceError('ERR_JSON_INVALID', 400, 'the body is not valid JSON');
    default:
      break;
  }
  if (error instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH')
    return new ServiceError('ERR_JSON_INVALID', 400, 'the body is not valid JSON');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return new ServiceError('ERR_REQUEST_INVALID', fe.statusCode, 'the request was rejected');
  return undefined;
}

function errorResponse(error: ServiceError): HandlerResult {
  return { status: error.status, body: error.toBody(), headers: { ...error.headers } };
}

/** The QR text of a stored credential in a QR format (re-encoded; the format's plugin does it). */
function qrTextOf(format: string, credential: Readonly<Record<string, unknown>>): string {
  const plugin = FORMATS.get(format);
  if (plugin.issuance.mode !== 'reencodes') throw new TypeError(`${format} does not re-encode the W3C credential`);
  const issued = plugin.issuance.issue({ signed: credential });
  return typeof issued.qr === 'string' ? issued.qr : String(issued.output.text);
}

/**
 * Builds the service (not listening; `startService` listens). Routes, auth, rate limits, idempotency, metrics,
 * OpenAPI. Throws `ServiceConfigError` for an unusable config.
 */
export async function createService(config: ServiceConfig): Promise<FastifyInstance> {
  const resolved = resolveConfig(config);
  const storage: ServiceStorage = config.storage ?? createMemoryStorage();
  const metrics = new ServiceMetrics();
  const authenticate = createAuthenticator(config.auth);
  const rateLimit =
    config.rateLimit === false
      ? undefined
      : new RateLimiter(config.rateLimit ?? { capacity: 100, refillPerSecond: 50 });
  if (config.rateLimit) {
    const { capacity, refillPerSecond } = config.rateLimit;
    if (!(capacity >= 1) || !(refillPerSecond > 0))
      throw new ServiceConfigError('rateLimit needs capacity ≥ 1 and refillPerSecond > 0');
  }
  const statusLength = config.statusList?.length ?? 131_072;
  const statusLists = new StatusListManager(storage.statusLists, {
    baseUrl: defaultPublicUrl(config),
    length: statusLength,
    validitySeconds: config.statusList?.validitySeconds ?? 86_400,
    reserveBlock: Math.max(1, Math.min(4096, Math.floor(config.statusList?.reserveBlock ?? 512))),
    signer: config.keys.vc.signer,
    suite: resolved.vcSuite,
    issuer: resolved.issuer,
  });
  const lockMs = (config.idempotencyLockSeconds ?? 60) * 1000;
  const inFlight = new Map<string, Promise<void>>();
  const settings: IssuanceSettings = {
    issuer: resolved.issuer,
    vcSuite: resolved.vcSuite,
    vcVerificationMethod: resolved.vcVerificationMethod,
    ...(config.certificateIssuerName !== undefined ? { certificateIssuerName: config.certificateIssuerName } : {}),
    ...(config.vcVersion !== undefined ? { vcVersion: config.vcVersion } : {}),
    ...(config.context !== undefined ? { context: config.context } : {}),
  };
  const threadCount = config.threads?.count ?? 0;
  if (!Number.isInteger(threadCount) || threadCount < 0 || threadCount > 64)
    throw new ServiceConfigError('threads.count must be an integer from 0 to 64');
  // Set last, once nothing else can refuse the config: threads must not outlive a service that did not start.
  let issuance: Issuance = inlineIssuance(settings, resolved.keys);

  const logger =
    config.logger === false
      ? false
      : ({
          level: config.logger?.level ?? 'info',
          ...(config.logger?.sink !== undefined ? { stream: config.logger.sink } : {}),
          // Only these fields ever reach a log line: no bodies, no headers, no query strings.
          serializers: {
            req: (req: { method?: string; routeOptions?: { url?: string } }) => ({
              method: req.method,
              route: req.routeOptions?.url,
            }),
            res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
            err: (err: { name?: string; code?: string }) => ({ type: err?.name, code: err?.code }),
          },
          redact: {
            paths: ['headers', 'body', 'authorization', 'record', 'credential', 'verifiableCredential', 'input'],
            remove: true,
          },
        } as unknown as FastifyServerOptions['logger']);

  const app: FastifyInstance = Fastify({
    bodyLimit: config.bodyLimit ?? 262_144,
    // Ids up to 256 characters reach validation (clear 400); longer URLs are refused by the router (414).
    routerOptions: { maxParamLength: 256 },
    // A client that trickles its request must not hold a connection for long.
    requestTimeout: 60_000,
    logger,
    // One line per request from our onResponse hook (with the route, not the URL); none of Fastify's own.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy ?? false,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: true } },
    genReqId: () => randomUUID(),
    // Errors Fastify raises before routing (a malformed URL, a bad header) in our error shape, never echoing the URL.
    frameworkErrors: (error, _request, reply) => {
      const code = (error as { statusCode?: unknown }).statusCode;
      const status = typeof code === 'number' && code >= 400 && code < 500 ? code : 400;
      const body = new ServiceError(
        'ERR_REQUEST_INVALID',
        status,
        'the request is malformed (its URL or headers)',
      ).toBody();
      const raw = reply as unknown as { code(n: number): { type(t: string): { send(b: string): unknown } } };
      void raw.code(status).type(JSON_TYPE).send(JSON.stringify(body));
    },
  });
  // JSON only (Fastify also parses text/plain by default); VC-API clients send JSON-LD media types too.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser(
    ['application/json', 'application/ld+json', 'application/vc+ld+json'],
    { parseAs: 'string' },
    async (request: FastifyRequest, body: string | Buffer) => parseJsonBody(request, body),
  );

  app.addHook('onRequest', async (request) => {
    const routeConfig = request.routeOptions.config;
    const scope = routeConfig?.scope;
    if (scope !== undefined) {
      try {
        request.client = await authenticate(request.headers, request.ip);
      } catch (error) {
        // Failed authentication is rate-limited too (by address), so guessing keys or tokens is throttled.
        if (rateLimit !== undefined && error instanceof ServiceError && error.status === 401) {
          const wait = rateLimit.take(`auth-failure:${request.ip}`);
          if (wait > 0) {
            metrics.rateLimited.inc();
            throw new ServiceError(
              'ERR_RATE_LIMITED',
              429,
              'too many failed authentications from this address; retry later',
              { headers: { 'retry-after': String(Math.max(1, Math.ceil(wait))) } },
            );
          }
        }
        throw error;
      }
      requireScope(request.client, scope);
    }
    if (rateLimit !== undefined && routeConfig?.rateLimited !== false && request.routeOptions.url !== undefined) {
      const wait = rateLimit.take(request.client?.id ?? `ip:${request.ip}`);
      if (wait > 0) {
        metrics.rateLimited.inc();
        throw new ServiceError('ERR_RATE_LIMITED', 429, 'too many requests for this client; retry later', {
          headers: { 'retry-after': String(Math.max(1, Math.ceil(wait))) },
        });
      }
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    const seconds = reply.elapsedTime / 1000;
    metrics.observeRequest(request.method, route, reply.statusCode, seconds);
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        client: request.client?.id,
      },
      'request',
    );
  });

  app.setErrorHandler(async (error, request, reply) => {
    // Wallet-facing OpenID4VCI errors keep the OAuth shape wallets read ({ error, error_description }).
    if (error instanceof Oid4vciError)
      return send(reply, {
        status: error.status,
        body: error.toBody(),
        headers: { 'cache-control': 'no-store', ...error.headers() },
      });
    if (error instanceof Oid4vpError)
      return send(reply, { status: error.status, body: error.toBody(), headers: { 'cache-control': 'no-store' } });
    const clientError = clientErrorOf(error);
    if (clientError !== undefined) return send(reply, errorResponse(clientError));
    if (error instanceof StorageError) {
      request.log.error({ err: error }, 'storage unavailable');
      return send(
        reply,
        errorResponse(
          new ServiceError('ERR_STORAGE_UNAVAILABLE', 503, 'storage is unavailable; retry later', {
            headers: { 'retry-after': '5' },
          }),
        ),
      );
    }
    // Messages of unexpected errors can quote input: log the type and code only.
    request.log.error({ err: error }, 'unexpected error');
    return send(reply, errorResponse(new ServiceError('ERR_INTERNAL', 500, 'internal error')));
  });
  // The URL is not quoted back: a reflected URL is an injection vector for whoever displays the error.
  app.setNotFoundHandler(async (request, reply) =>
    send(
      reply,
      errorResponse(
        new ServiceError('ERR_NOT_FOUND', 404, `no such ${request.method.slice(0, 16)} route (see docs/service.md)`),
      ),
    ),
  );

  function send(reply: FastifyReply, result: HandlerResult): FastifyReply {
    reply.code(result.status);
    for (const [k, v] of Object.entries(result.headers ?? {})) reply.header(k, v);
    if (result.raw !== undefined) return reply.type(result.raw.contentType).send(result.raw.payload);
    return reply.type(JSON_TYPE).send(JSON.stringify(result.body));
  }

  /** Runs a POST handler under its Idempotency-Key, if the request has one. */
  async function idempotent(
    request: FastifyRequest,
    reply: FastifyReply,
    exec: (key?: IdempotencyContext) => Promise<HandlerResult>,
  ): Promise<FastifyReply> {
    const header = request.headers['idempotency-key'];
    const run = async (key?: IdempotencyContext): Promise<HandlerResult> => {
      try {
        return await exec(key);
      } catch (error) {
        const clientError = clientErrorOf(error);
        if (clientError === undefined) throw error;
        return errorResponse(clientError);
      }
    };
    if (header === undefined) return send(reply, await run());
    if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
      throw new ServiceError(
        'ERR_IDEMPOTENCY_KEY_INVALID',
        400,
        'Idempotency-Key must be 1-255 visible ASCII characters',
      );
    }
    const scope = request.client?.id ?? 'anonymous';
    const print = fingerprint(request.method, request.routeOptions.url, request.params, request.body ?? null);
    const local = `${scope}\u0000${header}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const waiting = inFlight.get(local);
      if (waiting !== undefined) await waiting;
      const begun = await storage.idempotency.begin(scope, header, print, lockMs);
      if (begun.state === 'mismatch')
        throw new ServiceError(
          'ERR_IDEMPOTENCY_KEY_REUSED',
          422,
          'this Idempotency-Key was used with a different request',
        );
      if (begun.state === 'completed') {
        const { response } = begun;
        const payload = response.bodyFrom === undefined ? response.body : await rebuiltBody(response);
        metrics.replays.inc();
        reply.header('idempotent-replayed', 'true');
        return send(reply, {
          status: response.statusCode,
          raw: { contentType: response.contentType, payload },
          ...(response.headers ? { headers: response.headers } : {}),
        });
      }
      if (begun.state === 'in-flight') {
        if (inFlight.has(local)) continue; // finished here meanwhile: read its result
        throw new ServiceError(
          'ERR_IDEMPOTENCY_IN_FLIGHT',
          409,
          'a request with this Idempotency-Key is still running; retry later',
          { headers: { 'retry-after': '1' } },
        );
      }
      let done!: () => void;
      inFlight.set(local, new Promise<void>((resolve) => (done = resolve)));
      try {
        let result: HandlerResult;
        try {
          result = await run({ scope, key: header });
        } catch (error) {
          await storage.idempotency.release(scope, header).catch(() => undefined);
          throw error;
        }
        // Auth and rate-limit refusals never get here; server failures are not stored (a retry may succeed).
        if (result.status >= 500) {
          await storage.idempotency.release(scope, header).catch(() => undefined);
          return send(reply, result);
        }
        // Serialised once: the bytes stored are the bytes sent.
        const raw = result.raw ?? { contentType: JSON_TYPE, payload: JSON.stringify(result.body) };
        if (result.idempotencyCompleted !== true)
          await storage.idempotency.complete(scope, header, storedResponseOf(result, raw));
        return send(reply, { status: result.status, raw, ...(result.headers ? { headers: result.headers } : {}) });
      } finally {
        inFlight.delete(local);
        done();
      }
    }
    throw new ServiceError(
      'ERR_IDEMPOTENCY_IN_FLIGHT',
      409,
      'a request with this Idempotency-Key is still running; retry later',
      { headers: { 'retry-after': '1' } },
    );
  }

  /** What an Idempotency-Key keeps of a response: its bytes, or for an issue response the credential it refers to. */
  function storedResponseOf(result: HandlerResult, raw: NonNullable<HandlerResult['raw']>): StoredResponse {
    return {
      statusCode: result.status,
      contentType: raw.contentType,
      body: result.bodyFrom !== undefined ? '' : String(raw.payload),
      ...(result.headers !== undefined && Object.keys(result.headers).length > 0 ? { headers: result.headers } : {}),
      ...(result.bodyFrom !== undefined ? { bodyFrom: result.bodyFrom } : {}),
    };
  }

  /**
   * Stores a new credential and, when the request has an Idempotency-Key, the response that creating it makes (so the
   * storage can keep both in one transaction); `response` is the handler's answer for what was stored.
   */
  async function storeIssued(
    issued: { id: string; credential: Record<string, unknown>; outputs: Record<string, unknown> },
    status: { listId: string; index: number } | undefined,
    kind: 'record' | 'credential',
    key: IdempotencyContext | undefined,
    response: (stored: StoredCredential, created: boolean) => HandlerResult,
  ): Promise<HandlerResult> {
    const row: StoredCredential = {
      ...issued,
      ...(status !== undefined ? { status: { listId: status.listId, index: status.index } } : {}),
      createdAt: new Date().toISOString(),
    };
    // Issue responses are rebuilt from the credential (`bodyFrom`): their stored form has no body to serialise.
    const completes =
      key === undefined ? undefined : { ...key, response: storedResponseOf(response(row, true), EMPTY_JSON) };
    const { stored, created, completed } = await storage.credentials.putIfAbsent(
      row,
      completes !== undefined ? { completes } : undefined,
    );
    if (created) metrics.issued.inc({ kind });
    return { ...response(stored, created), ...(created && completed === true ? { idempotencyCompleted: true } : {}) };
  }

  /** The body of a stored response that refers to a stored credential, as the first response had it. */
  async function rebuiltBody(response: StoredResponse): Promise<string> {
    const from = response.bodyFrom!;
    const stored = await storage.credentials.get(from.credentialId);
    // Credentials are never deleted: a store that lost one cannot replay (500, not a 503 to retry forever).
    if (stored === undefined) throw new Error(`stored response refers to missing credential ${from.credentialId}`);
    const rebuilt =
      from.shape === 'record'
        ? recordResponse(stored, response.statusCode === 201)
        : credentialResponse(stored, response.statusCode === 201);
    return JSON.stringify(rebuilt.body);
  }

  // ---- handlers --------------------------------------------------------------------------------------------------

  async function issueFromRecord(
    body: {
      record: Record<string, unknown>;
      template: string;
      formats?: IssuableFormat[];
    },
    key?: IdempotencyContext,
  ): Promise<HandlerResult> {
    const { record, template } = body;
    const formats =
      body.formats === undefined
        ? resolved.formats
        : body.formats.includes('w3c-vc')
          ? body.formats
          : ['w3c-vc' as const, ...body.formats];
    for (const f of formats)
      if (!resolved.formats.includes(f))
        throw badRequest(`format ${f} is not enabled on this service (enabled: ${resolved.formats.join(', ')})`);
    let split;
    let checked: Readonly<Record<string, unknown>>;
    try {
      // Unknown fields are rejected (or dropped) before anything else, as by `divoc issue` and the worker.
      checked = checkRecordFields(template, record, config.unknownFields ?? 'reject');
      split = splitRecord(checked, template);
    } catch (error) {
      throw clientErrorOf(error) ?? error;
    }
    const derived = certificateIdFor(template, split.record);
    if (!derived.ok)
      throw new ServiceError('ERR_RECORD_INVALID', 422, `no certificate id: ${derived.field} ${derived.reason}`, {
        details: [{ path: derived.field, message: derived.reason }],
      });
    const certificateId = derived.certificateId;
    // The id is derived from the record: a retried record finds its certificate and never gets a second one.
    const existing = await storage.credentials.get(certificateId);
    if (existing !== undefined) return recordResponse(existing, false);
    const status = resolved.statusEnabled ? await statusLists.allocate() : undefined;
    const issued = await issuance.record({
      record: checked,
      template,
      formats,
      certificateId,
      ...(status !== undefined ? { credentialStatus: status.entry } : {}),
    });
    return storeIssued(
      { id: certificateId, credential: issued.credential, outputs: issued.outputs },
      status,
      'record',
      key,
      recordResponse,
    );
  }

  function recordResponse(stored: StoredCredential, created: boolean): HandlerResult {
    const { errors, ...outputs } = stored.outputs;
    return {
      status: created ? 201 : 200,
      headers: { location: `/credentials/${stored.id}` },
      body: {
        certificateId: stored.id,
        created,
        credential: stored.credential,
        outputs,
        ...(errors !== undefined ? { errors } : {}),
      },
      bodyFrom: { credentialId: stored.id, shape: 'record' },
    };
  }

  function credentialResponse(stored: StoredCredential, created: boolean): HandlerResult {
    return {
      status: created ? 201 : 200,
      headers: { location: `/credentials/${stored.id}` },
      body: { verifiableCredential: stored.credential },
      bodyFrom: { credentialId: stored.id, shape: 'credential' },
    };
  }

  async function issueFromCredential(
    body: {
      credential: Record<string, unknown>;
      options?: { certificateId?: string };
    },
    key?: IdempotencyContext,
  ): Promise<HandlerResult> {
    const input = body.credential;
    if ('proof' in input) throw new ServiceError('ERR_CREDENTIAL_INVALID', 422, 'credential already has a proof');
    if ('credentialStatus' in input)
      throw new ServiceError('ERR_CREDENTIAL_INVALID', 422, 'credentialStatus is assigned by the service');
    const issuerId =
      typeof input.issuer === 'string'
        ? input.issuer
        : typeof (input.issuer as { id?: unknown })?.id === 'string'
          ? (input.issuer as { id: string }).id
          : undefined;
    if (input.issuer !== undefined && issuerId !== resolved.issuer)
      throw new ServiceError(
        'ERR_CREDENTIAL_INVALID',
        422,
        `credential.issuer must be this service's issuer (${resolved.issuer}) or absent`,
      );
    const unsigned: Record<string, unknown> = { ...input, issuer: input.issuer ?? resolved.issuer };
    const evidence = Array.isArray(input.evidence)
      ? (input.evidence[0] as Record<string, unknown> | undefined)
      : undefined;
    const evidenceId = evidence?.certificateId !== undefined ? String(evidence.certificateId) : undefined;
    const certificateId =
      body.options?.certificateId ??
      (evidenceId !== undefined && isSafeCertificateId(evidenceId) ? evidenceId : randomUUID());
    const existing = await storage.credentials.get(certificateId);
    if (existing !== undefined) {
      // Same certificate id: the same certificate (a retry), unless the content differs.
      const strip = (c: Record<string, unknown>) =>
        stableStringify({
          ...c,
          proof: undefined,
          credentialStatus: undefined,
          issuanceDate: undefined,
          validFrom: undefined,
          '@context': undefined,
        });
      if (strip(existing.credential) !== strip(unsigned))
        throw new ServiceError(
          'ERR_CREDENTIAL_INVALID',
          409,
          `certificate ${certificateId} exists with different content`,
        );
      return credentialResponse(existing, false);
    }
    const status = resolved.statusEnabled ? await statusLists.allocate() : undefined;
    // The issuer adds the entry and signs, as for a record.
    const signed = await issuance.credential({
      credential: unsigned,
      ...(status !== undefined ? { credentialStatus: status.entry } : {}),
    });
    return storeIssued(
      { id: certificateId, credential: signed, outputs: {} },
      status,
      'credential',
      key,
      credentialResponse,
    );
  }

  async function verifyInput(body: {
    verifiableCredential?: Record<string, unknown>;
    input?: string;
  }): Promise<HandlerResult> {
    const input = body.verifiableCredential ?? body.input ?? '';
    if (issuance.verifies) {
      // On a thread: the same verify(), with the same trust (built there from the same files) and status lists.
      const outcome = await issuance.verify(input, await statusLists.allPublished());
      metrics.verified.inc({ result: outcome.valid ? 'valid' : 'invalid' });
      return { status: 200, raw: { contentType: JSON_TYPE, payload: outcome.reportJson } };
    }
    const result = await verify(
      input as Parameters<typeof verify>[0],
      {
        trust: resolved.trust,
        revocation: { statusLists: await statusLists.allPublished() },
        ...(config.verifyPolicy !== undefined ? { policy: config.verifyPolicy } : {}),
      } as Parameters<typeof verify>[1],
    );
    metrics.verified.inc({ result: result.valid ? 'valid' : 'invalid' });
    return { status: 200, body: toJsonReport(result) };
  }

  async function getCredential(id: string, accept: string | undefined): Promise<HandlerResult> {
    const stored = await storage.credentials.get(id);
    if (stored === undefined) throw new ServiceError('ERR_NOT_FOUND', 404, `no credential ${id}`);
    const type = negotiate(accept, CREDENTIAL_TYPES);
    if (type === undefined)
      throw new ServiceError(
        'ERR_NOT_ACCEPTABLE',
        406,
        `cannot produce ${accept?.slice(0, 100)}; available: ${CREDENTIAL_TYPES.join(', ')}`,
        { details: { available: CREDENTIAL_TYPES } },
      );
    const vary = { vary: 'Accept' };
    if (type === 'application/json' || type === 'application/ld+json' || type === 'application/vc+ld+json') {
      return {
        status: 200,
        headers: vary,
        raw: {
          contentType: type === 'application/json' ? JSON_TYPE : type,
          payload: JSON.stringify(stored.credential),
        },
      };
    }
    if (type === 'application/pdf') {
      // The page carries the same QR the image routes serve.
      const kept = stored.outputs[resolved.qr] as { text?: string } | undefined;
      const bytes = await renderCertificatePdf(stored.credential as Record<string, unknown>, {
        certificateId: id,
        ...(kept?.text !== undefined ? { qr: { [resolved.qr]: kept.text } } : {}),
        ...(resolved.pdfLocale !== undefined ? { locale: resolved.pdfLocale } : {}),
      });
      return {
        status: 200,
        headers: { ...vary, 'content-disposition': `inline; filename="${id}.pdf"` },
        raw: { contentType: 'application/pdf', payload: bytes },
      };
    }
    const kept = stored.outputs[resolved.qr] as { text?: string } | undefined;
    const text = kept?.text ?? qrTextOf(resolved.qr, stored.credential as Readonly<Record<string, unknown>>);
    if (type === 'image/png')
      return {
        status: 200,
        headers: vary,
        raw: { contentType: 'image/png', payload: Buffer.from(renderQr(text, { format: 'png' })) },
      };
    return {
      status: 200,
      headers: vary,
      raw: { contentType: 'image/svg+xml', payload: renderQr(text, { format: 'svg' }) },
    };
  }

  async function revokeCredential(id: string): Promise<HandlerResult> {
    const stored = await storage.credentials.get(id);
    if (stored === undefined) throw new ServiceError('ERR_NOT_FOUND', 404, `no credential ${id}`);
    if (stored.status === undefined)
      throw new ServiceError(
        'ERR_NOT_REVOCABLE',
        409,
        `credential ${id} has no status list entry (issued with status lists off)`,
      );
    const listUrl = statusLists.urlOf(stored.status.listId);
    if (stored.revokedAt !== undefined)
      return {
        status: 200,
        body: { certificateId: id, revoked: true, revokedAt: stored.revokedAt, statusListCredential: listUrl },
      };
    // Bit first, then the record: a crash in between leaves it revoked, and a retry completes the record.
    await statusLists.revoke(stored.status.listId, stored.status.index);
    const marked = await storage.credentials.markRevoked(id, new Date().toISOString());
    if (marked?.changed) metrics.revoked.inc();
    return {
      status: 200,
      body: { certificateId: id, revoked: true, revokedAt: marked?.stored.revokedAt, statusListCredential: listUrl },
    };
  }

  // ---- routes ----------------------------------------------------------------------------------------------------

  const opts = (method: string, url: string) => {
    const doc = routeDoc(method, url);
    return {
      schema: {
        ...(doc.body !== undefined && !doc.bodyOptional ? { body: doc.body } : {}),
        ...(doc.params !== undefined ? { params: doc.params } : {}),
      },
      config: { ...(doc.scope !== undefined ? { scope: doc.scope } : {}) },
    };
  };

  /**
   * Options of the OpenID4VCI / OpenID4VP routes: wallet-facing routes (no scope) check their own bodies, since their
   * errors are OAuth errors (`{ error, error_description }`), not the service's validation shape.
   */
  const walletRouteOptions = (method: string, url: string) => {
    const doc = routeDoc(method, url);
    const validated = doc.scope !== undefined;
    return {
      schema: {
        ...(validated && doc.body !== undefined ? { body: doc.body } : {}),
        ...(doc.params !== undefined ? { params: doc.params } : {}),
      },
      config: { ...(doc.scope !== undefined ? { scope: doc.scope } : {}) },
    };
  };

  app.post(fastifyUrl('/credentials/issue'), opts('POST', '/credentials/issue'), async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    return idempotent(request, reply, (key) =>
      'record' in body ? issueFromRecord(body as never, key) : issueFromCredential(body as never, key),
    );
  });
  app.post(fastifyUrl('/credentials/verify'), opts('POST', '/credentials/verify'), async (request, reply) =>
    idempotent(request, reply, () => verifyInput(request.body as never)),
  );
  app.get(fastifyUrl('/credentials/{id}'), opts('GET', '/credentials/{id}'), async (request, reply) =>
    send(reply, await getCredential((request.params as { id: string }).id, request.headers.accept)),
  );
  app.post(fastifyUrl('/credentials/{id}/revoke'), opts('POST', '/credentials/{id}/revoke'), async (request, reply) => {
    // The body is optional (a bare POST revokes); when there is one it must be { reason? }.
    const body = request.body;
    if (body !== undefined && body !== null) {
      const ok =
        typeof body === 'object' &&
        !Array.isArray(body) &&
        Object.keys(body).every((k) => k === 'reason') &&
        ((body as { reason?: unknown }).reason === undefined ||
          (typeof (body as { reason?: unknown }).reason === 'string' &&
            (body as { reason: string }).reason.length <= 256));
      if (!ok)
        throw badRequest('request body is invalid: expected { "reason"?: string (≤ 256) } or no body', [
          { path: '/', message: 'must be { reason?: string }' },
        ]);
    }
    return idempotent(request, reply, () => revokeCredential((request.params as { id: string }).id));
  });
  // The key that signs SD-JWT VCs over OpenID4VCI: the VC key when it can (ES256, EdDSA) and its public key is known.
  const sdJwtKey =
    config.oid4vci?.enabled === true &&
    config.keys.vc.publicKeyJwk !== undefined &&
    canSignSdJwtVc(config.keys.vc.signer) &&
    !(config.oid4vci.formatIssuers ?? []).some((f) => f.format === 'dc+sd-jwt')
      ? { signer: config.keys.vc.signer, publicKeyJwk: config.keys.vc.publicKeyJwk }
      : undefined;
  /** The id of a status list this service publishes at `url`, or undefined for any other URL. */
  const ownListId = (url: string): string | undefined => {
    const id = url.slice(url.lastIndexOf('/') + 1);
    return id !== '' && statusLists.urlOf(id) === url ? id : undefined;
  };
  // The Token Status List form of a status list, signed once per version of its bits (not per request).
  const tokens = new Map<string, { encodedList: unknown; token: Promise<string> }>();
  const tokenStatusList = async (id: string, credential: Record<string, unknown>): Promise<string> => {
    const encodedList = (credential.credentialSubject as { encodedList?: unknown } | undefined)?.encodedList;
    const cached = tokens.get(id);
    if (cached !== undefined && cached.encodedList === encodedList) return cached.token;
    const token = statusListToken(credential, {
      ...sdJwtKey!,
      issuer: credentialIssuerUrl(config, app),
      uri: statusLists.urlOf(id),
      ttlSeconds: 300,
    });
    tokens.set(id, { encodedList, token });
    token.catch(() => tokens.delete(id));
    return token;
  };
  app.get(fastifyUrl('/status-lists/{id}'), opts('GET', '/status-lists/{id}'), async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const credential = await statusLists.published(id);
    if (credential === undefined) throw new ServiceError('ERR_NOT_FOUND', 404, 'no such status list');
    const headers = { 'cache-control': 'public, max-age=300', vary: 'accept' };
    // SD-JWT VCs name the same URL in status.status_list.uri: asked for a Token Status List, serve these bits as one.
    const asToken =
      sdJwtKey !== undefined &&
      negotiate(request.headers.accept, ['application/json', STATUS_LIST_TOKEN_MEDIA_TYPE]) ===
        STATUS_LIST_TOKEN_MEDIA_TYPE;
    if (!asToken) return send(reply, { status: 200, headers, body: credential });
    const token = await tokenStatusList(id, credential);
    return send(reply, { status: 200, headers, raw: { contentType: STATUS_LIST_TOKEN_MEDIA_TYPE, payload: token } });
  });
  app.get('/health', { config: { rateLimited: false } }, async (_request, reply) => {
    let ready = true;
    try {
      await storage.ping();
    } catch {
      ready = false;
    }
    const body = { status: ready ? 'ok' : 'unavailable', live: true, ready, checks: { storage: { ok: ready } } };
    return send(reply, { status: ready ? 200 : 503, body });
  });
  app.get('/metrics', { config: { rateLimited: false } }, async (_request, reply) =>
    send(reply, {
      status: 200,
      raw: { contentType: 'text/plain; version=0.0.4; charset=utf-8', payload: metrics.render() },
    }),
  );
  const oid4vciEnabled = config.oid4vci?.enabled === true;
  // The public keys of the service's SD-JWT VCs (set when OpenID4VCI issues dc+sd-jwt): OpenID4VP trusts them too.
  let ownSdJwtKeys: () => readonly JsonWebKey[] = () => [];
  if (oid4vciEnabled) {
    const oid = config.oid4vci!;
    if (storage.oid4vci === undefined)
      throw new ServiceConfigError('oid4vci needs a storage with OpenID4VCI tables (storage.oid4vci)');
    const ldpVc = createLdpVcIssuer({
      key: {
        signer: config.keys.vc.signer,
        suite: resolved.vcSuite,
        verificationMethod: resolved.vcVerificationMethod,
      },
      suiteName: resolved.vcSuite,
      ...(config.vcVersion !== undefined ? { vcVersion: config.vcVersion } : {}),
    });
    const given = oid.formatIssuers ?? [];
    // dc+sd-jwt comes with the VC key when it can sign one (ES256, EdDSA) and its public key is known (published at
    // /.well-known/jwt-vc-issuer), unless the configuration brings its own dc+sd-jwt issuer.
    const sdJwt = sdJwtKey !== undefined ? [createSdJwtVcIssuer(sdJwtKey)] : [];
    const extra = [...given, ...sdJwt];
    for (const f of extra)
      if (f.format === 'ldp_vc' || extra.filter((g) => g.format === f.format).length > 1)
        throw new ServiceConfigError(`oid4vci.formatIssuers: format ${f.format} is given twice`);
    ownSdJwtKeys = () => extra.flatMap((f) => [...(f.publicJwks?.() ?? [])]);
    registerOid4vci(app, {
      config: oid,
      store: storage.oid4vci,
      credentials: storage.credentials,
      formatIssuers: [ldpVc, ...extra],
      credentialIssuer: () => credentialIssuerUrl(config, app),
      build: {
        issuer: resolved.issuer,
        ...(config.vcVersion !== undefined ? { vcVersion: config.vcVersion } : {}),
        ...(config.context !== undefined ? { context: config.context } : {}),
      },
      issuerName: config.certificateIssuerName ?? resolved.issuer,
      unknownFields: config.unknownFields ?? 'reject',
      ...(resolved.statusEnabled ? { allocateStatus: () => statusLists.allocate() } : {}),
      idempotent,
      routeOptions: walletRouteOptions,
      onIssued: (count) => metrics.issued.inc({ kind: 'oid4vci' }, count),
    });
  }
  const oid4vpEnabled = config.oid4vp?.enabled === true;
  if (oid4vpEnabled) {
    if (storage.oid4vp === undefined)
      throw new ServiceConfigError('oid4vp needs a storage with OpenID4VP tables (storage.oid4vp)');
    registerOid4vp(app, {
      config: config.oid4vp!,
      store: storage.oid4vp,
      trust: resolved.trust,
      ownSdJwtIssuer: () => {
        const keys = ownSdJwtKeys();
        if (keys.length === 0) return undefined;
        return {
          issuer: credentialIssuerUrl(config, app),
          jwks: { keys },
          ...(config.certificateIssuerName !== undefined ? { name: config.certificateIssuerName } : {}),
        };
      },
      // ldp_vc copies the service issued name its status lists: checked against the list it publishes.
      statusListCredential: async (url: string) => {
        const id = ownListId(url);
        return id !== undefined ? statusLists.published(id) : undefined;
      },
      // SD-JWT VCs the service issued name its status lists: checked against the same bits as a Token Status List.
      ...(sdJwtKey !== undefined
        ? {
            statusListToken: async (uri: string) => {
              const id = ownListId(uri);
              const credential = id !== undefined ? await statusLists.published(id) : undefined;
              return credential !== undefined ? tokenStatusList(id!, credential) : undefined;
            },
          }
        : {}),
      baseUrl: () => credentialIssuerUrl(config, app),
      idempotent,
      routeOptions: walletRouteOptions,
      onVerified: (valid) => metrics.verified.inc({ result: valid ? 'valid' : 'invalid' }),
    });
  }
  const openapi = JSON.stringify(
    openApiDocument([...ROUTES, ...(oid4vciEnabled ? OID4VCI_ROUTES : []), ...(oid4vpEnabled ? OID4VP_ROUTES : [])], {
      publicUrl: defaultPublicUrl(config),
    }),
  );
  app.get('/openapi.json', async (_request, reply) =>
    send(reply, { status: 200, raw: { contentType: JSON_TYPE, payload: openapi } }),
  );

  if (threadCount > 0)
    issuance = await threadIssuance(
      threadCount,
      {
        settings,
        keys: config.threads!.keys,
        ...(config.threads!.trust !== undefined
          ? {
              verify: {
                trust: config.threads!.trust,
                ...(resolved.ownKeyEntry !== undefined ? { ownKey: resolved.ownKeyEntry } : {}),
                ...(config.verifyPolicy !== undefined ? { policy: config.verifyPolicy } : {}),
              },
            }
          : {}),
      },
      keyIdentities(resolved.keys),
    );
  app.addHook('onClose', async () => {
    await issuance.close();
    await storage.close();
  });
  return app;
}

/** A listening service. */
export interface RunningService {
  app: FastifyInstance;
  /** `http://host:port` it listens on. */
  url: string;
  /** Stops listening, waits for requests in flight, and closes the storage. */
  close(): Promise<void>;
}

/**
 * `createService` + listen on `config.listen` (default 127.0.0.1:8080). Refuses `auth.mode: "none"` on anything
 * but a loopback address: an unauthenticated signing service must not be reachable from the network.
 */
export async function startService(config: ServiceConfig): Promise<RunningService> {
  const host = config.listen?.host ?? '127.0.0.1';
  const port = config.listen?.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServiceConfigError('listen.port must be 0-65535');
  if (config.auth?.mode === 'none' && !isLoopbackHost(host)) {
    throw new ServiceConfigError(
      `refusing to run without authentication on ${host}: --dev / auth.mode "none" is allowed on loopback only ` +
        `(127.0.0.1, ::1)`,
    );
  }
  const app = await createService(config);
  try {
    await app.listen({ host, port });
  } catch (error) {
    // Not listening: stop what the service started (issuance threads, its storage) before reporting it.
    await app.close().catch(() => undefined);
    throw error;
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  return { app, url, close: () => app.close() };
}
