/**
 * Just enough DER to tell a CA certificate from a leaf (basicConstraints cA), runtime-neutral. Bounded and
 * defensive: any malformed structure answers `undefined`, never throws.
 */
interface Node {
  tag: number;
  start: number;
  end: number;
  next: number;
}

function readNode(der: Uint8Array, at: number, limit: number): Node | undefined {
  if (at + 2 > limit) return undefined;
  const tag = der[at]!;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 3 || start + n > limit) return undefined;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[start + i]!;
    start += n;
  }
  const end = start + length;
  if (end > limit) return undefined;
  return { tag, start, end, next: end };
}

function childrenOf(der: Uint8Array, node: Node): Node[] | undefined {
  const out: Node[] = [];
  let at = node.start;
  while (at < node.end) {
    const child = readNode(der, at, node.end);
    if (!child || out.length > 64) return undefined;
    out.push(child);
    at = child.next;
  }
  return out;
}

const BASIC_CONSTRAINTS = [0x55, 0x1d, 0x13];

/** True for a certificate whose basicConstraints say cA, false for a leaf, undefined when it cannot be read. */
export function isCaCertificate(der: Uint8Array): boolean | undefined {
  if (!(der instanceof Uint8Array) || der.length < 16 || der.length > 65_536) return undefined;
  const cert = readNode(der, 0, der.length);
  if (!cert || cert.tag !== 0x30) return undefined;
  const tbs = childrenOf(der, cert)?.[0];
  if (!tbs || tbs.tag !== 0x30) return undefined;
  const fields = childrenOf(der, tbs);
  const wrapper = fields?.find((n) => n.tag === 0xa3);
  if (!fields) return undefined;
  if (!wrapper) return false;
  const list = childrenOf(der, wrapper)?.[0];
  if (!list) return undefined;
  for (const ext of childrenOf(der, list) ?? []) {
    const parts = childrenOf(der, ext);
    const oid = parts?.[0];
    if (!parts || !oid || oid.tag !== 0x06) continue;
    const oidBytes = der.subarray(oid.start, oid.end);
    if (oidBytes.length !== 3 || !BASIC_CONSTRAINTS.every((b, i) => oidBytes[i] === b)) continue;
    const value = parts[parts.length - 1]!;
    if (value.tag !== 0x04) return undefined;
    const seq = readNode(der, value.start, value.end);
    if (!seq || seq.tag !== 0x30) return undefined;
    const first = childrenOf(der, seq)?.[0];
    return first !== undefined && first.tag === 0x01 && first.end - first.start === 1 && der[first.start] !== 0;
  }
  return false;
}
