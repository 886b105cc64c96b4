import { describe, expect, it } from 'vitest';
import { isDivocError } from '@divoc/keys';
import { encodeDivocQr } from '@divoc/qr';
import { buildCredential, type CredentialFormatPlugin, type FhirBundle, type FhirResource } from '@divoc/schemas';
import { encodeCompactCredential, type SignedCredential } from '@divoc/vc';
import { credentialToFhir, CredentialToFhirError, decodedToFhir, FORMATS, FormatRegistry } from '../src/index.js';
import { recoveryRecord, testRecord } from '../../../test/support/fixtures.js';
import { vectorFiles, vectorJson, vectorText } from '../../../test/support/vectors.js';

const ICD11 = 'http://id.who.int/icd/release/11/mms';
const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';

/** Every `reference` string anywhere under `value`. */
function references(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) references(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else references(v, out);
    }
  }
  return out;
}

/** The FHIR document rules the tests hold every bundle to; returns the resources by type. */
function checkShape(bundle: FhirBundle): Record<string, FhirResource> {
  expect(bundle.resourceType).toBe('Bundle');
  expect(bundle.type).toBe('document');
  expect(bundle.identifier).toEqual({ system: 'urn:ietf:rfc:3986', value: `urn:uuid:${bundle.id}` });
  expect(bundle.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/);
  expect(bundle.entry[0]!.resource.resourceType).toBe('Composition');
  const urls = bundle.entry.map((e) => e.fullUrl);
  expect(new Set(urls).size).toBe(urls.length);
  for (const e of bundle.entry) {
    expect(e.fullUrl).toBe(`urn:uuid:${e.resource.id}`);
    expect(e.resource.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
  const refs = references(bundle.entry);
  expect(refs.length).toBeGreaterThan(0);
  for (const ref of refs) expect(urls).toContain(ref);
  const byType = Object.fromEntries(bundle.entry.map((e) => [e.resource.resourceType, e.resource]));
  const composition = byType.Composition!;
  const patientUrl = `urn:uuid:${byType.Patient!.id}`;
  expect(composition.subject).toEqual({ reference: patientUrl });
  expect(composition.author).toEqual([{ reference: `urn:uuid:${byType.Organization!.id}` }]);
  const event = bundle.entry[3]!.resource;
  expect((composition.section as { entry: unknown }[])[0]!.entry).toEqual([{ reference: `urn:uuid:${event.id}` }]);
  expect(bundle.entry).toHaveLength(4);
  return byType;
}

type Kind = 'Composition' | 'Patient' | 'Organization' | 'Immunization' | 'Observation' | 'Condition';

async function fhir(
  input: Parameters<typeof credentialToFhir>[0],
  format: string,
): Promise<{ bundle: FhirBundle } & Partial<Record<Kind, FhirResource>>> {
  const first = await credentialToFhir(input);
  expect(first.format).toBe(format);
  // Deterministic: the same input gives the same bundle, ids included.
  const again = await credentialToFhir(input);
  expect(JSON.stringify(again.bundle)).toBe(JSON.stringify(first.bundle));
  return { bundle: first.bundle, ...checkShape(first.bundle) };
}

async function rejects(input: Parameters<typeof credentialToFhir>[0], code: string): Promise<Error> {
  const error = await credentialToFhir(input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isDivocError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  return error as Error;
}

// A complete DIVOC v1 certificate (its signature was tampered with, which a FHIR mapping does not check: nothing is
// verified when decoding). The "valid" DIVOC demo vectors have an empty dose and no certificate id.
const DIVOC_COMPLETE = 'divoc/signed/rsa2018-tampered-invalid.json';
const DIVOC_INCOMPLETE = 'divoc/signed/ed25519-2018-divocdev-valid.json';

describe('credentialToFhir: W3C VC, DIVOC QR and compact VC', () => {
  it('a DIVOC vaccination certificate: Patient, Immunization, Composition', async () => {
    const { Patient, Immunization, Composition, Organization } = await fhir(vectorText(DIVOC_COMPLETE), 'w3c-vc');
    expect(Composition!.identifier).toEqual({ value: '244768056' });
    expect(Composition!.type).toEqual({
      coding: [{ system: LOINC, code: '82593-5', display: 'Immunization summary report' }],
    });
    expect(Organization!.name).toBe('https://divoc.dev/');
    expect(Patient!.name).toEqual([{ text: 'Sam21', family: 'Sam21' }]);
    expect(Patient!.gender).toBe('male');
    expect(Patient!.birthDate).toBeUndefined(); // v1 carries only an age
    expect(Patient!.identifier).toEqual([{ value: 'did:in.gov.uidai.aadhaar:1111222233' }]);
    expect(Immunization).toMatchObject({
      status: 'completed',
      occurrenceDateTime: '2021-07-12T19:21:19.646Z',
      lotNumber: 'AB348FS',
      location: { display: 'ABCD Medical Center' },
      performer: [{ actor: { display: 'Sooraj Singh' } }],
      manufacturer: { display: 'Bharat Biotech' },
      protocolApplied: [
        {
          targetDisease: [
            {
              coding: [
                { system: ICD11, code: 'RA01', display: 'COVID-19' },
                { system: SNOMED, code: '840539006' },
              ],
            },
          ],
          doseNumberPositiveInt: 2,
          seriesDosesPositiveInt: 2,
        },
      ],
    });
    expect((Immunization!.vaccineCode as { coding: { system: string }[] }).coding[0]!.system).toBe(ICD11);
    expect(Immunization!.extension).toContainEqual({
      url: 'http://smart.who.int/ddcc/StructureDefinition/DDCCCountryOfEvent',
      valueCode: 'IN',
    });
  });

  it('a DIVOC demo certificate with no dose and no certificate id is refused with its field named', async () => {
    const error = await rejects(vectorText(DIVOC_INCOMPLETE), 'ERR_DDCC_CREDENTIAL_INVALID');
    expect(error.message).toContain('$.evidence[0].certificateId');
    await fhir(vectorText(DIVOC_COMPLETE), 'w3c-vc'); // control
  });

  it('the DIVOC QR and the compact QR of a credential give the W3C VC bundle', async () => {
    const credential = vectorJson<SignedCredential>(DIVOC_COMPLETE);
    const { bundle } = await fhir(vectorText(DIVOC_COMPLETE), 'w3c-vc');
    expect((await fhir(encodeDivocQr(credential), 'divoc-qr')).bundle).toEqual(bundle);
    expect((await fhir(encodeCompactCredential(credential), 'vc-compact')).bundle).toEqual(bundle);
    await rejects(vectorText('divoc/qr/ed25519-2018-divocdev-valid.qr-text.txt'), 'ERR_DDCC_CREDENTIAL_INVALID');
  });

  it('DIVOC test and recovery credentials: an Observation, a Condition', async () => {
    const issuer = 'https://divoc.example';
    const test = buildCredential('test', testRecord, { issuer, issuanceDate: '2021-06-01T00:00:00Z' });
    const { Observation, Composition } = await fhir(test, 'w3c-vc');
    expect(Composition!.type).toEqual({ coding: [{ system: LOINC, code: '11502-2', display: 'Laboratory report' }] });
    expect(Observation).toMatchObject({
      status: 'final',
      code: { coding: [{ system: LOINC, code: '94500-6' }] },
      valueCodeableConcept: { coding: [{ system: SNOMED, code: '260415000' }] },
    });
    // The credential stores the instant in UTC: the bundle keeps the credential's value.
    const evidence = (test.evidence as Record<string, unknown>[])[0]!;
    expect(Observation!.effectiveDateTime).toBe(evidence.sampleCollectionTimestamp);
    expect(Date.parse(String(Observation!.effectiveDateTime))).toBe(Date.parse(testRecord.sampleCollectionTimestamp));

    const recovery = buildCredential('recovery', recoveryRecord, { issuer });
    const { Condition, Composition: recoveryComposition } = await fhir(recovery, 'w3c-vc');
    expect(Condition).toMatchObject({
      clinicalStatus: { coding: [{ code: 'resolved' }] },
      code: {
        coding: [
          { system: ICD11, code: 'RA01' },
          { system: SNOMED, code: '840539006' },
        ],
      },
    });
    expect(Condition!.onsetDateTime).toBe(String(recoveryRecord.firstPositiveTestDate).slice(0, 10));
    expect(recoveryComposition!.event).toContainEqual({
      code: [{ text: 'recovery validity' }],
      period: { start: expect.any(String), end: expect.any(String) },
    });
  });
});

const dcc = (path: string) => vectorJson<{ PREFIX: string }>(`dcc/dgc-testdata/${path}`).PREFIX;

describe('credentialToFhir: EU DCC (dgc-testdata)', () => {
  it('vaccination (AT 1): EU value set codes and systems', async () => {
    const { Patient, Immunization, Composition } = await fhir(dcc('AT/2DCode/raw/1.json'), 'dcc');
    expect(Composition!.identifier).toEqual({ value: 'URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B' });
    expect(Patient).toMatchObject({
      name: [
        { text: 'Gabriele Musterfrau-Gößinger', family: 'Musterfrau-Gößinger', given: ['Gabriele'] },
        { text: 'GABRIELE MUSTERFRAU<GOESSINGER', family: 'MUSTERFRAU<GOESSINGER', given: ['GABRIELE'] },
      ],
      birthDate: '1998-02-26',
    });
    expect(Immunization).toMatchObject({
      vaccineCode: { coding: [{ system: SNOMED, code: '1119349007' }] },
      occurrenceDateTime: '2021-02-18',
      manufacturer: { identifier: { system: 'https://spor.ema.europa.eu/v1/organisations', value: 'ORG-100030215' } },
      protocolApplied: [
        {
          targetDisease: [{ coding: [{ system: SNOMED, code: '840539006' }] }],
          doseNumberPositiveInt: 1,
          seriesDosesPositiveInt: 2,
        },
      ],
    });
    expect(Immunization!.extension).toContainEqual({
      url: 'http://smart.who.int/ddcc/StructureDefinition/DDCCEventBrand',
      valueCoding: {
        system: 'https://ec.europa.eu/health/documents/community-register/html/',
        code: 'EU/1/20/1528',
        display: 'Comirnaty',
      },
    });
  });

  it('test (AT 3) and recovery (AT 2)', async () => {
    const { Observation } = await fhir(dcc('AT/2DCode/raw/3.json'), 'dcc');
    expect(Observation).toMatchObject({
      code: { coding: [{ system: LOINC, code: 'LP6464-4' }] },
      valueCodeableConcept: { coding: [{ system: SNOMED, code: '260415000' }] },
      effectiveDateTime: '2021-02-20T12:34:56Z',
      method: { text: 'Roche LightCycler qPCR' },
      performer: [{ display: 'Testing center Vienna 1' }],
    });
    const { Condition, Composition } = await fhir(dcc('AT/2DCode/raw/2.json'), 'dcc');
    expect(Condition).toMatchObject({
      code: { coding: [{ system: SNOMED, code: '840539006' }] },
      onsetDateTime: '2021-02-20',
    });
    expect(Composition!.event).toEqual([
      { code: [{ text: 'recovery validity' }], period: { start: '2021-04-04', end: '2021-10-04' } },
    ]);
  });
});

describe('credentialToFhir: SMART Health Cards (spec examples)', () => {
  it('example 00 (JWS) and 01 (QR chunk): the latest dose, CVX codes', async () => {
    const { Patient, Immunization, Composition } = await fhir(vectorText('shc/examples/example-00-d-jws.txt'), 'shc');
    expect(Composition!.identifier).toBeUndefined(); // a card has no certificate id
    expect(Patient).toMatchObject({
      name: [{ text: 'John B. Anyperson', family: 'Anyperson', given: ['John B.'] }],
      birthDate: '1951-01-20',
    });
    expect(Immunization).toMatchObject({
      vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '229' }] },
      occurrenceDateTime: '2022-09-05',
      protocolApplied: [{ doseNumberPositiveInt: 3 }],
      location: { display: 'ABC General Hospital' },
    });
    const file = await fhir(vectorText('shc/examples/example-00-e-file.smart-health-card'), 'shc');
    expect(file.bundle).toEqual((await fhir(vectorText('shc/examples/example-00-d-jws.txt'), 'shc')).bundle);
    const qr = await fhir(vectorText('shc/examples/example-01-f-qr-code-numeric-value-0.txt'), 'shc');
    expect(qr.Immunization!.vaccineCode).toEqual({ coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '229' }] });
  });

  it('example 02 (a lab panel, no qualitative result) is not a DDCC test result', async () => {
    await rejects(vectorText('shc/examples/example-02-d-jws.txt'), 'ERR_DDCC_CREDENTIAL_INVALID');
    await fhir(vectorText('shc/examples/example-01-d-jws.txt'), 'shc'); // control
  });
});

