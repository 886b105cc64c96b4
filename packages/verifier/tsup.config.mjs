import { divocConfig } from '../../tsup.base.mjs';

export default divocConfig({
  entry: ['src/index.ts', 'src/node.ts', 'src/image.ts', 'src/did-web.ts'],
  // The W3C DID v1 and JWS 2020 JSON-LD contexts, which signed DID trust lists name: did-web.ts only.
  bundle: ['did-context', '@transmute/security-context'],
});
