import { controllerOf, exportPublicJwk } from '@divoc/keys';
// Types only (erased): @divoc/service is an optional peer dependency, loaded by `loadService` when `serve` runs.
import type { KeyLoader, ServiceConfig } from '@divoc/service';
import { defineCommand, formatHelp, parseArgs } from '../lib/args.js';
import { errorCode, ServiceUnavailableError, UsageError } from '../lib/errors.js';
import { resolvePath, type CliIo } from '../lib/io.js';
import { closePkcs11Sessions, loadSigningKey, signerFor } from '../lib/keyfile.js';
import { loadService } from '../lib/service-module.js';

export const serveSpec = defineCommand({
  name: 'serve',
  summary:
    'Run the HTTP signing service (@divoc/service): issue, verify, fetch and revoke credentials, ' +
    'status lists, health, metrics.',
  usage:
    'serve --config FILE [--host H] [--port N] [--threads N]  |  ' +
    'serve --dev --key FILE [--host 127.0.0.1] [--port N] [--issuer URI] [--threads N]',
  flags: {
    config: {
      type: 'string',
      valueName: 'FILE',
      description: 'service config (JSON; see docs/service.md): keys, auth, storage, rate limits, status lists',
    },
    key: { type: 'string', valueName: 'FILE', description: 'W3C VC signing key for --dev: key file or pkcs11: URI' },
    'key-id': {
      type: 'string',
      valueName: 'ID',
      description: 'verification method id for --key (default: from the key file, or derived)',
    },
    issuer: {
      type: 'string',
      valueName: 'URI',
      description: 'issuer DID or URL for --dev (default: the key controller)',
    },
    host: { type: 'string', valueName: 'HOST', description: "listen address (default: the config's, else 127.0.0.1)" },
    port: {
      type: 'string',
      valueName: 'N',
      description: "listen port (default: the config's, else 8080; 0 picks a free one)",
    },
    threads: {
      type: 'string',
      valueName: 'N',
      description:
        "sign on N worker threads, each loading the key files itself (default: the config's threads, else 0: the " +
        'main thread)',
    },
    dev: {
      type: 'boolean',
      description:
        'trial mode: NO authentication, in-memory storage, OpenID4VCI and OpenID4VP on; allowed on loopback only',
    },
  },
  positionals: { min: 0, max: 0 },
  details: `Runs until SIGINT or SIGTERM, then drains requests and exits 0. Logs are JSON lines on stdout (no personal
data, no keys); the listening URL is printed on stderr.

--dev is for trying the service on this machine: anyone who can reach it can issue credentials with your key, so it
refuses any address but loopback (127.0.0.1, ::1) with exit status 2.

Exit status: 0 stopped by a signal, 2 usage error, bad config, unreadable key, or @divoc/service not installed
(it is an optional peer dependency of @divoc/cli: npm i @divoc/service), 3 the database (storage) is down or
unreachable at start-up (ERR_STORAGE_UNAVAILABLE: retry later; a supervisor may restart on 3 and not on 2).`,
});

/** `@divoc/service`'s StorageError code (matched by code: the module is loaded on use). */
const STORAGE_UNAVAILABLE = 'ERR_STORAGE_UNAVAILABLE';

/** The database is down or unreachable at start-up: a one-line message and exit 3 (retry later), not a stack. */
function unavailable(error: unknown): unknown {
  if (errorCode(error) !== STORAGE_UNAVAILABLE) return error;
  return new ServiceUnavailableError(
    `storage is unavailable: ${(error as Error).message}. Start the database or fix storage in the config, ` +
      'then run divoc serve again',
    { cause: error },
  );
}

