/**
 * Property-based fuzzing of the one DER reader (x509/der.ts, exported as readDerNode / derChildren…) and the X.509
 * parser on it: real certificates mutated byte-wise must either be refused with the typed error or, when accepted,
 * read as node:crypto's X509Certificate reads them (where node also accepts). Short runs here; `pnpm fuzz` runs
 * the same properties with FUZZ_RUNS cases.
 */
import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CertificateInvalidError,
  KeyUnsupportedError,
  MAX_DER_CHILDREN,
  decodeDerOid,
  derChildren,
  parseCertificate,
  readDerNode,
  readDerOnly,
  type DerNode,
  type X509CertificateInfo,
} from '@divoc/keys';
import {
  fuzzParams,
  fuzzRuns,
  fuzzTimeout,
  mutate,
  mutationsArb,
  realCertificates,
} from '../../../test/fuzz/support.js';

const CERTS = realCertificates();

/** Short-run case counts (FUZZ_RUNS replaces them in the long run). */
const RUNS = { mutated: 400, random: 400, tree: 300 };

function parseOrTypedError(der: Uint8Array): X509CertificateInfo | undefined {
  try {
    return parseCertificate(der);
  } catch (error) {
    if (!(error instanceof CertificateInvalidError || error instanceof KeyUnsupportedError)) throw error;
    return undefined;
  }
}

function nodeOrUndefined(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

/** node escapes special characters in names (RFC 2253 style); compare the plain values. */
const nodeValues = (text: string) => text.split('\n').map((l) => l.slice(l.indexOf('=') + 1).replace(/\\(.)/g, '$1'));
const plainAscii = (s: string) => /^[\x20-\x7e]*$/.test(s) && !s.includes('\\');

/** What must agree with node:crypto when both accept a certificate. */
function agreeWithNode(info: X509CertificateInfo, node: X509Certificate): void {
  for (const [ours, theirs] of [
    [info.subject, node.subject],
    [info.issuer, node.issuer],
  ] as const) {
    // Names: compared where every value is plain ASCII (node escapes or hex-prints the rest its own way).
    if (ours.attributes.every((a) => plainAscii(a.value)))
      expect(ours.attributes.map((a) => a.value)).toEqual(nodeValues(theirs));
  }
  for (const [ours, theirs] of [
    [info.notBefore, node.validFrom],
    [info.notAfter, node.validTo],
  ] as const) {
    const t = new Date(theirs).getTime();
    // node prints whole seconds, and "Bad time value" for a time it cannot read.
    if (!Number.isNaN(t)) expect(Math.floor(ours.getTime() / 1000) * 1000).toBe(t);
  }
  let jwk: Record<string, unknown> | undefined;
  try {
    jwk = node.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  } catch {
    jwk = undefined;
  }
  if (jwk)
    for (const member of ['kty', 'crv', 'x', 'y', 'n', 'e'])
      expect((info.publicKey.jwk as Record<string, unknown>)[member], member).toBe(jwk[member]);
}

/** Walk every constructed node; every node's bytes lie inside the input. */
function walk(node: DerNode, input: Uint8Array, depth: number, budget: { nodes: number }): void {
  expect(node.raw.buffer).toBe(input.buffer);
  expect(node.raw.byteOffset).toBeGreaterThanOrEqual(input.byteOffset);
  expect(node.raw.byteOffset + node.raw.length).toBeLessThanOrEqual(input.byteOffset + input.length);
  expect(node.value.byteOffset + node.value.length).toBe(node.raw.byteOffset + node.raw.length);
  if ((node.tag & 0x20) === 0 || depth > 40 || --budget.nodes < 0) return;
  const kids = derChildren(node);
  expect(kids.length).toBeLessThanOrEqual(MAX_DER_CHILDREN);
  for (const kid of kids) walk(kid, input, depth + 1, budget);
}

// A DER tree and its encoding, for the round trip.
type Tree = { tag: number; value: Uint8Array } | { tag: number; kids: Tree[] };
const primitiveTag = fc
  .integer({ min: 0, max: 0x1e })
  .filter((t) => t !== 0)
  .map((t) => t | (0x40 * (t % 3)));
const constructedTag = fc.constantFrom(0x30, 0x31, 0xa0, 0xa3, 0x61);
const treeArb = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ tag: primitiveTag, value: fc.uint8Array({ maxLength: 300 }) }),
    fc.record({ tag: constructedTag, kids: fc.array(tie('tree'), { maxLength: 5 }) }),
  ),
})).tree;

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (; n > 0; n = Math.floor(n / 256)) out.unshift(n & 0xff);
  return [0x80 | out.length, ...out];
}
function encode(tree: Tree): Uint8Array {
  const body = 'value' in tree ? tree.value : Uint8Array.from(tree.kids.flatMap((k) => [...encode(k)]));
  return Uint8Array.from([tree.tag, ...lengthBytes(body.length), ...body]);
}
function decode(node: DerNode): Tree {
  return node.tag & 0x20
    ? { tag: node.tag, kids: derChildren(node).map(decode) }
    : { tag: node.tag, value: new Uint8Array(node.value) };
}

