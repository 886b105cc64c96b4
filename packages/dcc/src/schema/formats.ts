// The DCC schema's formats, as one object: the precompiled validator (src/generated, see
// scripts/generate-validator.mjs) reads them from here.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// The DCC accepts offsets written `+hh`, `+hhmm` and `+hh:mm` (schema test cases T-rat-dates1..3).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

function calendarDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1]!;
}

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  return m !== null && calendarDay(+m[1]!, +m[2]!, +m[3]!);
}

function isDateTime(s: string): boolean {
  if (s.length > 64) return false;
  const m = DATE_TIME.exec(s);
  return m !== null && calendarDay(+m[1]!, +m[2]!, +m[3]!) && +m[4]! < 24 && +m[5]! < 60 && +m[6]! < 61;
}

/** Format name -> Ajv format definition. */
export const formats: Readonly<Record<string, unknown>> = {
  date: { type: 'string', validate: isDate },
  'date-time': { type: 'string', validate: isDateTime },
};

/** The options the DCC schema is compiled with (strict: the schema is ours to keep clean). */
export const DCC_AJV_OPTIONS = {
  allErrors: true,
  strict: true,
  strictRequired: false,
  strictTypes: false,
  validateFormats: true,
} as const;
