import { DdccMappingError } from './mapping-error.js';

/** Longest text a reader keeps: a name or a code, never a document. */
const MAX_TEXT = 1024;

/**
 * A text field of a decoded payload, for the plugins' `coreDataSet`: trimmed and cut to 1024 characters; an empty
 * string or any other JSON type is no value.
 */
export function ddccText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t === '' ? undefined : t.slice(0, MAX_TEXT);
}

/** A text field the core data set needs: `DdccMappingError` naming `path` when it is missing. */
export function ddccRequiredText(value: unknown, path: string): string {
  const t = ddccText(value);
  if (t === undefined) throw new DdccMappingError(path, 'is missing');
  return t;
}

/** The calendar day (`YYYY-MM-DD`) a required date or date-time field starts with; else `DdccMappingError`. */
export function ddccDay(value: unknown, path: string): string {
  const m = /^\d{4}-\d{2}-\d{2}/.exec(ddccRequiredText(value, path));
  if (!m) throw new DdccMappingError(path, 'is not an ISO 8601 date');
  return m[0];
}
