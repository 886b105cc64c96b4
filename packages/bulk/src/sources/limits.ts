/** Limits that keep a hostile input from exhausting memory. */
export interface ReaderLimits {
  /** Longest NDJSON line / JSON array element / CSV record, in characters. */
  maxRecordChars: number;
}

export const DEFAULT_READER_LIMITS: ReaderLimits = { maxRecordChars: 1024 * 1024 };

/** What a reader learns about its input besides the records: a CSV's header row, once it is read. */
export interface SourceMeta {
  columns?: readonly string[];
}
