import { describe, expect, it } from 'vitest';
import { TrustStore } from '@divoc/keys';
import {
  base45Encode,
  decodeDcc,
  encodeDcc,
  loadDccSignerList,
  MAX_HC1_LENGTH,
  verifyDcc,
  type DccVerificationResult,
} from '../src/index.js';
import { cborEncode, Tag } from '../src/lib/cbor.js';
import { zlibDeflate } from '../src/lib/zlib.js';
import { claimsFor, craftCose, developmentPki, SAMPLE_DCC, toHc1 } from './helpers.js';

function check(result: DccVerificationResult, name: string) {
  return result.checks.find((c) => c.name === name);
}

async function setup() {
  const pki = await developmentPki();
  const store = new TrustStore();
  store.addCertificate(pki.dsc.certificatePem);
  store.addCertificate(pki.testOnly.certificatePem);
  store.addCertificate(pki.expired.certificatePem);
  const kid = new Uint8Array(Buffer.from(pki.dsc.kid, 'base64'));
  const good = await encodeDcc(SAMPLE_DCC, { signer: pki.dsc.signer, certificate: pki.dsc.certificatePem });
  return { ...pki, store, kid, good };
}

describe('decode: hostile text', () => {
  it('truncated HC1 → typed error', async () => {
    const { good } = await setup();
    for (const cut of [4, 10, good.hc1.length - 1, good.hc1.length - 2, Math.floor(good.hc1.length / 2)]) {
      let code: string | undefined;
      try {
        decodeDcc(good.hc1.slice(0, cut));
      } catch (e) {
        code = (e as { code?: string }).code;
      }
      expect(code, `cut at ${cut}`).toMatch(/^ERR_DCC_(BASE45|COMPRESSION|COSE|CWT)_INVALID$/);
    }
  });

  it('bad Base45 characters, wrong or missing prefix', () => {
    expect(() => decodeDcc('HC1:NCF!XN%TS3')).toThrow(expect.objectContaining({ code: 'ERR_DCC_BASE45_INVALID' }));
    expect(() => decodeDcc('HC1:ncfoxn')).toThrow(expect.objectContaining({ code: 'ERR_DCC_BASE45_INVALID' }));
    expect(() => decodeDcc('HC2:NCFOXN')).toThrow(
      expect.objectContaining({ code: 'ERR_DCC_PREFIX_INVALID', message: expect.stringContaining('HC2:') }),
    );
    expect(() => decodeDcc('hc1:NCFOXN')).toThrow(expect.objectContaining({ code: 'ERR_DCC_PREFIX_INVALID' }));
    expect(() => decodeDcc('NCFOXN%TS3DH')).toThrow(expect.objectContaining({ code: 'ERR_DCC_PREFIX_INVALID' }));
    expect(() => decodeDcc('')).toThrow(expect.objectContaining({ code: 'ERR_DCC_PREFIX_INVALID' }));
  });

  it('oversized HC1 text is refused before any work', () => {
    expect(() => decodeDcc(`HC1:${'0'.repeat(MAX_HC1_LENGTH)}`)).toThrow(
      expect.objectContaining({ code: 'ERR_DCC_INPUT_INVALID' }),
    );
    expect(() => decodeDcc(new Uint8Array(70_000))).toThrow(expect.objectContaining({ code: 'ERR_DCC_INPUT_INVALID' }));
  });

  it('a zlib bomb inside an HC1 is stopped (10 MB of zeros)', () => {
    const bomb = zlibDeflate(new Uint8Array(10 * 1024 * 1024));
    const hc1 = `HC1:${base45Encode(bomb)}`;
    expect(hc1.length).toBeGreaterThan(MAX_HC1_LENGTH); // the text cap catches it first…
    expect(() => decodeDcc(hc1)).toThrow(expect.objectContaining({ code: 'ERR_DCC_INPUT_INVALID' }));
    // …and the inflate cap catches a smaller bomb that fits in the text cap.
    const small = `HC1:${base45Encode(zlibDeflate(new Uint8Array(2 * 1024 * 1024)))}`;
    expect(small.length).toBeLessThan(MAX_HC1_LENGTH);
    expect(() => decodeDcc(small)).toThrow(expect.objectContaining({ code: 'ERR_DCC_COMPRESSION_INVALID' }));
    expect(() => decodeDcc(bomb)).toThrow(expect.objectContaining({ code: 'ERR_DCC_COMPRESSION_INVALID' }));
  });

  it('an uncompressed COSE in HC1 fails unless allowed', async () => {
    const { good } = await setup();
    const raw = `HC1:${base45Encode(good.coseBytes)}`;
    expect(() => decodeDcc(raw)).toThrow(expect.objectContaining({ code: 'ERR_DCC_COMPRESSION_INVALID' }));
    expect(decodeDcc(raw, { allowUncompressed: true }).payload).toEqual(SAMPLE_DCC);
  });

  it('wrong types never crash', () => {
    for (const bad of [null, undefined, 42, {}, [], new Date()]) {
      expect(() => decodeDcc(bad as unknown as string)).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/^ERR_DCC_/) }),
      );
    }
  });
});

