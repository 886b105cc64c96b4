import { isJsonObject } from '@divoc/keys';
import type { IssuedFormats } from '@divoc/issuer';
import { WorkerConfigError, WorkerEventError } from '../lib/errors.js';
import { isJsonValue, type JsonValue } from '../lib/json.js';
import type { DeadLetterEvent } from '../worker/events.js';
import type { CertifyMessage, RegistryAdapter, RegistryEvent } from './types.js';

/** Options of `payloadAdapter`: how to store a certificate, and what to do with a dead-lettered message. */
export interface PayloadAdapterOptions {
  /** Stores the certificate. Must be idempotent by `certificateId`. */
  writeCertificate(ref: JsonValue, certificateId: string, issued: IssuedFormats): Promise<void> | void;
  /** Hears about every dead-lettered message; errors are counted and logged, never retried. */
  onFailure?(failure: DeadLetterEvent): Promise<void> | void;
}

/**
 * An adapter for registries that publish the whole record: `{ "template": "...", "record": {...}, "ref": ... }`
 * (`ref` optional: defaults to the stream sequence). Use a custom adapter when messages only carry a row id.
 */
export function payloadAdapter(options: PayloadAdapterOptions): RegistryAdapter {
  if (!isJsonObject(options) || typeof options.writeCertificate !== 'function') {
    throw new WorkerConfigError('payloadAdapter needs a writeCertificate(ref, certificateId, issued) function');
  }
  return {
    readEvent(message: CertifyMessage): RegistryEvent {
      const p = message.payload;
      if (!isJsonObject(p)) throw new WorkerEventError('payload must be a JSON object { template, record, ref? }');
      if (typeof p.template !== 'string') throw new WorkerEventError('payload.template must be a string');
      if (!isJsonObject(p.record)) throw new WorkerEventError('payload.record must be an object');
      if (p.ref !== undefined && !isJsonValue(p.ref)) throw new WorkerEventError('payload.ref must be JSON data');
      return {
        template: p.template,
        record: p.record,
        ref: p.ref === undefined ? message.streamSequence : (p.ref as JsonValue),
      };
    },
    writeCertificate: (ref, certificateId, issued) => options.writeCertificate(ref, certificateId, issued),
    ...(options.onFailure !== undefined ? { onFailure: options.onFailure } : {}),
  };
}
