import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDocumentLoader } from '@divoc/schemas';
import { createSigner, generateKeyPair, importKeyPair, trustedKeyFromKeyPair, type KeyPair } from '@divoc/keys';
import {
  issueCredential,
  verifyCredential,
  type CredentialVerificationResult,
  type JsonObject,
  type UnsignedCredential,
} from '../src/index.js';
import { keyResolver, VECTORS, vectorJson, w3cLoader } from './helpers.js';

const rsa = importKeyPair({ pem: readFileSync(new URL('divoc/keys/divoc-test-rsa.public.pem', VECTORS), 'utf8') });
const ed = importKeyPair(vectorJson('divoc/keys/divoc-test-ed25519.json') as never);
const divocStore = keyResolver([
  trustedKeyFromKeyPair(rsa, { id: 'did:india' }),
  trustedKeyFromKeyPair(ed, { id: 'did:india' }),
]);
const now = new Date('2022-01-01T00:00:00Z');

const w3cKeyPair = importKeyPair(vectorJson('w3c/vc-di-eddsa/TestVectors/keyPair.json') as never);
const w3cSigned = vectorJson<JsonObject>('w3c/vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json');
const w3cVm = (w3cSigned.proof as { verificationMethod: string }).verificationMethod;
// The W3C employment vectors name another did:key as issuer than the one that signs: bound here, as a trust list would.
const EMPLOY_ISSUER = 'did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76';
const w3cStore = keyResolver([trustedKeyFromKeyPair(w3cKeyPair, { id: w3cVm, issuers: [EMPLOY_ISSUER] })]);
const w3cNow = new Date('2024-01-01T00:00:00Z');

const p256KeyPair = importKeyPair(vectorJson('w3c/vc-di-ecdsa/TestVectors/p256KeyPair.json') as never);
const ecdsaVm =
  'did:key:zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP#zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP';
const ecdsaStore = keyResolver([trustedKeyFromKeyPair(p256KeyPair, { id: ecdsaVm, issuers: [EMPLOY_ISSUER] })]);
const verifyEcdsa = (c: unknown) =>
  verifyCredential(c, { trust: ecdsaStore, now: w3cNow, checkSchema: false, documentLoader: w3cLoader() });

const rsaValid = () => vectorJson<JsonObject>('divoc/signed/rsa2018-divocdev-valid.json');
const edValid = () => vectorJson<JsonObject>('divoc/signed/ed25519-2018-divocdev-valid.json');

const verifyDivoc = (c: unknown) => verifyCredential(c, { trust: divocStore, now, checkSchema: false });
const verifyW3c = (c: unknown) =>
  verifyCredential(c, { trust: w3cStore, now: w3cNow, checkSchema: false, documentLoader: w3cLoader() });

function failing(result: CredentialVerificationResult) {
  return result.checks.filter((c) => !c.ok).map((c) => `${c.name}:${c.code}`);
}

/** `credential` with its proof's `field` changed by `change` fails the signature check, and only that check. */
async function expectOnlySignatureInvalid(
  credential: JsonObject,
  field: 'proofValue' | 'jws',
  change: (value: string) => string,
  verify: (c: unknown) => Promise<CredentialVerificationResult>,
): Promise<void> {
  const proof = credential.proof as JsonObject;
  proof[field] = change(proof[field] as string);
  expect(failing(await verify(credential))).toEqual(['signature:ERR_VC_SIGNATURE_INVALID']);
}

/** Every leaf of a JSON value, as a path of keys/indices. */
function leaves(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [path];
}

function mutate(root: unknown, path: Array<string | number>): unknown {
  const copy = JSON.parse(JSON.stringify(root)) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const value = parent[last];
  if (typeof value === 'string') {
    // Change one character (keeps the shape: URLs stay URLs, dates stay date-like), or fill an empty string.
    parent[last] = value.length === 0 ? 'x' : value.slice(0, -1) + (value.endsWith('A') ? 'B' : 'A');
  } else if (typeof value === 'number') parent[last] = value + 1;
  else if (typeof value === 'boolean') parent[last] = !value;
  else parent[last] = 'x';
  return copy;
}

