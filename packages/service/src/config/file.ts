import { FORMATS } from '@divoc/formats';
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  createSigner,
  exportPublicJwk,
  isKeysError,
  KeyFileTooLargeError,
  KeyFileUnreadableError,
  parseJsonStrict,
  type KeyFileKey,
  type KeyType,
  type SignatureAlgorithm,
  type Signer,
  isJsonObject,
} from '@divoc/keys';
import { readFileCapped, readKeyFile } from '@divoc/keys/node';
import type { SuiteName } from '@divoc/vc';
import { MAX_TRUST_TEXT, Trust } from '@divoc/verifier';
import { splitTrustBinding, trustBindingOf } from '@divoc/verifier/node';
import type { JSONWebKeySet } from 'jose';
import { SCOPES, type AuthConfig, type Scope } from '../auth/auth.js';
import { ServiceConfigError } from '../lib/errors.js';
import { createMemoryStorage } from '../storage/memory.js';
import { createPostgresStorage } from '../storage/postgres.js';
import type { IssuableFormat, LogSink, ServiceConfig, ServiceKeys } from './types.js';
import type { Oid4vciConfig } from '../oid4vci/types.js';
import type { Oid4vpConfig } from '../oid4vp/types.js';

/**
 * The JSON config file (`divoc serve --config FILE`). Relative paths are relative to the file's folder.
 *
 * {
 *   "listen": { "host": "127.0.0.1", "port": 8080 },
 *   "publicUrl": "https://certificates.example.gov",
 *   "issuer": "https://certificates.example.gov",
 *   "certificateIssuerName": "Ministry of Health",
 *   "unknownFields": "reject",                             // or "ignore": drop record fields the template lacks
 *   "keys": {
 *     "vc": { "key": "keys/vc.key.json" },                 // or "pkcs11:token=…;object=…" (with the divoc CLI)
 *     "dsc": { "key": "keys/dsc.key.pem", "certificate": "keys/dsc.crt.pem" },
 *     "shc": { "key": "keys/shc.key.pem", "issuer": "https://certificates.example.gov" }
 *   },
 *   "trust": ["trust/trust-list.json"],
 *   "auth": {
 *     "apiKeys": [{ "id": "registry", "sha256": "<hex>", "scopes": ["credentials:issue", "credentials:read"] }],
 *     "jwt": { "jwksFile": "auth/jwks.json", "issuer": "https://idp.example", "audience": "divoc-service" }
 *   },
 *   "rateLimit": { "capacity": 100, "refillPerSecond": 50 },
 *   "storage": { "kind": "postgres", "connectionStringEnv": "DATABASE_URL", "schema": "divoc_service" },
 *   "statusList": { "enabled": true, "length": 131072, "validitySeconds": 86400 },
 *   "formats": ["w3c-vc", "divoc-qr", "vc-compact", "dcc"],
 *   "qr": "divoc-qr",
 *   "bodyLimit": 262144,
 *   "oid4vci": { "enabled": true, "credentialTypes": [{ "template": "vaccination" }], "batchSize": 5 },
 *   "log": { "level": "info" }
 * }
 */
