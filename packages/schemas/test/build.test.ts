import { describe, expect, it } from 'vitest';
import {
  CONTEXT_URLS,
  InvalidBuildOptionsError,
  RecordValidationError,
  UnknownCredentialTypeError,
  buildCredential,
  createDocumentLoader,
  validateCredential,
  type BuildOptions,
  type ValidationIssue,
} from '@divoc/schemas';
import { jsonld, readVector } from './helpers.js';
import { recoveryRecord, testRecord, vaccinationRecord, vaccinationV2Record } from './fixtures.js';

const options: BuildOptions = { issuer: 'https://divoc.dev/', issuanceDate: '2021-05-03T11:00:00Z' };

function buildError(fn: () => unknown): RecordValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RecordValidationError) return e;
    throw e;
  }
  throw new Error('expected RecordValidationError');
}
const paths = (issues: ValidationIssue[]): string[] => issues.map((i) => i.path).sort();

const templates = [
  ['vaccination', vaccinationRecord],
  ['vaccination-v2', vaccinationV2Record],
  ['test', testRecord],
  ['recovery', recoveryRecord],
] as const;
const variants = [
  { vcVersion: '1.1', contextHost: 'divoc.dev' },
  { vcVersion: '1.1', contextHost: 'cowin.gov.in' },
  { vcVersion: '2.0', contextHost: 'divoc.dev' },
  { vcVersion: '2.0', contextHost: 'cowin.gov.in' },
] as const;

describe('every template builds valid, fully-defined JSON-LD', () => {
  for (const [name, record] of templates) {
    it.each([...variants, ...variants.map((v) => ({ ...v, context: 'divoc-legacy' as const }))])(
      `${name} %o`,
      async (variant) => {
        const credential = buildCredential(name, record, { ...options, ...variant });
        // Default: the SDK v2 context alone; legacy: DIVOC's contexts on the chosen host.
        if (!('context' in variant)) expect(credential['@context'].slice(1)).toEqual([CONTEXT_URLS.DIVOC_SDK_V2]);
        else expect(credential['@context'].slice(1)).not.toContain(CONTEXT_URLS.DIVOC_SDK_V2);
        expect(validateCredential(credential).issues).toEqual([]);
        const ctx = credential['@context'];
        expect(ctx[0]).toBe(variant.vcVersion === '2.0' ? CONTEXT_URLS.CREDENTIALS_V2 : CONTEXT_URLS.CREDENTIALS_V1);
        for (const url of ctx.slice(1)) {
          if (typeof url === 'string' && !url.includes('/sdk/')) expect(new URL(url).host).toBe(variant.contextHost);
        }
        if (variant.vcVersion === '2.0') {
          expect(credential.validFrom).toBe('2021-05-03T11:00:00.000Z');
          expect(credential.issuanceDate).toBeUndefined();
        } else {
          expect(credential.issuanceDate).toBe('2021-05-03T11:00:00.000Z');
          expect(credential.validFrom).toBeUndefined();
        }
        // safe mode throws if any term would be dropped, i.e. would go unsigned.
        const nquads = await jsonld.canonize(credential, {
          documentLoader: createDocumentLoader(),
          algorithm: 'URDNA2015',
          format: 'application/n-quads',
          safe: true,
        });
        expect(nquads.length).toBeGreaterThan(0);
      },
    );
  }
});