describe('every single changed field fails verification', () => {
  const cases: Array<[string, () => JsonObject, (c: unknown) => Promise<CredentialVerificationResult>]> = [
    ['DIVOC RsaSignature2018', rsaValid, verifyDivoc],
    ['DIVOC Ed25519Signature2018', edValid, verifyDivoc],
    ['W3C eddsa-rdfc-2022', () => JSON.parse(JSON.stringify(w3cSigned)) as JsonObject, verifyW3c],
    [
      'W3C Ed25519Signature2020',
      () => vectorJson<JsonObject>('w3c/vc-di-eddsa/TestVectors/Ed25519Signature2020/signedEdSig.json'),
      verifyW3c,
    ],
    [
      'W3C ecdsa-rdfc-2019 (employ)',
      () => vectorJson<JsonObject>('w3c/vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/employ/signedECDSAP256.json'),
      verifyEcdsa,
    ],
  ];
  it.each(cases)('%s: baseline valid, then each leaf mutated → invalid', async (_name, make, verify) => {
    const original = make();
    expect((await verify(original)).valid).toBe(true);
    const paths = leaves(original);
    expect(paths.length).toBeGreaterThan(8);
    for (const path of paths) {
      const result = await verify(mutate(original, path));
      expect({ path: path.join('.'), valid: result.valid }).toEqual({ path: path.join('.'), valid: false });
    }
  });
});

describe('forged and malformed proofs', () => {
  it('stripped proof → ERR_VC_PROOF_MISSING', async () => {
    const { proof: _p, ...bare } = rsaValid();
    const result = await verifyDivoc(bare);
    expect(result).toMatchObject({
      valid: false,
      checks: [{ name: 'decode', ok: false, code: 'ERR_VC_PROOF_MISSING' }],
    });
  });

  it('two proofs → ERR_VC_PROOF_MISSING (exactly one supported)', async () => {
    const c = rsaValid();
    c.proof = [c.proof!, edValid().proof!];
    expect(failing(await verifyDivoc(c))).toEqual(['decode:ERR_VC_PROOF_MISSING']);
  });

  it('Ed25519 proof relabelled RsaSignature2018 (algorithm confusion) → ERR_VC_SIGNATURE_INVALID', async () => {
    const c = edValid();
    (c.proof as JsonObject).type = 'RsaSignature2018';
    const result = await verifyDivoc(c);
    expect(result.valid).toBe(false);
    expect(result.checks.find((x) => x.name === 'signature')).toMatchObject({
      ok: false,
      code: 'ERR_VC_SIGNATURE_INVALID',
    });
  });

  it('RSA proof relabelled Ed25519Signature2018 → ERR_VC_SIGNATURE_INVALID', async () => {
    const c = rsaValid();
    (c.proof as JsonObject).type = 'Ed25519Signature2018';
    expect(failing(await verifyDivoc(c))).toContain('signature:ERR_VC_SIGNATURE_INVALID');
  });

  it('eddsa-rdfc-2022 proof relabelled ecdsa-rdfc-2019 → ERR_VC_SIGNATURE_INVALID', async () => {
    const c = JSON.parse(JSON.stringify(w3cSigned)) as JsonObject;
    (c.proof as JsonObject).cryptosuite = 'ecdsa-rdfc-2019';
    expect(failing(await verifyW3c(c))).toEqual(['signature:ERR_VC_SIGNATURE_INVALID']);
  });

  it('unknown suite / cryptosuite → ERR_VC_UNSUPPORTED_SUITE', async () => {
    const a = JSON.parse(JSON.stringify(w3cSigned)) as JsonObject;
    (a.proof as JsonObject).cryptosuite = 'eddsa-jcs-2022';
    expect(failing(await verifyW3c(a))).toEqual(['signature:ERR_VC_UNSUPPORTED_SUITE']);
    const b = rsaValid();
    (b.proof as JsonObject).type = 'JsonWebSignature2020';
    expect(failing(await verifyDivoc(b))).toContain('signature:ERR_VC_UNSUPPORTED_SUITE');
  });

  it.each([
    ['truncated', (v: string) => v.slice(0, -5)],
    ['one char longer', (v: string) => `${v}z`],
    ['not multibase (no prefix)', (v: string) => v.slice(1)],
    ['base64url multibase', (v: string) => `u${Buffer.from(v).toString('base64url')}`],
    ['not base58 (0OIl)', (v: string) => `z0OIl${v.slice(5)}`],
    ['empty', () => ''],
  ])('proofValue %s → ERR_VC_SIGNATURE_INVALID', async (_name, change) => {
    await expectOnlySignatureInvalid(
      JSON.parse(JSON.stringify(w3cSigned)) as JsonObject,
      'proofValue',
      change,
      verifyW3c,
    );
  });

  it('proofValue of the wrong JSON type → ERR_VC_SIGNATURE_INVALID, no throw', async () => {
    for (const value of [42, null, ['z1'], { z: 1 }]) {
      const c = JSON.parse(JSON.stringify(w3cSigned)) as JsonObject;
      (c.proof as JsonObject).proofValue = value as never;
      const result = await verifyW3c(c);
      expect(result.valid).toBe(false);
    }
  });

  it.each([
    ['truncated signature', (j: string) => j.slice(0, -10)],
    ['attached payload', (j: string) => j.replace('..', '.e30.')],
    ['no separators', (j: string) => j.replace(/\./g, '')],
    [
      'b64 true header',
      (j: string) =>
        `${Buffer.from('{"alg":"PS256","b64":true,"crit":["b64"]}').toString('base64url')}..${j.split('..')[1]}`,
    ],
    [
      'alg none',
      (j: string) =>
        `${Buffer.from('{"alg":"none","b64":false,"crit":["b64"]}').toString('base64url')}..${j.split('..')[1]}`,
    ],
    ['header not JSON', (j: string) => `bm90IGpzb24..${j.split('..')[1]}`],
    ['huge', (j: string) => j + 'A'.repeat(20_000)],
  ])('RsaSignature2018 jws %s → ERR_VC_SIGNATURE_INVALID', async (_name, change) => {
    await expectOnlySignatureInvalid(rsaValid(), 'jws', change, verifyDivoc);
  });

  it('an added proof field is never left unsigned', async () => {
    // examples/v2 has an @vocab, so the field expands, is part of the proof options, and breaks the signature…
    const a = JSON.parse(JSON.stringify(w3cSigned)) as JsonObject;
    (a.proof as JsonObject).unsignedExtra = 'attacker';
    expect(failing(await verifyW3c(a))).toEqual(['signature:ERR_VC_SIGNATURE_INVALID']);
    // …under the security v2 context (no @vocab) it is undefined: a safe-mode error.
    const b = rsaValid();
    (b.proof as JsonObject).unsignedExtra = 'attacker';
    expect(failing(await verifyDivoc(b))).toEqual(['signature:ERR_JSONLD_SAFE_MODE']);
  });
});

