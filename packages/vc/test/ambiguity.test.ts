/**
 * Term collisions (security finding): DIVOC's contexts give several terms of one node the same IRI, so a signature
 * over the RDF canonical form does not bind which term carries which value. `findAmbiguousTerms` finds them from the
 * active contexts; `verifyCredential` reports them as `ambiguousTerms` (a warning: genuine DIVOC certificates have
 * them and stay valid). The SDK v2 context, the templates' default, gives every term its own IRI.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSigner, generateKeyPair, importKeyPair, trustedKeyFromKeyPair } from '@divoc/keys';
import { buildCredential, CONTEXT_URLS, createDocumentLoader } from '@divoc/schemas';
import {
  ambiguousTermPaths,
  canonize,
  findAmbiguousTerms,
  issueCredential,
  readJsonPath,
  verifyCredential,
  type AmbiguousTermGroup,
  type JsonObject,
  type SignedCredential,
  type UnsignedCredential,
} from '../src/index.js';
import { loader, RECORDS, templateCredentials } from './generate.js';
import { keyResolver, VECTORS, vectorJson } from './helpers.js';

const SCHEMA_ID = 'https://schema.org/id';
const SCHEMA_DATE = 'https://schema.org/date';
const SCHEMA_DOSE = 'https://schema.org/doseValue';
const SCHEMA_URL = 'https://schema.org/url';

const rsa = importKeyPair({ pem: readFileSync(new URL('divoc/keys/divoc-test-rsa.public.pem', VECTORS), 'utf8') });
const ed = importKeyPair(vectorJson('divoc/keys/divoc-test-ed25519.json') as never);
const divocTrustStore = keyResolver([
  trustedKeyFromKeyPair(rsa, { id: 'did:india' }),
  trustedKeyFromKeyPair(ed, { id: 'did:india' }),
]);
const vectorNow = new Date('2022-01-01T00:00:00Z');

const issuerKey = await generateKeyPair('Ed25519');
const ISSUER = 'did:example:ministry';
const KEY_ID = `${ISSUER}#key-1`;
const signer = createSigner(issuerKey, { id: KEY_ID });
const trustStore = keyResolver([trustedKeyFromKeyPair(issuerKey, { id: KEY_ID, controller: ISSUER })]);
const now = new Date('2021-09-01T00:00:00Z');

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A copy of `credential` with the values of `a` and `b` in `evidence[0]` exchanged. */
function swapped<T extends JsonObject>(credential: T, a: string, b: string): T {
  const copy = clone(credential);
  const evidence = (copy.evidence as JsonObject[])[0]!;
  const va = evidence[a];
  evidence[a] = evidence[b];
  evidence[b] = va;
  return copy;
}

const withoutProof = (credential: JsonObject): JsonObject => {
  const { proof: _p, ...rest } = credential;
  return rest;
};

async function sign(credential: object): Promise<SignedCredential> {
  return issueCredential(credential as UnsignedCredential, { signer, created: '2021-08-27T10:57:57Z' });
}

const signatureCheck = (result: { checks: Array<{ name: string; ok: boolean; code?: string }> }) =>
  result.checks.find((c) => c.name === 'signature');

/** The groups DIVOC's vaccination context gives a DIVOC-issued certificate's evidence (no certificateId there). */
const DIVOC_VECTOR_GROUPS: AmbiguousTermGroup[] = [
  { iri: SCHEMA_URL, terms: ['feedbackUrl', 'infoUrl'], path: 'evidence[0]' },
  { iri: SCHEMA_ID, terms: ['batch', 'vaccine', 'manufacturer'], path: 'evidence[0]' },
  { iri: SCHEMA_DATE, terms: ['date', 'effectiveStart', 'effectiveUntil'], path: 'evidence[0]' },
  { iri: SCHEMA_DOSE, terms: ['dose', 'totalDoses'], path: 'evidence[0]' },
];