describe('vaccination (DIVOC v1 shape)', () => {
  it("looks like a DIVOC-issued certificate (same terms; DIVOC's own context with context: divoc-legacy)", () => {
    const built = buildCredential('vaccination', vaccinationRecord, options);
    const real = readVector<Record<string, Record<string, unknown> & Array<Record<string, unknown>>>>(
      'divoc/signed/rsa2018-divocdev-valid.json',
    );
    expect(built['@context']).toEqual([CONTEXT_URLS.CREDENTIALS_V1, CONTEXT_URLS.DIVOC_SDK_V2]);
    const legacy = buildCredential('vaccination', vaccinationRecord, { ...options, context: 'divoc-legacy' });
    expect(legacy['@context']).toEqual(real['@context']);
    const { '@context': _a, ...builtRest } = built;
    const { '@context': _b, ...legacyRest } = legacy;
    expect(builtRest).toEqual(legacyRest); // only the context differs
    expect(built.type).toEqual(real.type);
    expect(Object.keys(built.credentialSubject).sort()).toEqual(Object.keys(real.credentialSubject!).sort());
    expect(Object.keys(built.credentialSubject.address as object).sort()).toEqual(
      Object.keys(real.credentialSubject!.address as object).sort(),
    );
    const realEvidence = Object.keys(real.evidence![0]!).filter((k) => k !== 'feedbackUrl' && k !== 'infoUrl');
    expect(Object.keys(built.evidence![0]!).sort()).toEqual([...realEvidence, 'certificateId'].sort());
    expect(built.nonTransferable).toBe('true');
  });

  it('maps and coerces fields', () => {
    const c = buildCredential('vaccination', vaccinationRecord, options);
    const s = c.credentialSubject;
    const e = c.evidence![0]!;
    expect(s).toMatchObject({
      type: 'Person',
      id: 'did:in.gov.uidai.aadhaar:2342343334',
      refId: '12346',
      name: 'Bhaya Mitra',
      age: '26',
      address: {
        streetAddress: '12, MG Road',
        city: 'Bengaluru',
        addressRegion: 'Karnataka',
        postalCode: '560001',
        addressCountry: 'IN',
        streetAddress2: '',
      },
    });
    expect(e).toMatchObject({
      id: 'https://divoc.dev/vaccine/244768056',
      type: ['Vaccination'],
      date: '2021-05-03T10:15:00.000Z',
      effectiveStart: '2021-05-03',
      effectiveUntil: '2022-05-03',
      dose: 1,
      totalDoses: 2,
      verifier: { name: 'Sooraj Singh' },
      facility: { name: 'ABC Medical Center', address: { streetAddress: '123, Koramangala', postalCode: '560034' } },
    });
  });

  it('takes Dates, preEnrollmentCode, raw identity + identityType, age instead of dob', () => {
    const { dob: _dob, refId: _ref, identity: _id, ...rest } = vaccinationRecord;
    const c = buildCredential(
      'vaccination',
      {
        ...rest,
        preEnrollmentCode: 'P-9',
        identity: '2342343334',
        identityType: 'aadhaar',
        age: 40,
        vaccinationDate: new Date('2021-05-03T10:15:00Z'),
      },
      { ...options, issuanceDate: new Date('2021-05-04T00:00:00Z') },
    );
    expect(c.credentialSubject).toMatchObject({ refId: 'P-9', id: 'did:in.gov.uidai.aadhaar:2342343334', age: '40' });
    expect(c.evidence![0]!.date).toBe('2021-05-03T10:15:00.000Z');
    expect(c.issuanceDate).toBe('2021-05-04T00:00:00.000Z');
  });

  it('evidence ids follow the issuer origin; a DID issuer falls back to the context host', () => {
    expect(
      buildCredential('vaccination', vaccinationRecord, { ...options, issuer: 'https://cowin.gov.in/' }).evidence![0]!
        .id,
    ).toBe('https://cowin.gov.in/vaccine/244768056');
    expect(
      buildCredential('vaccination', vaccinationRecord, {
        ...options,
        issuer: 'did:web:health.example',
        contextHost: 'cowin.gov.in',
      }).evidence![0]!.id,
    ).toBe('https://cowin.gov.in/vaccine/244768056');
  });

  it('generates a numeric certificate id when the record has none', () => {
    const { certificateId: _c, ...rest } = vaccinationRecord;
    const c = buildCredential('vaccination', rest, options);
    expect(c.evidence![0]!.certificateId).toMatch(/^[0-9]{12}$/);
  });

  it('sets id and expirationDate when asked', () => {
    const c = buildCredential('vaccination', vaccinationRecord, {
      ...options,
      id: 'urn:uuid:5f1a',
      expirationDate: '2031-01-01T00:00:00Z',
    });
    expect(c.id).toBe('urn:uuid:5f1a');
    expect(c.expirationDate).toBe('2031-01-01T00:00:00.000Z');
    const v2 = buildCredential('vaccination', vaccinationRecord, {
      ...options,
      vcVersion: '2.0',
      expirationDate: '2031-01-01T00:00:00Z',
    });
    expect(v2.validUntil).toBe('2031-01-01T00:00:00.000Z');
  });
});

describe('vaccination-v2 (WHO DDCC)', () => {
  it('adds dob, ICD-11 code and prophylaxis from the vaccine name', () => {
    const c = buildCredential('vaccination-v2', vaccinationV2Record, options);
    expect(c['@context']).toEqual([CONTEXT_URLS.CREDENTIALS_V1, CONTEXT_URLS.DIVOC_SDK_V2]);
    const legacy = buildCredential('vaccination-v2', vaccinationV2Record, { ...options, context: 'divoc-legacy' });
    expect(legacy['@context']).toEqual([
      CONTEXT_URLS.CREDENTIALS_V1,
      CONTEXT_URLS.DIVOC_VACCINATION_V2,
      CONTEXT_URLS.DIVOC_SDK_V1,
    ]);
    expect(c.credentialSubject.dob).toBe('1994-09-01');
    expect(c.evidence![0]).toMatchObject({
      icd11Code: 'XM9QW8',
      prophylaxis: 'COVID-19 vaccine, non-replicating viral vector',
      targetDisease: 'COVID-19',
      nextDoseDueDate: '2021-06-01',
    });
  });

  it('needs icd11Code for a vaccine it cannot resolve', () => {
    const err = buildError(() =>
      buildCredential('vaccination-v2', { ...vaccinationV2Record, vaccine: 'MysteryVax' }, options),
    );
    expect(paths(err.issues)).toEqual(['$.icd11Code']);
    const ok = buildCredential(
      'vaccination-v2',
      { ...vaccinationV2Record, vaccine: 'MysteryVax', icd11Code: 'XM68M6' },
      options,
    );
    expect(ok.evidence![0]!.icd11Code).toBe('XM68M6');
  });
});

