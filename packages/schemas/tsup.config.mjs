import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { divocConfig } from '../../tsup.base.mjs';

/**
 * src/lib/lazy-validators.ts (imported dynamically by validateCredentialAsync) gets its own copy of the generated
 * credential validators: esbuild would otherwise put them in one chunk shared with validateCredential's static import,
 * and an app bundler keeps a chunk that its first page imports whole, so the dynamic import would save nothing. The
 * copy is of src/generated/ only (pure functions); formats and runtime helpers stay shared.
 */
const lazyValidatorCopy = {
  name: 'divoc-lazy-validator-copy',
  setup(build) {
    // ESM only: app bundlers take the `import` build; in the CJS one (Node's require) a copy would only add 0.5 MB.
    // (tsup makes CJS from esbuild's ESM output when splitting, so the output extension tells the two apart.)
    if (build.initialOptions.outExtension?.['.js'] === '.cjs') return;
    const namespace = 'lazy-validator-copy';
    const generatedDir = join(process.cwd(), 'src/generated/');
    const lazyModule = join(process.cwd(), 'src/lib/lazy-validators.ts');
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.importer !== lazyModule && args.namespace !== namespace) return undefined;
      const path = join(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      if (path.startsWith(generatedDir)) return { path, namespace };
      return args.namespace === namespace ? { path } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace }, (args) => ({
      contents: readFileSync(args.path, 'utf8'),
      loader: 'ts',
      resolveDir: dirname(args.path),
    }));
  },
};

// ajv-formats: only its format table (one file, no imports) is used, so it is compiled in rather than installed with
// the Ajv it depends on.
export default divocConfig({ entry: ['src/index.ts'], bundle: ['ajv-formats'], plugins: [lazyValidatorCopy] });
