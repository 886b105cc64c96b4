/**
 * The precompiled validators of the built-in types, for the synchronous `validateCredential` and `buildCredential`.
 * Imported as `#static-validators` (package.json `imports`): bundlers and other runtimes get this module; Node gets
 * static-validators-node.ts, which loads this one on first use. Its ~750 KB of generated code took ~7 ms of every
 * `import('@divoc/verifier')`, which validates through validateCredentialAsync only (issue 14).
 */
import { credentialValidators } from '../generated/index.js';
import { recordValidators } from '../generated/records.js';
import type { ValidateFunction } from './ajv-types.js';

/** The generated tables: built-in type name -> validator of its credential schema, and of its record schema. */
export interface StaticValidators {
  credentialValidators: Readonly<Record<string, ValidateFunction>>;
  recordValidators: Readonly<Record<string, ValidateFunction>>;
}

/** The tables (here: imported statically). */
export function staticValidators(): StaticValidators {
  return { credentialValidators, recordValidators };
}
