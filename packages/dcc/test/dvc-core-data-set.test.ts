import { describe, expect, it } from 'vitest';
import { vectorJson } from '../../../test/support/vectors.js';
import { dvcCoreDataSet, dvcPayloadOf, dvcProfileOf, validateDvcPayload, DVC_SYSTEMS } from '../src/index.js';

/** WHO's decoded form of the real DVC: the payload under -260 → -6. */
const unpacked = vectorJson('who/dvc/DVCTestQRUnpacked.json') as {
  contents: { '-260': { '-6': Record<string, unknown> } };
};
const realPayload = unpacked.contents['-260']['-6'];

describe('dvcCoreDataSet', () => {
  it('reads the real DVC with its ICD-11 codes and person facts', () => {
    const ddcc = dvcCoreDataSet(realPayload);
    expect(ddcc.kind).toBe('vaccination');
    if (ddcc.kind !== 'vaccination') return;
    expect(ddcc.person).toMatchObject({
      name: { text: 'Aulo Agerio' },
      birthDate: '1905-08-23',
      sex: 'male',
      nationality: 'CL',
      nationalId: '16337361-9',
      identifier: '16337361-9',
      guardian: 'Parent/Juan Medina',
    });
    expect(ddcc.vaccination).toMatchObject({
      vaccine: { code: 'XM0N24', system: 'http://id.who.int/icd/release/11/mms' },
      disease: { code: '1D47', system: 'http://id.who.int/icd/release/11/mms' },
      date: '1904-08-23',
      dose: 0,
      doseText: 'Primary',
      lot: '123123123',
      manufacturer: { display: 'HIPRA' },
      manufacturerId: '25',
      product: { code: '1' },
      practitioner: 'Vacunador',
      validFrom: '2015-02-07',
      validUntil: '2015-02-07',
    });
    expect(ddcc.certificate).toMatchObject({
      issuer: { id: 'reference to organzation' },
      period: { start: '2015-02-07', end: '2015-02-07' },
      type: 'DigitalVaccinationCertificate',
    });
    expect(validateDvcPayload(realPayload)).toEqual([]);
    expect(dvcProfileOf(realPayload)).toBe('dvc');
  });

  it('round-trips through dvcPayloadOf (dvc and icvp)', () => {
    expect(dvcPayloadOf(dvcCoreDataSet(realPayload), 'dvc')).toEqual({ ...realPayload, s: 'M' });
    const icvp = {
      n: 'A B',
      dob: '1990-01-02',
      v: [{ vp: 'a3K3X000005atRtUAI', dt: '2024-05-06', bo: 'L1', is: 'MoH' }],
    };
    expect(dvcProfileOf(icvp)).toBe('icvp');
    expect(validateDvcPayload(icvp)).toEqual([]);
    const ddcc = dvcCoreDataSet(icvp);
    expect(ddcc.kind === 'vaccination' && ddcc.vaccination.product).toEqual({
      code: 'a3K3X000005atRtUAI',
      system: DVC_SYSTEMS.PREQUAL_PRODUCT,
    });
    expect(dvcPayloadOf(ddcc, 'icvp')).toEqual(icvp);
  });

  it('refuses payloads without what the data set needs (typed), next to a valid control', () => {
    expect(() => dvcCoreDataSet(realPayload)).not.toThrow();
    for (const bad of [
      null,
      [],
      'x',
      { ...realPayload, n: 5 },
      { ...realPayload, v: [] },
      { ...realPayload, dob: undefined },
    ]) {
      expect(() => dvcCoreDataSet(bad)).toThrow(expect.objectContaining({ code: 'ERR_DDCC_CREDENTIAL_INVALID' }));
    }
  });

  it('validateDvcPayload reports wrong types, dates and unknown members', () => {
    const v = realPayload.v as Record<string, unknown>;
    const issues = validateDvcPayload({
      ...realPayload,
      x: 1,
      dob: '1905-02-30',
      v: { ...v, dt: 5, is: undefined, cn: undefined },
    });
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['$.x', '$.dob', '$.v.dt', '$.v']));
  });
});

describe('dvcPayloadOf refuses what a DVC cannot carry (typed FormatIssueError)', () => {
  const ddcc = dvcCoreDataSet(realPayload);

  it('a test or recovery record: ERR_ISSUER_FORMAT_UNSUPPORTED (control: the vaccination maps)', () => {
    expect(() => dvcPayloadOf(ddcc, 'dvc')).not.toThrow();
    const test = { ...ddcc, kind: 'test', test: {} } as unknown as Parameters<typeof dvcPayloadOf>[0];
    for (const profile of ['dvc', 'icvp'] as const)
      expect(() => dvcPayloadOf(test, profile)).toThrow(
        expect.objectContaining({ code: 'ERR_ISSUER_FORMAT_UNSUPPORTED', format: profile }),
      );
  });

  it('a vaccine without ICD-11 code (dvc) or ICVP product id (icvp), or no batch: ERR_ISSUER_VALUE_UNMAPPABLE', () => {
    if (ddcc.kind !== 'vaccination') throw new Error('vaccination expected');
    const noCode = { ...ddcc, vaccination: { ...ddcc.vaccination, vaccine: undefined } };
    const noLot = { ...ddcc, vaccination: { ...ddcc.vaccination, lot: undefined } };
    for (const [input, profile] of [
      [noCode, 'dvc'],
      [noLot, 'dvc'],
      [ddcc, 'icvp'],
    ] as const)
      expect(() => dvcPayloadOf(input, profile)).toThrow(
        expect.objectContaining({ code: 'ERR_ISSUER_VALUE_UNMAPPABLE' }),
      );
  });
});
