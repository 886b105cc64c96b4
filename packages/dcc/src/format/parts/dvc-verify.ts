/**
 * Decoding and verifying for the `dvc` and `icvp` plugins (CBOR, COSE, the DVC schema), loaded on their first use,
 * like ./verify.ts for the `dcc` plugin.
 */
import type { DecodedCredential, FormatEvidence, FormatVerifyContext } from '@divoc/schemas';
import { decodeDvc, verifyDvc } from '../../dvc/dvc.js';
import type { DvcProfile } from '../../dvc/payload.js';
import { hcertDecoded, hcertEvidence, hcertInput, hcertVerifyOptions, signatureFacts } from './hcert.js';

/** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
export function decodeDvcPayload(payload: unknown): DecodedCredential {
  const decoded = decodeDvc(hcertInput(payload));
  return hcertDecoded(decoded, decoded.payload, [['profile', decoded.profile]]);
}

/** Decodes, checks the signature and the DVC's own fields, and reports the evidence (no trust decision). */
export async function dvcEvidence(
  format: DvcProfile,
  payload: unknown,
  context: FormatVerifyContext,
): Promise<FormatEvidence> {
  const input = hcertInput(payload);
  const result = await verifyDvc(input, hcertVerifyOptions(context));
  // What HCERT revocation data can match a DVC on: the kid and the COSE signature (a DVC has no certificate id).
  return hcertEvidence(format, result, context, () => signatureFacts(decodeDvc(input)));
}
