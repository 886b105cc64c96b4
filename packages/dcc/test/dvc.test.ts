import { describe, expect, it } from 'vitest';
import { base64Encode, TrustStore } from '@divoc/keys';
import { vectorJson, vectorText } from '../../../test/support/vectors.js';
import {
  createDevelopmentCsca,
  createDevelopmentSigner,
  decodeDcc,
  decodeDvc,
  dvcFormat,
  dccFormat,
  encodeDcc,
  encodeDvc,
  icvpFormat,
  peekHcertKind,
  verifyDcc,
  verifyDvc,
  type DvcPayload,
} from '../src/index.js';
import { cborEncode } from '../src/lib/cbor.js';
import { claimsFor, craftCose, developmentPki, SAMPLE_DCC, sampleHc1, toHc1 } from './helpers.js';

const REAL = vectorText('who/dvc/DVCTestQR.txt').trim();
const UNPACKED = vectorJson('who/dvc/DVCTestQRUnpacked.json') as {
  protectedAttributes: Record<string, unknown>;
  unprotectedAttributes: Record<string, unknown>;
  contents: Record<string, unknown> & { '-260': { '-6': DvcPayload } };
};
const REAL_PAYLOAD = UNPACKED.contents['-260']['-6'];
const ISSUED = new Date('2025-03-01T10:00:00Z');
const LATER = new Date('2025-06-01T00:00:00Z');

/** A DVC about a 2025 yellow-fever dose, valid for ten years from ten days after it. */
const PAYLOAD: DvcPayload = {
  n: 'Asha Rao',
  dob: '1990-05-15',
  s: 'F',
  ntl: 'IN',
  nid: 'P1234567',
  v: {
    tg: '1D47',
    vp: 'XM0N24',
    mp: 'Stamaril',
    ma: 'Sanofi Pasteur',
    dn: 'Primary',
    dt: '2025-02-19',
    bo: 'YF-001',
    vls: '2025-03-01',
    vle: '2035-03-01',
    cn: 'Dr Rao',
    is: 'Ministry of Health',
  },
};

const text = (t: string) => ({ kind: 'text' as const, text: t, raw: t, maxItems: 16 });
const check = (result: { checks: { name: string; ok: boolean; code?: string }[] }, name: string) =>
  result.checks.find((c) => c.name === name);

