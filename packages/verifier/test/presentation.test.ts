/**
 * `verify()`'s `presentation` option: the holder's key-binding proof (an SD-JWT VC's KB-JWT, verified by the format)
 * is required and must be made for the request's nonce and audience, recently; `decidePresentation` compares it.
 * Every refusal sits next to a control that passes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { minimalVaccinationRecord } from '../../../test/support/fixtures.js';
import {
  createSigner,
  exportPublicJwk,
  generateKeyPair,
  jwkThumbprint,
  verificationMethodId,
  type Check,
  type KeyPair,
} from '@divoc/keys';
import { buildCredential, type FormatEvidence } from '@divoc/schemas';
import { issueSdJwtVc, presentSdJwtVc } from '@divoc/sd-jwt';
import { issueCredential, type UnsignedCredential } from '@divoc/vc';
import {
  ERR_PRESENTATION_AUDIENCE_MISMATCH,
  ERR_PRESENTATION_BINDING_MISSING,
  ERR_PRESENTATION_NONCE_MISMATCH,
  ERR_PRESENTATION_NOT_FRESH,
  PRESENTATION_MAX_AGE_SECONDS,
  PRESENTATION_CLOCK_SKEW_SECONDS,
  Trust,
  VerifierOptionsError,
  verify,
  type VerificationResult,
} from '../src/index.js';
import { decidePresentation } from '../src/trust/decide.js';

const ISSUER = 'https://issuer.divoc.example';
const OTHER = 'https://other-registry.example';
const NOW = new Date('2024-06-01T00:00:00Z');
const NONCE = 'n-0S6_WzA2Mj';
const AUDIENCE = 'redirect_uri:https://verifier.divoc.example/presentations/1';
const EXPECTED = { nonce: NONCE, audience: AUDIENCE };
const DISCLOSE = ['name', 'vaccination_date'];
const RECORD = minimalVaccinationRecord;

let issuerKey: KeyPair;
let kid: string;
let holder: KeyPair;
let trust: Trust;
let sdJwt: string;

/** An SD-JWT VC signed by the issuer key, naming `issuer`, bound to the holder key. */
const issueAs = (issuer: string) =>
  issueSdJwtVc(buildCredential('vaccination-v2', RECORD, { issuer }), {
    signer: createSigner(issuerKey, { id: kid }),
    issuer,
    kid,
    issuedAt: new Date('2024-03-01T10:00:00Z'),
    holderPublicKey: exportPublicJwk(holder),
  });

/** A presentation of `credential` with a KB-JWT made at `issuedAt` (default: the test clock). */
const present = (override: { nonce?: string; audience?: string; issuedAt?: Date } = {}, credential = sdJwt) =>
  presentSdJwtVc(credential, {
    disclose: DISCLOSE,
    holderSigner: createSigner(holder, { id: 'holder' }),
    nonce: override.nonce ?? NONCE,
    audience: override.audience ?? AUDIENCE,
    issuedAt: override.issuedAt ?? NOW,
  });

const failure = (result: VerificationResult) => result.checks.find((c) => !c.ok);

beforeAll(async () => {
  issuerKey = await generateKeyPair('P-256');
  kid = jwkThumbprint(issuerKey);
  holder = await generateKeyPair('Ed25519');
  trust = new Trust();
  trust.add({ issuer: ISSUER, jwks: { keys: [{ ...exportPublicJwk(issuerKey), kid }] } });
  // Another issuer the trust knows, with a key of its own: the one a confused credential names.
  const otherKey = await generateKeyPair('P-256');
  trust.add({ issuer: OTHER, jwks: { keys: [{ ...exportPublicJwk(otherKey), kid: jwkThumbprint(otherKey) }] } });
  sdJwt = await issueAs(ISSUER);
});

