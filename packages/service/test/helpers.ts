import { createSigner, exportPublicJwk, generateKeyPair, verificationMethodId, didKeyFromKeyPair } from '@divoc/keys';
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import {
  createMemoryStorage,
  createPostgresStorage,
  createService,
  sha256Hex,
  type ServiceConfig,
  type ServiceStorage,
} from '@divoc/service';
import pg from 'pg';

export { registryRecord as RECORD } from '../../../test/support/fixtures.js';

/** The PostgreSQL the tests use: loopback, trust auth, database `test` (or `DIVOC_TEST_POSTGRES`). */
export const PG_CONNECTION = process.env.DIVOC_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/** True when that PostgreSQL answers within 2 s. */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_CONNECTION, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * The storages a suite runs on: memory, and PostgreSQL when it answers (each storage in a fresh schema named
 * `<prefix>_<random>`, all dropped after the test file).
 */
export async function storageBackends(prefix: string): Promise<Array<[string, () => Promise<ServiceStorage>]>> {
  const backends: Array<[string, () => Promise<ServiceStorage>]> = [['memory', async () => createMemoryStorage()]];
  if (!(await postgresReachable())) return backends;
  const schemas: string[] = [];
  afterAll(async () => {
    if (schemas.length === 0) return;
    const pool = new pg.Pool({ connectionString: PG_CONNECTION, max: 1 });
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  backends.push([
    'postgres',
    async () => {
      const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      return createPostgresStorage({ connectionString: PG_CONNECTION, schema });
    },
  ]);
  return backends;
}

/** An unsigned VC 1.1 credential for the VC-API style issue request. */
export const UNSIGNED_CREDENTIAL = {
  '@context': ['https://www.w3.org/2018/credentials/v1'],
  type: ['VerifiableCredential'],
  issuanceDate: '2024-01-01T00:00:00Z',
  credentialSubject: { id: 'did:example:subject' },
};

export const API_KEYS = {
  issuer: 'issuer-key-0123456789abcdef',
  verifier: 'verifier-key-0123456789abcdef',
  admin: 'admin-key-0123456789abcdef',
};

export interface LogCapture {
  lines: string[];
  write(line: string): void;
}

export function logCapture(): LogCapture {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}

export async function baseConfig(overrides: Partial<ServiceConfig> = {}): Promise<ServiceConfig> {
  const keyPair = await generateKeyPair('Ed25519');
  const signer = createSigner(keyPair, { id: verificationMethodId(keyPair) });
  return {
    issuer: didKeyFromKeyPair(keyPair),
    keys: { vc: { signer, publicKeyJwk: exportPublicJwk(keyPair) } },
    auth: {
      apiKeys: [
        { id: 'registry', sha256: sha256Hex(API_KEYS.issuer), scopes: ['credentials:issue', 'credentials:read'] },
        { id: 'verifier', sha256: sha256Hex(API_KEYS.verifier), scopes: ['credentials:verify'] },
        {
          id: 'admin',
          sha256: sha256Hex(API_KEYS.admin),
          scopes: ['credentials:issue', 'credentials:verify', 'credentials:revoke', 'credentials:read'],
        },
      ],
    },
    rateLimit: false,
    publicUrl: 'https://certs.example.test',
    logger: false,
    ...overrides,
  };
}

export async function makeService(overrides: Partial<ServiceConfig> = {}) {
  const config = await baseConfig(overrides);
  const app = await createService(config);
  return { app, config };
}

export const auth = (key: string) => ({ authorization: `Bearer ${key}` });
