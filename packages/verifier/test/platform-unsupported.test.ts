// A runtime without `crypto.subtle` (an insecure browser context, some React Native set-ups) must say so with
// ERR_PLATFORM_UNSUPPORTED, for every format, and never report a signature as invalid: nothing was checked.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  PlatformUnsupportedError,
  createSigner,
  didKeyFromKeyPair,
  generateKeyPair,
  jwkThumbprint,
  secureRandom,
  subtleCrypto,
  toTrustListEntry,
  verificationMethodId,
} from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { encodeCompactCredential, issueCredential, type UnsignedCredential } from '@divoc/vc';
import { encodeDivocQr, encodePixelPass } from '@divoc/qr';
import { createDevelopmentCsca, createDocumentSignerCertificate, encodeDvc, issueDcc } from '@divoc/dcc';
import { exportIssuerJwks, issueShc } from '@divoc/shc';
import { issueSdJwtVc } from '@divoc/sd-jwt';
import { createDevCsca, createDevSignerCertificate, issueVdsnc } from '@divoc/vdsnc';
import { Trust, verify, type CredentialFormat } from '@divoc/verifier';
import { vaccinationRecord } from './helpers.js';

// The browser path: @divoc/keys verifies on WebCrypto when node:crypto is absent. `hideNodeCrypto` switches it so
// the credentials can still be issued (with node:crypto) before.
const platform = vi.hoisted(() => ({ hideNodeCrypto: false }));
vi.mock('../../keys/src/platform/node.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../keys/src/platform/node.js')>();
  return {
    ...real,
    get nodeCrypto() {
      return platform.hideNodeCrypto ? undefined : real.nodeCrypto;
    },
  };
});

const now = new Date('2021-07-01T00:00:00Z');
const CERTS_FROM = new Date('2021-01-01T00:00:00Z');
const SHC_ISS = 'https://divoc.example/shc';
const SD_JWT_ISS = 'https://divoc.example/sd-jwt';
const formats: CredentialFormat[] = [
  'w3c-vc',
  'vc-compact',
  'divoc-qr',
  'pixelpass',
  'dcc',
  'dvc',
  'icvp',
  'shc',
  'vdsnc',
  'sd-jwt-vc',
];
let trust: Trust;
let inputs: Record<CredentialFormat, unknown>;

