import type { CredentialRecord, CredentialTypeDefinition, ResolvedBuildOptions } from '../registry/definition.js';
import { testCertificateCredentialSchema } from '../schemas/credentials.js';
import { DRAFT_2020_12, dateOrDateTime, text } from '../schemas/parts.js';
import type { JsonSchema } from '../schemas/parts.js';
import { CONTEXT_URLS } from '../contexts/urls.js';
import {
  credentialFrame,
  divocCertificate,
  evidenceHead,
  facility,
  facilityRecordProperties,
  has,
  hostContexts,
  notBefore,
  personRecordChecks,
  personRecordProperties,
  personSubject,
  refId,
  str,
  templateContexts,
  toDate,
  toTimestamp,
} from './common.js';

/** Flat record for `test`. */
export const testRecordSchema: JsonSchema = {
  $schema: DRAFT_2020_12,
  title: 'Test certificate record (DIVOC testCertificate v1)',
  type: 'object',
  required: ['name', 'testType', 'sampleCollectionTimestamp', 'result'],
  properties: {
    ...personRecordProperties,
    ...facilityRecordProperties,
    testName: text(256),
    testType: text(128, 1),
    sampleOrigin: text(128),
    sampleCollectionTimestamp: dateOrDateTime,
    resultTimestamp: dateOrDateTime,
    result: text(64, 1),
    manufacturer: text(256),
    batch: text(64),
    disease: text(128),
    verifierName: text(256),
  },
};

function buildTest(record: Readonly<CredentialRecord>, options: ResolvedBuildOptions): Record<string, unknown> {
  const credential = credentialFrame(
    'ProofOfTestCertificateCredential',
    templateContexts(options, [hostContexts(options).testCertificateV1]),
    options,
  );
  const dob = has(record, 'dob') ? toDate(str(record, 'dob')) : undefined;
  const subject = personSubject(record, { refId: refId(record), dob, age: undefined });
  const evidence: Record<string, unknown> = {
    ...evidenceHead(record, options, 'test', 'TestDetails'),
    batch: str(record, 'batch'),
    testName: str(record, 'testName'),
    testType: str(record, 'testType'),
    manufacturer: str(record, 'manufacturer'),
    disease: str(record, 'disease'),
    sampleOrigin: str(record, 'sampleOrigin'),
    sampleCollectionTimestamp: toTimestamp(str(record, 'sampleCollectionTimestamp')),
  };
  if (has(record, 'resultTimestamp')) evidence.resultTimestamp = toTimestamp(str(record, 'resultTimestamp'));
  evidence.result = str(record, 'result');
  evidence.verifier = { name: str(record, 'verifierName') };
  evidence.facility = facility(record);
  return divocCertificate(credential, subject, evidence);
}

/**
 * `test`: DIVOC's `ProofOfTestCertificateCredential`. Default context SDK v2; `context: 'divoc-legacy'` signs with
 * DIVOC's testCertificate context v1.
 */
export const testCertificateCredentialType: CredentialTypeDefinition = {
  name: 'test',
  credentialType: 'ProofOfTestCertificateCredential',
  description: 'DIVOC test certificate (SDK v2 context; legacy: DIVOC testCertificate context v1)',
  contexts: {},
  contextUrls: [CONTEXT_URLS.DIVOC_SDK_V2],
  schema: testCertificateCredentialSchema,
  recordSchema: testRecordSchema,
  checkRecord: (record) => [
    ...personRecordChecks(record),
    ...notBefore(record, 'sampleCollectionTimestamp', 'resultTimestamp'),
  ],
  check: (credential) => {
    const issues = [];
    for (const [i, e] of (credential.evidence as Array<Record<string, unknown>>).entries()) {
      if (
        typeof e.sampleCollectionTimestamp === 'string' &&
        typeof e.resultTimestamp === 'string' &&
        Date.parse(e.resultTimestamp) < Date.parse(e.sampleCollectionTimestamp)
      ) {
        issues.push({
          path: `$.evidence[${i}].resultTimestamp`,
          keyword: 'order',
          message: 'must not be before sampleCollectionTimestamp',
        });
      }
    }
    return issues;
  },
  build: buildTest,
};
