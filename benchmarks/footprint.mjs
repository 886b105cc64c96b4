// Install footprint: what `npm i @divoc/<name>` puts on a user's disk.
// Packs the package and every @divoc package it depends on (transitively) with `pnpm pack`, installs the tarballs
// with npm in a temp project outside the workspace (so no workspace link or hoisted dev dependency can help), and
// prints the size of node_modules, the number of installed packages and the biggest ones.
//
//   node benchmarks/footprint.mjs [name ...] [--json] [--top N] [--limit-mb N] [--keep]
//
// Names default to `verifier`. Needs built dist/ (pnpm build) and the npm registry. With --limit-mb the exit code
// is 1 when a package installs bigger than the limit (issue 14: @divoc/verifier ≤ 10 MB).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, lstatSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const keep = args.includes('--keep'); // leave the temp project in place (its path is printed)
const option = (flag, fallback) => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const top = option('--top', 12);
const limitMb = option('--limit-mb', Infinity);
const names = args.filter((a, i) => !a.startsWith('--') && !['--top', '--limit-mb'].includes(args[i - 1]));
if (names.length === 0) names.push('verifier');

const manifestOf = (name) => JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));

/** `name` and every @divoc package it needs at run time (dependencies, not peers or dev). */
function closure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dep of Object.keys(manifestOf(name).dependencies ?? {}))
    if (dep.startsWith('@divoc/')) closure(dep.slice('@divoc/'.length), seen);
  return seen;
}

/** Apparent size in bytes of a directory tree (symlinks counted as links, not followed). */
function sizeOf(path) {
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const entry of readdirSync(path)) total += sizeOf(join(path, entry));
  return total;
}

/** Every installed package directory under node_modules, nested ones included. */
function installedPackages(nodeModules, found = []) {
  if (!existsSync(nodeModules)) return found;
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const dirs = entry.startsWith('@')
      ? readdirSync(join(nodeModules, entry)).map((sub) => join(nodeModules, entry, sub))
      : [join(nodeModules, entry)];
    for (const dir of dirs) {
      if (!existsSync(join(dir, 'package.json'))) continue;
      found.push(dir);
      installedPackages(join(dir, 'node_modules'), found);
    }
  }
  return found;
}

const mb = (bytes) => Math.round((bytes / 1e6) * 100) / 100;
const results = [];
for (const name of names) {
  const work = mkdtempSync(join(tmpdir(), 'divoc-footprint-'));
  try {
    const tarballs = {};
    for (const pkg of closure(name)) {
      const dir = join(root, 'packages', pkg);
      if (!existsSync(join(dir, 'dist'))) throw new Error(`packages/${pkg}/dist missing: run pnpm build first`);
      const before = new Set(readdirSync(work));
      execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: dir, stdio: 'pipe' });
      const file = readdirSync(work).find((f) => !before.has(f) && f.endsWith('.tgz'));
      tarballs[`@divoc/${pkg}`] = `file:./${file}`;
    }
    const project = join(work, 'app');
    execFileSync('mkdir', [project]);
    // Only the asked-for package is a dependency; overrides point its @divoc dependencies at the local tarballs.
    const overrides = Object.fromEntries(Object.entries(tarballs).map(([k, v]) => [k, v.replace('./', '../')]));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'footprint',
        private: true,
        dependencies: { [`@divoc/${name}`]: overrides[`@divoc/${name}`] },
        overrides,
      }),
    );
    const started = Date.now();
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, stdio: 'pipe' });
    const seconds = (Date.now() - started) / 1000;
    const nodeModules = join(project, 'node_modules');
    const packages = installedPackages(nodeModules);
    const bytes = sizeOf(nodeModules);
    const sizes = packages
      .map((dir) => {
        // A package's own files, without the packages nested under it (they are listed on their own).
        const own = readdirSync(dir)
          .filter((e) => e !== 'node_modules')
          .reduce((sum, e) => sum + sizeOf(join(dir, e)), 0);
        return { name: dir.slice(nodeModules.length + 1).replaceAll('/node_modules/', ' > '), mb: mb(own) };
      })
      .sort((a, b) => b.mb - a.mb);
    const du = execFileSync('du', ['-sh', nodeModules], { encoding: 'utf8' }).split('\t')[0];
    results.push({
      package: `@divoc/${name}`,
      mb: mb(bytes),
      du,
      packages: packages.length,
      installSeconds: seconds,
      biggest: sizes.slice(0, top),
    });
  } finally {
    if (keep) console.error(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

if (json) console.log(JSON.stringify(results, null, 2));
else
  for (const r of results) {
    console.log(
      `npm i ${r.package}: ${r.mb} MB (du -sh ${r.du}), ${r.packages} packages, install ${r.installSeconds}s`,
    );
    for (const b of r.biggest) console.log(`  ${String(b.mb).padStart(7)} MB  ${b.name}`);
  }
const over = results.filter((r) => r.mb > limitMb);
for (const r of over) console.error(`${r.package} installs ${r.mb} MB, over the ${limitMb} MB limit`);
process.exitCode = over.length > 0 ? 1 : 0;
