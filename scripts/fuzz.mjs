#!/usr/bin/env node
/**
 * The long fuzz campaign: the property-based tests (`*.fuzz.test.ts`) with FUZZ_RUNS cases per property instead of
 * the few hundred the normal `pnpm test` uses. `pnpm fuzz` (100,000 cases), `FUZZ_RUNS=1000000 pnpm fuzz`, or
 * `pnpm fuzz packages/dcc` to run one package's. A failure prints fast-check's seed and path; replay it with
 * FUZZ_SEED=<seed>.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.fuzz.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = [...find(join(root, 'packages')), ...find(join(root, 'test'))].filter(
  (f) => filters.length === 0 || filters.some((x) => f.includes(x)),
);
if (files.length === 0) {
  console.error('no *.fuzz.test.ts files match');
  process.exit(1);
}
const runs = process.env.FUZZ_RUNS ?? '100000';
console.log(`fuzz: ${runs} cases per property over ${files.length} files:\n  ${files.join('\n  ')}`);
const started = Date.now();
const result = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs },
});
console.log(`fuzz: done in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(result.status ?? 1);