describe('decode: hostile COSE / CBOR', () => {
  it('structure errors', async () => {
    const { dsc, kid } = await setup();
    const cases: Array<[string, Uint8Array, string]> = [
      ['not CBOR', Uint8Array.of(0xff, 0x00), 'ERR_DCC_COSE_INVALID'],
      [
        'trailing bytes',
        Uint8Array.of(
          ...cborEncode(new Tag([new Uint8Array(0), new Map(), new Uint8Array(0), new Uint8Array(0)], 18)),
          0x00,
        ),
        'ERR_DCC_COSE_INVALID',
      ],
      [
        'wrong tag (COSE_Mac0 17)',
        cborEncode(new Tag([new Uint8Array(0), new Map(), new Uint8Array(0), new Uint8Array(0)], 17)),
        'ERR_DCC_COSE_INVALID',
      ],
      [
        '3 elements',
        cborEncode(new Tag([new Uint8Array(0), new Map(), new Uint8Array(0)], 18)),
        'ERR_DCC_COSE_INVALID',
      ],
      [
        'protected header not bytes',
        cborEncode(new Tag([new Map(), new Map(), new Uint8Array(0), new Uint8Array(0)], 18)),
        'ERR_DCC_COSE_INVALID',
      ],
      [
        'detached payload',
        cborEncode(new Tag([new Uint8Array(0), new Map(), null, new Uint8Array(0)], 18)),
        'ERR_DCC_COSE_INVALID',
      ],
      [
        'kid as text',
        await craftCose(dsc.signer, kid, {
          protectedHeader: new Map<number, unknown>([
            [1, -7],
            [4, 'kid'],
          ]),
        }),
        'ERR_DCC_COSE_INVALID',
      ],
      [
        'CWT tag around an untagged array',
        await craftCose(dsc.signer, kid, { tag: 'cwt-untagged' }),
        'ERR_DCC_COSE_INVALID',
      ],
      [
        'payload not a claims map',
        await craftCose(dsc.signer, kid, { payloadBytes: cborEncode([1, 2]) }),
        'ERR_DCC_CWT_INVALID',
      ],
      [
        'no hcert claim',
        await craftCose(dsc.signer, kid, {
          claims: new Map<number, unknown>([
            [1, 'IN'],
            [6, 1],
            [4, 2],
          ]),
        }),
        'ERR_DCC_CWT_INVALID',
      ],
      [
        'hcert without key 1',
        await craftCose(dsc.signer, kid, { claims: new Map<number, unknown>([[-260, new Map([[2, {}]])]]) }),
        'ERR_DCC_CWT_INVALID',
      ],
      [
        'iat as text',
        await craftCose(dsc.signer, kid, {
          claims: new Map<number, unknown>([
            [6, 'yesterday'],
            [-260, new Map([[1, SAMPLE_DCC]])],
          ]),
        }),
        'ERR_DCC_CWT_INVALID',
      ],
      [
        'bytes inside the DCC',
        await craftCose(dsc.signer, kid, { claims: claimsFor({ ...SAMPLE_DCC, dob: new Uint8Array(3) }) }),
        'ERR_DCC_CWT_INVALID',
      ],
      ['huge declared array', Uint8Array.of(0xd2, 0x9a, 0x7f, 0xff, 0xff, 0xff), 'ERR_DCC_COSE_INVALID'],
      ['deep nesting', Uint8Array.of(0xd2, ...new Array(60_000).fill(0x81), 0x00), 'ERR_DCC_COSE_INVALID'],
    ];
    for (const [name, bytes, code] of cases) {
      expect(() => decodeDcc(bytes), name).toThrow(expect.objectContaining({ code }));
    }
  });

  it('accepts tag 18, untagged and tag 61 around tag 18; the protected kid wins', async () => {
    const { dsc, kid, store } = await setup();
    for (const tag of ['cose', 'none', 'cwt'] as const) {
      const cose = await craftCose(dsc.signer, kid, { tag });
      const result = await verifyDcc(cose, { trust: store });
      expect(result.valid, `${tag}: ${JSON.stringify(result.checks)}`).toBe(true);
    }
    const unprotectedOnly = await craftCose(dsc.signer, kid, {
      protectedHeader: new Map([[1, -7]]),
      unprotectedHeader: new Map([[4, kid]]),
    });
    expect(decodeDcc(unprotectedOnly).kidHeader).toBe('unprotected');
    expect((await verifyDcc(unprotectedOnly, { trust: store })).valid).toBe(true);
    const wrongUnprotected = await craftCose(dsc.signer, kid, {
      unprotectedHeader: new Map([[4, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)]]),
    });
    expect((await verifyDcc(wrongUnprotected, { trust: store })).valid).toBe(true);
    const wrongProtected = await craftCose(dsc.signer, kid, {
      protectedHeader: new Map<number, unknown>([
        [1, -7],
        [4, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)],
      ]),
      unprotectedHeader: new Map([[4, kid]]),
    });
    expect(check(await verifyDcc(wrongProtected, { trust: store }), 'trust')?.code).toBe('ERR_DCC_KEY_NOT_TRUSTED');
  });
});

