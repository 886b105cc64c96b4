/**
 * Runs the BUILT executable. This needs `dist/`: the root `pnpm test` builds every package before vitest
 * (`pnpm build && … && vitest run`); when running vitest alone, build first:
 *   pnpm --filter './packages/*' run build   (or: pnpm build)
 * A missing build is a test failure with that instruction, never a silent skip.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url));
const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

function assertBuilt(): void {
  if (!existsSync(BIN)) {
    throw new Error(
      `${BIN} is missing: build first with \`pnpm build\` at the repository root (the root \`pnpm test\` does this)`,
    );
  }
}

function runBin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: PACKAGE_DIR, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('built bin (dist/bin.js)', () => {
  it('starts with a node shebang', async () => {
    assertBuilt();
    expect((await readFile(BIN, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('`node dist/bin.js demo` exits 0 with a full report', async () => {
    assertBuilt();
    const r = await runBin(['demo']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('All genuine credentials verified and all tampered copies were rejected.');
  }, 60_000);

  it('`--version` prints the package version; a usage error exits 2', async () => {
    assertBuilt();
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect((await runBin(['--version'])).stdout.trim()).toBe(pkg.version);
    const bad = await runBin(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command');
  });
});
