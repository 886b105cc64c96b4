/**
 * The mapping file: which input column holds which record field, and how to read dates and numbers.
 * Registries name and format columns their own way; the mapping turns a raw row into the camelCase record the
 * credential templates take. Without a mapping file the input's keys already are the record fields.
 *
 * ```json
 * {
 *   "version": 1,
 *   "fields": {
 *     "refId": "Beneficiary ID",
 *     "name": "Name",
 *     "dob": { "column": "Date of Birth", "formats": ["DD/MM/YYYY", "excel"] },
 *     "vaccinationDate": { "column": "Vaccinated On", "formats": ["DD-MM-YYYY HH:mm"], "timeZone": "Asia/Kolkata" },
 *     "dose": { "column": "Dose No." },
 *     "gender": { "column": "Sex", "values": { "M": "Male", "F": "Female", "O": "Other" } },
 *     "country": { "value": "IN" }
 *   },
 *   "dates": { "formats": ["YYYY-MM-DD", "DD/MM/YYYY"], "timeZone": "+05:30" },
 *   "numbers": { "decimal": ".", "thousands": "," },
 *   "unmappedColumns": "ignore"
 * }
 * ```
 */
import { isJsonObject } from '@divoc/keys';
import {
  checkTimeZone,
  compileDatePattern,
  NUMERIC_DATE_FORMATS,
  parseDate,
  parseNumber,
  type DateRule,
  type NumberRule,
} from './dates.js';
import { BulkMappingInvalidError as MappingFileError } from '../errors.js';
import type { FieldError, RawRecord, RecordMapper } from '../types.js';

/** Fields read as calendar dates / date-times unless the mapping says otherwise. */
export const DATE_FIELDS: Readonly<Record<string, 'date' | 'datetime'>> = {
  dob: 'date',
  vaccinationDate: 'datetime',
  effectiveStart: 'date',
  effectiveUntil: 'date',
  nextDoseDueDate: 'date',
  sampleCollectionTimestamp: 'datetime',
  resultTimestamp: 'datetime',
  firstPositiveTestDate: 'date',
  validFrom: 'date',
  validUntil: 'date',
};
/** Fields read as whole numbers unless the mapping says otherwise. */
export const INTEGER_FIELDS: ReadonlySet<string> = new Set(['dose', 'totalDoses', 'age']);

export type FieldType = 'string' | 'date' | 'datetime' | 'integer' | 'number';

interface FieldRule {
  field: string;
  column?: string;
  constant?: string | number;
  type: FieldType;
  date?: DateRule;
  number?: NumberRule;
  values?: ReadonlyMap<string, string>;
  defaultValue?: string | number;
}

/** A parsed column mapping: how registry columns become template record fields (see `loadMapping`). */
export interface Mapping {
  rules: readonly FieldRule[];
  unmappedColumns: 'ignore' | 'reject';
  /** Columns the mapping reads (for the unmapped-column check). */
  columns: ReadonlySet<string>;
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_FIELDS = 256;

function onlyKeys(where: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      throw new MappingFileError(`${where}: unknown key ${JSON.stringify(key)} (allowed: ${allowed.join(', ')})`);
  }
}

function readFormats(where: string, value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.length > 16)
    throw new MappingFileError(`${where}: formats must be a non-empty list (at most 16) of date formats`);
  return list.map((f) => {
    if (typeof f !== 'string') throw new MappingFileError(`${where}: a date format must be a string`);
    if (!(NUMERIC_DATE_FORMATS as readonly string[]).includes(f)) {
      try {
        compileDatePattern(f);
      } catch (error) {
        throw new MappingFileError(`${where}: ${(error as Error).message}`);
      }
    }
    return f;
  });
}

function readZone(where: string, value: unknown): string {
  if (typeof value !== 'string') throw new MappingFileError(`${where}: timeZone must be a string`);
  try {
    checkTimeZone(value);
  } catch (error) {
    throw new MappingFileError(`${where}: ${(error as Error).message}`);
  }
  return value;
}

