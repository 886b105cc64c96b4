import { deflateRawSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createSigner, generateKeyPair, TrustStore } from '@divoc/keys';
import { decodeShc, decodeShcQr, readHealthCardFile, verifyShc, isShcError, type ShcInput } from '@divoc/shc';
import { EXAMPLE_ISSUER, exampleSigningKey, exampleStore, vector, vectorJson } from './helpers.js';
import { thrownBy } from '../../../test/support/errors.js';

const { kid, signer } = exampleSigningKey();
const payload = vectorJson<Record<string, unknown>>('examples/example-00-c-jws-payload-minified.json');
const now = new Date('2025-01-01T00:00:00Z');
const jws00 = vector('examples/example-00-d-jws.txt').trim();
const qr00 = vector('examples/example-00-f-qr-code-numeric-value-0.txt').trim();
const chunks02 = [0, 1, 2].map((i) => vector(`examples/example-02-f-qr-code-numeric-value-${i}.txt`).trim());

const b64 = (data: Uint8Array | string) => Buffer.from(data).toString('base64url');

/** A JWS signed with the real example key, with whatever header and payload bytes the test wants. */
async function forge(header: unknown, body: Uint8Array): Promise<string> {
  const input = `${b64(JSON.stringify(header))}.${b64(body)}`;
  const sig = await signer.sign(new TextEncoder().encode(input));
  return `${input}.${b64(sig)}`;
}
const good = { alg: 'ES256', zip: 'DEF', kid };
const deflate = (value: unknown) => deflateRawSync(typeof value === 'string' ? value : JSON.stringify(value));

async function expectDecodeFailure(input: unknown, code: string): Promise<void> {
  const thrown = thrownBy(() => decodeShc(input as ShcInput));
  expect(isShcError(thrown), String(thrown)).toBe(true);
  expect((thrown as { code: string }).code).toBe(code);
  const result = await verifyShc(input as ShcInput, { trust: exampleStore(), now });
  expect(result.valid).toBe(false);
  expect(result.checks).toEqual([expect.objectContaining({ name: 'decode', ok: false, code })]);
}

