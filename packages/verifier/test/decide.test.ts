import { describe, expect, it } from 'vitest';
import { generateKeyPair, trustedKeyFromKeyPair, type Check, type TrustedKey } from '@divoc/keys';
import { decideTrust } from '../src/trust/decide.js';
import type { FormatEvidence } from '@divoc/schemas';

/** The one place trust is decided: what it concludes from a format's evidence, whatever the format. */
const kp = await generateKeyPair('Ed25519');
const key = (extra: Partial<Parameters<typeof trustedKeyFromKeyPair>[1]> = {}): TrustedKey =>
  trustedKeyFromKeyPair(kp, { id: 'did:web:a.example#k1', ...extra });
const NOW = new Date('2024-01-01T00:00:00Z');
const ok = (name: Check['name']): Check => ({ name, ok: true });

function evidence(extra: Partial<FormatEvidence> = {}): FormatEvidence {
  return {
    format: 'w3c-vc',
    checks: [ok('decode'), ok('signature')],
    details: {},
    keyExpiredCode: 'ERR_VC_KEY_EXPIRED',
    revocation: [],
    ...extra,
  };
}
const policy = { now: NOW, acceptExpiredKeys: false };

describe('decideTrust', () => {
  it('control: a trusted signer bound to the claimed issuer is trusted, and the result names the claim', () => {
    const decision = decideTrust(evidence({ signer: key(), claimedIssuer: 'did:web:a.example' }), policy);
    expect(decision.check).toMatchObject({ name: 'trust', ok: true });
    expect(decision.issuer).toBe('did:web:a.example');
    expect(decision.warnings).toEqual([]);
  });

  it(
    'fails closed: a passing signature without a trusted signer, or no signature check at all, is never ' + 'trusted',
    () => {
      expect(decideTrust(evidence({ claimedIssuer: 'did:web:a.example' }), policy).check).toMatchObject({
        ok: false,
        code: 'ERR_TRUST_NO_SIGNER',
      });
      const noSignature = decideTrust(
        evidence({ checks: [ok('decode')], signer: key(), claimedIssuer: 'did:web:a.example' }),
        policy,
      );
      expect(noSignature.check).toMatchObject({ ok: false, code: 'ERR_TRUST_NO_SIGNER' });
      expect(noSignature.issuer).toBeNull();
    },
  );

  it(
    'a failed signature leaves trust unsaid (the signature check already fails the result), unless the format ' +
      'objected to the key',
    () => {
      const failed: Check = { name: 'signature', ok: false, code: 'ERR_VC_SIGNATURE_INVALID', message: 'x' };
      expect(decideTrust(evidence({ checks: [ok('decode'), failed] }), policy).check).toBeUndefined();
      const objection: Check = { name: 'trust', ok: false, code: 'ERR_VC_KEY_NOT_TRUSTED', message: 'no key' };
      expect(
        decideTrust(evidence({ checks: [ok('decode'), failed], trustFailure: objection }), policy).check,
      ).toMatchObject({ ok: false, code: 'ERR_VC_KEY_NOT_TRUSTED' });
    },
  );

  it('a claim of a kind the key has identities of must be one of them; another kind is unbound, with a warning', () => {
    const mismatch = decideTrust(evidence({ signer: key(), claimedIssuer: 'did:web:b.example' }), policy);
    expect(mismatch.check).toMatchObject({ ok: false, code: 'ERR_TRUST_ISSUER_MISMATCH' });
    expect(mismatch.issuer).toBe('did:web:a.example');
    const unbound = decideTrust(evidence({ signer: key(), claimedIssuer: 'https://b.example/' }), policy);
    expect(unbound.check?.ok).toBe(true);
    expect(unbound.issuer).toBe('did:web:a.example');
    expect(unbound.warnings).toEqual([expect.objectContaining({ code: 'WARN_TRUST_ISSUER_UNBOUND' })]);
    // Countries: alpha-2 and alpha-3 are one country; another country is a mismatch.
    const country = key({ issuers: ['IN'] });
    expect(decideTrust(evidence({ signer: country, claimedIssuer: 'IND' }), policy).check?.ok).toBe(true);
    expect(decideTrust(evidence({ signer: country, claimedIssuer: 'DE' }), policy).check).toMatchObject({
      ok: false,
      code: 'ERR_TRUST_ISSUER_MISMATCH',
    });
  });

  it(
    'key windows: at signing time never relaxed; now relaxed only by acceptExpiredKeys; not repeated when the ' +
      'format reported it',
    () => {
      const windowed = key({
        validFrom: new Date('2021-01-01T00:00:00Z'),
        validUntil: new Date('2022-01-01T00:00:00Z'),
      });
      const base = { signer: windowed, claimedIssuer: 'did:web:a.example' };
      const signedLate = evidence({ ...base, signedAt: new Date('2023-01-01T00:00:00Z') });
      expect(decideTrust(signedLate, { now: NOW, acceptExpiredKeys: true }).check).toMatchObject({
        ok: false,
        code: 'ERR_VC_KEY_EXPIRED',
      });
      const signedInTime = evidence({ ...base, signedAt: new Date('2021-06-01T00:00:00Z') });
      expect(decideTrust(signedInTime, policy).check).toMatchObject({ ok: false, code: 'ERR_VC_KEY_EXPIRED' });
      expect(decideTrust(signedInTime, { now: NOW, acceptExpiredKeys: true }).check).toMatchObject({
        ok: true,
        message: expect.stringMatching(/acceptExpiredKeys/),
      });
      expect(
        decideTrust(signedInTime, { now: new Date('2021-07-01T00:00:00Z'), acceptExpiredKeys: false }).check?.ok,
      ).toBe(true);
      const reported = evidence({
        ...base,
        checks: [
          ok('decode'),
          ok('signature'),
          { name: 'validity', ok: false, code: 'ERR_VC_KEY_EXPIRED', message: 'x' },
        ],
      });
      expect(decideTrust(reported, policy).check?.ok).toBe(true);
    },
  );
});

