import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import type { ValidationIssue } from '../types.js';

type AjvClass = Ajv2020;
// ajv-formats is CommonJS (`module.exports = plugin`, plus `.default`): depending on the loader (Node ESM, a
// bundler, vitest) the plugin is the namespace's default, or the default's default. No createRequire: it would pull
// node:module into browser bundles.
const formatsDefault = (ajvFormats as unknown as { default?: unknown }).default as { default?: unknown } | undefined;
const addFormats = (typeof formatsDefault === 'function' ? formatsDefault : formatsDefault?.default) as FormatsPlugin;

export type { ValidateFunction };

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

/** A fresh Ajv (draft 2020-12) with `date`, `date-time`, `uri`... and our `date-or-date-time`. */
export function createAjv(strict: boolean): AjvClass {
  const ajv = new Ajv2020({
    allErrors: true,
    strict,
    strictTypes: false,
    allowUnionTypes: true,
    verbose: true,
    validateFormats: true,
  });
  addFormats(ajv, ['date', 'date-time', 'uri', 'email']);
  ajv.addFormat('date', { type: 'string', validate: isIsoDate });
  ajv.addFormat('date-time', { type: 'string', validate: isIsoDateTime });
  ajv.addFormat('date-or-date-time', { type: 'string', validate: (s: string) => isIsoDate(s) || isIsoDateTime(s) });
  return ajv;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** JSON Pointer (`/evidence/0/batch`) to JSONPath (`$.evidence[0].batch`), with `$['@context']` for odd keys. */
export function pointerToPath(pointer: string, base = '$'): string {
  if (pointer === '') return base;
  let out = base;
  for (const raw of pointer.slice(1).split('/')) {
    out += segment(raw.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  return out;
}

/** One JSONPath step for a property name or an array index. */
export function segment(key: string | number): string {
  if (typeof key === 'number' || /^(0|[1-9][0-9]*)$/.test(key)) return `[${key}]`;
  if (IDENTIFIER.test(key)) return `.${key}`;
  return `[${JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key).replace(/^"|"$/g, "'")}]`;
}

function describe(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

/** Ajv errors to ValidationIssues: precise paths, readable messages, no duplicates or noise. */
export function toIssues(errors: readonly ErrorObject[] | null | undefined, base = '$'): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    // `if` only says "the then-branch failed"; the branch's own errors carry the detail.
    if (e.keyword === 'if') continue;
    let path = pointerToPath(e.instancePath, base);
    let keyword = e.keyword;
    let message = e.message ?? 'is invalid';
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required':
        path += segment(String(params.missingProperty));
        message = 'is required';
        break;
      case 'additionalProperties':
        path += segment(String(params.additionalProperty));
        message = 'is not a defined property here (it would not be covered by the JSON-LD context)';
        break;
      case 'false schema':
        keyword = 'notAllowed';
        message = 'is not allowed here';
        break;
      case 'enum':
        message = `must be one of ${describe(params.allowedValues)}`;
        break;
      case 'const':
        message = `must be ${describe(params.allowedValue)}`;
        break;
      case 'contains': {
        const s = e.schema as { const?: unknown; enum?: unknown[] } | undefined;
        if (s && 'const' in s) message = `must include ${describe(s.const)}`;
        else if (s?.enum) message = `must include one of ${describe(s.enum)}`;
        break;
      }
      case 'format':
        message = `must be a valid ${String(params.format)}`;
        break;
      case 'pattern': {
        const desc = (e.parentSchema as { description?: string } | undefined)?.description;
        message = desc ? `must be ${desc}` : `must match ${String(params.pattern)}`;
        break;
      }
      default:
        break;
    }
    const key = `${path}\u0000${keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path, message, keyword });
  }
  return issues;
}
