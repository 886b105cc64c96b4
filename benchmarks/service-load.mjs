// Load test of @divoc/service over loopback HTTP: requests/s and p50/p99 latency for issue and verify.
// Bounded: a fixed number of requests per phase and a hard time cap for the whole run.
//
//   pnpm --filter @divoc/service... build && node benchmarks/service-load.mjs [--connections 16] [--requests 2000]
//   [--cap 120] [--json]
//   DIVOC_LOAD_POSTGRES=postgres://postgres@127.0.0.1:5432/test node benchmarks/service-load.mjs   (PostgreSQL storage)
//
// The service runs in a child process (its own event loop, as in production); this process is the client: plain
// node:http with a keep-alive agent, N connections, each taking the next request until the count is done.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};

if (args[0] === '--server') {
  // ---- server side --------------------------------------------------------------------------------------------
  const service = await import('../packages/service/dist/index.js');
  const keys = await import('../packages/keys/dist/index.js');
  const keyPair = await keys.generateKeyPair('Ed25519');
  const signer = keys.createSigner(keyPair, { id: keys.verificationMethodId(keyPair) });
  const apiKey = randomBytes(24).toString('base64url');
  let storage;
  let schema;
  if (process.env.DIVOC_LOAD_POSTGRES) {
    schema = `divoc_load_${randomBytes(4).toString('hex')}`;
    storage = await service.createPostgresStorage({
      connectionString: process.env.DIVOC_LOAD_POSTGRES,
      schema,
      maxConnections: 20,
    });
  }
  const running = await service.startService({
    listen: { host: '127.0.0.1', port: 0 },
    issuer: keys.didKeyFromKeyPair(keyPair),
    publicUrl: 'https://certs.example.test',
    keys: { vc: { signer, publicKeyJwk: keys.exportPublicJwk(keyPair) } },
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
  });
  process.send({ url: running.url, apiKey, storage: storage ? 'postgres' : 'memory' });
  process.on('message', async (m) => {
    if (m === 'stop') {
      await running.close();
      if (schema) {
        const pg = (await import('../packages/service/node_modules/pg/lib/index.js')).default;
        const pool = new pg.Pool({ connectionString: process.env.DIVOC_LOAD_POSTGRES, max: 1 });
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      }
      process.exit(0);
    }
  });
} else {
  // ---- client side --------------------------------------------------------------------------------------------
  const connections = opt('connections', 16);
  const requests = opt('requests', 2000);
  const capSeconds = opt('cap', 120);
  const json = args.includes('--json');
  const child = fork(fileURLToPath(import.meta.url), ['--server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const cap = setTimeout(() => {
    console.error(`service-load: hard time cap of ${capSeconds}s reached; stopping`);
    child.kill('SIGKILL');
    process.exit(3);
  }, capSeconds * 1000);
  const { url, apiKey, storage } = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`service exited (${code}) before listening`)));
  });
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });

  const post = (path, body) =>
    new Promise((resolve, reject) => {
      const payload = Buffer.from(JSON.stringify(body));
      const started = process.hrtime.bigint();
      const req = http.request(
        {
          host: hostname,
          port,
          path,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': payload.length, 'x-api-key': apiKey },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: Number(process.hrtime.bigint() - started) / 1e6,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

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

  async function phase(name, count, makeRequest) {
    const latencies = [];
    let next = 0;
    let failures = 0;
    const started = process.hrtime.bigint();
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
    latencies.sort((a, b) => a - b);
    const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
    return {
      name,
      requests: count,
      failures,
      seconds: +seconds.toFixed(2),
      rps: +(count / seconds).toFixed(1),
      p50: +pct(50).toFixed(1),
      p99: +pct(99).toFixed(1),
      max: +latencies[latencies.length - 1].toFixed(1),
    };
  }

  // Warm-up (JIT, JSON-LD context caches), then the measured phases.
  const sample = JSON.parse(
    (await post('/credentials/issue', { record: record(-1), template: 'vaccination-v2' })).body,
  );
  for (let i = 0; i < 50; i++) await post('/credentials/verify', { verifiableCredential: sample.credential });
  for (let i = 0; i < 20; i++)
    await post('/credentials/issue', { record: record(-100 - i), template: 'vaccination-v2' });

  const results = [];
  results.push(
    await phase('issue (record → signed VC + QR texts, new certificate each)', requests, (i) =>
      post('/credentials/issue', { record: record(i), template: 'vaccination-v2' }),
    ),
  );
  results.push(
    await phase('issue retry (same record: stored certificate)', requests, (i) =>
      post('/credentials/issue', { record: record(i % 100), template: 'vaccination-v2' }),
    ),
  );
  results.push(
    await phase('verify (VC-API, signature + status list)', requests, () =>
      post('/credentials/verify', { verifiableCredential: sample.credential }),
    ),
  );
  results.push(
    await phase('verify (compact QR text)', requests, () =>
      post('/credentials/verify', { input: sample.outputs['vc-compact'].text }),
    ),
  );

  clearTimeout(cap);
  child.send('stop');
  agent.destroy();
  const cpus = (await import('node:os')).cpus();
  const header =
    `Node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim()}, loopback, ${connections} ` +
    `connections, ${requests} requests per phase, storage ${storage}`;
  if (json) console.log(JSON.stringify({ header, results }, null, 2));
  else {
    console.log(`\n${header}\n`);
    console.log('| phase | req/s | p50 ms | p99 ms | max ms | non-2xx |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of results) console.log(`| ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.max} | ${r.failures} |`);
  }
  if (results.some((r) => r.failures > 0)) process.exitCode = 1;
}
