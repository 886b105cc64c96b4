import { SDJwtInstance } from '@sd-jwt/core';
import type { PresentationFrame } from '@sd-jwt/types';
import type { Signer } from '@divoc/keys';
import { sdHasher, sdSigner } from './issue.js';
import { seconds } from './lib/time.js';
import { SdJwtOptionsInvalidError } from './lib/errors.js';
import { signerAlgorithm } from './lib/jwt.js';
import { parseSdJwt } from './parse.js';

/** Options of `presentSdJwtVc`. */
export interface PresentSdJwtVcOptions {
  /** Names of the claims to disclose (e.g. `['name', 'vaccination_date']`); the others stay hidden. */
  disclose: readonly string[];
  /**
   * The holder's signer, whose key is the credential's `cnf.jwk`: signs the key-binding JWT. Omit only for a
   * credential without `cnf` (a verifier that requires key binding refuses the result).
   */
  holderSigner?: Signer;
  /** The verifier's nonce (KB-JWT `nonce`). Required with `holderSigner`. */
  nonce?: string;
  /** The verifier's identifier (KB-JWT `aud`). Required with `holderSigner`. */
  audience?: string;
  /** KB-JWT `iat`. Default now. */
  issuedAt?: Date;
}

/**
 * A presentation of an issued SD-JWT VC: the issuer JWT, the disclosures of the claims named in `disclose` (a name
 * the credential does not have is an error), and a key-binding JWT (`typ: kb+jwt`, `iat`, `aud`, `nonce`, `sd_hash`)
 * signed by the holder's key.
 */
export async function presentSdJwtVc(sdJwt: string, options: PresentSdJwtVcOptions): Promise<string> {
  const parsed = parseSdJwt(sdJwt);
  if (parsed.kbJwt !== undefined)
    throw new SdJwtOptionsInvalidError('sdJwt is already a presentation (it has a KB-JWT)');
  if (!Array.isArray(options?.disclose) || !options.disclose.every((n) => typeof n === 'string'))
    throw new SdJwtOptionsInvalidError('disclose must be an array of claim names');
  const names = new Set(parsed.disclosures.map((d) => d.name).filter((n): n is string => n !== undefined));
  const unknown = options.disclose.filter((n) => !names.has(n));
  if (unknown.length > 0)
    throw new SdJwtOptionsInvalidError(
      `the credential has no disclosable claim ${JSON.stringify(unknown[0]).slice(0, 80)}`,
    );
  const frame = Object.fromEntries(options.disclose.map((n) => [n, true])) as PresentationFrame<
    Record<string, unknown>
  >;
  const holder = options.holderSigner;
  if (holder === undefined) return new SDJwtInstance({ hasher: sdHasher }).present(sdJwt, frame);
  const kbSignAlg = signerAlgorithm(holder, 'holderSigner');
  if (parsed.issuer.payload.cnf === undefined)
    throw new SdJwtOptionsInvalidError('the credential has no cnf: there is no holder key to bind');
  if (
    typeof options.nonce !== 'string' ||
    options.nonce === '' ||
    typeof options.audience !== 'string' ||
    options.audience === ''
  )
    throw new SdJwtOptionsInvalidError('nonce and audience are required for a key-binding JWT');
  const iat = options.issuedAt ?? new Date();
  if (!(iat instanceof Date) || Number.isNaN(iat.getTime()))
    throw new SdJwtOptionsInvalidError('issuedAt must be a valid Date');
  const instance = new SDJwtInstance({ hasher: sdHasher, kbSigner: sdSigner(holder), kbSignAlg });
  return instance.present(sdJwt, frame, {
    kb: { payload: { iat: seconds(iat), aud: options.audience, nonce: options.nonce } },
  });
}
