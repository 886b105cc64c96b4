import { describe, expect, it } from 'vitest';
import { buildCredential, CONTEXT_URLS } from '@divoc/schemas';
import { issueCredential, type SignedCredential, type UnsignedCredential } from '@divoc/vc';
import {
  addCredentialStatus,
  allocateStatusEntry,
  checkStatus,
  createStatusList,
  isStatusError,
  parseStatusListCredential,
  publishStatusList,
  revoke,
  setStatus,
  statusEntryFor,
  suspend,
  unsuspend,
  verifyCredentialWithStatus,
  type BitstringStatusListEntry,
  type StatusList,
} from '../src/index.js';
import { makeIssuer, vaccinationRecord, type Issuer } from './helpers.js';

const REVOCATION = 'https://divoc.dev/status/revocation/1';
const SUSPENSION = 'https://divoc.dev/status/suspension/1';
const DAY = 86_400_000;
const T0 = Date.now();
/** Credentials are issued "now"; the clock used for checks is a minute later, the lists' window a year around it. */
const NOW = new Date(T0 + 60_000);
const iso = (ms: number) => new Date(ms).toISOString();
const WINDOW = { validFrom: iso(T0 - DAY), validUntil: iso(T0 + 365 * DAY) };

interface Setup {
  iss: Issuer;
  revocation: StatusList;
  suspension: StatusList;
  entries: BitstringStatusListEntry[];
  credential: SignedCredential;
}

async function setup(vcVersion: '1.1' | '2.0' = '1.1'): Promise<Setup> {
  const iss = await makeIssuer();
  const revocation = createStatusList({ id: REVOCATION, statusPurpose: 'revocation' });
  const suspension = createStatusList({ id: SUSPENSION, statusPurpose: 'suspension' });
  const entries = [allocateStatusEntry(revocation), allocateStatusEntry(suspension)];
  const unsigned = buildCredential('vaccination', vaccinationRecord, {
    issuer: iss.did,
    ...(vcVersion === '2.0' ? { vcVersion: '2.0' } : {}),
  } as never) as UnsignedCredential;
  const credential = await issueCredential(addCredentialStatus(unsigned, entries), { signer: iss.signer });
  return { iss, revocation, suspension, entries, credential };
}

const publish = (s: Setup, list: StatusList, extra: Record<string, unknown> = {}) =>
  publishStatusList(list, { signer: s.iss.signer, issuer: s.iss.did, ...WINDOW, ...extra });

const index = (e: BitstringStatusListEntry) => Number(e.statusListIndex);

describe('addCredentialStatus', () => {
  it('adds the entry and, on VC 1.1, the status/v1 context', async () => {
    const s = await setup();
    expect(s.credential['@context']).toContain(CONTEXT_URLS.BITSTRING_STATUS_LIST_V1);
    expect(s.credential.credentialStatus).toEqual(s.entries);
  });

  it('does not add the context on VC 2.0 and keeps one entry as an object', () => {
    const list = createStatusList({ id: REVOCATION, statusPurpose: 'revocation' });
    const vc2 = {
      '@context': [CONTEXT_URLS.CREDENTIALS_V2],
      type: ['VerifiableCredential'],
      issuer: 'did:example:x',
      credentialSubject: { id: 'did:example:y' },
    };
    const out = addCredentialStatus(vc2, statusEntryFor(list, 5));
    expect(out['@context']).toEqual([CONTEXT_URLS.CREDENTIALS_V2]);
    expect(out.credentialStatus).toMatchObject({ statusListIndex: '5' });
    expect(vc2).not.toHaveProperty('credentialStatus');
  });

  it('appends to an existing credentialStatus', () => {
    const list = createStatusList({ id: REVOCATION, statusPurpose: 'revocation' });
    const vc2 = { '@context': [CONTEXT_URLS.CREDENTIALS_V2], type: 'VerifiableCredential' };
    const twice = addCredentialStatus(addCredentialStatus(vc2, statusEntryFor(list, 1)), statusEntryFor(list, 2));
    expect(twice.credentialStatus).toHaveLength(2);
  });

  it('refuses signed credentials and non-entries', async () => {
    const s = await setup();
    const list = createStatusList({ id: REVOCATION, statusPurpose: 'revocation' });
    for (const [credential, entry] of [
      [s.credential, statusEntryFor(list, 1)],
      [null, statusEntryFor(list, 1)],
      [{ '@context': [], type: 'VerifiableCredential' }, { type: 'StatusList2021Entry' }],
      [{ '@context': [], type: 'VerifiableCredential' }, []],
    ] as const) {
      let error: unknown;
      try {
        addCredentialStatus(credential as never, entry as never);
      } catch (e) {
        error = e;
      }
      expect(isStatusError(error)).toBe(true);
      expect((error as { code: string }).code).toBe('ERR_STATUS_OPTIONS_INVALID');
    }
  });
});

