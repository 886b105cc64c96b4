import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ServiceRouteDeps } from '../lib/route-deps.js';
import { certificateIdFor, checkRecordFields, isIssuerError, splitRecord } from '@divoc/issuer';
import { buildCredential, defaultRegistry, RecordValidationError } from '@divoc/schemas';
import { renderQr } from '@divoc/qr';
import type { BitstringStatusListEntry } from '@divoc/status';
import { ServiceConfigError, ServiceError, badRequest } from '../lib/errors.js';
import type { CredentialStore, Oid4vciStore, StoredOffer } from '../storage/types.js';
import { Oid4vciError } from './errors.js';
import { DEFAULT_PROOF_ALGS, checkProofAlgorithms, verifyProofJwt } from './proof.js';
import type { HolderKey, Oid4vciConfig, Oid4vciCredentialType, Oid4vciDisplay, Oid4vciFormatIssuer } from './types.js';

/** The grant type of the pre-authorized code flow. */
export const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
/** The scheme of credential offer links (and their QR codes). */
export const OFFER_SCHEME = 'openid-credential-offer://';

/** Wallet display names of the built-in types, in English and Hindi. */
const BUILT_IN_DISPLAY: Readonly<Record<string, readonly Oid4vciDisplay[]>> = {
  vaccination: [
    { name: 'Vaccination certificate', locale: 'en' },
    { name: 'टीकाकरण प्रमाणपत्र', locale: 'hi' },
  ],
  'vaccination-v2': [
    { name: 'Vaccination certificate (WHO DDCC)', locale: 'en' },
    { name: 'टीकाकरण प्रमाणपत्र (WHO DDCC)', locale: 'hi' },
  ],
  test: [
    { name: 'Test certificate', locale: 'en' },
    { name: 'जाँच प्रमाणपत्र', locale: 'hi' },
  ],
  recovery: [
    { name: 'Recovery certificate', locale: 'en' },
    { name: 'रोगमुक्ति प्रमाणपत्र', locale: 'hi' },
  ],
};

/** What the OpenID4VCI routes need from the service. */
export interface Oid4vciDeps extends ServiceRouteDeps {
  config: Oid4vciConfig;
  store: Oid4vciStore;
  credentials: CredentialStore;
  /** Format issuers by OpenID4VCI format (ldp_vc built in, more from the config). */
  formatIssuers: readonly Oid4vciFormatIssuer[];
  /** The credential issuer identifier (resolved when asked: the listening port may be picked at start). */
  credentialIssuer: () => string;
  /** How the unsigned credential of a record is built (`buildCredential` options): the service's issuer etc. */
  build: { issuer: string; vcVersion?: '1.1' | '2.0'; context?: 'sdk' | 'divoc-legacy' };
  /** Printable issuer name for the metadata display. */
  issuerName: string;
  unknownFields: 'reject' | 'ignore';
  /** Allocates a Bitstring Status List entry (undefined when status lists are off). */
  allocateStatus?: () => Promise<{ entry: BitstringStatusListEntry; listId: string; index: number }>;
  /** Counts issued copies (metrics). */
  onIssued: (count: number) => void;
}

interface Limits {
  offerTtl: number;
  tokenTtl: number;
  nonceTtl: number;
  batchSize: number;
  maxCopies?: number;
  maxTxAttempts: number;
  algorithms: readonly string[];
}

const hash = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('base64url');
const secret = (): string => randomBytes(32).toString('base64url');
const NO_STORE = { 'cache-control': 'no-store' };

function positive(value: number | undefined, fallback: number, name: string, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new ServiceConfigError(`oid4vci.${name} must be 1-${max}`);
  return v;
}

/** The configuration id of a template in a format: `vaccination_ldp_vc`, `test_dc_sd_jwt`. */
export function configurationIdOf(template: string, format: string): string {
  return `${template}_${format.replace(/[^A-Za-z0-9]+/g, '_')}`;
}

