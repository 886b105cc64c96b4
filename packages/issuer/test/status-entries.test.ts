import { beforeAll, describe, expect, it } from 'vitest';
import { decodeDivocQr } from '@divoc/qr';
import { decodeCompactCredential, verifyCredential, type SignedCredential } from '@divoc/vc';
import { createStatusList, isAllocatedIndex, statusEntryFor, type BitstringStatusListEntry } from '@divoc/status';
import {
  issueAllFormats,
  issueW3cCredential,
  IssuerInputError,
  type IssueAllFormatsOptions,
  type IssuedFormats,
} from '../src/index.js';
import { createFixture, ISSUED_AT, ISSUER, type Fixture } from './fixtures.js';
import { records } from './records.js';

let fixture: Fixture;
beforeAll(async () => {
  fixture = await createFixture();
});

const NOW = new Date('2021-09-15T00:00:00Z');
const BITSTRING_V1 = 'https://www.w3.org/ns/credentials/status/v1';
const list = createStatusList({ id: `${ISSUER}/status/3`, statusPurpose: 'revocation', length: 131_072 });
const suspension = createStatusList({ id: `${ISSUER}/status/4`, statusPurpose: 'suspension', length: 131_072 });
/** Allocated elsewhere (a service's status list manager, a bulk run's journal): only the entries travel. */
const entry = statusEntryFor(list, 41);
const second = statusEntryFor(suspension, 9);

async function issue(
  options: Partial<IssueAllFormatsOptions> = {},
  template: keyof typeof records = 'vaccination',
): Promise<IssuedFormats> {
  return issueAllFormats(
    { template, record: records[template] },
    { keys: fixture.keys, issuer: ISSUER, issuanceDate: ISSUED_AT, ...options },
  );
}

async function valid(credential: unknown): Promise<boolean> {
  return (await verifyCredential(credential, { trust: fixture.trustStore, now: NOW })).valid;
}

function refusal(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error,
  );
}

