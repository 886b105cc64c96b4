import { ed25519FromRaw, p256FromRaw } from '../key/import.js';
import { decodeMultikeyPublic, publicKeyInfoFromRaw } from '../key/public-jwk.js';
import type { KeyPair } from '../key/key-pair.js';
import { publicKeyMultibase } from '../key/export.js';
import { DidInvalidError, DidUnsupportedError, KeyInvalidError, KeyUnsupportedError } from '../lib/errors.js';
import type { KeyType } from '../types.js';

/** A Multikey verification method as did:key documents and Data Integrity proofs use it. */
export interface MultikeyVerificationMethod {
  readonly id: string;
  readonly type: 'Multikey';
  readonly controller: string;
  readonly publicKeyMultibase: string;
}

/** The DID document `resolveDidKey` builds locally. */
export interface DidDocument {
  readonly '@context': readonly string[];
  readonly id: string;
  readonly verificationMethod: readonly MultikeyVerificationMethod[];
  readonly authentication: readonly string[];
  readonly assertionMethod: readonly string[];
  readonly capabilityInvocation: readonly string[];
  readonly capabilityDelegation: readonly string[];
}

const DID_KEY_PREFIX = 'did:key:';
const MAX_DID_LENGTH = 512;

/** `did:key:z6Mk…` (Ed25519) or `did:key:zDna…` (P-256). */
export function didKeyFromKeyPair(kp: KeyPair): string {
  if (kp.type === 'RSA') throw new KeyUnsupportedError('did:key is supported for Ed25519 and P-256 keys only');
  return `${DID_KEY_PREFIX}${publicKeyMultibase(kp)}`;
}

/** `did:key:z…#z…`: the verification method id Data Integrity proofs reference. */
export function verificationMethodId(kp: KeyPair): string {
  const did = didKeyFromKeyPair(kp);
  return `${did}#${did.slice(DID_KEY_PREFIX.length)}`;
}

interface ParsedDidKey {
  did: string;
  multibase: string;
  type: Extract<KeyType, 'Ed25519' | 'P-256'>;
  raw: Uint8Array;
}

/**
 * Parse a did:key DID or DID URL. A fragment, when present, must be the key's own multibase value
 * (the only verification method a did:key document has).
 */
export function parseDidKey(didOrUrl: string): ParsedDidKey {
  if (typeof didOrUrl !== 'string') throw new DidInvalidError('DID must be a string');
  if (didOrUrl.length > MAX_DID_LENGTH) throw new DidInvalidError(`DID longer than ${MAX_DID_LENGTH} characters`);
  if (!/^did:[a-z0-9]+:/.test(didOrUrl)) throw new DidInvalidError('not a DID (expected did:<method>:<id>)');
  if (!didOrUrl.startsWith(DID_KEY_PREFIX)) {
    throw new DidUnsupportedError(`only did:key resolves locally, got did:${didOrUrl.split(':')[1]}`);
  }
  const hash = didOrUrl.indexOf('#');
  const did = hash === -1 ? didOrUrl : didOrUrl.slice(0, hash);
  const fragment = hash === -1 ? undefined : didOrUrl.slice(hash + 1);
  const multibase = did.slice(DID_KEY_PREFIX.length);
  // did:key:<version>:<mb> forms and paths/queries are not used by any suite we support.
  if (!/^z[1-9A-HJ-NP-Za-km-z]+$/.test(multibase))
    throw new DidInvalidError('did:key identifier must be base58btc multibase (z…)');
  if (fragment !== undefined && fragment !== multibase)
    throw new DidInvalidError('did:key fragment does not name the key');
  try {
    const { type, raw } = decodeMultikeyPublic(multibase, 'did:key');
    return { did, multibase, type, raw };
  } catch (err) {
    if (err instanceof KeyUnsupportedError) throw new DidUnsupportedError(err.message, { cause: err });
    throw new DidInvalidError(err instanceof Error ? err.message : 'invalid did:key', { cause: err });
  }
}

/** Resolve a did:key locally (no network). Ed25519 and P-256 only. */
export function resolveDidKey(did: string): DidDocument {
  const parsed = parseDidKey(did);
  // Check the point is really on the curve before answering with a document.
  try {
    publicKeyInfoFromRaw(parsed.type, parsed.raw);
  } catch (err) {
    if (err instanceof KeyInvalidError) throw new DidInvalidError(`did:key: ${err.message}`, { cause: err });
    throw err;
  }
  const vmId = `${parsed.did}#${parsed.multibase}`;
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: parsed.did,
    verificationMethod: [{ id: vmId, type: 'Multikey', controller: parsed.did, publicKeyMultibase: parsed.multibase }],
    authentication: [vmId],
    assertionMethod: [vmId],
    capabilityInvocation: [vmId],
    capabilityDelegation: [vmId],
  };
}

/** The public key a did:key DID (or its verification method URL) stands for. */
export function keyPairFromDidKey(did: string): KeyPair {
  const { type, raw } = parseDidKey(did);
  try {
    return type === 'Ed25519' ? ed25519FromRaw(raw) : p256FromRaw(raw);
  } catch (err) {
    if (err instanceof KeyInvalidError) throw new DidInvalidError(`did:key: ${err.message}`, { cause: err });
    throw err;
  }
}
