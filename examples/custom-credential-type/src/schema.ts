import { credentialEnvelopeSchema, type JsonSchema } from '@divoc/schemas';
import { MR_CONTEXT_URL } from './context.js';

export const MR_CREDENTIAL_TYPE = 'MeaslesRubellaVaccinationCredential';

const text = (maxLength: number, minLength = 0): JsonSchema => ({ type: 'string', minLength, maxLength });
const date: JsonSchema = { type: 'string', format: 'date' };
const dose: JsonSchema = { type: 'integer', minimum: 1, maximum: 2 };

/** JSON Schema of the credential: the shared VC envelope plus our subject and evidence. */
export const mrCredentialSchema: JsonSchema = credentialEnvelopeSchema({
  $id: 'https://health.example.org/credentials/measles-rubella/v1/schema.json',
  title: 'Measles-rubella campaign vaccination credential',
  credentialType: MR_CREDENTIAL_TYPE,
  requiredContexts: [[MR_CONTEXT_URL]],
  credentialSubject: {
    type: 'object',
    required: ['type', 'name', 'dob', 'uniqueChildId'],
    properties: {
      type: { const: 'Child' },
      id: { type: 'string', maxLength: 512 },
      name: text(256, 1),
      dob: date,
      gender: { enum: ['Male', 'Female', 'Other'] },
      guardianName: text(256),
      uniqueChildId: text(64, 1),
      district: text(128),
      state: text(128),
      country: text(2, 2),
    },
    additionalProperties: false,
  },
  evidence: {
    type: 'object',
    required: ['type', 'campaign', 'vaccine', 'batch', 'date', 'dose'],
    properties: {
      id: { type: 'string', maxLength: 2048 },
      type: { type: 'array', contains: { const: 'MRVaccination' }, items: text(64, 1), maxItems: 4 },
      campaign: text(128, 1),
      vaccine: text(128, 1),
      manufacturer: text(128),
      batch: text(64, 1),
      date,
      dose,
      totalDoses: dose,
      sessionSite: text(256),
      vaccinator: text(256),
    },
    additionalProperties: false,
  },
});

/** JSON Schema of the flat record a campaign app submits. */
export const mrRecordSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['childName', 'dob', 'uniqueChildId', 'campaign', 'batch', 'vaccinationDate', 'dose'],
  properties: {
    childName: text(256, 1),
    dob: date,
    gender: { enum: ['Male', 'Female', 'Other'] },
    guardianName: text(256),
    uniqueChildId: { type: 'string', pattern: '^[A-Z0-9-]{4,64}$' },
    district: text(128),
    state: text(128),
    country: { type: 'string', pattern: '^[A-Z]{2}$' },
    campaign: text(128, 1),
    vaccine: text(128, 1),
    manufacturer: text(128),
    batch: text(64, 1),
    vaccinationDate: date,
    dose: { type: ['integer', 'string'], pattern: '^[12]$', minimum: 1, maximum: 2 },
    sessionSite: text(256),
    vaccinatorName: text(256),
  },
};
