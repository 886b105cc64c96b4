/**
 * The bulk "done when": a generated export of 100,000 rows is issued by the BUILT executable (worker threads),
 * killed with SIGKILL mid-way, and the same command run again. The result must be exactly one valid certificate per
 * good row, every bad row in errors.ndjson, no partial or temporary file, no duplicate index line.
 *
 * --no-fsync: a killed process loses nothing the kernel already has (page cache), so kill -9 safety rests on
 * write-temp-then-rename and the journal alone; per-file fsync (the default) only matters for power loss and
 * costs a disk flush per file.
 *
 * Format: W3C VCs with Ed25519 (eddsa-rdfc-2022), the default. (EU DCCs would reject the sample's non-Latin names;
 * VDS-NC seals go through the same engine and are measured in benchmarks/.) Needs `dist/` (see bin.test.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { issueArgv, withTempDir } from './helpers.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const ROWS = Number(process.env.DIVOC_BULK_TEST_ROWS ?? 100_000);

interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  peakRssKb: number;
}

/** Runs the built CLI; `killWhen` is polled every 100 ms and, once true, the process gets SIGKILL. */
function runBin(args: string[], cwd: string, killWhen?: () => Promise<boolean>): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peakRssKb = 0;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let killed = false;
    const timer = setInterval(() => {
      void (async () => {
        try {
          const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
          const hwm = /VmHWM:\s+(\d+)/.exec(status);
          if (hwm) peakRssKb = Math.max(peakRssKb, Number(hwm[1]));
        } catch {
          // not Linux, or the process is gone
        }
        if (killWhen && !killed && (await killWhen())) {
          killed = true;
          child.kill('SIGKILL');
        }
      })();
    }, 100);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, stdout, stderr, peakRssKb });
    });
  });
}

/** The built `divoc keys generate` in `dir`: issuer.key.json, and its trust entry in issuer.trust.json. */
async function generateIssuerKey(dir: string): Promise<void> {
  const key = await runBin(['keys', 'generate', '--type', 'ed25519', '--out', 'issuer.key.json'], dir);
  expect(key.code, key.stderr).toBe(0);
  await writeFile(join(dir, 'issuer.trust.json'), key.stdout);
}

async function lineCount(path: string): Promise<number> {
  try {
    const text = await readFile(path, 'utf8');
    return text.split('\n').length - 1;
  } catch {
    return 0;
  }
}

