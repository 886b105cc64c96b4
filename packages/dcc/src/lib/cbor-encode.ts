// cbor-x's general encoder, for what the tests craft (any CBOR, hostile included) and as the reference the writer of
// lib/cbor-writer.ts is checked against. Nothing in the package writes with it, so bundles leave it out: it is built
// on first use, not at import.
import { addExtension, Encoder } from 'cbor-x/index-no-eval';
import { Tag } from './cbor.js';

let encoder: Encoder | undefined;

/** CBOR encoding of `value` (Maps as maps, byte strings as bstr, `Tag`s of lib/cbor.ts as tags). */
export function cborEncode(value: unknown): Uint8Array {
  if (encoder === undefined) {
    // The decoder build has a Tag class of its own: write its instances as the tags they are.
    addExtension<Tag, unknown>({
      Class: Tag,
      getTag: (tag: Tag) => tag.tag,
      encode: (tag: Tag, encode: (value: unknown) => unknown) => encode(tag.value),
    } as unknown as Parameters<typeof addExtension<Tag, unknown>>[0]);
    encoder = new Encoder({ tagUint8Array: false, useRecords: false, variableMapSize: true, mapsAsObjects: false });
  }
  return new Uint8Array(encoder.encode(value));
}
