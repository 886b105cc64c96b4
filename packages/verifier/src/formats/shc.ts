import { sameIssuer, trustedKeyIssuers, type Check } from '@divoc/keys';
import { checkShcRevocation } from '@divoc/status';
import { verifyShc, type ShcInput } from '@divoc/shc';
import { isObject } from '../lib/bytes.js';
import type { VerificationDetails } from '../types.js';
import { failedCheck, listOf, trustFailureOf } from './common.js';
import type { FormatEvidence, PluginContext, RevocationSubject } from './plugin.js';

export async function verifyShcFormat(payload: ShcInput, details: VerificationDetails, ctx: PluginContext): Promise<FormatEvidence> {
  // Key windows at signing time are never relaxed (a card made after its key expired); now-windows are decided centrally.
  const result = await verifyShc(payload, { trustStore: ctx.trust.store, now: ctx.now });
  const evidence: FormatEvidence = {
    format: 'shc',
    checks: result.checks.filter((c) => c.name !== 'trust'),
    details: { ...details },
    keyExpiredCode: 'ERR_SHC_KEY_EXPIRED',
    revocation: {},
  };
  const trustFailure = trustFailureOf(result.checks);
  if (trustFailure) evidence.trustFailure = trustFailure;
  if (result.signer) evidence.signer = result.signer;
  if (result.header) {
    evidence.details.suite = result.header.alg;
    evidence.details.verificationMethod = result.header.kid;
  }
  if (result.jws !== undefined) evidence.details.jws = result.jws;
  if (result.issuer !== undefined) evidence.claimedIssuer = result.issuer;
  if (!result.payload || !result.header) return evidence;
  evidence.credential = result.payload;
  evidence.signedAt = new Date(result.payload.nbf * 1000);
  evidence.revocation = shcRevocation(result.payload.iss, result.header.kid, result.payload.vc.rid, result.payload.nbf, ctx);
  return evidence;
}

function shcRevocation(iss: string, kid: string, rid: string | undefined, nbf: number, ctx: PluginContext): RevocationSubject {
  const crls: unknown[] = [...ctx.trust.shcRevocationLists, ...listOf(ctx.options.revocation?.shc)];
  const listFor = (c: unknown) => (isObject(c) ? c.kid === kid : typeof c === 'string' && c.includes(kid));
  const listed = crls.some(listFor);
  const subject: RevocationSubject = {};
  // A key whose JWK names a crlVersion has a revocation list: a card it signed is revocable by rid.
  const crlVersion = ctx.trust.crlVersion(iss, kid);
  if (crlVersion !== undefined) subject.handle = `key ${kid} publishes a revocation list (crlVersion ${crlVersion})${rid !== undefined ? ` and the card has rid ${rid}` : ''}`;
  if (!listed) return subject;
  subject.check = async (bound): Promise<Check | undefined> => {
    // Lists that came with another issuer's keys never speak for this card.
    const issuerOfList = ctx.trust.shcRevocationListIssuer(kid);
    if (issuerOfList !== undefined && !trustedKeyIssuers(bound.key).some((id) => sameIssuer(id, issuerOfList))) {
      return failedCheck('revocation', 'ERR_STATUS_LIST_INVALID', `the revocation list for key ${kid} came with issuer ${issuerOfList}'s keys, not with ${bound.issuer}'s`);
    }
    return checkShcRevocation(
      { kid, ...(rid !== undefined ? { rid } : {}), issuedAt: nbf },
      { crls, ...(crlVersion !== undefined ? { crlVersion } : {}) },
    );
  };
  return subject;
}
