/**
 * The service's promises under failure, with PostgreSQL on loopback and the BUILT CLI (`divoc serve --config`, two
 * issuance threads; `pnpm test` builds first):
 * - kill -9 under load: every request answered 2xx before the kill is replayed, after a restart on the same database,
 *   with the same certificate (Idempotency-Key); every record ends with exactly one certificate; no status index is
 *   handed out twice.
 * - the database drops every connection under load (what a restart of PostgreSQL does to its clients): requests
 *   fail 503 (never 500, never a 2xx for something not stored), and retries with the same keys complete with one
 *   certificate per record.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { exportPrivateJwk, generateKeyPair, writePrivateKeyFile } from '@divoc/keys';
import { registryRecord } from '../../../test/support/fixtures.js';
import { PG_CONNECTION, postgresReachable } from './helpers.js';

// The operator's command: the built CLI, which loads this package's built service.
const BIN = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));
const PG = PG_CONNECTION;

const run = randomBytes(4).toString('hex');
const schema = `divoc_crash_${run}`;
const appName = `divoc_crash_${run}`;
let dir: string;
let admin: pg.Pool;
const children: ChildProcess[] = [];

/** Starts `divoc serve --config` and resolves with its URL once it listens. */
function serve(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', join(dir, 'service.json'), '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve({ url: m[1]!, child });
    });
    child.on('exit', (code) => reject(new Error(`divoc serve exited ${code}: ${err}`)));
  });
}

interface Answer {
  status: number;
  body?: { certificateId?: string; credential?: unknown; error?: { code: string } };
}

