/**
 * The registry example against PostgreSQL on loopback (127.0.0.1:5432, database `test`; `.ci/run` starts it when
 * down): a cursor over the registry's vaccination events in, certificates written back to its table, an abort
 * half-way and a resume. Each run uses a schema of its own and drops it after.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  generateKeyPair,
  serializeKeyFile,
  TrustStore,
  trustedKeyFromKeyPair,
  verificationMethodId,
} from '@divoc/keys';
import { verifyCredential } from '@divoc/vc';
import type { BulkRejection, BulkSummary, CertificateSink } from '@divoc/bulk';
// @ts-expect-error plain .mjs module without types
import * as registryModule from '../src/registry.mjs';

interface RegistryApi {
  createRegistrySchema(db: pg.Pool, schema: string): Promise<void>;
  dropRegistrySchema(db: pg.Pool, schema: string): Promise<void>;
  seedVaccinationEvents(db: pg.Pool, schema: string, count: number, options?: { badEvery?: number }): Promise<void>;
  certificateTable(db: pg.Pool, schema: string): CertificateSink;
  certifyBacklog(options: {
    pool: pg.Pool;
    schema: string;
    keys: unknown;
    issuer: string;
    workers?: number;
    signal?: AbortSignal;
    onProgress?: (counts: { issued: number }) => void;
    onReject?: (rejection: BulkRejection) => void;
  }): Promise<BulkSummary>;
}
const registry = registryModule as RegistryApi;

const DATABASE_URL = process.env.DIVOC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const EVENTS = 400;
const BAD_EVERY = 50; // events 50, 100, …, 400 name an unknown vaccine
const schema = `divoc_bulk_t_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

let pool: pg.Pool;
let keyDir: string;
let keyFile: string;
let issuer: string;
let trustStore: TrustStore;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  await registry.createRegistrySchema(pool, schema);
  await registry.seedVaccinationEvents(pool, schema, EVENTS, { badEvery: BAD_EVERY });
  const keyPair = await generateKeyPair('Ed25519');
  const id = verificationMethodId(keyPair);
  issuer = id.split('#')[0] as string;
  trustStore = new TrustStore();
  trustStore.add(trustedKeyFromKeyPair(keyPair, { id }));
  keyDir = await mkdtemp(join(tmpdir(), 'divoc-registry-bulk-'));
  keyFile = join(keyDir, 'issuer.key.json');
  await writeFile(keyFile, serializeKeyFile({ keyPair, id }), { mode: 0o600 });
});

afterAll(async () => {
  await registry.dropRegistrySchema(pool, schema).catch(() => undefined);
  await pool?.end();
  if (keyDir) await rm(keyDir, { recursive: true, force: true });
});

const keyLoader = () => ({ module: new URL('../src/key-loader.mjs', import.meta.url), options: { keyFile } });
const count = async (sql: string): Promise<number> => ((await pool.query(sql)).rows[0] as { n: number }).n;

describe('a PostgreSQL registry embedding issueBulk', () => {
  const good = EVENTS - EVENTS / BAD_EVERY;

  it('an aborted run stores part of the backlog; the resumed run the rest, every event exactly once', async () => {
    const controller = new AbortController();
    const rejected: BulkRejection[] = [];
    const first = await registry.certifyBacklog({
      pool,
      schema,
      keys: keyLoader(),
      issuer,
      workers: 0,
      signal: controller.signal,
      onProgress: (counts) => {
        if (counts.issued >= 100) controller.abort();
      },
      onReject: (r) => rejected.push(r),
    });
    expect(first.aborted).toBe(true);
    expect(first.issued).toBeGreaterThanOrEqual(100);
    expect(first.issued).toBeLessThan(good);
    expect(await count(`SELECT count(*)::int AS n FROM "${schema}".certificates`)).toBe(first.issued);

    const onReject = (r: BulkRejection) => rejected.push(r);
    const second = await registry.certifyBacklog({ pool, schema, keys: keyLoader(), issuer, workers: 0, onReject });
    expect(second.aborted).toBe(false);
    expect(second.skipped).toBe(first.issued);
    expect(first.issued + second.issued).toBe(good);

    // Nothing lost, nothing twice: one certificate per good event, none for a bad one.
    expect(await count(`SELECT count(*)::int AS n FROM "${schema}".certificates`)).toBe(good);
    expect(await count(`SELECT count(DISTINCT registration_code)::int AS n FROM "${schema}".certificates`)).toBe(good);
    const missing = await count(`
      SELECT count(*)::int AS n FROM "${schema}".vaccination_events e
      WHERE e.vaccine = 'COVISHIELD'
        AND NOT EXISTS (SELECT 1 FROM "${schema}".certificates c WHERE c.registration_code = e.registration_code)`);
    expect(missing).toBe(0);
    const forBadEvents = await count(`SELECT count(*)::int AS n FROM "${schema}".certificates c
      JOIN "${schema}".vaccination_events e ON e.registration_code = c.registration_code
      WHERE e.vaccine <> 'COVISHIELD'`);
    expect(forBadEvents).toBe(0);
    // The bad events are reported with their line in the cursor (each run reports the ones it read).
    const badIds = Array.from({ length: EVENTS / BAD_EVERY }, (_, i) => `REG-${(i + 1) * BAD_EVERY}`);
    expect(new Set(rejected.map((r) => r.recordId))).toEqual(new Set(badIds));
    expect(rejected.every((r) => r.errors[0]?.field === 'vaccine')).toBe(true);
  });

  it('the certificates written back verify; a tampered copy does not (control)', async () => {
    const sql = `SELECT credential, vc_compact FROM "${schema}".certificates ORDER BY source_line LIMIT 3`;
    const rows = (await pool.query(sql)).rows as { credential: Record<string, unknown>; vc_compact: string }[];
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.vc_compact).toMatch(/^DIVOC1:/);
      expect((await verifyCredential(row.credential, { trust: trustStore })).valid).toBe(true);
    }
    const tampered = structuredClone(rows[0]?.credential) as { credentialSubject: { name: string } };
    tampered.credentialSubject.name = 'Someone Else';
    expect((await verifyCredential(tampered, { trust: trustStore })).valid).toBe(false);
  });

  it('a third run finds everything stored and writes nothing', async () => {
    const before = await count(`SELECT count(*)::int AS n FROM "${schema}".certificates`);
    const third = await registry.certifyBacklog({ pool, schema, keys: keyLoader(), issuer, workers: 0 });
    expect(third).toMatchObject({ issued: 0, skipped: good, failed: EVENTS / BAD_EVERY });
    expect(await count(`SELECT count(*)::int AS n FROM "${schema}".certificates`)).toBe(before);
  });

  it('the sink reports only what the table holds (control: an unknown id is not reported)', async () => {
    const sink = registry.certificateTable(pool, schema);
    const sql = `SELECT certificate_id FROM "${schema}".certificates LIMIT 1`;
    const stored = ((await pool.query(sql)).rows[0] as { certificate_id: string }).certificate_id;
    expect([...(await sink.has([stored, 'no-such-certificate']))]).toEqual([stored]);
  });
});
