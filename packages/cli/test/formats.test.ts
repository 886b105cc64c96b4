import { readFile, writeFile, mkdir, cp } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrustStore } from '@divoc/keys';
import { verifyShc } from '@divoc/shc';
import { DIVOC_ED25519_KEY, DIVOC_RSA_PUBLIC, ndjson, run, vectorPath, withTempDir } from './helpers.js';
import { type VerifyLine as Line, verifyLines as lines } from './helpers.js';

const failed = (line: Line | undefined) => (line?.checks ?? []).filter((c) => !c.ok).map((c) => `${c.name}:${c.code}`);

const SHC_ISSUER = 'https://spec.smarthealth.cards/examples/issuer';
const SHC_JWKS = vectorPath('shc/examples/issuer/.well-known/jwks.json');

describe('divoc verify: DIVOC QR vectors (text and PNG)', () => {
  const inputs = [
    'rsa2018-divocdev-valid.qr-text.txt',
    'ed25519-2018-divocdev-valid.qr-text.txt',
    'rsa2018-divocdev-valid.qr.png',
    'ed25519-2018-divocdev-valid.qr.png',
  ].map((n) => vectorPath(`divoc/qr/${n}`));

  it('every DIVOC QR text and image verifies with the DIVOC keys as trust', async () => {
    const r = await run(['verify', '--json', '--trust', DIVOC_ED25519_KEY, '--trust', DIVOC_RSA_PUBLIC, ...inputs]);
    const out = lines(r.stdout);
    // The keys are known only as did:india: the certificates' own issuer is claimed, not bound.
    expect(
      out.map((l) => [l.format, l.valid, l.issuer, l.claimedIssuer]),
      r.stdout + r.stderr,
    ).toEqual(inputs.map(() => ['divoc-qr', true, 'did:india', 'https://divoc.dev/']));
    expect(out.every((l) => l.warnings?.[0]?.code === 'WARN_TRUST_ISSUER_UNBOUND')).toBe(true);
    expect(r.code).toBe(0);
    // Bound to their issuer (ISSUER=FILE), the same keys vouch for it.
    const bound = await run([
      'verify',
      '--json',
      '--trust',
      `https://divoc.dev/=${DIVOC_ED25519_KEY}`,
      '--trust',
      `https://divoc.dev/=${DIVOC_RSA_PUBLIC}`,
      ...inputs,
    ]);
    // (DIVOC's contexts still leave some evidence fields unbound by the signature: that warning stays.)
    expect(
      lines(bound.stdout).map((l) => [l.valid, l.issuer, l.warnings?.map((w) => w.code)]),
      bound.stdout + bound.stderr,
    ).toEqual(inputs.map(() => [true, 'https://divoc.dev/', ['WARN_VC_AMBIGUOUS_TERMS']]));
    // Bound to another issuer of the same kind, they refuse certificates naming this one.
    const other = await run([
      'verify',
      '--json',
      '--trust',
      `https://other.example/=${DIVOC_ED25519_KEY}`,
      '--trust',
      `https://other.example/=${DIVOC_RSA_PUBLIC}`,
      inputs[0] as string,
    ]);
    expect(failed(lines(other.stdout)[0])).toEqual(['trust:ERR_TRUST_ISSUER_MISMATCH']);
    expect(other.code).toBe(1);
  });

  it('without the right key, the DIVOC QR fails (exit 1)', async () => {
    const r = await run(['verify', '--json', '--trust', DIVOC_ED25519_KEY, inputs[0] as string]);
    expect(r.code).toBe(1);
    expect(lines(r.stdout)[0]).toMatchObject({ format: 'divoc-qr', valid: false });
  });

  it('a truncated DIVOC QR text fails decode with its code, not a crash', async () => {
    await withTempDir(async (dir) => {
      const text = await readFile(inputs[0] as string, 'utf8');
      const cut = join(dir, 'cut.txt');
      await writeFile(cut, text.slice(0, Math.floor(text.length / 2)));
      const r = await run(['verify', '--json', '--trust', DIVOC_RSA_PUBLIC, cut]);
      expect(r.code).toBe(1);
      const [line] = lines(r.stdout);
      expect(line).toMatchObject({ format: 'divoc-qr', valid: false });
      expect(line?.checks[0]).toMatchObject({ name: 'decode', ok: false });
      expect(line?.checks[0]?.code).toMatch(/^ERR_DIVOC_QR_/);
    });
  });
});

