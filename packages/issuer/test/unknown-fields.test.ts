import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkRecordFields,
  findUnknownFields,
  issueAllFormats,
  IssuerUnknownFieldsError,
  type IssueAllFormatsOptions,
} from '../src/index.js';
import { createFixture, ISSUED_AT, ISSUER } from './fixtures.js';
import { diacritics, sinhalaVaccination } from './records.js';

// The one unknown-field rule of the SDK (issue 14): `divoc issue`, the service and the worker all go through it.
let options: IssueAllFormatsOptions;
beforeAll(async () => {
  const fixture = await createFixture();
  options = { keys: fixture.keys, issuer: ISSUER, issuanceDate: ISSUED_AT, formats: ['w3c-vc', 'dcc'] };
});

describe('unknown record fields', () => {
  it('are rejected by default with a typed error naming each field, and a near match', async () => {
    const record = { ...diacritics, facilitycountry: 'ES', wardNumber: '7' };
    const error = await issueAllFormats({ record, template: 'vaccination-v2' }, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IssuerUnknownFieldsError);
    expect(error).toMatchObject({
      code: 'ERR_ISSUER_RECORD_UNKNOWN_FIELDS',
      fields: [{ field: 'facilitycountry', suggestion: 'facilityCountry' }, { field: 'wardNumber' }],
      issues: [
        { path: '$.facilitycountry', message: expect.stringContaining('did you mean "facilityCountry"') },
        { path: '$.wardNumber', message: 'unknown field for template vaccination-v2' },
      ],
    });
    expect((error as Error).message).toContain('"wardNumber"');
    // Positive control: the same record without them issues.
    const issued = await issueAllFormats({ record: diacritics, template: 'vaccination-v2' }, options);
    expect(issued.outputs['w3c-vc']).toBeDefined();
  });

  it('quote hostile field names cut short, and name at most 20 of them (control: a short name whole)', () => {
    const long = 'x'.repeat(10_000);
    const record: Record<string, unknown> = { ...diacritics, [long]: '1' };
    for (let i = 0; i < 50; i++) record[`extra${i}`] = i;
    const error = (() => {
      try {
        checkRecordFields('vaccination-v2', record);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(IssuerUnknownFieldsError);
    const { message, fields, issues } = error as IssuerUnknownFieldsError;
    expect(fields).toHaveLength(51);
    expect(message).not.toContain(long);
    expect(message).toContain(`"${'x'.repeat(100)}…"`);
    expect(message).toContain('"extra0"');
    expect(message).toContain('and 31 more');
    expect(message.length).toBeLessThan(1_000);
    expect(issues[0]!.path.length).toBeLessThanOrEqual(102);
  });

  it("unknownFields: 'ignore' drops them and issues", async () => {
    const record = { ...diacritics, wardNumber: '7' };
    const issued = await issueAllFormats(
      { record, template: 'vaccination-v2' },
      { ...options, unknownFields: 'ignore' },
    );
    expect(JSON.stringify(issued.outputs['w3c-vc']?.credential)).not.toContain('wardNumber');
    expect(checkRecordFields('vaccination-v2', record, 'ignore')).toEqual(diacritics);
    await expect(
      issueAllFormats({ record, template: 'vaccination-v2' }, { ...options, unknownFields: 'drop' as never }),
    ).rejects.toMatchObject({ code: 'ERR_ISSUER_INPUT_INVALID' });
  });

  it('knows the DCC name fields (nameLatin, familyName/givenName and their Latin forms) of every template', () => {
    const names = ['nameLatin', 'familyName', 'givenName', 'familyNameLatin', 'givenNameLatin', 'certificateId'];
    for (const template of ['vaccination', 'vaccination-v2', 'test', 'recovery'])
      expect(findUnknownFields(template, names), template).toEqual([]);
    expect(findUnknownFields('vaccination', ['nameLatn'])).toEqual([{ field: 'nameLatn', suggestion: 'nameLatin' }]);
    // A type that declares no record fields is not checked.
    expect(findUnknownFields('no-such-template', ['anything'])).toEqual([]);
  });

  it('a Sinhala name with its Latin transliteration issues a DCC with fnt/gnt from it', async () => {
    const issued = await issueAllFormats({ record: sinhalaVaccination, template: 'vaccination-v2' }, options);
    const nam = issued.outputs.dcc?.payload.nam;
    expect(nam).toMatchObject({ fnt: 'SILVA', gnt: 'NIMALI' });
  });
});
