/** A raw record as read from the input, before it is mapped to the schema's record fields. */
export type RawRecord = Record<string, unknown>;

/** One problem with one input record, as written to `errors.ndjson`. */
export interface FieldError {
  /** Record field (camelCase, dotted for nested), or `(record)` / `(line)` for the whole record. */
  field: string;
  reason: string;
}

/** What a reader yields: a record to issue, or a record that could not even be read. */
export type InputItem =
  | { kind: 'record'; line: number; record: RawRecord }
  | { kind: 'invalid'; line: number; recordId?: string; errors: FieldError[] };

export type InputFormat = 'csv' | 'json' | 'ndjson';

/** Limits that keep a hostile input from exhausting memory. */
export interface ReaderLimits {
  /** Longest NDJSON line / JSON array element / CSV record, in characters. */
  maxRecordChars: number;
}

export const DEFAULT_READER_LIMITS: ReaderLimits = { maxRecordChars: 1024 * 1024 };
