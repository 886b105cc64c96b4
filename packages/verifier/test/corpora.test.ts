import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Trust, toJsonReport, verify } from '@divoc/verifier';
import { loadTrustDirectory } from '../src/node.js';
import { loadTestCases, parseValidationClock, type TestCase } from '../../dcc/test/harness/dgc-testdata.js';
import { SHC_ISSUER, outline, vectorBytes, vectorJson, vectorPath, vectorText } from './helpers.js';

const DIVOC_NOW = new Date('2022-01-01T00:00:00Z');

function divocTrust(): Trust {
  const trust = new Trust();
  expect(trust.add(vectorText('divoc/keys/divoc-test-rsa.public.pem'))).toEqual({ kind: 'divoc-key', keys: 1 });
  // DIVOC's key JSON carries the private key too: only the public key is kept.
  expect(trust.add(vectorText('divoc/keys/divoc-test-ed25519.json'))).toEqual({ kind: 'divoc-key', keys: 1 });
  return trust;
}

describe('DIVOC certificates', () => {
  const trust = divocTrust();

  it.each(['rsa2018-divocdev-valid.json', 'rsa2018-cowinctx-valid.json', 'ed25519-2018-divocdev-valid.json'])(
    '%s (file text, bytes and object) is valid',
    async (name) => {
      const text = vectorText(`divoc/signed/${name}`);
      for (const input of [text, new TextEncoder().encode(text), JSON.parse(text) as object]) {
        const result = await verify(input, { trust, now: DIVOC_NOW });
        expect(result.format).toBe('w3c-vc');
        expect(outline(result.checks)).toEqual(['decode:ok', 'signature:ok', 'trust:ok', 'validity:ok', 'schema:ok']);
        expect(result.valid).toBe(true);
        expect(result.details?.verificationMethod).toBe('did:india');
      }
    },
  );

  it('the tampered certificate is invalid (signature)', async () => {
    const result = await verify(vectorText('divoc/signed/rsa2018-tampered-invalid.json'), { trust, now: DIVOC_NOW });
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.name === 'signature')).toMatchObject({
      ok: false,
      code: 'ERR_VC_SIGNATURE_INVALID',
    });
  });

  it('without the DIVOC key nothing is trusted', async () => {
    const result = await verify(vectorText('divoc/signed/rsa2018-divocdev-valid.json'), {
      trust: new Trust(),
      now: DIVOC_NOW,
    });
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.name === 'signature')?.code).toBe('ERR_VC_KEY_NOT_TRUSTED');
  });

  it("summarises DIVOC's evidence", async () => {
    const result = await verify(vectorText('divoc/signed/rsa2018-divocdev-valid.json'), { trust, now: DIVOC_NOW });
    expect(result.summary).toEqual({
      name: 'Bhaya Mitra',
      gender: 'Male',
      event: 'vaccination',
      vaccine: 'CoVax',
      manufacturer: 'COVPharma',
      date: '2020-12-02',
      country: 'IN',
    });
    // The key is known only as did:india: the certificate's own issuer is shown as claimed, not as proven.
    expect(result.issuer).toBe('did:india');
    expect(result.claimedIssuer).toBe('https://divoc.dev/');
    // DIVOC's contexts leave some evidence fields unbound by the signature: said, with the fields.
    expect(result.warnings?.map((w) => w.code)).toEqual(['WARN_TRUST_ISSUER_UNBOUND', 'WARN_VC_AMBIGUOUS_TERMS']);
    expect(result.warnings?.[1]?.fields).toEqual(
      expect.arrayContaining([
        'evidence[0].batch',
        'evidence[0].date',
        'evidence[0].effectiveUntil',
        'evidence[0].dose',
        'evidence[0].totalDoses',
      ]),
    );
  });

  it(
    'a genuine DIVOC certificate with date and effectiveUntil swapped still verifies: the warning is what ' + 'tells',
    async () => {
      const original = JSON.parse(vectorText('divoc/signed/rsa2018-divocdev-valid.json')) as {
        evidence: Record<string, unknown>[];
      };
      const swapped = structuredClone(original);
      const e = swapped.evidence[0]!;
      expect(e.date).not.toEqual(e.effectiveUntil);
      [e.date, e.effectiveUntil] = [e.effectiveUntil, e.date];
      const result = await verify(swapped, { trust, now: DIVOC_NOW });
      expect(result.checks.find((c) => c.name === 'signature')?.ok).toBe(true);
      expect(result.summary.date).not.toBe((await verify(original, { trust, now: DIVOC_NOW })).summary.date);
      expect(result.warnings?.find((w) => w.code === 'WARN_VC_AMBIGUOUS_TERMS')?.fields).toEqual(
        expect.arrayContaining(['evidence[0].date', 'evidence[0].effectiveUntil']),
      );
    },
  );

  it.each(['rsa2018-divocdev-valid', 'ed25519-2018-divocdev-valid'])('DIVOC QR text %s is valid', async (name) => {
    const result = await verify(vectorText(`divoc/qr/${name}.qr-text.txt`), { trust, now: DIVOC_NOW });
    expect(result.format).toBe('divoc-qr');
    expect(result.valid).toBe(true);
    expect(result.details?.variant).toMatch(/^zip-/);
    expect(result.summary.name).toBe('Bhaya Mitra');
  });

  it.each(['rsa2018-divocdev-valid', 'ed25519-2018-divocdev-valid'])(
    'DIVOC QR image %s.qr.png is valid',
    async (name) => {
      const result = await verify(vectorBytes(`divoc/qr/${name}.qr.png`), { trust, now: DIVOC_NOW });
      expect(result.format).toBe('divoc-qr');
      expect(result.valid).toBe(true);
      expect(result.details).toMatchObject({ image: 'png', qrCodes: 1 });
    },
  );
});

