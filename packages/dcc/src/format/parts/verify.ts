/**
 * Decoding and verifying for the `dcc` plugin (CBOR, COSE, the DCC schema), loaded on its first use: an app that
 * verifies other formats never downloads it. The package build gives this folder its own copy of what it reaches
 * (tsup.config.mjs), so none of it lands in a chunk the first page loads.
 */
import {
  evidenceFrom,
  type DecodedCredential,
  type FormatEvidence,
  type FormatVerifyContext,
  type HcertRevocationFacts,
} from '@divoc/schemas';
import { decodeDcc } from '../../hc1/decode.js';
import { verifyDcc } from '../../hc1/verify.js';

const MAX_UCI = 256;
const MAX_SIGNATURE = 1024;

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

/** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
export function decodeDccPayload(payload: unknown): DecodedCredential {
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
}

/** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
export async function dccEvidence(payload: unknown, context: FormatVerifyContext): Promise<FormatEvidence> {
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
}
