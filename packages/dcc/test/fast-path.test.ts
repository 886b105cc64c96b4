/**
 * The fast issuing path (direct CBOR writer, native zlib, table Base45) against the general tools: the bytes must be
 * what cbor-x writes, and HC1 text must cross between @divoc/dcc and a plain cbor-x + pako + base45 + node:crypto
 * pipeline in both directions.
 */
import { describe, expect, it } from 'vitest';
import { sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import pako from 'pako';
import base45 from 'base45';
import { Decoder, Encoder, Tag } from 'cbor-x';
import { TrustStore } from '@divoc/keys';
import { base45Decode, base45Encode, encodeDcc, verifyDcc, zlibDeflate, zlibInflate } from '../src/index.js';
import { CborWriter } from '../src/lib/cbor-writer.js';
import { cborEncode } from '../src/lib/cbor.js';
import { developmentPki, randomJson as randomJsonOf, SAMPLE_DCC, type RandomJsonShape } from './helpers.js';
import { xorshift32 as rng } from '../../../test/support/bytes.js';

const encoder = new Encoder({ tagUint8Array: false, useRecords: false, mapsAsObjects: false });
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });

/** Random JSON data: unicode and long strings, integers at the CBOR size edges, floats, nesting. */
const EDGES = [
  0,
  23,
  24,
  255,
  256,
  65535,
  65536,
  4294967295,
  4294967296,
  -1,
  -24,
  -25,
  -256,
  -257,
  -65536,
  -65537,
  -4294967296,
  -4294967297,
  2 ** 53 - 1,
];
const JSON_SHAPE: RandomJsonShape = {
  integer: (next) => EDGES[Math.floor(next() * EDGES.length)]! * (next() < 0.5 ? 1 : 1),
  chars: 'aZ09 -/é€😀\u0000"\\',
  longString: 300,
  shortString: 30,
  arrayLength: 5,
  objectSize: 6,
  key: (next) => `k${Math.floor(next() * 1000)}é`.slice(0, 1 + Math.floor(next() * 5)),
};
const randomJson = (next: () => number): unknown => randomJsonOf(next, JSON_SHAPE);

describe('CborWriter writes what cbor-x writes', () => {
  it('2,000 random JSON values', () => {
    const next = rng(7);
    const w = new CborWriter();
    for (let i = 0; i < 2000; i++) {
      const value = JSON.parse(JSON.stringify(randomJson(next)));
      w.reset();
      w.json(value);
      expect(Buffer.from(w.bytes()).toString('hex')).toBe(Buffer.from(cborEncode(value)).toString('hex'));
    }
  });
  it('grows past its initial buffer', () => {
    const big = { s: 'x'.repeat(10_000), a: Array.from({ length: 3000 }, (_, i) => i * 1000) };
    const w = new CborWriter();
    w.json(big);
    expect(Buffer.from(w.bytes()).equals(Buffer.from(cborEncode(big)))).toBe(true);
  });
  it('refuses non-JSON values with a typed error', () => {
    const w = new CborWriter();
    expect(() => w.json(() => 1)).toThrow(expect.objectContaining({ code: 'ERR_DCC_ENCODE_INVALID' }));
    expect(() => w.json(1n)).toThrow(expect.objectContaining({ code: 'ERR_DCC_ENCODE_INVALID' }));
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(() => w.json(deep)).toThrow(expect.objectContaining({ code: 'ERR_DCC_ENCODE_INVALID' }));
  });
});

