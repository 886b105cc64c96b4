import { hostname } from 'node:os';
import { headers as natsHeaders, type JetStreamClient, type JsMsg, type NatsConnection } from 'nats';
import {
  issueAllFormats,
  isIssuerError,
  FORMAT_NAMES,
  type FormatName,
  type IssueAllFormatsOptions,
  type IssuedFormats,
  type IssuerKeys,
} from '@divoc/issuer';
import { parseJsonStrict, isJsonObject, utf8DecodeStrict } from '@divoc/keys';
import { defaultRegistry } from '@divoc/schemas';
import type {
  BatchResult,
  CertificateWrite,
  CertifyMessage,
  RegistryAdapter,
  RegistryEvent,
} from '../adapter/types.js';
import { ensureJetStream, resolveSetup, type JetStreamSetup, type JetStreamSetupOptions } from '../jetstream/setup.js';
import { WorkerConfigError, WorkerEventError, WorkerStoppedError, type DeadLetterCode } from '../lib/errors.js';
import { isJsonValue, type JsonValue } from '../lib/json.js';
import type { CertifiedEvent, DeadLetterEvent } from './events.js';
import { emptyMetrics, metricsToPrometheus, type WorkerMetrics } from './metrics.js';

/** Issuance options the worker passes through to `issueAllFormats` (keys, issuer and formats are top-level). */
export type WorkerIssueOptions = Pick<
  IssueAllFormatsOptions,
  'qr' | 'certificateIssuerName' | 'vcVersion' | 'context' | 'vdsncName' | 'expirationDate' | 'unknownFields'
>;

/** One structured log line. Carries ids and codes only: never a record, a name or a key. */
export interface WorkerLogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  event: string;
  worker: string;
  registry: string;
  sequence?: number;
  deliveryCount?: number;
  certificateId?: string;
  code?: string;
  message?: string;
}

/**
 * Options of `startWorker`: the NATS connection, the registry adapter, the keys and issuer, and the JetStream
 * settings.
 */
export interface WorkerOptions<Ref extends JsonValue = JsonValue> extends JetStreamSetupOptions {
  /** A connected NATS client. The worker never closes it: stop the worker, then `drain()` the connection. */
  nats: NatsConnection;
  adapter: RegistryAdapter<Ref>;
  /** Signers for the formats (any `Signer`: in memory, or PKCS#11 from `@divoc/keys`). */
  keys: IssuerKeys;
  /** Issuer URI or DID of the credentials. */
  issuer: string;
  /** Formats to produce. Default: every format whose key is in `keys`. */
  formats?: readonly FormatName[];
  issueOptions?: WorkerIssueOptions;
  /**
   * Messages in hand at once (pulled and not yet acked, nacked or terminated) in this worker. Default 64.
   * With an in-memory signer the worker is CPU-bound: this only needs to cover the database and NATS round trips
   * of about two batches. With an HSM, size it to the token's parallel sessions.
   */
  concurrency?: number;
  /**
   * Largest pull and micro-batch: the messages of one pull that arrive together are read, signed, stored and
   * announced together (one `readEvents`/`writeCertificates` call when the adapter has them), each still with its
   * own outcome. Capped by `concurrency`. Default 32; 1 processes messages one by one.
   */
  batchSize?: number;
  /** Create the streams and consumer when missing (`ensureJetStream`). Default true; false binds to existing ones. */
  setup?: boolean;
  /**
   * Delay before a transient failure is retried: `initial * 2^(delivery-1)`, capped at `max`, ±20 % jitter.
   * Default 1 000 / 60 000 ms.
   */
  backoff?: { initial?: number; max?: number };
  /** Interval of `msg.working()` while processing. Default a third of the consumer's ack wait. */
  heartbeatInterval?: number;
  /** Give up on a processing attempt after this long (the message is retried). Default 10 × ack wait, at least 60 s. */
  processingTimeout?: number;
  /** Larger payloads are dead-lettered unread. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Pull request lifetime; also the longest `stop()` waits for an idle pull. Default 1 000 ms (the server minimum). */
  pullExpires?: number;
  /** Names this worker in events, logs and metrics. Default `<hostname>-<pid>`. */
  workerId?: string;
  /** Receives structured log entries (ids, sequence numbers and codes; never personal data or keys). Default: none. */
  log?: (entry: WorkerLogEntry) => void;
}

