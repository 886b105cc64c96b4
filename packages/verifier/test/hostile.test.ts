import { deflateSync } from 'node:zlib';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  base64Decode,
  dccKid,
  generateKeyPair,
  exportPrivatePem,
  exportPublicJwk,
  exportPublicPem,
  toTrustListEntry,
} from '@divoc/keys';
import {
  Trust,
  TrustInvalidError,
  TrustUnrecognizedError,
  VerifierOptionsError,
  isVerifierError,
  verify,
} from '@divoc/verifier';
import {
  MAX_TRUST_DIRECTORY_BYTES,
  MAX_TRUST_DIRECTORY_CRL_FILES,
  loadTrustDirectory,
  loadTrustFile,
} from '../src/node.js';
import { vectorBytes, vectorJson, vectorText } from './helpers.js';
import { pngChunk, pngFile, pngIhdr } from '../../../test/support/png.js';

const trust = new Trust();

async function expectDecodeFailure(input: unknown, code?: string | RegExp): Promise<void> {
  const result = await verify(input as string, { trust });
  expect(result.valid).toBe(false);
  const decode = result.checks.find((c) => !c.ok);
  expect(decode).toBeDefined();
  expect(decode!.code).toMatch(/^ERR_[A-Z0-9_]+$/);
  if (code !== undefined) expect(decode!.code).toMatch(code);
}

/** A PNG that declares 30 000 × 30 000 pixels of zeros (a decompression bomb): only the header is real. */
function pngBomb(): Uint8Array {
  const idat = new Uint8Array(deflateSync(new Uint8Array(4 * 1024 * 1024)));
  return pngFile(pngIhdr(30_000, 30_000, 8, 0), [pngChunk('IDAT', idat)]);
}

