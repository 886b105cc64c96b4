import { divocConfig } from '../../tsup.base.mjs';

export default divocConfig({ entry: ['src/index.ts', 'src/bin.ts', 'src/bulk-keys.ts'] });
