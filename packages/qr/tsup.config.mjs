import { divocConfig, lazyCopy } from '../../tsup.base.mjs';

// The PixelPass plugin's decoding/verifying code (src/format/parts/) is loaded on first use, with its own copy of what
// it reaches (see lazyCopy); the error classes stay one.
export default divocConfig({
  entry: ['src/index.ts', 'src/image.ts', 'src/plugin.ts'],
  plugins: [lazyCopy({ from: 'src/format/parts/', share: ['src/lib/errors.ts'] })],
});