describe('credentialToFhir: ICAO VDS-NC', () => {
  it('the latest dose of the seal, countries as alpha-2', async () => {
    const { Patient, Immunization, Composition, Organization } = await fhir(
      vectorText('vdsnc/au-citizen-john-valid.json'),
      'vdsnc',
    );
    expect(Composition!.identifier).toEqual({ value: 'VB0009990025' });
    expect(Organization!.name).toBe('AUS');
    expect(Patient).toMatchObject({
      name: [{ text: 'CITIZEN JOHN', family: 'CITIZEN', given: ['JOHN'] }],
      birthDate: '2004-03-20',
      gender: 'male',
    });
    expect((Patient!.identifier as unknown[])[0]).toMatchObject({ value: 'PA0940385' });
    expect(Immunization).toMatchObject({
      vaccineCode: { coding: [{ system: ICD11, code: 'XM68M6' }] },
      occurrenceDateTime: '2021-10-03',
      location: { display: 'Primary Health' },
      protocolApplied: [
        {
          doseNumberPositiveInt: 2,
          targetDisease: [
            {
              coding: [
                { system: ICD11, code: 'RA01.0' },
                { system: SNOMED, code: '840539006' },
              ],
            },
          ],
        },
      ],
    });
    expect(Immunization!.lotNumber).toBeUndefined(); // "Not recorded"
    expect(Immunization!.extension).toContainEqual({
      url: 'http://smart.who.int/ddcc/StructureDefinition/DDCCCountryOfEvent',
      valueCode: 'AU',
    });
  });
});

