import type { FormatName } from '@divoc/formats';
import type { DocumentSignerKey, ShcSigningKey } from '@divoc/issuer';
import type { Signer } from '@divoc/keys';
import type { SuiteName } from '@divoc/vc';
import type { Trust, VerificationPolicy } from '@divoc/verifier';
import type { AuthConfig } from '../auth/auth.js';
import type { RateLimitConfig } from '../lib/rate-limit.js';
import type { ServiceStorage } from '../storage/types.js';
import type { Oid4vciConfig } from '../oid4vci/types.js';
import type { Oid4vpConfig } from '../oid4vp/types.js';
import type { ServiceConfigFile } from './file.js';

/** The SDK's one list of format names (`FORMATS` in `@divoc/formats`). */
export type IssuableFormat = FormatName;

/** The W3C VC signing key: signs credentials and the status list credentials. */
export interface ServiceVcKey {
  signer: Signer;
  /** Its public key: added to the service's `Trust` so `/credentials/verify` accepts what the service issued. */
  publicKeyJwk?: JsonWebKey;
  /** Default by key: Ed25519 `eddsa-rdfc-2022`, P-256 `ecdsa-rdfc-2019`, RSA `RsaSignature2018`. */
  suite?: SuiteName;
  /** Default `signer.id`. */
  verificationMethod?: string;
}

/** The keys the service signs with, one slot per kind of signer (as `IssuerKeys` of `@divoc/issuer`). */
export interface ServiceKeys {
  vc: ServiceVcKey;
  /** DCC and VDS-NC document signer (unless `dcc` / `vdsnc` are given). */
  dsc?: DocumentSignerKey;
  dcc?: DocumentSignerKey;
  vdsnc?: DocumentSignerKey;
  /** WHO Digital Vaccination Certificate document signer: the DVC is issued only when this is given. */
  dvc?: DocumentSignerKey;
  shc?: ShcSigningKey;
}

/** A writable sink for JSON log lines (`process.stdout` by default). */
export interface LogSink {
  /** Writes one JSON log line (with its newline); the return value is ignored. */
  write(line: string): unknown;
}

/** The service configuration, as objects (see `loadServiceConfig` for the JSON file form). */
export interface ServiceConfig {
  /** Where `startService` listens. Default 127.0.0.1:8080. */
  listen?: { host?: string; port?: number };
  /**
   * Public base URL of the service (behind TLS termination): status list URLs start with it. Default the issuer when it
   * is http(s), else `http://<host>:<port>`.
   */
  publicUrl?: string;
  /** Issuer URI or DID of every credential. */
  issuer: string;
  /** Printable issuer name (DCC `is`). */
  certificateIssuerName?: string;
  /**
   * Record fields the template does not know: `reject` (default) answers 422 `ERR_RECORD_INVALID` naming them;
   * `ignore` drops them. The same rule as `divoc issue` and the worker (`checkRecordFields` of `@divoc/issuer`).
   */
  unknownFields?: 'reject' | 'ignore';
  keys: ServiceKeys;
  /** What `/credentials/verify` trusts (the service's own VC key is added when `keys.vc.publicKeyJwk` is given). */
  trust?: Trust;
  verifyPolicy?: VerificationPolicy;
  auth: AuthConfig;
  /** Per-client token bucket. Default 100 burst, 50/s. `false` turns it off. */
  rateLimit?: RateLimitConfig | false;
  /** Default: in memory. */
  storage?: ServiceStorage;
  statusList?: {
    /** Give every issued credential a revocation entry. Default true. */
    enabled?: boolean;
    /** Entries per list. Default 131 072 (the spec minimum). */
    length?: number;
    /** Validity of a published list credential. Default 86 400 s (republished after half). */
    validitySeconds?: number;
    /** Indexes an instance reserves per storage write (fewer writes to a shared database). Default 512. */
    reserveBlock?: number;
  };
  /**
   * Formats a record is issued in when the request names none. Default every format whose key is configured. `w3c-vc`
   * is always issued.
   */
  formats?: readonly IssuableFormat[];
  /**
   * QR served by `GET /credentials/{id}` as PNG/SVG: the DIVOC QR (ZIP) or the compact `DIVOC1:` form. Default
   * `divoc-qr`.
   */
  qr?: IssuableFormat;
  /**
   * Languages of the labels on the `application/pdf` certificate, primary first (`'hi-IN,en'` prints Hindi, then
   * English): `en` (default), `hi`, `ta`, `si`, `bn`. Unknown: ServiceConfigError at start.
   */
  pdfLocale?: string;
  vcVersion?: '1.1' | '2.0';
  /**
   * JSON-LD contexts of the W3C credentials: `sdk` (default, every term with its own IRI) or `divoc-legacy` (DIVOC's
   * own contexts, for deployed verifier apps that need them; see `ContextProfile` in `@divoc/schemas`).
   */
  context?: 'sdk' | 'divoc-legacy';
  /** Largest request body, bytes. Default 262 144. */
  bodyLimit?: number;
  /** How long an Idempotency-Key's in-flight lock holds before it is considered abandoned. Default 60 s. */
  idempotencyLockSeconds?: number;
  /** Logs: `false` for none; else JSON lines at `level` (default `info`) to `sink` (default stdout). */
  logger?: false | { level?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'; sink?: LogSink };
  /**
   * OpenID4VCI 1.0 issuance into wallets (pre-authorized code flow): `POST /credential-offers`, the `.well-known`
   * metadata, `/token`, `/nonce` and `/credential`. Off unless `enabled`.
   */
  oid4vci?: Oid4vciConfig;
  /**
   * OpenID4VP 1.0 presentation requests to wallets (DCQL, direct_post): `POST /presentation-requests`, the response
   * URI `/presentations/{id}` and `GET /presentation-requests/{id}`. Off unless `enabled`.
   */
  oid4vp?: Oid4vpConfig;
  /** Trust `X-Forwarded-For` from a reverse proxy (client IPs for anonymous rate limits). Default false. */
  trustProxy?: boolean;
  /**
   * Sign on worker threads, so one process uses every core: issue requests are built, signed and encoded on `count`
   * threads while the main thread serves HTTP and the database. Default: none (everything on the main thread).
   */
  threads?: ServiceThreads;
}

/** Issuance threads: how many, and where each gets its own copy of the keys (signers cannot cross threads). */
export interface ServiceThreads {
  /** Threads (1-64); 0 signs on the main thread. */
  count: number;
  /**
   * The keys each thread loads: a config file's `keys` section (paths relative to `baseDir`; `loadServiceConfig`
   * fills this in), or an ES module exporting `loadIssuerKeys(options)` that returns `@divoc/issuer` `IssuerKeys`.
   * Private keys never travel between threads: each thread reads them itself. They must be the service's own keys:
   * the service compares each thread's signer ids and algorithms with its own at start and refuses to run otherwise.
   */
  keys: ThreadKeySource;
  /**
   * Verify on the threads too: the trust files each thread loads (as a config file's `trust` entries, relative to
   * `baseDir`; `loadServiceConfig` fills this in). The service's own VC key is added as on the main thread. Without
   * it, `POST /credentials/verify` runs on the main thread (a `Trust` object cannot cross threads).
   */
  trust?: { files: readonly string[]; baseDir: string };
}

/** Where an issuance thread loads its keys from (see `ServiceThreads.keys`). */
export type ThreadKeySource =
  { configKeys: ServiceConfigFile['keys']; baseDir: string } | { module: string | URL; options?: unknown };
