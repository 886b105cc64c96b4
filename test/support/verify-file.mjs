/**
 * Child process for the resource tests (test/attacks/hostile-inputs.test.ts): verifies one file with the built
 * library's `verify()` and default limits, and prints the outcome as JSON.
 */
import { readFileSync } from 'node:fs';

const { verify, Trust } = await import(new URL('../../packages/verifier/dist/index.js', import.meta.url).href);
const result = await verify(new Uint8Array(readFileSync(process.argv[2])), { trust: new Trust() });
const decode = result.checks[0];
console.log(
  JSON.stringify({ valid: result.valid, format: result.format, decode: { ok: decode.ok, code: decode.code } }),
);
