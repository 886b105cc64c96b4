import type { RouteDoc } from '../openapi.js';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } },
} as const;

const requestBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dcql: {
      type: 'object',
      description:
        'A DCQL query (OpenID4VP 1.0 § 6): { credentials: [{ id, format: "dc+sd-jwt" | "ldp_vc", ' +
        'meta?: { vct_values } (dc+sd-jwt) | { type_values: [[expanded type IRI, ...]] } (ldp_vc), ' +
        'claims?: [{ id?, path, values? }], claim_sets?, multiple? }], credential_sets? }',
    },
    vaccination: {
      type: 'object',
      additionalProperties: false,
      description:
        'Shorthand: a vaccination credential (credential query id "vaccination"; "vaccination_ldp_vc" too when both ' +
        'formats are asked for): an SD-JWT VC disclosing target_disease, vaccination_date and name, or a W3C VC ' +
        '(ldp_vc) of type ProofOfVaccinationCredential in a Verifiable Presentation; the service checks the disease ' +
        'and the date',
      properties: {
        disease: {
          type: 'string',
          minLength: 1,
          maxLength: 100,
          description: 'ICD-11 or SNOMED CT code, or name, of the target disease (RA01, 840539006, COVID-19)',
        },
        after: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'The vaccination must be later' },
      },
    },
    formats: {
      type: 'array',
      minItems: 1,
      maxItems: 2,
      uniqueItems: true,
      items: { type: 'string', enum: ['dc+sd-jwt', 'ldp_vc'] },
      description:
        'Credential formats the vaccination shorthand asks for (default dc+sd-jwt; with both, either will do)',
    },
  },
} as const;

const outcome = {
  type: 'object',
  required: ['valid', 'credentials', 'receivedAt'],
  properties: {
    valid: { type: 'boolean' },
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
    receivedAt: { type: 'string', format: 'date-time' },
    credentials: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          queryId: { type: 'string' },
          format: { type: 'string' },
          valid: { type: 'boolean' },
          issuer: { type: ['string', 'null'], description: 'The issuer as the trust names it' },
          issuerName: { type: 'string' },
          type: { type: 'string', description: 'vct' },
          claims: { type: 'object', description: 'The disclosed claims (and iss, vct, iat, exp)' },
          checks: { type: 'array', items: { type: 'object' } },
        },
      },
    },
  },
} as const;

/** The OpenID4VP routes (present when `oid4vp.enabled`): documented in OpenAPI from here. */
export const OID4VP_ROUTES: readonly RouteDoc[] = [
  {
    method: 'POST',
    url: '/presentation-requests',
    summary:
      'Create an OpenID4VP 1.0 presentation request (DCQL, response_mode direct_post, client id prefix ' +
      'redirect_uri): the authorization request, its openid4vp:// link (request by value) and its id',
    scope: 'credentials:verify',
    body: requestBody,
    idempotent: true,
    responses: {
      201: {
        description: 'Request created',
        schema: {
          type: 'object',
          required: ['authorization_request', 'link', 'requestId', 'expiresAt'],
          properties: {
            authorization_request: {
              type: 'object',
              required: ['response_type', 'response_mode', 'client_id', 'response_uri', 'nonce', 'state', 'dcql_query'],
              properties: {
                response_type: { const: 'vp_token' },
                response_mode: { const: 'direct_post' },
                client_id: { type: 'string' },
                response_uri: { type: 'string' },
                nonce: { type: 'string' },
                state: { type: 'string' },
                dcql_query: { type: 'object' },
                client_metadata: { type: 'object' },
              },
            },
            link: { type: 'string', description: 'openid4vp://?client_id=...&dcql_query=...' },
            requestId: { type: 'string' },
            expiresAt: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
  },
  {
    method: 'GET',
    url: '/presentation-requests/{id}',
    summary:
      'State of a presentation request: pending, expired, valid or invalid, and once answered the outcome (which ' +
      'claims were disclosed, the issuer as the trust names it, every check)',
    scope: 'credentials:verify',
    params: idParams,
    responses: {
      200: {
        description: 'The request',
        schema: {
          type: 'object',
          properties: {
            requestId: { type: 'string' },
            status: { type: 'string', enum: ['pending', 'expired', 'processing', 'valid', 'invalid'] },
            createdAt: { type: 'string', format: 'date-time' },
            expiresAt: { type: 'string', format: 'date-time' },
            answeredAt: { type: 'string', format: 'date-time' },
            dcql_query: { type: 'object' },
            vaccination: { type: 'object' },
            outcome,
          },
        },
      },
    },
  },
  {
    method: 'POST',
    url: '/presentations/{id}',
    summary:
      'OpenID4VP response URI (direct_post, form body): vp_token (JSON keyed by credential query id), state; or ' +
      'error, error_description. Answers once per request. Errors: { error, error_description }',
    bodyContentType: 'application/x-www-form-urlencoded',
    params: idParams,
    body: {
      type: 'object',
      required: ['state'],
      properties: {
        vp_token: { type: 'string', description: 'JSON: { <credential query id>: [<SD-JWT VC presentation>] }' },
        state: { type: 'string' },
        error: { type: 'string' },
        error_description: { type: 'string' },
      },
    },
    responses: {
      200: { description: 'The response was accepted and the presentation is valid', schema: { type: 'object' } },
      400: {
        description: 'invalid_request: unknown, expired or answered request, wrong state, or an invalid presentation',
        schema: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'string' }, error_description: { type: 'string' } },
        },
      },
    },
  },
];
