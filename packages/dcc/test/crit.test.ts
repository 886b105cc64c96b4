/**
 * Issue 12: a COSE `crit` header naming a label the verifier does not understand makes the DCC invalid (RFC 9052
 * section 3.1); so does `crit` in the unprotected header, or one that is not a list of labels. The same message
 * signed without it, or with `crit` naming only what is understood (controls), verifies.
 */
import { describe, expect, it } from 'vitest';
import { TrustStore } from '@divoc/keys';
import { verifyDcc } from '../src/index.js';
import { certificateKid } from '../src/lib/certificate.js';
import { craftCose, developmentPki, toHc1 } from './helpers.js';

const { dsc } = await developmentPki();
const kid = await certificateKid(dsc.certificatePem);
const trustStore = new TrustStore();
trustStore.addCertificate(dsc.certificatePem);
const now = new Date();
const failing = async (protectedHeader: Map<number, unknown>, unprotectedHeader?: Map<number, unknown>) => {
  const result = await verifyDcc(
    toHc1(await craftCose(dsc.signer, kid, { protectedHeader, ...(unprotectedHeader ? { unprotectedHeader } : {}) })),
    { trust: trustStore, now, policy: { schema: false } },
  );
  return result.checks.filter((c) => !c.ok).map((c) => `${c.name}:${c.code}`);
};

/** A protected header with alg ES256 and the kid, then `extra` entries. */
const headerWith = (...extra: [number, unknown][]) => new Map<number, unknown>([[1, -7], [4, kid], ...extra]);
const INVALID = ['decode:ERR_DCC_COSE_INVALID'];

describe('COSE crit', () => {
  it.each<[string, Map<number, unknown>, Map<number, unknown> | undefined, string[]]>([
    ['without crit, the message verifies (control)', headerWith(), undefined, []],
    ['crit naming only alg, the same message verifies (control)', headerWith([2, [1]]), undefined, []],
    [
      'an unknown critical label is refused at decode',
      headerWith([2, [99]], [99, 'must be understood']),
      undefined,
      INVALID,
    ],
    ['an unknown critical text label is refused', headerWith([2, ['x-ext']]), undefined, INVALID],
    ['crit that is not a list is refused', headerWith([2, 99]), undefined, INVALID],
    ['crit that is an empty list is refused', headerWith([2, []]), undefined, INVALID],
    ['crit in the unprotected header is refused', headerWith(), new Map<number, unknown>([[2, [99]]]), INVALID],
  ])('%s', async (_name, protectedHeader, unprotectedHeader, expected) => {
    expect(await failing(protectedHeader, unprotectedHeader)).toEqual(expected);
  });
});
