import { describe, expect, it } from 'vitest';
import {
  buildCredential,
  ddccCountryCode,
  ddccTestCategory,
  ddccTestOutcome,
  DdccMappingError,
  splitName,
  toDdccCoreDataSet,
} from '@divoc/schemas';
import { records } from './records.js';

const issuer = 'https://divoc.example';

describe('toDdccCoreDataSet', () => {
  it('nationality: a country code or name maps to its ISO code (the DVC ntl); a demonym maps to nothing', () => {
    const nationalityOf = (nationality: string) => {
      const credential = buildCredential(
        'vaccination-v2',
        { ...records['vaccination-v2'], certificateId: 'C-1', nationality },
        { issuer },
      );
      return toDdccCoreDataSet(credential).person.nationality;
    };
    expect(nationalityOf('IN')).toBe('IN');
    expect(nationalityOf('India')).toBe('IN');
    // Control: DIVOC's usual free text names no code, and nothing is guessed.
    expect(nationalityOf('Indian')).toBeUndefined();
  });

  it('vaccination v2: every core data element', () => {
    const { nameLatin: _n, ...record } = records['vaccination-v2'];
    const credential = buildCredential(
      'vaccination-v2',
      { ...record, certificateId: 'C-1' },
      { issuer, issuanceDate: '2021-08-01T00:00:00Z', expirationDate: '2022-08-01T00:00:00Z' },
    );
    expect(toDdccCoreDataSet(credential, { nameLatin: 'Rajesh Kumar', certificateIssuerName: 'MoHFW' })).toEqual({
      kind: 'vaccination',
      person: {
        name: {
          text: 'राजेश कुमार',
          family: 'कुमार',
          given: 'राजेश',
          split: 'last-word',
          latin: { text: 'Rajesh Kumar', family: 'Kumar', given: 'Rajesh' },
        },
        birthDate: '1990-01-15',
        sex: 'male',
        identifier: 'R-1002',
      },
      certificate: {
        issuer: { id: issuer, name: 'MoHFW' },
        hcid: 'C-1',
        period: { start: '2021-08-01T00:00:00.000Z', end: '2022-08-01T00:00:00.000Z' },
        type: 'ProofOfVaccinationCredential',
      },
      vaccination: {
        vaccine: {
          code: 'XM9QW8',
          system: 'http://id.who.int/icd11/mms',
          display: 'COVID-19 vaccine, non-replicating viral vector',
        },
        brand: { display: 'Covishield', canonical: 'Covishield', euProduct: 'Covishield' },
        manufacturer: { display: 'Serum Institute of India', code: 'ORG-100001981' },
        maholder: { display: 'Serum Institute of India', code: 'ORG-100001981' },
        lot: 'AB348FS',
        date: '2021-07-12',
        dose: 1,
        totalDoses: 2,
        country: 'IN',
        centre: 'PHC Rohini',
        practitioner: 'Dr. Meera Rao',
        disease: { code: 'RA01', system: 'http://id.who.int/icd11/mms', display: 'COVID-19', snomed: '840539006' },
        nextDose: '2021-10-04',
        validFrom: '2021-07-12',
      },
    });
  });

  it('v1: age only, unless the registry gives the birth date', () => {
    const credential = buildCredential('vaccination', { ...records.vaccination, certificateId: '1' }, { issuer });
    expect(toDdccCoreDataSet(credential).person).toMatchObject({ age: 26 });
    expect(toDdccCoreDataSet(credential).person.birthDate).toBeUndefined();
    expect(toDdccCoreDataSet(credential, { birthDate: '1994-09-01' }).person).toMatchObject({
      birthDate: '1994-09-01',
    });
    expect(toDdccCoreDataSet(credential).person.identifier).toBe('did:in.gov.uidai.aadhaar:2342343334');
  });

  it('test and recovery', () => {
    const test = toDdccCoreDataSet(buildCredential('test', { ...records.test, certificateId: 'T-1' }, { issuer }));
    expect(test).toMatchObject({
      kind: 'test',
      test: {
        type: { display: 'RT-PCR', category: 'naat' },
        result: { display: 'Negative', outcome: 'negative' },
        date: '2021-08-01T04:30:00.000Z',
        country: 'IN',
        origin: 'Nasopharyngeal',
      },
    });
    const recovery = toDdccCoreDataSet(
      buildCredential('recovery', { ...records.recovery, certificateId: 'R-1' }, { issuer }),
    );
    expect(recovery).toMatchObject({
      kind: 'recovery',
      recovery: { firstPositiveDate: '2021-06-01', validFrom: '2021-06-12', validUntil: '2021-12-01', country: 'LK' },
    });
  });

  it('names: single words, mismatched word counts, explicit splits', () => {
    const one = buildCredential(
      'vaccination-v2',
      { ...records['vaccination-v2'], name: 'முத்துலட்சுமி', certificateId: '1' },
      { issuer },
    );
    expect(toDdccCoreDataSet(one, { nameLatin: 'Muthu Lakshmi' }).person.name).toEqual({
      text: 'முத்துலட்சுமி',
      family: 'முத்துலட்சுமி',
      split: 'none',
      latin: { text: 'Muthu Lakshmi', family: 'Muthu Lakshmi' },
    });
    expect(splitName('  A   B  C ')).toEqual({ given: 'A B', family: 'C' });
    expect(splitName('')).toEqual({});
  });

  it('value helpers', () => {
    expect(ddccCountryCode('India')).toBe('IN');
    expect(ddccCountryCode('lk')).toBe('LK');
    expect(ddccCountryCode('Atlantis')).toBeUndefined();
    expect(ddccCountryCode(42)).toBeUndefined();
    expect(['RT-PCR', 'NAAT', 'Rapid Antigen', 'RAT', 'IgG antibody', 'X-ray'].map(ddccTestCategory)).toEqual([
      'naat',
      'naat',
      'antigen',
      'antigen',
      'antibody',
      'other',
    ]);
    expect(['Negative', 'POSITIVE', 'not detected', 'equivocal', 'pending'].map(ddccTestOutcome)).toEqual([
      'negative',
      'positive',
      'negative',
      'inconclusive',
      'other',
    ]);
  });

  it('hostile credentials: typed DdccMappingError naming the field', () => {
    const good = buildCredential(
      'vaccination-v2',
      { ...records['vaccination-v2'], certificateId: '1' },
      { issuer },
    ) as Record<string, unknown>;
    const cases: Array<[unknown, string]> = [
      [null, '$'],
      ['{}', '$'],
      [{ ...good, type: ['VerifiableCredential'] }, '$.type'],
      [{ ...good, credentialSubject: [] }, '$.credentialSubject'],
      [{ ...good, evidence: [] }, '$.evidence[0]'],
      [
        { ...good, evidence: [{ ...(good.evidence as object[])[0], certificateId: '' }] },
        '$.evidence[0].certificateId',
      ],
      [{ ...good, evidence: [{ ...(good.evidence as object[])[0], dose: 'two' }] }, '$.evidence[0].dose'],
      [{ ...good, evidence: [{ ...(good.evidence as object[])[0], date: 12 }] }, '$.evidence[0].date'],
      [
        { ...good, credentialSubject: { ...(good.credentialSubject as object), name: { first: 'x' } } },
        '$.credentialSubject.name',
      ],
      [
        { ...good, credentialSubject: { ...(good.credentialSubject as object), dob: 'yesterday' } },
        '$.credentialSubject.dob',
      ],
      [{ ...good, issuer: undefined }, '$.issuer'],
    ];
    for (const [input, path] of cases) {
      let error: unknown;
      try {
        toDdccCoreDataSet(input);
      } catch (e) {
        error = e;
      }
      expect(error, path).toBeInstanceOf(DdccMappingError);
      expect(error).toMatchObject({ code: 'ERR_DDCC_CREDENTIAL_INVALID', path });
    }
  });
});