export interface ServiceConfigFile {
  listen?: { host?: string; port?: number };
  publicUrl?: string;
  issuer?: string;
  certificateIssuerName?: string;
  unknownFields?: 'reject' | 'ignore';
  keys: {
    vc: string | { key: string; keyId?: string; suite?: SuiteName };
    dsc?: { key: string; certificate: string };
    dcc?: { key: string; certificate: string };
    vdsnc?: { key: string; certificate: string };
    /** WHO Digital Vaccination Certificate signer (the DVC is issued only when it is given). */
    dvc?: { key: string; certificate: string };
    shc?: { key: string; issuer?: string };
  };
  trust?: string[];
  auth:
    | { mode: 'none' }
    | {
        apiKeys?: { id: string; sha256: string; scopes: Scope[] }[];
        jwt?: {
          jwks?: JSONWebKeySet;
          jwksFile?: string;
          issuer: string;
          audience: string | string[];
          algorithms?: string[];
          clockToleranceSeconds?: number;
          maxTokenAgeSeconds?: number;
        };
      };
  rateLimit?: { capacity: number; refillPerSecond: number } | false;
  storage?:
    | { kind: 'memory' }
    | {
        kind: 'postgres';
        connectionString?: string;
        connectionStringEnv?: string;
        schema?: string;
        maxConnections?: number;
      };
  statusList?: { enabled?: boolean; length?: number; validitySeconds?: number; reserveBlock?: number };
  formats?: IssuableFormat[];
  qr?: IssuableFormat;
  pdfLocale?: string;
  vcVersion?: '1.1' | '2.0';
  context?: 'sdk' | 'divoc-legacy';
  bodyLimit?: number;
  idempotencyLockSeconds?: number;
  log?: false | { level?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' };
  trustProxy?: boolean;
  /** Issuance threads (0-64, default 0: sign on the main thread); each loads the key files above itself. */
  threads?: number;
  /** OpenID4VCI issuance (`ServiceConfig.oid4vci` without `formatIssuers`, which are code). */
  oid4vci?: Omit<Oid4vciConfig, 'formatIssuers'>;
  /** OpenID4VP presentation requests (`ServiceConfig.oid4vp`). */
  oid4vp?: Oid4vpConfig;
}

/** A signing key, wherever it lives (file, HSM): the signer and its public key. */
export interface LoadedSigningKey {
  signer: Signer;
  publicKeyJwk: JsonWebKey;
  type: KeyType;
  /** Verification method id. */
  id: string;
  controller?: string;
}

/** Turns a key reference (a path, or a `pkcs11:` URI) into a signer. The CLI passes one that knows PKCS#11. */
export type KeyLoader = (
  ref: string,
  options: { baseDir: string; keyId?: string; algorithm?: SignatureAlgorithm },
) => Promise<LoadedSigningKey>;

/** Options of `loadServiceConfig`: how keys are loaded, the environment and the log sink. */
export interface LoadServiceConfigOptions {
  loadKey?: KeyLoader;
  /** Where `connectionStringEnv` is looked up. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Log sink (default stdout). */
  logSink?: LogSink;
  /** Overrides of `listen` (command-line flags). */
  listen?: { host?: string; port?: number };
  /** Overrides the file's `threads` (command-line flag). */
  threads?: number;
}

const MAX_FILE_BYTES = 1024 * 1024;
const FORMAT_NAMES: readonly IssuableFormat[] = FORMATS.names;
/** Formats a certificate's QR can show: those that re-encode the signed W3C credential (`divoc-qr`, `vc-compact`). */
export const QR_FORMATS: readonly string[] = FORMATS.plugins
  .filter((p) => p.issuance.mode === 'reencodes' && p.issuance.source === 'w3c-vc')
  .map((p) => p.name);
const SUITES = [
  'eddsa-rdfc-2022',
  'Ed25519Signature2020',
  'ecdsa-rdfc-2019',
  'RsaSignature2018',
  'Ed25519Signature2018',
];

/** Reads a file of at most `max` bytes, refusing a larger one while reading it (not after: it may grow past a stat). */
async function readSmall(path: string, what: string, max = MAX_FILE_BYTES): Promise<Uint8Array> {
  let read;
  try {
    // Configuration comes from regular files: a device or a pipe is refused before reading.
    if (!(await stat(path)).isFile()) throw new ServiceConfigError(`${what} ${path} is not a file`);
    read = await readFileCapped(path, max);
  } catch (error) {
    if (error instanceof ServiceConfigError) throw error;
    throw new ServiceConfigError(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  if (read.tooLarge) throw new ServiceConfigError(`${what} ${path} is larger than ${max} bytes`);
  return read.bytes;
}

/**
 * Reads key files in any format @divoc/keys reads (`readKeyFile`: our `divoc-key` JSON, a PEM private key, DIVOC's
 * key JSON, a private JWK), capped at `MAX_KEY_FILE_BYTES` while reading. `pkcs11:` URIs need a loader that knows
 * the token (the divoc CLI passes one). Errors name the file, never its content.
 */
export const defaultKeyLoader: KeyLoader = async (ref, options) => {
  if (ref.startsWith('pkcs11:'))
    throw new ServiceConfigError(
      'pkcs11: keys need a PKCS#11-aware key loader (run the service with `divoc serve`, or pass loadKey)',
    );
  const path = isAbsolute(ref) ? ref : resolve(options.baseDir, ref);
  let key: KeyFileKey;
  try {
    key = await readKeyFile(path, {
      name: ref,
      requirePrivate: true,
      ...(options.keyId !== undefined ? { explicitId: options.keyId } : {}),
    });
  } catch (error) {
    if (error instanceof KeyFileUnreadableError)
      throw new ServiceConfigError(`cannot read key file ${path}: ${error.systemCode ?? error.reason}`);
    if (error instanceof KeyFileTooLargeError)
      throw new ServiceConfigError(`key file ${path} is larger than ${error.limit} bytes`);
    if (isKeysError(error)) throw new ServiceConfigError(`${error.message} (${error.code})`);
    throw error;
  }
  const { keyPair, id } = key;
  const signer = createSigner(keyPair, {
    id,
    ...(options.algorithm !== undefined ? { algorithm: options.algorithm } : {}),
  });
  return {
    signer,
    publicKeyJwk: exportPublicJwk(keyPair),
    type: keyPair.type,
    id,
    ...(key.controller !== undefined ? { controller: key.controller } : {}),
  };
};

function fail(message: string): never {
  throw new ServiceConfigError(message);
}

function str(v: unknown, where: string, optional = false): string | undefined {
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v === '') fail(`${where} must be a non-empty string`);
  return v;
}

function int(v: unknown, where: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail(`${where} must be an integer from ${min} to ${max}`);
  return v;
}

/**
 * A `Trust` from a config file's `trust` entries (file paths, "ISSUER=path" binding the keys to ISSUER), relative to
 * `baseDir`. Verification threads build theirs through this same function.
 */
export async function loadTrustFiles(entries: readonly string[], baseDir: string): Promise<Trust> {
  const trust = new Trust();
  for (const [i, entry] of entries.entries()) {
    str(entry, `trust[${i}]`);
    const { id, path: p } = splitTrustBinding(entry);
    const bytes = await readSmall(isAbsolute(p) ? p : resolve(baseDir, p), 'trust file', MAX_TRUST_TEXT);
    try {
      await trust.load(Buffer.from(bytes).toString('utf8'), { name: p, ...trustBindingOf(id) });
    } catch (error) {
      fail(`trust[${i}] ${p}: ${(error as Error).message}`);
    }
  }
  return trust;
}

/** Every key reference (path or `pkcs11:` URI) of a config file's `keys` section. */
function keyRefs(fileKeys: ServiceConfigFile['keys']): string[] {
  const refs: string[] = [];
  for (const value of Object.values(fileKeys)) {
    if (typeof value === 'string') refs.push(value);
    else if (isJsonObject(value) && typeof value.key === 'string') refs.push(value.key);
  }
  return refs;
}

/**
 * Loads the signing keys a config file's `keys` section names (paths relative to `baseDir`). Issuance threads load
 * their own copies through this same function (`threads`), so they sign with exactly the keys the service loaded.
 */
export async function loadServiceKeys(
  fileKeys: ServiceConfigFile['keys'] | undefined,
  options: { baseDir: string; loadKey?: KeyLoader },
): Promise<{ keys: ServiceKeys; vcKey: LoadedSigningKey }> {
  const baseDir = options.baseDir;
  const loadKey = options.loadKey ?? defaultKeyLoader;
  const at = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  if (!isJsonObject(fileKeys)) fail('keys must be an object with at least keys.vc');
  const vcRef = typeof fileKeys.vc === 'string' ? { key: fileKeys.vc } : fileKeys.vc;
  if (!isJsonObject(vcRef)) fail('keys.vc must be a key path / pkcs11: URI, or { key, keyId?, suite? }');
  str(vcRef.key, 'keys.vc.key');
  str(vcRef.keyId, 'keys.vc.keyId', true);
  if (vcRef.suite !== undefined && !SUITES.includes(vcRef.suite))
    fail(`keys.vc.suite must be one of ${SUITES.join(', ')}`);
  const vcKey = await loadKey(vcRef.key, { baseDir, ...(vcRef.keyId !== undefined ? { keyId: vcRef.keyId } : {}) });
  const keys: ServiceKeys = {
    vc: {
      signer: vcKey.signer,
      publicKeyJwk: vcKey.publicKeyJwk,
      ...(vcRef.suite !== undefined ? { suite: vcRef.suite } : {}),
    },
  };
  for (const name of ['dsc', 'dcc', 'vdsnc', 'dvc'] as const) {
    const ref = fileKeys[name];
    if (ref === undefined) continue;
    if (!isJsonObject(ref)) fail(`keys.${name} must be { key, certificate }`);
    str(ref.key, `keys.${name}.key`);
    str(ref.certificate, `keys.${name}.certificate`);
    const key = await loadKey(ref.key, { baseDir, algorithm: 'ES256' });
    keys[name] = { signer: key.signer, certificate: await readSmall(at(ref.certificate), `keys.${name}.certificate`) };
  }
  if (fileKeys.shc !== undefined) {
    const ref = fileKeys.shc;
    if (!isJsonObject(ref)) fail('keys.shc must be { key, issuer? }');
    str(ref.key, 'keys.shc.key');
    const key = await loadKey(ref.key, { baseDir, algorithm: 'ES256' });
    const issuer = str(ref.issuer, 'keys.shc.issuer', true);
    keys.shc = { signer: key.signer, key: key.publicKeyJwk, ...(issuer !== undefined ? { issuer } : {}) };
  }

  return { keys, vcKey };
}

/** Checks a parsed config file and builds the `ServiceConfig` (loads keys and trust, opens storage). */
export async function parseServiceConfig(
  json: unknown,
  options: LoadServiceConfigOptions & { baseDir: string },
): Promise<ServiceConfig> {
  if (!isJsonObject(json)) fail('config must be a JSON object');
  const known = new Set([
    'listen',
    'publicUrl',
    'issuer',
    'certificateIssuerName',
    'unknownFields',
    'keys',
    'trust',
    'auth',
    'rateLimit',
    'storage',
    'statusList',
    'formats',
    'qr',
    'pdfLocale',
    'vcVersion',
    'context',
    'bodyLimit',
    'idempotencyLockSeconds',
    'log',
    'trustProxy',
    'threads',
    'oid4vci',
    'oid4vp',
    '$comment',
  ]);
  for (const k of Object.keys(json)) if (!known.has(k)) fail(`unknown config field ${JSON.stringify(k)}`);
  const file = json as unknown as ServiceConfigFile;
  if (file.unknownFields !== undefined && file.unknownFields !== 'reject' && file.unknownFields !== 'ignore')
    fail('unknownFields must be "reject" or "ignore"');
  const baseDir = options.baseDir;
  const loadKey = options.loadKey ?? defaultKeyLoader;
  const at = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));

