import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  base45Decode,
  base45Encode,
  createDevelopmentCsca,
  createDevelopmentSigner,
  decodeDvc,
  dvcFormat,
  issueDcc,
  zlibDeflate,
  zlibInflate,
} from '@divoc/dcc';
import {
  TrustStore,
  base64urlDecode,
  base64urlEncode,
  createSigner,
  defaultKeyId,
  exportPublicJwk,
  generateKeyPair,
  jwkThumbprint,
  trustedKeyFromKeyPair,
  verificationMethodId,
  type KeyPair,
} from '@divoc/keys';
import { decodeDivocQr, decodePixelPass, encodeDivocQr, encodePixelPass, renderQr } from '@divoc/qr';
import { readQrFromImage } from '@divoc/qr/image';
import { issueSdJwtVc } from '@divoc/sd-jwt';
import { encodeShcQr, exportIssuerJwks, issueShc } from '@divoc/shc';
import {
  decodeCompactCredential,
  encodeCompactCredential,
  type Check,
  type SignedCredential,
  type SuiteName,
} from '@divoc/vc';
import { toDdccCoreDataSet } from '@divoc/schemas';
import { createDevelopmentSigner as createVdsncSigner, encodeVdsnc, issueVdsnc } from '@divoc/vdsnc';
import { Trust, verify, type VerifyInput } from '@divoc/verifier';
import { defineCommand, formatHelp, parseArgs } from '../lib/args.js';
import { buildFromRecord, makeIssuer } from '../lib/engine.js';
import { useColour, type CliIo } from '../lib/io.js';
import type { LoadedKey } from '../lib/keyfile.js';
import { certifiedKey, type CertifiedKey } from '../lib/outputs.js';
import { formatBytes, formatCheck, makeStyle, type Style } from '../lib/report.js';

export const demoSpec = defineCommand({
  name: 'demo',
  summary:
    'Issue sample credentials in every supported format with throw-away keys, verify them, ' +
    'and show a tampered copy failing. No files, no network.',
  usage: 'demo',
  flags: {},
  positionals: { min: 0, max: 0 },
  details: 'Exit status: 0 when every genuine credential verified and every tampered copy was rejected, else 1.',
});

/** Issuer every demo key belongs to. */
const DEMO_ISSUER = 'https://demo.divoc.example/';
/** SMART Health Card issuer URLs have no trailing slash. */
const DEMO_SHC_ISSUER = 'https://demo.divoc.example';
/** The SD-JWT VC issuer (`iss`), whose keys verifiers take from its JWT VC Issuer Metadata. */
const DEMO_SD_JWT_ISSUER = 'https://demo.divoc.example/sd-jwt';

/** A sample registry record, as a vaccination registry would export it (camelCase record fields). */
export const SAMPLE_VACCINATION_RECORD: Record<string, unknown> = {
  refId: 'DEMO-0001',
  identity: 'did:in.gov.uidai.aadhaar:999988887777',
  name: 'Asha Verma',
  dob: '1990-04-12',
  gender: 'Female',
  nationality: 'Indian',
  vaccine: 'COVISHIELD',
  manufacturer: 'Serum Institute of India',
  batch: '4121Z025',
  vaccinationDate: '2021-09-01',
  dose: 2,
  totalDoses: 2,
  facilityName: 'District Hospital, Pune',
  facilityCountry: 'IN',
  vaccinatorName: 'Dr. R. Kulkarni',
};

export const SAMPLE_TEST_RECORD: Record<string, unknown> = {
  refId: 'DEMO-0002',
  identity: 'did:in.gov.uidai.aadhaar:999988887777',
  name: 'Asha Verma',
  dob: '1990-04-12',
  gender: 'Female',
  nationality: 'Indian',
  testType: 'RT-PCR',
  testName: 'Real-time PCR',
  disease: 'COVID-19',
  sampleCollectionTimestamp: '2021-10-03T08:15:00Z',
  resultTimestamp: '2021-10-03T20:40:00Z',
  result: 'Negative',
  facilityName: 'City Diagnostics Lab, Pune',
};