describe('verify() with options.presentation (sd-jwt-vc)', () => {
  it('a KB-JWT for the request passes, with one key-usage check: the holder binding', async () => {
    const result = await verify(await present(), { trust, now: NOW, presentation: EXPECTED });
    expect(failure(result)).toBeUndefined();
    expect(result).toMatchObject({ valid: true, format: 'sd-jwt-vc', issuer: ISSUER });
    expect(result.checks.filter((c) => c.name === 'key-usage')).toEqual([
      { name: 'key-usage', ok: true, message: 'holder key binding verified' },
    ]);
  });

  it('no KB-JWT is refused with the option (control: without it, the same input passes)', async () => {
    const bare = await presentSdJwtVc(sdJwt, { disclose: DISCLOSE });
    expect((await verify(bare, { trust, now: NOW })).valid).toBe(true);
    const result = await verify(bare, { trust, now: NOW, presentation: EXPECTED });
    expect(result.valid).toBe(false);
    expect(failure(result)).toMatchObject({ name: 'key-usage', code: ERR_PRESENTATION_BINDING_MISSING });
    // The credential itself is judged as without the option.
    expect(result.issuer).toBe(ISSUER);
  });

  it('another nonce or another audience is refused, in one key-usage check (control: as made, it passes)', async () => {
    const cases = [
      [{ nonce: 'another-nonce' }, ERR_PRESENTATION_NONCE_MISMATCH],
      [{ audience: 'https://evil.example' }, ERR_PRESENTATION_AUDIENCE_MISMATCH],
    ] as const;
    for (const [override, code] of cases) {
      const presented = await present(override);
      const asMade = { ...EXPECTED, ...override };
      expect((await verify(presented, { trust, now: NOW, presentation: asMade })).valid).toBe(true);
      const result = await verify(presented, { trust, now: NOW, presentation: EXPECTED });
      expect(result.valid).toBe(false);
      const usage = result.checks.filter((c) => c.name === 'key-usage');
      expect(usage).toEqual([expect.objectContaining({ ok: false, code })]);
    }
  });

  it('a KB-JWT older than PRESENTATION_MAX_AGE_SECONDS is refused (control: one just inside passes)', async () => {
    const before = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
    const inside = await present({ issuedAt: before(PRESENTATION_MAX_AGE_SECONDS - 1) });
    expect((await verify(inside, { trust, now: NOW, presentation: EXPECTED })).valid).toBe(true);
    const stale = await present({ issuedAt: before(PRESENTATION_MAX_AGE_SECONDS + 5) });
    const result = await verify(stale, { trust, now: NOW, presentation: EXPECTED });
    expect(result.valid).toBe(false);
    // The SD-JWT format refuses a KB-JWT that old itself, so its own failure is the key-usage check.
    expect(failure(result)?.name).toBe('key-usage');
  });

  it('issuer confusion: a key trusted for one issuer naming another is refused (control: its own passes)', async () => {
    const presented = await present({}, await issueAs(OTHER));
    const result = await verify(presented, { trust, now: NOW, presentation: EXPECTED });
    expect(result.valid).toBe(false);
    expect(failure(result)).toMatchObject({ name: 'trust', code: 'ERR_TRUST_ISSUER_MISMATCH' });
    expect((await verify(await present(), { trust, now: NOW, presentation: EXPECTED })).valid).toBe(true);
  });

  it('a format without holder key binding is refused with the option (control: without it, it passes)', async () => {
    const keyPair = await generateKeyPair('Ed25519');
    const did = verificationMethodId(keyPair).split('#')[0]!;
    const credential = await issueCredential(
      buildCredential('vaccination-v2', RECORD, { issuer: did }) as UnsignedCredential,
      { signer: createSigner(keyPair, { id: verificationMethodId(keyPair) }) },
    );
    const didTrust = new Trust();
    didTrust.add(did);
    // Signed now (the real clock), so verified now.
    const plain = await verify(credential, { trust: didTrust });
    expect(plain).toMatchObject({ format: 'w3c-vc', valid: true, issuer: did });
    const result = await verify(credential, { trust: didTrust, presentation: EXPECTED });
    expect(result.valid).toBe(false);
    expect(failure(result)).toMatchObject({ name: 'key-usage', code: ERR_PRESENTATION_BINDING_MISSING });
  });

  it('the option is checked: unknown members and empty or missing values throw (control: a good one)', async () => {
    const input = await present();
    await expect(
      verify(input, { trust, now: NOW, presentation: { ...EXPECTED, aud: 'x' } as typeof EXPECTED }),
    ).rejects.toThrow(VerifierOptionsError);
    await expect(verify(input, { trust, now: NOW, presentation: { ...EXPECTED, nonce: '' } })).rejects.toThrow(
      /presentation\.nonce/,
    );
    await expect(verify(input, { trust, now: NOW, presentation: { nonce: NONCE } as typeof EXPECTED })).rejects.toThrow(
      /presentation\.audience/,
    );
    expect((await verify(input, { trust, now: NOW, presentation: EXPECTED })).valid).toBe(true);
  });
});

describe('decidePresentation', () => {
  const ok = (name: Check['name']): Check => ({ name, ok: true });
  const evidence = (issuedAt: Date, extra: Partial<FormatEvidence> = {}): FormatEvidence => ({
    format: 'sd-jwt-vc',
    checks: [ok('decode'), ok('signature'), ok('key-usage')],
    details: {},
    keyExpiredCode: 'ERR_SDJWT_KEY_EXPIRED',
    revocation: [],
    holderBinding: { ...EXPECTED, issuedAt },
    ...extra,
  });
  const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

  it('freshness: within the window passes; older, or dated further ahead than the clock skew, fails', () => {
    expect(decidePresentation(evidence(at(0)), EXPECTED, NOW)).toBeUndefined();
    expect(decidePresentation(evidence(at(-PRESENTATION_MAX_AGE_SECONDS)), EXPECTED, NOW)).toBeUndefined();
    expect(decidePresentation(evidence(at(PRESENTATION_CLOCK_SKEW_SECONDS)), EXPECTED, NOW)).toBeUndefined();
    for (const seconds of [-PRESENTATION_MAX_AGE_SECONDS - 1, PRESENTATION_CLOCK_SKEW_SECONDS + 1])
      expect(decidePresentation(evidence(at(seconds)), EXPECTED, NOW)).toMatchObject({
        name: 'key-usage',
        ok: false,
        code: ERR_PRESENTATION_NOT_FRESH,
      });
  });

  it('a format that already failed key-usage keeps its own failure; no binding at all is refused', () => {
    const failed: Check = { name: 'key-usage', ok: false, code: 'ERR_SDJWT_KB_INVALID' };
    expect(decidePresentation(evidence(at(0), { checks: [failed] }), EXPECTED, NOW)).toBeUndefined();
    const { holderBinding: _none, ...withoutBinding } = evidence(at(0));
    expect(decidePresentation(withoutBinding, EXPECTED, NOW)).toMatchObject({
      code: ERR_PRESENTATION_BINDING_MISSING,
    });
  });
});
