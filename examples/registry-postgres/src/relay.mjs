import { checkSchemaName } from './config.mjs';

/**
 * The outbox relay: publishes unsent outbox rows to JetStream and marks them sent, in one transaction per batch.
 * `Nats-Msg-Id` is the outbox id, so a relay that crashes after publishing and before committing (or two relays
 * racing) cannot put the same row in the stream twice within the stream's duplicate window. `FOR UPDATE SKIP LOCKED`
 * lets several relays share the table. It wakes on the trigger's NOTIFY, and polls as a fallback; it never sleeps
 * while a full batch was just sent or rows were announced during the last batch.
 *
 * @param {{ pool: import('pg').Pool, schema: string, nats: import('nats').NatsConnection, subject: string,
 *           batchSize?: number, pollMs?: number, onError?: (error: Error) => void }} options
 */
export async function startRelay({
  pool,
  schema,
  nats,
  subject,
  batchSize = 500,
  pollMs = 500,
  onError = () => undefined,
}) {
  const s = checkSchemaName(schema);
  const js = nats.jetstream();
  const encoder = new TextEncoder();
  let stopping = false;
  let published = 0;
  let wake;
  // Set by every NOTIFY and cleared before each batch: rows that arrive while a batch is being published make the
  // next sleep return at once instead of waiting out pollMs.
  let notified = false;
  const sleep = (ms) =>
    new Promise((resolve) => {
      if (notified || stopping) return resolve();
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        wake = undefined;
        clearTimeout(timer);
        resolve();
      };
    });

  const listener = await pool.connect();
  await listener.query(`LISTEN "${schema}_outbox"`);
  listener.on('notification', () => {
    notified = true;
    wake?.();
  });

  const relayBatch = async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(
        `SELECT id, payload FROM ${s}.outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      await Promise.all(
        rows.map((row) =>
          js.publish(subject, encoder.encode(JSON.stringify(row.payload)), { msgID: `${schema}-outbox-${row.id}` }),
        ),
      );
      if (rows.length > 0)
        await client.query(`UPDATE ${s}.outbox SET sent_at = now() WHERE id = ANY($1::bigint[])`, [
          rows.map((r) => r.id),
        ]);
      await client.query('COMMIT');
      published += rows.length;
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const loop = (async () => {
    while (!stopping) {
      let sent = 0;
      notified = false;
      try {
        sent = await relayBatch();
      } catch (error) {
        onError(error);
      }
      if (sent < batchSize && !stopping) await sleep(pollMs);
    }
  })();

  return {
    published: () => published,
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      listener.release();
    },
  };
}
