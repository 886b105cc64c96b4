import type { ProofSuite, SuiteName } from '../types.js';
import { ecdsaRdfc2019, ed25519Signature2020, eddsaRdfc2022 } from './data-integrity.js';
import { ed25519Signature2018, rsaSignature2018 } from './legacy-jws.js';

/** The built-in suites, by name. */
export const suites: Readonly<Record<SuiteName, ProofSuite>> = Object.freeze({
  'eddsa-rdfc-2022': eddsaRdfc2022,
  Ed25519Signature2020: ed25519Signature2020,
  'ecdsa-rdfc-2019': ecdsaRdfc2019,
  RsaSignature2018: rsaSignature2018,
  Ed25519Signature2018: ed25519Signature2018,
});

export function isSuiteName(name: unknown): name is SuiteName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(suites, name);
}

/** The suite that handles a proof: `type` must match, and `cryptosuite` too when either side has one. */
export function suiteForProof(
  proof: { type?: unknown; cryptosuite?: unknown },
  candidates: readonly ProofSuite[],
): ProofSuite | undefined {
  return candidates.find(
    (suite) => suite.type === proof.type && (suite.cryptosuite ?? undefined) === (proof.cryptosuite ?? undefined),
  );
}

export { eddsaRdfc2022, ecdsaRdfc2019, ed25519Signature2020, rsaSignature2018, ed25519Signature2018 };
