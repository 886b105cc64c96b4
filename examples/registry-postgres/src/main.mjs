#!/usr/bin/env node
// The one-command demo: `pnpm --filter @divoc/example-registry-postgres start [-- --events N --workers K]`.
// Creates the registry schema, seeds N vaccination events, runs the outbox relay and K worker processes, waits
// until every event is certified, verifies a sample, prints a summary and exits.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values: args } = parseArgs({
  // `pnpm start -- --events 10` passes the `--` through.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    events: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '2' },
    keep: { type: 'boolean', default: false },
    'cpu-prof-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(
    'usage: node src/main.mjs [--events N] [--workers K] [--keep] [--json] [--cpu-prof-dir DIR]\n' +
      '  --keep leaves the schema and streams for inspection; --json prints only a JSON summary on stdout;\n' +
      '  --cpu-prof-dir writes a CPU profile of each worker process there',
  );
  process.exit(0);
}
const eventCount = Number.parseInt(args.events, 10);
const workerCount = Number.parseInt(args.workers, 10);
if (!(eventCount >= 1 && eventCount <= 1_000_000) || !(workerCount >= 1 && workerCount <= 32)) {
  console.error('--events must be 1..1000000 and --workers 1..32');
  process.exit(2);
}

// The workers run the built packages (dist/). Build them once if this is a fresh clone.
const packages = fileURLToPath(new URL('../../../packages/', import.meta.url));
const needed = ['worker', 'issuer', 'keys', 'vc', 'schemas', 'qr', 'dcc', 'shc', 'vdsnc', 'status'];
if (needed.some((p) => !existsSync(join(packages, p, 'dist', 'index.js')))) {
  console.log("The workspace packages are not built yet: building them (pnpm build of this example's dependencies)...");
  const built = spawnSync('pnpm', ['--filter', '@divoc/example-registry-postgres^...', 'run', 'build'], {
    stdio: 'inherit',
    cwd: here,
  });
  if (built.status !== 0) {
    console.error('Build failed: run `pnpm install && pnpm build` at the repository root, then try again.');
    process.exit(1);
  }
}

const { connect } = await import('nats');
const { default: pg } = await import('pg');
const {
  generateKeyPair,
  exportPrivateJwk,
  verificationMethodId,
  writePrivateKeyFile,
  TrustStore,
  trustedKeyFromKeyPair,
} = await import('@divoc/keys');
const { verifyCredential } = await import('@divoc/vc');
const { ensureJetStream, defaultNames, subjectsFor } = await import('@divoc/worker');
const { DEFAULTS } = await import('./config.mjs');
const { createRegistrySchema, dropRegistrySchema, seedVaccinationEvents } = await import('./schema.mjs');
const { startRelay } = await import('./relay.mjs');

const databaseUrl = process.env.DATABASE_URL ?? DEFAULTS.databaseUrl;
const natsUrl = process.env.NATS_URL ?? DEFAULTS.natsUrl;
const schema = process.env.REGISTRY_SCHEMA ?? DEFAULTS.schema;
const registry = process.env.DIVOC_REGISTRY ?? DEFAULTS.registry;

// With --json, stdout carries only the JSON summary: the narration goes nowhere.
const say = args.json ? () => undefined : (...parts) => console.log(...parts);
const step = (text) => say(`• ${text}`);
const started = Date.now();

const pool = new pg.Pool({ connectionString: databaseUrl, max: 6 });
try {
  await pool.query('SELECT 1');
} catch (error) {
  console.error(`PostgreSQL is not reachable at ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}: ${error.message}`);
  process.exit(1);
}
let nc;
try {
  // The relay publishes every outbox row to JetStream: no stack traces captured per publish (see worker.mjs).
  nc = await connect({ servers: natsUrl, name: 'divoc-example-main', timeout: 3_000, noAsyncTraces: true });
} catch (error) {
  console.error(`NATS (with JetStream) is not reachable at ${natsUrl}: ${error.message}`);
  process.exit(1);
}

// A fresh start: schema, streams and consumer are recreated on every run.
await dropRegistrySchema(pool, schema);
await createRegistrySchema(pool, schema);
step(
  `schema "${schema}" created (beneficiaries, vaccination_events, certificates, certification_failures, outbox ` +
    `+ trigger)`,
);
const jsm = await nc.jetstreamManager();
const names = defaultNames(registry);
for (const stream of [names.stream, names.eventsStream]) await jsm.streams.delete(stream).catch(() => undefined);
const setup = await ensureJetStream(nc, { registry, ackWait: 30_000, maxDeliver: 5 });
step(
  `JetStream: stream ${setup.stream} (${setup.subjects.certify}), consumer ${setup.durable}, events ` +
    `stream ${setup.eventsStream}`,
);

