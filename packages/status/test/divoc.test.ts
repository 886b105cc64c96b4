import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSigner, importKeyPair, TrustStore, trustedKeyFromKeyPair } from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { issueCredential, verifyCredential } from '@divoc/vc';
import {
  checkDivocRevocation,
  createDivocRevocationList,
  divocCertificateId,
  divocCertificateIdCandidates,
  findDivocRevocation,
  isDivocCertificateRevoked,
  type DivocRevocationList,
} from '../src/index.js';
import { codeOf, listVectors, vaccinationRecord, vectorJson, VECTORS } from './helpers.js';

const list = createDivocRevocationList({
  revoked: [
    { certificateId: '244768056', revokedAt: '2021-08-01T10:00:00Z', reason: 'issued in error' },
    { certificateId: 111 },
  ],
  replaced: [{ certificateId: '900000003', previous: ['900000001', '900000002'] }],
});

describe('DIVOC revocation lists', () => {
  it('revoked ids and every earlier version of a reissued certificate are revoked', () => {
    expect(isDivocCertificateRevoked(list, '244768056')).toBe(true);
    expect(isDivocCertificateRevoked(list, '111')).toBe(true);
    expect(isDivocCertificateRevoked(list, '900000001')).toBe(true);
    expect(isDivocCertificateRevoked(list, '900000002')).toBe(true);
    expect(isDivocCertificateRevoked(list, '900000003')).toBe(false);
    expect(isDivocCertificateRevoked(list, '244768057')).toBe(false);
    expect(findDivocRevocation(list, '900000001')).toEqual({
      certificateId: '900000001',
      kind: 'replaced',
      replacedBy: '900000003',
    });
    expect(findDivocRevocation(list, '244768056')).toEqual({
      certificateId: '244768056',
      kind: 'revoked',
      revokedAt: '2021-08-01T10:00:00Z',
      reason: 'issued in error',
    });
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
    [
      'a replacement with 65 previous',
      { replaced: [{ certificateId: '1', previous: Array.from({ length: 65 }, (_, i) => `p${i}`) }] },
    ],
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
    const found = Object.fromEntries(
      listVectors('divoc/signed/').map((f) => [f.split('/').pop(), divocCertificateId(vectorJson(f))]),
    );
    expect(found['rsa2018-tampered-invalid.json']).toBe('244768056');
    // DIVOC's test certificates carry "https://divoc.dev/vaccine/undefined": no id.
    expect(found['ed25519-2018-divocdev-valid.json']).toBeUndefined();
  });

  it('falls back to the last segment of evidence[0].id', () => {
    expect(divocCertificateId({ evidence: [{ id: 'https://cowin.gov.in/vaccine/31415926' }] })).toBe('31415926');
    expect(divocCertificateId({ evidence: { id: 'https://divoc.dev/vaccine/271828/' } })).toBe('271828');
    expect(divocCertificateId({ evidence: [{ certificateId: 12345 }] })).toBe('12345');
    for (const bad of [
      null,
      'x',
      {},
      { evidence: [] },
      { evidence: ['x'] },
      { evidence: [{ id: 'https://divoc.dev/vaccine/%E0%A4%A' }] },
      { evidence: [{ id: 7 }] },
    ]) {
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
    const fresh = buildCredential(
      'vaccination',
      { ...vaccinationRecord, certificateId: '900000003' },
      { issuer: 'https://divoc.dev/' },
    );
    expect(checkDivocRevocation(fresh, list)).toMatchObject({ ok: true });
    const old = buildCredential(
      'vaccination',
      { ...vaccinationRecord, certificateId: '900000001' },
      { issuer: 'https://divoc.dev/' },
    );
    expect(checkDivocRevocation(JSON.stringify(old), list)).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_REVOKED',
      message: expect.stringContaining('replaced by 900000003'),
    });
  });

  it('fails without a certificate id, and on a bad list; never throws', () => {
    expect(checkDivocRevocation(vectorJson('divoc/signed/ed25519-2018-divocdev-valid.json'), list)).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_ID_MISSING',
    });
    expect(checkDivocRevocation('{', list)).toMatchObject({ ok: false, code: 'ERR_STATUS_ID_MISSING' });
    expect(checkDivocRevocation({ evidence: [{ certificateId: '1' }] }, { revoked: 'x' } as never)).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_LIST_INVALID',
    });
  });
});

