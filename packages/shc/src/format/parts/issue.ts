/** Issuing for the `shc` plugin (FHIR bundle, deflate, signing), loaded on its first use: verifiers never need it. */
import { FormatIssueError, projectCredential, type FormatIssued, type FormatIssueInput } from '@divoc/schemas';
import { issueShc } from '../../jws/sign.js';
import { shcIssuerOf, type ShcSigningKey } from '../signing-key.js';

const isShcKey = (key: unknown): key is ShcSigningKey =>
  typeof key === 'object' && key !== null && 'signer' in key && 'key' in key;

/** Signs a SMART Health Card from the DDCC core data set with an ES256 key and its https issuer. */
export async function issueShcFormat(input: FormatIssueInput, key: unknown): Promise<FormatIssued> {
  if (!isShcKey(key))
    throw new FormatIssueError('shc', 'ERR_ISSUER_KEY_MISSING', 'needs keys.shc (an ES256 signer and its key)');
  if (input.ddcc.kind === 'recovery') {
    throw new FormatIssueError('shc', 'ERR_ISSUER_FORMAT_UNSUPPORTED', 'SMART Health Cards have no recovery profile');
  }
  const rid = input.options.shcRid;
  const card = await issueShc(projectCredential(input.credential, input.ddcc), {
    signer: key.signer,
    key: key.key,
    issuer: shcIssuerOf(key, input.issuer),
    ...(input.issuanceDate !== undefined ? { nbf: input.issuanceDate } : {}),
    ...(typeof rid === 'string' ? { rid } : {}),
  });
  return { output: { jws: card.jws, qr: card.qr, file: card.file, payload: card.payload }, qr: card.qr };
}
