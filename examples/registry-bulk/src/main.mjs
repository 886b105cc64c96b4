#!/usr/bin/env node
// Certifies a registry's whole backlog: `node src/main.mjs [--events N] [--workers N] [--keep]`.
// Needs the built packages (`pnpm build` at the repository root) and PostgreSQL (DATABASE_URL).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generateKeyPair, serializeKeyFile, verificationMethodId } from '@divoc/keys';
import { certifyBacklog, createRegistrySchema, dropRegistrySchema, seedVaccinationEvents } from './registry.mjs';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000' },
    workers: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const schema = process.env.REGISTRY_SCHEMA ?? 'divoc_bulk_example';
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
const keyDir = await mkdtemp(join(tmpdir(), 'divoc-registry-bulk-'));
try {
  const keyPair = await generateKeyPair('Ed25519');
  const id = verificationMethodId(keyPair);
  const keyFile = join(keyDir, 'issuer.key.json');
  await writeFile(keyFile, serializeKeyFile({ keyPair, id }), { mode: 0o600 });

  await dropRegistrySchema(pool, schema);
  await createRegistrySchema(pool, schema);
  await seedVaccinationEvents(pool, schema, Number(values.events), { badEvery: 500 });

  // Ctrl-C stops cleanly: what was handed out is stored, the rest is issued by the next run.
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const summary = await certifyBacklog({
    pool,
    schema,
    keys: { module: new URL('./key-loader.mjs', import.meta.url), options: { keyFile } },
    issuer: id.split('#')[0],
    ...(values.workers !== undefined ? { workers: Number(values.workers) } : {}),
    signal: controller.signal,
    onReject: (r) => {
      const why = r.errors.map((e) => `${e.field}: ${e.reason}`).join('; ');
      console.log(`  rejected event line ${r.line} (${r.recordId}): ${why}`);
    },
  });
  const stored = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".certificates`);
  console.log(
    `issued ${summary.issued}, skipped ${summary.skipped}, failed ${summary.failed} ` +
      `in ${summary.seconds.toFixed(1)} s on ${summary.threads} worker threads` +
      `${summary.aborted ? ' (stopped: run again to finish)' : ''}; ${stored.rows[0].n} certificates in the table`,
  );
} finally {
  if (!values.keep) await dropRegistrySchema(pool, schema);
  await pool.end();
  await rm(keyDir, { recursive: true, force: true });
}
