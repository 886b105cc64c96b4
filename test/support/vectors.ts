/**
 * The published test vectors, kept in the repository under `test/vectors/` so the tests run from a plain clone.
 * Where each one comes from, its licence and which tests read it: test/vectors/README.md.
 *
 * Every accessor checks that the vector is there: a missing file or an empty folder throws, so no test can pass
 * (or skip) for want of its vector, not even a negative test that expects its input to be refused.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `<repo>/test/vectors/` as a file URL (trailing slash, so `new URL(relative, VECTORS_URL)` stays under it). */
export const VECTORS_URL = new URL('../vectors/', import.meta.url);
/** `<repo>/test/vectors/` as a path, with its trailing separator. */
export const VECTORS_DIR = fileURLToPath(VECTORS_URL);

function checked(relative: string): string {
  if (relative.startsWith('/') || relative.split('/').includes('..')) {
    throw new Error(`vector path must stay under test/vectors/: ${relative}`);
  }
  const path = join(VECTORS_DIR, relative);
  try {
    statSync(path);
  } catch {
    throw new Error(`missing test vector test/vectors/${relative} (see test/vectors/README.md)`);
  }
  return path;
}

/** Absolute path of a vector file or folder (`relative` to test/vectors/); throws when it is missing. */
export function vectorPath(relative: string): string {
  return checked(relative);
}

/** File URL of a vector file or folder; throws when it is missing. */
export function vectorUrl(relative: string): URL {
  const url = new URL(relative, VECTORS_URL);
  checked(relative);
  return url;
}

export function vectorBytes(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(checked(relative)));
}

export function vectorText(relative: string): string {
  return readFileSync(checked(relative), 'utf8');
}

export function vectorJson<T = Record<string, unknown>>(relative: string): T {
  return JSON.parse(vectorText(relative)) as T;
}

/**
 * The files under a vector folder whose names end with `suffix`, as paths relative to test/vectors/, sorted;
 * recursive when asked. Throws when the folder is missing or holds no such file.
 */
export function vectorFiles(folder: string, suffix = '', options: { recursive?: boolean } = {}): string[] {
  const base = folder.endsWith('/') ? folder : `${folder}/`;
  const walk = (rel: string): string[] =>
    readdirSync(checked(`${base}${rel}`), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? options.recursive
          ? walk(`${rel}${entry.name}/`)
          : []
        : entry.name.endsWith(suffix)
          ? [`${base}${rel}${entry.name}`]
          : [],
    );
  const files = walk('').sort();
  if (files.length === 0) throw new Error(`no *${suffix} vectors under test/vectors/${base}`);
  return files;
}