/** Keys and trust shared by the demo steps. */
export interface DemoContext {
  keys: Record<'Ed25519' | 'P-256' | 'RSA', LoadedKey>;
  /** The keys, as `trust` holds them (what `verify` looks keys up in). */
  trustStore: TrustStore;
  /** Everything verification trusts: every step verifies through `@divoc/verifier`'s one `verify()`. */
  trust: Trust;
  issuer: string;
  /** Development PKI: a CSCA, an EU DCC document signer and a VDS-NC barcode signer under it (all trusted). */
  dsc: CertifiedKey;
  bsc: CertifiedKey;
}

export interface VerificationOutcome {
  valid: boolean;
  checks: Check[];
}

/** What one demo step did: the artefact it issued, its size, and how the genuine and the tampered copy verified. */
export interface DemoStepResult {
  /** What was issued, in one line (e.g. `vaccination certificate, W3C VC 2.0`). */
  issued: string;
  /** Size of the issued artefact in bytes (JSON text, QR payload...). */
  size: number;
  genuine: VerificationOutcome;
  /** How the copy was tampered with, and what verification said about it. */
  tampered: VerificationOutcome & { change: string };
}

/**
 * One format the demo shows: issue, verify, tamper, verify again. New formats (DCC, SHC, VDS-NC, DIVOC QR)
 * add one entry to `DEMO_STEPS`.
 */
export interface DemoStep {
  readonly title: string;
  readonly format: string;
  /** Issues one credential of this format, verifies it, tampers with a copy and verifies that. */
  run(ctx: DemoContext): Promise<DemoStepResult>;
}

function w3cStep(
  title: string,
  template: 'vaccination' | 'test',
  suite: SuiteName,
  keyType: keyof DemoContext['keys'],
  vcVersion: '1.1' | '2.0' = '1.1',
): DemoStep {
  return {
    title,
    format: 'w3c-vc',
    async run(ctx) {
      const record = template === 'vaccination' ? SAMPLE_VACCINATION_RECORD : SAMPLE_TEST_RECORD;
      const built = buildFromRecord(template, record, {
        issuer: ctx.issuer,
        certificateId: `demo-${template}-${suite}`.toLowerCase(),
        vcVersion,
      });
      if (!built.ok)
        throw new Error(
          `sample ${template} record rejected: ${built.errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`,
        );
      const signed = await makeIssuer(ctx.keys[keyType], suite).issue(built.credential);
      const text = JSON.stringify(signed);
      const genuine = await check(ctx, signed);
      const forged = JSON.parse(text) as { credentialSubject: { name?: string } };
      forged.credentialSubject.name = 'Mallory Forger';
      const tampered = await check(ctx, forged);
      return {
        issued: `${template} certificate, VC ${vcVersion}, proof ${describeProof(signed.proof)}`,
        size: Buffer.byteLength(text, 'utf8'),
        genuine: { valid: genuine.valid, checks: genuine.checks },
        tampered: { valid: tampered.valid, checks: tampered.checks, change: 'credentialSubject.name changed' },
      };
    },
  };
}

const TAMPERED_NAME = 'Mallory Forger';

/** The sample vaccination credential (unsigned), as every format below is issued from it. */
function sampleCredential(
  ctx: DemoContext,
  certificateId: string,
  vcVersion: '1.1' | '2.0' = '1.1',
): Record<string, unknown> {
  const built = buildFromRecord('vaccination', SAMPLE_VACCINATION_RECORD, {
    issuer: ctx.issuer,
    certificateId,
    vcVersion,
  });
  if (!built.ok)
    throw new Error(
      `sample vaccination record rejected: ${built.errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`,
    );
  return built.credential;
}

function forgeName(credential: SignedCredential): SignedCredential {
  const forged = JSON.parse(JSON.stringify(credential)) as SignedCredential & { credentialSubject: { name?: string } };
  forged.credentialSubject.name = TAMPERED_NAME;
  return forged;
}

/** Replaces one ASCII string by another of the same length inside bytes (e.g. a name inside a CBOR message). */
function replaceBytes(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const needle = Buffer.from(from, 'latin1');
  const at = Buffer.from(bytes).indexOf(needle);
  if (at < 0 || from.length !== to.length) throw new Error(`cannot find ${JSON.stringify(from)} to tamper with`);
  const out = Uint8Array.from(bytes);
  out.set(Buffer.from(to, 'latin1'), at);
  return out;
}

/** A DCC with its family name changed inside the signed COSE payload, signature kept. */
function tamperHc1(hc1: string): string {
  const cose = zlibInflate(base45Decode(hc1.slice(4)));
  return `HC1:${base45Encode(zlibDeflate(replaceBytes(cose, 'VERMA', 'VERMO')))}`;
}

