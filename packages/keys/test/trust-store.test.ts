import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  TrustListError,
  TrustStore,
  base64urlDecode,
  didKeyFromKeyPair,
  exportPrivateJwk,
  exportPublicJwk,
  exportPublicPem,
  generateKeyPair,
  importKeyPair,
  isTrustedKeyValidAt,
  jwkThumbprint,
  publicKeyBase58,
  publicKeyMultibase,
  resolveDidKey,
  toTrustListEntry,
  trustedKeyAllowsPurpose,
  trustedKeyFromKeyPair,
  verificationMethodId,
  verifySignature,
  type TrustedKey,
} from '@divoc/keys';
import { vectorText } from '../../../test/support/vectors.js';

const text = vectorText;
const json = (p: string) => JSON.parse(text(p)) as Record<string, unknown>;

function trustError(fn: () => unknown): TrustListError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TrustListError);
    expect((err as TrustListError).code).toBe('ERR_TRUST_LIST_INVALID');
    return err as TrustListError;
  }
  throw new Error('expected a TrustListError');
}

const ed = await generateKeyPair('Ed25519');
const ec = await generateKeyPair('P-256');
const rsa = await generateKeyPair('RSA');

describe('TrustStore basics', () => {
  it('adds and resolves by id, alias and DID part; unknown did:key is not trusted by default', () => {
    const store = new TrustStore();
    const key = store.add(
      trustedKeyFromKeyPair(ed, {
        id: 'did:example:issuer#key-1',
        aliases: ['issuer-key'],
        controller: 'did:example:issuer',
      }),
    );
    expect(store.size).toBe(1);
    expect(store.resolve('did:example:issuer#key-1')).toEqual([key]);
    expect(store.resolve('issuer-key')).toEqual([key]);
    expect(store.resolve('did:example:issuer')).toEqual([key]);
    expect(store.resolve('did:example:issuer#key-2')).toEqual([]);
    expect(store.resolve('did:example:other')).toEqual([]);
    expect(store.resolve(verificationMethodId(ec))).toEqual([]);
    expect(store.resolve(42 as unknown as string)).toEqual([]);
    // idempotent
    store.add(trustedKeyFromKeyPair(ed, { id: 'did:example:issuer#key-1' }));
    expect(store.size).toBe(1);
  });

  it('a bare label (DIVOC "did:india") may hold several keys, and DID URLs under it resolve to them', () => {
    const store = new TrustStore();
    store.add(trustedKeyFromKeyPair(rsa, { id: 'did:india' }));
    store.add(trustedKeyFromKeyPair(ed, { id: 'did:india' }));
    expect(store.resolve('did:india').map((k) => k.type)).toEqual(['RSA', 'Ed25519']);
    expect(store.resolve('did:india#key-1')).toHaveLength(2);
  });

  it('resolves did:key locally only when asked to', async () => {
    const store = new TrustStore({ resolveDidKey: true });
    const [key] = store.resolve(verificationMethodId(ec));
    expect(key?.type).toBe('P-256');
    expect(key?.id).toBe(verificationMethodId(ec));
    expect(store.resolve(didKeyFromKeyPair(ed))[0]?.publicKeyJwk).toEqual(exportPublicJwk(ed));
    expect(store.resolve('did:key:zBogus')).toEqual([]);
    expect(store.size).toBe(0);
    const sig = await (await import('@divoc/keys')).createSigner(ec, { id: 'k' }).sign(Uint8Array.of(1));
    expect(await verifySignature(key!, 'ES256', Uint8Array.of(1), sig)).toBe(true);
  });

  it('copies what it stores, so later mutation of the input cannot change trust', () => {
    const store = new TrustStore();
    const input = { id: 'k', type: 'Ed25519' as const, publicKeyJwk: { ...exportPublicJwk(ed) }, aliases: ['a'] };
    const stored = store.add(input);
    input.publicKeyJwk.x = exportPublicJwk(importKeyPair({ publicKeyMultibase: publicKeyMultibase(ed) })).x!.replace(
      /^./,
      'A',
    );
    input.aliases.push('b');
    expect(stored.publicKeyJwk).toEqual(exportPublicJwk(ed));
    expect(store.resolve('b')).toEqual([]);
    expect(Object.isFrozen(stored)).toBe(true);
  });

  it('rejects malformed TrustedKeys', () => {
    const store = new TrustStore();
    trustError(() => store.add({ id: '', type: 'Ed25519', publicKeyJwk: exportPublicJwk(ed) }));
    trustError(() => store.add({ id: 'k', type: 'RSA', publicKeyJwk: exportPublicJwk(ed) }));
    trustError(() => store.add({ id: 'k', type: 'Ed25519', publicKeyJwk: exportPrivateJwk(ed) }));
    trustError(() =>
      store.add({ id: 'k', type: 'Ed25519', publicKeyJwk: exportPublicJwk(ed), validFrom: new Date('x') }),
    );
    trustError(() =>
      store.add({
        id: 'k',
        type: 'Ed25519',
        publicKeyJwk: exportPublicJwk(ed),
        validFrom: new Date(2),
        validUntil: new Date(1),
      }),
    );
    trustError(() => store.add(null as unknown as TrustedKey));
    expect(store.size).toBe(0);
  });
});

