// Load test of @divoc/service over loopback HTTP: requests/s and p50/p99 latency for issue and verify, next to the
// library doing the same work in the same run (issueAllFormats / verify, one thread) and the one-thread CLI
// (`divoc issue --workers 0 --format vc --layout ndjson --no-fsync`, process start-up included), plus the service
// process's peak resident set. Bounded: a fixed number of requests per phase and a hard time cap for the whole run.
//
//   pnpm --filter @divoc/service... build && node benchmarks/service-load.mjs [--service] [--connections 16[,64]]
//     [--requests N] [--storage postgres|memory] [--threads N] [--profile DIR] [--no-cli] [--cap SECONDS] [--json]
//
//   --service      what `pnpm bench --service` runs: PostgreSQL storage, 16 and 64 connections, 10000 requests per
//                  phase (each can still be given explicitly; --storage memory for the in-memory store)
//   --storage      postgres: DIVOC_LOAD_POSTGRES, default postgres://postgres@127.0.0.1:5432/test (a fresh schema,
//                  dropped at the end). Without --service and --storage: PostgreSQL when DIVOC_LOAD_POSTGRES is set.
//   --threads N    `threads: { count: N, keys, trust }` in the service config: sign and verify on N threads, each
//                  loading the key file the service itself loaded (default with --service: one per CPU; otherwise
//                  only when given: without it, the main thread; --threads 0 for the main thread)
//   --profile DIR  a V8 CPU profile of the service process, written when it stops
//   --warmup N     requests of each kind before the phases (default 2000 with --service, else 300)
//   --phases LIST  only these phases (issue,issue-vc,issue-retry,verify,verify-compact; default all)
//   --no-cli       skip the CLI baseline (it spawns the built packages/cli/dist/bin.js)
//
// The service runs in a child process (its own event loop, as in production); this process is the client: N
// keep-alive connections (lib/http-load.mjs: lean, so the client takes little of the machine's CPU from the service),
// each taking the next request until the count is done. The harness
// uses only the service's public API (startService, storages) and HTTP, so it measures whatever the service does.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openConnections } from './lib/http-load.mjs';
import { machineCpu, peakRssMiB as vmHwmMiB, processCpuSeconds, serverCpuSeconds } from './lib/proc.mjs';