// The signing key: in production, an HSM (docs/hsm.md). Here an Ed25519 key in a 0600 file the workers read.
const keyDir = await mkdtemp(join(tmpdir(), 'divoc-example-'));
const keyFile = join(keyDir, 'issuer.jwk');
const keyPair = await generateKeyPair('Ed25519');
await writePrivateKeyFile(keyFile, JSON.stringify(exportPrivateJwk(keyPair)));
const keyId = verificationMethodId(keyPair);
const trustStore = new TrustStore();
trustStore.add(trustedKeyFromKeyPair(keyPair, { id: keyId }));

const subjects = subjectsFor(registry);
const deadLetters = [];
const perWorker = new Map();
const dlqSub = nc.subscribe(subjects.deadLetter);
void (async () => {
  for await (const m of dlqSub) deadLetters.push(JSON.parse(new TextDecoder().decode(m.data)));
})();

const seedStart = Date.now();
await seedVaccinationEvents(pool, schema, { count: eventCount });
step(`seeded ${eventCount} vaccination events in ${Date.now() - seedStart} ms (the trigger filled the outbox)`);

const children = [];
const startedAt = new Map();
const spawnedAt = Date.now();
for (let i = 1; i <= workerCount; i++) {
  // --cpu-prof-dir: each worker writes a V8 CPU profile there when it exits (open it in Chrome DevTools).
  const profile = args['cpu-prof-dir'] ? ['--cpu-prof', '--cpu-prof-dir', args['cpu-prof-dir']] : [];
  // A larger young generation: signing allocates many short-lived objects; measured about 7-10 % less worker CPU.
  const child = spawn(process.execPath, ['--max-semi-space-size=32', ...profile, join(here, 'worker.mjs')], {
    env: {
      ...process.env,
      DIVOC_KEY_FILE: keyFile,
      DIVOC_WORKER_ID: `worker-${i}`,
      REGISTRY_SCHEMA: schema,
      DIVOC_REGISTRY: registry,
      DATABASE_URL: databaseUrl,
      NATS_URL: natsUrl,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.setEncoding('utf8');
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        const entry = JSON.parse(line);
        if (entry.event === 'started') startedAt.set(entry.worker, Date.now());
        if (entry.event === 'metrics') perWorker.set(entry.worker, { ...entry.metrics, ...(entry.resources ?? {}) });
        if (entry.level === 'warn' || entry.level === 'error')
          say(`  [${entry.worker}] ${entry.event} ${entry.code ?? ''} ${entry.message ?? ''}`);
      } catch {
        say(`  [worker-${i}] ${line}`);
      }
    }
  });
  children.push(child);
}
// The workers come up before the relay sends anything, as in a registry where they run all the time: the rate
// below is the pipeline's (outbox → stream → workers → PostgreSQL), and their start-up is reported on its own.
while (startedAt.size < workerCount) {
  if (children.some((c) => c.exitCode !== null)) {
    console.error('a worker exited before it started');
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
}
step(`${workerCount} worker processes started (node src/worker.mjs) in ${Date.now() - spawnedAt} ms`);

const relayStart = Date.now();
const relay = await startRelay({
  pool,
  schema,
  nats: nc,
  subject: setup.subjects.certify,
  onError: (e) => console.error(`relay: ${e.message}`),
});
step('outbox relay running');

const s = `"${schema}"`;
const certStart = Date.now();
let lastPrint = 0;
for (;;) {
  const { rows } = await pool.query(
    `SELECT (SELECT count(*) FROM ${s}.certificates)::int AS done, (SELECT count(*) ` +
      `FROM ${s}.certification_failures)::int AS failed`,
  );
  const { done, failed } = rows[0];
  if (Date.now() - lastPrint > 1_000) {
    if (!args.json) process.stdout.write(`  ${done}/${eventCount} certified, ${failed} failed\r`);
    lastPrint = Date.now();
  }
  if (done + failed >= eventCount) break;
  if (children.every((c) => c.exitCode !== null)) {
    console.error('\nevery worker exited before the work was done');
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const certSeconds = (Date.now() - certStart) / 1000;
// issued_at is the inserting transaction's start: first and last certificate, measured from the relay's start.
const {
  rows: [span],
} = await pool.query(
  `SELECT (extract(epoch FROM min(issued_at)) * 1000)::float8 AS first, ` +
    `(extract(epoch FROM max(issued_at)) * 1000)::float8 AS last FROM ${s}.certificates`,
);

await Promise.all(
  children.map(
    (c) =>
      new Promise((resolve) => {
        if (c.exitCode !== null) return resolve();
        c.once('exit', resolve);
        c.kill('SIGTERM');
      }),
  ),
);
await relay.stop();

const {
  rows: [counts],
} = await pool.query(
  `
  SELECT (SELECT count(*) FROM ${s}.vaccination_events)::int AS events,
         (SELECT count(*) FROM ${s}.certificates)::int AS certificates,
         (SELECT count(DISTINCT vaccination_event_id) FROM ${s}.certificates)::int AS events_certified,
         (SELECT count(*) FROM ${s}.vaccination_events e WHERE NOT EXISTS (SELECT 1 FROM ${s}.certificates c ` +
    `WHERE c.vaccination_event_id = e.id))::int AS missing,
         (SELECT count(*) FROM ${s}.certification_failures)::int AS failures`,
);
const { rows: byWorker } = await pool.query(
  `SELECT worker, count(*)::int AS n FROM ${s}.certificates GROUP BY worker ORDER BY worker`,
);
const { rows: sample } = await pool.query(
  `SELECT certificate_id, credential FROM ${s}.certificates ORDER BY random() LIMIT 3`,
);
let verified = 0;
for (const row of sample) if ((await verifyCredential(row.credential, { trust: trustStore })).valid) verified++;

say('\nSummary');
say(`  vaccination events      ${counts.events}`);
say(
  `  certificates written    ${counts.certificates} (${counts.events_certified} distinct ` +
    `events, ${counts.missing} events without one)`,
);
const deadLetterCodes = deadLetters.length
  ? ` (${[...new Set(deadLetters.map((d) => d.reason.code))].join(', ')})`
  : '';
say(`  dead-lettered           ${counts.failures}${deadLetterCodes}`);
say(`  by worker               ${byWorker.map((r) => `${r.worker}: ${r.n}`).join(', ')}`);
for (const [id, m] of perWorker)
  say(
    `  ${id.padEnd(22)}  received ${m.received}, certified ${m.certified}, retried ${m.retried}, ` +
      `dead-lettered ${m.deadLettered}, ${m.batches} batches` +
      (m.maxRssMb !== undefined
        ? `, CPU ${((m.cpuUserMs + m.cpuSystemMs) / 1000).toFixed(1)} s, peak RSS ${m.maxRssMb} MB`
        : ''),
  );
say(
  `  throughput              ${(counts.certificates / certSeconds).toFixed(0)} certificates/s ` +
    `(${certSeconds.toFixed(1)} s), total run ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
if (span.last !== null)
  say(
    `  first / last certificate ${((span.first - relayStart) / 1000).toFixed(1)} s / ` +
      `${((span.last - relayStart) / 1000).toFixed(1)} s after the relay started (the workers were up)`,
  );
say(`  sample verified         ${verified}/${sample.length} with @divoc/vc verifyCredential`);
say(`  example certificate     ${sample[0]?.certificate_id ?? '-'}`);

dlqSub.unsubscribe();
if (args.keep) {
  say(
    `\nKept: psql ${databaseUrl} -c 'SELECT certificate_id, vaccination_event_id, worker ` +
      `FROM ${schema}.certificates LIMIT 5'`,
  );
} else {
  await dropRegistrySchema(pool, schema);
  for (const stream of [names.stream, names.eventsStream]) await jsm.streams.delete(stream).catch(() => undefined);
  say(`\nCleaned up (schema ${schema} and the streams; pass --keep to inspect them).`);
}
await rm(keyDir, { recursive: true, force: true });
await nc.drain();
await pool.end();
const ok = counts.certificates === counts.events && counts.missing === 0 && verified === sample.length;
if (args.json) {
  const firstMs = span.first === null ? null : Math.round(span.first - relayStart);
  const lastMs = span.last === null ? null : Math.round(span.last - relayStart);
  const summary = {
    ok,
    events: counts.events,
    workers: workerCount,
    certificates: counts.certificates,
    distinctEvents: counts.events_certified,
    missing: counts.missing,
    deadLettered: counts.failures,
    // From the relay's start to the last certificate, the workers up: outbox → stream → workers → PostgreSQL.
    endToEndPerSecond: lastMs ? Math.round((counts.certificates * 1000) / lastMs) : null,
    // Between the first and the last certificate (without the first certificate's latency).
    steadyPerSecond:
      lastMs && lastMs > firstMs ? Math.round(((counts.certificates - 1) * 1000) / (lastMs - firstMs)) : null,
    firstCertificateMs: firstMs,
    lastCertificateMs: lastMs,
    workerStartMs: startedAt.size ? Math.max(...startedAt.values()) - spawnedAt : null,
    perWorker: Object.fromEntries(
      byWorker.map((r) => [r.worker, { certificates: r.n, ...(perWorker.get(r.worker) ?? {}) }]),
    ),
    sampleVerified: `${verified}/${sample.length}`,
    // This process: the outbox relay, the progress queries and the sample verification.
    mainCpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
  };
  console.log(JSON.stringify(summary));
}
process.exit(ok ? 0 : 1);
