import type { CredentialRecord, CredentialTypeDefinition, ResolvedBuildOptions } from '../registry/definition.js';
import { recoveryCredentialSchema } from '../schemas/credentials.js';
import { DRAFT_2020_12, dateOrDateTime, text } from '../schemas/parts.js';
import type { JsonSchema } from '../schemas/parts.js';
import type { ValidationIssue } from '../types.js';
import { CONTEXT_URLS } from '../contexts/urls.js';
import {
  address,
  certificateId,
  credentialFrame,
  evidenceBase,
  facilityRecordProperties,
  has,
  hostContexts,
  notBefore,
  personRecordChecks,
  personRecordProperties,
  str,
  subjectId,
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
  const subject: Record<string, unknown> = { type: 'Person' };
  const id = subjectId(record);
  if (id !== undefined) subject.id = id;
  if (has(record, 'refId') || has(record, 'preEnrollmentCode')) subject.refId = has(record, 'refId') ? str(record, 'refId') : str(record, 'preEnrollmentCode');
  subject.name = str(record, 'name');
  subject.dob = toDate(str(record, 'dob'));
  if (has(record, 'age')) subject.age = str(record, 'age');
  if (has(record, 'gender')) subject.gender = str(record, 'gender');
  if (has(record, 'nationality')) subject.nationality = str(record, 'nationality');
  subject.address = address(record);

  const certId = certificateId(record);
  const evidence: Record<string, unknown> = {
    id: `${evidenceBase(options)}/recovery/${encodeURIComponent(certId)}`,
    certificateId: certId,
    type: ['Recovery'],
    disease: str(record, 'disease'),
    firstPositiveTestDate: toDate(str(record, 'firstPositiveTestDate')),
    effectiveStart: toDate(str(record, 'validFrom')),
    effectiveUntil: validUntil,
    country: str(record, 'country'),
  };
  if (has(record, 'verifierName')) evidence.verifier = { name: str(record, 'verifierName') };
  if (has(record, 'facilityName')) evidence.facility = { name: str(record, 'facilityName'), address: address(record, 'facility') };
  credential.credentialSubject = subject;
  credential.evidence = [evidence];
  credential.nonTransferable = 'true';
  return credential;
}

function recoveryChecks(credential: Readonly<Record<string, unknown>>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [i, e] of (credential.evidence as Array<Record<string, unknown>>).entries()) {
    const first = String(e.firstPositiveTestDate);
    const from = String(e.effectiveStart);
    const until = String(e.effectiveUntil);
    if (from < first) issues.push({ path: `$.evidence[${i}].effectiveStart`, keyword: 'order', message: 'must not be before firstPositiveTestDate' });
    if (until < from) issues.push({ path: `$.evidence[${i}].effectiveUntil`, keyword: 'order', message: 'must not be before effectiveStart' });
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
