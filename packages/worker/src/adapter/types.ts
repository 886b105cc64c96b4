import type { IssuedFormats } from '@divoc/issuer';
import type { JsonValue } from '../lib/json.js';
import type { DeadLetterEvent } from '../worker/events.js';

/** One certify request as the worker hands it to the adapter. */
export interface CertifyMessage {
  /** The subject it was published on (`divoc.certify.<registry>`). */
  subject: string;
  /** The raw payload. */
  data: Uint8Array;
  /** The payload parsed as JSON (the worker dead-letters payloads that are not JSON before calling the adapter). */
  payload: unknown;
  /** NATS headers (first value of each). */
  headers: Readonly<Record<string, string>>;
  /** Position in the stream: stable across redeliveries. */
  streamSequence: number;
  /** 1 on first delivery, 2 on the first redelivery... */
  deliveryCount: number;
}

/** What to certify, and how the registry will find it again. */
export interface RegistryEvent<Ref extends JsonValue = JsonValue> {
  /** The registry record, in the shape of the template (see `@divoc/schemas`). */
  record: Readonly<Record<string, unknown>>;
  /** Template name: `vaccination`, `vaccination-v2`, `test`, `recovery` or a registered custom type. */
  template: string;
  /** The registry's handle for the event (row id, event id...): given back to `writeCertificate` and in events. */
  ref: Ref;
}

/** One certificate to store, as the worker hands it to `RegistryAdapter.writeCertificates`. */
export interface CertificateWrite<Ref extends JsonValue = JsonValue> {
  /** The event's `ref`, as `readEvent(s)` returned it. */
  ref: Ref;
  /** Deterministic (template + identity + dose): the same on every redelivery of the event. */
  certificateId: string;
  issued: IssuedFormats;
}

/**
 * One result per item of a batch call, in the order of the input: for `readEvents` the event or an `Error`, for
 * `writeCertificates` `undefined` (stored) or an `Error`. A `WorkerEventError` dead-letters that item alone; any
 * other `Error` retries that item alone.
 */
export type BatchResult<T> = T | Error;

/**
 * The seam between the workers and a registry's own storage.
 *
 * - `readEvent` turns a message into a record. Throw `WorkerEventError` when the message can never be processed
 *   (dead-lettered at once); any other error is transient (retried with backoff).
 * - `writeCertificate` stores the certificate. It MUST be idempotent, keyed by `certificateId`: at-least-once
 *   delivery means it can run more than once for the same event (a worker killed after writing, before acking).
 *   Keep the first write (insert ... on conflict do nothing) or overwrite: either way one certificate per id.
 * - `onFailure` (optional) hears about every dead-lettered message, e.g. to flag the event in the registry.
 *   Its errors are counted and logged, never retried.
 * - `readEvents` / `writeCertificates` (optional) do the same for a micro-batch of messages in one round trip
 *   (`WHERE id = ANY($1)`, one multi-row insert). The worker uses them when present and gives every item its own
 *   outcome; when a batch call throws or returns the wrong number of results, it falls back to the per-message
 *   methods for that batch, so one bad item can never fail the others.
 */
export interface RegistryAdapter<Ref extends JsonValue = JsonValue> {
  /**
   * Turns a certify message into the record to issue. Throw `WorkerEventError` for a message that can never be
   * processed.
   */
  readEvent(message: CertifyMessage): Promise<RegistryEvent<Ref>> | RegistryEvent<Ref>;
  /** Stores the certificate; must be idempotent by `certificateId` (delivery is at least once). */
  writeCertificate(ref: Ref, certificateId: string, issued: IssuedFormats): Promise<void> | void;
  /** Hears about every dead-lettered message; errors are counted and logged, never retried. */
  onFailure?(failure: DeadLetterEvent): Promise<void> | void;
  /**
   * Optional batch form of `readEvent`: one result per message, in order (an event, or an `Error` for that message
   * alone: `WorkerEventError` dead-letters it, anything else retries it).
   */
  readEvents?(
    messages: readonly CertifyMessage[],
  ): Promise<readonly BatchResult<RegistryEvent<Ref>>[]> | readonly BatchResult<RegistryEvent<Ref>>[];
  /**
   * Optional batch form of `writeCertificate`, same idempotency rule: one result per item, in order (`undefined`
   * when stored, an `Error` for that item alone), or nothing when every item was stored.
   */
  writeCertificates?(
    items: readonly CertificateWrite<Ref>[],
  ): Promise<readonly BatchResult<undefined>[] | void> | readonly BatchResult<undefined>[] | void;
}
