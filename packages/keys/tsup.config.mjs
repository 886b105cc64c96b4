import { divocConfig } from '../../tsup.base.mjs';

// pkcs11js is an optional peer (a native addon), imported on first use. The curves, hashes and inflate code is
// bundled: @divoc/keys uses a few modules of each, while installing them costs ~4 MB.
export default divocConfig({
  entry: ['src/index.ts', 'src/pkcs11/index.ts', 'src/node/index.ts'],
  external: ['pkcs11js'],
  bundle: ['@noble/curves', '@noble/hashes', 'fflate'],
  // fflate's build for Node differs only in running its async functions (unused here) on worker_threads, which it
  // loads at import; the browser build has the same synchronous and streaming code.
  alias: { fflate: 'node_modules/fflate/esm/browser.js' },
});
