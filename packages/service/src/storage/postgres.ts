import pg from 'pg';
import { loadStatusList, serializeStatusList } from '@divoc/status';
import { createBatcher } from '../lib/batcher.js';
import { ServiceConfigError, StorageError } from '../lib/errors.js';
import type {
  Oid4vciStore,
  Oid4vpStore,
  StoredPresentationRequest,
  StoredOffer,
  CredentialStore,
  IdempotencyCompletion,
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
 * The credentials table's columns, as `credentialFromRow` reads them (named: a newer version may add columns while an
 * older instance still runs).
 */
const CREDENTIAL_COLUMNS = 'id, credential, outputs, status_list, status_index, revoked_at, created_at';

/**
 * PostgreSQL storage: six tables in one schema (created on first use).
 *
 *   credentials(id, credential, outputs, status_list, status_index, revoked_at, created_at)
 *   idempotency(scope, key, fingerprint, locked_at, status_code, content_type, body, headers, body_from)
 *   status_lists(id, seq, list, published, published_until)
 *   oid4vci_offers(id, code_hash, tx_code_hash, tx_code_failures, template, record, certificate_id,
 *                  configuration_ids, created_by, created_at, expires_at, redeemed_at, access_token_hash,
 *                  access_token_expires_at, issued_count, issued_ids)
 *   oid4vci_nonces(nonce_hash, expires_at)
 *   oid4vp_requests(id, state_hash, nonce, client_id, dcql_query, vaccination, created_by, created_at, expires_at,
 *                   answered_at, outcome)
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
    await createTables(pool, q, schema);
  } catch (error) {
    // Our own pool would keep retrying sockets and the process alive after start-up has failed.
    if (ownPool) await pool.end().catch(() => undefined);
    throw error;
  }

  // Reads and inserts of credentials from concurrent requests share statements (see lib/batcher.ts): one round trip
  // per batch instead of one per request. A caller is answered only after its batch's statement has completed.
  // One statement of each kind at a time: calls wait for it and leave together, so under load a statement carries
  // more calls (about 20 % fewer commits than with 3 in flight in service-load), and at rest none waits.
  const batch = { maxBatch: 256, maxInFlight: 1 };
  const getMany = createBatcher<string, StoredCredential | undefined>(async (ids) => {
    const { rows } = await run(pool, `SELECT ${CREDENTIAL_COLUMNS} FROM ${q}.credentials WHERE id = ANY($1::text[])`, [
      [...new Set(ids)],
    ]);
    const byId = new Map(rows.map((row: Record<string, unknown>) => [String(row.id), row]));
    // Each caller gets its own copy: callers may change what they get.
    return ids.map((id) => {
      const row = byId.get(id);
      return row === undefined ? undefined : credentialFromRow(row);
    });
  }, batch);
  /** A credential to insert and, with it, the response of the Idempotency-Key of the request that issued it. */
  interface InsertItem {
    credential: StoredCredential;
    completes?: IdempotencyCompletion;
  }
  /** Stores the responses of claimed keys, from `rows` (completion rows, see `completionRow`) joined as `r`. */
  const completeFrom = (rows: string): string =>
    `UPDATE ${q}.idempotency AS i SET status_code = r.status_code, content_type = r.content_type, body = r.body,
       headers = r.headers, body_from = r.body_from, locked_at = now()
     FROM (${rows}) AS r WHERE i.scope = r.scope AND i.key = r.key`;
  const insertMany = createBatcher<InsertItem, { created: boolean; completed: boolean }>(async (items) => {
    // One row per id (the first); a later item with the same id in this batch finds the first one stored.
    const first = new Map<string, InsertItem>();
    for (const item of items) if (!first.has(item.credential.id)) first.set(item.credential.id, item);
    const rows = [...first.values()];
    // The rows as one JSON text, each credential serialised once and placed in it as a JSON value, which
    // json_to_recordset hands back as its exact text (a json column): no second escaping here, no unescaping in the
    // database. A value with U+0000 (QR payloads are binary in latin1) goes as a JSON string instead (PostgreSQL text
    // cannot hold U+0000, so its JSON parser refuses \u0000 there). text[] parameters would be escaped in JS.
    const batch = rows.map(
      ({ credential: c }) =>
        `{${jsonField('credential', c.credential)},${jsonField('outputs', c.outputs)},${JSON.stringify({
          id: c.id,
          status_list: c.status?.listId ?? null,
          status_index: c.status?.index ?? null,
          revoked_at: c.revokedAt ?? null,
          created_at: c.createdAt,
        }).slice(1)}`,
    );
    const completions = rows.filter((item) => item.completes !== undefined);
    const insert = (returning: string): string =>
      `INSERT INTO ${q}.credentials (id, credential, outputs, status_list, status_index, revoked_at, created_at)
         SELECT id, coalesce(credential::text, credential_text), coalesce(outputs::text, outputs_text), status_list,
           status_index, revoked_at, created_at
         FROM json_to_recordset($1::json) AS r(id text, credential json, credential_text text, outputs json,
           outputs_text text, status_list text, status_index integer, revoked_at timestamptz, created_at timestamptz)
         ON CONFLICT (id) DO NOTHING RETURNING ${returning}`;
    const rowsText = `[${batch.join(',')}]`;
    // The credentials, and in the same statement (one transaction, one commit) the Idempotency-Key responses of
    // those this statement created: a key is completed exactly when its credential is stored. Without responses to
    // store, the insert alone (the combined statement costs the database more to plan).
    const { rows: inserted } =
      completions.length === 0
        ? await run(pool, insert('id, false AS completed'), [rowsText])
        : await run(
            pool,
            `WITH ins AS (${insert('id')}),
       done AS (${completeFrom(limited(`id text, ${COMPLETION_COLUMNS}`, '$2', '$3'))}
         AND r.id IN (SELECT id FROM ins) RETURNING r.id)
       SELECT ins.id, done.id IS NOT NULL AS completed FROM ins LEFT JOIN done ON done.id = ins.id`,
            [
              rowsText,
              JSON.stringify(
                completions.map((item) => ({ id: item.credential.id, ...completionRow(item.completes!) })),
              ),
              completions.length,
            ],
          );
    const created = new Map(inserted.map((r: { id: string; completed: boolean }) => [r.id, r.completed]));
    return items.map((item) => {
      const mine = first.get(item.credential.id) === item && created.has(item.credential.id);
      return { created: mine, completed: mine && created.get(item.credential.id) === true };
    });
  }, batch);

  const credentials: CredentialStore = {
    get: (id) => getMany(id),
    async putIfAbsent(credential, options) {
      const written = await insertMany({
        credential,
        ...(options?.completes !== undefined ? { completes: options.completes } : {}),
      });
      if (written.created) return { stored: credential, created: true, completed: written.completed };
      const stored = await credentials.get(credential.id);
      if (stored === undefined) throw new StorageError('credential vanished after a conflicting insert');
      return { stored, created: false };
    },
    async markRevoked(id, at) {
      const { rows } = await run(
        pool,
        `UPDATE ${q}.credentials SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL
         RETURNING ${CREDENTIAL_COLUMNS}`,
        [id, at],
      );
      if (rows[0] !== undefined) return { stored: credentialFromRow(rows[0]), changed: true };
      const stored = await credentials.get(id);
      return stored === undefined ? undefined : { stored, changed: false };
    },
  };

  type IdempotencyRow = {
    fingerprint: string;
    status_code: number | null;
    content_type: string | null;
    body: string | null;
    headers: string | null;
    body_from: string | null;
  };
  /** What a stored idempotency row says to a request that did not get the lock. */
  const stateOf = (row: IdempotencyRow, fingerprint: string): IdempotencyBegin => {
    if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
    if (row.status_code === null) return { state: 'in-flight' };
    return {
      state: 'completed',
      response: {
        statusCode: row.status_code,
        contentType: row.content_type ?? 'application/json',
        body: row.body ?? '',
        ...(row.headers !== null ? { headers: JSON.parse(row.headers) as Record<string, string> } : {}),
        ...(row.body_from !== null ? { bodyFrom: JSON.parse(row.body_from) as StoredResponse['bodyFrom'] } : {}),
      },
    };
  };
  interface BeginItem {
    scope: string;
    key: string;
    fingerprint: string;
    lockMs: number;
  }
  // Claims from concurrent requests share statements, as credential writes do. One claim per (scope, key) and lock
  // time per statement (PostgreSQL cannot update one row twice in one INSERT … ON CONFLICT); a repeat waits for the
  // next batch and then finds the first one's lock.
  const beginMany = createBatcher<BeginItem, IdempotencyBegin | undefined>(async (items) => {
    const first = new Map<string, BeginItem>();
    for (const item of items) {
      const id = `${item.lockMs}\u0000${item.scope}\u0000${item.key}`;
      if (!first.has(id)) first.set(id, item);
    }
    const claimed = new Set<BeginItem>();
    const byLock = new Map<number, BeginItem[]>();
    for (const item of first.values()) {
      const group = byLock.get(item.lockMs);
      if (group === undefined) byLock.set(item.lockMs, [item]);
      else group.push(item);
    }
    for (const [lockMs, group] of byLock) {
      // Insert the lock, or take over one abandoned for longer than lockMs (its handler died).
      const { rows } = await run(
        pool,
        `INSERT INTO ${q}.idempotency AS i (scope, key, fingerprint, locked_at)
         SELECT scope, key, fingerprint, now()
         FROM json_to_recordset($1::json) AS r(scope text, key text, fingerprint text)
         ON CONFLICT (scope, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, locked_at = now()
         WHERE i.status_code IS NULL AND i.locked_at < now() - $2 * interval '1 millisecond'
         RETURNING scope, key`,
        [JSON.stringify(group.map(({ scope, key, fingerprint }) => ({ scope, key, fingerprint }))), lockMs],
      );
      const won = new Set(rows.map((r: { scope: string; key: string }) => `${r.scope}\u0000${r.key}`));
      for (const item of group) if (won.has(`${item.scope}\u0000${item.key}`)) claimed.add(item);
    }
    // The others read what holds their key: a completed response, a lock in flight, or another request's key.
    const others = items.filter((item) => !claimed.has(item));
    const found = new Map<string, IdempotencyRow>();
    if (others.length > 0) {
      const { rows } = await run(
        pool,
        `SELECT i.scope, i.key, i.fingerprint, i.status_code, i.content_type, i.body, i.headers, i.body_from
         FROM ${q}.idempotency i JOIN (${limited('scope text, key text', '$1', '$2')}) AS r
         ON i.scope = r.scope AND i.key = r.key`,
        [JSON.stringify(others.map(({ scope, key }) => ({ scope, key }))), others.length],
      );
      for (const row of rows as (IdempotencyRow & { scope: string; key: string })[])
        found.set(`${row.scope}\u0000${row.key}`, row);
    }
    return items.map((item) => {
      if (claimed.has(item)) return { state: 'started' } as const;
      const row = found.get(`${item.scope}\u0000${item.key}`);
      // Released in between (undefined): the caller tries again.
      return row === undefined ? undefined : stateOf(row, item.fingerprint);
    });
  }, batch);
  const completeMany = createBatcher<IdempotencyCompletion, void>(async (items) => {
    await run(pool, completeFrom(limited(COMPLETION_COLUMNS, '$1', '$2')), [
      JSON.stringify(items.map(completionRow)),
      items.length,
    ]);
    return items.map(() => undefined);
  }, batch);

  const idempotency: IdempotencyStore = {
    async begin(scope, key, fingerprint, lockMs): Promise<IdempotencyBegin> {
      for (;;) {
        const begun = await beginMany({ scope, key, fingerprint, lockMs });
        if (begun !== undefined) return begun;
      }
    },
    complete: (scope, key, response) => completeMany({ scope, key, response }),
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
      // A checked-out client whose connection drops (a database restart) emits 'error': without a listener that
      // would end the process. Noted here; the transaction's next query fails, and the client is discarded.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
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
        if (broken === undefined) await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
  };

  const offerColumns =
    'id, code_hash, tx_code_hash, tx_code_failures, template, record, certificate_id, configuration_ids, ' +
    'created_by, created_at, expires_at, redeemed_at, access_token_hash, access_token_expires_at, issued_count, ' +
    'issued_ids';
  const oneOffer = async (where: string, value: string): Promise<StoredOffer | undefined> => {
    const { rows } = await run(pool, `SELECT ${offerColumns} FROM ${q}.oid4vci_offers WHERE ${where} = $1`, [value]);
    return rows[0] === undefined ? undefined : offerFromRow(rows[0]);
  };
  const oid4vci: Oid4vciStore = {
    async putOffer(offer) {
      // Offers whose code and token are both past are dead weight: swept as new ones come in.
      await run(
        pool,
        `DELETE FROM ${q}.oid4vci_offers WHERE expires_at < now() - interval '1 day' AND ` +
          `(access_token_expires_at IS NULL OR access_token_expires_at < now() - interval '1 day')`,
      );
      await run(
        pool,
        `INSERT INTO ${q}.oid4vci_offers (${offerColumns})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [
          offer.id,
          offer.codeHash,
          offer.txCodeHash ?? null,
          offer.txCodeFailures,
          offer.template,
          JSON.stringify(offer.record),
          offer.certificateId,
          JSON.stringify(offer.configurationIds),
          offer.createdBy,
          offer.createdAt,
          offer.expiresAt,
          offer.redeemedAt ?? null,
          offer.accessTokenHash ?? null,
          offer.accessTokenExpiresAt ?? null,
          offer.issuedCount,
          JSON.stringify(offer.issuedIds),
        ],
      );
    },
    getOffer: (id) => oneOffer('id', id),
    offerByCode: (codeHash) => oneOffer('code_hash', codeHash),
    offerByAccessToken: (tokenHash) => oneOffer('access_token_hash', tokenHash),
    async countTxCodeAttempt(id) {
      const { rows } = await run(
        pool,
        `UPDATE ${q}.oid4vci_offers SET tx_code_failures = tx_code_failures + 1 WHERE id = $1 ` +
          `RETURNING tx_code_failures`,
        [id],
      );
      return rows[0] === undefined ? Number.MAX_SAFE_INTEGER : Number(rows[0].tx_code_failures);
    },
    async redeem(id, tokenHash, tokenExpiresAt, at) {
      const { rowCount } = await run(
        pool,
        `UPDATE ${q}.oid4vci_offers SET redeemed_at = $4, access_token_hash = $2, access_token_expires_at = $3
         WHERE id = $1 AND redeemed_at IS NULL AND expires_at > $4`,
        [id, tokenHash, tokenExpiresAt, at],
      );
      return rowCount === 1;
    },
    async reserveCopies(id, count, max) {
      const { rowCount } = await run(
        pool,
        `UPDATE ${q}.oid4vci_offers SET issued_count = issued_count + $2 WHERE id = $1 AND issued_count + $2 <= $3`,
        [id, count, max],
      );
      return rowCount === 1;
    },
    async addIssued(id, credentialIds) {
      // jsonb concatenation in one statement: concurrent requests of one offer never lose each other's ids.
      await run(
        pool,
        `UPDATE ${q}.oid4vci_offers SET issued_ids = (issued_ids::jsonb || $2::jsonb)::text WHERE id = $1`,
        [id, JSON.stringify(credentialIds)],
      );
    },
    async putNonce(nonceHash, expiresAt) {
      await run(pool, `DELETE FROM ${q}.oid4vci_nonces WHERE expires_at < now()`);
      await run(pool, `INSERT INTO ${q}.oid4vci_nonces (nonce_hash, expires_at) VALUES ($1, $2)`, [
        nonceHash,
        expiresAt,
      ]);
    },
    async consumeNonce(nonceHash, at) {
      const { rows } = await run(
        pool,
        `DELETE FROM ${q}.oid4vci_nonces WHERE nonce_hash = $1 RETURNING expires_at > $2::timestamptz AS fresh`,
        [nonceHash, at],
      );
      return rows[0]?.fresh === true;
    },
  };

  const requestColumns =
    'id, state_hash, nonce, client_id, dcql_query, vaccination, created_by, created_at, expires_at, answered_at, ' +
    'outcome';
  const oid4vp: Oid4vpStore = {
    async putRequest(request) {
      await run(pool, `DELETE FROM ${q}.oid4vp_requests WHERE expires_at < now() - interval '1 day'`);
      await run(
        pool,
        `INSERT INTO ${q}.oid4vp_requests (${requestColumns})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          request.id,
          request.stateHash,
          request.nonce,
          request.clientId,
          JSON.stringify(request.dcqlQuery),
          request.vaccination !== undefined ? JSON.stringify(request.vaccination) : null,
          request.createdBy,
          request.createdAt,
          request.expiresAt,
          request.answeredAt ?? null,
          request.outcome !== undefined ? JSON.stringify(request.outcome) : null,
        ],
      );
    },
    async getRequest(id) {
      const { rows } = await run(pool, `SELECT ${requestColumns} FROM ${q}.oid4vp_requests WHERE id = $1`, [id]);
      return rows[0] === undefined ? undefined : presentationRequestFromRow(rows[0]);
    },
    async claim(id, stateHash, at) {
      const { rowCount } = await run(
        pool,
        `UPDATE ${q}.oid4vp_requests SET answered_at = $3
         WHERE id = $1 AND state_hash = $2 AND answered_at IS NULL AND expires_at > $3`,
        [id, stateHash, at],
      );
      return rowCount === 1;
    },
    async putOutcome(id, outcome) {
      await run(pool, `UPDATE ${q}.oid4vp_requests SET outcome = $2 WHERE id = $1`, [id, JSON.stringify(outcome)]);
    },
  };

  return {
    credentials,
    idempotency,
    statusLists,
    oid4vci,
    oid4vp,
    async ping() {
      await run(pool, 'SELECT 1');
    },
    async close() {
      if (ownPool) await pool.end();
    },
  };
}