interface DgcCase {
  PREFIX: string;
  '2DCODE'?: string;
  TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string };
}

async function dgc(file: string): Promise<DgcCase> {
  return JSON.parse(await readFile(vectorPath(`dcc/dgc-testdata/${file}`), 'utf8')) as DgcCase;
}

/** Writes a dgc-testdata case as the files a verifier gets: HC1 text, its PNG and the signer certificate. */
async function dgcFiles(
  dir: string,
  file: string,
): Promise<{ hc1: string; png: string | undefined; cert: string; clock: string }> {
  const c = await dgc(file);
  const base = join(dir, file.replace(/[/.]/g, '_'));
  await writeFile(`${base}.txt`, `${c.PREFIX}\n`);
  await writeFile(`${base}.crt.b64`, c.TESTCTX.CERTIFICATE);
  if (c['2DCODE']) await writeFile(`${base}.png`, Buffer.from(c['2DCODE'], 'base64'));
  return {
    hc1: `${base}.txt`,
    png: c['2DCODE'] ? `${base}.png` : undefined,
    cert: `${base}.crt.b64`,
    clock: c.TESTCTX.VALIDATIONCLOCK,
  };
}

describe('divoc verify: EU dgc-testdata sample (--trust the TESTCTX certificate, --now the VALIDATIONCLOCK)', () => {
  // [file, valid, the check that must fail when invalid]
  const cases: [string, boolean, string?][] = [
    ['DE/2DCode/raw/1.json', true],
    ['DE/2DCode/raw/3.json', true],
    ['common/2DCode/raw/CO28.json', true],
    ['common/2DCode/raw/CO3.json', true],
    ['common/2DCode/raw/CO1.json', true],
    ['common/2DCode/raw/CO5.json', false, 'signature'],
    ['common/2DCode/raw/CO16.json', false, 'validity'],
    ['common/2DCode/raw/CO17.json', false, 'validity'],
    ['common/2DCode/raw/CO10.json', false, 'key-usage'],
    ['common/2DCode/raw/DGC1.json', false, 'schema'],
    ['common/2DCode/raw/Z1.json', false, 'decode'],
    ['common/2DCode/raw/CBO1.json', false, 'decode'],
  ];

  for (const [file, valid, check] of cases) {
    it(`${file} → ${valid ? 'valid' : `invalid (${check})`}`, async () => {
      await withTempDir(async (dir) => {
        const f = await dgcFiles(dir, file);
        const r = await run(['verify', '--json', '--trust', f.cert, '--now', f.clock, f.hc1]);
        const [line] = lines(r.stdout);
        expect(line?.format, r.stdout + r.stderr).toBe('dcc');
        expect(line?.valid, JSON.stringify(line?.checks)).toBe(valid);
        expect(r.code).toBe(valid ? 0 : 1);
        if (check) expect(line?.checks.find((c) => c.name === check)?.ok, JSON.stringify(line?.checks)).toBe(false);
      });
    });
  }

  it('the PNG image of a valid DCC verifies too', async () => {
    await withTempDir(async (dir) => {
      const f = await dgcFiles(dir, 'DE/2DCode/raw/1.json');
      const r = await run(['verify', '--json', '--trust', f.cert, '--now', f.clock, f.png as string]);
      expect(lines(r.stdout)[0], r.stdout).toMatchObject({ format: 'dcc', valid: true, issuer: 'DE' });
      expect(r.code).toBe(0);
    });
  });

  it('an EU signer list [{ kid, rawData }] is a trust source; without trust the DCC fails trust', async () => {
    await withTempDir(async (dir) => {
      const c = await dgc('DE/2DCode/raw/1.json');
      const f = await dgcFiles(dir, 'DE/2DCode/raw/1.json');
      const decoded = await run(['decode', '--json', f.hc1]);
      const kid = (ndjson(decoded.stdout)[0]?.header as { kid: string }).kid;
      const list = join(dir, 'signers.json');
      await writeFile(list, JSON.stringify([{ kid, rawData: c.TESTCTX.CERTIFICATE, country: 'DE' }]));
      const ok = await run(['verify', '--json', '--trust', list, '--now', f.clock, f.hc1]);
      expect(lines(ok.stdout)[0]?.valid, ok.stdout + ok.stderr).toBe(true);
      const none = await run(['verify', '--json', '--now', f.clock, f.hc1]);
      expect(none.code).toBe(1);
      expect(failed(lines(none.stdout)[0])).toContain('trust:ERR_DCC_KEY_NOT_TRUSTED');
    });
  });
});