describe('addTrustList', () => {
  it('loads every key form, round-trips toTrustListEntry, and keeps validity windows', () => {
    const entries = [
      toTrustListEntry(ed, {
        id: 'did:example:a#1',
        controller: 'did:example:a',
        validFrom: new Date('2024-01-01T00:00:00Z'),
        validUntil: new Date('2030-01-01T00:00:00Z'),
      }),
      toTrustListEntry(ec, { id: 'did:example:b#1' }),
      toTrustListEntry(rsa, { id: 'did:india' }),
      { id: 'pem', publicKeyPem: exportPublicPem(rsa) },
      { id: 'mb', publicKeyMultibase: publicKeyMultibase(ec), purposes: ['assertionMethod'] },
      { id: 'b58', publicKeyBase58: publicKeyBase58(ed), type: 'Ed25519VerificationKey2018' },
    ];
    expect(entries[0]).toMatchObject({
      type: 'Ed25519',
      publicKeyMultibase: publicKeyMultibase(ed),
      publicKeyBase58: publicKeyBase58(ed),
      validFrom: '2024-01-01T00:00:00.000Z',
    });
    expect(entries[1]).not.toHaveProperty('publicKeyBase58');
    expect(entries[2]).not.toHaveProperty('publicKeyMultibase');
    const store = TrustStore.fromTrustList(JSON.parse(JSON.stringify({ issuers: entries })));
    expect(store.size).toBe(6);
    const [a] = store.resolve('did:example:a#1');
    expect(a?.controller).toBe('did:example:a');
    expect(isTrustedKeyValidAt(a!, new Date('2025-06-01'))).toBe(true);
    expect(isTrustedKeyValidAt(a!, new Date('2023-06-01'))).toBe(false);
    expect(isTrustedKeyValidAt(a!, new Date('2031-06-01'))).toBe(false);
    expect(store.resolve('pem')[0]?.publicKeyJwk).toEqual(exportPublicJwk(rsa));
    expect(store.resolve('b58')[0]?.type).toBe('Ed25519');
    const mb = store.resolve('mb')[0]!;
    expect(trustedKeyAllowsPurpose(mb, 'assertionMethod')).toBe(true);
    expect(trustedKeyAllowsPurpose(mb, 'authentication')).toBe(false);
  });

  it('names the entry and field of invalid material, and adds nothing', () => {
    const store = new TrustStore();
    const good = toTrustListEntry(ed, { id: 'good' });
    const cases: [unknown, RegExp][] = [
      [null, /trust list/],
      [[], /trust list/],
      [{ issuers: 'x' }, /issuers/],
      [{ issuers: [good, 42] }, /issuers\[1\]/],
      [{ issuers: [good, { id: 7, publicKeyMultibase: publicKeyMultibase(ed) }] }, /issuers\[1\]\.id/],
      [{ issuers: [good, { id: 'x' }] }, /issuers\[1\]: has no key/],
      [{ issuers: [good, { id: 'x', publicKeyPem: 'garbage' }] }, /issuers\[1\]\.publicKeyPem/],
      [{ issuers: [good, { id: 'x', publicKeyPem: 12 }] }, /issuers\[1\]\.publicKeyPem/],
      [{ issuers: [good, { id: 'x', publicKeyJwk: 'str' }] }, /issuers\[1\]\.publicKeyJwk/],
      [
        { issuers: [good, { id: 'x', publicKeyJwk: { ...exportPublicJwk(ed), crv: 'X25519' } }] },
        /issuers\[1\]\.publicKeyJwk/,
      ],
      [{ issuers: [good, { id: 'x', publicKeyJwk: exportPrivateJwk(ed) }] }, /private key material/],
      [
        { issuers: [good, { id: 'x', publicKeyMultibase: publicKeyMultibase(ed).slice(0, 20) }] },
        /issuers\[1\]\.publicKeyMultibase/,
      ],
      [
        { issuers: [good, { id: 'x', publicKeyBase58: publicKeyBase58(ed).slice(0, 30) }] },
        /issuers\[1\]\.publicKeyBase58/,
      ],
      [{ issuers: [good, { id: 'x', certificate: 'bm90IGEgY2VydA==' }] }, /issuers\[1\]\.certificate/],
      [
        { issuers: [good, { id: 'x', publicKeyMultibase: publicKeyMultibase(ed), publicKeyJwk: exportPublicJwk(ec) }] },
        /issuers\[1\]\.publicKeyMultibase: is a different key than publicKeyJwk/,
      ],
      [{ issuers: [good, { id: 'x', type: 'RSA', publicKeyMultibase: publicKeyMultibase(ed) }] }, /issuers\[1\]\.type/],
      [{ issuers: [good, { id: 'x', type: 5, publicKeyMultibase: publicKeyMultibase(ed) }] }, /issuers\[1\]\.type/],
      [{ issuers: [good, { ...good, validFrom: 'yesterday' }] }, /issuers\[1\]\.validFrom/],
      [{ issuers: [good, { ...good, validUntil: 12 }] }, /issuers\[1\]\.validUntil/],
      [
        { issuers: [good, { ...good, validFrom: '2030-01-01', validUntil: '2020-01-01' }] },
        /validFrom is after validUntil/,
      ],
      [{ issuers: [good, { ...good, purposes: 'assertionMethod' }] }, /issuers\[1\]\.purposes/],
      [{ issuers: [good, { ...good, controller: {} }] }, /issuers\[1\]\.controller/],
      [{ issuers: [good, { ...good, id: 'x'.repeat(1_000_000) }] }, /issuers\[1\]\.id/],
      [{ issuers: [good, { id: 'x', publicKeyPem: 'A'.repeat(5_000_000) }] }, /issuers\[1\]\.publicKeyPem/],
      [
        { issuers: [good, { id: 'x', publicKeyMultibase: `z${'A'.repeat(5_000_000)}` }] },
        /issuers\[1\]\.publicKeyMultibase/,
      ],
    ];
    for (const [input, message] of cases) {
      expect(trustError(() => store.addTrustList(input)).message).toMatch(message);
    }
    expect(store.size).toBe(0);
  });

  it('never echoes private key material in errors', () => {
    const jwk = exportPrivateJwk(ed) as Record<string, string>;
    const err = trustError(() => TrustStore.fromTrustList({ issuers: [{ id: 'x', publicKeyJwk: jwk }] }));
    expect(err.message).not.toContain(jwk.d);
  });
});