  const listen = { ...(isJsonObject(file.listen) ? file.listen : {}), ...(options.listen ?? {}) };
  if (file.listen !== undefined && !isJsonObject(file.listen)) fail('listen must be { host?, port? }');
  str(listen.host, 'listen.host', true);
  int(listen.port, 'listen.port', 0, 65535);

  const { keys, vcKey } = await loadServiceKeys(file.keys, { baseDir, loadKey });
  const threads = options.threads ?? int(file.threads, 'threads', 0, 64) ?? 0;
  if (options.threads !== undefined) int(options.threads, 'threads', 0, 64);
  // Each issuance thread reads the key files itself; a key in an HSM is opened by the main thread only.
  if (threads > 0 && keyRefs(file.keys).some((ref) => ref.startsWith('pkcs11:')))
    fail('threads: keys in an HSM (pkcs11:) sign on the main thread; set threads to 0, or run more instances');

  const issuer =
    str(file.issuer, 'issuer', true) ??
    vcKey.controller ??
    (vcKey.id.startsWith('did:') ? vcKey.id.split('#')[0] : undefined);
  if (issuer === undefined) fail('issuer is required (it cannot be derived from the VC key id)');

  if (file.trust !== undefined && !Array.isArray(file.trust))
    fail('trust must be an array of file paths ("ISSUER=path" binds the keys to ISSUER, as divoc verify --trust does)');
  const trust = file.trust !== undefined ? await loadTrustFiles(file.trust, baseDir) : undefined;