const outcome = (r: { valid: boolean; checks: Check[] }): VerificationOutcome => ({ valid: r.valid, checks: r.checks });

/** The one verification every step uses, whatever the format: `verify` detects it and makes every trust decision. */
const check = (ctx: DemoContext, input: VerifyInput) => verify(input, { trust: ctx.trust });

const divocQrStep: DemoStep = {
  title: 'DIVOC QR · ZIP of the signed certificate (Ed25519Signature2018)',
  format: 'divoc-qr',
  async run(ctx) {
    const signed = await makeIssuer(ctx.keys.Ed25519, 'Ed25519Signature2018').issue(
      sampleCredential(ctx, 'demo-divoc-qr'),
    );
    const text = encodeDivocQr(signed);
    const genuine = await check(ctx, text);
    const forged = encodeDivocQr(forgeName(decodeDivocQr(text).credential as SignedCredential));
    const tampered = await check(ctx, forged);
    return {
      issued: 'vaccination certificate, DIVOC QR (certificate.json zipped, as a binary string)',
      size: Buffer.byteLength(text, 'utf8'),
      genuine: outcome(genuine),
      tampered: { ...outcome(tampered), change: 'credentialSubject.name changed, re-zipped' },
    };
  },
};

const compactStep: DemoStep = {
  title: 'Compact W3C VC QR · DIVOC1: + Base45 (eddsa-rdfc-2022, VC 2.0)',
  format: 'vc-compact',
  async run(ctx) {
    const signed = await makeIssuer(ctx.keys.Ed25519, 'eddsa-rdfc-2022').issue(
      sampleCredential(ctx, 'demo-vc-compact', '2.0'),
    );
    const text = encodeCompactCredential(signed);
    const genuine = await check(ctx, text);
    const forged = encodeCompactCredential(forgeName(decodeCompactCredential(text)));
    const tampered = await check(ctx, forged);
    return {
      issued: 'vaccination certificate, compact QR text (CBOR, compression table 1)',
      size: text.length,
      genuine: outcome(genuine),
      tampered: { ...outcome(tampered), change: 'credentialSubject.name changed, re-encoded' },
    };
  },
};

const pixelPassStep: DemoStep = {
  title: 'PixelPass QR · what MOSIP Inji Verify scans (CBOR, zlib, Base45 of the signed VC)',
  format: 'pixelpass',
  async run(ctx) {
    const signed = await makeIssuer(ctx.keys.Ed25519, 'Ed25519Signature2020').issue(
      sampleCredential(ctx, 'demo-pixelpass'),
    );
    const text = encodePixelPass(signed);
    const genuine = await check(ctx, text);
    const decoded = decodePixelPass(text);
    if (decoded.kind !== 'cbor') throw new Error('PixelPass data of a credential decodes to JSON');
    const forged = encodePixelPass(forgeName(decoded.data as unknown as SignedCredential));
    const tampered = await check(ctx, forged);
    return {
      issued: 'vaccination certificate, PixelPass QR text (Ed25519Signature2020)',
      size: text.length,
      genuine: outcome(genuine),
      tampered: { ...outcome(tampered), change: 'credentialSubject.name changed, re-encoded' },
    };
  },
};

/** An SD-JWT VC with the disclosure of `name` swapped for one naming someone else (its digest is not signed). */
function forgeSdJwtName(sdJwt: string): string {
  const parts = sdJwt.split('~');
  const at = parts.findIndex((part, i) => {
    if (i === 0 || part === '') return false;
    const disclosure = JSON.parse(new TextDecoder().decode(base64urlDecode(part))) as unknown[];
    return disclosure[1] === 'name';
  });
  if (at < 0) throw new Error('the sample SD-JWT VC discloses no name');
  parts[at] = base64urlEncode(new TextEncoder().encode(JSON.stringify(['c2FsdHNhbHRzYWx0', 'name', TAMPERED_NAME])));
  return parts.join('~');
}