describe('resolve filters and toTrustList', () => {
  it('filters by validity instant and purpose', () => {
    const store = new TrustStore();
    store.add(
      trustedKeyFromKeyPair(ed, {
        id: 'k',
        validFrom: new Date('2024-01-01'),
        validUntil: new Date('2025-01-01'),
        purposes: ['assertionMethod'],
      }),
    );
    store.add(trustedKeyFromKeyPair(ec, { id: 'k' }));
    expect(store.resolve('k')).toHaveLength(2);
    expect(store.resolve('k', { now: new Date('2026-01-01') }).map((k) => k.type)).toEqual(['P-256']);
    expect(store.resolve('k', { now: new Date('2024-06-01'), purpose: 'assertionMethod' })).toHaveLength(2);
    expect(store.resolve('k', { purpose: 'authentication' }).map((k) => k.type)).toEqual(['P-256']);
  });

  it('round-trips a store through toTrustList (certificates and aliases included)', () => {
    const dcc = json('dcc/dgc-testdata/DE/2DCode/raw/1.json') as { TESTCTX: { CERTIFICATE: string } };
    const store = new TrustStore();
    store.add(
      trustedKeyFromKeyPair(rsa, {
        id: 'did:india',
        controller: 'https://divoc.example',
        validUntil: new Date('2030-01-01'),
        aliases: ['divoc'],
      }),
    );
    store.addDidKey(didKeyFromKeyPair(ec));
    store.addCertificate(dcc.TESTCTX.CERTIFICATE);
    const list = JSON.parse(JSON.stringify(store.toTrustList())) as { issuers: Record<string, unknown>[] };
    expect(list.issuers).toHaveLength(3);
    expect(list.issuers[2]!.certificate).toBe(dcc.TESTCTX.CERTIFICATE);
    const again = TrustStore.fromTrustList(list);
    const strip = (k: TrustedKey) => ({
      ...k,
      certificate: k.certificate && Buffer.from(k.certificate).toString('base64'),
    });
    expect(again.keys().map(strip)).toEqual(store.keys().map(strip));
  });
});

