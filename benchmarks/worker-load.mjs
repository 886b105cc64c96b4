// End-to-end load test of the JetStream workers (issue 17): runs examples/registry-postgres (PostgreSQL outbox →
// relay → NATS JetStream → M worker processes → certificates written back to PostgreSQL) on N fresh events, under
// fresh schema and registry names, and reports certificates/s end to end, the time to the first and the last
// certificate, per-worker counts, CPU and peak resident set. Bounded: a hard time cap kills the run, and the schema
// and streams are removed whatever happens. The workers start (and connect) before the relay; 20 000 events by default,
// about 10 s here, so the fresh processes' first compilations are a small share, as in a registry whose workers run
// all the time (10 000 events measured about 10 % less per second).
//
//   pnpm build && node benchmarks/worker-load.mjs [--events 20000] [--workers 2] [--cap SECONDS] [--json]
//     [--concurrency C] [--batch-size B] [--formats w3c-vc,divoc-qr] [--cpu-prof-dir DIR]
//
//   --concurrency, --batch-size  the workers' DIVOC_CONCURRENCY / DIVOC_BATCH_SIZE (default: the worker's own)
//   --formats                    the workers' DIVOC_FORMATS (default w3c-vc,divoc-qr, what the example stores)
//   --cpu-prof-dir DIR           a V8 CPU profile of each worker process
//   --json                       one JSON object on stdout
//
// Services: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), NATS_URL (default nats://127.0.0.1:4222).
// The machine is usually shared: the load average at start and end is reported with the numbers.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serverCpuSeconds } from './lib/proc.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = `${root}examples/registry-postgres/`;
// pg and nats are the example's dependencies, not the benchmarks' own.
const requireFromExample = createRequire(`${example}package.json`);

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    workers: { type: 'string', default: '2' },
    cap: { type: 'string', default: '600' },
    concurrency: { type: 'string' },
    'batch-size': { type: 'string' },
    formats: { type: 'string' },
    'cpu-prof-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  // The header comment above is the usage.
  const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
  console.log(
    lines
      .slice(
        0,
        lines.findIndex((l) => !l.startsWith('//')),
      )
      .join('\n'),
  );
  process.exit(0);
}
const events = Number(args.events);
const workers = Number(args.workers);
const capSeconds = Number(args.cap);
if (!Number.isInteger(events) || events < 1 || !Number.isInteger(workers) || workers < 1 || !(capSeconds > 0)) {
  console.error('--events and --workers must be positive integers, --cap a positive number of seconds');
  process.exit(2);
}

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const schema = `divoc_bench_${run}`;
const registry = `bench${run}`;

const servers = () => ({ nats: serverCpuSeconds('nats-server') ?? 0, postgres: serverCpuSeconds('postgres') ?? 0 });

async function cleanUp() {
  const { default: pg } = await import(requireFromExample.resolve('pg'));
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await pool.end();
  const { connect } = await import(requireFromExample.resolve('nats'));
  const nc = await connect({ servers: natsUrl, timeout: 3_000 });
  const jsm = await nc.jetstreamManager();
  for (const stream of [`DIVOC_CERTIFY_${registry}`, `DIVOC_EVENTS_${registry}`])
    await jsm.streams.delete(stream).catch(() => undefined);
  await nc.drain();
}

/** Worker and whole-pipeline CPU per certificate (the servers' share includes their other clients: an upper bound). */
function cpuPerCertificate() {
  const workersCpu = Object.values(summary?.perWorker ?? {}).reduce(
    (sum, w) => sum + (w.cpuUserMs ?? 0) + (w.cpuSystemMs ?? 0),
    0,
  );
  const certificates = summary?.certificates ?? 0;
  if (!certificates || !workersCpu) return { cpuPerCertificateMs: null, ceilingPerSecond: null };
  const totalMs =
    workersCpu +
    (summary.mainCpuMs ?? 0) +
    1000 * Math.max(0, serversAfter.nats - serversBefore.nats) +
    1000 * Math.max(0, serversAfter.postgres - serversBefore.postgres);
  const total = totalMs / certificates;
  return {
    // Worker start-up (module loading, about 0.5 s of CPU each) included.
    cpuPerCertificateMs: { workers: Number((workersCpu / certificates).toFixed(3)), total: Number(total.toFixed(3)) },
    ceilingPerSecond: Math.round((cpus().length * 1000) / total),
  };
}

