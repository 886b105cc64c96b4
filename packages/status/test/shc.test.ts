import { describe, expect, it } from 'vitest';
import {
  checkShcRevocation,
  computeRid,
  createShcRevocationList,
  isRidRevoked,
  parseShcRevocationList,
} from '../src/index.js';
import { vectorJson } from './helpers.js';

const KID = '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s';
const crlJson = vectorJson(`shc/examples/issuer/.well-known/crl/${KID}.json`);
const crl = parseShcRevocationList(crlJson);
const jwks = vectorJson<{ keys: Array<{ kid: string; crlVersion?: number }> }>(
  'shc/examples/issuer/.well-known/jwks.json',
);

describe('SMART Health Cards revocation lists (list logic re-exported from @divoc/shc)', () => {
  it('reads the example issuer CRL', () => {
    expect(crl).toMatchObject({ kid: KID, method: 'rid', ctr: 1 });
    expect(crl.rids).toHaveLength(4);
    expect(jwks.keys.find((k) => k.kid === KID)?.crlVersion).toBe(crl.ctr);
  });

  it('plain rids revoke every card; timed rids only cards issued before the timestamp', () => {
    expect(isRidRevoked('FKDIxsTCGlU', crl, 9_999_999_999)).toBe(true);
    // "vwAjHdarZuc.1687450765": cards with nbf before 1687450765 are revoked.
    expect(isRidRevoked('vwAjHdarZuc', crl, 1687450764.656)).toBe(true);
    expect(isRidRevoked('vwAjHdarZuc', crl, 1687450765)).toBe(false);
    expect(isRidRevoked('vwAjHdarZuc', crl, new Date(1687450766_000))).toBe(false);
    expect(isRidRevoked('MKyCxh7p6uQ', crl, 1687450764)).toBe(false);
  });

  it('builds a list and rids (issuer side)', () => {
    const rid = computeRid({ secret: new Uint8Array(32).fill(7), kid: KID, userId: 'patient-1' });
    expect(rid).toMatch(/^[A-Za-z0-9_-]{11}$/);
    const list = createShcRevocationList({ kid: KID, ctr: 2, rids: [rid, { rid: 'abc', before: 1000 }] });
    expect(list).toEqual({ kid: KID, method: 'rid', ctr: 2, rids: [rid, 'abc.1000'] });
  });

  it('rejects hostile lists with a typed error', () => {
    for (const bad of [
      null,
      [],
      { kid: KID, method: 'hash', ctr: 1, rids: [] },
      { kid: KID, method: 'rid', ctr: 0, rids: [] },
      { kid: KID, method: 'rid', ctr: 1, rids: ['a'.repeat(25)] },
      { kid: KID, method: 'rid', ctr: 1, rids: ['abc.12x'] },
    ]) {
      expect(() => parseShcRevocationList(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_SHC_REVOCATION_LIST_INVALID' }),
      );
    }
  });
});

describe('checkShcRevocation', () => {
  it('the example cards (rids MKyCxh7p6uQ and YjKhdFoxL_g) are not revoked', () => {
    for (const file of ['example-00-c-jws-payload-minified.json', 'example-02-c-jws-payload-minified.json']) {
      const payload = vectorJson<{ nbf: number; vc: { rid?: string } }>(`shc/examples/${file}`);
      const check = checkShcRevocation(
        { kid: KID, rid: payload.vc.rid!, issuedAt: payload.nbf },
        { crls: [crl], crlVersion: 1 },
      );
      expect(check).toMatchObject({ name: 'revocation', ok: true });
    }
  });

  it('revoked (bare and timed), from objects or JSON text', () => {
    expect(checkShcRevocation({ kid: KID, rid: 'FKDIxsTCGlU', issuedAt: 1687450764 }, { crls: crl })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_REVOKED',
    });
    expect(
      checkShcRevocation({ kid: KID, rid: 'vwAjHdarZuc', issuedAt: 1687450764.656 }, { crls: JSON.stringify(crlJson) }),
    ).toMatchObject({ ok: false, code: 'ERR_STATUS_REVOKED' });
    expect(
      checkShcRevocation({ kid: KID, rid: 'vwAjHdarZuc', issuedAt: new Date(1687450800_000) }, { crls: [crlJson] }),
    ).toMatchObject({ ok: true });
    // No issue time: a timed entry applies (fail closed).
    expect(checkShcRevocation({ kid: KID, rid: 'XkNHp2Iyk0Y' }, { crls: crl })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_REVOKED',
    });
  });

  it('stale, missing and not applicable', () => {
    expect(checkShcRevocation({ kid: KID, rid: 'FKDIxsTCGlU' }, { crls: crl, crlVersion: 2 })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_LIST_INVALID',
    });
    expect(checkShcRevocation({ kid: 'otherKid', rid: 'FKDIxsTCGlU' }, { crls: crl, crlVersion: 1 })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_LIST_MISSING',
    });
    expect(checkShcRevocation({ kid: 'otherKid', rid: 'FKDIxsTCGlU' }, { crls: [crl] })).toMatchObject({ ok: true });
    expect(checkShcRevocation({ kid: KID }, { crls: crl })).toMatchObject({
      ok: true,
      message: expect.stringMatching(/no rid/),
    });
  });

  it('uses the newest list version at hand', () => {
    const v2 = createShcRevocationList({ kid: KID, ctr: 2, rids: ['MKyCxh7p6uQ'] });
    expect(
      checkShcRevocation({ kid: KID, rid: 'MKyCxh7p6uQ', issuedAt: 1 }, { crls: [crl, v2], crlVersion: 2 }),
    ).toMatchObject({ ok: false, code: 'ERR_STATUS_REVOKED' });
  });

  it('never throws on hostile input', () => {
    expect(checkShcRevocation(null as never, { crls: crl })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_ENTRY_INVALID',
    });
    expect(checkShcRevocation({ kid: KID, rid: 'x'.repeat(100) }, { crls: crl })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_ENTRY_INVALID',
    });
    // A list for this key that does not parse is a failure, not an absence.
    expect(
      checkShcRevocation({ kid: KID, rid: 'abc' }, { crls: [{ kid: KID, method: 'rid', ctr: 3, rids: [{}] }] }),
    ).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_INVALID' });
    // Garbage for other keys is skipped.
    expect(checkShcRevocation({ kid: KID, rid: 'abc' }, { crls: [null, 5, '{', { kid: 'x' }, crl] })).toMatchObject({
      ok: true,
    });
    expect(checkShcRevocation({ kid: KID, rid: 'abc' }, undefined as never)).toMatchObject({ ok: true });
    expect(checkShcRevocation({ kid: KID, rid: 'abc' }, { crls: ' '.repeat(49 * 1024 * 1024) })).toMatchObject({
      ok: true,
    });
  });
});
