import {
  credentialFrame,
  registerCredentialType,
  type CredentialTypeDefinition,
  type ResolvedBuildOptions,
  type ValidationIssue,
} from '@divoc/schemas';
import { MR_CONTEXT_URL, mrContext } from './context.js';
import { MR_CREDENTIAL_TYPE, mrCredentialSchema, mrRecordSchema } from './schema.js';

export { MR_CONTEXT_URL, mrContext, MR_CREDENTIAL_TYPE, mrCredentialSchema, mrRecordSchema };

const s = (record: Readonly<Record<string, unknown>>, field: string): string | undefined =>
  record[field] === undefined ? undefined : String(record[field]).trim();

/** Maps a campaign record to the credential. Only called with a record that passed `mrRecordSchema`. */
function buildMeaslesRubella(
  record: Readonly<Record<string, unknown>>,
  options: ResolvedBuildOptions,
): Record<string, unknown> {
  const credential = credentialFrame(MR_CREDENTIAL_TYPE, [MR_CONTEXT_URL], options);
  const subject: Record<string, unknown> = {
    type: 'Child',
    id: `urn:mr-campaign:child:${s(record, 'uniqueChildId')}`,
    name: s(record, 'childName'),
    dob: s(record, 'dob'),
    uniqueChildId: s(record, 'uniqueChildId'),
  };
  for (const f of ['gender', 'guardianName', 'district', 'state', 'country'])
    if (s(record, f) !== undefined) subject[f] = s(record, f);
  const evidence: Record<string, unknown> = {
    id: `urn:mr-campaign:dose:${s(record, 'uniqueChildId')}:${s(record, 'dose')}`,
    type: ['MRVaccination'],
    campaign: s(record, 'campaign'),
    vaccine: s(record, 'vaccine') ?? 'Measles-Rubella (MR) vaccine',
    batch: s(record, 'batch'),
    date: s(record, 'vaccinationDate'),
    dose: Number(record.dose),
    totalDoses: 2,
  };
  if (s(record, 'manufacturer') !== undefined) evidence.manufacturer = s(record, 'manufacturer');
  if (s(record, 'sessionSite') !== undefined) evidence.sessionSite = s(record, 'sessionSite');
  if (s(record, 'vaccinatorName') !== undefined) evidence.vaccinator = s(record, 'vaccinatorName');
  credential.credentialSubject = subject;
  credential.evidence = [evidence];
  credential.nonTransferable = 'true';
  return credential;
}

/** MR vaccine is given from 9 months of age. */
function checkRecord(record: Readonly<Record<string, unknown>>): ValidationIssue[] {
  const dob = Date.parse(String(record.dob));
  const at = Date.parse(String(record.vaccinationDate));
  if (Number.isNaN(dob) || Number.isNaN(at)) return [];
  const nineMonths = new Date(dob);
  nineMonths.setUTCMonth(nineMonths.getUTCMonth() + 9);
  return at < nineMonths.getTime()
    ? [{ path: '$.vaccinationDate', keyword: 'minimumAge', message: 'MR vaccine is given from 9 months of age' }]
    : [];
}

/** The measles-rubella campaign credential type. */
export const measlesRubellaCredentialType: CredentialTypeDefinition = {
  name: 'measles-rubella',
  credentialType: MR_CREDENTIAL_TYPE,
  description: 'Measles-rubella (MR) campaign vaccination credential',
  contexts: { [MR_CONTEXT_URL]: mrContext },
  contextUrls: [MR_CONTEXT_URL],
  schema: mrCredentialSchema,
  recordSchema: mrRecordSchema,
  checkRecord,
  build: buildMeaslesRubella,
};

/** Adds the type to the SDK's default registry (idempotent). */
export function registerMeaslesRubella(): CredentialTypeDefinition {
  return registerCredentialType(measlesRubellaCredentialType);
}
