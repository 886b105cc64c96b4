// The one build recipe of every package (each packages/*/tsup.config.mjs calls it with its entry points).
// Every entry is emitted twice, so `import` and `require()` both work and each gets its own types:
//   ESM  dist/<entry>.js  + dist/<entry>.d.ts   (the `import` condition)
//   CJS  dist/<entry>.cjs + dist/<entry>.d.cts  (the `require` condition)
// ESM-only dependencies (@digitalbazaar/*, cookie, ...) stay external: the CJS output require()s them, which Node
// serves through require(esm) since 20.19 (hence engines.node ">=20.19").
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { defineConfig } from 'tsup';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Bundled third-party code ships with its licence: dist/licenses/<name>/LICENSE*, beside the code that uses it.
 * @param {string[]} names
 */
function copyLicences(names) {
  const found = [];
  for (const name of names) {
    // A dependency of a bundled package is not in this package's node_modules: pnpm puts it beside its dependent.
    const candidates = [join('node_modules', name), ...found.map((dir) => join(dir, '..', name))];
    const where = candidates.find((dir) => existsSync(join(dir, 'package.json')));
    if (!where) throw new Error(`${name}: bundled, but not found to copy its licence`);
    const dir = realpathSync(where);
    found.push(name.startsWith('@') ? join(dir, '..') : dir);
    const files = readdirSync(dir).filter((f) => /^(licen[cs]e|copying|notice)/i.test(f));
    if (files.length === 0) throw new Error(`${name}: no licence file to ship with its bundled code`);
    const out = join('dist', 'licenses', name);
    mkdirSync(out, { recursive: true });
    for (const file of files) copyFileSync(join(dir, file), join(out, file));
  }
}

/**
 * Code a package loads on first use (`import('./x.js')`) only stays out of an app's first download if no module of it
 * is also reached statically: esbuild (here, then in the app) puts a module reached both ways in a shared chunk that
 * the first page imports whole. So each lazily imported module gets its own copy of the package's modules it reaches
 * (ESM build only: app bundlers take the `import` build; Node's `require` gains nothing from a copy):
 *   from: the lazily imported modules (a file, or a folder for all files in it), relative to the package;
 *   only: copy only modules under this folder (default: every module of the package, and bundled third-party code);
 *   share: modules never copied: those with an identity (error classes, for `instanceof`) or state.
 * @param {{ from: string, only?: string, share?: string[] }} options
 */
export function lazyCopy({ from, only, share = [] }) {
  const root = process.cwd();
  const lazy = join(root, from).replace(/\/$/, '');
  const onlyDir = only === undefined ? undefined : join(root, only);
  const shared = new Set(share.map((file) => join(root, file)));
  const namespace = `lazy-copy:${from}`;
  const copied = (path) => !shared.has(path) && (onlyDir === undefined || path.startsWith(onlyDir));
  return {
    name: `divoc-lazy-copy:${from}`,
    setup(build) {
      if (build.initialOptions.outExtension?.['.js'] === '.cjs') return;
      const fromLazy = (args) =>
        args.namespace === namespace || args.importer === lazy || args.importer.startsWith(`${lazy}/`);
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.lazyCopy || !fromLazy(args)) return undefined;
        const found = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: { lazyCopy: true },
        });
        if (found.errors.length > 0) return undefined;
        // Dependencies stay external; what is not copied is the module everyone else imports.
        if (found.external) return { path: found.path, external: true };
        if (!copied(found.path)) return args.namespace === namespace ? { path: found.path } : undefined;
        // The copy keeps what package.json says of side effects (ours: none), so unused modules still drop out.
        return { path: found.path, namespace, sideEffects: found.sideEffects };
      });
      build.onLoad({ filter: /.*/, namespace }, (args) => ({
        contents: readFileSync(args.path, 'utf8'),
        loader: { '.ts': 'ts', '.json': 'json', '.mjs': 'js', '.cjs': 'js' }[extname(args.path)] ?? 'js',
        resolveDir: dirname(args.path),
      }));
    },
  };
}

/**
 * A bundled third-party module whose top-level code is costly runs on first use instead of at import (fflate builds
 * its Huffman tables at import: ~8 ms of `import('@divoc/verifier')`, issue 14). The exports named in `names` are
 * compiled on their own (tree-shaken, as a plain bundle would take them) into a function run once, on the first call
 * of any of them; each export becomes a function that forwards to the real one (with `new` when called with `new`).
 * Only for functions and classes that are called, never compared by identity (`instanceof`) or read as values.
 * @param {{ module: string, file: string, names: string[] }} options
 *   module: the import specifier to replace; file: the file it stands for (relative to the package); names: the
 *   exports the package uses (a name that is missing fails the build).
 */
