// Apart from decode.ts so that the format plugins' `detect` (loaded at start-up) does not load the COSE and CBOR code.

/** Context identifier of an EU DCC in a QR code. */
export const HC1_PREFIX = 'HC1:';

/** `HC1:` in UTF-8. */
export const UTF8_PREFIX = [0x48, 0x43, 0x31, 0x3a];

/** Cheap sniff: HC1 text (or its UTF-8 bytes), or a tagged COSE_Sign1 / CWT message. */
export function detectDcc(input: string | Uint8Array): boolean {
  if (typeof input === 'string') return input.startsWith(HC1_PREFIX);
  if (!(input instanceof Uint8Array) || input.length < 4) return false;
  if (UTF8_PREFIX.every((b, i) => input[i] === b)) return true;
  // 0xd2 = tag 18, 0xd8 0x3d = tag 61.
  return (input[0] === 0xd2 && input[1] === 0x84) || (input[0] === 0xd8 && input[1] === 0x3d && input[2] === 0xd2);
}
