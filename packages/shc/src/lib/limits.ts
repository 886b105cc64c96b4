/**
 * Size caps, applied before any work is done on the input. They are far above anything a real card needs
 * (the spec's examples are under 4 KB) and far below what could hurt a verifier.
 */
export const LIMITS = Object.freeze({
  /** Characters in one compact JWS. A chunked QR card tops out near 20 KB; files hold the same JWS strings. */
  maxJwsLength: 64 * 1024,
  /** Bytes of input to `decodeShc` / `readHealthCardFile` (a `.smart-health-card` file with several cards). */
  maxInputBytes: 1024 * 1024,
  /** Credentials in one `.smart-health-card` file. */
  maxFileCredentials: 100,
  /** Bytes an inflated payload may reach. */
  maxInflatedBytes: 1024 * 1024,
  /** Inflated/compressed ratio allowed above `inflateFloorBytes`; minified JSON rarely exceeds 15:1. */
  maxInflateRatio: 100,
  /** Output every payload may reach whatever its ratio (small payloads compress oddly). */
  inflateFloorBytes: 64 * 1024,
  /** Digits a numeric-mode QR (version 40, level L) can carry; no scanned text can be longer. */
  maxQrTextLength: 7089 + 32,
  /** Chunks in a chunked QR set. */
  maxChunks: 32,
  /** JWS characters per QR: above this the JWS is chunked (spec: SHALL chunk JWS longer than 1195). */
  maxSingleQrJws: 1195,
  /** Largest chunk of JWS characters when chunking (spec: 1191 or smaller). */
  maxChunkJws: 1191,
  /** Entries in a revocation list. */
  maxRevocationEntries: 1_000_000,
  /** Issuers in a directory. */
  maxDirectoryIssuers: 10_000,
});
