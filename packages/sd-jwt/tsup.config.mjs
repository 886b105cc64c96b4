import { divocConfig, lazyCopy } from '../../tsup.base.mjs';

// The plugin's decoding/verifying and issuing code (src/format/parts/) is loaded on first use, with its own copy of
// what it reaches (see lazyCopy); the error classes stay one. The status list library and its inflater are compiled
// in (a few KB used of the 1.7 MB pako installs).
export default divocConfig({
  entry: ['src/index.ts', 'src/plugin.ts'],
  bundle: ['@sd-jwt/jwt-status-list', 'pako'],
  plugins: [lazyCopy({ from: 'src/format/parts/', share: ['src/lib/errors.ts'] })],
});