describe('addJwks (SMART Health Cards issuer)', () => {
  const issuer = 'https://spec.smarthealth.cards/examples/issuer';
  const jwks = json('shc/examples/issuer/.well-known/jwks.json');

  it('loads the published JWKS; kid is the RFC 7638 thumbprint; x5c is kept', () => {
    const store = new TrustStore();
    const keys = store.addJwks(jwks, { issuer });
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(jwkThumbprint(key.publicKeyJwk)).toBe(key.id);
    const [k] = store.resolve(`${issuer}#3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s`);
    expect(k?.controller).toBe(issuer);
    expect(store.resolve('3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s')).toEqual([k]);
    const withCert = store.resolve('EBKOr72QQDcTBUuVzAzkfBTGew0ZA16GuWty64nS-sw')[0]!;
    expect(withCert.certificate).toBeInstanceOf(Uint8Array);
    expect(withCert.validFrom?.toISOString()).toBe('2021-06-01T15:50:09.000Z');
  });

  it('verifies the published example JWS with the resolved key', async () => {
    const store = new TrustStore();
    store.addJwks(jwks, { issuer });
    const [header, payload, signature] = text('shc/examples/example-00-d-jws.txt').trim().split('.') as [
      string,
      string,
      string,
    ];
    const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string; alg: 'ES256' };
    const [key] = store.resolve(`${issuer}#${kid}`);
    const signingInput = new TextEncoder().encode(`${header}.${payload}`);
    expect(await verifySignature(key!, alg, signingInput, base64urlDecode(signature))).toBe(true);
    expect(await verifySignature(key!, 'EdDSA', signingInput, base64urlDecode(signature))).toBe(false);
    const forged = new TextEncoder().encode(`${header}.${payload}x`);
    expect(await verifySignature(key!, alg, forged, base64urlDecode(signature))).toBe(false);
  });

  it('rejects private JWKS, skips enc keys, names bad entries', () => {
    const store = new TrustStore();
    expect(trustError(() => store.addJwks(json('shc/keys/issuer.jwks.private.json'))).message).toMatch(
      /keys\[0\]: holds private key material/,
    );
    const privateKeys = (json('shc/keys/issuer.jwks.private.json').keys as Record<string, unknown>[]).map(
      ({ d: _d, ...pub }) => pub,
    );
    expect(store.addJwks({ keys: privateKeys }).map((k) => k.id)).toEqual([
      '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s',
      'EBKOr72QQDcTBUuVzAzkfBTGew0ZA16GuWty64nS-sw',
    ]);
    const good = exportPublicJwk(ec);
    expect(trustError(() => store.addJwks({ keys: [good, { ...good, x: 'short' }] })).message).toMatch(/keys\[1\]/);
    expect(trustError(() => store.addJwks({ keys: [good, { ...good, alg: 'RS256' }] })).message).toMatch(/keys\[1\]/);
    expect(trustError(() => store.addJwks({ keys: [{ ...good, kid: 5 }] })).message).toMatch(/keys\[0\]\.kid/);
    expect(trustError(() => store.addJwks({ keys: [{ ...good, x5c: ['AAAA'] }] })).message).toMatch(
      /keys\[0\]\.x5c\[0\]/,
    );
    expect(trustError(() => store.addJwks({ keys: 'none' })).message).toMatch(/JWKS/);
    expect(trustError(() => store.addJwks([])).message).toMatch(/JWKS/);
    // unsupported but well-formed keys (P-384) are skipped, not trusted
    expect(store.addJwks({ keys: [{ kty: 'EC', crv: 'P-384', x: 'AA', y: 'AA' }] })).toEqual([]);
  });
});