describe('issueAllFormats: pre-allocated status entries (options.credentialStatus)', () => {
  it('one entry: added to the credential before signing, covered by the proof, carried by both QR forms', async () => {
    const result = await issue({ credentialStatus: entry });
    expect(result.errors).toBeUndefined();
    const credential = result.outputs['w3c-vc']!.credential;
    expect(credential.credentialStatus).toEqual(entry);
    // VC 1.1: the Bitstring Status List context comes with it, as with an entry allocated from statusList.
    expect(credential['@context']).toContain(BITSTRING_V1);
    expect(await valid(credential)).toBe(true);

    // Tampering with the entry breaks the signature: it is signed over, not added afterwards.
    const tampered = structuredClone(credential) as SignedCredential & { credentialStatus: BitstringStatusListEntry };
    tampered.credentialStatus.statusListIndex = '42';
    expect(await valid(tampered)).toBe(false);
    const dropped = structuredClone(credential) as Record<string, unknown>;
    delete dropped.credentialStatus;
    expect(await valid(dropped)).toBe(false);

    // The two QR forms of the VC carry the same signed credential, entry included.
    expect(decodeDivocQr(result.outputs['divoc-qr']!.text).credential).toEqual(credential);
    expect(decodeCompactCredential(result.outputs['vc-compact']!.text)).toEqual(credential);
  });

  it('gives the same credential as allocating the same index from statusList', async () => {
    const allocated = await issue({
      statusList: { list: createStatusList({ id: list.id, statusPurpose: 'revocation', length: 131_072 }), index: 41 },
      formats: ['w3c-vc'],
    });
    const given = await issue({ credentialStatus: entry, formats: ['w3c-vc'] });
    // Ed25519 (eddsa-rdfc-2022) signatures are deterministic: same bytes.
    expect(given.outputs['w3c-vc']!.json).toBe(allocated.outputs['w3c-vc']!.json);
  });

  it('several entries: all added (in order) and signed over', async () => {
    const result = await issue({ credentialStatus: [entry, second], formats: ['w3c-vc', 'divoc-qr'] }, 'test');
    const credential = result.outputs['w3c-vc']!.credential;
    expect(credential.credentialStatus).toEqual([entry, second]);
    expect(await valid(credential)).toBe(true);
    const tampered = structuredClone(credential) as SignedCredential & { credentialStatus: BitstringStatusListEntry[] };
    tampered.credentialStatus[1]!.statusPurpose = 'revocation';
    expect(await valid(tampered)).toBe(false);
    expect(decodeDivocQr(result.outputs['divoc-qr']!.text).credential).toEqual(credential);
  });

  it('an array of one entry is written as that entry', async () => {
    const result = await issue({ credentialStatus: [entry], formats: ['w3c-vc'] });
    expect(result.outputs['w3c-vc']!.credential.credentialStatus).toEqual(entry);
  });

  it('VC 2.0: the entry, and no extra context (the base context defines the terms)', async () => {
    const result = await issue({ credentialStatus: entry, formats: ['w3c-vc'], vcVersion: '2.0' }, 'vaccination-v2');
    const credential = result.outputs['w3c-vc']!.credential;
    expect(credential.credentialStatus).toEqual(entry);
    expect(credential['@context']).not.toContain(BITSTRING_V1);
    expect(await valid(credential)).toBe(true);
  });

  it('an unsigned credential input gets the entries too', async () => {
    const first = await issue({ formats: ['w3c-vc'] });
    const { proof: _proof, ...unsigned } = first.outputs['w3c-vc']!.credential;
    const result = await issueAllFormats(
      { credential: unsigned },
      { keys: fixture.keys, issuer: ISSUER, issuanceDate: ISSUED_AT, formats: ['w3c-vc'], credentialStatus: entry },
    );
    expect(result.outputs['w3c-vc']!.credential.credentialStatus).toEqual(entry);
    expect(await valid(result.outputs['w3c-vc']!.credential)).toBe(true);
  });

  it('the other formats are issued as without entries (they are derived from the record, not the status)', async () => {
    const plain = await issue();
    const withStatus = await issue({ credentialStatus: entry });
    expect(withStatus.errors).toBeUndefined();
    expect(Object.keys(withStatus.outputs)).toEqual(Object.keys(plain.outputs));
    expect(withStatus.ddcc).toEqual(plain.ddcc);
    expect(withStatus.outputs.dcc!.payload).toEqual(plain.outputs.dcc!.payload);
    expect(withStatus.outputs.vdsnc!.seal.data).toEqual(plain.outputs.vdsnc!.seal.data);
  });

  it('control: without entries nothing is added', async () => {
    const result = await issue({ formats: ['w3c-vc', 'vc-compact'] });
    const credential = result.outputs['w3c-vc']!.credential;
    expect('credentialStatus' in credential).toBe(false);
    expect(credential['@context']).not.toContain(BITSTRING_V1);
    expect('credentialStatus' in decodeCompactCredential(result.outputs['vc-compact']!.text)).toBe(false);
  });

  it('refuses statusList and credentialStatus together (IssuerInputError), allocating nothing', async () => {
    const fresh = createStatusList({ id: `${ISSUER}/status/5`, statusPurpose: 'revocation', allocation: 'sequential' });
    const error = await refusal(() => issue({ statusList: { list: fresh }, credentialStatus: entry }));
    expect(error).toBeInstanceOf(IssuerInputError);
    expect(error).toMatchObject({ code: 'ERR_ISSUER_INPUT_INVALID', message: expect.stringMatching(/not both/) });
    expect(isAllocatedIndex(fresh, 0)).toBe(false);
  });

  it('refuses entries for a credential that is signed already', async () => {
    const first = await issue({ formats: ['w3c-vc'] });
    const error = await refusal(() =>
      issueAllFormats(
        { credential: first.outputs['w3c-vc']!.credential },
        { keys: fixture.keys, issuer: ISSUER, credentialStatus: entry },
      ),
    );
    expect(error).toMatchObject({ code: 'ERR_ISSUER_INPUT_INVALID', message: expect.stringMatching(/already signed/) });
  });

  const malformed: [string, unknown][] = [
    ['not an object', 'https://divoc.example/status/3#41'],
    ['null', null],
    ['an empty array', []],
    ['more than eight entries', Array.from({ length: 9 }, (_, i) => statusEntryFor(list, i))],
    ['a wrong type', { ...entry, type: 'StatusList2021Entry' }],
    ['no type', (({ type: _t, ...rest }) => rest)(entry)],
    ['no statusPurpose', (({ statusPurpose: _p, ...rest }) => rest)(entry)],
    ['a negative index', { ...entry, statusListIndex: '-1' }],
    ['a non-numeric index', { ...entry, statusListIndex: '4x' }],
    ['a leading-zero index', { ...entry, statusListIndex: '041' }],
    ['no statusListCredential', (({ statusListCredential: _c, ...rest }) => rest)(entry)],
    ['a relative statusListCredential', { ...entry, statusListCredential: 'status/3' }],
    ['an id that is not a URL', { ...entry, id: 'forty one' }],
    ['statusSize 9', { ...entry, statusSize: 9 }],
    ['statusSize 2 without messages', { ...entry, statusSize: 2 }],
    ['bad statusMessage', { ...entry, statusSize: 2, statusMessage: [{ status: 1 }] }],
    ['one bad entry among good ones', [entry, { ...second, statusListIndex: 9.5 }]],
  ];
  for (const [what, value] of malformed) {
    it(`refuses a malformed entry: ${what}`, async () => {
      const error = await refusal(() => issue({ credentialStatus: value as BitstringStatusListEntry }));
      expect(error).toBeInstanceOf(IssuerInputError);
      expect((error as Error).message).toMatch(/credentialStatus/);
    });
  }

  it('refuses a malformed entry even when no VC-based format is requested', async () => {
    const error = await refusal(() =>
      issue({ credentialStatus: { ...entry, type: 'x' } as unknown as BitstringStatusListEntry, formats: ['dcc'] }),
    );
    expect(error).toBeInstanceOf(IssuerInputError);
  });
});

