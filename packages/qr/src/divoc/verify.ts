import type { FormatVerificationResult } from '@divoc/keys';
import { verifyCredential, type AmbiguousTermGroup, type VerifyOptions } from '@divoc/vc';
import { isQrError } from '../lib/errors.js';
import { decodeDivocQr, type DecodeDivocQrOptions, type DivocCredentialJson, type DivocQrVariant } from './payload.js';

/** Options of `verifyDivocQr`: those of `verifyCredential` from `@divoc/vc`, and the decoding limits. */
export interface VerifyDivocQrOptions extends VerifyOptions, DecodeDivocQrOptions {}

export interface DivocQrVerificationResult extends FormatVerificationResult<'divoc-qr', DivocCredentialJson> {
  /** Wrapping the QR used, when it decoded. */
  variant?: DivocQrVariant;
  /** The proof's verification method (e.g. `did:india`), when the signature step got that far. */
  verificationMethod?: string;
  /** Proof suite (`RsaSignature2018`, `Ed25519Signature2018`, ...). */
  suite?: string;
  /**
   * `verifyCredential`'s warning: terms the signature does not bind to their values (DIVOC's contexts give
   * `certificateId`/`batch`/`vaccine`/`manufacturer` one IRI, etc.). Present only when there is a group.
   */
  ambiguousTerms?: AmbiguousTermGroup[];
}

/**
 * Decode a DIVOC QR and verify the certificate inside with `verifyCredential` from `@divoc/vc` (keys from
 * `options.trust`; DIVOC's `did:india` is a label, so map it there). Never throws for bad input: a payload
 * that does not decode gives one failed `decode` check with its `ERR_DIVOC_QR_*` code.
 */
export async function verifyDivocQr(
  input: string | Uint8Array,
  options: VerifyDivocQrOptions,
): Promise<DivocQrVerificationResult> {
  const { maxInputLength, maxUncompressedSize, maxCompressionRatio, maxEntries, ...verifyOptions } = options;
  let decoded;
  try {
    decoded = decodeDivocQr(input, { maxInputLength, maxUncompressedSize, maxCompressionRatio, maxEntries });
  } catch (error) {
    const code = isQrError(error) ? error.code : 'ERR_DIVOC_QR_MALFORMED';
    return {
      valid: false,
      format: 'divoc-qr',
      checks: [{ name: 'decode', ok: false, code, message: (error as Error).message }],
    };
  }
  try {
    const result = await verifyCredential(decoded.credential as never, verifyOptions);
    const out: DivocQrVerificationResult = {
      valid: result.valid,
      format: 'divoc-qr',
      checks: result.checks,
      payload: decoded.credential,
      variant: decoded.variant,
    };
    if (result.issuer !== undefined) out.issuer = result.issuer;
    if (result.verificationMethod !== undefined) out.verificationMethod = result.verificationMethod;
    if (result.suite !== undefined) out.suite = result.suite;
    if (result.ambiguousTerms !== undefined) out.ambiguousTerms = result.ambiguousTerms;
    return out;
  } catch (error) {
    // verifyCredential reports failures as checks; this is a last guard so verify never throws.
    return {
      valid: false,
      format: 'divoc-qr',
      checks: [
        {
          name: 'signature',
          ok: false,
          code: (error as { code?: string }).code ?? 'ERR_VC_MALFORMED',
          message: (error as Error).message,
        },
      ],
      payload: decoded.credential,
      variant: decoded.variant,
    };
  }
}
