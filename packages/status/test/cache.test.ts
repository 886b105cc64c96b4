import { beforeEach, describe, expect, it, vi } from 'vitest';
import { generateKeyPair, TrustStore, trustedKeyFromKeyPair, verificationMethodId } from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { issueCredential, type SignedCredential, type UnsignedCredential } from '@divoc/vc';
import {
  addCredentialStatus,
  allocateStatusEntry,
  checkStatus,
  createStatusList,
  publishStatusList,
  revoke,
  type BitstringStatusListEntry,
  type StatusList,
} from '../src/index.js';
import { makeIssuer, vaccinationRecord, type Issuer } from './helpers.js';

// Counts verifications of status list credentials: the cache must spare them, never the checks around them.
const counter = vi.hoisted(() => ({ listVerifications: 0 }));
vi.mock('@divoc/vc', async (importOriginal) => {
  const vc = await importOriginal<typeof import('@divoc/vc')>();
  return {
    ...vc,
    verifyCredential: (credential: unknown, options: Parameters<typeof vc.verifyCredential>[1]) => {
      const type = (credential as { type?: unknown } | null)?.type;
      if (Array.isArray(type) && type.includes('BitstringStatusListCredential')) counter.listVerifications++;
      return vc.verifyCredential(credential, options);
    },
  };
});

const REVOCATION = 'https://divoc.dev/status/revocation/cache';
const DAY = 86_400_000;
const T0 = Date.now();
const NOW = new Date(T0 + 60_000);
const iso = (ms: number) => new Date(ms).toISOString();
/** Whole seconds, as the list credential states it. */
const VALID_UNTIL = Math.floor((T0 + 30 * DAY) / 1000) * 1000;
const WINDOW = { validFrom: iso(T0 - DAY), validUntil: iso(VALID_UNTIL) };

interface Setup {
  iss: Issuer;
  list: StatusList;
  /** Two credentials on one list: `revoked` is revoked in `published`, `valid` is not. */
  revoked: SignedCredential;
  valid: SignedCredential;
  published: Record<string, unknown>;
}

async function credentialWith(iss: Issuer, entry: BitstringStatusListEntry): Promise<SignedCredential> {
  const unsigned = buildCredential('vaccination', vaccinationRecord, { issuer: iss.did }) as UnsignedCredential;
  return issueCredential(addCredentialStatus(unsigned, entry), { signer: iss.signer });
}

async function setup(): Promise<Setup> {
  const iss = await makeIssuer();
  const list = createStatusList({ id: REVOCATION, statusPurpose: 'revocation' });
  const revokedEntry = allocateStatusEntry(list);
  const validEntry = allocateStatusEntry(list);
  revoke(list, Number(revokedEntry.statusListIndex));
  const published = (await publishStatusList(list, { signer: iss.signer, issuer: iss.did, ...WINDOW })) as never;
  return {
    iss,
    list,
    revoked: await credentialWith(iss, revokedEntry),
    valid: await credentialWith(iss, validEntry),
    published,
  };
}

beforeEach(() => {
  counter.listVerifications = 0;
});

