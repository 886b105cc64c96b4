/**
 * Decoding and verifying for the `dvc` and `icvp` plugins (CBOR, COSE, the DVC schema), loaded on their first use,
 * like ./verify.ts for the `dcc` plugin.
 */
import {
  evidenceFrom,
  type DecodedCredential,
  type FormatEvidence,
  type FormatVerifyContext,
  type HcertRevocationFacts,
} from '@divoc/schemas';
import { decodeDvc, verifyDvc } from '../../dvc/dvc.js';
import type { DvcProfile } from '../../dvc/payload.js';

const MAX_SIGNATURE = 1024;

const asInput = (payload: unknown): string | Uint8Array => (payload instanceof Uint8Array ? payload : String(payload));
const isoSeconds = (s: number | undefined) => (s === undefined ? undefined : new Date(s * 1000).toISOString());

/** What HCERT revocation data can match a DVC on: the kid and the COSE signature (a DVC has no certificate id). */
function revocationFacts(payload: string | Uint8Array): HcertRevocationFacts {
  const decoded = decodeDvc(payload);
  const facts: HcertRevocationFacts = {};
  if (decoded.kid !== undefined) facts.kid = decoded.kid;
  const alg = decoded.alg ?? decoded.algId;
  if (alg !== undefined && decoded.signature.length > 0 && decoded.signature.length <= MAX_SIGNATURE) {
    facts.coseSignature = decoded.signature;
    facts.alg = alg;
  }
  return facts;
}

/** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
export function decodeDvcPayload(payload: unknown): DecodedCredential {
  const decoded = decodeDvc(asInput(payload));
  const header: Record<string, unknown> = {};
  const facts: [string, unknown][] = [
    ['kid', decoded.kid],
    ['alg', decoded.alg ?? decoded.algId],
    ['iss', decoded.iss],
    ['iat', isoSeconds(decoded.iat)],
    ['exp', isoSeconds(decoded.exp)],
    ['profile', decoded.profile],
  ];
  for (const [k, v] of facts) if (v !== undefined) header[k] = v;
  return { payload: decoded.payload, header };
}

/** Decodes, checks the signature and the DVC's own fields, and reports the evidence (no trust decision). */
export async function dvcEvidence(
  format: DvcProfile,
  payload: unknown,
  context: FormatVerifyContext,
): Promise<FormatEvidence> {
  const input = asInput(payload);
  const result = await verifyDvc(input, {
    trust: context.trust.store,
    now: context.now,
    ...(context.acceptExpiredKeys ? { policy: { acceptExpiredKeys: true } } : {}),
  });
  const evidence = evidenceFrom(format, result.checks, context.details, 'ERR_DCC_SIGNER_CERTIFICATE_EXPIRED');
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
