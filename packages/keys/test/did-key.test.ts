import { describe, expect, it } from 'vitest';
import {
  base58btcDecode,
  didKeyFromKeyPair,
  generateKeyPair,
  keyPairFromDidKey,
  multibaseEncode,
  resolveDidKey,
  verificationMethodId,
} from '@divoc/keys';
import { codeOrNoError } from '../../../test/support/errors.js';

const code = codeOrNoError;

describe('did:key', () => {
  it('round-trips Ed25519 and P-256 and builds a Multikey document', async () => {
    for (const [type, prefix] of [
      ['Ed25519', 'did:key:z6Mk'],
      ['P-256', 'did:key:zDna'],
    ] as const) {
      const kp = await generateKeyPair(type);
      const did = didKeyFromKeyPair(kp);
      expect(did.startsWith(prefix)).toBe(true);
      const vm = verificationMethodId(kp);
      expect(vm).toBe(`${did}#${did.slice(8)}`);
      const doc = resolveDidKey(did);
      expect(doc.id).toBe(did);
      expect(doc.verificationMethod).toEqual([
        { id: vm, type: 'Multikey', controller: did, publicKeyMultibase: did.slice(8) },
      ]);
      expect(doc.assertionMethod).toEqual([vm]);
      expect(doc.authentication).toEqual([vm]);
      expect(resolveDidKey(vm).id).toBe(did);
      expect(keyPairFromDidKey(vm).publicKey.equals(kp.publicKey)).toBe(true);
    }
  });

  it('RSA has no did:key here', async () => {
    const rsa = await generateKeyPair('RSA');
    expect(code(() => didKeyFromKeyPair(rsa))).toBe('ERR_KEY_UNSUPPORTED');
  });

  it('typed errors for malformed and unsupported DIDs', async () => {
    const did = didKeyFromKeyPair(await generateKeyPair('Ed25519'));
    const bytes = base58btcDecode(did.slice(9));
    expect(code(() => resolveDidKey('did:web:example.com'))).toBe('ERR_DID_UNSUPPORTED');
    expect(code(() => resolveDidKey('did:india'))).toBe('ERR_DID_INVALID');
    expect(code(() => resolveDidKey('not a did'))).toBe('ERR_DID_INVALID');
    expect(code(() => resolveDidKey(''))).toBe('ERR_DID_INVALID');
    expect(code(() => resolveDidKey(42 as unknown as string))).toBe('ERR_DID_INVALID');
    expect(code(() => resolveDidKey('did:key:'))).toBe('ERR_DID_INVALID');
    expect(code(() => resolveDidKey(did.slice(0, -4)))).toBe('ERR_DID_INVALID');
    expect(code(() => resolveDidKey(`did:key:u${did.slice(9)}`))).toBe('ERR_DID_INVALID');
    expect(code(() => resolveDidKey(`${did}#other`))).toBe('ERR_DID_INVALID');
    expect(code(() => resolveDidKey(`did:key:z${'1'.repeat(5000)}`))).toBe('ERR_DID_INVALID');
    const x25519 = Uint8Array.from(bytes);
    x25519[0] = 0xec;
    expect(code(() => resolveDidKey(`did:key:${multibaseEncode(x25519)}`))).toBe('ERR_DID_UNSUPPORTED');
    const unknown = Uint8Array.from(bytes);
    unknown[0] = 0x42;
    expect(code(() => resolveDidKey(`did:key:${multibaseEncode(unknown)}`))).toBe('ERR_DID_INVALID');
    // P-256 header with bytes that are not a curve point
    const p256 = Uint8Array.of(0x80, 0x24, 0x02, ...new Uint8Array(32).fill(0xff));
    expect(code(() => resolveDidKey(`did:key:${multibaseEncode(p256)}`))).toBe('ERR_DID_INVALID');
  });
});
