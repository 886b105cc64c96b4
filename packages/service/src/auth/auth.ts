import { createHash, timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { ServiceConfigError, ServiceError } from '../lib/errors.js';

/** What a route asks of its caller. `credentials:read` lets a client fetch stored credentials. */
export type Scope = 'credentials:issue' | 'credentials:verify' | 'credentials:revoke' | 'credentials:read';
/** Every scope, in the order the documentation lists them. */
export const SCOPES: readonly Scope[] = Object.freeze([
  'credentials:issue',
  'credentials:verify',
  'credentials:revoke',
  'credentials:read',
]);

/** One API key: only its SHA-256 (hex) is configured, never the key. */
export interface ApiKeyConfig {
  /** Client id: logged, used for rate limits and idempotency scopes. Never the key itself. */
  id: string;
  /** Lower-case hex SHA-256 of the key. `echo -n KEY | sha256sum`. */
  sha256: string;
  scopes: readonly Scope[];
}

/** Bearer-token authentication: JWTs signed by a key of a local JWKS, with the required issuer and audience. */
export interface JwtAuthConfig {
  /** The issuer's public keys as a JWKS (`{ keys: [...] }`): local, nothing is fetched. */
  jwks: JSONWebKeySet;
  /** Required `iss`. */
  issuer: string;
  /** Required `aud` (one of). */
  audience: string | readonly string[];
  /** Allowed algorithms. Default `['ES256', 'EdDSA', 'RS256', 'PS256']`. */
  algorithms?: readonly string[];
  /** Clock skew allowed on `exp` / `nbf`, seconds. Default 30. */
  clockToleranceSeconds?: number;
  /**
   * Oldest accepted token, seconds since its `iat` (checked at each request, whatever its `exp` says). Default 86400.
   */
  maxTokenAgeSeconds?: number;
}

/** How callers authenticate: API keys and/or JWTs (the default), or not at all (loopback only). */
export type AuthConfig =
  /** No authentication: trials on loopback only (`startService` refuses another host). */
  { mode: 'none' } | { mode?: 'required'; apiKeys?: readonly ApiKeyConfig[]; jwt?: JwtAuthConfig };

/** The authenticated caller. */
export interface Client {
  id: string;
  kind: 'api-key' | 'jwt' | 'anonymous';
  scopes: ReadonlySet<Scope>;
}

const HEX64 = /^[0-9a-f]{64}$/;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** SHA-256 of the UTF-8 text, as lower-case hex (how API keys are stored in a configuration). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Checks the auth section of a config and returns the authenticator. */
export function createAuthenticator(
  config: AuthConfig,
): (headers: Record<string, string | string[] | undefined>, remote: string) => Promise<Client> {
  if (config === null || typeof config !== 'object') throw new ServiceConfigError('auth must be an object');
  if (config.mode === 'none') {
    const all = new Set(SCOPES);
    return async (_headers, remote) => ({ id: `anonymous@${remote}`, kind: 'anonymous', scopes: all });
  }
  if (config.mode !== undefined && config.mode !== 'required')
    throw new ServiceConfigError('auth.mode must be "required" or "none"');
  const apiKeys = (config.apiKeys ?? []).map((k, i) => {
    if (typeof k?.id !== 'string' || !CLIENT_ID.test(k.id))
      throw new ServiceConfigError(`auth.apiKeys[${i}].id must be 1-128 characters of A-Z a-z 0-9 . _ : @ -`);
    if (typeof k.sha256 !== 'string' || !HEX64.test(k.sha256.toLowerCase()))
      throw new ServiceConfigError(`auth.apiKeys[${i}].sha256 must be 64 hex digits (SHA-256 of the key)`);
    return {
      id: k.id,
      hash: Buffer.from(k.sha256.toLowerCase(), 'hex'),
      scopes: scopeSet(k.scopes, `auth.apiKeys[${i}].scopes`),
    };
  });
  let jwks: JWTVerifyGetKey | undefined;
  const jwt = config.jwt;
  if (jwt !== undefined) {
    if (typeof jwt.issuer !== 'string' || jwt.issuer === '')
      throw new ServiceConfigError('auth.jwt.issuer is required');
    const audOk =
      typeof jwt.audience === 'string'
        ? jwt.audience !== ''
        : Array.isArray(jwt.audience) && jwt.audience.length > 0 && jwt.audience.every((a) => typeof a === 'string');
    if (!audOk) throw new ServiceConfigError('auth.jwt.audience is required');
    if (
      jwt.jwks === null ||
      typeof jwt.jwks !== 'object' ||
      !Array.isArray(jwt.jwks.keys) ||
      jwt.jwks.keys.length === 0
    ) {
      throw new ServiceConfigError('auth.jwt.jwks must be a JWKS with at least one key');
    }
    for (const key of jwt.jwks.keys)
      if ('d' in key || 'p' in key || 'k' in key)
        throw new ServiceConfigError('auth.jwt.jwks must hold public keys only');
    try {
      jwks = createLocalJWKSet(jwt.jwks);
    } catch (error) {
      throw new ServiceConfigError(`auth.jwt.jwks: ${(error as Error).message}`, { cause: error });
    }
  }
  if (apiKeys.length === 0 && jwks === undefined)
    throw new ServiceConfigError('auth needs apiKeys or jwt (or mode "none" for a loopback trial)');

  return async (headers) => {
    const token = credentialFrom(headers);
    if (token === undefined)
      throw authError(
        'ERR_AUTH_MISSING',
        'authentication required: Authorization: Bearer <token or API key>, or X-API-Key',
      );
    if (jwks !== undefined && jwt !== undefined && token.kind === 'bearer' && JWT_SHAPE.test(token.value))
      return verifyJwt(token.value, jwks, jwt);
    if (apiKeys.length > 0) {
      const hash = createHash('sha256').update(token.value, 'utf8').digest();
      // Compare against every key (constant time each), so timing says nothing about which one nearly matched.
      let match: (typeof apiKeys)[number] | undefined;
      for (const key of apiKeys) if (timingSafeEqual(hash, key.hash) && match === undefined) match = key;
      if (match !== undefined) return { id: match.id, kind: 'api-key', scopes: match.scopes };
    }
    throw authError('ERR_AUTH_INVALID', 'invalid credentials');
  };
}

function scopeSet(scopes: unknown, where: string): ReadonlySet<Scope> {
  if (!Array.isArray(scopes))
    throw new ServiceConfigError(`${where} must be an array of scopes (${SCOPES.join(', ')})`);
  for (const s of scopes)
    if (!SCOPES.includes(s as Scope))
      throw new ServiceConfigError(`${where}: unknown scope ${JSON.stringify(s)} (known: ${SCOPES.join(', ')})`);
  return new Set(scopes as Scope[]);
}

function credentialFrom(
  headers: Record<string, string | string[] | undefined>,
): { kind: 'bearer' | 'api-key'; value: string } | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization !== '') {
    const m = /^Bearer[ ]+(\S{1,8192})\s*$/i.exec(authorization);
    if (m === null) throw authError('ERR_AUTH_INVALID', 'Authorization must be "Bearer <token>"');
    return { kind: 'bearer', value: m[1] as string };
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') {
    if (apiKey.length > 1024) throw authError('ERR_AUTH_INVALID', 'invalid credentials');
    return { kind: 'api-key', value: apiKey };
  }
  return undefined;
}

