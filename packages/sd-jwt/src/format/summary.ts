import { summaryDay, summaryText, type CredentialSummary, type EventKind } from '@divoc/schemas';
import { isJsonObject } from '@divoc/keys';
import { SD_JWT_VC_TYPES_BY_KIND } from '../claims.js';

const KIND_BY_VCT = new Map<string, EventKind>(
  Object.entries(SD_JWT_VC_TYPES_BY_KIND).map(([kind, vct]) => [vct, kind as EventKind]),
);

const numberOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;

/** The person and the event, read back from the disclosed claims (what the holder did not disclose stays absent). */
export function summarizeSdJwtVc(claims: unknown): CredentialSummary {
  if (!isJsonObject(claims)) return { event: 'other' };
  const c = claims;
  const event: EventKind =
    KIND_BY_VCT.get(String(c.vct)) ??
    (c.vaccination_date !== undefined
      ? 'vaccination'
      : c.test_result !== undefined
        ? 'test'
        : c.first_positive_date !== undefined
          ? 'recovery'
          : 'other');
  const code = (value: unknown) => (isJsonObject(value) ? value : {});
  const summary: CredentialSummary = {
    event,
    name:
      summaryText(c.name) ??
      ([summaryText(c.given_name), summaryText(c.family_name)].filter(Boolean).join(' ') || undefined),
    dateOfBirth: summaryDay(c.birthdate),
    gender: summaryText(c.sex),
    country: summaryText(c.country),
    certificateId: summaryText(c.certificate_id),
  };
  if (event === 'vaccination') {
    const vaccine = code(c.vaccine);
    Object.assign(summary, {
      vaccine: summaryText(c.vaccine_brand) ?? summaryText(vaccine.display) ?? summaryText(vaccine.code),
      vaccineCode: summaryText(vaccine.code),
      manufacturer: summaryText(c.vaccine_manufacturer),
      dose: numberOf(c.dose_number),
      totalDoses: numberOf(c.total_doses),
      date: summaryDay(c.vaccination_date),
    });
  } else if (event === 'test') {
    Object.assign(summary, {
      testType: summaryText(c.test_type),
      testResult: summaryText(c.test_result),
      date: summaryDay(c.sample_date),
    });
  } else if (event === 'recovery') {
    summary.date = summaryDay(c.first_positive_date);
  }
  return Object.fromEntries(Object.entries(summary).filter(([, v]) => v !== undefined)) as CredentialSummary;
}
