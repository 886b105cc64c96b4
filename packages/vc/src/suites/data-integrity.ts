import { multibaseDecode, multibaseEncode } from '@divoc/keys';
import type { SignatureAlgorithm } from '@divoc/keys';
import { CONTEXT_URLS } from '@divoc/schemas';
import { VcMalformedError, VcSignatureInvalidError } from '../lib/errors.js';
import { asArray } from '../lib/json.js';
import type { JsonObject, JsonValue, Proof, ProofSuite } from '../types.js';
import { firstVerifyingKey, presentationProofFields, proofOptionsOf, proofThenDocumentHash } from './shared.js';

/** Decodes a base58btc multibase (`z…`) signature of an exact length; anything else is a bad signature. */
export function decodeMultibaseSignature(proofValue: unknown, length: number): Uint8Array {
  if (typeof proofValue !== 'string' || proofValue.length === 0) {
    throw new VcSignatureInvalidError('proof.proofValue is missing or not a string');
  }
  if (!proofValue.startsWith('z'))
    throw new VcSignatureInvalidError('proof.proofValue is not base58btc multibase (must start with "z")');
  let bytes: Uint8Array;
  try {
    bytes = multibaseDecode(proofValue);
  } catch (cause) {
    throw new VcSignatureInvalidError('proof.proofValue is not valid base58btc', { cause });
  }
  if (bytes.length !== length) {
    throw new VcSignatureInvalidError(`proof.proofValue decodes to ${bytes.length} bytes, expected ${length}`);
  }
  return bytes;
}

/** A proof's own `@context`, if any, must be a prefix of the document's (Data Integrity §4 verify step). */
function checkProofContext(proof: Proof, documentContext: JsonValue | undefined): void {
  if (proof['@context'] === undefined) return;
  const proofContexts = asArray(proof['@context']);
  const documentContexts = asArray(documentContext);
  const prefix = proofContexts.every((c, i) => JSON.stringify(c) === JSON.stringify(documentContexts[i]));
  if (!prefix) throw new VcSignatureInvalidError('proof @context does not match the start of the document @context');
}

interface RdfcSuiteParameters {
  type: string;
  cryptosuite?: string;
  algorithm: SignatureAlgorithm;
  contextUrl: string;
  contextIncludedBy: readonly string[];
}

/**
 * The RDFC-1.0 multibase-signature family: `eddsa-rdfc-2022`, `ecdsa-rdfc-2019` (P-256) and
 * `Ed25519Signature2020`. Verify data = SHA-256(canon(proof options with the document's @context)) ||
 * SHA-256(canon(document without proof)); `proofValue` = base58btc multibase of the 64-byte signature.
 */
function rdfcMultibaseSuite(p: RdfcSuiteParameters): ProofSuite {
  const SIGNATURE_LENGTH = 64; // Ed25519, and P-256 r||s
  return {
    type: p.type,
    ...(p.cryptosuite ? { cryptosuite: p.cryptosuite } : {}),
    algorithms: [p.algorithm],
    contextUrl: p.contextUrl,
    contextIncludedBy: p.contextIncludedBy,

    async createProof({ document, signer, options, context }) {
      // Member order is @digitalbazaar/vc's (type, created, verificationMethod, cryptosuite, proofPurpose), so the
      // JSON we issue is byte-identical to theirs; the W3C vectors list cryptosuite second, which signs the same.
      const proof: Proof = {
        type: p.type,
        created: options.created,
        verificationMethod: options.verificationMethod,
        ...(p.cryptosuite ? { cryptosuite: p.cryptosuite } : {}),
        proofPurpose: options.proofPurpose,
        ...presentationProofFields(options),
      };
      const verifyData = await proofThenDocumentHash({ ...proof, '@context': document['@context'] }, document, context);
      const signature = await signer.sign(verifyData);
      if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH) {
        throw new VcMalformedError(
          `signer returned a ${signature?.length}-byte signature, ${p.type} needs ${SIGNATURE_LENGTH}`,
        );
      }
      return { ...proof, proofValue: multibaseEncode(signature, 'base58btc') };
    },

    async verifyProof({ document, proof, keys, context }) {
      const signature = decodeMultibaseSignature(proof.proofValue, SIGNATURE_LENGTH);
      checkProofContext(proof, document['@context']);
      const options: JsonObject = { ...proofOptionsOf(proof, 'proofValue'), '@context': document['@context'] };
      const verifyData = await proofThenDocumentHash(options, document, context);
      return firstVerifyingKey(p.algorithm, keys, verifyData, signature);
    },
  };
}

/** `DataIntegrityProof` with `cryptosuite: "eddsa-rdfc-2022"` (W3C vc-di-eddsa). */
export const eddsaRdfc2022: ProofSuite = dataIntegritySuite('eddsa-rdfc-2022', 'EdDSA');

/** `DataIntegrityProof` with `cryptosuite: "ecdsa-rdfc-2019"` over P-256 (W3C vc-di-ecdsa). */
export const ecdsaRdfc2019: ProofSuite = dataIntegritySuite('ecdsa-rdfc-2019', 'ES256');

/** A `DataIntegrityProof` suite: the VC 2.0 context defines the proof type; with VC 1.1 its context is added. */
function dataIntegritySuite(cryptosuite: string, algorithm: SignatureAlgorithm): ProofSuite {
  return rdfcMultibaseSuite({
    type: 'DataIntegrityProof',
    cryptosuite,
    algorithm,
    contextUrl: CONTEXT_URLS.DATA_INTEGRITY_V2,
    contextIncludedBy: [CONTEXT_URLS.CREDENTIALS_V2],
  });
}

/** `Ed25519Signature2020` (W3C CCG). Neither VC context defines it, so its own context is always added. */
export const ed25519Signature2020: ProofSuite = rdfcMultibaseSuite({
  type: 'Ed25519Signature2020',
  algorithm: 'EdDSA',
  contextUrl: CONTEXT_URLS.ED25519_2020_V1,
  contextIncludedBy: [],
});