describe('hostile JWS', () => {
  it('our forge helper makes valid cards (control)', async () => {
    expect((await verifyShc(await forge(good, deflate(payload)), { trust: exampleStore(), now })).valid).toBe(true);
  });

  it('truncated JWS', async () => {
    await expectDecodeFailure(jws00.slice(0, jws00.lastIndexOf('.')), 'ERR_SHC_JWS_MALFORMED');
    await expectDecodeFailure(jws00.slice(0, -10), 'ERR_SHC_JWS_MALFORMED');
    await expectDecodeFailure(
      jws00.slice(0, jws00.indexOf('.') + 40) + '.' + jws00.split('.')[2],
      'ERR_SHC_INFLATE_FAILED',
    );
    await expectDecodeFailure(jws00.slice(0, 10), 'ERR_SHC_JWS_MALFORMED');
  });

  it('wrong alg: none, HS256, RS256, ES384, missing', async () => {
    for (const alg of ['none', 'HS256', 'RS256', 'ES384', 'es256', undefined]) {
      await expectDecodeFailure(await forge({ ...good, alg }, deflate(payload)), 'ERR_SHC_HEADER_INVALID');
    }
    // alg none with an empty signature part
    await expectDecodeFailure(
      `${b64(JSON.stringify({ ...good, alg: 'none' }))}.${b64(deflate(payload))}.`,
      'ERR_SHC_HEADER_INVALID',
    );
  });

  it('missing or wrong zip, missing kid, crit', async () => {
    await expectDecodeFailure(
      await forge({ alg: 'ES256', kid }, Buffer.from(JSON.stringify(payload))),
      'ERR_SHC_HEADER_INVALID',
    );
    await expectDecodeFailure(await forge({ ...good, zip: 'GZIP' }, deflate(payload)), 'ERR_SHC_HEADER_INVALID');
    await expectDecodeFailure(await forge({ alg: 'ES256', zip: 'DEF' }, deflate(payload)), 'ERR_SHC_HEADER_INVALID');
    await expectDecodeFailure(await forge({ ...good, kid: 42 }, deflate(payload)), 'ERR_SHC_HEADER_INVALID');
    await expectDecodeFailure(await forge({ ...good, crit: ['b64'] }, deflate(payload)), 'ERR_SHC_HEADER_INVALID');
    await expectDecodeFailure(
      `${b64('not json')}.${b64(deflate(payload))}.${jws00.split('.')[2]}`,
      'ERR_SHC_JWS_MALFORMED',
    );
    await expectDecodeFailure(`${b64('[1]')}.${b64(deflate(payload))}.${jws00.split('.')[2]}`, 'ERR_SHC_JWS_MALFORMED');
  });

  it('decompression bomb stops at the budget', async () => {
    const bomb = deflateRawSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(48 * 1024);
    const started = Date.now();
    await expectDecodeFailure(await forge(good, bomb), 'ERR_SHC_INFLATE_FAILED');
    // A JSON-shaped bomb: a huge string inside a plausible claim set.
    const jsonBomb = deflateRawSync(`{"iss":"${EXAMPLE_ISSUER}","nbf":1,"vc":{"x":"${'A'.repeat(8 * 1024 * 1024)}"}}`);
    await expectDecodeFailure(await forge(good, jsonBomb), 'ERR_SHC_INFLATE_FAILED');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('payload that is not raw DEFLATE, not UTF-8, not JSON, or not a health card', async () => {
    await expectDecodeFailure(await forge(good, deflateSync(JSON.stringify(payload))), 'ERR_SHC_INFLATE_FAILED');
    await expectDecodeFailure(await forge(good, Buffer.from(JSON.stringify(payload))), 'ERR_SHC_INFLATE_FAILED');
    await expectDecodeFailure(
      await forge(good, deflateRawSync(Buffer.from([0xff, 0xfe, 0x00]))),
      'ERR_SHC_PAYLOAD_INVALID',
    );
    await expectDecodeFailure(await forge(good, deflate('{"iss": ')), 'ERR_SHC_PAYLOAD_INVALID');
    await expectDecodeFailure(await forge(good, deflate('[]')), 'ERR_SHC_PAYLOAD_INVALID');
    await expectDecodeFailure(await forge(good, deflate('')), 'ERR_SHC_INFLATE_FAILED');
    const vc = payload.vc as Record<string, unknown>;
    const variants: unknown[] = [
      { ...payload, iss: 42 },
      { ...payload, nbf: '1687450764' },
      { ...payload, nbf: -1 },
      { ...payload, exp: 'never' },
      { ...payload, vc: { ...vc, type: ['https://smarthealth.cards#immunization'] } },
      { ...payload, vc: { ...vc, credentialSubject: { fhirVersion: '4.0.1' } } },
      {
        ...payload,
        vc: { ...vc, credentialSubject: { fhirVersion: '4.0.1', fhirBundle: { resourceType: 'Bundle', entry: [{}] } } },
      },
      { ...payload, vc: { ...vc, rid: 'has spaces' } },
      { ...payload, vc: { ...vc, rid: 'A'.repeat(25) } },
      { iss: EXAMPLE_ISSUER, nbf: 1 },
    ];
    for (const v of variants) await expectDecodeFailure(await forge(good, deflate(v)), 'ERR_SHC_PAYLOAD_INVALID');
  });

  it('signature of the wrong length (truncated, padded, DER)', async () => {
    const [h, p, s] = jws00.split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    for (const bad of [
      sig.subarray(0, 63),
      Buffer.concat([sig, Buffer.from([0])]),
      Buffer.alloc(0),
      Buffer.concat([
        Buffer.from([0x30, 0x44, 0x02, 0x20]),
        sig.subarray(0, 32),
        Buffer.from([0x02, 0x20]),
        sig.subarray(32),
      ]),
    ]) {
      await expectDecodeFailure(`${h}.${p}.${b64(bad)}`, 'ERR_SHC_JWS_MALFORMED');
    }
    await expectDecodeFailure(`${h}.${p}.${s}=`, 'ERR_SHC_JWS_MALFORMED');
    await expectDecodeFailure(`${h}.${p}.${s}.extra`, 'ERR_SHC_JWS_MALFORMED');
  });

  it('tampered payload or signature: signature check fails', async () => {
    const [h, , s] = jws00.split('.') as [string, string, string];
    const changed = { ...payload, iss: EXAMPLE_ISSUER, nbf: 1687450764 };
    const tampered = `${h}.${b64(deflate(changed))}.${s}`;
    const result = await verifyShc(tampered, { trust: exampleStore(), now });
    expect(result.valid).toBe(false);
    expect(result.checks[1]).toMatchObject({ name: 'signature', ok: false, code: 'ERR_SHC_SIGNATURE_INVALID' });
    const sig = Buffer.from(s, 'base64url');
    sig[10]! ^= 1;
    const flipped = await verifyShc(`${jws00.split('.').slice(0, 2).join('.')}.${b64(sig)}`, {
      trust: exampleStore(),
      now,
    });
    expect(flipped.checks[1]).toMatchObject({ ok: false, code: 'ERR_SHC_SIGNATURE_INVALID' });
  });

  it('kid not in the store: signature and trust fail, never a pass', async () => {
    const kp = await generateKeyPair('P-256');
    const input = `${b64(JSON.stringify({ ...good, kid: 'unknown-kid' }))}.${b64(deflate(payload))}`;
    const sig = await createSigner(kp, { id: 'x' }).sign(new TextEncoder().encode(input));
    const result = await verifyShc(`${input}.${b64(sig)}`, { trust: exampleStore(), now });
    expect(result.valid).toBe(false);
    expect(result.checks.slice(1, 3)).toEqual([
      expect.objectContaining({ name: 'signature', ok: false, code: 'ERR_SHC_KEY_NOT_TRUSTED' }),
      expect.objectContaining({ name: 'trust', ok: false, code: 'ERR_SHC_KEY_NOT_TRUSTED' }),
    ]);
    expect((await verifyShc(jws00, { trust: new TrustStore(), now })).valid).toBe(false);
  });

  it('a did:key kid is never resolved from itself, even by a store that resolves did:key', async () => {
    const { didKeyFromKeyPair, verificationMethodId } = await import('@divoc/keys');
    const kp = await generateKeyPair('P-256');
    const did = didKeyFromKeyPair(kp);
    const vm = verificationMethodId(kp);
    const input = `${b64(JSON.stringify({ ...good, kid: vm }))}.${b64(deflate({ ...payload, iss: did }))}`;
    const sig = await createSigner(kp, { id: vm }).sign(new TextEncoder().encode(input));
    const result = await verifyShc(`${input}.${b64(sig)}`, {
      trust: new TrustStore({ resolveDidKey: true }),
      now,
    });
    expect(result.valid).toBe(false);
    expect(result.checks[1]).toMatchObject({ ok: false, code: 'ERR_SHC_KEY_NOT_TRUSTED' });
  });

  it('a kid mapped to a non-P-256 key in the store cannot verify (algorithm confusion)', async () => {
    const store = new TrustStore();
    const rsa = await generateKeyPair('RSA');
    const { exportPublicJwk } = await import('@divoc/keys');
    store.addJwks({ keys: [{ ...exportPublicJwk(rsa), kid }] }, { issuer: EXAMPLE_ISSUER });
    const result = await verifyShc(jws00, { trust: store, now });
    expect(result.checks[1]).toMatchObject({ ok: false, code: 'ERR_SHC_SIGNATURE_INVALID' });
  });

  it('validity: nbf in the future, exp in the past', async () => {
    const future = await verifyShc(jws00, { trust: exampleStore(), now: new Date('2023-01-01T00:00:00Z') });
    expect(future.checks.find((c) => c.name === 'validity')).toMatchObject({
      ok: false,
      code: 'ERR_SHC_NOT_YET_VALID',
    });
    const expired = await forge(good, deflate({ ...payload, exp: 1700000000 }));
    const r = await verifyShc(expired, { trust: exampleStore(), now });
    expect(r.checks.find((c) => c.name === 'validity')).toMatchObject({ ok: false, code: 'ERR_SHC_EXPIRED' });
    const ok = await verifyShc(expired, { trust: exampleStore(), now: new Date('2023-08-01T00:00:00Z') });
    expect(ok.valid).toBe(true);
    const skew = await verifyShc(jws00, {
      trust: exampleStore(),
      now: new Date(1687450764.656 * 1000 - 30_000),
      clockToleranceSeconds: 60,
    });
    expect(skew.valid).toBe(true);
  });
});

describe('hostile QR texts', () => {
  it('odd-length, out-of-range pairs, non-digits, non-JWS characters', async () => {
    await expectDecodeFailure(qr00.slice(0, -1), 'ERR_SHC_QR_INVALID');
    await expectDecodeFailure(`${qr00.slice(0, 9)}78${qr00.slice(11)}`, 'ERR_SHC_QR_INVALID');
    await expectDecodeFailure(`${qr00.slice(0, 9)}99${qr00.slice(11)}`, 'ERR_SHC_QR_INVALID');
    await expectDecodeFailure(`${qr00.slice(0, 9)}13${qr00.slice(11)}`, 'ERR_SHC_QR_INVALID'); // 13 → ':'
    await expectDecodeFailure(`${qr00.slice(0, 9)}4a${qr00.slice(11)}`, 'ERR_SHC_QR_INVALID');
    await expectDecodeFailure('shc:/', 'ERR_SHC_QR_INVALID');
    await expectDecodeFailure('shc:/1/2', 'ERR_SHC_QR_INVALID');
    await expectDecodeFailure(`shc:/${'00'.repeat(4000)}`, 'ERR_SHC_QR_INVALID');
  });

  it('valid digits that do not spell a JWS fail later, typed', async () => {
    await expectDecodeFailure('shc:/5676', 'ERR_SHC_JWS_MALFORMED');
  });

  it('chunk index out of range, zero, duplicates, missing, mixed sets, too many', async () => {
    const body = (t: string) => t.replace(/^shc:\/\d+\/\d+\//, '');
    await expectDecodeFailure([`shc:/4/3/${body(chunks02[0]!)}`, chunks02[1]!, chunks02[2]!], 'ERR_SHC_CHUNKS_INVALID');
    await expectDecodeFailure([`shc:/0/3/${body(chunks02[0]!)}`, chunks02[1]!, chunks02[2]!], 'ERR_SHC_CHUNKS_INVALID');
    await expectDecodeFailure([chunks02[0]!, chunks02[0]!, chunks02[2]!], 'ERR_SHC_CHUNKS_INVALID');
    await expectDecodeFailure([chunks02[0]!, chunks02[2]!], 'ERR_SHC_CHUNKS_INVALID');
    await expectDecodeFailure([chunks02[0]!, chunks02[1]!, `shc:/2/2/${body(chunks02[2]!)}`], 'ERR_SHC_CHUNKS_INVALID');
    await expectDecodeFailure([qr00, chunks02[1]!], 'ERR_SHC_CHUNKS_INVALID');
    await expectDecodeFailure(['shc:/1/40/00'], 'ERR_SHC_CHUNKS_INVALID');
    await expectDecodeFailure([], 'ERR_SHC_CHUNKS_INVALID');
    await expectDecodeFailure(
      Array.from({ length: 40 }, () => qr00),
      'ERR_SHC_INPUT_INVALID',
    );
    await expectDecodeFailure([chunks02[0]!, 42, chunks02[2]!], 'ERR_SHC_INPUT_INVALID');
    expect(() => decodeShcQr([chunks02[1]!, chunks02[0]!])).toThrow(
      expect.objectContaining({ code: 'ERR_SHC_CHUNKS_INVALID', message: expect.stringContaining('missing chunk 3') }),
    );
  });

  it('chunks of two different cards of the same size assemble but never verify', async () => {
    const big = vectorJson<Record<string, unknown>>('examples/example-02-c-jws-payload-minified.json');
    const a = await forge(good, deflate({ ...big, nbf: 1700000000 }));
    const b = await forge(good, deflate({ ...big, nbf: 1700000001 }));
    const { encodeShcQr } = await import('@divoc/shc');
    const qa = encodeShcQr(a);
    const qb = encodeShcQr(b);
    expect(qa.length).toBe(3);
    expect(qb.length).toBe(3);
    expect((await verifyShc(qb, { trust: exampleStore(), now })).valid).toBe(true);
    for (const mixed of [
      [qa[0]!, qb[1]!, qb[2]!],
      [qb[0]!, qa[1]!, qb[2]!],
      [qb[0]!, qb[1]!, qa[2]!],
    ]) {
      const r = await verifyShc(mixed, { trust: exampleStore(), now });
      expect(r.valid).toBe(false);
    }
  });
});

describe('hostile inputs and files', () => {
  it('wrong types', async () => {
    for (const bad of [null, undefined, 42, true, new Date(), { foo: 1 }]) {
      const r = await verifyShc(bad as never, { trust: exampleStore(), now });
      expect(r.valid).toBe(false);
      expect(r.checks[0]!.ok).toBe(false);
      expect(() => decodeShc(bad as never)).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/^ERR_SHC_/) }),
      );
    }
    await expectDecodeFailure('', 'ERR_SHC_INPUT_INVALID');
    await expectDecodeFailure(new Uint8Array([0xff, 0xfe, 0xfd]), 'ERR_SHC_INPUT_INVALID');
  });

  it('oversized inputs are refused before any work', async () => {
    await expectDecodeFailure('a'.repeat(2 * 1024 * 1024), 'ERR_SHC_INPUT_TOO_LARGE');
    await expectDecodeFailure(new Uint8Array(2 * 1024 * 1024), 'ERR_SHC_INPUT_TOO_LARGE');
    await expectDecodeFailure(`${'a'.repeat(70 * 1024)}.b.c`, 'ERR_SHC_INPUT_TOO_LARGE');
    await expectDecodeFailure(`shc:/${'0'.repeat(20_000)}`, 'ERR_SHC_QR_INVALID');
  });

  it('malformed .smart-health-card files', async () => {
    await expectDecodeFailure('{"verifiableCredential": ', 'ERR_SHC_FILE_INVALID');
    await expectDecodeFailure('{"verifiableCredential": "abc"}', 'ERR_SHC_FILE_INVALID');
    await expectDecodeFailure('{"verifiableCredential": []}', 'ERR_SHC_FILE_INVALID');
    await expectDecodeFailure('{"verifiableCredential": [42]}', 'ERR_SHC_FILE_INVALID');
    await expectDecodeFailure('{"verifiableCredential": ["not a jws"]}', 'ERR_SHC_FILE_INVALID');
    await expectDecodeFailure({ verifiableCredential: [jws00, jws00] }, 'ERR_SHC_FILE_INVALID');
    expect(() => readHealthCardFile(JSON.stringify({ verifiableCredential: Array(101).fill(jws00) }))).toThrow(
      expect.objectContaining({ code: 'ERR_SHC_FILE_INVALID' }),
    );
    expect(() => readHealthCardFile('[]')).toThrow(expect.objectContaining({ code: 'ERR_SHC_FILE_INVALID' }));
  });

  it('verifyShc requires a trust store (programming error, not bad input)', async () => {
    await expect(verifyShc(jws00, {} as never)).rejects.toThrow(TypeError);
  });
});
