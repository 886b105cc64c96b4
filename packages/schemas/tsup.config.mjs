import { divocConfig, lazyCopy } from '../../tsup.base.mjs';

// src/lib/lazy/<type>.ts (each imported dynamically by validateCredentialAsync) gets its own copy of its generated
// credential validator (see lazyCopy). The copy is of src/generated/ only (pure functions); formats and runtime
// helpers stay shared.
// ajv-formats: only its format table (one file, no imports) is used, so it is compiled in rather than installed with
// the Ajv it depends on.
export default divocConfig({
  entry: ['src/index.ts'],
  bundle: ['ajv-formats'],
  plugins: [
    lazyCopy({ from: 'src/lib/lazy/', only: 'src/generated/' }),
    // The DDCC reader (loadDdccReader) with its own copy of src/ddcc/; its error class stays one.
    lazyCopy({ from: 'src/ddcc/lazy-reader.ts', only: 'src/ddcc/', share: ['src/ddcc/mapping-error.ts'] }),
  ],
});
