import { defaultRegistry, type ToDdccOptions } from '@divoc/schemas';
import { IssuerUnknownFieldsError, type IssuerRecordIssue, type UnknownField } from '../lib/errors.js';

/**
 * Record fields this package reads besides the template's own: what the registry knows about the name that a DIVOC
 * credential has no place for. They are removed before `buildCredential` and go into the DDCC core data set.
 */
export const DDCC_RECORD_FIELDS = [
  'nameLatin',
  'familyName',
  'givenName',
  'familyNameLatin',
  'givenNameLatin',
] as const;

const LATIN_NAME = /^[\p{Script=Latin}\p{M}\s'’.,-]+$/u;
const MAX_NAME = 256;

/** A record split in two: the fields the credential template takes, and the DDCC-only fields. */
export interface SplitRecord {
  /** The record without the DDCC-only fields, for `buildCredential`. */
  record: Record<string, unknown>;
  /** What the DDCC mapping should know beyond the credential. */
  ddcc: ToDdccOptions;
  issues: IssuerRecordIssue[];
}

function field(
  record: Readonly<Record<string, unknown>>,
  name: string,
  issues: IssuerRecordIssue[],
  latin: boolean,
): string | undefined {
  if (!Object.hasOwn(record, name)) return undefined;
  const v = record[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') {
    issues.push({ path: `$.${name}`, message: 'must be a string' });
    return undefined;
  }
  const t = v.trim().replace(/\s+/g, ' ');
  if (t.length === 0 || t.length > MAX_NAME) {
    issues.push({ path: `$.${name}`, message: `must be 1 to ${MAX_NAME} characters` });
    return undefined;
  }
  if (latin && !LATIN_NAME.test(t)) {
    issues.push({ path: `$.${name}`, message: 'must be written in Latin letters (it is the transliteration of name)' });
    return undefined;
  }
  return t;
}

/** Date part (`YYYY-MM-DD`) of a date or date-time as written, i.e. the calendar day in the writer's own offset. */
function localDay(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/.exec(value.trim());
  return m ? m[1] : undefined;
}

/** Splits a raw record into the template's record and the DDCC extras (checked). */
export function splitRecord(record: Readonly<Record<string, unknown>>, template: string): SplitRecord {
  const issues: IssuerRecordIssue[] = [];
  const ddcc: ToDdccOptions = {};
  const nameLatin = field(record, 'nameLatin', issues, true);
  if (nameLatin !== undefined) ddcc.nameLatin = nameLatin;
  for (const [key, latin] of [
    ['familyName', false],
    ['givenName', false],
    ['familyNameLatin', true],
    ['givenNameLatin', true],
  ] as const) {
    const v = field(record, key, issues, latin);
    if (v !== undefined) ddcc[key] = v;
  }
  const dob = record.dob;
  if (typeof dob === 'string' && /^\d{4}(-\d{2}){0,2}/.test(dob.trim())) ddcc.birthDate = dob.trim().slice(0, 10);
  else if (dob instanceof Date && !Number.isNaN(dob.getTime())) ddcc.birthDate = dob.toISOString().slice(0, 10);
  if (template.startsWith('vaccination')) {
    const day = localDay(record.vaccinationDate);
    if (day !== undefined) ddcc.vaccinationDate = day;
  }
  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if ((DDCC_RECORD_FIELDS as readonly string[]).includes(key) || key === '__proto__') continue;
    rest[key] = record[key];
  }
  return { record: rest, ddcc, issues };
}

/**
 * What to do with record fields the template does not know: `reject` (the default) fails the record with
 * `IssuerUnknownFieldsError` naming them; `ignore` drops them. The one rule for the CLI, the service and the worker.
 */
export type UnknownFieldsPolicy = 'reject' | 'ignore';

const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Every field a template's record may have: its record schema's properties, the name fields above (they go to the
 * DDCC data set) and `certificateId`. Undefined for a type that declares no record properties: nothing is checked.
 */
export function knownRecordFields(template: string): ReadonlySet<string> | undefined {
  if (!defaultRegistry.has(template)) return undefined;
  const schema = defaultRegistry.get(template).recordSchema as { properties?: Record<string, unknown> } | undefined;
  if (schema?.properties === undefined) return undefined;
  return new Set([...Object.keys(schema.properties), ...DDCC_RECORD_FIELDS, 'certificateId']);
}

/** Levenshtein distance, stopping early above `limit` (names are short). */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      row.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = row;
  }
  return previous[b.length] as number;
}

/** The known field `name` is most likely a misspelling of: same name in another case or spacing, else distance ≤ 2. */
function suggestionFor(name: string, known: ReadonlySet<string>): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[\s_-]/g, '');
  const folded = squash(name);
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    if (squash(candidate) === folded) return candidate;
    const d = distance(folded, squash(candidate), 2);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Very short names are close to too many others for a guess to help.
  return best !== undefined && folded.length > 3 ? best : undefined;
}

/**
 * The names among `fields` (record keys, or the columns of an input file) that `template` does not know, each with
 * the known field it is probably a misspelling of. Empty when the template declares no record fields.
 */
export function findUnknownFields(template: string, fields: Iterable<string>): UnknownField[] {
  const known = knownRecordFields(template);
  if (known === undefined) return [];
  const unknown: UnknownField[] = [];
  for (const field of fields) {
    if (known.has(field)) continue;
    const suggestion = suggestionFor(field, known);
    unknown.push(suggestion !== undefined ? { field, suggestion } : { field });
  }
  return unknown;
}

/**
 * Applies the unknown-field rule to a record: with `reject` (default) throws `IssuerUnknownFieldsError` naming every
 * unknown field; with `ignore` returns a copy without them. Returns the record itself when every field is known.
 */
export function checkRecordFields(
  template: string,
  record: Readonly<Record<string, unknown>>,
  policy: UnknownFieldsPolicy = 'reject',
): Readonly<Record<string, unknown>> {
  // A field set to undefined is no field; `__proto__` & co. are never read (see buildCredential), not data lost.
  const present = Object.keys(record).filter((k) => record[k] !== undefined && !RESERVED_KEYS.has(k));
  const unknown = findUnknownFields(template, present);
  if (unknown.length === 0) return record;
  if (policy !== 'ignore') throw new IssuerUnknownFieldsError(template, unknown);
  const names = new Set(unknown.map((u) => u.field));
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (!names.has(key)) kept[key] = value;
  return kept;
}
