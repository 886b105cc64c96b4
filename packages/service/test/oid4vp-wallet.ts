/**
 * A test wallet on the OpenWallet Foundation client (`@openid4vc/openid4vp` 0.4.6): it parses an `openid4vp://` link,
 * resolves the request (client id prefix, DCQL query), answers each credential query with an SD-JWT VC presentation
 * (the key-binding JWT made by `@divoc/sd-jwt`'s `presentSdJwtVc`) or a W3C Verifiable Presentation (ldp_vc) and
 * sends the response with direct_post. Talks to
 * the service over loopback HTTP only.
 */
import { createHash } from 'node:crypto';
import { Openid4vpClient, type ResolvedOpenid4vpAuthorizationRequest } from '@openid4vc/openid4vp';
import { HashAlgorithm, setGlobalConfig } from '@openid4vc/oauth2';
import { presentSdJwtVc } from '@divoc/sd-jwt';
import type { Signer } from '@divoc/keys';

// The service runs on http://127.0.0.1 in the tests; the library insists on https unless told otherwise.
setGlobalConfig({ allowInsecureUrls: true });

const HASHES: Record<string, string> = {
  [HashAlgorithm.Sha256]: 'sha256',
  [HashAlgorithm.Sha384]: 'sha384',
  [HashAlgorithm.Sha512]: 'sha512',
};

const unused = (name: string) => async (): Promise<never> => {
  throw new Error(`the test wallet does not ${name}`);
};

/** The client, with the callbacks an unsigned request by value needs (hashing, fetch for direct_post). */
export function createPresentationWallet() {
  const client = new Openid4vpClient({
    callbacks: {
      hash: (data, alg) =>
        new Uint8Array(
          createHash(HASHES[alg] ?? 'sha256')
            .update(data)
            .digest(),
        ),
      fetch: (input, init) => fetch(input, init),
      signJwt: unused('sign JWTs'),
      verifyJwt: unused('verify JWTs'),
      encryptJwe: unused('encrypt'),
      decryptJwe: unused('decrypt'),
    },
  });
  return {
    client,
    /** Link → the resolved request (the library checks the client id prefix against the response URI). */
    async resolve(link: string): Promise<ResolvedOpenid4vpAuthorizationRequest> {
      const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: link });
      if (parsed.type !== 'openid4vp') throw new Error(`unexpected request type ${parsed.type}`);
      return client.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
    },
    /**
     * Sends `vpToken` (credential query id → presentations) as the response to a resolved request; returns the HTTP
     * status and body.
     */
    async send(
      resolved: ResolvedOpenid4vpAuthorizationRequest,
      vpToken: Record<string, Array<string | Record<string, unknown>>>,
    ) {
      const { authorizationResponsePayload } = await client.createOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: resolved.authorizationRequestPayload,
        // An SD-JWT VC presentation is a string, an ldp_vc one a Verifiable Presentation (a JSON object).
        authorizationResponsePayload: { vp_token: vpToken as Record<string, [string, ...string[]]> },
      });
      const { response } = await client.submitOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: resolved.authorizationRequestPayload as { response_uri?: string },
        authorizationResponsePayload,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    /** An SD-JWT VC presentation for a resolved request: its KB-JWT has the nonce and, as audience, the client_id. */
    async present(
      resolved: ResolvedOpenid4vpAuthorizationRequest,
      sdJwt: string,
      holderSigner: Signer,
      disclose: string[],
      override: { nonce?: string; audience?: string } = {},
    ): Promise<string> {
      const request = resolved.authorizationRequestPayload as { nonce: string; client_id: string };
      return presentSdJwtVc(sdJwt, {
        disclose,
        holderSigner,
        nonce: override.nonce ?? request.nonce,
        audience: override.audience ?? request.client_id,
      });
    },
  };
}
