import type { CredentialRecord, CredentialTypeDefinition, ResolvedBuildOptions } from '../registry/definition.js';
import { vaccinationCredentialSchema, vaccinationV2CredentialSchema } from '../schemas/credentials.js';
import {
  date,
  DRAFT_2020_12,
  dateOrDateTime,
  dose,
  text,
  vaccinationV1Urls,
  vaccinationV2Urls,
} from '../schemas/parts.js';
import type { JsonSchema } from '../schemas/parts.js';
import type { ValidationIssue } from '../types.js';
import { resolveVaccine } from '../valuesets/vaccines.js';
import { CONTEXT_URLS } from '../contexts/urls.js';
import {
  ageAt,
  credentialFrame,
  divocCertificate,
  evidenceHead,
  facility,
  facilityRecordProperties,
  has,
  hostContexts,
  int,
  notBefore,
  personRecordChecks,
  personRecordProperties,
  personSubject,
  refId,
  str,
  templateContexts,
  toDate,
  toTimestamp,
  usesContext,
} from './common.js';

const vaccinationRecordProperties: Record<string, JsonSchema> = {
  ...personRecordProperties,
  ...facilityRecordProperties,
  vaccine: text(128, 1),
  manufacturer: text(128),
  batch: text(64),
  vaccinationDate: dateOrDateTime,
  effectiveStart: dateOrDateTime,
  effectiveUntil: dateOrDateTime,
  dose,
  totalDoses: dose,
  vaccinatorName: text(256),
};

/** Flat record for `vaccination` (DIVOC v1 shape). `dob` or `age` is needed; the credential carries age. */
export const vaccinationRecordSchema: JsonSchema = {
  $schema: DRAFT_2020_12,
  title: 'Vaccination record (DIVOC v1)',
  type: 'object',
  required: ['name', 'vaccine', 'vaccinationDate', 'dose', 'totalDoses'],
  properties: vaccinationRecordProperties,
};

/** Flat record for `vaccination-v2` (WHO DDCC:VS). */
export const vaccinationV2RecordSchema: JsonSchema = {
  $schema: DRAFT_2020_12,
  title: 'Vaccination record (DIVOC v2 / WHO DDCC:VS)',
  type: 'object',
  required: ['name', 'dob', 'vaccine', 'batch', 'vaccinationDate', 'dose', 'facilityName', 'facilityCountry'],
  properties: {
    ...vaccinationRecordProperties,
    batch: text(64, 1),
    icd11Code: (
      vaccinationV2CredentialSchema as {
        properties: { evidence: { items: { properties: { icd11Code: JsonSchema } } } };
      }
    ).properties.evidence.items.properties.icd11Code,
    prophylaxis: text(128),
    targetDisease: text(128),
    nextDoseDueDate: date,
  },
};

function vaccinationRecordChecks(record: Readonly<CredentialRecord>, v2: boolean): ValidationIssue[] {
  const issues = personRecordChecks(record);
  if (!v2 && !has(record, 'dob') && !has(record, 'age')) {
    issues.push({ path: '$.dob', keyword: 'required', message: 'dob (or age) is required' });
  }
  if (v2 && !has(record, 'icd11Code') && resolveVaccine(str(record, 'vaccine')) === undefined) {
    issues.push({
      path: '$.icd11Code',
      keyword: 'required',
      message: 'is required: the vaccine name is not one resolveVaccine() knows',
    });
  }
  const d = int(record, 'dose');
  const total = int(record, 'totalDoses');
  if (d !== undefined && total !== undefined && d > total) {
    issues.push({ path: '$.dose', keyword: 'maximum', message: 'must not exceed totalDoses' });
  }
  issues.push(...notBefore(record, 'dob', 'vaccinationDate'));
  issues.push(...notBefore(record, 'effectiveStart', 'effectiveUntil'));
  return issues;
}

function vaccinationChecks(credential: Readonly<Record<string, unknown>>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const evidence = credential.evidence as Array<Record<string, unknown>>;
  evidence.forEach((e, i) => {
    const d = Number(e.dose);
    const t = Number(e.totalDoses);
    if (e.dose !== '' && e.totalDoses !== '' && e.dose !== undefined && e.totalDoses !== undefined && d > t) {
      issues.push({ path: `$.evidence[${i}].dose`, keyword: 'maximum', message: 'must not exceed totalDoses' });
    }
  });
  return issues;
}

