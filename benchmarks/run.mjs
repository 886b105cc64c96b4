// `pnpm bench`: every benchmark, ours against the baseline a user would otherwise pick, in one run.
// `pnpm bench --json` also writes benchmarks/results.json ({ ratios, ops, ... }).
// `pnpm bench --bulk` also runs the bulk issuance benchmark (bulk.bench.mjs: 10k and 100k rows through the built
// `divoc issue`, next to a naive @digitalbazaar/vc loop); it takes several minutes, so it is not in the default run.
// The 1M-row run is its own script: node benchmarks/bulk.mjs --rows 1000000.
// `pnpm bench --service` also runs, after everything else, the service load test (service-load.mjs --service:
// @divoc/service over loopback HTTP with PostgreSQL, issue and verify at 16 and 64 connections, next to the library
// and the one-thread CLI in the same run, and the service's peak memory), then the JetStream workers' load test
// (worker-load.mjs --json, events/s) when that script exists. Flags after --service go to service-load.mjs:
// --requests N, --connections 16,64, --storage postgres|memory, --threads N, --profile DIR, --no-cli, --cap SECONDS.
// After the throughput cases: start-up (startup.mjs: cold processes, median of 10, wall and CPU ms) and the browser
// bundle sizes (bundle-size.mjs: the first download, for text and with image reading; minified and gzipped), what
// verifying each format downloads in Chromium (bundle-formats.mjs: the formats' code loads on first use), the install
// footprint (footprint.mjs: the packed packages installed outside the workspace).
//
// Each case runs ours and the baseline in alternating rounds and counts CPU time (see lib/harness.mjs), so the ratio
// holds on a busy machine; BENCH_SECONDS (default 1.5) is the CPU time per side per case.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { compare, formatTable } from './lib/harness.mjs';
import { setup as setupVc } from './vc.bench.mjs';
import { setup as setupDcc } from './dcc.bench.mjs';
import { setup as setupQr } from './qr.bench.mjs';
import { startupSuite, formatStartupTable } from './startup.mjs';
import { bundleSizeSuite, formatBundleTable } from './bundle-size.mjs';
import { formatDownloadSuite, formatDownloadTable } from './bundle-formats.mjs';

const json = process.argv.includes('--json');
const bulk = process.argv.includes('--bulk');
const service = process.argv.includes('--service');
const seconds = Number(process.env.BENCH_SECONDS ?? 1.5);
const rounds = 8;
const startedAt = Date.now();

/** Goals of issue 6 (ratio against the baseline in the same run); a case may also name its own. */
const GOALS = { 'vc-issue': 10, 'vc-verify': 5, 'dcc-issue': 3, 'dcc-verify': 3, 'qr-png': 20 };

const rows = [];
const notes = [];
const loadBefore = loadavg();
let dccHc1;
const suites = [
  ['vc', () => setupVc()],
  ['dcc', () => setupDcc()],
  ['qr', () => setupQr({ hc1: dccHc1 })],
];
for (const [suite, setup] of suites) {
  const prepared = await setup();
  const { cases, sameProofValue } = prepared;
  if (suite === 'dcc') dccHc1 = prepared.hc1;
  if (sameProofValue !== undefined)
    notes.push(`byte-identical issued JSON (and proofValue) vs baseline: ${sameProofValue ? 'yes' : 'NO'}`);
  for (const n of prepared.notes ?? []) notes.push(n);
  for (const c of cases) {
    const result = await compare(c.ours, c.baseline, { seconds, rounds });
    const goal = c.informational ? undefined : (c.goal ?? GOALS[c.name]);
    rows.push({ name: c.name, baselineName: c.baselineName, goal, informational: c.informational === true, ...result });
    process.stderr.write(`  ${c.name} done\n`);
  }
}
const loadAfter = loadavg();
const load = (l) => l.map((x) => x.toFixed(2)).join(' ');

console.log(`\nNode ${process.version}, ${cpus().length} CPUs, load average ${load(loadBefore)} → ${load(loadAfter)}`);
console.log(
  `ops/s = operations per CPU-second of one core; ratio = median of ${rounds} alternating rounds, ${seconds}s ` +
    `CPU per side\n`,
);
console.log(formatTable(rows));
for (const n of notes) console.log(`\n${n}`);

