import { divocConfig, lazyCopy } from '../../tsup.base.mjs';

// cbor-x is bundled (src/lib/cbor.ts imports its no-eval decoder build: plain JS, no dependency): the decoder is a
// small part of the 2.5 MB it installs (bundles, benchmarks, an optional native string extractor). What the package
// writes goes through src/lib/cbor-writer.ts; cbor-x's encoder (src/lib/cbor-encode.ts) serves the tests only.
// The plugin's decoding/verifying and issuing code (src/format/parts/) is loaded on first use, with its own copy of
// what it reaches (see lazyCopy); the error classes stay one.
export default divocConfig({
  entry: ['src/index.ts', 'src/plugin.ts'],
  bundle: ['cbor-x'],
  plugins: [lazyCopy({ from: 'src/format/parts/', share: ['src/lib/errors.ts'] })],
});
