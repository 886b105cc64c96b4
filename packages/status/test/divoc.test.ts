import { describe, expect, it } from 'vitest';
import { buildCredential } from '@divoc/schemas';
import {
  checkDivocRevocation,
  createDivocRevocationList,
  divocCertificateId,
  findDivocRevocation,
  isDivocCertificateRevoked,
  isStatusError,
  type DivocRevocationList,
} from '../src/index.js';
import { listVectors, vaccinationRecord, vectorJson } from './helpers.js';

const list = createDivocRevocationList({
  revoked: [
    { certificateId: '244768056', revokedAt: '2021-08-01T10:00:00Z', reason: 'issued in error' },
    { certificateId: 111 },
  ],
  replaced: [{ certificateId: '900000003', previous: ['900000001', '900000002'] }],
});

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    expect(isStatusError(error), String(error)).toBe(true);
    return (error as { code: string }).code;
  }
  return undefined;
};

describe('DIVOC revocation lists', () => {
  it('revoked ids and every earlier version of a reissued certificate are revoked', () => {
    expect(isDivocCertificateRevoked(list, '244768056')).toBe(true);
    expect(isDivocCertificateRevoked(list, '111')).toBe(true);
    expect(isDivocCertificateRevoked(list, '900000001')).toBe(true);
    expect(isDivocCertificateRevoked(list, '900000002')).toBe(true);
    expect(isDivocCertificateRevoked(list, '900000003')).toBe(false);
    expect(isDivocCertificateRevoked(list, '244768057')).toBe(false);
    expect(findDivocRevocation(list, '900000001')).toEqual({ certificateId: '900000001', kind: 'replaced', replacedBy: '900000003' });
    expect(findDivocRevocation(list, '244768056')).toEqual({ certificateId: '244768056', kind: 'revoked', revokedAt: '2021-08-01T10:00:00Z', reason: 'issued in error' });
    expect(Object.isFrozen(list)).toBe(true);
  });

  it('reads JSON text and an empty list; plain objects work too', () => {
    expect(createDivocRevocationList('{"revoked":[{"certificateId":"1"}]}').revoked).toEqual([{ certificateId: '1' }]);
    expect(createDivocRevocationList({}).revoked).toEqual([]);
    const plain = { revoked: [{ certificateId: '42' }] } as DivocRevocationList;
    expect(isDivocCertificateRevoked(plain, '42')).toBe(true);
  });

  it('handles a large list quickly', () => {
    const revoked = Array.from({ length: 200_000 }, (_, i) => ({ certificateId: String(100_000_000 + i) }));
    const big = createDivocRevocationList({ revoked });
    const started = Date.now();
    for (let i = 0; i < 10_000; i++) isDivocCertificateRevoked(big, String(100_000_000 + i * 7));
    expect(Date.now() - started).toBeLessThan(500);
    expect(isDivocCertificateRevoked(big, '99999999')).toBe(false);
  });

  it.each<[string, unknown]>([
    ['not JSON', '{'],
    ['a number', 7],
    ['an array', []],
    ['revoked not an array', { revoked: {} }],
    ['replaced not an array', { replaced: 'x' }],
    ['an entry that is a string', { revoked: ['244768056'] }],
    ['an empty id', { revoked: [{ certificateId: '' }] }],
    ['an object id', { revoked: [{ certificateId: { id: 1 } }] }],
    ['a negative numeric id', { revoked: [{ certificateId: -5 }] }],
    ['an over-long id', { revoked: [{ certificateId: 'x'.repeat(129) }] }],
    ['a control character in the id', { revoked: [{ certificateId: 'a\nb' }] }],
    ['a bad revokedAt', { revoked: [{ certificateId: '1', revokedAt: 'yesterday' }] }],
    ['a numeric reason', { revoked: [{ certificateId: '1', reason: 5 }] }],
    ['a replacement without previous', { replaced: [{ certificateId: '1' }] }],
    ['a replacement with empty previous', { replaced: [{ certificateId: '1', previous: [] }] }],
    ['a replacement that replaces itself', { replaced: [{ certificateId: '1', previous: ['1'] }] }],
    ['a replacement with 65 previous', { replaced: [{ certificateId: '1', previous: Array.from({ length: 65 }, (_, i) => `p${i}`) }] }],
  ])('rejects %s with ERR_REVOCATION_LIST_INVALID', (_label, input) => {
    expect(codeOf(() => createDivocRevocationList(input))).toBe('ERR_REVOCATION_LIST_INVALID');
  });
});

describe('certificate ids of DIVOC credentials', () => {
  it('reads evidence[0].certificateId from our credentials', () => {
    const credential = buildCredential('vaccination', vaccinationRecord, { issuer: 'https://divoc.dev/' });
    expect(divocCertificateId(credential)).toBe('244768056');
  });

  it('reads DIVOC-issued certificates (certificateId, else the evidence id), and refuses "undefined"', () => {
    const found = Object.fromEntries(listVectors('divoc/signed/').map((f) => [f.split('/').pop(), divocCertificateId(vectorJson(f))]));
    expect(found['rsa2018-tampered-invalid.json']).toBe('244768056');
    // DIVOC's test certificates carry "https://divoc.dev/vaccine/undefined": no id.
    expect(found['ed25519-2018-divocdev-valid.json']).toBeUndefined();
  });

  it('falls back to the last segment of evidence[0].id', () => {
    expect(divocCertificateId({ evidence: [{ id: 'https://cowin.gov.in/vaccine/31415926' }] })).toBe('31415926');
    expect(divocCertificateId({ evidence: { id: 'https://divoc.dev/vaccine/271828/' } })).toBe('271828');
    expect(divocCertificateId({ evidence: [{ certificateId: 12345 }] })).toBe('12345');
    for (const bad of [null, 'x', {}, { evidence: [] }, { evidence: ['x'] }, { evidence: [{ id: 'https://divoc.dev/vaccine/%E0%A4%A' }] }, { evidence: [{ id: 7 }] }]) {
      expect(divocCertificateId(bad)).toBeUndefined();
    }
  });
});

describe('checkDivocRevocation', () => {
  it('passes a valid certificate and fails a revoked or replaced one', () => {
    const credential = buildCredential('vaccination', vaccinationRecord, { issuer: 'https://divoc.dev/' });
    const revoked = checkDivocRevocation(credential, list);
    expect(revoked).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_STATUS_REVOKED' });
    expect(revoked.message).toContain('issued in error');
    const fresh = buildCredential('vaccination', { ...vaccinationRecord, certificateId: '900000003' }, { issuer: 'https://divoc.dev/' });
    expect(checkDivocRevocation(fresh, list)).toMatchObject({ ok: true });
    const old = buildCredential('vaccination', { ...vaccinationRecord, certificateId: '900000001' }, { issuer: 'https://divoc.dev/' });
    expect(checkDivocRevocation(JSON.stringify(old), list)).toMatchObject({ ok: false, code: 'ERR_STATUS_REVOKED', message: expect.stringContaining('replaced by 900000003') });
  });

  it('fails without a certificate id, and on a bad list; never throws', () => {
    expect(checkDivocRevocation(vectorJson('divoc/signed/ed25519-2018-divocdev-valid.json'), list)).toMatchObject({ ok: false, code: 'ERR_STATUS_ID_MISSING' });
    expect(checkDivocRevocation('{', list)).toMatchObject({ ok: false, code: 'ERR_STATUS_ID_MISSING' });
    expect(checkDivocRevocation({ evidence: [{ certificateId: '1' }] }, { revoked: 'x' } as never)).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_INVALID' });
  });
});
