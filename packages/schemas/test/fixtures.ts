/** Sample registry records for the built-in templates (shared with the other packages' tests). */
export { recoveryRecord, testRecord, vaccinationRecord } from '../../../test/support/fixtures.js';
import { vaccinationRecord } from '../../../test/support/fixtures.js';

export const vaccinationV2Record = { ...vaccinationRecord, nextDoseDueDate: '2021-06-01', targetDisease: 'COVID-19' };