describe('genuine DIVOC/CoWIN certificates', () => {
  it.each(['rsa2018-divocdev-valid.json', 'rsa2018-cowinctx-valid.json', 'ed25519-2018-divocdev-valid.json'])(
    '%s still verifies valid, and reports its ambiguous groups',
    async (name) => {
      const result = await verifyCredential(vectorJson(`divoc/signed/${name}`), {
        trust: divocTrustStore,
        now: vectorNow,
      });
      expect(result.valid).toBe(true);
      expect(result.ambiguousTerms).toEqual(DIVOC_VECTOR_GROUPS);
    },
  );

  it(
    'the real RSA-signed certificate with batch ↔ manufacturer and date ↔ effectiveUntil swapped still ' +
      'verifies (why it is a warning)',
    async () => {
      const real = vectorJson<JsonObject>('divoc/signed/rsa2018-cowinctx-valid.json');
      const evidence = (real.evidence as JsonObject[])[0]!;
      expect(evidence.batch).not.toBe(evidence.manufacturer);
      expect(evidence.date).not.toBe(evidence.effectiveUntil);
      const forged = swapped(swapped(real, 'batch', 'manufacturer'), 'date', 'effectiveUntil');
      const result = await verifyCredential(forged, { trust: divocTrustStore, now: vectorNow });
      expect(signatureCheck(result)).toEqual({ name: 'signature', ok: true });
      expect(result.valid).toBe(true);
      expect(result.ambiguousTerms).toEqual(DIVOC_VECTOR_GROUPS);
      expect((result.credential!.evidence as JsonObject[])[0]!.effectiveUntil).toBe(evidence.date);
      // Control: a changed value (not a swap) breaks the same signature.
      const changed = clone(real);
      (changed.evidence as JsonObject[])[0]!.batch = 'XX0000XX';
      expect(signatureCheck(await verifyCredential(changed, { trust: divocTrustStore, now: vectorNow }))).toMatchObject(
        { ok: false, code: 'ERR_VC_SIGNATURE_INVALID' },
      );
    },
  );
});

/** Swaps the finding names, with the IRI DIVOC's contexts give both terms. */
const SWAPS = [
  ['certificateId', 'batch', SCHEMA_ID],
  ['date', 'effectiveUntil', SCHEMA_DATE],
  ['dose', 'totalDoses', SCHEMA_DOSE],
] as const;

describe.each(['vaccination', 'vaccination-v2'] as const)(
  '%s: swapped values under the legacy DIVOC context and the SDK v2 context',
  (template) => {
    const record = RECORDS[template]!;
    const options = { issuer: ISSUER, issuanceDate: '2021-08-27T10:57:57Z' } as const;

    it.each(SWAPS)('divoc-legacy: %s ↔ %s keeps the signature valid, and verify lists the group', async (a, b, iri) => {
      const built = buildCredential(template, record, { ...options, context: 'divoc-legacy' });
      expect(built['@context']).toContain(
        template === 'vaccination' ? CONTEXT_URLS.DIVOC_VACCINATION_V1 : CONTEXT_URLS.DIVOC_VACCINATION_V2,
      );
      const signed = await sign(built);
      const original = await verifyCredential(signed, { trust: trustStore, now });
      expect(original.valid).toBe(true);
      const group = original.ambiguousTerms?.find((g) => g.iri === iri);
      expect(group).toMatchObject({ path: 'evidence[0]' });
      expect(group!.terms).toEqual(expect.arrayContaining([a, b]));

      const evidence = (signed.evidence as JsonObject[])[0]!;
      expect(evidence[a]).not.toEqual(evidence[b]); // a real exchange, not a no-op
      const forged = swapped(signed, a, b);
      // The same canonical N-Quads: nothing in what was signed says which term held which value.
      expect(await canonize(withoutProof(forged))).toBe(await canonize(withoutProof(signed)));
      const result = await verifyCredential(forged, { trust: trustStore, now });
      expect(signatureCheck(result)).toEqual({ name: 'signature', ok: true });
      expect(result.checks.find((c) => c.name === 'trust')).toMatchObject({ ok: true });
      expect(result.ambiguousTerms).toEqual(original.ambiguousTerms);
      expect((result.credential!.evidence as JsonObject[])[0]![a]).toEqual(evidence[b]);
    });

    it.each(SWAPS)('sdk context (default): %s ↔ %s breaks the signature', async (a, b) => {
      const built = buildCredential(template, record, options);
      expect(built['@context']).toEqual([CONTEXT_URLS.CREDENTIALS_V1, CONTEXT_URLS.DIVOC_SDK_V2]);
      const signed = await sign(built);
      const original = await verifyCredential(signed, { trust: trustStore, now });
      expect(original.valid).toBe(true);
      expect(original.ambiguousTerms).toBeUndefined();

      const forged = swapped(signed, a, b);
      expect(await canonize(withoutProof(forged))).not.toBe(await canonize(withoutProof(signed)));
      const result = await verifyCredential(forged, { trust: trustStore, now });
      expect(result.valid).toBe(false);
      expect(signatureCheck(result)).toMatchObject({ ok: false, code: 'ERR_VC_SIGNATURE_INVALID' });
      expect(result.ambiguousTerms).toBeUndefined();
    });
  },
);

