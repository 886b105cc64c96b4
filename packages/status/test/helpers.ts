import { expect } from 'vitest';
import { isStatusError } from '../src/index.js';
import { codeOf as sharedCodeOf } from '../../../test/support/errors.js';
import { ed25519Issuer, type Ed25519Issuer } from '../../../test/support/fixtures.js';
import { vectorFiles } from '../../../test/support/vectors.js';

/** The published vectors in `<repo>/test/vectors/` (see its README); a missing one throws. */
export { VECTORS_URL as VECTORS, vectorJson } from '../../../test/support/vectors.js';

/** The JSON files of a vector folder (relative paths); throws when there is none. */
export function listVectors(dir: string): string[] {
  return vectorFiles(dir, '.json');
}

/** An Ed25519 did:key issuer and a trust store that trusts it. */
export type Issuer = Ed25519Issuer;
export const makeIssuer = (): Promise<Issuer> => ed25519Issuer();

export { vaccinationRecord } from '../../../test/support/fixtures.js';

/** The code of the status error `fn` throws (it must be one), or undefined when it returns. */
export const codeOf = (fn: () => unknown): string | undefined =>
  sharedCodeOf(fn, (error) => expect(isStatusError(error), String(error)).toBe(true));