describe('undefined terms and unknown contexts', () => {
  it('an added undefined term in the credential → decode ERR_JSONLD_SAFE_MODE', async () => {
    const top = rsaValid();
    top.vaccinatedAgainst = 'everything';
    expect(failing(await verifyDivoc(top))).toEqual(['decode:ERR_JSONLD_SAFE_MODE']);
    const nested = rsaValid();
    (nested.credentialSubject as JsonObject).bloodGroup = 'O+';
    expect(failing(await verifyDivoc(nested))).toEqual(['decode:ERR_JSONLD_SAFE_MODE']);
    const w3c = JSON.parse(JSON.stringify(w3cSigned)) as JsonObject;
    delete (w3c['@context'] as string[])[1];
    (w3c['@context'] as unknown[]).length = 1; // drop examples/v2: alumniOf becomes undefined
    expect(failing(await verifyW3c(w3c))).toEqual(['decode:ERR_JSONLD_SAFE_MODE']);
  });

  describe('unknown context URL', () => {
    let fetchSpy: ReturnType<typeof vi.spyOn>;
    beforeEach(() => {
      fetchSpy = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('network must not be used'));
    });
    afterEach(() => fetchSpy.mockRestore());

    it('→ decode ERR_JSONLD_UNKNOWN_URL, thrown by the offline loader, no network', async () => {
      const base = createDocumentLoader();
      const thrown: unknown[] = [];
      const documentLoader = async (url: string) => {
        try {
          return await base(url);
        } catch (e) {
          thrown.push(e);
          throw e;
        }
      };
      const c = rsaValid();
      const url = `https://attacker.example/contexts/${Date.now()}/v1`;
      (c['@context'] as string[]).push(url);
      const result = await verifyCredential(c, { trust: divocStore, now, checkSchema: false, documentLoader });
      expect(result).toMatchObject({
        valid: false,
        checks: [{ name: 'decode', ok: false, code: 'ERR_JSONLD_UNKNOWN_URL' }],
      });
      expect(result.checks[0]!.message).toContain(url);
      expect(thrown).toHaveLength(1);
      expect(thrown[0]).toMatchObject({ code: 'ERR_JSONLD_UNKNOWN_URL' });
      expect(fetchSpy).not.toHaveBeenCalled();
    });
  });
});

