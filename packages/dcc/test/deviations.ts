/**
 * Cases of the EU dgc-testdata where this package deliberately disagrees with the file's EXPECTED* flag.
 * Each entry says why. Entries with `knownIssue` are listed upstream in `known_issues.csv` (the URL is the
 * upstream issue); the others carry a reason checked against the data (see the test that asserts it).
 * The harness test fails if a deviation stops deviating, so this list cannot go stale silently.
 */
import type { Flag } from './harness/dgc-testdata.js';

export interface Deviation {
  /** Path inside dgc-testdata. */
  file: string;
  flag: Flag;
  reason: string;
  /** known_issues.csv reference, when upstream lists it. */
  knownIssue?: string;
}

const NL_107 =
  'https://github.com/eu-digital-green-certificates/dgc-testdata/issues/107 (known_issues.csv: test_cose_schema,NL)';
const FR_141 =
  'https://github.com/eu-digital-green-certificates/dgc-testdata/issues/141 ' +
  '(known_issues.csv: test_cose_json,FR,test_pcr_ok)';

export const DEVIATIONS: readonly Deviation[] = [
  {
    file: 'FR/2DCode/raw/test_pcr_ok.json',
    flag: 'EXPECTEDVALIDJSON',
    knownIssue: FR_141,
    reason:
      'the JSON field has sc/dr two hours off the signed CBOR (12:34:56Z vs 14:34:56Z): the JSON, not the QR, is wrong',
  },
  {
    file: 'SG/2DCode/raw/4.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    reason:
      'r[0].fr/df/du are date-times ("2022-01-01T00:00:00.000Z") where DCC schema 1.3.3 requires `format: date` ' +
      '(ISO 8601 complete date); the payload also carries a non-schema "meta" object. The file declares SCHEMA 1.0.0.',
  },
  {
    file: 'NL/2DCode/raw/005-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/007-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/011-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/015-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/018-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/020-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/023-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/031-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/039-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/045-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/047-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/055-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/057-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/059-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/060-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/063-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/064-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2021-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/065-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '1963', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/066-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '1964-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/067-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '1963-00', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/068-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '1953-09-03', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/069-NL-test.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2000-02-29', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/073-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.v[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/087-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/103-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/104-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.v[0].sd: must be >= 1',
  },
  {
    file: 'NL/2DCode/raw/109-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.v[0].sd: must be >= 1',
  },
  {
    file: 'NL/2DCode/raw/111-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/119-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/120-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.v[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/121-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.v[0].dn: must be >= 1',
  },
  {
    file: 'NL/2DCode/raw/123-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.v[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/127-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/130-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.v[0].sd: must be >= 1',
  },
  {
    file: 'NL/2DCode/raw/135-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/136-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2021-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/137-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '1963', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/138-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '1964-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/140-NL-vaccination.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '1953-09-03', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/144-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.r[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/151-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/153-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.r[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/159-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/162-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.r[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/163-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.r[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/165-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.r[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/167-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/169-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.r[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/175-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/178-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.r[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/183-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/186-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.r[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/189-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.r[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/191-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/192-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.r[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/199-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/201-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.r[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/207-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/208-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2021-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/209-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '1963', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/210-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '1964-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/211-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '1963-00', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/212-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '1953-09-03', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/213-NL-recovery.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2000-02-29', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/216-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/217-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/223-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/226-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/231-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/239-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/240-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/245-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/247-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/252-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/255-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/257-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/258-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/263-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/264-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason: 'NL expects schema-valid; DCC schema 1.3.3 rejects it: $.t[0].co: must match pattern "[A-Z]{1,10}"',
  },
  {
    file: 'NL/2DCode/raw/271-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/279-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/281-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '1963', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/282-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '1964-01', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/283-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '1963-00', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/285-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2000-02-29', codes); " +
      'the payload conforms to 1.3.3',
  },
  {
    file: 'NL/2DCode/raw/287-NL-test+wrong_key.json',
    flag: 'EXPECTEDSCHEMAVALIDATION',
    knownIssue: NL_107,
    reason:
      "NL expects schema-invalid for a rule outside DCC schema 1.3.3 (dob '2023-01-01', codes); " +
      'the payload conforms to 1.3.3',
  },
];