describe('CborWriter.plainJson writes what json writes for the JSON copy, without the copy', () => {
  it('2,000 random JSON values (as objects) give the same bytes', () => {
    const next = rng(13);
    const w = new CborWriter();
    for (let i = 0; i < 2000; i++) {
      const value = { x: randomJson(next), y: [randomJson(next)] };
      w.reset();
      w.json(JSON.parse(JSON.stringify(value)));
      const want = Buffer.from(w.bytes()).toString('hex');
      w.reset();
      expect(w.plainJson(value)).toBe(true);
      expect(Buffer.from(w.bytes()).toString('hex')).toBe(want);
    }
  });

  it('declines everything JSON would change or refuse, leaving the writer as it was', () => {
    class Entry {
      co = 'IN';
    }
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const throwing = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const declined: unknown[] = [
      { d: new Date(0) },
      { u: undefined },
      { n: Number.NaN },
      { i: Number.POSITIVE_INFINITY },
      { e: new Entry() },
      { t: { toJSON: () => 'x' } },
      { f: () => 1 },
      { s: Symbol('s') },
      { b: 1n },
      { h: [1, , 3] },
      { m: new Map([[1, 2]]) },
      { w: new String('boxed') },
      { a: Object.assign([1], { toJSON: () => [] }) },
      cyclic,
      throwing,
      deep,
    ];
    const w = new CborWriter();
    for (const value of declined) {
      w.reset();
      w.head(0xa0, 1);
      const before = Buffer.from(w.bytes()).toString('hex');
      expect(w.plainJson(value as object)).toBe(false);
      expect(Buffer.from(w.bytes()).toString('hex')).toBe(before);
    }
    // Null-prototype objects, -0 and integer-like keys are plain: the same bytes as through the copy.
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, {
      b: -0,
      2: 'two',
      1: 'one',
      a: [0.5, -1],
    });
    w.reset();
    expect(w.plainJson(bare)).toBe(true);
    const direct = Buffer.from(w.bytes()).toString('hex');
    w.reset();
    w.json(JSON.parse(JSON.stringify(bare)));
    expect(direct).toBe(Buffer.from(w.bytes()).toString('hex'));
  });

  it('concurrent encodeDcc calls (shared writer and deflate buffers) each get their own DCC', async () => {
    const { dsc } = await developmentPki();
    const trustStore = new TrustStore();
    trustStore.addCertificate(dsc.certificatePem);
    const payloads = Array.from({ length: 40 }, (_, i) => ({
      ...SAMPLE_DCC,
      nam: { ...SAMPLE_DCC.nam, fn: `Name ${i} ${'x'.repeat(i)}` },
    }));
    const issued = await Promise.all(
      payloads.map((p, i) =>
        encodeDcc(p, {
          signer: dsc.signer,
          kid: dsc.kid,
          iat: 1_700_000_000 + i,
          exp: 1_900_000_000,
          validate: i % 2 === 0,
        }),
      ),
    );
    const now = new Date(1_800_000_000_000);
    const results = await Promise.all(issued.map((d) => verifyDcc(d.hc1, { trust: trustStore, now })));
    results.forEach((r, i) => {
      expect(r.valid).toBe(true);
      expect(r.payload).toEqual(payloads[i]);
      expect(r.issuedAt?.getTime()).toBe((1_700_000_000 + i) * 1000);
    });
  });

  it('encodeDcc without validation signs the same payload bytes either way', async () => {
    const { dsc } = await developmentPki();
    const options = {
      signer: dsc.signer,
      kid: dsc.kid,
      iss: 'IN',
      iat: 1_700_000_000,
      exp: 1_900_000_000,
      validate: false,
    };
    const payloadOf = (hc1: string) =>
      (decoder.decode(pako.inflate(base45.decode(hc1.slice(4)))) as Tag).value[2] as Uint8Array;
    const withDate = { ...SAMPLE_DCC, extra: { when: new Date(0), skip: undefined, n: Number.NaN } };
    const copied = JSON.parse(JSON.stringify(withDate)) as typeof withDate;
    const a = await encodeDcc(withDate, options);
    const b = await encodeDcc(copied, options);
    const c = await encodeDcc(SAMPLE_DCC, options);
    const d = await encodeDcc(JSON.parse(JSON.stringify(SAMPLE_DCC)) as typeof SAMPLE_DCC, options);
    expect(Buffer.from(payloadOf(a.hc1)).equals(Buffer.from(payloadOf(b.hc1)))).toBe(true);
    expect(Buffer.from(payloadOf(c.hc1)).equals(Buffer.from(payloadOf(d.hc1)))).toBe(true);
    await expect(encodeDcc([] as unknown as typeof SAMPLE_DCC, options)).rejects.toMatchObject({
      code: 'ERR_DCC_ENCODE_INVALID',
    });
    const throwing = Object.defineProperty({ ...SAMPLE_DCC }, 'x', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    await expect(encodeDcc(throwing, options)).rejects.toMatchObject({ code: 'ERR_DCC_ENCODE_INVALID' });
  });
});

describe('codecs against the npm tools', () => {
  it('Base45 equals the base45 package both ways', () => {
    const next = rng(9);
    for (let i = 0; i < 300; i++) {
      const bytes = new Uint8Array(Math.floor(next() * 700)).map(() => Math.floor(next() * 256));
      const text = base45Encode(bytes);
      expect(text).toBe(base45.encode(Buffer.from(bytes)));
      expect(Buffer.from(base45Decode(text)).equals(base45.decode(text))).toBe(true);
    }
  });
  it('zlib: our streams inflate with pako, pako streams inflate with ours', () => {
    const next = rng(11);
    for (let i = 0; i < 200; i++) {
      const bytes = new Uint8Array(1 + Math.floor(next() * 3000)).map(() =>
        next() < 0.6 ? 65 : Math.floor(next() * 256),
      );
      expect(Buffer.from(pako.inflate(zlibDeflate(bytes))).equals(Buffer.from(bytes))).toBe(true);
      expect(Buffer.from(zlibInflate(pako.deflate(bytes))).equals(Buffer.from(bytes))).toBe(true);
    }
  });
});

