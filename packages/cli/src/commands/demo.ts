import { TrustStore, generateKeyPair, trustedKeyFromKeyPair, verificationMethodId, type KeyPair } from '@divoc/keys';
import { verifyCredential, type Check, type SuiteName } from '@divoc/vc';
import { defineCommand, formatHelp, parseArgs } from '../lib/args.js';
import { buildFromRecord, makeIssuer } from '../lib/engine.js';
import { useColour, type CliIo } from '../lib/io.js';
import { defaultKeyId, type LoadedKey } from '../lib/keyfile.js';
import { formatBytes, formatCheck, makeStyle, type Style } from '../lib/report.js';

export const demoSpec = defineCommand({
  name: 'demo',
  summary: 'Issue sample credentials in every supported format with throw-away keys, verify them, and show a tampered copy failing. No files, no network.',
  usage: 'demo',
  flags: {},
  positionals: { min: 0, max: 0 },
  details: 'Exit status: 0 when every genuine credential verified and every tampered copy was rejected, else 1.',
});

/** Issuer every demo key belongs to. */
const DEMO_ISSUER = 'https://demo.divoc.example/';

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
  trustStore: TrustStore;
  issuer: string;
}

export interface VerificationOutcome {
  valid: boolean;
  checks: Check[];
}

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
      const built = buildFromRecord(template, record, { issuer: ctx.issuer, certificateId: `demo-${template}-${suite}`.toLowerCase(), vcVersion });
      if (!built.ok) throw new Error(`sample ${template} record rejected: ${built.errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`);
      const signed = await makeIssuer(ctx.keys[keyType], suite).issue(built.credential);
      const text = JSON.stringify(signed);
      const genuine = await verifyCredential(signed, { trustStore: ctx.trustStore });
      const forged = JSON.parse(text) as { credentialSubject: { name?: string } };
      forged.credentialSubject.name = 'Mallory Forger';
      const tampered = await verifyCredential(forged as unknown as typeof signed, { trustStore: ctx.trustStore });
      return {
        issued: `${template} certificate, VC ${vcVersion}, proof ${describeProof(signed.proof)}`,
        size: Buffer.byteLength(text, 'utf8'),
        genuine: { valid: genuine.valid, checks: genuine.checks },
        tampered: { valid: tampered.valid, checks: tampered.checks, change: 'credentialSubject.name changed' },
      };
    },
  };
}

export const DEMO_STEPS: readonly DemoStep[] = [
  w3cStep('W3C VC 2.0 · eddsa-rdfc-2022 (Data Integrity, Ed25519)', 'vaccination', 'eddsa-rdfc-2022', 'Ed25519', '2.0'),
  w3cStep('W3C VC · Ed25519Signature2020', 'vaccination', 'Ed25519Signature2020', 'Ed25519'),
  w3cStep('W3C VC · ecdsa-rdfc-2019 (Data Integrity, P-256)', 'vaccination', 'ecdsa-rdfc-2019', 'P-256'),
  w3cStep('W3C VC · RsaSignature2018 (DIVOC legacy, PS256)', 'vaccination', 'RsaSignature2018', 'RSA'),
  w3cStep('W3C VC · Ed25519Signature2018 (DIVOC legacy)', 'vaccination', 'Ed25519Signature2018', 'Ed25519'),
  w3cStep('W3C VC · test certificate, eddsa-rdfc-2022', 'test', 'eddsa-rdfc-2022', 'Ed25519'),
];

export async function makeDemoContext(): Promise<DemoContext> {
  const [ed, p256, rsa] = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('P-256'), generateKeyPair('RSA')]);
  const trustStore = new TrustStore();
  const load = (keyPair: KeyPair): LoadedKey => {
    const id = keyPair.type === 'RSA' ? defaultKeyId(keyPair) : verificationMethodId(keyPair);
    trustStore.add(trustedKeyFromKeyPair(keyPair, { id, controller: DEMO_ISSUER }));
    return { keyPair, id, controller: DEMO_ISSUER, source: 'divoc-key' };
  };
  return { keys: { Ed25519: load(ed), 'P-256': load(p256), RSA: load(rsa) }, trustStore, issuer: DEMO_ISSUER };
}

export async function runDemo(argv: readonly string[], io: CliIo, steps: readonly DemoStep[] = DEMO_STEPS): Promise<number> {
  const { help } = parseArgs(argv, demoSpec);
  if (help) {
    io.stdout.write(formatHelp(demoSpec));
    return 0;
  }
  const style = makeStyle(useColour(io, io.stdout));
  const out = (s = '') => io.stdout.write(`${s}\n`);
  out(style.bold('divoc demo: issue → verify → tamper, with throw-away keys (nothing is written, no network)'));
  const ctx = await makeDemoContext();
  out(style.dim(`issuer ${ctx.issuer}; keys: ${Object.values(ctx.keys).map((k) => `${k.keyPair.type} ${shorten(k.id)}`).join(', ')}`));

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
    out(`   tampered ${result.tampered.change}: ${verdict(result.tampered.valid, style)} ${result.tampered.valid ? style.red('(should have failed!)') : style.green('(rejected, as it must be)')}`);
    for (const check of failedChecks) out(`     ${formatCheck(check, style)}`);
    const good = result.genuine.valid && !result.tampered.valid;
    if (!good) allGood = false;
    rows.push([step.title, result.genuine.valid, !result.tampered.valid]);
  }
  out();
  out(style.bold('Summary'));
  for (const [title, genuineOk, tamperRejected] of rows) {
    out(`  ${genuineOk ? style.ok : style.fail} verified  ${tamperRejected ? style.ok : style.fail} tamper rejected  ${title}`);
  }
  out();
  out(allGood ? style.green('All genuine credentials verified and all tampered copies were rejected.') : style.red('DEMO FAILED: see the ✘ above.'));
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
