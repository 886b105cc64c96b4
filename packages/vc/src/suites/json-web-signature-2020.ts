import { base64urlEncode } from '@divoc/keys';
import type { SignatureAlgorithm } from '@divoc/keys';
import { concatBytes, utf8 } from '../lib/bytes.js';
import { VcSignatureInvalidError, VcSuiteAlgorithmMismatchError } from '../lib/errors.js';
import type { JsonObject, Proof, ProofSuite } from '../types.js';
import { parseDetachedJws } from './legacy-jws.js';
import { firstVerifyingKey, presentationProofFields, proofOptionsOf, proofThenDocumentHash } from './shared.js';

/** The W3C CCG context that defines `JsonWebKey2020` and `JsonWebSignature2020`. */
export const JWS_2020_CONTEXT_URL = 'https://w3id.org/security/suites/jws-2020/v1';

/**
 * The JWS algorithms the suite's specification pairs with each key type that this SDK verifies: Ed25519 → EdDSA,
 * P-256 → ES256, RSA → PS256 (ES384 and ES256K are in the specification too; `@divoc/keys` has no such keys).
 */
const ALGORITHMS: readonly SignatureAlgorithm[] = ['EdDSA', 'ES256', 'PS256'];

/**
 * `JsonWebSignature2020` (W3C CCG Linked Data Proof), as WHO's GDHCN signs its version 2 trust lists. The same
 * construction as the 2018 suites (verify data = SHA-256(canon(proof options)) || SHA-256(canon(document)), signed as
 * a detached unencoded-payload JWS), except that the proof options are canonicalised under the document's own
 * `@context`, and the JWS header names the algorithm of the key. A header algorithm outside the three above, or one
 * whose key family differs from the trusted key's, never verifies.
 *
 * Not in `suites` (the names `issueCredential` takes): it is here for documents that carry it (pass it as a custom
 * suite). Its context is not in `@divoc/schemas`' bundle, so the document loader given must serve it (and the W3C
 * DID v1 context, for DID documents); `@divoc/verifier/did-web` bundles both for signed DID trust lists.
 */
export const jsonWebSignature2020: ProofSuite = {
  type: 'JsonWebSignature2020',
  algorithms: ALGORITHMS,
  contextUrl: JWS_2020_CONTEXT_URL,

  async createProof({ document, signer, options, context }) {
    if (!ALGORITHMS.includes(signer.algorithm))
      throw new VcSuiteAlgorithmMismatchError(`JsonWebSignature2020 does not sign with ${signer.algorithm}`);
    const proof: Proof = {
      type: 'JsonWebSignature2020',
      created: options.created,
      verificationMethod: options.verificationMethod,
      proofPurpose: options.proofPurpose,
      ...presentationProofFields(options),
    };
    const encodedHeader = base64urlEncode(utf8(JSON.stringify({ alg: signer.algorithm, b64: false, crit: ['b64'] })));
    const verifyData = await verifyDataOf(proof, document, context);
    const signature = await signer.sign(concatBytes(utf8(`${encodedHeader}.`), verifyData));
    return { ...proof, jws: `${encodedHeader}..${base64urlEncode(signature)}` };
  },

  async verifyProof({ document, proof, keys, context }) {
    const { protectedHeader, signature, algorithm } = parseDetachedJws(proof.jws, ALGORITHMS);
    const verifyData = await verifyDataOf(proofOptionsOf(proof, 'jws'), document, context);
    return firstVerifyingKey(algorithm, keys, concatBytes(utf8(`${protectedHeader}.`), verifyData), signature);
  },
};

function verifyDataOf(
  proofOptions: JsonObject,
  document: JsonObject,
  context: Parameters<ProofSuite['verifyProof']>[0]['context'],
): Promise<Uint8Array> {
  const documentContext = document['@context'];
  if (documentContext === undefined) throw new VcSignatureInvalidError('the signed document has no @context');
  return proofThenDocumentHash({ '@context': documentContext, ...proofOptions }, document, context);
}