  const auth = await parseAuth(file.auth, at);

  let rateLimit: ServiceConfig['rateLimit'];
  if (file.rateLimit === false) rateLimit = false;
  else if (file.rateLimit !== undefined) {
    if (!isJsonObject(file.rateLimit)) fail('rateLimit must be { capacity, refillPerSecond } or false');
    const capacity = int(file.rateLimit.capacity, 'rateLimit.capacity', 1, 1_000_000) as number;
    const refill = file.rateLimit.refillPerSecond;
    if (capacity === undefined || typeof refill !== 'number' || !(refill > 0))
      fail('rateLimit needs capacity and refillPerSecond > 0');
    rateLimit = { capacity, refillPerSecond: refill };
  }

  let storage: ServiceConfig['storage'];
  const s = file.storage;
  if (s === undefined || (isJsonObject(s) && s.kind === 'memory')) storage = createMemoryStorage();
  else if (isJsonObject(s) && s.kind === 'postgres') {
    const env = options.env ?? process.env;
    const fromEnv =
      s.connectionStringEnv !== undefined
        ? env[str(s.connectionStringEnv, 'storage.connectionStringEnv') as string]
        : undefined;
    const connectionString = str(s.connectionString, 'storage.connectionString', true) ?? fromEnv;
    if (connectionString === undefined)
      fail('storage (postgres) needs connectionString or connectionStringEnv naming a set variable');
    const maxConnections = int(s.maxConnections, 'storage.maxConnections', 1, 1000);
    storage = await createPostgresStorage({
      connectionString,
      ...(s.schema !== undefined ? { schema: s.schema } : {}),
      ...(maxConnections !== undefined ? { maxConnections } : {}),
    });
  } else fail('storage.kind must be "memory" or "postgres"');

