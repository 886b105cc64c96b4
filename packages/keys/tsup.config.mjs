import { divocConfig, lazyEvaluation } from '../../tsup.base.mjs';

/**
 * fflate as this build bundles it: its browser build (fflate's build for Node differs only in running its async
 * functions, unused here, on worker_threads, which it loads at import; the browser build has the same synchronous and
 * streaming code), evaluated on first use: its tables took ~8 ms of every import, while Node needs fflate only for
 * gzip and streamed inflation (the rest runs on node:zlib). The browser build (tsup.browser.config.mjs) keeps fflate
 * as it is: there an app's bundler drops the parts a page does not use, which code evaluated on first use would keep.
 */
const FFLATE = {
  module: 'fflate',
  file: 'node_modules/fflate/esm/browser.js',
  // What src/compress/inflate.ts imports.
  names: ['Gunzip', 'Inflate', 'Unzlib', 'deflateSync', 'gzipSync', 'zlibSync'],
};

// pkcs11js is an optional peer (a native addon), imported on first use. The curves, hashes and inflate code is
// bundled: @divoc/keys uses a few modules of each, while installing them costs ~4 MB.
export default divocConfig({
  entry: ['src/index.ts', 'src/pkcs11/index.ts', 'src/node/index.ts'],
  external: ['pkcs11js'],
  bundle: ['@noble/curves', '@noble/hashes', 'fflate'],
  plugins: [lazyEvaluation(FFLATE)],
});