describe('checkStatus caches verified status list objects', () => {
  it('answers revoked and not revoked from a cached list, verifying it once', async () => {
    const s = await setup();
    const options = { statusLists: [s.published], trust: s.iss.trustStore, now: NOW };
    for (let round = 0; round < 3; round++) {
      expect(await checkStatus(s.valid, options)).toMatchObject({ ok: true });
      expect(await checkStatus(s.revoked, options)).toMatchObject({ ok: false, code: 'ERR_STATUS_REVOKED' });
    }
    expect(counter.listVerifications).toBe(1);
    // The Map form shares the cache (same object), and a fresh options object with the same trust hits it too.
    const map = new Map([[REVOCATION, s.published]]);
    expect(await checkStatus(s.valid, { statusLists: map, trust: s.iss.trustStore, now: NOW })).toMatchObject({
      ok: true,
    });
    expect(await checkStatus(s.revoked, { statusLists: map, trust: s.iss.trustStore, now: NOW })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_REVOKED',
    });
    expect(counter.listVerifications).toBe(1);
  });

  it('calls arriving together share one verification', async () => {
    const s = await setup();
    const options = { statusLists: [s.published], trust: s.iss.trustStore, now: NOW };
    const results = await Promise.all(Array.from({ length: 8 }, () => checkStatus(s.valid, options)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(counter.listVerifications).toBe(1);
  });

  it('refuses a tampered copy given as a new object while the cached original still passes', async () => {
    const s = await setup();
    const trust = s.iss.trustStore;
    expect(await checkStatus(s.revoked, { statusLists: [s.published], trust, now: NOW })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_REVOKED',
    });
    // The same list with nothing revoked, under the original signature.
    const clean = (await publishStatusList(createStatusList({ id: REVOCATION, statusPurpose: 'revocation' }), {
      signer: s.iss.signer,
      issuer: s.iss.did,
      ...WINDOW,
    })) as unknown as { credentialSubject: { encodedList: string } };
    const tampered = structuredClone(s.published) as { credentialSubject: { encodedList: string } };
    tampered.credentialSubject.encodedList = clean.credentialSubject.encodedList;
    expect(await checkStatus(s.revoked, { statusLists: [tampered], trust, now: NOW })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_LIST_INVALID',
    });
    // Control: the cached original is untouched by the refusal.
    expect(await checkStatus(s.revoked, { statusLists: [s.published], trust, now: NOW })).toMatchObject({
      code: 'ERR_STATUS_REVOKED',
    });
    expect(await checkStatus(s.valid, { statusLists: [s.published], trust, now: NOW })).toMatchObject({ ok: true });
  });

  it('never answers from a cached object that was changed in place', async () => {
    const s = await setup();
    const trust = s.iss.trustStore;
    const options = { statusLists: [s.published], trust, now: NOW };
    expect(await checkStatus(s.valid, options)).toMatchObject({ ok: true });
    const subject = s.published.credentialSubject as { encodedList: string };
    const original = subject.encodedList;
    const clean = (await publishStatusList(createStatusList({ id: REVOCATION, statusPurpose: 'revocation' }), {
      signer: s.iss.signer,
      issuer: s.iss.did,
      ...WINDOW,
    })) as unknown as { credentialSubject: { encodedList: string } };
    subject.encodedList = clean.credentialSubject.encodedList;
    // Signed over other bits now: a cache keyed on the object alone would still say "revoked" (or worse, pass).
    expect(await checkStatus(s.revoked, options)).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_INVALID' });
    subject.encodedList = original;
    expect(await checkStatus(s.revoked, options)).toMatchObject({ ok: false, code: 'ERR_STATUS_REVOKED' });
    expect(await checkStatus(s.valid, options)).toMatchObject({ ok: true });
  });

  it('a change of trust invalidates: another store without the key refuses, an added key re-verifies', async () => {
    const s = await setup();
    const trust = s.iss.trustStore;
    expect(await checkStatus(s.valid, { statusLists: [s.published], trust, now: NOW })).toMatchObject({ ok: true });
    expect(counter.listVerifications).toBe(1);

    // A store that does not trust the list's key (as after the key was dropped from the trust list) refuses.
    const other = await generateKeyPair('Ed25519');
    const without = new TrustStore();
    without.add(trustedKeyFromKeyPair(other, { id: verificationMethodId(other) }));
    expect(await checkStatus(s.valid, { statusLists: [s.published], trust: without, now: NOW })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_LIST_INVALID',
    });
    // Control: a new store holding the same key passes (verified afresh: another store is another cache key).
    const copy = new TrustStore();
    for (const key of trust.keys()) copy.add(key);
    expect(await checkStatus(s.valid, { statusLists: [s.published], trust: copy, now: NOW })).toMatchObject({
      ok: true,
    });
    expect(counter.listVerifications).toBe(3);

    // Adding a key changes the store's revision: the next check verifies again, then is cached again.
    const revision = trust.revision;
    trust.add(trustedKeyFromKeyPair(other, { id: verificationMethodId(other) }));
    expect(trust.revision).toBeGreaterThan(revision);
    expect(await checkStatus(s.valid, { statusLists: [s.published], trust, now: NOW })).toMatchObject({ ok: true });
    expect(await checkStatus(s.valid, { statusLists: [s.published], trust, now: NOW })).toMatchObject({ ok: true });
    expect(counter.listVerifications).toBe(4);
    // Re-adding a key already there changes nothing.
    trust.add(trustedKeyFromKeyPair(other, { id: verificationMethodId(other) }));
    expect(await checkStatus(s.valid, { statusLists: [s.published], trust, now: NOW })).toMatchObject({ ok: true });
    expect(counter.listVerifications).toBe(4);
  });

  it('a now outside the list window is refused even after a cached success', async () => {
    const s = await setup();
    const trust = s.iss.trustStore;
    const at = (now: Date) => checkStatus(s.valid, { statusLists: [s.published], trust, now });
    expect(await at(NOW)).toMatchObject({ ok: true });
    expect(await at(new Date(VALID_UNTIL))).toMatchObject({ ok: true });
    expect(counter.listVerifications).toBe(1);
    const late = await at(new Date(VALID_UNTIL + 1000));
    expect(late).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_INVALID' });
    expect(late.message).toMatch(/validity/);
    expect(await at(new Date(T0 - 2 * DAY))).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_INVALID' });
    // Control: back inside the window the cached success still answers.
    expect(await at(NOW)).toMatchObject({ ok: true });
    expect(counter.listVerifications).toBe(3);
    // An invalid clock is never inside a window: verified afresh, answered as without a cache.
    await at(new Date(Number.NaN));
    expect(counter.listVerifications).toBe(4);
  });

  it('outside the signing key window the list is verified afresh, answered as without a cache', async () => {
    const iss = await makeIssuer();
    const id = iss.id;
    // A store whose key for the issuer expires a day from now (the list's proof is made now, inside that window).
    const store = new TrustStore();
    const key = iss.trustStore.keys()[0]!;
    store.add({ ...key, validUntil: new Date(T0 + DAY) });
    expect(id).toBe(key.id);
    const list = createStatusList({ id: REVOCATION, statusPurpose: 'revocation' });
    const entry = allocateStatusEntry(list);
    const published = await publishStatusList(list, { signer: iss.signer, issuer: iss.did, ...WINDOW });
    const credential = await credentialWith(iss, entry);
    const at = (now: Date, trust: TrustStore) => checkStatus(credential, { statusLists: [published], trust, now });
    expect(await at(NOW, store)).toMatchObject({ ok: true });
    expect(await at(NOW, store)).toMatchObject({ ok: true });
    expect(counter.listVerifications).toBe(1);
    const later = new Date(T0 + 2 * DAY);
    const cached = await at(later, store);
    expect(counter.listVerifications).toBe(2);
    // The same question to a fresh store with the same key (nothing cached for it) gets the same answer.
    const fresh = new TrustStore();
    fresh.add({ ...key, validUntil: new Date(T0 + DAY) });
    expect(await at(later, fresh)).toEqual(cached);
  });

  it('applies acceptListSigner on every call, cached or not', async () => {
    const s = await setup();
    const trust = s.iss.trustStore;
    const seen: string[] = [];
    let refuse = false;
    const acceptListSigner = (signer: { id: string }) => {
      seen.push(signer.id);
      return refuse ? 'refused for this credential' : undefined;
    };
    const check = () => checkStatus(s.valid, { statusLists: [s.published], trust, now: NOW, acceptListSigner });
    expect(await check()).toMatchObject({ ok: true });
    refuse = true;
    const refused = await check();
    expect(refused).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_INVALID' });
    expect(refused.message).toContain('refused for this credential');
    // Control: accepted again, from the cache.
    refuse = false;
    expect(await check()).toMatchObject({ ok: true });
    expect(seen).toEqual([s.iss.id, s.iss.id, s.iss.id]);
    expect(counter.listVerifications).toBe(1);
  });

  it('keeps failures out of the cache and leaves JSON text uncached', async () => {
    const s = await setup();
    const trust = s.iss.trustStore;
    const empty = new TrustStore();
    // A failure (no trusted key) is answered again by a verification each time.
    for (let i = 0; i < 2; i++)
      expect(await checkStatus(s.valid, { statusLists: [s.published], trust: empty, now: NOW })).toMatchObject({
        ok: false,
        code: 'ERR_STATUS_LIST_INVALID',
      });
    expect(counter.listVerifications).toBe(2);
    // Control: the same object passes under the right trust.
    expect(await checkStatus(s.valid, { statusLists: [s.published], trust, now: NOW })).toMatchObject({ ok: true });
    const text = JSON.stringify(s.published);
    expect(await checkStatus(s.revoked, { statusLists: [text], trust, now: NOW })).toMatchObject({
      code: 'ERR_STATUS_REVOKED',
    });
    expect(await checkStatus(s.valid, { statusLists: [text], trust, now: NOW })).toMatchObject({ ok: true });
    expect(counter.listVerifications).toBe(5);
  });
});
