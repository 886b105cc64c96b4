import { isJsonObject } from '@divoc/keys';
import {
  cleanSummary,
  isJsonRecord,
  summaryCount,
  summaryDay,
  summaryText,
  type CredentialFormatPlugin,
  type CredentialSummary,
} from '@divoc/schemas';

/** The person and the event of a seal: the latest dose of a proof of vaccination, or the test. */
export function summarizeVdsnc(seal: unknown): CredentialSummary {
  const data = isJsonRecord(seal) && isJsonRecord(seal.data) ? seal.data : undefined;
  const hdr = data && isJsonRecord(data.hdr) ? data.hdr : {};
  const msg = data && isJsonRecord(data.msg) ? data.msg : {};
  const pid = isJsonRecord(msg.pid) ? msg.pid : {};
  const summary: CredentialSummary = {
    name: summaryText(pid.n),
    dateOfBirth: summaryDay(pid.dob),
    gender: summaryText(pid.sex),
    event: 'other',
  };
  if (hdr.t === 'icao.vacc') {
    // Every dose of every vaccine; the latest (highest sequence, then date) is the event.
    const doses: { ve: Record<string, unknown>; vd: Record<string, unknown> }[] = [];
    for (const ve of (Array.isArray(msg.ve) ? msg.ve : []).slice(0, 32)) {
      if (!isJsonRecord(ve)) continue;
      for (const vd of (Array.isArray(ve.vd) ? ve.vd : []).slice(0, 32)) if (isJsonRecord(vd)) doses.push({ ve, vd });
    }
    const seq = (d: { vd: Record<string, unknown> }) => summaryCount(d.vd.seq) ?? 0;
    doses.sort((a, b) => seq(a) - seq(b) || String(a.vd.dvc ?? '').localeCompare(String(b.vd.dvc ?? '')));
    const latest = doses[doses.length - 1];
    summary.event = 'vaccination';
    summary.certificateId = summaryText(msg.uvci);
    if (latest) {
      summary.vaccine = summaryText(latest.ve.nam);
      summary.vaccineCode = summaryText(latest.ve.des);
      summary.dose = summaryCount(latest.vd.seq);
      summary.date = summaryDay(latest.vd.dvc);
      summary.country = summaryText(latest.vd.ctr);
    }
  } else if (hdr.t === 'icao.test') {
    const tr = isJsonRecord(msg.tr) ? msg.tr : {};
    const dat = isJsonRecord(msg.dat) ? msg.dat : {};
    const sp = isJsonRecord(msg.sp) ? msg.sp : {};
    summary.event = 'test';
    summary.certificateId = summaryText(msg.utci);
    summary.testType = summaryText(tr.tc);
    summary.testResult = summaryText(tr.r);
    summary.date = summaryDay(dat.sc);
    summary.country = summaryText(sp.ctr);
  }
  return cleanSummary(summary);
}

/** The decoding and verifying code, and the issuing code: each loaded on first use (see ./parts/). */
const verifyPart = () => import('./parts/verify.js');
const issuePart = () => import('./parts/issue.js');

/** An ICAO Visible Digital Seal for non-constrained environments (VDS-NC): signed JSON with its signer certificate. */
export const vdsncFormat = {
  name: 'vdsnc',
  shortName: 'vdsnc',
  title: 'ICAO VDS-NC',
  keyUse: 'vdsnc',
  /** Recognises an input as this format; cheap, never throws. */
  detect: (input) =>
    input.kind === 'json' && isJsonObject(input.json.data) && isJsonObject(input.json.sig)
      ? { payload: input.json }
      : undefined,
  /** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
  decode: async (payload) => (await verifyPart()).decodeVdsncPayload(payload),
  /** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
  verify: async (payload, context) => (await verifyPart()).vdsncEvidence(payload, context),
  /** The person and the event, read back from a decoded payload. */
  summarize: summarizeVdsnc,
  /** The WHO DDCC core data set of a decoded seal (ICD-11 codes as the seal gives them, countries as alpha-2). */
  coreDataSet: async (credential) => (await import('./parts/core-data-set.js')).vdsncCoreDataSet(credential),
  issuance: {
    mode: 'signs',
    keys: ['vdsnc', 'dsc'],
    keyHint: 'keys.vdsnc or keys.dsc (a VDS-NC barcode signer and its certificate)',
    /** Signs this format from the DDCC core data set with the key of the first filled slot of `keys`. */
    issue: async (input, key) => (await issuePart()).issueVdsncFormat(input, key),
  },
  files: {
    mainSuffix: '.vdsnc.json',
    /** The main file's text, from the issued output. */
    main: (output) => `${JSON.stringify(output.seal, null, 2)}\n`,
    /** The format's value in an ndjson bundle line, as JSON text. */
    bundle: (output) => JSON.stringify(output.seal),
  },
  /** The issued output as the service returns it in JSON (texts only). */
  apiOutput: (output) => ({ json: output.json }),
} as const satisfies CredentialFormatPlugin<'vdsnc'>;
