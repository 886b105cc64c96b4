import { jwkThumbprint, type Signer } from '@divoc/keys';
import { defaultRegistry } from '@divoc/schemas';
import { issueSdJwtVc, SD_JWT_VC_TYPES_BY_KIND } from '@divoc/sd-jwt';
import type { FormatIssueInput, FormatIssued, Oid4vciFormatIssuer } from './types.js';

/** What the `dc+sd-jwt` issuer signs with: an ES256 or EdDSA key and its public JWK (published for verifiers). */
export interface SdJwtVcIssuerOptions {
  signer: Signer;
  publicKeyJwk: JsonWebKey;
}

/** The built-in credential types' DDCC kinds, by W3C credential type. */
const KIND_OF: Readonly<Record<string, keyof typeof SD_JWT_VC_TYPES_BY_KIND>> = {
  ProofOfVaccinationCredential: 'vaccination',
  ProofOfTestCertificateCredential: 'test',
  ProofOfRecoveryCredential: 'recovery',
};

/** The `vct` of a template: `@divoc/sd-jwt`'s per kind; a custom type gets one named after it. */
function vctOf(template: string): string {
  const kind = KIND_OF[defaultRegistry.get(template).credentialType];
  return kind !== undefined ? SD_JWT_VC_TYPES_BY_KIND[kind] : `urn:divoc:sd-jwt-vc:${template}:1`;
}

/** True for the signers an SD-JWT VC can be signed with here. */
export function canSignSdJwtVc(signer: Signer): boolean {
  return signer.algorithm === 'ES256' || signer.algorithm === 'EdDSA';
}

/**
 * The `dc+sd-jwt` format: the record's credential as an SD-JWT VC (`@divoc/sd-jwt`: every personal claim selectively
 * disclosable), bound to the holder by `cnf.jwk`, with `iss` = the credential issuer URL and `kid` = the RFC 7638
 * thumbprint of the signing key, which `/.well-known/jwt-vc-issuer` publishes.
 */
export function createSdJwtVcIssuer(options: SdJwtVcIssuerOptions): Oid4vciFormatIssuer {
  const kid = jwkThumbprint(options.publicKeyJwk);
  const alg = options.signer.algorithm;
  const publicJwk = { ...options.publicKeyJwk, kid, alg, use: 'sig' } as JsonWebKey;
  return {
    format: 'dc+sd-jwt',
    statusKind: 'none',
    configuration(template) {
      return {
        vct: vctOf(template),
        cryptographic_binding_methods_supported: ['jwk'],
        credential_signing_alg_values_supported: [alg],
      };
    },
    async issue(input: FormatIssueInput): Promise<FormatIssued> {
      const credential = await issueSdJwtVc(input.unsigned, {
        signer: options.signer,
        issuer: input.credentialIssuer,
        kid,
        vct: vctOf(input.template),
        holderPublicKey: input.holder.jwk,
      });
      return { credential };
    },
    publicJwks: () => [publicJwk],
  };
}