export function lazyEvaluation({ module, file, names }) {
  const namespace = `lazy-evaluation:${module}`;
  const path = join(process.cwd(), file);
  return {
    name: `divoc-lazy-evaluation:${module}`,
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${escape(module)}$`) }, () => ({ path: module, namespace }));
      build.onLoad({ filter: /.*/, namespace }, async () => {
        const inner = await build.esbuild.build({
          stdin: {
            contents: `export { ${names.join(', ')} } from ${JSON.stringify(path)};`,
            resolveDir: dirname(path),
          },
          bundle: true,
          write: false,
          format: 'esm',
          platform: build.initialOptions.platform,
          target: build.initialOptions.target,
          legalComments: 'inline',
        });
        const code = inner.outputFiles[0].text;
        // esbuild ends an ES module bundle with its one export statement.
        const end = /\nexport \{([^}]*)\};\s*$/.exec(code);
        if (!end) throw new Error(`${module}: no export statement at the end of its bundle`);
        const exported = end[1]
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => s.split(/\s+as\s+/))
          .map(([local, name = local]) => ({ local, name }));
        const table = exported.map(({ local, name }) => `${name}: ${local}`).join(', ');
        const forwards = exported.map(
          ({ name }) =>
            `export function ${name}(...args) {\n` +
            `  return new.target ? new (load().${name})(...args) : load().${name}(...args);\n}\n`,
        );
        return {
          contents:
            `var loaded;\nfunction load() {\n  return loaded ??= (() => {\n${code.slice(0, end.index)}\n` +
            `return { ${table} };\n})();\n}\n${forwards.join('')}`,
          loader: 'js',
          resolveDir: dirname(path),
        };
      });
    },
  };
}

/**
 * @param {{
 *   entry: string[] | Record<string, string>,
 *   external?: string[],
 *   bundle?: string[],
 *   alias?: Record<string, string>,
 *   plugins?: import('esbuild').Plugin[],
 *   dts?: boolean,
 * }} options
 *   entry: source files (relative to the package), one output each;
 *   external: modules never bundled besides the package's dependencies (tsup already leaves those out);
 *   bundle: third-party packages compiled into dist/ instead of installed (devDependencies of the package, and the
 *     packages they bring): the parts used are a small fraction of what `npm i` would put on disk. Their licences are
 *     copied to dist/licenses/.
 *   alias: module → file (relative to the package) used in its place while bundling;
 *   plugins: esbuild plugins (e.g. to swap a module of bundled code).
 */
export function divocConfig({ entry, external = [], bundle = [], alias = {}, plugins = [], dts = true }) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    // Node 20 runs everything we emit; the CJS output keeps `import()` as is (not require()), so lazy imports stay
    // lazy and can load ESM-only packages.
    target: 'node20',
    platform: 'node',
    dts,
    clean: true,
    // No source maps: the published JS is unminified and readable as it is, and maps (with the sources inlined)
    // would more than double the install (issue 14: npm i @divoc/verifier ≤ 10 MB).
    sourcemap: false,
    // `import.meta.url` in the CJS output becomes the file's own URL (from __filename), so `new URL('./x.js',
    // import.meta.url)` still finds files beside the built module.
    shims: true,
    // Shared chunks in both formats (tsup splits CJS too when asked): one copy of each module per format, so a class
    // is the same class whichever entry point (`.`, `./node`, ...) it is reached through.
    splitting: true,
    external,
    noExternal: bundle.map((name) => new RegExp(`^${escape(name)}(/|$)`)),
    esbuildOptions(options, { format }) {
      // The shim is for the CJS output only; the ESM one (__dirname from node:path and node:url, used by none of our
      // code) would stay in ESM files that bundle CommonJS code and break their browser bundles.
      if (format === 'esm') options.inject = (options.inject ?? []).filter((file) => !/esm_shims/.test(file));
      if (Object.keys(alias).length > 0)
        options.alias = Object.fromEntries(Object.entries(alias).map(([k, v]) => [k, join(process.cwd(), v)]));
    },
    esbuildPlugins: plugins,
    onSuccess: bundle.length > 0 ? async () => copyLicences(bundle) : undefined,
    tsconfig: 'tsconfig.build.json',
  });
}