describe('verify: forged and misused signatures', () => {
  it('wrong alg: EdDSA (-8) label with an EC certificate', async () => {
    const { dsc, kid, store } = await setup();
    const cose = await craftCose(dsc.signer, kid, {
      protectedHeader: new Map<number, unknown>([
        [1, -8],
        [4, kid],
      ]),
    });
    const result = await verifyDcc(cose, { trust: store });
    expect(result.valid).toBe(false);
    expect(check(result, 'signature')).toMatchObject({ ok: false, code: 'ERR_DCC_ALG_UNSUPPORTED' });
  });

  it('PS256 label on an ES256 signature', async () => {
    const { dsc, kid, store } = await setup();
    const cose = await craftCose(dsc.signer, kid, {
      protectedHeader: new Map<number, unknown>([
        [1, -37],
        [4, kid],
      ]),
    });
    const result = await verifyDcc(cose, { trust: store });
    expect(check(result, 'signature')).toMatchObject({
      ok: false,
      code: 'ERR_DCC_SIGNATURE_INVALID',
      message: expect.stringContaining('does not fit'),
    });
  });

  it('no alg at all', async () => {
    const { dsc, kid, store } = await setup();
    const cose = await craftCose(dsc.signer, kid, { protectedHeader: new Map<number, unknown>([[4, kid]]) });
    expect(check(await verifyDcc(cose, { trust: store }), 'signature')?.code).toBe('ERR_DCC_ALG_UNSUPPORTED');
  });

  it.each([
    ['stripped (empty) signature', () => new Uint8Array(0)],
    ['65-byte ES256 signature', (s: Uint8Array) => Uint8Array.of(...s, 0)],
    ['63-byte ES256 signature', (s: Uint8Array) => s.subarray(0, 63)],
    [
      'DER-encoded ES256 signature (72 bytes)',
      (s: Uint8Array) =>
        Uint8Array.of(0x30, 0x46, 0x02, 0x21, 0x00, ...s.subarray(0, 32), 0x02, 0x21, 0x00, ...s.subarray(32)),
    ],
    ['flipped bit', (s: Uint8Array) => Uint8Array.from(s, (b, i) => (i === 10 ? b ^ 1 : b))],
  ])('%s → failed signature check', async (_name, mutate) => {
    const { dsc, kid, store } = await setup();
    const cose = await craftCose(dsc.signer, kid, { signature: mutate });
    const result = await verifyDcc(toHc1(cose), { trust: store });
    expect(result.valid).toBe(false);
    expect(check(result, 'decode')?.ok).toBe(true);
    expect(check(result, 'signature')).toMatchObject({ ok: false, code: 'ERR_DCC_SIGNATURE_INVALID' });
  });

  it('a payload changed after signing', async () => {
    const { dsc, kid, store } = await setup();
    const signed = await craftCose(dsc.signer, kid);
    const forged = Buffer.from(signed);
    const at = forged.indexOf(Buffer.from('Mitra'));
    forged.write('Mitrb', at);
    const result = await verifyDcc(new Uint8Array(forged), { trust: store });
    expect(check(result, 'signature')?.code).toBe('ERR_DCC_SIGNATURE_INVALID');
  });

  it('a kid that points to no certificate; no trust input at all', async () => {
    const { dsc } = await setup();
    const cose = await craftCose(dsc.signer, Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9));
    const result = await verifyDcc(cose, { trust: new TrustStore() });
    expect(check(result, 'signature')?.code).toBe('ERR_DCC_KEY_NOT_TRUSTED');
    expect(check(result, 'trust')?.code).toBe('ERR_DCC_KEY_NOT_TRUSTED');
    expect(check(result, 'key-usage')?.ok).toBe(false);
    expect((await verifyDcc(cose)).valid).toBe(false);
  });

  it('several certificates with one kid: each is tried', async () => {
    const { dsc, testOnly, good } = await setup();
    // A signer list refuses a certificate listed under another's kid (ERR_DCC_TRUST_KID_MISMATCH), so the collision
    // is made in the store directly.
    expect(() => loadDccSignerList([{ kid: dsc.kid, rawData: testOnly.signerListEntry.rawData }])).toThrow(
      expect.objectContaining({ code: 'ERR_DCC_TRUST_KID_MISMATCH' }),
    );
    const store = new TrustStore();
    store.addCertificate(testOnly.certificateDer, { id: dsc.kid });
    store.addCertificate(dsc.certificateDer, { id: dsc.kid });
    expect(store.resolve(dsc.kid)).toHaveLength(2);
    const result = await verifyDcc(good.hc1, { trust: store });
    expect(result.valid, JSON.stringify(result.checks)).toBe(true);
    expect(result.signer?.certificate).toEqual(dsc.certificateDer);
  });
});

