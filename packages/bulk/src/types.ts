/** A raw record as read from the source, before it is mapped to the template's record fields. */
export type RawRecord = Record<string, unknown>;

/** One problem with one input record, as written to `errors.ndjson`. */
export interface FieldError {
  /** Record field (camelCase, dotted for nested), or `(record)` / `(line)` for the whole record. */
  field: string;
  reason: string;
}

/** What a record source yields: a record to issue, or one that could not even be read (reported, not issued). */
export type SourceItem =
  | { kind: 'record'; line: number; record: RawRecord }
  | { kind: 'invalid'; line: number; recordId?: string; errors: FieldError[] };

/** Turns a raw record into the record the template takes (see `mappingRecordMapper`, `identityMapper`). */
export interface RecordMapper {
  /** Maps one raw record; never throws for bad data (returns the field errors instead). */
  map(raw: RawRecord): MapResult;
}

/** The result of mapping one record: the template record, or the field errors (with what could be mapped). */
export type MapResult =
  | { ok: true; record: Record<string, unknown> }
  | { ok: false; errors: FieldError[]; partial?: Record<string, unknown> };