describe('credentialToFhir: errors', () => {
  it('unrecognised, empty, unsafe JSON', async () => {
    await rejects('hello', 'ERR_INPUT_UNRECOGNIZED');
    await rejects('  ', 'ERR_INPUT_INVALID');
    await rejects('{"data":{},"data":{}}', 'ERR_JSON_DUPLICATE_KEY');
    await rejects(['shc:/1/2/00', 'shc:/2/2/00', ...Array(20).fill('shc:/1/2/00')], 'ERR_INPUT_TOO_LARGE');
    await fhir(vectorText('vdsnc/au-citizen-john-valid.json'), 'vdsnc'); // control
  });

  it('a format with no coreDataSet: ERR_FHIR_UNSUPPORTED', async () => {
    const { coreDataSet: _dropped, ...bare } = FORMATS.get('vdsnc') as CredentialFormatPlugin;
    const registry = new FormatRegistry([bare as CredentialFormatPlugin]);
    const input = vectorText('vdsnc/au-citizen-john-valid.json');
    const error = await credentialToFhir(input, { registry }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialToFhirError);
    expect(error).toMatchObject({ code: 'ERR_FHIR_UNSUPPORTED', format: 'vdsnc' });
    await expect(decodedToFhir(bare as CredentialFormatPlugin, {})).rejects.toThrow(/no mapping/);
    expect((await credentialToFhir(input, { registry: FORMATS })).format).toBe('vdsnc'); // control
  });

  it('hostile seals and payloads: typed errors, never a crash', async () => {
    const seal = vectorJson<{ data: { msg: Record<string, unknown> } }>('vdsnc/au-citizen-john-valid.json');
    const plugin = FORMATS.get('vdsnc');
    for (const broken of [
      { ...seal, data: { ...seal.data, msg: { ...seal.data.msg, pid: 'x' } } },
      { ...seal, data: { ...seal.data, msg: { ...seal.data.msg, ve: [{ des: 1, vd: [{ seq: -1 }] }] } } },
      { ...seal, data: { ...seal.data, msg: { ...seal.data.msg, ve: 'x' } } },
      { ...seal, data: { hdr: { t: 'icao.other', is: 'AUS' }, msg: seal.data.msg } },
      null,
      [],
    ]) {
      await expect(decodedToFhir(plugin, broken)).rejects.toThrow(
        expect.objectContaining({ code: 'ERR_DDCC_CREDENTIAL_INVALID' }),
      );
    }
    expect((await decodedToFhir(plugin, seal)).type).toBe('document'); // control
  });

  it('hostile DCC and SHC payloads: typed errors naming the field', async () => {
    const good = vectorJson<{ JSON: Record<string, unknown> }>('dcc/dgc-testdata/AT/2DCode/raw/1.json').JSON;
    const v = (good.v as Record<string, unknown>[])[0]!;
    const dccPlugin = FORMATS.get('dcc');
    const cases: [unknown, string][] = [
      [{ ...good, v: [{ ...v, dn: '1' }] }, '$.v[0].dn'],
      [{ ...good, v: [] }, '$.v'],
      [{ ...good, v: [v, v] }, '$.v'],
      [{ ...good, t: [v] }, '$'],
      [{ ...good, nam: 'x' }, '$.nam'],
      [{ ...good, nam: { fn: 7 } }, '$.nam.fnt'],
      [{ ...good, v: [{ ...v, dt: 'yesterday' }] }, '$.v[0].dt'],
      [{ ...good, v: [{ ...v, ci: { x: 1 } }] }, '$.v[0].ci'],
      ['x'.repeat(100_000), '$'],
    ];
    for (const [payload, path] of cases) {
      await expect(decodedToFhir(dccPlugin, payload)).rejects.toThrow(
        expect.objectContaining({ code: 'ERR_DDCC_CREDENTIAL_INVALID', path }),
      );
    }
    expect((await decodedToFhir(dccPlugin, good)).type).toBe('document'); // control

    const shcPlugin = FORMATS.get('shc');
    const card = (await shcPlugin.decode(vectorText('shc/examples/example-00-d-jws.txt'))).payload as Record<
      string,
      unknown
    >;
    const subject = (card.vc as { credentialSubject: { fhirBundle: { entry: unknown[] } } }).credentialSubject;
    const withEntries = (entry: unknown) => ({
      ...card,
      vc: { ...(card.vc as object), credentialSubject: { ...subject, fhirBundle: { ...subject.fhirBundle, entry } } },
    });
    for (const payload of [
      { ...card, iss: 5 },
      withEntries('x'),
      withEntries([{ resource: { resourceType: 'Patient', name: 'x' } }]),
      withEntries([subject.fhirBundle.entry[0], { resource: { resourceType: 'Immunization', vaccineCode: 'x' } }]),
      withEntries(Array(1000).fill({ resource: { resourceType: 'Observation' } })),
    ]) {
      await expect(decodedToFhir(shcPlugin, payload)).rejects.toThrow(
        expect.objectContaining({ code: 'ERR_DDCC_CREDENTIAL_INVALID' }),
      );
    }
    expect((await decodedToFhir(shcPlugin, card)).type).toBe('document'); // control
  });
});

