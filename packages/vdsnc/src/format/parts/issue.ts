/** Issuing for the `vdsnc` plugin, loaded on its first use: verifiers never need it. */
import type { DocumentSignerKey } from '@divoc/keys';
import { FormatIssueError, type FormatIssued, type FormatIssueInput } from '@divoc/schemas';
import { encodeVdsnc } from '../../issue/index.js';
import { issueVdsncFromDdcc } from '../issue.js';

const isDocumentSigner = (key: unknown): key is DocumentSignerKey =>
  typeof key === 'object' && key !== null && 'signer' in key && 'certificate' in key;

/** Signs a seal from the DDCC core data set with a barcode signer and its certificate. */
export async function issueVdsncFormat(input: FormatIssueInput, key: unknown): Promise<FormatIssued> {
  if (!isDocumentSigner(key))
    throw new FormatIssueError('vdsnc', 'ERR_ISSUER_KEY_MISSING', 'needs a barcode signer and its certificate');
  const name = input.options.vdsncName === 'as-written' ? 'as-written' : 'latin';
  const { seal, id } = await issueVdsncFromDdcc(input.credential, input.ddcc, key, { name });
  const json = encodeVdsnc(seal);
  return { output: { seal, json }, qr: json, identifiers: { vdsnc: id } };
}
