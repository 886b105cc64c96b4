/**
 * Date parsing rules for registry exports. Registries write dates their own way (`31/12/2021`, `12/31/2021`,
 * Excel serial numbers, epoch milliseconds); a mapping file names the formats a column uses, tried in order.
 * Output is what the credential templates read: `YYYY-MM-DD` for dates, ISO 8601 UTC (`…Z`) for date-times.
 */

/** A date pattern made of YYYY, MM, DD, HH, mm, ss (and separators), or a numeric encoding. */
export type DateFormat = string;

export const NUMERIC_DATE_FORMATS = ['excel', 'epoch-ms', 'epoch-s', 'iso'] as const;

export interface DateRule {
  /** Tried in order; the first that parses wins. Default `['iso']`. */
  formats: readonly DateFormat[];
  /** Zone of date-times written without an offset: `UTC`, `+05:30`, or an IANA name (`Asia/Kolkata`). */
  timeZone: string;
  /** `date` keeps only the calendar date; `datetime` keeps the time (as UTC). */
  kind: 'date' | 'datetime';
}

export type DateParseResult = { ok: true; value: string } | { ok: false; reason: string };

interface CompiledPattern {
  regex: RegExp;
  groups: ('YYYY' | 'MM' | 'DD' | 'HH' | 'mm' | 'ss' | 'SSS')[];
}

const TOKEN = /YYYY|MM|DD|HH|mm|ss|SSS/g;
const patternCache = new Map<string, CompiledPattern>();

