// Second build: dist/browser.js, the entry bundlers pick through the `browser` export condition.
// Same source and the same exports as dist/index.js, with no Node built-in imported:
// 1. src/platform/node.ts (node:crypto, node:fs) is swapped for src/platform/node.browser.ts, so Node-only features
//    (key generation, signing with in-memory keys, PEM import, writePrivateKeyFile) throw KeyUnsupportedError and
//    verification runs on WebCrypto;
// 2. safety net: any other import of a Node built-in or native addon (e.g. the PKCS#11 signer's) resolves to a stub
//    that throws when used, never when imported, so a Node-only module can sit in the graph without breaking bundles.
// 3. @noble/curves' NIST curves, used only to sign deterministically with an in-memory key (Node only, refused before
//    the curve is reached), get the same stub: verification checks points with src/key/ec-point.ts, and the curve
//    code would be ~14 KiB gzipped of every browser verifier.
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

const platformDir = fileURLToPath(new URL('./src/platform/', import.meta.url));
const NODE_ONLY = new Set([
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  'pkcs11js',
  '@noble/curves/nist.js',
]);

const browserPlatform = {
  name: 'divoc-browser-platform',
  setup(build) {
    // Imports of src/platform/node.js (`./node.js` inside platform/, `../platform/node.js` elsewhere).
    build.onResolve({ filter: /(^|\/)node\.js$/ }, (args) => {
      const target = fileURLToPath(new URL(args.path, `file://${args.resolveDir}/`));
      return target === `${platformDir}node.js` ? { path: `${platformDir}node.browser.ts` } : undefined;
    });
    build.onResolve({ filter: /^[a-z@:][\w@/:.-]*$/ }, (args) =>
      NODE_ONLY.has(args.path) ? { path: args.path, namespace: 'node-only' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'node-only' }, (args) => ({
      loader: 'js',
      contents: `module.exports = new Proxy({}, { get(_, name) {
        if (name === '__esModule' || typeof name === 'symbol') return undefined;
        throw new Error(${JSON.stringify(`${args.path} is not available in the browser build of @divoc/keys`)});
      } });`,
    }));
  },
};

export default defineConfig({
  entry: { browser: 'src/index.ts' },
  format: ['esm'],
  platform: 'browser',
  dts: false,
  clean: false,
  sourcemap: false,
  tsconfig: 'tsconfig.build.json',
  esbuildPlugins: [browserPlatform],
});
