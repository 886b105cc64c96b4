import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkDccRevocation,
  createDccRevocationList,
  dccRevocationHashes,
  isDccRevoked,
  pruneExpiredDccRevocationLists,
  type DccRevocationList,
} from '../src/index.js';
import { codeOf } from './helpers.js';

const sha128 = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest().subarray(0, 16).toString('base64');
const UCI = 'URN:UVCI:01:DE:187/37512533044#W';
const KID = 'DEsVUSvpFAE=';
const signature = Uint8Array.from({ length: 64 }, (_, i) => i);

describe('dccRevocationHashes', () => {
  it('UCI, COUNTRYCODEUCI and SIGNATURE (ECDSA: r only), each the first 128 bits of SHA-256, base64', () => {
    const hashes = dccRevocationHashes({ uci: UCI, country: 'DE', coseSignature: signature, alg: 'ES256' });
    expect(hashes.UCI).toBe(sha128(UCI));
    expect(hashes.COUNTRYCODEUCI).toBe(sha128(`DE${UCI}`));
    expect(hashes.SIGNATURE).toBe(sha128(signature.subarray(0, 32)));
    expect(Buffer.from(hashes.UCI!, 'base64')).toHaveLength(16);
    expect(dccRevocationHashes({ coseSignature: signature, alg: -7 }).SIGNATURE).toBe(hashes.SIGNATURE);
  });

  it('RSA signatures are hashed whole', () => {
    const rsa = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    expect(dccRevocationHashes({ coseSignature: rsa, alg: 'PS256' }).SIGNATURE).toBe(sha128(rsa));
    expect(dccRevocationHashes({ coseSignature: rsa, alg: -37 }).SIGNATURE).toBe(sha128(rsa));
  });

  it('a known value', () => {
    // SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad
    expect(Buffer.from(dccRevocationHashes({ uci: 'abc' }).UCI!, 'base64').toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223',
    );
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['an empty uci', { uci: '' }],
    ['a numeric uci', { uci: 5 }],
    ['a lower-case country', { uci: UCI, country: 'de' }],
    ['a three-letter country', { uci: UCI, country: 'DEU' }],
    ['a signature that is not bytes', { coseSignature: 'abc', alg: 'ES256' }],
    ['a signature without alg', { coseSignature: signature }],
    ['an unknown alg', { coseSignature: signature, alg: 'HS256' }],
    ['an odd-length ECDSA signature', { coseSignature: new Uint8Array(63), alg: 'ES256' }],
  ])('rejects %s with ERR_STATUS_OPTIONS_INVALID', (_label, input) => {
    expect(codeOf(() => dccRevocationHashes(input as never))).toBe('ERR_STATUS_OPTIONS_INVALID');
  });
});

