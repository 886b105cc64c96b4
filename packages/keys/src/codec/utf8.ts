/**
 * Strict UTF-8 decoding, the one every format uses: bytes that are not UTF-8 (a bad or overlong sequence, a
 * surrogate, a truncated character) give `undefined` instead of U+FFFD, so the caller refuses them with its own
 * error rather than reading other text than was sent.
 */

const strict = new TextDecoder('utf-8', { fatal: true });
// `ignoreBOM` keeps a leading U+FEFF in the text instead of dropping it.
const strictKeepBom = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Options of `utf8DecodeStrict`. */
export interface Utf8DecodeOptions {
  /**
   * Keep a leading byte order mark as U+FEFF (default: drop it, as `TextDecoder` does). For data that must come back
   * exactly as written (a CBOR text string) or where a BOM is itself a fault the caller reports.
   */
  keepBom?: boolean;
}

/** The text of UTF-8 `bytes`, or undefined when they are not valid UTF-8. */
export function utf8DecodeStrict(bytes: Uint8Array, options?: Utf8DecodeOptions): string | undefined {
  try {
    return (options?.keepBom === true ? strictKeepBom : strict).decode(bytes);
  } catch {
    return undefined;
  }
}
