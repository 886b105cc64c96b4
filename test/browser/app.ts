/**
 * The browser acceptance entry: every verification path of the SDK, imported through the packages' public entries
 * the way an app would, plus `runCases`, which verifies the same published vectors in whatever runtime it is loaded
 * into. browser.test.ts bundles this file for the browser (no Node built-ins allowed) and runs `runCases` in headless
 * Chromium and in Node, and compares.
 */
import {
  TrustStore,
  base64Decode,
  generateKeyPair,
  parseCertificate,
  verifyCertificateSignature,
  verifySignature,
} from '@divoc/keys';
import { decodeCompactCredential, verifyCredential } from '@divoc/vc';
import { decodeDcc, verifyDcc } from '@divoc/dcc';
import { decodeShc, decodeShcQr, readHealthCardFile, verifyShc } from '@divoc/shc';
import { verifyVdsnc } from '@divoc/vdsnc';
import { decodeDivocQr, verifyDivocQr } from '@divoc/qr';
import { readQrFromImage } from '@divoc/qr/image';
import {
  checkDccRevocation,
  checkDivocRevocation,
  checkShcRevocation,
  checkStatus,
  createDivocRevocationList,
  verifyCredentialWithStatus,
} from '@divoc/status';

export {
  generateKeyPair,
  TrustStore,
  verifySignature,
  parseCertificate,
  verifyCertificateSignature,
  verifyCredential,
  decodeCompactCredential,
  verifyDcc,
  decodeDcc,
  verifyShc,
  decodeShc,
  decodeShcQr,
  readHealthCardFile,
  verifyVdsnc,
  verifyDivocQr,
  decodeDivocQr,
  readQrFromImage,
  checkStatus,
  verifyCredentialWithStatus,
  checkShcRevocation,
  checkDccRevocation,
  checkDivocRevocation,
};

/** Everything the cases need, as JSON-safe values (binary as base64), so it crosses into a page unchanged. */
export interface CaseData {
  divoc: {
    rsaPublicPem: string;
    ed25519PublicBase58: string;
    rsa: unknown;
    ed25519: unknown;
    tampered: unknown;
    qrText: string;
    compact: string;
  };
  w3c: { signed: Record<string, unknown> };
  dcc: {
    hc1: string;
    certificate: string;
    clock: string;
    pngBase64: string;
    ps256: { hc1: string; certificate: string; clock: string };
  };
  shc: { jwks: unknown; issuer: string; numeric: string; file: string; chunks: string[]; crl: unknown; clock: string };
  vdsnc: { valid: string; tampered: string; cscaBase64: string; clock: string };
  status: {
    issuerDid: string;
    credential: unknown;
    certificateId: string;
    lists: unknown[];
    revokedLists: unknown[];
    clock: string;
  };
}

/** Outcome of one case, runtime-independent: validity and each check's name, ok and code (messages may differ). */
export interface CaseOutcome {
  name: string;
  valid: boolean;
  checks: string[];
}

interface ResultLike {
  valid?: boolean;
  ok?: boolean;
  checks?: readonly { name: string; ok: boolean; code?: string }[];
  name?: string;
  code?: string;
}

function outcome(name: string, result: ResultLike): CaseOutcome {
  const checks = result.checks ?? [
    { name: result.name ?? 'check', ok: result.ok === true, ...(result.code ? { code: result.code } : {}) },
  ];
  return {
    name,
    valid: result.valid ?? result.ok === true,
    checks: checks.map((c) => `${c.name}:${c.ok ? 'ok' : (c.code ?? 'failed')}`),
  };
}

/** Flip one character in the middle of a text, to something of the same alphabet. */
function tamper(text: string, at = Math.floor(text.length / 2), alphabet = '0123456789'): string {
  const c = text[at]!;
  const replacement = alphabet[(alphabet.indexOf(c) + 1) % alphabet.length] ?? alphabet[0]!;
  return text.slice(0, at) + replacement + text.slice(at + 1);
}