describe(`divoc issue: ${ROWS} rows, kill -9 mid-way, resume`, () => {
  it('ends with exactly one valid certificate per good row, every bad row reported, no partial file', async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first with \`pnpm build\` at the repository root`);
    await withTempDir(async (dir) => {
      const started = Date.now();
      const sample = await runBin(
        [
          'sample',
          '--rows',
          String(ROWS),
          '--out',
          'export.csv',
          '--seed',
          'resume-test',
          '--bad-ratio',
          '0.03',
          '--json',
        ],
        dir,
      );
      expect(sample.code, sample.stderr).toBe(0);
      const stats = JSON.parse(sample.stdout) as {
        rows: number;
        good: number;
        bad: number;
        badByKind: Record<string, number>;
        scripts: Record<string, number>;
      };
      expect(stats.rows).toBe(ROWS);
      expect(Object.keys(stats.scripts).length).toBeGreaterThanOrEqual(5);
      await generateIssuerKey(dir);

      const args = issueArgv(
        { key: 'issuer.key.json', in: 'export.csv', out: 'out' },
        '--format',
        'vc',
        '--json',
        '--no-fsync',
      );
      const out = join(dir, 'out');
      // Kill once a fifth of the good rows are in the index: workers are mid-batch, files half-renamed.
      const first = await runBin(
        args,
        dir,
        async () => (await lineCount(join(out, 'index.ndjson'))) >= Math.floor(stats.good / 5),
      );
      expect(first.signal).toBe('SIGKILL');
      const issuedBeforeKill = await lineCount(join(out, 'index.ndjson'));
      expect(issuedBeforeKill).toBeLessThan(stats.good);
      // The killed run left its lock and (usually) temporaries behind; the rerun takes over.
      expect(existsSync(join(out, '.divoc-lock'))).toBe(true);

      const second = await runBin(args, dir);
      expect(second.code, second.stderr).toBe(1); // bad rows
      const events = second.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(events[0]).toMatchObject({ event: 'start', template: 'vaccination', formats: ['w3c-vc'] });
      const done = events.at(-1) as {
        event: string;
        issued: number;
        skipped: number;
        failed: number;
        exitCode: number;
      };
      expect(done).toMatchObject({ event: 'done', failed: stats.bad, exitCode: 1 });
      expect(done.issued + done.skipped).toBe(stats.good);
      expect(done.skipped).toBeGreaterThanOrEqual(issuedBeforeKill - 200);

      // The index: one line per good row, no duplicate, every file named exists.
      const index = (await readFile(join(out, 'index.ndjson'), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map(
          (l) =>
            JSON.parse(l) as {
              line: number;
              recordId: string;
              certificateId: string;
              files: string[];
              formats: string[];
            },
        );
      expect(index).toHaveLength(stats.good);
      const ids = new Set(index.map((e) => e.certificateId));
      expect(ids.size).toBe(stats.good);
      expect(new Set(index.map((e) => e.recordId)).size).toBe(stats.good);
      for (const e of index) expect(e.formats).toEqual(['w3c-vc']);

      // Files: exactly the credentials of the index (and the index, errors, journal), each a whole JSON document
      // carrying its own certificate id.
      const names = await readdir(out);
      const credentials = names.filter((n) => n.endsWith('.json') && !n.startsWith('.'));
      expect(credentials).toHaveLength(stats.good);
      expect(new Set(credentials.map((n) => n.slice(0, -'.json'.length)))).toEqual(ids);
      expect(names.filter((n) => !credentials.includes(n)).sort()).toEqual([
        '.divoc-journal.ndjson',
        'errors.ndjson',
        'index.ndjson',
      ]);
      for (const name of credentials) {
        const vc = JSON.parse(await readFile(join(out, name), 'utf8')) as {
          evidence: { certificateId: string }[];
          proof: { proofValue: string };
        };
        expect(vc.evidence[0]?.certificateId, name).toBe(name.slice(0, -'.json'.length));
        expect(vc.proof.proofValue, name).toMatch(/^z/);
      }

      // Errors: every bad row once, with the field its defect is about.
      const errors = (await readFile(join(out, 'errors.ndjson'), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { line: number; recordId: string; errors: { field: string; reason: string }[] });
      expect(errors).toHaveLength(stats.bad);
      expect(new Set(errors.map((e) => e.line)).size).toBe(stats.bad);
      const fieldCounts: Record<string, number> = {};
      for (const e of errors) for (const f of e.errors) fieldCounts[f.field] = (fieldCounts[f.field] ?? 0) + 1;
      expect(fieldCounts).toEqual({
        name: stats.badByKind['missing-name'],
        vaccinationDate: stats.badByKind['bad-date'],
        vaccine: stats.badByKind['unknown-vaccine'],
        dose: stats.badByKind['dose-over-total'],
      });
      // Together, index and errors account for every row exactly once.
      const recordIds = new Set([...index.map((e) => e.recordId), ...errors.map((e) => e.recordId)]);
      expect(recordIds.size).toBe(ROWS);

      // A random sample of 200 credentials verifies (built `divoc verify`) against the issuer's trust entry.
      const picks = new Set<string>();
      while (picks.size < Math.min(200, credentials.length))
        picks.add(credentials[Math.floor(Math.random() * credentials.length)] as string);
      const verified = await runBin(
        ['verify', '--json', '--trust', 'issuer.trust.json', ...[...picks].map((n) => join('out', n))],
        dir,
      );
      const reports = verified.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { input: string; valid: boolean; checks: { ok: boolean }[] });
      expect(reports).toHaveLength(picks.size);
      for (const r of reports)
        expect(r.valid, `${r.input}: ${JSON.stringify(r.checks.filter((c) => !c.ok))}`).toBe(true);
      expect(verified.code, verified.stderr).toBe(0);
      console.log(
        `bulk resume: ${ROWS} rows (${stats.good} good, ${stats.bad} bad), killed after ${issuedBeforeKill} ` +
          `issued; rerun issued ${done.issued}, skipped ${done.skipped}; ` +
          `peak RSS ${Math.round(first.peakRssKb / 1024)} MiB / ${Math.round(second.peakRssKb / 1024)} MiB; ` +
          `${((Date.now() - started) / 1000).toFixed(0)} s in all`,
      );
    });
  }, 600_000);
});

