/** Registry records for buildCredential (trimmed copies of the shared records @divoc/schemas is tested with). */
import {
  omit,
  pick,
  recoveryRecord as fullRecoveryRecord,
  shortVaccinationRecord,
  testRecord as fullTestRecord,
} from '../../../test/support/fixtures.js';

export const vaccinationRecord = shortVaccinationRecord;

export const testRecord = omit(fullTestRecord, ['identity', 'identityType', 'manufacturer']);

export const recoveryRecord = {
  ...pick(fullRecoveryRecord, [
    'refId',
    'name',
    'dob',
    'country',
    'firstPositiveTestDate',
    'validFrom',
    'validUntil',
    'facilityName',
    'facilityCountry',
  ]),
  facilityName: 'City Lab',
};
