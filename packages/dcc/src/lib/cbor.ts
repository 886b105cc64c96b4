import { Decoder, Encoder, Tag } from 'cbor-x';

// Maps stay Maps so integer labels (COSE, CWT) are never confused with text keys; no cbor-x record extensions;
// byte strings are plain CBOR bstr (no typed-array tag 64).
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });
const encoder = new Encoder({ tagUint8Array: false, useRecords: false, variableMapSize: true, mapsAsObjects: false });

export { Tag };

/** Decode one CBOR item; any failure (malformed, truncated, trailing bytes, nesting too deep) throws. */
export function cborDecode(bytes: Uint8Array): unknown {
  return decoder.decode(bytes);
}

/** CBOR encoding of `value`, copied out of the encoder's shared buffer. */
export function cborEncode(value: unknown): Uint8Array {
  return new Uint8Array(encoder.encode(value));
}

export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}
