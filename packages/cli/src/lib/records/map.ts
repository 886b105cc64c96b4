import type { FieldError, RawRecord } from './types.js';

/**
 * Turns a raw input record into the record `buildCredential` takes. Today the input's keys already are the
 * camelCase record field names, so this only drops blank values and refuses prototype-polluting keys.
 * A column-mapping file (a later feature) plugs in here as another RecordMapper.
 */
export interface RecordMapper {
  map(raw: RawRecord): { ok: true; record: Record<string, unknown> } | { ok: false; errors: FieldError[]; partial?: Record<string, unknown> };
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const identityMapper: RecordMapper = {
  map(raw) {
    const record: Record<string, unknown> = {};
    const errors: FieldError[] = [];
    for (const [key, value] of Object.entries(raw)) {
      if (FORBIDDEN_KEYS.has(key)) {
        errors.push({ field: key, reason: 'reserved field name' });
        continue;
      }
      if (value === null || value === '') continue;
      record[key] = value;
    }
    return errors.length > 0 ? { ok: false, errors } : { ok: true, record };
  },
};