/** Throws Error with a plain message for a pattern that is not usable (caught by the mapping loader). */
export function compileDatePattern(pattern: string): CompiledPattern {
  const cached = patternCache.get(pattern);
  if (cached) return cached;
  if (pattern.length === 0 || pattern.length > 64)
    throw new Error(`date format ${JSON.stringify(pattern)} must be 1 to 64 characters`);
  const groups: CompiledPattern['groups'] = [];
  let source = '^';
  let last = 0;
  for (const match of pattern.matchAll(TOKEN)) {
    const literal = pattern.slice(last, match.index);
    if (/[A-Za-z]/.test(literal))
      throw new Error(
        `date format ${JSON.stringify(pattern)}: unknown token in ${JSON.stringify(literal)} ` +
          '(use YYYY MM DD HH mm ss SSS)',
      );
    source += escapeRegex(literal);
    const token = match[0] as CompiledPattern['groups'][number];
    groups.push(token);
    // Day and month may be written without a leading zero (1/7/2021); years always have four digits.
    source += token === 'YYYY' ? '(\\d{4})' : token === 'SSS' ? '(\\d{1,3})' : '(\\d{1,2})';
    last = (match.index ?? 0) + token.length;
  }
  const tail = pattern.slice(last);
  if (/[A-Za-z]/.test(tail))
    throw new Error(
      `date format ${JSON.stringify(pattern)}: unknown token in ${JSON.stringify(tail)} (use YYYY MM DD HH mm ss SSS)`,
    );
  source += `${escapeRegex(tail)}$`;
  for (const needed of ['YYYY', 'MM', 'DD'] as const) {
    if (!groups.includes(needed)) throw new Error(`date format ${JSON.stringify(pattern)} needs ${needed}`);
  }
  if (new Set(groups).size !== groups.length) throw new Error(`date format ${JSON.stringify(pattern)} repeats a token`);
  const compiled = { regex: new RegExp(source), groups };
  patternCache.set(pattern, compiled);
  return compiled;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Checks a time zone: `UTC`, `Z`, `±HH:MM` or an IANA name Intl knows. Throws Error otherwise. */
export function checkTimeZone(zone: string): void {
  if (/^(UTC|Z|[+-]\d{2}:\d{2})$/.test(zone)) {
    if (zone.length === 6 && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4)) > 59))
      throw new Error(`time zone ${zone} is out of range`);
    return;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new Error(
      `unknown time zone ${JSON.stringify(zone)} (use UTC, +05:30, or an IANA name such as Asia/Kolkata)`,
    );
  }
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `zone` from UTC, in minutes, at the UTC instant `utcMs`. */
function offsetMinutes(zone: string, utcMs: number): number {
  if (zone === 'UTC' || zone === 'Z') return 0;
  if (/^[+-]\d{2}:\d{2}$/.test(zone)) {
    const sign = zone[0] === '-' ? -1 : 1;
    return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
  }
  let formatter = zoneFormatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zoneFormatters.set(zone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const p of formatter.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/** UTC instant of a wall-clock time in `zone` (two passes, right across DST changes). */
function wallClockToUtc(
  zone: string,
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): number {
  const naive = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  let utc = naive - offsetMinutes(zone, naive) * 60000;
  utc = naive - offsetMinutes(zone, utc) * 60000;
  return utc;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function isRealDate(y: number, mo: number, d: number): boolean {
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

/** Calendar date of a UTC instant, in `zone`. */
function dateInZone(utcMs: number, zone: string): string {
  const local = new Date(utcMs + offsetMinutes(zone, utcMs) * 60000);
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
}

function fromInstant(utcMs: number, rule: DateRule): DateParseResult {
  if (!Number.isFinite(utcMs) || utcMs < Date.UTC(1800, 0, 1) || utcMs > Date.UTC(2200, 0, 1))
    return { ok: false, reason: 'date out of range (1800-2200)' };
  return { ok: true, value: rule.kind === 'date' ? dateInZone(utcMs, rule.timeZone) : new Date(utcMs).toISOString() };
}

// Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in), as a number with the time as fraction.
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseIso(text: string, rule: DateRule): DateParseResult | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDate(y, mo, d)) return { ok: false, reason: `no such date ${text}` };
  // A date without a time stays a date, whatever the field: inventing midnight in some zone would shift it.
  if (m[4] === undefined) return { ok: true, value: `${m[1]}-${m[2]}-${m[3]}` };
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return { ok: false, reason: `no such time in ${text}` };
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const zone = m[8];
  let utc: number;
  if (zone === undefined) utc = wallClockToUtc(rule.timeZone, y, mo, d, h, mi, s, ms);
  else {
    const off =
      zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
    utc = Date.UTC(y, mo - 1, d, h, mi, s, ms) - off * 60000;
  }
  return fromInstant(utc, rule);
}

/** Parses one cell with the rule's formats, first match wins. Numbers are accepted for numeric formats. */
export function parseDate(value: unknown, rule: DateRule): DateParseResult {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined)
    return { ok: false, reason: `expected a date, found ${value === null ? 'null' : typeof value}` };
  if (text.length > 64) return { ok: false, reason: 'date longer than 64 characters' };
  let firstFailure: string | undefined;
  for (const format of rule.formats) {
    let result: DateParseResult | undefined;
    if (format === 'iso') result = parseIso(text, rule);
    else if (format === 'excel') {
      if (/^\d{1,6}(\.\d+)?$/.test(text)) {
        const serial = Number(text);
        // Serial 60 is Excel's phantom 1900-02-29; anything before 61 is ambiguous, refuse it.
        result =
          serial < 61
            ? { ok: false, reason: `Excel serial ${text} is before 1900-03-01` }
            : fromInstant(EXCEL_EPOCH_MS + Math.round(serial * 86_400_000), rule);
        if (result.ok && Number.isInteger(serial))
          result = { ok: true, value: new Date(EXCEL_EPOCH_MS + serial * 86_400_000).toISOString().slice(0, 10) };
      }
    } else if (format === 'epoch-ms' || format === 'epoch-s') {
      if (/^-?\d{1,16}$/.test(text)) result = fromInstant(Number(text) * (format === 'epoch-s' ? 1000 : 1), rule);
    } else {
      const { regex, groups } = compileDatePattern(format);
      const m = regex.exec(text);
      if (m) {
        const v: Record<string, number> = { HH: 0, mm: 0, ss: 0, SSS: 0 };
        groups.forEach((g, i) => (v[g] = Number(m[i + 1])));
        const [y, mo, d] = [v.YYYY as number, v.MM as number, v.DD as number];
        if (!isRealDate(y, mo, d)) result = { ok: false, reason: `no such date ${text} (read as ${format})` };
        else if ((v.HH as number) > 23 || (v.mm as number) > 59 || (v.ss as number) > 59)
          result = { ok: false, reason: `no such time in ${text}` };
        else if (!groups.includes('HH')) result = { ok: true, value: `${pad(y, 4)}-${pad(mo)}-${pad(d)}` };
        else
          result = fromInstant(
            wallClockToUtc(rule.timeZone, y, mo, d, v.HH as number, v.mm as number, v.ss as number, v.SSS as number),
            rule,
          );
      }
    }
    if (result?.ok) return result;
    if (result && firstFailure === undefined) firstFailure = result.reason;
  }
  return {
    ok: false,
    reason:
      firstFailure ??
      `${JSON.stringify(text.slice(0, 40))} matches none of the date formats ${rule.formats.join(', ')}`,
  };
}

/** Number parsing rule: which characters are the decimal mark and the thousands separator. */
export interface NumberRule {
  decimal: '.' | ',';
  thousands: '' | ',' | '.' | ' ' | "'";
  integer: boolean;
}

export type NumberParseResult = { ok: true; value: number } | { ok: false; reason: string };

export function parseNumber(value: unknown, rule: NumberRule): NumberParseResult {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: 'not a finite number' };
    if (rule.integer && !Number.isSafeInteger(value))
      return { ok: false, reason: `expected a whole number, found ${value}` };
    return { ok: true, value };
  }
  if (typeof value !== 'string')
    return { ok: false, reason: `expected a number, found ${value === null ? 'null' : typeof value}` };
  let text = value.trim();
  if (text.length === 0 || text.length > 32) return { ok: false, reason: 'expected a number' };
  if (rule.thousands !== '') text = text.split(rule.thousands).join('');
  if (rule.decimal === ',') text = text.replace(',', '.');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text))
    return { ok: false, reason: `${JSON.stringify(value.slice(0, 32))} is not a number` };
  const n = Number(text);
  if (rule.integer && !(Number.isSafeInteger(n) && /^[+-]?\d+(\.0*)?$/.test(text)))
    return { ok: false, reason: `expected a whole number, found ${JSON.stringify(value)}` };
  return { ok: true, value: n };
}