describe('verify: time and key usage', () => {
  it('expired DSC fails validity, unless the policy accepts it and it was valid at iat', async () => {
    const { expired, store } = await setup();
    const iat = new Date('2020-01-01T12:00:00Z');
    const encoded = await encodeDcc(SAMPLE_DCC, {
      signer: expired.signer,
      certificate: expired.certificatePem,
      iat,
      exp: new Date('2099-01-01T00:00:00Z'),
    });
    const strict = await verifyDcc(encoded.hc1, { trust: store });
    expect(check(strict, 'signature')?.ok).toBe(true);
    expect(check(strict, 'validity')).toMatchObject({ ok: false, code: 'ERR_DCC_SIGNER_CERTIFICATE_EXPIRED' });
    const lenient = await verifyDcc(encoded.hc1, {
      trust: store,
      policy: { acceptExpiredKeys: true },
    });
    expect(lenient.valid, JSON.stringify(lenient.checks)).toBe(true);
  });

  it('exp passed, iat in the future, missing exp', async () => {
    const { dsc, kid, store } = await setup();
    const expiredDcc = await craftCose(dsc.signer, kid, {
      claims: claimsFor(SAMPLE_DCC, 1_600_000_000, 1_600_000_100),
    });
    expect(check(await verifyDcc(expiredDcc, { trust: store }), 'validity')?.code).toBe('ERR_DCC_EXPIRED');
    const future = Math.floor(Date.now() / 1000) + 3600;
    const early = await craftCose(dsc.signer, kid, { claims: claimsFor(SAMPLE_DCC, future, future + 100) });
    expect(check(await verifyDcc(early, { trust: store }), 'validity')?.code).toBe('ERR_DCC_NOT_YET_VALID');
    const slightlyAhead = Math.floor(Date.now() / 1000) + 30;
    const skewed = await craftCose(dsc.signer, kid, {
      claims: claimsFor(SAMPLE_DCC, slightlyAhead, slightlyAhead + 100),
    });
    expect(check(await verifyDcc(skewed, { trust: store }), 'validity')?.ok).toBe(true);
    expect(
      check(await verifyDcc(skewed, { trust: store, policy: { clockToleranceSeconds: 0 } }), 'validity')?.code,
    ).toBe('ERR_DCC_NOT_YET_VALID');
    const noExp = await craftCose(dsc.signer, kid, {
      claims: new Map<number, unknown>([
        [6, 1_700_000_000],
        [-260, new Map([[1, SAMPLE_DCC]])],
      ]),
    });
    expect(check(await verifyDcc(noExp, { trust: store }), 'validity')?.code).toBe('ERR_DCC_CWT_INVALID');
  });

  it('wrong key usage: a test-only DSC signing a vaccination', async () => {
    const { testOnly, store } = await setup();
    const encoded = await encodeDcc(SAMPLE_DCC, { signer: testOnly.signer, certificate: testOnly.certificatePem });
    const result = await verifyDcc(encoded.hc1, { trust: store });
    expect(check(result, 'signature')?.ok).toBe(true);
    expect(check(result, 'key-usage')).toMatchObject({ ok: false, code: 'ERR_DCC_KEY_USAGE' });
    expect(result.valid).toBe(false);
  });

  it('schema and value-set failures are reported, not thrown', async () => {
    const { dsc, kid, store } = await setup();
    const bad = { ...SAMPLE_DCC, v: [{ ...SAMPLE_DCC.v[0]!, mp: 'Snake oil' }] };
    const cose = await craftCose(dsc.signer, kid, { claims: claimsFor(bad) });
    const result = await verifyDcc(cose, { trust: store });
    expect(check(result, 'schema')).toMatchObject({
      ok: false,
      code: 'ERR_DCC_SCHEMA_INVALID',
      message: expect.stringContaining('$.v[0].mp'),
    });
    expect((await verifyDcc(cose, { trust: store, policy: { valueSets: false } })).valid).toBe(true);
  });
});

