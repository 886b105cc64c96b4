/**
 * Seeded generator of credential-shaped JSON-LD for the differential tests: our templates (vaccination,
 * vaccination-v2, test, recovery, and a registry-registered measles-rubella type) in VC 1.1 and 2.0, with their
 * leaves replaced by awkward values (unicode of every kind, control characters, empty strings, numbers of every
 * shape, booleans, dates, nulls, arrays, nested objects) and optional fields dropped. Most stay valid JSON-LD; a
 * few are made invalid on purpose (undefined term, relative IRI) so both paths must fail the same way.
 */
import {
  buildCredential,
  CONTEXT_URLS,
  CredentialTypeRegistry,
  createDocumentLoader,
  credentialFrame,
  type CredentialTypeDefinition,
  type ResolvedBuildOptions,
} from '@divoc/schemas';
import type { JsonObject, JsonValue } from '../src/index.js';
import { recoveryRecord, testRecord, vaccinationRecord } from '../../../test/support/fixtures.js';

/** mulberry32: small, fast, good enough to spread test cases, and reproducible from the seed. */
export { prng } from '../../../test/support/bytes.js';

export type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const chance = (rng: Rng, p: number) => rng() < p;

const STRING_PIECES = [
  '',
  'a',
  'Bhaya Mitra',
  ' leading and trailing ',
  'quote " and \\ backslash',
  'tab\tnewline\ncarriage\rreturn',
  '\u0000nul\u0001soh\u001fus\u007fdel',
  '\b\f',
  'é (precomposed) vs e\u0301 (combining)',
  'Z\u0351\u0358a\u0362l\u0360g\u0361o',
  '😷💉 astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '\u{1F9EC}\u{10FFFF}',
  'العربية RTL',
  'עברית \u202Eoverride\u202C',
  'देवनागरी हिन्दी',
  '中文 日本語 한국어',
  '\uFEFFbom',
  '\u2028line\u2029para',
  '<angle> {brace} |pipe| ^caret^ `tick`',
  '12346',
  '1e21',
  'true',
  'null',
  '2021-05-03T10:15:00.000Z',
];

export function randomString(rng: Rng): string {
  const n = Math.floor(rng() * 3);
  let out = pick(rng, STRING_PIECES);
  for (let i = 0; i < n; i++) out += pick(rng, STRING_PIECES);
  return out;
}

const NUMBERS = [
  0,
  -0,
  1,
  2,
  -7,
  42,
  3.14,
  -2.5,
  0.1,
  1e-7,
  5e-324,
  1e20,
  1e21,
  1.5e300,
  -1e22,
  2 ** 53,
  2 ** 53 + 2,
  Number.MAX_VALUE,
  123456789.125,
  1 / 3,
];

const DATES = [
  '2021-05-03T10:15:00Z',
  '2021-05-03T10:15:00.000Z',
  '2021-05-03T10:15:00.123456Z',
  '2021-05-03T10:15:00+05:30',
  '2021-05-03T10:15:00-08:00',
  '2021-05-03',
  '2021-02-30T00:00:00Z',
  'not a date',
];

const IRIS = [
  'https://divoc.dev/vaccine/123',
  'urn:uuid:2f3c9b1e-0c5c-4b8a-9f0a-6f1b2c3d4e5f',
  'did:example:123#key-1',
  'did:in.gov.uidai.aadhaar:2342343334',
  'https://example.org/ünïcödé/路径?q=1#frag',
  'mailto:someone@example.org',
  'urn:x:a<b>',
];

/** A random scalar: string, number, boolean, date, IRI-looking string, null. */
export function randomScalar(rng: Rng): JsonValue {
  const r = rng();
  if (r < 0.45) return randomString(rng);
  if (r < 0.65) return pick(rng, NUMBERS);
  if (r < 0.72) return rng() < 0.5;
  if (r < 0.87) return pick(rng, DATES);
  if (r < 0.95) return pick(rng, IRIS);
  return null;
}

/** Keys whose value the generator keeps as is (changing them only produces uninteresting errors). */
const KEEP = new Set(['@context', 'type']);

