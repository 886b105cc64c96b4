import type { DeadLetterCode } from '../lib/errors.js';

/** Counters since the worker started. Ids only, no personal data. */
export interface WorkerMetrics {
  /** Deliveries taken from the consumer (a redelivery counts again). */
  received: number;
  /** Certificates stored and announced. */
  certified: number;
  /** Messages dead-lettered and terminated, by reason in `deadLetteredBy`. */
  deadLettered: number;
  deadLetteredBy: Partial<Record<DeadLetterCode, number>>;
  /** Transient failures answered with a delayed `nak` (retried later, by any worker). */
  retried: number;
  /** `msg.working()` calls made for long processing. */
  heartbeats: number;
  /** Processing that exceeded `processingTimeout` (handed back for redelivery). */
  timedOut: number;
  /** Errors thrown by the adapter's `onFailure` hook (logged, never retried). */
  onFailureErrors: number;
  /** Micro-batches processed (one pull's messages that arrived together, at most `batchSize`). */
  batches: number;
  /** Batch adapter calls (`readEvents`/`writeCertificates`) that threw or answered wrongly: redone per message. */
  batchFallbacks: number;
  /** Messages being processed now. */
  inFlight: number;
  /** Total and maximum wall time of successful processing (read, sign, store, announce), milliseconds. */
  processingMsTotal: number;
  processingMsMax: number;
}

export function emptyMetrics(): WorkerMetrics {
  return {
    received: 0,
    certified: 0,
    deadLettered: 0,
    deadLetteredBy: {},
    retried: 0,
    heartbeats: 0,
    timedOut: 0,
    onFailureErrors: 0,
    batches: 0,
    batchFallbacks: 0,
    inFlight: 0,
    processingMsTotal: 0,
    processingMsMax: 0,
  };
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The counters in Prometheus text exposition format (`divoc_worker_*`), labelled by registry and worker. */
export function metricsToPrometheus(metrics: WorkerMetrics, labels: { registry: string; worker: string }): string {
  const l = `registry="${esc(labels.registry)}",worker="${esc(labels.worker)}"`;
  const lines: string[] = [];
  const counter = (name: string, help: string, value: number, extra = ''): void => {
    lines.push(
      `# HELP divoc_worker_${name} ${help}`,
      `# TYPE divoc_worker_${name} counter`,
      `divoc_worker_${name}{${l}${extra}} ${value}`,
    );
  };
  counter('received_total', 'Deliveries taken from the consumer.', metrics.received);
  counter('certified_total', 'Certificates stored and announced.', metrics.certified);
  counter('retried_total', 'Transient failures retried with a delayed nak.', metrics.retried);
  counter('heartbeats_total', 'Ack-wait extensions sent during long processing.', metrics.heartbeats);
  counter('timed_out_total', 'Processing that exceeded the processing timeout.', metrics.timedOut);
  counter('on_failure_errors_total', 'Errors thrown by the adapter onFailure hook.', metrics.onFailureErrors);
  counter('batches_total', 'Micro-batches processed.', metrics.batches);
  counter(
    'batch_fallbacks_total',
    'Batch adapter calls that failed as a whole and were retried per message.',
    metrics.batchFallbacks,
  );
  lines.push(
    '# HELP divoc_worker_dead_lettered_total Messages dead-lettered, by reason.',
    '# TYPE divoc_worker_dead_lettered_total counter',
  );
  for (const [code, n] of Object.entries(metrics.deadLetteredBy))
    lines.push(`divoc_worker_dead_lettered_total{${l},reason="${esc(code)}"} ${n}`);
  lines.push(
    '# HELP divoc_worker_in_flight Messages being processed now.',
    '# TYPE divoc_worker_in_flight gauge',
    `divoc_worker_in_flight{${l}} ${metrics.inFlight}`,
  );
  counter('processing_ms_total', 'Wall time of successful processing, milliseconds.', metrics.processingMsTotal);
  return `${lines.join('\n')}\n`;
}