const loadBefore = loadavg()[0];
const serversBefore = servers();
const started = Date.now();
const child = spawn(
  process.execPath,
  [
    `${example}src/main.mjs`,
    '--events',
    String(events),
    '--workers',
    String(workers),
    '--json',
    ...(args['cpu-prof-dir'] ? ['--cpu-prof-dir', args['cpu-prof-dir']] : []),
  ],
  {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      NATS_URL: natsUrl,
      REGISTRY_SCHEMA: schema,
      DIVOC_REGISTRY: registry,
      ...(args.concurrency ? { DIVOC_CONCURRENCY: args.concurrency } : {}),
      ...(args['batch-size'] ? { DIVOC_BATCH_SIZE: args['batch-size'] } : {}),
      ...(args.formats ? { DIVOC_FORMATS: args.formats } : {}),
    },
    // Its own process group, so the cap can stop it and the worker processes it started together.
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let stdout = '';
child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
let timedOut = false;
const cap = setTimeout(() => {
  timedOut = true;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}, capSeconds * 1000);
const exitCode = await new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
clearTimeout(cap);
const wallSeconds = (Date.now() - started) / 1000;
const serversAfter = servers();
// main.mjs removes its schema and streams itself; after a kill (or a failure) nothing else would.
await cleanUp();

const summaryLine = stdout
  .trim()
  .split('\n')
  .reverse()
  .find((l) => l.startsWith('{'));
const summary = summaryLine ? JSON.parse(summaryLine) : null;
const perWorker = summary?.perWorker ?? {};
const result = {
  benchmark: 'worker-load',
  ok: !timedOut && exitCode === 0 && summary?.ok === true,
  events,
  workers,
  formats: args.formats ?? 'w3c-vc,divoc-qr',
  ...(timedOut ? { timedOut: `killed after the ${capSeconds} s cap` } : {}),
  certificates: summary?.certificates ?? null,
  deadLettered: summary?.deadLettered ?? null,
  endToEndPerSecond: summary?.endToEndPerSecond ?? null,
  steadyPerSecond: summary?.steadyPerSecond ?? null,
  firstCertificateMs: summary?.firstCertificateMs ?? null,
  lastCertificateMs: summary?.lastCertificateMs ?? null,
  workerStartMs: summary?.workerStartMs ?? null,
  perWorker: Object.fromEntries(
    Object.entries(perWorker).map(([id, w]) => [
      id,
      {
        certificates: w.certificates,
        batches: w.batches,
        retried: w.retried,
        cpuSeconds: w.cpuUserMs === undefined ? null : (w.cpuUserMs + w.cpuSystemMs) / 1000,
        peakRssMiB: w.maxRssMb ?? null,
      },
    ]),
  ),
  peakWorkerRssMiB: Math.max(0, ...Object.values(perWorker).map((w) => w.maxRssMb ?? 0)) || null,
  // main.mjs: the outbox relay and the progress queries.
  relayProcessCpuSeconds: summary?.mainCpuMs === undefined ? null : summary.mainCpuMs / 1000,
  serverCpuSeconds: {
    // Every process of that name: includes other clients of the same servers during the run.
    nats: Number((serversAfter.nats - serversBefore.nats).toFixed(1)),
    postgres: Number((serversAfter.postgres - serversBefore.postgres).toFixed(1)),
  },
  wallSeconds: Number(wallSeconds.toFixed(1)),
  // CPU per certificate is what a busy shared machine cannot blur: the rate's ceiling on idle cores is cpus / it.
  ...cpuPerCertificate(),
  machine: {
    cpus: cpus().length,
    loadBefore: Number(loadBefore.toFixed(2)),
    loadAfter: Number(loadavg()[0].toFixed(2)),
  },
};

if (args.json) console.log(JSON.stringify(result));
else {
  const s = (ms) => (ms === null ? '-' : `${(ms / 1000).toFixed(2)} s`);
  console.log(
    `worker-load: ${events} events, ${workers} worker processes, formats ${result.formats} ` +
      '(examples/registry-postgres)',
  );
  console.log(
    `  result                ${result.ok ? 'ok' : `FAILED (exit ${exitCode})`}${timedOut ? ' (time cap)' : ''}`,
  );
  console.log(`  certificates          ${result.certificates ?? '-'} (dead-lettered ${result.deadLettered ?? '-'})`);
  console.log(
    `  end to end            ${result.endToEndPerSecond ?? '-'} certificates/s (relay start → last, workers up)`,
  );
  console.log(`  steady                ${result.steadyPerSecond ?? '-'} certificates/s (first → last certificate)`);
  console.log(
    `  first / last          ${s(result.firstCertificateMs)} / ${s(result.lastCertificateMs)} after the relay started`,
  );
  console.log(`  worker start-up       ${s(result.workerStartMs)}`);
  for (const [id, w] of Object.entries(result.perWorker))
    console.log(
      `  ${id.padEnd(20)}  ${w.certificates} certificates, ${w.batches ?? '-'} batches, ` +
        `CPU ${w.cpuSeconds ?? '-'} s, peak RSS ${w.peakRssMiB ?? '-'} MiB`,
    );
  console.log(
    `  other CPU             relay process ${result.relayProcessCpuSeconds ?? '-'} s, ` +
      `NATS ${result.serverCpuSeconds.nats} s, PostgreSQL ${result.serverCpuSeconds.postgres} s`,
  );
  if (result.cpuPerCertificateMs)
    console.log(
      `  CPU per certificate   ${result.cpuPerCertificateMs.workers} ms in the workers, ` +
        `${result.cpuPerCertificateMs.total} ms in all (ceiling on ${result.machine.cpus} idle CPUs: ` +
        `about ${result.ceilingPerSecond}/s)`,
    );
  console.log(
    `  machine               ${result.machine.cpus} CPUs, ` +
      `load ${result.machine.loadBefore} → ${result.machine.loadAfter}`,
  );
}
process.exit(result.ok ? 0 : 1);
