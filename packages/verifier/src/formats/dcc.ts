import { decodeDcc, verifyDcc } from '@divoc/dcc';
import { dccRevocationHashes, isDccRevoked, type DccRevocationInput } from '@divoc/status';
import type { VerificationDetails } from '../types.js';
import { errorCode, errorMessage, failedCheck, listOf, trustFailureOf } from './common.js';
import type { FormatEvidence, PluginContext, RevocationSubject } from './plugin.js';

function dccRevocation(payload: string | Uint8Array, ctx: PluginContext): RevocationSubject {
  const lists = listOf(ctx.options.revocation?.dcc);
  if (lists.length === 0) return {};
  return {
    check: async () => {
      try {
        const decoded = decodeDcc(payload);
        if (decoded.kid === undefined) return failedCheck('revocation', 'ERR_STATUS_ENTRY_INVALID', 'the DCC names no kid; revocation lists are per kid');
        const entry = [decoded.payload.v, decoded.payload.t, decoded.payload.r].find((group) => Array.isArray(group) && group.length > 0)?.[0] as { ci?: unknown } | undefined;
        const input: DccRevocationInput = {};
        if (typeof entry?.ci === 'string' && entry.ci.length > 0 && entry.ci.length <= 256) input.uci = entry.ci;
        if (input.uci !== undefined && typeof decoded.iss === 'string' && /^[A-Z]{2}$/.test(decoded.iss)) input.country = decoded.iss;
        const alg = decoded.alg ?? decoded.algId;
        if (alg !== undefined && decoded.signature.length > 0 && decoded.signature.length <= 1024) {
          input.coseSignature = decoded.signature;
          input.alg = alg;
        }
        let hashes;
        try {
          hashes = dccRevocationHashes(input);
        } catch {
          // An algorithm the hashes do not cover: check what the UCI gives.
          const { coseSignature: _s, alg: _a, ...rest } = input;
          hashes = dccRevocationHashes(rest);
        }
        return isDccRevoked(lists as never, { kid: decoded.kid, hashes });
      } catch (error) {
        return failedCheck('revocation', errorCode(error, 'ERR_STATUS_ENTRY_INVALID'), `revocation check: ${errorMessage(error)}`);
      }
    },
  };
}

export async function verifyDccFormat(payload: string | Uint8Array, details: VerificationDetails, ctx: PluginContext): Promise<FormatEvidence> {
  const acceptExpired = ctx.options.policy?.acceptExpiredKeys === true;
  const result = await verifyDcc(payload, {
    trustStore: ctx.trust.store,
    now: ctx.now,
    ...(acceptExpired ? { policy: { acceptExpiredSignerCertificate: true } } : {}),
  });
  const evidence: FormatEvidence = {
    format: 'dcc',
    checks: result.checks.filter((c) => c.name !== 'trust'),
    details: { ...details },
    keyExpiredCode: 'ERR_DCC_SIGNER_CERTIFICATE_EXPIRED',
    revocation: {},
  };
  const trustFailure = trustFailureOf(result.checks);
  if (trustFailure) evidence.trustFailure = trustFailure;
  if (result.signer) evidence.signer = result.signer;
  if (result.alg !== undefined) evidence.details.suite = result.alg;
  if (result.kid !== undefined) evidence.details.verificationMethod = result.kid;
  if (result.issuedAt) evidence.details.issuedAt = result.issuedAt.toISOString();
  if (result.expiresAt) evidence.details.expiresAt = result.expiresAt.toISOString();
  if (result.issuer !== undefined) evidence.claimedIssuer = result.issuer;
  if (result.payload === undefined) return evidence;
  evidence.credential = result.payload;
  evidence.revocation = dccRevocation(payload, ctx);
  return evidence;
}
