import { JsonError, parseJsonStrict } from '@divoc/keys';
import type { SourceItem as InputItem } from '../types.js';
import type { ReaderLimits } from './limits.js';

/**
 * One JSON record (an NDJSON line or a JSON array element) as an input item. Strict JSON: a field named twice is
 * refused (which value would be certified?), as are `__proto__` / `constructor` / `prototype` members; reasons name
 * the field and never quote the record, which holds personal data. `where` is the field name for a syntax error.
 */
export function parseRecord(text: string, line: number, limits: ReaderLimits, where: '(line)' | '(record)'): InputItem {
  let value: unknown;
  try {
    value = parseJsonStrict(text, { maxLength: limits.maxRecordChars });
  } catch (error) {
    if (!(error instanceof JsonError)) throw error;
    // `$.name` → `name`: the member a duplicate / forbidden-key error is about; the whole record otherwise.
    const member = error.code === 'ERR_JSON_SYNTAX' ? undefined : /^\$\.([A-Za-z_$][\w$]*)$/.exec(error.path)?.[1];
    return { kind: 'invalid', line, errors: [{ field: member ?? where, reason: error.message }] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', line, errors: [{ field: '(record)', reason: 'a record must be a JSON object' }] };
  }
  return { kind: 'record', line, record: value as Record<string, unknown> };
}
