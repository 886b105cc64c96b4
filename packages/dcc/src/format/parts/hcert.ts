/**
 * What the `dcc` and `dvc`/`icvp` plugins share: both are HCERT messages (COSE_Sign1 over CWT claims), so their
 * envelope facts, signature facts for revocation lists and evidence are read the same way.
 */
import type { Check, TrustedKey } from '@divoc/keys';
import {
  evidenceFrom,
  type DecodedCredential,
  type FormatEvidence,
  type FormatVerifyContext,
  type HcertRevocationFacts,
} from '@divoc/schemas';
import type { DccAlgorithm } from '../../cose/cose.js';

/** A COSE signature longer than this is not one the revocation hashes are made of. */
const MAX_SIGNATURE = 1024;

/** The envelope of a decoded HCERT message. */
interface HcertEnvelope {
  kid?: string;
  alg?: DccAlgorithm;
  algId?: number | string;
  iss?: string;
  iat?: number;
  exp?: number;
  signature: Uint8Array;
}

/** What a verifier of an HCERT format returns. */
interface HcertVerification {
  checks: Check[];
  signer?: TrustedKey;
  alg?: string;
  kid?: string;
  issuedAt?: Date;
  expiresAt?: Date;
  issuer?: string;
  payload?: unknown;
}

/** The plugin's payload as a verifier takes it: bytes, or the HC1 text. */
export const hcertInput = (payload: unknown): string | Uint8Array =>
  payload instanceof Uint8Array ? payload : String(payload);

const isoSeconds = (s: number | undefined) => (s === undefined ? undefined : new Date(s * 1000).toISOString());

/** `decode`'s result: the payload and the envelope facts (kid, alg, iss, iat, exp), plus the format's own. */
export function hcertDecoded(
  decoded: HcertEnvelope,
  payload: unknown,
  more: readonly [string, unknown][],
): DecodedCredential {
  const header: Record<string, unknown> = {};
  const facts: [string, unknown][] = [
    ['kid', decoded.kid],
    ['alg', decoded.alg ?? decoded.algId],
    ['iss', decoded.iss],
    ['iat', isoSeconds(decoded.iat)],
    ['exp', isoSeconds(decoded.exp)],
    ...more,
  ];
  for (const [k, v] of facts) if (v !== undefined) header[k] = v;
  return { payload, header };
}

/** The revocation facts every HCERT message gives: its kid, and its COSE signature with the algorithm. */
export function signatureFacts(decoded: HcertEnvelope): HcertRevocationFacts {
  const facts: HcertRevocationFacts = {};
  if (decoded.kid !== undefined) facts.kid = decoded.kid;
  const alg = decoded.alg ?? decoded.algId;
  if (alg !== undefined && decoded.signature.length > 0 && decoded.signature.length <= MAX_SIGNATURE) {
    facts.coseSignature = decoded.signature;
    facts.alg = alg;
  }
  return facts;
}

/** The evidence of a verified HCERT message (no trust decision), with its revocation handle. */
export function hcertEvidence(
  format: string,
  result: HcertVerification,
  context: FormatVerifyContext,
  revocationFacts: () => HcertRevocationFacts,
): FormatEvidence {
  const evidence = evidenceFrom(format, result.checks, context.details, 'ERR_DCC_SIGNER_CERTIFICATE_EXPIRED');
  if (result.signer) evidence.signer = result.signer;
  if (result.alg !== undefined) evidence.details.suite = result.alg;
  if (result.kid !== undefined) evidence.details.verificationMethod = result.kid;
  if (result.issuedAt) evidence.details.issuedAt = result.issuedAt.toISOString();
  if (result.expiresAt) evidence.details.expiresAt = result.expiresAt.toISOString();
  if (result.issuer !== undefined) evidence.claimedIssuer = result.issuer;
  if (result.payload === undefined) return evidence;
  evidence.credential = result.payload;
  evidence.revocation = [{ kind: 'hcert', facts: revocationFacts }];
  return evidence;
}

/** The verify options both verifiers take, from the plugin's context. */
export const hcertVerifyOptions = (context: FormatVerifyContext) => ({
  trust: context.trust.store,
  now: context.now,
  ...(context.acceptExpiredKeys ? { policy: { acceptExpiredKeys: true } } : {}),
});