describe('divoc verify: SMART Health Card examples', () => {
  const numeric = (ex: string, i = 0) => vectorPath(`shc/examples/example-${ex}-f-qr-code-numeric-value-${i}.txt`);
  const card = (ex: string) => vectorPath(`shc/examples/example-${ex}-e-file.smart-health-card`);
  const svg = (ex: string, i = 0) => vectorPath(`shc/examples/example-${ex}-g-qr-code-${i}.svg`);

  it(
    'numeric QR texts, .smart-health-card files, chunk sets (as separate INPUTs, any order) ' +
      'verify with ISS=jwks.json',
    async () => {
      const r = await run([
        'verify',
        '--json',
        '--trust',
        `${SHC_ISSUER}=${SHC_JWKS}`,
        numeric('00'),
        card('00'),
        card('02'),
        numeric('02', 2),
        numeric('02', 0),
        numeric('02', 1),
      ]);
      const out = lines(r.stdout);
      expect(
        out.map((l) => [l.format, l.valid]),
        r.stdout + r.stderr,
      ).toEqual([
        ['shc', true],
        ['shc', true],
        ['shc', true],
        ['shc', true],
      ]);
      expect(out[3]?.input).toContain(' + ');
      expect(out.every((l) => l.issuer === SHC_ISSUER)).toBe(true);
      expect(r.code).toBe(0);
    },
  );

  it('the SVG QR images verify, chunked ones gathered from three images', async () => {
    const r = await run(['verify', '--json', '--trust', SHC_JWKS, svg('00'), svg('02', 1), svg('02', 0), svg('02', 2)]);
    expect(
      lines(r.stdout).map((l) => [l.format, l.valid]),
      r.stdout + r.stderr,
    ).toEqual([
      ['shc', true],
      ['shc', true],
    ]);
    expect(r.code).toBe(0);
  });

  it('chunks in one file, one per line, are one card', async () => {
    await withTempDir(async (dir) => {
      const texts = await Promise.all([0, 1, 2].map((i) => readFile(numeric('02', i), 'utf8')));
      const file = join(dir, 'card.shc.txt');
      await writeFile(file, `${texts.map((t) => t.trim()).join('\n')}\n`);
      const r = await run(['verify', '--json', '--trust', SHC_JWKS, file]);
      expect(lines(r.stdout)[0], r.stdout).toMatchObject({ format: 'shc', valid: true });
    });
  });

  it('a missing chunk fails decode', async () => {
    const r = await run(['verify', '--json', '--trust', SHC_JWKS, numeric('02', 0), numeric('02', 2)]);
    expect(r.code).toBe(1);
    const [line] = lines(r.stdout);
    expect(line).toMatchObject({ format: 'shc', valid: false });
    expect(line?.checks[0]).toMatchObject({ name: 'decode', ok: false });
  });

  it(
    'an issuer folder (.well-known/ with jwks.json and crl/) is a trust source; ' + 'its revocation list is applied',
    async () => {
      const r = await run([
        'verify',
        '--json',
        '--trust',
        `${SHC_ISSUER}=${vectorPath('shc/examples/issuer')}`,
        card('00'),
      ]);
      const [line] = lines(r.stdout);
      expect(line?.valid, r.stdout + r.stderr).toBe(true);
      expect(line?.checks.map((c) => c.name)).toContain('revocation');
    },
  );

  it('a JWKS bound to another issuer does not verify the card', async () => {
    const r = await run(['verify', '--json', '--trust', `https://other.example=${SHC_JWKS}`, numeric('00')]);
    expect(r.code).toBe(1);
    expect(failed(lines(r.stdout)[0])).toEqual(['trust:ERR_TRUST_ISSUER_MISMATCH']);
  });

  it(
    'example-01 (key certificate expired a year before signing) fails trust with ERR_SHC_KEY_EXPIRED, ' +
      'even with --allow-expired-keys',
    async () => {
      const strict = await run(['verify', '--json', '--trust', `${SHC_ISSUER}=${SHC_JWKS}`, numeric('01'), card('01')]);
      expect(strict.code).toBe(1);
      for (const line of lines(strict.stdout)) expect(failed(line)).toEqual(['trust:ERR_SHC_KEY_EXPIRED']);
      // The policy accepts keys that expired after they signed; this card was made after its key's certificate expired.
      const lenient = await run([
        'verify',
        '--json',
        '--allow-expired-keys',
        '--trust',
        `${SHC_ISSUER}=${SHC_JWKS}`,
        numeric('01'),
        card('01'),
        svg('01'),
      ]);
      expect(
        lines(lenient.stdout).map((l) => failed(l)),
        lenient.stdout,
      ).toEqual([['trust:ERR_SHC_KEY_EXPIRED'], ['trust:ERR_SHC_KEY_EXPIRED'], ['trust:ERR_SHC_KEY_EXPIRED']]);
      expect(lenient.code).toBe(1);
    },
  );

  it('verifyShc policy.acceptExpiredKeys (in @divoc/shc): off by default, on accepts example-01', async () => {
    const store = new TrustStore();
    store.addJwks(JSON.parse(await readFile(SHC_JWKS, 'utf8')), { issuer: SHC_ISSUER });
    const text = (await readFile(numeric('01'), 'utf8')).trim();
    const strict = await verifyShc(text, { trust: store });
    expect(strict.valid).toBe(false);
    expect(strict.checks.find((c) => c.name === 'trust')).toMatchObject({ ok: false, code: 'ERR_SHC_KEY_EXPIRED' });
    const off = await verifyShc(text, { trust: store, policy: { acceptExpiredKeys: false } });
    expect(off.valid).toBe(false);
    const on = await verifyShc(text, { trust: store, policy: { acceptExpiredKeys: true } });
    expect(on.valid).toBe(true);
    expect(on.checks.find((c) => c.name === 'trust')?.message).toMatch(/accepted by policy/);
    // The policy never makes an untrusted key trusted.
    const empty = await verifyShc(text, { trust: new TrustStore(), policy: { acceptExpiredKeys: true } });
    expect(empty.valid).toBe(false);
  });

  it('a tampered card fails signature', async () => {
    await withTempDir(async (dir) => {
      const jws = (await readFile(vectorPath('shc/examples/example-00-d-jws.txt'), 'utf8')).trim();
      const [h, p, s] = jws.split('.') as [string, string, string];
      const forged = join(dir, 'forged.jws.txt');
      // Flip the last signature character: still base64url, no longer the signature.
      await writeFile(forged, `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`);
      const r = await run(['verify', '--json', '--trust', SHC_JWKS, forged]);
      expect(r.code).toBe(1);
      expect(lines(r.stdout)[0]).toMatchObject({ format: 'shc', valid: false });
    });
  });
});

