import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  didKeyFromKeyPair,
  exportPublicJwk,
  toTrustListEntry,
  TrustStore,
  trustedKeyFromKeyPair,
  verificationMethodId,
  verifySignature,
  type KeyType,
  type SignatureAlgorithm,
} from '@divoc/keys';
import { issueCredential, verifyCredential, type SuiteName, type UnsignedCredential } from '@divoc/vc';
import {
  createPkcs11Signer,
  exportPkcs11PublicKey,
  generatePkcs11KeyPair,
  inspectPkcs11Key,
  isPkcs11Error,
  openPkcs11Session,
  pkcs11UriTarget,
  type Pkcs11Session,
} from '../src/pkcs11/index.js';
import { makeSoftHsm, type SoftHsm } from './pkcs11-helpers.js';
import { vectorText } from '../../../test/support/vectors.js';

const PIN = '1234';
let hsm: SoftHsm;
let session: Pkcs11Session;

beforeAll(async () => {
  hsm = makeSoftHsm();
  hsm.initToken('T', PIN);
  hsm.initToken('T2', '999999');
  session = await openPkcs11Session({ module: hsm.module, tokenLabel: 'T', pin: PIN });
});

afterAll(async () => {
  await session?.close();
  hsm?.cleanup();
});

const data = new TextEncoder().encode('a vaccination certificate, canonicalised');

const CASES: { type: KeyType; label: string; algorithms: SignatureAlgorithm[] }[] = [
  { type: 'Ed25519', label: 'ed-key', algorithms: ['EdDSA'] },
  { type: 'P-256', label: 'p256-key', algorithms: ['ES256'] },
  { type: 'RSA', label: 'rsa-key', algorithms: ['PS256', 'RS256'] },
];