describe('decideTrust: key use (a trust source listed the key for some formats only)', () => {
  const listed = (...uses: string[]) => key({ purposes: uses.map((u) => `format:${u}`) });
  const signedBy = (signer: TrustedKey, format = 'dcc') =>
    evidence({ format, signer, claimedIssuer: 'did:web:a.example' });

  it('a key listed for SHC does not verify an HCERT format, whatever the format is called', () => {
    for (const keyUse of ['hcert', undefined]) {
      const decision = decideTrust(signedBy(listed('shc')), { ...policy, ...(keyUse ? { keyUse } : {}) });
      expect(decision.check).toMatchObject({ ok: false, code: 'ERR_TRUST_KEY_USE' });
      expect(decision.check?.message).toMatch(/listed for shc only/);
      expect(decision.issuer).toBeNull();
    }
  });

  it('controls: listed for the use the format needs, for several uses, or for none: trusted', () => {
    expect(decideTrust(signedBy(listed('hcert')), { ...policy, keyUse: 'hcert' }).check?.ok).toBe(true);
    expect(decideTrust(signedBy(listed('shc', 'hcert')), { ...policy, keyUse: 'hcert' }).check?.ok).toBe(true);
    expect(decideTrust(signedBy(key()), { ...policy, keyUse: 'hcert' }).check?.ok).toBe(true);
    // Without the plugin's keyUse, the format's own name is the use.
    expect(decideTrust(signedBy(listed('dcc')), policy).check?.ok).toBe(true);
  });

  it('other purposes (DCC certificate types) are not key uses', () => {
    const typed = key({ purposes: ['dcc-vaccination'] });
    expect(decideTrust(signedBy(typed), { ...policy, keyUse: 'hcert' }).check?.ok).toBe(true);
  });
});
