import { isJsonObject } from '@divoc/keys';
import { bundleMap } from './contexts/bundled.js';
import { defaultRegistry } from './registry/registry.js';
import { compileSchema, loadCompileSchema } from './lib/validators.js';
import type { CredentialTypeDefinition, CredentialTypeLookup } from './registry/definition.js';
import { toIssues } from './lib/ajv.js';
import type { ValidateFunction } from './lib/ajv-types.js';
import type { ValidationIssue, ValidationResult } from './types.js';

/** Options of `validateCredential`. */
export interface ValidateOptions {
  /** Where to find the credential's type. Default `defaultRegistry`. */
  registry?: CredentialTypeLookup;
}

/** Runs a definition's own checks; a throwing check is reported, never propagated. */
export function runCheck(
  name: string,
  fn: ((value: never) => ValidationIssue[]) | undefined,
  value: unknown,
): ValidationIssue[] {
  if (fn === undefined) return [];
  try {
    const out = (fn as (v: unknown) => unknown)(value);
    return Array.isArray(out) ? (out as ValidationIssue[]) : [];
  } catch (cause) {
    return [
      { path: '$', keyword: 'check', message: `${name} check failed: ${(cause as Error)?.message ?? String(cause)}` },
    ];
  }
}

function ownsContext(definition: CredentialTypeDefinition, url: string): boolean {
  const contexts = definition.contexts;
  return contexts !== null && typeof contexts === 'object' && Object.hasOwn(contexts, url);
}

/** Validates `credential` against a given definition (schema, known contexts, cross-field checks). */
export function validateAgainst(
  definition: CredentialTypeDefinition,
  credential: unknown,
  registry: CredentialTypeLookup,
): ValidationResult {
  return validateWith(compileSchema, definition, credential, registry);
}

/** Schema object -> its validator: the static table's (`compileSchema`) or the lazily loaded one's. */
type Compile = (schema: object) => ValidateFunction;

// `compile` is a parameter, not a default, so a bundle that only uses validateCredentialAsync holds no reference to
// the statically imported validators and drops them.
function validateWith(
  compile: Compile,
  definition: CredentialTypeDefinition,
  credential: unknown,
  registry: CredentialTypeLookup,
): ValidationResult {
  const validate = compile(definition.schema);
  const ok = validate(credential);
  const issues = ok ? [] : toIssues(validate.errors, '$', definition.schema);
  if (isJsonObject(credential) && Array.isArray(credential['@context'])) {
    // Every context must be one the static loader can serve, or signing/verifying will fail later.
    const bundle = bundleMap();
    credential['@context'].forEach((url, i) => {
      if (
        typeof url === 'string' &&
        !bundle.has(url) &&
        registry.contextDocument(url) === undefined &&
        !ownsContext(definition, url)
      ) {
        issues.push({
          path: `$['@context'][${i}]`,
          keyword: 'knownContext',
          message:
            `${JSON.stringify(url.length > 200 ? `${url.slice(0, 200)}…` : url)} is not a context the ` +
            `document loader holds`,
        });
      }
    });
  }
  if (ok) issues.push(...runCheck(definition.name, definition.check, credential));
  return { valid: issues.length === 0, issues };
}

/**
 * Checks a credential against the schema of its type (picked from `type`, and from `@context` when two
 * types share a name). Reports every problem with its JSONPath; never throws for bad input.
 */
export function validateCredential(credential: unknown, options: ValidateOptions = {}): ValidationResult {
  return resolveAndValidate(compileSchema, credential, options);
}

/**
 * `validateCredential`, with the precompiled validators of the built-in types loaded on first use (a dynamic import):
 * same checks and issues. A browser app that validates only this way downloads them when it first validates a
 * credential, not with its first page.
 */
export async function validateCredentialAsync(
  credential: unknown,
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const resolved = resolveDefinition(credential, options);
  if ('valid' in resolved) return resolved;
  const compile = await loadCompileSchema(resolved.definition.name);
  return validateWith(compile, resolved.definition, credential, resolved.registry);
}

function resolveAndValidate(compile: Compile, credential: unknown, options: ValidateOptions): ValidationResult {
  const resolved = resolveDefinition(credential, options);
  if ('valid' in resolved) return resolved;
  return validateWith(compile, resolved.definition, credential, resolved.registry);
}

/** The credential's registered type, or the result that says why there is none. */
function resolveDefinition(
  credential: unknown,
  options: ValidateOptions,
): ValidationResult | { definition: CredentialTypeDefinition; registry: CredentialTypeLookup } {
  const registry = options.registry ?? defaultRegistry;
  if (!isJsonObject(credential)) {
    return { valid: false, issues: [{ path: '$', keyword: 'type', message: 'must be a JSON object' }] };
  }
  let definition: CredentialTypeDefinition | undefined;
  try {
    definition = registry.resolve(credential);
  } catch {
    definition = undefined;
  }
  if (definition === undefined) {
    const known = registry.list().map((d) => d.credentialType);
    const message = !Object.hasOwn(credential, 'type')
      ? 'is required'
      : `names no registered credential type (known: ${[...new Set(known)].join(', ')})`;
    return {
      valid: false,
      issues: [{ path: '$.type', keyword: Object.hasOwn(credential, 'type') ? 'credentialType' : 'required', message }],
    };
  }
  return { definition, registry };
}
