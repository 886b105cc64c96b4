/**
 * Shared pieces of the property-based fuzz tests (`*.fuzz.test.ts`). The normal test run uses the short case counts
 * written in each test; `pnpm fuzz` (scripts/fuzz.mjs) sets FUZZ_RUNS and runs the same properties that many times.
 */
import fc from 'fast-check';
import { vectorFiles, vectorJson, vectorText } from '../support/vectors.js';

/** Cases per property: `short` in the normal run, FUZZ_RUNS (scaled by `weight`, for slower properties) when set. */
export function fuzzRuns(short: number, weight = 1): number {
  const long = Number(process.env.FUZZ_RUNS);
  return Number.isFinite(long) && long > 0 ? Math.max(short, Math.round(long * weight)) : short;
}

/** fast-check parameters: FUZZ_SEED replays a reported failure; the long run prints each property's count. */
export function fuzzParams(short: number, weight = 1): fc.Parameters<unknown> {
  const seed = Number(process.env.FUZZ_SEED);
  return { numRuns: fuzzRuns(short, weight), ...(Number.isFinite(seed) && process.env.FUZZ_SEED ? { seed } : {}) };
}

/** No timeout for the long campaign; the default otherwise. */
export const fuzzTimeout = process.env.FUZZ_RUNS ? 0 : undefined;

export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array };

/** Positions: half of them near the start, where the TLV headers of the outer structures are. */
const position = fc.oneof(fc.nat({ max: 96 }), fc.nat({ max: 1 << 20 }));

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('set' as const),
    at: position,
    byte: fc.oneof(fc.constantFrom(0x00, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0xff), fc.integer({ min: 0, max: 255 })),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
);

/** 1 to 4 mutations. */
export const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 4 });

/** A mutated copy of `bytes` (positions taken modulo the current length). */
export function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = new Uint8Array(bytes);
  for (const m of mutations) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'flip') out[at]! ^= 1 << m.bit;
    else if (m.kind === 'set') out[at] = m.byte;
    else if (m.kind === 'truncate') out = out.slice(0, at);
    else if (m.kind === 'delete') out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + m.length)]);
    else out = Uint8Array.from([...out.subarray(0, at), ...m.bytes, ...out.subarray(at)]);
  }
  return out;
}

/** Real certificates, DER: every distinct dgc-testdata TESTCTX.CERTIFICATE, the VDS-NC CSCA and signer. */
export function realCertificates(): Uint8Array[] {
  const found = new Set<string>();
  for (const file of vectorFiles('dcc/dgc-testdata', '.json', { recursive: true })) {
    try {
      const cert = (JSON.parse(vectorText(file)) as { TESTCTX?: { CERTIFICATE?: unknown } }).TESTCTX?.CERTIFICATE;
      if (typeof cert === 'string' && cert.length > 0) found.add(cert.replace(/\s+/g, ''));
    } catch {
      // not JSON: skip
    }
  }
  const out = [...found].map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));
  out.push(new Uint8Array(Buffer.from(vectorText('vdsnc/au-csca-root.der.b64').trim(), 'base64')));
  const seal = vectorJson<{ sig: { cer: string } }>('vdsnc/au-citizen-john-valid.json');
  out.push(new Uint8Array(Buffer.from(seal.sig.cer, 'base64url')));
  return out;
}
