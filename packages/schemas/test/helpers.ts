import { createRequire } from 'node:module';
import { vectorFiles, vectorJson } from '../../../test/support/vectors.js';

/** A published vector from `<repo>/test/vectors/` (see its README), as JSON; a missing one throws. */
export function readVector<T = unknown>(relative: string): T {
  return vectorJson<T>(relative);
}

/** The files of a vector folder (relative paths); throws when it is missing or empty. */
export function listVectors(relativeDir: string): string[] {
  return vectorFiles(relativeDir);
}

interface JsonLd {
  expand(doc: unknown, options: Record<string, unknown>): Promise<unknown[]>;
  canonize(doc: unknown, options: Record<string, unknown>): Promise<string>;
}
/** jsonld.js (root devDependency, untyped CJS). */
export const jsonld = createRequire(import.meta.url)('jsonld') as JsonLd;
