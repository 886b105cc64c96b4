import {
  cleanSummary,
  firstRecord,
  isJsonRecord,
  summaryCount,
  summaryDay,
  summaryText,
  typeNames,
  type CredentialSummary,
  type EventKind,
} from '@divoc/schemas';

/** The person and the event of a W3C / DIVOC credential (vaccination, test or recovery evidence). */
export function summarizeW3cCredential(credential: unknown): CredentialSummary {
  if (!isJsonRecord(credential)) return { event: 'other' };
  const subject = firstRecord(credential.credentialSubject) ?? {};
  const evidence = firstRecord(credential.evidence);
  const evidenceTypes = evidence ? typeNames(evidence.type) : [];
  const credentialTypes = typeNames(credential.type);
  let event: EventKind = 'other';
  if (evidenceTypes.includes('Vaccination') || credentialTypes.includes('ProofOfVaccinationCredential'))
    event = 'vaccination';
  else if (evidenceTypes.includes('TestDetails') || credentialTypes.includes('ProofOfTestCertificateCredential'))
    event = 'test';
  else if (evidenceTypes.includes('Recovery') || credentialTypes.includes('ProofOfRecoveryCredential'))
    event = 'recovery';
  const facility = isJsonRecord(evidence?.facility) ? evidence.facility : undefined;
  const facilityAddress = isJsonRecord(facility?.address) ? facility.address : undefined;
  const subjectAddress = isJsonRecord(subject.address) ? subject.address : undefined;
  const summary: CredentialSummary = {
    name: summaryText(subject.name),
    dateOfBirth: summaryDay(subject.dob ?? subject.birthDate),
    gender: summaryText(subject.gender),
    event,
  };
  if (evidence) {
    summary.certificateId = summaryText(evidence.certificateId) ?? certificateIdFromUrl(evidence.id);
    summary.country =
      summaryText(evidence.country) ??
      summaryText(facilityAddress?.addressCountry) ??
      summaryText(subjectAddress?.addressCountry);
    if (event === 'vaccination') {
      summary.vaccine = summaryText(evidence.vaccine);
      summary.vaccineCode = summaryText(evidence.icd11Code);
      summary.manufacturer = summaryText(evidence.manufacturer);
      summary.dose = summaryCount(evidence.dose);
      summary.totalDoses = summaryCount(evidence.totalDoses);
      summary.date = summaryDay(evidence.date) ?? summaryDay(evidence.effectiveStart);
    } else if (event === 'test') {
      summary.testType = summaryText(evidence.testType) ?? summaryText(evidence.testName);
      summary.testResult = summaryText(evidence.result);
      summary.manufacturer = summaryText(evidence.manufacturer);
      summary.date = summaryDay(evidence.sampleCollectionTimestamp);
    } else if (event === 'recovery') {
      summary.date = summaryDay(evidence.firstPositiveTestDate) ?? summaryDay(evidence.effectiveStart);
    }
  }
  return cleanSummary(summary);
}

function certificateIdFromUrl(id: unknown): string | undefined {
  const s = summaryText(id);
  const m = s ? /\/([^/?#]+)\/?$/.exec(s) : null;
  const last = m?.[1];
  return last === undefined || last === 'undefined' || last === 'null' ? undefined : last;
}
