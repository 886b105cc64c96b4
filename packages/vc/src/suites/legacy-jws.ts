import { base64urlDecode, base64urlEncode, isUnsafeJsonError, parseJsonStrict, utf8DecodeStrict } from '@divoc/keys';
import type { SignatureAlgorithm } from '@divoc/keys';
import { CONTEXT_URLS } from '@divoc/schemas';
import { concatBytes, utf8 } from '../lib/bytes.js';
import { VcSignatureInvalidError, VcUnsafeJsonError } from '../lib/errors.js';
import { isJsonObject } from '../lib/json.js';
import type { JsonObject, Proof, ProofSuite } from '../types.js';
import { firstVerifyingKey, presentationProofFields, proofOptionsOf, proofThenDocumentHash } from './shared.js';

const MAX_JWS_LENGTH = 8192;

interface LegacySuiteParameters {
  type: 'RsaSignature2018' | 'Ed25519Signature2018';
  algorithm: SignatureAlgorithm;
}

/**
 * The 2018 suites of jsonld-signatures ≤ v5, as DIVOC issued them: the proof options (proof minus `jws`) are
 * canonicalised under the security v2 context, verify data = SHA-256(canon(options)) || SHA-256(canon(doc)),
 * and `jws` is a detached, unencoded-payload JWS (RFC 7797) over that verify data:
 * `base64url(header) + ".." + base64url(signature)`, signing input `ASCII(base64url(header) + ".") || verifyData`.
 */
function legacyJwsSuite(p: LegacySuiteParameters): ProofSuite {
  const header = { alg: p.algorithm, b64: false, crit: ['b64'] };
  const encodedHeader = base64urlEncode(utf8(JSON.stringify(header)));

  const verifyDataOf = (
    proofOptions: JsonObject,
    document: JsonObject,
    context: Parameters<ProofSuite['createProof']>[0]['context'],
  ) => proofThenDocumentHash({ '@context': CONTEXT_URLS.SECURITY_V2, ...proofOptions }, document, context);

  return {
    type: p.type,
    algorithms: [p.algorithm],
    // The VC 1.1 context defines both 2018 suites; elsewhere the security v2 context does.
    contextUrl: CONTEXT_URLS.SECURITY_V2,
    contextIncludedBy: [CONTEXT_URLS.CREDENTIALS_V1],

    async createProof({ document, signer, options, context }) {
      const proof: Proof = {
        type: p.type,
        created: options.created,
        verificationMethod: options.verificationMethod,
        proofPurpose: options.proofPurpose,
        ...presentationProofFields(options),
      };
      const verifyData = await verifyDataOf(proof, document, context);
      const signature = await signer.sign(concatBytes(utf8(`${encodedHeader}.`), verifyData));
      return { ...proof, jws: `${encodedHeader}..${base64urlEncode(signature)}` };
    },

    async verifyProof({ document, proof, keys, context }) {
      const { protectedHeader, signature } = parseDetachedJws(proof.jws, [p.algorithm]);
      const verifyData = await verifyDataOf(proofOptionsOf(proof, 'jws'), document, context);
      const signingInput = concatBytes(utf8(`${protectedHeader}.`), verifyData);
      return firstVerifyingKey(p.algorithm, keys, signingInput, signature);
    },
  };
}

/** A detached JWS split up: the encoded header (part of the signing input), the signature, and the header's `alg`. */
export interface DetachedJws {
  protectedHeader: string;
  signature: Uint8Array;
  algorithm: SignatureAlgorithm;
}

/**
 * Splits a detached JWS and checks its header is exactly the unencoded-payload form, naming one of `algorithms`
 * (the 2018 suites pass their single one; JsonWebSignature2020 the ones it pairs with key types).
 */
export function parseDetachedJws(jws: unknown, algorithms: readonly SignatureAlgorithm[]): DetachedJws {
  if (typeof jws !== 'string' || jws.length === 0)
    throw new VcSignatureInvalidError('proof.jws is missing or not a string');
  if (jws.length > MAX_JWS_LENGTH) throw new VcSignatureInvalidError('proof.jws is too long');
  const parts = jws.split('.');
  if (parts.length !== 3 || parts[1] !== '')
    throw new VcSignatureInvalidError('proof.jws is not a detached JWS (header..signature)');
  const [protectedHeader = '', , encodedSignature = ''] = parts;
  let header: unknown;
  let signature: Uint8Array;
  try {
    const headerText = utf8DecodeStrict(base64urlDecode(protectedHeader));
    if (headerText === undefined) throw new VcSignatureInvalidError('proof.jws header is not UTF-8');
    header = parseJsonStrict(headerText, { maxDepth: 8 });
    signature = base64urlDecode(encodedSignature);
  } catch (cause) {
    if (isUnsafeJsonError(cause))
      throw new VcUnsafeJsonError(`proof.jws header: ${cause.message}`, { code: cause.code, cause });
    throw new VcSignatureInvalidError('proof.jws header or signature is not valid base64url JSON', { cause });
  }
  if (!isJsonObject(header)) throw new VcSignatureInvalidError('proof.jws header is not a JSON object');
  // The header names the algorithm; it must be one of the suite's own, or an attacker could relabel a proof.
  const alg = header.alg;
  const algorithm = algorithms.find((a) => a === alg);
  if (algorithm === undefined) {
    throw new VcSignatureInvalidError(
      `proof.jws alg ${JSON.stringify(alg)} does not fit this suite (needs ${algorithms.join(' or ')})`,
    );
  }
  const crit = header.crit;
  if (header.b64 !== false || !Array.isArray(crit) || crit.length !== 1 || crit[0] !== 'b64') {
    throw new VcSignatureInvalidError('proof.jws header must be {"alg", "b64": false, "crit": ["b64"]}');
  }
  const known = new Set(['alg', 'b64', 'crit', 'kid', 'typ']);
  const unknown = Object.keys(header).find((k) => !known.has(k));
  if (unknown) throw new VcSignatureInvalidError(`proof.jws header has an unsupported parameter "${unknown}"`);
  if (signature.length === 0) throw new VcSignatureInvalidError('proof.jws signature is empty');
  return { protectedHeader, signature, algorithm };
}

/** `RsaSignature2018`: RSASSA-PSS with SHA-256 (JWS `PS256`), as DIVOC signed its certificates. */
export const rsaSignature2018: ProofSuite = legacyJwsSuite({ type: 'RsaSignature2018', algorithm: 'PS256' });

/** `Ed25519Signature2018`: Ed25519 (JWS `EdDSA`). */
export const ed25519Signature2018: ProofSuite = legacyJwsSuite({ type: 'Ed25519Signature2018', algorithm: 'EdDSA' });