describe('hostile shapes never throw', () => {
  const cyclic: Record<string, unknown> = {
    '@context': 'https://www.w3.org/2018/credentials/v1',
    type: ['VerifiableCredential'],
  };
  cyclic.self = cyclic;
  const throwingGetter = Object.defineProperty({ '@context': [], type: ['VerifiableCredential'] }, 'proof', {
    enumerable: true,
    get() {
      throw new Error('boom');
    },
  });
  let deep: unknown = 'leaf';
  for (let i = 0; i < 100_000; i++) deep = [deep];

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'eyJhbGciOi...'],
    ['a number', 42],
    ['an array', [rsaValid()]],
    ['an empty object', {}],
    [
      'no @context',
      (() => {
        const c = rsaValid();
        delete c['@context'];
        return c;
      })(),
    ],
    [
      '@context a number',
      (() => {
        const c = rsaValid();
        c['@context'] = 42;
        return c;
      })(),
    ],
    [
      'type a number',
      (() => {
        const c = rsaValid();
        c.type = 7;
        return c;
      })(),
    ],
    [
      'type without VerifiableCredential',
      (() => {
        const c = rsaValid();
        c.type = ['ProofOfVaccinationCredential'];
        return c;
      })(),
    ],
    [
      'proof a string',
      (() => {
        const c = rsaValid();
        c.proof = 'abc';
        return c;
      })(),
    ],
    [
      'proof without type',
      (() => {
        const c = rsaValid();
        delete (c.proof as JsonObject).type;
        return c;
      })(),
    ],
    ['a cycle', cyclic],
    ['a throwing getter', throwingGetter],
    ['100 000 levels deep', { ...rsaValid(), credentialSubject: { deep } }],
    ['a 5 MB field', { ...rsaValid(), credentialSubject: { name: 'x'.repeat(5 * 1024 * 1024) } }],
  ])('%s → ERR_VC_MALFORMED-family result', async (_name, input) => {
    const result = await verifyDivoc(input);
    expect(result.valid).toBe(false);
    expect(result.format).toBe('w3c-vc');
    expect(result.checks).toHaveLength(1);
    expect(result.checks[0]).toMatchObject({ name: 'decode', ok: false });
    expect(['ERR_VC_MALFORMED', 'ERR_VC_PROOF_MISSING']).toContain(result.checks[0]!.code);
  });

  it('verificationMethod missing or wrong-typed → signature ERR_VC_MALFORMED', async () => {
    const c = rsaValid();
    (c.proof as JsonObject).verificationMethod = 12 as never;
    const result = await verifyDivoc(c);
    expect(result.valid).toBe(false);
    expect(result.checks.find((x) => x.name === 'signature')?.code).toBe('ERR_VC_MALFORMED');
  });

  it('a trust store that throws is treated as "no key"', async () => {
    const trustStore = {
      resolve: () => {
        throw new Error('db down');
      },
    };
    const result = await verifyCredential(rsaValid(), { trust: trustStore, now, checkSchema: false });
    expect(failing(result)).toEqual(['signature:ERR_VC_KEY_NOT_TRUSTED', 'trust:ERR_VC_KEY_NOT_TRUSTED']);
  });
});

