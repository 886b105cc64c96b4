import { DivocError, withCode, familyGuard, type FamilyGuard } from '@divoc/keys';

/**
 * Every error this package throws is one of these classes, each with a stable string `code`.
 * `DeadLetterCode` names the reasons a message is dead-lettered; they are strings in the dead-letter event,
 * not thrown errors.
 */

/** Base class of every error thrown by `@divoc/worker`. */
export abstract class WorkerError extends DivocError {}

/** `startWorker` / `ensureJetStream` options are unusable (bad registry name, concurrency, missing adapter...). */
export class WorkerConfigError extends withCode(WorkerError, 'ERR_WORKER_CONFIG_INVALID') {}

/**
 * Thrown by a registry adapter when an event can never be processed (the referenced row does not exist, the
 * payload misses its id...). The worker dead-letters the message at once instead of retrying it.
 * Any other error an adapter throws counts as transient (database down): the message is retried with backoff.
 */
export class WorkerEventError extends withCode(WorkerError, 'ERR_WORKER_EVENT_INVALID') {}

/** The worker was already stopped, or is stopping. */
export class WorkerStoppedError extends withCode(WorkerError, 'ERR_WORKER_STOPPED') {}

/** Discriminated union (on `code`) of every error this package throws. */
export type AnyWorkerError = WorkerConfigError | WorkerEventError | WorkerStoppedError;
/** Every error code this package throws. */
export type WorkerErrorCode = AnyWorkerError['code'];

/** True for an error thrown by this package ({@link AnyWorkerError}). */
export const isWorkerError: FamilyGuard<AnyWorkerError> = familyGuard(WorkerError);

/** Why a message went to the dead-letter subject. */
export type DeadLetterCode =
  /** The payload is not JSON (or not UTF-8). */
  | 'ERR_WORKER_MESSAGE_UNPARSEABLE'
  /** The payload is larger than `maxMessageBytes`. */
  | 'ERR_WORKER_MESSAGE_TOO_LARGE'
  /** The adapter could not read a usable event from the message (`WorkerEventError`, or a malformed result). */
  | 'ERR_WORKER_EVENT_INVALID'
  /** The event names a template that is not registered in `@divoc/schemas`. */
  | 'ERR_WORKER_TEMPLATE_UNKNOWN'
  /** The record fails the template's validation, or no certificate id can be derived from it. */
  | 'ERR_WORKER_RECORD_INVALID'
  /** No requested format could be produced for this record (every format failed for a data reason). */
  | 'ERR_WORKER_NO_FORMAT_ISSUED'
  /** A transient failure (storage, signer) persisted through `maxDeliver` deliveries. */
  | 'ERR_WORKER_RETRIES_EXHAUSTED';
