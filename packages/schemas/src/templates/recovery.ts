import type { CredentialRecord, CredentialTypeDefinition, ResolvedBuildOptions } from '../registry/definition.js';
import { recoveryCredentialSchema } from '../schemas/credentials.js';
import { DRAFT_2020_12, dateOrDateTime, text } from '../schemas/parts.js';
import type { JsonSchema } from '../schemas/parts.js';
import type { ValidationIssue } from '../types.js';
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
} from './common.js';

/** Flat record for `recovery`. */
export const recoveryRecordSchema: JsonSchema = {
  $schema: DRAFT_2020_12,
  title: 'Recovery record',
  type: 'object',
  required: ['name', 'dob', 'disease', 'firstPositiveTestDate', 'validFrom', 'validUntil', 'country'],
  properties: {
    ...personRecordProperties,
    ...facilityRecordProperties,
    disease: text(128, 1),
    firstPositiveTestDate: dateOrDateTime,
    validFrom: dateOrDateTime,
    validUntil: dateOrDateTime,
    country: text(64, 1),
    verifierName: text(256),
  },
};

function buildRecovery(record: Readonly<CredentialRecord>, options: ResolvedBuildOptions): Record<string, unknown> {
  const validUntil = toDate(str(record, 'validUntil'));
  // The certificate lapses with the recovery statement (end of its last day, UTC) unless told otherwise.
  const credential = credentialFrame(
    'ProofOfRecoveryCredential',
    templateContexts(options, [hostContexts(options).vaccinationV2, CONTEXT_URLS.DIVOC_SDK_V1]),
    { ...options, expirationDate: options.expirationDate ?? `${validUntil}T23:59:59Z` },
  );
  // Unlike the other templates, a recovery statement carries `refId` only when the record has one.
  const ref = has(record, 'refId') || has(record, 'preEnrollmentCode') ? refId(record) : undefined;
  const age = has(record, 'age') ? str(record, 'age') : undefined;
  const subject = personSubject(record, { refId: ref, dob: toDate(str(record, 'dob')), age });
  const evidence: Record<string, unknown> = {
    ...evidenceHead(record, options, 'recovery', 'Recovery'),
    disease: str(record, 'disease'),
    firstPositiveTestDate: toDate(str(record, 'firstPositiveTestDate')),
    effectiveStart: toDate(str(record, 'validFrom')),
    effectiveUntil: validUntil,
    country: str(record, 'country'),
  };
  if (has(record, 'verifierName')) evidence.verifier = { name: str(record, 'verifierName') };
  if (has(record, 'facilityName')) evidence.facility = facility(record);
  return divocCertificate(credential, subject, evidence);
}

function recoveryChecks(credential: Readonly<Record<string, unknown>>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [i, e] of (credential.evidence as Array<Record<string, unknown>>).entries()) {
    const first = String(e.firstPositiveTestDate);
    const from = String(e.effectiveStart);
    const until = String(e.effectiveUntil);
    if (from < first)
      issues.push({
        path: `$.evidence[${i}].effectiveStart`,
        keyword: 'order',
        message: 'must not be before firstPositiveTestDate',
      });
    if (until < from)
      issues.push({
        path: `$.evidence[${i}].effectiveUntil`,
        keyword: 'order',
        message: 'must not be before effectiveStart',
      });
  }
  return issues;
}

/**
 * `recovery`: this SDK's `ProofOfRecoveryCredential` (subject per vaccination v2, `Recovery` evidence). Default
 * context SDK v2; `context: 'divoc-legacy'` signs with DIVOC's vaccination context v2 + the SDK v1 context.
 */
export const recoveryCredentialType: CredentialTypeDefinition = {
  name: 'recovery',
  credentialType: 'ProofOfRecoveryCredential',
  description: 'Recovery certificate (SDK v2 context; legacy: DIVOC vaccination context v2 + SDK context v1)',
  contexts: {},
  contextUrls: [CONTEXT_URLS.DIVOC_SDK_V2],
  schema: recoveryCredentialSchema,
  recordSchema: recoveryRecordSchema,
  check: recoveryChecks,
  checkRecord: (record) => [
    ...personRecordChecks(record, false),
    ...notBefore(record, 'firstPositiveTestDate', 'validFrom'),
    ...notBefore(record, 'validFrom', 'validUntil'),
  ],
  build: buildRecovery,
};
