/**
 * Multicodec headers (unsigned varints) of the key encodings Multikey and did:key use.
 * From the multicodec table: ed25519-pub 0xed, ed25519-priv 0x1300, p256-pub 0x1200, p256-priv 0x1306.
 */
export const MULTICODEC = {
  ed25519Public: Uint8Array.of(0xed, 0x01),
  ed25519Private: Uint8Array.of(0x80, 0x26),
  p256Public: Uint8Array.of(0x80, 0x24),
  p256Private: Uint8Array.of(0x86, 0x26),
} as const;

/**
 * Headers of keys that are well-known but not supported here, so errors can say "unsupported" rather than "invalid".
 */
export const KNOWN_UNSUPPORTED_HEADERS: ReadonlyArray<readonly [string, Uint8Array]> = [
  ['x25519-pub', Uint8Array.of(0xec, 0x01)],
  ['secp256k1-pub', Uint8Array.of(0xe7, 0x01)],
  ['bls12_381-g2-pub', Uint8Array.of(0xeb, 0x01)],
  ['p384-pub', Uint8Array.of(0x81, 0x24)],
  ['p521-pub', Uint8Array.of(0x82, 0x24)],
  ['rsa-pub', Uint8Array.of(0x85, 0x24)],
  ['secp256k1-priv', Uint8Array.of(0x81, 0x26)],
  ['p384-priv', Uint8Array.of(0x87, 0x26)],
];

export function startsWith(bytes: Uint8Array, header: Uint8Array): boolean {
  if (bytes.length < header.length) return false;
  for (let i = 0; i < header.length; i++) if (bytes[i] !== header[i]) return false;
  return true;
}

/** The arrays joined, in order, into one new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function unsupportedHeaderName(bytes: Uint8Array): string | undefined {
  return KNOWN_UNSUPPORTED_HEADERS.find(([, h]) => startsWith(bytes, h))?.[0];
}
