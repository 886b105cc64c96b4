import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serializeKeyFile } from '@divoc/keys';
import { verifyCredential } from '@divoc/vc';
import {
  BulkOptionsError,
  BulkOutputLockedError,
  csvSource,
  formatOfStem,
  formatStem,
  issueBulk,
  jsonSource,
  mainFileName,
  ndjsonSource,
  type BulkRejection,
} from '../src/index.js';
import { asyncRecords, MemorySink, record, testKeys, type TestKeys } from './helpers.js';

let keys: TestKeys;
const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'divoc-bulk-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  keys = await testKeys();
});
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** What every run here shares: the template and the in-memory test keys. */
const signing = () => ({ template: 'vaccination', keys: keys.keys, issuer: keys.issuer });
const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');

describe('format stems', () => {
  it('names w3c-vc files "vc" and every other format by its own name, both ways', () => {
    expect(formatStem('w3c-vc')).toBe('vc');
    expect(formatStem('dcc')).toBe('dcc');
    expect(formatOfStem('vc')).toBe('w3c-vc');
    expect(formatOfStem('vc-compact')).toBe('vc-compact');
    expect(formatOfStem('w3c-vc')).toBeUndefined();
    expect(mainFileName('w3c-vc', 'C1')).toBe('C1.json');
    expect(mainFileName('divoc-qr', 'C1')).toBe('C1.divoc-qr.txt');
    expect(mainFileName('shc', 'C1')).toBe('C1.smart-health-card');
  });
});

describe('issueBulk with a callback sink and an async-iterable source', () => {
  it('hands every certificate to the sink once, in batches; the credentials verify', async () => {
    const sink = new MemorySink();
    const batches: number[] = [];
    const write = sink.write.bind(sink);
    sink.write = async (certificates) => {
      batches.push(certificates.length);
      await write(certificates);
    };
    const summary = await issueBulk({
      source: asyncRecords(25),
      template: 'vaccination',
      formats: ['w3c-vc', 'vc-compact'],
      keys: keys.keys,
      issuer: keys.issuer,
      sink,
      batchSize: 10,
    });
    expect(summary).toMatchObject({ issued: 25, skipped: 0, failed: 0, aborted: false, threads: 0 });
    expect(summary.files).toBeUndefined();
    expect(sink.stored.size).toBe(25);
    expect(sink.writes).toHaveLength(25);
    expect(batches).toEqual([10, 10, 5]);
    const first = [...sink.stored.values()].find((c) => c.recordId === 'R-1');
    expect(first).toMatchObject({ line: 1, recordId: 'R-1' });
    expect(typeof first?.formats['vc-compact']).toBe('string');
    expect(String(first?.formats['vc-compact'])).toMatch(/^DIVOC1:/);
    const result = await verifyCredential(first?.formats['w3c-vc'], { trust: keys.trustStore });
    expect(result.valid).toBe(true);
  });

  it('rejects a bad record with its line and reason (onReject, in order); good ones beside it are issued', async () => {
    const sink = new MemorySink();
    const rejections: BulkRejection[] = [];
    const bad = [record(2, { dob: 'not a date' }), record(4, { vaccine: 'NOSUCHVACCINE' })];
    const source = [record(1), bad[0], record(3), bad[1], record(5)] as Record<string, unknown>[];
    const summary = await issueBulk({
      source,
      template: 'vaccination',
      keys: keys.keys,
      issuer: keys.issuer,
      sink,
      batchSize: 2,
      onReject: (r) => rejections.push(r),
    });
    expect(summary).toMatchObject({ issued: 3, failed: 2 });
    expect(rejections.map((r) => [r.line, r.recordId])).toEqual([
      [2, 'R-2'],
      [4, 'R-4'],
    ]);
    expect(rejections[1]?.errors[0]?.field).toBe('vaccine');
    expect([...sink.stored.values()].map((c) => c.recordId).sort()).toEqual(['R-1', 'R-3', 'R-5']);
  });

  it('the same certificate id twice in one source is issued once (the second is skipped)', async () => {
    const sink = new MemorySink();
    const summary = await issueBulk({
      source: [record(1), record(2), record(1)],
      template: 'vaccination',
      keys: keys.keys,
      issuer: keys.issuer,
      sink,
      batchSize: 1,
    });
    expect(summary).toMatchObject({ issued: 2, skipped: 1, failed: 0 });
    expect(sink.writes.sort()).toEqual([...sink.stored.keys()].sort());
  });

  it('abort via signal, then resume: every record stored exactly once', async () => {
    const total = 120;
    const sink = new MemorySink();
    const controller = new AbortController();
    // Abort once the registry holds its first 30 certificates: batches are in flight at that moment.
    sink.afterWrite = (s) => {
      if (s.stored.size >= 30) controller.abort();
    };
    const first = await issueBulk({
      source: asyncRecords(total),
      template: 'vaccination',
      keys: keys.keys,
      issuer: keys.issuer,
      sink,
      batchSize: 10,
      signal: controller.signal,
    });
    expect(first.aborted).toBe(true);
    expect(first.issued).toBeGreaterThanOrEqual(30);
    expect(first.issued).toBeLessThan(total);
    expect(sink.stored.size).toBe(first.issued);

    // Control: the same source again, no signal, finishes the rest and writes none of the first run's records.
    sink.afterWrite = undefined;
    const second = await issueBulk({ source: asyncRecords(total), ...signing(), sink, batchSize: 10 });
    expect(second).toMatchObject({ aborted: false, issued: total - first.issued, skipped: first.issued, failed: 0 });
    expect(sink.stored.size).toBe(total);
    expect(sink.writes).toHaveLength(total);
    expect(new Set(sink.writes).size).toBe(total);
  });

  it('a sink that fails stops the run with its error; the rerun stores what is missing, nothing twice', async () => {
    const sink = new MemorySink();
    let writes = 0;
    sink.afterWrite = () => {
      writes++;
      if (writes === 2) sink.failNextWrite = true;
    };
    await expect(issueBulk({ source: asyncRecords(60), ...signing(), sink, batchSize: 10 })).rejects.toThrow(
      'the registry database is down',
    );
    expect(sink.stored.size).toBeLessThan(60);
    sink.afterWrite = undefined;
    const rerun = await issueBulk({ source: asyncRecords(60), ...signing(), sink, batchSize: 10 });
    expect(rerun.failed).toBe(0);
    expect(sink.stored.size).toBe(60);
    expect(new Set(sink.writes).size).toBe(sink.writes.length);
  });

  it('refuses an output folder and a sink together, or neither (control: the sink alone works above)', async () => {
    const out = await tempDir();
    const base = { source: [record(1)], ...signing() };
    await expect(issueBulk({ ...base, out, sink: new MemorySink() })).rejects.toBeInstanceOf(BulkOptionsError);
    await expect(issueBulk(base)).rejects.toBeInstanceOf(BulkOptionsError);
    const qrWithSink = issueBulk({ ...base, sink: new MemorySink(), layout: 'files', qr: 'png' });
    await expect(qrWithSink).rejects.toBeInstanceOf(BulkOptionsError);
    expect(await readdir(out)).toEqual([]);
  });
});

