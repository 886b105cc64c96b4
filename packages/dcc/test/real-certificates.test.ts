import { describe, expect, it } from 'vitest';
import { TrustStore } from '@divoc/keys';
import { decodeDcc, verifyDcc } from '../src/index.js';
import { cborEncode } from '../src/lib/cbor.js';
import { craftCose, developmentPki, SAMPLE_DCC, toHc1 } from './helpers.js';

/** What real issuers send beyond iss/iat/exp: nbf (5), cti (7) and private negative claims. */
const PLACEHOLDER = 1234567.25;

/** CWT claims with exp written as a CBOR float64 even when its value is whole (Uruguay's 1.6e9-style exp). */
function claimsWithFloatExp(exp: number, extra: [number, unknown][]): Uint8Array {
  const bytes = cborEncode(
    new Map<number, unknown>([
      [1, 'IN'],
      [6, Math.floor(Date.now() / 1000) - 60],
      [4, PLACEHOLDER],
      ...extra,
      [-260, new Map([[1, SAMPLE_DCC]])],
    ]),
  );
  const marker = Buffer.alloc(9);
  marker[0] = 0xfb;
  marker.writeDoubleBE(PLACEHOLDER, 1);
  const at = Buffer.from(bytes).indexOf(marker);
  if (at < 0) throw new Error('placeholder not found');
  const out = Buffer.from(bytes);
  out.writeDoubleBE(exp, at + 1);
  return new Uint8Array(out);
}

describe('real DCC quirks: extra CWT claims and a float exp are read and judged', async () => {
  const { dsc } = await developmentPki();
  const kid = Buffer.from(dsc.kid, 'base64');
  const trust = new TrustStore();
  trust.addCertificate(dsc.certificatePem);
  const extra: [number, unknown][] = [
    [5, Math.floor(Date.now() / 1000) - 120],
    [7, Uint8Array.of(1, 2, 3, 4)],
    [-70002, 'private claim'],
    [-261, new Map([[1, 'x']])],
  ];

  it('control: the same DCC with integer claims only is VALID', async () => {
    const cose = await craftCose(dsc.signer, kid, { payloadBytes: claimsWithFloatExp(1.9e9, []) });
    expect((await verifyDcc(toHc1(cose), { trust })).valid).toBe(true);
  });

  it('nbf, cti and unknown negative claims are ignored; a float exp is seconds; VALID', async () => {
    const payloadBytes = claimsWithFloatExp(1.9e9, extra);
    expect(Buffer.from(payloadBytes).includes(Buffer.from([0xfb, 0x41, 0xdc]))).toBe(true);
    const hc1 = toHc1(await craftCose(dsc.signer, kid, { payloadBytes }));
    const decoded = decodeDcc(hc1);
    expect(decoded.exp).toBe(1.9e9);
    expect(decoded.claims['7']).toBe('AQIDBA==');
    expect(decoded.claims['-70002']).toBe('private claim');
    const result = await verifyDcc(hc1, { trust });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.expiresAt?.toISOString()).toBe('2030-03-17T17:46:40.000Z');
  });

  it('a float exp in the past is expired; a non-finite or negative one is refused with a code', async () => {
    const past = toHc1(await craftCose(dsc.signer, kid, { payloadBytes: claimsWithFloatExp(1.6e9, extra) }));
    expect((await verifyDcc(past, { trust })).checks.find((c) => c.name === 'validity')).toMatchObject({
      ok: false,
      code: 'ERR_DCC_EXPIRED',
    });
    for (const bad of [Number.POSITIVE_INFINITY, Number.NaN, -1.6e9]) {
      const hc1 = toHc1(await craftCose(dsc.signer, kid, { payloadBytes: claimsWithFloatExp(bad, extra) }));
      expect(() => decodeDcc(hc1), String(bad)).toThrow(expect.objectContaining({ code: 'ERR_DCC_CWT_INVALID' }));
      const result = await verifyDcc(hc1, { trust });
      expect(result.checks[0], String(bad)).toMatchObject({ name: 'decode', ok: false, code: 'ERR_DCC_CWT_INVALID' });
    }
  });
});