/** Runs `divoc serve`; `signal` (tests) stops it like SIGTERM does. */
export async function runServe(
  argv: readonly string[],
  io: CliIo,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  const spec = serveSpec;
  const { flags, help } = parseArgs(argv, spec);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  let port: number | undefined;
  if (flags.port !== undefined) {
    if (!/^\d{1,5}$/.test(flags.port) || Number(flags.port) > 65535)
      throw new UsageError('--port must be a number from 0 to 65535', spec.name);
    port = Number(flags.port);
  }
  let threads: number | undefined;
  if (flags.threads !== undefined) {
    if (!/^\d{1,2}$/.test(flags.threads) || Number(flags.threads) > 64)
      throw new UsageError('--threads must be a number from 0 to 64', spec.name);
    threads = Number(flags.threads);
  }
  if (flags.config === undefined && !flags.dev)
    throw new UsageError(
      'give --config FILE, or --dev --key FILE for a loopback trial without authentication',
      spec.name,
    );
  if (
    flags.config !== undefined &&
    (flags.key !== undefined || flags.issuer !== undefined || flags['key-id'] !== undefined)
  ) {
    throw new UsageError(
      '--key, --key-id and --issuer go with --dev; with --config the keys are in the config file',
      spec.name,
    );
  }

  // The service (Fastify, pg) is an optional peer dependency: ERR_SERVICE_NOT_INSTALLED (exit 2) without it.
  const { createMemoryStorage, isLoopbackHost, loadServiceConfig, ServiceConfigError, startService } =
    await loadService();

  // Refuse before touching keys or storage: nothing about an unauthenticated public listener is worth loading.
  if (flags.dev && flags.host !== undefined && !isLoopbackHost(flags.host)) {
    throw new UsageError(
      `refusing --dev on ${flags.host}: without authentication the service may listen on loopback only ` +
        '(127.0.0.1 or ::1)',
      spec.name,
    );
  }

  const loadKey: KeyLoader = async (ref, { baseDir, keyId, algorithm }) => {
    const key = await loadSigningKey({ cwd: baseDir, env: io.env }, ref, keyId);
    const signer = signerFor(key, { id: key.id, ...(algorithm !== undefined ? { algorithm } : {}) });
    return {
      signer,
      publicKeyJwk: exportPublicJwk(key.keyPair),
      type: key.keyPair.type,
      id: key.id,
      ...(key.controller !== undefined ? { controller: key.controller } : {}),
    };
  };
  const logSink = { write: (line: string) => io.stdout.write(line) };

  let config: ServiceConfig;
  if (flags.config !== undefined) {
    const path = resolvePath(io, flags.config);
    try {
      config = await loadServiceConfig(path, {
        loadKey,
        env: io.env,
        logSink,
        listen: { ...(flags.host !== undefined ? { host: flags.host } : {}), ...(port !== undefined ? { port } : {}) },
        ...(threads !== undefined ? { threads } : {}),
      });
    } catch (error) {
      if (error instanceof ServiceConfigError) throw new UsageError(`${flags.config}: ${error.message}`, spec.name);
      throw unavailable(error);
    }
    if (flags.dev) config = { ...config, auth: { mode: 'none' } };
  } else {
    if (flags.key === undefined) throw new UsageError('--dev needs --key FILE (the signing key)', spec.name);
    const key = await loadKey(flags.key, {
      baseDir: io.cwd,
      ...(flags['key-id'] !== undefined ? { keyId: flags['key-id'] } : {}),
    });
    const issuer = flags.issuer ?? key.controller ?? controllerOf(key.id);
    if (issuer === undefined)
      throw new UsageError('--issuer is needed: it cannot be derived from the key id', spec.name);
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(issuer)) throw new UsageError('--issuer must be a DID or URL', spec.name);
    config = {
      listen: { host: flags.host ?? '127.0.0.1', port: port ?? 8080 },
      issuer,
      keys: { vc: { signer: key.signer, publicKeyJwk: key.publicKeyJwk } },
      auth: { mode: 'none' },
      storage: createMemoryStorage(),
      logger: { sink: logSink },
      // Wallet issuance on trial: the credential issuer is the address it listens on (http://127.0.0.1:N).
      oid4vci: { enabled: true },
      // ... and presentation requests to wallets (OpenID4VP), the response URI under the same address.
      oid4vp: { enabled: true },
    };
    if (threads !== undefined && threads > 0) {
      if (flags.key.startsWith('pkcs11:'))
        throw new UsageError('--threads needs a key file: a key in an HSM signs on the main thread', spec.name);
      const vc = flags['key-id'] !== undefined ? { key: flags.key, keyId: flags['key-id'] } : flags.key;
      // The threads sign and verify (trust: the key itself, as on the main thread).
      config.threads = {
        count: threads,
        keys: { configKeys: { vc }, baseDir: io.cwd },
        trust: { files: [], baseDir: io.cwd },
      };
    }
  }
  const host = config.listen?.host ?? '127.0.0.1';
  if (config.auth.mode === 'none' && !isLoopbackHost(host)) {
    await config.storage?.close();
    throw new UsageError(
      `refusing --dev on ${host}: without authentication the service may listen on loopback only (127.0.0.1 or ::1)`,
      spec.name,
    );
  }

  let running;
  try {
    running = await startService(config);
  } catch (error) {
    await config.storage?.close().catch(() => undefined);
    if (error instanceof ServiceConfigError) throw new UsageError(error.message, spec.name);
    if (errorCode(error) === STORAGE_UNAVAILABLE) throw unavailable(error);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' || (error as NodeJS.ErrnoException).code === 'EACCES') {
      throw new UsageError(
        `cannot listen on ${host}:${config.listen?.port ?? 8080}: ${(error as NodeJS.ErrnoException).code}`,
        spec.name,
      );
    }
    throw error;
  }
  io.stderr.write(
    `divoc serve: listening on ${running.url}${config.auth.mode === 'none' ? ' (dev mode: NO authentication)' : ''}\n`,
  );
  if (config.oid4vci?.enabled === true)
    io.stderr.write(
      `divoc serve: OpenID4VCI issuer metadata at ${running.url}/.well-known/openid-credential-issuer ` +
        '(offers: POST /credential-offers, or divoc offer)\n',
    );
  io.stderr.write(
    `divoc serve: OpenAPI at ${running.url}/openapi.json` +
      `${flags.config !== undefined ? `; config ${resolvePath(io, flags.config)}` : ''}\n`,
  );

  let stop!: () => void;
  await new Promise<void>((resolve) => {
    stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.signal?.aborted) stop();
  });
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  await running.close();
  await closePkcs11Sessions().catch(() => undefined);
  io.stderr.write('divoc serve: stopped\n');
  return 0;
}