/** A running worker: its id and setup, its counters, and `stop()`. */
export interface Worker {
  readonly id: string;
  /** Stream, consumer and subjects in use. */
  readonly setup: JetStreamSetup;
  /** A snapshot of the counters. */
  metrics(): WorkerMetrics;
  /** The counters in Prometheus text format. */
  metricsText(): string;
  /**
   * Graceful stop: pull nothing more, finish (and ack) the messages in hand, then resolve. Idempotent.
   * Afterwards `drain()` the NATS connection.
   */
  stop(): Promise<void>;
  /** Resolves when the worker has stopped; rejects if it stopped because the NATS connection closed under it. */
  readonly done: Promise<void>;
}

type Outcome =
  | { kind: 'certified'; certificateId: string }
  | { kind: 'poison'; code: DeadLetterCode; message: string; causeCode?: string; ref?: JsonValue }
  | { kind: 'transient'; message: string; code?: string; ref?: JsonValue };

const MAX_DLQ_DATA = 64 * 1024;
const encoder = new TextEncoder();

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

function checkInteger(what: string, value: unknown, min: number, max: number): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)) {
    throw new WorkerConfigError(`${what} must be an integer from ${min} to ${max}`);
  }
}

function checkOptions<Ref extends JsonValue>(options: WorkerOptions<Ref>): void {
  if (!isJsonObject(options)) throw new WorkerConfigError('options are required');
  const nc = options.nats as Partial<NatsConnection> | undefined;
  if (nc === undefined || typeof nc.jetstream !== 'function' || typeof nc.jetstreamManager !== 'function') {
    throw new WorkerConfigError('nats must be a connected NatsConnection (from `connect()` of the nats package)');
  }
  const a = options.adapter as Partial<RegistryAdapter<Ref>> | undefined;
  if (!isJsonObject(a) && typeof a !== 'object') throw new WorkerConfigError('adapter is required');
  if (typeof a?.readEvent !== 'function' || typeof a.writeCertificate !== 'function') {
    throw new WorkerConfigError(
      'adapter must have readEvent(message) and writeCertificate(ref, certificateId, issued)',
    );
  }
  for (const hook of ['onFailure', 'readEvents', 'writeCertificates'] as const)
    if (a[hook] !== undefined && typeof a[hook] !== 'function')
      throw new WorkerConfigError(`adapter.${hook} must be a function`);
  if (!isJsonObject(options.keys))
    throw new WorkerConfigError('keys must be an object of signers (see @divoc/issuer IssuerKeys)');
  if (typeof options.issuer !== 'string' || !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(options.issuer))
    throw new WorkerConfigError('issuer must be an absolute URI or DID');
  if (options.formats !== undefined) {
    if (!Array.isArray(options.formats) || options.formats.length === 0)
      throw new WorkerConfigError('formats must be a non-empty array');
    for (const f of options.formats)
      if (!FORMAT_NAMES.includes(f))
        throw new WorkerConfigError(`unknown format ${JSON.stringify(String(f))}; known: ${FORMAT_NAMES.join(', ')}`);
  }
  const unknownFields = options.issueOptions?.unknownFields;
  // A bad value here would dead-letter every message: refuse it at start.
  if (unknownFields !== undefined && unknownFields !== 'reject' && unknownFields !== 'ignore')
    throw new WorkerConfigError("issueOptions.unknownFields must be 'reject' or 'ignore'");
  checkInteger('concurrency', options.concurrency, 1, 1_024);
  checkInteger('batchSize', options.batchSize, 1, 1_024);
  checkInteger('backoff.initial', options.backoff?.initial, 0, 3_600_000);
  checkInteger('backoff.max', options.backoff?.max, 0, 24 * 3_600_000);
  checkInteger('heartbeatInterval', options.heartbeatInterval, 100, 3_600_000);
  checkInteger('processingTimeout', options.processingTimeout, 1_000, 24 * 3_600_000);
  checkInteger('maxMessageBytes', options.maxMessageBytes, 1, 64 * 1024 * 1024);
  checkInteger('pullExpires', options.pullExpires, 1_000, 300_000);
  if (
    options.workerId !== undefined &&
    (typeof options.workerId !== 'string' || !/^[\w.:-]{1,128}$/.test(options.workerId))
  ) {
    throw new WorkerConfigError('workerId must be 1-128 characters of A-Z a-z 0-9 _ . : -');
  }
  if (options.log !== undefined && typeof options.log !== 'function')
    throw new WorkerConfigError('log must be a function');
}

