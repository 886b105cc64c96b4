// The no-eval decoder build: cbor-x's default one probes `new Function` at load (refused under a strict Content-
// Security-Policy) for compiled record readers we never use (useRecords: false); decoding is as fast either way. Only
// the decoder: what this package writes goes through lib/cbor-writer.ts, so a verifier does not bundle cbor-x's
// encoder (~7 KiB gzipped).
import type { Tag as CborXTag } from 'cbor-x';
import * as cborX from 'cbor-x/decode-no-eval';

// Maps stay Maps so integer labels (COSE, CWT) are never confused with text keys; no cbor-x record extensions.
const decoder = new cborX.Decoder({ mapsAsObjects: false, useRecords: false });

/** A tagged item as the decoder returns it (the decoder build exports the class; its typings omit it). */
export const Tag = (cborX as unknown as { Tag: typeof CborXTag }).Tag;
export type Tag = CborXTag;

/** Decode one CBOR item; any failure (malformed, truncated, trailing bytes, nesting too deep) throws. */
export function cborDecode(bytes: Uint8Array): unknown {
  return decoder.decode(bytes);
}

export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

export { cborEncode } from './cbor-encode.js';
