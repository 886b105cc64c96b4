import { isJsonObject } from '@divoc/keys';
import type { ValueSet } from '../valuesets/index.js';
import type { CredentialSummary } from './plugin.js';

/**
 * Readers a format's `summarize` uses on a stranger's payload: each takes anything and returns a short, clean value
 * or undefined, so a summary never throws on odd data and never carries more than a display needs.
 */

/** Short strings only: a summary is for display, and hostile credentials can hold anything. */
const MAX_FIELD = 256;

/** A JSON object as `JSON.parse` returns it. */
export type JsonRecord = Record<string, unknown>;

/** True for a plain JSON object (not an array, not null). */
export const isJsonRecord = (value: unknown): value is JsonRecord => isJsonObject(value);

/** A trimmed, single-spaced string of at most 256 characters (a finite number as its decimal form). */
export function summaryText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const t = value.replace(/\s+/g, ' ').trim();
  return t.length === 0 ? undefined : t.slice(0, MAX_FIELD);
}

/** A small whole number (a dose number), given as a number or as up to three digits. */
export function summaryCount(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,3}$/.test(value.trim())
        ? Number(value)
        : Number.NaN;
  return Number.isInteger(n) && n >= 0 && n < 1000 ? n : undefined;
}

/** `YYYY-MM-DD` as written (a timestamp keeps its own calendar day), or the partial date (`YYYY`, `YYYY-MM`). */
export function summaryDay(value: unknown): string | undefined {
  const s = summaryText(value);
  if (s === undefined) return undefined;
  const m = /^(\d{4}(?:-\d{2}(?:-\d{2})?)?)/.exec(s);
  return m ? m[1] : undefined;
}

/** The object, or the first item of an array when that is an object. */
export function firstRecord(value: unknown): JsonRecord | undefined {
  const item: unknown = Array.isArray(value) ? value[0] : value;
  return isJsonRecord(item) ? item : undefined;
}

/** The strings of a `type` member (one or an array). */
export function typeNames(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((t): t is string => typeof t === 'string');
}

/** A value set's display for a code, else the code itself. */
export function valueSetDisplay(set: ValueSet, code: unknown): string | undefined {
  const c = summaryText(code);
  if (c === undefined) return undefined;
  return Object.hasOwn(set.valueSetValues, c) ? set.valueSetValues[c]!.display : c;
}

/** Drops undefined fields so summaries compare and serialise cleanly. */
export function cleanSummary(summary: CredentialSummary): CredentialSummary {
  return Object.fromEntries(Object.entries(summary).filter(([, v]) => v !== undefined)) as unknown as CredentialSummary;
}
