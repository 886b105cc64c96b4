import { describe, expect, it } from 'vitest';
import {
  CONTEXT_URLS,
  ContextConflictError,
  CredentialTypeDefinitionError,
  CredentialTypeRegistry,
  InvalidContextError,
  UnknownCredentialTypeError,
  buildCredential,
  createDocumentLoader,
  credentialEnvelopeSchema,
  credentialFrame,
  defaultRegistry,
  registerCredentialType,
  validateCredential,
  type CredentialTypeDefinition,
} from '@divoc/schemas';
import { vaccinationRecord } from './fixtures.js';

const URL_V1 = 'https://programme.example/credentials/polio/v1';
const polio = (): CredentialTypeDefinition => ({
  name: 'polio',
  credentialType: 'PolioVaccinationCredential',
  contexts: {
    [URL_V1]: {
      '@context': {
        '@version': 1.1,
        '@protected': true,
        ex: 'https://programme.example/credentials/polio/v1#',
        PolioVaccinationCredential: 'ex:PolioVaccinationCredential',
        OpvDose: { '@id': 'ex:OpvDose', '@context': { '@protected': true, round: 'ex:round' } },
        childName: 'ex:childName',
      },
    },
  },
  contextUrls: [URL_V1],
  schema: credentialEnvelopeSchema({
    $id: 'https://programme.example/polio.json',
    title: 'Polio',
    credentialType: 'PolioVaccinationCredential',
    requiredContexts: [[URL_V1]],
    credentialSubject: {
      type: 'object',
      required: ['childName'],
      properties: { childName: { type: 'string', minLength: 1 } },
    },
    evidence: {
      type: 'object',
      required: ['round'],
      properties: { type: { const: 'OpvDose' }, round: { type: 'integer', minimum: 1 } },
    },
  }),
  recordSchema: {
    type: 'object',
    required: ['childName', 'round'],
    properties: { childName: { type: 'string' }, round: { type: 'integer' } },
  },
  build: (record, options) => ({
    ...credentialFrame('PolioVaccinationCredential', [URL_V1], options),
    credentialSubject: { childName: record.childName },
    evidence: [{ type: 'OpvDose', round: record.round }],
  }),
});