describe(
  "templates: the default output has no ambiguous terms; divoc-legacy keeps DIVOC's contexts (and their " +
    'collisions)',
  () => {
    const cases = (['vaccination', 'vaccination-v2', 'test', 'recovery'] as const).flatMap((template) =>
      (['1.1', '2.0'] as const).map((vcVersion) => [template, vcVersion] as const),
    );
    it.each(cases)('%s, VC %s', async (template, vcVersion) => {
      const options = { issuer: ISSUER, issuanceDate: '2021-08-27T10:57:57Z', vcVersion } as const;
      const sdk = buildCredential(template, RECORDS[template]!, options);
      expect(sdk['@context'].slice(1)).toEqual([CONTEXT_URLS.DIVOC_SDK_V2]);
      expect(await findAmbiguousTerms(sdk as JsonObject)).toEqual([]);
      const verified = await verifyCredential(await sign(sdk), { trust: trustStore, now });
      expect(verified.valid).toBe(true);
      expect(verified.ambiguousTerms).toBeUndefined();

      const legacy = buildCredential(template, RECORDS[template]!, { ...options, context: 'divoc-legacy' });
      const legacyUrls = {
        vaccination: [CONTEXT_URLS.DIVOC_VACCINATION_V1],
        'vaccination-v2': [CONTEXT_URLS.DIVOC_VACCINATION_V2, CONTEXT_URLS.DIVOC_SDK_V1],
        test: [CONTEXT_URLS.DIVOC_TEST_CERTIFICATE_V1],
        recovery: [CONTEXT_URLS.DIVOC_VACCINATION_V2, CONTEXT_URLS.DIVOC_SDK_V1],
      }[template];
      expect(legacy['@context'].slice(1)).toEqual(legacyUrls);
      const groups = await findAmbiguousTerms(legacy as JsonObject);
      const legacyVerified = await verifyCredential(await sign(legacy), { trust: trustStore, now });
      expect(legacyVerified.valid).toBe(true);
      if (template === 'recovery') {
        // Recovery evidence is the SDK v1 context's own (distinct IRIs); its Person has one schema:id term.
        expect(groups).toEqual([]);
      } else {
        const idGroup = groups.find((g) => g.iri === SCHEMA_ID && g.path === 'evidence[0]');
        expect(idGroup?.terms).toEqual(expect.arrayContaining(['certificateId', 'batch', 'manufacturer']));
        expect(legacyVerified.ambiguousTerms).toEqual(groups);
      }
    });

    it(
      'the DIVOC test-certificate context lets result, testType, disease… be exchanged (legacy output reports ' +
        'them)',
      async () => {
        const legacy = buildCredential('test', RECORDS.test!, { issuer: ISSUER, context: 'divoc-legacy' });
        const groups = await findAmbiguousTerms(legacy as JsonObject);
        expect(groups.find((g) => g.iri === SCHEMA_ID)?.terms).toEqual(
          expect.arrayContaining([
            'certificateId',
            'batch',
            'testType',
            'manufacturer',
            'disease',
            'sampleOrigin',
            'result',
          ]),
        );
      },
    );
  },
);

