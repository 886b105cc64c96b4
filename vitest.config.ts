import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import SummaryReporter from './vitest.summary-reporter.js';

// Tests import workspace packages from source, so `vitest run` needs no build step. Each package's `exports`
// subpaths (e.g. `@divoc/verifier/node`) map to `src/<subpath>.ts` or `src/<subpath>/index.ts`.
const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));
const alias: { find: RegExp; replacement: string }[] = [];
for (const name of readdirSync(packagesDir)) {
  const dir = `${packagesDir}${name}`;
  if (!existsSync(`${dir}/src/index.ts`)) continue;
  const manifest = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { exports?: Record<string, unknown> };
  for (const subpath of Object.keys(manifest.exports ?? {})) {
    if (subpath === '.' || subpath === './package.json') continue;
    const sub = subpath.slice(2);
    const file = existsSync(`${dir}/src/${sub}.ts`) ? `${dir}/src/${sub}.ts` : `${dir}/src/${sub}/index.ts`;
    alias.push({ find: new RegExp(`^@divoc/${name}/${sub}$`), replacement: file });
  }
  alias.push({ find: new RegExp(`^@divoc/${name}$`), replacement: `${dir}/src/index.ts` });
}
// @divoc/schemas's private import (package.json `imports`, whose targets are in dist/): its source too.
alias.push({ find: /^#static-validators$/, replacement: `${packagesDir}schemas/src/lib/static-validators.ts` });

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    reporters: ['default', new SummaryReporter()],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