const NDJSON_ROWS = Number(process.env.DIVOC_BULK_NDJSON_TEST_ROWS ?? 20_000);

describe(`divoc issue --layout ndjson: ${NDJSON_ROWS} rows, kill -9 mid-way, resume`, () => {
  it(
    'ends with exactly one line per good row in certificates.ndjson, each whole, ' + 'and no other output file',
    async () => {
      if (!existsSync(BIN))
        throw new Error(`${BIN} is missing: build first with \`pnpm build\` at the repository root`);
      await withTempDir(async (dir) => {
        const sample = await runBin(
          [
            'sample',
            '--rows',
            String(NDJSON_ROWS),
            '--out',
            'export.csv',
            '--seed',
            'ndjson-resume',
            '--bad-ratio',
            '0.03',
            '--json',
          ],
          dir,
        );
        expect(sample.code, sample.stderr).toBe(0);
        const stats = JSON.parse(sample.stdout) as { good: number; bad: number };
        await generateIssuerKey(dir);

        const args = issueArgv(
          { key: 'issuer.key.json', in: 'export.csv', out: 'out' },
          '--format',
          'vc,vc-compact',
          '--layout',
          'ndjson',
          '--json',
          '--no-fsync',
        );
        const bundlePath = join(dir, 'out', 'certificates.ndjson');
        const first = await runBin(args, dir, async () => (await lineCount(bundlePath)) >= Math.floor(stats.good / 5));
        expect(first.signal).toBe('SIGKILL');
        const before = await lineCount(bundlePath);
        expect(before).toBeLessThan(stats.good);

        const second = await runBin(args, dir);
        expect(second.code, second.stderr).toBe(1); // bad rows
        const done = JSON.parse(second.stdout.trim().split('\n').at(-1) as string) as {
          issued: number;
          skipped: number;
          failed: number;
        };
        expect(done.failed).toBe(stats.bad);
        expect(done.issued + done.skipped).toBe(stats.good);
        expect(done.skipped).toBe(before);

        const text = await readFile(bundlePath, 'utf8');
        expect(text.endsWith('\n')).toBe(true);
        const lines = text
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { certificateId: string; recordId: string; formats: Record<string, unknown> });
        expect(lines).toHaveLength(stats.good);
        expect(new Set(lines.map((l) => l.certificateId)).size).toBe(stats.good);
        expect(new Set(lines.map((l) => l.recordId)).size).toBe(stats.good);
        expect((await readdir(join(dir, 'out'))).sort()).toEqual(['certificates.ndjson', 'errors.ndjson']);

        // 100 random records: the credential and its compact QR verify with the built `divoc verify`.
        const inputs: string[] = [];
        for (let i = 0; i < 100; i++) {
          const pick = lines[Math.floor(Math.random() * lines.length)]!;
          await writeFile(join(dir, `v${i}.json`), JSON.stringify(pick.formats['w3c-vc']));
          await writeFile(join(dir, `v${i}.txt`), String(pick.formats['vc-compact']));
          inputs.push(`v${i}.json`, `v${i}.txt`);
        }
        const verified = await runBin(['verify', '--json', '--trust', 'issuer.trust.json', ...inputs], dir);
        const reports = verified.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { input: string; valid: boolean });
        expect(reports).toHaveLength(inputs.length);
        for (const r of reports) expect(r.valid, r.input).toBe(true);
        console.log(
          `bulk resume (ndjson): ${NDJSON_ROWS} rows, killed after ${before} lines; ` +
            `rerun issued ${done.issued}, skipped ${done.skipped}; ` +
            `peak RSS ${Math.round(second.peakRssKb / 1024)} MiB`,
        );
      });
    },
    300_000,
  );
});
