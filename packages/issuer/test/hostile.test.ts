import { beforeAll, describe, expect, it } from 'vitest';
import { certificateIdFor as cliCertificateIdFor } from '@divoc/cli';
import {
  certificateIdFor,
  issueAllFormats,
  isIssuerError,
  splitRecord,
  type IssueAllFormatsOptions,
  type IssueInput,
} from '../src/index.js';
import { createFixture, ISSUED_AT, ISSUER, type Fixture } from './fixtures.js';
import { diacritics, records } from './records.js';
import { vectorJson } from '../../../test/support/vectors.js';

let fixture: Fixture;
let options: IssueAllFormatsOptions;
beforeAll(async () => {
  fixture = await createFixture();
  options = { keys: fixture.keys, issuer: ISSUER, issuanceDate: ISSUED_AT };
});

async function codeOf(input: unknown, opts: unknown = options): Promise<string | undefined> {
  try {
    await issueAllFormats(input as IssueInput, opts as IssueAllFormatsOptions);
    return undefined;
  } catch (error) {
    expect(isIssuerError(error), String(error)).toBe(true);
    return (error as { code: string }).code;
  }
}

describe('bad input is a typed error, never a crash', () => {
  it('input shapes', async () => {
    for (const input of [
      null,
      undefined,
      42,
      'record',
      [],
      {},
      { record: diacritics, template: 'vaccination-v2', credential: {} },
    ]) {
      expect(await codeOf(input), JSON.stringify(input)).toBe('ERR_ISSUER_INPUT_INVALID');
    }
    expect(await codeOf({ record: diacritics, template: 'no-such-template' })).toBe('ERR_ISSUER_INPUT_INVALID');
    expect(await codeOf({ record: diacritics, template: 42 })).toBe('ERR_ISSUER_INPUT_INVALID');
    expect(await codeOf({ record: 'name=x', template: 'vaccination-v2' })).toBe('ERR_ISSUER_INPUT_INVALID');
    expect(await codeOf({ record: [diacritics], template: 'vaccination-v2' })).toBe('ERR_ISSUER_INPUT_INVALID');
    expect(await codeOf({ credential: 'eyJ...' })).toBe('ERR_ISSUER_INPUT_INVALID');
  });

  it('options', async () => {
    const input = { record: diacritics, template: 'vaccination-v2' };
    await expect(issueAllFormats(input, undefined as never)).rejects.toMatchObject({
      code: 'ERR_ISSUER_INPUT_INVALID',
    });
    for (const bad of [
      null,
      {},
      { ...options, keys: null },
      { ...options, issuer: 'not a uri' },
      { ...options, issuer: 42 },
      { ...options, formats: ['pdf'] },
      { ...options, formats: [] },
      { ...options, formats: 'dcc' },
      { ...options, qr: 'gif' },
      { ...options, issuanceDate: '2021-01-01' },
      { ...options, issuanceDate: new Date('nope') },
      { ...options, certificateId: '../etc/passwd' },
      { ...options, certificateIssuerName: '' },
      { ...options, certificateIssuerName: 'x'.repeat(300) },
      { ...options, statusList: { list: {} } },
      { ...options, vdsncName: 'klingon' },
    ]) {
      expect(await codeOf(input, bad), JSON.stringify(bad)?.slice(0, 80)).toBe('ERR_ISSUER_INPUT_INVALID');
    }
  });

  it('oversized record: refused before any work', async () => {
    const huge = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, 'x']));
    expect(await codeOf({ record: { ...diacritics, ...huge }, template: 'vaccination-v2' })).toBe(
      'ERR_ISSUER_INPUT_INVALID',
    );
  });

  it('invalid record: ERR_ISSUER_RECORD_INVALID listing every field', async () => {
    const error = await issueAllFormats(
      { record: { ...diacritics, dob: '1970-02-30', dose: 0, vaccine: undefined }, template: 'vaccination-v2' },
      options,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_ISSUER_RECORD_INVALID' });
    expect((error as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['$.dob', '$.dose']),
    );
  });

  it('nameLatin must be Latin text of sane length', async () => {
    for (const nameLatin of ['राजेश कुमार', 42, 'x'.repeat(300), ['Rajesh'], { toString: () => 'Rajesh' }]) {
      const error = await issueAllFormats(
        { record: { ...records['vaccination-v2'], nameLatin }, template: 'vaccination-v2' },
        options,
      ).catch((e: unknown) => e);
      expect(error, String(nameLatin)).toMatchObject({
        code: 'ERR_ISSUER_RECORD_INVALID',
        issues: [expect.objectContaining({ path: '$.nameLatin' })],
      });
    }
  });

  it('no way to derive a certificate id: ERR_ISSUER_CERTIFICATE_ID_INVALID', async () => {
    const { refId: _r, dob: _d, ...anonymous } = diacritics;
    // A vaccination record as a test: its vaccination fields are unknown to the test template (dropped here).
    expect(
      await codeOf(
        { record: { ...anonymous, age: undefined }, template: 'test' },
        { ...options, unknownFields: 'ignore' },
      ),
    ).toBe('ERR_ISSUER_CERTIFICATE_ID_INVALID');
    const error = await issueAllFormats(
      { record: { ...diacritics, certificateId: '../../x' }, template: 'vaccination-v2' },
      options,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_ISSUER_CERTIFICATE_ID_INVALID', field: 'certificateId' });
  });

  it('credentials: not ours, no certificate id, signed + statusList, options.certificateId mismatch', async () => {
    expect(
      await codeOf({
        credential: {
          type: ['VerifiableCredential'],
          credentialSubject: {},
          evidence: [{ certificateId: '1' }],
          issuer: ISSUER,
        },
      }),
    ).toBe('ERR_ISSUER_RECORD_INVALID');
    // DIVOC's own test certificate has no certificateId and an empty dose.
    const divoc = vectorJson<{ evidence: Record<string, unknown>[] }>('divoc/signed/rsa2018-divocdev-valid.json');
    expect(await codeOf({ credential: divoc })).toBe('ERR_ISSUER_CERTIFICATE_ID_INVALID');
    const patched = structuredClone(divoc);
    patched.evidence[0]!.certificateId = '244768056';
    expect(await codeOf({ credential: patched })).toBe('ERR_ISSUER_RECORD_INVALID'); // dose "" is no dose number
    const ours = await issueAllFormats(
      { record: diacritics, template: 'vaccination-v2' },
      { ...options, formats: ['w3c-vc'] },
    );
    const { createStatusList } = await import('@divoc/status');
    const list = createStatusList({ id: `${ISSUER}/status/2`, statusPurpose: 'revocation' });
    expect(await codeOf({ credential: ours.outputs['w3c-vc']!.credential }, { ...options, statusList: { list } })).toBe(
      'ERR_ISSUER_INPUT_INVALID',
    );
    expect(
      await codeOf({ credential: ours.outputs['w3c-vc']!.credential }, { ...options, certificateId: 'other' }),
    ).toBe('ERR_ISSUER_INPUT_INVALID');
    expect(await codeOf({ credential: ours.outputs['w3c-vc']!.credential, ddcc: 'x' })).toBe(
      'ERR_ISSUER_INPUT_INVALID',
    );
  });

  it('a credential with cycles or functions is refused', async () => {
    const cyclic: Record<string, unknown> = { type: ['VerifiableCredential', 'ProofOfVaccinationCredential'] };
    cyclic.self = cyclic;
    cyclic.fn = () => 1;
    expect(await codeOf({ credential: cyclic })).toBe('ERR_ISSUER_INPUT_INVALID');
  });

  it('hostile record fields: __proto__ keys and huge strings', async () => {
    const record = JSON.parse(
      '{"__proto__": {"polluted": true}, "name": "Eve", "refId": "1", "dob": "1990-01-01", "vaccine": "Covishield", ' +
        '"batch": "B", "vaccinationDate": "2021-01-01", "dose": 1, "totalDoses": 2, "facilityName": "F", ' +
        '"facilityCountry": "IN"}',
    );
    const result = await issueAllFormats({ record, template: 'vaccination-v2' }, { ...options, formats: ['dcc'] });
    expect(result.outputs.dcc).toBeDefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await codeOf({ record: { ...diacritics, name: 'x'.repeat(100_000) }, template: 'vaccination-v2' })).toBe(
      'ERR_ISSUER_RECORD_INVALID',
    );
  });
});

