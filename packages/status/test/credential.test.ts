import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { base64urlEncode } from '@divoc/keys';
import { CONTEXT_URLS } from '@divoc/schemas';
import { verifyCredential } from '@divoc/vc';
import {
  createStatusList,
  decodeBitstring,
  parseStatusListCredential,
  publishStatusList,
  revoke,
  statusListCredential,
  suspend,
} from '../src/index.js';
import { codeOf, makeIssuer } from './helpers.js';

const ID = 'https://divoc.dev/status/revocation/1';
describe('publishStatusList', () => {
  it('signs a VC 2.0 BitstringStatusListCredential that verifies', async () => {
    const iss = await makeIssuer();
    const list = createStatusList({ id: ID, statusPurpose: 'revocation' });
    revoke(list, 42);
    const signed = await publishStatusList(list, {
      signer: iss.signer,
      issuer: iss.did,
      validFrom: '2024-01-01T00:00:00Z',
      validUntil: new Date('2030-01-01T00:00:00Z'),
      ttl: 86_400_000,
    });
    expect(signed['@context']).toEqual([CONTEXT_URLS.CREDENTIALS_V2]);
    expect(signed).toMatchObject({
      id: ID,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: iss.did,
      validFrom: '2024-01-01T00:00:00Z',
      validUntil: '2030-01-01T00:00:00Z',
      credentialSubject: {
        id: `${ID}#list`,
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        ttl: 86_400_000,
      },
    });
    expect(signed.proof.cryptosuite).toBe('eddsa-rdfc-2022');
    const result = await verifyCredential(signed, {
      trust: iss.trustStore,
      now: new Date('2025-01-01T00:00:00Z'),
    });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('signs a VC 1.1 one with the status/v1 context', async () => {
    const iss = await makeIssuer();
    const list = createStatusList({ id: ID, statusPurpose: 'suspension' });
    suspend(list, 1);
    const signed = await publishStatusList(list, {
      signer: iss.signer,
      issuer: iss.did,
      vcVersion: '1.1',
      validFrom: '2024-01-01T00:00:00Z',
      validUntil: '2030-01-01T00:00:00Z',
    });
    expect(signed['@context']).toEqual(
      expect.arrayContaining([CONTEXT_URLS.CREDENTIALS_V1, CONTEXT_URLS.BITSTRING_STATUS_LIST_V1]),
    );
    expect(signed).toMatchObject({ issuanceDate: '2024-01-01T00:00:00Z', expirationDate: '2030-01-01T00:00:00Z' });
    const result = await verifyCredential(signed, {
      trust: iss.trustStore,
      now: new Date('2025-01-01T00:00:00Z'),
    });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('signs with ecdsa-rdfc-2019 when asked', async () => {
    const {
      generateKeyPair,
      createSigner,
      verificationMethodId,
      didKeyFromKeyPair,
      TrustStore,
      trustedKeyFromKeyPair,
    } = await import('@divoc/keys');
    const kp = await generateKeyPair('P-256');
    const id = verificationMethodId(kp);
    const store = new TrustStore();
    store.add(trustedKeyFromKeyPair(kp, { id }));
    const list = createStatusList({ id: ID, statusPurpose: 'revocation' });
    const signed = await publishStatusList(list, {
      signer: createSigner(kp, { id }),
      issuer: didKeyFromKeyPair(kp),
      suite: 'ecdsa-rdfc-2019',
    });
    expect(signed.proof.cryptosuite).toBe('ecdsa-rdfc-2019');
    expect((await verifyCredential(signed, { trust: store })).valid).toBe(true);
  });

  it.each([
    ['a relative issuer', { issuer: 'me' }],
    ['a bad validFrom', { validFrom: 'yesterday' }],
    ['validUntil before validFrom', { validFrom: '2025-01-01T00:00:00Z', validUntil: '2024-01-01T00:00:00Z' }],
    ['a bad vcVersion', { vcVersion: '3.0' }],
    ['a negative ttl', { ttl: -1 }],
  ])('rejects %s with ERR_STATUS_OPTIONS_INVALID', (_label, extra) => {
    const list = createStatusList({ id: ID, statusPurpose: 'revocation' });
    expect(codeOf(() => statusListCredential(list, { issuer: 'did:example:issuer', ...extra } as never))).toBe(
      'ERR_STATUS_OPTIONS_INVALID',
    );
  });
});

describe('parseStatusListCredential', () => {
  const unsigned = () => {
    const list = createStatusList({ id: ID, statusPurpose: 'revocation' });
    revoke(list, 3);
    return statusListCredential(list, { issuer: 'did:example:issuer', validFrom: '2024-01-01T00:00:00Z' }) as Record<
      string,
      unknown
    >;
  };

  it('reads text, bytes and objects', () => {
    const c = unsigned();
    for (const input of [c, JSON.stringify(c), new TextEncoder().encode(JSON.stringify(c))]) {
      const parsed = parseStatusListCredential(input);
      expect(parsed).toMatchObject({
        id: ID,
        issuer: 'did:example:issuer',
        statusPurposes: ['revocation'],
        bitLength: 131072,
      });
      expect(parsed.bits[0]).toBe(0b0001_0000);
    }
  });

  it('accepts an issuer object and several purposes', () => {
    const c = unsigned();
    c.issuer = { id: 'https://issuer.example', name: 'X' };
    (c.credentialSubject as Record<string, unknown>).statusPurpose = ['revocation', 'suspension'];
    expect(parseStatusListCredential(c)).toMatchObject({
      issuer: 'https://issuer.example',
      statusPurposes: ['revocation', 'suspension'],
    });
  });

  const sub = (c: Record<string, unknown>) => c.credentialSubject as Record<string, unknown>;
  it.each<[string, (c: Record<string, unknown>) => unknown]>([
    ['not JSON', () => '{'],
    ['null', () => null],
    ['a string number', () => '42'],
    ['an array', () => [unsigned()]],
    ['no BitstringStatusListCredential type', (c) => ({ ...c, type: ['VerifiableCredential'] })],
    ['a numeric type', (c) => ({ ...c, type: 7 })],
    ['no id', (c) => ({ ...c, id: undefined })],
    ['a numeric id', (c) => ({ ...c, id: 5 })],
    ['no issuer', (c) => ({ ...c, issuer: undefined })],
    ['an issuer object without id', (c) => ({ ...c, issuer: { name: 'x' } })],
    ['credentialSubject as an array', (c) => ({ ...c, credentialSubject: [sub(c)] })],
    ['a wrong subject type', (c) => ({ ...c, credentialSubject: { ...sub(c), type: 'StatusList2021' } })],
    ['no statusPurpose', (c) => ({ ...c, credentialSubject: { ...sub(c), statusPurpose: undefined } })],
    ['a numeric statusPurpose', (c) => ({ ...c, credentialSubject: { ...sub(c), statusPurpose: 1 } })],
    ['an empty statusPurpose array', (c) => ({ ...c, credentialSubject: { ...sub(c), statusPurpose: [] } })],
    ['a numeric encodedList', (c) => ({ ...c, credentialSubject: { ...sub(c), encodedList: 12 } })],
    ['bad base64 in encodedList', (c) => ({ ...c, credentialSubject: { ...sub(c), encodedList: 'u$$$$' } })],
    [
      'a gzip bomb',
      (c) => ({
        ...c,
        credentialSubject: { ...sub(c), encodedList: `u${base64urlEncode(gzipSync(Buffer.alloc(40 * 1024 * 1024)))}` },
      }),
    ],
    [
      'a too-short list',
      (c) => ({
        ...c,
        credentialSubject: { ...sub(c), encodedList: `u${base64urlEncode(gzipSync(Buffer.alloc(100)))}` },
      }),
    ],
    ['a string ttl', (c) => ({ ...c, credentialSubject: { ...sub(c), ttl: '5' } })],
    ['an oversized input', (c) => JSON.stringify({ ...c, padding: 'x'.repeat(2 * 1024 * 1024) })],
    [
      'a cyclic object',
      () => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      },
    ],
  ])('rejects %s with ERR_STATUS_LIST_INVALID', (_label, make) => {
    expect(codeOf(() => parseStatusListCredential(make(unsigned())))).toBe('ERR_STATUS_LIST_INVALID');
  });
});

describe('131 072-entry round trip', () => {
  it('every bit survives publish → parse', async () => {
    const iss = await makeIssuer();
    const list = createStatusList({ id: ID, statusPurpose: 'revocation' });
    expect(list.length).toBe(131072);
    // A deterministic scatter of revoked indexes, including both ends.
    const revoked = new Set<number>([0, 1, 7, 8, 131071]);
    for (let i = 0; i < 131072; i += 97) revoked.add((i * 7919) % 131072);
    for (const i of revoked) revoke(list, i);
    const signed = await publishStatusList(list, { signer: iss.signer, issuer: iss.did });
    const parsed = parseStatusListCredential(JSON.stringify(signed));
    expect(parsed.bitLength).toBe(131072);
    for (let i = 0; i < 131072; i++) {
      const bit = (parsed.bits[i >> 3]! >> (7 - (i & 7))) & 1;
      if (bit !== (revoked.has(i) ? 1 : 0)) throw new Error(`bit ${i} differs`);
    }
    expect(decodeBitstring((signed.credentialSubject as { encodedList: string }).encodedList)).toEqual(parsed.bits);
  });
});