  if (file.statusList !== undefined && !isJsonObject(file.statusList)) fail('statusList must be an object');
  const statusList = file.statusList ?? {};
  if (statusList.enabled !== undefined && typeof statusList.enabled !== 'boolean')
    fail('statusList.enabled must be a boolean');
  int(statusList.length, 'statusList.length', 131_072, 16 * 1024 * 1024 * 8);
  int(statusList.validitySeconds, 'statusList.validitySeconds', 60, 366 * 86_400);
  int(statusList.reserveBlock, 'statusList.reserveBlock', 1, 4096);

  if (
    file.formats !== undefined &&
    (!Array.isArray(file.formats) || file.formats.some((f) => !FORMAT_NAMES.includes(f)))
  )
    fail(`formats must be an array of ${FORMAT_NAMES.join(', ')}`);
  if (file.qr !== undefined && !QR_FORMATS.includes(file.qr))
    fail(`qr must be one of ${QR_FORMATS.map((f) => JSON.stringify(f)).join(', ')}`);
  if (file.pdfLocale !== undefined && (typeof file.pdfLocale !== 'string' || file.pdfLocale === ''))
    fail('pdfLocale must be a list of locales such as "hi-IN,en"');
  if (file.vcVersion !== undefined && file.vcVersion !== '1.1' && file.vcVersion !== '2.0')
    fail('vcVersion must be "1.1" or "2.0"');
  if (file.context !== undefined && file.context !== 'sdk' && file.context !== 'divoc-legacy')
    fail('context must be "sdk" or "divoc-legacy"');
  const bodyLimit = int(file.bodyLimit, 'bodyLimit', 1024, 16 * 1024 * 1024);
  const lockSeconds = int(file.idempotencyLockSeconds, 'idempotencyLockSeconds', 1, 3600);
  if (file.log !== undefined && file.log !== false && !isJsonObject(file.log)) fail('log must be { level } or false');
  const publicUrl = str(file.publicUrl, 'publicUrl', true);
  const oid4vci = oid4vciSection(file.oid4vci);
  const oid4vp = oid4vpSection(file.oid4vp);

