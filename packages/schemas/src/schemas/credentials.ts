/** JSON Schemas of the built-in credential types. */
import { CONTEXT_URLS } from '../contexts/urls.js';
import {
  age,
  credentialEnvelope,
  date,
  dateOrDateTime,
  dateTime,
  dose,
  doseOrBlank,
  facility,
  idValue,
  iri,
  postalAddress,
  testCertificateV1Urls,
  text,
  typeNaming,
  vaccinationV1Urls,
  vaccinationV2Urls,
  verifier,
  type JsonSchema,
} from './parts.js';

const SCHEMA_BASE = 'https://divoc.dev/credentials/sdk/schemas/';

/** Certificate bookkeeping DIVOC puts on every evidence entry. */
const evidenceCommon = {
  id: iri,
  certificateId: idValue(128),
  feedbackUrl: text(2048),
  infoUrl: text(2048),
  verifier,
} as const;

/**
 * DIVOC's `Person` subject: the members every built-in type shares, plus `dob` and `age` where its context defines
 * them; `required` adds to `type` and `name`.
 */
function personSubjectSchema(terms: { dob: boolean; age: boolean }, required: readonly string[] = []): JsonSchema {
  return {
    type: 'object',
    required: ['type', 'name', ...required],
    properties: {
      type: typeNaming('Person'),
      id: iri,
      refId: idValue(128),
      uhid: idValue(128),
      name: text(256, 1),
      ...(terms.dob ? { dob: date } : {}),
      ...(terms.age ? { age } : {}),
      gender: text(32),
      nationality: text(64),
      address: postalAddress(),
    },
    additionalProperties: false,
  };
}

const personV1 = personSubjectSchema({ dob: false, age: true });

/** The SDK v2 context: every term of the built-in templates with its own IRI (their default). */
const sdkV2 = CONTEXT_URLS.DIVOC_SDK_V2;

/** DIVOC `ProofOfVaccinationCredential`, the shape deployed in India: SDK v2 context, or DIVOC's vaccination v1. */
export const vaccinationCredentialSchema: JsonSchema = credentialEnvelope({
  $id: `${SCHEMA_BASE}vaccination/v1.json`,
  title: 'DIVOC vaccination certificate (SDK v2 context or DIVOC vaccination context v1)',
  credentialType: 'ProofOfVaccinationCredential',
  requiredContexts: [[...vaccinationV1Urls, sdkV2]],
  credentialSubject: personV1,
  evidence: {
    type: 'object',
    required: ['type', 'vaccine', 'date'],
    properties: {
      ...evidenceCommon,
      type: typeNaming('Vaccination'),
      batch: text(64),
      vaccine: text(128, 1),
      manufacturer: text(128),
      date: dateOrDateTime,
      effectiveStart: dateOrDateTime,
      effectiveUntil: dateOrDateTime,
      dose: doseOrBlank,
      totalDoses: doseOrBlank,
      facility: facility(),
    },
    additionalProperties: false,
  },
});

/** ICD-11 code: letters/digits, optional `.` sub-codes, `&`/`/` post-coordination. */
const icd11: JsonSchema = {
  type: 'string',
  maxLength: 64,
  pattern: '^[0-9A-Z]{2,8}(\\.[0-9A-Z]{1,4})?([&/][0-9A-Z]{2,8}(\\.[0-9A-Z]{1,4})?)*$',
  description: 'an ICD-11 code such as XM9QW8',
};

/** The DDCC-profile subject (date of birth required): shared by vaccination v2 and recovery. */
function ddccPersonSubject(): JsonSchema {
  return personSubjectSchema({ dob: true, age: true }, ['dob']);
}

/**
 * DIVOC vaccination v2 context, aligned with the WHO DDCC:VS core data set: date of birth, ICD-11 vaccine
 * code, prophylaxis, dose number and country of vaccination (facility address) are required; the SDK
 * context adds `targetDisease` and `nextDoseDueDate`.
 */
