import type { DocumentSignerKey } from '@divoc/keys';
import {
  cleanSummary,
  evidenceFrom,
  firstRecord,
  FormatIssueError,
  isJsonRecord,
  projectCredential,
  summaryCount,
  summaryDay,
  summaryText,
  valueSetDisplay,
  dccValueSets,
  type CredentialFormatPlugin,
  type CredentialSummary,
  type FormatInput,
  type HcertRevocationFacts,
} from '@divoc/schemas';
import { decodeDcc, detectDcc } from '../hc1/decode.js';
import { verifyDcc } from '../hc1/verify.js';
import { issueDccFromDdcc } from './issue.js';

const MAX_UCI = 256;
const MAX_SIGNATURE = 1024;

function detect(input: FormatInput) {
  if (input.kind === 'text' && /^HC1:/i.test(input.text)) return { payload: input.text };
  if (input.kind === 'bytes' && detectDcc(input.bytes)) return { payload: input.bytes };
  return undefined;
}

const asDccInput = (payload: unknown): string | Uint8Array =>
  payload instanceof Uint8Array ? payload : String(payload);
const isoSeconds = (s: number | undefined) => (s === undefined ? undefined : new Date(s * 1000).toISOString());

/** What a DCC revocation list is keyed by, read from the message (the first certificate entry's UCI). */
function revocationFacts(payload: string | Uint8Array): HcertRevocationFacts {
  const decoded = decodeDcc(payload);
  const facts: HcertRevocationFacts = {};
  if (decoded.kid !== undefined) facts.kid = decoded.kid;
  const groups = [decoded.payload.v, decoded.payload.t, decoded.payload.r];
  const entry = groups.find((group) => Array.isArray(group) && group.length > 0)?.[0] as { ci?: unknown } | undefined;
  if (typeof entry?.ci === 'string' && entry.ci.length > 0 && entry.ci.length <= MAX_UCI) facts.uci = entry.ci;
  if (facts.uci !== undefined && typeof decoded.iss === 'string' && /^[A-Z]{2}$/.test(decoded.iss))
    facts.country = decoded.iss;
  const alg = decoded.alg ?? decoded.algId;
  if (alg !== undefined && decoded.signature.length > 0 && decoded.signature.length <= MAX_SIGNATURE) {
    facts.coseSignature = decoded.signature;
    facts.alg = alg;
  }
  return facts;
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

const isDocumentSigner = (key: unknown): key is DocumentSignerKey =>
  typeof key === 'object' && key !== null && 'signer' in key && 'certificate' in key;

/** The EU Digital COVID Certificate: HCERT in a CWT, COSE-signed, zlib-compressed, Base45 behind `HC1:`. */
export const dccFormat = {
  name: 'dcc',
  shortName: 'dcc',
  title: 'EU Digital COVID Certificate',
  /** Recognises an input as this format; cheap, never throws. */
  detect,
  /** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
  decode: (payload) => {
    const decoded = decodeDcc(asDccInput(payload));
    const header: Record<string, unknown> = {};
    const facts: [string, unknown][] = [
      ['kid', decoded.kid],
      ['alg', decoded.alg ?? decoded.algId],
      ['iss', decoded.iss],
      ['iat', isoSeconds(decoded.iat)],
      ['exp', isoSeconds(decoded.exp)],
      ['type', decoded.type],
    ];
    for (const [k, v] of facts) if (v !== undefined) header[k] = v;
    return { payload: decoded.payload, header };
  },
  /** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
  verify: async (payload, context) => {
    const input = asDccInput(payload);
    const result = await verifyDcc(input, {
      trust: context.trust.store,
      now: context.now,
      ...(context.acceptExpiredKeys ? { policy: { acceptExpiredKeys: true } } : {}),
    });
    const evidence = evidenceFrom('dcc', result.checks, context.details, 'ERR_DCC_SIGNER_CERTIFICATE_EXPIRED');
    if (result.signer) evidence.signer = result.signer;
    if (result.alg !== undefined) evidence.details.suite = result.alg;
    if (result.kid !== undefined) evidence.details.verificationMethod = result.kid;
    if (result.issuedAt) evidence.details.issuedAt = result.issuedAt.toISOString();
    if (result.expiresAt) evidence.details.expiresAt = result.expiresAt.toISOString();
    if (result.issuer !== undefined) evidence.claimedIssuer = result.issuer;
    if (result.payload === undefined) return evidence;
    evidence.credential = result.payload;
    evidence.revocation = [{ kind: 'hcert', facts: () => revocationFacts(input) }];
    return evidence;
  },
  /** The person and the event, read back from a decoded payload. */
  summarize: summarizeDcc,
  issuance: {
    mode: 'signs',
    keys: ['dcc', 'dsc'],
    keyHint: 'keys.dcc or keys.dsc (a DCC document signer and its certificate)',
    /** Signs this format from the DDCC core data set with the key of the first filled slot of `keys`. */
    issue: async (input, key) => {
      if (!isDocumentSigner(key))
        throw new FormatIssueError('dcc', 'ERR_ISSUER_KEY_MISSING', 'needs a document signer and its certificate');
      const projected = projectCredential(input.credential, input.ddcc);
      const dcc = await issueDccFromDdcc(projected, input.ddcc, key, {
        ...(input.issuanceDate !== undefined ? { issuanceDate: input.issuanceDate } : {}),
        ...(input.expirationDate !== undefined ? { expirationDate: input.expirationDate } : {}),
      });
      const entry = dcc.payload.v?.[0] ?? dcc.payload.t?.[0] ?? dcc.payload.r?.[0];
      const uvci = entry?.ci ?? '';
      return { output: { hc1: dcc.hc1, uvci, payload: dcc.payload }, qr: dcc.hc1, identifiers: { uvci } };
    },
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