describe('certificateIdFor', () => {
  it('is the CLI rule, byte for byte', () => {
    for (const [template, record] of [
      ...Object.entries(records),
      ['vaccination-v2', diacritics],
      ['test', { name: 'A B', age: 30 }],
      ['test', { identity: 'did:x:1', dose: 2 }],
    ] as const) {
      expect(certificateIdFor(template, record as Record<string, unknown>)).toEqual(
        cliCertificateIdFor(template, record as Record<string, unknown>),
      );
    }
  });

  it('the record id wins; bad ids and anonymous records are typed failures', () => {
    expect(certificateIdFor('vaccination', { certificateId: 244768056 })).toEqual({
      ok: true,
      certificateId: '244768056',
    });
    expect(certificateIdFor('vaccination', { certificateId: '.hidden' })).toMatchObject({
      ok: false,
      field: 'certificateId',
    });
    expect(certificateIdFor('vaccination', { name: 'No Birth' })).toMatchObject({ ok: false, field: 'identity' });
    expect(certificateIdFor('vaccination', null as never)).toMatchObject({ ok: false });
    const a = certificateIdFor('vaccination', { refId: '1', dose: 1 });
    const b = certificateIdFor('vaccination', { refId: '1', dose: 2 });
    expect(a).not.toEqual(b);
  });
});

describe('splitRecord', () => {
  it('takes the DDCC-only fields out and keeps the local calendar day of the vaccination', () => {
    const split = splitRecord(
      { ...records['vaccination-v2'], vaccinationDate: '2021-07-12T23:30:00-04:00', familyName: 'कुमार' },
      'vaccination-v2',
    );
    expect(split.issues).toEqual([]);
    expect(split.record).not.toHaveProperty('nameLatin');
    expect(split.record).not.toHaveProperty('familyName');
    expect(split.ddcc).toMatchObject({
      nameLatin: 'Rajesh Kumar',
      familyName: 'कुमार',
      birthDate: '1990-01-15',
      vaccinationDate: '2021-07-12',
    });
  });
});