async function verifyJwt(token: string, jwks: JWTVerifyGetKey, config: JwtAuthConfig): Promise<Client> {
  try {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: config.issuer,
      audience: typeof config.audience === 'string' ? config.audience : [...config.audience],
      algorithms: [...(config.algorithms ?? ['ES256', 'EdDSA', 'RS256', 'PS256'])],
      clockTolerance: config.clockToleranceSeconds ?? 30,
      maxTokenAge: config.maxTokenAgeSeconds ?? 86_400,
      requiredClaims: ['exp', 'iat', 'sub'],
    });
    const claimed =
      typeof payload.scope === 'string' ? payload.scope.split(/\s+/) : Array.isArray(payload.scp) ? payload.scp : [];
    const scopes = new Set(claimed.filter((s): s is Scope => SCOPES.includes(s as Scope)));
    const sub = String(payload.sub).slice(0, 128);
    return { id: `jwt:${sub}`, kind: 'jwt', scopes };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw authError('ERR_AUTH_EXPIRED', 'the token has expired');
    if (error instanceof joseErrors.JWTClaimValidationFailed)
      throw authError('ERR_AUTH_INVALID', `the token was rejected: ${error.claim} ${error.reason}`);
    throw authError('ERR_AUTH_INVALID', 'the token was rejected (bad signature, unknown key or malformed)');
  }
}

function authError(code: 'ERR_AUTH_MISSING' | 'ERR_AUTH_INVALID' | 'ERR_AUTH_EXPIRED', message: string): ServiceError {
  return new ServiceError(code, 401, message, {
    headers: { 'www-authenticate': `Bearer${code === 'ERR_AUTH_MISSING' ? '' : ' error="invalid_token"'}` },
  });
}

export function requireScope(client: Client, scope: Scope | readonly Scope[]): void {
  const wanted = Array.isArray(scope) ? (scope as readonly Scope[]) : [scope as Scope];
  if (!wanted.some((s) => client.scopes.has(s))) {
    throw new ServiceError('ERR_AUTH_SCOPE', 403, `this client lacks the scope ${wanted.join(' or ')}`, {
      headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${wanted.join(' ')}"` },
    });
  }
}
