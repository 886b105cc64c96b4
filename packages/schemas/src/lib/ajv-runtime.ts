// The Ajv runtime helpers precompiled validators call (see scripts/standalone.mjs), so they need no Ajv at run time.
import { jsonEqual } from './json-equal.js';

/** String length in code points, as JSON Schema's minLength/maxLength count it. */
export function ucs2length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    n++;
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return n;
}

/** Deep equality for `const`, `enum` and `uniqueItems` (JSON values only). */
export const equal = jsonEqual;

/** Only `$async` schemas throw this; ours are synchronous, it is here so a generated module always resolves. */
export class ValidationError extends Error {
  readonly errors: unknown[];
  constructor(errors: unknown[]) {
    super('validation failed');
    this.errors = errors;
  }
}