/** The one resource of a type in a bundle. */
const resourceOf = (bundle: { entry: { resource: Record<string, unknown> }[] }, type: string) =>
  bundle.entry.map((e) => e.resource).find((r) => r.resourceType === type)!;

describe('credentialToFhir: the WHO DVC example, field by field against gdhcn-validator', () => {
  it('matches WHO’s FHIR bundle of DVCTestQR.txt', async () => {
    const who = vectorJson<{ entry: { resource: Record<string, unknown> }[] }>('who/dvc/DVCTestQRFHIRBundle.json');
    const { bundle, Patient, Immunization, Composition } = await fhir(vectorText('who/dvc/DVCTestQR.txt'), 'dvc');
    const whoPatient = resourceOf(who, 'Patient');
    const whoImmunization = resourceOf(who, 'Immunization');

    // Patient: name, birth date, gender, identifier (nid), guardian contact.
    expect(Patient!.name).toEqual(whoPatient.name); // [{ text: 'Aulo Agerio' }]
    expect(Patient!.birthDate).toBe(whoPatient.birthDate);
    expect(Patient!.gender).toBe(whoPatient.gender);
    expect(Patient!.identifier).toEqual(whoPatient.identifier); // [{ value: '16337361-9' }]
    expect(Patient!.contact).toEqual(whoPatient.contact); // Parent/Juan Medina
    // On purpose: we also carry the nationality (`ntl`), which WHO's bundle leaves out.
    expect(Patient!.extension).toEqual([
      {
        url: 'http://hl7.org/fhir/StructureDefinition/patient-nationality',
        extension: [
          { url: 'code', valueCodeableConcept: { coding: [{ system: 'urn:iso:std:iso:3166', code: 'CL' }] } },
        ],
      },
    ]);

    // Immunization: vaccine XM0N24 and target disease 1D47 in ICD-11 MMS, lot, dose "Primary", manufacturer id.
    expect(Immunization!.vaccineCode).toEqual(whoImmunization.vaccineCode);
    expect(Immunization!.vaccineCode).toEqual({ coding: [{ system: ICD11, code: 'XM0N24' }] });
    expect(Immunization!.protocolApplied).toEqual(whoImmunization.protocolApplied);
    expect(Immunization!.protocolApplied).toEqual([
      { targetDisease: [{ coding: [{ system: ICD11, code: '1D47' }] }], doseNumberString: 'Primary' },
    ]);
    expect(Immunization!.lotNumber).toBe(whoImmunization.lotNumber);
    expect(Immunization!.status).toBe(whoImmunization.status);
    expect((Immunization!.manufacturer as { identifier: unknown }).identifier).toEqual(
      (whoImmunization.manufacturer as { identifier: unknown }).identifier,
    ); // { value: '25' }
    // On purpose: we also name the manufacturer (`ma`), which WHO's bundle leaves out.
    expect(Immunization!.manufacturer).toEqual({ identifier: { value: '25' }, display: 'HIPRA' });
    // On purpose: WHO's bundle omits the date of vaccination (`dt`); FHIR requires Immunization.occurrence[x], so we
    // keep it (1904-08-23: the example's data is synthetic, before the birth date).
    expect(whoImmunization.occurrenceDateTime).toBeUndefined();
    expect(Immunization!.occurrenceDateTime).toBe('1904-08-23');
    // On purpose: WHO's document is an International Patient Summary (LOINC 60591-5, four sections, three of them
    // empty); ours is the DDCC vaccination status document (LOINC 82593-5, one section 11369-6 with the Immunization).
    expect((resourceOf(who, 'Composition').type as { coding: { code: string }[] }).coding[0]!.code).toBe('60591-5');
    expect(Composition!.type).toEqual({
      coding: [{ system: LOINC, code: '82593-5', display: 'Immunization summary report' }],
    });
    expect((Composition!.section as { code: unknown }[])[0]!.code).toEqual({
      coding: [{ system: LOINC, code: '11369-6', display: 'History of Immunization Narrative' }],
    });
    // Both documents reference their Patient and Immunization inside the bundle.
    expect(Composition!.subject).toEqual({ reference: `urn:uuid:${Patient!.id}` });
    expect(bundle.entry.map((e) => e.resource.resourceType)).toEqual([
      'Composition',
      'Patient',
      'Organization',
      'Immunization',
    ]);
  });

  it('the same DVC payload mapped directly gives the same bundle', async () => {
    const { bundle } = await credentialToFhir(vectorText('who/dvc/DVCTestQR.txt'));
    const decoded = await FORMATS.get('dvc').decode(vectorText('who/dvc/DVCTestQR.txt'));
    expect(await decodedToFhir(FORMATS.get('dvc'), decoded.payload)).toEqual(bundle);
  });
});

describe('credentialToFhir over every dgc-testdata vector', () => {
  it('each one maps to a document bundle or fails with a typed error; never a crash', async () => {
    const files = vectorFiles('dcc/dgc-testdata', '.json', { recursive: true });
    const outcomes = new Map<string, number>();
    for (const file of files) {
      const prefix = vectorJson<{ PREFIX?: unknown }>(file).PREFIX;
      if (typeof prefix !== 'string' || prefix === '') continue;
      const outcome = await credentialToFhir(prefix).then(
        ({ bundle }) => {
          checkShape(bundle);
          return 'bundle';
        },
        (error: unknown) => {
          expect(isDivocError(error), `${file}: ${String(error)}`).toBe(true);
          return (error as { code: string }).code;
        },
      );
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // Most real certificates map; the rest are the suite's deliberately broken ones.
    expect(outcomes.get('bundle')).toBeGreaterThan(300);
  });
});
