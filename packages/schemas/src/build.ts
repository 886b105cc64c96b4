import type { ContextHost, ContextProfile } from './contexts/urls.js';
import { InvalidBuildOptionsError, RecordValidationError } from './errors.js';
import { isIsoDateTime } from './lib/formats.js';
import { toIssues } from './lib/ajv.js';
import { checkDefinition, defaultRegistry } from './registry/registry.js';
import { compileRecordSchema, compileSchema } from './lib/validators.js';
import { CredentialTypeDefinitionError } from './errors.js';
import type {
  BuildOptions,
  Credential,
  CredentialRecord,
  CredentialTypeDefinition,
  ResolvedBuildOptions,
} from './registry/definition.js';
import type { ValidationIssue } from './types.js';
import { runCheck, validateAgainst } from './validate.js';

const MAX_FIELDS = 512;

function resolveOptions(options: BuildOptions): ResolvedBuildOptions {
  const problems: string[] = [];
  if (options === null || typeof options !== 'object')
    throw new InvalidBuildOptionsError('options (with at least `issuer`) are required');
  const { issuer, id, vcVersion = '1.1', contextHost = 'divoc.dev', context = 'sdk' } = options;
  if (typeof issuer !== 'string' || issuer.length > 2048 || !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(issuer))
    problems.push('issuer must be an absolute URI or DID');
  if (id !== undefined && (typeof id !== 'string' || id.length > 2048 || !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(id)))
    problems.push('id must be an absolute URI');
  if (vcVersion !== '1.1' && vcVersion !== '2.0') problems.push("vcVersion must be '1.1' or '2.0'");
  if (contextHost !== 'divoc.dev' && contextHost !== 'cowin.gov.in')
    problems.push("contextHost must be 'divoc.dev' or 'cowin.gov.in'");
  if (context !== 'sdk' && context !== 'divoc-legacy') problems.push("context must be 'sdk' or 'divoc-legacy'");
  const issuanceDate = timestamp(options.issuanceDate ?? new Date(), 'issuanceDate', problems);
  const expirationDate =
    options.expirationDate === undefined ? undefined : timestamp(options.expirationDate, 'expirationDate', problems);
  if (problems.length > 0) throw new InvalidBuildOptionsError(problems.join('; '));
  const resolved: ResolvedBuildOptions = {
    issuer,
    issuanceDate: issuanceDate!,
    vcVersion,
    contextHost: contextHost as ContextHost,
    context: context as ContextProfile,
  };
  if (expirationDate !== undefined) resolved.expirationDate = expirationDate;
  if (id !== undefined) resolved.id = id;
  return resolved;
}

function timestamp(value: unknown, name: string, problems: string[]): string | undefined {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) problems.push(`${name} is an invalid Date`);
    else return value.toISOString();
  } else if (typeof value === 'string' && isIsoDateTime(value)) {
    return new Date(value).toISOString();
  } else {
    problems.push(`${name} must be a Date or an RFC 3339 date-time`);
  }
  return undefined;
}

/**
 * A shallow, clean copy of the record: own enumerable fields only (no `__proto__` tricks), `Date`s as
 * ISO strings, `undefined`/`null` dropped.
 */
function normalizeRecord(record: unknown): { record: CredentialRecord; issues: ValidationIssue[] } {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return { record: {}, issues: [{ path: '$', keyword: 'type', message: 'record must be an object' }] };
  }
  const keys = Object.keys(record);
  if (keys.length > MAX_FIELDS) {
    return {
      record: {},
      issues: [{ path: '$', keyword: 'maxProperties', message: `record has more than ${MAX_FIELDS} fields` }],
    };
  }
  // A plain object (schema validation and user build functions expect one); '__proto__' is never assigned, so it
  // cannot reach the prototype. (A null-prototype object here was a measurable cost: V8 keeps those as dictionaries.)
  const out: CredentialRecord = {};
  for (const key of keys) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const value = (record as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    out[key] = value instanceof Date ? (Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()) : value;
  }
  return { record: out, issues: [] };
}

/**
 * Builds an unsigned credential from a flat registry record. The record is checked first and the
 * credential after; any problem throws `RecordValidationError` listing every bad field. Nothing is
 * returned half-built.
 */
export function buildCredential(
  type: string | CredentialTypeDefinition,
  record: Record<string, unknown>,
  options: BuildOptions,
): Credential {
  const registry = options?.registry ?? defaultRegistry;
  const definition = typeof type === 'string' ? registry.get(type) : checkDefinition(type);
  const resolved = resolveOptions(options);
  try {
    compileSchema(definition.schema);
    if (definition.recordSchema !== undefined) compileRecordSchema(definition.recordSchema);
  } catch (cause) {
    throw new CredentialTypeDefinitionError(
      `credential type "${definition.name}" has an invalid JSON Schema: ${(cause as Error).message}`,
    );
  }

  const { record: clean, issues } = normalizeRecord(record);
  if (issues.length > 0) throw new RecordValidationError(issues, 'record');
  if (definition.recordSchema !== undefined) {
    const validate = compileRecordSchema(definition.recordSchema);
    if (!validate(clean)) issues.push(...toIssues(validate.errors, '$', definition.recordSchema));
  }
  // Cross-field checks only make sense on fields that passed their own schema.
  const bad = new Set(issues.map((i) => i.path));
  issues.push(...runCheck(definition.name, definition.checkRecord, clean).filter((i) => !bad.has(i.path)));
  if (issues.length > 0) throw new RecordValidationError(sortIssues(issues), 'record');

  const credential = definition.build(Object.freeze({ ...clean }), Object.freeze({ ...resolved }));
  const result = validateAgainst(definition, credential, registry);
  if (!result.valid) throw new RecordValidationError(result.issues, 'credential');
  return credential as Credential;
}

function sortIssues(issues: ValidationIssue[]): ValidationIssue[] {
  return [...issues].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
