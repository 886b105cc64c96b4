// Bulk issuance: the BUILT `divoc` (packages/cli/dist/bin.js) on a `divoc sample` export, records per second and
// peak memory (VmHWM of the whole process, worker threads included), next to the naive one-record-at-a-time
// @digitalbazaar/vc loop (bulk-baseline.mjs) on the same export.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
const BASELINE = fileURLToPath(new URL('./bulk-baseline.mjs', import.meta.url));

/** Runs a node script, polling /proc for the peak resident set (Linux; elsewhere the child's own report). */
export function runNode(args, cwd) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // gone, or not Linux
      }
    }, 50);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({
        code,
        stdout,
        stderr,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        peakRssMiB: Math.round(peakKb / 1024),
      });
    });
  });
}

/**
 * One measured run of `divoc issue` on a fresh sample of `rows` rows. Keys: an Ed25519 key for `vc`, a development
 * PKI for `vdsnc`/`dcc`. Returns { rows, good, format, workers, seconds, recordsPerSecond, peakRssMiB }.
 */
export async function runOurs({
  rows,
  format = 'vc',
  workers = availableParallelism(),
  fsync = false,
  layout = 'files',
  dir,
}) {
  const work = dir ?? mkdtempSync(join(tmpdir(), 'divoc-bulk-'));
  try {
    const sample = await runNode(
      [BIN, 'sample', '--rows', String(rows), '--out', 'export.csv', '--seed', 'bench', '--json'],
      work,
    );
    if (sample.code !== 0) throw new Error(`divoc sample failed: ${sample.stderr}`);
    const stats = JSON.parse(sample.stdout);
    await runNode([BIN, 'keys', 'generate', '--type', 'ed25519', '--out', 'issuer.key.json'], work);
    await runNode([BIN, 'keys', 'dsc', '--country', 'IN', '--out', 'pki'], work);
    const args = [
      BIN,
      'issue',
      '--template',
      'vaccination',
      '--in',
      'export.csv',
      '--out',
      'out',
      '--format',
      format,
      '--workers',
      String(workers),
      '--json',
      '--key',
      'issuer.key.json',
      '--issuer',
      'https://registry.example',
      '--bsc-key',
      'pki/bsc.key.pem',
      '--bsc-cert',
      'pki/bsc.crt.pem',
      '--dsc-key',
      'pki/dsc.key.pem',
      '--dsc-cert',
      'pki/dsc.crt.pem',
    ];
    if (!fsync) args.push('--no-fsync');
    if (layout !== 'files') args.push('--layout', layout);
    const run = await runNode(args, work);
    if (run.code !== 0 && run.code !== 1) throw new Error(`divoc issue failed (${run.code}): ${run.stderr}`);
    const done = JSON.parse(run.stdout.trim().split('\n').at(-1));
    return {
      rows,
      good: stats.good,
      issued: done.issued,
      failed: done.failed,
      format,
      workers,
      fsync,
      layout,
      seconds: Number(run.seconds.toFixed(2)),
      recordsPerSecond: Number((rows / run.seconds).toFixed(1)),
      peakRssMiB: run.peakRssMiB,
      exportFile: join(work, 'export.csv'),
      work,
    };
  } finally {
    if (!dir) rmSync(work, { recursive: true, force: true });
  }
}

/** The naive @digitalbazaar/vc loop on the first `rows` rows of `exportFile`. */
export async function runBaseline({ exportFile, rows }) {
  const out = mkdtempSync(join(tmpdir(), 'divoc-baseline-'));
  try {
    const run = await runNode([BASELINE, '--in', exportFile, '--out', out, '--rows', String(rows)], process.cwd());
    if (run.code !== 0) throw new Error(`baseline failed: ${run.stderr}`);
    const result = JSON.parse(run.stdout.trim());
    return { ...result, peakRssMiB: Math.max(result.peakRssMiB, run.peakRssMiB) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function formatBulkTable(rows) {
  const header = ['run', 'rows', 'format', 'layout', 'workers', 'seconds', 'records/s', 'peak RSS MiB'];
  const lines = rows.map((r) => [
    r.name,
    String(r.rows),
    r.format ?? 'vc (eddsa-rdfc-2022)',
    r.layout ?? '-',
    String(r.workers ?? 1),
    String(r.seconds),
    String(r.recordsPerSecond),
    String(r.peakRssMiB),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cols) =>
    cols.map((c, i) => (i === 0 || i === 2 || i === 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}

/**
 * `pnpm bench --bulk`: 10k and 100k rows of W3C VCs (peak memory must not grow with the input) and 100k VDS-NC
 * seals, and the naive loop on BULK_BASELINE_ROWS rows (default 2,000: its rate does not depend on the count,
 * its memory only grows). Sizes can be lowered with BULK_ROWS for a quick look.
 */
export async function bulkSuite({
  rows = Number(process.env.BULK_ROWS ?? 100_000),
  baselineRows = Number(process.env.BULK_BASELINE_ROWS ?? 2_000),
} = {}) {
  const results = [];
  const small = Math.max(1, Math.floor(rows / 10));
  const dir = mkdtempSync(join(tmpdir(), 'divoc-bulk-'));
  try {
    results.push({ name: 'divoc issue', ...(await runOurs({ rows: small, format: 'vc' })) });
    process.stderr.write(`  bulk ${small} vc done\n`);
    const big = await runOurs({ rows, format: 'vc', dir });
    results.push({ name: 'divoc issue', ...big });
    process.stderr.write(`  bulk ${rows} vc done\n`);
    results.push({ name: 'divoc issue', ...(await runOurs({ rows, format: 'vdsnc' })) });
    process.stderr.write(`  bulk ${rows} vdsnc done\n`);
    results.push({
      name: 'naive @digitalbazaar/vc loop',
      ...(await runBaseline({ exportFile: join(dir, 'export.csv'), rows: baselineRows })),
      format: 'vc (eddsa-rdfc-2022)',
      workers: 1,
    });
    process.stderr.write('  bulk baseline done\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