  return {
    listen,
    issuer,
    keys,
    auth,
    storage,
    statusList,
    ...(publicUrl !== undefined ? { publicUrl } : {}),
    ...(file.certificateIssuerName !== undefined
      ? { certificateIssuerName: str(file.certificateIssuerName, 'certificateIssuerName') as string }
      : {}),
    ...(file.unknownFields !== undefined ? { unknownFields: file.unknownFields } : {}),
    ...(trust !== undefined ? { trust } : {}),
    ...(rateLimit !== undefined ? { rateLimit } : {}),
    ...(file.formats !== undefined ? { formats: file.formats } : {}),
    ...(file.qr !== undefined ? { qr: file.qr } : {}),
    ...(typeof file.pdfLocale === 'string' ? { pdfLocale: file.pdfLocale } : {}),
    ...(file.vcVersion !== undefined ? { vcVersion: file.vcVersion } : {}),
    ...(file.context !== undefined ? { context: file.context } : {}),
    ...(bodyLimit !== undefined ? { bodyLimit } : {}),
    ...(lockSeconds !== undefined ? { idempotencyLockSeconds: lockSeconds } : {}),
    ...(file.trustProxy === true ? { trustProxy: true } : {}),
    ...(oid4vci !== undefined ? { oid4vci } : {}),
    ...(oid4vp !== undefined ? { oid4vp } : {}),
    ...(threads > 0
      ? {
          threads: {
            count: threads,
            keys: { configKeys: file.keys, baseDir },
            trust: { files: file.trust ?? [], baseDir },
          },
        }
      : {}),
    logger:
      file.log === false
        ? false
        : {
            ...(file.log?.level !== undefined ? { level: file.log.level } : {}),
            ...(options.logSink !== undefined ? { sink: options.logSink } : {}),
          },
  };
}

async function parseAuth(auth: unknown, at: (p: string) => string): Promise<AuthConfig> {
  if (!isJsonObject(auth)) fail('auth is required: { apiKeys?, jwt? } (or { "mode": "none" } for a loopback trial)');
  if (auth.mode === 'none') return { mode: 'none' };
  const out: {
    mode: 'required';
    apiKeys?: { id: string; sha256: string; scopes: Scope[] }[];
    jwt?: NonNullable<Extract<AuthConfig, { mode?: 'required' }>['jwt']>;
  } = { mode: 'required' };
  if (auth.apiKeys !== undefined) {
    if (!Array.isArray(auth.apiKeys)) fail('auth.apiKeys must be an array');
    out.apiKeys = auth.apiKeys.map((k, i) => {
      if (!isJsonObject(k)) fail(`auth.apiKeys[${i}] must be { id, sha256, scopes }`);
      if (!Array.isArray(k.scopes) || k.scopes.some((s) => !SCOPES.includes(s as Scope)))
        fail(`auth.apiKeys[${i}].scopes must list scopes from ${SCOPES.join(', ')}`);
      return {
        id: str(k.id, `auth.apiKeys[${i}].id`) as string,
        sha256: str(k.sha256, `auth.apiKeys[${i}].sha256`) as string,
        scopes: k.scopes as Scope[],
      };
    });
  }
  if (auth.jwt !== undefined) {
    const j = auth.jwt;
    if (!isJsonObject(j)) fail('auth.jwt must be an object');
    let jwks = j.jwks as JSONWebKeySet | undefined;
    if (jwks === undefined && j.jwksFile !== undefined) {
      const text = Buffer.from(
        await readSmall(at(str(j.jwksFile, 'auth.jwt.jwksFile') as string), 'JWKS file'),
      ).toString('utf8');
      try {
        jwks = parseJsonStrict(text) as JSONWebKeySet;
      } catch (error) {
        fail(`auth.jwt.jwksFile is not valid JSON: ${(error as Error).message} (${(error as { code?: string }).code})`);
      }
    }
    if (jwks === undefined) fail('auth.jwt needs jwks or jwksFile');
    out.jwt = {
      jwks,
      issuer: str(j.issuer, 'auth.jwt.issuer') as string,
      audience: (Array.isArray(j.audience) ? j.audience : str(j.audience, 'auth.jwt.audience')) as string | string[],
      ...(Array.isArray(j.algorithms) ? { algorithms: j.algorithms as string[] } : {}),
      ...(typeof j.clockToleranceSeconds === 'number' ? { clockToleranceSeconds: j.clockToleranceSeconds } : {}),
      ...(typeof j.maxTokenAgeSeconds === 'number' ? { maxTokenAgeSeconds: j.maxTokenAgeSeconds } : {}),
    };
  }
  return out;
}

