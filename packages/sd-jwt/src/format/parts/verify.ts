/**
 * Decoding and verifying for the `sd-jwt-vc` plugin, loaded on its first use: an app that verifies other formats never
 * downloads it. The package build gives this folder its own copy of what it reaches (tsup.config.mjs).
 */
import { evidenceFrom, type DecodedCredential, type FormatEvidence, type FormatVerifyContext } from '@divoc/schemas';
import { isJsonObject } from '@divoc/keys';
import { parseSdJwt, resolveDisclosures } from '../../parse.js';
import { decodeText, parseJsonObject } from '../../lib/jwt.js';
import { checkStatusListEntry, type StatusListReference } from '../../status-list.js';
import { verifySdJwtVc } from '../../verify.js';

/** The disclosed claims and the issuer JWT's header, unverified. Throws a `DivocError` when it does not decode. */
export function decodeSdJwtVcPayload(payload: unknown): DecodedCredential {
  const parsed = parseSdJwt(payload);
  const claims = resolveDisclosures(parsed.issuer.payload, parsed.disclosures);
  const header: Record<string, unknown> = { ...parsed.issuer.header };
  if (parsed.kb) header.keyBinding = { ...parsed.kb.payload };
  return { payload: claims, header };
}

/**
 * Decodes, checks the issuer signature, the disclosures, the dates and a key-binding JWT when there is one, and
 * reports the evidence: the key that verified and the `iss` claimed. Trust and issuer binding are the verifier's.
 */
export async function sdJwtVcEvidence(payload: unknown, context: FormatVerifyContext): Promise<FormatEvidence> {
  // Key windows at signing time are never relaxed (a credential made after its key expired); now-windows are the
  // verifier's. Key binding is checked when present, not required here: whether a presentation needs one, for which
  // nonce and audience, is `verify()`'s decision (its `presentation` option).
  const result = await verifySdJwtVc(payload, { trust: context.trust.store, now: context.now });
  const evidence = evidenceFrom('sd-jwt-vc', result.checks, context.details, 'ERR_SDJWT_KEY_EXPIRED');
  if (result.signer) evidence.signer = result.signer;
  if (result.header) {
    evidence.details.suite = String(result.header.alg);
    evidence.details.verificationMethod = String(result.header.kid);
  }
  if (result.issuer !== undefined) evidence.claimedIssuer = result.issuer;
  // What the verified KB-JWT was made for: `verify()` compares it with a presentation request's nonce and audience.
  if (result.keyBinding) {
    const { nonce, audience, issuedAt } = result.keyBinding;
    evidence.holderBinding = { nonce, audience, issuedAt: new Date(issuedAt * 1000) };
  }
  if (!result.payload) return evidence;
  evidence.credential = result.payload;
  const { iat, exp } = result.payload;
  if (typeof iat === 'number') {
    evidence.signedAt = new Date(iat * 1000);
    evidence.details.issuedAt = evidence.signedAt.toISOString();
  }
  if (typeof exp === 'number') evidence.details.expiresAt = new Date(exp * 1000).toISOString();
  const entry = result.payload.status?.status_list;
  if (isJsonObject(entry) && typeof entry.uri === 'string' && Number.isSafeInteger(entry.idx))
    evidence.revocation = [{ kind: 'token-status-list', uri: entry.uri, idx: entry.idx, check: statusOf(entry) }];
  return evidence;
}

/** The `sub` of a status list token, read without verifying (to pick the token for an entry); undefined if none. */
function subjectOf(token: unknown): string | undefined {
  if (typeof token !== 'string' || token.length > 1024 * 1024) return undefined;
  const payload = token.trim().split('.')[1];
  try {
    const sub = payload === undefined ? undefined : parseJsonObject(decodeText(payload, 'token'), 'token', 8).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the entry in the token for its `uri` among those at hand (verified there: signer, issuer, expiry). */
const statusOf =
  (entry: StatusListReference) =>
  async (
    tokens: readonly unknown[],
    options: { trust: FormatVerifyContext['trust']['store']; issuer: string; now: Date },
  ) => {
    const token = tokens.find((t) => subjectOf(t) === entry.uri);
    return token === undefined ? undefined : checkStatusListEntry(token as string, entry, options);
  };