describe(
  'differential: on every template credential, a sibling swap keeps the signed N-Quads exactly when ' + 'reported',
  () => {
    /** Every JSON object of the document with its path as findAmbiguousTerms writes it. */
    function nodes(value: unknown, path: string, out: Array<[string, Record<string, unknown>]>): void {
      if (Array.isArray(value)) value.forEach((v, i) => nodes(v, `${path}[${i}]`, out));
      else if (typeof value === 'object' && value !== null) {
        out.push([path, value as Record<string, unknown>]);
        for (const [k, v] of Object.entries(value))
          if (k !== '@context') nodes(v, path === '' ? k : `${path}.${k}`, out);
      }
    }
    it.each(templateCredentials().map((t) => [t.name, t.credential] as const))('%s', async (_name, credential) => {
      const groups = await findAmbiguousTerms(credential, { documentLoader: loader });
      const together = new Set(
        groups.flatMap((g) => g.terms.flatMap((a) => g.terms.map((b) => `${g.path}|${a}|${b}`))),
      );
      const before = await canonize(credential, { documentLoader: loader });
      let swaps = 0;
      const all: Array<[string, Record<string, unknown>]> = [];
      nodes(credential, '', all);
      for (const [path, node] of all) {
        const keys = Object.keys(node).filter(
          (k) => !['@context', 'id', 'type'].includes(k) && typeof node[k] !== 'object',
        );
        for (let i = 0; i < keys.length; i++) {
          for (let j = i + 1; j < keys.length; j++) {
            const [a, b] = [keys[i]!, keys[j]!];
            if (node[a] === node[b]) continue;
            const copy = clone(credential);
            const target = readJsonPath(copy, path) as Record<string, unknown>;
            [target[a], target[b]] = [target[b], target[a]];
            // A swap that breaks the JSON-LD (an IRI into a literal's place) cannot keep the signature either.
            const same = (await canonize(copy, { documentLoader: loader }).catch(() => undefined)) === before;
            expect(same, `${path}: ${a} <-> ${b}`).toBe(together.has(`${path}|${a}|${b}`));
            swaps++;
          }
        }
      }
      expect(swaps).toBeGreaterThan(10);
    });
  },
);

