import { describe, expect, it } from 'vitest';
import {
  buildCredential,
  DDCC_SYSTEMS,
  FHIR_SYSTEMS,
  toDdccCoreDataSet,
  toFhirBundle,
  type DdccCoreDataSet,
} from '../src/index.js';
import { vaccinationV2Record } from './fixtures.js';

const issuer = 'https://divoc.example';
const core = (): DdccCoreDataSet =>
  toDdccCoreDataSet(
    buildCredential('vaccination-v2', vaccinationV2Record, {
      issuer,
      issuanceDate: '2021-08-01T00:00:00Z',
      expirationDate: '2022-08-01T00:00:00Z',
    }),
    { nameLatin: 'Bhaya Mitra', certificateIssuerName: 'MoHFW' },
  );

/** The same object with every member list reversed (same content, another insertion order). */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reordered(v)]),
  );
}

describe('toFhirBundle', () => {
  it('a DIVOC v2 vaccination: every DDCC element where FHIR puts it', () => {
    const bundle = toFhirBundle(core());
    expect(bundle.timestamp).toBe('2021-08-01T00:00:00.000Z');
    const [composition, patient, organization, immunization] = bundle.entry.map((e) => e.resource);
    expect(composition).toMatchObject({
      resourceType: 'Composition',
      identifier: { value: '244768056' },
      date: '2021-08-01T00:00:00.000Z',
      category: [{ coding: [{ system: FHIR_SYSTEMS.DDCC_COMPOSITION_CATEGORY, code: 'ddcc-vs' }] }],
      event: [
        {
          code: [{ text: 'certificate validity' }],
          period: { start: '2021-08-01T00:00:00.000Z', end: '2022-08-01T00:00:00.000Z' },
        },
      ],
    });
    expect(patient).toMatchObject({
      resourceType: 'Patient',
      name: [{ text: 'Bhaya Mitra', family: 'Mitra', given: ['Bhaya'] }, { text: 'Bhaya Mitra' }],
      birthDate: vaccinationV2Record.dob,
      gender: 'male',
    });
    expect(organization).toMatchObject({
      resourceType: 'Organization',
      name: 'MoHFW',
      identifier: [{ value: issuer }],
    });
    expect(immunization).toMatchObject({
      resourceType: 'Immunization',
      vaccineCode: { coding: [{ system: FHIR_SYSTEMS.ICD11, code: 'XM9QW8' }] },
      lotNumber: vaccinationV2Record.batch,
      manufacturer: {
        identifier: { system: 'https://spor.ema.europa.eu/v1/organisations', value: 'ORG-100001981' },
        display: 'Serum Institute of India',
      },
      protocolApplied: [{ doseNumberPositiveInt: 1, seriesDosesPositiveInt: 2 }],
    });
    expect(immunization!.extension).toEqual(
      expect.arrayContaining([
        {
          url: FHIR_SYSTEMS.EXT_BRAND,
          valueCoding: {
            system: 'http://ec.europa.eu/temp/vaccineproductname',
            code: 'Covishield',
            display: 'Covishield',
          },
        },
        { url: FHIR_SYSTEMS.EXT_COUNTRY, valueCode: 'IN' },
      ]),
    );
  });

  it('deterministic: ids come from the content, not from member order, a clock or chance', () => {
    const a = toFhirBundle(core());
    expect(toFhirBundle(core())).toEqual(a);
    expect(toFhirBundle(reordered(core()) as DdccCoreDataSet)).toEqual(a);
    const other = core();
    other.person.name.text = 'Someone Else';
    const b = toFhirBundle(other);
    expect(b.id).not.toBe(a.id);
    expect(new Set([...a.entry, ...b.entry].map((e) => e.fullUrl)).size).toBe(8);
  });

  it('the timestamp option (an instant); a bad one is a typed error', () => {
    expect(toFhirBundle(core(), { timestamp: new Date('2024-01-02T03:04:05Z') }).timestamp).toBe(
      '2024-01-02T03:04:05.000Z',
    );
    expect(toFhirBundle(core(), { timestamp: '2024-01-02' }).timestamp).toBe('2024-01-02T00:00:00Z');
    for (const timestamp of ['yesterday', new Date(Number.NaN), '2024-01-02T03:04']) {
      expect(() => toFhirBundle(core(), { timestamp })).toThrow(
        expect.objectContaining({ code: 'ERR_DDCC_CREDENTIAL_INVALID', path: 'options.timestamp' }),
      );
    }
  });

  it('text-only values are text, never a coding with an invented system', () => {
    const c = core();
    if (c.kind !== 'vaccination') throw new Error('vaccination expected');
    c.vaccination.vaccine = { code: 'Some vaccine', system: DDCC_SYSTEMS.TEXT, display: 'Some vaccine' };
    c.vaccination.disease = { code: '', system: DDCC_SYSTEMS.TEXT };
    const immunization = toFhirBundle(c).entry[3]!.resource;
    expect(immunization.vaccineCode).toEqual({ text: 'Some vaccine' });
    expect((immunization.protocolApplied as Record<string, unknown>[])[0]!.targetDisease).toBeUndefined();
  });

  it('dates: FHIR forms (seconds added to a zoned time); an impossible one is a typed error naming it', () => {
    const c = core();
    if (c.kind !== 'vaccination') throw new Error('vaccination expected');
    c.vaccination.dateTime = '2021-05-03T10:15+05:30';
    expect(toFhirBundle(c).entry[3]!.resource.occurrenceDateTime).toBe('2021-05-03T10:15:00+05:30');
    c.vaccination.dateTime = '2021-05-03T10:15:00'; // no zone: only the day is a FHIR value
    expect(toFhirBundle(c).entry[3]!.resource.occurrenceDateTime).toBe('2021-05-03');
    delete c.vaccination.dateTime;
    for (const [edit, path] of [
      [(d: DdccCoreDataSet) => (d.person.birthDate = '1963-00'), 'core.person.birthDate'],
      [
        (d: DdccCoreDataSet) =>
          d.kind === 'vaccination' && ((d.vaccination.date = '2021-13-01'), delete d.vaccination.dateTime),
        'core.vaccination.date',
      ],
      [(d: DdccCoreDataSet) => (d.certificate.period = { start: 'soon' }), 'core.certificate.period.start'],
    ] as const) {
      const bad = core();
      edit(bad);
      expect(() => toFhirBundle(bad)).toThrow(expect.objectContaining({ code: 'ERR_DDCC_CREDENTIAL_INVALID', path }));
    }
    expect(toFhirBundle(c).entry[3]!.resource.occurrenceDateTime).toBe(c.vaccination.date); // control
  });

  it('not a core data set: a typed error (with a control)', () => {
    const bad: unknown[] = [
      null,
      'x',
      [],
      { ...core(), kind: 'other' },
      { ...core(), person: { name: { text: '' } } },
      { ...core(), certificate: undefined },
      { ...core(), vaccination: undefined },
    ];
    const cyclic = core() as unknown as Record<string, unknown>;
    cyclic.self = cyclic;
    bad.push(cyclic, { ...core(), extra: 10n });
    for (const value of bad) {
      expect(() => toFhirBundle(value as DdccCoreDataSet)).toThrow(
        expect.objectContaining({ code: 'ERR_DDCC_CREDENTIAL_INVALID' }),
      );
    }
    expect(toFhirBundle(core()).type).toBe('document');
  });
});