describe.each(['1.1', '2.0'] as const)('checkStatus round trips (VC %s credential)', (vcVersion) => {
  it('valid → revoked: publish → parse → check', async () => {
    const s = await setup(vcVersion);
    const lists = [await publish(s, s.revocation), await publish(s, s.suspension)];
    const before = await checkStatus(s.credential, { statusLists: lists, trust: s.iss.trustStore, now: NOW });
    expect(before).toMatchObject({ name: 'revocation', ok: true });
    expect(before.message).toContain('not revoked');
    expect(before.message).toContain('not suspended');

    revoke(s.revocation, index(s.entries[0]!));
    const republished = [JSON.parse(JSON.stringify(await publish(s, s.revocation))), lists[1]];
    expect(parseStatusListCredential(republished[0]).bits.some((b) => b !== 0)).toBe(true);
    const after = await checkStatus(s.credential, { statusLists: republished, trust: s.iss.trustStore, now: NOW });
    expect(after).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_STATUS_REVOKED' });
    expect(after.message).toContain(`${REVOCATION}#${index(s.entries[0]!)}`);
  });

  it('suspend → suspended, unsuspend → valid again', async () => {
    const s = await setup(vcVersion);
    const revocationList = await publish(s, s.revocation);
    suspend(s.suspension, index(s.entries[1]!));
    const suspended = await checkStatus(s.credential, {
      statusLists: [revocationList, await publish(s, s.suspension)],
      trust: s.iss.trustStore,
      now: NOW,
    });
    expect(suspended).toMatchObject({ ok: false, code: 'ERR_STATUS_SUSPENDED' });
    unsuspend(s.suspension, index(s.entries[1]!));
    const lifted = await checkStatus(s.credential, {
      statusLists: [revocationList, await publish(s, s.suspension)],
      trust: s.iss.trustStore,
      now: NOW,
    });
    expect(lifted.ok).toBe(true);
  });

  it('the deprecated trustStore option still works (named `trust` now)', async () => {
    const s = await setup(vcVersion);
    const statusLists = [await publish(s, s.revocation), await publish(s, s.suspension)];
    expect((await checkStatus(s.credential, { statusLists, trustStore: s.iss.trustStore, now: NOW })).ok).toBe(true);
    expect((await checkStatus(s.credential, { statusLists, trust: { store: s.iss.trustStore }, now: NOW })).ok).toBe(
      true,
    );
    // Control: without any trusted keys the check fails.
    expect(await checkStatus(s.credential, { statusLists, now: NOW })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_LIST_MISSING',
    });
  });

  it('verifyCredentialWithStatus appends the check and flips valid', async () => {
    const s = await setup(vcVersion);
    const opts = { trust: s.iss.trustStore, now: NOW };
    const ok = await verifyCredentialWithStatus(s.credential, {
      ...opts,
      statusLists: [await publish(s, s.revocation), await publish(s, s.suspension)],
    });
    expect(ok.checks.filter((c) => !c.ok)).toEqual([]);
    expect(ok.valid).toBe(true);
    expect(ok.checks.map((c) => c.name)).toEqual(['decode', 'signature', 'trust', 'validity', 'schema', 'revocation']);
    revoke(s.revocation, index(s.entries[0]!));
    const bad = await verifyCredentialWithStatus(s.credential, {
      ...opts,
      statusLists: [await publish(s, s.revocation), await publish(s, s.suspension)],
    });
    expect(bad.valid).toBe(false);
    expect(bad.checks.at(-1)).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_STATUS_REVOKED' });
    expect(bad.checks.slice(0, -1).every((c) => c.ok)).toBe(true);
  });
});

/** checkStatus with `revocationList` in place of the genuine revocation list: must fail ERR_STATUS_LIST_INVALID. */
async function expectRevocationListInvalid(s: Setup, revocationList: unknown, message: RegExp): Promise<void> {
  const check = await checkStatus(s.credential, {
    statusLists: [revocationList, await publish(s, s.suspension)],
    trust: s.iss.trustStore,
    now: NOW,
  });
  expect(check).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_INVALID' });
  expect(check.message).toMatch(message);
}