describe('PKCS#11 keys in SoftHSM2', () => {
  it('the token offers all three key types (SoftHSM 2.6 has EdDSA)', () => {
    expect(session.supportedKeyTypes()).toEqual(['Ed25519', 'P-256', 'RSA']);
    expect(session.tokenLabel).toBe('T');
    expect(session.closed).toBe(false);
  });

  describe.each(CASES)('$type', ({ type, label, algorithms }) => {
    it('generates in the token a sensitive, non-extractable private key', async () => {
      const made = await generatePkcs11KeyPair(session, { type, label, extractable: false });
      expect(made).toMatchObject({ type, label });
      expect(made.id).toHaveLength(16);
      expect(made.keyPair.type).toBe(type);
      expect(made.keyPair.privateKey).toBeUndefined();
      const attrs = await inspectPkcs11Key(session, { label });
      expect(attrs).toMatchObject({
        type,
        label,
        sensitive: true,
        extractable: false,
        alwaysSensitive: true,
        neverExtractable: true,
      });
      expect(Buffer.from(attrs.id).equals(Buffer.from(made.id))).toBe(true);
      // The exported public key is the one generation returned, found by label or by id.
      const byLabel = await exportPkcs11PublicKey(session, { label });
      const byId = await exportPkcs11PublicKey(session, { id: made.id });
      expect(byLabel.publicKey.equals(made.keyPair.publicKey)).toBe(true);
      expect(byId.publicKey.equals(made.keyPair.publicKey)).toBe(true);
    });

    it('the private key value cannot be read (C_GetAttributeValue(CKA_VALUE) fails)', () => {
      // Straight through pkcs11js, not our API: a second PKCS11 instance shares the process's initialised module.
      const pkcs11js = createRequire(import.meta.url)('pkcs11js') as typeof import('pkcs11js');
      const raw = new pkcs11js.PKCS11();
      raw.load(hsm.module);
      try {
        raw.C_Initialize();
      } catch (err) {
        expect(String(err)).toMatch(/CKR_CRYPTOKI_ALREADY_INITIALIZED/);
      }
      const slot = raw.C_GetSlotList(true).find((s) => raw.C_GetTokenInfo(s).label.trim() === 'T')!;
      const handle = raw.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
      try {
        raw.C_FindObjectsInit(handle, [
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
          { type: pkcs11js.CKA_LABEL, value: label },
        ]);
        const [key] = raw.C_FindObjects(handle, 2);
        raw.C_FindObjectsFinal(handle);
        expect(key).toBeDefined();
        // EC keys hold the scalar in CKA_VALUE; RSA keys have no CKA_VALUE but sensitive d, p, q.
        const secret =
          type === 'RSA'
            ? [pkcs11js.CKA_PRIVATE_EXPONENT, pkcs11js.CKA_PRIME_1, pkcs11js.CKA_PRIME_2]
            : [pkcs11js.CKA_VALUE];
        for (const attribute of secret) {
          expect(() => raw.C_GetAttributeValue(handle, key!, [{ type: attribute }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
        }
      } finally {
        raw.C_CloseSession(handle);
      }
    });

    it.each(algorithms)(
      'signs %s in the token; verifySignature accepts it with the exported public key',
      async (algorithm) => {
        const signer = await createPkcs11Signer(session, { label, signerId: 'did:example:issuer#hsm', algorithm });
        expect(signer).toMatchObject({ id: 'did:example:issuer#hsm', algorithm, keyType: type });
        const signature = await signer.sign(data);
        const expectedLength = type === 'RSA' ? 256 : 64;
        expect(signature).toHaveLength(expectedLength);
        const publicKey = await exportPkcs11PublicKey(session, { label });
        expect(await verifySignature(publicKey, algorithm, data, signature)).toBe(true);
        // Through a trust-list round trip too (what a verifier holds).
        const trusted = trustedKeyFromKeyPair(publicKey, { id: 'did:example:issuer#hsm' });
        expect(await verifySignature(trusted, algorithm, data, signature)).toBe(true);
        const tampered = Uint8Array.from(data);
        tampered[0]! ^= 1;
        expect(await verifySignature(publicKey, algorithm, tampered, signature)).toBe(false);
      },
    );

    it('the public key works with toTrustListEntry, didKeyFromKeyPair and verificationMethodId', async () => {
      const publicKey = await exportPkcs11PublicKey(session, { label });
      const entry = toTrustListEntry(publicKey, { id: 'urn:example:hsm', controller: 'https://issuer.example' });
      expect(entry).toMatchObject({ id: 'urn:example:hsm', type, publicKeyJwk: exportPublicJwk(publicKey) });
      const store = TrustStore.fromTrustList({ issuers: [entry] });
      expect(store.resolve('urn:example:hsm')).toHaveLength(1);
      if (type === 'RSA') {
        expect(() => didKeyFromKeyPair(publicKey)).toThrow();
      } else {
        expect(didKeyFromKeyPair(publicKey)).toMatch(type === 'Ed25519' ? /^did:key:z6Mk/ : /^did:key:zDna/);
        expect(verificationMethodId(publicKey)).toContain('#z');
        expect(entry.publicKeyMultibase).toMatch(/^z/);
      }
    });
  });

  it.each([
    ['Ed25519', 'ed-key', 'eddsa-rdfc-2022'],
    ['P-256', 'p256-key', 'ecdsa-rdfc-2019'],
    ['RSA', 'rsa-key', 'RsaSignature2018'],
  ] as Array<[KeyType, string, SuiteName]>)(
    'a W3C VC signed in the token (%s, %s) verifies',
    async (type, label, suite) => {
      const publicKey = await exportPkcs11PublicKey(session, { label });
      const id = type === 'RSA' ? 'did:web:issuer.example#rsa-hsm' : verificationMethodId(publicKey);
      const signer = await createPkcs11Signer(session, { label, signerId: id });
      const credential = unsignedDivocCredential();
      const signed = await issueCredential(credential, { signer, suite });
      expect(signed.proof).toMatchObject({ verificationMethod: id });
      const trustStore = new TrustStore();
      trustStore.add(trustedKeyFromKeyPair(publicKey, { id }));
      const result = await verifyCredential(signed, { trust: trustStore });
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
      expect(result.valid).toBe(true);
      // And a changed credential does not.
      const forged = JSON.parse(JSON.stringify(signed)) as typeof signed;
      (forged.credentialSubject as Record<string, unknown>).name = 'Someone Else';
      expect((await verifyCredential(forged, { trust: trustStore })).valid).toBe(false);
    },
  );

  it.each([
    ['Ed25519', 'ed-key'],
    ['P-256', 'p256-key'],
    ['RSA', 'rsa-key'],
  ] as const)('100 parallel sign calls with one %s signer all verify', async (_type, label) => {
    const signer = await createPkcs11Signer(session, { label, signerId: 'k' });
    const publicKey = await exportPkcs11PublicKey(session, { label });
    const messages = Array.from({ length: 100 }, (_, i) => new TextEncoder().encode(`message ${i}`));
    const signatures = await Promise.all(messages.map((m) => signer.sign(m)));
    const results = await Promise.all(
      messages.map((m, i) => verifySignature(publicKey, signer.algorithm, m, signatures[i]!)),
    );
    expect(results.every(Boolean)).toBe(true);
    // Nothing crossed over: each signature fails for the neighbouring message.
    expect(await verifySignature(publicKey, signer.algorithm, messages[1]!, signatures[0]!)).toBe(false);
  });

  it('signing speed over 200 signatures per key type (reported, not asserted)', async () => {
    const report: Record<string, string> = {};
    for (const [label, name] of [
      ['ed-key', 'EdDSA'],
      ['p256-key', 'ES256'],
      ['rsa-key', 'PS256 (RSA-2048)'],
    ] as const) {
      const signer = await createPkcs11Signer(session, { label, signerId: 'k' });
      await signer.sign(data);
      let start = performance.now();
      for (let i = 0; i < 200; i++) await signer.sign(data);
      const sequential = (performance.now() - start) / 200;
      start = performance.now();
      await Promise.all(Array.from({ length: 200 }, () => signer.sign(data)));
      const parallel = (performance.now() - start) / 200;
      report[name] =
        `${sequential.toFixed(3)} ms/signature sequential, ${parallel.toFixed(3)} ms/signature with 4 ` +
        `sessions in parallel`;
    }
    console.log('[pkcs11-speed]', JSON.stringify(report, null, 2));
    expect(Object.keys(report)).toHaveLength(3);
  });
});

describe('PKCS#11 errors are typed', () => {
  it('wrong PIN on a token nobody is logged in to → ERR_PKCS11_PIN_INCORRECT', async () => {
    await expect(openPkcs11Session({ module: hsm.module, tokenLabel: 'T2', pin: '000000' })).rejects.toMatchObject({
      code: 'ERR_PKCS11_PIN_INCORRECT',
    });
  });

  it('wrong PIN on a token this process is already logged in to → ERR_PKCS11_PIN_INCORRECT', async () => {
    await expect(openPkcs11Session({ module: hsm.module, tokenLabel: 'T', pin: '4321' })).rejects.toMatchObject({
      code: 'ERR_PKCS11_PIN_INCORRECT',
    });
    // The right PIN still opens a second handle, and closing it leaves the first one working.
    const second = await openPkcs11Session({ module: hsm.module, tokenLabel: 'T', pin: PIN });
    await second.close();
    const signer = await createPkcs11Signer(session, { label: 'ed-key', signerId: 'k' });
    expect(await signer.sign(data)).toHaveLength(64);
  });

  it('the error message never contains the PIN', async () => {
    const err = await openPkcs11Session({ module: hsm.module, tokenLabel: 'T2', pin: 'secret-pin-77' }).catch(
      (e: unknown) => e,
    );
    expect(isPkcs11Error(err)).toBe(true);
    expect(String((err as Error).message)).not.toContain('secret-pin-77');
    expect(JSON.stringify(err)).not.toContain('secret-pin-77');
  });

  it('unknown token, slot or module → typed errors', async () => {
    await expect(openPkcs11Session({ module: hsm.module, tokenLabel: 'nope', pin: PIN })).rejects.toMatchObject({
      code: 'ERR_PKCS11_TOKEN_NOT_FOUND',
    });
    await expect(openPkcs11Session({ module: hsm.module, slot: 123456789, pin: PIN })).rejects.toMatchObject({
      code: 'ERR_PKCS11_TOKEN_NOT_FOUND',
    });
    await expect(openPkcs11Session({ module: hsm.module, pin: PIN })).rejects.toMatchObject({
      code: 'ERR_PKCS11_TOKEN_NOT_FOUND',
    }); // two tokens
    await expect(
      openPkcs11Session({ module: '/nonexistent/libpkcs11.so', tokenLabel: 'T', pin: PIN }),
    ).rejects.toMatchObject({ code: 'ERR_PKCS11_MODULE' });
    await expect(openPkcs11Session({ module: hsm.module, tokenLabel: 'T', pin: '' })).rejects.toMatchObject({
      code: 'ERR_PKCS11_LOGIN_FAILED',
    });
  });

  it('missing label or id → ERR_PKCS11_KEY_NOT_FOUND', async () => {
    await expect(createPkcs11Signer(session, { label: 'no-such-key', signerId: 'k' })).rejects.toMatchObject({
      code: 'ERR_PKCS11_KEY_NOT_FOUND',
    });
    await expect(exportPkcs11PublicKey(session, { label: 'no-such-key' })).rejects.toMatchObject({
      code: 'ERR_PKCS11_KEY_NOT_FOUND',
    });
    await expect(exportPkcs11PublicKey(session, { id: Uint8Array.of(1, 2, 3) })).rejects.toMatchObject({
      code: 'ERR_PKCS11_KEY_NOT_FOUND',
    });
    await expect(createPkcs11Signer(session, { signerId: 'k' } as never)).rejects.toMatchObject({
      code: 'ERR_KEY_INVALID',
    });
  });

  it(
    'keys made by other tools work; two keys under one label → ERR_PKCS11_KEY_AMBIGUOUS unless the id is ' +
      'given too',
    async () => {
      const pkcs11js = createRequire(import.meta.url)('pkcs11js') as typeof import('pkcs11js');
      const raw = new pkcs11js.PKCS11();
      raw.load(hsm.module);
      try {
        raw.C_Initialize();
      } catch {
        // already initialised by our session: shared
      }
      const slot = raw.C_GetSlotList(true).find((s) => raw.C_GetTokenInfo(s).label.trim() === 'T')!;
      const handle = raw.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
      try {
        for (const id of [Buffer.from('a1', 'hex'), Buffer.from('b2', 'hex')]) {
          const common = [
            { type: pkcs11js.CKA_TOKEN, value: true },
            { type: pkcs11js.CKA_LABEL, value: 'dup' },
            { type: pkcs11js.CKA_ID, value: id },
          ];
          raw.C_GenerateKeyPair(
            handle,
            { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
            [
              ...common,
              { type: pkcs11js.CKA_EC_PARAMS, value: Buffer.from('06082a8648ce3d030107', 'hex') },
              { type: pkcs11js.CKA_VERIFY, value: true },
            ],
            [
              ...common,
              { type: pkcs11js.CKA_SIGN, value: true },
              { type: pkcs11js.CKA_SENSITIVE, value: true },
              { type: pkcs11js.CKA_PRIVATE, value: true },
            ],
          );
        }
      } finally {
        raw.C_CloseSession(handle);
      }
      await expect(createPkcs11Signer(session, { label: 'dup', signerId: 'k' })).rejects.toMatchObject({
        code: 'ERR_PKCS11_KEY_AMBIGUOUS',
      });
      await expect(exportPkcs11PublicKey(session, { label: 'dup' })).rejects.toMatchObject({
        code: 'ERR_PKCS11_KEY_AMBIGUOUS',
      });
      const signer = await createPkcs11Signer(session, { label: 'dup', id: Uint8Array.of(0xb2), signerId: 'k' });
      const other = await exportPkcs11PublicKey(session, { id: Uint8Array.of(0xa1) });
      const signature = await signer.sign(data);
      expect(await verifySignature(signer.publicKey, 'ES256', data, signature)).toBe(true);
      expect(await verifySignature(other, 'ES256', data, signature)).toBe(false);
    },
  );

  it('generation with an explicit id; the id is then taken too', async () => {
    const made = await generatePkcs11KeyPair(session, { type: 'P-256', label: 'with-id', id: Uint8Array.of(7, 7, 7) });
    expect(Array.from(made.id)).toEqual([7, 7, 7]);
    const signer = await createPkcs11Signer(session, { id: Uint8Array.of(7, 7, 7), signerId: 'k' });
    expect(await verifySignature(made.keyPair, 'ES256', data, await signer.sign(data))).toBe(true);
    await expect(
      generatePkcs11KeyPair(session, { type: 'P-256', label: 'another', id: Uint8Array.of(7, 7, 7) }),
    ).rejects.toMatchObject({ code: 'ERR_PKCS11_KEY_EXISTS' });
  });

  it('a label that exists is not generated again → ERR_PKCS11_KEY_EXISTS', async () => {
    await expect(generatePkcs11KeyPair(session, { type: 'P-256', label: 'p256-key' })).rejects.toMatchObject({
      code: 'ERR_PKCS11_KEY_EXISTS',
    });
  });

  it('bad generation options → typed errors', async () => {
    await expect(
      generatePkcs11KeyPair(session, { type: 'RSA', label: 'r', modulusLength: 1024 }),
    ).rejects.toMatchObject({ code: 'ERR_KEY_UNSUPPORTED' });
    await expect(generatePkcs11KeyPair(session, { type: 'P-384' as never, label: 'x' })).rejects.toMatchObject({
      code: 'ERR_KEY_UNSUPPORTED',
    });
    await expect(
      generatePkcs11KeyPair(session, { type: 'P-256', label: 'x', extractable: true as never }),
    ).rejects.toMatchObject({ code: 'ERR_KEY_UNSUPPORTED' });
    await expect(generatePkcs11KeyPair(session, { type: 'P-256', label: '' })).rejects.toMatchObject({
      code: 'ERR_KEY_INVALID',
    });
  });

  it('an algorithm that does not fit the key → ERR_KEY_ALG_MISMATCH', async () => {
    await expect(
      createPkcs11Signer(session, { label: 'ed-key', signerId: 'k', algorithm: 'ES256' }),
    ).rejects.toMatchObject({ code: 'ERR_KEY_ALG_MISMATCH' });
  });

  it('a closed session → ERR_PKCS11_SESSION_CLOSED, for signers made from it too', async () => {
    const own = await openPkcs11Session({ module: hsm.module, tokenLabel: 'T', pin: PIN });
    const signer = await createPkcs11Signer(own, { label: 'p256-key', signerId: 'k' });
    const inFlight = signer.sign(data); // close waits for it
    await own.close();
    expect(await inFlight).toHaveLength(64);
    expect(own.closed).toBe(true);
    await expect(signer.sign(data)).rejects.toMatchObject({ code: 'ERR_PKCS11_SESSION_CLOSED' });
    await expect(exportPkcs11PublicKey(own, { label: 'p256-key' })).rejects.toMatchObject({
      code: 'ERR_PKCS11_SESSION_CLOSED',
    });
    await expect(createPkcs11Signer(own, { label: 'p256-key', signerId: 'k' })).rejects.toMatchObject({
      code: 'ERR_PKCS11_SESSION_CLOSED',
    });
    await expect(generatePkcs11KeyPair(own, { type: 'P-256', label: 'later' })).rejects.toMatchObject({
      code: 'ERR_PKCS11_SESSION_CLOSED',
    });
    await own.close(); // twice is fine
    // The shared session is unaffected.
    expect(await (await createPkcs11Signer(session, { label: 'p256-key', signerId: 'k' })).sign(data)).toHaveLength(64);
  });

  it('a PKCS#11 URI opens the token and names the key', async () => {
    const uri = `pkcs11:token=T;object=ed-key;type=private?module-path=${hsm.module}&pin-source=env:DIVOC_TEST_PIN`;
    const target = await pkcs11UriTarget(uri, { env: { DIVOC_TEST_PIN: PIN } });
    expect(target.key).toEqual({ label: 'ed-key' });
    const own = await openPkcs11Session(target.session);
    try {
      const signer = await createPkcs11Signer(own, { ...target.key!, signerId: 'k' });
      expect(await verifySignature(signer.publicKey, 'EdDSA', data, await signer.sign(data))).toBe(true);
    } finally {
      await own.close();
    }
  });
});

function unsignedDivocCredential(): UnsignedCredential {
  const text = vectorText('divoc/signed/rsa2018-divocdev-valid.json');
  const { proof: _proof, ...credential } = JSON.parse(text) as Record<string, unknown>;
  return credential as UnsignedCredential;
}
