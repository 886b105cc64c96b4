/**
 * Decoding and verifying for the `dcc` plugin (CBOR, COSE, the DCC schema), loaded on its first use: an app that
 * verifies other formats never downloads it. The package build gives this folder its own copy of what it reaches
 * (tsup.config.mjs), so none of it lands in a chunk the first page loads.
 */
import type { DecodedCredential, FormatEvidence, FormatVerifyContext, HcertRevocationFacts } from '@divoc/schemas';
import { decodeDcc } from '../../hc1/decode.js';
import { verifyDcc } from '../../hc1/verify.js';
import { hcertDecoded, hcertEvidence, hcertInput, hcertVerifyOptions, signatureFacts } from './hcert.js';

const MAX_UCI = 256;

/** What a DCC revocation list is keyed by, read from the message (the first certificate entry's UCI). */
function revocationFacts(payload: string | Uint8Array): HcertRevocationFacts {
  const decoded = decodeDcc(payload);
  const facts = signatureFacts(decoded);
  const groups = [decoded.payload.v, decoded.payload.t, decoded.payload.r];
  const entry = groups.find((group) => Array.isArray(group) && group.length > 0)?.[0] as { ci?: unknown } | undefined;
  if (typeof entry?.ci === 'string' && entry.ci.length > 0 && entry.ci.length <= MAX_UCI) facts.uci = entry.ci;
  if (facts.uci !== undefined && typeof decoded.iss === 'string' && /^[A-Z]{2}$/.test(decoded.iss))
    facts.country = decoded.iss;
  return facts;
}

/** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
export function decodeDccPayload(payload: unknown): DecodedCredential {
  const decoded = decodeDcc(hcertInput(payload));
  return hcertDecoded(decoded, decoded.payload, [['type', decoded.type]]);
}

/** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
export async function dccEvidence(payload: unknown, context: FormatVerifyContext): Promise<FormatEvidence> {
  const input = hcertInput(payload);
  const result = await verifyDcc(input, hcertVerifyOptions(context));
  return hcertEvidence('dcc', result, context, () => revocationFacts(input));
}