describe('the real WHO DVC (gdhcn-validator test QR)', () => {
  it('decodes to what WHO shows: headers, claims and the -6 payload', () => {
    const d = decodeDvc(REAL);
    expect(d.kidBytes && Buffer.from(d.kidBytes).toString('hex')).toBe('514b897309a3a093');
    expect(d.kid).toBe('UUuJcwmjoJM=');
    expect(d.alg).toBe('ES256');
    expect(d.iss).toBe('XL');
    expect(d.iat).toBe(1726079949);
    expect(d.exp).toBeUndefined();
    expect(d.profile).toBe('dvc');
    expect(d.protectedHeader).toEqual({ '1': -7, '4': 'UUuJcwmjoJM=' });
    expect(d.unprotectedHeader).toEqual(UNPACKED.unprotectedAttributes);
    expect(d.payload).toEqual(REAL_PAYLOAD);
    expect(d.claims).toEqual({ '1': 'XL', '6': 1726079949, '-260': { '-6': REAL_PAYLOAD } });
    expect(Object.keys(d.payload).sort()).toEqual(['dob', 'gn', 'n', 'nid', 's', 'ntl', 'v'].sort());
  });

  it('is detected as dvc only (the dcc plugin stops claiming it; control: a DCC stays dcc)', async () => {
    expect(peekHcertKind(REAL)).toBe('dvc');
    expect(dvcFormat.detect(text(REAL))).toEqual({ payload: REAL });
    expect(dccFormat.detect(text(REAL))).toBeUndefined();
    expect(icvpFormat.detect(text(REAL))).toBeUndefined();
    const { dsc } = await developmentPki();
    const dcc = await sampleHc1(dsc);
    expect(peekHcertKind(dcc)).toBe('dcc');
    expect(dccFormat.detect(text(dcc))).toEqual({ payload: dcc });
    expect(dvcFormat.detect(text(dcc))).toBeUndefined();
    // Unreadable HC1 stays with the dcc plugin, whose decoder names the fault.
    expect(dccFormat.detect(text('HC1:NOT BASE45 ;;'))).toBeDefined();
    expect(dvcFormat.detect(text('HC1:NOT BASE45 ;;'))).toBeUndefined();
  });

  it('decode is ok, trust fails without its key (it is in no list here)', async () => {
    const result = await verifyDvc(REAL, { now: new Date(1726079949 * 1000) });
    expect(check(result, 'decode')?.ok).toBe(true);
    expect(check(result, 'trust')).toMatchObject({ ok: false, code: 'ERR_DCC_KEY_NOT_TRUSTED' });
    expect(check(result, 'schema')?.ok).toBe(true);
    // vle 2015-02-07 (synthetic data): the certificate's own period ended before it was issued.
    expect(check(result, 'validity')).toMatchObject({ ok: false, code: 'ERR_DVC_EXPIRED' });
    expect(result.valid).toBe(false);
    const decoded = await dvcFormat.decode(REAL);
    expect(decoded.header).toMatchObject({ kid: 'UUuJcwmjoJM=', iss: 'XL', iat: '2024-09-11T18:39:09.000Z' });
    expect(dvcFormat.summarize(decoded.payload)).toMatchObject({
      name: 'Aulo Agerio',
      dateOfBirth: '1905-08-23',
      gender: 'male',
      event: 'vaccination',
      vaccineCode: 'XM0N24',
      date: '1904-08-23',
    });
  });

  it('the EU DCC decoder refuses it with a typed error naming the DVC', () => {
    expect(() => decodeDcc(REAL)).toThrow(expect.objectContaining({ code: 'ERR_DCC_CWT_INVALID' }));
    expect(() => decodeDcc(REAL)).toThrow(/WHO DVC/);
  });
});

