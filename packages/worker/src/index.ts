/**
 * Queue workers that issue certificates from NATS JetStream events.
 *
 * @module @divoc/worker
 */
// Workers.
export { startWorker } from './worker/start-worker.js';
export type { Worker, WorkerOptions, WorkerIssueOptions, WorkerLogEntry } from './worker/start-worker.js';
export type { CertifiedEvent, DeadLetterEvent } from './worker/events.js';
export { metricsToPrometheus } from './worker/metrics.js';
export type { WorkerMetrics } from './worker/metrics.js';

// JetStream streams, consumer and subjects.
export { ensureJetStream } from './jetstream/setup.js';
export type { JetStreamSetup, JetStreamSetupOptions } from './jetstream/setup.js';
export { subjectsFor, defaultNames } from './lib/subjects.js';
export type { RegistrySubjects } from './lib/subjects.js';

// Registry adapters.
export type { RegistryAdapter, RegistryEvent, CertifyMessage, CertificateWrite, BatchResult } from './adapter/types.js';
export { payloadAdapter } from './adapter/payload-adapter.js';
export type { PayloadAdapterOptions } from './adapter/payload-adapter.js';
export type { JsonValue } from './lib/json.js';

// Errors (discriminated on `code`).
export { WorkerError, WorkerConfigError, WorkerEventError, WorkerStoppedError, isWorkerError } from './lib/errors.js';
export type { AnyWorkerError, WorkerErrorCode, DeadLetterCode } from './lib/errors.js';