describe('DCC revocation lists', () => {
  const hashes = dccRevocationHashes({ uci: UCI, country: 'DE', coseSignature: signature, alg: 'ES256' });
  const byType = (hashType: 'UCI' | 'COUNTRYCODEUCI' | 'SIGNATURE', list: string[]) =>
    createDccRevocationList({ kid: KID, hashType, expires: '2030-01-01T00:00:00Z', country: 'DE', hashes: list });

  it.each(['UCI', 'COUNTRYCODEUCI', 'SIGNATURE'] as const)(
    'a %s list revokes the certificate with that hash',
    (type) => {
      const list = byType(type, [sha128('someone else'), hashes[type]!]);
      expect(isDccRevoked(list, { kid: KID, hashes })).toMatchObject({
        name: 'revocation',
        ok: false,
        code: 'ERR_STATUS_REVOKED',
      });
      expect(isDccRevoked([list], { kid: Buffer.from(KID, 'base64'), hashes })).toMatchObject({
        ok: false,
        code: 'ERR_STATUS_REVOKED',
      });
      expect(
        isDccRevoked(list, {
          kid: KID,
          hashes: dccRevocationHashes({
            uci: 'URN:UVCI:other',
            country: 'DE',
            coseSignature: new Uint8Array(64),
            alg: 'ES256',
          }),
        }),
      ).toMatchObject({ ok: true });
    },
  );

  it('lists of other kids do not apply; no list means nothing revoked under that key', () => {
    const list = byType('UCI', [hashes.UCI!]);
    expect(isDccRevoked(list, { kid: 'AAAAAAAAAAA=', hashes })).toMatchObject({
      ok: true,
      message: expect.stringMatching(/no revocation list/),
    });
    expect(checkDccRevocation([], { kid: KID, hashes })).toMatchObject({ ok: true });
  });

  it('a list whose hash type the caller did not compute fails the check', () => {
    const list = byType('SIGNATURE', [hashes.SIGNATURE!]);
    expect(isDccRevoked(list, { kid: KID, hashes: { UCI: hashes.UCI! } })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_ENTRY_INVALID',
    });
  });

  it('expired lists still match; prune drops them', () => {
    const old = createDccRevocationList({
      kid: KID,
      hashType: 'UCI',
      expires: '2022-01-01T00:00:00Z',
      hashes: [hashes.UCI!],
    });
    expect(isDccRevoked(old, { kid: KID, hashes })).toMatchObject({ ok: false, code: 'ERR_STATUS_REVOKED' });
    const current = byType('UCI', []);
    expect(pruneExpiredDccRevocationLists([old, current], new Date('2025-01-01T00:00:00Z'))).toEqual([current]);
  });

  it('a large list', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => sha128(`uci-${i}`));
    const list = createDccRevocationList({ kid: KID, hashType: 'UCI', hashes: many });
    expect(isDccRevoked(list, { kid: KID, hashes: dccRevocationHashes({ uci: 'uci-99999' }) })).toMatchObject({
      code: 'ERR_STATUS_REVOKED',
    });
  });

  it.each<[string, unknown]>([
    ['not JSON', '['],
    ['an array', []],
    ['no kid', { hashType: 'UCI', hashes: [] }],
    ['a kid that is not base64', { kid: 'not base64!', hashType: 'UCI', hashes: [] }],
    ['an unknown hash type', { kid: KID, hashType: 'SHA1', hashes: [] }],
    ['a bad expires', { kid: KID, hashType: 'UCI', expires: 'soon', hashes: [] }],
    ['a bad country', { kid: KID, hashType: 'UCI', country: 'Germany', hashes: [] }],
    ['hashes not an array', { kid: KID, hashType: 'UCI', hashes: 'abc' }],
    ['a hash of the wrong length', { kid: KID, hashType: 'UCI', hashes: [Buffer.alloc(32).toString('base64')] }],
    ['a hash in base64url', { kid: KID, hashType: 'UCI', hashes: ['-_-_-_-_-_-_-_-_-_-_-w=='] }],
    ['a numeric hash', { kid: KID, hashType: 'UCI', hashes: [1] }],
  ])('rejects %s with ERR_REVOCATION_LIST_INVALID', (_label, input) => {
    expect(codeOf(() => createDccRevocationList(input))).toBe('ERR_REVOCATION_LIST_INVALID');
  });

  it('never throws on hostile check input', () => {
    const list = byType('UCI', [hashes.UCI!]);
    expect(isDccRevoked(list, null as never)).toMatchObject({ ok: false, code: 'ERR_STATUS_ENTRY_INVALID' });
    expect(isDccRevoked(list, { kid: '???', hashes })).toMatchObject({ ok: false, code: 'ERR_STATUS_ENTRY_INVALID' });
    expect(isDccRevoked(list, { kid: KID, hashes: { UCI: 5 } as never })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_ENTRY_INVALID',
    });
    const forged = { kid: KID, hashType: 'UCI', hashes: ['zz'] } as unknown as DccRevocationList;
    expect(isDccRevoked(forged, { kid: KID, hashes })).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_INVALID' });
  });
});