describe('DVCs issued with a development signer', async () => {
  const csca = await createDevelopmentCsca({ country: 'IN' });
  const signer = await createDevelopmentSigner({
    csca,
    validFrom: new Date('2025-01-01T00:00:00Z'),
    validityDays: 730,
  });
  const other = await createDevelopmentSigner({ csca, validFrom: new Date('2025-01-01T00:00:00Z'), validityDays: 730 });
  const trust = new TrustStore();
  trust.addCertificate(signer.certificatePem);
  const issued = await encodeDvc(PAYLOAD, { signer: signer.signer, certificate: signer.certificate, iat: ISSUED });

  it('round-trips: VALID with trust, no exp, payload unchanged', async () => {
    expect(issued.exp).toBeUndefined();
    expect(decodeDvc(issued.hc1).payload).toEqual(PAYLOAD);
    expect(decodeDvc(issued.hc1).claims['4']).toBeUndefined();
    const result = await verifyDvc(issued.hc1, { trust, now: LATER });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result).toMatchObject({ valid: true, format: 'dvc', issuer: 'IN', kid: signer.kid });
    expect(result.signer?.id).toBeDefined();
  });

  it('tampered copies are INVALID (payload byte, signature byte, kid swapped), and another key', async () => {
    const cose = decodeDvc(issued.hc1).coseBytes;
    const flip = (bytes: Uint8Array, at: number) => {
      const copy = bytes.slice();
      copy[at]! ^= 0x01;
      return copy;
    };
    const nameAt = Buffer.from(cose).indexOf(Buffer.from('Asha Rao'));
    const payloadTampered = toHc1(flip(cose, nameAt));
    const signatureTampered = toHc1(flip(cose, cose.length - 3));
    expect(decodeDvc(payloadTampered).payload.n).not.toBe(PAYLOAD.n);
    for (const hc1 of [payloadTampered, signatureTampered]) {
      const result = await verifyDvc(hc1, { trust, now: LATER });
      expect(check(result, 'decode')?.ok).toBe(true);
      expect(check(result, 'signature')).toMatchObject({ ok: false, code: 'ERR_DCC_SIGNATURE_INVALID' });
      expect(result.valid).toBe(false);
    }
    // kid swapped to the other signer's (both trusted): the signature does not verify under that key.
    const both = new TrustStore();
    both.addCertificate(signer.certificatePem);
    both.addCertificate(other.certificatePem);
    const swapped = toHc1(
      await craftCose(signer.signer, Buffer.from(other.kid, 'base64'), {
        claims: new Map<number, unknown>([
          [1, 'IN'],
          [6, Math.floor(ISSUED.getTime() / 1000)],
          [-260, new Map([[-6, PAYLOAD]])],
        ]),
      }),
    );
    const swappedResult = await verifyDvc(swapped, { trust: both, now: LATER });
    expect(check(swappedResult, 'signature')).toMatchObject({ ok: false, code: 'ERR_DCC_SIGNATURE_INVALID' });
    // Signed by another key that is not trusted.
    const byOther = await encodeDvc(PAYLOAD, { signer: other.signer, certificate: other.certificate, iat: ISSUED });
    const otherResult = await verifyDvc(byOther.hc1, { trust, now: LATER });
    expect(check(otherResult, 'signature')).toMatchObject({ ok: false, code: 'ERR_DCC_KEY_NOT_TRUSTED' });
    expect(otherResult.valid).toBe(false);
    // Control: the untampered one verifies with both keys trusted.
    expect((await verifyDvc(issued.hc1, { trust: both, now: LATER })).valid).toBe(true);
  });

  it('validity without exp: vls/vle and iat decide (control: inside the period)', async () => {
    expect((await verifyDvc(issued.hc1, { trust, now: LATER })).valid).toBe(true);
    const before = await verifyDvc(issued.hc1, { trust, now: new Date('2025-02-28T12:00:00Z') });
    expect(check(before, 'validity')).toMatchObject({ ok: false, code: 'ERR_DVC_NOT_YET_VALID' });
    const after = await verifyDvc(issued.hc1, { trust, now: new Date('2035-03-02T00:00:01Z') });
    expect(check(after, 'validity')?.ok).toBe(false);
    expect(check(after, 'validity')).toMatchObject({ code: 'ERR_DVC_EXPIRED' });
    // On vle's last day the DVC's own period holds; here the signer certificate (two years) is what has ended.
    const lastDay = await verifyDvc(issued.hc1, { trust, now: new Date('2035-03-01T23:59:00Z') });
    expect(check(lastDay, 'validity')).toMatchObject({ code: 'ERR_DCC_SIGNER_CERTIFICATE_EXPIRED' });
    const open = await encodeDvc(
      { ...PAYLOAD, v: { ...(PAYLOAD.v as object), vls: undefined, vle: undefined } as DvcPayload['v'] },
      { signer: signer.signer, certificate: signer.certificate, iat: ISSUED },
    );
    expect(check(await verifyDvc(open.hc1, { trust, now: LATER }), 'validity')?.ok).toBe(true);
    const early = await verifyDvc(open.hc1, { trust, now: new Date('2025-02-01T00:00:00Z') });
    expect(check(early, 'validity')).toMatchObject({ ok: false, code: 'ERR_DVC_NOT_YET_VALID' });
    const withExp = await encodeDvc(PAYLOAD, {
      signer: signer.signer,
      certificate: signer.certificate,
      iat: ISSUED,
      exp: new Date('2025-04-01T00:00:00Z'),
    });
    expect(check(await verifyDvc(withExp.hc1, { trust, now: LATER }), 'validity')).toMatchObject({
      ok: false,
      code: 'ERR_DVC_EXPIRED',
    });
  });

  it('key usage: a signer restricted to EU DCC tests may not sign a DVC (control: a vaccination signer)', async () => {
    const testOnly = await createDevelopmentSigner({
      csca,
      types: ['t'],
      validFrom: new Date('2025-01-01T00:00:00Z'),
      validityDays: 730,
    });
    const store = new TrustStore();
    store.addCertificate(testOnly.certificatePem);
    const hc1 = (await encodeDvc(PAYLOAD, { signer: testOnly.signer, certificate: testOnly.certificate, iat: ISSUED }))
      .hc1;
    const result = await verifyDvc(hc1, { trust: store, now: LATER });
    expect(check(result, 'key-usage')).toMatchObject({ ok: false, code: 'ERR_DCC_KEY_USAGE' });
    expect(check(await verifyDvc(issued.hc1, { trust, now: LATER }), 'key-usage')?.ok).toBe(true);
  });

  it('schema: a payload WHO’s model refuses is not signed, and is INVALID when signed anyway', async () => {
    const bad = { ...PAYLOAD, dob: '15/05/1990' };
    await expect(encodeDvc(bad, { signer: signer.signer, certificate: signer.certificate })).rejects.toMatchObject({
      code: 'ERR_DVC_SCHEMA_INVALID',
    });
    const forced = await encodeDvc(bad, {
      signer: signer.signer,
      certificate: signer.certificate,
      iat: ISSUED,
      validate: false,
    });
    const result = await verifyDvc(forced.hc1, { trust, now: LATER });
    expect(check(result, 'schema')).toMatchObject({ ok: false, code: 'ERR_DVC_SCHEMA_INVALID' });
    expect(check(result, 'signature')?.ok).toBe(true);
  });

  it('an ICVP (catalogue product id, list of vaccinations) is the icvp format', async () => {
    const icvp: DvcPayload = {
      n: 'Asha Rao',
      dob: '1990-05-15',
      v: [{ vp: 'a3K3X000005atRtUAI', dt: '2025-02-19', bo: 'YF-001', is: 'MoH' }],
    };
    const hc1 = (await encodeDvc(icvp, { signer: signer.signer, certificate: signer.certificate, iat: ISSUED })).hc1;
    expect(peekHcertKind(hc1)).toBe('icvp');
    expect(icvpFormat.detect(text(hc1))).toBeDefined();
    expect(dvcFormat.detect(text(hc1))).toBeUndefined();
    expect(dccFormat.detect(text(hc1))).toBeUndefined();
    const result = await verifyDvc(hc1, { trust, now: LATER });
    expect(result).toMatchObject({ valid: true, format: 'icvp' });
  });
});

