/**
 * Building blocks for the credential and record JSON Schemas (draft 2020-12). Limits on every string
 * and array keep hostile input cheap to reject.
 */
import { CONTEXT_URLS } from '../contexts/urls.js';

/** A JSON Schema document, as a plain object. */
export type JsonSchema = { readonly [keyword: string]: unknown };

export const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

export const text = (maxLength = 256, minLength = 0): JsonSchema =>
  minLength > 0 ? { type: 'string', minLength, maxLength } : { type: 'string', maxLength };

/** An absolute URI or DID (what DIVOC puts in `credentialSubject.id`, `evidence[].id`). */
export const iri: JsonSchema = {
  type: 'string',
  maxLength: 2048,
  pattern: '^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$',
  description: 'an absolute URI or DID',
};

export const date: JsonSchema = { type: 'string', format: 'date', maxLength: 10 };
export const dateTime: JsonSchema = { type: 'string', format: 'date-time', maxLength: 64 };
export const dateOrDateTime: JsonSchema = { type: 'string', format: 'date-or-date-time', maxLength: 64 };

/** A string or integer identifier (DIVOC emits both for refId / certificateId / postalCode). */
export const idValue = (maxLength = 128): JsonSchema => ({
  type: ['string', 'integer'],
  maxLength,
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
});

/** A dose number from 1 to 99, as an integer or its decimal string; `orBlank` also allows "". */
const doseNumber = (orBlank: boolean): JsonSchema => ({
  type: ['integer', 'string'],
  minimum: 1,
  maximum: 99,
  pattern: orBlank ? '^([1-9][0-9]?)?$' : '^[1-9][0-9]?$',
  description: orBlank ? 'a dose number from 1 to 99 (or "")' : 'a dose number from 1 to 99',
});

/** DIVOC doses: a positive integer, its decimal string, or "" (older certificates leave it blank). */
export const doseOrBlank: JsonSchema = doseNumber(true);
export const dose: JsonSchema = doseNumber(false);

/** DIVOC writes age as a decimal string ("26"); an integer is accepted too. */
export const age: JsonSchema = {
  type: ['string', 'integer'],
  minimum: 0,
  maximum: 150,
  pattern: '^(0|[1-9][0-9]{0,2})$',
  description: 'an age in whole years',
};

/** `schema:PostalAddress` as DIVOC's contexts define it. */
export const postalAddress = (required: readonly string[] = []): JsonSchema => ({
  type: 'object',
  required,
  properties: {
    streetAddress: text(256),
    streetAddress2: text(256),
    district: text(128),
    city: text(128),
    addressRegion: text(128),
    postalCode: idValue(16),
    addressCountry: text(64),
  },
  additionalProperties: false,
});

export const verifier: JsonSchema = {
  type: 'object',
  properties: { id: text(256), name: text(256), 'sign-image': text(200_000) },
  additionalProperties: false,
};

export const facility = (required: readonly string[] = [], addressRequired: readonly string[] = []): JsonSchema => ({
  type: 'object',
  required,
  properties: { name: text(256), address: postalAddress(addressRequired), 'seal-image': text(200_000) },
  additionalProperties: false,
});

/** A plain `type` string-or-array check that must name `typeName`. */
export function typeNaming(typeName: string): JsonSchema {
  return {
    type: ['array', 'string'],
    minItems: 1,
    maxItems: 8,
    items: text(128, 1),
    contains: { const: typeName },
    // A lone string must be the name itself (`contains` only looks at arrays).
    if: { type: 'string' },
    then: { const: typeName },
  };
}

/**
 * Options of `credentialEnvelopeSchema`: the schema's id and title, the credential type and the contexts it requires.
 */
export interface EnvelopeOptions {
  $id: string;
  title: string;
  credentialType: string;
  /** Context URLs that must appear, each as a list of accepted alternatives (e.g. both DIVOC hosts). */
  requiredContexts: readonly (readonly string[])[];
  /**
   * Instead of `requiredContexts`: several accepted sets of contexts (each like `requiredContexts`); the credential
   * must satisfy one of them.
   */
  contextProfiles?: readonly (readonly (readonly string[])[])[];
  credentialSubject: JsonSchema;
  evidence: JsonSchema;
  /** Extra top-level properties. */
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
}

