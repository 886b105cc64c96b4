import { isJsonObject, parseCertificate, type DocumentSignerKey } from '@divoc/keys';
import {
  cleanSummary,
  evidenceFrom,
  failedCheck,
  FormatIssueError,
  isJsonRecord,
  passedCheck,
  summaryCount,
  summaryDay,
  summaryText,
  type CredentialFormatPlugin,
  type CredentialSummary,
} from '@divoc/schemas';
import { decodeVdsnc } from '../decode/index.js';
import { encodeVdsnc } from '../issue/index.js';
import { verifyVdsnc } from '../verify/index.js';
import { issueVdsncFromDdcc } from './issue.js';

/** The signer certificate's facts for `decode`'s header; null when it does not parse. */
function signerFacts(der: Uint8Array): Record<string, string> | null {
  try {
    const cert = parseCertificate(der);
    return {
      subject: cert.subject.text.replace(/\n/g, ', '),
      issuer: cert.issuer.text.replace(/\n/g, ', '),
      validFrom: cert.notBefore.toISOString(),
      validTo: cert.notAfter.toISOString(),
    };
  } catch {
    return null;
  }
}

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

const isDocumentSigner = (key: unknown): key is DocumentSignerKey =>
  typeof key === 'object' && key !== null && 'signer' in key && 'certificate' in key;

/** An ICAO Visible Digital Seal for non-constrained environments (VDS-NC): signed JSON with its signer certificate. */
export const vdsncFormat = {
  name: 'vdsnc',
  shortName: 'vdsnc',
  title: 'ICAO VDS-NC',
  /** Recognises an input as this format; cheap, never throws. */
  detect: (input) =>
    input.kind === 'json' && isJsonObject(input.json.data) && isJsonObject(input.json.sig)
      ? { payload: input.json }
      : undefined,
  /** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
  decode: (payload) => {
    const decoded = decodeVdsnc(payload as object);
    const header: Record<string, unknown> = {
      type: decoded.type,
      issuingCountry: decoded.issuingCountry,
      alg: decoded.algorithm,
    };
    header.signer = signerFacts(decoded.signerCertificate);
    return { payload: decoded.seal, header };
  },
  /** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
  verify: async (payload, context) => {
    // The package checks the seal against the certificate it carries; whether that certificate is trusted (directly,
    // or through a CSCA of the same country) and for which country is the trust's decision.
    const result = await verifyVdsnc(payload as object, { now: context.now });
    const evidence = evidenceFrom('vdsnc', result.checks, context.details, 'ERR_VDSNC_CERTIFICATE_EXPIRED');
    delete evidence.trustFailure;
    if (result.issuer !== undefined) evidence.claimedIssuer = result.issuer;
    if (result.payload === undefined) return evidence;
    evidence.credential = result.payload;
    const sig = isJsonRecord(payload) && isJsonRecord(payload.sig) ? payload.sig : {};
    if (typeof sig.alg === 'string') evidence.details.suite = sig.alg.slice(0, 16);
    const signatureOk = evidence.checks.some((c) => c.name === 'signature' && c.ok);
    // Whether the certificate is trusted is reported even when the seal's signature failed.
    const found = await context.trust.certificateSigner(
      decodeVdsnc(payload as object).signerCertificate,
      'ERR_VDSNC_NOT_TRUSTED',
    );
    if ('key' in found) evidence.signer = found.key;
    else evidence.trustFailure = failedCheck('trust', found.code, found.message);
    const i = evidence.checks.findIndex((c) => c.name === 'validity');
    const validity = evidence.checks[i];
    if (
      validity &&
      !validity.ok &&
      validity.code === 'ERR_VDSNC_CERTIFICATE_EXPIRED' &&
      signatureOk &&
      context.acceptExpiredKeys
    ) {
      // A seal carries no signing time: the policy accepts certificates expired since, on the operator's say-so.
      evidence.checks[i] = passedCheck(
        'validity',
        `${validity.message ?? 'certificate expired'}; accepted by policy (acceptExpiredKeys)`,
      );
    }
    return evidence;
  },
  /** The person and the event, read back from a decoded payload. */
  summarize: summarizeVdsnc,
  issuance: {
    mode: 'signs',
    keys: ['vdsnc', 'dsc'],
    keyHint: 'keys.vdsnc or keys.dsc (a VDS-NC barcode signer and its certificate)',
    /** Signs this format from the DDCC core data set with the key of the first filled slot of `keys`. */
    issue: async (input, key) => {
      if (!isDocumentSigner(key))
        throw new FormatIssueError('vdsnc', 'ERR_ISSUER_KEY_MISSING', 'needs a barcode signer and its certificate');
      const name = input.options.vdsncName === 'as-written' ? 'as-written' : 'latin';
      const { seal, id } = await issueVdsncFromDdcc(input.credential, input.ddcc, key, { name });
      const json = encodeVdsnc(seal);
      return { output: { seal, json }, qr: json, identifiers: { vdsnc: id } };
    },
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
