import { derChildren, readDerNode, type DerNode } from '@divoc/keys';

/** A certificate's fields are a handful; more than this many elements in one value is not a certificate we read. */
const MAX_ELEMENTS = 64;
/** 2.5.29.19 */
const BASIC_CONSTRAINTS = [0x55, 0x1d, 0x13];

/** The children of `node`, or undefined when it is primitive, malformed, or holds more than MAX_ELEMENTS. */
function childrenOf(node: DerNode | undefined): DerNode[] | undefined {
  if (!node) return undefined;
  try {
    return derChildren(node, MAX_ELEMENTS);
  } catch {
    return undefined;
  }
}

/**
 * True for a certificate whose basicConstraints say cA, false for a leaf, undefined when it cannot be read. Reads only
 * as far as basicConstraints, with @divoc/keys' DER reader (so a certificate whose key type is unsupported still
 * answers); never throws.
 */
export function isCaCertificate(der: Uint8Array): boolean | undefined {
  if (!(der instanceof Uint8Array) || der.length < 16 || der.length > 65_536) return undefined;
  let cert: DerNode;
  try {
    cert = readDerNode(der).node;
  } catch {
    return undefined;
  }
  if (cert.tag !== 0x30) return undefined;
  const tbs = childrenOf(cert)?.[0];
  if (!tbs || tbs.tag !== 0x30) return undefined;
  const fields = childrenOf(tbs);
  if (!fields) return undefined;
  const wrapper = fields.find((n) => n.tag === 0xa3);
  if (!wrapper) return false;
  const list = childrenOf(wrapper)?.[0];
  if (!list) return undefined;
  for (const ext of childrenOf(list) ?? []) {
    const parts = childrenOf(ext);
    const oid = parts?.[0];
    if (!parts || !oid || oid.tag !== 0x06) continue;
    if (oid.value.length !== 3 || !BASIC_CONSTRAINTS.every((b, i) => oid.value[i] === b)) continue;
    const value = parts[parts.length - 1]!;
    if (value.tag !== 0x04) return undefined;
    let seq: DerNode;
    try {
      seq = readDerNode(value.value).node;
    } catch {
      return undefined;
    }
    if (seq.tag !== 0x30) return undefined;
    const first = childrenOf(seq)?.[0];
    return first !== undefined && first.tag === 0x01 && first.value.length === 1 && first.value[0] !== 0;
  }
  return false;
}