/** Checks the OpenID4VCI section of the configuration; throws `ServiceConfigError`. */
export function checkOid4vciConfig(config: Oid4vciConfig): Limits {
  if (config.credentialIssuer !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(config.credentialIssuer);
    } catch {
      url = undefined;
    }
    if (url === undefined || !/^https?:$/.test(url.protocol) || url.search !== '' || url.hash !== '')
      throw new ServiceConfigError('oid4vci.credentialIssuer must be an http(s) URL without query or fragment');
  }
  for (const type of config.credentialTypes ?? []) {
    if (!defaultRegistry.has(type.template))
      throw new ServiceConfigError(`oid4vci.credentialTypes: unknown template ${JSON.stringify(type.template)}`);
  }
  const algorithms = config.proofAlgorithms ?? DEFAULT_PROOF_ALGS;
  const problem = checkProofAlgorithms(algorithms);
  if (problem !== undefined) throw new ServiceConfigError(`oid4vci.${problem}`);
  return {
    offerTtl: positive(config.offerTtlSeconds, 600, 'offerTtlSeconds', 30 * 86_400),
    tokenTtl: positive(config.accessTokenTtlSeconds, 600, 'accessTokenTtlSeconds', 86_400),
    nonceTtl: positive(config.nonceTtlSeconds, 300, 'nonceTtlSeconds', 86_400),
    batchSize: positive(config.batchSize, 5, 'batchSize', 100),
    ...(config.maxCopiesPerOffer !== undefined
      ? { maxCopies: positive(config.maxCopiesPerOffer, 1, 'maxCopiesPerOffer', 10_000) }
      : {}),
    maxTxAttempts: positive(config.maxTxCodeAttempts, 5, 'maxTxCodeAttempts', 100),
    algorithms,
  };
}

/**
 * Registers the OpenID4VCI 1.0 issuer (pre-authorized code flow): metadata, the registry's offer API, and the
 * token, nonce and credential endpoints.
 */
