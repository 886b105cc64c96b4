import { decodeVdsnc, verifyVdsnc } from '@divoc/vdsnc';
import { isObject, type Json } from '../lib/bytes.js';
import type { VerificationDetails } from '../types.js';
import { failedCheck, passedCheck } from './common.js';
import type { FormatEvidence, PluginContext } from './plugin.js';

export async function verifyVdsncFormat(payload: Json, details: VerificationDetails, ctx: PluginContext): Promise<FormatEvidence> {
  // The package checks the seal against the certificate it carries; whether that certificate is trusted (directly,
  // or through a CSCA of the same country) and for which country is the trust's decision.
  const result = await verifyVdsnc(payload, { now: ctx.now });
  const evidence: FormatEvidence = {
    format: 'vdsnc',
    checks: result.checks.filter((c) => c.name !== 'trust'),
    details: { ...details },
    keyExpiredCode: 'ERR_VDSNC_CERTIFICATE_EXPIRED',
    revocation: {},
  };
  if (result.issuer !== undefined) evidence.claimedIssuer = result.issuer;
  if (result.payload === undefined) return evidence;
  evidence.credential = result.payload;
  const sig = isObject(payload.sig) ? payload.sig : {};
  if (typeof sig.alg === 'string') evidence.details.suite = sig.alg.slice(0, 16);
  const signatureOk = evidence.checks.some((c) => c.name === 'signature' && c.ok);
  // Whether the certificate is trusted is reported even when the seal's signature failed.
  const found = await ctx.trust.certificateSigner(decodeVdsnc(payload).signerCertificate, 'ERR_VDSNC_NOT_TRUSTED');
  if ('key' in found) evidence.signer = found.key;
  else evidence.trustFailure = failedCheck('trust', found.code, found.message);
  const i = evidence.checks.findIndex((c) => c.name === 'validity');
  const validity = evidence.checks[i];
  if (validity && !validity.ok && validity.code === 'ERR_VDSNC_CERTIFICATE_EXPIRED' && signatureOk && ctx.options.policy?.acceptExpiredKeys === true) {
    // A seal carries no signing time: the policy accepts certificates expired since, on the operator's say-so.
    evidence.checks[i] = passedCheck('validity', `${validity.message ?? 'certificate expired'}; accepted by policy (acceptExpiredKeys)`);
  }
  return evidence;
}