describe('divoc verify: VDS-NC (Australian sample seal)', () => {
  const CSCA = vectorPath('vdsnc/au-csca-root.der.b64');

  it('the seal verifies against the AU CSCA (base64 DER trust file); the tampered copy fails signature', async () => {
    const r = await run([
      'verify',
      '--json',
      '--trust',
      CSCA,
      vectorPath('vdsnc/au-citizen-john-valid.json'),
      vectorPath('vdsnc/au-citizen-john-tampered-invalid.json'),
    ]);
    const [good, bad] = lines(r.stdout);
    expect(good, r.stdout + r.stderr).toMatchObject({ format: 'vdsnc', valid: true, issuer: 'AUS' });
    expect(bad).toMatchObject({ format: 'vdsnc', valid: false });
    expect(failed(bad)).toEqual(['signature:ERR_VDSNC_SIGNATURE_INVALID']);
    expect(r.code).toBe(1);
  });

  it('the CSCA as PEM and as DER works too; without it the seal fails trust', async () => {
    await withTempDir(async (dir) => {
      const b64 = (await readFile(CSCA, 'utf8')).replace(/\s+/g, '');
      const pem = join(dir, 'csca.pem');
      const der = join(dir, 'csca.der');
      await writeFile(
        pem,
        `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)?.join('\n')}\n-----END CERTIFICATE-----\n`,
      );
      await writeFile(der, Buffer.from(b64, 'base64'));
      for (const trust of [pem, der]) {
        const r = await run(['verify', '--json', '--trust', trust, vectorPath('vdsnc/au-citizen-john-valid.json')]);
        expect(lines(r.stdout)[0]?.valid, r.stdout + r.stderr).toBe(true);
      }
      const none = await run(['verify', '--json', vectorPath('vdsnc/au-citizen-john-valid.json')]);
      expect(failed(lines(none.stdout)[0])).toEqual(['trust:ERR_VDSNC_NOT_TRUSTED']);
    });
  });
});

