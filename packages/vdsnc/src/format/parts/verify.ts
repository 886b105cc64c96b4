/**
 * Decoding and verifying for the `vdsnc` plugin, loaded on its first use: an app that verifies other formats never
 * downloads it. The package build gives this folder its own copy of what it reaches (tsup.config.mjs).
 */
import { parseCertificate } from '@divoc/keys';
import {
  evidenceFrom,
  failedCheck,
  isJsonRecord,
  passedCheck,
  type DecodedCredential,
  type FormatEvidence,
  type FormatVerifyContext,
} from '@divoc/schemas';
import { decodeVdsnc } from '../../decode/index.js';
import { verifyVdsnc } from '../../verify/index.js';

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

/** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
export function decodeVdsncPayload(payload: unknown): DecodedCredential {
  const decoded = decodeVdsnc(payload as object);
  const header: Record<string, unknown> = {
    type: decoded.type,
    issuingCountry: decoded.issuingCountry,
    alg: decoded.algorithm,
  };
  header.signer = signerFacts(decoded.signerCertificate);
  return { payload: decoded.seal, header };
}

/** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
export async function vdsncEvidence(payload: unknown, context: FormatVerifyContext): Promise<FormatEvidence> {
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
}
