import { deflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSigner, generateKeyPair, trustedKeyFromKeyPair, verificationMethodId, type KeyPair } from '@divoc/keys';
import { buildCredential, type BuildOptions } from '@divoc/schemas';
import {
  COMPACT_PREFIX,
  decodeCompactCredential,
  detectCompactCredential,
  encodeCompactCredential,
  isCompactCredentialError,
  issueCredential,
  verifyCredential,
  type SignedCredential,
  type SuiteName,
  type UnsignedCredential,
} from '../src/index.js';
import { base45Decode, base45Encode } from '../src/compact/base45.js';
import { binaryStringUtf8Length, divocZip, qrVersion } from './compact-helpers.js';
import { keyResolver, vectorJson } from './helpers.js';
import { omit, testRecord as fullTestRecord, vaccinationRecord } from '../../../test/support/fixtures.js';
import { codeOf as sharedCodeOf } from '../../../test/support/errors.js';
import { prng } from '../../../test/support/bytes.js';

const testRecord = omit(fullTestRecord, ['nationality', 'resultTimestamp', 'manufacturer', 'disease']);
const options: BuildOptions = { issuer: 'https://divoc.dev/', issuanceDate: '2021-05-03T11:00:00Z' };
const NOW = new Date('2021-10-01T00:00:00Z');

let ed25519: KeyPair;
let p256: KeyPair;
beforeAll(async () => {
  ed25519 = await generateKeyPair('Ed25519');
  p256 = await generateKeyPair('P-256');
});

async function signed(suite: SuiteName, credential = buildCredential('vaccination', vaccinationRecord, options)) {
  const kp = suite === 'ecdsa-rdfc-2019' ? p256 : ed25519;
  const id = verificationMethodId(kp);
  const result = await issueCredential(credential as unknown as UnsignedCredential, {
    signer: createSigner(kp, { id }),
    suite,
    created: '2021-05-03T11:00:05Z',
  });
  return { credential: result, trustStore: keyResolver([trustedKeyFromKeyPair(kp, { id })]) };
}

async function expectRoundTripVerifies(
  credential: SignedCredential,
  trustStore: ReturnType<typeof keyResolver>,
): Promise<string> {
  const text = encodeCompactCredential(credential);
  expect(text.startsWith(COMPACT_PREFIX)).toBe(true);
  expect(text).toMatch(/^[0-9A-Z $%*+\-./:]+$/); // QR alphanumeric set only
  expect(detectCompactCredential(text)).toBe(true);
  const decoded = decodeCompactCredential(text);
  expect(JSON.stringify(decoded)).toBe(JSON.stringify(credential));
  const result = await verifyCredential(decoded, { trust: trustStore, now: NOW });
  expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  expect(result.valid).toBe(true);
  return text;
}

describe('compact QR: signed credentials survive the round trip and still verify', () => {
  it.each(['eddsa-rdfc-2022', 'Ed25519Signature2020', 'ecdsa-rdfc-2019'] as const)('vaccination, %s', async (suite) => {
    const { credential, trustStore } = await signed(suite);
    await expectRoundTripVerifies(credential, trustStore);
  });

  it.each([
    ['vaccination-v2', vaccinationRecord, {}],
    ['test', testRecord, {}],
    [
      'vaccination',
      vaccinationRecord,
      { vcVersion: '2.0', contextHost: 'cowin.gov.in', expirationDate: '2030-01-01T00:00:00Z' },
    ],
  ] as const)('%s %o, eddsa-rdfc-2022', async (type, record, variant) => {
    const { credential, trustStore } = await signed(
      'eddsa-rdfc-2022',
      buildCredential(type, record, { ...options, ...variant }),
    );
    await expectRoundTripVerifies(credential, trustStore);
  });

  it('a tampered compact credential decodes but no longer verifies', async () => {
    const { credential, trustStore } = await signed('eddsa-rdfc-2022');
    const forged = {
      ...credential,
      credentialSubject: { ...(credential.credentialSubject as object), name: 'Someone Else' },
    } as SignedCredential;
    const result = await verifyCredential(decodeCompactCredential(encodeCompactCredential(forged)), {
      trust: trustStore,
      now: NOW,
    });
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.name === 'signature')?.code).toBe('ERR_VC_SIGNATURE_INVALID');
  });

  it.each([
    'rsa2018-divocdev-valid.json',
    'rsa2018-cowinctx-valid.json',
    'ed25519-2018-divocdev-valid.json',
    'rsa2018-tampered-invalid.json',
  ])("DIVOC's signed certificate %s round-trips byte for byte (detached JWS compacted)", (name) => {
    const credential = vectorJson<SignedCredential>(`divoc/signed/${name}`);
    const text = encodeCompactCredential(credential);
    expect(JSON.stringify(decodeCompactCredential(text))).toBe(JSON.stringify(credential));
    expect(text.length).toBeLessThan(JSON.stringify(credential).length);
  });
});