function mutateValue(value: JsonValue, rng: Rng, depth: number): JsonValue {
  if (Array.isArray(value)) {
    let items = value.map((v) => mutateValue(v, rng, depth + 1));
    if (chance(rng, 0.1)) items = [];
    else if (chance(rng, 0.1) && items.length > 0)
      items = [...items, items[0]!]; // duplicate: one quad
    else if (chance(rng, 0.1)) items = [...items, randomScalar(rng)]; // mixed
    return items;
  }
  if (value !== null && typeof value === 'object') return mutateObject(value, rng, depth + 1);
  const r = rng();
  if (r < 0.55) return value;
  if (r < 0.85) return randomScalar(rng);
  if (r < 0.92) return [randomScalar(rng)];
  if (r < 0.96) return [randomScalar(rng), randomScalar(rng), value];
  return [];
}

function mutateObject(object: JsonObject, rng: Rng, depth: number): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined) continue;
    if (KEEP.has(key)) {
      out[key] = value;
      continue;
    }
    if (chance(rng, 0.08)) continue; // optional field missing
    if (key === 'issuer' && typeof value === 'string') {
      out.issuer = chance(rng, 0.3) ? pick(rng, IRIS) : value; // coerced to @id: a random string would be relative
      continue;
    }
    if (key === 'id') {
      out.id = chance(rng, 0.2) ? pick(rng, IRIS) : value;
      if (chance(rng, 0.005)) out.id = 'relative/path'; // invalid: both paths must reject it
      continue;
    }
    out[key] = mutateValue(value, rng, depth);
  }
  if (depth > 0 && chance(rng, 0.01)) out.undefinedTermForSure = 'x'; // invalid in VC 1.1, @vocab in VC 2.0
  return out;
}

/** A credential derived from `base` with random leaves, dropped fields and reshaped arrays. */
export function mutateCredential(base: JsonObject, rng: Rng): JsonObject {
  const out = mutateObject(base, rng, 0);
  // Type forms jsonld treats alike: a string, an array, an array with a repeat.
  if (chance(rng, 0.1) && Array.isArray(out.type)) out.type = [...out.type, out.type[0]!];
  return out;
}

/* --------------------------------------------------------------------------------------------------------- */
/* Templates                                                                                                  */
/* --------------------------------------------------------------------------------------------------------- */

export const MEASLES_CONTEXT_URL = 'https://health.example.org/credentials/measles-rubella/v1';

const measlesContext = {
  '@context': {
    '@version': 1.1,
    '@protected': true,
    id: '@id',
    type: '@type',
    mr: 'https://health.example.org/credentials/measles-rubella/v1#',
    schema: 'https://schema.org/',
    xsd: 'http://www.w3.org/2001/XMLSchema#',
    MeaslesRubellaVaccinationCredential: {
      '@id': 'mr:MeaslesRubellaVaccinationCredential',
      '@context': { '@version': 1.1, '@protected': true, nonTransferable: 'mr:nonTransferable' },
    },
    Child: {
      '@id': 'mr:Child',
      '@context': {
        '@version': 1.1,
        '@protected': true,
        name: 'schema:name',
        dob: { '@id': 'schema:birthDate', '@type': 'xsd:date' },
        gender: 'schema:gender',
        uniqueChildId: 'mr:uniqueChildId',
      },
    },
    MRVaccination: {
      '@id': 'mr:MRVaccination',
      '@context': {
        '@version': 1.1,
        '@protected': true,
        vaccine: 'mr:vaccine',
        batch: 'mr:batch',
        date: { '@id': 'mr:vaccinationDate', '@type': 'xsd:date' },
        dose: { '@id': 'mr:dose', '@type': 'xsd:integer' },
        totalDoses: { '@id': 'mr:totalDoses', '@type': 'xsd:double' },
        given: { '@id': 'mr:given', '@type': 'xsd:boolean' },
      },
    },
  },
};

const measlesType: CredentialTypeDefinition = {
  name: 'measles-rubella-test',
  credentialType: 'MeaslesRubellaVaccinationCredential',
  contexts: { [MEASLES_CONTEXT_URL]: measlesContext },
  contextUrls: [MEASLES_CONTEXT_URL],
  schema: { type: 'object' },
  recordSchema: { type: 'object' },
  build: (record: Readonly<Record<string, unknown>>, options: ResolvedBuildOptions) => {
    const credential = credentialFrame('MeaslesRubellaVaccinationCredential', [MEASLES_CONTEXT_URL], options);
    credential.credentialSubject = {
      type: 'Child',
      id: 'urn:mr:child:1',
      name: String(record.name),
      dob: '2019-01-02',
      gender: 'F',
      uniqueChildId: 'C-1',
    };
    credential.evidence = [
      {
        id: 'urn:mr:dose:1',
        type: ['MRVaccination'],
        vaccine: 'MR',
        batch: 'B1',
        date: '2020-01-02',
        dose: 1,
        totalDoses: 2,
        given: true,
      },
    ];
    credential.nonTransferable = 'true';
    return credential;
  },
} as unknown as CredentialTypeDefinition;

