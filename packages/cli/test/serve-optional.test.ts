/**
 * `@divoc/service` (Fastify, pg) is an optional peer dependency of the CLI: `npm i @divoc/cli` does not install it,
 * only `divoc serve` loads it (a dynamic import), and without it `divoc serve` exits 2 with ERR_SERVICE_NOT_INSTALLED
 * and the command to install it. The dist checks need `dist/` (build first: `pnpm build`; see bin.test.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceModule } from '../src/lib/service-module.js';
import { run, withTempDir } from './helpers.js';

const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(PACKAGE_DIR, 'src');
const DIST = join(PACKAGE_DIR, 'dist');
const BIN = join(DIST, 'bin.js');
const MESSAGE = 'divoc serve needs @divoc/service: npm i @divoc/service';

function assertBuilt(): void {
  if (!existsSync(BIN))
    throw new Error(
      `${BIN} is missing: build first with \`pnpm build\` at the repository root (the root \`pnpm test\` does this)`,
    );
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

const SPEC = String.raw`["']@divoc/service(?:/[^"']*)?["']`;
/** `import … from '…'`, `import '…'`, `export … from '…'`, `require('…')`: anything but `import('…')`. */
const STATIC = [
  new RegExp(String.raw`(?:^|[;\s])import\s+(?!type\b)[^;()]*?\bfrom\s*${SPEC}`, 'm'),
  new RegExp(String.raw`(?:^|[;\s])import\s*${SPEC}`, 'm'),
  new RegExp(String.raw`(?:^|[;\s])export\s+(?!type\b)[^;()]*?\bfrom\s*${SPEC}`, 'm'),
  new RegExp(String.raw`\brequire\s*\(\s*${SPEC}\s*\)`),
];
const STATIC_ANY = [
  ...STATIC,
  new RegExp(String.raw`(?:^|[;\s])(?:import|export)\s+type\b[^;()]*?\bfrom\s*${SPEC}`, 'm'),
];
const DYNAMIC = new RegExp(String.raw`\bimport\s*\(\s*${SPEC}\s*\)`, 'g');
/** tsup's CommonJS output writes a lazy `import(x)` as `Promise.resolve().then(() => …require(x))`: still lazy. */
const CJS_LAZY = /Promise\.resolve\(\)\.then\(\(\) => (?:_interopRequireWildcard\()?require\(("[^"]+"|'[^']+')\)\)?\)/g;
/** The file's text with CommonJS lazy loads written as the `import()` they came from. */
function lazyAsImport(text: string): string {
  return text.replace(CJS_LAZY, 'import($1)');
}

describe('@divoc/service is an optional peer dependency, loaded only by divoc serve', () => {
  it('package.json: not a dependency; an optional peer; a workspace dev dependency', async () => {
    const pkg = JSON.parse(await readFile(join(PACKAGE_DIR, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, unknown> | undefined
    >;
    expect(pkg.dependencies?.['@divoc/service']).toBeUndefined();
    expect(pkg.optionalDependencies?.['@divoc/service']).toBeUndefined();
    expect(pkg.peerDependencies?.['@divoc/service']).toMatch(/^workspace:/);
    expect(pkg.peerDependenciesMeta?.['@divoc/service']).toEqual({ optional: true });
    expect(pkg.devDependencies?.['@divoc/service']).toBe('workspace:*');
    // Control: the dependencies the CLI does need are still there.
    expect(pkg.dependencies?.['@divoc/keys']).toBe('workspace:*');
  });

  it('sources: only lib/service-module.ts imports it (dynamically); elsewhere `import type` at most', async () => {
    const dynamic: string[] = [];
    for (const file of (await filesUnder(SRC)).filter((f) => f.endsWith('.ts'))) {
      const text = await readFile(file, 'utf8');
      for (const pattern of STATIC) expect(pattern.test(text), `${file} imports @divoc/service statically`).toBe(false);
      if (DYNAMIC.test(text)) dynamic.push(file.slice(SRC.length + 1));
      DYNAMIC.lastIndex = 0;
    }
    expect(dynamic).toEqual(['lib/service-module.ts']);
  });

  it(
    'dist: no file imports @divoc/service statically (types included); one dynamic import, ' +
      'in the lazily loaded serve chunk',
    async () => {
      assertBuilt();
      const files = (await filesUnder(DIST)).filter((f) => /\.(js|mjs|cjs|d\.ts|d\.mts)$/.test(f));
      expect(files.length).toBeGreaterThan(3);
      const withDynamic: string[] = [];
      for (const file of files) {
        const text = lazyAsImport(await readFile(file, 'utf8'));
        for (const pattern of STATIC_ANY)
          expect(pattern.test(text), `${file} imports @divoc/service statically (${pattern})`).toBe(false);
        if (DYNAMIC.test(text)) withDynamic.push(file.slice(DIST.length + 1));
        DYNAMIC.lastIndex = 0;
      }
      // One serve chunk per module system (ESM .js, CommonJS .cjs). Ordered by extension: the content hashes in the
      // names would otherwise decide the order.
      withDynamic.sort((a, b) => Number(b.endsWith('.cjs')) - Number(a.endsWith('.cjs')));
      expect(withDynamic).toHaveLength(2);
      expect(withDynamic[0]).toMatch(/^serve-[\w-]+\.cjs$/);
      expect(withDynamic[1]).toMatch(/^serve-[\w-]+\.js$/);
      // The serve chunk itself is only ever imported dynamically (divoc serve), never at start-up.
      for (const chunk of withDynamic) {
        const escaped = chunk.replace('.', '\\.');
        const statically = new RegExp(
          String.raw`(?:^|[;\s])(?:import|export)\s[^;()]*?["']\./${escaped}["']|\brequire\(["']\./${escaped}["']\)`,
          'm',
        );
        for (const file of files.filter((f) => /\.c?js$/.test(f))) {
          const text = lazyAsImport(await readFile(file, 'utf8'));
          expect(statically.test(text), `${file} imports ${chunk} statically`).toBe(false);
        }
      }
      // Control: a CommonJS lazy load counts as dynamic, a plain require() as static.
      expect(lazyAsImport(`Promise.resolve().then(() => _interopRequireWildcard(require("@divoc/service")))`)).toBe(
        `import("@divoc/service")`,
      );
      expect(STATIC.some((p) => p.test(lazyAsImport(`var s = require("@divoc/service");`)))).toBe(true);
      // Control: the patterns do see a static import where there is one.
      expect(STATIC[0]!.test(`import { startService } from "@divoc/service";`)).toBe(true);
      expect(STATIC_ANY.some((p) => p.test(`import type { ServiceConfig } from '@divoc/service';`))).toBe(true);
      expect(STATIC.some((p) => p.test(`const m = await import("@divoc/service");`))).toBe(false);
    },
  );
});

describe('divoc serve without @divoc/service', () => {
  const original = serviceModule.importService;
  afterEach(() => {
    serviceModule.importService = original;
  });
  const notInstalled = () =>
    Promise.reject(
      Object.assign(new Error(`Cannot find package '@divoc/service' imported from ${join(DIST, 'serve.js')}`), {
        code: 'ERR_MODULE_NOT_FOUND',
      }),
    );

  it(
    'exits 2 with ERR_SERVICE_NOT_INSTALLED and how to install it; --help still works; ' +
      'other commands never load it',
    async () => {
      await withTempDir(async (dir) => {
        let loads = 0;
        serviceModule.importService = () => {
          loads++;
          return notInstalled();
        };
        const keys = await run(['keys', 'generate', '--type', 'ed25519', '--out', 'k.json'], { cwd: dir });
        expect(keys.code, keys.stderr).toBe(0); // control: no service needed
        expect(loads).toBe(0);
        const help = await run(['serve', '--help'], { cwd: dir });
        expect(help.code).toBe(0);
        expect(help.stdout).toMatch(/npm i @divoc\/service/);
        for (const argv of [
          ['serve', '--dev', '--key', 'k.json', '--port', '0'],
          ['serve', '--config', 'service.json'],
        ]) {
          const r = await run(argv, { cwd: dir });
          expect(r.code, r.stderr).toBe(2);
          expect(r.stderr).toBe(`divoc: ${MESSAGE} (ERR_SERVICE_NOT_INSTALLED)\n`);
          expect(r.stdout).toBe('');
        }
        expect(loads).toBe(2);
        // Usage errors the command line shows by itself come first.
        expect((await run(['serve', '--port', 'x', '--dev'], { cwd: dir })).stderr).toMatch(/--port must be a number/);
      });
    },
  );

  it(
    'the error is a CliError with a stable code; ' + 'a package missing inside the service is not mistaken for it',
    async () => {
      const { ServiceNotInstalledError, isCliError } = await import('../src/index.js');
      const { loadService } = await import('../src/lib/service-module.js');
      serviceModule.importService = notInstalled;
      const error = await loadService().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceNotInstalledError);
      expect(isCliError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_SERVICE_NOT_INSTALLED', exitCode: 2, message: MESSAGE });
      const broken = Object.assign(
        new Error(`Cannot find package 'fastify' imported from /x/node_modules/@divoc/service/dist/index.js`),
        { code: 'ERR_MODULE_NOT_FOUND' },
      );
      serviceModule.importService = () => Promise.reject(broken);
      await expect(loadService()).rejects.toBe(broken);
      // Control: with the service installed (the workspace), the loader returns it.
      serviceModule.importService = original;
      expect(typeof (await loadService()).startService).toBe('function');
    },
  );

  it(
    'the built bin, with @divoc/service unresolvable (a module resolution hook): ' +
      'serve exits 2 with the message, keys generate works',
    async () => {
      assertBuilt();
      await withTempDir(async (dir) => {
        await writeFile(
          join(dir, 'hooks.mjs'),
          `export async function resolve(specifier, context, next) {
  if (specifier === '@divoc/service' || specifier.startsWith('@divoc/service/')) {
    throw Object.assign(new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL), ` +
            `{ code: 'ERR_MODULE_NOT_FOUND' });
  }
  return next(specifier, context);
}
`,
        );
        await writeFile(
          join(dir, 'register.mjs'),
          `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
        );
        const runBin = (args: string[]) =>
          new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
            execFile(
              process.execPath,
              ['--import', join(dir, 'register.mjs'), BIN, ...args],
              { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
              (error, stdout, stderr) => {
                resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
              },
            );
          });
        const keys = await runBin(['keys', 'generate', '--type', 'ed25519', '--out', 'k.json']);
        expect(keys.code, keys.stderr).toBe(0); // control: the CLI runs without the service
        const serve = await runBin(['serve', '--dev', '--key', 'k.json', '--port', '0']);
        expect(serve.code, serve.stderr).toBe(2);
        expect(serve.stderr).toContain(`divoc: ${MESSAGE} (ERR_SERVICE_NOT_INSTALLED)`);
      });
    },
  );
});
