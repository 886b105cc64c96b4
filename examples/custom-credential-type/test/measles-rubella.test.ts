import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  CredentialTypeRegistry,
  RecordValidationError,
  UnknownContextError,
  buildCredential,
  createDocumentLoader,
  validateCredential,
} from '@divoc/schemas';
import { MR_CONTEXT_URL, measlesRubellaCredentialType, registerMeaslesRubella } from '../src/index.js';

const record = {
  childName: 'Meera Das',
  dob: '2020-01-15',
  gender: 'Female',
  guardianName: 'Anil Das',
  uniqueChildId: 'MR-2021-000123',
  district: 'Puri',
  state: 'Odisha',
  country: 'IN',
  campaign: 'MR catch-up campaign 2021',
  manufacturer: 'Serum Institute of India',
  batch: 'MR1234',
  vaccinationDate: '2021-03-10',
  dose: '1',
  sessionSite: 'Anganwadi Centre 12',
  vaccinatorName: 'ANM Sunita',
};
const options = { issuer: 'https://health.example.org/', issuanceDate: '2021-03-10T12:00:00Z' };

// jsonld.js is a devDependency of the workspace root.
const jsonld = createRequire(import.meta.url)('jsonld') as {
  canonize(doc: unknown, o: Record<string, unknown>): Promise<string>;
};

describe('measles-rubella credential type (own registry)', () => {
  const registry = new CredentialTypeRegistry().register(measlesRubellaCredentialType);

  it('builds and validates', () => {
    const credential = buildCredential('measles-rubella', record, { ...options, registry });
    expect(credential.type).toEqual(['VerifiableCredential', 'MeaslesRubellaVaccinationCredential']);
    expect(credential['@context']).toEqual(['https://www.w3.org/2018/credentials/v1', MR_CONTEXT_URL]);
    expect(credential.credentialSubject).toMatchObject({
      type: 'Child',
      name: 'Meera Das',
      uniqueChildId: 'MR-2021-000123',
    });
    expect(credential.evidence?.[0]).toMatchObject({ type: ['MRVaccination'], dose: 1, batch: 'MR1234' });
    expect(validateCredential(credential, { registry })).toEqual({ valid: true, issues: [] });
  });

  it('reports every bad record field', () => {
    try {
      buildCredential(
        'measles-rubella',
        { ...record, dob: '2020-13-01', dose: 3, uniqueChildId: 'bad id', batch: '' },
        { ...options, registry },
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RecordValidationError);
      expect((e as RecordValidationError).issues.map((i) => i.path).sort()).toEqual([
        '$.batch',
        '$.dob',
        '$.dose',
        '$.uniqueChildId',
      ]);
    }
  });

  it('applies the programme rule (from 9 months of age)', () => {
    expect(() =>
      buildCredential('measles-rubella', { ...record, vaccinationDate: '2020-05-01' }, { ...options, registry }),
    ).toThrow(/9 months/);
  });

  it('validation finds broken credentials by path', () => {
    const credential = buildCredential('measles-rubella', record, { ...options, registry });
    (credential.evidence![0] as Record<string, unknown>).dose = 7;
    delete (credential.credentialSubject as Record<string, unknown>).dob;
    const result = validateCredential(credential, { registry });
    expect(result.issues.map((i) => i.path).sort()).toEqual(['$.credentialSubject.dob', '$.evidence[0].dose']);
  });

  it('the document loader serves the programme context from the registry, and nothing else', async () => {
    const loader = createDocumentLoader({ registry });
    const { document } = await loader(MR_CONTEXT_URL);
    expect(JSON.stringify(document)).toContain('MeaslesRubellaVaccinationCredential');
    await expect(createDocumentLoader({ registry: null })(MR_CONTEXT_URL)).rejects.toBeInstanceOf(UnknownContextError);
    await expect(loader('https://health.example.org/credentials/other/v1')).rejects.toMatchObject({
      code: 'ERR_JSONLD_UNKNOWN_URL',
    });
  });

  it.each(['1.1', '2.0'] as const)('every term is defined in JSON-LD (VC %s, safe mode)', async (vcVersion) => {
    const credential = buildCredential('measles-rubella', record, { ...options, vcVersion, registry });
    const nquads = await jsonld.canonize(credential, {
      documentLoader: createDocumentLoader({ registry }),
      algorithm: 'URDNA2015',
      format: 'application/n-quads',
      safe: true,
    });
    expect(nquads).toContain('https://health.example.org/credentials/measles-rubella/v1#campaign');
  });
});

describe('measles-rubella on the default registry', () => {
  it('registerMeaslesRubella() plugs it into the defaults (idempotently)', async () => {
    registerMeaslesRubella();
    registerMeaslesRubella();
    const credential = buildCredential('measles-rubella', record, options);
    expect(validateCredential(credential).valid).toBe(true);
    const { document } = await createDocumentLoader()(MR_CONTEXT_URL);
    expect(document).toBeDefined();
  });
});