describe('findAmbiguousTerms on any context', () => {
  const EX = 'https://example.org/vocab#';
  const context = {
    '@context': {
      '@version': 1.1,
      '@protected': true,
      id: '@id',
      type: '@type',
      ex: EX,
      top1: 'ex:shared',
      top2: 'ex:shared',
      own: 'ex:own',
      idRef: { '@id': 'ex:ref', '@type': '@id' },
      literalRef: 'ex:ref',
      Thing: {
        '@id': 'ex:Thing',
        '@context': {
          '@version': 1.1,
          '@protected': true,
          a: 'ex:scoped',
          b: 'ex:scoped',
          c: 'ex:c',
          child: { '@id': 'ex:child', '@context': { x: 'ex:x', y: 'ex:x' } },
        },
      },
      inverse1: { '@reverse': 'ex:parent' },
      inverse2: { '@reverse': 'ex:parent' },
    },
  };
  const URL_ = 'https://example.org/contexts/collide/v1';
  const documentLoader = createDocumentLoader({ contexts: { [URL_]: context } });
  const find = (doc: object) => findAmbiguousTerms(doc as JsonObject, { documentLoader });

  it('reports nothing for a context whose terms each have their own IRI', async () => {
    expect(await find({ '@context': URL_, id: 'urn:x:1', own: 'v', top1: 'w', c: 'not a term here' })).toEqual([]);
  });

  it('top-level, type-scoped and property-scoped collisions, only where the context applies', async () => {
    const doc = {
      '@context': URL_,
      id: 'urn:x:1',
      top1: 'a',
      top2: 'b',
      'ex:item': { type: 'Thing', a: 1, b: 2, c: 3, child: { x: 'p', y: 'q' } },
      // Not a Thing: `a`/`b` mean nothing here; the top-level pair still collides.
      'ex:plain': { top1: 'c', top2: 'd' },
    };
    const groups = await find(doc);
    expect(groups).toEqual([
      { iri: `${EX}shared`, terms: ['top1', 'top2'], path: '' },
      { iri: `${EX}scoped`, terms: ['a', 'b'], path: '["ex:item"]' },
      { iri: `${EX}x`, terms: ['x', 'y'], path: '["ex:item"].child' },
      { iri: `${EX}shared`, terms: ['top1', 'top2'], path: '["ex:plain"]' },
    ]);
  });

  it(
    'whatever the coercion: an @id-coerced and a literal term of one IRI are reported (value objects exchange ' +
      'them)',
    async () => {
      expect(await find({ '@context': URL_, idRef: 'urn:x:2', literalRef: 'text' })).toEqual([
        { iri: `${EX}ref`, terms: ['idRef', 'literalRef'], path: '' },
      ]);
    },
  );

  it('reverse properties group apart from forward ones', async () => {
    const groups = await find({
      '@context': URL_,
      id: 'urn:x:1',
      inverse1: { id: 'urn:x:2' },
      inverse2: { id: 'urn:x:3' },
      'ex:parent': 'fwd',
    });
    expect(groups).toEqual([{ iri: `${EX}parent`, terms: ['inverse1', 'inverse2'], path: '', reverse: true }]);
  });

  it('keys that are no term (compact or absolute IRIs) collide with the term of that IRI', async () => {
    expect(await find({ '@context': URL_, own: 'a', 'ex:own': 'b' })).toEqual([
      { iri: `${EX}own`, terms: ['own', 'ex:own'], path: '' },
    ]);
    expect(await find({ '@context': URL_, own: 'a', [`${EX}own`]: 'b' })).toEqual([
      { iri: `${EX}own`, terms: ['own', `${EX}own`], path: '' },
    ]);
  });

  it('an embedded context that adds a term for a taken IRI, and @nest blocks, cannot hide a collision', async () => {
    // Both keep the signed RDF unchanged: an added term is not a redefinition, and @nest keys belong to their node.
    const embedded = { '@context': [URL_, { alias: 'ex:own' }], own: 'a', alias: 'b' };
    expect(await find(embedded)).toEqual([{ iri: `${EX}own`, terms: ['own', 'alias'], path: '' }]);
    const nested = { '@context': [URL_, { n: '@nest' }], id: 'urn:x:1', top1: 'a', n: { top2: 'b' } };
    expect(await find(nested)).toEqual([{ iri: `${EX}shared`, terms: ['top1', 'n.top2'], path: '' }]);
    // Control: both sign exactly like the plain document, and like their swapped selves.
    const c14n = (doc: object) => canonize(doc as JsonObject, { documentLoader });
    const plainOwn = await c14n({ '@context': URL_, id: 'urn:x:1', own: ['a', 'b'] });
    expect(await c14n({ ...embedded, id: 'urn:x:1' })).toBe(plainOwn);
    expect(await c14n({ ...embedded, id: 'urn:x:1', own: 'b', alias: 'a' })).toBe(plainOwn);
    expect(await c14n({ ...embedded, id: 'urn:x:1', own: 'b', alias: 'c' })).not.toBe(plainOwn);
    const plainShared = await c14n({ '@context': URL_, id: 'urn:x:1', top1: 'a', top2: 'b' });
    expect(await c14n(nested)).toBe(plainShared);
    expect(await c14n({ ...nested, top1: 'b', n: { top2: 'a' } })).toBe(plainShared);
    const inNode = { '@context': URL_, 'ex:item': { '@context': { also: 'ex:c' }, type: 'Thing', c: 1, also: 2 } };
    expect(await find(inNode)).toEqual([{ iri: `${EX}c`, terms: ['c', 'also'], path: '["ex:item"]' }]);
  });

  it('the same signed N-Quads after every reported swap (differential control against canonize)', async () => {
    const doc = {
      '@context': URL_,
      id: 'urn:x:1',
      top1: 'a',
      top2: 'b',
      'ex:item': { type: 'Thing', a: 1, b: 2, c: 3 },
    };
    const groups = await find(doc);
    expect(groups.length).toBe(2);
    const before = await canonize(doc as JsonObject, { documentLoader });
    for (const group of groups) {
      const copy = clone(doc) as Record<string, unknown>;
      const node = readJsonPath(copy, group.path) as Record<string, unknown>;
      const [x, y] = group.terms as [string, string];
      [node[x], node[y]] = [node[y], node[x]];
      expect(await canonize(copy as JsonObject, { documentLoader })).toBe(before);
    }
    // Control: exchanging `c` (own IRI) with `a` changes the signed N-Quads.
    const control = clone(doc);
    [control['ex:item'].a, control['ex:item'].c] = [control['ex:item'].c, control['ex:item'].a];
    expect(await canonize(control as JsonObject, { documentLoader })).not.toBe(before);
  });

  it('ignores the proof and value objects; rejects what is not an object', async () => {
    expect(await find({ '@context': URL_, own: { '@value': 'x' }, proof: { top1: 1, top2: 2 } })).toEqual([]);
    await expect(findAmbiguousTerms([] as never)).rejects.toMatchObject({ code: 'ERR_VC_MALFORMED' });
    await expect(findAmbiguousTerms({ '@context': 'https://unknown.example/ctx', a: 1 })).rejects.toMatchObject({
      code: 'ERR_JSONLD_UNKNOWN_URL',
    });
  });
});