process.stderr.write('  start-up (cold processes)...\n');
const startup = await startupSuite({ runs: 10 });
console.log('\nStart-up: cold processes, median of 10 (wall is what a user waits; CPU is what load inflates less)\n');
console.log(formatStartupTable(startup));
const bundles = await bundleSizeSuite();
console.log('\nBrowser bundles (esbuild, minified, gzip -9)\n');
console.log(formatBundleTable(bundles));
process.stderr.write('  browser downloads per format (headless Chromium)...\n');
const downloads = await formatDownloadSuite();
console.log('\nVerifying one credential of each format in Chromium: JavaScript fetched (gzip -9 per file)\n');
console.log(formatDownloadTable(downloads));
// Install footprint: the packed packages installed outside the workspace, as `npm i @divoc/verifier` does.
process.stderr.write('  install footprint (pack + install)...\n');
const footprintRun = spawnSync(
  process.execPath,
  [fileURLToPath(new URL('./footprint.mjs', import.meta.url)), '--json', '--limit-mb', '10'],
  { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
);
const footprint = footprintRun.status === 0 ? JSON.parse(footprintRun.stdout) : { error: footprintRun.stderr.trim() };
console.log('\nInstall footprint (npm i of the packed packages; goal ≤ 10 MB)\n');
for (const f of Array.isArray(footprint) ? footprint : [footprint]) {
  console.log(f.error ?? `npm i ${f.package}: ${f.mb} MB (du -sh ${f.du}), ${f.packages} packages`);
}

let bulkResults;
if (bulk) {
  const { bulkSuite, formatBulkTable } = await import('./bulk.bench.mjs');
  bulkResults = await bulkSuite();
  console.log('\nBulk issuance (divoc sample export → divoc issue, worker threads; naive loop: one core)\n');
  console.log(formatBulkTable(bulkResults));
}

let serviceResults;
let workerResults;
if (service) {
  const { formatServiceReport } = await import('./service-load.mjs');
  // Flags meant for service-load.mjs (this script's own are --json, --bulk and --service).
  const forwarded = process.argv.slice(2).filter((a) => !['--json', '--bulk', '--service'].includes(a));
  process.stderr.write('  service load (HTTP, PostgreSQL, 16 and 64 connections; library and CLI baselines)...\n');
  const run = spawnSync(
    process.execPath,
    [fileURLToPath(new URL('./service-load.mjs', import.meta.url)), '--service', '--json', ...forwarded],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 },
  );
  console.log('\nService over loopback HTTP (service-load.mjs --service), the library and the CLI in the same run\n');
  try {
    serviceResults = JSON.parse(run.stdout);
    console.log(formatServiceReport(serviceResults));
    if (run.status !== 0) console.log(`(service-load exited with ${run.status}: some requests failed)`);
  } catch {
    serviceResults = { error: `service-load exited with ${run.status ?? run.signal}` };
    console.log(serviceResults.error);
  }

  // JetStream workers end to end (examples/registry-postgres): worker-load.mjs, when it exists, prints one JSON object.
  // Without benchmarks/worker-load.mjs (another engineer's script) this section only says so.
  const workerScript = fileURLToPath(new URL('./worker-load.mjs', import.meta.url));
  console.log('\nJetStream workers end to end (worker-load.mjs)\n');
  if (!existsSync(workerScript)) {
    workerResults = { skipped: 'benchmarks/worker-load.mjs does not exist' };
    console.log(workerResults.skipped);
  } else {
    process.stderr.write('  worker load (outbox → JetStream → workers → PostgreSQL)...\n');
    const workers = spawnSync(process.execPath, [workerScript, '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    try {
      workerResults = JSON.parse(workers.stdout);
      // One certificate per event: its certificates/s are events/s (endToEndPerSecond, steadyPerSecond, ...).
      const rates = eventRates(workerResults);
      if (rates.length === 0) console.log(JSON.stringify(workerResults, null, 2));
      for (const [path, rate] of rates) console.log(`${path}: ${rate} events/s`);
      const w = workerResults;
      if (rates.length > 0 && typeof w.events === 'number')
        console.log(
          `${w.events} events, ${w.workers ?? '?'} workers, ${w.certificates ?? '?'} certificates, ` +
            `${w.deadLettered ?? '?'} dead-lettered, peak worker RSS ${w.peakWorkerRssMiB ?? '?'} MiB` +
            `${workers.status === 0 ? '' : ` (worker-load exited with ${workers.status})`}`,
        );
    } catch {
      workerResults = { error: `worker-load exited with ${workers.status ?? workers.signal}` };
      console.log(workerResults.error);
    }
  }
}

/** Every per-second number in worker-load's JSON (its shape is its own), with where it was found. */
function eventRates(value, path = '') {
  if (value === null || typeof value !== 'object') return [];
  const found = [];
  for (const [key, v] of Object.entries(value)) {
    const here = Array.isArray(value) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
    if (typeof v === 'number' && /(PerSecond|_per_second|\/s)$/i.test(key)) found.push([here, v]);
    else found.push(...eventRates(v, here));
  }
  return found;
}

const elapsed = (Date.now() - startedAt) / 1000;
console.log(`\nbenchmarks took ${elapsed.toFixed(1)} s`);

if (json) {
  const round = (x) => Number(x.toFixed(3));
  const main = rows.filter((r) => !r.informational);
  const results = {
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: { before: loadBefore.map(round), after: loadAfter.map(round) },
    secondsPerSide: seconds,
    ratios: Object.fromEntries(main.map((r) => [r.name, round(r.ratio)])),
    goals: Object.fromEntries(
      main.filter((r) => r.goal).map((r) => [r.name, { goal: r.goal, reached: r.ratio >= r.goal }]),
    ),
    ops: Object.fromEntries(
      rows.map((r) => [
        r.name,
        { ours: Math.round(r.ours.opsPerSecond), baseline: Math.round(r.baseline.opsPerSecond) },
      ]),
    ),
    informational: Object.fromEntries(
      rows.filter((r) => r.informational).map((r) => [r.name, { ratio: round(r.ratio), baseline: r.baselineName }]),
    ),
    notes,
    startup: Object.fromEntries(
      startup.map((r) => [r.name, { wallMs: Math.round(r.wallMs), cpuMs: Math.round(r.cpuMs), goalMs: r.goal }]),
    ),
    bundles: Object.fromEntries(
      bundles.map((b) => [
        b.name,
        { minified: b.minified, gzip: b.gzip, goalKiB: b.goal, lazyMinified: b.lazyMinified },
      ]),
    ),
    formatDownloads: downloads.skipped
      ? { skipped: downloads.skipped }
      : Object.fromEntries(
          downloads.rows.map((r) => [r.format, { gzip: r.gzip, minified: r.minified, goalKiB: r.goal }]),
        ),
    footprint,
    ...(bulkResults ? { bulk: bulkResults.map(({ work: _w, exportFile: _e, ...r }) => r) } : {}),
    ...(serviceResults ? { service: serviceResults } : {}),
    ...(workerResults ? { workers: workerResults } : {}),
  };
  const out = fileURLToPath(new URL('./results.json', import.meta.url));
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}
