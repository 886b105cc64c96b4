/*!
 * EU DCC JSON schema 1.3.3 (ehn-dcc-development/eu-dcc-schema): Apache License 2.0, see LICENSE-eu-dcc-schema in
 * this package.
 */
import { isJsonObject } from '@divoc/keys';
// ajv is CommonJS; its named `Ajv2020` export resolves the same in Node ESM, bundlers and vitest (no createRequire,
// which would pull node:module into browser bundles).
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { lookupValueSet, type DccValueSetName } from '@divoc/schemas';
import dccSchema from './dcc-schema-1.3.3.json' with { type: 'json' };

/** The DCC JSON schema (draft 2020-12, combined), version 1.3.3. */
export const DCC_SCHEMA: Readonly<Record<string, unknown>> = dccSchema;
export const DCC_SCHEMA_VERSION = '1.3.3';

export interface DccValidationIssue {
  /** JSONPath of the offending value (`$.v[0].dn`). */
  path: string;
  message: string;
  /** `schema` for JSON schema violations, `value-set` for codes missing from the EU value sets. */
  kind: 'schema' | 'value-set';
}

export interface ValidateDccOptions {
  /** Also check codes against the EU value sets (default true). */
  valueSets?: boolean;
}

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

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    strictTypes: false,
    validateFormats: true,
  });
  ajv.addKeyword({ keyword: 'valueset-uri', schemaType: 'string' });
  ajv.addFormat('date', { type: 'string', validate: isDate });
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  compiled = ajv.compile(dccSchema);
  return compiled;
}

function pointerToPath(pointer: string): string {
  if (pointer === '') return '$';
  return `$${pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((key) =>
      /^\d+$/.test(key) ? `[${key}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`,
    )
    .join('')}`;
}

// Which value set each coded field uses. The RAT device list (`t[].ma`) is left out: the bundled copy is an
// example snapshot and the real list changes weekly.
const CODED_FIELDS: Record<'v' | 't' | 'r', ReadonlyArray<readonly [string, DccValueSetName]>> = {
  v: [
    ['tg', 'diseaseAgentTargeted'],
    ['vp', 'vaccineProphylaxis'],
    ['mp', 'vaccineMedicinalProduct'],
    ['ma', 'vaccineMahManf'],
    ['co', 'countryCodes'],
  ],
  t: [
    ['tg', 'diseaseAgentTargeted'],
    ['tt', 'testType'],
    ['tr', 'testResult'],
    ['co', 'countryCodes'],
  ],
  r: [
    ['tg', 'diseaseAgentTargeted'],
    ['co', 'countryCodes'],
  ],
};

function valueSetIssues(payload: Record<string, unknown>): DccValidationIssue[] {
  const issues: DccValidationIssue[] = [];
  for (const group of ['v', 't', 'r'] as const) {
    const entries = payload[group];
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry: unknown, i) => {
      if (entry === null || typeof entry !== 'object') return;
      for (const [field, set] of CODED_FIELDS[group]) {
        const code = (entry as Record<string, unknown>)[field];
        if (typeof code === 'string' && lookupValueSet(set, code) === undefined) {
          issues.push({
            path: `$.${group}[${i}].${field}`,
            message: `${JSON.stringify(code)} is not in the EU value set ${set}`,
            kind: 'value-set',
          });
        }
      }
    });
  }
  return issues;
}

/**
 * Validate a DCC payload against the DCC JSON schema 1.3.3 and (by default) the EU value sets.
 * Returns every issue found; an empty list means valid.
 */
export function validateDccPayload(payload: unknown, options: ValidateDccOptions = {}): DccValidationIssue[] {
  const validate = validator();
  const issues: DccValidationIssue[] = [];
  if (!validate(payload)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const path = pointerToPath(e.instancePath);
      const message =
        e.keyword === 'oneOf' && e.instancePath === ''
          ? 'must hold exactly one of v, t, r (with ver, nam, dob)'
          : (e.message ?? 'is invalid');
      const key = `${path} ${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      issues.push({ path, message, kind: 'schema' });
    }
  }
  if (options.valueSets !== false && isJsonObject(payload)) {
    issues.push(...valueSetIssues(payload));
  }
  return issues;
}
