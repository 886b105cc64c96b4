// Settings shared by the one-command demo (main.mjs), the worker process (worker.mjs) and the tests.
// Everything defaults to this machine's services on loopback.

export const DEFAULTS = Object.freeze({
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
  natsUrl: 'nats://127.0.0.1:4222',
  schema: 'divoc_example',
  registry: 'example',
  issuer: 'https://registry.example.org',
});

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A PostgreSQL schema name we can safely interpolate (quoted) into SQL. */
export function checkSchemaName(schema) {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new Error(`schema name must match ${SCHEMA_NAME} (got ${JSON.stringify(schema)})`);
  }
  return `"${schema}"`;
}
