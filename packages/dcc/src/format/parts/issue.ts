/** Issuing for the `dcc` plugin (CBOR writer, deflate, Base45), loaded on its first use: verifiers never need it. */
import type { DocumentSignerKey } from '@divoc/keys';
import { FormatIssueError, projectCredential, type FormatIssued, type FormatIssueInput } from '@divoc/schemas';
import { issueDccFromDdcc } from '../issue.js';

const isDocumentSigner = (key: unknown): key is DocumentSignerKey =>
  typeof key === 'object' && key !== null && 'signer' in key && 'certificate' in key;

/** Signs a DCC from the DDCC core data set with a document signer and its certificate. */
export async function issueDccFormat(input: FormatIssueInput, key: unknown): Promise<FormatIssued> {
  if (!isDocumentSigner(key))
    throw new FormatIssueError('dcc', 'ERR_ISSUER_KEY_MISSING', 'needs a document signer and its certificate');
  const projected = projectCredential(input.credential, input.ddcc);
  const dcc = await issueDccFromDdcc(projected, input.ddcc, key, {
    ...(input.issuanceDate !== undefined ? { issuanceDate: input.issuanceDate } : {}),
    ...(input.expirationDate !== undefined ? { expirationDate: input.expirationDate } : {}),
  });
  const entry = dcc.payload.v?.[0] ?? dcc.payload.t?.[0] ?? dcc.payload.r?.[0];
  const uvci = entry?.ci ?? '';
  return { output: { hc1: dcc.hc1, uvci, payload: dcc.payload }, qr: dcc.hc1, identifiers: { uvci } };
}
