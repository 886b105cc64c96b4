/**
 * A registry embedding @divoc/bulk: its vaccination events are read through a PostgreSQL cursor and every
 * certificate is written back to its own `certificates` table. Run it again after a crash or an abort and it
 * finishes the backlog, each event certified exactly once (the table is the ledger: see `certificateTable`).
 */
import { issueBulk } from '@divoc/bulk';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The schema name, quoted for SQL; only plain lower-case names are accepted (it is not a bind parameter). */
export function quoteSchema(schema) {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`schema name must match ${SCHEMA_NAME}`);
  return `"${schema}"`;
}

/** The "existing" registry: vaccination events, and the table certificates are written back to. */
export async function createRegistrySchema(db, schema) {
  const s = quoteSchema(schema);
  await db.query(`
    CREATE SCHEMA ${s};
    CREATE TABLE ${s}.vaccination_events (
      id               bigserial PRIMARY KEY,
      registration_code text NOT NULL,
      name             text NOT NULL,
      dob              date NOT NULL,
      gender           text,
      identity         text NOT NULL,
      vaccine          text NOT NULL,
      manufacturer     text,
      batch            text NOT NULL,
      dose             integer NOT NULL,
      total_doses      integer NOT NULL,
      vaccinated_on    date NOT NULL,
      facility_name    text NOT NULL,
      district         text,
      state            text,
      country          text NOT NULL DEFAULT 'IN'
    );
    CREATE TABLE ${s}.certificates (
      certificate_id    text PRIMARY KEY,
      registration_code text,
      source_line       integer NOT NULL,
      credential        jsonb NOT NULL,
      vc_compact        text,
      issued_at         timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function dropRegistrySchema(db, schema) {
  await db.query(`DROP SCHEMA IF EXISTS ${quoteSchema(schema)} CASCADE`);
}

/** `count` vaccination events; every `badEvery`-th one has a vaccine no value set knows (rejected, reported). */
export async function seedVaccinationEvents(db, schema, count, { badEvery = 0 } = {}) {
  const s = quoteSchema(schema);
  await db.query(
    `INSERT INTO ${s}.vaccination_events
       (registration_code, name, dob, gender, identity, vaccine, manufacturer, batch, dose, total_doses,
        vaccinated_on, facility_name, district, state)
     SELECT 'REG-' || n, 'Person ' || n, DATE '1970-01-01' + (n % 15000),
            CASE WHEN n % 2 = 0 THEN 'Female' ELSE 'Male' END,
            'did:in.gov.uidai.aadhaar:' || (100000000000 + n),
            CASE WHEN $2 > 0 AND n % $2 = 0 THEN 'NOSUCHVACCINE' ELSE 'COVISHIELD' END,
            'Serum Institute of India', 'B' || (n % 97), 1, 2, DATE '2021-09-01' + (n % 300),
            'District Hospital', 'Pune', 'Maharashtra'
     FROM generate_series(1, $1) AS n`,
    [count, badEvery],
  );
}

/**
 * The registry's vaccination events as an async iterable of records, read through a server-side cursor a page at a
 * time (DECLARE … FETCH), so a backlog of millions never sits in memory. Columns are named as the template's fields.
 */
export async function* vaccinationCursor(pool, schema, { pageSize = 500 } = {}) {
  const s = quoteSchema(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`
      DECLARE events NO SCROLL CURSOR FOR
      SELECT registration_code AS "refId", name, to_char(dob, 'YYYY-MM-DD') AS dob, gender, identity,
             vaccine, manufacturer, batch, dose, total_doses AS "totalDoses",
             to_char(vaccinated_on, 'YYYY-MM-DD') AS "vaccinationDate", facility_name AS "facilityName",
             district, state, country, 'Indian' AS nationality
      FROM ${s}.vaccination_events ORDER BY id`);
    for (;;) {
      const page = await client.query(`FETCH ${Number(pageSize)} FROM events`);
      if (page.rows.length === 0) break;
      yield* page.rows;
    }
    await client.query('COMMIT');
  } finally {
    // Also when issueBulk stops early (an abort): the cursor's transaction ends with the connection's release.
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

/**
 * The sink: `has` asks the table which certificates it holds already (a resumed run skips them), `write` stores a
 * batch in one transaction. The primary key on certificate_id would refuse a second copy anyway.
 */
export function certificateTable(pool, schema) {
  const s = quoteSchema(schema);
  return {
    async has(certificateIds) {
      const sql = `SELECT certificate_id FROM ${s}.certificates WHERE certificate_id = ANY($1)`;
      const result = await pool.query(sql, [certificateIds]);
      return result.rows.map((row) => row.certificate_id);
    },
    async write(certificates) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO ${s}.certificates (certificate_id, registration_code, source_line, credential, vc_compact)
           SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::jsonb[], $5::text[])
           ON CONFLICT (certificate_id) DO NOTHING`,
          [
            certificates.map((c) => c.certificateId),
            certificates.map((c) => c.recordId ?? null),
            certificates.map((c) => c.line),
            certificates.map((c) => JSON.stringify(c.formats['w3c-vc'])),
            certificates.map((c) => c.formats['vc-compact'] ?? null),
          ],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/**
 * Certifies every vaccination event that has no certificate yet. `keys` is what issueBulk takes: keys in memory,
 * or a key loader module (`src/key-loader.mjs`) so worker threads load the key file themselves.
 */
export function certifyBacklog({ pool, schema, keys, issuer, workers, signal, onProgress, onReject }) {
  return issueBulk({
    source: vaccinationCursor(pool, schema),
    template: 'vaccination',
    formats: ['w3c-vc', 'vc-compact'],
    keys,
    issuer,
    sink: certificateTable(pool, schema),
    ...(workers !== undefined ? { workers } : {}),
    ...(signal ? { signal } : {}),
    ...(onProgress ? { onProgress } : {}),
    ...(onReject ? { onReject } : {}),
  });
}