/** A registry with the built-ins plus the measles-rubella type, and a loader serving its context. */
export const registry = new CredentialTypeRegistry().register(measlesType);
export const loader = createDocumentLoader({ registry });

export const RECORDS: Record<string, Record<string, unknown>> = {
  vaccination: { ...vaccinationRecord },
  test: { ...testRecord },
  recovery: { ...recoveryRecord },
  'measles-rubella-test': { name: 'Meera' },
};
RECORDS['vaccination-v2'] = { ...RECORDS.vaccination, nextDoseDueDate: '2021-06-01', targetDisease: 'COVID-19' };

export const TEMPLATES = ['vaccination', 'vaccination-v2', 'test', 'recovery', 'measles-rubella-test'] as const;

/**
 * Every template in VC 1.1 and 2.0: with the default SDK v2 context, and with DIVOC's legacy contexts on both hosts
 * (the measles-rubella type has its own context only).
 */
export function templateCredentials(): Array<{ name: string; credential: JsonObject }> {
  const out: Array<{ name: string; credential: JsonObject }> = [];
  for (const template of TEMPLATES) {
    for (const vcVersion of ['1.1', '2.0'] as const) {
      for (const [context, contextHost] of [
        ['sdk', 'divoc.dev'],
        ['divoc-legacy', 'divoc.dev'],
        ['divoc-legacy', 'cowin.gov.in'],
      ] as const) {
        if (context !== 'sdk' && template === 'measles-rubella-test') continue;
        const credential = buildCredential(template, RECORDS[template] as never, {
          issuer: 'https://divoc.dev/',
          issuanceDate: '2021-08-27T10:57:57.237Z',
          vcVersion,
          contextHost,
          context,
          registry,
        }) as unknown as JsonObject;
        out.push({
          name: `${template} VC ${vcVersion} ${context === 'sdk' ? 'sdk context' : contextHost}`,
          credential,
        });
      }
    }
  }
  return out;
}

/* --------------------------------------------------------------------------------------------------------- */
/* Proof configurations (what each suite canonicalises besides the document)                                 */
/* --------------------------------------------------------------------------------------------------------- */

export const SUITES = [
  'eddsa-rdfc-2022',
  'ecdsa-rdfc-2019',
  'Ed25519Signature2020',
  'RsaSignature2018',
  'Ed25519Signature2018',
] as const;

/** The proof options a suite canonicalises, as `issueCredential` builds them for `credential`. */
export function proofConfig(suite: (typeof SUITES)[number], credential: JsonObject, rng: Rng): JsonObject {
  const created = pick(rng, [
    '2021-08-27T10:57:57Z',
    '2024-05-06T07:08:09Z',
    '2024-05-06T07:08:09.123Z',
    '2030-01-01T00:00:00+05:30',
  ]);
  const verificationMethod = pick(rng, [
    'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2',
    'did:india',
    'https://divoc.dev/keys/1',
  ]);
  const proofPurpose = pick(rng, ['assertionMethod', 'authentication', 'assertionMethod']);
  const contexts = [...(Array.isArray(credential['@context']) ? credential['@context'] : [credential['@context']!])];
  const isV2 = contexts.includes(CONTEXT_URLS.CREDENTIALS_V2);
  switch (suite) {
    case 'eddsa-rdfc-2022':
    case 'ecdsa-rdfc-2019':
      return {
        type: 'DataIntegrityProof',
        cryptosuite: suite,
        created,
        verificationMethod,
        proofPurpose,
        '@context': isV2 ? contexts : [...contexts, CONTEXT_URLS.DATA_INTEGRITY_V2],
      };
    case 'Ed25519Signature2020':
      return {
        type: suite,
        created,
        verificationMethod,
        proofPurpose,
        '@context': [...contexts, CONTEXT_URLS.ED25519_2020_V1],
      };
    default:
      return { '@context': CONTEXT_URLS.SECURITY_V2, type: suite, created, verificationMethod, proofPurpose };
  }
}
