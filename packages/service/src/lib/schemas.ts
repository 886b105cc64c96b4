import { FORMATS } from '@divoc/formats';

/**
 * JSON Schemas of the request bodies and responses. Fastify validates requests with them, and `openApiDocument`
 * puts the same objects into the OpenAPI document, so the two never drift.
 */

export const FORMAT_ENUM: readonly string[] = FORMATS.names;

const jsonObject = { type: 'object' } as const;

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable error code, e.g. ERR_REQUEST_INVALID' },
        message: { type: 'string' },
        details: {},
      },
    },
  },
} as const;

/** VC-API: an unsigned credential to sign. */
export const issueCredentialBody = {
  type: 'object',
  required: ['credential'],
  additionalProperties: false,
  properties: {
    credential: {
      ...jsonObject,
      description:
        'Unsigned W3C credential (VC 1.1 or 2.0). issuer defaults to the service issuer; the service adds ' +
        'credentialStatus and the proof.',
    },
    options: {
      type: 'object',
      description:
        'VC-API issue options. Recognised: certificateId (the id under /credentials/{id}); others are ignored.',
      properties: {
        certificateId: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
      },
    },
  },
} as const;

/** A registry record and the template it fills. */
export const issueRecordBody = {
  type: 'object',
  required: ['record', 'template'],
  additionalProperties: false,
  properties: {
    record: {
      ...jsonObject,
      maxProperties: 512,
      description: 'Registry record (fields of the template, plus nameLatin etc.); see @divoc/issuer',
    },
    template: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      description: 'vaccination, vaccination-v2, test, recovery, …',
    },
    formats: {
      type: 'array',
      minItems: 1,
      maxItems: FORMAT_ENUM.length,
      uniqueItems: true,
      items: { type: 'string', enum: FORMAT_ENUM },
    },
  },
} as const;

export const issueBody = {
  oneOf: [issueCredentialBody, issueRecordBody],
  description: 'Either VC-API { credential, options? } or { record, template, formats? }.',
} as const;

export const verifyBody = {
  oneOf: [
    {
      type: 'object',
      required: ['verifiableCredential'],
      additionalProperties: false,
      properties: {
        verifiableCredential: jsonObject,
        options: { type: 'object', description: 'VC-API verify options; ignored.' },
      },
    },
    {
      type: 'object',
      required: ['input'],
      additionalProperties: false,
      properties: {
        input: {
          type: 'string',
          minLength: 1,
          maxLength: 200_000,
          description: 'QR text: DIVOC QR, DIVOC1:, HC1:, shc:/, VDS-NC JSON, or credential JSON',
        },
      },
    },
  ],
} as const;

export const revokeBody = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', maxLength: 256, description: 'Kept in logs by code only; not published.' } },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' } },
} as const;

export const issueCredentialResponse = {
  type: 'object',
  required: ['verifiableCredential'],
  properties: { verifiableCredential: jsonObject },
} as const;

export const issueRecordResponse = {
  type: 'object',
  required: ['certificateId', 'credential', 'outputs'],
  properties: {
    certificateId: { type: 'string' },
    created: { type: 'boolean', description: 'false when the certificate existed already (a retried record)' },
    credential: jsonObject,
    outputs: {
      type: 'object',
      description: 'Text forms by format: divoc-qr.text, vc-compact.text, dcc.hc1/uvci, shc.jws/qr, vdsnc.json',
    },
    errors: { type: 'object', description: 'Formats that could not be produced, with { code, message }' },
  },
} as const;

export const verifyResponse = {
  type: 'object',
  required: ['format', 'valid', 'checks'],
  properties: {
    format: { type: 'string' },
    valid: { type: 'boolean' },
    issuer: { type: 'string' },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'ok'],
        properties: {
          name: { type: 'string' },
          ok: { type: 'boolean' },
          code: { type: 'string' },
          message: { type: 'string' },
        },
      },
    },
    summary: jsonObject,
  },
} as const;

export const revokeResponse = {
  type: 'object',
  required: ['certificateId', 'revoked'],
  properties: {
    certificateId: { type: 'string' },
    revoked: { type: 'boolean' },
    revokedAt: { type: 'string' },
    statusListCredential: { type: 'string' },
  },
} as const;

export const healthResponse = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    live: { type: 'boolean' },
    ready: { type: 'boolean' },
    checks: jsonObject,
  },
} as const;
