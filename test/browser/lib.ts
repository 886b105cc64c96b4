/**
 * Shared pieces of the browser tests (test/browser, examples/verifier-web): the esbuild guard against Node built-ins
 * and the headless Chromium launch (Debian's /usr/bin/chromium, no background traffic, a fresh profile).
 */
import { builtinModules } from 'node:module';
import type * as esbuild from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';

export const NODE_BUILTINS: ReadonlySet<string> = new Set([
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
]);

/** esbuild plugin: any import of a Node built-in (`node:*`, `crypto`, `zlib`, `fs`, `buffer`, …) fails the build. */
export const noNodeBuiltins: esbuild.Plugin = {
  name: 'no-node-builtins',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) =>
      args.path.startsWith('node:') || NODE_BUILTINS.has(args.path) || NODE_BUILTINS.has(args.path.split('/')[0]!)
        ? { errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer}` }] }
        : undefined,
    );
  },
};

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, no GPU, and nothing Chromium would fetch on its own (component updates, sync, QUIC probes, …). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium on a fresh profile in `userDataDir`, with `extraArgs` (e.g. fake camera flags). */
export function launchChromium(userDataDir: string, extraArgs: readonly string[] = []): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}