describe('DER reader and X.509 parser under fuzzing (fast-check)', () => {
  it(`${CERTS.length} real certificates, each read as node:crypto reads it`, () => {
    expect(CERTS.length).toBeGreaterThan(20);
    for (const der of CERTS) {
      const info = parseOrTypedError(der);
      expect(info).toBeDefined();
      agreeWithNode(info!, new X509Certificate(der));
    }
  });

  it(
    `mutated real certificates: the typed error, or node:crypto's reading (${fuzzRuns(RUNS.mutated)} cases)`,
    () => {
      const seen = { cases: 0, accepted: 0, bothAccepted: 0, nodeOnly: 0, oursOnly: 0 };
      fc.assert(
        fc.property(fc.nat({ max: CERTS.length - 1 }), mutationsArb, (index, mutations) => {
          const der = mutate(CERTS[index]!, mutations);
          seen.cases++;
          const info = parseOrTypedError(der);
          if (!info) {
            if (process.env.FUZZ_RUNS && nodeOrUndefined(der)) seen.nodeOnly++;
            return;
          }
          seen.accepted++;
          const node = nodeOrUndefined(der);
          if (!node) {
            // Accepted by us, refused by node: the campaign logs how often (each class found so far is fixed above).
            seen.oursOnly++;
            return;
          }
          seen.bothAccepted++;
          agreeWithNode(info, node);
        }),
        fuzzParams(RUNS.mutated),
      );
      if (process.env.FUZZ_RUNS) console.log('X.509 mutated:', seen);
      expect(seen.bothAccepted).toBeGreaterThan(0);
    },
    fuzzTimeout,
  );

  it(
    `random bytes: only CertificateInvalidError, every node inside the input (${fuzzRuns(RUNS.random)} cases)`,
    () => {
      const bytes = fc.oneof(
        fc.uint8Array({ maxLength: 512 }),
        // Plausible headers: a SEQUENCE with a long-form length, then noise.
        fc
          .tuple(
            fc.constantFrom(0x30, 0x31, 0xa3, 0x04),
            fc.constantFrom(0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0xff),
            fc.uint8Array({ maxLength: 300 }),
          )
          .map(([t, l, rest]) => Uint8Array.from([t, l, ...rest])),
      );
      fc.assert(
        fc.property(bytes, fc.nat({ max: 8 }), (input, offset) => {
          try {
            const { node, next } = readDerNode(input, Math.min(offset, input.length));
            expect(next).toBeLessThanOrEqual(input.length);
            walk(node, input, 0, { nodes: 10_000 });
          } catch (error) {
            expect(error).toBeInstanceOf(CertificateInvalidError);
          }
          expect(parseOrTypedError(input)).toBeUndefined();
        }),
        fuzzParams(RUNS.random),
      );
    },
    fuzzTimeout,
  );

  it(
    `DER trees round-trip through readDerOnly / derChildren (${fuzzRuns(RUNS.tree)} cases)`,
    () => {
      fc.assert(
        fc.property(treeArb, (tree) => {
          const der = encode(tree);
          expect(decode(readDerOnly(der, 'tree'))).toEqual(tree);
          // One byte short always fails, with the typed error.
          expect(() => decode(readDerOnly(der.subarray(0, der.length - 1), 'tree'))).toThrow(CertificateInvalidError);
        }),
        fuzzParams(RUNS.tree),
      );
    },
    fuzzTimeout,
  );

  it('budgets: element count, length octets, certificate size', () => {
    const many = Uint8Array.from([
      0x30,
      0x82,
      0x01,
      0x2c,
      ...new Array<number>(150).fill(0).flatMap(() => [0x05, 0x00]),
    ]);
    const node = readDerOnly(many, 'list');
    expect(derChildren(node).length).toBe(150);
    expect(() => derChildren(node, 149)).toThrow(CertificateInvalidError);
    expect(() => readDerNode(Uint8Array.of(0x04, 0x85, 0, 0, 0, 0, 1, 0))).toThrow(CertificateInvalidError);
    expect(() => readDerNode(Uint8Array.of(0x04, 0x80, 0, 0))).toThrow(/indefinite/);
    expect(() => parseCertificate(new Uint8Array(65_537).fill(0x30))).toThrow(CertificateInvalidError);
  });
});

/** A real certificate rebuilt with its TBSCertificate fields edited (raw TLVs in, raw TLVs out; signature kept). */
function rebuild(
  der: Uint8Array,
  edit: (fields: Uint8Array[]) => Uint8Array[],
  sigAlg?: (raw: Uint8Array) => Uint8Array,
): Uint8Array {
  const tlv = (tag: number, body: Uint8Array) => Uint8Array.from([tag, ...lengthBytes(body.length), ...body]);
  const cat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
  const [tbs, alg, sig] = derChildren(readDerOnly(der, 'certificate'));
  const fields = derChildren(tbs!).map((f) => new Uint8Array(f.raw));
  return tlv(0x30, cat([tlv(0x30, cat(edit(fields))), sigAlg ? sigAlg(new Uint8Array(alg!.raw)) : alg!.raw, sig!.raw]));
}

