/**
 * Decoding and verifying for the `shc` plugin, loaded on its first use: an app that verifies other formats never
 * downloads it. The package build gives this folder its own copy of what it reaches (tsup.config.mjs).
 */
import { evidenceFrom, type DecodedCredential, type FormatEvidence, type FormatVerifyContext } from '@divoc/schemas';
import { decodeShc, type ShcInput } from '../../jws/decode.js';
import { verifyShc } from '../../verify/verify.js';

/** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
export function decodeShcPayload(payload: unknown): DecodedCredential {
  const decoded = decodeShc(payload as ShcInput);
  return { payload: decoded.payload, header: { ...decoded.header } };
}

/** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
export async function shcEvidence(payload: unknown, context: FormatVerifyContext): Promise<FormatEvidence> {
  // Key windows at signing time are never relaxed (a card made after its key expired); now-windows are the
  // verifier's.
  const result = await verifyShc(payload as ShcInput, { trust: context.trust.store, now: context.now });
  const evidence = evidenceFrom('shc', result.checks, context.details, 'ERR_SHC_KEY_EXPIRED');
  if (result.signer) evidence.signer = result.signer;
  if (result.header) {
    evidence.details.suite = result.header.alg;
    evidence.details.verificationMethod = result.header.kid;
  }
  if (result.jws !== undefined) evidence.details.jws = result.jws;
  if (result.issuer !== undefined) evidence.claimedIssuer = result.issuer;
  if (!result.payload || !result.header) return evidence;
  const card = result.payload;
  evidence.credential = card;
  evidence.signedAt = new Date(card.nbf * 1000);
  const rid = card.vc.rid;
  evidence.revocation = [
    {
      kind: 'shc-rid',
      issuer: card.iss,
      kid: result.header.kid,
      ...(rid !== undefined ? { rid } : {}),
      issuedAt: card.nbf,
    },
  ];
  return evidence;
}
