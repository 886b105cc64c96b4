import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Every published package must pack to built code, types, README and licence: nothing else, nothing missing.
// `pnpm test` builds before vitest runs, so dist/ is present here.
const root = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir).filter((name) => existsSync(join(packagesDir, name, 'package.json')));

let outDir: string;
beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'divoc-pack-'));
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('pnpm pack', () => {
  it.each(packages)('%s packs built code, types, README and LICENSE', (name) => {
    const dir = join(packagesDir, name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      exports: Record<string, { types?: string; import?: string } | string>;
      bin?: Record<string, string>;
    };
    expect(existsSync(join(dir, 'dist', 'index.js')), `${name}: dist/ missing — run pnpm build`).toBe(true);
    execFileSync('pnpm', ['pack', '--pack-destination', outDir], { cwd: dir, stdio: 'pipe' });
    const tarball = readdirSync(outDir).find((f) => f.startsWith(`divoc-${name}-`) && f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const files = execFileSync('tar', ['-tzf', join(outDir, tarball!)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files).toContain('LICENSE');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    for (const target of Object.values(manifest.exports)) {
      if (typeof target === 'string') continue;
      for (const file of [target.types, target.import]) if (file) expect(files).toContain(file.replace(/^\.\//, ''));
    }
    for (const bin of Object.values(manifest.bin ?? {})) expect(files).toContain(bin.replace(/^\.\//, ''));
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    // workspace:* ranges are rewritten to real versions on pack.
    const packed = execFileSync('tar', ['-xzOf', join(outDir, tarball!), 'package/package.json'], { encoding: 'utf8' });
    expect(packed).not.toContain('workspace:');
  });
});
