import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createPostgresStorage, createService, type ServiceConfig } from '@divoc/service';
import { API_KEYS, RECORD, auth, baseConfig, PG_CONNECTION, postgresReachable } from './helpers.js';

const CONNECTION = PG_CONNECTION;
const schema = `divoc_service_test_${randomBytes(6).toString('hex')}`;
const admin = auth(API_KEYS.admin);

describe.skipIf(!(await postgresReachable()))('PostgreSQL storage', async () => {
  const admin_pool = new pg.Pool({ connectionString: CONNECTION, max: 1 });
  afterAll(async () => {
    await admin_pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin_pool.end();
  });
  const config: ServiceConfig = await baseConfig();

  it('round trip: issue, retry, idempotency, revoke; a second instance on the same database sees it all', async () => {
    const storage = await createPostgresStorage({ connectionString: CONNECTION, schema });
    const app = await createService({ ...config, storage });
    const issued = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: { ...admin, 'idempotency-key': 'pg-1' },
      payload: { record: RECORD, template: 'vaccination-v2' },
    });
    expect(issued.statusCode).toBe(201);
    const { certificateId, credential } = issued.json();
    const replay = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: { ...admin, 'idempotency-key': 'pg-1' },
      payload: { record: RECORD, template: 'vaccination-v2' },
    });
    expect(replay.body).toBe(issued.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers.location).toBe(`/credentials/${certificateId}`);
    // The stored response refers to the stored credential (a certificate is stored once); the replay rebuilt it.
    const stored = await admin_pool.query(`SELECT body, body_from FROM "${schema}".idempotency WHERE key = 'pg-1'`);
    expect(stored.rows).toEqual([
      { body: '', body_from: JSON.stringify({ credentialId: certificateId, shape: 'record' }) },
    ]);
    const mismatch = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: { ...admin, 'idempotency-key': 'pg-1' },
      payload: { record: { ...RECORD, dose: 2 }, template: 'vaccination-v2' },
    });
    expect(mismatch.statusCode).toBe(422);
    const retried = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: admin,
      payload: { record: RECORD, template: 'vaccination-v2' },
    });
    expect(retried.statusCode).toBe(200);
    expect(retried.json().credential).toEqual(credential);
    // Concurrent duplicates across the shared store: one execution.
    const same = {
      method: 'POST' as const,
      url: '/credentials/issue',
      headers: { ...admin, 'idempotency-key': 'pg-2' },
      payload: { record: { ...RECORD, dose: 2 }, template: 'vaccination-v2' },
    };
    const results = await Promise.all(Array.from({ length: 6 }, () => app.inject(same)));
    expect(new Set(results.map((r) => r.body)).size).toBe(1);
    expect(
      (await app.inject({ method: 'POST', url: `/credentials/${certificateId}/revoke`, headers: admin })).statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health' })).json().ready).toBe(true);
    await app.close();

    // Another instance (same keys, same database): the credential, its revocation and the list survive.
    const again = await createService({
      ...config,
      storage: await createPostgresStorage({ connectionString: CONNECTION, schema }),
    });
    const fetched = await again.inject({ method: 'GET', url: `/credentials/${certificateId}`, headers: admin });
    expect(fetched.json()).toEqual(credential);
    // A replay after the revocation, by the other instance: the first response's bytes (201, created: true).
    const later = await again.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: { ...admin, 'idempotency-key': 'pg-1' },
      payload: { record: RECORD, template: 'vaccination-v2' },
    });
    expect([later.statusCode, later.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(later.body).toBe(issued.body);
    const verified = (
      await again.inject({
        method: 'POST',
        url: '/credentials/verify',
        headers: admin,
        payload: { verifiableCredential: credential },
      })
    ).json();
    expect(verified.checks.find((c: { name: string }) => c.name === 'revocation')).toMatchObject({
      ok: false,
      code: 'ERR_STATUS_REVOKED',
    });
    const list = (await again.inject({ method: 'GET', url: '/status-lists/1' })).json();
    expect(list.type).toContain('BitstringStatusListCredential');
    // New issuance continues the same list without reusing the index.
    const next = (
      await again.inject({
        method: 'POST',
        url: '/credentials/issue',
        headers: admin,
        payload: {
          record: { ...RECORD, identity: 'did:in.gov.uidai.aadhaar:555566667777' },
          template: 'vaccination-v2',
        },
      })
    ).json();
    expect(next.credential.credentialStatus.statusListCredential).toBe(
      credential.credentialStatus.statusListCredential,
    );
    expect(next.credential.credentialStatus.statusListIndex).not.toBe(credential.credentialStatus.statusListIndex);
    await again.close();
    const { rows } = await admin_pool.query(`SELECT count(*)::int AS n FROM "${schema}".credentials`);
    expect(rows[0].n).toBe(3);
  });

  it('an issue with an Idempotency-Key stores the credential and completes the key in one statement', async () => {
    const storage = await createPostgresStorage({ connectionString: CONNECTION, schema });
    // Counts the separate completions the service asks for (the combined write needs none).
    let separate = 0;
    const complete = storage.idempotency.complete.bind(storage.idempotency);
    storage.idempotency.complete = async (...args) => {
      separate++;
      return complete(...args);
    };
    const app = await createService({ ...config, storage });
    try {
      const issue = (key: string, dose: number) =>
        app.inject({
          method: 'POST',
          url: '/credentials/issue',
          headers: { ...admin, 'idempotency-key': key },
          payload: { record: { ...RECORD, dose, identity: 'did:example:combined' }, template: 'vaccination-v2' },
        });
      const first = await issue('combined-1', 1);
      expect(first.statusCode).toBe(201);
      expect(separate).toBe(0);
      const row = await admin_pool.query(
        `SELECT status_code, body, body_from FROM "${schema}".idempotency WHERE key = 'combined-1'`,
      );
      expect(row.rows).toEqual([
        {
          status_code: 201,
          body: '',
          body_from: JSON.stringify({ credentialId: first.json().certificateId, shape: 'record' }),
        },
      ]);
      const replay = await issue('combined-1', 1);
      expect([replay.statusCode, replay.headers['idempotent-replayed'], replay.body]).toEqual([
        201,
        'true',
        first.body,
      ]);
      // Control: the same record under another key finds the stored certificate (200): nothing was created, so the
      // service completes that key itself, and its replay is that 200.
      const again = await issue('combined-2', 1);
      expect([again.statusCode, again.json().created]).toEqual([200, false]);
      expect(separate).toBe(1);
      const againReplay = await issue('combined-2', 1);
      expect([againReplay.statusCode, againReplay.body]).toEqual([200, again.body]);
      // Two keys, one new record, at once: one 201 (completed with the insert), one 200, each replayed as answered.
      const racing = await Promise.all([issue('combined-3', 2), issue('combined-4', 2)]);
      expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 201]);
      for (const [n, key] of ['combined-3', 'combined-4'].entries())
        expect((await issue(key, 2)).body).toBe(racing[n]!.body);
    } finally {
      await app.close();
    }
  });

  it('reports storage failure as 503 and health as not ready', async () => {
    const storage = await createPostgresStorage({ connectionString: CONNECTION, schema });
    const app = await createService({ ...config, storage });
    await storage.close(); // the pool is gone: every query fails
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    const issue = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: admin,
      payload: { record: { ...RECORD, dose: 4 }, template: 'vaccination-v2' },
    });
    expect(issue.statusCode).toBe(503);
    expect(issue.json().error.code).toBe('ERR_STORAGE_UNAVAILABLE');
    await app.close().catch(() => undefined);
  });

  it('concurrent writes share statements: one winner per id, texts byte for byte, each caller its answer', async () => {
    const storage = await createPostgresStorage({ connectionString: CONNECTION, schema });
    try {
      // Characters JSON and SQL escaping must both get right.
      const tricky = 'quote " back\\slash \\u0000 \u2028 नाम 🙂 \'; DROP TABLE x; --';
      // U+0000 (QR payloads are binary in latin1), in every other credential and every output.
      const item = (i: number, copy: number) => ({
        id: `batch-${i}`,
        credential: { id: `urn:${i}`, name: i % 2 === 0 ? tricky : `${tricky}\u0000\u0003`, copy },
        outputs: { 'divoc-qr': { text: `PK\u0003\u0004\u0000${tricky}${i}` } },
        status: { listId: '7', index: i },
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      });
      // Each id twice, all at once: the two copies often land in one batch.
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, n) => storage.credentials.putIfAbsent(item(n % 30, n < 30 ? 0 : 1))),
      );
      for (let i = 0; i < 30; i++) {
        const pair = [results[i]!, results[i + 30]!];
        expect(pair.filter((r) => r.created).length).toBe(1);
        // Both callers see what is stored: the winner's copy.
        expect(pair[0]!.stored).toEqual(pair[1]!.stored);
      }
      const read = await Promise.all(Array.from({ length: 30 }, (_, i) => storage.credentials.get(`batch-${i}`)));
      read.forEach((stored, i) => {
        expect(stored?.credential).toEqual(item(i, stored?.credential.copy as number).credential);
        expect(stored?.outputs).toEqual({ 'divoc-qr': { text: `PK\u0003\u0004\u0000${tricky}${i}` } });
        expect(stored?.status).toEqual({ listId: '7', index: i });
      });
      // The columns hold JSON.stringify of what was given, byte for byte (credentials are served as stored).
      const { rows } = await admin_pool.query(
        `SELECT id, credential, outputs FROM "${schema}".credentials WHERE id LIKE 'batch-%' ORDER BY id`,
      );
      expect(rows).toHaveLength(30);
      for (const row of rows) {
        const i = Number(row.id.slice('batch-'.length));
        const copy = (JSON.parse(row.credential) as { copy: number }).copy;
        expect(row.credential).toBe(JSON.stringify(item(i, copy).credential));
        expect(row.outputs).toBe(JSON.stringify(item(i, copy).outputs));
      }
      // Control: an id nobody wrote is not there.
      expect(await storage.credentials.get('batch-none')).toBeUndefined();
    } finally {
      await storage.close();
    }
  });

  it('Idempotency-Key claims share statements: one claim per key, the rest in flight or refused', async () => {
    const storage = await createPostgresStorage({ connectionString: CONNECTION, schema });
    try {
      const idem = storage.idempotency;
      // Ten requests with one key at once (the same body), two with another body, and ten other keys.
      const same = Array.from({ length: 10 }, () => idem.begin('c1', 'k-shared', 'fp-a', 60_000));
      const other = Array.from({ length: 2 }, () => idem.begin('c1', 'k-shared', 'fp-b', 60_000));
      const distinct = Array.from({ length: 10 }, (_, i) => idem.begin('c1', `k-${i}`, 'fp-a', 60_000));
      const [a, b, c] = await Promise.all([Promise.all(same), Promise.all(other), Promise.all(distinct)]);
      const all = [...a, ...b];
      expect(all.filter((x) => x.state === 'started').length).toBe(1);
      const winnerBody = a.some((x) => x.state === 'started') ? 'fp-a' : 'fp-b';
      for (const x of all.filter((y) => y.state !== 'started')) expect(['in-flight', 'mismatch']).toContain(x.state);
      // Every request with the other body than the winner's is refused as a reuse of the key.
      const losers = winnerBody === 'fp-a' ? b : a;
      expect(losers.every((x) => x.state === 'mismatch')).toBe(true);
      // Control: distinct keys each get their own claim.
      expect(c.every((x) => x.state === 'started')).toBe(true);
      // Completed: the stored response comes back, byte for byte, to a retry with the winner's body.
      const response = { statusCode: 201, contentType: 'application/json', body: '{"a":"\\"é"}', headers: { x: '1' } };
      await Promise.all([
        idem.complete('c1', 'k-shared', response),
        ...c.map((_, i) => idem.complete('c1', `k-${i}`, { ...response, body: String(i) })),
      ]);
      expect(await idem.begin('c1', 'k-shared', winnerBody, 60_000)).toEqual({ state: 'completed', response });
      expect(await idem.begin('c1', 'k-3', 'fp-a', 60_000)).toEqual({
        state: 'completed',
        response: { ...response, body: '3' },
      });
      // Another client's scope is its own.
      expect((await idem.begin('c2', 'k-shared', 'fp-a', 60_000)).state).toBe('started');
    } finally {
      await storage.close();
    }
  });

  it('batched statements look rows up by key: no scan of a 10,000-key table (planned for 100 rows)', async () => {
    const own = `${schema}_plans`;
    const pool = new pg.Pool({ connectionString: CONNECTION, max: 2 });
    // Every statement the storage sends, to be explained afterwards on the same tables.
    const sent: { text: string; values: unknown[] }[] = [];
    const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<pg.QueryResult>;
    (pool as unknown as { query: typeof query }).query = (text, values) => {
      if (typeof text === 'string' && values !== undefined) sent.push({ text, values });
      return query(text, values);
    };
    const storage = await createPostgresStorage({ pool, schema: own });
    try {
      // Tables of 10,000 rows that PostgreSQL has not analysed yet (as on a new deployment under load).
      await admin_pool.query(
        `INSERT INTO "${own}".idempotency (scope, key, fingerprint, locked_at)
         SELECT 'c', 'k' || g, 'f', now() FROM generate_series(1, 10000) g`,
      );
      await admin_pool.query(
        `INSERT INTO "${own}".credentials (id, credential, outputs, created_at)
         SELECT 'id' || g, '{}', '{}', now() FROM generate_series(1, 10000) g`,
      );
      const row = (id: string) => ({ id, credential: { id }, outputs: {}, createdAt: new Date().toISOString() });
      const response = (id: string) => ({
        statusCode: 201,
        contentType: 'application/json',
        body: '',
        bodyFrom: { credentialId: id, shape: 'record' as const },
      });
      await Promise.all([
        storage.idempotency.begin('c', 'k5', 'other', 60_000), // a key in use: read back
        storage.idempotency.begin('c', 'new-1', 'f', 60_000),
        storage.credentials.get('id7'),
      ]);
      await storage.credentials.putIfAbsent(row('new-1'), {
        completes: { scope: 'c', key: 'new-1', response: response('new-1') },
      });
      await storage.credentials.putIfAbsent(row('new-2'));
      await storage.idempotency.complete('c', 'k9', response('id9'));
      const batched = sent.filter((s) => /json_to_recordset|= ANY/.test(s.text));
      expect(batched.length).toBeGreaterThanOrEqual(5);
      const scans = async (text: string, values: unknown[]): Promise<string[]> => {
        const { rows } = await admin_pool.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
        const found: string[] = [];
        const walk = (node: Record<string, unknown>): void => {
          if (node['Node Type'] === 'Seq Scan') found.push(String(node['Relation Name']));
          for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
        };
        walk((rows[0]['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]!.Plan);
        return found;
      };
      for (const { text, values } of batched) expect(await scans(text, values), text).toEqual([]);
      // Control: the same completion joined without the batch's LIMIT is planned as a scan of the whole table.
      const completion = batched.find((s) => s.text.trimStart().startsWith('UPDATE'))!;
      const naive = completion.text.replace(
        /\(SELECT \* FROM json_to_recordset\(\$1::json\) AS b(\([^)]*\)) LIMIT \$2\) AS r/,
        (_, columns: string) => `json_to_recordset($1::json) AS r${columns}`,
      );
      expect(naive).not.toBe(completion.text);
      expect(await scans(naive, completion.values.slice(0, 1))).toContain('idempotency');
    } finally {
      await storage.close();
      await pool.end().catch(() => undefined);
      await admin_pool.query(`DROP SCHEMA IF EXISTS "${own}" CASCADE`);
    }
  });

  it("brings an earlier version's tables up to date; a later start alters nothing (ALTER locks a table)", async () => {
    const own = `${schema}_upgrade`;
    const pool = new pg.Pool({ connectionString: CONNECTION, max: 2 });
    const alters: string[] = [];
    const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<pg.QueryResult>;
    (pool as unknown as { query: typeof query }).query = (text, values) => {
      if (typeof text === 'string' && /^\s*ALTER/.test(text)) alters.push(text);
      return query(text, values);
    };
    try {
      // The idempotency table as the first release made it: no body_from, no fillfactor.
      await admin_pool.query(`CREATE SCHEMA "${own}"`);
      await admin_pool.query(
        `CREATE TABLE "${own}".idempotency (scope text NOT NULL, key text NOT NULL, fingerprint text NOT NULL,
         locked_at timestamptz NOT NULL, status_code integer, content_type text, body text, headers text,
         PRIMARY KEY (scope, key))`,
      );
      await (await createPostgresStorage({ pool, schema: own })).close();
      expect(alters.some((a) => a.includes('ADD COLUMN IF NOT EXISTS body_from'))).toBe(true);
      expect(alters.some((a) => a.includes('fillfactor = 60'))).toBe(true);
      const { rows } = await admin_pool.query(
        `SELECT reloptions FROM pg_class WHERE oid = '"${own}".idempotency'::regclass`,
      );
      expect(rows[0].reloptions).toEqual(['fillfactor=60']);
      alters.length = 0;
      await (await createPostgresStorage({ pool, schema: own })).close();
      expect(alters).toEqual([]);
    } finally {
      await pool.end().catch(() => undefined);
      await admin_pool.query(`DROP SCHEMA IF EXISTS "${own}" CASCADE`);
    }
  });

  it('rejects an unsafe schema name', async () => {
    await expect(
      createPostgresStorage({ connectionString: CONNECTION, schema: 'x"; DROP TABLE y; --' }),
    ).rejects.toMatchObject({ code: 'ERR_SERVICE_CONFIG_INVALID' });
  });
});
