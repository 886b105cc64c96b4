import { sameIssuer, trustedKeyIssuers, type Check, type TrustedKey } from '@divoc/keys';
import { decodeDivocQr } from '@divoc/qr';
import { checkDivocRevocation, checkStatus, divocCertificateId } from '@divoc/status';
import { ambiguousTermPaths, decodeCompactCredential, verifyCredential, type AmbiguousTermGroup } from '@divoc/vc';
import { isObject, type Json } from '../lib/bytes.js';
import type { VerificationDetails } from '../types.js';
import { errorCode, errorMessage, failedCheck, listOf, trustFailureOf } from './common.js';
import type { BoundSigner, FormatEvidence, PluginContext, RevocationSubject } from './plugin.js';

type VcFormat = 'w3c-vc' | 'vc-compact' | 'divoc-qr';

/** A status list may speak for a credential only when its signing key is trusted for the credential's issuer. */
function listSignerCheck(bound: BoundSigner): (listSigner: TrustedKey, list: { url: string; issuer?: string }) => string | undefined {
  return (listSigner) => {
    if (listSigner === bound.key) return undefined;
    const identities = trustedKeyIssuers(listSigner);
    if (identities.some((id) => sameIssuer(id, bound.issuer))) return undefined;
    return `it is signed by key ${listSigner.id}, trusted for ${identities.join(', ')}, not for the credential's issuer ${bound.issuer}`;
  };
}

function vcRevocation(credential: Json, ambiguousTerms: readonly AmbiguousTermGroup[] | undefined, ctx: PluginContext): RevocationSubject {
  const revocation = ctx.options.revocation ?? {};
  const statusLists = listOf(revocation.statusLists);
  const divocLists = listOf(revocation.divoc);
  const hasStatus = credential.credentialStatus !== undefined;
  const certificateId = divocCertificateId(credential);
  const subject: RevocationSubject = hasStatus ? { handle: 'the credential has a credentialStatus' } : {};
  const covered = (hasStatus && statusLists.length > 0) || (certificateId !== undefined && divocLists.length > 0);
  if (!covered) return subject;
  subject.check = async (bound) => {
    const parts: Check[] = [];
    if (hasStatus && statusLists.length > 0) {
      parts.push(await checkStatus(credential, { statusLists, trustStore: ctx.trust.store, now: ctx.now, acceptListSigner: listSignerCheck(bound) }));
    }
    // Terms the signature leaves interchangeable with certificateId are candidates too: a swap cannot hide a revocation.
    if (certificateId !== undefined) {
      for (const list of divocLists) parts.push(checkDivocRevocation(credential, list as never, ambiguousTerms ? { ambiguousTerms } : {}));
    }
    return combine(parts);
  };
  return subject;
}

/** The first failure, else one passing check carrying every note. */
function combine(parts: readonly Check[]): Check | undefined {
  if (parts.length === 0) return undefined;
  const bad = parts.find((c) => !c.ok);
  if (bad) return { ...bad, name: 'revocation' };
  const notes = parts.map((c) => c.message).filter((m): m is string => typeof m === 'string' && m.length > 0);
  return notes.length > 0 ? { name: 'revocation', ok: true, message: notes.join('; ') } : { name: 'revocation', ok: true };
}

async function verifyVc(format: VcFormat, credential: unknown, details: VerificationDetails, ctx: PluginContext): Promise<FormatEvidence> {
  const result = await verifyCredential(credential, { trustStore: ctx.trust.store, now: ctx.now });
  const evidence: FormatEvidence = {
    format,
    checks: result.checks.filter((c) => c.name !== 'trust'),
    details: { ...details },
    keyExpiredCode: 'ERR_VC_KEY_EXPIRED',
    revocation: {},
  };
  if (result.suite !== undefined) evidence.details.suite = result.suite;
  if (result.verificationMethod !== undefined) evidence.details.verificationMethod = result.verificationMethod;
  if (result.issuer !== undefined) evidence.claimedIssuer = result.issuer;
  if (result.signer) evidence.signer = result.signer;
  if (result.signedAt) evidence.signedAt = result.signedAt;
  const trustFailure = trustFailureOf(result.checks);
  if (trustFailure) evidence.trustFailure = trustFailure;
  if (!result.credential) return evidence;
  evidence.credential = result.credential;
  evidence.revocation = vcRevocation(result.credential as Json, result.ambiguousTerms, ctx);
  if (result.ambiguousTerms && result.ambiguousTerms.length > 0) {
    const fields = ambiguousTermPaths(result.ambiguousTerms);
    evidence.warnings = [
      {
        code: 'WARN_VC_AMBIGUOUS_TERMS',
        message: `the credential's contexts give ${result.ambiguousTerms.map((g) => g.terms.join(', ')).join('; ')} one meaning each, so the signature does not bind which of them holds which value: they may have been swapped after signing (${fields.join(', ')}); do not show them as certain`,
        fields,
      },
    ];
  }
  return evidence;
}

export async function verifyVcFamily(format: VcFormat, payload: unknown, details: VerificationDetails, ctx: PluginContext): Promise<FormatEvidence> {
  const undecodable = (code: string, error: unknown): FormatEvidence => ({
    format,
    details,
    checks: [failedCheck('decode', errorCode(error, code), errorMessage(error))],
    keyExpiredCode: 'ERR_VC_KEY_EXPIRED',
    revocation: {},
  });
  if (format === 'vc-compact') {
    let credential;
    try {
      credential = decodeCompactCredential(payload as string);
    } catch (error) {
      return undecodable('ERR_COMPACT_FORMAT', error);
    }
    return verifyVc(format, credential, details, ctx);
  }
  if (format === 'divoc-qr') {
    let decoded;
    try {
      decoded = decodeDivocQr(typeof payload === 'string' || payload instanceof Uint8Array ? payload : JSON.stringify(payload));
    } catch (error) {
      return undecodable('ERR_DIVOC_QR_MALFORMED', error);
    }
    return verifyVc(format, decoded.credential, { ...details, variant: decoded.variant }, ctx);
  }
  return verifyVc(format, isObject(payload) ? payload : payload, details, ctx);
}