function buildVaccination(
  record: Readonly<CredentialRecord>,
  options: ResolvedBuildOptions,
  v2: boolean,
): Record<string, unknown> {
  const urls = hostContexts(options);
  const contexts = templateContexts(
    options,
    v2 ? [urls.vaccinationV2, CONTEXT_URLS.DIVOC_SDK_V1] : [urls.vaccinationV1],
  );
  const credential = credentialFrame('ProofOfVaccinationCredential', contexts, options);
  const vaccinationDate = str(record, 'vaccinationDate');

  // DIVOC writes age as a string; v1 has no dob term, so age is derived from dob when only dob is given.
  let age: string | undefined;
  if (has(record, 'age')) age = str(record, 'age');
  else if (!v2 && has(record, 'dob')) age = String(ageAt(str(record, 'dob'), vaccinationDate));
  const dob = v2 ? toDate(str(record, 'dob')) : undefined;
  const subject = personSubject(record, { refId: refId(record), dob, age });

  const evidence: Record<string, unknown> = {
    ...evidenceHead(record, options, 'vaccine', 'Vaccination'),
    batch: str(record, 'batch'),
    vaccine: str(record, 'vaccine'),
    manufacturer: str(record, 'manufacturer'),
    date: toTimestamp(vaccinationDate),
    effectiveStart: toDate(has(record, 'effectiveStart') ? str(record, 'effectiveStart') : vaccinationDate),
  };
  if (has(record, 'effectiveUntil')) evidence.effectiveUntil = toDate(str(record, 'effectiveUntil'));
  evidence.dose = int(record, 'dose');
  evidence.totalDoses = int(record, 'totalDoses');
  if (v2) {
    const known = resolveVaccine(str(record, 'vaccine'));
    evidence.icd11Code = has(record, 'icd11Code') ? str(record, 'icd11Code') : known!.icd11;
    evidence.prophylaxis = has(record, 'prophylaxis') ? str(record, 'prophylaxis') : (known?.platform ?? '');
    if (has(record, 'targetDisease')) evidence.targetDisease = str(record, 'targetDisease');
    if (has(record, 'nextDoseDueDate')) evidence.nextDoseDueDate = toDate(str(record, 'nextDoseDueDate'));
    if (evidence.manufacturer === '' && known) evidence.manufacturer = known.manufacturerName;
  }
  evidence.verifier = { name: str(record, 'vaccinatorName') };
  evidence.facility = facility(record);
  return divocCertificate(credential, subject, evidence);
}

/**
 * With the SDK v2 context both vaccination shapes name the same context: the DDCC (v2) shape is the one with a date
 * of birth or an ICD-11 code, which the v2 schema requires and the v1 schema does not allow.
 */
function isDdccShape(credential: Readonly<Record<string, unknown>>): boolean {
  const subject = credential.credentialSubject;
  const evidence = Array.isArray(credential.evidence) ? (credential.evidence[0] as unknown) : credential.evidence;
  const has = (o: unknown, key: string): boolean => typeof o === 'object' && o !== null && Object.hasOwn(o, key);
  return has(subject, 'dob') || has(evidence, 'icd11Code');
}

/**
 * `vaccination`: DIVOC's `ProofOfVaccinationCredential`, India's deployed shape. Default context SDK v2;
 * `context: 'divoc-legacy'` signs with DIVOC's vaccination context v1.
 */
export const vaccinationCredentialType: CredentialTypeDefinition = {
  name: 'vaccination',
  credentialType: 'ProofOfVaccinationCredential',
  description: 'DIVOC vaccination certificate (SDK v2 context; legacy: DIVOC vaccination context v1)',
  contexts: {},
  contextUrls: [CONTEXT_URLS.DIVOC_SDK_V2],
  schema: vaccinationCredentialSchema,
  recordSchema: vaccinationRecordSchema,
  matches: (credential) =>
    usesContext(credential, vaccinationV1Urls) ||
    (usesContext(credential, [CONTEXT_URLS.DIVOC_SDK_V2]) && !isDdccShape(credential)),
  check: vaccinationChecks,
  checkRecord: (record) => vaccinationRecordChecks(record, false),
  build: (record, options) => buildVaccination(record, options, false),
};

/**
 * `vaccination-v2`: WHO DDCC:VS data (dob, ICD-11, prophylaxis). Default context SDK v2; `context: 'divoc-legacy'`
 * signs with DIVOC's vaccination context v2 + the SDK v1 context.
 */
export const vaccinationV2CredentialType: CredentialTypeDefinition = {
  name: 'vaccination-v2',
  credentialType: 'ProofOfVaccinationCredential',
  description:
    'DIVOC vaccination certificate, WHO DDCC:VS profile (SDK v2 context; legacy: DIVOC vaccination context v2)',
  contexts: {},
  contextUrls: [CONTEXT_URLS.DIVOC_SDK_V2],
  schema: vaccinationV2CredentialSchema,
  recordSchema: vaccinationV2RecordSchema,
  matches: (credential) =>
    usesContext(credential, vaccinationV2Urls) ||
    (usesContext(credential, [CONTEXT_URLS.DIVOC_SDK_V2]) && isDdccShape(credential)),
  check: (credential) => {
    const issues = vaccinationChecks(credential);
    // An SDK context defines these two; without one JSON-LD signing would silently drop them.
    if (!usesContext(credential, [CONTEXT_URLS.DIVOC_SDK_V1, CONTEXT_URLS.DIVOC_SDK_V2])) {
      (credential.evidence as Array<Record<string, unknown>>).forEach((e, i) => {
        for (const term of ['targetDisease', 'nextDoseDueDate']) {
          if (Object.hasOwn(e, term)) {
            issues.push({
              path: `$.evidence[${i}].${term}`,
              keyword: 'context',
              message: `needs the ${CONTEXT_URLS.DIVOC_SDK_V1} context`,
            });
          }
        }
      });
    }
    return issues;
  },
  checkRecord: (record) => vaccinationRecordChecks(record, true),
  build: (record, options) => buildVaccination(record, options, true),
};
