/** Issuing for the `sd-jwt-vc` plugin, loaded on its first use: verifiers never need it. */
import { FormatIssueError, type FormatIssued, type FormatIssueInput } from '@divoc/schemas';
import { issueSdJwtVcFromDdcc, type IssueSdJwtVcOptions } from '../../issue.js';

/** The `sdJwtVc` key slot: the issue options without the per-credential ones. */
export type SdJwtVcSigningKey = Pick<IssueSdJwtVcOptions, 'signer' | 'kid' | 'issuer'>;

const isKey = (key: unknown): key is Partial<SdJwtVcSigningKey> & Pick<SdJwtVcSigningKey, 'signer'> =>
  typeof key === 'object' && key !== null && 'signer' in key;

/** Signs an SD-JWT VC from the DDCC core data set (`options.sdJwtHolderKey` / `sdJwtStatus` / `sdJwtVct` if given). */
export async function issueSdJwtVcFormat(input: FormatIssueInput, key: unknown): Promise<FormatIssued> {
  if (!isKey(key)) throw new FormatIssueError('sd-jwt-vc', 'ERR_ISSUER_KEY_MISSING', 'needs keys.sdJwtVc (a signer)');
  const o = input.options;
  const sdJwt = await issueSdJwtVcFromDdcc(input.ddcc, {
    signer: key.signer,
    issuer: key.issuer ?? input.issuer,
    ...(key.kid !== undefined ? { kid: key.kid } : {}),
    ...(input.issuanceDate !== undefined ? { issuedAt: input.issuanceDate } : {}),
    ...(input.expirationDate !== undefined ? { expiresAt: input.expirationDate } : {}),
    ...(o.sdJwtHolderKey !== undefined ? { holderPublicKey: o.sdJwtHolderKey as JsonWebKey } : {}),
    ...(o.sdJwtStatus !== undefined ? { status: o.sdJwtStatus as IssueSdJwtVcOptions['status'] & object } : {}),
    ...(typeof o.sdJwtVct === 'string' ? { vct: o.sdJwtVct } : {}),
  });
  return { output: { sdJwt } };
}
