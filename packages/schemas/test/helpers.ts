import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';

/** `<repo>/../shared/vectors/` resolved from this file (packages/schemas/test/). */
export const vectorsDir = new URL('../../../../shared/vectors/', import.meta.url);

export function readVector<T = unknown>(relative: string): T {
  return JSON.parse(readFileSync(new URL(relative, vectorsDir), 'utf8')) as T;
}

export function listVectors(relativeDir: string): string[] {
  return readdirSync(new URL(relativeDir, vectorsDir)).map((f) => `${relativeDir}${f}`);
}

interface JsonLd {
  expand(doc: unknown, options: Record<string, unknown>): Promise<unknown[]>;
  canonize(doc: unknown, options: Record<string, unknown>): Promise<string>;
}
/** jsonld.js (root devDependency, untyped CJS). */
export const jsonld = createRequire(import.meta.url)('jsonld') as JsonLd;
