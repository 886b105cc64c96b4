import { readFile } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { divocConfig } from '../../tsup.base.mjs';

const platformStub = fileURLToPath(new URL('./build/jsonld-platform.cjs', import.meta.url));
const insideJsonld = (importer) => importer.includes(`${sep}jsonld${sep}lib${sep}`);

/**
 * jsonld.js is bundled (see build/jsonld-platform.cjs): without its network loader, the code used is ~0.3 MB of the
 * ~3.6 MB jsonld and its dependencies install. rdf-canonize stays a dependency (shared with the fast path); jsonld's
 * CommonJS require() of it goes through an ESM re-export, so the ESM output imports it (a require() of an external
 * module inside an ESM file would throw).
 */
const jsonldOffline = {
  name: 'jsonld-offline',
  setup(build) {
    build.onResolve({ filter: /^\.\/platform(\.js)?$/ }, (args) =>
      insideJsonld(args.importer) ? { path: platformStub } : undefined,
    );
    // jsonld's own require('rdf-canonize') is renamed here (an external dependency is resolved before plugins see
    // its name) and served by the re-export below.
    build.onLoad({ filter: /[\\/]jsonld[\\/]lib[\\/].*\.js$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll(
        "require('rdf-canonize')",
        "require('divoc:rdf-canonize')",
      ),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
    build.onResolve({ filter: /^divoc:rdf-canonize$/ }, () => ({
      path: 'rdf-canonize',
      namespace: 'rdf-canonize-reexport',
    }));
    build.onLoad({ filter: /.*/, namespace: 'rdf-canonize-reexport' }, () => ({
      contents: "export * from 'rdf-canonize';",
      loader: 'js',
      resolveDir: process.cwd(),
    }));
  },
};

export default divocConfig({
  entry: ['src/index.ts'],
  bundle: ['jsonld', 'canonicalize', 'lru-cache', 'yallist'],
  plugins: [jsonldOffline],
});
