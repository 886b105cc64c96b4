/** Issuing for the `dvc` and `icvp` plugins (CBOR writer, deflate, Base45), loaded on first use. */
import type { DocumentSignerKey } from '@divoc/keys';
import { FormatIssueError, type FormatIssued, type FormatIssueInput } from '@divoc/schemas';
import { dvcPayloadOf } from '../../dvc/core-data-set.js';
import { encodeDvc } from '../../dvc/dvc.js';
import type { DvcProfile, DvcVaccination } from '../../dvc/payload.js';

const isDocumentSigner = (key: unknown): key is DocumentSignerKey =>
  typeof key === 'object' && key !== null && 'signer' in key && 'certificate' in key;

/**
 * Signs a DVC (or its ICVP profile) from the DDCC core data set with a document signer and its certificate. The CWT
 * gets no `exp` (WHO's DVC has none): the caller's expiration date becomes the validity end `vle` when the record
 * gives none.
 */
export async function issueDvcFormat(
  profile: DvcProfile,
  input: FormatIssueInput,
  key: unknown,
): Promise<FormatIssued> {
  if (!isDocumentSigner(key))
    throw new FormatIssueError(profile, 'ERR_ISSUER_KEY_MISSING', 'needs a document signer and its certificate');
  const payload = dvcPayloadOf(input.ddcc, profile);
  const vaccinations: DvcVaccination[] = Array.isArray(payload.v) ? payload.v : [payload.v];
  if (input.expirationDate !== undefined)
    for (const v of vaccinations) v.vle ??= input.expirationDate.toISOString().slice(0, 10);
  const dvc = await encodeDvc(payload, {
    signer: key.signer,
    certificate: key.certificate,
    ...(input.issuanceDate !== undefined ? { iat: input.issuanceDate } : {}),
  });
  return { output: { hc1: dvc.hc1, payload }, qr: dvc.hc1 };
}
