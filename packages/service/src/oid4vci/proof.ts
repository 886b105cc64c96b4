import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { didKeyFromKeyPair, exportPublicJwk, importKeyPair, keyPairFromDidKey } from '@divoc/keys';
import { Oid4vciError } from './errors.js';
import type { HolderKey } from './types.js';

/** The `typ` of an OpenID4VCI key proof JWT. */
export const PROOF_TYP = 'openid4vci-proof+jwt';
/** Default accepted proof algorithms (asymmetric only). */
export const DEFAULT_PROOF_ALGS: readonly string[] = ['ES256', 'EdDSA', 'Ed25519'];
/** Never accepted, whatever a configuration says: no signature, or a shared secret the holder cannot prove alone. */
const FORBIDDEN_ALG = /^(none|HS\d+)$/i;

/** Refuses allow-lists naming `none` or an HMAC algorithm. */
export function checkProofAlgorithms(algs: readonly string[]): string | undefined {
  if (algs.length === 0) return 'proofAlgorithms must name at least one algorithm';
  const bad = algs.find((a) => typeof a !== 'string' || FORBIDDEN_ALG.test(a));
  return bad === undefined ? undefined : `proofAlgorithms must not include ${JSON.stringify(bad)}`;
}

/** A verified proof: the holder key and the nonce it carries. */
export interface VerifiedProof {
  holder: HolderKey;
  nonce: string | undefined;
}

/**
 * Verifies one `jwt` key proof (OpenID4VCI 1.0 appendix F.1): `typ`, an allowed asymmetric `alg`, exactly one of a
 * public `jwk` or a `did:key` `kid` naming the key, the signature by that key, `aud` = the credential issuer, and an
 * `iat` no older than `maxAgeSeconds` (nor in the future beyond the tolerance). The nonce is returned for the caller
 * to check against its store. Throws `Oid4vciError` `invalid_proof`.
 */
export async function verifyProofJwt(
  jwt: string,
  options: { audience: string; algorithms: readonly string[]; maxAgeSeconds: number },
): Promise<VerifiedProof> {
  if (typeof jwt !== 'string' || jwt.length > 16_384 || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(jwt))
    throw new Oid4vciError('invalid_proof', 'the proof is not a compact JWS');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    throw new Oid4vciError('invalid_proof', 'the proof header is not readable');
  }
  if (header.typ !== PROOF_TYP) throw new Oid4vciError('invalid_proof', `the proof typ must be ${PROOF_TYP}`);
  const alg = header.alg;
  if (typeof alg !== 'string' || FORBIDDEN_ALG.test(alg) || !options.algorithms.includes(alg))
    throw new Oid4vciError('invalid_proof', `the proof alg must be one of ${options.algorithms.join(', ')}`);
  if (header.x5c !== undefined || header.trust_chain !== undefined)
    throw new Oid4vciError('invalid_proof', 'only jwk or a did:key kid may name the proof key');
  const holder = holderKeyOf(header.jwk, header.kid);
  let payload: Record<string, unknown>;
  try {
    const key = await importJWK(holder.jwk as JWK, alg);
    ({ payload } = await jwtVerify(jwt, key, {
      algorithms: [alg],
      typ: PROOF_TYP,
      audience: options.audience,
      maxTokenAge: options.maxAgeSeconds,
      clockTolerance: 60,
      requiredClaims: ['iat', 'aud'],
    }));
  } catch (error) {
    const claim = (error as { claim?: string }).claim;
    throw new Oid4vciError(
      'invalid_proof',
      claim !== undefined
        ? `the proof's ${claim} is not acceptable`
        : 'the proof signature does not verify with the key its header names',
    );
  }
  const nonce = payload.nonce;
  if (nonce !== undefined && typeof nonce !== 'string') throw new Oid4vciError('invalid_proof', 'nonce must be text');
  return { holder, nonce };
}

/** The public key a proof header names (exactly one of `jwk` and `kid`), with its did:key. */
function holderKeyOf(jwk: unknown, kid: unknown): HolderKey {
  if ((jwk === undefined) === (kid === undefined))
    throw new Oid4vciError('invalid_proof', 'the proof header must have exactly one of jwk and kid');
  try {
    if (jwk !== undefined) {
      if (jwk === null || typeof jwk !== 'object' || 'd' in jwk || 'k' in jwk || 'p' in jwk)
        throw new Oid4vciError('invalid_proof', 'the proof jwk must be a public key');
      const keyPair = importKeyPair({ jwk: jwk as JsonWebKey });
      const publicJwk = exportPublicJwk(keyPair);
      return { jwk: publicJwk, ...(keyPair.type === 'RSA' ? {} : { did: didKeyFromKeyPair(keyPair) }) };
    }
    if (typeof kid !== 'string' || !kid.startsWith('did:key:'))
      throw new Oid4vciError('invalid_proof', 'a proof kid must be a did:key DID URL');
    const keyPair = keyPairFromDidKey(kid);
    return { jwk: exportPublicJwk(keyPair), did: didKeyFromKeyPair(keyPair) };
  } catch (error) {
    if (error instanceof Oid4vciError) throw error;
    throw new Oid4vciError('invalid_proof', 'the proof key is not a usable public key');
  }
}
