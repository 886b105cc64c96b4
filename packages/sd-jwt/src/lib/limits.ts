/**
 * Caps applied before any work is done on an input. A health SD-JWT VC with every claim disclosed is a few KB; these
 * are far above that and far below what could hurt a verifier.
 */
export interface SdJwtLimits {
  /** Characters of a whole compact SD-JWT (issuer JWT, disclosures and key-binding JWT). Default 256 Ki. */
  maxLength: number;
  /** Characters of one JWT (issuer-signed, key-binding or status list token). Default 128 Ki. */
  maxJwtLength: number;
  /** Disclosures in one SD-JWT. Default 256. */
  maxDisclosures: number;
  /** Characters of one disclosure. Default 16 Ki. */
  maxDisclosureLength: number;
  /** Nesting of JSON objects and arrays, in the payload and once disclosures are put in. Default 16. */
  maxDepth: number;
  /** `_sd` digests (disclosed or decoys) in the whole payload. Default 1024. */
  maxDigests: number;
}

/** The default caps (see `SdJwtLimits`). */
export const SD_JWT_LIMITS: Readonly<SdJwtLimits> = Object.freeze({
  maxLength: 256 * 1024,
  maxJwtLength: 128 * 1024,
  maxDisclosures: 256,
  maxDisclosureLength: 16 * 1024,
  maxDepth: 16,
  maxDigests: 1024,
});

/** Bytes a status list may inflate to (2^20 entries of 8 bits is 1 MiB). */
export const MAX_STATUS_LIST_BYTES = 1024 * 1024;
