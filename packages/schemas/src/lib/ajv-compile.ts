import { AjvMissingError } from '../errors.js';
import { AJV_OPTIONS } from './ajv-options.js';
import type { ValidateFunction } from './ajv-types.js';
import { formats } from './formats.js';

/**
 * Ajv's draft 2020-12 class (`import { Ajv2020 } from 'ajv/dist/2020.js'`), as far as it is used here. Written out
 * rather than imported: Ajv is an optional peer dependency, and the published types must not need it.
 */
export type AjvConstructor = new (options: Record<string, unknown>) => {
  /** Registers a string format (`date-time`, `uri`, ...) the schemas name. */
  addFormat(name: string, format: never): unknown;
  /** Compiles a JSON Schema into a validate function. */
  compile(schema: object): ValidateFunction;
};

let ajvClass: AjvConstructor | undefined;

/**
 * Gives the Ajv class that compiles the JSON Schemas of custom credential types. Node finds Ajv by itself, on first
 * use, when it is installed (`npm i ajv`: an optional peer dependency); other runtimes (browsers) registering a custom
 * type call `useAjv(Ajv2020)` first. Built-in types never need it: their validators are precompiled.
 */
export function useAjv(ctor: AjvConstructor): void {
  ajvClass = ctor;
}

type NodeModule = typeof import('node:module');

/**
 * @internal Loads Ajv's 2020-12 class with Node's `require`, resolved from `from` (this module; tests pass another
 * place). Throws AjvMissingError (ERR_AJV_MISSING) when Ajv is not installed or there is no Node loader.
 */
export function requireAjv(from: string | URL = import.meta.url): AjvConstructor {
  // Reached without a static `node:module` import: browser bundles must not see one.
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const nodeModule = proc?.getBuiltinModule?.('node:module') as NodeModule | undefined;
  if (nodeModule === undefined) throw new AjvMissingError();
  try {
    // The CJS build gets `import.meta.url` from tsup's shim (tsup.base.mjs: shims).
    return (nodeModule.createRequire(from)('ajv/dist/2020.js') as { Ajv2020: AjvConstructor }).Ajv2020;
  } catch (error) {
    // Only Ajv itself missing; a broken Ajv install (one of its own files missing) keeps its own error.
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (code === 'MODULE_NOT_FOUND' && String(message).startsWith("Cannot find module 'ajv/dist/2020.js'"))
      throw new AjvMissingError(error);
    throw error;
  }
}

// Only when a custom schema is compiled: Ajv costs ~100 ms of start-up (and 1.5 MB of install) that built-in types
// do not need.
function loadAjv(): AjvConstructor {
  ajvClass ??= requireAjv();
  return ajvClass;
}

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * Compiles a custom type's `schema` at run time (once per schema object, each with its own Ajv so `$id`s never
 * clash), with the options and formats the precompiled validators use.
 */
export function compileAtRunTime(schema: object, strict = false): ValidateFunction {
  const cached = compiled.get(schema);
  if (cached !== undefined) return cached;
  const Ajv = loadAjv();
  const ajv = new Ajv({ ...AJV_OPTIONS, strict });
  for (const [name, def] of Object.entries(formats)) ajv.addFormat(name, def as never);
  const fn = ajv.compile(schema);
  compiled.set(schema, fn);
  return fn;
}
