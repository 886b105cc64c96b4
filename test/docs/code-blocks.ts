/**
 * The code blocks of the repository's Markdown, and how each kind is checked (test/docs/readme.test.ts). The rules
 * are written down in docs/architecture.md ("Code blocks in the documentation").
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { copyDocFiles } from './files.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The marker, alone on the line before a fence, that exempts a block from being run (`<!-- fragment: why -->`). */
export const FRAGMENT_MARKER = /^<!--\s*fragment(?::[^>]*)?\s*-->\s*$/;

export type BlockKind = 'program' | 'json' | 'shell' | 'text' | 'unlabelled';

export interface CodeBlock {
  /** Path relative to the repository root. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  fragment: boolean;
  kind: BlockKind;
}

const PROGRAM_LANGS = new Set(['js', 'mjs', 'javascript', 'ts', 'mts', 'typescript']);
const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);
// Output, file layouts, formats shown for reading: not code, nothing to run.
const TEXT_LANGS = new Set(['text', 'txt', 'csv', 'http', 'sql', 'yaml', 'yml', 'dockerfile', 'ini', 'toml']);

function kindOf(lang: string): BlockKind {
  if (PROGRAM_LANGS.has(lang)) return 'program';
  if (lang === 'json' || lang === 'ndjson') return 'json';
  if (SHELL_LANGS.has(lang)) return 'shell';
  if (TEXT_LANGS.has(lang)) return 'text';
  return 'unlabelled';
}

/** Every fenced block of one Markdown text (``` or ~~~ fences, any indentation). */
export function extractBlocks(file: string, markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang] = open as unknown as [string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line);
    }
    if (j === lines.length) throw new Error(`${file}:${i + 1}: unclosed code fence`);
    const previous = lines
      .slice(0, i)
      .reverse()
      .find((l) => l.trim() !== '');
    blocks.push({
      file,
      line: i + 1,
      lang: lang.toLowerCase(),
      code: body.join('\n') + '\n',
      fragment: previous !== undefined && FRAGMENT_MARKER.test(previous.trim()),
      kind: kindOf(lang.toLowerCase()),
    });
    i = j;
  }
  return blocks;
}

/** The Markdown files whose blocks are checked: the READMEs (root, packages, examples) and docs/*.md. */
export async function documentationFiles(): Promise<string[]> {
  const files = ['README.md'];
  for (const dir of ['packages', 'examples']) {
    for (const name of (await readdir(join(ROOT, dir))).sort()) {
      const readme = join(dir, name, 'README.md');
      if (await exists(readme)) files.push(readme);
    }
  }
  for (const name of (await readdir(join(ROOT, 'docs'))).sort()) if (name.endsWith('.md')) files.push(`docs/${name}`);
  return files;
}

async function exists(relative: string): Promise<boolean> {
  return readFile(join(ROOT, relative)).then(
    () => true,
    () => false,
  );
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * A scratch directory inside the repository with `node_modules/@divoc/<name>` linked to every workspace package,
 * so a block's `import '@divoc/…'` resolves through the package's `exports` to its built `dist/`, as it does for
 * a user who installed it.
 */
export async function makeScratch(): Promise<string> {
  const dir = await mkdtemp(join(ROOT, 'test/docs/.readme-'));
  await mkdir(join(dir, 'node_modules/@divoc'), { recursive: true });
  for (const name of await readdir(join(ROOT, 'packages'))) {
    if (!(await exists(join('packages', name, 'package.json')))) continue;
    await symlink(join(ROOT, 'packages', name), join(dir, 'node_modules/@divoc', name), 'dir');
  }
  await writeFile(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  return dir;
}

export async function removeScratch(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Runs one JavaScript or TypeScript block as a module in its own Node process (esbuild strips TypeScript's types
 * and bundles relative imports), in its own directory under `scratch` holding the files examples read
 * (test/docs/files.ts), killed after `timeoutMs`.
 */
export async function runProgram(
  scratch: string,
  block: Pick<CodeBlock, 'code' | 'lang'> & { file?: string },
  timeoutMs: number,
): Promise<RunResult> {
  const ts = ['ts', 'mts', 'typescript'].includes(block.lang);
  // Relative imports (an example's own `./src/index.js`) are bundled from the Markdown file's folder; packages
  // (`@divoc/*`, `node:*`) stay imports, resolved from the scratch directory.
  const built = await build({
    stdin: { contents: block.code, loader: ts ? 'ts' : 'js', resolveDir: join(ROOT, dirname(block.file ?? 'x')) },
    bundle: true,
    // A plugin rather than `packages: 'external'`: the repository's tsconfig paths would map @divoc/* to src/.
    plugins: [
      { name: 'packages-external', setup: (b) => b.onResolve({ filter: /^[^./]/ }, () => ({ external: true })) },
    ],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const js = built.outputFiles[0]!.text;
  const dir = await mkdtemp(join(scratch, 'block-'));
  const file = join(dir, 'block.mjs');
  await writeFile(file, js);
  await copyDocFiles(dir);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file],
      { cwd: dir, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, env: blockEnv() },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, timedOut: Boolean(error?.killed) });
      },
    );
  });
}

// A reader's plain environment: nothing of the test runner's (VITEST, NODE_OPTIONS loaders) leaks into an example.
function blockEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME };
}

/** A `json` block is one JSON value, an `ndjson` block one per line (output shown with elisions is `text`). */
export function checkJson(block: Pick<CodeBlock, 'code' | 'lang'>): void {
  if (block.lang !== 'ndjson') return void JSON.parse(block.code);
  for (const line of block.code.split('\n')) if (line.trim() !== '') JSON.parse(line);
}