describe('HC1 crosses between @divoc/dcc and a cbor-x + pako + base45 + node:crypto pipeline', () => {
  it(
    'ours verifies with the plain pipeline; ' + 'the plain pipeline verifies with ours; same COSE payload bytes',
    async () => {
      const { dsc } = await developmentPki();
      const kid = Buffer.from(dsc.kid, 'base64');
      const times = { iat: 1_700_000_000, exp: 1_900_000_000 };
      const ours = await encodeDcc(SAMPLE_DCC, {
        signer: dsc.signer,
        certificate: dsc.certificatePem,
        iss: 'IN',
        ...times,
      });

      // Plain pipeline: verify ours.
      const cose = decoder.decode(pako.inflate(base45.decode(ours.hc1.slice(4)))) as Tag;
      const [protectedBytes, unprotected, payload, signature] = cose.value as [
        Uint8Array,
        Map<number, unknown>,
        Uint8Array,
        Uint8Array,
      ];
      expect(cose.tag).toBe(18);
      expect(unprotected.size).toBe(0);
      const toBeSigned = encoder.encode(['Signature1', protectedBytes, new Uint8Array(0), payload]);
      expect(
        nodeVerify('sha256', toBeSigned, { key: dsc.keyPair.publicKey, dsaEncoding: 'ieee-p1363' }, signature),
      ).toBe(true);
      const claims = decoder.decode(payload) as Map<number, unknown>;
      expect(claims.get(1)).toBe('IN');
      expect(claims.get(6)).toBe(times.iat);
      expect(claims.get(4)).toBe(times.exp);
      // The payload bytes are exactly what the general encoder (cbor-x, shortest map heads) writes for the same claims.
      const expected = cborEncode(
        new Map<number, unknown>([
          [1, 'IN'],
          [6, times.iat],
          [4, times.exp],
          [-260, new Map([[1, SAMPLE_DCC]])],
        ]),
      );
      expect(Buffer.from(payload).equals(Buffer.from(expected))).toBe(true);
      expect(
        Buffer.from(protectedBytes).equals(
          Buffer.from(
            cborEncode(
              new Map<number, unknown>([
                [1, -7],
                [4, kid],
              ]),
            ),
          ),
        ),
      ).toBe(true);

      // Plain pipeline: issue; ours verifies it.
      const theirPayload = expected;
      const theirProtected = encoder.encode(
        new Map<number, unknown>([
          [1, -7],
          [4, kid],
        ]),
      );
      const theirSignature = nodeSign(
        'sha256',
        encoder.encode(['Signature1', theirProtected, new Uint8Array(0), theirPayload]),
        { key: dsc.keyPair.privateKey!, dsaEncoding: 'ieee-p1363' },
      );
      const theirCose = encoder.encode(new Tag([theirProtected, new Map(), theirPayload, theirSignature], 18));
      const theirHc1 = `HC1:${base45.encode(Buffer.from(pako.deflate(theirCose)))}`;
      const trustStore = new TrustStore();
      trustStore.addCertificate(dsc.certificatePem);
      const now = new Date(1_800_000_000_000);
      const result = await verifyDcc(theirHc1, { trust: trustStore, now });
      expect(result.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'signature', ok: true })]));
      expect(result.valid).toBe(true);
      expect(result.payload).toEqual(SAMPLE_DCC);
      // And ours, through ours.
      expect((await verifyDcc(ours.hc1, { trust: trustStore, now })).valid).toBe(true);
    },
  );

  it('the certificate check runs once per signer and certificate, and still catches a wrong certificate', async () => {
    const { dsc, testOnly } = await developmentPki();
    const options = { signer: dsc.signer, iss: 'IN', iat: 1_700_000_000, exp: 1_900_000_000 };
    const first = await encodeDcc(SAMPLE_DCC, { ...options, certificate: dsc.certificatePem });
    const second = await encodeDcc(SAMPLE_DCC, { ...options, certificate: dsc.certificatePem });
    expect(second.kid).toBe(first.kid);
    expect(first.kid).toBe(dsc.kid);
    await expect(encodeDcc(SAMPLE_DCC, { ...options, certificate: testOnly.certificatePem })).rejects.toMatchObject({
      code: 'ERR_DCC_ENCODE_INVALID',
    });
  });

  it('policy.schema: false leaves the schema check out (and only it)', async () => {
    const { dsc } = await developmentPki();
    const { hc1 } = await encodeDcc(SAMPLE_DCC, {
      signer: dsc.signer,
      kid: dsc.kid,
      iat: 1_700_000_000,
      exp: 1_900_000_000,
    });
    const trustStore = new TrustStore();
    trustStore.addCertificate(dsc.certificatePem);
    const now = new Date(1_800_000_000_000);
    const full = await verifyDcc(hc1, { trust: trustStore, now });
    const lean = await verifyDcc(hc1, { trust: trustStore, now, policy: { schema: false } });
    expect(full.checks.map((c) => c.name)).toContain('schema');
    expect(lean.checks.map((c) => c.name)).toEqual(full.checks.map((c) => c.name).filter((n) => n !== 'schema'));
    expect(lean.valid).toBe(true);
  });
});
