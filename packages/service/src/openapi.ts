import { errorSchema } from './lib/schemas.js';
import type { Scope } from './auth/auth.js';

/** One route, as Fastify validates it and OpenAPI documents it. */
export interface RouteDoc {
  method: 'GET' | 'POST';
  /** OpenAPI-style path (`/credentials/{id}`). */
  url: string;
  summary: string;
  /** Scope(s) a caller needs (any of); no scope: public. */
  scope?: Scope | readonly Scope[];
  body?: Record<string, unknown>;
  /** Media type of the body. Default `application/json`. */
  bodyContentType?: string;
  /** The body may be left out (checked by the handler when present). */
  bodyOptional?: boolean;
  params?: { type: 'object'; required?: readonly string[]; properties: Record<string, unknown> };
  /** Honours `Idempotency-Key`. */
  idempotent?: boolean;
  responses: Record<
    number,
    { description: string; schema?: Record<string, unknown>; contentTypes?: readonly string[] }
  >;
}

const SERVICE_VERSION = '0.1.0';

const ERROR_RESPONSES: Record<string, string> = {
  400: 'Invalid request (ERR_REQUEST_INVALID, ERR_JSON_INVALID, ERR_IDEMPOTENCY_KEY_INVALID)',
  401: 'Not authenticated (ERR_AUTH_MISSING, ERR_AUTH_INVALID, ERR_AUTH_EXPIRED)',
  403: 'Missing scope (ERR_AUTH_SCOPE)',
  404: 'Not found (ERR_NOT_FOUND)',
  409: 'Conflict (ERR_IDEMPOTENCY_IN_FLIGHT, ERR_NOT_REVOCABLE, ERR_CREDENTIAL_INVALID)',
  413: 'Body too large (ERR_BODY_TOO_LARGE)',
  415: 'Unsupported Content-Type (ERR_MEDIA_TYPE_UNSUPPORTED)',
  422: 'Rejected content (ERR_RECORD_INVALID, ERR_CREDENTIAL_INVALID, ERR_IDEMPOTENCY_KEY_REUSED)',
  429: 'Rate limited (ERR_RATE_LIMITED; see Retry-After)',
  503: 'Storage unavailable (ERR_STORAGE_UNAVAILABLE)',
};

/** The OpenAPI 3.1 document of the service, from the same route table (and JSON Schemas) Fastify validates with. */
export function openApiDocument(
  routes: readonly RouteDoc[],
  options: { publicUrl?: string } = {},
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters: Record<string, unknown>[] = [];
    for (const [name, schema] of Object.entries(route.params?.properties ?? {})) {
      parameters.push({ name, in: 'path', required: true, schema });
    }
    if (route.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Retries with the same key and body get the stored response; another body with the key is 422.',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(route.responses)) {
      const types = r.contentTypes ?? ['application/json'];
      responses[status] = {
        description: r.description,
        content: Object.fromEntries(
          types.map((t) => [
            t,
            t === 'application/json' || t.endsWith('+json')
              ? { schema: r.schema ?? { type: 'object' } }
              : {
                  schema: {
                    type: 'string',
                    ...(t.startsWith('image/png') || t === 'application/pdf'
                      ? { contentMediaType: t, contentEncoding: 'binary' }
                      : {}),
                  },
                },
          ]),
        ),
      };
    }
    const codes = new Set(['400', '404', '429', '503']);
    if (route.scope !== undefined) ['401', '403'].forEach((c) => codes.add(c));
    if (route.method === 'POST') ['409', '413', '415', '422'].forEach((c) => codes.add(c));
    for (const code of [...codes].sort()) {
      if (responses[code] === undefined)
        responses[code] = {
          description: ERROR_RESPONSES[code],
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        };
    }
    const scopes = route.scope === undefined ? [] : Array.isArray(route.scope) ? [...route.scope] : [route.scope];
    const operation: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${route.url
        .replace(/[{}]/g, '')
        .split(/[/.-]/)
        .filter(Boolean)
        .map((p) => p[0]!.toUpperCase() + p.slice(1))
        .join('')}`,
      summary: route.summary,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body !== undefined
        ? {
            requestBody: {
              required: route.bodyOptional !== true,
              content: { [route.bodyContentType ?? 'application/json']: { schema: route.body } },
            },
          }
        : {}),
      responses,
      security: scopes.length === 0 ? [] : scopes.flatMap((s) => [{ bearer: [s] }, { apiKey: [s] }]),
    };
    paths[route.url] = { ...(paths[route.url] ?? {}), [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'DIVOC signing service',
      version: SERVICE_VERSION,
      description:
        'Issue, verify, fetch and revoke health credentials (VC-API shaped). Errors: { error: { code, message, ' +
        'details? } }.',
    },
    ...(options.publicUrl !== undefined ? { servers: [{ url: options.publicUrl }] } : {}),
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A JWT (scope claim: credentials:issue, credentials:verify, credentials:revoke, credentials:read) ' +
            'or an API key',
        },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}
