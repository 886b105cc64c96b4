import { beforeAll, describe, expect, it } from 'vitest';
import { readQrFromImage } from '@divoc/qr/image';
import { verifyCredential } from '@divoc/vc';
import { createStatusList } from '@divoc/status';
import { issueAllFormats, shortCertificateId, type IssuedFormats } from '../src/index.js';
import { createFixture, ISSUED_AT, ISSUER, type Fixture } from './fixtures.js';
import { expectConsistent, verifyAll } from './consistency.js';
import { diacritics, records, sinhalaVaccination } from './records.js';

let fixture: Fixture;
beforeAll(async () => {
  fixture = await createFixture();
});

const NOW = new Date('2021-09-15T00:00:00Z');
const ALL = ['w3c-vc', 'divoc-qr', 'vc-compact', 'pixelpass', 'dcc', 'shc', 'vdsnc'];

async function issue(
  template: string,
  record: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<IssuedFormats> {
  return issueAllFormats(
    { template, record },
    {
      keys: fixture.keys,
      issuer: ISSUER,
      issuanceDate: ISSUED_AT,
      certificateIssuerName: 'Ministry of Health',
      ...extra,
    },
  );
}

describe('one record per template → every format, all valid, all saying the same', () => {
  for (const template of ['vaccination', 'vaccination-v2', 'test'] as const) {
    it(`${template}: seven formats, each verifies, fields agree`, async () => {
      const result = await issue(template, records[template]);
      expect(result.errors).toBeUndefined();
      expect(Object.keys(result.outputs)).toEqual(ALL);
      expect(await verifyAll(result, fixture, NOW)).toEqual(ALL);
      expectConsistent(result);
    });
  }

  it('recovery: W3C VC, its QR forms and DCC; SHC and VDS-NC reported as unsupported', async () => {
    const result = await issue('recovery', records.recovery);
    expect(Object.keys(result.outputs)).toEqual(['w3c-vc', 'divoc-qr', 'vc-compact', 'pixelpass', 'dcc']);
    expect(result.errors).toEqual({
      shc: expect.objectContaining({ code: 'ERR_ISSUER_FORMAT_UNSUPPORTED' }),
      vdsnc: expect.objectContaining({ code: 'ERR_ISSUER_FORMAT_UNSUPPORTED' }),
    });
    expect(await verifyAll(result, fixture, NOW)).toEqual(['w3c-vc', 'divoc-qr', 'vc-compact', 'pixelpass', 'dcc']);
    expectConsistent(result);
    expect(result.ddcc.kind === 'recovery' && result.ddcc.recovery.country).toBe('LK');
    expect(result.outputs.dcc!.payload.r![0]!.co).toBe('LK');
  });

  it("the v1 credential carries an age; the record's dob still reaches DCC, SHC and VDS-NC", async () => {
    const result = await issue('vaccination', records.vaccination);
    const subject = result.outputs['w3c-vc']!.credential.credentialSubject as Record<string, unknown>;
    expect(subject.dob).toBeUndefined();
    expect(subject.age).toBe('26');
    expect(result.ddcc.person.birthDate).toBe('1994-09-01');
    expect(result.outputs.dcc!.payload.dob).toBe('1994-09-01');
    expect(result.outputs.vdsnc!.seal.data.msg.pid).toMatchObject({ dob: '1994-09-01', sex: 'M' });
  });
});

describe('JSON-LD contexts of the W3C credential', () => {
  it(
    'the SDK v2 context by default (no ambiguous terms); ' +
      "context: divoc-legacy keeps DIVOC's, every format still valid",
    async () => {
      const sdk = await issue('vaccination', records.vaccination);
      const sdkVc = sdk.outputs['w3c-vc']!.credential;
      expect(sdkVc['@context']).toContain('https://divoc.dev/credentials/sdk/v2');
      const sdkResult = await verifyCredential(sdkVc, { trust: fixture.trustStore, now: NOW });
      expect(sdkResult.valid).toBe(true);
      expect(sdkResult.ambiguousTerms).toBeUndefined();

      const legacy = await issue('vaccination', records.vaccination, { context: 'divoc-legacy' });
      expect(legacy.errors).toBeUndefined();
      expect(await verifyAll(legacy, fixture, NOW)).toEqual(ALL);
      expectConsistent(legacy);
      const legacyVc = legacy.outputs['w3c-vc']!.credential;
      expect(legacyVc['@context']).toContain('https://divoc.dev/credentials/vaccination/v1');
      expect(legacyVc['@context']).not.toContain('https://divoc.dev/credentials/sdk/v2');
      const legacyResult = await verifyCredential(legacyVc, { trust: fixture.trustStore, now: NOW });
      expect(legacyResult.valid).toBe(true);
      expect(legacyResult.ambiguousTerms?.map((g) => g.iri)).toContain('https://schema.org/id');
      // Same data either way: only the context differs.
      const { '@context': _a, proof: _p, ...sdkRest } = sdkVc;
      const { '@context': _b, proof: _q, ...legacyRest } = legacyVc;
      expect(legacyRest).toEqual(sdkRest);
    },
  );
});

describe('names in several scripts', () => {
  it('Devanagari: as written in VC, DIVOC QR, SHC and DCC fn/gn; Latin in DCC fnt/gnt and VDS-NC', async () => {
    const result = await issue('vaccination-v2', records['vaccination-v2']);
    const readings = expectConsistent(result);
    expect(readings['w3c-vc']!.name).toBe('राजेश कुमार');
    expect(readings.shc!.name).toBe('राजेश कुमार');
    expect(result.outputs.dcc!.payload.nam).toEqual({ fn: 'कुमार', fnt: 'KUMAR', gn: 'राजेश', gnt: 'RAJESH' });
    expect(readings.vdsnc!.name).toBe('Rajesh Kumar');
  });

  it('Tamil (test) and Sinhala (vaccination in LK): every format, consistent', async () => {
    const test = await issue('test', records.test);
    expect(test.outputs.dcc!.payload.nam).toEqual({ fn: 'லட்சுமி', fnt: 'LAKSHMI', gn: 'முத்து', gnt: 'MUTHU' });
    expect(await verifyAll(test, fixture, NOW)).toEqual(ALL);
    const lk = await issue('vaccination-v2', sinhalaVaccination);
    expect(lk.errors).toBeUndefined();
    expect(await verifyAll(lk, fixture, NOW)).toEqual(ALL);
    const readings = expectConsistent(lk);
    expect(readings.dcc!.country).toBe('LK');
    expect(readings.vdsnc!.country).toBe('LKA');
    expect(lk.outputs.dcc!.payload.nam).toMatchObject({ fnt: 'SILVA', gnt: 'NIMALI' });
  });

  it('Latin with diacritics: ICAO transliteration from the name itself, no nameLatin needed', async () => {
    const result = await issue('vaccination-v2', diacritics);
    expect(result.errors).toBeUndefined();
    expect(await verifyAll(result, fixture, NOW)).toEqual(ALL);
    expectConsistent(result);
    expect(result.outputs.dcc!.payload.nam).toEqual({
      fn: 'Álvarez-Núñez',
      fnt: 'ALVAREZ<NUNEZ',
      gn: 'José',
      gnt: 'JOSE',
    });
    expect(result.outputs.vdsnc!.seal.data.msg.pid).toMatchObject({ n: 'José Álvarez-Núñez' });
  });

  it(
    'a non-Latin name without nameLatin: ' + 'the DCC is refused with ERR_ISSUER_NAME_NOT_LATIN, the rest issued',
    async () => {
      const { nameLatin: _drop, ...record } = records['vaccination-v2'];
      const result = await issue('vaccination-v2', record);
      expect(result.errors).toEqual({ dcc: expect.objectContaining({ code: 'ERR_ISSUER_NAME_NOT_LATIN' }) });
      expect(Object.keys(result.outputs)).toEqual(['w3c-vc', 'divoc-qr', 'vc-compact', 'pixelpass', 'shc', 'vdsnc']);
      expect(result.outputs.vdsnc!.seal.data.msg.pid).toMatchObject({ n: 'राजेश कुमार' });
      expectConsistent(result);
    },
  );

  it('explicit family/given names override the last-word split (both scripts)', async () => {
    const result = await issue('vaccination-v2', {
      ...records['vaccination-v2'],
      name: 'कुमार राजेश',
      nameLatin: 'Kumar Rajesh',
      familyName: 'कुमार',
      givenName: 'राजेश',
      familyNameLatin: 'Kumar',
      givenNameLatin: 'Rajesh',
    });
    expect(result.ddcc.person.name).toMatchObject({
      family: 'कुमार',
      given: 'राजेश',
      split: 'record',
      latin: { family: 'Kumar', given: 'Rajesh' },
    });
    expect(result.outputs.dcc!.payload.nam).toEqual({ fn: 'कुमार', fnt: 'KUMAR', gn: 'राजेश', gnt: 'RAJESH' });
  });

  it('vdsncName as-written keeps the native script in the seal', async () => {
    const result = await issue('vaccination-v2', records['vaccination-v2'], { vdsncName: 'as-written' });
    expect(result.outputs.vdsnc!.seal.data.msg.pid).toMatchObject({ n: 'राजेश कुमार' });
  });
});

describe('lossy spots', () => {
  it('Corbevax has no EU code: DCC reported as ERR_ISSUER_VALUE_UNMAPPABLE, SHC uses CVX 517', async () => {
    const result = await issue('vaccination-v2', { ...records['vaccination-v2'], vaccine: 'Corbevax', batch: 'CB01' });
    expect(result.errors).toEqual({ dcc: expect.objectContaining({ code: 'ERR_ISSUER_VALUE_UNMAPPABLE' }) });
    expect(result.errors!.dcc!.message).toMatch(/Corbevax/);
    expect(await verifyAll(result, fixture, NOW)).toEqual([
      'w3c-vc',
      'divoc-qr',
      'vc-compact',
      'pixelpass',
      'shc',
      'vdsnc',
    ]);
    expectConsistent(result);
    expect(result.ddcc.kind === 'vaccination' && result.ddcc.vaccination.vaccine?.code).toBe('XM5JC5');
  });

  it(
    'time zones: the calendar day as the place of vaccination wrote it, ' + 'in every format but the W3C instant',
    async () => {
      const result = await issue('vaccination-v2', {
        ...records['vaccination-v2'],
        vaccinationDate: '2021-07-12T01:30:00+05:30',
      });
      const evidence = (result.outputs['w3c-vc']!.credential.evidence as Array<Record<string, unknown>>)[0]!;
      expect(evidence.date).toBe('2021-07-11T20:00:00.000Z'); // the exact instant, in UTC
      expect(result.ddcc.kind === 'vaccination' && result.ddcc.vaccination.date).toBe('2021-07-12');
      expect(result.outputs.dcc!.payload.v![0]!.dt).toBe('2021-07-12');
      expect((result.outputs.vdsnc!.seal.data.msg.ve as Array<{ vd: Array<{ dvc: string }> }>)[0]!.vd[0]!.dvc).toBe(
        '2021-07-12',
      );
      const immunization = result.outputs.shc!.payload.vc.credentialSubject.fhirBundle.entry![1]!.resource as Record<
        string,
        unknown
      >;
      expect(immunization.occurrenceDateTime).toBe('2021-07-12');
    },
  );

  it('VDS-NC: a name over 39 characters is ERR_ISSUER_FIELD_TOO_LONG; a long certificate id is shortened', async () => {
    const result = await issue('vaccination-v2', {
      ...diacritics,
      name: 'María de los Ángeles Fernández-Castillo Rodríguez',
    });
    expect(result.errors).toEqual({ vdsnc: expect.objectContaining({ code: 'ERR_ISSUER_FIELD_TOO_LONG' }) });
    const ok = await issue('vaccination-v2', diacritics);
    expect(ok.certificateId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ok.identifiers.vdsnc).toBe(shortCertificateId(ok.certificateId));
    expect(ok.identifiers.vdsnc).toHaveLength(12);
  });

  it('a short record certificateId is carried unchanged by every format that has one', async () => {
    const result = await issue('vaccination-v2', { ...diacritics, certificateId: '244768056' });
    expect(result.identifiers).toEqual({
      hcid: '244768056',
      uvci: expect.stringMatching(/^URN:UVCI:01:ES:244768056#.$/),
      vdsnc: '244768056',
    });
    expectConsistent(result);
  });
});

describe('options', () => {
  it('is deterministic: the same record gives the same certificate id and UVCI', async () => {
    const a = await issue('vaccination-v2', diacritics);
    const b = await issue('vaccination-v2', diacritics);
    expect(a.certificateId).toBe(b.certificateId);
    expect(a.identifiers).toEqual(b.identifiers);
    expect(a.outputs['w3c-vc']!.json).toBe(b.outputs['w3c-vc']!.json); // EdDSA is deterministic too
  });

  it('formats: only the ones asked for; by default only those whose key is given', async () => {
    const some = await issue('vaccination-v2', diacritics, { formats: ['dcc', 'w3c-vc'] });
    expect(Object.keys(some.outputs)).toEqual(['w3c-vc', 'dcc']);
    const onlyVc = await issueAllFormats(
      { template: 'vaccination-v2', record: diacritics },
      { keys: { vc: fixture.keys.vc! }, issuer: ISSUER },
    );
    expect(Object.keys(onlyVc.outputs)).toEqual(['w3c-vc', 'divoc-qr', 'vc-compact', 'pixelpass']);
    expect(onlyVc.errors).toBeUndefined();
  });

  it('a requested format without its key is ERR_ISSUER_KEY_MISSING', async () => {
    const result = await issueAllFormats(
      { template: 'vaccination-v2', record: diacritics },
      { keys: { vc: fixture.keys.vc! }, issuer: ISSUER, formats: ALL as never },
    );
    expect(result.errors).toEqual({
      dcc: expect.objectContaining({ code: 'ERR_ISSUER_KEY_MISSING' }),
      shc: expect.objectContaining({ code: 'ERR_ISSUER_KEY_MISSING' }),
      vdsnc: expect.objectContaining({ code: 'ERR_ISSUER_KEY_MISSING' }),
    });
    const noVc = await issueAllFormats(
      { template: 'vaccination-v2', record: diacritics },
      { keys: {}, issuer: ISSUER, formats: ['w3c-vc', 'divoc-qr'] },
    );
    expect(noVc.errors).toEqual({
      'w3c-vc': expect.objectContaining({ code: 'ERR_ISSUER_KEY_MISSING' }),
      'divoc-qr': expect.objectContaining({ code: 'ERR_ISSUER_KEY_MISSING' }),
    });
  });

  it('keys.dsc signs the DCC when no keys.dcc is given', async () => {
    const result = await issueAllFormats(
      { template: 'vaccination-v2', record: diacritics },
      { keys: { dsc: fixture.keys.dcc! }, issuer: ISSUER, formats: ['dcc'], issuanceDate: ISSUED_AT },
    );
    expect(await verifyAll(result, fixture, NOW)).toEqual(['dcc']);
  });

  it('strict: the first format failure is thrown as IssuerFormatError', async () => {
    const error = await issue(
      'vaccination-v2',
      { ...records['vaccination-v2'], vaccine: 'Corbevax' },
      { strict: true },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'IssuerFormatError', code: 'ERR_ISSUER_VALUE_UNMAPPABLE', format: 'dcc' });
  });

  it('a signer that does not fit the suite fails that format with the package code', async () => {
    const result = await issueAllFormats(
      { template: 'vaccination-v2', record: diacritics },
      {
        keys: { vc: { signer: fixture.keys.dcc!.signer, suite: 'eddsa-rdfc-2022' } },
        issuer: ISSUER,
      },
    );
    expect(result.errors!['w3c-vc']).toMatchObject({
      code: 'ERR_ISSUER_FORMAT_FAILED',
      causeCode: 'ERR_VC_SUITE_ALG_MISMATCH',
    });
    expect(result.errors!['divoc-qr']).toMatchObject({
      code: 'ERR_ISSUER_FORMAT_FAILED',
      causeCode: 'ERR_VC_SUITE_ALG_MISMATCH',
    });
  });

  it('qr images: PNG and SVG that read back to the same text', async () => {
    const png = await issue('vaccination-v2', diacritics, { qr: 'png' });
    expect(readQrFromImage(png.outputs.dcc!.image as Uint8Array)).toBe(png.outputs.dcc!.hc1);
    expect(readQrFromImage(png.outputs.shc!.images![0] as Uint8Array)).toBe(png.outputs.shc!.qr[0]);
    expect(readQrFromImage(png.outputs['vc-compact']!.image as Uint8Array)).toBe(png.outputs['vc-compact']!.text);
    expect(readQrFromImage(png.outputs.vdsnc!.image as Uint8Array)).toBe(png.outputs.vdsnc!.json);
    const svg = await issue('test', records.test, { qr: 'svg', formats: ['dcc'] });
    expect(svg.outputs.dcc!.image).toMatch(/^<svg/);
  });

  it('statusList: the W3C credential gets a status entry before it is signed', async () => {
    const list = createStatusList({ id: `${ISSUER}/status/1`, statusPurpose: 'revocation' });
    const result = await issue('vaccination-v2', diacritics, { statusList: { list, index: 7 }, formats: ['w3c-vc'] });
    const credential = result.outputs['w3c-vc']!.credential;
    expect(credential.credentialStatus).toMatchObject({
      type: 'BitstringStatusListEntry',
      statusListIndex: '7',
      statusListCredential: `${ISSUER}/status/1`,
    });
    expect((await verifyCredential(credential, { trust: fixture.trustStore, now: NOW })).valid).toBe(true);
  });

  it('SHC issuer: keys.shc.issuer wins; a non-https issuer without one is ERR_ISSUER_KEY_MISSING', async () => {
    const result = await issueAllFormats(
      { template: 'vaccination-v2', record: diacritics },
      {
        keys: { shc: fixture.keys.shc! },
        issuer: 'did:web:divoc.example',
        formats: ['shc'],
      },
    );
    expect(result.errors!.shc).toMatchObject({ code: 'ERR_ISSUER_KEY_MISSING' });
  });
});

describe('from one of our credentials', () => {
  it('a signed credential: kept as is, the other formats mapped from it (+ registry extras)', async () => {
    const first = await issue('vaccination', records.vaccination);
    const signed = first.outputs['w3c-vc']!.credential;
    const again = await issueAllFormats(
      { credential: signed, ddcc: { birthDate: '1994-09-01' } },
      { keys: fixture.keys, issuer: ISSUER, issuanceDate: ISSUED_AT, certificateIssuerName: 'Ministry of Health' },
    );
    expect(again.errors).toBeUndefined();
    expect(again.outputs['w3c-vc']!.json).toBe(first.outputs['w3c-vc']!.json);
    expect(again.ddcc).toEqual(first.ddcc);
    expect(again.outputs.dcc!.payload).toEqual(first.outputs.dcc!.payload);
    expect(await verifyAll(again, fixture, NOW)).toEqual(ALL);
    expectConsistent(again);
  });

  it('an unsigned credential is signed with keys.vc', async () => {
    const first = await issue('test', records.test, { formats: ['w3c-vc'] });
    const { proof: _p, ...unsigned } = first.outputs['w3c-vc']!.credential;
    const result = await issueAllFormats(
      { credential: unsigned, ddcc: { nameLatin: 'Muthu Lakshmi' } },
      { keys: fixture.keys, issuer: ISSUER, issuanceDate: ISSUED_AT },
    );
    expect(result.errors).toBeUndefined();
    expect(await verifyAll(result, fixture, NOW)).toEqual(ALL);
    expectConsistent(result);
  });
});
