// One built-in type's credential validator, imported dynamically by loadCompileSchema (the package build gives this
// module its own copy of the generated code: see tsup.config.mjs).
export { validate } from '../../generated/vaccination-v2.js';