/**
 * The rows of a batch ($1, a JSON array of $2 objects) for a join with a table. PostgreSQL plans json_to_recordset
 * for 100 rows, and against a table of up to some ten thousand rows (or one not analysed yet) it then scans the whole
 * table once per statement rather than looking up each row by its key; the LIMIT (exactly the batch's length) tells
 * it how few rows come.
 */
function limited(columns: string, rows: string, count: string): string {
  return `SELECT * FROM json_to_recordset(${rows}::json) AS b(${columns}) LIMIT ${count}`;
}

/** The columns of an Idempotency-Key response in a batch (see `completionRow`). */
const COMPLETION_COLUMNS =
  'scope text, key text, status_code integer, content_type text, body text, headers text, body_from text';

/** An Idempotency-Key response as a batch row of the idempotency table. */
function completionRow({ scope, key, response }: IdempotencyCompletion): Record<string, unknown> {
  return {
    scope,
    key,
    status_code: response.statusCode,
    content_type: response.contentType,
    body: response.body,
    headers: response.headers ? JSON.stringify(response.headers) : null,
    body_from: response.bodyFrom ? JSON.stringify(response.bodyFrom) : null,
  };
}

/**
 * `"name":<value's JSON>` for a batch row, or `"name_text":"<value's JSON as a string>"` when the JSON has \u0000
 * (see the credential insert). Either way the column receives JSON.stringify(value), byte for byte.
 */
