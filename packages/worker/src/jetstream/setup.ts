import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  nanos,
  millis,
  type NatsConnection,
  type NatsError,
} from 'nats';
import { WorkerConfigError } from '../lib/errors.js';
import { checkName, checkSubject, defaultNames, subjectsFor, type RegistrySubjects } from '../lib/subjects.js';

/**
 * Names and settings of the JetStream streams and consumer the workers use; every one has a default from the registry
 * name.
 */
export interface JetStreamSetupOptions {
  /** Registry name: one subject token, gives the default subjects and stream names. */
  registry: string;
  /** Certify request stream (work queue). Default `DIVOC_CERTIFY_<registry>`. */
  stream?: string;
  /**
   * Stream holding `certified` and dead-letter events (so their `Nats-Msg-Id` de-duplicates).
   * Default `DIVOC_EVENTS_<registry>`.
   */
  eventsStream?: string;
  /** Durable pull consumer every worker shares. Default `divoc-workers`. */
  durable?: string;
  subjects?: Partial<RegistrySubjects>;
  /** Milliseconds the server waits for an ack before redelivering. Default 30 000. */
  ackWait?: number;
  /** Deliveries before the server stops redelivering; the worker dead-letters on the last one. Default 5. */
  maxDeliver?: number;
  /** Unacknowledged messages the consumer hands out across all workers. Default 1 000. */
  maxAckPending?: number;
  /** `Nats-Msg-Id` de-duplication window of both streams, milliseconds. Default 10 minutes. */
  duplicateWindow?: number;
}

/** The streams, consumer and subjects a worker actually uses, and the consumer's effective settings. */
export interface JetStreamSetup {
  registry: string;
  stream: string;
  eventsStream: string;
  durable: string;
  subjects: RegistrySubjects;
  /** The consumer's effective settings (an existing consumer keeps its own). */
  ackWait: number;
  maxDeliver: number;
}

const isNotFound = (error: unknown): boolean => {
  const api = (error as NatsError | undefined)?.api_error;
  return api !== undefined && api.code === 404;
};

const checkPositive = (what: string, value: unknown, max: number): void => {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)) {
    throw new WorkerConfigError(`${what} must be an integer from 1 to ${max}`);
  }
};

/** Resolves names and subjects, checking each. */
export function resolveSetup(options: JetStreamSetupOptions): Omit<JetStreamSetup, 'ackWait' | 'maxDeliver'> {
  if (typeof options !== 'object' || options === null) throw new WorkerConfigError('options are required');
  const defaults = defaultNames(options.registry);
  const subjects = { ...subjectsFor(options.registry), ...(options.subjects ?? {}) };
  const stream = options.stream ?? defaults.stream;
  const eventsStream = options.eventsStream ?? defaults.eventsStream;
  const durable = options.durable ?? defaults.durable;
  checkName('stream', stream);
  checkName('eventsStream', eventsStream);
  checkName('durable', durable);
  if (stream === eventsStream) throw new WorkerConfigError('stream and eventsStream must differ');
  checkSubject('subjects.certify', subjects.certify);
  checkSubject('subjects.certified', subjects.certified);
  checkSubject('subjects.deadLetter', subjects.deadLetter);
  if (new Set([subjects.certify, subjects.certified, subjects.deadLetter]).size !== 3)
    throw new WorkerConfigError('the certify, certified and dead-letter subjects must differ');
  checkPositive('ackWait', options.ackWait, 24 * 3_600_000);
  checkPositive('maxDeliver', options.maxDeliver, 1_000);
  checkPositive('maxAckPending', options.maxAckPending, 1_000_000);
  checkPositive('duplicateWindow', options.duplicateWindow, 7 * 24 * 3_600_000);
  if (options.ackWait !== undefined && options.ackWait < 1_000)
    throw new WorkerConfigError('ackWait must be at least 1000 ms');
  return { registry: options.registry, stream, eventsStream, durable, subjects };
}

/**
 * Creates what the workers need when it is missing, and leaves what exists alone (operators may have tuned it):
 * - the certify stream: work-queue retention (a message is gone once acked or terminated), file storage,
 *   `Nats-Msg-Id` de-duplication so a registry can republish safely;
 * - the events stream for `certified` and dead-letter events (limits retention, de-duplicated);
 * - the durable pull consumer: explicit acks, `ackWait`, `maxDeliver`.
 * Safe to call from every worker at start-up.
 */
export async function ensureJetStream(nc: NatsConnection, options: JetStreamSetupOptions): Promise<JetStreamSetup> {
  const resolved = resolveSetup(options);
  const jsm = await nc.jetstreamManager();
  const duplicateWindow = nanos(options.duplicateWindow ?? 10 * 60_000);

  const ensureStream = async (name: string, config: Parameters<typeof jsm.streams.add>[0]): Promise<void> => {
    try {
      await jsm.streams.info(name);
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    try {
      await jsm.streams.add(config);
    } catch (error) {
      // Another worker created it between our look and our add.
      await jsm.streams.info(name).catch(() => {
        throw error;
      });
    }
  };
  await ensureStream(resolved.stream, {
    name: resolved.stream,
    subjects: [resolved.subjects.certify],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: duplicateWindow,
  });
  await ensureStream(resolved.eventsStream, {
    name: resolved.eventsStream,
    subjects: [resolved.subjects.certified, resolved.subjects.deadLetter],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    duplicate_window: duplicateWindow,
  });

  const consumerConfig = {
    durable_name: resolved.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(options.ackWait ?? 30_000),
    max_deliver: options.maxDeliver ?? 5,
    max_ack_pending: options.maxAckPending ?? 1_000,
    filter_subject: resolved.subjects.certify,
  };
  let info;
  try {
    info = await jsm.consumers.info(resolved.stream, resolved.durable);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    try {
      info = await jsm.consumers.add(resolved.stream, consumerConfig);
    } catch (addError) {
      info = await jsm.consumers.info(resolved.stream, resolved.durable).catch(() => {
        throw addError;
      });
    }
  }
  return {
    ...resolved,
    ackWait: Math.max(1, millis(info.config.ack_wait ?? nanos(30_000))),
    maxDeliver:
      info.config.max_deliver !== undefined && info.config.max_deliver > 0
        ? info.config.max_deliver
        : Number.POSITIVE_INFINITY,
  };
}
