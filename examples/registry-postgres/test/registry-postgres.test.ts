/**
 * Done-when test of the JetStream workers against the real services on loopback: PostgreSQL (127.0.0.1:5432,
 * database `test`) and NATS with JetStream (127.0.0.1:4222); `.ci/run` starts both when down.
 *
 * The worker processes run the BUILT packages (`node src/worker.mjs` imports `@divoc/worker`'s dist/). The root
 * `pnpm test` builds first; when running vitest alone, run `pnpm build` at the repository root before.
 * Each run uses its own PostgreSQL schema and registry name (subjects, streams, consumer) and removes them after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from 'nats';
import pg from 'pg';
import {
  exportPrivateJwk,
  generateKeyPair,
  trustedKeyFromKeyPair,
  TrustStore,
  verificationMethodId,
  writePrivateKeyFile,
} from '@divoc/keys';
import { verifyCredential } from '@divoc/vc';
import {
  defaultNames,
  ensureJetStream,
  subjectsFor,
  type CertifiedEvent,
  type DeadLetterEvent,
  type JetStreamSetup,
  WorkerEventError,
} from '@divoc/worker';
// @ts-expect-error plain .mjs module without types
import { createRegistrySchema, dropRegistrySchema, seedVaccinationEvents } from '../src/schema.mjs';
// @ts-expect-error plain .mjs module without types
import { startRelay } from '../src/relay.mjs';
// @ts-expect-error plain .mjs module without types
import { postgresRegistryAdapter } from '../src/adapter.mjs';

const DATABASE_URL = process.env.DIVOC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env.DIVOC_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const WORKER = fileURLToPath(new URL('../src/worker.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../../packages/worker/dist/index.js', import.meta.url));
const EVENTS = 2_000;

const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const schema = `divoc_t_${run}`;
const registry = `pg${run}`;
const s = `"${schema}"`;

let pool: pg.Pool;
let nc: NatsConnection;
let setup: JetStreamSetup;
let keyDir: string;
let keyFile: string;
let trustStore: TrustStore;
let relay: { stop(): Promise<void> } | undefined;
const children: ChildProcess[] = [];
const certified: CertifiedEvent[] = [];
const deadLetters: DeadLetterEvent[] = [];

interface WorkerProcess {
  child: ChildProcess;
  output: string[];
}

function startWorkerProcess(id: string): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [WORKER], {
    env: {
      ...process.env,
      DATABASE_URL,
      NATS_URL,
      REGISTRY_SCHEMA: schema,
      DIVOC_REGISTRY: registry,
      DIVOC_KEY_FILE: keyFile,
      DIVOC_WORKER_ID: id,
      DIVOC_CONCURRENCY: '8',
      DIVOC_ACK_WAIT_MS: '3000',
      DIVOC_MAX_DELIVER: '5',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => output.push(d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => output.push(d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${id} did not start: ${output.join('')}`)), 20_000);
    const check = (): void => {
      if (output.join('').includes('"event":"started"')) {
        clearTimeout(timer);
        resolve({ child, output });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${id} exited with ${code}: ${output.join('')}`));
    });
  });
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query(sql, params);
  return Number((rows[0] as { n: string | number }).n);
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  if (!existsSync(BUILT))
    throw new Error(
      `${BUILT} is missing: build first with \`pnpm build\` at the repository root (the root \`pnpm test\` does this)`,
    );
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  await pool.query('SELECT 1').catch((e: Error) => {
    throw new Error(`PostgreSQL is not reachable at ${DATABASE_URL} (see .ci/run): ${e.message}`);
  });
  nc = await connect({ servers: NATS_URL, name: 'divoc-example-test', timeout: 3_000 }).catch((e: Error) => {
    throw new Error(`NATS is not reachable at ${NATS_URL} (see .ci/run): ${e.message}`);
  });
  await createRegistrySchema(pool, schema);
  setup = await ensureJetStream(nc, { registry, ackWait: 3_000, maxDeliver: 5 });
  const subjects = subjectsFor(registry);
  const collect = <T>(subject: string, into: T[]): void => {
    const sub = nc.subscribe(subject);
    void (async () => {
      for await (const m of sub) into.push(JSON.parse(new TextDecoder().decode(m.data)) as T);
    })();
  };
  collect(subjects.certified, certified);
  collect(subjects.deadLetter, deadLetters);

  keyDir = await mkdtemp(join(tmpdir(), 'divoc-pg-test-'));
  keyFile = join(keyDir, 'issuer.jwk');
  const keyPair = await generateKeyPair('Ed25519');
  await writePrivateKeyFile(keyFile, JSON.stringify(exportPrivateJwk(keyPair)));
  trustStore = new TrustStore();
  trustStore.add(trustedKeyFromKeyPair(keyPair, { id: verificationMethodId(keyPair) }));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await relay?.stop();
  if (pool) {
    await dropRegistrySchema(pool, schema).catch((e: Error) =>
      console.error(`could not drop schema ${schema}: ${e.message}`),
    );
    await pool.end();
  }
  if (nc) {
    const jsm = await nc.jetstreamManager();
    const names = defaultNames(registry);
    for (const stream of [names.stream, names.eventsStream]) await jsm.streams.delete(stream).catch(() => undefined);
    await nc.drain();
  }
  if (keyDir) await rm(keyDir, { recursive: true, force: true });
});

describe('registry-postgres: outbox → JetStream → 2 worker processes → certificates', () => {
  let survivor: WorkerProcess;

  it(`certifies ${EVENTS} events exactly once while one worker is SIGKILLed mid-stream`, async () => {
    const [a, b] = await Promise.all([startWorkerProcess('worker-a'), startWorkerProcess('worker-b')]);
    survivor = b;
    await seedVaccinationEvents(pool, schema, { count: EVENTS });
    relay = await startRelay({ pool, schema, nats: nc, subject: setup.subjects.certify, pollMs: 100 });

    // Kill worker-a once it has done real work, while messages are in its hands.
    await waitFor(
      'worker-a to certify 200',
      async () => (await count(`SELECT count(*) AS n FROM ${s}.certificates WHERE worker = 'worker-a'`)) >= 200,
    );
    a.child.kill('SIGKILL');
    await new Promise((resolve) => a.child.once('exit', resolve));
    const atKill = await count(`SELECT count(*) AS n FROM ${s}.certificates`);
    expect(atKill).toBeLessThan(EVENTS); // mid-stream

    await waitFor(
      'every event certified',
      async () => (await count(`SELECT count(*) AS n FROM ${s}.certificates`)) >= EVENTS,
      100_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // let late redeliveries land, if any

    expect(await count(`SELECT count(*) AS n FROM ${s}.vaccination_events`)).toBe(EVENTS);
    expect(await count(`SELECT count(*) AS n FROM ${s}.certificates`)).toBe(EVENTS);
    expect(await count(`SELECT count(DISTINCT certificate_id) AS n FROM ${s}.certificates`)).toBe(EVENTS);
    expect(await count(`SELECT count(DISTINCT vaccination_event_id) AS n FROM ${s}.certificates`)).toBe(EVENTS);
    expect(
      await count(
        `SELECT count(*) AS n FROM ${s}.vaccination_events e WHERE NOT EXISTS (SELECT 1 FROM ${s}.certificates ` +
          `c WHERE c.vaccination_event_id = e.id)`,
      ),
    ).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM ${s}.certification_failures`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM ${s}.outbox WHERE sent_at IS NULL`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM ${s}.certificates WHERE worker = 'worker-b'`)).toBeGreaterThan(0);
    expect(deadLetters).toHaveLength(0);

    // The events stream holds one `certified` event per certificate (Nats-Msg-Id = certificate id).
    const jsm = await nc.jetstreamManager();
    expect((await jsm.streams.info(setup.eventsStream)).state.messages).toBe(EVENTS);

    // A sample verifies, and carries the registry's data.
    const { rows } = await pool.query(
      `SELECT c.credential, c.divoc_qr, b.registration_code, e.dose FROM ${s}.certificates c
      JOIN ${s}.vaccination_events e ON e.id = c.vaccination_event_id JOIN ${s}.beneficiaries b ON b.id = ` +
        `e.beneficiary_id ORDER BY random() LIMIT 5`,
    );
    for (const row of rows as {
      credential: { credentialSubject: { refId: string }; evidence: { dose: number }[] };
      divoc_qr: Buffer;
      registration_code: string;
      dose: number;
    }[]) {
      const result = await verifyCredential(row.credential, { trust: trustStore });
      expect(result.valid, JSON.stringify(result.checks)).toBe(true);
      expect(row.credential.credentialSubject.refId).toBe(row.registration_code);
      expect(row.credential.evidence[0]!.dose).toBe(row.dose);
      expect(row.divoc_qr.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04])); // ZIP
    }
    expect(survivor.child.exitCode).toBeNull();
  }, 115_000);

  it(
    'dead-letters a poison message, an unknown event and an invalid record with clear reasons, and keeps ' + 'going',
    async () => {
      const js = nc.jetstream();
      deadLetters.length = 0;
      await js.publish(setup.subjects.certify, new TextEncoder().encode('{"eventId": 1,'), { msgID: `${run}-poison` });
      await js.publish(setup.subjects.certify, new TextEncoder().encode('{"eventId": 987654321}'), {
        msgID: `${run}-unknown`,
      });
      // A data-entry error the database accepts: dose 3 of a 2-dose course.
      const { rows } = await pool.query(
        `INSERT INTO ${s}.vaccination_events (beneficiary_id, vaccine, batch, dose, ` +
          `total_doses, vaccinated_at, facility_name)
      SELECT id, 'Covishield', 'B1', 3, 2, now(), 'PHC Rohini' FROM ${s}.beneficiaries ORDER BY id LIMIT 1 ` +
          `RETURNING id`,
      );
      const invalidId = Number((rows[0] as { id: string }).id);
      // Then a good event: a new beneficiary's first dose.
      const { rows: good } = await pool.query(
        `WITH b AS (INSERT INTO ${s}.beneficiaries (registration_code, name, dob, gender) ` +
          `VALUES ('NEW-1', 'Asha Verma', '1985-03-02', 'Female') RETURNING id)
      INSERT INTO ${s}.vaccination_events (beneficiary_id, vaccine, batch, dose, total_doses, vaccinated_at, ` +
          `facility_name)
      SELECT id, 'Covaxin', 'CX-77', 1, 2, now(), 'CHC Koramangala' FROM b RETURNING id`,
      );
      const goodId = Number((good[0] as { id: string }).id);

      await waitFor(
        'the good event',
        async () =>
          (await count(`SELECT count(*) AS n FROM ${s}.certificates WHERE vaccination_event_id = $1`, [goodId])) === 1,
        30_000,
      );
      await waitFor('3 dead letters', () => deadLetters.length === 3, 30_000);
      const byCode = Object.fromEntries(deadLetters.map((d) => [d.reason.code, d]));
      expect(Object.keys(byCode).sort()).toEqual([
        'ERR_WORKER_EVENT_INVALID',
        'ERR_WORKER_MESSAGE_UNPARSEABLE',
        'ERR_WORKER_RECORD_INVALID',
      ]);
      expect(byCode.ERR_WORKER_EVENT_INVALID!.reason.message).toBe('vaccination event 987654321 does not exist');
      expect(byCode.ERR_WORKER_RECORD_INVALID!.ref).toBe(invalidId);
      expect(byCode.ERR_WORKER_RECORD_INVALID!.reason.message).toContain('dose');
      for (const d of deadLetters) expect(d.deliveryCount).toBe(1);
      // The registry sees the failure next to its data (adapter.onFailure).
      await waitFor(
        'failure rows',
        async () => (await count(`SELECT count(*) AS n FROM ${s}.certification_failures`)) === 3,
        10_000,
      );
      expect(
        await count(
          `SELECT count(*) AS n FROM ${s}.certification_failures WHERE vaccination_event_id = $1 AND code = ` +
            `'ERR_WORKER_RECORD_INVALID'`,
          [invalidId],
        ),
      ).toBe(1);
      expect(survivor.child.exitCode).toBeNull();
    },
    60_000,
  );

  it('duplicate publishes of one event make one certificate', async () => {
    const before = await count(`SELECT count(*) AS n FROM ${s}.certificates`);
    const { rows } = await pool.query(`SELECT id FROM ${s}.vaccination_events ORDER BY id LIMIT 1`);
    const eventId = Number((rows[0] as { id: string }).id);
    certified.length = 0;
    const js = nc.jetstream();
    // The registry republishes under fresh message ids (a retry loop without dedup): both reach a worker.
    await js.publish(setup.subjects.certify, new TextEncoder().encode(JSON.stringify({ eventId })), {
      msgID: `${run}-again-1`,
    });
    await js.publish(setup.subjects.certify, new TextEncoder().encode(JSON.stringify({ eventId })), {
      msgID: `${run}-again-2`,
    });
    // The relay re-sends an outbox row (sent_at lost): same Nats-Msg-Id, dropped by JetStream.
    await pool.query(`UPDATE ${s}.outbox SET sent_at = NULL WHERE payload->>'eventId' = $1`, [String(eventId)]);
    await waitFor(
      'both republished copies processed',
      () => certified.filter((c) => c.ref === eventId).length === 2,
      30_000,
    );
    await waitFor(
      'outbox row re-sent',
      async () => (await count(`SELECT count(*) AS n FROM ${s}.outbox WHERE sent_at IS NULL`)) === 0,
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(certified.filter((c) => c.ref === eventId)).toHaveLength(2); // the outbox copy never reached a worker
    expect(new Set(certified.map((c) => c.certificateId)).size).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM ${s}.certificates`)).toBe(before);
    expect(await count(`SELECT count(*) AS n FROM ${s}.certificates WHERE vaccination_event_id = $1`, [eventId])).toBe(
      1,
    );
  }, 60_000);

  it('a worker stops gracefully on SIGTERM and reports its metrics', async () => {
    survivor.child.kill('SIGTERM');
    const code = await new Promise((resolve) => survivor.child.once('exit', resolve));
    expect(code).toBe(0);
    const out = survivor.output.join('');
    expect(out).toContain('"event":"shutdown"');
    expect(out).toMatch(/"event":"metrics".*"certified":\d+/);
    expect(out).not.toContain('"d":'); // no private key material in the logs
  }, 30_000);
});

// Issue 17: the adapter's batch methods (one SELECT ... = ANY($1), one multi-row INSERT) answer for each item
// exactly as the per-message methods do.
describe('postgresRegistryAdapter: batch and per-message methods', () => {
  const issued = (json: string): unknown => ({ outputs: { 'w3c-vc': { json } } });
  const message = (payload: unknown): unknown => ({ payload });

  it('reads and writes a batch with one result per item; a bad item fails alone', async () => {
    const adapter = postgresRegistryAdapter({ pool, schema, workerId: 'adapter-test' }) as {
      readEvent(m: unknown): Promise<{ ref: number; record: Record<string, unknown> }>;
      readEvents(m: unknown[]): Promise<unknown[]>;
      writeCertificate(ref: number, id: string, issued: unknown): Promise<void>;
      writeCertificates(items: { ref: number; certificateId: string; issued: unknown }[]): Promise<unknown[]>;
    };
    // A new beneficiary whose first dose was recorded twice (events a and b), and a second dose (c).
    const { rows } = await pool.query(
      `WITH b AS (INSERT INTO ${s}.beneficiaries (registration_code, name, dob) ` +
        `VALUES ('BATCH-1', 'Batch Person', '1970-01-01') RETURNING id)
       INSERT INTO ${s}.vaccination_events (beneficiary_id, vaccine, batch, dose, total_doses, vaccinated_at, ` +
        `facility_name) SELECT id, 'Covishield', 'B1', d, 2, now(), 'PHC Rohini' FROM b, ` +
        `unnest(ARRAY[1, 1, 2]) AS d RETURNING id`,
    );
    const [a, b, c] = (rows as { id: string }[]).map((r) => Number(r.id)) as [number, number, number];

    const read = await adapter.readEvents([
      message({ eventId: a }),
      message({ eventId: 987654321 }),
      message({ id: 'no eventId' }),
      message({ eventId: c }),
    ]);
    expect(read).toHaveLength(4);
    expect(read[1]).toBeInstanceOf(WorkerEventError);
    expect((read[1] as Error).message).toBe('vaccination event 987654321 does not exist');
    expect(read[2]).toBeInstanceOf(WorkerEventError);
    expect((read[2] as Error).message).toContain('payload must be');
    // Control: the good items read exactly as the per-message method reads them.
    expect(read[0]).toEqual(await adapter.readEvent(message({ eventId: a })));
    expect(read[3]).toEqual(await adapter.readEvent(message({ eventId: c })));
    expect((read[0] as { record: { refId: string } }).record.refId).toBe('BATCH-1');
    await expect(adapter.readEvent(message({ eventId: 987654321 }))).rejects.toBeInstanceOf(WorkerEventError);

    const certificatesOf = (ids: number[]): Promise<number> =>
      count(`SELECT count(*) AS n FROM ${s}.certificates WHERE vaccination_event_id = ANY($1::bigint[])`, [ids]);
    const written = await adapter.writeCertificates([
      { ref: a, certificateId: `cert-${run}-1`, issued: issued('{"n": 1}') },
      // Same person and dose as a: same certificate id, another event.
      { ref: b, certificateId: `cert-${run}-1`, issued: issued('{"n": 1}') },
      { ref: c, certificateId: `cert-${run}-2`, issued: issued('{"n": 2}') },
      // The same event twice in one batch (republished): stored once, both fine.
      { ref: a, certificateId: `cert-${run}-1`, issued: issued('{"n": 1}') },
    ]);
    expect(written[0]).toBeUndefined();
    expect(written[1]).toBeInstanceOf(WorkerEventError);
    expect((written[1] as Error).message).toBe(
      `certificate cert-${run}-1 already belongs to vaccination event ${a} (same beneficiary and dose)`,
    );
    expect(written[2]).toBeUndefined();
    expect(written[3]).toBeUndefined();
    expect(await certificatesOf([a, b, c])).toBe(2);

    // A redelivery (batch or per message) is "already done"; the duplicate event still fails, per message too.
    expect(await adapter.writeCertificates([{ ref: c, certificateId: `cert-${run}-2`, issued: issued('{}') }])).toEqual(
      [undefined],
    );
    await adapter.writeCertificate(a, `cert-${run}-1`, issued('{}'));
    await expect(adapter.writeCertificate(b, `cert-${run}-1`, issued('{}'))).rejects.toBeInstanceOf(WorkerEventError);
    expect(await certificatesOf([a, b, c])).toBe(2);
    const { rows: stored } = await pool.query(`SELECT credential FROM ${s}.certificates WHERE certificate_id = $1`, [
      `cert-${run}-2`,
    ]);
    expect(stored[0]).toEqual({ credential: { n: 2 } }); // first write wins
  });
});
