/**
 * Synchronous SHA-256 for the hot paths (canonicalisation hashes blank nodes, suites hash canonical N-Quads).
 * On Node, node:crypto is reached through `process.getBuiltinModule` (Node ≥ 20.16), not through an import, so a
 * browser bundle of this package never sees a Node built-in; everywhere else @noble/hashes (via @divoc/keys) runs.
 */
import { sha256 as portableSha256 } from '@divoc/keys';

interface NodeHash {
  update(data: string | Uint8Array, encoding?: 'utf8'): NodeHash;
  digest(): Uint8Array;
  digest(encoding: 'hex'): string;
}
type CreateHash = (algorithm: 'sha256') => NodeHash;

function nodeCreateHash(): CreateHash | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  try {
    const crypto = proc.getBuiltinModule('node:crypto') as { createHash?: CreateHash } | undefined;
    return typeof crypto?.createHash === 'function' ? crypto.createHash : undefined;
  } catch {
    return undefined;
  }
}

const createHash = nodeCreateHash();

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

/** SHA-256 of the UTF-8 bytes of `text` (or of `bytes`). */
export function sha256Bytes(data: string | Uint8Array): Uint8Array {
  if (createHash) {
    const digest =
      typeof data === 'string'
        ? createHash('sha256').update(data, 'utf8').digest()
        : createHash('sha256').update(data).digest();
    // A Buffer is a Uint8Array; copy into a plain one so callers never hold a pooled Buffer.
    return new Uint8Array(digest);
  }
  return portableSha256(data);
}

/** Lower-case hex SHA-256 of the UTF-8 bytes of `text`: the form RDFC-1.0 compares and sorts. */
export function sha256Hex(text: string): string {
  if (createHash) return createHash('sha256').update(text, 'utf8').digest('hex');
  return toHex(portableSha256(text));
}

/** True when the node:crypto path is in use (tests check both paths give the same digests). */
export const usesNodeCrypto: boolean = createHash !== undefined;

/** The portable implementation, always; for tests comparing it with the Node one. */
export function portableSha256Hex(text: string): string {
  return toHex(portableSha256(text));
}