/**
 * Starts a certificate worker on a shared durable pull consumer. Run as many as the queue needs, on as many
 * machines: JetStream hands each message to one of them at a time.
 *
 * Per message: parse → `adapter.readEvent` → `issueAllFormats` → `adapter.writeCertificate` (idempotent by
 * certificate id) → publish `certified` (`Nats-Msg-Id` = certificate id) → ack. Messages are pulled up to `batchSize`
 * at a time and go through those stages together (`adapter.readEvents`/`writeCertificates` when present), each
 * with its own outcome. Poison messages (not JSON, invalid record, unknown template) are dead-lettered and
 * terminated at once; transient failures are retried with a delayed `nak`, and dead-lettered on the consumer's last
 * delivery.
 */
export async function startWorker<Ref extends JsonValue = JsonValue>(options: WorkerOptions<Ref>): Promise<Worker> {
  checkOptions(options);
  const nc = options.nats;
  const adapter = options.adapter;
  const workerId = options.workerId ?? `${hostname()}-${process.pid}`;
  const setup: JetStreamSetup =
    options.setup === false
      ? await (async () => {
          const resolved = resolveSetup(options);
          const jsm = await nc.jetstreamManager();
          const info = await jsm.consumers.info(resolved.stream, resolved.durable);
          return {
            ...resolved,
            ackWait: Math.max(1, Math.round((info.config.ack_wait ?? 30_000_000_000) / 1_000_000)),
            maxDeliver:
              info.config.max_deliver !== undefined && info.config.max_deliver > 0
                ? info.config.max_deliver
                : Number.POSITIVE_INFINITY,
          };
        })()
      : await ensureJetStream(nc, options);
  const js: JetStreamClient = nc.jetstream();
  const consumer = await js.consumers.get(setup.stream, setup.durable);

  const concurrency = options.concurrency ?? 64;
  const batchSize = Math.min(options.batchSize ?? 32, concurrency);
  const backoffInitial = options.backoff?.initial ?? 1_000;
  const backoffMax = Math.max(backoffInitial, options.backoff?.max ?? 60_000);
  const heartbeatInterval = options.heartbeatInterval ?? Math.max(100, Math.floor(setup.ackWait / 3));
  const processingTimeout = options.processingTimeout ?? Math.max(60_000, setup.ackWait * 10);
  const maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
  const pullExpires = options.pullExpires ?? 1_000;
  const issueOptions: IssueAllFormatsOptions = {
    ...(options.issueOptions ?? {}),
    keys: options.keys,
    issuer: options.issuer,
    ...(options.formats !== undefined ? { formats: options.formats } : {}),
  };

  const metrics = emptyMetrics();
  const log = (entry: Omit<WorkerLogEntry, 'worker' | 'registry'>): void => {
    if (options.log === undefined) return;
    try {
      options.log({ ...entry, worker: workerId, registry: setup.registry });
    } catch {
      // A broken logger must not stop certification.
    }
  };

  let stopping = false;
  let active = 0;
  let slotFreed: (() => void) | undefined;
  // Pull when a batch's worth of slots is free (not one: that keeps pulls large), but at most half of them, so a few
  // messages held long (a hung store, a slow HSM) cannot stop the pulls while the other slots are free.
  const pullAt = Math.max(1, Math.min(batchSize, Math.ceil(concurrency / 2)));
  const waitForSlots = (): Promise<void> =>
    concurrency - active >= pullAt ? Promise.resolve() : new Promise((resolve) => (slotFreed = resolve));
  const release = (): void => {
    active--;
    metrics.inFlight = active;
    if (concurrency - active < pullAt && !stopping) return;
    const wake = slotFreed;
    slotFreed = undefined;
    wake?.();
  };
  const inFlight = new Set<Promise<void>>();
  // The first certificate of a template compiles its JSON-LD contexts into a shared cache: one item per template
  // signs alone first, or every item of the first batches compiles them at once (measured: seconds of CPU at start).
  const warming = new Map<string, Promise<void>>();

  const toMessage = (msg: JsMsg, payload: unknown): CertifyMessage => {
    const headers: Record<string, string> = {};
    if (msg.headers) for (const key of msg.headers.keys()) headers[key] = msg.headers.get(key);
    return {
      subject: msg.subject,
      data: msg.data,
      payload,
      headers,
      streamSequence: msg.seq,
      deliveryCount: msg.info.deliveryCount,
    };
  };

  /** One message of a micro-batch on its way through the stages; `outcome` is set by the first stage to decide. */
  interface Item {
    msg: JsMsg;
    outcome?: Outcome;
    message?: CertifyMessage;
    event?: RegistryEvent<Ref>;
    ref?: Ref;
    issued?: IssuedFormats;
    produced?: FormatName[];
    failures?: [FormatName, { code: string; message: string; causeCode?: string }][];
    done: boolean;
  }

  const parse = (msg: JsMsg): Outcome | CertifyMessage => {
    if (msg.data.length > maxMessageBytes)
      return {
        kind: 'poison',
        code: 'ERR_WORKER_MESSAGE_TOO_LARGE',
        message: `payload of ${msg.data.length} bytes exceeds ${maxMessageBytes}`,
      };
    const text = utf8DecodeStrict(msg.data);
    if (text === undefined) {
      const message = 'payload is not UTF-8 JSON: not UTF-8';
      return { kind: 'poison', code: 'ERR_WORKER_MESSAGE_UNPARSEABLE', message };
    }
    try {
      // Strict and bounded (length, depth 256, no duplicate or __proto__ members), and its messages never quote the
      // text: JSON.parse's do ("Unexpected token 'A', "Asha Verma" is not valid JSON"), and dead letters are logged.
      return toMessage(msg, parseJsonStrict(text, { maxLength: maxMessageBytes }));
    } catch (error) {
      return {
        kind: 'poison',
        code: 'ERR_WORKER_MESSAGE_UNPARSEABLE',
        message: `payload is not UTF-8 JSON: ${errorMessage(error)}`,
      };
    }
  };

  /** The outcome of an adapter error: `WorkerEventError` is final for this item, anything else is retried. */
  const adapterFailure = (what: string, error: unknown, ref?: JsonValue): Outcome => {
    if (error instanceof WorkerEventError)
      return {
        kind: 'poison',
        code: 'ERR_WORKER_EVENT_INVALID',
        message: error.message,
        ...(ref !== undefined ? { ref } : {}),
      };
    return {
      kind: 'transient',
      message: `${what} failed: ${errorMessage(error)}`,
      ...(errorCode(error) ? { code: errorCode(error)! } : {}),
      ...(ref !== undefined ? { ref } : {}),
    };
  };

  /**
   * Runs the adapter's batch method when it has one and it answers one result per item; otherwise (no batch method,
   * or the batch call threw or miscounted) the per-message method for each item, so no item pays for another.
   */
  const perItem = async <In, Out>(
    what: string,
    inputs: readonly In[],
    batch: ((inputs: readonly In[]) => unknown) | undefined,
    single: (input: In) => Promise<Out> | Out,
    valid: (result: unknown) => boolean = () => true,
  ): Promise<BatchResult<Out>[]> => {
    if (batch !== undefined) {
      try {
        const results = (await batch(inputs)) as readonly BatchResult<Out>[] | undefined | void;
        // writeCertificates may answer nothing: every item stored. readEvents must answer.
        if (results === undefined && what === 'writeCertificates') return inputs.map(() => undefined as Out);
        if (Array.isArray(results) && results.length === inputs.length && results.every(valid))
          return [...(results as BatchResult<Out>[])];
        throw new Error(
          Array.isArray(results) && results.length === inputs.length
            ? 'returned a result that is neither undefined nor an Error'
            : `returned ${Array.isArray(results) ? results.length : typeof results} results for ${inputs.length} items`,
        );
      } catch (error) {
        metrics.batchFallbacks++;
        log({
          level: 'warn',
          event: 'batch-fallback',
          code: errorCode(error) ?? 'ERR_ADAPTER',
          message: `adapter.${what}: ${errorMessage(error)}; retrying ${inputs.length} items one by one`,
        });
      }
    }
    return Promise.all(
      inputs.map(async (input) => {
        try {
          return await single(input);
        } catch (error) {
          // Thrown values that are not Errors still count as a failure of this item.
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
    );
  };

  const acceptEvent = (item: Item, result: BatchResult<RegistryEvent<Ref>>): void => {
    if (result instanceof Error) {
      item.outcome = adapterFailure('adapter.readEvent', result);
      return;
    }
    const event = result as RegistryEvent<Ref> | undefined;
    if (
      !isJsonObject(event) ||
      !isJsonObject(event.record) ||
      typeof event.template !== 'string' ||
      !isJsonValue(event.ref)
    ) {
      item.outcome = {
        kind: 'poison',
        code: 'ERR_WORKER_EVENT_INVALID',
        message: 'adapter.readEvent must return { record: object, template: string, ref: JSON }',
      };
      return;
    }
    item.event = event;
    item.ref = event.ref;
    if (!defaultRegistry.has(event.template)) {
      item.outcome = {
        kind: 'poison',
        code: 'ERR_WORKER_TEMPLATE_UNKNOWN',
        message: `unknown template ${JSON.stringify(event.template.slice(0, 64))}`,
        ref: event.ref,
      };
    }
  };

  const sign = async (item: Item, event: RegistryEvent<Ref>): Promise<void> => {
    const ref = event.ref;
    let issued: IssuedFormats;
    try {
      issued = await issueAllFormats({ record: event.record, template: event.template }, issueOptions);
    } catch (error) {
      item.outcome = isIssuerError(error)
        ? { kind: 'poison', code: 'ERR_WORKER_RECORD_INVALID', message: error.message, causeCode: error.code, ref }
        : {
            kind: 'transient',
            message: `issuing failed: ${errorMessage(error)}`,
            ...(errorCode(error) ? { code: errorCode(error)! } : {}),
            ref,
          };
      return;
    }
    const produced = FORMAT_NAMES.filter((f) => issued.outputs[f] !== undefined);
    const failures = Object.entries(issued.errors ?? {}) as NonNullable<Item['failures']>;
    // ERR_ISSUER_FORMAT_FAILED covers a signer that threw (an HSM session lost...): worth another delivery.
    const signerTrouble = failures.find(([, f]) => f.code === 'ERR_ISSUER_FORMAT_FAILED');
    if (signerTrouble) {
      item.outcome = {
        kind: 'transient',
        message: `${signerTrouble[0]}: ${signerTrouble[1].message}`,
        code: signerTrouble[1].causeCode ?? signerTrouble[1].code,
        ref,
      };
      return;
    }
    if (produced.length === 0) {
      const detail = failures.map(([f, e]) => `${f}: ${e.code}`).join('; ');
      item.outcome = {
        kind: 'poison',
        code: 'ERR_WORKER_NO_FORMAT_ISSUED',
        message: `no format could be produced (${detail})`,
        ref,
      };
      return;
    }
    item.issued = issued;
    item.produced = produced;
    item.failures = failures;
  };

  const announce = async (item: Item): Promise<void> => {
    const issued = item.issued!;
    const certified: CertifiedEvent = {
      type: 'certified',
      registry: setup.registry,
      certificateId: issued.certificateId,
      ref: item.ref!,
      formats: item.produced!,
      ...(item.failures!.length > 0
        ? { formatErrors: Object.fromEntries(item.failures!.map(([f, e]) => [f, e.code])) }
        : {}),
      sequence: item.msg.seq,
      deliveryCount: item.msg.info.deliveryCount,
      worker: workerId,
      at: new Date().toISOString(),
    };
    try {
      await js.publish(setup.subjects.certified, encoder.encode(JSON.stringify(certified)), {
        msgID: issued.certificateId,
      });
      item.outcome = { kind: 'certified', certificateId: issued.certificateId };
    } catch (error) {
      // Stored but not announced: retry; the store is idempotent and the announcement de-duplicated.
      item.outcome = {
        kind: 'transient',
        message: `publishing the certified event failed: ${errorMessage(error)}`,
        ...(errorCode(error) ? { code: errorCode(error)! } : {}),
        ref: item.ref!,
      };
    }
  };

  /**
   * Collects the items of a batch that reach the store stage and stores them with one `writeCertificates` call
   * once every other item of the batch has either arrived or dropped out (failed earlier).
   */
  const writeGate = (expected: number) => {
    let arrived: { item: Item; resolve: (result: BatchResult<void>) => void }[] = [];
    const check = (): void => {
      if (arrived.length === 0 || arrived.length < expected) return;
      const group = arrived;
      arrived = [];
      expected -= group.length;
      void perItem(
        'writeCertificates',
        group.map(({ item }) => ({ ref: item.ref!, certificateId: item.issued!.certificateId, issued: item.issued! })),
        adapter.writeCertificates?.bind(adapter),
        (w: CertificateWrite<Ref>) => adapter.writeCertificate(w.ref, w.certificateId, w.issued),
        // Anything but "stored" or an Error is an adapter bug: never ack on it.
        (r) => r === undefined || r instanceof Error,
      ).then((results) => group.forEach(({ resolve }, n) => resolve(results[n])));
    };
    return {
      arrive: (item: Item): Promise<BatchResult<void>> =>
        new Promise((resolve) => {
          arrived.push({ item, resolve });
          check();
        }),
      drop: (): void => {
        expected--;
        check();
      },
    };
  };

  /** Signs alone the first item of a template this worker has not issued yet (see `warming`), the rest at once. */
  const signWarm = async (item: Item, event: RegistryEvent<Ref>): Promise<void> => {
    const gate = warming.get(event.template);
    if (gate !== undefined) {
      await gate;
      return sign(item, event);
    }
    let open!: () => void;
    warming.set(event.template, new Promise<void>((resolve) => (open = resolve)));
    try {
      await sign(item, event);
    } finally {
      // Not warmed (this record failed): the next item of the template tries again.
      if (item.issued === undefined) warming.delete(event.template);
      open();
    }
  };

  /**
   * Read → sign → store → announce for the items of a micro-batch. Each item runs its own chain and gets its own
   * outcome as soon as it has one; only the adapter's batch calls (`readEvents`, `writeCertificates`) are shared,
   * and a poison item drops out where it fails without holding the others.
   */
  const processBatch = (items: Item[], onOutcome: (item: Item) => void): Promise<void>[] => {
    const parsed: Item[] = [];
    for (const item of items) {
      const result = parse(item.msg);
      if ('kind' in result) item.outcome = result;
      else {
        item.message = result;
        parsed.push(item);
      }
    }
    const reads =
      adapter.readEvents !== undefined && parsed.length > 0
        ? perItem(
            'readEvents',
            parsed.map((i) => i.message!),
            adapter.readEvents.bind(adapter),
            (m: CertifyMessage) => adapter.readEvent(m),
          )
        : undefined;
    const gate = adapter.writeCertificates !== undefined ? writeGate(parsed.length) : undefined;

    const run = async (item: Item, index: number): Promise<void> => {
      let atGate = false;
      try {
        let event: BatchResult<RegistryEvent<Ref>>;
        if (reads !== undefined) event = (await reads)[index]!;
        else {
          try {
            event = await adapter.readEvent(item.message!);
          } catch (error) {
            event = error instanceof Error ? error : new Error(String(error));
          }
        }
        acceptEvent(item, event);
        if (item.outcome !== undefined) return;
        await signWarm(item, item.event!);
        if (item.outcome !== undefined) return;
        let stored: BatchResult<void> = undefined;
        if (gate !== undefined) {
          atGate = true;
          stored = await gate.arrive(item);
        } else {
          try {
            await adapter.writeCertificate(item.ref!, item.issued!.certificateId, item.issued!);
          } catch (error) {
            stored = error instanceof Error ? error : new Error(String(error));
          }
        }
        if (stored instanceof Error) {
          item.outcome = adapterFailure('adapter.writeCertificate', stored, item.ref);
          return;
        }
        await announce(item);
      } finally {
        if (!atGate) gate?.drop();
      }
    };
    return items.map((item) =>
      (item.message === undefined ? Promise.resolve() : run(item, parsed.indexOf(item)))
        .catch((error: unknown) => {
          item.outcome ??= { kind: 'transient', message: `unexpected: ${errorMessage(error)}` };
        })
        .finally(() => onOutcome(item)),
    );
  };

  const deadLetter = async (
    msg: JsMsg,
    reason: DeadLetterEvent['reason'],
    ref: JsonValue | undefined,
  ): Promise<boolean> => {
    const event: DeadLetterEvent = {
      type: 'dead-letter',
      registry: setup.registry,
      reason,
      ...(ref !== undefined ? { ref } : {}),
      stream: setup.stream,
      sequence: msg.seq,
      subject: msg.subject,
      deliveryCount: msg.info.deliveryCount,
      worker: workerId,
      at: new Date().toISOString(),
      ...(msg.data.length <= MAX_DLQ_DATA ? { data: Buffer.from(msg.data).toString('base64') } : {}),
    };
    try {
      const h = natsHeaders();
      h.set('Divoc-Dead-Letter-Reason', reason.code);
      await js.publish(setup.subjects.deadLetter, encoder.encode(JSON.stringify(event)), {
        msgID: `${setup.stream}:${msg.seq}`,
        headers: h,
      });
    } catch (error) {
      log({
        level: 'error',
        event: 'dead-letter-publish-failed',
        sequence: msg.seq,
        code: errorCode(error) ?? 'ERR_NATS',
        message: errorMessage(error),
      });
      return false;
    }
    metrics.deadLettered++;
    metrics.deadLetteredBy[reason.code] = (metrics.deadLetteredBy[reason.code] ?? 0) + 1;
    log({
      level: 'warn',
      event: 'dead-lettered',
      sequence: msg.seq,
      deliveryCount: msg.info.deliveryCount,
      code: reason.code,
      message: reason.message,
    });
    if (adapter.onFailure !== undefined) {
      try {
        await adapter.onFailure(event);
      } catch (error) {
        metrics.onFailureErrors++;
        log({
          level: 'error',
          event: 'on-failure-hook-failed',
          sequence: msg.seq,
          code: errorCode(error) ?? 'ERR_ADAPTER',
          message: errorMessage(error),
        });
      }
    }
    return true;
  };

  const retryDelay = (deliveryCount: number): number => {
    const base = Math.min(backoffMax, backoffInitial * 2 ** Math.min(30, Math.max(0, deliveryCount - 1)));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  };

  /** Acks, terminates (after the dead letter is out) or naks one message according to its outcome. */
  const settle = async (msg: JsMsg, outcome: Outcome, started: number): Promise<void> => {
    const deliveryCount = msg.info.deliveryCount;
    if (outcome.kind === 'certified') {
      msg.ack();
      metrics.certified++;
      const ms = performance.now() - started;
      metrics.processingMsTotal += ms;
      metrics.processingMsMax = Math.max(metrics.processingMsMax, ms);
      log({
        level: 'debug',
        event: 'certified',
        sequence: msg.seq,
        deliveryCount,
        certificateId: outcome.certificateId,
      });
      return;
    }
    if (outcome.kind === 'poison') {
      const reason = {
        code: outcome.code,
        message: outcome.message,
        ...(outcome.causeCode !== undefined ? { causeCode: outcome.causeCode } : {}),
      };
      if (await deadLetter(msg, reason, outcome.ref)) msg.term();
      else {
        metrics.retried++;
        msg.nak(retryDelay(deliveryCount));
      }
      return;
    }
    if (deliveryCount >= setup.maxDeliver) {
      const reason = {
        code: 'ERR_WORKER_RETRIES_EXHAUSTED' as const,
        message: `gave up after ${deliveryCount} deliveries: ${outcome.message}`,
        ...(outcome.code !== undefined ? { causeCode: outcome.code } : {}),
      };
      if (await deadLetter(msg, reason, outcome.ref)) {
        msg.term();
        return;
      }
    }
    metrics.retried++;
    const delay = retryDelay(deliveryCount);
    log({
      level: 'warn',
      event: 'retry',
      sequence: msg.seq,
      deliveryCount,
      code: outcome.code ?? 'ERR_TRANSIENT',
      message: outcome.message,
    });
    msg.nak(delay);
  };

  const handleBatch = async (msgs: JsMsg[]): Promise<void> => {
    metrics.received += msgs.length;
    metrics.batches++;
    const started = performance.now();
    const items: Item[] = msgs.map((msg) => ({ msg, done: false }));
    let remaining = items.length;
    let allDone!: () => void;
    const finished = new Promise<void>((resolve) => (allDone = resolve));
    // Each message is settled once: by its own chain, or by the deadline. A chain still running after the deadline
    // can no longer change what its message got.
    const finish = (item: Item, outcome: Outcome): void => {
      if (item.done) return;
      item.done = true;
      void settle(item.msg, outcome, started)
        .catch((error: unknown) => {
          // Only acking itself throws (connection gone): the server redelivers after ack wait.
          log({
            level: 'error',
            event: 'handle-failed',
            sequence: item.msg.seq,
            code: errorCode(error) ?? 'ERR_WORKER',
            message: errorMessage(error),
          });
        })
        .finally(() => {
          release();
          if (--remaining === 0) allDone();
        });
    };
    // One timer pair per batch, not per message: heartbeats for every message still in hand, one deadline.
    const heartbeat = setInterval(() => {
      for (const item of items)
        if (!item.done) {
          item.msg.working();
          metrics.heartbeats++;
        }
    }, heartbeatInterval);
    const deadline = setTimeout(() => {
      for (const item of items)
        if (!item.done) {
          metrics.timedOut++;
          finish(item, {
            kind: 'transient',
            code: 'ERR_WORKER_TIMEOUT',
            message: `processing took longer than ${processingTimeout} ms`,
            ...(item.ref !== undefined ? { ref: item.ref } : {}),
          });
        }
    }, processingTimeout);
    processBatch(items, (item) => finish(item, item.outcome ?? { kind: 'transient', message: 'no outcome' }));
    try {
      await finished;
    } finally {
      clearTimeout(deadline);
      clearInterval(heartbeat);
    }
  };

  const start = (msgs: JsMsg[]): void => {
    if (msgs.length === 0) return;
    active += msgs.length;
    metrics.inFlight = active;
    const p = handleBatch(msgs).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const loop = async (): Promise<void> => {
    let failures = 0;
    while (!stopping) {
      await waitForSlots();
      if (stopping) break;
      if (nc.isClosed()) throw new WorkerStoppedError('the NATS connection closed');
      // Messages of one pull that arrive in the same turn of the event loop form one micro-batch.
      let group: JsMsg[] = [];
      const flush = (): void => {
        const g = group;
        group = [];
        start(g);
      };
      try {
        // Pull only as many as there are free slots, so nothing waits in a local buffer while its ack wait runs.
        const batch = await consumer.fetch({
          max_messages: Math.min(batchSize, concurrency - active),
          expires: pullExpires,
        });
        for await (const msg of batch) {
          if (group.length === 0) setImmediate(flush);
          group.push(msg);
        }
        failures = 0;
      } catch (error) {
        if (stopping) break;
        if (nc.isClosed()) throw new WorkerStoppedError('the NATS connection closed', { cause: error });
        failures++;
        log({
          level: 'warn',
          event: 'pull-failed',
          code: errorCode(error) ?? 'ERR_NATS',
          message: errorMessage(error),
        });
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 200 * 2 ** Math.min(failures, 5))));
      } finally {
        flush();
      }
    }
  };

  log({
    level: 'info',
    event: 'started',
    message: `stream ${setup.stream}, consumer ${setup.durable}, concurrency ${concurrency}, batch ${batchSize}`,
  });
  const done = loop().then(
    async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      log({ level: 'info', event: 'stopped' });
    },
    async (error: unknown) => {
      stopping = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      log({ level: 'error', event: 'stopped', code: errorCode(error) ?? 'ERR_WORKER', message: errorMessage(error) });
      throw error;
    },
  );
  // Callers that only use stop() must not see an unhandled rejection.
  done.catch(() => undefined);

  return {
    id: workerId,
    setup,
    metrics: () => ({ ...metrics, deadLetteredBy: { ...metrics.deadLetteredBy } }),
    metricsText: () => metricsToPrometheus(metrics, { registry: setup.registry, worker: workerId }),
    stop: async () => {
      stopping = true;
      const wake = slotFreed;
      slotFreed = undefined;
      wake?.();
      await done.catch(() => undefined);
    },
    done,
  };
}
