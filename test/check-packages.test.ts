import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// scripts/check-packages.mjs (publint + attw in `pnpm test`) must fail on the packaging mistakes it exists for, and
// pass a package that has none: a small dual ESM/CJS package, then the same with one mistake each.
const script = fileURLToPath(new URL('../scripts/check-packages.mjs', import.meta.url));

type Exports = Record<string, unknown>;
const goodExports: Exports = {
  '.': {
    import: { types: './dist/index.d.ts', default: './dist/index.js' },
    require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
  },
  './package.json': './package.json',
};

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'divoc-check-packages-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function fixture(name: string, exportsMap: Exports): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  const manifest = {
    name: `fixture-${name}`,
    version: '1.0.0',
    description: 'packaging check fixture',
    license: 'MIT',
    type: 'module',
    exports: exportsMap,
    main: './dist/index.cjs',
    types: './dist/index.d.cts',
    files: ['dist'],
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'dist', 'index.js'), 'export const answer = 42;\n');
  writeFileSync(join(dir, 'dist', 'index.cjs'), "'use strict';\nexports.answer = 42;\n");
  writeFileSync(join(dir, 'dist', 'index.d.ts'), 'export declare const answer: number;\n');
  writeFileSync(join(dir, 'dist', 'index.d.cts'), 'export declare const answer: number;\n');
  return dir;
}

const check = (dir: string) => {
  const run = spawnSync(process.execPath, [script, '--dir', dir], { encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, output: run.stdout + run.stderr };
};

describe('scripts/check-packages.mjs', () => {
  it('passes a dual package whose types match each condition', () => {
    const run = check(fixture('good', goodExports));
    expect(run.output).toMatch(/1 packages, .*no problems/);
    expect(run.status).toBe(0);
  }, 120_000);

  it('fails when require() is given the ESM types (attw: FalseESM)', () => {
    const run = check(
      fixture('false-esm', {
        ...goodExports,
        '.': {
          import: { types: './dist/index.d.ts', default: './dist/index.js' },
          require: { types: './dist/index.d.ts', default: './dist/index.cjs' },
        },
      }),
    );
    expect(run.output).toMatch(/fixture-false-esm: attw FalseESM/);
    expect(run.status).toBe(1);
  }, 120_000);

  it('fails when an export names a file the tarball lacks (publint)', () => {
    const run = check(
      fixture('missing-file', {
        ...goodExports,
        './extra': { import: './dist/extra.js', require: './dist/extra.cjs' },
      }),
    );
    expect(run.output).toMatch(/fixture-missing-file: publint error/);
    expect(run.status).toBe(1);
  }, 120_000);
});