describe('issueW3cCredential: one credential, signed over its entries', () => {
  async function unsignedCredential(): Promise<Record<string, unknown>> {
    const first = await issue({ formats: ['w3c-vc'] });
    const { proof: _proof, ...unsigned } = first.outputs['w3c-vc']!.credential;
    return unsigned;
  }

  it('adds the entries, then signs (the same bytes issueAllFormats gives)', async () => {
    const unsigned = await unsignedCredential();
    const signed = await issueW3cCredential(unsigned, {
      key: fixture.keys.vc!,
      credentialStatus: entry,
      issuanceDate: ISSUED_AT,
    });
    expect(signed.credentialStatus).toEqual(entry);
    expect(await valid(signed)).toBe(true);
    const viaAll = await issueAllFormats(
      { credential: unsigned },
      { keys: fixture.keys, issuer: ISSUER, issuanceDate: ISSUED_AT, formats: ['w3c-vc'], credentialStatus: entry },
    );
    expect(JSON.stringify(signed)).toBe(viaAll.outputs['w3c-vc']!.json);
    const tampered = { ...signed, credentialStatus: { ...entry, statusListCredential: `${ISSUER}/status/9` } };
    expect(await valid(tampered)).toBe(false);
    // The input is not changed.
    expect('credentialStatus' in unsigned).toBe(false);
  });

  it('control: without entries, the credential is signed as given', async () => {
    const unsigned = await unsignedCredential();
    const signed = await issueW3cCredential(unsigned, { key: fixture.keys.vc!, issuanceDate: ISSUED_AT });
    expect('credentialStatus' in signed).toBe(false);
    expect(await valid(signed)).toBe(true);
  });

  it('refuses a signed credential, a malformed entry and a missing key', async () => {
    const unsigned = await unsignedCredential();
    const signed = await issueW3cCredential(unsigned, { key: fixture.keys.vc! });
    await expect(
      issueW3cCredential(signed as unknown as Record<string, unknown>, {
        key: fixture.keys.vc!,
        credentialStatus: entry,
      }),
    ).rejects.toBeInstanceOf(IssuerInputError);
    await expect(
      issueW3cCredential(unsigned, { key: fixture.keys.vc!, credentialStatus: { ...entry, statusListIndex: 'x' } }),
    ).rejects.toBeInstanceOf(IssuerInputError);
    await expect(issueW3cCredential(unsigned, {} as never)).rejects.toBeInstanceOf(IssuerInputError);
  });
});
