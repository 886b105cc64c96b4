import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  KeyError,
  base58btcDecode,
  base58btcEncode,
  exportPrivateJwk,
  exportPrivatePem,
  exportPublicJwk,
  exportPublicPem,
  generateKeyPair,
  importKeyPair,
  isKeysError,
  multibaseEncode,
  privateKeyBase58,
  privateKeyMultibase,
  publicKeyBase58,
  publicKeyMultibase,
  type KeyInput,
  type KeyType,
} from '@divoc/keys';

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isKeysError(err)).toBe(true);
    expect(err).toBeInstanceOf(KeyError);
    return (err as KeyError).code;
  }
  return 'no error';
}

const types: KeyType[] = ['Ed25519', 'P-256', 'RSA'];

describe('generateKeyPair + round trips', () => {
  for (const type of types) {
    it(
      `${type}: JWK / PEM / DER${type === 'RSA' ? '' : ' / multibase'}` + `${type === 'Ed25519' ? ' / base58' : ''}`,
      async () => {
        const kp = await generateKeyPair(type);
        expect(kp.type).toBe(type);
        expect(Object.isFrozen(kp)).toBe(true);
        const inputs: KeyInput[] = [
          { jwk: exportPrivateJwk(kp) },
          { pem: exportPrivatePem(kp) },
          { der: new Uint8Array(kp.privateKey!.export({ format: 'der', type: 'pkcs8' })), kind: 'pkcs8' },
          { keyObject: kp.privateKey! },
        ];
        if (type !== 'RSA')
          inputs.push({ publicKeyMultibase: publicKeyMultibase(kp), privateKeyMultibase: privateKeyMultibase(kp) });
        if (type === 'Ed25519')
          inputs.push({
            type: 'Ed25519',
            publicKeyBase58: publicKeyBase58(kp),
            privateKeyBase58: privateKeyBase58(kp),
          });
        for (const input of inputs) {
          const again = importKeyPair(input);
          expect(again.type).toBe(type);
          expect(again.publicKey.equals(kp.publicKey)).toBe(true);
          expect(again.privateKey!.equals(kp.privateKey!)).toBe(true);
          expect(exportPrivateJwk(again)).toEqual(exportPrivateJwk(kp));
        }
        const publicInputs: KeyInput[] = [
          { jwk: exportPublicJwk(kp) },
          { pem: exportPublicPem(kp) },
          { der: new Uint8Array(kp.publicKey.export({ format: 'der', type: 'spki' })), kind: 'spki' },
          { keyObject: kp.publicKey },
        ];
        if (type !== 'RSA') publicInputs.push({ publicKeyMultibase: publicKeyMultibase(kp) });
        if (type === 'Ed25519') publicInputs.push({ publicKeyBase58: publicKeyBase58(kp) });
        for (const input of publicInputs) {
          const pub = importKeyPair(input);
          expect(pub.privateKey).toBeUndefined();
          expect(pub.publicKey.equals(kp.publicKey)).toBe(true);
          expect(errorCode(() => exportPrivateJwk(pub))).toBe('ERR_KEY_NOT_PRIVATE');
          expect(errorCode(() => exportPrivatePem(pub))).toBe('ERR_KEY_NOT_PRIVATE');
        }
      },
    );
  }

  it('exports the right shapes', async () => {
    const ed = await generateKeyPair('Ed25519');
    expect(Object.keys(exportPublicJwk(ed))).toEqual(['kty', 'crv', 'x']);
    expect(publicKeyMultibase(ed)).toMatch(/^z6Mk/);
    expect(privateKeyMultibase(ed)).toMatch(/^z3u2/);
    expect(base58btcDecode(privateKeyBase58(ed)).length).toBe(64);
    const ec = await generateKeyPair('P-256');
    expect(Object.keys(exportPublicJwk(ec))).toEqual(['kty', 'crv', 'x', 'y']);
    expect(publicKeyMultibase(ec)).toMatch(/^zDna/);
    expect(privateKeyMultibase(ec)).toMatch(/^z42t/);
    expect(errorCode(() => publicKeyBase58(ec))).toBe('ERR_KEY_UNSUPPORTED');
    expect(errorCode(() => privateKeyBase58(ec))).toBe('ERR_KEY_UNSUPPORTED');
    expect(exportPublicPem(ec)).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(exportPrivatePem(ec)).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('RSA honours modulusLength and refuses weak sizes', async () => {
    const kp = await generateKeyPair('RSA', { modulusLength: 3072 });
    expect(kp.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    await expect(generateKeyPair('RSA', { modulusLength: 1024 })).rejects.toMatchObject({
      code: 'ERR_KEY_UNSUPPORTED',
    });
    await expect(generateKeyPair('X448' as KeyType)).rejects.toMatchObject({ code: 'ERR_KEY_UNSUPPORTED' });
  });

  it('accepts a 32-byte Ed25519 seed as privateKeyBase58', async () => {
    const kp = await generateKeyPair('Ed25519');
    const seed = base58btcDecode(privateKeyBase58(kp)).subarray(0, 32);
    const again = importKeyPair({ publicKeyBase58: publicKeyBase58(kp), privateKeyBase58: base58btcEncode(seed) });
    expect(again.privateKey!.equals(kp.privateKey!)).toBe(true);
  });

  it('imports PKCS#1 and SEC1 PEMs', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs1 = rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
    expect(pkcs1).toMatch(/BEGIN RSA PRIVATE KEY/);
    expect(importKeyPair({ pem: pkcs1 }).type).toBe('RSA');
    const pkcs1Public = rsa.publicKey.export({ format: 'pem', type: 'pkcs1' }) as string;
    expect(importKeyPair({ pem: pkcs1Public }).type).toBe('RSA');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sec1 = ec.privateKey.export({ format: 'pem', type: 'sec1' }) as string;
    expect(importKeyPair({ pem: `some preamble\n${sec1}` }).type).toBe('P-256');
  });
});

describe('hostile key input → typed errors', () => {
  const ed = generateKeyPairSync('ed25519');
  const edKp = importKeyPair({ keyObject: ed.privateKey });
  const edPub = publicKeyMultibase(edKp);
  const raw = base58btcDecode(edPub.slice(1));

  it('truncated / wrong-header / wrong-length multibase', () => {
    expect(errorCode(() => importKeyPair({ publicKeyMultibase: edPub.slice(0, -3) }))).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({ publicKeyMultibase: 'z' }))).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({ publicKeyMultibase: '' }))).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({ publicKeyMultibase: `z0${edPub.slice(2)}` }))).toBe('ERR_KEY_INVALID');
    // 31-byte key behind a valid Ed25519 header
    expect(errorCode(() => importKeyPair({ publicKeyMultibase: multibaseEncode(raw.subarray(0, 33)) }))).toBe(
      'ERR_KEY_INVALID',
    );
    // unknown header
    const bogus = Uint8Array.from(raw);
    bogus[0] = 0x99;
    expect(errorCode(() => importKeyPair({ publicKeyMultibase: multibaseEncode(bogus) }))).toBe('ERR_KEY_INVALID');
    // known but unsupported header (X25519)
    const x25519 = Uint8Array.from(raw);
    x25519[0] = 0xec;
    expect(errorCode(() => importKeyPair({ publicKeyMultibase: multibaseEncode(x25519) }))).toBe('ERR_KEY_UNSUPPORTED');
    // private key with a P-256 header under an Ed25519 public key
    const ec = importKeyPair({ keyObject: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey });
    expect(
      errorCode(() => importKeyPair({ publicKeyMultibase: edPub, privateKeyMultibase: privateKeyMultibase(ec) })),
    ).toBe('ERR_KEY_INVALID');
    // private key of another Ed25519 key
    const other = importKeyPair({ keyObject: generateKeyPairSync('ed25519').privateKey });
    expect(
      errorCode(() => importKeyPair({ publicKeyMultibase: edPub, privateKeyMultibase: privateKeyMultibase(other) })),
    ).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({ publicKeyMultibase: `z${'2'.repeat(100_000)}` }))).toBe('ERR_KEY_INVALID');
    // P-256 "point" whose x is not a field element (x >= p)
    const ecPub = Uint8Array.of(0x80, 0x24, 0x03, ...new Uint8Array(32).fill(0xff));
    const offCurve = errorCode(() => importKeyPair({ publicKeyMultibase: multibaseEncode(ecPub) }));
    expect(offCurve).toBe('ERR_KEY_INVALID');
  });

  it('P-256 x coordinates that are field elements but not on the curve', () => {
    const outcomes = new Set<string>();
    for (let x = 1; x <= 16; x++) {
      const point = Uint8Array.of(0x80, 0x24, 0x02, ...new Uint8Array(31), x);
      outcomes.add(errorCode(() => importKeyPair({ publicKeyMultibase: multibaseEncode(point) })));
    }
    // about half of all x have no y; every one of those must be a typed ERR_KEY_INVALID, never a crash
    expect([...outcomes].sort()).toEqual(['ERR_KEY_INVALID', 'no error']);
  });

  it('31/33-byte base58 keys and mismatched 64-byte private keys', () => {
    const pub = publicKeyBase58(edKp);
    const pubBytes = base58btcDecode(pub);
    expect(errorCode(() => importKeyPair({ publicKeyBase58: base58btcEncode(pubBytes.subarray(0, 31)) }))).toBe(
      'ERR_KEY_INVALID',
    );
    expect(errorCode(() => importKeyPair({ publicKeyBase58: base58btcEncode(Uint8Array.of(...pubBytes, 1)) }))).toBe(
      'ERR_KEY_INVALID',
    );
    expect(errorCode(() => importKeyPair({ publicKeyBase58: 'not base58 0OIl' }))).toBe('ERR_KEY_INVALID');
    const priv = base58btcDecode(privateKeyBase58(edKp));
    priv[63] = priv[63]! ^ 1;
    expect(errorCode(() => importKeyPair({ publicKeyBase58: pub, privateKeyBase58: base58btcEncode(priv) }))).toBe(
      'ERR_KEY_INVALID',
    );
    expect(
      errorCode(() => importKeyPair({ publicKeyBase58: pub, privateKeyBase58: base58btcEncode(priv.subarray(0, 40)) })),
    ).toBe('ERR_KEY_INVALID');
    expect(
      errorCode(() => importKeyPair({ type: 'EcdsaSecp256k1VerificationKey2019' as 'Ed25519', publicKeyBase58: pub })),
    ).toBe('ERR_KEY_UNSUPPORTED');
  });

  it('garbage PEM', () => {
    expect(errorCode(() => importKeyPair({ pem: 'hello' }))).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({ pem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }))).toBe(
      'ERR_KEY_INVALID',
    );
    expect(
      errorCode(() => importKeyPair({ pem: '-----BEGIN PRIVATE KEY-----\nZm9v\n-----END PRIVATE KEY-----' })),
    ).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({ pem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PRIVATE KEY-----' }))).toBe(
      'ERR_KEY_INVALID',
    );
    expect(
      errorCode(() =>
        importKeyPair({ pem: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----' }),
      ),
    ).toBe('ERR_KEY_UNSUPPORTED');
    expect(
      errorCode(() =>
        importKeyPair({ pem: '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----' }),
      ),
    ).toBe('ERR_KEY_UNSUPPORTED');
    expect(errorCode(() => importKeyPair({ pem: 'A'.repeat(10_000_000) }))).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({ pem: 42 as unknown as string }))).toBe('ERR_KEY_INVALID');
    const started = performance.now();
    expect(errorCode(() => importKeyPair({ pem: '-----BEGIN A-----\n'.repeat(3600) }))).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({ pem: '-----BEGIN '.repeat(5000) }))).toBe('ERR_KEY_INVALID');
    expect(performance.now() - started).toBeLessThan(50);
    const legacyEncrypted =
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END ' +
      'RSA PRIVATE KEY-----';
    expect(errorCode(() => importKeyPair({ pem: legacyEncrypted }))).toBe('ERR_KEY_UNSUPPORTED');
    expect(errorCode(() => importKeyPair({ der: Uint8Array.of(0x30, 0x03, 1, 2, 3), kind: 'spki' }))).toBe(
      'ERR_KEY_INVALID',
    );
    expect(errorCode(() => importKeyPair({ der: Uint8Array.of(0x30), kind: 'x509' as 'spki' }))).toBe(
      'ERR_KEY_INVALID',
    );
  });

  it('unsupported curves and sizes', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(
      errorCode(() => importKeyPair({ pem: p384.publicKey.export({ format: 'pem', type: 'spki' }) as string })),
    ).toBe('ERR_KEY_UNSUPPORTED');
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    expect(errorCode(() => importKeyPair({ keyObject: k1.privateKey }))).toBe('ERR_KEY_UNSUPPORTED');
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(errorCode(() => importKeyPair({ keyObject: rsa1024.publicKey }))).toBe('ERR_KEY_UNSUPPORTED');
    const x25519 = generateKeyPairSync('x25519');
    expect(errorCode(() => importKeyPair({ jwk: x25519.publicKey.export({ format: 'jwk' }) }))).toBe(
      'ERR_KEY_UNSUPPORTED',
    );
  });

  it('JWKs with wrong crv, kty, lengths, alg or mismatched halves', () => {
    const jwk = exportPrivateJwk(edKp) as Record<string, string>;
    expect(errorCode(() => importKeyPair({ jwk: { ...jwk, crv: 'P-256' } }))).toBe('ERR_KEY_UNSUPPORTED');
    expect(errorCode(() => importKeyPair({ jwk: { ...jwk, crv: 'Ed448' } }))).toBe('ERR_KEY_UNSUPPORTED');
    expect(errorCode(() => importKeyPair({ jwk: { ...jwk, kty: 'EC' } }))).toBe('ERR_KEY_UNSUPPORTED');
    expect(errorCode(() => importKeyPair({ jwk: { kty: 'oct', k: 'AAAA' } }))).toBe('ERR_KEY_UNSUPPORTED');
    expect(errorCode(() => importKeyPair({ jwk: { ...jwk, x: jwk.x!.slice(0, 40) } }))).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({ jwk: { ...jwk, x: 12 } as unknown as JsonWebKey }))).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({ jwk: { ...jwk, x: `${jwk.x}=` } }))).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({ jwk: { ...jwk, alg: 'RS256' } }))).toBe('ERR_KEY_ALG_MISMATCH');
    const other = exportPublicJwk(importKeyPair({ keyObject: generateKeyPairSync('ed25519').publicKey })) as Record<
      string,
      string
    >;
    expect(errorCode(() => importKeyPair({ jwk: { ...jwk, x: other.x! } }))).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({ jwk: [] as unknown as JsonWebKey }))).toBe('ERR_KEY_INVALID');
    const ec = exportPublicJwk(
      importKeyPair({ keyObject: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey }),
    ) as Record<string, string>;
    expect(errorCode(() => importKeyPair({ jwk: { ...ec, y: ec.x! } }))).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({ jwk: { ...ec, crv: 'P-384' } }))).toBe('ERR_KEY_UNSUPPORTED');
  });

  it('non-object and empty input', () => {
    expect(errorCode(() => importKeyPair(null as unknown as KeyInput))).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({} as KeyInput))).toBe('ERR_KEY_INVALID');
    expect(errorCode(() => importKeyPair({ keyObject: {} } as unknown as KeyInput))).toBe('ERR_KEY_INVALID');
  });
});
