import {
  cleanSummary,
  isJsonRecord,
  summaryCount,
  summaryDay,
  summaryText,
  type CredentialFormatPlugin,
  type CredentialSummary,
  type FormatInput,
} from '@divoc/schemas';
import { dvcVaccinations, type DvcProfile } from '../dvc/payload.js';
import { peekHcertKind } from '../dvc/peek.js';
import { detectDcc } from '../hc1/detect.js';

/** An `HC1:` text (or COSE bytes) whose HCERT is a WHO DVC of this profile. */
function detectProfile(profile: DvcProfile, input: FormatInput) {
  if (input.kind === 'text' && /^HC1:/.test(input.text) && peekHcertKind(input.text) === profile)
    return { payload: input.text };
  if (input.kind === 'bytes' && detectDcc(input.bytes) && peekHcertKind(input.bytes) === profile)
    return { payload: input.bytes };
  return undefined;
}

const GENDER: Readonly<Record<string, string>> = { m: 'male', f: 'female', o: 'other', u: 'unknown' };

/** The person and the vaccination of a DVC or ICVP payload (codes as written: ICD-11, ICVP product ids). */
export function summarizeDvc(payload: unknown): CredentialSummary {
  if (!isJsonRecord(payload)) return { event: 'other' };
  const sex = summaryText(payload.s);
  const base: CredentialSummary = {
    name: summaryText(payload.n),
    dateOfBirth: summaryDay(payload.dob),
    gender: sex === undefined ? undefined : (GENDER[sex.toLowerCase()] ?? sex),
    event: 'other',
  };
  const v = dvcVaccinations(payload)[0];
  if (!v) return cleanSummary(base);
  return cleanSummary({
    ...base,
    event: 'vaccination',
    vaccine: summaryText(v.mp) ?? summaryText(v.vp),
    vaccineCode: summaryText(v.vp),
    manufacturer: summaryText(v.ma),
    dose: summaryCount(v.dn),
    date: summaryDay(v.dt),
  });
}

const verifyPart = () => import('./parts/dvc-verify.js');
const issuePart = () => import('./parts/dvc-issue.js');

const files = {
  mainSuffix: '.dvc.txt',
  /** The main file's text, from the issued output. */
  main: (output: Readonly<Record<string, unknown>>) => `${String(output.hc1)}\n`,
  /** The format's value in an ndjson bundle line, as JSON text. */
  bundle: (output: Readonly<Record<string, unknown>>) => JSON.stringify(output.hc1),
  /** The QR text a printed certificate shows, read back from the written files. */
  qrText: (main: string) => main.trim() || undefined,
};

/**
 * The WHO Digital Vaccination Certificate: the EU DCC's HCERT envelope (`HC1:`, COSE, CWT) with the payload under
 * sub-claim -6, its vaccine and disease as ICD-11 codes. Signed by the same document signers as the DCC.
 */
export const dvcFormat = {
  name: 'dvc',
  shortName: 'dvc',
  title: 'WHO Digital Vaccination Certificate',
  keyUse: 'hcert',
  /** Recognises an `HC1:` text whose HCERT is a DVC (sub-claim -6, not the ICVP profile); cheap, never throws. */
  detect: (input) => detectProfile('dvc', input),
  /** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
  decode: async (payload) => (await verifyPart()).decodeDvcPayload(payload),
  /** Decodes, checks the signature and the DVC's own fields, and reports the evidence (no trust decision). */
  verify: async (payload, context) => (await verifyPart()).dvcEvidence('dvc', payload, context),
  /** The person and the vaccination, read back from a decoded payload. */
  summarize: summarizeDvc,
  /** The WHO DDCC core data set of a decoded payload (see `dvcCoreDataSet`). */
  coreDataSet: async (credential) => (await import('./parts/core-data-set.js')).dvcCoreDataSet(credential),
  issuance: {
    mode: 'signs',
    // Not `dsc`: a caller's document signer for the DCC does not make every issuance a DVC as well; the DVC is issued
    // when keys.dvc is given (it may be the same signer: the CLI's --format dvc does that with --dsc-key).
    keys: ['dvc'],
    keyHint: 'keys.dvc (an HCERT document signer and its certificate; the DCC document signer may be used)',
    /** Signs a DVC from the DDCC core data set (vaccinations only) with the key of the first filled slot. */
    issue: async (input, key) => (await issuePart()).issueDvcFormat('dvc', input, key),
  },
  files,
  /** The issued output as the service returns it in JSON (texts only). */
  apiOutput: (output) => ({ hc1: output.hc1 }),
} as const satisfies CredentialFormatPlugin<'dvc'>;

/**
 * The digital International Certificate of Vaccination or Prophylaxis: a WHO DVC whose vaccines are named by their id
 * in WHO's ICVP product catalogue (prequalified vaccines) rather than by ICD-11 code. Issued only with its own key
 * slot (`keys.icvp`): a registry record rarely carries a catalogue id.
 */
export const icvpFormat = {
  name: 'icvp',
  shortName: 'icvp',
  title: 'WHO International Certificate of Vaccination or Prophylaxis',
  keyUse: 'hcert',
  /** Recognises an `HC1:` text whose HCERT is a DVC in the ICVP profile; cheap, never throws. */
  detect: (input) => detectProfile('icvp', input),
  /** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
  decode: async (payload) => (await verifyPart()).decodeDvcPayload(payload),
  /** Decodes, checks the signature and the ICVP's own fields, and reports the evidence (no trust decision). */
  verify: async (payload, context) => (await verifyPart()).dvcEvidence('icvp', payload, context),
  /** The person and the vaccination, read back from a decoded payload. */
  summarize: summarizeDvc,
  /** The WHO DDCC core data set of a decoded payload (see `dvcCoreDataSet`). */
  coreDataSet: async (credential) => (await import('./parts/core-data-set.js')).dvcCoreDataSet(credential),
  issuance: {
    mode: 'signs',
    keys: ['icvp'],
    keyHint: 'keys.icvp (an HCERT document signer and its certificate)',
    /** Signs an ICVP from the DDCC core data set (needs the vaccine's ICVP product catalogue id). */
    issue: async (input, key) => (await issuePart()).issueDvcFormat('icvp', input, key),
  },
  files: { ...files, mainSuffix: '.icvp.txt' },
  /** The issued output as the service returns it in JSON (texts only). */
  apiOutput: (output) => ({ hc1: output.hc1 }),
} as const satisfies CredentialFormatPlugin<'icvp'>;
