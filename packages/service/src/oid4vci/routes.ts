import type { RouteDoc } from '../openapi.js';

/** An OAuth / OpenID4VCI error body: what the wallet-facing routes answer on failure. */
export const oauthErrorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'string',
      description:
        'invalid_request, invalid_grant, unsupported_grant_type, invalid_token, invalid_proof, invalid_nonce, ' +
        'invalid_credential_request or unknown_credential_configuration',
    },
    error_description: { type: 'string' },
  },
} as const;

const offerBody = {
  type: 'object',
  required: ['template', 'record'],
  additionalProperties: false,
  properties: {
    template: { type: 'string', minLength: 1, maxLength: 128, description: 'Credential type (vaccination, test...)' },
    record: { type: 'object', maxProperties: 512, description: 'Registry record, as for POST /credentials/issue' },
    formats: {
      type: 'array',
      minItems: 1,
      maxItems: 4,
      uniqueItems: true,
      items: { type: 'string', enum: ['ldp_vc', 'dc+sd-jwt'] },
      description: 'OpenID4VCI formats offered (default every enabled one)',
    },
    txCode: {
      description: 'Ask for a transaction code (PIN): true (6 digits) or { length: 4-8, description }',
      oneOf: [
        { type: 'boolean' },
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            length: { type: 'integer', minimum: 4, maximum: 8 },
            description: { type: 'string', maxLength: 300 },
          },
        },
      ],
    },
    qr: { type: 'string', enum: ['png', 'svg'], description: 'Add the QR of the link (SVG text or PNG data: URL)' },
  },
} as const;

const offerResponse = {
  type: 'object',
  required: ['credential_offer', 'link', 'offerId', 'certificateId', 'expiresAt'],
  properties: {
    credential_offer: {
      type: 'object',
      required: ['credential_issuer', 'credential_configuration_ids', 'grants'],
      properties: {
        credential_issuer: { type: 'string' },
        credential_configuration_ids: { type: 'array', items: { type: 'string' } },
        grants: { type: 'object' },
      },
    },
    link: { type: 'string', description: 'openid-credential-offer://?credential_offer=...' },
    offerId: { type: 'string' },
    certificateId: { type: 'string' },
    expiresAt: { type: 'string', format: 'date-time' },
    txCode: { type: 'string', description: 'The PIN, to hand to the holder by another channel than the offer' },
    qr: { type: 'string', description: 'SVG document, or PNG as a data: URL (when qr was asked for)' },
  },
} as const;

const offerStatus = {
  type: 'object',
  properties: {
    offerId: { type: 'string' },
    certificateId: { type: 'string' },
    template: { type: 'string' },
    credentialConfigurationIds: { type: 'array', items: { type: 'string' } },
    expiresAt: { type: 'string', format: 'date-time' },
    redeemed: { type: 'boolean' },
    redeemedAt: { type: 'string', format: 'date-time' },
    issuedCount: { type: 'integer' },
    credentialIds: {
      type: 'array',
      items: { type: 'string' },
      description: 'Ids of the issued copies (GET /credentials/{id}, POST /credentials/{id}/revoke)',
    },
  },
} as const;

/** The OpenID4VCI routes (present when `oid4vci.enabled`): documented in OpenAPI from here. */
export const OID4VCI_ROUTES: readonly RouteDoc[] = [
  {
    method: 'GET',
    url: '/.well-known/openid-credential-issuer',
    summary: 'OpenID4VCI 1.0 credential issuer metadata',
    responses: { 200: { description: 'Credential issuer metadata', schema: { type: 'object' } } },
  },
  {
    method: 'GET',
    url: '/.well-known/oauth-authorization-server',
    summary: 'OAuth 2.0 authorization server metadata (RFC 8414): the token endpoint of the pre-authorized code flow',
    responses: { 200: { description: 'Authorization server metadata', schema: { type: 'object' } } },
  },
  {
    method: 'GET',
    url: '/.well-known/jwt-vc-issuer',
    summary: 'SD-JWT VC issuer metadata: { issuer, jwks } (404 when no dc+sd-jwt issuer is configured)',
    responses: { 200: { description: 'JWT VC issuer metadata', schema: { type: 'object' } } },
  },
  {
    method: 'POST',
    url: '/credential-offers',
    summary:
      'Create a credential offer for a record (pre-authorized code, optional transaction code): the offer, its ' +
      'openid-credential-offer:// link and optionally its QR',
    scope: 'credentials:issue',
    body: offerBody,
    idempotent: true,
    responses: { 201: { description: 'Offer created', schema: offerResponse } },
  },
  {
    method: 'GET',
    url: '/credential-offers/{id}',
    summary: 'State of an offer: redeemed or not, and the ids of the copies issued under it',
    scope: ['credentials:issue', 'credentials:read'],
    params: {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } },
    },
    responses: { 200: { description: 'The offer', schema: offerStatus } },
  },
  {
    method: 'POST',
    url: '/token',
    summary:
      'OAuth token endpoint (form body): grant_type urn:ietf:params:oauth:grant-type:pre-authorized_code, ' +
      'pre-authorized_code, tx_code → Bearer access token. Errors: { error, error_description }',
    bodyContentType: 'application/x-www-form-urlencoded',
    body: {
      type: 'object',
      required: ['grant_type', 'pre-authorized_code'],
      properties: {
        grant_type: { type: 'string', const: 'urn:ietf:params:oauth:grant-type:pre-authorized_code' },
        'pre-authorized_code': { type: 'string' },
        tx_code: { type: 'string' },
      },
    },
    responses: {
      200: {
        description: 'Access token',
        schema: {
          type: 'object',
          required: ['access_token', 'token_type', 'expires_in'],
          properties: {
            access_token: { type: 'string' },
            token_type: { const: 'Bearer' },
            expires_in: { type: 'integer' },
          },
        },
      },
      400: { description: 'invalid_request, invalid_grant, unsupported_grant_type', schema: oauthErrorSchema },
    },
  },
  {
    method: 'POST',
    url: '/nonce',
    summary: 'OpenID4VCI nonce endpoint: a fresh single-use c_nonce for key proofs',
    responses: {
      200: {
        description: 'Nonce',
        schema: {
          type: 'object',
          required: ['c_nonce'],
          properties: { c_nonce: { type: 'string' }, c_nonce_expires_in: { type: 'integer' } },
        },
      },
    },
  },
  {
    method: 'POST',
    url: '/credential',
    summary:
      'OpenID4VCI credential endpoint (Authorization: Bearer <access token>): { credential_configuration_id, ' +
      'proofs: { jwt: [...] } } → { credentials: [{ credential }] }, one holder-bound copy per proof',
    body: {
      type: 'object',
      required: ['credential_configuration_id', 'proofs'],
      properties: {
        credential_configuration_id: { type: 'string' },
        proofs: {
          type: 'object',
          properties: { jwt: { type: 'array', items: { type: 'string' } } },
        },
      },
    },
    responses: {
      200: {
        description: 'Credentials',
        schema: {
          type: 'object',
          required: ['credentials'],
          properties: {
            credentials: {
              type: 'array',
              items: { type: 'object', required: ['credential'], properties: { credential: {} } },
            },
          },
        },
      },
      400: {
        description: 'invalid_credential_request, unknown_credential_configuration, invalid_proof, invalid_nonce',
        schema: oauthErrorSchema,
      },
      401: { description: 'invalid_token (missing, unknown or expired access token)', schema: oauthErrorSchema },
    },
  },
];
