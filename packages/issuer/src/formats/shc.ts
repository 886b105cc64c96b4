import { issueShc, type IssuedShc } from '@divoc/shc';
import type { DdccCoreDataSet } from '@divoc/schemas';
import { IssuerFormatError } from '../lib/errors.js';
import type { ShcSigningKey } from '../types.js';

/** SHC `iss` from the key's issuer, else the credential issuer when it is an https URL (trailing slash dropped). */
export function shcIssuerOf(key: ShcSigningKey, issuer: string): string {
  if (key.issuer !== undefined) return key.issuer;
  if (/^https:\/\//.test(issuer)) return issuer.replace(/\/+$/, '');
  throw new IssuerFormatError('shc', 'ERR_ISSUER_KEY_MISSING', 'SMART Health Cards need an https issuer URL: give keys.shc.issuer');
}

export async function issueShcFromDdcc(
  projected: Readonly<Record<string, unknown>>,
  ddcc: DdccCoreDataSet,
  key: ShcSigningKey,
  options: { issuer: string; issuanceDate?: Date; rid?: string },
): Promise<IssuedShc> {
  if (ddcc.kind === 'recovery') throw new IssuerFormatError('shc', 'ERR_ISSUER_FORMAT_UNSUPPORTED', 'SMART Health Cards have no recovery profile');
  return issueShc(projected, {
    signer: key.signer,
    key: key.key,
    issuer: shcIssuerOf(key, options.issuer),
    ...(options.issuanceDate !== undefined ? { nbf: options.issuanceDate } : {}),
    ...(options.rid !== undefined ? { rid: options.rid } : {}),
  });
}
