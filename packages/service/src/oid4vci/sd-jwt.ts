import { gunzipSync } from 'node:zlib';
import { jwkThumbprint, type Signer } from '@divoc/keys';
import { defaultRegistry } from '@divoc/schemas';
import { createStatusListToken, issueSdJwtVc, SD_JWT_VC_TYPES_BY_KIND } from '@divoc/sd-jwt';
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

/**
 * A W3C Bitstring Status List credential's bits as an IETF Token Status List token (`statuslist+jwt`, 1 bit per
 * entry), signed by the SD-JWT VC issuer: the same list, for SD-JWT VC verifiers. The two formats order bits
 * differently (W3C: most significant bit first; IETF: least significant first), so the bits are read one by one.
 */
export async function statusListToken(
  listCredential: Readonly<Record<string, unknown>>,
  options: SdJwtVcIssuerOptions & { issuer: string; uri: string; ttlSeconds?: number },
): Promise<string> {
  const subject = listCredential.credentialSubject as { encodedList?: unknown } | undefined;
  const encoded = subject?.encodedList;
  if (typeof encoded !== 'string' || !encoded.startsWith('u')) throw new Error('the status list has no encodedList');
  const bitstring = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  const statuses = new Array<number>(bitstring.length * 8);
  for (let i = 0; i < statuses.length; i++) statuses[i] = (bitstring[i >> 3]! >> (7 - (i & 7))) & 1;
  return createStatusListToken({
    signer: options.signer,
    kid: jwkThumbprint(options.publicKeyJwk),
    issuer: options.issuer,
    uri: options.uri,
    statuses,
    ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
  });
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
    // The service's status list entry, published as an IETF Token Status List at the same URL (content negotiation).
    statusKind: 'bitstring',
    configuration(template) {
      return {
        vct: vctOf(template),
        cryptographic_binding_methods_supported: ['jwk'],
        credential_signing_alg_values_supported: [alg],
      };
    },
    async issue(input: FormatIssueInput): Promise<FormatIssued> {
      const status = input.bitstringStatus;
      const credential = await issueSdJwtVc(input.unsigned, {
        signer: options.signer,
        issuer: input.credentialIssuer,
        kid,
        vct: vctOf(input.template),
        holderPublicKey: input.holder.jwk,
        ...(status !== undefined
          ? { status: { uri: status.statusListCredential, idx: Number(status.statusListIndex) } }
          : {}),
      });
      // Stored as the record's unsigned credential with the SD-JWT as its output: the registry finds and revokes it.
      return {
        credential,
        store: { credential: { ...input.unsigned }, outputs: { 'sd-jwt-vc': { text: credential } } },
      };
    },
    publicJwks: () => [publicJwk],
  };
}
