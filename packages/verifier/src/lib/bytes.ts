/** Runtime-neutral byte helpers (no Buffer, no node: modules): the verifier runs in browsers too. */
import { base64Decode, isJsonObject } from '@divoc/keys';

// The names the verifier's modules use for the `@divoc/keys` helpers.
export { utf8DecodeStrict as utf8OrUndefined, utf8Encode as utf8 } from '@divoc/keys';

export type Json = Record<string, unknown>;

/** `isJsonObject` of `@divoc/keys`, but bytes are not an object here: a verifier input may be JSON or a Uint8Array. */
export function isObject(value: unknown): value is Json {
  return isJsonObject(value) && !(value instanceof Uint8Array);
}

/** Standard or URL-safe base64 (whitespace ignored) to bytes; undefined when it is not base64 (or is empty). */
export function base64ToBytes(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  let bytes: Uint8Array;
  try {
    bytes = base64Decode(clean);
  } catch {
    return undefined;
  }
  return bytes.length === 0 ? undefined : bytes;
}

const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';
const PEM_END = '-----END CERTIFICATE-----';

/**
 * The base64 bodies of every `-----BEGIN CERTIFICATE-----` block of `text`, in order (linear-time scan). Throws
 * `RangeError` naming the block for a BEGIN line without its END line, or when there are more than `max` blocks.
 */
export function pemCertificateBodies(text: string, max: number): string[] {
  const out: string[] = [];
  let at = text.indexOf(PEM_BEGIN);
  while (at !== -1) {
    if (out.length >= max) throw new RangeError(`more than ${max} certificates`);
    const end = text.indexOf(PEM_END, at + PEM_BEGIN.length);
    if (end === -1) throw new RangeError(`certificate [${out.length}] has no -----END CERTIFICATE----- line`);
    out.push(text.slice(at + PEM_BEGIN.length, end));
    at = text.indexOf(PEM_BEGIN, end + PEM_END.length);
  }
  return out;
}

/** The DER inside a `-----BEGIN CERTIFICATE-----` block, or undefined. */
export function pemCertificateDer(text: string): Uint8Array | undefined {
  // indexOf, not a lazy regex: a text of many BEGIN lines and no END would cost time quadratic in its length.
  const at = text.indexOf(PEM_BEGIN);
  if (at === -1) return undefined;
  const end = text.indexOf(PEM_END, at + PEM_BEGIN.length);
  return end === -1 ? undefined : base64ToBytes(text.slice(at + PEM_BEGIN.length, end));
}

/** Iterative depth measure, so a hostile deeply nested value cannot overflow the stack. */
export function depthExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  let seen = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) return true;
    if (++seen > 1_000_000) return true;
    if (typeof node === 'object' && node !== null) {
      for (const child of Object.values(node as object))
        if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