describe('recovery', () => {
  it('maps validity to the evidence and the credential', () => {
    const c = buildCredential('recovery', recoveryRecord, options);
    expect(c.type).toEqual(['VerifiableCredential', 'ProofOfRecoveryCredential']);
    expect(c.expirationDate).toBe('2021-10-01T23:59:59Z');
    expect(c.evidence![0]).toMatchObject({
      type: ['Recovery'],
      disease: 'COVID-19',
      firstPositiveTestDate: '2021-04-01',
      effectiveStart: '2021-04-12',
      effectiveUntil: '2021-10-01',
      country: 'IN',
    });
  });

  it('rejects dates out of order', () => {
    const err = buildError(() =>
      buildCredential('recovery', { ...recoveryRecord, validFrom: '2021-03-01', validUntil: '2021-02-01' }, options),
    );
    expect(paths(err.issues)).toEqual(['$.validFrom', '$.validUntil']);
  });
});

describe('test certificate', () => {
  it('maps test fields', () => {
    const c = buildCredential('test', testRecord, options);
    expect(c.credentialSubject).toMatchObject({
      refId: '98765',
      dob: '1988-02-29',
      id: 'did:in.gov.uidai.aadhaar:123456789012',
    });
    expect(c.evidence![0]).toMatchObject({
      type: ['TestDetails'],
      testType: 'RT-PCR',
      sampleCollectionTimestamp: '2021-06-01T03:30:00.000Z',
      resultTimestamp: '2021-06-02T03:30:00.000Z',
      result: 'Negative',
    });
  });
});

describe('bad records list every bad field', () => {
  it('vaccination', () => {
    const err = buildError(() =>
      buildCredential(
        'vaccination',
        {
          ...vaccinationRecord,
          name: 42,
          dob: '1994-02-30',
          dose: 0,
          totalDoses: 'two',
          vaccinationDate: 'yesterday',
          pincode: { x: 1 },
          facilityName: 'F'.repeat(10_000),
          vaccine: '',
          identity: 'has spaces in it',
        },
        options,
      ),
    );
    expect(err.code).toBe('ERR_RECORD_INVALID');
    expect(err.stage).toBe('record');
    expect(paths(err.issues)).toEqual(
      [
        '$.dob',
        '$.dose',
        '$.facilityName',
        '$.identity',
        '$.name',
        '$.pincode',
        '$.totalDoses',
        '$.vaccinationDate',
        '$.vaccine',
      ].sort(),
    );
    expect(err.message).toContain('$.dob');
  });

  it('missing required fields, each named', () => {
    const err = buildError(() => buildCredential('vaccination', { name: 'X' }, options));
    expect(paths(err.issues)).toEqual(
      ['$.dob', '$.dose', '$.refId', '$.totalDoses', '$.vaccinationDate', '$.vaccine'].sort(),
    );
    expect(err.issues.every((i) => i.keyword === 'required')).toBe(true);
  });

  it('cross-field: dose > totalDoses, raw identity without a type, vaccination before birth', () => {
    const err = buildError(() =>
      buildCredential(
        'vaccination',
        { ...vaccinationRecord, dose: 3, totalDoses: 2, identity: '2342343334', vaccinationDate: '1990-01-01' },
        options,
      ),
    );
    expect(paths(err.issues)).toEqual(['$.dose', '$.identityType', '$.vaccinationDate']);
  });

  it('test and recovery', () => {
    expect(paths(buildError(() => buildCredential('test', { name: 'X' }, options)).issues)).toEqual(
      ['$.refId', '$.result', '$.sampleCollectionTimestamp', '$.testType'].sort(),
    );
    expect(paths(buildError(() => buildCredential('recovery', { name: 'X' }, options)).issues)).toEqual(
      ['$.country', '$.disease', '$.dob', '$.firstPositiveTestDate', '$.validFrom', '$.validUntil'].sort(),
    );
  });
});

