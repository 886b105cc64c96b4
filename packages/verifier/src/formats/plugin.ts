import type { Check, TrustedKey } from '@divoc/keys';
import type { Trust } from '../trust/trust.js';
import type { Detected } from '../verify/input.js';
import type { CredentialFormat, CredentialSummary, VerificationDetails, VerificationWarning, VerifyOptions } from '../types.js';

/** What a format plugin gets: the trust to look keys up in, the clock and the caller's options. */
export interface PluginContext {
  trust: Trust;
  now: Date;
  options: VerifyOptions;
}

/**
 * What a format plugin found out about one credential. Plugins decode, check the signature and the credential's own
 * fields; they make no trust, issuer or revocation decision. Those are `decideTrust`'s and `decideRevocation`'s,
 * the same for every format, so a new format cannot forget one: without a `signer` the credential is never trusted.
 */
export interface FormatEvidence {
  format: CredentialFormat;
  /** `decode`, `signature`, `validity` (the credential's own dates), `key-usage`, `schema`: never `trust` or `revocation`. */
  checks: Check[];
  details: VerificationDetails;
  /** The decoded payload, when decoding got that far. */
  credential?: unknown;
  /** The issuer the credential claims: VC `issuer`, SHC `iss`, DCC `iss`, VDS-NC `hdr.is`. */
  claimedIssuer?: string;
  /** The trusted key under which the signature verified. Absent: nothing trusted verified it. */
  signer?: TrustedKey;
  /** When the credential says it was signed (proof `created`, SHC `nbf`): the key must have been valid then. */
  signedAt?: Date;
  /** Why no trusted signer was found, or the format's own objection to the key (kept as the `trust` failure). */
  trustFailure?: Check;
  /** Stable codes this format reports for an expired key (so a failure is reported once, in its usual words). */
  keyExpiredCode: string;
  /** What revocation can be checked for this credential, and how. */
  revocation: RevocationSubject;
  warnings?: VerificationWarning[];
}

/** The issuer a credential was bound to, for revocation data that must come from the same issuer. */
export interface BoundSigner {
  key: TrustedKey;
  /** The issuer the result names. */
  issuer: string;
}

/**
 * A credential's revocation handles. `covered` says whether some of the revocation data at hand applies to it;
 * `handle` whether it carries something that revocation data could cover (a `credentialStatus`, a certificate id, an
 * SHC `rid` with a known list), so that missing data is reported as "not checked" instead of passing silently.
 */
export interface RevocationSubject {
  /** Set when the credential carries a revocation handle; says what it is (for the "not checked" message). */
  handle?: string;
  /** Checks the data at hand; undefined when none of it covers this credential. */
  check?: (bound: BoundSigner) => Promise<Check | undefined>;
}

/**
 * One credential format. Detection is shared (`verify/input.ts` reads text, bytes, JSON and QR images once and names
 * the format); a plugin decodes and checks what only it can, reports the evidence, and summarises a decoded payload.
 */
export interface FormatPlugin<F extends CredentialFormat = CredentialFormat> {
  format: F;
  verify(detected: Extract<Detected, { format: F }>, ctx: PluginContext): Promise<FormatEvidence>;
  /** The person and the event, read from a decoded payload. May throw: the caller turns that into an empty summary. */
  summarize(credential: unknown): CredentialSummary;
}
