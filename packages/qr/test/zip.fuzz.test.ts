/**
 * Property-based fuzzing (fast-check) of the hand-written ZIP reader and writer of DIVOC QR payloads (divoc/zip.ts,
 * `readZip` / `writeZip`) against fflate: archives we write read back (ours and fflate's `unzipSync`) to the same
 * entries; archives fflate writes (stored and DEFLATE) read with ours; mutated archives (byte-wise, and field-wise in
 * the local/central/end headers) and random bytes either read — every entry within the limits, and agreeing with
 * fflate where fflate reads them too — or throw a QrErrorBase with a stable code. Short runs here; `pnpm fuzz`
 * (scripts/fuzz.mjs) runs the same properties with FUZZ_RUNS cases.
 *
 * What readZip refuses on purpose (not disagreements): ZIP64, encryption, multi-disk, methods other than store and
 * DEFLATE, unsafe or duplicate names, local/central name or method mismatch, overlapping entries, more entries than
 * `maxEntries`, declared sizes or ratios over the budget. fflate checks no CRC, no signature, no name, and reads the
 * first end record it finds from the end, so it reads many archives we refuse.
 */
import { unzipSync, zipSync, type ZipOptions } from 'fflate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readZip, writeZip, type ReadZipLimits } from '../src/divoc/zip.js';
import { QrErrorBase } from '../src/lib/errors.js';
import { assertTallied } from '../../../test/support/fuzz.js';
import { fuzzParams, fuzzTimeout, mutate, mutationsArb } from '../../../test/fuzz/support.js';

/** Short-run case counts per property (FUZZ_RUNS replaces them in the long run). */
const RUNS = { roundTrip: 300, fflateWritten: 300, mutated: 500, fields: 500, random: 500 };

const ZIP_CODES = new Set([
  'ERR_DIVOC_QR_ZIP_INVALID',
  'ERR_DIVOC_QR_ZIP_UNSUPPORTED',
  'ERR_DIVOC_QR_ZIP_ENTRY_NAME',
  'ERR_DIVOC_QR_BOMB',
  'ERR_DIVOC_QR_CRC_MISMATCH',
]);
/** Generous limits for archives that are valid by construction. */
const WIDE: Required<ReadZipLimits> = { maxUncompressedSize: 1 << 20, maxCompressionRatio: 1 << 20, maxEntries: 64 };

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

// ------------------------------------------------------------------------------------------------------ generators

/** Entry names readZip accepts: non-empty, no NUL or backslash, not absolute, no `..` segment; some non-ASCII. */
const nameArb = fc
  .array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.string({
          unit: fc.constantFrom(...'abcdefgxyz0123456789-_. '.split('')),
          minLength: 1,
          maxLength: 8,
        }),
      },
      {
        weight: 1,
        arbitrary: fc.string({
          unit: fc.constantFrom('é', 'ü', 'ß', '中', '文', '😀', 'ℵ', '\u00a0'),
          minLength: 1,
          maxLength: 3,
        }),
      },
      { weight: 1, arbitrary: fc.constantFrom('certificate.json', '.', '...', '.hidden') },
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((segments) => segments.join('/'))
  .filter((name) => name.split('/').every((s) => s !== '..') && !/^[A-Za-z]:/.test(name) && name !== '__proto__');

/** Contents: random, text-like, and long runs (which DEFLATE compresses far). */
const dataArb = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc.string({ maxLength: 400 }).map((s) => new TextEncoder().encode(s)),
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 400 })), { maxLength: 6 })
    .map((runs) => Uint8Array.from(runs.flatMap(([b, n]) => new Array<number>(n).fill(b)))),
);

const entriesArb = fc.uniqueArray(fc.record({ name: nameArb, data: dataArb }), {
  minLength: 1,
  maxLength: 6,
  selector: (e) => e.name,
});

const writtenArb = fc.record({
  entries: entriesArb,
  level: fc.integer({ min: 0, max: 9 }),
  modified: fc.date({
    min: new Date('1970-01-01T00:00:00Z'),
    max: new Date('2150-01-01T00:00:00Z'),
    noInvalidDate: true,
  }),
});

