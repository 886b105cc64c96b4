/**
 * Property-based fuzzing of isCaCertificate (trust/ca-certificate.ts, on @divoc/keys' DER reader): it never throws on
 * mutated real certificates or random bytes, and agrees with node:crypto's `ca` and @divoc/keys' basicConstraints
 * wherever both of those accept the certificate. `pnpm fuzz` runs it with FUZZ_RUNS cases.
 */
import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '@divoc/keys';
import { isCaCertificate } from '../src/trust/ca-certificate.js';
import {
  fuzzParams,
  fuzzRuns,
  fuzzTimeout,
  mutate,
  mutationsArb,
  realCertificates,
} from '../../../test/fuzz/support.js';

const CERTS = realCertificates();
const RUNS = { mutated: 400 };

function strictReading(der: Uint8Array): boolean | undefined {
  try {
    const node = new X509Certificate(der);
    const ours = parseCertificate(der).basicConstraints?.ca ?? false;
    expect(ours).toBe(node.ca);
    return ours;
  } catch {
    return undefined;
  }
}

describe('isCaCertificate under fuzzing (fast-check)', () => {
  it('real certificates: the answer node:crypto gives', () => {
    for (const der of CERTS) expect(isCaCertificate(der)).toBe(new X509Certificate(der).ca);
  });

  it(
    `mutated certificates and random bytes: never throws; agrees where node:crypto and @divoc/keys read it ` +
      `(${fuzzRuns(RUNS.mutated)} cases)`,
    () => {
      const input = fc.oneof(
        fc.tuple(fc.nat({ max: CERTS.length - 1 }), mutationsArb).map(([i, m]) => mutate(CERTS[i]!, m)),
        fc.uint8Array({ maxLength: 300 }),
      );
      fc.assert(
        fc.property(input, (der) => {
          const answer = isCaCertificate(der);
          expect([true, false, undefined]).toContain(answer);
          const strict = strictReading(der);
          if (strict !== undefined) expect(answer).toBe(strict);
        }),
        fuzzParams(RUNS.mutated),
      );
    },
    fuzzTimeout,
  );

  it('regression: basicConstraints as a SET is refused by @divoc/keys (it was read as a leaf)', () => {
    const base = CERTS.find(
      (c) => new X509Certificate(c).ca === false && Buffer.from(c).includes(Buffer.from('0603551d13', 'hex')),
    )!;
    const at = Buffer.from(base).indexOf(Buffer.from('0603551d13', 'hex'));
    // …06 03 55 1d 13 [01 01 ff] 04 LL 30 …: the tag of the extnValue's SEQUENCE.
    const seqAt = base.indexOf(0x04, at + 5) + 2;
    expect(base[seqAt]).toBe(0x30);
    const asSet = new Uint8Array(base);
    asSet[seqAt] = 0x31;
    expect(() => parseCertificate(asSet)).toThrow(/basicConstraints/);
    expect(isCaCertificate(asSet)).toBeUndefined();
  });
});