describe('verify never throws', () => {
  it('for random text and bytes, bad options', async () => {
    const { store } = await setup();
    let seed = 7;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
    for (let i = 0; i < 200; i++) {
      const text = `HC1:${Array.from(
        { length: Math.floor(rand() * 300) },
        () => alphabet[Math.floor(rand() * 45)],
      ).join('')}`;
      const bytes = Uint8Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256));
      bytes[0] = 0xd2;
      for (const input of [text, bytes]) {
        const result = await verifyDcc(input, { trust: store });
        expect(result.valid).toBe(false);
        expect(result.checks.every((c) => c.ok || typeof c.code === 'string')).toBe(true);
      }
    }
    for (const bad of [null, 42, {}, 'HC1:']) {
      const result = await verifyDcc(bad as unknown as string, { trust: store });
      expect(result.checks[0]).toMatchObject({ name: 'decode', ok: false });
    }
    expect((await verifyDcc('HC1:', { now: new Date('nope') })).checks[0]?.code).toBe('ERR_DCC_INPUT_INVALID');
    const { good } = await setup();
    const result = await verifyDcc(good.hc1, { certificates: ['garbage'] });
    expect(check(result, 'signature')?.code).toBe('ERR_DCC_CERTIFICATE_INVALID');
  });
});

describe('loadDccSignerList', () => {
  it('reads arrays and { certificates } and rejects bad entries all-or-nothing', async () => {
    const { dsc, testOnly } = await setup();
    expect(loadDccSignerList(JSON.stringify([dsc.signerListEntry])).resolve(dsc.kid)).toHaveLength(1);
    expect(loadDccSignerList({ certificates: [dsc.signerListEntry, testOnly.signerListEntry] }).size).toBe(2);
    const target = new TrustStore();
    expect(() => loadDccSignerList([dsc.signerListEntry, { kid: 'x', rawData: 'bad' }], { trust: target })).toThrow(
      expect.objectContaining({ code: 'ERR_DCC_CERTIFICATE_INVALID', message: expect.stringContaining('[1]') }),
    );
    expect(target.size).toBe(0);
    for (const bad of [null, 'not json', {}, [{}], [{ kid: 1, rawData: 'x' }]]) {
      expect(() => loadDccSignerList(bad)).toThrow(expect.objectContaining({ code: 'ERR_DCC_CERTIFICATE_INVALID' }));
    }
    const entry = loadDccSignerList([testOnly.signerListEntry]).resolve(testOnly.kid)[0];
    expect(entry?.purposes).toEqual(['dcc-test']);
    expect(entry?.controller).toBe('IN');
  });
});