describe('checkStatus failures', () => {
  it('a missing list fails (never fetched)', async () => {
    const s = await setup();
    const check = await checkStatus(s.credential, {
      statusLists: [await publish(s, s.revocation)],
      trust: s.iss.trustStore,
      now: NOW,
    });
    expect(check).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_MISSING' });
    expect(check.message).toContain(SUSPENSION);
    const empty = await checkStatus(s.credential, { statusLists: new Map(), trust: s.iss.trustStore, now: NOW });
    expect(empty.code).toBe('ERR_STATUS_LIST_MISSING');
  });

  it('a list with a forged signature fails', async () => {
    const s = await setup();
    revoke(s.revocation, index(s.entries[0]!));
    const genuine = await publish(s, s.revocation);
    // The attacker "un-revokes" by swapping in an empty list under the same proof.
    const empty = createStatusList({ id: REVOCATION, statusPurpose: 'revocation' });
    const forged = {
      ...genuine,
      credentialSubject: {
        ...(genuine.credentialSubject as object),
        encodedList: (await publish(s, empty)).credentialSubject!['encodedList' as never],
      },
    };
    await expectRevocationListInvalid(s, forged, /ERR_VC_SIGNATURE_INVALID/);
  });

  it('a list without a proof fails', async () => {
    const s = await setup();
    const { proof: _proof, ...stripped } = await publish(s, s.revocation);
    await expectRevocationListInvalid(s, stripped, /ERR_VC_PROOF_MISSING/);
  });

  it('a list signed by an untrusted key fails', async () => {
    const s = await setup();
    const mallory = await makeIssuer();
    const list = await publishStatusList(s.revocation, { signer: mallory.signer, issuer: s.iss.did, ...WINDOW });
    await expectRevocationListInvalid(s, list, /ERR_VC_KEY_NOT_TRUSTED/);
  });

  it('a list from another (trusted) issuer fails unless requireSameIssuer is off', async () => {
    const s = await setup();
    const other = await makeIssuer();
    s.iss.trustStore.add((await import('@divoc/keys')).trustedKeyFromKeyPair(other.keyPair, { id: other.signer.id }));
    const lists = [
      await publishStatusList(s.revocation, { signer: other.signer, issuer: other.did, ...WINDOW }),
      await publish(s, s.suspension),
    ];
    const check = await checkStatus(s.credential, { statusLists: lists, trust: s.iss.trustStore, now: NOW });
    expect(check).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_INVALID' });
    expect(check.message).toMatch(/issued by/);
    expect(
      (
        await checkStatus(s.credential, {
          statusLists: lists,
          trust: s.iss.trustStore,
          now: NOW,
          requireSameIssuer: false,
        })
      ).ok,
    ).toBe(true);
  });

  it('an expired or not-yet-valid list credential fails', async () => {
    const s = await setup();
    const lists = [await publish(s, s.revocation), await publish(s, s.suspension)];
    const expired = await checkStatus(s.credential, {
      statusLists: lists,
      trust: s.iss.trustStore,
      now: new Date(T0 + 400 * DAY),
    });
    expect(expired).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_INVALID' });
    expect(expired.message).toMatch(/ERR_VC_EXPIRED/);
    const early = await checkStatus(s.credential, {
      statusLists: lists,
      trust: s.iss.trustStore,
      now: new Date(T0 - 2 * DAY),
    });
    expect(early.message).toMatch(/ERR_VC_NOT_YET_VALID/);
    // VC 1.1 lists (expirationDate) too.
    const v11 = [
      await publish(s, s.revocation, { vcVersion: '1.1' }),
      await publish(s, s.suspension, { vcVersion: '1.1' }),
    ];
    expect((await checkStatus(s.credential, { statusLists: v11, trust: s.iss.trustStore, now: NOW })).ok).toBe(true);
    expect(
      (
        await checkStatus(s.credential, {
          statusLists: v11,
          trust: s.iss.trustStore,
          now: new Date(T0 + 400 * DAY),
        })
      ).message,
    ).toMatch(/ERR_VC_EXPIRED/);
  });

  it('purpose mismatch: an entry pointing at a list of another purpose', async () => {
    const s = await setup();
    const credential = { ...s.credential, credentialStatus: { ...s.entries[0], statusPurpose: 'suspension' } };
    const check = await checkStatus(credential, {
      statusLists: [await publish(s, s.revocation)],
      trust: s.iss.trustStore,
      now: NOW,
    });
    expect(check).toMatchObject({ ok: false, code: 'ERR_STATUS_PURPOSE_MISMATCH' });
  });

  it('index out of range', async () => {
    const s = await setup();
    const lists = [await publish(s, s.revocation)];
    for (const i of ['131072', '999999999999999']) {
      const credential = { ...s.credential, credentialStatus: { ...s.entries[0], statusListIndex: i } };
      expect(await checkStatus(credential, { statusLists: lists, trust: s.iss.trustStore, now: NOW })).toMatchObject({
        ok: false,
        code: 'ERR_STATUS_INDEX_OUT_OF_RANGE',
      });
    }
    const last = { ...s.credential, credentialStatus: { ...s.entries[0], statusListIndex: '131071' } };
    expect((await checkStatus(last, { statusLists: lists, trust: s.iss.trustStore, now: NOW })).ok).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a string entry', 'revoked'],
    [
      'an unsupported type',
      {
        type: 'StatusList2021Entry',
        statusPurpose: 'revocation',
        statusListIndex: '1',
        statusListCredential: REVOCATION,
      },
    ],
    ['no statusPurpose', { type: 'BitstringStatusListEntry', statusListIndex: '1', statusListCredential: REVOCATION }],
    [
      'a negative index',
      {
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '-1',
        statusListCredential: REVOCATION,
      },
    ],
    [
      'a hex index',
      {
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '0x10',
        statusListCredential: REVOCATION,
      },
    ],
    [
      'a leading-zero index',
      {
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '01',
        statusListCredential: REVOCATION,
      },
    ],
    [
      'a fractional index',
      {
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: 1.5,
        statusListCredential: REVOCATION,
      },
    ],
    [
      'a 20-digit index',
      {
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '12345678901234567890',
        statusListCredential: REVOCATION,
      },
    ],
    [
      'no statusListCredential',
      { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '1' },
    ],
    [
      'statusSize 9',
      {
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '1',
        statusListCredential: REVOCATION,
        statusSize: 9,
      },
    ],
    [
      'statusSize 2 without messages',
      {
        type: 'BitstringStatusListEntry',
        statusPurpose: 'message',
        statusListIndex: '1',
        statusListCredential: REVOCATION,
        statusSize: 2,
      },
    ],
    ['an empty array', []],
    ['too many entries', Array.from({ length: 9 }, () => ({ type: 'BitstringStatusListEntry' }))],
  ])('a malformed entry (%s) fails with ERR_STATUS_ENTRY_INVALID', async (_label, credentialStatus) => {
    const s = await setup();
    const check = await checkStatus(
      { ...s.credential, credentialStatus },
      { statusLists: [], trust: s.iss.trustStore, now: NOW },
    );
    expect(check).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_STATUS_ENTRY_INVALID' });
  });

  it('hostile lists in the cache: garbage, a bomb, duplicates; never throws', async () => {
    const s = await setup();
    const genuine = await publish(s, s.revocation);
    const zeros = (await import('node:zlib')).gzipSync(Buffer.alloc(32 * 1024 * 1024));
    const bomb = {
      ...genuine,
      credentialSubject: {
        ...(genuine.credentialSubject as object),
        encodedList: `u${Buffer.from(zeros).toString('base64url')}`,
      },
    };
    const credential = { ...s.credential, credentialStatus: s.entries[0] };
    const opts = { trust: s.iss.trustStore, now: NOW };
    const garbage = await checkStatus(credential, {
      ...opts,
      statusLists: [null, 42, 'nope', { id: REVOCATION }, bomb],
    });
    expect(garbage).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_MISSING' });
    expect(garbage.message).toMatch(/5 unreadable/);
    const dup = await checkStatus(credential, {
      ...opts,
      statusLists: [genuine, await publish(s, s.revocation, { validFrom: iso(T0 - 2 * DAY) })],
    });
    expect(dup).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_INVALID' });
    const bombInMap = await checkStatus(credential, { ...opts, statusLists: new Map([[REVOCATION, bomb]]) });
    expect(bombInMap).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_INVALID' });
    for (const bad of [null, 42, 'x', '{', [], { credentialStatus: 5 }]) {
      const check = await checkStatus(bad, { ...opts, statusLists: [genuine] });
      expect(check.name).toBe('revocation');
      expect(check.ok === true ? check.message : check.code).toBeTruthy();
    }
    expect(await checkStatus(credential, undefined as never)).toMatchObject({ ok: false });
    expect(await checkStatus(credential, { ...opts, statusLists: 'x' as never })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_LIST_MISSING',
    });
  });

  it(
    'lists no entry points at are never inflated: ' + '300 16 MiB lists beside the genuine ones cost a JSON read each',
    async () => {
      const s = await setup();
      const genuine = [await publish(s, s.revocation), await publish(s, s.suspension)];
      const zlib = await import('node:zlib');
      // 16 MiB of zeros: exactly the default bitstring cap, so each one would inflate in full (~5 GB for all 300).
      const encodedList = `u${zlib.gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 }).toString('base64url')}`;
      const subject = genuine[0]!.credentialSubject as object;
      const others = Array.from({ length: 300 }, (_, i) => ({
        ...genuine[0],
        id: `https://divoc.dev/status/other/${i}`,
        credentialSubject: { ...subject, encodedList },
      }));
      const opts = { trust: s.iss.trustStore, now: NOW };
      const started = process.hrtime.bigint();
      const check = await checkStatus(s.credential, { ...opts, statusLists: [...others, ...genuine] });
      expect(check).toMatchObject({ name: 'revocation', ok: true });
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
      // Five lists under the id an entry names: refused before inflating more than a few.
      const crowd = Array.from({ length: 5 }, () => ({
        ...genuine[0],
        credentialSubject: { ...subject, encodedList },
      }));
      const crowded = await checkStatus(s.credential, { ...opts, statusLists: [...crowd, ...genuine] });
      expect(crowded).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_INVALID' });
      expect(crowded.message).toMatch(/more than 4 status list credentials/);
    },
  );

  it('a credential without credentialStatus passes with a note', async () => {
    const s = await setup();
    const { credentialStatus: _cs, ...plain } = s.credential;
    expect(await checkStatus(plain, { statusLists: [], trust: s.iss.trustStore })).toMatchObject({
      ok: true,
      message: expect.stringMatching(/no credentialStatus/),
    });
  });
});

