import pg from 'pg';
import { loadStatusList, serializeStatusList } from '@divoc/status';
import { ServiceConfigError, StorageError } from '../lib/errors.js';
import type {
  CredentialStore,
  IdempotencyBegin,
  IdempotencyStore,
  ServiceStorage,
  StatusListRecord,
  StatusListStore,
  StoredCredential,
  StoredResponse,
} from './types.js';

/** Options of the PostgreSQL storage: a connection string or an existing pool. */
export interface PostgresStorageOptions {
  /** `postgres://user@host:port/db`; or give `pool`. */
  connectionString?: string;
  /** An existing `pg.Pool` (the storage does not close it). */
  pool?: pg.Pool;
  /** Schema holding the service's tables (created when missing). Default `divoc_service`. */
  schema?: string;
  /** Pool size when the storage makes its pool. Default 10. */
  maxConnections?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/**
 * PostgreSQL storage: three tables in one schema (created on first use).
 *
 *   credentials(id, credential, outputs, status_list, status_index, revoked_at, created_at)
 *   idempotency(scope, key, fingerprint, locked_at, status_code, content_type, body)
 *   status_lists(id, seq, list, published, published_until)
 *
 * JSON is stored as text, byte for byte what was signed. Status list changes take a transaction-scoped advisory lock
 * per list, so any number of service instances can share one database.
 */
export async function createPostgresStorage(options: PostgresStorageOptions): Promise<ServiceStorage> {
  const schema = options.schema ?? 'divoc_service';
  if (!SCHEMA_NAME.test(schema))
    throw new ServiceConfigError(`storage schema ${JSON.stringify(schema)} must match ${SCHEMA_NAME}`);
  if (options.pool === undefined && (typeof options.connectionString !== 'string' || options.connectionString === '')) {
    throw new ServiceConfigError('postgres storage needs connectionString or pool');
  }
  const ownPool = options.pool === undefined;
  const pool =
    options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  if (ownPool) pool.on('error', () => undefined);
  const q = `"${schema}"`;
  try {
    await createTables(pool, q);
  } catch (error) {
    // Our own pool would keep retrying sockets and the process alive after start-up has failed.
    if (ownPool) await pool.end().catch(() => undefined);
    throw error;
  }

  const credentials: CredentialStore = {
    async get(id) {
      const { rows } = await run(pool, `SELECT * FROM ${q}.credentials WHERE id = $1`, [id]);
      return rows[0] === undefined ? undefined : credentialFromRow(rows[0]);
    },
    async putIfAbsent(credential) {
      const { rowCount } = await run(
        pool,
        `INSERT INTO ${q}.credentials (id, credential, outputs, status_list, status_index, revoked_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [
          credential.id,
          JSON.stringify(credential.credential),
          JSON.stringify(credential.outputs),
          credential.status?.listId ?? null,
          credential.status?.index ?? null,
          credential.revokedAt ?? null,
          credential.createdAt,
        ],
      );
      if (rowCount === 1) return { stored: credential, created: true };
      const stored = await credentials.get(credential.id);
      if (stored === undefined) throw new StorageError('credential vanished after a conflicting insert');
      return { stored, created: false };
    },
    async markRevoked(id, at) {
      const { rows } = await run(
        pool,
        `UPDATE ${q}.credentials SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING *`,
        [id, at],
      );
      if (rows[0] !== undefined) return { stored: credentialFromRow(rows[0]), changed: true };
      const stored = await credentials.get(id);
      return stored === undefined ? undefined : { stored, changed: false };
    },
  };

  const idempotency: IdempotencyStore = {
    async begin(scope, key, fingerprint, lockMs): Promise<IdempotencyBegin> {
      // Insert the lock, or take over one abandoned for longer than lockMs (its handler died).
      const taken = await run(
        pool,
        `INSERT INTO ${q}.idempotency AS i (scope, key, fingerprint, locked_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (scope, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, locked_at = now()
         WHERE i.status_code IS NULL AND i.locked_at < now() - $4 * interval '1 millisecond'
         RETURNING scope`,
        [scope, key, fingerprint, lockMs],
      );
      if (taken.rowCount === 1) return { state: 'started' };
      const { rows } = await run(
        pool,
        `SELECT fingerprint, status_code, content_type, body, headers FROM ${q}.idempotency WHERE scope = $1 ` +
          `AND key = $2`,
        [scope, key],
      );
      const row = rows[0] as
        | {
            fingerprint: string;
            status_code: number | null;
            content_type: string | null;
            body: string | null;
            headers: string | null;
          }
        | undefined;
      // released in between: try again
      if (row === undefined) return idempotency.begin(scope, key, fingerprint, lockMs);
      if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
      if (row.status_code === null) return { state: 'in-flight' };
      return {
        state: 'completed',
        response: {
          statusCode: row.status_code,
          contentType: row.content_type ?? 'application/json',
          body: row.body ?? '',
          ...(row.headers !== null ? { headers: JSON.parse(row.headers) as Record<string, string> } : {}),
        },
      };
    },
    async complete(scope, key, response: StoredResponse) {
      await run(
        pool,
        `UPDATE ${q}.idempotency SET status_code = $3, content_type = $4, body = $5, headers = $6, locked_at = ` +
          `now() WHERE scope = $1 AND key = $2`,
        [
          scope,
          key,
          response.statusCode,
          response.contentType,
          response.body,
          response.headers ? JSON.stringify(response.headers) : null,
        ],
      );
    },
    async release(scope, key) {
      await run(pool, `DELETE FROM ${q}.idempotency WHERE scope = $1 AND key = $2 AND status_code IS NULL`, [
        scope,
        key,
      ]);
    },
  };

  const statusLists: StatusListStore = {
    async get(id) {
      const { rows } = await run(pool, `SELECT list, published, published_until FROM ${q}.status_lists WHERE id = $1`, [
        id,
      ]);
      return rows[0] === undefined ? undefined : statusListFromRow(rows[0]);
    },
    async ids() {
      const { rows } = await run(pool, `SELECT id FROM ${q}.status_lists ORDER BY seq`);
      return rows.map((r: { id: string }) => r.id);
    },
    async update(id, change) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw new StorageError(`cannot connect to PostgreSQL: ${(error as Error).message}`, { cause: error });
      }
      try {
        await run(client, 'BEGIN');
        await run(client, 'SELECT pg_advisory_xact_lock(hashtext($1))', [`${schema}.status_lists.${id}`]);
        const { rows } = await run(
          client,
          `SELECT list, published, published_until FROM ${q}.status_lists WHERE id = $1`,
          [id],
        );
        const current = rows[0] === undefined ? undefined : statusListFromRow(rows[0]);
        const { record, result } = await change(current);
        if (record !== undefined) {
          await run(
            client,
            `INSERT INTO ${q}.status_lists (id, list, published, published_until) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET list = EXCLUDED.list, published = EXCLUDED.published, ` +
              `published_until = EXCLUDED.published_until`,
            [
              id,
              serializeStatusList(record.list),
              record.published ? JSON.stringify(record.published.credential) : null,
              record.published?.validUntil ?? null,
            ],
          );
        }
        await run(client, 'COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };

  return {
    credentials,
    idempotency,
    statusLists,
    async ping() {
      await run(pool, 'SELECT 1');
    },
    async close() {
      if (ownPool) await pool.end();
    },
  };
}

/** The schema and its three tables, when missing. */
async function createTables(pool: pg.Pool, q: string): Promise<void> {
  await run(pool, `CREATE SCHEMA IF NOT EXISTS ${q}`);
  await run(
    pool,
    `CREATE TABLE IF NOT EXISTS ${q}.credentials (
    id text PRIMARY KEY, credential text NOT NULL, outputs text NOT NULL,
    status_list text, status_index integer, revoked_at timestamptz, created_at timestamptz NOT NULL)`,
  );
  await run(
    pool,
    `CREATE TABLE IF NOT EXISTS ${q}.idempotency (
    scope text NOT NULL, key text NOT NULL, fingerprint text NOT NULL, locked_at timestamptz NOT NULL,
    status_code integer, content_type text, body text, headers text, PRIMARY KEY (scope, key))`,
  );
  await run(
    pool,
    `CREATE TABLE IF NOT EXISTS ${q}.status_lists (
    id text PRIMARY KEY, seq bigserial, list text NOT NULL, published text, published_until timestamptz)`,
  );
}

async function run(db: Queryable, text: string, values?: unknown[]): Promise<pg.QueryResult> {
  try {
    return await db.query(text, values);
  } catch (error) {
    throw new StorageError(`PostgreSQL: ${(error as Error).message}`, { cause: error });
  }
}

function credentialFromRow(row: Record<string, unknown>): StoredCredential {
  const out: StoredCredential = {
    id: String(row.id),
    credential: JSON.parse(String(row.credential)) as Record<string, unknown>,
    outputs: JSON.parse(String(row.outputs)) as Record<string, unknown>,
    createdAt: new Date(row.created_at as string | Date).toISOString(),
  };
  if (row.status_list !== null && row.status_list !== undefined)
    out.status = { listId: String(row.status_list), index: Number(row.status_index) };
  if (row.revoked_at !== null && row.revoked_at !== undefined)
    out.revokedAt = new Date(row.revoked_at as string | Date).toISOString();
  return out;
}

function statusListFromRow(row: Record<string, unknown>): StatusListRecord {
  const record: StatusListRecord = { list: loadStatusList(String(row.list)) };
  if (typeof row.published === 'string') {
    record.published = {
      credential: JSON.parse(row.published) as Record<string, unknown>,
      validUntil: new Date(row.published_until as string | Date).toISOString(),
    };
  }
  return record;
}