const SELF = fileURLToPath(import.meta.url);
const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';
const TEMPLATE = 'vaccination-v2';
/** Goals of issue 17 (the service against the one-thread CLI; the memory of one service process). */
const GOALS = { serviceOverCli: 1.4, peakRssMiB: 512 };

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const value = (name) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const numberOf = (name, fallback) => {
  const v = value(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${v}`);
  return n;
};

const isMain = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(SELF);
  } catch {
    return false;
  }
})();

/** The same synthetic registry record on both sides (service and library); `i` makes each a new certificate. */
const record = (i) => ({
  refId: `LOAD-${i}`,
  name: 'Load Test Person',
  dob: '1980-02-29',
  gender: 'Female',
  identity: `did:example:load:${i}`,
  vaccine: 'Covishield',
  batch: 'LT0001',
  vaccinationDate: '2021-07-12',
  dose: 1,
  totalDoses: 2,
  facilityName: 'Load Test PHC',
  facilityCountry: 'IN',
  vaccinatorName: 'Dr. Load',
});

/** Drops a load-test schema (best effort: the run's numbers matter more than a leftover schema). */
async function dropSchema(connectionString, schema) {
  const pg = (await import('../packages/service/node_modules/pg/lib/index.js')).default;
  const pool = new pg.Pool({ connectionString, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pool.end();
  }
}

async function serverMain() {
  const service = await import('../packages/service/dist/index.js');
  const keys = await import('../packages/keys/dist/index.js');
  const keyPair = await keys.generateKeyPair('Ed25519');
  const issuer = keys.didKeyFromKeyPair(keyPair);
  // A throwaway key in a private key file (0600, removed at the end), loaded as a config file's `keys.vc` is: issuance
  // threads load their own copy from the file, since signers cannot cross threads.
  const keyDir = mkdtempSync(join(tmpdir(), 'divoc-load-key-'));
  await keys.writePrivateKeyFile(
    join(keyDir, 'vc.key.json'),
    keys.serializeKeyFile({ keyPair, id: keys.verificationMethodId(keyPair), controller: issuer }),
  );
  const {
    signer,
    publicKeyJwk,
    id: verificationMethod,
  } = await service.defaultKeyLoader('vc.key.json', {
    baseDir: keyDir,
  });
  const apiKey = randomBytes(24).toString('base64url');
  const postgres = value('storage') === 'postgres' ? process.env.DIVOC_LOAD_POSTGRES : undefined;
  const threads = value('threads');
  let storage;
  let schema;
  if (postgres) {
    schema = `divoc_load_${randomBytes(4).toString('hex')}`;
    storage = await service.createPostgresStorage({ connectionString: postgres, schema, maxConnections: 20 });
  }
  // Peak resident set seen by the process itself, every 100 ms (where /proc is missing, the client asks for this).
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  sampler.unref();
  const running = await service
    .startService({
      listen: { host: '127.0.0.1', port: 0 },
      issuer,
      publicUrl: 'https://certs.example.test',
      keys: { vc: { signer, publicKeyJwk } },
      auth: {
        apiKeys: [
          {
            id: 'load',
            sha256: service.sha256Hex(apiKey),
            scopes: ['credentials:issue', 'credentials:verify', 'credentials:read'],
          },
        ],
      },
      rateLimit: false,
      logger: false,
      ...(storage ? { storage } : {}),
      // Only when asked, so a service without the option starts as before.
      ...(threads !== undefined
        ? {
            threads: {
              count: Number(threads),
              keys: { configKeys: { vc: 'vc.key.json' }, baseDir: keyDir },
              // Verify there too: no trust files, the service's own key (as the main thread trusts it).
              trust: { files: [], baseDir: keyDir },
            },
          }
        : {}),
    })
    .catch(async (error) => {
      rmSync(keyDir, { recursive: true, force: true });
      if (schema) await dropSchema(postgres, schema).catch(() => {});
      throw error;
    });
  // Public key material only: the client verifies with the service's key as the service trusts it.
  process.send({
    type: 'ready',
    url: running.url,
    apiKey,
    storage: storage ? 'postgres' : 'memory',
    schema,
    keyDir,
    issuer,
    verificationMethod,
    publicKeyJwk,
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(sampler);
    await running.close();
    rmSync(keyDir, { recursive: true, force: true });
    if (schema) await dropSchema(postgres, schema).catch(() => {});
    process.exit(0);
  };
  process.on('message', (m) => {
    if (m === 'rss') process.send({ type: 'rss', peakRss: Math.max(peakRss, process.memoryUsage().rss) });
    if (m === 'stop') void stop();
  });
  // The client died (an error, Ctrl-C): the listening server would otherwise keep this process alive.
  process.on('disconnect', () => void stop());
}

/** Runs `fn` `count` times in a row on this thread: records/s on the wall clock and per CPU-second. */
async function sequential(count, fn) {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await fn(i);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return {
    count,
    seconds: +seconds.toFixed(2),
    perSecond: +(count / seconds).toFixed(1),
    perCpuSecond: +(count / cpuSeconds).toFixed(1),
  };
}

async function clientMain() {
  const service = flag('service');
  const storageKind = value('storage') ?? (service || process.env.DIVOC_LOAD_POSTGRES ? 'postgres' : 'memory');
  if (storageKind !== 'postgres' && storageKind !== 'memory') throw new Error('--storage must be postgres or memory');
  const postgresUrl = process.env.DIVOC_LOAD_POSTGRES || DEFAULT_POSTGRES;
  const connectionCounts = (value('connections') ?? (service ? '16,64' : '16')).split(',').map(Number);
  if (connectionCounts.some((c) => !Number.isInteger(c) || c < 1)) throw new Error('--connections must be N[,N...]');
  const requests = numberOf('requests', service ? 10000 : 2000);
  if (requests < 1) throw new Error('--requests must be at least 1');
  const capSeconds = numberOf('cap', service ? 900 : 300);
  // With --service, one issuance thread per CPU (as docs/service.md advises); otherwise the main thread unless given.
  const threads = numberOf('threads', service ? availableParallelism() : undefined);
  const runCli = !flag('no-cli');
  const PHASES = ['issue', 'issue-vc', 'issue-retry', 'verify', 'verify-compact'];
  const phases = (value('phases') ?? PHASES.join(',')).split(',');
  if (phases.some((p) => !PHASES.includes(p))) throw new Error(`--phases takes some of ${PHASES.join(',')}`);
  const json = flag('json');
  const profileDir = value('profile');
  // --profile DIR: a V8 CPU profile of the service process (written when it stops), for `node --cpu-prof` readers.
  const execArgv = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir];
  const progress = (text) => process.stderr.write(`  service-load: ${text}\n`);

  const child = fork(
    SELF,
    ['--server', '--storage', storageKind, ...(threads !== undefined ? ['--threads', String(threads)] : [])],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv,
      env: { ...process.env, DIVOC_LOAD_POSTGRES: postgresUrl },
    },
  );
  let ready;
  const cap = setTimeout(async () => {
    console.error(`service-load: hard time cap of ${capSeconds}s reached; stopping`);
    child.kill('SIGKILL');
    if (ready?.keyDir) rmSync(ready.keyDir, { recursive: true, force: true });
    if (ready?.schema) await dropSchema(postgresUrl, ready.schema).catch(() => {});
    process.exit(3);
  }, capSeconds * 1000);
  ready = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`service exited (${code}) before listening`)));
  });
  const { url, apiKey, storage } = ready;
  const { hostname, port } = new URL(url);
  const loadBefore = loadavg();
  // 64 connections for the warm-up; each phase opens its own count.
  let http = openConnections(hostname, port, 64);
  const request = (method, path, body, extraHeaders = {}) =>
    http.request(
      method,
      path,
      {
        'x-api-key': apiKey,
        ...extraHeaders,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body === undefined ? undefined : JSON.stringify(body),
    );
  const post = (path, body) => request('POST', path, body);
  // Issue requests carry an Idempotency-Key, as docs/service.md asks registries to send on every one.
  const keyPrefix = `load-${Date.now().toString(36)}`;
  let keys = 0;
  const issue = (body) => request('POST', '/credentials/issue', body, { 'idempotency-key': `${keyPrefix}-${keys++}` });

  async function phase(key, name, connections, count, makeRequest) {
    if (!phases.includes(key)) return undefined;
    const latencies = [];
    let next = 0;
    let failures = 0;
    const started = process.hrtime.bigint();
    const cpuBefore = processCpuSeconds(child.pid);
    const pgBefore = serverCpuSeconds('postgres');
    const clientBefore = process.cpuUsage();
    const machineBefore = machineCpu();
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const res = await makeRequest(i);
        latencies.push(res.ms);
        if (res.status >= 300) failures++;
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuAfter = processCpuSeconds(child.pid);
    const pgAfter = serverCpuSeconds('postgres');
    const client = process.cpuUsage(clientBefore);
    const machineAfter = machineCpu();
    const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? ((cpuAfter - cpuBefore) * 1000) / count : null;
    latencies.sort((a, b) => a - b);
    const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
    progress(`${key} at ${connections} connections done`);
    return {
      key,
      name,
      connections,
      requests: count,
      failures,
      seconds: +seconds.toFixed(2),
      rps: +(count / seconds).toFixed(1),
      p50: +pct(50).toFixed(1),
      p99: +pct(99).toFixed(1),
      max: +latencies[latencies.length - 1].toFixed(1),
      cpuMsPerRequest: cpuMs === null ? null : +cpuMs.toFixed(3),
      // The rest of the machine's CPU per request: every PostgreSQL process, and this load generator.
      postgresCpuMsPerRequest:
        pgBefore !== undefined && pgAfter !== undefined ? +(((pgAfter - pgBefore) * 1000) / count).toFixed(3) : null,
      clientCpuMsPerRequest: +((client.user + client.system) / 1000 / count).toFixed(3),
      // Share of the machine's CPUs busy during the phase (everything: service, PostgreSQL, client, anything else).
      machineBusyPercent:
        machineBefore && machineAfter
          ? +((100 * (machineAfter.busy - machineBefore.busy)) / (machineAfter.total - machineBefore.total)).toFixed(1)
          : null,
    };
  }

  // Warm-up (JIT, JSON-LD context caches), then the measured phases.
  const first = await post('/credentials/issue', { record: record(-1), template: TEMPLATE });
  if (first.status >= 300) throw new Error(`warm-up issue failed: ${first.status} ${first.body.slice(0, 300)}`);
  const sample = JSON.parse(first.body);
  // Every request kind, 64 at a time, `warmup` times each: each issuance thread has its own JIT and caches, and a
  // service runs for hours, so the phases measure the steady state rather than each thread's first compilations.
  const warmup = numberOf('warmup', service ? 2000 : 300);
  const warmKinds = [
    (i) => post('/credentials/issue', { record: record(-100 - i), template: TEMPLATE }),
    (i) => post('/credentials/issue', { record: record(-100 - warmup - i), template: TEMPLATE, formats: ['w3c-vc'] }),
    () => post('/credentials/verify', { verifiableCredential: sample.credential }),
    () => post('/credentials/verify', { input: sample.outputs['vc-compact'].text }),
  ];
  for (const kind of warmKinds) {
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < warmup) {
          const res = await kind(next++);
          if (res.status >= 300) throw new Error(`warm-up request failed: ${res.status} ${res.body.slice(0, 300)}`);
        }
      }),
    );
  }
  progress(`warm-up done (${warmup} requests of each kind)`);

  // Every phase of new certificates takes records no earlier phase used (one service for every connection count).
  let nextRecord = 0;
  const results = [];
  const keep = (result) => result !== undefined && results.push(result);
  for (const connectionCount of connectionCounts) {
    http.close();
    http = openConnections(hostname, port, connectionCount);
    const base = nextRecord;
    nextRecord += requests;
    keep(
      await phase(
        'issue',
        'issue (record → signed VC + QR texts, new certificate each, Idempotency-Key)',
        connectionCount,
        requests,
        (i) => issue({ record: record(base + i), template: TEMPLATE }),
      ),
    );
    // Like for like with `divoc issue --format vc`: the W3C credential only (the service adds nothing else).
    const vcBase = nextRecord;
    nextRecord += requests;
    keep(
      await phase(
        'issue-vc',
        'issue, W3C VC only (formats: ["w3c-vc"]), new certificate each, Idempotency-Key',
        connectionCount,
        requests,
        (i) => issue({ record: record(vcBase + i), template: TEMPLATE, formats: ['w3c-vc'] }),
      ),
    );
    keep(
      await phase('issue-retry', 'issue retry (same record: stored certificate)', connectionCount, requests, (i) =>
        post('/credentials/issue', { record: record(base + (i % 100)), template: TEMPLATE }),
      ),
    );
    keep(
      await phase('verify', 'verify (VC-API, signature + status list)', connectionCount, requests, () =>
        post('/credentials/verify', { verifiableCredential: sample.credential }),
      ),
    );
    keep(
      await phase('verify-compact', 'verify (compact QR text)', connectionCount, requests, () =>
        post('/credentials/verify', { input: sample.outputs['vc-compact'].text }),
      ),
    );
  }
  const loadAfter = loadavg();

  // The status list the service verifies against, as any verifier fetches it (public route, no internals).
  const listUrl = [sample.credential.credentialStatus].flat()[0]?.statusListCredential;
  let statusList;
  if (listUrl !== undefined) {
    const res = await request('GET', new URL(listUrl).pathname);
    if (res.status === 200) statusList = JSON.parse(res.body);
  }

  // Peak memory of the service process: VmHWM (whole process, threads included) or, without /proc, its own samples.
  const sampled = await new Promise((resolve) => {
    const onMessage = (m) => {
      if (m?.type === 'rss') {
        child.off('message', onMessage);
        resolve(Math.round(m.peakRss / 1024 / 1024));
      }
    };
    child.on('message', onMessage);
    child.send('rss');
  });
  const peakRssMiB = vmHwmMiB(child.pid) ?? sampled;
  http.close();
  // Stop the service before the baselines, so they have the machine the service had.
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.send('stop');
  });

  // ---- library baseline: the same records, the same formats, one thread, in this process --------------------------
  const issuerLib = await import('../packages/issuer/dist/index.js');
  const verifierLib = await import('../packages/verifier/dist/index.js');
  const keysLib = await import('../packages/keys/dist/index.js');
  // Same key type as the service's (its private key stays in its process); the work per signature is the same.
  const keyPair = await keysLib.generateKeyPair('Ed25519');
  const signer = keysLib.createSigner(keyPair, { id: keysLib.verificationMethodId(keyPair) });
  const libKeys = { vc: { signer, suite: issuerLib.defaultSuiteFor(signer), verificationMethod: signer.id } };
  const libIssuer = keysLib.didKeyFromKeyPair(keyPair);
  // The formats the service returned for a record (its defaults: w3c-vc and the QR formats its keys allow).
  const formats = ['w3c-vc', ...Object.keys(sample.outputs).filter((f) => f !== 'w3c-vc')];
  const statusTemplate = [sample.credential.credentialStatus].flat()[0];
  const libIssue = (i, only = formats) =>
    issuerLib.issueAllFormats(
      { record: record(i), template: TEMPLATE },
      {
        keys: libKeys,
        issuer: libIssuer,
        formats: only,
        // A status entry as the service allocates one (a new index per record), signed into the credential.
        ...(statusTemplate
          ? {
              credentialStatus: {
                ...statusTemplate,
                id: `${statusTemplate.statusListCredential}#${i + 1}`,
                statusListIndex: String(i + 1),
              },
            }
          : {}),
      },
    );
  const check = await libIssue(0);
  const libFormats = Object.keys(check.outputs);
  if (!formats.every((f) => libFormats.includes(f)))
    throw new Error(`library issued ${libFormats.join(', ')}; the service issued ${formats.join(', ')}`);
  for (let i = 0; i < 50; i++) await libIssue(1_000_000 + i);
  const libraryIssue = await sequential(requests, (i) => libIssue(i));
  const libraryIssueVc = await sequential(requests, (i) => libIssue(requests + i, ['w3c-vc']));
  progress('library issue done');

  const trust = new verifierLib.Trust();
  trust.addTrustListEntry({
    id: ready.verificationMethod,
    type: 'Ed25519',
    controller: ready.issuer,
    publicKeyJwk: ready.publicKeyJwk,
  });
  const verifyOptions = { trust, revocation: { statusLists: statusList ? [statusList] : [] } };
  // Positive controls: the library must accept what the service issued, or its rate means nothing.
  for (const input of [sample.credential, sample.outputs['vc-compact'].text]) {
    const result = await verifierLib.verify(input, verifyOptions);
    if (!result.valid) throw new Error(`library verify rejected the service's credential: ${JSON.stringify(result)}`);
  }
  for (let i = 0; i < 50; i++) await verifierLib.verify(sample.credential, verifyOptions);
  const libraryVerify = await sequential(requests, () => verifierLib.verify(sample.credential, verifyOptions));
  const libraryVerifyCompact = await sequential(requests, () =>
    verifierLib.verify(sample.outputs['vc-compact'].text, verifyOptions),
  );
  progress('library verify done');

  // ---- CLI baseline: one thread of `divoc issue`, process start-up included (as bulk.bench.mjs runs it) ------------
  let cli;
  if (runCli) {
    const { runOurs } = await import('./bulk.bench.mjs');
    const run = await runOurs({ rows: requests, format: 'vc', workers: 0, layout: 'ndjson', fsync: false });
    cli = {
      command: 'divoc issue --workers 0 --format vc --layout ndjson --no-fsync',
      records: run.rows,
      issued: run.issued,
      seconds: run.seconds,
      recordsPerSecond: run.recordsPerSecond,
      peakRssMiB: run.peakRssMiB,
    };
    progress('CLI baseline done');
  }
  clearTimeout(cap);

  const library = {
    issue: libraryIssue,
    'issue-vc': libraryIssueVc,
    verify: libraryVerify,
    'verify-compact': libraryVerifyCompact,
  };
  for (const r of results) {
    const lib = library[r.key];
    if (lib) r.library = { perSecond: lib.perSecond, ratio: +(r.rps / lib.perSecond).toFixed(2) };
    if (r.key === 'issue-vc' && cli)
      r.cli = { perSecond: cli.recordsPerSecond, ratio: +(r.rps / cli.recordsPerSecond).toFixed(2) };
  }
  const cpuList = cpus();
  const report = {
    header:
      `Node ${process.version}, ${cpuList.length} × ${cpuList[0]?.model.trim()}, loopback, storage ${storage}, ` +
      `${requests} requests per phase, connections ${connectionCounts.join('/')}, ` +
      `threads ${threads ?? 'service default'}, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} → ` +
      `${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
    node: process.version,
    date: new Date().toISOString(),
    storage,
    requests,
    connections: connectionCounts,
    threads: threads ?? null,
    formats,
    results,
    library: {
      issue: libraryIssue,
      issueVc: libraryIssueVc,
      verify: libraryVerify,
      verifyCompact: libraryVerifyCompact,
    },
    cli: cli ?? null,
    peakRssMiB,
    goals: {
      serviceOverCli: cli
        ? Object.fromEntries(
            results
              .filter((r) => r.key === 'issue-vc')
              .map((r) => [
                r.connections,
                { goal: GOALS.serviceOverCli, ratio: r.cli.ratio, reached: r.cli.ratio >= GOALS.serviceOverCli },
              ]),
          )
        : null,
      peakRssMiB: { goal: GOALS.peakRssMiB, value: peakRssMiB, reached: peakRssMiB <= GOALS.peakRssMiB },
    },
  };
  if (json) console.log(JSON.stringify(report, null, 2));
  else console.log(`\n${formatServiceReport(report)}`);
  if (results.some((r) => r.failures > 0)) process.exitCode = 1;
}

/** The tables of one run (its `--json` object): service phases with the library and CLI ratios, baselines, memory. */
export function formatServiceReport(report) {
  const lines = [report.header, ''];
  lines.push(
    '| phase | conns | req/s | p50 ms | p99 ms | max ms | non-2xx | CPU ms/req: service / PostgreSQL / client | ' +
      'machine busy | library /s | service/library | service/CLI |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const times = (x) => (x === undefined ? '-' : `${x.ratio}×`);
  for (const r of report.results) {
    lines.push(
      `| ${r.name} | ${r.connections} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.max} | ${r.failures} | ` +
        `${r.cpuMsPerRequest ?? '-'} / ${r.postgresCpuMsPerRequest ?? '-'} / ${r.clientCpuMsPerRequest ?? '-'} | ` +
        `${r.machineBusyPercent ?? '-'} % | ` +
        `${r.library?.perSecond ?? '-'} | ${times(r.library)} | ${times(r.cli)} |`,
    );
  }
  lines.push('');
  lines.push('| baseline (same run, one thread) | records | seconds | records/s | per CPU-second |');
  lines.push('|---|---:|---:|---:|---:|');
  const lib = report.library;
  lines.push(
    `| library issueAllFormats (${report.formats.join(', ')}) | ${lib.issue.count} | ${lib.issue.seconds} | ` +
      `${lib.issue.perSecond} | ${lib.issue.perCpuSecond} |`,
  );
  lines.push(
    `| library issueAllFormats (w3c-vc) | ${lib.issueVc.count} | ${lib.issueVc.seconds} | ${lib.issueVc.perSecond} | ` +
      `${lib.issueVc.perCpuSecond} |`,
  );
  lines.push(
    `| library verify (VC, status list) | ${lib.verify.count} | ${lib.verify.seconds} | ${lib.verify.perSecond} | ` +
      `${lib.verify.perCpuSecond} |`,
  );
  lines.push(
    `| library verify (compact QR text) | ${lib.verifyCompact.count} | ${lib.verifyCompact.seconds} | ` +
      `${lib.verifyCompact.perSecond} | ${lib.verifyCompact.perCpuSecond} |`,
  );
  if (report.cli)
    lines.push(
      `| \`${report.cli.command}\` (start-up included; ${report.cli.issued} issued) | ${report.cli.records} | ` +
        `${report.cli.seconds} | ${report.cli.recordsPerSecond} | - |`,
    );
  lines.push('');
  if (report.goals.serviceOverCli)
    for (const [connections, g] of Object.entries(report.goals.serviceOverCli))
      lines.push(
        `service issue (W3C VC only) / CLI at ${connections} connections: ${g.ratio}× ` +
          `(goal ≥ ${g.goal}×: ${g.reached ? 'yes' : 'no'})`,
      );
  const m = report.goals.peakRssMiB;
  lines.push(`peak RSS of the service process: ${m.value} MiB (goal ≤ ${m.goal} MiB: ${m.reached ? 'yes' : 'no'})`);
  return lines.join('\n');
}

if (isMain) {
  if (args[0] === '--server') await serverMain();
  else await clientMain();
}