describe('W3C Data Integrity vectors (did:key trust)', () => {
  const cases = [
    ['eddsa-rdfc-2022', 'w3c/vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json'],
    ['Ed25519Signature2020', 'w3c/vc-di-eddsa/TestVectors/Ed25519Signature2020/signedEdSig.json'],
    ['ecdsa-rdfc-2019', 'w3c/vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/signedECDSAP256.json'],
  ] as const;

  it.each(cases)('%s verifies once its did:key is trusted, not before', async (suite, path) => {
    const credential = vectorJson(path);
    const vm = (credential.proof as { verificationMethod: string }).verificationMethod;
    const untrusted = await verify(credential, { trust: new Trust() });
    expect(untrusted.valid).toBe(false);
    const trust = new Trust();
    expect(trust.add(vm.split('#')[0]!)).toMatchObject({ kind: 'did-key', keys: 1 });
    const result = await verify(credential, { trust });
    expect(result.format).toBe('w3c-vc');
    expect(result.details?.suite).toBe(suite);
    expect(outline(result.checks)).toEqual(['decode:ok', 'signature:ok', 'trust:ok', 'validity:ok', 'schema:ok']);
    expect(result.valid).toBe(true);
    expect(result.summary.event).toBe('other');
  });
});

describe('EU dgc-testdata (trust = TESTCTX.CERTIFICATE, now = VALIDATIONCLOCK)', () => {
  const cases = loadTestCases().filter(
    (c) =>
      typeof c.expected.EXPECTEDVERIFY === 'boolean' &&
      typeof c.data.PREFIX === 'string' &&
      c.data.TESTCTX?.CERTIFICATE,
  );

  const run = async (c: TestCase, input: string | Uint8Array) => {
    const trust = new Trust();
    let trustError: unknown;
    try {
      trust.add(c.data.TESTCTX!.CERTIFICATE!);
    } catch (error) {
      trustError = error;
    }
    const clock = c.data.TESTCTX?.VALIDATIONCLOCK;
    const result = await verify(input, { trust, ...(clock ? { now: parseValidationClock(clock) } : {}) });
    return { result, trustError };
  };

  it('covers a broad sample', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  for (const c of cases) {
    it(`${c.file} EXPECTEDVERIFY=${c.expected.EXPECTEDVERIFY}`, async () => {
      const { result, trustError } = await run(c, c.data.PREFIX!);
      const verified = ['decode', 'signature', 'trust'].every(
        (name) => result.checks.find((check) => check.name === name)?.ok === true,
      );
      expect(verified, `${outline(result.checks).join(' ')} ${String(trustError ?? '')}`).toBe(
        c.expected.EXPECTEDVERIFY,
      );
      if (verified) expect(result.format).toBe('dcc');
    });
  }

  const withPictures = cases
    .filter((c) => c.expected.EXPECTEDVERIFY === true && typeof c.data['2DCODE'] === 'string')
    .slice(0, 4);
  it.each(withPictures.map((c) => [c.file, c] as const))(
    '%s read from its PNG verifies like its text',
    async (_file, c) => {
      const png = new Uint8Array(Buffer.from(String(c.data['2DCODE']), 'base64'));
      const { result } = await run(c, png);
      expect(result.format).toBe('dcc');
      expect(result.details?.image).toBe('png');
      for (const name of ['decode', 'signature', 'trust'])
        expect(result.checks.find((check) => check.name === name)?.ok, name).toBe(true);
    },
  );
});

describe('SMART Health Card examples via a .well-known trust directory', () => {
  let dir: string;
  let trust: Trust;
  const now = new Date('2025-01-01T00:00:00Z');
  const examples = readdirSync(vectorPath('shc/examples'));
  const chunks = (ex: string) =>
    examples
      .filter((f) => f.startsWith(`example-${ex}-f-qr-code-numeric-value-`))
      .sort()
      .map((f) => vectorText(`shc/examples/${f}`).trim());

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'divoc-verifier-shc-'));
    cpSync(vectorPath('shc/examples/issuer/.well-known'), join(dir, '.well-known'), { recursive: true });
    writeFileSync(
      join(dir, '.well-known', 'issuer.json'),
      JSON.stringify({ iss: SHC_ISSUER, name: 'SMART example issuer' }),
    );
    trust = await loadTrustDirectory(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the directory brings the keys, the issuer name and the CRL', () => {
    expect(trust.shcRevocationLists).toHaveLength(1);
    expect(trust.issuerName(SHC_ISSUER)).toBe('SMART example issuer');
    expect(trust.crlVersion(SHC_ISSUER, '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s')).toBe(1);
  });

  for (const ex of ['00', '02']) {
    it(`example-${ex}: JWS, QR text(s), chunk array, file and SVG are valid, CRL applied`, async () => {
      const inputs: unknown[] = [
        vectorText(`shc/examples/example-${ex}-d-jws.txt`),
        chunks(ex).length === 1 ? chunks(ex)[0] : chunks(ex),
        chunks(ex).join('\n'),
        vectorText(`shc/examples/example-${ex}-e-file.smart-health-card`),
        vectorBytes(`shc/examples/example-${ex}-e-file.smart-health-card`),
        examples
          .filter((f) => f.startsWith(`example-${ex}-g-qr-code-`))
          .sort()
          .map((f) => vectorBytes(`shc/examples/${f}`)),
      ];
      for (const [i, input] of inputs.entries()) {
        const result = await verify(input as string, { trust, now });
        expect(result.format, `input ${i}`).toBe('shc');
        expect(outline(result.checks), `input ${i}`).toEqual([
          'decode:ok',
          'signature:ok',
          'trust:ok',
          'validity:ok',
          'revocation:ok',
        ]);
        expect(result.valid).toBe(true);
        expect(result.issuer).toBe(SHC_ISSUER);
        expect(result.issuerName).toBe('SMART example issuer');
      }
    });
  }

  it('example-00 summary: patient, latest Moderna dose', async () => {
    const result = await verify(vectorText('shc/examples/example-00-d-jws.txt'), { trust, now });
    expect(result.summary).toMatchObject({
      name: 'John B. Anyperson',
      dateOfBirth: '1951-01-20',
      event: 'vaccination',
      vaccineCode: '229',
      dose: 3,
      date: '2022-09-05',
    });
    const report = toJsonReport(result, 'example-00.jws');
    expect(Object.keys(report).slice(0, 7)).toEqual([
      'input',
      'format',
      'valid',
      'issuer',
      'suite',
      'verificationMethod',
      'checks',
    ]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('example-01 (key certificate expired when the card was issued) fails, even with acceptExpiredKeys', async () => {
    const input = vectorText('shc/examples/example-01-d-jws.txt');
    const strict = await verify(input, { trust, now });
    expect(strict.valid).toBe(false);
    expect(strict.checks.find((c) => c.name === 'trust')).toMatchObject({ ok: false, code: 'ERR_SHC_KEY_EXPIRED' });
    // The policy is for keys that expired after they signed; this card was made after its key's certificate expired.
    const historical = await verify(input, { trust, now, policy: { acceptExpiredKeys: true } });
    expect(historical.valid).toBe(false);
    expect(historical.checks.find((c) => c.name === 'trust')).toMatchObject({ ok: false, code: 'ERR_SHC_KEY_EXPIRED' });
  });
});

describe('ICAO VDS-NC', () => {
  const trust = new Trust();
  const now = new Date('2022-01-15T00:00:00Z');
  beforeAll(() => {
    expect(trust.add(vectorText('vdsnc/au-csca-root.der.b64'))).toEqual({
      kind: 'csca-certificate',
      keys: 0,
      cscas: 1,
    });
  });

  it('the Australian seal is valid, summarised', async () => {
    const result = await verify(vectorText('vdsnc/au-citizen-john-valid.json'), { trust, now });
    expect(result.format).toBe('vdsnc');
    expect(outline(result.checks)).toEqual([
      'decode:ok',
      'signature:ok',
      'trust:ok',
      'validity:ok',
      'key-usage:ok',
      'schema:ok',
    ]);
    expect(result.valid).toBe(true);
    expect(result.issuer).toBe('AUS');
    expect(result.summary).toEqual({
      name: 'CITIZEN JOHN',
      dateOfBirth: '2004-03-20',
      gender: 'M',
      event: 'vaccination',
      vaccine: 'Moderna Spikevax',
      vaccineCode: 'XM68M6',
      dose: 2,
      date: '2021-10-03',
      country: 'AUS',
      certificateId: 'VB0009990025',
    });
  });

  it('the tampered seal is invalid', async () => {
    const result = await verify(vectorText('vdsnc/au-citizen-john-tampered-invalid.json'), { trust, now });
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.name === 'signature')).toMatchObject({
      ok: false,
      code: 'ERR_VDSNC_SIGNATURE_INVALID',
    });
  });

  it('without the CSCA the chain is not trusted', async () => {
    const result = await verify(vectorText('vdsnc/au-citizen-john-valid.json'), { trust: new Trust(), now });
    expect(result.checks.find((c) => c.name === 'trust')).toMatchObject({ ok: false, code: 'ERR_VDSNC_NOT_TRUSTED' });
  });
});
