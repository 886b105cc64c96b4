#!/usr/bin/env node
// One certificate worker process: `node src/worker.mjs`. Run as many as the queue needs; they share one durable
// JetStream consumer. Settings come from the environment (see README.md). SIGTERM/SIGINT stop it gracefully.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { connect } from 'nats';
import pg from 'pg';
import { createSigner, importKeyPair, verificationMethodId } from '@divoc/keys';
import { startWorker } from '@divoc/worker';
import { postgresRegistryAdapter } from './adapter.mjs';
import { DEFAULTS } from './config.mjs';

const env = process.env;
const int = (name, fallback) => (env[name] === undefined ? fallback : Number.parseInt(env[name], 10));
const keyFile = env.DIVOC_KEY_FILE;
const pkcs11Uri = env.DIVOC_PKCS11_URI;
if (!keyFile && !pkcs11Uri) {
  console.error(
    'set DIVOC_KEY_FILE (an Ed25519 private key, JWK) or DIVOC_PKCS11_URI (a key in an HSM) for the worker to ' +
      'sign with',
  );
  process.exit(2);
}
const workerId = env.DIVOC_WORKER_ID ?? `${hostname()}-${process.pid}`;
const schema = env.REGISTRY_SCHEMA ?? DEFAULTS.schema;

// The signer: a key in an HSM when DIVOC_PKCS11_URI is set (the private key never leaves the token; PIN from the
// URI's pin-source or DIVOC_PKCS11_PIN), else the key file. Neither the key nor the PIN appears in logs.
let signer;
let closeSigner = async () => undefined;
if (pkcs11Uri) {
  const { pkcs11UriTarget, openPkcs11Session, createPkcs11Signer, redactPkcs11Uri } =
    await import('@divoc/keys/pkcs11');
  const target = await pkcs11UriTarget(pkcs11Uri, {
    defaultModule: env.DIVOC_PKCS11_MODULE,
    fallback: env.DIVOC_PKCS11_PIN,
  });
  if (target.key === undefined)
    throw new Error(`${redactPkcs11Uri(pkcs11Uri)} names no key (add object=<label> or id=...)`);
  const session = await openPkcs11Session({ ...target.session, maxSessions: int('DIVOC_CONCURRENCY', 8) });
  const hsmSigner = await createPkcs11Signer(session, { ...target.key, signerId: 'pending' });
  // The verification method is the did:key of the token's public key, as for a key file.
  signer = {
    id: verificationMethodId(hsmSigner.publicKey),
    algorithm: hsmSigner.algorithm,
    sign: (data) => hsmSigner.sign(data),
  };
  closeSigner = () => session.close();
} else {
  const keyPair = await importKeyPair({ jwk: JSON.parse(await readFile(keyFile, 'utf8')) });
  signer = createSigner(keyPair, { id: verificationMethodId(keyPair) });
}

// Two batch queries per micro-batch and about two micro-batches in hand: a few connections are plenty.
const pool = new pg.Pool({ connectionString: env.DATABASE_URL ?? DEFAULTS.databaseUrl, max: int('DIVOC_DB_POOL', 4) });
pool.on('error', (error) =>
  console.error(JSON.stringify({ level: 'error', event: 'db-pool-error', worker: workerId, message: error.message })),
);
// noAsyncTraces: the client would capture two stack traces for every JetStream publish (the certified event) to
// enrich a rare timeout's message; without them a worker spends about 5 % less CPU per certificate.
const nc = await connect({
  servers: env.NATS_URL ?? DEFAULTS.natsUrl,
  name: `divoc-worker-${workerId}`,
  noAsyncTraces: true,
});

const verbose = env.DIVOC_LOG === 'debug';
const worker = await startWorker({
  nats: nc,
  registry: env.DIVOC_REGISTRY ?? DEFAULTS.registry,
  adapter: postgresRegistryAdapter({ pool, schema, workerId }),
  keys: { vc: signer },
  issuer: env.DIVOC_ISSUER ?? DEFAULTS.issuer,
  // The certificates table stores these two; DIVOC_FORMATS=w3c-vc measures the W3C credential alone.
  formats: (env.DIVOC_FORMATS ?? 'w3c-vc,divoc-qr').split(',').map((f) => f.trim()),
  // Defaults measured with benchmarks/worker-load.mjs (README.md): large pulls, about two batches in hand.
  concurrency: int('DIVOC_CONCURRENCY', 64),
  batchSize: int('DIVOC_BATCH_SIZE', 32),
  ackWait: int('DIVOC_ACK_WAIT_MS', 30_000),
  maxDeliver: int('DIVOC_MAX_DELIVER', 5),
  workerId,
  log: (entry) => {
    if (entry.level !== 'debug' || verbose) console.log(JSON.stringify(entry));
  },
});

let stopping = false;
const shutdown = async (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ level: 'info', event: 'shutdown', worker: workerId, signal }));
  await worker.stop();
  // CPU time and peak memory of this process too: the benchmark (benchmarks/worker-load.mjs) reports them.
  const usage = process.resourceUsage();
  const resources = {
    cpuUserMs: Math.round(usage.userCPUTime / 1000),
    cpuSystemMs: Math.round(usage.systemCPUTime / 1000),
    maxRssMb: Math.round(usage.maxRSS / 1024),
  };
  console.log(
    JSON.stringify({ level: 'info', event: 'metrics', worker: workerId, metrics: worker.metrics(), resources }),
  );
  await nc.drain();
  await pool.end();
  await closeSigner();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

worker.done.catch(async (error) => {
  console.error(JSON.stringify({ level: 'error', event: 'worker-died', worker: workerId, message: error.message }));
  await pool.end().catch(() => undefined);
  process.exit(1);
});
