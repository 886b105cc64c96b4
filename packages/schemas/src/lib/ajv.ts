import type { ErrorObject } from './ajv-types.js';
import type { ValidationIssue } from '../types.js';

export type { ValidateFunction } from './ajv-types.js';
export { isIsoDate, isIsoDateTime } from './formats.js';

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

/** The subschema a `#/a/b` schema path names in `root` (JSON Pointer), or undefined. */
function schemaAt(root: unknown, schemaPath: string): unknown {
  if (!schemaPath.startsWith('#')) return undefined;
  let node = root;
  for (const raw of schemaPath.slice(1).split('/').slice(1)) {
    // A URI fragment: Ajv percent-encodes segments (`properties/%40context`).
    let key: string;
    try {
      key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined;
    }
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * Ajv errors to ValidationIssues: precise paths, readable messages, no duplicates or noise. `schema` is the root the
 * validator was compiled from: the subschema of an error (validators are not verbose) is looked up there.
 */
export function toIssues(
  errors: readonly ErrorObject[] | null | undefined,
  base = '$',
  schema?: unknown,
): ValidationIssue[] {
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
        const s = (e.schema ?? schemaAt(schema, e.schemaPath)) as { const?: unknown; enum?: unknown[] } | undefined;
        if (s && 'const' in s) message = `must include ${describe(s.const)}`;
        else if (s?.enum) message = `must include one of ${describe(s.enum)}`;
        break;
      }
      case 'format':
        message = `must be a valid ${String(params.format)}`;
        break;
      case 'pattern': {
        const parent = e.parentSchema ?? schemaAt(schema, e.schemaPath.slice(0, e.schemaPath.lastIndexOf('/')));
        const desc = (parent as { description?: string } | undefined)?.description;
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