const sdJwtStep: DemoStep = {
  title: 'SD-JWT VC · dc+sd-jwt, every personal claim selectively disclosable (EdDSA)',
  format: 'sd-jwt-vc',
  async run(ctx) {
    const key = ctx.keys.Ed25519.keyPair;
    const kid = jwkThumbprint(key);
    const sdJwt = await issueSdJwtVc(sampleCredential(ctx, 'demo-sd-jwt'), {
      signer: createSigner(key, { id: kid }),
      issuer: DEMO_SD_JWT_ISSUER,
      kid,
    });
    const genuine = await check(ctx, sdJwt);
    const tampered = await check(ctx, forgeSdJwtName(sdJwt));
    return {
      issued: 'vaccination certificate, SD-JWT VC (issuer JWT and one disclosure per personal claim)',
      size: sdJwt.length,
      genuine: outcome(genuine),
      tampered: { ...outcome(tampered), change: 'the name disclosure replaced by one naming someone else' },
    };
  },
};

const dccStep: DemoStep = {
  title: 'EU Digital COVID Certificate · HC1 (COSE ES256, development DSC)',
  format: 'dcc',
  async run(ctx) {
    const dcc = await issueDcc(sampleCredential(ctx, 'demo-dcc'), {
      signer: ctx.dsc.signer,
      certificate: ctx.dsc.certificateDer,
    });
    const genuine = await check(ctx, dcc.hc1);
    const tampered = await check(ctx, tamperHc1(dcc.hc1));
    return {
      issued: `vaccination DCC, kid ${dcc.kid}`,
      size: dcc.hc1.length,
      genuine: outcome(genuine),
      tampered: { ...outcome(tampered), change: 'family name VERMA → VERMO inside the signed payload' },
    };
  },
};

const dvcStep: DemoStep = {
  title: 'WHO Digital Vaccination Certificate · HC1, HCERT -6 (COSE ES256, the same DSC)',
  format: 'dvc',
  async run(ctx) {
    const credential = sampleCredential(ctx, 'demo-dvc');
    const input = {
      ddcc: toDdccCoreDataSet(credential, { birthDate: String(SAMPLE_VACCINATION_RECORD.dob) }),
      credential,
      issuer: ctx.issuer,
      options: {},
    };
    if (dvcFormat.issuance.mode !== 'signs') throw new Error('the dvc format signs');
    const issued = await dvcFormat.issuance.issue(input, {
      signer: ctx.dsc.signer,
      certificate: ctx.dsc.certificateDer,
    });
    const hc1 = String(issued.output.hc1);
    const genuine = await check(ctx, hc1);
    const cose = decodeDvc(hc1).coseBytes;
    const tampered = await check(ctx, `HC1:${base45Encode(zlibDeflate(replaceBytes(cose, 'Verma', 'Vermo')))}`);
    return {
      issued: `vaccination DVC (ICD-11 codes, no exp), kid ${decodeDvc(hc1).kid ?? ''}`,
      size: hc1.length,
      genuine: outcome(genuine),
      tampered: { ...outcome(tampered), change: 'name Verma → Vermo inside the signed payload' },
    };
  },
};

const shcStep: DemoStep = {
  title: 'SMART Health Card · shc:/ numeric QR (JWS ES256, FHIR bundle)',
  format: 'shc',
  async run(ctx) {
    const key = ctx.keys['P-256'];
    const card = await issueShc(sampleCredential(ctx, 'demo-shc'), {
      signer: createSigner(key.keyPair, { id: key.id }),
      key: key.keyPair,
      issuer: DEMO_SHC_ISSUER,
    });
    const genuine = await check(ctx, card.qr.length === 1 ? (card.qr[0] as string) : card.qr);
    const [header, payload, signature] = card.jws.split('.') as [string, string, string];
    const inflated = inflateRawSync(Buffer.from(payload, 'base64url')).toString('utf8');
    const forgedPayload = deflateRawSync(
      Buffer.from(inflated.replace(/"Asha Verma"/g, JSON.stringify(TAMPERED_NAME))),
    ).toString('base64url');
    const tampered = await check(ctx, encodeShcQr(`${header}.${forgedPayload}.${signature}`));
    return {
      issued: `vaccination card, ${card.qr.length} QR chunk${card.qr.length === 1 ? '' : 's'}`,
      size: card.qr.reduce((n, q) => n + q.length, 0),
      genuine: outcome(genuine),
      tampered: { ...outcome(tampered), change: 'Patient name changed in the JWS payload' },
    };
  },
};