export function registerOid4vci(app: FastifyInstance, deps: Oid4vciDeps): void {
  const limits = checkOid4vciConfig(deps.config);
  const byFormat = new Map(deps.formatIssuers.map((f) => [f.format, f]));
  const listed: readonly Oid4vciCredentialType[] =
    deps.config.credentialTypes ?? defaultRegistry.list().map((d) => ({ template: d.name }));
  const types = listed.map((t) => ({
    template: t.template,
    display: t.display ??
      BUILT_IN_DISPLAY[t.template] ?? [
        { name: defaultRegistry.get(t.template).description ?? t.template, locale: 'en' },
      ],
  }));
  /** Every configuration: id → template and format issuer. */
  const configurations = new Map<string, { template: string; issuer: Oid4vciFormatIssuer; display: unknown }>();
  for (const type of types)
    for (const issuer of deps.formatIssuers)
      configurations.set(configurationIdOf(type.template, issuer.format), {
        template: type.template,
        issuer,
        display: type.display,
      });

  const issuerMetadata = (): Record<string, unknown> => {
    const base = deps.credentialIssuer();
    const supported: Record<string, unknown> = {};
    for (const [id, c] of configurations) {
      supported[id] = {
        format: c.issuer.format,
        scope: id,
        ...c.issuer.configuration(c.template),
        proof_types_supported: { jwt: { proof_signing_alg_values_supported: [...limits.algorithms] } },
        credential_metadata: { display: c.display },
      };
    }
    return {
      credential_issuer: base,
      credential_endpoint: `${base}/credential`,
      nonce_endpoint: `${base}/nonce`,
      // OpenID4VCI 1.0 allows the member only for batches of two or more.
      ...(limits.batchSize >= 2 ? { batch_credential_issuance: { batch_size: limits.batchSize } } : {}),
      display: [{ name: deps.issuerName, locale: 'en' }],
      credential_configurations_supported: supported,
    };
  };

  // ---- metadata ---------------------------------------------------------------------------------------------------

  app.get(
    '/.well-known/openid-credential-issuer',
    deps.routeOptions('GET', '/.well-known/openid-credential-issuer'),
    async (_q, reply) => reply.header('cache-control', 'public, max-age=300').send(issuerMetadata()),
  );
  app.get(
    '/.well-known/oauth-authorization-server',
    deps.routeOptions('GET', '/.well-known/oauth-authorization-server'),
    async (_q, reply) => {
      const base = deps.credentialIssuer();
      return reply.header('cache-control', 'public, max-age=300').send({
        issuer: base,
        token_endpoint: `${base}/token`,
        grant_types_supported: [PRE_AUTHORIZED_GRANT],
        response_types_supported: [],
        token_endpoint_auth_methods_supported: ['none'],
        'pre-authorized_grant_anonymous_access_supported': true,
      });
    },
  );
  app.get('/.well-known/jwt-vc-issuer', deps.routeOptions('GET', '/.well-known/jwt-vc-issuer'), async (_q, reply) => {
    const keys = deps.formatIssuers.flatMap((f) => [...(f.publicJwks?.() ?? [])]);
    if (keys.length === 0)
      throw new ServiceError('ERR_NOT_FOUND', 404, 'no JWT VC issuer keys: no dc+sd-jwt issuer is configured');
    return reply
      .header('cache-control', 'public, max-age=300')
      .send({ issuer: deps.credentialIssuer(), jwks: { keys } });
  });

  // ---- registry: offers -------------------------------------------------------------------------------------------

  app.post('/credential-offers', deps.routeOptions('POST', '/credential-offers'), async (request, reply) =>
    deps.idempotent(request, reply, () => createOffer(request.body as OfferBody, request.client?.id ?? 'anonymous')),
  );
  app.get('/credential-offers/:id', deps.routeOptions('GET', '/credential-offers/{id}'), async (request, reply) => {
    const offer = await deps.store.getOffer((request.params as { id: string }).id);
    if (offer === undefined) throw new ServiceError('ERR_NOT_FOUND', 404, 'no such credential offer');
    return reply.header('cache-control', 'no-store').send({
      offerId: offer.id,
      certificateId: offer.certificateId,
      template: offer.template,
      credentialConfigurationIds: offer.configurationIds,
      expiresAt: offer.expiresAt,
      redeemed: offer.redeemedAt !== undefined,
      ...(offer.redeemedAt !== undefined ? { redeemedAt: offer.redeemedAt } : {}),
      issuedCount: offer.issuedCount,
      credentialIds: offer.issuedIds,
    });
  });

  interface OfferBody {
    template: string;
    record: Record<string, unknown>;
    formats?: string[];
    txCode?: boolean | { length?: number; description?: string };
    qr?: 'png' | 'svg';
  }

  async function createOffer(body: OfferBody, client: string) {
    const type = types.find((t) => t.template === body.template);
    if (type === undefined)
      throw badRequest(
        `template ${JSON.stringify(body.template)} is not offered ` +
          `(offered: ${types.map((t) => t.template).join(', ')})`,
      );
    // Without `formats`, the offer grants the W3C VC (ldp_vc) alone; other formats are offered when named.
    const formats = body.formats ?? ['ldp_vc'];
    for (const f of formats)
      if (!byFormat.has(f))
        throw badRequest(`format ${f} is not enabled for OpenID4VCI (enabled: ${[...byFormat.keys()].join(', ')})`);
    const { checked, certificateId } = checkRecord(body.template, body.record);
    const code = secret();
    const txLength =
      body.txCode === undefined || body.txCode === false ? 0 : body.txCode === true ? 6 : (body.txCode.length ?? 6);
    if (txLength !== 0 && (!Number.isInteger(txLength) || txLength < 4 || txLength > 8))
      throw badRequest('txCode.length must be 4-8 digits');
    // Digits from rejection sampling: uniform, so no code is likelier than another.
    let txCode = '';
    while (txCode.length < txLength) {
      const b = randomBytes(1)[0]!;
      if (b < 250) txCode += String(b % 10);
    }
    const now = Date.now();
    const configurationIds = [...new Set(formats)].map((f) => configurationIdOf(body.template, f));
    const offer: StoredOffer = {
      id: randomUUID(),
      codeHash: hash(code),
      ...(txLength !== 0 ? { txCodeHash: hash(txCode) } : {}),
      txCodeFailures: 0,
      template: body.template,
      record: checked,
      certificateId,
      configurationIds,
      createdBy: client,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + limits.offerTtl * 1000).toISOString(),
      issuedCount: 0,
      issuedIds: [],
    };
    await deps.store.putOffer(offer);
    const txDescription = typeof body.txCode === 'object' ? body.txCode.description : undefined;
    const credentialOffer = {
      credential_issuer: deps.credentialIssuer(),
      credential_configuration_ids: configurationIds,
      grants: {
        [PRE_AUTHORIZED_GRANT]: {
          'pre-authorized_code': code,
          ...(txLength !== 0
            ? {
                tx_code: {
                  input_mode: 'numeric',
                  length: txLength,
                  description: txDescription ?? 'The PIN the registry gave you with this offer',
                },
              }
            : {}),
        },
      },
    };
    const link = offerLink(credentialOffer);
    return {
      status: 201,
      headers: { location: `/credential-offers/${offer.id}`, ...NO_STORE },
      body: {
        credential_offer: credentialOffer,
        link,
        offerId: offer.id,
        certificateId,
        expiresAt: offer.expiresAt,
        // The transaction code goes to the holder by another channel than the offer (SMS, letter, screen).
        ...(txLength !== 0 ? { txCode } : {}),
        ...(body.qr !== undefined ? { qr: offerQr(link, body.qr) } : {}),
      },
    };
  }

  /** Record checks of `/credentials/issue`, run when the offer is made so a bad record never reaches a wallet. */
  function checkRecord(
    template: string,
    record: Record<string, unknown>,
  ): { checked: Record<string, unknown>; certificateId: string } {
    try {
      const checked = checkRecordFields(template, record, deps.unknownFields) as Record<string, unknown>;
      const split = splitRecord(checked, template);
      if (split.issues.length > 0)
        throw new ServiceError('ERR_RECORD_INVALID', 422, 'the record is invalid', { details: split.issues });
      const derived = certificateIdFor(template, split.record);
      if (!derived.ok)
        throw new ServiceError('ERR_RECORD_INVALID', 422, `no certificate id: ${derived.field} ${derived.reason}`, {
          details: [{ path: derived.field, message: derived.reason }],
        });
      // A trial build: the record must make a valid credential now, not when the wallet comes for it.
      unsignedOf(template, checked, derived.certificateId);
      return { checked, certificateId: derived.certificateId };
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      if (error instanceof RecordValidationError)
        throw new ServiceError('ERR_RECORD_INVALID', 422, 'the record is invalid', {
          details: error.issues.map((i) => ({ path: i.path, message: i.message })),
        });
      if (isIssuerError(error)) throw new ServiceError('ERR_RECORD_INVALID', 422, error.message);
      throw error;
    }
  }

  /** The unsigned credential of a checked record (DDCC-only fields split off, as `/credentials/issue` does). */
  function unsignedOf(
    template: string,
    record: Readonly<Record<string, unknown>>,
    certificateId: string,
  ): Record<string, unknown> {
    const { record: fields } = splitRecord(record, template);
    return buildCredential(template, { ...fields, certificateId }, deps.build) as Record<string, unknown>;
  }

  // ---- wallet: token, nonce, credential ---------------------------------------------------------------------------

  app.register(async (scope) => {
    // The token request is a form (RFC 6749); only this route reads forms.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      const params = new URLSearchParams(String(body));
      const out: Record<string, string> = {};
      for (const [k, v] of params) {
        if (k in out) return done(new Oid4vciError('invalid_request', `parameter ${k} is repeated`), undefined);
        out[k] = v;
      }
      return done(null, out);
    });
    scope.post('/token', deps.routeOptions('POST', '/token'), async (request, reply) =>
      reply.headers(NO_STORE).send(await token(request.body)),
    );
  });

  async function token(body: unknown) {
    if (body === null || typeof body !== 'object') throw new Oid4vciError('invalid_request', 'send a form body');
    const form = body as Record<string, unknown>;
    if (form.grant_type !== PRE_AUTHORIZED_GRANT)
      throw new Oid4vciError('unsupported_grant_type', `grant_type must be ${PRE_AUTHORIZED_GRANT}`);
    const code = form['pre-authorized_code'];
    if (typeof code !== 'string' || code === '' || code.length > 512)
      throw new Oid4vciError('invalid_request', 'pre-authorized_code is required');
    const offer = await deps.store.offerByCode(hash(code));
    const now = new Date();
    if (offer === undefined) throw new Oid4vciError('invalid_grant', 'unknown pre-authorized code');
    if (offer.redeemedAt !== undefined) throw new Oid4vciError('invalid_grant', 'the pre-authorized code was used');
    if (Date.parse(offer.expiresAt) <= now.getTime())
      throw new Oid4vciError('invalid_grant', 'the pre-authorized code has expired');
    const txCode = form.tx_code;
    if (offer.txCodeHash === undefined) {
      if (txCode !== undefined) throw new Oid4vciError('invalid_request', 'this offer has no transaction code');
    } else {
      if (typeof txCode !== 'string' || txCode === '')
        throw new Oid4vciError('invalid_request', 'this offer needs its transaction code (tx_code)');
      // Every attempt is counted before the comparison, atomically: parallel guesses cannot outrun the limit.
      if ((await deps.store.countTxCodeAttempt(offer.id)) > limits.maxTxAttempts)
        throw new Oid4vciError('invalid_grant', 'too many transaction code attempts: ask the registry for a new offer');
      if (!timingSafeEqual(Buffer.from(hash(txCode)), Buffer.from(offer.txCodeHash)))
        throw new Oid4vciError('invalid_grant', 'wrong transaction code');
    }
    const accessToken = secret();
    const expiresAt = new Date(now.getTime() + limits.tokenTtl * 1000).toISOString();
    if (!(await deps.store.redeem(offer.id, hash(accessToken), expiresAt, now.toISOString())))
      throw new Oid4vciError('invalid_grant', 'the pre-authorized code was used');
    return { access_token: accessToken, token_type: 'Bearer', expires_in: limits.tokenTtl };
  }

  app.post('/nonce', deps.routeOptions('POST', '/nonce'), async (_request, reply) => {
    const nonce = secret();
    await deps.store.putNonce(hash(nonce), new Date(Date.now() + limits.nonceTtl * 1000).toISOString());
    return reply.headers(NO_STORE).send({ c_nonce: nonce, c_nonce_expires_in: limits.nonceTtl });
  });

  app.post('/credential', deps.routeOptions('POST', '/credential'), async (request, reply) => {
    const offer = await offerOfToken(request.headers.authorization);
    return reply.headers(NO_STORE).send(await credential(offer, request.body));
  });

  async function offerOfToken(authorization: string | undefined): Promise<StoredOffer> {
    const m = typeof authorization === 'string' ? /^Bearer[ ]+([\w-]{1,512})\s*$/i.exec(authorization) : null;
    if (m === null) throw new Oid4vciError('invalid_token', 'send the access token: Authorization: Bearer <token>');
    const offer = await deps.store.offerByAccessToken(hash(m[1]!));
    if (offer === undefined || offer.accessTokenExpiresAt === undefined)
      throw new Oid4vciError('invalid_token', 'unknown access token');
    if (Date.parse(offer.accessTokenExpiresAt) <= Date.now())
      throw new Oid4vciError('invalid_token', 'the access token has expired');
    return offer;
  }

  async function credential(offer: StoredOffer, body: unknown) {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new Oid4vciError('invalid_credential_request', 'send a JSON credential request');
    const request = body as Record<string, unknown>;
    if ('credential_identifier' in request)
      throw new Oid4vciError('invalid_credential_request', 'credential_identifier is not supported here');
    if ('proof' in request)
      throw new Oid4vciError('invalid_credential_request', 'send proofs: { jwt: [...] } (OpenID4VCI 1.0)');
    const id = request.credential_configuration_id;
    if (typeof id !== 'string')
      throw new Oid4vciError('invalid_credential_request', 'credential_configuration_id is required');
    const configuration = configurations.get(id);
    if (configuration === undefined)
      throw new Oid4vciError('unknown_credential_configuration', 'unknown credential_configuration_id');
    if (!offer.configurationIds.includes(id))
      throw new Oid4vciError('invalid_credential_request', 'this access token does not grant that configuration');
    const proofs = request.proofs as { jwt?: unknown } | undefined;
    if (proofs === undefined) throw new Oid4vciError('invalid_proof', 'proofs are required');
    if (proofs === null || typeof proofs !== 'object' || Object.keys(proofs).some((k) => k !== 'jwt'))
      throw new Oid4vciError('invalid_proof', 'proofs must be { jwt: [...] }');
    const jwts = proofs.jwt;
    if (!Array.isArray(jwts) || jwts.length === 0)
      throw new Oid4vciError('invalid_proof', 'proofs.jwt must list proofs');
    if (jwts.length > limits.batchSize)
      throw new Oid4vciError('invalid_credential_request', `at most ${limits.batchSize} proofs per request`);
    const audience = deps.credentialIssuer();
    const verified = [];
    for (const jwt of jwts)
      verified.push(
        await verifyProofJwt(jwt as string, {
          audience,
          algorithms: limits.algorithms,
          maxAgeSeconds: limits.nonceTtl + 60,
        }),
      );
    // One request, one nonce: every proof carries the nonce the wallet got, which is then used up.
    const nonce = verified[0]!.nonce;
    if (nonce === undefined || verified.some((p) => p.nonce !== nonce))
      throw new Oid4vciError('invalid_nonce', 'every proof needs the c_nonce from the nonce endpoint');
    if (!(await deps.store.consumeNonce(hash(nonce), new Date().toISOString())))
      throw new Oid4vciError('invalid_nonce', 'the nonce is unknown, used or expired: get a fresh one');
    const max = limits.maxCopies ?? limits.batchSize * offer.configurationIds.length;
    if (!(await deps.store.reserveCopies(offer.id, verified.length, max)))
      throw new Oid4vciError('invalid_credential_request', `this offer allows ${max} copies in all`);
    const issued = await Promise.all(verified.map((p) => issueCopy(offer, id, configuration, p.holder)));
    await deps.store.addIssued(
      offer.id,
      issued.flatMap((c) => (c.storedId !== undefined ? [c.storedId] : [])),
    );
    deps.onIssued(issued.length);
    return { credentials: issued.map((c) => ({ credential: c.credential })) };
  }

  async function issueCopy(
    offer: StoredOffer,
    configurationId: string,
    configuration: { template: string; issuer: Oid4vciFormatIssuer },
    holder: HolderKey,
  ): Promise<{ credential: string | Record<string, unknown>; storedId?: string }> {
    const status =
      configuration.issuer.statusKind === 'bitstring' && deps.allocateStatus !== undefined
        ? await deps.allocateStatus()
        : undefined;
    const issued = await configuration.issuer.issue({
      configurationId,
      template: configuration.template,
      record: offer.record,
      certificateId: offer.certificateId,
      unsigned: unsignedOf(offer.template, offer.record, offer.certificateId),
      holder,
      credentialIssuer: deps.credentialIssuer(),
      ...(status !== undefined ? { bitstringStatus: status.entry } : {}),
    });
    if (issued.store === undefined) return { credential: issued.credential };
    const storedId = randomUUID();
    await deps.credentials.putIfAbsent({
      id: storedId,
      credential: issued.store.credential,
      outputs: { ...(issued.store.outputs ?? {}), oid4vci: { offerId: offer.id, format: configuration.issuer.format } },
      ...(status !== undefined ? { status: { listId: status.listId, index: status.index } } : {}),
      createdAt: new Date().toISOString(),
    });
    return { credential: issued.credential, storedId };
  }
}

/** `openid-credential-offer://?credential_offer=<the offer JSON, URL-encoded>`. */
export function offerLink(offer: unknown): string {
  return `${OFFER_SCHEME}?credential_offer=${encodeURIComponent(JSON.stringify(offer))}`;
}

/** The offer link as a QR image: an SVG document, or a PNG as a `data:` URL (JSON carries no bytes). */
function offerQr(link: string, format: 'png' | 'svg'): string {
  if (format === 'svg') return renderQr(link, { format: 'svg' });
  return `data:image/png;base64,${Buffer.from(renderQr(link, { format: 'png' })).toString('base64')}`;
}