export const vaccinationV2CredentialSchema: JsonSchema = credentialEnvelope({
  $id: `${SCHEMA_BASE}vaccination/v2.json`,
  title: 'DIVOC vaccination certificate, WHO DDCC:VS profile (SDK v2 context or DIVOC vaccination context v2)',
  credentialType: 'ProofOfVaccinationCredential',
  requiredContexts: [[...vaccinationV2Urls, sdkV2]],
  credentialSubject: ddccPersonSubject(),
  evidence: {
    type: 'object',
    required: ['type', 'vaccine', 'icd11Code', 'batch', 'date', 'dose', 'facility'],
    properties: {
      ...evidenceCommon,
      type: typeNaming('Vaccination'),
      batch: text(64, 1),
      vaccine: text(128, 1),
      manufacturer: text(128),
      date: dateOrDateTime,
      icd11Code: icd11,
      prophylaxis: text(128),
      targetDisease: text(128),
      effectiveStart: dateOrDateTime,
      effectiveUntil: dateOrDateTime,
      nextDoseDueDate: date,
      dose,
      totalDoses: dose,
      facility: facility(['name', 'address'], ['addressCountry']),
    },
    additionalProperties: false,
  },
});

/** DIVOC `ProofOfTestCertificateCredential` (SDK v2 context, or DIVOC's testCertificate context v1). */
export const testCertificateCredentialSchema: JsonSchema = credentialEnvelope({
  $id: `${SCHEMA_BASE}test-certificate/v1.json`,
  title: 'DIVOC test certificate (SDK v2 context or DIVOC testCertificate context v1)',
  credentialType: 'ProofOfTestCertificateCredential',
  requiredContexts: [[...testCertificateV1Urls, sdkV2]],
  credentialSubject: personSubjectSchema({ dob: true, age: false }),
  evidence: {
    type: 'object',
    required: ['type', 'testType', 'sampleCollectionTimestamp', 'result'],
    properties: {
      ...evidenceCommon,
      type: typeNaming('TestDetails'),
      batch: text(64),
      testName: text(256),
      testType: text(128, 1),
      manufacturer: text(256),
      disease: text(128),
      sampleOrigin: text(128),
      sampleCollectionTimestamp: dateTime,
      resultTimestamp: dateTime,
      result: text(64, 1),
      facility: facility(),
    },
    additionalProperties: false,
  },
});

/**
 * This SDK's `ProofOfRecoveryCredential`: subject as in vaccination v2, a `Recovery` evidence entry. SDK v2 context,
 * or (legacy) DIVOC's vaccination v2 + the SDK v1 context.
 */
export const recoveryCredentialSchema: JsonSchema = credentialEnvelope({
  $id: `${SCHEMA_BASE}recovery/v1.json`,
  title: 'Recovery certificate (SDK v2 context, or DIVOC vaccination context v2 + SDK context v1)',
  credentialType: 'ProofOfRecoveryCredential',
  requiredContexts: [[sdkV2]],
  contextProfiles: [[[sdkV2]], [vaccinationV2Urls, [CONTEXT_URLS.DIVOC_SDK_V1]]],
  credentialSubject: ddccPersonSubject(),
  evidence: {
    type: 'object',
    required: ['type', 'disease', 'firstPositiveTestDate', 'effectiveStart', 'effectiveUntil', 'country'],
    properties: {
      ...evidenceCommon,
      type: typeNaming('Recovery'),
      disease: text(128, 1),
      firstPositiveTestDate: date,
      effectiveStart: date,
      effectiveUntil: date,
      country: text(64, 1),
      // The SDK context's Recovery scope defines verifier.name and facility.name/address only.
      verifier: { type: 'object', properties: { name: text(256) }, additionalProperties: false },
      facility: {
        type: 'object',
        properties: { name: text(256), address: postalAddress() },
        additionalProperties: false,
      },
    },
    additionalProperties: false,
  },
});
