import { divocConfig } from '../../tsup.base.mjs';

export default divocConfig({ entry: ['src/index.ts', 'src/issue-thread.ts'] });