/** A record sharing few values with the table's dictionary templates, so the sizes are not flattered. */
const otherRecord = {
  refId: 'MH-77812',
  name: 'Priyanka Deshpande',
  dob: '1971-11-23',
  gender: 'Female',
  nationality: 'Indian',
  identity: 'did:in.gov.uidai.aadhaar:908877665544',
  addressLine1: 'Flat 12B, Sai Darshan Society',
  district: 'Pune',
  city: 'Pimpri-Chinchwad',
  state: 'Maharashtra',
  pincode: 411018,
  country: 'IN',
  vaccine: 'Covaxin',
  manufacturer: 'Bharat Biotech',
  batch: 'BB21C034',
  vaccinationDate: '2021-09-17T06:42:11.318Z',
  dose: '2',
  totalDoses: '2',
  facilityName: 'YCM Hospital',
  facilityAddressLine1: 'Sant Tukaram Nagar',
  facilityCity: 'Pimpri',
  facilityState: 'Maharashtra',
  facilityPincode: '411018',
  facilityCountry: 'IN',
  vaccinatorName: 'Nurse Kavita Jadhav',
  certificateId: '771204589630',
};

describe('compact QR size against the DIVOC ZIP QR', () => {
  it.each([
    ['eddsa-rdfc-2022', 'fixture'],
    ['Ed25519Signature2020', 'fixture'],
    ['eddsa-rdfc-2022', 'other'],
    ['Ed25519Signature2020', 'other'],
  ] as const)('%s, %s record: ≤ 60 %% of the DIVOC QR bytes, a smaller QR version', async (suite, which) => {
    const record = which === 'fixture' ? vaccinationRecord : otherRecord;
    const { credential, trustStore } = await signed(
      suite,
      buildCredential('vaccination', record, { ...options, issuanceDate: '2021-09-17T07:00:00Z' }),
    );
    await expectRoundTripVerifies(credential, trustStore);
    const json = JSON.stringify(credential);
    const text = encodeCompactCredential(credential);
    const zip = divocZip(json);
    const zipAsUtf8 = binaryStringUtf8Length(zip);
    const ours = { chars: text.length, qrVersionM: qrVersion('alphanumeric', text.length) };
    const divoc = {
      json: json.length,
      zipBytes: zip.length,
      zipAsUtf8BinaryString: zipAsUtf8,
      qrVersionM: qrVersion('byte', zipAsUtf8),
      qrVersionMIfRawBytes: qrVersion('byte', zip.length),
    };
    console.log(
      `[compact-size] ${suite} ${which}`,
      JSON.stringify({
        ours,
        divoc,
        ratioVsUtf8: +(text.length / zipAsUtf8).toFixed(3),
        ratioVsRawZip: +(text.length / zip.length).toFixed(3),
      }),
    );
    expect(text.length).toBeLessThanOrEqual(0.6 * zipAsUtf8); // characters vs the bytes DIVOC's QR carries
    expect(text.length).toBeLessThanOrEqual(0.6 * zip.length); // … even vs the raw ZIP bytes
    expect(ours.qrVersionM!).toBeLessThan(divoc.qrVersionMIfRawBytes!);
  });

  it('QR version arithmetic matches the capacity tables (EC level M)', () => {
    // Alphanumeric capacities at M: v1 20, v10 311, v40 3391. Byte: v1 14, v10 213, v40 2331.
    expect([
      qrVersion('alphanumeric', 20),
      qrVersion('alphanumeric', 21),
      qrVersion('alphanumeric', 311),
      qrVersion('alphanumeric', 312),
    ]).toEqual([1, 2, 10, 11]);
    expect([qrVersion('byte', 14), qrVersion('byte', 15), qrVersion('byte', 213), qrVersion('byte', 214)]).toEqual([
      1, 2, 10, 11,
    ]);
    expect([
      qrVersion('alphanumeric', 3391),
      qrVersion('alphanumeric', 3392),
      qrVersion('byte', 2331),
      qrVersion('byte', 2332),
    ]).toEqual([40, undefined, 40, undefined]);
  });
});

