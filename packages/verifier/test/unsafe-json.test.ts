import { deflateRawSync } from 'node:zlib';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSigner, importKeyPair } from '@divoc/keys';
import { encodeDivocQr } from '@divoc/qr';
import { Trust, TrustInvalidError, verify, type VerificationResult } from '@divoc/verifier';
import { loadTrustDirectory } from '../src/node.js';
import { SHC_ISSUER, vectorJson, vectorText } from './helpers.js';

// "What was signed is what is read", through `verify`: a member named twice with the attacker's value where a
// reader may take it (JSON.parse keeps the last, signed, one), or a `__proto__` / `constructor` / `prototype` member,
// fails `decode` with ERR_JSON_DUPLICATE_KEY / ERR_JSON_FORBIDDEN_KEY whichever format carries the JSON. Each case
// has its control: the same untampered input still verifies.

/** A Trust holding `material`. */
function trustOf(material: string): Trust {
  const trust = new Trust();
  trust.add(material);
  return trust;
}

const decodeOf = (result: VerificationResult) => result.checks.find((c) => c.name === 'decode');

async function expectRefused(
  input: unknown,
  trust: Trust,
  now: Date,
  code: 'ERR_JSON_DUPLICATE_KEY' | 'ERR_JSON_FORBIDDEN_KEY',
): Promise<void> {
  const result = await verify(input as string, { trust, now });
  expect(result.valid).toBe(false);
  expect(decodeOf(result)).toMatchObject({ ok: false, code });
  expect(result.checks.filter((c) => c.ok)).toEqual([]);
}

async function expectValid(input: unknown, trust: Trust, now: Date): Promise<void> {
  const result = await verify(input as string, { trust, now });
  expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  expect(result.valid).toBe(true);
}

describe('W3C VC (DIVOC certificate)', () => {
  const trust = trustOf(vectorText('divoc/keys/divoc-test-rsa.public.pem'));
  const now = new Date('2022-01-01T00:00:00Z');
  const text = vectorText('divoc/signed/rsa2018-cowinctx-valid.json');
  const NAME = '"name": "Bhaya Mitra"';
  const duplicated = text.replace(NAME, `"name": "Evil", ${NAME}`);
  const proto = text.replace('"credentialSubject": {', '"credentialSubject": {"__proto__": {"name": "Evil"}, ');

  it('control: the untampered certificate verifies as text, bytes and object', async () => {
    expect(text).toContain(NAME);
    for (const input of [text, new TextEncoder().encode(text), JSON.parse(text) as object])
      await expectValid(input, trust, now);
  });

  it(
    '"name": "Evil", …, "name": "Bhaya Mitra" → ERR_JSON_DUPLICATE_KEY (text and bytes), naming ' + 'the path',
    async () => {
      expect(JSON.parse(duplicated)).toEqual(JSON.parse(text)); // what JSON.parse alone would have verified
      await expectRefused(duplicated, trust, now, 'ERR_JSON_DUPLICATE_KEY');
      await expectRefused(new TextEncoder().encode(duplicated), trust, now, 'ERR_JSON_DUPLICATE_KEY');
      expect(decodeOf(await verify(duplicated, { trust, now }))?.message).toContain('$.credentialSubject.name');
    },
  );

  it('a "__proto__" member → ERR_JSON_FORBIDDEN_KEY (text, and an object JSON.parse made)', async () => {
    await expectRefused(proto, trust, now, 'ERR_JSON_FORBIDDEN_KEY');
    await expectRefused(JSON.parse(proto) as object, trust, now, 'ERR_JSON_FORBIDDEN_KEY');
  });
});

describe('DIVOC QR (ZIP as DIVOC writes it)', () => {
  const trust = trustOf(vectorText('divoc/keys/divoc-test-rsa.public.pem'));
  const now = new Date('2022-01-01T00:00:00Z');
  const text = vectorText('divoc/signed/rsa2018-divocdev-valid.json');
  const NAME = '"name": "Bhaya Mitra"';

  it('control verifies; a duplicated "name" or a "__proto__" member inside the ZIP fails decode', async () => {
    await expectValid(encodeDivocQr(text), trust, now);
    await expectRefused(
      encodeDivocQr(text.replace(NAME, `"name": "Evil", ${NAME}`)),
      trust,
      now,
      'ERR_JSON_DUPLICATE_KEY',
    );
    const withConstructor = text.replace('"credentialSubject": {', '"credentialSubject": {"constructor": {}, ');
    expect(withConstructor).not.toBe(text);
    await expectRefused(encodeDivocQr(withConstructor), trust, now, 'ERR_JSON_FORBIDDEN_KEY');
  });
});