describe('hostile records and options', () => {
  it.each([null, undefined, 42, 'record', [], [vaccinationRecord]])('record %j', (record) => {
    const err = buildError(() => buildCredential('vaccination', record as unknown as Record<string, unknown>, options));
    expect(err.issues).toEqual([expect.objectContaining({ path: '$' })]);
  });

  it('__proto__ / constructor keys are ignored, nothing is polluted', () => {
    const record = JSON.parse(
      JSON.stringify(vaccinationRecord).replace(
        '{',
        '{"__proto__":{"isAdmin":true,"name":"Mallory"},"constructor":{"prototype":{"x":1}},',
      ),
    );
    const c = buildCredential('vaccination', record, options);
    expect(c.credentialSubject.name).toBe('Bhaya Mitra');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(JSON.stringify(c)).not.toContain('Mallory');
  });

  it('inherited fields are not read', () => {
    const record = Object.create({ name: 'Inherited' }) as Record<string, unknown>;
    Object.assign(record, vaccinationRecord);
    delete record.name;
    expect(paths(buildError(() => buildCredential('vaccination', record, options)).issues)).toEqual(['$.name']);
  });

  it('huge strings and many fields are rejected, not processed', () => {
    const big = 'x'.repeat(5_000_000);
    const err = buildError(() =>
      buildCredential('vaccination', { ...vaccinationRecord, name: big, batch: big }, options),
    );
    expect(paths(err.issues)).toEqual(['$.batch', '$.name']);
    const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}`, i]));
    expect(
      buildError(() => buildCredential('vaccination', { ...vaccinationRecord, ...many }, options)).issues[0]!.keyword,
    ).toBe('maxProperties');
  });

  it('invalid Date objects are field errors', () => {
    const err = buildError(() =>
      buildCredential('vaccination', { ...vaccinationRecord, vaccinationDate: new Date('nope') }, options),
    );
    expect(paths(err.issues)).toEqual(['$.vaccinationDate']);
  });

  it.each([
    [{}],
    [{ issuer: 'not a uri' }],
    [{ issuer: 'https://divoc.dev/', issuanceDate: 'today' }],
    [{ issuer: 'https://divoc.dev/', issuanceDate: new Date('x') }],
    [{ issuer: 'https://divoc.dev/', vcVersion: '3.0' }],
    [{ issuer: 'https://divoc.dev/', contextHost: 'evil.example' }],
    [{ issuer: 'https://divoc.dev/', context: 'divoc' }],
    [{ issuer: 'https://divoc.dev/', id: 'has space' }],
    [null],
  ])('bad options %j', (opts) => {
    expect(() => buildCredential('vaccination', vaccinationRecord, opts as unknown as BuildOptions)).toThrow(
      InvalidBuildOptionsError,
    );
  });

  it('unknown template', () => {
    expect(() => buildCredential('polio', {}, options)).toThrow(UnknownCredentialTypeError);
    try {
      buildCredential('polio', {}, options);
    } catch (e) {
      expect((e as UnknownCredentialTypeError).code).toBe('ERR_CREDENTIAL_TYPE_UNKNOWN');
    }
  });

  it('the caller\u2019s record is not modified', () => {
    const record = structuredClone(vaccinationRecord);
    buildCredential('vaccination', record, options);
    expect(record).toEqual(vaccinationRecord);
  });
});

describe('single-field mutations of every built template report the right path', () => {
  type Step = string | number;
  const leafPaths = (value: unknown, at: Step[] = []): Step[][] =>
    value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...at, Array.isArray(value) ? Number(k) : k]))
      : [at];
  const toPath = (steps: Step[]): string =>
    steps.reduce<string>(
      (p, s) => (typeof s === 'number' ? `${p}[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `${p}.${s}` : `${p}['${s}']`),
      '$',
    );

  for (const [name, record] of templates) {
    for (const vcVersion of ['1.1', '2.0'] as const) {
      const built = buildCredential(name, record, { ...options, vcVersion });
      const cases = leafPaths(built)
        // Without its credential type the credential matches no schema (one issue at $.type, tested elsewhere).
        .filter((steps) => !(steps[0] === 'type' && steps[1] === 1))
        .map((steps) => [toPath(steps), steps] as const);
      it.each(cases)(`${name} VC ${vcVersion}: %s`, (path, steps) => {
        const c = structuredClone(built) as Record<Step, unknown>;
        let node = c;
        for (const s of steps.slice(0, -1)) node = node[s] as Record<Step, unknown>;
        node[steps[steps.length - 1]!] = { bogus: true };
        // Replacing the SDK context (not required by the DDCC schema) leaves its terms undefined.
        const sdkTerm = name === 'vaccination-v2' && steps[0] === '@context' && steps[1] === 2;
        const want = sdkTerm
          ? '$.evidence[0].targetDisease'
          : steps[0] === '@context' && steps[1] !== 0
            ? "$['@context']"
            : steps[0] === 'issuer'
              ? '$.issuer.id'
              : path;
        expect(validateCredential(c).issues.map((i) => i.path)).toContain(want);
      });
    }
  }
});