describe('issueBulk to an output folder', () => {
  it('files layout from a CSV file: a file per certificate, index.ndjson, errors.ndjson; reruns skip', async () => {
    const dir = await tempDir();
    const out = join(dir, 'certs');
    const csv = join(dir, 'records.csv');
    const rows = [record(1), record(2, { dob: '31/31/1990' }), record(3)];
    const header = Object.keys(record(1));
    const body = rows.map((r) => header.map((h) => String(r[h])).join(',')).join('\n');
    await writeFile(csv, `${header.join(',')}\n${body}\n`);
    const summary = await issueBulk({ source: csvSource(csv), ...signing(), out });
    const files = { index: join(out, 'index.ndjson'), errors: join(out, 'errors.ndjson') };
    expect(summary).toMatchObject({ issued: 2, failed: 1, files });
    type IndexLine = { certificateId: string; files: string[]; formats: string[] };
    const index = (await lines(join(out, 'index.ndjson'))).map((l) => JSON.parse(l) as IndexLine);
    expect(index).toHaveLength(2);
    for (const entry of index) {
      expect(entry.formats).toEqual(['w3c-vc']);
      expect(existsSync(join(out, `${entry.certificateId}.json`))).toBe(true);
    }
    const errorLines = await lines(join(out, 'errors.ndjson'));
    const errors = errorLines.map((l) => JSON.parse(l) as { line: number; recordId: string });
    expect(errors.map((e) => [e.line, e.recordId])).toEqual([[3, 'R-2']]);

    const rerun = await issueBulk({ source: csvSource(csv), ...signing(), out });
    expect(rerun).toMatchObject({ issued: 0, skipped: 2, failed: 1 });
    expect(await lines(join(out, 'index.ndjson'))).toHaveLength(2);
  });

  it('files layout: abort, then resume gives one index line and one file per record', async () => {
    const out = await tempDir();
    const total = 90;
    const controller = new AbortController();
    let seen = 0;
    const first = await issueBulk({
      source: asyncRecords(total),
      template: 'vaccination',
      keys: keys.keys,
      issuer: keys.issuer,
      out,
      batchSize: 8,
      fsync: false,
      signal: controller.signal,
      onProgress: (counts) => {
        seen = counts.issued;
        if (seen >= 20) controller.abort();
      },
    });
    expect(first.aborted).toBe(true);
    expect(first.issued).toBeLessThan(total);
    const second = await issueBulk({ source: asyncRecords(total), ...signing(), out, batchSize: 8, fsync: false });
    expect(second.aborted).toBe(false);
    expect(first.issued + second.issued).toBe(total);
    const index = await lines(join(out, 'index.ndjson'));
    const ids = index.map((l) => (JSON.parse(l) as { certificateId: string }).certificateId);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect((await readdir(out)).filter((f) => f.endsWith('.json'))).toHaveLength(total);
  });

  it('ndjson layout from an NDJSON stream and a JSON array: one line per certificate, repeats skipped', async () => {
    const out = await tempDir();
    const text = [record(1), record(2), record(1)].map((r) => JSON.stringify(r)).join('\n');
    const summary = await issueBulk({
      source: ndjsonSource(Readable.from([Buffer.from(text)])),
      template: 'vaccination',
      keys: keys.keys,
      issuer: keys.issuer,
      out,
      layout: 'ndjson',
      batchSize: 1,
    });
    expect(summary).toMatchObject({ issued: 2, skipped: 1, files: { certificates: join(out, 'certificates.ndjson') } });
    const again = await issueBulk({
      source: jsonSource(Readable.from([JSON.stringify([record(2), record(3)])])),
      template: 'vaccination',
      keys: keys.keys,
      issuer: keys.issuer,
      out,
      layout: 'ndjson',
    });
    expect(again).toMatchObject({ issued: 1, skipped: 1 });
    type BundleLine = { recordId: string; formats: Record<string, unknown> };
    const bundle = (await lines(join(out, 'certificates.ndjson'))).map((l) => JSON.parse(l) as BundleLine);
    expect(bundle.map((b) => b.recordId).sort()).toEqual(['R-1', 'R-2', 'R-3']);
    expect(Object.keys(bundle[0]?.formats ?? {})).toEqual(['w3c-vc']);
  });

  it('a folder in use by another run is refused (control: free again once that run ends)', async () => {
    const out = await tempDir();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* slow() {
      yield record(1);
      await gate;
    }
    const running = issueBulk({ source: slow(), ...signing(), out });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(issueBulk({ source: [record(2)], ...signing(), out })).rejects.toBeInstanceOf(BulkOutputLockedError);
    release();
    await running;
    const after = await issueBulk({ source: [record(2)], ...signing(), out });
    expect(after.issued).toBe(1);
  });
});