async function issue(url: string, i: number): Promise<Answer> {
  try {
    const r = await fetch(`${url}/credentials/issue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `crash-${i}` },
      body: JSON.stringify({ record: record(i), template: 'vaccination-v2' }),
    });
    return { status: r.status, body: (await r.json()) as Answer['body'] };
  } catch {
    return { status: 0 }; // connection refused or reset: no answer
  }
}

function record(i: number): Record<string, unknown> {
  return { ...registryRecord, refId: `CRASH-${i}`, identity: `did:example:crash:${i}` };
}

/** Sends every index through `issue` on `connections` connections; `onAnswer` sees each answer as it comes. */
async function load(
  url: string,
  indexes: number[],
  connections: number,
  onAnswer: (i: number, a: Answer) => void = () => undefined,
): Promise<Map<number, Answer>> {
  const answers = new Map<number, Answer>();
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < indexes.length) {
        const i = indexes[next++]!;
        const a = await issue(url, i);
        answers.set(i, a);
        onAnswer(i, a);
      }
    }),
  );
  return answers;
}

/** Retries until every index is answered 2xx (an abandoned Idempotency-Key lock frees after 1 s). */
async function completeAll(url: string, indexes: number[]): Promise<Map<number, Answer>> {
  const done = new Map<number, Answer>();
  for (let round = 0; round < 10 && done.size < indexes.length; round++) {
    const answers = await load(
      url,
      indexes.filter((i) => !done.has(i)),
      8,
    );
    for (const [i, a] of answers) if (a.status === 200 || a.status === 201) done.set(i, a);
    if (done.size < indexes.length) await new Promise((resolve) => setTimeout(resolve, 1_200));
  }
  return done;
}

async function storedRows(): Promise<{ id: string; status_list: string; status_index: number }[]> {
  const { rows } = await admin.query(`SELECT id, status_list, status_index FROM "${schema}".credentials`);
  return rows;
}

const reachable = await postgresReachable();

describe.skipIf(!reachable)('divoc serve under failure (PostgreSQL, issuance threads)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'divoc-crash-'));
    admin = new pg.Pool({ connectionString: PG, max: 2 });
    const keyPair = await generateKeyPair('Ed25519');
    await writePrivateKeyFile(join(dir, 'vc.jwk'), JSON.stringify(await exportPrivateJwk(keyPair)));
    await writeFile(
      join(dir, 'service.json'),
      JSON.stringify({
        keys: { vc: 'vc.jwk' },
        auth: { mode: 'none' },
        rateLimit: false,
        publicUrl: 'https://certs.example.test',
        storage: { kind: 'postgres', connectionString: `${PG}?application_name=${appName}`, schema },
        statusList: { reserveBlock: 16 },
        idempotencyLockSeconds: 1,
        threads: 2,
        log: false,
      }),
    );
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  });

  it('kill -9 under load: answered requests replay the same certificate; one certificate per record', async () => {
    const indexes = Array.from({ length: 240 }, (_, i) => i);
    const first = await serve();
    let answered = 0;
    const before = await load(first.url, indexes, 16, (_i, a) => {
      if (a.status >= 200 && a.status < 300 && ++answered === 60) first.child.kill('SIGKILL');
    });
    const acknowledged = [...before].filter(([, a]) => a.status === 200 || a.status === 201);
    // The kill landed mid-run: some were answered, some were not.
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);
    expect(acknowledged.length).toBeLessThan(indexes.length);
    // Every 2xx before the kill is in the database (a reply never gets ahead of its commit).
    const storedBefore = new Set((await storedRows()).map((r) => r.id));
    for (const [, a] of acknowledged) expect(storedBefore.has(a.body!.certificateId!)).toBe(true);

    const second = await serve();
    const after = await completeAll(second.url, indexes);
    expect(after.size).toBe(indexes.length);
    for (const [i, a] of acknowledged) {
      expect(after.get(i)!.body!.certificateId).toBe(a.body!.certificateId);
      expect(after.get(i)!.body!.credential).toEqual(a.body!.credential);
    }
    const rows = await storedRows();
    expect(rows.length).toBe(indexes.length);
    expect(new Set(rows.map((r) => r.id)).size).toBe(indexes.length);
    expect(new Set([...after.values()].map((a) => a.body!.certificateId)).size).toBe(indexes.length);
    // No revocation bit is shared by two certificates.
    expect(new Set(rows.map((r) => `${r.status_list}:${r.status_index}`)).size).toBe(rows.length);
    second.child.kill('SIGTERM');
  }, 180_000);

  it('connections dropped under load (a database restart): 503s, never a 500; retries complete, one each', async () => {
    const indexes = Array.from({ length: 200 }, (_, i) => 1000 + i);
    const { url, child } = await serve();
    let answered = 0;
    let dropped = 0;
    const statuses: number[] = [];
    const odd: Answer[] = [];
    await load(url, indexes, 16, (_i, a) => {
      statuses.push(a.status);
      if (![200, 201, 503, 409].includes(a.status)) odd.push(a);
      if (++answered % 50 === 25) {
        void admin
          .query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [appName])
          .then((r) => (dropped += r.rowCount ?? 0));
      }
    });
    expect(dropped).toBeGreaterThan(0);
    // Each answer is a success or "retry later"; nothing else.
    expect(odd).toEqual([]);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThan(0);
    const done = await completeAll(url, indexes);
    expect(done.size).toBe(indexes.length);
    const ids = new Set([...done.values()].map((a) => a.body!.certificateId!));
    expect(ids.size).toBe(indexes.length);
    const stored = new Set((await storedRows()).map((r) => r.id));
    for (const id of ids) expect(stored.has(id)).toBe(true);
    child.kill('SIGTERM');
  }, 180_000);
});

describe('divoc serve --dev --threads', () => {
  it('signs and verifies on the threads; a thread count out of range is a usage error (exit 2)', async () => {
    const keyDir = await mkdtemp(join(tmpdir(), 'divoc-dev-threads-'));
    try {
      const keyPair = await generateKeyPair('Ed25519');
      await writePrivateKeyFile(join(keyDir, 'vc.jwk'), JSON.stringify(await exportPrivateJwk(keyPair)));
      const child = spawn(
        process.execPath,
        [BIN, 'serve', '--dev', '--key', 'vc.jwk', '--port', '0', '--threads', '1'],
        {
          cwd: keyDir,
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      children.push(child);
      const url = await new Promise<string>((resolve, reject) => {
        let err = '';
        child.stderr!.on('data', (chunk: Buffer) => {
          err += chunk.toString();
          const m = /listening on (http:\/\/\S+)/.exec(err);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`divoc serve exited ${code}: ${err}`)));
      });
      const issued = await fetch(`${url}/credentials/issue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ record: record(5000), template: 'vaccination-v2' }),
      });
      expect(issued.status).toBe(201);
      const { credential } = (await issued.json()) as { credential: Record<string, unknown> };
      const verifyBody = async (c: unknown) =>
        (await (
          await fetch(`${url}/credentials/verify`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ verifiableCredential: c }),
          })
        ).json()) as { valid: boolean };
      expect((await verifyBody(credential)).valid).toBe(true);
      // Control: a changed name no longer verifies.
      const changed = { ...credential, credentialSubject: { ...(credential.credentialSubject as object), name: 'X' } };
      expect((await verifyBody(changed)).valid).toBe(false);
      child.kill('SIGTERM');

      const bad = spawn(process.execPath, [BIN, 'serve', '--dev', '--key', 'vc.jwk', '--threads', '99'], {
        cwd: keyDir,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      bad.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => bad.on('exit', resolve));
      expect(code).toBe(2);
      expect(err).toMatch(/--threads must be a number from 0 to 64/);
    } finally {
      await rm(keyDir, { recursive: true, force: true });
    }
  }, 60_000);
});