/**
 * A Verifiable Credential in VC 1.1 (`issuanceDate`, `expirationDate`, context v1) or VC 2.0 (`validFrom`,
 * `validUntil`, context v2) form. The first `@context` entry picks the data model.
 */
export function credentialEnvelope(o: EnvelopeOptions): JsonSchema {
  const v1 = CONTEXT_URLS.CREDENTIALS_V1;
  const v2 = CONTEXT_URLS.CREDENTIALS_V2;
  const containsAll = (required: readonly (readonly string[])[]): JsonSchema[] =>
    required.map((alternatives) =>
      alternatives.length === 1 ? { contains: { const: alternatives[0] } } : { contains: { enum: [...alternatives] } },
    );
  const profiles = o.contextProfiles ?? [o.requiredContexts];
  return {
    $schema: DRAFT_2020_12,
    $id: o.$id,
    title: o.title,
    type: 'object',
    required: ['@context', 'type', 'issuer', 'credentialSubject', 'evidence', ...(o.required ?? [])],
    properties: {
      '@context': {
        type: 'array',
        minItems: 1 + Math.min(...profiles.map((p) => p.length)),
        maxItems: 16,
        prefixItems: [{ enum: [v1, v2] }],
        items: { type: ['string', 'object'], maxLength: 2048 },
        ...(profiles.length === 1
          ? { allOf: containsAll(profiles[0]!) }
          : { anyOf: profiles.map((p) => ({ allOf: containsAll(p) })) }),
      },
      id: iri,
      type: {
        type: 'array',
        minItems: 2,
        maxItems: 8,
        items: text(128, 1),
        uniqueItems: true,
        allOf: [{ contains: { const: 'VerifiableCredential' } }, { contains: { const: o.credentialType } }],
      },
      issuer: {
        // A URI, or an object with an `id` URI.
        type: ['string', 'object'],
        maxLength: 2048,
        pattern: '^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$',
        description: 'an absolute URI or DID',
        required: ['id'],
        properties: { id: iri, name: text(256) },
      },
      issuanceDate: dateTime,
      expirationDate: dateTime,
      validFrom: dateTime,
      validUntil: dateTime,
      credentialSubject: o.credentialSubject,
      evidence: { type: 'array', minItems: 1, maxItems: 16, items: o.evidence },
      nonTransferable: { enum: ['true', 'false', true, false] },
      credentialStatus: { type: ['object', 'array'], maxItems: 8 },
      proof: {
        type: ['object', 'array'],
        required: ['type'],
        properties: { type: text(128, 1) },
        maxItems: 8,
        items: { type: 'object', required: ['type'], properties: { type: text(128, 1) } },
      },
      ...(o.properties ?? {}),
    },
    allOf: [
      {
        // VC 1.1: issuanceDate is required; the 2.0 validity terms are undefined in the v1 context.
        if: { required: ['@context'], properties: { '@context': { type: 'array', prefixItems: [{ const: v1 }] } } },
        then: { required: ['issuanceDate'], properties: { validFrom: false, validUntil: false } },
      },
      {
        // VC 2.0: issuanceDate/expirationDate were replaced by validFrom/validUntil.
        if: { required: ['@context'], properties: { '@context': { type: 'array', prefixItems: [{ const: v2 }] } } },
        then: { properties: { issuanceDate: false, expirationDate: false } },
      },
    ],
  };
}

/** Host twins for a DIVOC context. */
export const vaccinationV1Urls = [CONTEXT_URLS.DIVOC_VACCINATION_V1, CONTEXT_URLS.COWIN_VACCINATION_V1] as const;
export const vaccinationV2Urls = [CONTEXT_URLS.DIVOC_VACCINATION_V2, CONTEXT_URLS.COWIN_VACCINATION_V2] as const;
export const testCertificateV1Urls = [
  CONTEXT_URLS.DIVOC_TEST_CERTIFICATE_V1,
  CONTEXT_URLS.COWIN_TEST_CERTIFICATE_V1,
] as const;