describe('key loader modules', () => {
  it('loads the keys through the module (the way worker threads do) and signs with them', async () => {
    const dir = await tempDir();
    const keyFile = join(dir, 'issuer.key.json');
    await writeFile(keyFile, serializeKeyFile({ keyPair: keys.keyPair, id: keys.id }));
    const sink = new MemorySink();
    const module = new URL('./fixtures/key-loader.ts', import.meta.url);
    const loader = { module, options: { keyFile } };
    const summary = await issueBulk({ ...signing(), source: [record(1)], keys: loader, sink, workers: 0 });
    expect(summary.issued).toBe(1);
    const [certificate] = [...sink.stored.values()];
    expect((await verifyCredential(certificate?.formats['w3c-vc'], { trust: keys.trustStore })).valid).toBe(true);
  });

  it('a module without loadIssuerKeys is refused before any record (control: the fixture above has it)', async () => {
    const sink = new MemorySink();
    const module = new URL('./helpers.ts', import.meta.url);
    const run = issueBulk({ ...signing(), source: [record(1)], keys: { module }, sink, workers: 0 });
    await expect(run).rejects.toBeInstanceOf(BulkOptionsError);
    expect(sink.stored.size).toBe(0);
  });

  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  const builtTitle = 'the built package signs on worker threads, its worker script resolved from its own dist/';
  it.skipIf(!existsSync(dist))(builtTitle, async () => {
    const built = (await import(dist)) as typeof import('../src/index.js');
    const dir = await tempDir();
    const keyFile = join(dir, 'issuer.key.json');
    await writeFile(keyFile, serializeKeyFile({ keyPair: keys.keyPair, id: keys.id }));
    const out = join(dir, 'out');
    const module = new URL('./fixtures/key-loader.mjs', import.meta.url);
    const summary = await built.issueBulk({
      source: asyncRecords(40),
      template: 'vaccination',
      keys: { module, options: { keyFile } },
      issuer: keys.issuer,
      out,
      layout: 'ndjson',
      workers: 2,
      batchSize: 8,
    });
    expect(summary).toMatchObject({ issued: 40, threads: 2 });
    const bundle = await lines(join(out, 'certificates.ndjson'));
    expect(bundle).toHaveLength(40);
    const credential = (JSON.parse(bundle[0] as string) as { formats: Record<string, unknown> }).formats['w3c-vc'];
    expect((await verifyCredential(credential, { trust: keys.trustStore })).valid).toBe(true);
  });
});
