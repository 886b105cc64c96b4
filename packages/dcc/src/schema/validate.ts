/*!
 * EU DCC JSON schema 1.3.3 (ehn-dcc-development/eu-dcc-schema): Apache License 2.0, see LICENSE-eu-dcc-schema in
 * this package.
 */
import { isJsonObject } from '@divoc/keys';
import { lookupValueSet, type DccValueSetName } from '@divoc/schemas';
import dccSchema from './dcc-schema-1.3.3.json' with { type: 'json' };
// Precompiled from dcc-schema-1.3.3.json at build time (scripts/generate-validator.mjs): no Ajv at run time.
import { validate as validateSchema } from '../generated/dcc-schema.js';

/** The DCC JSON schema (draft 2020-12, combined), version 1.3.3. */
export const DCC_SCHEMA: Readonly<Record<string, unknown>> = dccSchema;
/** The EU DCC JSON schema version payloads are validated against. */
export const DCC_SCHEMA_VERSION = '1.3.3';

/** One problem found by `validateDccPayload`. */
export interface DccValidationIssue {
  /** JSONPath of the offending value (`$.v[0].dn`). */
  path: string;
  message: string;
  /** `schema` for JSON schema violations, `value-set` for codes missing from the EU value sets. */
  kind: 'schema' | 'value-set';
}

/** Options of `validateDccPayload`. */
export interface ValidateDccOptions {
  /** Also check codes against the EU value sets (default true). */
  valueSets?: boolean;
}

interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
}
type SchemaValidator = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

const validator = (): SchemaValidator => validateSchema as unknown as SchemaValidator;

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
