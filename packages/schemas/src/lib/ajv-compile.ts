import type { Ajv2020 } from 'ajv/dist/2020.js';
import { AJV_OPTIONS } from './ajv-options.js';
import type { ValidateFunction } from './ajv-types.js';
import { formats } from './formats.js';

/** Ajv's draft 2020-12 class (`import { Ajv2020 } from 'ajv/dist/2020.js'`). */
export type AjvConstructor = new (options: Record<string, unknown>) => Ajv2020;

let ajvClass: AjvConstructor | undefined;

/**
 * Gives the Ajv class that compiles the JSON Schemas of custom credential types. Node finds Ajv by itself, on first
 * use; other runtimes (browsers) registering a custom type call `useAjv(Ajv2020)` first. Built-in types never need
 * it: their validators are precompiled.
 */
export function useAjv(ctor: AjvConstructor): void {
  ajvClass = ctor;
}

type NodeModule = typeof import('node:module');

// Node's loader, reached without a static `node:module` import (browser bundles must not see one), and only when a
// custom schema is compiled: Ajv costs ~100 ms of start-up that built-in types do not need.
function loadAjv(): AjvConstructor {
  if (ajvClass !== undefined) return ajvClass;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const nodeModule = proc?.getBuiltinModule?.('node:module') as NodeModule | undefined;
  if (nodeModule === undefined) {
    throw new Error(
      'compiling a custom JSON Schema needs Ajv: call useAjv(Ajv2020) from @divoc/schemas first ' +
        "(import { Ajv2020 } from 'ajv/dist/2020.js')",
    );
  }
  // The CJS build gets `import.meta.url` from tsup's shim (tsup.base.mjs: shims).
  const mod = nodeModule.createRequire(import.meta.url)('ajv/dist/2020.js') as { Ajv2020: AjvConstructor };
  ajvClass = mod.Ajv2020;
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
