import type { ToDdccOptions } from '@divoc/schemas';
import type { IssuerRecordIssue } from '../lib/errors.js';

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
