/**
 * Issue 13: PDF lives in @divoc/pdf only, so the issuer and the worker carry no PDF library. Read the built files
 * (what a user installs), not the sources, and the production dependency graph of the workspace manifests. The
 * control is @divoc/pdf itself: the same check finds pdf-lib there, so a check that finds nothing is not blind.
 * `pnpm test` builds before vitest runs; on its own, run `pnpm build` first.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Module specifiers a built file imports (static `import … from`, bare `import '…'`, `import()`, `require()`,
 * `export … from`).
 */
function importsOf(code: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) specifiers.push(match[1] as string);
  return specifiers;
}

/** Every module specifier imported by the built JavaScript of packages/<name>/dist. */
function builtImports(name: string): Set<string> {
  const dist = join(packagesDir, name, 'dist');
  expect(existsSync(join(dist, 'index.js')), `packages/${name}/dist missing — run pnpm build`).toBe(true);
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(c|m)?js$/.test(entry.name)) for (const s of importsOf(readFileSync(path, 'utf8'))) found.add(s);
    }
  };
  walk(dist);
  return found;
}

const isPdfModule = (specifier: string) =>
  specifier === 'pdf-lib' ||
  specifier.startsWith('pdf-lib/') ||
  specifier.startsWith('@pdf-lib/') ||
  specifier === '@divoc/pdf';

/** Production dependencies of a workspace package, following `@divoc/*` packages through their manifests. */
function productionDependencies(name: string, seen = new Set<string>()): Set<string> {
  const manifest = JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    if (seen.has(dependency)) continue;
    seen.add(dependency);
    if (dependency.startsWith('@divoc/')) productionDependencies(dependency.slice('@divoc/'.length), seen);
  }
  return seen;
}

describe('the issuer and the worker are PDF-free', () => {
  it.each(['issuer', 'worker'])('packages/%s/dist imports neither pdf-lib, @pdf-lib/* nor @divoc/pdf', (name) => {
    const imports = builtImports(name);
    expect(imports.size).toBeGreaterThan(0);
    expect([...imports].filter(isPdfModule)).toEqual([]);
  });

  it.each(['issuer', 'worker'])('@divoc/%s has no PDF package among its production dependencies', (name) => {
    const dependencies = productionDependencies(name);
    expect(dependencies).toContain('@divoc/keys');
    expect([...dependencies].filter(isPdfModule)).toEqual([]);
  });

  it('control: packages/pdf/dist imports pdf-lib and @pdf-lib/fontkit, and its manifest depends on them', () => {
    const imports = builtImports('pdf');
    expect(imports).toContain('pdf-lib');
    expect(imports).toContain('@pdf-lib/fontkit');
    expect([...productionDependencies('pdf')]).toEqual(expect.arrayContaining(['pdf-lib', '@pdf-lib/fontkit']));
    // And the users of PDF depend on it.
    for (const name of ['cli', 'service']) expect(productionDependencies(name), name).toContain('@divoc/pdf');
  });
});