describe('certificates', () => {
  const dcc = json('dcc/dgc-testdata/DE/2DCode/raw/1.json') as { TESTCTX: { CERTIFICATE: string }; COSE: string };

  it('loads an EU DCC signer certificate (base64 DER): kid, validity, key', () => {
    const store = new TrustStore();
    const key = store.addCertificate(dcc.TESTCTX.CERTIFICATE);
    expect(key.type).toBe('P-256');
    // The kid the COSE message carries (unprotected header: a1 04 48 <8 bytes>) must be our default id.
    const kidHex = Buffer.from(key.id, 'base64').toString('hex');
    expect(kidHex).toHaveLength(16);
    expect(dcc.COSE.toLowerCase()).toContain(`a10448${kidHex}`);
    expect(key.validFrom?.toISOString()).toBe('2021-04-27T09:31:22.000Z');
    expect(key.validUntil?.toISOString()).toBe('2022-04-30T09:31:22.000Z');
    expect(isTrustedKeyValidAt(key, new Date('2021-06-01T18:00:00Z'))).toBe(true);
    expect(isTrustedKeyValidAt(key, new Date('2023-01-01'))).toBe(false);
    expect(key.purposes).toBeUndefined();
    expect(Buffer.from(key.certificate!).toString('base64')).toBe(dcc.TESTCTX.CERTIFICATE);
    expect(store.resolve(key.aliases![0]!)).toEqual([key]);
    expect(key.aliases![0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads DCC purposes from the extended key usage', () => {
    const cert = (f: string) =>
      (json(`dcc/dgc-testdata/common/2DCode/raw/${f}.json`) as { TESTCTX: { CERTIFICATE: string } }).TESTCTX
        .CERTIFICATE;
    const store = new TrustStore();
    expect(store.addCertificate(cert('CO13')).purposes).toEqual(['dcc-vaccination']);
    expect(store.addCertificate(cert('CO12')).purposes).toEqual(['dcc-test']);
    expect(store.addCertificate(cert('CO14')).purposes).toEqual(['dcc-recovery']);
  });

  it('loads PEM certificates made with openssl, in addCertificate and in a trust list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'divoc-keys-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ed25519',
          '-nodes',
          '-keyout',
          join(dir, 'k.pem'),
          '-out',
          join(dir, 'c.pem'),
          '-days',
          '30',
          '-subj',
          '/CN=DIVOC test issuer',
        ],
        { stdio: 'ignore' },
      );
      const pem = readFileSync(join(dir, 'c.pem'), 'utf8');
      const kp = importKeyPair({ pem: readFileSync(join(dir, 'k.pem'), 'utf8') });
      const store = new TrustStore();
      const key = store.addCertificate(pem, { id: 'did:india', purposes: ['assertionMethod'] });
      expect(key.id).toBe('did:india');
      expect(key.publicKeyJwk).toEqual(exportPublicJwk(kp));
      expect(key.validUntil!.getTime() - key.validFrom!.getTime()).toBe(30 * 86_400_000);
      expect(importKeyPair({ pem }).publicKey.equals(kp.publicKey)).toBe(true);
      // trust list: the entry's window is narrowed by the certificate's
      const listed = TrustStore.fromTrustList({
        issuers: [{ id: 'c', certificate: pem, publicKeyJwk: exportPublicJwk(kp), validFrom: '2000-01-01T00:00:00Z' }],
      }).resolve('c')[0]!;
      expect(listed.validFrom).toEqual(key.validFrom);
      expect(
        trustError(() =>
          TrustStore.fromTrustList({ issuers: [{ id: 'c', certificate: pem, publicKeyJwk: exportPublicJwk(ed) }] }),
        ).message,
      ).toMatch(/different key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('typed errors for garbage certificates', () => {
    const store = new TrustStore();
    for (const bad of [
      '',
      'not base64 !!',
      'AAAA',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
      'A'.repeat(2_000_000),
      Uint8Array.of(0x30, 0x82, 0xff, 0xff),
      17 as unknown as string,
    ]) {
      trustError(() => store.addCertificate(bad));
    }
    expect(store.size).toBe(0);
  });
});

describe('DID documents', () => {
  it('loads did:key documents and W3C-style documents with relative ids and purposes', () => {
    const store = new TrustStore();
    const [k] = store.addDidKey(didKeyFromKeyPair(ed));
    expect(k?.id).toBe(verificationMethodId(ed));
    expect(k?.purposes).toEqual(['assertionMethod', 'authentication', 'capabilityInvocation', 'capabilityDelegation']);
    expect(resolveDidKey(didKeyFromKeyPair(ed)).id).toBe(k?.controller);

    const did = 'did:web:issuer.example';
    const keys = store.addDidDocument({
      '@context': ['https://www.w3.org/ns/did/v1'],
      id: did,
      verificationMethod: [
        { id: '#mk', type: 'Multikey', controller: did, publicKeyMultibase: publicKeyMultibase(ec) },
        { id: `${did}#jwk`, type: 'JsonWebKey2020', controller: did, publicKeyJwk: exportPublicJwk(rsa) },
        { id: '#b58', type: 'Ed25519VerificationKey2018', controller: did, publicKeyBase58: publicKeyBase58(ed) },
        {
          id: '#x25519',
          type: 'X25519KeyAgreementKey2020',
          controller: did,
          publicKeyMultibase: 'z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc',
        },
      ],
      assertionMethod: [
        '#mk',
        `${did}#jwk`,
        { id: '#embedded', type: 'Multikey', publicKeyMultibase: publicKeyMultibase(ed) },
      ],
      authentication: ['#mk'],
      keyAgreement: ['#x25519'],
    });
    expect(keys.map((key) => key.id)).toEqual([`${did}#mk`, `${did}#jwk`, `${did}#b58`, `${did}#embedded`]);
    expect(store.resolve(`${did}#mk`)[0]?.purposes).toEqual(['assertionMethod', 'authentication']);
    expect(store.resolve(`${did}#b58`)[0]?.purposes).toEqual([]);
    expect(store.resolve(`${did}#embedded`)[0]?.controller).toBe(did);
    expect(store.resolve(did)).toHaveLength(4);
  });

  it('typed errors for malformed documents', () => {
    const store = new TrustStore();
    const did = 'did:web:x';
    trustError(() => store.addDidDocument(null));
    trustError(() => store.addDidDocument({ id: 'https://not-a-did' }));
    trustError(() => store.addDidDocument({ id: did, verificationMethod: {} }));
    trustError(() => store.addDidDocument({ id: did, verificationMethod: [{ id: '#a', type: 'Multikey' }] }));
    trustError(() => store.addDidDocument({ id: did, verificationMethod: [{ id: '#a', publicKeyMultibase: 'z6Mk' }] }));
    trustError(() =>
      store.addDidDocument({ id: did, verificationMethod: [{ id: '#a', publicKeyJwk: exportPrivateJwk(ec) }] }),
    );
    trustError(() =>
      store.addDidDocument({
        id: did,
        verificationMethod: [
          { id: '#a', publicKeyJwk: exportPublicJwk(ec), publicKeyMultibase: publicKeyMultibase(ec) },
        ],
      }),
    );
    trustError(() => store.addDidDocument({ id: did, assertionMethod: [7] }));
    trustError(() => store.addDidKey('did:web:example.com'));
    trustError(() => store.addDidKey('did:key:z6MkTruncated'));
    expect(store.size).toBe(0);
  });
});