describe('trust and validity', () => {
  it('several keys answer to did:india: each is tried', async () => {
    const stranger = await generateKeyPair('RSA');
    const trustStore = keyResolver([
      trustedKeyFromKeyPair(stranger, { id: 'did:india' }),
      trustedKeyFromKeyPair(rsa, { id: 'did:india' }),
    ]);
    expect((await verifyCredential(rsaValid(), { trust: trustStore, now, checkSchema: false })).valid).toBe(true);
  });

  it('only a wrong key under the id → ERR_VC_SIGNATURE_INVALID', async () => {
    const stranger = await generateKeyPair('RSA');
    const trustStore = keyResolver([trustedKeyFromKeyPair(stranger, { id: 'did:india' })]);
    expect(failing(await verifyCredential(rsaValid(), { trust: trustStore, now, checkSchema: false }))).toEqual([
      'signature:ERR_VC_SIGNATURE_INVALID',
    ]);
  });

  it('key window not covering proof.created → ERR_VC_KEY_EXPIRED', async () => {
    const expired = keyResolver([
      trustedKeyFromKeyPair(rsa, { id: 'did:india', validUntil: new Date('2021-01-01T00:00:00Z') }),
    ]);
    expect(failing(await verifyCredential(rsaValid(), { trust: expired, now, checkSchema: false }))).toEqual([
      'trust:ERR_VC_KEY_EXPIRED',
    ]);
    const future = keyResolver([
      trustedKeyFromKeyPair(rsa, { id: 'did:india', validFrom: new Date('2021-09-01T00:00:00Z') }),
    ]);
    expect(failing(await verifyCredential(rsaValid(), { trust: future, now, checkSchema: false }))).toEqual([
      'trust:ERR_VC_KEY_EXPIRED',
    ]);
    const covering = keyResolver([
      trustedKeyFromKeyPair(rsa, {
        id: 'did:india',
        validFrom: new Date('2021-01-01T00:00:00Z'),
        validUntil: new Date('2021-12-31T00:00:00Z'),
      }),
    ]);
    expect((await verifyCredential(rsaValid(), { trust: covering, now, checkSchema: false })).valid).toBe(true);
  });

  it('key purposes exclude assertionMethod → ERR_VC_KEY_PURPOSE', async () => {
    const store = keyResolver([trustedKeyFromKeyPair(rsa, { id: 'did:india', purposes: ['authentication'] })]);
    expect(failing(await verifyCredential(rsaValid(), { trust: store, now, checkSchema: false }))).toEqual([
      'trust:ERR_VC_KEY_PURPOSE',
    ]);
  });

  it('validFrom / validUntil against the clock → ERR_VC_NOT_YET_VALID / ERR_VC_EXPIRED', async () => {
    const employ = vectorJson<JsonObject>('w3c/vc-di-eddsa/TestVectors/eddsa-rdfc-2022/employ/signedDataInt.json');
    const opts = { trust: w3cStore, checkSchema: false, documentLoader: w3cLoader() };
    expect(failing(await verifyCredential(employ, { ...opts, now: new Date('2019-01-01T00:00:00Z') }))).toEqual([
      'validity:ERR_VC_NOT_YET_VALID',
    ]);
    expect(failing(await verifyCredential(employ, { ...opts, now: new Date('2030-01-01T00:00:00Z') }))).toEqual([
      'validity:ERR_VC_EXPIRED',
    ]);
    expect((await verifyCredential(employ, { ...opts, now: new Date('2025-01-01T00:00:00Z') })).valid).toBe(true);
  });

  it('VC 1.1 issuanceDate / expirationDate', async () => {
    expect(
      failing(
        await verifyCredential(rsaValid(), {
          trust: divocStore,
          now: new Date('2021-01-01T00:00:00Z'),
          checkSchema: false,
        }),
      ),
    ).toEqual(['validity:ERR_VC_NOT_YET_VALID']);
    const kp: KeyPair = await generateKeyPair('Ed25519');
    const { proof: _p, ...unsigned } = rsaValid();
    const signed = await issueCredential(
      { ...(unsigned as UnsignedCredential), expirationDate: '2023-01-01T00:00:00Z' },
      { signer: createSigner(kp, { id: 'did:india' }), suite: 'Ed25519Signature2018' },
    );
    const store = keyResolver([trustedKeyFromKeyPair(kp, { id: 'did:india' })]);
    expect(
      failing(
        await verifyCredential(signed, {
          trust: store,
          now: new Date('2024-01-01T00:00:00Z'),
          checkSchema: false,
        }),
      ),
    ).toEqual(['validity:ERR_VC_EXPIRED']);
  });
});
