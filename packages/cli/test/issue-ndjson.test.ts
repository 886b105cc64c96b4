/**
 * `divoc issue --layout ndjson`: one line per record in certificates.ndjson. In-process (main-thread executor) for
 * the contract, reruns, repeated ids, torn tails and refusals; the built executable (worker threads) for a
 * kill -9 mid-run and resume. The id set and the bundle line parser get their own unit tests.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCompactCredential } from '@divoc/vc';
import { IdSet } from '../../bulk/src/lib/id-set.js';
import { BUNDLE_FILE, bundleLineId } from '../../bulk/src/lib/bundle.js';
import { FIXTURES, generateKeyFiles, issueArgv, ndjson, run, withTempDir } from './helpers.js';

const CSV = join(FIXTURES, 'records.csv');

interface BundleLine {
  certificateId: string;
  line: number;
  recordId?: string;
  formats: Record<string, unknown>;
}

const bundleOf = async (out: string) =>
  ndjson(await readFile(join(out, BUNDLE_FILE), 'utf8')) as unknown as BundleLine[];

async function key(dir: string): Promise<{ file: string; trust: string }> {
  const file = join(dir, 'k.json');
  const trust = join(dir, 'trust.json');
  await generateKeyFiles(file, trust);
  return { file, trust };
}

describe('IdSet', () => {
  it('agrees with Set<string> over 200,000 adds and lookups (growth, unicode, near-equal ids)', () => {
    const ours = new IdSet();
    const reference = new Set<string>();
    let seed = 3;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24;
    const pool = ['', 'a', 'ab', 'ba', 'IN-0001', 'IN-0001 ', 'ம', 'मरा', '😀', 'x'.repeat(300)];
    for (let i = 0; i < 200_000; i++) {
      const id =
        rand() < 0.05
          ? pool[Math.floor(rand() * pool.length)]!
          : `${Math.floor(rand() * 150_000).toString(36)}-${rand() < 0.5 ? 'ü' : 'u'}`;
      expect(ours.add(id)).toBe(!reference.has(id));
      reference.add(id);
      const probe = `${Math.floor(rand() * 150_000).toString(36)}-u`;
      if (i % 7 === 0) expect(ours.has(probe)).toBe(reference.has(probe));
    }
    expect(ours.size).toBe(reference.size);
    for (const id of reference) expect(ours.has(id)).toBe(true);
  });
});

describe('bundleLineId', () => {
  it('reads the id at the start of a line, escapes included; anything else is not a bundle line', () => {
    expect(bundleLineId(JSON.stringify({ certificateId: 'IN-1', line: 2, formats: {} }))).toBe('IN-1');
    expect(bundleLineId(JSON.stringify({ certificateId: 'a"b\\c\u2028', line: 2 }))).toBe('a"b\\c\u2028');
    expect(bundleLineId('{"line":2,"certificateId":"x"}')).toBeUndefined();
    expect(bundleLineId('{"certificateId":42}')).toBeUndefined();
    expect(bundleLineId('{"certificateId":"unterminated')).toBeUndefined();
    expect(bundleLineId('')).toBeUndefined();
  });
});

describe('divoc issue --layout ndjson', () => {
  it(
    'writes one line per issued record with every format, no per-record files; reruns skip; ' + 'torn tails are cut',
    async () => {
      await withTempDir(async (dir) => {
        const { file, trust } = await key(dir);
        const out = join(dir, 'out');
        const argv = issueArgv(
          { key: file, in: CSV, out },
          '--format',
          'vc,vc-compact,divoc-qr',
          '--layout',
          'ndjson',
          '--batch-size',
          '1',
        );
        const first = await run(argv);
        expect(first.code, first.stderr).toBe(1); // the fixture has bad rows
        expect(first.stdout).toContain('issued 3, skipped 0, failed 3');
        expect((await readdir(out)).sort()).toEqual([BUNDLE_FILE, 'errors.ndjson']);
        const lines = await bundleOf(out);
        expect(lines).toHaveLength(3);
        for (const entry of lines) {
          expect(Object.keys(entry)[0]).toBe('certificateId');
          expect(Object.keys(entry.formats).sort()).toEqual(['divoc-qr', 'vc-compact', 'w3c-vc']);
          const vc = entry.formats['w3c-vc'] as { evidence: { certificateId: string }[] };
          expect(vc.evidence[0]?.certificateId).toBe(entry.certificateId);
          // The compact QR carries exactly the same signed credential.
          expect(decodeCompactCredential(entry.formats['vc-compact'] as string)).toEqual(vc);
          expect(entry.formats['divoc-qr']).toEqual(expect.any(String));
        }
        // Every credential verifies with the built CLI's verifier (files written from the bundle).
        const names: string[] = [];
        for (const [i, entry] of lines.entries()) {
          await writeFile(join(dir, `c${i}.json`), JSON.stringify(entry.formats['w3c-vc']));
          await writeFile(join(dir, `c${i}.txt`), String(entry.formats['vc-compact']));
          names.push(join(dir, `c${i}.json`), join(dir, `c${i}.txt`));
        }
        const verified = await run(['verify', '--json', '--trust', trust, ...names]);
        expect(verified.code, verified.stdout + verified.stderr).toBe(0);

        // A rerun issues nothing; the file is unchanged.
        const before = await readFile(join(out, BUNDLE_FILE), 'utf8');
        const again = await run(argv);
        expect(again.stdout).toContain('issued 0, skipped 3, failed 3');
        expect(await readFile(join(out, BUNDLE_FILE), 'utf8')).toBe(before);

        // A torn last line (a crash in the middle of an append): cut off, that record issued again, once.
        const lastLine = before.trimEnd().split('\n').at(-1)!;
        const kept = before.slice(0, before.length - lastLine.length - 1);
        await writeFile(join(out, BUNDLE_FILE), kept + lastLine.slice(0, 100));
        const repaired = await run([...argv, '--json']);
        const start = ndjson(repaired.stdout)[0] as { recovery: { journaled: number; tornLines: number } };
        expect(start.recovery).toEqual({ journaled: 2, tornLines: 1, invalidLines: 0 });
        expect(repaired.stderr).toContain('issued 1, skipped 2, failed 3');
        const after = await bundleOf(out);
        expect(after.map((l) => l.certificateId).sort()).toEqual(lines.map((l) => l.certificateId).sort());

        // A line cut short inside the file (a disk that failed while two workers appended): not counted as done, so
        // its record is issued again; the other records stay skipped.
        const text = await readFile(join(out, BUNDLE_FILE), 'utf8');
        const [firstLine, ...rest] = text.trimEnd().split('\n');
        await writeFile(join(out, BUNDLE_FILE), `${firstLine!.slice(0, 200)}${rest.join('\n')}\n`);
        const healed = await run([...argv, '--json']);
        expect((ndjson(healed.stdout)[0] as { recovery: unknown }).recovery).toEqual({
          journaled: 1,
          tornLines: 0,
          invalidLines: 1,
        });
        expect(healed.stderr).toContain('issued 2, skipped 1, failed 3');
      });
    },
  );

  it('issues a certificate id repeated in the input once (the repeat is skipped)', async () => {
    await withTempDir(async (dir) => {
      const { file } = await key(dir);
      const text = await readFile(CSV, 'utf8');
      const [header, firstRow] = text.split('\n');
      await writeFile(join(dir, 'twice.csv'), `${header}\n${firstRow}\n${firstRow}\n${firstRow}\n`);
      const out = join(dir, 'out');
      const r = await run(
        issueArgv({ key: file, in: join(dir, 'twice.csv'), out }, '--layout', 'ndjson', '--batch-size', '2'),
      );
      expect(r.stdout).toContain('issued 1, skipped 2, failed 0');
      expect(await bundleOf(out)).toHaveLength(1);
    });
  });

  it('refuses --qr / --pdf, a folder written with the other layout, a tiny --worker-heap (exit 2)', async () => {
    await withTempDir(async (dir) => {
      const { file } = await key(dir);
      const base = ['issue', '--key', file, '--template', 'vaccination', '--in', CSV];
      for (const extra of [['--qr', 'png'], ['--pdf']]) {
        const r = await run([...base, '--out', join(dir, 'x'), '--layout', 'ndjson', ...extra]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('--layout files');
      }
      const heap = await run([...base, '--out', join(dir, 'y'), '--worker-heap', '8']);
      expect(heap.code).toBe(2);
      expect(heap.stderr).toContain('--worker-heap must be a whole number from 32 to 65536');
      await run([...base, '--out', join(dir, 'files')]);
      const mixed = await run([...base, '--out', join(dir, 'files'), '--layout', 'ndjson']);
      expect(mixed.code).toBe(2);
      expect(mixed.stderr).toContain('holds a --layout files run');
      await run([...base, '--out', join(dir, 'bundle'), '--layout', 'ndjson']);
      const back = await run([...base, '--out', join(dir, 'bundle')]);
      expect(back.code).toBe(2);
      expect(back.stderr).toContain('holds a --layout ndjson run');
      expect(existsSync(join(dir, 'bundle', '.divoc-lock'))).toBe(false);
    });
  });
});
