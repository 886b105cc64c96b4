/**
 * `#static-validators` on Node (package.json `imports`, condition `node-addons`, which Node sets and bundlers do not):
 * static-validators.ts, built beside this file, is loaded synchronously on the first call, so importing the package
 * does not parse the generated validators (see there). Bundlers always get static-validators.ts itself.
 */
import { createRequire } from 'node:module';
import type { StaticValidators } from './static-validators.js';

let loaded: StaticValidators | undefined;

/** The tables, loaded on first use. */
export function staticValidators(): StaticValidators {
  if (loaded === undefined) {
    // The ES module build requires the ES module one (require(esm): Node ≥ 20.19, the package's engines), so it
    // shares the modules already loaded; the CommonJS build requires the CommonJS one.
    const file = import.meta.url.endsWith('.cjs') ? './static-validators.cjs' : './static-validators.js';
    const tables = createRequire(import.meta.url)(file) as { staticValidators(): StaticValidators };
    loaded = tables.staticValidators();
  }
  return loaded;
}
