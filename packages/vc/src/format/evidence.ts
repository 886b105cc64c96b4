import { evidenceFrom, type FormatEvidence, type FormatVerifyContext, type RevocationHandle } from '@divoc/schemas';
import { ambiguousTermPaths } from '../canonize/ambiguity.js';
import type { AmbiguousTermGroup } from '../types.js';
import { verifyCredential } from '../verify/index.js';

/**
 * Evidence for a W3C credential, however it was wrapped (JSON, DIVOC QR, compact QR): the proof checked against the
 * trusted keys, the issuer it claims, its revocation handles and a warning where its contexts leave terms
 * interchangeable. Shared by the three formats that carry a W3C credential.
 */
export async function w3cCredentialEvidence(
  format: string,
  credential: unknown,
  context: FormatVerifyContext,
): Promise<FormatEvidence> {
  const result = await verifyCredential(credential, { trust: context.trust.store, now: context.now });
  const evidence = evidenceFrom(format, result.checks, context.details, 'ERR_VC_KEY_EXPIRED');
  if (result.suite !== undefined) evidence.details.suite = result.suite;
  if (result.verificationMethod !== undefined) evidence.details.verificationMethod = result.verificationMethod;
  if (result.issuer !== undefined) evidence.claimedIssuer = result.issuer;
  if (result.signer) evidence.signer = result.signer;
  if (result.signedAt) evidence.signedAt = result.signedAt;
  if (!result.credential) return evidence;
  const signed = result.credential as Record<string, unknown>;
  evidence.credential = signed;
  evidence.revocation = revocationHandles(signed, result.ambiguousTerms);
  if (result.ambiguousTerms && result.ambiguousTerms.length > 0) {
    const fields = ambiguousTermPaths(result.ambiguousTerms);
    const groups = result.ambiguousTerms.map((g) => g.terms.join(', ')).join('; ');
    evidence.warnings = [
      {
        code: 'WARN_VC_AMBIGUOUS_TERMS',
        message:
          `the credential's contexts give ${groups} one meaning each, so the signature does not bind which of them ` +
          `holds which value: they may have been swapped after signing (${fields.join(', ')}); do not show ` +
          `them as certain`,
        fields,
      },
    ];
  }
  return evidence;
}

function revocationHandles(
  credential: Record<string, unknown>,
  ambiguousTerms: readonly AmbiguousTermGroup[] | undefined,
): RevocationHandle[] {
  const handles: RevocationHandle[] = [];
  if (credential.credentialStatus !== undefined) handles.push({ kind: 'status-list', credential });
  // Terms the signature leaves interchangeable with certificateId are candidates too: a swap cannot hide a revocation.
  handles.push({ kind: 'divoc-certificate', credential, ...(ambiguousTerms ? { ambiguousTerms } : {}) });
  return handles;
}