export async function runCases(data: CaseData): Promise<CaseOutcome[]> {
  const out: CaseOutcome[] = [];
  const divocStore = new TrustStore();
  // DIVOC's verifiers map both test keys to the label did:india.
  divocStore.addTrustList({
    issuers: [
      { id: 'did:india', publicKeyPem: data.divoc.rsaPublicPem },
      { id: 'did:india', publicKeyBase58: data.divoc.ed25519PublicBase58 },
    ],
  });
  const divocClock = new Date('2022-01-01T00:00:00Z');
  for (const [name, credential] of [
    ['divoc RsaSignature2018', data.divoc.rsa],
    ['divoc Ed25519Signature2018', data.divoc.ed25519],
    ['divoc RsaSignature2018 tampered', data.divoc.tampered],
  ] as const) {
    out.push(outcome(name, await verifyCredential(credential, { trust: divocStore, now: divocClock })));
  }
  out.push(
    outcome(
      'divoc compact DIVOC1:',
      await verifyCredential(decodeCompactCredential(data.divoc.compact), { trust: divocStore, now: divocClock }),
    ),
  );
  out.push(outcome('divoc QR text', await verifyDivocQr(data.divoc.qrText, { trust: divocStore, now: divocClock })));
  out.push(
    outcome(
      'divoc QR text tampered',
      await verifyDivocQr(tamper(data.divoc.qrText, 200, 'abcdefghijklmnopqrstuvwxyz'), {
        trust: divocStore,
        now: divocClock,
      }),
    ),
  );

  // W3C eddsa-rdfc-2022: the issuer's did:key is trusted explicitly.
  const w3cStore = new TrustStore();
  const vm = String((data.w3c.signed.proof as { verificationMethod: string }).verificationMethod);
  w3cStore.addDidKey(vm.split('#')[0]!);
  out.push(outcome('w3c eddsa-rdfc-2022', await verifyCredential(data.w3c.signed, { trust: w3cStore })));
  const w3cTampered = {
    ...data.w3c.signed,
    credentialSubject: { ...(data.w3c.signed.credentialSubject as object), alumniOf: 'Tampered University' },
  };
  out.push(outcome('w3c eddsa-rdfc-2022 tampered', await verifyCredential(w3cTampered, { trust: w3cStore })));

  // EU DCC (dgc-testdata), as text and from its PNG.
  const dccStore = new TrustStore();
  dccStore.addCertificate(data.dcc.certificate);
  const dccOptions = { trust: dccStore, now: new Date(data.dcc.clock) };
  out.push(outcome('dcc HC1', await verifyDcc(data.dcc.hc1, dccOptions)));
  const fromPng = readQrFromImage(base64Decode(data.dcc.pngBase64));
  out.push(outcome('dcc PNG → HC1', await verifyDcc(fromPng, dccOptions)));
  out.push({ name: 'dcc PNG text equals HC1', valid: fromPng === data.dcc.hc1, checks: [] });
  const psStore = new TrustStore();
  psStore.addCertificate(data.dcc.ps256.certificate);
  out.push(
    outcome(
      'dcc HC1 PS256 (RSA-PSS)',
      await verifyDcc(data.dcc.ps256.hc1, { trust: psStore, now: new Date(data.dcc.ps256.clock) }),
    ),
  );
  out.push(
    outcome(
      'dcc HC1 tampered',
      await verifyDcc(tamper(data.dcc.hc1, 200, '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'), dccOptions),
    ),
  );

  // SMART Health Card example-00 (numeric QR), the file form, example-02's three chunks, revocation.
  const shcStore = new TrustStore();
  shcStore.addJwks(data.shc.jwks, { issuer: data.shc.issuer });
  const shcOptions = { trust: shcStore, now: new Date(data.shc.clock) };
  out.push(outcome('shc numeric QR', await verifyShc(data.shc.numeric, shcOptions)));
  const [jws] = readHealthCardFile(data.shc.file);
  out.push(outcome('shc .smart-health-card file', await verifyShc(jws!, shcOptions)));
  out.push(outcome('shc 3 QR chunks', await verifyShc(decodeShcQr([...data.shc.chunks].reverse()), shcOptions)));
  out.push(outcome('shc numeric QR tampered', await verifyShc(tamper(data.shc.numeric, 300), shcOptions)));
  const signatureStart = jws!.lastIndexOf('.') + 10;
  out.push(
    outcome(
      'shc JWS signature tampered',
      await verifyShc(
        tamper(jws!, signatureStart, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
        shcOptions,
      ),
    ),
  );
  const card = decodeShc(data.shc.numeric);
  out.push(
    outcome(
      'shc revocation (crl)',
      checkShcRevocation(
        {
          kid: String(card.header.kid),
          ...(card.payload.vc.rid ? { rid: card.payload.vc.rid } : {}),
          issuedAt: card.payload.nbf,
        },
        { crls: [data.shc.crl] },
      ),
    ),
  );

  // ICAO VDS-NC (Australia), CSCA from a trust store.
  const vdsStore = new TrustStore();
  vdsStore.addCertificate(data.vdsnc.cscaBase64);
  const vdsOptions = { trust: vdsStore, now: new Date(data.vdsnc.clock) };
  out.push(outcome('vdsnc AU seal', await verifyVdsnc(data.vdsnc.valid, vdsOptions)));
  out.push(outcome('vdsnc AU seal tampered', await verifyVdsnc(data.vdsnc.tampered, vdsOptions)));

  // Bitstring Status List, DIVOC and DCC revocation.
  const statusStore = new TrustStore();
  statusStore.addDidKey(data.status.issuerDid);
  const statusOptions = { trust: statusStore, now: new Date(data.status.clock) };
  out.push(
    outcome(
      'status list: not revoked',
      await verifyCredentialWithStatus(data.status.credential, { ...statusOptions, statusLists: data.status.lists }),
    ),
  );
  out.push(
    outcome(
      'status list: revoked',
      await verifyCredentialWithStatus(data.status.credential, {
        ...statusOptions,
        statusLists: data.status.revokedLists,
      }),
    ),
  );
  out.push(
    outcome(
      'status list: checkStatus',
      await checkStatus(data.status.credential, { ...statusOptions, statusLists: data.status.lists }),
    ),
  );
  out.push(
    outcome(
      'divoc revocation list: revoked',
      checkDivocRevocation(
        data.status.credential,
        createDivocRevocationList(JSON.stringify({ revoked: [{ certificateId: data.status.certificateId }] })),
      ),
    ),
  );
  out.push(
    outcome(
      'divoc revocation list: not listed',
      checkDivocRevocation(data.status.credential, createDivocRevocationList({ revoked: [{ certificateId: '1' }] })),
    ),
  );
  return out;
}

/**
 * One signature check of each format, each reported as `name: <failed check codes>` or `name: threw <code>`. Run
 * with `crypto.subtle` removed, every line must name ERR_PLATFORM_UNSUPPORTED and none a bad signature.
 */
export async function verifyEachFormat(data: CaseData): Promise<string[]> {
  const divocStore = new TrustStore();
  divocStore.addTrustList({ issuers: [{ id: 'did:india', publicKeyPem: data.divoc.rsaPublicPem }] });
  divocStore.addTrustList({ issuers: [{ id: 'did:india', publicKeyBase58: data.divoc.ed25519PublicBase58 }] });
  const divocClock = new Date('2022-01-01T00:00:00Z');
  const w3cStore = new TrustStore();
  w3cStore.addDidKey(
    String((data.w3c.signed.proof as { verificationMethod: string }).verificationMethod).split('#')[0]!,
  );
  const dccStore = new TrustStore();
  dccStore.addCertificate(data.dcc.certificate);
  const psStore = new TrustStore();
  psStore.addCertificate(data.dcc.ps256.certificate);
  const shcStore = new TrustStore();
  shcStore.addJwks(data.shc.jwks, { issuer: data.shc.issuer });
  const vdsStore = new TrustStore();
  vdsStore.addCertificate(data.vdsnc.cscaBase64);
  const statusStore = new TrustStore();
  statusStore.addDidKey(data.status.issuerDid);
  const attempts: [string, () => Promise<ResultLike>][] = [
    ['divoc RsaSignature2018', () => verifyCredential(data.divoc.rsa, { trust: divocStore, now: divocClock })],
    ['divoc Ed25519Signature2018', () => verifyCredential(data.divoc.ed25519, { trust: divocStore, now: divocClock })],
    ['divoc QR text', () => verifyDivocQr(data.divoc.qrText, { trust: divocStore, now: divocClock })],
    ['w3c eddsa-rdfc-2022', () => verifyCredential(data.w3c.signed, { trust: w3cStore })],
    ['dcc HC1', () => verifyDcc(data.dcc.hc1, { trust: dccStore, now: new Date(data.dcc.clock) })],
    ['dcc PS256', () => verifyDcc(data.dcc.ps256.hc1, { trust: psStore, now: new Date(data.dcc.ps256.clock) })],
    ['shc numeric QR', () => verifyShc(data.shc.numeric, { trust: shcStore, now: new Date(data.shc.clock) })],
    ['vdsnc AU seal', () => verifyVdsnc(data.vdsnc.valid, { trust: vdsStore, now: new Date(data.vdsnc.clock) })],
    [
      'status list',
      () =>
        verifyCredentialWithStatus(data.status.credential, {
          trust: statusStore,
          now: new Date(data.status.clock),
          statusLists: data.status.lists,
        }),
    ],
  ];
  const lines: string[] = [];
  for (const [name, run] of attempts) {
    try {
      const result = outcome(name, await run());
      lines.push(`${name}: ${result.valid ? 'valid' : result.checks.filter((c) => !c.endsWith(':ok')).join(' ')}`);
    } catch (error) {
      lines.push(`${name}: threw ${(error as { code?: string }).code ?? String(error)}`);
    }
  }
  return lines;
}
