import type { FormatName } from '@divoc/issuer';
import type { DeadLetterCode } from '../lib/errors.js';
import type { JsonValue } from '../lib/json.js';

/**
 * Published on `divoc.certified.<registry>` once a certificate is stored, with `Nats-Msg-Id` = certificate id, so
 * JetStream drops the copy a redelivered message would publish (within the stream's duplicate window).
 * Carries ids only: no personal data.
 */
export interface CertifiedEvent {
  type: 'certified';
  registry: string;
  certificateId: string;
  ref: JsonValue;
  /** Formats produced and stored. */
  formats: FormatName[];
  /** Formats asked for but not produced, with the issuer's error code (e.g. no EU code for the vaccine). */
  formatErrors?: Partial<Record<FormatName, string>>;
  /** The certify request's stream sequence. */
  sequence: number;
  deliveryCount: number;
  worker: string;
  /** ISO 8601. */
  at: string;
}

/**
 * Published on `divoc.dlq.<registry>` when a message is given up on, with `Nats-Msg-Id` = `<stream>:<sequence>`.
 * `data` is the original payload (base64) so an operator can fix and republish it; it is omitted above 64 KiB.
 */
export interface DeadLetterEvent {
  type: 'dead-letter';
  registry: string;
  reason: { code: DeadLetterCode; message: string; causeCode?: string };
  /** The adapter's ref when the event was read before failing. */
  ref?: JsonValue;
  stream: string;
  sequence: number;
  subject: string;
  deliveryCount: number;
  worker: string;
  at: string;
  data?: string;
}