beforeAll(async () => {
  trust = new Trust();
  const vcKey = await generateKeyPair('Ed25519');
  const vcSigner = createSigner(vcKey, { id: verificationMethodId(vcKey) });
  const issuerDid = didKeyFromKeyPair(vcKey);
  trust.add(JSON.stringify(toTrustListEntry(vcKey, { id: vcSigner.id, controller: issuerDid })));
  const unsigned = buildCredential('vaccination-v2', vaccinationRecord, {
    issuer: issuerDid,
    issuanceDate: '2021-05-03T12:00:00Z',
  }) as UnsignedCredential;
  const credential = await issueCredential(unsigned, { signer: vcSigner, created: '2021-05-03T12:00:00Z' });
  const csca = await createDevelopmentCsca({ country: 'IN', commonName: 'Platform test CSCA' });
  const dsc = await createDocumentSignerCertificate({ csca, types: ['v', 't', 'r'], validFrom: CERTS_FROM });
  trust.add(dsc.certificatePem);
  const dcc = await issueDcc(credential, { signer: dsc.signer, certificate: dsc.certificatePem, iat: CERTS_FROM });
  const shcKey = await generateKeyPair('P-256');
  trust.addWellKnown({ jwks: exportIssuerJwks([shcKey]), crls: [], issuer: SHC_ISS });
  const shc = await issueShc(credential, {
    signer: createSigner(shcKey, { id: jwkThumbprint(shcKey) }),
    key: shcKey,
    issuer: SHC_ISS,
    nbf: CERTS_FROM,
  });
  const sdJwtKey = await generateKeyPair('P-256');
  trust.add({ issuer: SD_JWT_ISS, jwks: exportIssuerJwks([sdJwtKey]) });
  const sdJwt = await issueSdJwtVc(credential, {
    signer: createSigner(sdJwtKey, { id: jwkThumbprint(sdJwtKey) }),
    issuer: SD_JWT_ISS,
    issuedAt: CERTS_FROM,
  });
  const vdsCsca = await createDevCsca({ country: 'IN', validFrom: CERTS_FROM });
  const vdsSigner = await createDevSignerCertificate({ csca: vdsCsca, country: 'IN', validFrom: CERTS_FROM });
  trust.add(vdsCsca.certificate);
  const seal = await issueVdsnc(credential, {
    signer: createSigner(vdsSigner.keyPair, { id: 'vds' }),
    certificate: vdsSigner.certificate,
  });
  inputs = {
    'w3c-vc': credential,
    'vc-compact': encodeCompactCredential(credential),
    'divoc-qr': encodeDivocQr(credential),
    pixelpass: encodePixelPass(credential),
    dcc: dcc.hc1,
    dvc: (
      await encodeDvc(
        {
          n: 'Bhaya Mitra',
          dob: '1994-09-01',
          v: { tg: '1D47', vp: 'XM0N24', dn: 1, dt: '2021-05-03', bo: 'YF-1', is: 'MoH' },
        },
        { signer: dsc.signer, certificate: dsc.certificatePem, iat: CERTS_FROM },
      )
    ).hc1,
    icvp: (
      await encodeDvc(
        {
          n: 'Bhaya Mitra',
          dob: '1994-09-01',
          v: [{ vp: 'a3K3X000005atRtUAI', dt: '2021-05-03', bo: 'YF-1', is: 'MoH' }],
        },
        { signer: dsc.signer, certificate: dsc.certificatePem, iat: CERTS_FROM },
      )
    ).hc1,
    shc: shc.qr.length === 1 ? shc.qr[0] : shc.qr,
    vdsnc: seal,
    'sd-jwt-vc': sdJwt,
  };
}, 60_000);

afterEach(() => {
  platform.hideNodeCrypto = false;
  vi.unstubAllGlobals();
});

/** Failed checks as `name:CODE`. */
const failures = (checks: readonly { name: string; ok: boolean; code?: string }[]): string[] =>
  checks.filter((c) => !c.ok).map((c) => `${c.name}:${c.code}`);

describe('no crypto.subtle: ERR_PLATFORM_UNSUPPORTED, never "signature invalid"', () => {
  it.each(formats)('%s verifies on WebCrypto when crypto.subtle is there (control)', async (format) => {
    platform.hideNodeCrypto = true;
    const result = await verify(inputs[format] as string, { trust, now });
    expect(failures(result.checks)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it.each(formats)('%s without crypto.subtle fails with ERR_PLATFORM_UNSUPPORTED', async (format) => {
    platform.hideNodeCrypto = true;
    vi.stubGlobal('crypto', {});
    const result = await verify(inputs[format] as string, { trust, now });
    expect(result.valid).toBe(false);
    const failed = failures(result.checks);
    expect(failed.length).toBeGreaterThan(0);
    expect(
      failed.every((f) => f.endsWith(':ERR_PLATFORM_UNSUPPORTED')),
      failed.join(', '),
    ).toBe(true);
  });

  it('subtleCrypto() and secureRandom() throw the typed error; with crypto present they work', () => {
    expect(subtleCrypto()).toBe(globalThis.crypto.subtle);
    expect(secureRandom(new Uint8Array(8))).toHaveLength(8);
    vi.stubGlobal('crypto', undefined);
    expect(() => subtleCrypto()).toThrow(PlatformUnsupportedError);
    expect(() => secureRandom(new Uint8Array(8))).toThrow(PlatformUnsupportedError);
    try {
      subtleCrypto();
    } catch (error) {
      expect((error as { code?: string }).code).toBe('ERR_PLATFORM_UNSUPPORTED');
    }
  });
});