/** Reads and checks a JSON config file (see `ServiceConfigFile`). Paths in it are relative to its folder. */
export async function loadServiceConfig(path: string, options: LoadServiceConfigOptions = {}): Promise<ServiceConfig> {
  const bytes = await readSmall(path, 'config file');
  let json: unknown;
  try {
    json = parseJsonStrict(
      Buffer.from(bytes)
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
    );
  } catch (error) {
    throw new ServiceConfigError(
      `config file ${path} is not valid JSON: ${(error as Error).message} (${(error as { code?: string }).code})`,
    );
  }
  return parseServiceConfig(json, { ...options, baseDir: dirname(resolve(path)) });
}

const OID4VCI_FIELDS = new Set([
  'enabled',
  'credentialIssuer',
  'credentialTypes',
  'offerTtlSeconds',
  'accessTokenTtlSeconds',
  'nonceTtlSeconds',
  'batchSize',
  'maxCopiesPerOffer',
  'maxTxCodeAttempts',
  'proofAlgorithms',
]);

/** The `oid4vci` section: its shape here; values (ranges, templates, algorithms) are checked by `createService`. */
function oid4vciSection(section: unknown): Oid4vciConfig | undefined {
  if (section === undefined) return undefined;
  if (!isJsonObject(section)) fail('oid4vci must be an object');
  for (const k of Object.keys(section)) if (!OID4VCI_FIELDS.has(k)) fail(`unknown field oid4vci.${k}`);
  const o = section as Record<string, unknown>;
  if (o.enabled !== undefined && typeof o.enabled !== 'boolean') fail('oid4vci.enabled must be a boolean');
  if (o.credentialIssuer !== undefined && typeof o.credentialIssuer !== 'string')
    fail('oid4vci.credentialIssuer must be a URL');
  if (
    o.proofAlgorithms !== undefined &&
    !(Array.isArray(o.proofAlgorithms) && o.proofAlgorithms.every((a) => typeof a === 'string'))
  )
    fail('oid4vci.proofAlgorithms must be an array of JWS algorithm names');
  if (o.credentialTypes !== undefined) {
    const ok =
      Array.isArray(o.credentialTypes) &&
      o.credentialTypes.every(
        (t) =>
          isJsonObject(t) &&
          typeof t.template === 'string' &&
          (t.display === undefined ||
            (Array.isArray(t.display) &&
              t.display.every((d) => isJsonObject(d) && typeof d.name === 'string' && typeof d.locale === 'string'))),
      );
    if (!ok) fail('oid4vci.credentialTypes must be [{ template, display?: [{ name, locale }] }]');
  }
  return section as Oid4vciConfig;
}

/** The `oid4vp` section: `{ enabled?, requestTtlSeconds? }` (the range is checked by `createService`). */
function oid4vpSection(section: unknown): Oid4vpConfig | undefined {
  if (section === undefined) return undefined;
  if (!isJsonObject(section)) fail('oid4vp must be an object');
  for (const k of Object.keys(section))
    if (k !== 'enabled' && k !== 'requestTtlSeconds') fail(`unknown field oid4vp.${k}`);
  if (section.enabled !== undefined && typeof section.enabled !== 'boolean') fail('oid4vp.enabled must be a boolean');
  if (section.requestTtlSeconds !== undefined && typeof section.requestTtlSeconds !== 'number')
    fail('oid4vp.requestTtlSeconds must be a number');
  return section as Oid4vpConfig;
}
