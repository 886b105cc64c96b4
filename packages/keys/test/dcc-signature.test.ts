import { describe, expect, it } from 'vitest';
import { TrustStore, verifySignature } from '@divoc/keys';
import { vectorJson } from '../../../test/support/vectors.js';

// A real EU DCC (COSE_Sign1, ES256) checked against the signer certificate published beside it. The tiny CBOR
// reader below handles only what a COSE_Sign1 contains; it exists so this test needs no CBOR dependency.

type Cbor = number | Uint8Array | string | Cbor[] | Map<Cbor, Cbor> | { tag: number; value: Cbor };

function decodeCbor(bytes: Uint8Array): Cbor {
  let pos = 0;
  const length = (info: number): number => {
    if (info < 24) return info;
    const n = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : 0;
    if (n === 0) throw new Error('unsupported CBOR length');
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + bytes[pos++]!;
    return v;
  };
  const item = (): Cbor => {
    const head = bytes[pos++]!;
    const major = head >> 5;
    const len = length(head & 31);
    switch (major) {
      case 0:
        return len;
      case 1:
        return -1 - len;
      case 2:
        return bytes.slice(pos, (pos += len));
      case 3:
        return new TextDecoder().decode(bytes.slice(pos, (pos += len)));
      case 4:
        return Array.from({ length: len }, item);
      case 5: {
        const m = new Map<Cbor, Cbor>();
        for (let i = 0; i < len; i++) m.set(item(), item());
        return m;
      }
      case 6:
        return { tag: len, value: item() };
      default:
        throw new Error('unsupported CBOR major type');
    }
  };
  return item();
}

function encodeHead(major: number, len: number): number[] {
  if (len < 24) return [(major << 5) | len];
  if (len < 256) return [(major << 5) | 24, len];
  return [(major << 5) | 25, len >> 8, len & 0xff];
}
const bstr = (b: Uint8Array) => [...encodeHead(2, b.length), ...b];

describe('EU DCC signature verified with a certificate-derived TrustedKey', () => {
  it('DE/2DCode/raw/1.json', async () => {
    const vector = vectorJson<{ COSE: string; TESTCTX: { CERTIFICATE: string } }>(
      'dcc/dgc-testdata/DE/2DCode/raw/1.json',
    );
    let cose = decodeCbor(Uint8Array.from(Buffer.from(vector.COSE, 'hex')));
    while (typeof cose === 'object' && 'tag' in cose) cose = cose.value;
    const [protectedHeader, unprotected, payload, signature] = cose as [
      Uint8Array,
      Map<Cbor, Cbor>,
      Uint8Array,
      Uint8Array,
    ];
    const kid = Buffer.from(unprotected.get(4) as Uint8Array).toString('base64');
    expect((decodeCbor(protectedHeader) as Map<Cbor, Cbor>).get(1)).toBe(-7); // ES256

    const store = new TrustStore();
    store.addCertificate(vector.TESTCTX.CERTIFICATE);
    const [key] = store.resolve(kid, { now: new Date('2021-06-01T18:00:00Z') });
    expect(key).toBeDefined();

    const sigStructure = Uint8Array.from([
      ...encodeHead(4, 4),
      ...encodeHead(3, 10),
      ...new TextEncoder().encode('Signature1'),
      ...bstr(protectedHeader),
      ...bstr(new Uint8Array(0)),
      ...bstr(payload),
    ]);
    expect(await verifySignature(key!, 'ES256', sigStructure, signature)).toBe(true);
    const tampered = Uint8Array.from(sigStructure);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 1;
    expect(await verifySignature(key!, 'ES256', tampered, signature)).toBe(false);
    expect(store.resolve(kid, { now: new Date('2023-01-01') })).toEqual([]);
  });
});
