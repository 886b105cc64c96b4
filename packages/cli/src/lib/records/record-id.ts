import type { RawRecord } from './types.js';

/** The operator's own id for a record (for index/errors lines): `refId`, else `recordId`, else `id`. */
export function recordIdOf(record: RawRecord): string | undefined {
  for (const key of ['refId', 'recordId', 'id'] as const) {
    const value = record[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}