describe('Base45 (RFC 9285 examples)', () => {
  it.each([
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
  ])('%s ↔ %s', (plain, encoded) => {
    expect(base45Encode(new TextEncoder().encode(plain))).toBe(encoded);
    expect(new TextDecoder().decode(base45Decode(encoded))).toBe(plain);
  });

  it.each(['GGW', 'ZZZ', 'A', 'ABCD', 'ab', 'A\u00e9C'])('rejects %j', (bad) => {
    expect(() => base45Decode(bad)).toThrow(expect.objectContaining({ code: 'ERR_COMPACT_FORMAT' }));
  });
});

// ------------------------------------------------------------------------------------------------ property test

const STRING_SAMPLES = [
  '',
  'a',
  'IN',
  'Covishield',
  'Karnataka',
  'Bengaluru',
  'true',
  'VerifiableCredential',
  '0',
  '00',
  '007',
  '12',
  '9007199254740991',
  '9007199254740993',
  '-1',
  '1e3',
  '2021-05-03',
  '2021-02-30',
  '0000-01-01',
  '2021-05-03T11:00:00Z',
  '2021-05-03T11:00:00.000Z',
  '2021-05-03T11:00:00.123Z',
  '2021-05-03T11:00:00+05:30',
  '2021-05-03T24:00:00Z',
  '1969-12-31T23:59:59.999Z',
  'z',
  'z1',
  'z11',
  'zoo',
  'z0OIl',
  'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
  'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
  'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
  'did:key:z6Mk#z6Mj',
  'did:key:#',
  'did:key:',
  'https://divoc.dev/',
  'https://divoc.dev/vaccine/0123',
  'https://divoc.dev/vaccine/123',
  'https://divoc.dev/vaccine/',
  'urn:uuid:123e4567-e89b-12d3-a456-426614174000',
  'urn:uuid:123E4567-E89B-12D3-A456-426614174000',
  'eyJhbGciOiJQUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19..abc_-Q',
  'eyJ..',
  'eyJa..AB',
  'eyJa..A',
  'eyJa.b.c',
  'ümlaut',
  '😀',
  '\u0000',
  '\u2028',
  'a\nb',
  '__proto__',
  'Bhaya Mitra',
  'Bhaya Mitra',
];
const KEY_SAMPLES = [
  '@context',
  'type',
  'id',
  'name',
  'proof',
  'a',
  '',
  '__proto__',
  'constructor',
  '1',
  '01',
  '-1',
  'ümlaut',
  'proofValue',
  'created',
  'x y',
];

function randomString(r: () => number): string {
  if (r() < 0.7) return STRING_SAMPLES[Math.floor(r() * STRING_SAMPLES.length)]!;
  const n = Math.floor(r() * 12);
  let s = '';
  for (let i = 0; i < n; i++) {
    const pick = r();
    s +=
      pick < 0.6
        ? String.fromCharCode(32 + Math.floor(r() * 95))
        : pick < 0.9
          ? String.fromCharCode(0xa0 + Math.floor(r() * 0x2000))
          : '😀';
  }
  return s;
}