describe('ambiguousTermPaths', () => {
  it('the JSON path of every term, for warnings', () => {
    expect(
      ambiguousTermPaths([
        { iri: SCHEMA_ID, terms: ['certificateId', 'batch'], path: 'evidence[0]' },
        { iri: SCHEMA_DATE, terms: ['top1', 'n.top2', 'odd key'], path: '' },
        { iri: SCHEMA_URL, terms: ['sign-image', 'x'], path: 'evidence[0].verifier' },
      ]),
    ).toEqual([
      'evidence[0].certificateId',
      'evidence[0].batch',
      'top1',
      'n.top2',
      '["odd key"]',
      'evidence[0].verifier["sign-image"]',
      'evidence[0].verifier.x',
    ]);
    expect(ambiguousTermPaths([])).toEqual([]);
  });
});

describe('readJsonPath', () => {
  const doc = { evidence: [{ batch: 'B', facility: { 'seal-image': 'S' }, 'a.b': 1, n: [{ certificateId: 'X' }] }] };
  it.each<[string, unknown]>([
    ['', doc],
    ['evidence[0].batch', 'B'],
    ['evidence[0].facility["seal-image"]', 'S'],
    ['evidence[0]["a.b"]', 1],
    ['evidence[0].n[0].certificateId', 'X'],
    ['evidence[1]', undefined],
    ['evidence.0', undefined],
    ['.evidence', undefined],
    ['evidence[0].batch.length', undefined],
    ['evidence[0]["x', undefined],
  ])('%j', (path, expected) => {
    expect(readJsonPath(doc, path)).toEqual(expected);
  });
  it('a key as written is found directly (as terms are reported)', () => {
    expect(readJsonPath(doc.evidence[0], 'a.b')).toBe(1);
    expect(readJsonPath(doc.evidence[0], 'sign-image')).toBeUndefined();
  });
});