describe('hostile HCERT input: typed errors, never a crash', async () => {
  const { dsc } = await developmentPki();
  const kid = Buffer.from(dsc.kid, 'base64');
  const craft = (hcert: unknown, extra: [number, unknown][] = []) =>
    craftCose(dsc.signer, kid, {
      claims: new Map<number, unknown>([[1, 'IN'], [6, 1_700_000_000], [-260, hcert], ...extra]),
    });

  it('control: a well-formed DVC decodes', async () => {
    expect(decodeDvc(await craft(new Map([[-6, PAYLOAD]]))).payload).toEqual(PAYLOAD);
  });

  it('refuses -260 with both 1 and -6, -6 not a map, deep nesting, and a DCC read as a DVC', async () => {
    const cases = {
      both: await craft(
        new Map<number, unknown>([
          [1, SAMPLE_DCC],
          [-6, PAYLOAD],
        ]),
      ),
      notMap: await craft(new Map<number, unknown>([[-6, 'x']])),
      array: await craft(new Map<number, unknown>([[-6, [PAYLOAD]]])),
      deep: await craft(new Map([[-6, { ...PAYLOAD, x: JSON.parse('['.repeat(40) + ']'.repeat(40)) }]])),
      dcc: await craft(new Map([[1, SAMPLE_DCC]])),
      noHcert: await craft('x'),
    };
    for (const [name, cose] of Object.entries(cases)) {
      expect(() => decodeDvc(cose), name).toThrow(expect.objectContaining({ code: 'ERR_DCC_CWT_INVALID' }));
      const result = await verifyDvc(cose);
      expect(check(result, 'decode'), name).toMatchObject({ ok: false, code: 'ERR_DCC_CWT_INVALID' });
    }
    // Both sub-claims: nothing claims it as a DVC, so the dcc plugin's decoder reports it.
    expect(peekHcertKind(cases.both)).toBeUndefined();
    // The EU DCC path refuses both too (which one was signed for is unclear); control: the DCC alone decodes.
    expect(() => decodeDcc(cases.both)).toThrow(expect.objectContaining({ code: 'ERR_DCC_CWT_INVALID' }));
    expect(decodeDcc(cases.dcc).payload).toEqual(SAMPLE_DCC);
  });

  it('truncated, oversized and huge-string HC1 texts give typed errors', async () => {
    const good = toHc1(await craft(new Map([[-6, PAYLOAD]])));
    expect(decodeDvc(good).payload.n).toBe(PAYLOAD.n);
    const truncated = good.slice(0, good.length - 7);
    expect(() => decodeDvc(truncated)).toThrow(expect.objectContaining({ code: expect.stringMatching(/^ERR_DCC_/) }));
    expect(() => decodeDvc(`HC1:${'A'.repeat(9000)}`)).toThrow(
      expect.objectContaining({ code: 'ERR_DCC_INPUT_INVALID' }),
    );
    expect(peekHcertKind(`HC1:${'A'.repeat(9000)}`)).toBeUndefined();
    const huge = await craft(new Map([[-6, { ...PAYLOAD, n: 'x'.repeat(20_000) }]]));
    const result = await verifyDvc(huge, { trust: new TrustStore() });
    expect(check(result, 'decode')?.ok).toBe(true);
    expect(check(result, 'schema')).toMatchObject({ ok: false, code: 'ERR_DVC_SCHEMA_INVALID' });
    expect(JSON.stringify(result.checks).length).toBeLessThan(4000);
    for (const junk of ['HC1:', 'HC1:%%%', 'HC1:6BF', Uint8Array.of(0xd2, 0x84, 0, 0), new Uint8Array(0)]) {
      expect(peekHcertKind(junk)).toBeUndefined();
      const r = await verifyDvc(junk);
      expect(r.valid).toBe(false);
      expect(check(r, 'decode')?.ok).toBe(false);
    }
  });

  it('claims: a negative or non-finite exp is refused; a float exp is read as seconds (control: integer)', async () => {
    const dvc = new Map([[-6, PAYLOAD]]);
    const negative = await craft(dvc, [[4, -5]]);
    expect(() => decodeDvc(negative)).toThrow(expect.objectContaining({ code: 'ERR_DCC_CWT_INVALID' }));
    const nan = await craft(dvc, [[4, Number.NaN]]);
    expect(() => decodeDvc(nan)).toThrow(expect.objectContaining({ code: 'ERR_DCC_CWT_INVALID' }));
    expect(decodeDvc(await craft(dvc, [[4, 1.9e9]])).exp).toBe(1.9e9);
    expect(decodeDvc(await craft(dvc, [[4, 1_900_000_000]])).exp).toBe(1_900_000_000);
    expect(cborEncode(1.5).length).toBeGreaterThan(1);
    expect(base64Encode(kid)).toBe(dsc.kid);
    expect(claimsFor(PAYLOAD).get(-260)).toBeDefined();
  });

  it('verifyDcc still verifies a DCC (control for the shared path)', async () => {
    const trust = new TrustStore();
    trust.addCertificate(dsc.certificatePem);
    const hc1 = (await encodeDcc(SAMPLE_DCC, { signer: dsc.signer, certificate: dsc.certificatePem })).hc1;
    expect(peekHcertKind(hc1)).toBe('dcc');
    const result = await verifyDcc(hc1, { trust });
    expect(result.valid).toBe(true);
  });
});

describe('fuzz: mutated DVC texts never crash the peek, the decoder or the verifier', () => {
  it('every outcome is a typed error or a decoded DVC (control: the unmutated text decodes)', async () => {
    expect(decodeDvc(REAL).payload.n).toBe('Aulo Agerio');
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 300; i++) {
      const chars = [...REAL];
      for (let j = 0; j < 1 + Math.floor(next() * 4); j++) {
        const at = 4 + Math.floor(next() * (chars.length - 4));
        chars[at] = alphabet[Math.floor(next() * alphabet.length)]!;
      }
      const mutated = chars.join('');
      expect(() => peekHcertKind(mutated)).not.toThrow();
      try {
        decodeDvc(mutated);
      } catch (error) {
        expect((error as { code?: string }).code, mutated).toMatch(/^ERR_DCC_/);
      }
      const result = await verifyDvc(mutated);
      expect(result.valid).toBe(false);
    }
  });
});