describe('hostile input: typed failed decode, never a throw', () => {
  it('wrong types and empty inputs', async () => {
    for (const input of [
      undefined,
      null,
      42,
      true,
      Symbol('x'),
      () => 1,
      '',
      '   ',
      new Uint8Array(),
      [],
      [42],
      [{}],
      {},
      { hello: 'world' },
      [null],
    ]) {
      await expectDecodeFailure(input, /^ERR_INPUT_/);
    }
  });

  it('random bytes and random text', async () => {
    const random = new Uint8Array(4096);
    for (let i = 0; i < random.length; i++) random[i] = (i * 7919 + 13) % 251;
    await expectDecodeFailure(random);
    await expectDecodeFailure('hello, world', 'ERR_INPUT_UNRECOGNIZED');
    await expectDecodeFailure('{"@context": ', 'ERR_INPUT_INVALID');
  });

  it('oversized inputs are refused before parsing', async () => {
    await expectDecodeFailure('HC1:' + 'A'.repeat(3 * 1024 * 1024), 'ERR_INPUT_TOO_LARGE');
    await expectDecodeFailure(new Uint8Array(9 * 1024 * 1024), 'ERR_INPUT_TOO_LARGE');
    await expectDecodeFailure(
      { '@context': [], type: ['VerifiableCredential'], blob: 'x'.repeat(3 * 1024 * 1024) },
      'ERR_INPUT_TOO_LARGE',
    );
    await expectDecodeFailure(
      Array.from({ length: 40 }, (_, i) => `shc:/${i + 1}/40/00`),
      'ERR_INPUT_TOO_LARGE',
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expectDecodeFailure(cyclic, 'ERR_INPUT_INVALID');
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    await expectDecodeFailure(deep);
  });

  it("each format's truncated input", async () => {
    const texts = {
      w3c: vectorText('divoc/signed/rsa2018-divocdev-valid.json'),
      divocQr: vectorText('divoc/qr/rsa2018-divocdev-valid.qr-text.txt'),
      shcQr: vectorText('shc/examples/example-00-f-qr-code-numeric-value-0.txt').trim(),
      shcJws: vectorText('shc/examples/example-00-d-jws.txt').trim(),
      vdsnc: vectorText('vdsnc/au-citizen-john-valid.json'),
      dcc:
        'HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N ' +
        'IOP-IA%NFQGRJPC%OQHIZC4.OI1RM8ZA.A5:S9MKN4NN3F85QNCY0O%0VZ001HOC9JU0D0HT0HB2PL/IB*09B9LW4T*8+DCMH0LD' +
        'K2%K:XFE70*LP$V25$0Q:J:4MO1P0%0L0HD+9E/HY+4J6TH48S%4K.GJ2PT3QY:GQ3TE2I+-CPHN6D7LLK*2HG%89UV-0LZ ' +
        '2ZJJ524-LH/CJTK96L6SR9MU9DHGZ%P WUQRENS431T1XCNCF+47AY0-IFO0500TGPN8F5G.41Q2E4T8ALW.INSV$ ' +
        '07UV5SR+BNQHNML7 /KD3TU ' +
        '4V*CAT3ZGLQMI/XI%ZJNSBBXK2:UG%UJMI:TU+MMPZ5$/PMX19UE:-PSR3/$NU44CBE6DQ3D7B0FBOFX0DV2DGMB$YPF62I$60/F' +
        '$Z2I6IFX21XNI-LM%3/DF/U6Z9FEOJVRLVW6K$UG+BKK57:1+D10%4K83F+1VWD1NE',
    };
    for (const [name, text] of Object.entries(texts)) {
      for (const cut of [0.3, 0.6, 0.95]) {
        const truncated = text.slice(0, Math.floor(text.length * cut));
        const result = await verify(truncated, { trust });
        expect(result.valid, `${name} cut at ${cut}`).toBe(false);
        expect(
          result.checks.some((c) => !c.ok && /^ERR_[A-Z0-9_]+$/.test(c.code ?? '')),
          `${name} ${cut}`,
        ).toBe(true);
      }
    }
  });

  it('a PNG bomb is refused by the pixel budget', async () => {
    const result = await verify(pngBomb(), { trust });
    expect(result.valid).toBe(false);
    expect(result.checks[0]).toMatchObject({ name: 'decode', ok: false, code: 'ERR_QR_IMAGE_TOO_LARGE' });
  });

  it('an image without a QR code, and a corrupt image', async () => {
    const png = vectorBytes('divoc/qr/rsa2018-divocdev-valid.qr.png');
    await expectDecodeFailure(png.slice(0, 200));
    await expectDecodeFailure(
      new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'),
    );
  });

  it('several QR texts that are not one SHC card', async () => {
    await expectDecodeFailure(['HC1:AAA', 'shc:/1/2/00'], 'ERR_INPUT_UNRECOGNIZED');
  });

  it('an SHC chunk set with a chunk missing fails decode with the SHC code', async () => {
    const result = await verify(
      [
        'shc:/1/3/567629095243206034602924374044603122295953265460346029254077280433602870286471674522280928613' +
          '33145643765314159064022030645045908564355034142454136403706366541713724123638030437562204673740753' +
          '23239254334433260573601064529345335566427400454432160287738565529382255212305433056275427',
        'shc:/3/3/00',
      ],
      { trust },
    );
    expect(result.format).toBe('shc');
    expect(result.checks[0]).toMatchObject({ name: 'decode', ok: false });
    expect(result.checks[0]!.code).toMatch(/^ERR_SHC_/);
  });

  it('a forged DIVOC credential (payload edited, proof kept) fails signature', async () => {
    const trustDivoc = new Trust();
    trustDivoc.add(vectorText('divoc/keys/divoc-test-rsa.public.pem'));
    const forged = vectorJson('divoc/signed/rsa2018-divocdev-valid.json');
    (forged.credentialSubject as Record<string, unknown>).name = 'Someone Else';
    const result = await verify(forged, { trust: trustDivoc, now: new Date('2022-01-01T00:00:00Z') });
    expect(result.checks.find((c) => c.name === 'signature')).toMatchObject({
      ok: false,
      code: 'ERR_VC_SIGNATURE_INVALID',
    });
  });

  it('unusable options are a programming error (thrown, typed)', async () => {
    await expect(verify('x', undefined as never)).rejects.toBeInstanceOf(VerifierOptionsError);
    await expect(verify('x', { trust: {} as Trust })).rejects.toMatchObject({ code: 'ERR_VERIFIER_OPTIONS_INVALID' });
    await expect(verify('x', { trust, now: new Date('nope') })).rejects.toMatchObject({
      code: 'ERR_VERIFIER_OPTIONS_INVALID',
    });
  });
});

describe('Trust loaders', () => {
  it('a PEM key is trust only as a public key: a private key PEM is refused, its message holds no key', async () => {
    const kp = await generateKeyPair('P-256');
    const privatePem = exportPrivatePem(kp);
    const t = new Trust();
    let refused: unknown;
    try {
      t.add(privatePem);
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'ERR_TRUST_INVALID' });
    const message = (refused as Error).message;
    expect(message).toMatch(/private key material/);
    for (const line of privatePem.split('\n').filter((l) => l.length > 20)) expect(message).not.toContain(line);
    // Control: its public half is taken, as a DIVOC key (parsed without node:crypto, as in a browser).
    expect(t.add(exportPublicPem(kp))).toEqual({ kind: 'divoc-key', keys: 1 });
  });

  it('sniffs every kind of material', async () => {
    const t = new Trust();
    const ed = await generateKeyPair('Ed25519');
    const p256 = await generateKeyPair('P-256');
    expect(t.add({ issuers: [toTrustListEntry(ed, { id: 'did:example:1#k' })] }).kind).toBe('trust-list');
    expect(t.add({ keys: [{ ...exportPublicJwk(p256), kid: 'k1' }] }, { issuer: 'https://a.example' }).kind).toBe(
      'jwks',
    );
    expect(t.add({ ...exportPublicJwk(p256), kid: 'k2' }).kind).toBe('jwk');
    expect(
      t.add({
        issuers: [{ iss: 'https://b.example', name: 'B', jwks: { keys: [{ ...exportPublicJwk(p256), kid: 'k3' }] } }],
      }),
    ).toMatchObject({ kind: 'issuer-directory', issuers: 1 });
    expect(t.issuerName('https://b.example')).toBe('B');
    expect(
      t.add(
        { participating_issuers: [{ iss: 'https://c.example', name: 'C' }] },
        { jwks: { 'https://c.example': { keys: [{ ...exportPublicJwk(p256), kid: 'k4' }] } } },
      ),
    ).toMatchObject({ kind: 'issuer-directory', keys: 1 });
    const dgc = vectorJson<{ TESTCTX: { CERTIFICATE: string } }>('dcc/dgc-testdata/AT/2DCode/raw/1.json');
    expect(t.add([{ kid: dccKid(base64Decode(dgc.TESTCTX.CERTIFICATE)), rawData: dgc.TESTCTX.CERTIFICATE }]).kind).toBe(
      'dcc-signer-list',
    );
    expect(t.add(dgc.TESTCTX.CERTIFICATE, { role: 'signer' }).kind).toBe('signer-certificate');
    expect(t.add(vectorText('vdsnc/au-csca-root.der.b64')).kind).toBe('csca-certificate');
    expect(
      t.add({
        '@context': 'https://www.w3.org/ns/did/v1',
        id: 'did:example:doc',
        verificationMethod: [
          {
            id: '#1',
            type: 'Multikey',
            controller: 'did:example:doc',
            publicKeyMultibase: toTrustListEntry(ed, { id: 'x' }).publicKeyMultibase,
          },
        ],
        assertionMethod: ['#1'],
      }).kind,
    ).toBe('did-document');
    expect(t.add(vectorText('divoc/keys/divoc-test-ed25519.json')).kind).toBe('divoc-key');
    expect(
      t.add({
        certificatePublicKey: vectorText('divoc/keys/divoc-test-rsa.public.pem'),
        certificatePublicKeyBase58: 'DaipNW4xaH2bh1XGNNdqjnSYyru3hLnUgTBSfSvmZ2hi',
        CERTIFICATE_DID: 'did:india',
        CERTIFICATE_CONTROLLER_ID: 'https://divoc.dev/',
        CERTIFICATE_SIGNED_KEY_TYPE: 'RSA',
      }),
    ).toEqual({ kind: 'divoc-config', keys: 1 });
    expect(
      t.add(vectorText('shc/examples/issuer/.well-known/crl/3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json')).kind,
    ).toBe('shc-revocation-list');
  });

  it('the DIVOC verifier configuration trusts did:india for DIVOC certificates', async () => {
    const t = new Trust();
    t.add({
      certificatePublicKey: vectorText('divoc/keys/divoc-test-rsa.public.pem'),
      CERTIFICATE_SIGNED_KEY_TYPE: 'RSA',
    });
    const result = await verify(vectorText('divoc/signed/rsa2018-divocdev-valid.json'), {
      trust: t,
      now: new Date('2022-01-01T00:00:00Z'),
    });
    expect(result.valid).toBe(true);
  });

  it('refuses what it cannot place, and bad material, with typed errors', () => {
    const t = new Trust();
    const cases: Array<[unknown, string]> = [
      [{ hello: 'world' }, 'ERR_TRUST_UNRECOGNIZED'],
      ['just text', 'ERR_TRUST_UNRECOGNIZED'],
      [42, 'ERR_TRUST_UNRECOGNIZED'],
      [null, 'ERR_TRUST_UNRECOGNIZED'],
      [[1, 2], 'ERR_TRUST_UNRECOGNIZED'],
      ['', 'ERR_TRUST_UNRECOGNIZED'],
      [new Uint8Array([0xff, 0xfe, 0x00]), 'ERR_TRUST_UNRECOGNIZED'],
      ['{"issuers": [', 'ERR_TRUST_INVALID'],
      [{ keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }] }, 'ERR_TRUST_INVALID'],
      [{ keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', d: 'AA' }] }, 'ERR_TRUST_INVALID'],
      [{ issuers: [{ id: 'x' }] }, 'ERR_TRUST_INVALID'],
      ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', 'ERR_TRUST_INVALID'],
      [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), 'ERR_TRUST_INVALID'],
      ['x'.repeat(17 * 1024 * 1024), 'ERR_TRUST_INVALID'],
      [{ publicKeyBase58: 'not-base58!' }, 'ERR_TRUST_INVALID'],
    ];
    for (const [input, code] of cases) {
      let thrown: unknown;
      try {
        t.add(input);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, String(input).slice(0, 40)).toBeInstanceOf(
        code === 'ERR_TRUST_UNRECOGNIZED' ? TrustUnrecognizedError : TrustInvalidError,
      );
      expect(isVerifierError(thrown)).toBe(true);
      expect((thrown as { code: string }).code).toBe(code);
    }
    expect(t.store.size).toBe(0);
  });

  it('Node loaders: a file, a folder with .well-known, issuer from the caller, unreadable paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'divoc-verifier-trust-'));
    try {
      writeFileSync(join(dir, 'divoc.pem'), vectorText('divoc/keys/divoc-test-rsa.public.pem'));
      const fromFile = await loadTrustFile(join(dir, 'divoc.pem'));
      expect(fromFile.store.resolve('did:india')).toHaveLength(1);
      mkdirSync(join(dir, 'issuer', '.well-known', 'crl'), { recursive: true });
      writeFileSync(
        join(dir, 'issuer', '.well-known', 'jwks.json'),
        vectorText('shc/examples/issuer/.well-known/jwks.json'),
      );
      writeFileSync(
        join(dir, 'issuer', '.well-known', 'crl', '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json'),
        vectorText('shc/examples/issuer/.well-known/crl/3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json'),
      );
      const folder = await loadTrustDirectory(join(dir, 'issuer'), {
        issuer: 'https://spec.smarthealth.cards/examples/issuer',
      });
      expect(folder.shcRevocationLists).toHaveLength(1);
      const viaFile = await loadTrustFile(join(dir, 'issuer'), {
        issuer: 'https://spec.smarthealth.cards/examples/issuer',
      });
      expect(viaFile.shcRevocationLists).toHaveLength(1);
      const result = await verify(vectorText('shc/examples/example-00-d-jws.txt'), {
        trust: folder,
        now: new Date('2025-01-01T00:00:00Z'),
      });
      expect(result.valid).toBe(true);
      await expect(loadTrustFile(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'ERR_TRUST_UNREADABLE' });
      await expect(loadTrustDirectory(dir)).rejects.toMatchObject({ code: 'ERR_TRUST_UNREADABLE' });
      writeFileSync(join(dir, 'issuer', '.well-known', 'crl', 'bad.json'), '{"kid": 1}');
      await expect(loadTrustDirectory(join(dir, 'issuer'))).rejects.toMatchObject({ code: 'ERR_TRUST_INVALID' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(
    'Node loaders: an issuer folder is read within one byte budget for all its files (maxBytes), refused ' +
      'while reading',
    async () => {
      const { MAX_TRUST_TEXT } = await import('@divoc/verifier');
      expect(MAX_TRUST_DIRECTORY_BYTES).toBe(2 * MAX_TRUST_TEXT);
      expect(MAX_TRUST_DIRECTORY_CRL_FILES).toBe(256);
      const dir = mkdtempSync(join(tmpdir(), 'divoc-verifier-budget-'));
      try {
        const wellKnown = join(dir, '.well-known');
        mkdirSync(join(wellKnown, 'crl'), { recursive: true });
        const jwks = vectorText('shc/examples/issuer/.well-known/jwks.json');
        const crl = vectorText('shc/examples/issuer/.well-known/crl/3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json');
        writeFileSync(join(wellKnown, 'jwks.json'), jwks);
        writeFileSync(join(wellKnown, 'crl', '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json'), crl);
        const issuer = 'https://spec.smarthealth.cards/examples/issuer';
        const maxBytes = jwks.length + crl.length + 1024;
        // Control: the genuine folder fits the budget.
        expect((await loadTrustDirectory(dir, { issuer, maxBytes })).shcRevocationLists).toHaveLength(1);
        // A second list, each file under the per-file cap, pushes the folder over: refused while reading it.
        writeFileSync(
          join(wellKnown, 'crl', 'zz-padding.json'),
          `{"kid": "SECRET-MARKER", "method": "rid", "ctr": 1, "rids": []}${' '.repeat(4096)}`,
        );
        const thrown = await loadTrustDirectory(dir, { issuer, maxBytes }).catch((e: unknown) => e);
        expect(thrown).toBeInstanceOf(TrustInvalidError);
        expect((thrown as TrustInvalidError).code).toBe('ERR_TRUST_INVALID');
        expect((thrown as Error).message).toMatch(/more than \d+ bytes in all/);
        expect((thrown as Error).message).not.toContain('SECRET-MARKER');
        await expect(loadTrustDirectory(dir, { issuer, maxBytes: 0 })).rejects.toThrow(RangeError);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