describe('regressions found by the fuzzing (accepted by us, refused by node:crypto)', () => {
  // A v3 certificate with extensions (fields: [0] version, serial, sigAlg, issuer, validity, subject, spki, [3]).
  const base = CERTS.find((c) => derChildren(derChildren(readDerOnly(c, 'c'))[0]!).some((f) => f.tag === 0xa3))!;
  const extIndex = derChildren(derChildren(readDerOnly(base, 'c'))[0]!).findIndex((f) => f.tag === 0xa3);

  it('the unedited rebuild still parses (the helper is sound)', () => {
    expect(parseCertificate(rebuild(base, (f) => f)).extensions.length).toBeGreaterThan(0);
  });

  it('extensions re-tagged as a unique identifier ([1]/[2], constructed or primitive) are refused, not dropped', () => {
    for (const tag of [0xa1, 0xa2, 0x81, 0x82]) {
      const der = rebuild(base, (f) =>
        f.map((raw, k) => (k === extIndex ? Uint8Array.from([tag, ...raw.subarray(1)]) : raw)),
      );
      expect(() => parseCertificate(der), `tag 0x${tag.toString(16)}`).toThrow(CertificateInvalidError);
    }
  });

  it('unique identifiers out of order or repeated are refused; well-formed ones are read', () => {
    const uid = Uint8Array.of(0x81, 0x02, 0x00, 0x2a);
    const sid = Uint8Array.of(0x82, 0x02, 0x00, 0x2a);
    const withIds = (ids: Uint8Array[]) =>
      rebuild(base, (f) => [...f.slice(0, extIndex), ...ids, ...f.slice(extIndex)]);
    expect(parseCertificate(withIds([uid, sid])).extensions.length).toBeGreaterThan(0);
    expect(() => parseCertificate(withIds([sid, uid]))).toThrow(CertificateInvalidError);
    expect(() => parseCertificate(withIds([uid, uid]))).toThrow(CertificateInvalidError);
    expect(() => parseCertificate(withIds([Uint8Array.of(0x81, 0x01, 0x30)]))).toThrow(CertificateInvalidError);
  });

  it('extensions [3] with a second element is refused (the extra element was ignored)', () => {
    const der = rebuild(base, (f) =>
      f.map((raw, k) => {
        if (k !== extIndex) return raw;
        const inner = derChildren(readDerOnly(raw, 'ext'))[0]!.raw;
        const body = Uint8Array.from([...inner, 0x05, 0x00]);
        return Uint8Array.from([0xa3, ...lengthBytes(body.length), ...body]);
      }),
    );
    expect(() => parseCertificate(der)).toThrow(/exactly one/);
  });

  it('a non-minimal serial number INTEGER is refused', () => {
    const serialIndex = 1;
    const der = rebuild(base, (f) =>
      f.map((raw, k) => (k === serialIndex ? Uint8Array.of(0x02, raw[1]! + 1, 0x00, ...raw.subarray(2)) : raw)),
    );
    const serial = derChildren(derChildren(readDerOnly(der, 'c'))[0]!)[serialIndex]!.value;
    if (serial[1]! < 0x80) expect(() => parseCertificate(der)).toThrow(/serialNumber/);
  });

  it('a TBS signature algorithm that differs from the outer one is refused (RFC 5280 §4.1.1.2)', () => {
    const der = rebuild(
      base,
      (f) => f,
      (alg) => {
        const copy = new Uint8Array(alg);
        copy[copy.length - 1]! ^= 1;
        return copy;
      },
    );
    expect(() => parseCertificate(der)).toThrow(/signatureAlgorithm differs/);
  });

  it('basicConstraints with an empty cA BOOLEAN is refused (it was read as cA = true)', () => {
    const ext = Uint8Array.of(0x30, 0x0b, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x04, 0x04, 0x30, 0x02, 0x01, 0x00);
    const block = (e: Uint8Array) => Uint8Array.of(0xa3, e.length + 2, 0x30, e.length, ...e);
    const der = rebuild(base, (f) => f.map((raw, k) => (k === extIndex ? block(ext) : raw)));
    expect(() => parseCertificate(der)).toThrow(/one-octet BOOLEAN/);
    const ok = Uint8Array.of(0x30, 0x0c, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff);
    expect(
      parseCertificate(rebuild(base, (f) => f.map((raw, k) => (k === extIndex ? block(ok) : raw)))).basicConstraints,
    ).toEqual({ ca: true });
  });

  it('an OID with a non-minimal subidentifier (leading 0x80) is refused', () => {
    expect(() => decodeDerOid(Uint8Array.of(0x55, 0x80, 0x0b))).toThrow(/non-minimal/);
    expect(decodeDerOid(Uint8Array.of(0x55, 0x04, 0x0b))).toBe('2.5.4.11');
    expect(decodeDerOid(Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d))).toBe('1.2.840.113549');
  });
});
