/**
 * Result shapes shared with the CLI's `--json` output and, later, `@divoc/verifier`. Keep stable.
 */

/** The fixed set of check names every verifier in the SDK reports. */
export type CheckName = 'decode' | 'signature' | 'trust' | 'validity' | 'key-usage' | 'schema' | 'revocation';

export interface Check {
  name: CheckName;
  ok: boolean;
  /** Stable error code (e.g. `ERR_VC_SIGNATURE_INVALID`) when `ok` is false. */
  code?: string;
  message?: string;
}

/** Proof suites this package issues and verifies. */
export type SuiteName =
  | 'eddsa-rdfc-2022'
  | 'Ed25519Signature2020'
  | 'ecdsa-rdfc-2019'
  | 'RsaSignature2018'
  | 'Ed25519Signature2018';
