import { divocConfig, lazyCopy } from '../../tsup.base.mjs';

// src/lib/lazy/<type>.ts (each imported dynamically by validateCredentialAsync) gets its own copy of its generated
// credential validator (see lazyCopy). The copy is of src/generated/ only (pure functions); formats and runtime
// helpers stay shared.
// ajv-formats: only its format table (one file, no imports) is used, so it is compiled in rather than installed with
// the Ajv it depends on.
// The JSON-LD context packages are compiled in too, from their ES module builds (each a few object literals): loaded
// from node_modules, four of them are CommonJS that read their documents from disk, and loading the six took Node
// ~20 ms of `import('@divoc/verifier')` (issue 14).
const CONTEXT_PACKAGES = [
  '@digitalbazaar/credentials-context',
  '@digitalbazaar/data-integrity-context',
  '@digitalbazaar/multikey-context',
  '@digitalbazaar/vc-bitstring-status-list-context',
  'ed25519-signature-2020-context',
  'security-context',
];

export default divocConfig({
  // The generated validators of the synchronous API, and what Node loads in their place (`#static-validators` in
  // package.json `imports`: see src/lib/static-validators.ts), beside index.js.
  entry: {
    index: 'src/index.ts',
    'static-validators': 'src/lib/static-validators.ts',
    'static-validators-node': 'src/lib/static-validators-node.ts',
  },
  external: ['#static-validators'],
  bundle: ['ajv-formats', ...CONTEXT_PACKAGES],
  alias: {
    '@digitalbazaar/data-integrity-context': 'node_modules/@digitalbazaar/data-integrity-context/dist/context.esm.js',
    '@digitalbazaar/multikey-context': 'node_modules/@digitalbazaar/multikey-context/dist/context.esm.js',
    'ed25519-signature-2020-context': 'node_modules/ed25519-signature-2020-context/dist/context.esm.js',
    'security-context': 'node_modules/security-context/dist/module.js',
  },
  plugins: [
    lazyCopy({ from: 'src/lib/lazy/', only: 'src/generated/' }),
    // The DDCC reader (loadDdccReader) with its own copy of src/ddcc/; its error class stays one.
    lazyCopy({ from: 'src/ddcc/lazy-reader.ts', only: 'src/ddcc/', share: ['src/ddcc/mapping-error.ts'] }),
  ],
});
