import { readFileSync, readdirSync } from 'node:fs';
import { expect } from 'vitest';
import { isStatusError } from '../src/index.js';
import { codeOf as sharedCodeOf } from '../../../test/support/errors.js';
import { ed25519Issuer, type Ed25519Issuer } from '../../../test/support/fixtures.js';

/** `<repo>/../shared/vectors`, resolved from this file so CI clones work too. */
export const VECTORS = new URL('../../../../shared/vectors/', import.meta.url);

export function vectorJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(new URL(path, VECTORS), 'utf8')) as T;
}

export function listVectors(dir: string): string[] {
  return readdirSync(new URL(dir, VECTORS))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `${dir}${f}`);
}

/** An Ed25519 did:key issuer and a trust store that trusts it. */
export type Issuer = Ed25519Issuer;
export const makeIssuer = (): Promise<Issuer> => ed25519Issuer();

export { vaccinationRecord } from '../../../test/support/fixtures.js';

/** The code of the status error `fn` throws (it must be one), or undefined when it returns. */
export const codeOf = (fn: () => unknown): string | undefined =>
  sharedCodeOf(fn, (error) => expect(isStatusError(error), String(error)).toBe(true));