function jsonField(name: string, value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes('\\u0000') ? `"${name}_text":${JSON.stringify(text)}` : `"${name}":${text}`;
}

/** The schema and its tables, when missing (new tables are added to an existing schema). */
async function createTables(pool: pg.Pool, q: string, schema: string): Promise<void> {
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
    status_code integer, content_type text, body text, headers text, body_from text, PRIMARY KEY (scope, key))
    WITH (fillfactor = 60)`,
  );
  // Tables made by earlier versions are brought up to date, reading the catalog first: an ALTER TABLE locks the table
  // even when it changes nothing, which would stall the other instances' requests at every start of one.
  const { rows: columns } = await run(
    pool,
    `SELECT c.relname AS table, a.attname AS column, to_jsonb(a) ->> 'attcompression' AS compression,
       c.reloptions AS options
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE n.nspname = $1 AND c.relname IN ('credentials', 'idempotency')`,
    [schema],
  );
  const column = (table: string, name: string) =>
    (columns as { table: string; column: string; compression: string | null; options: string[] | null }[]).find(
      (c) => c.table === table && c.column === name,
    );
  // Added after the table's first release (null: a verbatim body).
  if (column('idempotency', 'body_from') === undefined)
    await run(pool, `ALTER TABLE ${q}.idempotency ADD COLUMN IF NOT EXISTS body_from text`);
  // Each row is inserted as a lock, then updated once with its response: room left in each page lets that update
  // stay on the page without new index entries (a HOT update; in a load test −40 % of its cost to the database).
  // Tables made by earlier versions get it for their new pages.
  if (!(column('idempotency', 'key')?.options ?? []).includes('fillfactor=60'))
    await run(pool, `ALTER TABLE ${q}.idempotency SET (fillfactor = 60)`);
  // Credentials and stored responses are JSON of a few KiB, which PostgreSQL compresses: lz4 (PostgreSQL 14+, when
  // built with it) costs the database a fraction of the CPU of its default pglz. Elsewhere the default stays.
  for (const [table, name] of [
    ['credentials', 'credential'],
    ['credentials', 'outputs'],
    ['idempotency', 'body'],
  ] as const)
    if (column(table, name)?.compression !== 'l')
      await pool.query(`ALTER TABLE ${q}.${table} ALTER COLUMN ${name} SET COMPRESSION lz4`).catch(() => undefined);
  await run(
    pool,
    `CREATE TABLE IF NOT EXISTS ${q}.status_lists (
    id text PRIMARY KEY, seq bigserial, list text NOT NULL, published text, published_until timestamptz)`,
  );
  await run(
    pool,
    `CREATE TABLE IF NOT EXISTS ${q}.oid4vci_offers (
    id text PRIMARY KEY, code_hash text NOT NULL UNIQUE, tx_code_hash text, tx_code_failures integer NOT NULL,
    template text NOT NULL, record text NOT NULL, certificate_id text NOT NULL, configuration_ids text NOT NULL,
    created_by text NOT NULL, created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL,
    redeemed_at timestamptz, access_token_hash text UNIQUE, access_token_expires_at timestamptz,
    issued_count integer NOT NULL, issued_ids text NOT NULL)`,
  );
  await run(
    pool,
    `CREATE TABLE IF NOT EXISTS ${q}.oid4vci_nonces (nonce_hash text PRIMARY KEY, expires_at timestamptz NOT NULL)`,
  );
  await run(
    pool,
    `CREATE TABLE IF NOT EXISTS ${q}.oid4vp_requests (
    id text PRIMARY KEY, state_hash text NOT NULL, nonce text NOT NULL, client_id text NOT NULL,
    dcql_query text NOT NULL, vaccination text, created_by text NOT NULL, created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL, answered_at timestamptz, outcome text)`,
  );
}

function presentationRequestFromRow(row: Record<string, unknown>): StoredPresentationRequest {
  const iso = (v: unknown): string => new Date(v as string | Date).toISOString();
  return {
    id: String(row.id),
    stateHash: String(row.state_hash),
    nonce: String(row.nonce),
    clientId: String(row.client_id),
    dcqlQuery: JSON.parse(String(row.dcql_query)) as Record<string, unknown>,
    ...(row.vaccination !== null
      ? { vaccination: JSON.parse(String(row.vaccination)) as StoredPresentationRequest['vaccination'] }
      : {}),
    createdBy: String(row.created_by),
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    ...(row.answered_at !== null ? { answeredAt: iso(row.answered_at) } : {}),
    ...(row.outcome !== null
      ? { outcome: JSON.parse(String(row.outcome)) as StoredPresentationRequest['outcome'] }
      : {}),
  };
}

function offerFromRow(row: Record<string, unknown>): StoredOffer {
  const iso = (v: unknown): string => new Date(v as string | Date).toISOString();
  return {
    id: String(row.id),
    codeHash: String(row.code_hash),
    ...(row.tx_code_hash !== null ? { txCodeHash: String(row.tx_code_hash) } : {}),
    txCodeFailures: Number(row.tx_code_failures),
    template: String(row.template),
    record: JSON.parse(String(row.record)) as Record<string, unknown>,
    certificateId: String(row.certificate_id),
    configurationIds: JSON.parse(String(row.configuration_ids)) as string[],
    createdBy: String(row.created_by),
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    ...(row.redeemed_at !== null ? { redeemedAt: iso(row.redeemed_at) } : {}),
    ...(row.access_token_hash !== null ? { accessTokenHash: String(row.access_token_hash) } : {}),
    ...(row.access_token_expires_at !== null ? { accessTokenExpiresAt: iso(row.access_token_expires_at) } : {}),
    issuedCount: Number(row.issued_count),
    issuedIds: JSON.parse(String(row.issued_ids)) as string[],
  };
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