describe('revocation against every value the signature does not tell apart from the certificate id', () => {
  const rsaPem = readFileSync(new URL('divoc/keys/divoc-test-rsa.private.pem', VECTORS), 'utf8');
  const rsa = importKeyPair({ pem: rsaPem });
  const trustStore = new TrustStore();
  trustStore.add(trustedKeyFromKeyPair(rsa, { id: 'did:india' }));
  const now = new Date('2021-09-01T00:00:00Z');

  /**
   * A CoWIN-format certificate: DIVOC's vaccination context v1 on cowin.gov.in, RsaSignature2018 by DIVOC's test key
   * as did:india.
   */
  async function cowinCertificate(certificateId: string) {
    const built = buildCredential(
      'vaccination',
      { ...vaccinationRecord, certificateId },
      {
        issuer: 'https://cowin.gov.in/',
        issuanceDate: '2021-08-28T11:35:43Z',
        context: 'divoc-legacy',
        contextHost: 'cowin.gov.in',
      },
    );
    expect(built['@context']).toEqual([
      'https://www.w3.org/2018/credentials/v1',
      'https://cowin.gov.in/credentials/vaccination/v1',
    ]);
    return issueCredential(built as never, {
      signer: createSigner(rsa, { id: 'did:india' }),
      suite: 'RsaSignature2018',
      created: '2021-08-28T11:35:43Z',
    });
  }

  function swapIdAndBatch<T>(credential: T): T {
    const copy = JSON.parse(JSON.stringify(credential)) as { evidence: Array<Record<string, unknown>> };
    const e = copy.evidence[0]!;
    [e.certificateId, e.batch] = [e.batch, e.certificateId];
    return copy as T;
  }

  it(
    'a revoked certificate with certificateId ↔ batch swapped still verifies, ' + 'and is still found revoked',
    async () => {
      const signed = await cowinCertificate('244768056'); // revoked on `list`
      const forged = swapIdAndBatch(signed);
      expect(divocCertificateId(forged)).toBe(vaccinationRecord.batch);

      const result = await verifyCredential(forged, { trust: trustStore, now });
      expect(result.valid).toBe(true); // the signature does not bind certificateId: the reason for ambiguousTerms
      expect(result.ambiguousTerms).toContainEqual({
        iri: 'https://schema.org/id',
        terms: ['certificateId', 'batch', 'vaccine', 'manufacturer'],
        path: 'evidence[0]',
      });

      // Without the groups the list is checked against the swapped-in batch only: the bypass.
      expect(checkDivocRevocation(forged, list)).toMatchObject({ ok: true });
      // With them every candidate is checked.
      expect(divocCertificateIdCandidates(forged, result.ambiguousTerms).map((c) => c.certificateId)).toEqual([
        vaccinationRecord.batch,
        '244768056',
        vaccinationRecord.vaccine,
        vaccinationRecord.manufacturer,
      ]);
      const check = checkDivocRevocation(forged, list, { ambiguousTerms: result.ambiguousTerms });
      expect(check).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_STATUS_REVOKED' });
      expect(check.message).toBe(
        'certificate 244768056 (the value of batch, which the signature does not tell apart from certificateId ' +
          `"${vaccinationRecord.batch}") is revoked on 2021-08-01T10:00:00Z (issued in error)`,
      );
    },
  );

  it(
    'controls: the unswapped revoked certificate is revoked; ' + 'a certificate nobody revoked passes, swapped or not',
    async () => {
      const revoked = await cowinCertificate('244768056');
      const revokedResult = await verifyCredential(revoked, { trust: trustStore, now });
      expect(revokedResult.valid).toBe(true);
      expect(checkDivocRevocation(revoked, list)).toMatchObject({ ok: false, code: 'ERR_STATUS_REVOKED' });
      expect(checkDivocRevocation(revoked, list, { ambiguousTerms: revokedResult.ambiguousTerms })).toMatchObject({
        ok: false,
        code: 'ERR_STATUS_REVOKED',
        message: expect.stringMatching(/^certificate 244768056 is revoked/),
      });

      const fine = await cowinCertificate('244768057');
      for (const credential of [fine, swapIdAndBatch(fine)]) {
        const result = await verifyCredential(credential, { trust: trustStore, now });
        expect(result.valid).toBe(true);
        const check = checkDivocRevocation(credential, list, { ambiguousTerms: result.ambiguousTerms });
        expect(check).toMatchObject({ ok: true });
        expect(check.message).toContain('nor is any value of');
      }
      // A reissued (replaced) certificate is found through a colliding term too.
      const replaced = swapIdAndBatch(await cowinCertificate('900000001'));
      const result = await verifyCredential(replaced, { trust: trustStore, now });
      expect(checkDivocRevocation(replaced, list, { ambiguousTerms: result.ambiguousTerms })).toMatchObject({
        ok: false,
        code: 'ERR_STATUS_REVOKED',
        message: expect.stringContaining('was replaced by 900000003'),
      });
    },
  );

  it('the SDK context binds the certificate id: the same swap breaks the signature', async () => {
    const built = buildCredential('vaccination', vaccinationRecord, {
      issuer: 'https://cowin.gov.in/',
      issuanceDate: '2021-08-28T11:35:43Z',
    });
    const signed = await issueCredential(built as never, {
      signer: createSigner(rsa, { id: 'did:india' }),
      suite: 'RsaSignature2018',
      created: '2021-08-28T11:35:43Z',
    });
    const ok = await verifyCredential(signed, { trust: trustStore, now });
    expect(ok.valid).toBe(true);
    expect(ok.ambiguousTerms).toBeUndefined();
    expect(divocCertificateIdCandidates(signed, ok.ambiguousTerms)).toEqual([
      { certificateId: '244768056', term: 'certificateId' },
    ]);
    const forged = await verifyCredential(swapIdAndBatch(signed), { trust: trustStore, now });
    expect(forged.checks.find((c) => c.name === 'signature')).toMatchObject({
      ok: false,
      code: 'ERR_VC_SIGNATURE_INVALID',
    });
  });

  it('divocCertificateIdCandidates reads only groups at the evidence entry that include certificateId', () => {
    const credential = {
      evidence: [
        {
          certificateId: '1',
          batch: ['2', { '@value': '3' }],
          vaccine: 4,
          n: { certificateId: '5' },
          date: '6',
          manufacturer: 'x'.repeat(200),
        },
      ],
    };
    const groups = [
      {
        iri: 'https://schema.org/id',
        terms: ['certificateId', 'batch', 'vaccine', 'n.certificateId', 'manufacturer'],
        path: 'evidence[0]',
      },
      { iri: 'https://schema.org/date', terms: ['date', 'batch'], path: 'evidence[0]' }, // no certificateId: ignored
      { iri: 'https://schema.org/id', terms: ['certificateId', 'date'], path: 'evidence[1]' }, // another node: ignored
    ];
    expect(divocCertificateIdCandidates(credential, groups)).toEqual([
      { certificateId: '1', term: 'certificateId' },
      { certificateId: '2', term: 'batch' },
      { certificateId: '3', term: 'batch' },
      { certificateId: '4', term: 'vaccine' },
      { certificateId: '5', term: 'n.certificateId' },
    ]);
    expect(divocCertificateIdCandidates({ evidence: [{ id: 'https://divoc.dev/vaccine/77' }] })).toEqual([
      { certificateId: '77', term: 'id' },
    ]);
    expect(divocCertificateIdCandidates(null, groups)).toEqual([]);
    expect(divocCertificateIdCandidates(credential, 'junk' as never)).toEqual([
      { certificateId: '1', term: 'certificateId' },
    ]);
  });
});
