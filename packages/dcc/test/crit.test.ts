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
    { trustStore, now, policy: { schema: false } },
  );
  return result.checks.filter((c) => !c.ok).map((c) => `${c.name}:${c.code}`);
};

describe('COSE crit', () => {
  it(
    'an unknown critical label is refused at decode; ' + 'without crit, or naming only alg, the same message verifies',
    async () => {
      expect(
        await failing(
          new Map<number, unknown>([
            [1, -7],
            [4, kid],
          ]),
        ),
      ).toEqual([]);
      expect(
        await failing(
          new Map<number, unknown>([
            [1, -7],
            [4, kid],
            [2, [1]],
          ]),
        ),
      ).toEqual([]);
      expect(
        await failing(
          new Map<number, unknown>([
            [1, -7],
            [4, kid],
            [2, [99]],
            [99, 'must be understood'],
          ]),
        ),
      ).toEqual(['decode:ERR_DCC_COSE_INVALID']);
      expect(
        await failing(
          new Map<number, unknown>([
            [1, -7],
            [4, kid],
            [2, ['x-ext']],
          ]),
        ),
      ).toEqual(['decode:ERR_DCC_COSE_INVALID']);
      expect(
        await failing(
          new Map<number, unknown>([
            [1, -7],
            [4, kid],
            [2, 99],
          ]),
        ),
      ).toEqual(['decode:ERR_DCC_COSE_INVALID']);
      expect(
        await failing(
          new Map<number, unknown>([
            [1, -7],
            [4, kid],
            [2, []],
          ]),
        ),
      ).toEqual(['decode:ERR_DCC_COSE_INVALID']);
      expect(
        await failing(
          new Map<number, unknown>([
            [1, -7],
            [4, kid],
          ]),
          new Map<number, unknown>([[2, [99]]]),
        ),
      ).toEqual(['decode:ERR_DCC_COSE_INVALID']);
    },
  );
});
