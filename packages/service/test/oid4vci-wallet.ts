/**
 * A test wallet on the OpenWallet Foundation client (`@openid4vc/openid4vci` 0.4.6 + `@openid4vc/oauth2`): it resolves
 * an offer link, gets the token (pre-authorized code, transaction code), a nonce, signs key proofs with its own keys
 * (jose) and retrieves the credentials. Talks to the service over loopback HTTP only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { didKeyFromKeyPair, importKeyPair } from '@divoc/keys';
import { CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import { Openid4vciClient, setGlobalConfig, type IssuerMetadataResult } from '@openid4vc/openid4vci';
import { clientAuthenticationAnonymous, HashAlgorithm, type Jwk, type JwtSigner } from '@openid4vc/oauth2';

// The service runs on http://127.0.0.1 in the tests; the library insists on https unless told otherwise.
setGlobalConfig({ allowInsecureUrls: true });

/** A holder key: its public JWK and a signer for proofs. */
export interface WalletKey {
  publicJwk: JWK;
  alg: 'EdDSA' | 'ES256';
  privateKey: CryptoKey;
}

export async function walletKey(alg: 'EdDSA' | 'ES256' = 'EdDSA'): Promise<WalletKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg === 'EdDSA' ? 'Ed25519' : 'ES256', {
    extractable: true,
  });
  const publicJwk = await exportJWK(publicKey);
  return { publicJwk, alg, privateKey };
}

/** Signs a compact JWS over exactly the header and payload the library built. */
async function signCompact(key: CryptoKey, header: Record<string, unknown>, payload: unknown): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header as { alg: string })
    .sign(key);
}

const HASHES: Record<string, string> = {
  [HashAlgorithm.Sha256]: 'sha256',
  [HashAlgorithm.Sha384]: 'sha384',
  [HashAlgorithm.Sha512]: 'sha512',
};

/** The wallet: the client with callbacks for hashing, randomness and signing with its keys. */
export function createWallet(keys: readonly WalletKey[]) {
  const byX = new Map(keys.map((k) => [String(k.publicJwk.x), k]));
  const client = new Openid4vciClient({
    callbacks: {
      hash: (data, alg) =>
        new Uint8Array(
          createHash(HASHES[alg] ?? 'sha256')
            .update(data)
            .digest(),
        ),
      generateRandom: (n) => new Uint8Array(randomBytes(n)),
      clientAuthentication: clientAuthenticationAnonymous(),
      signJwt: async (signer: JwtSigner, jwt) => {
        if (signer.method !== 'jwk') throw new Error('this wallet signs with jwk keys only');
        const key = byX.get(String(signer.publicJwk.x));
        if (key === undefined) throw new Error('unknown wallet key');
        return { jwt: await signCompact(key.privateKey, jwt.header, jwt.payload), signerJwk: signer.publicJwk };
      },
    },
  });
  return {
    client,
    /** Offer link → offer, issuer metadata. */
    async resolve(link: string) {
      const credentialOffer = await client.resolveCredentialOffer(link);
      const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
      return { credentialOffer, issuerMetadata };
    },
    async token(link: string, txCode?: string) {
      const { credentialOffer, issuerMetadata } = await this.resolve(link);
      const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
        credentialOffer,
        issuerMetadata,
        ...(txCode !== undefined ? { txCode } : {}),
      });
      return { credentialOffer, issuerMetadata, accessToken: accessTokenResponse.access_token };
    },
    async proofs(issuerMetadata: IssuerMetadataResult, configurationId: string, nonce: string | undefined) {
      const jwts: string[] = [];
      for (const key of keys) {
        const { jwt } = await client.createCredentialRequestJwtProof({
          issuerMetadata,
          credentialConfigurationId: configurationId,
          signer: { method: 'jwk', publicJwk: key.publicJwk as Jwk, alg: key.alg },
          ...(nonce !== undefined ? { nonce } : {}),
        });
        jwts.push(jwt);
      }
      return jwts;
    },
    /** The whole flow: offer link (and PIN) → the credentials, one per wallet key. */
    async receive(link: string, txCode?: string) {
      const { credentialOffer, issuerMetadata, accessToken } = await this.token(link, txCode);
      const configurationId = credentialOffer.credential_configuration_ids[0]!;
      const { c_nonce } = await client.requestNonce({ issuerMetadata });
      const jwts = await this.proofs(issuerMetadata, configurationId, c_nonce);
      const response = await client.retrieveCredentials({
        issuerMetadata,
        accessToken,
        credentialConfigurationId: configurationId,
        proofs: { jwt: jwts },
      });
      return { response, issuerMetadata, accessToken, configurationId };
    },
  };
}

/** did:key of a wallet key (what an ldp_vc copy names as its subject). */
export function didKeyOf(jwk: JWK): string {
  return didKeyFromKeyPair(importKeyPair({ jwk: jwk as JsonWebKey }));
}

/** Signs a proof JWT by hand (for the negative cases the library would not build). */
export async function handProof(
  key: WalletKey,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  return signCompact(key.privateKey, { alg: key.alg, ...header }, payload);
}
