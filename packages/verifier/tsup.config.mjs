import { divocConfig } from '../../tsup.base.mjs';

export default divocConfig({ entry: ['src/index.ts', 'src/node.ts', 'src/image.ts', 'src/did-web.ts'] });
