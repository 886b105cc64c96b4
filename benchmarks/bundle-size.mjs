// Browser bundle sizes of the verifier, as an app's bundler makes them (esbuild: browser, ESM, minified, code
// splitting so dynamic imports become chunks of their own), minified and gzipped, with the largest contributors:
//   text   `verify` + `Trust` from @divoc/verifier: what verifying scanned text (every format) downloads
//   image  the same plus @divoc/verifier/image (QR image reading: image decoders and jsqr)
// A chunk only reached through a dynamic import (the image reader `verify` loads on the first image bytes) is counted
// for `image` only. @divoc/* resolve through examples/verifier-web's node_modules to the packages' dist/, as in an app
// that installed the SDK: run `pnpm build` first. Run alone: node benchmarks/bundle-size.mjs [--json].
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const appDir = join(root, 'examples/verifier-web');

/** Goals of issue 14, KiB gzipped. */
export const BUNDLE_GOALS = { text: 150, image: 220 };

const ENTRIES = {
  text: "export { verify, Trust } from '@divoc/verifier';\n",
  image:
    "export { verify, Trust } from '@divoc/verifier';\n" +
    "export { readQrFromImage, readQrCodesFromImage } from '@divoc/verifier/image';\n",
};

/** Package (or first path segments) a bundled input belongs to, for the contributor list. */
function owner(input) {
  const nm = input.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = input.slice(nm + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const pkg = /packages\/([^/]+)\//.exec(input);
  return pkg ? `@divoc/${pkg[1]}` : input;
}

/**
 * How an app's bundler builds the browser verifier (esbuild: browser, ESM, minified, code splitting), from `code`
 * (an entry module's text) resolved in examples/verifier-web; `extra` adds output options. Shared with
 * bundle-formats.mjs.
 */
export function browserBundleOptions(code, sourcefile, extra) {
  return {
    stdin: { contents: code, resolveDir: appDir, sourcefile, loader: 'js' },
    bundle: true,
    splitting: true,
    platform: 'browser',
    format: 'esm',
    conditions: ['browser'],
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    tsconfigRaw: '{}',
    absWorkingDir: appDir,
    ...extra,
  };
}

async function measure(name) {
  const result = await esbuild.build(
    browserBundleOptions(ENTRIES[name], `${name}-entry.js`, {
      write: false,
      metafile: true,
      outdir: join(appDir, '.bundle-size'),
    }),
  );
  const outputs = result.metafile.outputs;
  const files = new Map(result.outputFiles.map((f) => [f.path, f.contents]));
  const key = (p) => Object.keys(outputs).find((k) => p.endsWith(k)) ?? p;
  // The entry chunk and every chunk it imports statically: what loads before `verify` can run.
  // The app's own entry (named by stdin's sourcefile); chunks reached by import() have entry points of their own.
  const entry = Object.keys(outputs).find((k) => outputs[k].entryPoint === `${name}-entry.js`);
  if (entry === undefined) throw new Error('bundle-size: the entry chunk was not found in the metafile');
  const loaded = new Set();
  const visit = (k) => {
    if (loaded.has(k)) return;
    loaded.add(k);
    for (const i of outputs[k].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  const lazy = Object.keys(outputs).filter((k) => k.endsWith('.js') && !loaded.has(k));
  let minified = 0;
  let gzip = 0;
  const contributors = new Map();
  for (const [path, bytes] of files) {
    const k = key(path);
    if (!loaded.has(k)) continue;
    minified += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
    for (const [input, { bytesInOutput }] of Object.entries(outputs[k].inputs)) {
      contributors.set(owner(input), (contributors.get(owner(input)) ?? 0) + bytesInOutput);
    }
  }
  let lazyMinified = 0;
  for (const [path, bytes] of files) if (lazy.includes(key(path))) lazyMinified += bytes.length;
  const top = [...contributors].sort((a, b) => b[1] - a[1]).slice(0, 8);
  return { name, minified, gzip, lazyMinified, lazyChunks: lazy.length, top, goal: BUNDLE_GOALS[name] };
}

export async function bundleSizeSuite() {
  return [await measure('text'), await measure('image')];
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

export function formatBundleTable(rows) {
  const lines = ['bundle | minified | gzip | goal (gzip) | loaded later (dynamic import) | largest parts (minified)'];
  lines.push('--- | ---: | ---: | --- | ---: | ---');
  for (const r of rows) {
    const goal = `≤ ${r.goal} KiB ${r.gzip / 1024 <= r.goal ? 'met' : 'NOT met'}`;
    const top = r.top.map(([n, b]) => `${n} ${(b / 1024).toFixed(0)}`).join(', ');
    const later = r.lazyChunks > 0 ? `${kib(r.lazyMinified)} in ${r.lazyChunks} chunk(s)` : '-';
    lines.push([r.name, kib(r.minified), kib(r.gzip), goal, later, top].join(' | '));
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await bundleSizeSuite();
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
  else console.log(`Browser bundles (esbuild ${esbuild.version}, minified + gzip -9)\n\n${formatBundleTable(rows)}`);
}
