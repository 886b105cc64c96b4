import type { TrustStore } from '@divoc/keys';
import type { RevocationList } from '@divoc/shc';
import type { InputReport } from '../report.js';

/** An INPUT as read: raw bytes, and the text when the bytes are valid UTF-8. */
export interface RawInput {
  name: string;
  bytes: Uint8Array;
  text: string | undefined;
  /**
   * Several QR texts that make one credential: SMART Health Card chunks (`shc:/1/3/…`) given as separate INPUTs or
   * images, gathered by `divoc verify` / `divoc decode` before probing.
   */
  chunks?: readonly string[];
  /** Set when the text was read from a QR image (`png`, `jpeg`, `svg`). */
  image?: string;
}

export interface VerifyContext {
  trustStore: TrustStore;
  now: Date | undefined;
  /**
   * `--allow-expired-keys`: accept a credential signed while its key / signer certificate was valid even if that
   * key has expired since (DCC: `acceptExpiredSignerCertificate`; SHC: `acceptExpiredKeys`).
   */
  allowExpiredKeys?: boolean;
  /** SMART Health Card revocation lists (from a `--trust` issuer folder's `crl/`). */
  shcRevocationLists?: readonly RevocationList[];
}

/** What `divoc decode` prints for one input (besides `input` and `format`). */
export interface DecodedPayload {
  /** The format's payload: the credential, the DCC JSON, the SHC JWS payload, the VDS-NC seal. */
  payload: unknown;
  /** Envelope facts worth showing support staff (key id, algorithm, issue / expiry times, wrapping). */
  header?: Record<string, unknown>;
}

/**
 * One credential format `divoc verify` understands. `probe` looks at the input and, if it is this format, returns
 * the function that verifies it; `decode` (for `divoc decode`) returns the payload without verifying and throws a
 * typed error (with a `code`) when the input does not decode.
 */
export interface VerifiableFormat {
  readonly format: string;
  probe(input: RawInput): ((ctx: VerifyContext) => Promise<Omit<InputReport, 'input'>>) | undefined;
  decode?(input: RawInput): DecodedPayload;
}