function readNumbers(where: string, value: unknown, base: Omit<NumberRule, 'integer'>): Omit<NumberRule, 'integer'> {
  if (value === undefined) return base;
  if (!isJsonObject(value)) throw new MappingFileError(`${where} must be an object`);
  onlyKeys(where, value, ['decimal', 'thousands']);
  const decimal = value.decimal ?? base.decimal;
  const thousands = value.thousands ?? base.thousands;
  if (decimal !== '.' && decimal !== ',') throw new MappingFileError(`${where}.decimal must be "." or ","`);
  if (thousands !== '' && thousands !== ',' && thousands !== '.' && thousands !== ' ' && thousands !== "'")
    throw new MappingFileError(`${where}.thousands must be "", ",", ".", " " or "'"`);
  if (decimal === thousands) throw new MappingFileError(`${where}: decimal and thousands separators must differ`);
  return { decimal, thousands };
}

/** Parses and checks a mapping file's JSON. Throws MappingFileError naming the bad key. */
export function parseMapping(json: unknown): Mapping {
  if (!isJsonObject(json)) throw new MappingFileError('a mapping file must be a JSON object');
  onlyKeys('mapping', json, ['version', 'description', 'fields', 'dates', 'numbers', 'unmappedColumns']);
  if (json.version !== 1) throw new MappingFileError('mapping: "version" must be 1');
  if (!isJsonObject(json.fields) || Object.keys(json.fields).length === 0)
    throw new MappingFileError('mapping: "fields" must be an object naming at least one field');
  if (Object.keys(json.fields).length > MAX_FIELDS)
    throw new MappingFileError(`mapping: more than ${MAX_FIELDS} fields`);
  let dateDefaults = { formats: ['iso'] as string[], timeZone: 'UTC' };
  if (json.dates !== undefined) {
    if (!isJsonObject(json.dates)) throw new MappingFileError('mapping.dates must be an object');
    onlyKeys('mapping.dates', json.dates, ['formats', 'timeZone']);
    dateDefaults = {
      formats:
        json.dates.formats === undefined ? dateDefaults.formats : readFormats('mapping.dates', json.dates.formats),
      timeZone: json.dates.timeZone === undefined ? 'UTC' : readZone('mapping.dates', json.dates.timeZone),
    };
  }
  const numberDefaults = readNumbers('mapping.numbers', json.numbers, { decimal: '.', thousands: '' });
  const unmapped = json.unmappedColumns ?? 'ignore';
  if (unmapped !== 'ignore' && unmapped !== 'reject')
    throw new MappingFileError('mapping.unmappedColumns must be "ignore" or "reject"');

  const rules: FieldRule[] = [];
  const columns = new Set<string>();
  for (const [field, spec] of Object.entries(json.fields)) {
    const where = `mapping.fields.${field}`;
    if (FORBIDDEN.has(field) || !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(field))
      throw new MappingFileError(`${where}: not a usable field name`);
    const s: Record<string, unknown> = typeof spec === 'string' ? { column: spec } : isJsonObject(spec) ? spec : {};
    if (typeof spec !== 'string' && !isJsonObject(spec))
      throw new MappingFileError(`${where} must be a column name or an object`);
    onlyKeys(where, s, ['column', 'value', 'type', 'formats', 'timeZone', 'values', 'default', 'decimal', 'thousands']);
    if ((s.column === undefined) === (s.value === undefined))
      throw new MappingFileError(`${where}: give exactly one of "column" or "value"`);
    if (s.column !== undefined && (typeof s.column !== 'string' || s.column === '' || s.column.length > 256))
      throw new MappingFileError(`${where}.column must be a column name`);
    if (s.value !== undefined && typeof s.value !== 'string' && typeof s.value !== 'number')
      throw new MappingFileError(`${where}.value must be a string or number`);
    const type = (s.type ?? DATE_FIELDS[field] ?? (INTEGER_FIELDS.has(field) ? 'integer' : 'string')) as FieldType;
    if (!['string', 'date', 'datetime', 'integer', 'number'].includes(type))
      throw new MappingFileError(`${where}.type must be string, date, datetime, integer or number`);
    const rule: FieldRule = { field, type };
    if (typeof s.column === 'string') {
      rule.column = s.column;
      columns.add(s.column);
    } else rule.constant = s.value as string | number;
    if (type === 'date' || type === 'datetime') {
      rule.date = {
        kind: type,
        formats: s.formats === undefined ? dateDefaults.formats : readFormats(where, s.formats),
        timeZone: s.timeZone === undefined ? dateDefaults.timeZone : readZone(where, s.timeZone),
      };
    } else if (s.formats !== undefined || s.timeZone !== undefined)
      throw new MappingFileError(`${where}: formats / timeZone apply to date fields only`);
    if (type === 'integer' || type === 'number') {
      rule.number = {
        ...readNumbers(
          where,
          {
            ...(s.decimal !== undefined ? { decimal: s.decimal } : {}),
            ...(s.thousands !== undefined ? { thousands: s.thousands } : {}),
          },
          numberDefaults,
        ),
        integer: type === 'integer',
      };
    } else if (s.decimal !== undefined || s.thousands !== undefined)
      throw new MappingFileError(`${where}: decimal / thousands apply to number fields only`);
    if (s.values !== undefined) {
      if (!isJsonObject(s.values) || Object.keys(s.values).length > 1024)
        throw new MappingFileError(`${where}.values must be an object of input value → record value`);
      const values = new Map<string, string>();
      for (const [from, to] of Object.entries(s.values)) {
        if (typeof to !== 'string') throw new MappingFileError(`${where}.values.${from} must be a string`);
        values.set(from, to);
      }
      rule.values = values;
    }
    if (s.default !== undefined) {
      if (typeof s.default !== 'string' && typeof s.default !== 'number')
        throw new MappingFileError(`${where}.default must be a string or number`);
      rule.defaultValue = s.default;
    }
    rules.push(rule);
  }
  return { rules, unmappedColumns: unmapped, columns };
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A RecordMapper applying a mapping: one error per field that cannot be read, all reported together. */
export function mappingRecordMapper(mapping: Mapping): RecordMapper {
  return {
    map(raw: RawRecord) {
      const record: Record<string, unknown> = {};
      const errors: FieldError[] = [];
      if (mapping.unmappedColumns === 'reject') {
        for (const key of Object.keys(raw)) {
          if (!mapping.columns.has(key) && !isBlank(raw[key]))
            errors.push({ field: key, reason: 'column not named in the mapping file (unmappedColumns: "reject")' });
        }
      }
      for (const rule of mapping.rules) {
        let value: unknown =
          rule.column !== undefined
            ? Object.prototype.hasOwnProperty.call(raw, rule.column)
              ? raw[rule.column]
              : undefined
            : rule.constant;
        if (isBlank(value)) {
          if (rule.defaultValue === undefined) continue;
          value = rule.defaultValue;
        }
        if (rule.values && typeof value !== 'object') {
          const key = String(value).trim();
          const mapped = rule.values.get(key);
          if (mapped !== undefined) value = mapped;
        }
        if (rule.date) {
          const parsed = parseDate(value, rule.date);
          if (parsed.ok) record[rule.field] = parsed.value;
          else
            errors.push({
              field: rule.field,
              reason: `${parsed.reason}${rule.column !== undefined ? ` (column ${JSON.stringify(rule.column)})` : ''}`,
            });
        } else if (rule.number) {
          const parsed = parseNumber(value, rule.number);
          if (parsed.ok) record[rule.field] = parsed.value;
          else
            errors.push({
              field: rule.field,
              reason: `${parsed.reason}${rule.column !== undefined ? ` (column ${JSON.stringify(rule.column)})` : ''}`,
            });
        } else if (typeof value === 'string') record[rule.field] = value.trim();
        else if (typeof value === 'number' || typeof value === 'boolean') record[rule.field] = String(value);
        else
          errors.push({
            field: rule.field,
            reason: `expected text, found ${Array.isArray(value) ? 'an array' : typeof value}`,
          });
      }
      return errors.length > 0 ? { ok: false, errors, partial: record } : { ok: true, record };
    },
  };
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The mapper used without a mapping: columns already are the record fields; blank values are dropped. */
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

/** The operator's own id for a record (for index/errors lines): `refId`, else `recordId`, else `id`. */
export function recordIdOf(record: RawRecord): string | undefined {
  for (const key of ['refId', 'recordId', 'id'] as const) {
    const value = record[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}