function randomNumber(r: () => number): number {
  const samples = [
    0,
    -0,
    1,
    -1,
    2 ** 53 - 1,
    -(2 ** 53),
    2 ** 53 + 2,
    1e21,
    1e-7,
    0.1,
    -1.5,
    5e-324,
    1.7976931348623157e308,
    23,
    24,
    255,
    256,
    65535,
    65536,
    4294967295,
    4294967296,
  ];
  return r() < 0.5 ? samples[Math.floor(r() * samples.length)]! : (r() - 0.5) * 10 ** Math.floor(r() * 30);
}

function randomValue(r: () => number, depth: number): unknown {
  const pick = r();
  if (depth > 4 || pick < 0.35) return randomString(r);
  if (pick < 0.5) return randomNumber(r);
  if (pick < 0.55) return r() < 0.5;
  if (pick < 0.6) return null;
  if (pick < 0.8) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  return randomObject(r, depth + 1);
}

function randomObject(r: () => number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const key = r() < 0.6 ? KEY_SAMPLES[Math.floor(r() * KEY_SAMPLES.length)]! : randomString(r);
    Object.defineProperty(out, key, {
      value: randomValue(r, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

describe('property: any JSON document with @context and proof round-trips byte for byte', () => {
  it('1000 random documents', () => {
    const r = prng(20240611);
    for (let i = 0; i < 1000; i++) {
      const doc = { '@context': randomValue(r, 3), ...randomObject(r, 0), proof: randomObject(r, 1) };
      // Compare through JSON text: that is what was signed and what a verifier parses.
      const original = JSON.parse(JSON.stringify(doc)) as SignedCredential;
      const text = encodeCompactCredential(original);
      const back = decodeCompactCredential(text);
      expect(JSON.stringify(back), `seed 20240611, case ${i}`).toBe(JSON.stringify(original));
    }
  });

  it('a "__proto__" key stays an own property, as JSON.parse keeps it', () => {
    const original = JSON.parse('{"@context":"x","__proto__":{"polluted":1},"proof":{}}') as SignedCredential;
    const back = decodeCompactCredential(encodeCompactCredential(original));
    expect(JSON.stringify(back)).toBe(JSON.stringify(original));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

// ------------------------------------------------------------------------------------------------ hostile input

/** Compact text from a raw payload: header byte + body. */
function compactText(header: number, body: Uint8Array | number[]): string {
  return COMPACT_PREFIX + base45Encode(Uint8Array.from([header, ...body]));
}
/** Minimal valid document `{"@context":"x","proof":{}}` in table-v1 CBOR: map(2) {0: "x", 8: map(0)}. */
const MINIMAL = [0xa2, 0x00, 0x61, 0x78, 0x08, 0xa0];

const codeOf = (fn: () => unknown) => sharedCodeOf(fn, (err) => expect(isCompactCredentialError(err)).toBe(true));

describe('compact QR: hostile input gets typed errors', () => {
  it('sanity: the minimal hand-made payload decodes', () => {
    expect(decodeCompactCredential(compactText(0x01, MINIMAL))).toEqual({ '@context': 'x', proof: {} });
  });

  it.each([
    ['no prefix', 'HC1:ABC', 'ERR_COMPACT_FORMAT'],
    ['lower-case prefix', 'divoc1:ABC', 'ERR_COMPACT_FORMAT'],
    ['lower-case Base45', `${COMPACT_PREFIX}abc`, 'ERR_COMPACT_FORMAT'],
    ['dangling Base45 character', `${COMPACT_PREFIX}ABCD`, 'ERR_COMPACT_FORMAT'],
    ['Base45 group over 65535', `${COMPACT_PREFIX}:::`, 'ERR_COMPACT_FORMAT'],
    ['empty payload', COMPACT_PREFIX, 'ERR_COMPACT_FORMAT'],
    ['oversized text', COMPACT_PREFIX + '0'.repeat(5000), 'ERR_COMPACT_TOO_LARGE'],
    ['unknown table version', compactText(0x02, MINIMAL), 'ERR_COMPACT_VERSION'],
    ['table version 0', compactText(0x00, MINIMAL), 'ERR_COMPACT_VERSION'],
    ['deflate flag on a non-deflate body', compactText(0x81, MINIMAL), 'ERR_COMPACT_PAYLOAD'],
    ['truncated CBOR', compactText(0x01, MINIMAL.slice(0, 4)), 'ERR_COMPACT_PAYLOAD'],
    ['trailing bytes', compactText(0x01, [...MINIMAL, 0x00]), 'ERR_COMPACT_PAYLOAD'],
    ['indefinite-length map', compactText(0x01, [0xbf, 0x00, 0x61, 0x78, 0xff]), 'ERR_COMPACT_PAYLOAD'],
    ['non-minimal integer', compactText(0x01, [0xa2, 0x18, 0x00, 0x61, 0x78, 0x08, 0xa0]), 'ERR_COMPACT_PAYLOAD'],
    [
      'half-precision float',
      compactText(0x01, [0xa2, 0x00, 0xc6, 0xf9, 0x3c, 0x00, 0x08, 0xa0]),
      'ERR_COMPACT_PAYLOAD',
    ],
    ['undefined simple value', compactText(0x01, [0xa2, 0x00, 0xf7, 0x08, 0xa0]), 'ERR_COMPACT_PAYLOAD'],
    ['unknown tag', compactText(0x01, [0xa2, 0x00, 0xd8, 0x63, 0x00, 0x08, 0xa0]), 'ERR_COMPACT_PAYLOAD'],
    [
      'cbor-x style shared reference tag 28',
      compactText(0x01, [0xa2, 0x00, 0xd8, 0x1c, 0x00, 0x08, 0xa0]),
      'ERR_COMPACT_PAYLOAD',
    ],
    [
      'value index beyond the table',
      compactText(0x01, [0xa2, 0x00, 0x19, 0x30, 0x00, 0x08, 0xa0]),
      'ERR_COMPACT_PAYLOAD',
    ],
    [
      'key index beyond the table',
      compactText(0x01, [0xa2, 0x19, 0x30, 0x00, 0x61, 0x78, 0x08, 0xa0]),
      'ERR_COMPACT_PAYLOAD',
    ],
    [
      'repeat of a string never written',
      compactText(0x01, [0xa2, 0x00, 0xd1, 0x05, 0x08, 0xa0]),
      'ERR_COMPACT_PAYLOAD',
    ],
    ['duplicate key', compactText(0x01, [0xa3, 0x00, 0x61, 0x78, 0x00, 0x61, 0x79, 0x08, 0xa0]), 'ERR_COMPACT_PAYLOAD'],
    ['byte string as a value', compactText(0x01, [0xa2, 0x00, 0x41, 0x00, 0x08, 0xa0]), 'ERR_COMPACT_PAYLOAD'],
    ['map key that is an array', compactText(0x01, [0xa2, 0x80, 0x61, 0x78, 0x08, 0xa0]), 'ERR_COMPACT_PAYLOAD'],
    ['invalid UTF-8 text', compactText(0x01, [0xa2, 0x00, 0x61, 0xff, 0x08, 0xa0]), 'ERR_COMPACT_PAYLOAD'],
    [
      'array claiming 2^32 items',
      compactText(0x01, [0xa2, 0x00, 0x9a, 0xff, 0xff, 0xff, 0xff, 0x08, 0xa0]),
      'ERR_COMPACT_PAYLOAD',
    ],
    [
      'text claiming 2^53 bytes',
      compactText(0x01, [0xa2, 0x00, 0x7b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x08, 0xa0]),
      'ERR_COMPACT_PAYLOAD',
    ],
    [
      'integer beyond 2^53',
      compactText(0x01, [0xa2, 0x00, 0xc6, 0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x08, 0xa0]),
      'ERR_COMPACT_PAYLOAD',
    ],
    [
      'date beyond year 9999',
      compactText(0x01, [0xa2, 0x00, 0xca, 0x1a, 0x7f, 0xff, 0xff, 0xff, 0x08, 0xa0]),
      'ERR_COMPACT_PAYLOAD',
    ],
    ['UUID of 3 bytes', compactText(0x01, [0xa2, 0x00, 0xd2, 0x43, 1, 2, 3, 0x08, 0xa0]), 'ERR_COMPACT_PAYLOAD'],
    [
      'multibase of 1000 bytes (quadratic base58 guard)',
      compactText(0x01, [0xa2, 0x00, 0xcb, 0x59, 0x03, 0xe8, ...new Uint8Array(1000), 0x08, 0xa0]),
      'ERR_COMPACT_PAYLOAD',
    ],
    ['document is an array', compactText(0x01, [0x80]), 'ERR_COMPACT_NOT_CREDENTIAL'],
    ['document without proof', compactText(0x01, [0xa1, 0x00, 0x61, 0x78]), 'ERR_COMPACT_NOT_CREDENTIAL'],
    ['proof is a string', compactText(0x01, [0xa2, 0x00, 0x61, 0x78, 0x08, 0x61, 0x78]), 'ERR_COMPACT_NOT_CREDENTIAL'],
  ])('%s → %s', (_label, text, code) => {
    expect(codeOf(() => decodeCompactCredential(text))).toBe(code);
  });

  it('nesting 1000 levels deep → payload error, no stack overflow', () => {
    const body = [0xa2, 0x00, ...new Array(1000).fill(0x81), 0x00, 0x08, 0xa0];
    expect(codeOf(() => decodeCompactCredential(compactText(0x01, body)))).toBe('ERR_COMPACT_PAYLOAD');
  });

  it('decompression bomb → too large, bounded', () => {
    const bomb = deflateRawSync(new Uint8Array(2_500_000), { level: 9 });
    expect(bomb.length).toBeLessThan(MAX_QR_BYTES);
    expect(codeOf(() => decodeCompactCredential(compactText(0x81, bomb)))).toBe('ERR_COMPACT_TOO_LARGE');
  });

  it('a high-ratio (but small) inflate is refused by the ratio limit', () => {
    const body = deflateRawSync(new Uint8Array(20_000), { level: 9 }); // ~ 30 bytes → 20 KB, ratio ≫ 40
    expect(codeOf(() => decodeCompactCredential(compactText(0x81, body)))).toBe('ERR_COMPACT_TOO_LARGE');
  });

  it('non-string input and non-credentials to encode → typed errors', () => {
    expect(codeOf(() => decodeCompactCredential(42 as unknown as string))).toBe('ERR_COMPACT_FORMAT');
    expect(codeOf(() => encodeCompactCredential({ '@context': 'x' } as unknown as SignedCredential))).toBe(
      'ERR_COMPACT_NOT_CREDENTIAL',
    );
    expect(codeOf(() => encodeCompactCredential([] as unknown as SignedCredential))).toBe('ERR_COMPACT_NOT_CREDENTIAL');
    expect(
      codeOf(() => encodeCompactCredential({ '@context': 'x', proof: { n: NaN } } as unknown as SignedCredential)),
    ).toBe('ERR_COMPACT_NOT_CREDENTIAL');
    expect(
      codeOf(() => encodeCompactCredential({ '@context': 'x', proof: { n: 1n } } as unknown as SignedCredential)),
    ).toBe('ERR_COMPACT_NOT_CREDENTIAL');
  });

  it('detect: only prefixed Base45 text', () => {
    expect(detectCompactCredential(compactText(0x01, MINIMAL))).toBe(true);
    expect(detectCompactCredential(new TextEncoder().encode(compactText(0x01, MINIMAL)))).toBe(true);
    expect(detectCompactCredential('HC1:6BF')).toBe(false);
    expect(detectCompactCredential(`${COMPACT_PREFIX}abc`)).toBe(false);
    expect(detectCompactCredential('{"@context":[]}')).toBe(false);
    expect(detectCompactCredential(COMPACT_PREFIX + '0'.repeat(5000))).toBe(false);
  });
});

const MAX_QR_BYTES = 2953;