describe('CredentialTypeRegistry', () => {
  it('starts with the four built-in templates', () => {
    expect(new CredentialTypeRegistry().list().map((d) => d.name)).toEqual([
      'vaccination',
      'vaccination-v2',
      'test',
      'recovery',
    ]);
    expect(new CredentialTypeRegistry({ builtIns: false }).list()).toEqual([]);
    expect(defaultRegistry.get('ProofOfVaccinationCredential').name).toBe('vaccination');
    expect(defaultRegistry.get('ProofOfRecoveryCredential').name).toBe('recovery');
    expect(defaultRegistry.get('test').credentialType).toBe('ProofOfTestCertificateCredential');
  });

  it('get() throws a typed error for unknown names, has() says no', () => {
    expect(() => defaultRegistry.get('nope')).toThrow(UnknownCredentialTypeError);
    expect(defaultRegistry.has('nope')).toBe(false);
    expect(defaultRegistry.has('__proto__')).toBe(false);
    expect(defaultRegistry.has('toString')).toBe(false);
  });

  it('a registered type is built, validated and its context served, with no SDK change', async () => {
    const registry = new CredentialTypeRegistry().register(polio());
    const c = buildCredential(
      'polio',
      { childName: 'Ali', round: 2 },
      { issuer: 'https://programme.example/', registry },
    );
    expect(validateCredential(c, { registry })).toEqual({ valid: true, issues: [] });
    expect(validateCredential(c).issues).toEqual([expect.objectContaining({ path: '$.type' })]);
    const doc = await createDocumentLoader({ registry })(URL_V1);
    expect(JSON.stringify(doc.document)).toContain('PolioVaccinationCredential');
    // A bundled context is still served alongside.
    await expect(createDocumentLoader({ registry })(CONTEXT_URLS.CREDENTIALS_V1)).resolves.toBeDefined();
  });

  it('its context is a frozen copy taken at registration', async () => {
    const def = polio();
    const registry = new CredentialTypeRegistry().register(def);
    (def.contexts[URL_V1] as Record<string, Record<string, unknown>>)['@context']!.childName = 'https://evil.example/';
    const doc = (await createDocumentLoader({ registry })(URL_V1)).document as Record<string, Record<string, unknown>>;
    expect(doc['@context']!.childName).toBe('ex:childName');
  });

  it('a definition can be passed to buildCredential directly', () => {
    const c = buildCredential(polio(), { childName: 'Ali', round: 1 }, { issuer: 'https://programme.example/' });
    expect(c.type).toEqual(['VerifiableCredential', 'PolioVaccinationCredential']);
  });

  it('registerCredentialType() adds to the default registry and the default loader sees it', async () => {
    const def = polio();
    registerCredentialType(def);
    registerCredentialType(def); // same object again: no-op
    expect(defaultRegistry.get('PolioVaccinationCredential')).toBe(def);
    await expect(createDocumentLoader()(URL_V1)).resolves.toBeDefined();
    await expect(createDocumentLoader({ registry: null })(URL_V1)).rejects.toMatchObject({
      code: 'ERR_JSONLD_UNKNOWN_URL',
    });
  });

  it('rejects duplicates, conflicts and malformed definitions', () => {
    const registry = new CredentialTypeRegistry();
    expect(() => registry.register({ ...polio(), name: 'vaccination' })).toThrow(CredentialTypeDefinitionError);
    expect(() =>
      registry.register({
        ...polio(),
        contexts: { [CONTEXT_URLS.CREDENTIALS_V1]: { '@context': { '@vocab': 'https://evil.example/' } } },
      }),
    ).toThrow(ContextConflictError);
    expect(() => registry.register({ ...polio(), contexts: { 'did:example:1': { '@context': {} } } })).toThrow(
      InvalidContextError,
    );
    expect(() => registry.register({ ...polio(), contexts: {} })).toThrow(/provides no document/);
    expect(() => registry.register({ ...polio(), schema: { type: 'no-such-type' } })).toThrow(
      CredentialTypeDefinitionError,
    );
    for (const bad of [
      null,
      {},
      { ...polio(), name: 'Bad Name' },
      { ...polio(), credentialType: '' },
      { ...polio(), build: 'nope' },
      { ...polio(), contextUrls: [] },
      { ...polio(), schema: null },
      { ...polio(), matches: 1 },
    ]) {
      expect(() => registry.register(bad as unknown as CredentialTypeDefinition), JSON.stringify(bad)).toThrow(
        CredentialTypeDefinitionError,
      );
    }
    // Two types may share a context document if it is the same.
    const a = polio();
    registry.register(a);
    expect(() => registry.register({ ...polio(), name: 'polio-2', contexts: a.contexts })).not.toThrow();
    expect(() =>
      registry.register({ ...polio(), name: 'polio-3', contexts: { [URL_V1]: { '@context': { other: 'ex:other' } } } }),
    ).toThrow(ContextConflictError);
  });

  it('a throwing check is reported as an issue, not thrown', () => {
    const registry = new CredentialTypeRegistry({ builtIns: false }).register({
      ...polio(),
      check: () => {
        throw new Error('boom');
      },
    });
    const c = buildCredential(polio(), { childName: 'Ali', round: 1 }, { issuer: 'https://programme.example/' });
    expect(validateCredential(c, { registry }).issues).toEqual([expect.objectContaining({ keyword: 'check' })]);
  });

  it('a built-in record from the registry stays buildable after custom registrations', () => {
    expect(() => buildCredential('vaccination', vaccinationRecord, { issuer: 'https://divoc.dev/' })).not.toThrow();
  });
});