/**
 * Archives fflate writes: stored (level 0) and DEFLATE, each entry at its own level, some with extra fields (never
 * the ZIP64 one, id 1, which readZip refuses on purpose) and file comments.
 */
const fflateOptionsArb = fc.record(
  {
    level: fc.integer({ min: 0, max: 9 }),
    extra: fc.dictionary(fc.integer({ min: 2, max: 0xffff }).map(String), fc.uint8Array({ maxLength: 12 }), {
      maxKeys: 2,
    }),
    comment: fc.string({ maxLength: 16 }),
    mtime: fc.date({
      min: new Date('1980-01-02T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
  },
  { requiredKeys: ['level'] },
);

const fflateArb = fc
  .tuple(entriesArb, fc.array(fflateOptionsArb, { minLength: 6, maxLength: 6 }))
  .map(([entries, options]) => {
    const files: Record<string, [Uint8Array, ZipOptions]> = {};
    entries.forEach((e, i) => {
      const { level, extra, comment, mtime } = options[i]!;
      files[e.name] = [
        e.data,
        {
          level: level as ZipOptions['level'],
          ...(extra ? { extra: Object.fromEntries(Object.entries(extra).map(([k, v]) => [Number(k), v])) } : {}),
          ...(comment !== undefined ? { comment } : {}),
          ...(mtime ? { mtime } : {}),
        },
      ];
    });
    return { entries, zip: zipSync(files) };
  });

const limitsArb: fc.Arbitrary<ReadZipLimits> = fc.oneof(
  // The defaults, generous ones (so that mutations get to the reading), and tight random ones.
  fc.constant({}),
  fc.constant({ maxEntries: 8 }),
  fc.record(
    {
      maxUncompressedSize: fc.oneof(fc.integer({ min: 0, max: 4000 }), fc.constant(1 << 20)),
      maxCompressionRatio: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(200)),
      maxEntries: fc.integer({ min: 1, max: 8 }),
    },
    { requiredKeys: [] },
  ),
);

/** Seeds for the mutation properties: ours, fflate's stored and deflated. */
const seedArb = fc.oneof(
  writtenArb.map(({ entries, level, modified }) => writeZip(entries, { level, modified })),
  fflateArb.map(({ zip }) => zip),
);

/**
 * Field-wise mutations: one header field (of the local headers, central headers or end record, found by walking
 * the structure we wrote) set to a boundary value, or a whole archive's fields nudged by ±1.
 */
const FIELDS = {
  local: [
    [4, 2],
    [6, 2],
    [8, 2],
    [14, 4],
    [18, 4],
    [22, 4],
    [26, 2],
    [28, 2],
  ],
  central: [
    [4, 2],
    [6, 2],
    [8, 2],
    [10, 2],
    [16, 4],
    [20, 4],
    [24, 4],
    [28, 2],
    [30, 2],
    [32, 2],
    [34, 2],
    [42, 4],
  ],
  eocd: [
    [4, 2],
    [6, 2],
    [8, 2],
    [10, 2],
    [12, 4],
    [16, 4],
    [20, 2],
  ],
} as const;

function headers(zip: Uint8Array): { kind: keyof typeof FIELDS; at: number }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out: { kind: keyof typeof FIELDS; at: number }[] = [];
  const eocd = zip.length - 22;
  out.push({ kind: 'eocd', at: eocd });
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  for (let i = 0; i < count; i++) {
    out.push({ kind: 'central', at });
    out.push({ kind: 'local', at: view.getUint32(at + 42, true) });
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return out;
}

const fieldMutatedArb = fc
  .tuple(
    seedArb,
    fc.array(
      fc.record({
        header: fc.nat(),
        field: fc.nat(),
        value: fc.oneof(
          fc.constantFrom(
            0,
            1,
            0x7f,
            0x80,
            0xff,
            0x100,
            0x7fff,
            0x8000,
            0xfffe,
            0xffff,
            0x10000,
            0x7fffffff,
            0x80000000,
            0xfffffffe,
            0xffffffff,
          ),
          fc.integer({ min: -3, max: 3 }).map((d) => ({ delta: d })),
          fc.nat(),
          // Flag bits: encryption, data descriptor, UTF-8, strong encryption.
          fc.constantFrom(0x0001, 0x0008, 0x0800, 0x0040, 0x0809),
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([zip, changes]) => {
    const out = new Uint8Array(zip);
    const view = new DataView(out.buffer);
    const list = headers(zip);
    for (const { header, field, value } of changes) {
      const h = list[header % list.length]!;
      const [offset, size] = FIELDS[h.kind][field % FIELDS[h.kind].length]!;
      const at = h.at + offset;
      if (at + size > out.length) continue;
      const old = size === 2 ? view.getUint16(at, true) : view.getUint32(at, true);
      const raw = typeof value === 'number' ? value : old + value.delta;
      if (size === 2) view.setUint16(at, raw & 0xffff, true);
      else view.setUint32(at, raw >>> 0, true);
    }
    return out;
  });

// ------------------------------------------------------------------------------------------------------ checks

type Read = { ok: true; entries: { name: string; data: Uint8Array }[] } | { ok: false; code: string };

/** readZip and every entry's read(): the entries, or the typed error's code. Checks the limits on success. */
function ours(zip: Uint8Array, limits: ReadZipLimits = {}): Read {
  const maxUncompressedSize = limits.maxUncompressedSize ?? 1024 * 1024;
  const maxEntries = limits.maxEntries ?? 4;
  try {
    const archive = readZip(zip, limits);
    expect(archive.entries.length).toBeGreaterThan(0);
    expect(archive.entries.length).toBeLessThanOrEqual(maxEntries);
    let total = 0;
    const entries = archive.entries.map((entry) => {
      expect(entry.uncompressedSize).toBeLessThanOrEqual(maxUncompressedSize);
      const data = archive.read(entry);
      expect(data.length).toBe(entry.uncompressedSize);
      total += data.length;
      expect(total).toBeLessThanOrEqual(maxUncompressedSize);
      return { name: entry.name, data };
    });
    // Names readZip lets through are safe ones, each once.
    for (const { name } of entries) {
      expect(name.length).toBeGreaterThan(0);
      expect(/[\0\\]|^\/|^[A-Za-z]:/.test(name) || name.split('/').includes('..'), name).toBe(false);
    }
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
    return { ok: true, entries };
  } catch (error) {
    if (!(error instanceof QrErrorBase)) throw error;
    expect(ZIP_CODES.has(error.code), error.code).toBe(true);
    return { ok: false, code: error.code };
  }
}

/** fflate's reading, with every entry's declared size held to `max` (fflate allocates what the header declares). */
function theirs(zip: Uint8Array, max: number): Record<string, Uint8Array> | null {
  let vetoed = false;
  try {
    const files = unzipSync(zip, {
      filter: (file) => {
        if (file.originalSize > max || file.size > zip.length) vetoed = true;
        return !vetoed;
      },
    });
    return vetoed ? null : files;
  } catch {
    return null;
  }
}

/** Where both read an archive: the same names, the same contents. */
function expectAgreement(a: { name: string; data: Uint8Array }[], b: Record<string, Uint8Array>): void {
  expect(Object.keys(b).sort()).toEqual(a.map((e) => e.name).sort());
  for (const { name, data } of a) expect(hex(b[name]!), name).toBe(hex(data));
}

function differential(zip: Uint8Array, limits: ReadZipLimits): 'both' | 'ours' | 'theirs' | 'neither' {
  const a = ours(zip, limits);
  const b = theirs(zip, limits.maxUncompressedSize ?? 1024 * 1024);
  if (a.ok && b) {
    expectAgreement(a.entries, b);
    return 'both';
  }
  return a.ok ? 'ours' : b ? 'theirs' : 'neither';
}

// ------------------------------------------------------------------------------------------------------ properties

describe('ZIP reader fuzzing (readZip / writeZip against fflate)', () => {
  it(
    'writeZip → readZip and writeZip → fflate.unzipSync give back the entries (names, order, contents)',
    () => {
      fc.assert(
        fc.property(writtenArb, ({ entries, level, modified }) => {
          const zip = writeZip(entries, { level, modified });
          const a = ours(zip, WIDE);
          expect(a.ok, a.ok ? '' : a.code).toBe(true);
          const read = (a as Extract<Read, { ok: true }>).entries;
          expect(read.map((e) => e.name)).toEqual(entries.map((e) => e.name));
          read.forEach((e, i) => expect(hex(e.data)).toBe(hex(entries[i]!.data)));
          const b = unzipSync(zip);
          expectAgreement(read, b);
        }),
        fuzzParams(RUNS.roundTrip, 0.5),
      );
    },
    fuzzTimeout,
  );

  it(
    'archives fflate.zipSync writes (stored and DEFLATE) read with readZip to the same entries',
    () => {
      fc.assert(
        fc.property(fflateArb, ({ entries, zip }) => {
          const a = ours(zip, WIDE);
          expect(a.ok, a.ok ? '' : a.code).toBe(true);
          const read = (a as Extract<Read, { ok: true }>).entries;
          expect(read.map((e) => e.name).sort()).toEqual(entries.map((e) => e.name).sort());
          for (const e of entries) expect(hex(read.find((r) => r.name === e.name)!.data), e.name).toBe(hex(e.data));
          // And the budget holds when it is tight: the refusals are typed ones.
          ours(zip, {
            maxUncompressedSize: Math.max(0, entries.reduce((n, e) => n + e.data.length, 0) - 1),
            maxEntries: entries.length,
          });
        }),
        fuzzParams(RUNS.fflateWritten, 0.5),
      );
    },
    fuzzTimeout,
  );

  it(
    'mutated archives: entries within the limits (agreeing with fflate where it reads them too) or a typed error',
    () => {
      assertTallied(
        'zip fuzz mutated',
        fc.tuple(seedArb, mutationsArb, limitsArb),
        ([zip, mutations, limits]) => differential(mutate(zip, mutations), limits),
        RUNS.mutated,
      );
    },
    fuzzTimeout,
  );

  it(
    'archives with header fields set to boundary values (sizes, offsets, counts, flags, methods, name ' +
      'lengths): the same',
    () => {
      assertTallied(
        'zip fuzz fields',
        fc.tuple(fieldMutatedArb, limitsArb),
        ([zip, limits]) => differential(zip, limits),
        RUNS.fields,
      );
    },
    fuzzTimeout,
  );

  it(
    'random bytes, and random bytes ending in an end record: a typed error (or entries within the limits)',
    () => {
      const eocdTail = fc
        .tuple(
          fc.uint8Array({ maxLength: 300 }),
          fc.integer({ min: 0, max: 5 }),
          fc.nat({ max: 400 }),
          fc.nat({ max: 400 }),
          fc.uint8Array({ maxLength: 8 }),
        )
        .map(([body, count, size, offset, comment]) => {
          const eocd = new Uint8Array(22 + comment.length);
          const view = new DataView(eocd.buffer);
          view.setUint32(0, 0x06054b50, true);
          view.setUint16(8, count, true);
          view.setUint16(10, count, true);
          view.setUint32(12, size, true);
          view.setUint32(16, offset, true);
          view.setUint16(20, comment.length, true);
          eocd.set(comment, 22);
          const out = new Uint8Array(body.length + eocd.length);
          out.set(body);
          out.set(eocd, body.length);
          return out;
        });
      assertTallied(
        'zip fuzz random',
        fc.tuple(fc.oneof(fc.uint8Array({ maxLength: 400 }), eocdTail), limitsArb),
        ([zip, limits]) => differential(zip, limits),
        RUNS.random,
      );
    },
    fuzzTimeout,
  );
});
