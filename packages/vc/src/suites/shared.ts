import { isPlatformUnsupportedError, verifySignature } from '@divoc/keys';
import type { KeyType, SignatureAlgorithm, TrustedKey } from '@divoc/keys';
import { concatBytes } from '../lib/bytes.js';
import { sha256Bytes } from '../lib/hash.js';
import type { JsonObject, Proof, ProofOptions, SuiteContext } from '../types.js';

/** Key families each signature algorithm runs on; a key of another family is never tried (algorithm confusion). */
const KEY_TYPE_OF: Record<SignatureAlgorithm, KeyType> = {
  EdDSA: 'Ed25519',
  ES256: 'P-256',
  PS256: 'RSA',
  RS256: 'RSA',
};

export function keysFor(algorithm: SignatureAlgorithm, keys: readonly TrustedKey[]): TrustedKey[] {
  return keys.filter((key) => key.type === KEY_TYPE_OF[algorithm]);
}

/** The first key under which `signature` verifies, or null. A key that makes the verifier throw counts as a miss. */
export async function firstVerifyingKey(
  algorithm: SignatureAlgorithm,
  keys: readonly TrustedKey[],
  data: Uint8Array,
  signature: Uint8Array,
): Promise<TrustedKey | null> {
  for (const key of keysFor(algorithm, keys)) {
    try {
      if (await verifySignature(key, algorithm, data, signature)) return key;
    } catch (error) {
      // No WebCrypto here: not a miss but nothing checked at all.
      if (isPlatformUnsupportedError(error)) throw error;
      // A malformed trusted key must not stop the other candidates from being tried.
    }
  }
  return null;
}

/**
 * SHA-256 of canonical proof options, remembered per loader: in a batch every proof has the same options except
 * `created`, which is to the second, so thousands of proofs in a row share one. Same loader + same JSON ⇒ same
 * canonical form (the loader's contexts are cached for good anyway), so this changes no result.
 */
const PROOF_HASH_MEMO = 64;
const proofHashes = new WeakMap<object, Map<string, Uint8Array>>();

async function proofOptionsHash(proofOptions: JsonObject, context: SuiteContext): Promise<Uint8Array> {
  let memo = proofHashes.get(context.documentLoader);
  if (!memo) {
    memo = new Map();
    proofHashes.set(context.documentLoader, memo);
  }
  const key = JSON.stringify(proofOptions);
  const hit = memo.get(key);
  if (hit) return hit;
  const hash = sha256Bytes(await context.canonize(proofOptions));
  if (memo.size >= PROOF_HASH_MEMO) memo.delete(memo.keys().next().value!);
  memo.set(key, hash);
  return hash;
}

/** SHA-256(canonical proof options) || SHA-256(canonical document): the verify data of every RDFC suite here. */
export async function proofThenDocumentHash(
  proofOptions: JsonObject,
  document: JsonObject,
  context: SuiteContext,
): Promise<Uint8Array> {
  const [proofHash, documentCanon] = await Promise.all([
    proofOptionsHash(proofOptions, context),
    context.canonize(document),
  ]);
  return concatBytes(proofHash, sha256Bytes(documentCanon));
}

/** The proof minus its signature and minus any `@context` (suites set the context they canonicalise with). */
export function proofOptionsOf(proof: Proof, ...signatureFields: string[]): JsonObject {
  const options: JsonObject = {};
  for (const [key, value] of Object.entries(proof)) {
    if (key === '@context' || signatureFields.includes(key)) continue;
    options[key] = value;
  }
  return options;
}

/** A presentation proof's `challenge` and `domain`, in jsonld-signatures' order; none for a credential. */
export function presentationProofFields(options: ProofOptions): JsonObject {
  return {
    ...(options.challenge !== undefined ? { challenge: options.challenge } : {}),
    ...(options.domain !== undefined ? { domain: options.domain } : {}),
  };
}
