// The formats every validator uses, as one object: runtime Ajv registers these very definitions and the precompiled
// (standalone) validators read them from here, so a format behaves the same however its schema was compiled.
import { fullFormats } from 'ajv-formats/dist/formats.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:?\d{2})$/;

function validCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1]!;
}

/** `YYYY-MM-DD`, a real calendar day. */
export function isIsoDate(s: string): boolean {
  const m = DATE.exec(s);
  return m !== null && validCalendarDate(+m[1]!, +m[2]!, +m[3]!);
}

/** RFC 3339 date-time with a zone (`Z` or offset), a real calendar day and clock time. */
export function isIsoDateTime(s: string): boolean {
  if (s.length > 64) return false;
  const m = DATE_TIME.exec(s);
  if (m === null || !validCalendarDate(+m[1]!, +m[2]!, +m[3]!)) return false;
  return +m[4]! < 24 && +m[5]! < 60 && +m[6]! < 61;
}

/** Format name -> Ajv format definition. */
export const formats: Readonly<Record<string, unknown>> = {
  uri: fullFormats.uri,
  email: fullFormats.email,
  date: { type: 'string', validate: isIsoDate },
  'date-time': { type: 'string', validate: isIsoDateTime },
  'date-or-date-time': { type: 'string', validate: (s: string) => isIsoDate(s) || isIsoDateTime(s) },
};