describe('Map sources', () => {
  it('in-memory lists (issuer side) are read as is', async () => {
    const s = await setup();
    const lists = new Map<string, StatusList>([
      [REVOCATION, s.revocation],
      [SUSPENSION, s.suspension],
    ]);
    expect((await checkStatus(s.credential, { statusLists: lists, trust: s.iss.trustStore })).ok).toBe(true);
    revoke(s.revocation, index(s.entries[0]!));
    expect(await checkStatus(s.credential, { statusLists: lists, trust: s.iss.trustStore })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_REVOKED',
    });
  });

  it('a list filed under another URL is invalid', async () => {
    const s = await setup();
    const signed = await publish(s, s.suspension);
    const map = new Map<string, unknown>([
      [REVOCATION, signed],
      [SUSPENSION, signed],
    ]);
    expect(await checkStatus(s.credential, { statusLists: map, trust: s.iss.trustStore, now: NOW })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_LIST_INVALID',
    });
    const memory = new Map<string, StatusList>([[REVOCATION, s.suspension]]);
    expect(await checkStatus(s.credential, { statusLists: memory, trust: s.iss.trustStore })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_LIST_INVALID',
    });
  });

  it('signed lists in a Map verify like in an array', async () => {
    const s = await setup();
    revoke(s.revocation, index(s.entries[0]!));
    const map = new Map<string, unknown>([
      [REVOCATION, JSON.stringify(await publish(s, s.revocation))],
      [SUSPENSION, await publish(s, s.suspension)],
    ]);
    expect(await checkStatus(s.credential, { statusLists: map, trust: s.iss.trustStore, now: NOW })).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_REVOKED',
    });
  });
});

describe('message lists', () => {
  it('report the status message and pass', async () => {
    const iss = await makeIssuer();
    const id = 'https://divoc.dev/status/message/1';
    const list = createStatusList({
      id,
      statusPurpose: 'message',
      statusSize: 2,
      statusMessages: [
        { status: '0x0', message: 'valid' },
        { status: '0x1', message: 'pending review' },
        { status: '0x2', message: 'superseded' },
        { status: '0x3', message: 'withdrawn' },
      ],
    });
    const entry = allocateStatusEntry(list);
    setStatus(list, index(entry), 2);
    const credential = await issueCredential(
      addCredentialStatus(
        {
          '@context': [CONTEXT_URLS.CREDENTIALS_V2],
          type: ['VerifiableCredential'],
          issuer: iss.did,
          credentialSubject: { id: 'did:example:holder' },
        },
        entry,
      ),
      { signer: iss.signer },
    );
    const signedList = await publishStatusList(list, { signer: iss.signer, issuer: iss.did });
    const result = await verifyCredentialWithStatus(credential, {
      trust: iss.trustStore,
      statusLists: [signedList],
    });
    expect(result.valid).toBe(true);
    expect(result.checks.at(-1)?.message).toMatch(/0x2 \(superseded\)/);
  });
});