const vdsncStep: DemoStep = {
  title: 'ICAO VDS-NC · proof of vaccination seal (ES256 over JCS, development CSCA)',
  format: 'vdsnc',
  async run(ctx) {
    const seal = await issueVdsnc(sampleCredential(ctx, 'demo-vdsnc'), {
      signer: ctx.bsc.signer,
      certificate: ctx.bsc.certificateDer,
    });
    const text = encodeVdsnc(seal);
    const genuine = await check(ctx, text);
    const forged = JSON.parse(text) as { data: { msg: { pid: { n: string } } } };
    forged.data.msg.pid.n = TAMPERED_NAME.toUpperCase();
    const tampered = await check(ctx, JSON.stringify(forged));
    return {
      issued: `icao.vacc seal, issuing country ${seal.data.hdr.is}`,
      size: Buffer.byteLength(text, 'utf8'),
      genuine: outcome(genuine),
      tampered: { ...outcome(tampered), change: 'data.msg.pid.n changed' },
    };
  },
};

const qrImageStep: DemoStep = {
  title: 'QR image round trip · DCC rendered to PNG, read back, verified',
  format: 'dcc',
  async run(ctx) {
    const dcc = await issueDcc(sampleCredential(ctx, 'demo-qr-image'), {
      signer: ctx.dsc.signer,
      certificate: ctx.dsc.certificateDer,
    });
    const png = renderQr(dcc.hc1, { format: 'png' });
    const genuine = await check(ctx, readQrFromImage(png));
    const forgedPng = renderQr(tamperHc1(dcc.hc1), { format: 'png' });
    const tampered = await check(ctx, readQrFromImage(forgedPng));
    return {
      issued: 'vaccination DCC as a PNG QR code (alphanumeric, ECC Q)',
      size: png.length,
      genuine: outcome(genuine),
      tampered: { ...outcome(tampered), change: 'PNG of a DCC whose family name was changed' },
    };
  },
};

export const DEMO_STEPS: readonly DemoStep[] = [
  w3cStep('W3C VC 2.0 · eddsa-rdfc-2022 (Data Integrity, Ed25519)', 'vaccination', 'eddsa-rdfc-2022', 'Ed25519', '2.0'),
  w3cStep('W3C VC · Ed25519Signature2020', 'vaccination', 'Ed25519Signature2020', 'Ed25519'),
  w3cStep('W3C VC · ecdsa-rdfc-2019 (Data Integrity, P-256)', 'vaccination', 'ecdsa-rdfc-2019', 'P-256'),
  w3cStep('W3C VC · RsaSignature2018 (DIVOC legacy, PS256)', 'vaccination', 'RsaSignature2018', 'RSA'),
  w3cStep('W3C VC · Ed25519Signature2018 (DIVOC legacy)', 'vaccination', 'Ed25519Signature2018', 'Ed25519'),
  w3cStep('W3C VC · test certificate, eddsa-rdfc-2022', 'test', 'eddsa-rdfc-2022', 'Ed25519'),
  divocQrStep,
  compactStep,
  pixelPassStep,
  sdJwtStep,
  dccStep,
  dvcStep,
  shcStep,
  vdsncStep,
  qrImageStep,
];

