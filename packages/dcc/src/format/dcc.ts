import {
  cleanSummary,
  firstRecord,
  isJsonRecord,
  summaryCount,
  summaryDay,
  summaryText,
  valueSetDisplay,
  dccValueSets,
  type CredentialFormatPlugin,
  type CredentialSummary,
  type FormatInput,
} from '@divoc/schemas';
import { peekHcertKind } from '../dvc/peek.js';
import { detectDcc } from '../hc1/detect.js';

/** HC1 input, unless it is a WHO DVC (HCERT -6: the `dvc` and `icvp` plugins read those). */
function detect(input: FormatInput) {
  if (input.kind === 'text' && /^HC1:/i.test(input.text))
    return isDvc(input.text) ? undefined : { payload: input.text };
  if (input.kind === 'bytes' && detectDcc(input.bytes))
    return isDvc(input.bytes) ? undefined : { payload: input.bytes };
  return undefined;
}

/** Only what a cheap, strict peek reads as a DVC; anything unreadable stays a DCC, so its decoder reports the fault. */
function isDvc(input: string | Uint8Array): boolean {
  const kind = peekHcertKind(input);
  return kind === 'dvc' || kind === 'icvp';
}

/** The person and the event of a DCC payload, with the EU value sets' display names. */
export function summarizeDcc(payload: unknown): CredentialSummary {
  if (!isJsonRecord(payload)) return { event: 'other' };
  const nam = isJsonRecord(payload.nam) ? payload.nam : {};
  const given = summaryText(nam.gn) ?? summaryText(nam.gnt);
  const family = summaryText(nam.fn) ?? summaryText(nam.fnt);
  const name = [given, family].filter(Boolean).join(' ') || undefined;
  const base: CredentialSummary = { name, dateOfBirth: summaryDay(payload.dob), event: 'other' };
  const v = firstRecord(payload.v);
  const t = firstRecord(payload.t);
  const r = firstRecord(payload.r);
  if (v) {
    return cleanSummary({
      ...base,
      event: 'vaccination',
      vaccine: valueSetDisplay(dccValueSets.vaccineMedicinalProduct, v.mp),
      vaccineCode: summaryText(v.mp),
      manufacturer: valueSetDisplay(dccValueSets.vaccineMahManf, v.ma),
      dose: summaryCount(v.dn),
      totalDoses: summaryCount(v.sd),
      date: summaryDay(v.dt),
      country: summaryText(v.co),
      certificateId: summaryText(v.ci),
    });
  }
  if (t) {
    return cleanSummary({
      ...base,
      event: 'test',
      testType: valueSetDisplay(dccValueSets.testType, t.tt),
      testResult: valueSetDisplay(dccValueSets.testResult, t.tr),
      manufacturer: t.ma !== undefined ? valueSetDisplay(dccValueSets.testManufacturer, t.ma) : summaryText(t.nm),
      date: summaryDay(t.sc),
      country: summaryText(t.co),
      certificateId: summaryText(t.ci),
    });
  }
  if (r) {
    const recovery = {
      event: 'recovery' as const,
      date: summaryDay(r.fr),
      country: summaryText(r.co),
      certificateId: summaryText(r.ci),
    };
    return cleanSummary({ ...base, ...recovery });
  }
  return cleanSummary(base);
}

/** The decoding and verifying code, and the issuing code: each loaded on first use (see ./parts/). */
const verifyPart = () => import('./parts/verify.js');
const issuePart = () => import('./parts/issue.js');
const coreDataSetPart = () => import('./parts/core-data-set.js');

/** The EU Digital COVID Certificate: HCERT in a CWT, COSE-signed, zlib-compressed, Base45 behind `HC1:`. */
export const dccFormat = {
  name: 'dcc',
  shortName: 'dcc',
  title: 'EU Digital COVID Certificate',
  keyUse: 'hcert',
  /** Recognises an input as this format; cheap, never throws. */
  detect,
  /** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
  decode: async (payload) => (await verifyPart()).decodeDccPayload(payload),
  /** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
  verify: async (payload, context) => (await verifyPart()).dccEvidence(payload, context),
  /** The person and the event, read back from a decoded payload. */
  summarize: summarizeDcc,
  /** The WHO DDCC core data set of a decoded payload, codes in the EU value sets' systems. */
  coreDataSet: async (credential) => (await coreDataSetPart()).dccCoreDataSet(credential),
  issuance: {
    mode: 'signs',
    keys: ['dcc', 'dsc'],
    keyHint: 'keys.dcc or keys.dsc (a DCC document signer and its certificate)',
    /** Signs this format from the DDCC core data set with the key of the first filled slot of `keys`. */
    issue: async (input, key) => (await issuePart()).issueDccFormat(input, key),
  },
  files: {
    mainSuffix: '.dcc.txt',
    /** The main file's text, from the issued output. */
    main: (output) => `${String(output.hc1)}\n`,
    /** The format's value in an ndjson bundle line, as JSON text. */
    bundle: (output) => JSON.stringify(output.hc1),
    /** The QR text a printed certificate shows, read back from the written files. */
    qrText: (main) => main.trim() || undefined,
  },
  /** The issued output as the service returns it in JSON (texts only). */
  apiOutput: (output) => ({ hc1: output.hc1, uvci: output.uvci }),
} as const satisfies CredentialFormatPlugin<'dcc'>;
