// Build the offline verifier page into dist/: index.html (with its Content-Security-Policy), app.js (esbuild bundle:
// browser, ESM, minified), style.css and sw.js (service worker, cache-first). The build fails when anything in the
// bundle imports a Node built-in. Prints raw and gzip sizes; `--json` prints them as one JSON line instead.
//
// @divoc/* resolve through node_modules to the packages' dist/ (as in an app that installed the SDK), so run
// `pnpm build` at the repository root first.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const out = resolve(here, process.env.VERIFIER_WEB_OUT ?? 'dist');
// Tests only: bundle another entry (to prove the Node built-in guard fails the build).
const entry = process.env.VERIFIER_WEB_ENTRY ?? join(src, 'main.ts');
const json = process.argv.includes('--json');

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * Any import of a Node built-in (`node:*`, `crypto`, `zlib`, `fs/promises`, …) fails the build, naming the importer.
 */
const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) =>
      args.path.startsWith('node:') || NODE_BUILTINS.has(args.path) || NODE_BUILTINS.has(args.path.split('/')[0])
        ? { errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer}` }] }
        : undefined,
    );
  },
};

/**
 * Content-Security-Policy: only this origin. connect-src 'self' serves `?trust=FILE`; media from the camera is a
 * MediaStream (no fetch). No 'unsafe-eval': the JSON Schema validators are precompiled (Ajv standalone) and nothing
 * else in the SDK evaluates code at run time.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

let result;
try {
  result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    conditions: ['browser'],
    target: ['es2022', 'chrome100', 'safari15', 'firefox100'],
    minify: true,
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [noNodeBuiltins],
    // Resolve @divoc/* through node_modules and the packages' exports, as an app would (no tsconfig paths).
    tsconfigRaw: '{}',
    absWorkingDir: here,
  });
} catch (error) {
  const errors = error.errors ?? [error];
  for (const e of errors) {
    const where = e.location ? ` (${e.location.file}:${e.location.line})` : '';
    console.error(`build failed: ${e.text ?? e.message}${where}`);
  }
  if (errors.some((e) => /Could not resolve "@divoc\//.test(e.text ?? '')))
    console.error('@divoc/* packages are bundled from their dist/: run `pnpm build` at the repository root first');
  process.exit(1);
}

const app = result.outputFiles[0].contents;
const css = (await esbuild.transform(readFileSync(join(src, 'style.css'), 'utf8'), { loader: 'css', minify: true }))
  .code;
const html = readFileSync(join(src, 'index.html'), 'utf8').replace('%CSP%', CSP);
const files = { 'index.html': html, 'app.js': app, 'style.css': css };
const version = createHash('sha256');
for (const [name, content] of Object.entries(files)) version.update(name).update(content);
const sw = readFileSync(join(src, 'sw.js'), 'utf8')
  .replace('%VERSION%', version.digest('hex').slice(0, 16))
  .replace('%FILES%', JSON.stringify(['./', ...Object.keys(files).map((f) => `./${f}`)]));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const [name, content] of Object.entries({ ...files, 'sw.js': sw })) writeFileSync(join(out, name), content);

const size = (content) => {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const sizes = Object.fromEntries(Object.entries({ ...files, 'sw.js': sw }).map(([n, c]) => [n, size(c)]));
const total = Object.values(sizes).reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), {
  raw: 0,
  gzip: 0,
});
if (json) {
  console.log(JSON.stringify({ out, sizes, total }));
} else {
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  for (const [name, s] of Object.entries(sizes))
    console.log(`${name.padEnd(11)} ${kib(s.raw).padStart(10)} raw ${kib(s.gzip).padStart(10)} gzip`);
  console.log(`${'total'.padEnd(11)} ${kib(total.raw).padStart(10)} raw ${kib(total.gzip).padStart(10)} gzip`);
}
