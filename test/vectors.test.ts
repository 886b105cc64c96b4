/**
 * The published test vectors live in the repository (test/vectors/), so the tests run from a plain clone: nothing
 * may reach for a folder beside the repository, and test/vectors/README.md lists exactly the files that are there.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VECTORS_DIR, vectorFiles, vectorJson, vectorPath, vectorText } from './support/vectors.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const toPosix = (path: string) => path.split(sep).join('/');

/** Folders that are build output, dependencies or scratch space, not source. */
const SKIP = new Set(['node_modules', 'dist', 'coverage', '.tmp', '.git']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIP.has(entry.name) || entry.name.startsWith('.readme-') ? [] : filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}

/**
 * The sibling folder `shared` reached by a relative path (but not a module import such as `./x/shared.js`), its
 * `vectors` subfolder by any path, and the `join(root, '..', ...)` spelling. Built from parts so that this file
 * does not match itself.
 */
const SHARED = 'shared';
const OUTSIDE = [
  new RegExp(`\\.\\./${SHARED}(?![\\w.])(?!/\\S*\\.[cm]?[jt]sx?['"])`),
  new RegExp(`${SHARED}/vectors`),
  new RegExp(`'\\.\\.', '${SHARED}'`),
];

/** The first way `text` reaches outside the clone for vectors, if any. */
const outsideReference = (text: string) => OUTSIDE.map((re) => re.exec(text)?.[0]).find(Boolean);

describe('no reference to vectors outside the repository', () => {
  it('control: the check sees each spelling the old code used, and passes ordinary text', () => {
    expect(outsideReference(`new URL('../../../../${'shared'}/vectors/', import.meta.url)`)).toBeDefined();
    expect(outsideReference(`join(root, '..', '${'shared'}', 'vectors')`)).toBeDefined();
    expect(outsideReference(`read from \`${'shared'}/vectors/vdsnc/\``)).toBeDefined();
    expect(outsideReference(`# runs on a clean clone with ../${'shared'} beside it`)).toBeDefined();
    expect(outsideReference("vectorPath('dcc/dgc-testdata/DE/2DCode/raw/1.json'); a shared cache")).toBeUndefined();
    expect(outsideReference(`import { x } from '../${'shared'}.js'; import '../${'shared'}/util.js';`)).toBeUndefined();
  });

  it('packages/, test/, scripts/, benchmarks/, examples/, docs/, .ci/ and the README name none', () => {
    const scanned = [
      ...['packages', 'test', 'scripts', 'benchmarks', 'examples', 'docs', '.ci'].flatMap((dir) =>
        filesUnder(join(ROOT, dir)),
      ),
      join(ROOT, 'README.md'),
      join(ROOT, 'package.json'),
      join(ROOT, 'vitest.config.ts'),
    ].filter((file) => !toPosix(relative(ROOT, file)).startsWith('test/vectors/'));
    expect(scanned.length).toBeGreaterThan(100);
    const offenders = scanned.flatMap((file) => {
      const bytes = readFileSync(file);
      if (bytes.includes(0)) return []; // binary (images, fonts)
      const found = outsideReference(bytes.toString('utf8'));
      return found ? [`${toPosix(relative(ROOT, file))}: ${found}`] : [];
    });
    expect(offenders).toEqual([]);
  });
});

/** The list in test/vectors/README.md, one entry per line of its `text` block under "## Files". */
function manifest(): { files: string[]; globs: { folder: string; suffix: string; count: number }[] } {
  const readme = readFileSync(join(VECTORS_DIR, 'README.md'), 'utf8');
  const block = /## Files\n[\s\S]*?```text\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('test/vectors/README.md has no ```text block under "## Files"');
  const files: string[] = [];
  const globs: { folder: string; suffix: string; count: number }[] = [];
  for (const line of block[1]!.split('\n').filter((l) => l.trim() !== '')) {
    const glob = /^(\S+)\/\*\*\/\*(\.\w+) (\d+)$/.exec(line);
    if (glob) globs.push({ folder: glob[1]!, suffix: glob[2]!, count: Number(glob[3]) });
    else files.push(line);
  }
  return { files, globs };
}

describe('test/vectors/README.md lists exactly the files in test/vectors/', () => {
  const onDisk = filesUnder(VECTORS_DIR)
    .map((file) => toPosix(relative(VECTORS_DIR, file)))
    .filter((file) => file !== 'README.md')
    .sort();
  const { files, globs } = manifest();
  const listed = [
    ...files,
    ...globs.flatMap(({ folder, suffix }) => vectorFiles(folder, suffix, { recursive: true })),
  ].sort();

  it('every listed file exists, and every file there is listed (once)', () => {
    expect(onDisk.length).toBeGreaterThan(500);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(onDisk);
  });

  it('each `folder/**/*.ext n` line matches n files', () => {
    expect(globs.length).toBeGreaterThan(0);
    for (const { folder, suffix, count } of globs) {
      expect(vectorFiles(folder, suffix, { recursive: true }), `${folder}/**/*${suffix}`).toHaveLength(count);
    }
  });

  it('every source folder carries its upstream licence text or notice', () => {
    for (const notice of [
      'dcc/dgc-testdata/LICENSE',
      'dcc/schema-1.3.3/LICENSE',
      'dcc/valuesets/LICENSE',
      'divoc/LICENSE',
      'shc/LICENSE',
      'vdsnc/LICENSE-NOTE.txt',
      'w3c/LICENSE.md',
    ]) {
      expect(files, notice).toContain(notice);
      expect(statSync(vectorPath(notice)).size, notice).toBeGreaterThan(100);
    }
  });
});

describe('test/support/vectors.ts: a missing vector fails, never skips', () => {
  it('control: present vectors read as files, text, JSON and listings', () => {
    expect(statSync(vectorPath('vdsnc/au-csca-root.der.b64')).isFile()).toBe(true);
    expect(vectorText('divoc/keys/divoc-test-rsa.public.pem')).toContain('BEGIN PUBLIC KEY');
    expect(vectorJson('shc/examples/issuer/.well-known/jwks.json')).toHaveProperty('keys');
    expect(vectorFiles('divoc/signed', '.json')).toContain('divoc/signed/rsa2018-divocdev-valid.json');
    expect(vectorFiles('dcc/dgc-testdata', '.json', { recursive: true })).toHaveLength(441);
  });

  it('a missing file or folder, a folder without matching files, or a path leaving test/vectors/ throws', () => {
    expect(() => vectorPath('vdsnc/no-such-seal.json')).toThrow(/missing test vector test\/vectors\/vdsnc\//);
    expect(() => vectorText('divoc/keys/no-such-key.pem')).toThrow(/missing test vector/);
    expect(() => vectorFiles('no-such-source', '.json')).toThrow(/missing test vector/);
    // dgc-testdata has no JSON at its top level (only country folders): without recursion nothing matches.
    expect(() => vectorFiles('dcc/dgc-testdata', '.json')).toThrow(/no \*\.json vectors/);
    expect(() => vectorFiles('divoc/signed', '.png')).toThrow(/no \*\.png vectors/);
    expect(() => vectorPath('../package.json')).toThrow(/must stay under test\/vectors/);
  });
});