export async function makeDemoContext(): Promise<DemoContext> {
  const [ed, p256, rsa] = await Promise.all([
    generateKeyPair('Ed25519'),
    generateKeyPair('P-256'),
    generateKeyPair('RSA'),
  ]);
  const trustStore = new TrustStore();
  const load = (keyPair: KeyPair): LoadedKey => {
    const id = keyPair.type === 'RSA' ? defaultKeyId(keyPair) : verificationMethodId(keyPair);
    trustStore.add(trustedKeyFromKeyPair(keyPair, { id, controller: DEMO_ISSUER }));
    return { keyPair, id, controller: DEMO_ISSUER, source: 'divoc-key' };
  };
  const keys = { Ed25519: load(ed), 'P-256': load(p256), RSA: load(rsa) };
  // SMART Health Cards name keys by JWK thumbprint, scoped to the issuer URL.
  trustStore.addJwks(exportIssuerJwks([p256]), { issuer: DEMO_SHC_ISSUER });

  // Development PKI: CSCA → DCC document signer, and → VDS-NC barcode signer. Verifiers trust the CSCA (VDS-NC)
  // and the DSC itself (DCC trust lists carry signer certificates).
  const csca = await createDevelopmentCsca({ country: 'IN' });
  const dscCert = await createDevelopmentSigner({ csca });
  // One development-PKI shape for both formats: the DCC CSCA issues the VDS-NC signer as it is.
  const bscCert = await createVdsncSigner({ csca, country: 'IN' });
  const trust = new Trust(trustStore);
  // The SD-JWT VC issuer's JWT VC Issuer Metadata (what it serves at /.well-known/jwt-vc-issuer).
  trust.add({ issuer: DEMO_SD_JWT_ISSUER, jwks: { keys: [{ ...exportPublicJwk(ed), kid: jwkThumbprint(ed) }] } });
  trust.add(csca.certificatePem);
  trust.add(dscCert.certificatePem);
  const asLoaded = (keyPair: KeyPair, id: string): LoadedKey => ({ keyPair, id, source: 'pem' });
  const dsc = certifiedKey(asLoaded(dscCert.keyPair, dscCert.kid), dscCert.certificate);
  const bsc = certifiedKey(asLoaded(bscCert.keyPair, 'demo-bsc'), bscCert.certificate);
  return { keys, trustStore, trust, issuer: DEMO_ISSUER, dsc, bsc };
}

export async function runDemo(
  argv: readonly string[],
  io: CliIo,
  steps: readonly DemoStep[] = DEMO_STEPS,
): Promise<number> {
  const { help } = parseArgs(argv, demoSpec);
  if (help) {
    io.stdout.write(formatHelp(demoSpec));
    return 0;
  }
  const style = makeStyle(useColour(io, io.stdout));
  const out = (s = '') => io.stdout.write(`${s}\n`);
  out(style.bold('divoc demo: issue → verify → tamper, with throw-away keys (nothing is written, no network)'));
  const ctx = await makeDemoContext();
  out(
    style.dim(
      `issuer ${ctx.issuer}; keys: ${Object.values(ctx.keys)
        .map((k) => `${k.keyPair.type} ${shorten(k.id)}`)
        .join(', ')}`,
    ),
  );

  let allGood = true;
  const rows: [string, boolean, boolean][] = [];
  for (const [index, step] of steps.entries()) {
    out();
    out(style.bold(`${index + 1}. ${step.title}`) + style.dim(`  [${step.format}]`));
    let result: DemoStepResult;
    try {
      result = await step.run(ctx);
    } catch (error) {
      allGood = false;
      rows.push([step.title, false, false]);
      out(`   ${style.fail} could not run: ${(error as Error)?.message ?? String(error)}`);
      continue;
    }
    out(`   issued   ${result.issued}, ${formatBytes(result.size)}`);
    out(`   genuine  ${verdict(result.genuine.valid, style)}`);
    for (const check of result.genuine.checks) out(`     ${formatCheck(check, style)}`);
    const failedChecks = result.tampered.checks.filter((c) => !c.ok);
    out(
      `   tampered ${result.tampered.change}: ${verdict(result.tampered.valid, style)} ` +
        `${result.tampered.valid ? style.red('(should have failed!)') : style.green('(rejected, as it must be)')}`,
    );
    for (const check of failedChecks) out(`     ${formatCheck(check, style)}`);
    const good = result.genuine.valid && !result.tampered.valid;
    if (!good) allGood = false;
    rows.push([step.title, result.genuine.valid, !result.tampered.valid]);
  }
  out();
  out(style.bold('Summary'));
  for (const [title, genuineOk, tamperRejected] of rows) {
    out(
      `  ${genuineOk ? style.ok : style.fail} verified  ` +
        `${tamperRejected ? style.ok : style.fail} tamper rejected  ${title}`,
    );
  }
  out();
  out(
    allGood
      ? style.green('All genuine credentials verified and all tampered copies were rejected.')
      : style.red('DEMO FAILED: see the ✘ above.'),
  );
  return allGood ? 0 : 1;
}

function describeProof(proof: { type: string; cryptosuite?: string }): string {
  return proof.cryptosuite ? `${proof.type}/${proof.cryptosuite}` : proof.type;
}

function verdict(valid: boolean, style: Style): string {
  return valid ? style.green('VALID') : style.red('INVALID');
}

function shorten(id: string): string {
  return id.length > 40 ? `${id.slice(0, 24)}…${id.slice(-8)}` : id;
}