describe('ICAO VDS-NC', () => {
  const trust = trustOf(vectorText('vdsnc/au-csca-root.der.b64'));
  const now = new Date('2022-01-15T00:00:00Z');
  const text = vectorText('vdsnc/au-citizen-john-valid.json');
  const NAME = '"n": "CITIZEN  JOHN"';

  it('control verifies; "n": "Evil", …, "n": "CITIZEN  JOHN" and a "__proto__" member fail decode', async () => {
    await expectValid(text, trust, now);
    expect(text).toContain(NAME);
    await expectRefused(text.replace(NAME, `"n": "Evil", ${NAME}`), trust, now, 'ERR_JSON_DUPLICATE_KEY');
    await expectRefused(
      text.replace('"pid": {', '"pid": {"__proto__": {"n": "Evil"}, '),
      trust,
      now,
      'ERR_JSON_FORBIDDEN_KEY',
    );
    await expectRefused(
      JSON.parse(text.replace('"pid": {', '"pid": {"__proto__": {"n": "Evil"}, ')) as object,
      trust,
      now,
      'ERR_JSON_FORBIDDEN_KEY',
    );
  });
});

describe('SMART Health Card', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  const privateJwks = vectorJson<{ keys: (JsonWebKey & { kid: string })[] }>('shc/keys/issuer.jwks.private.json');
  const { kid, use: _u, alg: _a, ...jwk } = privateJwks.keys[0] as JsonWebKey & { kid: string; use: string };
  const signer = createSigner(importKeyPair({ jwk }), { id: kid, algorithm: 'ES256' });
  const b64 = (data: Uint8Array | string) => Buffer.from(data).toString('base64url');
  /** Signed with the example issuer's real key over exactly this payload text: the signature holds. */
  const sign = async (payload: string) => {
    const input = `${b64(JSON.stringify({ zip: 'DEF', alg: 'ES256', kid }))}.${b64(deflateRawSync(payload))}`;
    return `${input}.${b64(await signer.sign(new TextEncoder().encode(input)))}`;
  };
  const trust = () => {
    const t = new Trust();
    t.addWellKnown({
      jwks: vectorJson('shc/examples/issuer/.well-known/jwks.json'),
      crls: [vectorText(`shc/examples/issuer/.well-known/crl/${kid}.json`)],
      issuer: SHC_ISSUER,
    });
    return t;
  };
  const payload = vectorText('shc/examples/example-00-c-jws-payload-minified.json').trim();
  const FAMILY = '"family":"Anyperson"';

  it('control verifies; a signed payload naming "family" twice or holding "__proto__" fails decode', async () => {
    await expectValid(await sign(payload), trust(), now);
    await expectRefused(
      await sign(payload.replace(FAMILY, `"family":"Evil",${FAMILY}`)),
      trust(),
      now,
      'ERR_JSON_DUPLICATE_KEY',
    );
    await expectRefused(
      await sign(payload.replace('"resourceType":"Patient",', '"resourceType":"Patient","__proto__":{},')),
      trust(),
      now,
      'ERR_JSON_FORBIDDEN_KEY',
    );
  });

  it('a .smart-health-card file naming "verifiableCredential" twice fails decode', async () => {
    const good = await sign(payload);
    await expectValid(`{"verifiableCredential":["${good}"]}`, trust(), now);
    const other = vectorText('shc/examples/example-02-d-jws.txt').trim();
    await expectRefused(
      `{"verifiableCredential":["${other}"],"verifiableCredential":["${good}"]}`,
      trust(),
      now,
      'ERR_JSON_DUPLICATE_KEY',
    );
  });
});

describe('trust material', () => {
  const jwks = vectorText('shc/examples/issuer/.well-known/jwks.json');

  it(
    'control adds; a JWKS naming a member twice, or with a "__proto__" member, is refused with the code in ' +
      'the message',
    () => {
      expect(new Trust().add(jwks, { issuer: SHC_ISSUER })).toMatchObject({ kind: 'jwks', keys: 2 });
      const duplicated = jwks.replace('"kty"', '"kty": "oct", "kty"');
      expect(duplicated).not.toBe(jwks);
      expect(() => new Trust().add(duplicated, { issuer: SHC_ISSUER })).toThrow(TrustInvalidError);
      expect(() => new Trust().add(duplicated, { issuer: SHC_ISSUER })).toThrow(/ERR_JSON_DUPLICATE_KEY/);
      const proto = jwks.replace('"keys"', '"__proto__": {"keys": []}, "keys"');
      expect(() => new Trust().add(proto, { issuer: SHC_ISSUER })).toThrow(/ERR_JSON_FORBIDDEN_KEY/);
      expect(() => new Trust().add(JSON.parse(proto), { issuer: SHC_ISSUER })).toThrow(/ERR_JSON_FORBIDDEN_KEY/);
      expect(() => new Trust().add(new TextEncoder().encode(duplicated), { issuer: SHC_ISSUER })).toThrow(
        /ERR_JSON_DUPLICATE_KEY/,
      );
    },
  );

  it('a .well-known folder whose jwks.json names a member twice is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'divoc-verifier-dup-'));
    try {
      mkdirSync(join(dir, '.well-known'));
      writeFileSync(join(dir, '.well-known', 'jwks.json'), jwks);
      writeFileSync(join(dir, '.well-known', 'issuer.json'), JSON.stringify({ iss: SHC_ISSUER }));
      await expect(loadTrustDirectory(dir)).resolves.toBeInstanceOf(Trust);
      writeFileSync(join(dir, '.well-known', 'jwks.json'), jwks.replace('"kty"', '"kty": "oct", "kty"'));
      await expect(loadTrustDirectory(dir)).rejects.toThrow(/ERR_JSON_DUPLICATE_KEY/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