describe('divoc verify: hostile and unrecognised inputs', () => {
  it('each bad input gets a failed decode with a stable code, never a crash', async () => {
    await withTempDir(async (dir) => {
      const files: Record<string, string | Uint8Array> = {
        'garbage.txt': 'hello world',
        'hc1-truncated.txt': 'HC1:6BF+70790T9WJWG.FKY*4GO0.O',
        'hc1-bad-base45.txt': 'HC1:~~~~',
        'shc-bad.txt': 'shc:/5676295953265460346029254077280433602870286567',
        'compact-bad.txt': 'DIVOC1:ABC',
        'vdsnc-bad.json': '{"data":{"hdr":{"t":"icao.vacc","v":1,"is":"AUS"}},"sig":{}}',
        'png-not-qr.png': Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
        'jpeg-broken.jpg': Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
        'svg-empty.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>',
        'binary.bin': Uint8Array.from([0, 1, 2, 0xff, 0xfe]),
        'json-array.json': '[1,2,3]',
      };
      const paths: string[] = [];
      for (const [name, content] of Object.entries(files)) {
        await writeFile(join(dir, name), content);
        paths.push(join(dir, name));
      }
      const r = await run(['verify', '--json', ...paths]);
      expect(r.code, r.stderr).toBe(1);
      const out = lines(r.stdout);
      expect(out).toHaveLength(paths.length);
      for (const line of out) {
        expect(line.valid).toBe(false);
        expect(line.checks[0]?.name, JSON.stringify(line)).toBe('decode');
        expect(line.checks[0]?.ok).toBe(false);
        expect(line.checks[0]?.code, JSON.stringify(line)).toMatch(/^ERR_[A-Z0-9_]+$/);
      }
      const byName = Object.fromEntries(out.map((l) => [l.input.split('/').pop(), l]));
      expect(byName['garbage.txt']?.checks[0]?.code).toBe('ERR_INPUT_UNRECOGNIZED');
      expect(byName['hc1-truncated.txt']?.format).toBe('dcc');
      expect(byName['compact-bad.txt']?.format).toBe('vc-compact');
      expect(byName['png-not-qr.png']?.checks[0]?.code).toMatch(/^ERR_QR_/);
    });
  });

  it('an oversized input is refused before parsing', async () => {
    await withTempDir(async (dir) => {
      const big = join(dir, 'big.txt');
      await writeFile(big, `HC1:${'A'.repeat(4 * 1024 * 1024)}`);
      const r = await run(['verify', '--json', big]);
      expect(r.code).toBe(1);
      expect(lines(r.stdout)[0]?.checks[0]).toMatchObject({ ok: false, code: 'ERR_INPUT_TOO_LARGE' });
    });
  });

  it(
    'bad trust sources are exit 2: a broken signer list, an empty issuer folder, ' + 'a garbage base64 certificate',
    async () => {
      await withTempDir(async (dir) => {
        await writeFile(join(dir, 'list.json'), '[{"kid":"x","rawData":"bm90IGEgY2VydA=="}]');
        await mkdir(join(dir, 'issuer'));
        await writeFile(join(dir, 'cert.b64'), 'MIIBbm90IGEgY2VydA==');
        await mkdir(join(dir, 'issuer2/.well-known/crl'), { recursive: true });
        await cp(SHC_JWKS, join(dir, 'issuer2/.well-known/jwks.json'));
        await writeFile(join(dir, 'issuer2/.well-known/crl/x.json'), '{"kid":"x","method":"nope","ctr":1,"rids":[]}');
        for (const trust of ['list.json', 'issuer', 'cert.b64', 'issuer2']) {
          const r = await run(['verify', '--trust', join(dir, trust), vectorPath('vdsnc/au-citizen-john-valid.json')]);
          expect(r.code, `${trust}: ${r.stderr}`).toBe(2);
          expect(r.stderr).toMatch(/^divoc: /);
        }
      });
    },
  );
});
