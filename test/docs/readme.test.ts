import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '@divoc/cli';
import {
  type CodeBlock,
  ROOT,
  checkJson,
  documentationFiles,
  extractBlocks,
  makeScratch,
  removeScratch,
  runProgram,
} from './code-blocks.js';

// Every code block of the READMEs and docs/*.md is checked by its kind; the rules are in docs/architecture.md
// ("Code blocks in the documentation"). Programs run against the built packages (`pnpm test` builds first).
const BLOCK_TIMEOUT_MS = 60_000;

const files = await documentationFiles();
const blocks: CodeBlock[] = [];
for (const file of files) blocks.push(...extractBlocks(file, await readFile(join(ROOT, file), 'utf8')));
const label = (b: CodeBlock): string => `${b.file}:${b.line} (${b.lang || 'no language'})`;

let scratch: string;
beforeAll(async () => {
  scratch = await makeScratch();
});
afterAll(async () => {
  await removeScratch(scratch);
});

/** The `divoc …` invocations of a shell block, continuation lines joined, as argument lists. */
function divocInvocations(code: string): string[][] {
  const joined = code.replace(/\\\n\s*/g, ' ');
  const calls: string[][] = [];
  for (const raw of joined.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    for (const part of line.split(/&&|\|\||;|\|/)) {
      const words = part.trim().split(/\s+/);
      const at = words.findIndex((w) => w === 'divoc' || w.endsWith('/bin.js'));
      if (at < 0 || (at > 0 && !['npx', 'pnpm', 'node', 'exec'].includes(words[at - 1]!))) continue;
      calls.push(words.slice(at + 1));
    }
  }
  return calls;
}

async function helpOf(words: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const sink = { write: (s: string) => void (text += s) };
  const code = await runCli([...words, '--help'], { stdout: sink, stderr: sink });
  return { code, text };
}

/** Each `divoc` command names a real command and only options that its `--help` lists. */
async function checkShell(block: CodeBlock): Promise<void> {
  for (const args of divocInvocations(block.code)) {
    const words = args.filter((w) => /^[a-z][a-z-]*$/.test(w)).slice(0, 2);
    const leading = args.slice(0, words.length).every((w, i) => w === words[i]) ? words : words.slice(0, 1);
    let help = await helpOf(leading.slice(0, 2));
    if (help.code !== 0 && leading.length === 2) help = await helpOf(leading.slice(0, 1));
    expect(help.code, `divoc ${args.join(' ')}: not a command`).toBe(0);
    for (const arg of args) {
      const flag = /^(--[a-z0-9-]+)/.exec(arg)?.[1];
      if (flag && flag !== '--help' && flag !== '--version') {
        expect(help.text, `divoc ${args.join(' ')}: ${flag} is not in its --help`).toContain(flag);
      }
    }
  }
}

async function checkProgram(block: CodeBlock): Promise<void> {
  const result = await runProgram(scratch, block, BLOCK_TIMEOUT_MS);
  const why = result.timedOut ? `timed out after ${BLOCK_TIMEOUT_MS} ms` : `exit ${result.code}`;
  expect(result.code, `${label(block)} ${why}:\n${result.stderr.slice(-3000)}`).toBe(0);
}

describe('code blocks in the documentation', () => {
  it('runs against built packages (pnpm build)', async () => {
    for (const name of await readdir(join(ROOT, 'packages'))) {
      expect(existsSync(join(ROOT, 'packages', name, 'dist')), `packages/${name}/dist missing: run pnpm build`).toBe(
        true,
      );
    }
  });

  it('finds the blocks of every README and docs page', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/releasing.md');
    expect(blocks.filter((b) => b.kind === 'program' && !b.fragment).length).toBeGreaterThan(10);
  });

  for (const block of blocks) {
    if (block.fragment) continue;
    if (block.kind === 'unlabelled') {
      it(`${label(block)} has a language`, () => {
        expect.fail(`${label(block)}: give the block a language (ts, js, json, sh, text...; see docs/architecture.md)`);
      });
    } else if (block.kind === 'program') {
      it(`${label(block)} runs`, () => checkProgram(block), BLOCK_TIMEOUT_MS + 30_000);
    } else if (block.kind === 'json') {
      it(`${label(block)} is JSON`, () => {
        expect(() => checkJson(block), label(block)).not.toThrow();
      });
    } else if (block.kind === 'shell') {
      it(`${label(block)} uses real divoc commands and options`, () => checkShell(block), 30_000);
    }
  }
});

describe('the checker itself', () => {
  const fixture = [
    '# A page',
    '```js',
    "console.log('fine');",
    '```',
    '<!-- fragment: needs a server -->',
    '```js',
    "throw new Error('never run');",
    '```',
    '```js',
    "throw new Error('broken example');",
    '```',
    '```json',
    '{ "a": 1, }',
    '```',
    '```sh',
    'divoc verify --trust t.json --no-such-flag cert.json',
    '```',
  ].join('\n');
  const [good, fragment, broken, badJson, badShell] = extractBlocks('fixture.md', fixture) as [
    CodeBlock,
    CodeBlock,
    CodeBlock,
    CodeBlock,
    CodeBlock,
  ];

  it('reads languages, lines and the fragment marker', () => {
    expect([good, fragment, broken].map((b) => [b.line, b.kind, b.fragment])).toEqual([
      [2, 'program', false],
      [6, 'program', true],
      [9, 'program', false],
    ]);
  });

  it('passes a working block and fails a broken one', async () => {
    const ok = await runProgram(scratch, good, BLOCK_TIMEOUT_MS);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('fine\n');
    const bad = await runProgram(scratch, broken, BLOCK_TIMEOUT_MS);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('broken example');
  }, 30_000);

  it('stops a block that never ends', async () => {
    const hang = await runProgram(scratch, { lang: 'js', code: 'setInterval(() => {}, 1000);\n' }, 1_000);
    expect(hang.timedOut).toBe(true);
  }, 30_000);

  it('runs TypeScript and resolves @divoc/* to the workspace packages', async () => {
    const code =
      "import { DivocError } from '@divoc/keys';\nconst n: number = 1;\nconsole.log(typeof DivocError, n);\n";
    const ok = await runProgram(scratch, { lang: 'ts', code }, BLOCK_TIMEOUT_MS);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('function 1\n');
  }, 30_000);

  it('rejects invalid JSON and accepts valid JSON', () => {
    expect(() => checkJson(badJson)).toThrow();
    expect(() => checkJson({ lang: 'json', code: '{ "a": 1 }' })).not.toThrow();
    expect(() => checkJson({ lang: 'ndjson', code: '{ "a": 1 }\n{ "b": 2 }\n' })).not.toThrow();
    expect(() => checkJson({ lang: 'ndjson', code: '{ "a": 1 }\n{ "b": \n' })).toThrow();
  });

  it('rejects an option a divoc command does not have, accepts one it has', async () => {
    await expect(checkShell(badShell)).rejects.toThrow(/--no-such-flag/);
    await expect(checkShell({ ...badShell, code: 'divoc verify --trust t.json cert.json\n' })).resolves.toBe(undefined);
  }, 30_000);
});

describe('the root README', () => {
  it(
    '"Using it from code" runs as written and prints a valid result',
    async () => {
      const block = blocks.find((b) => b.file === 'README.md' && b.kind === 'program' && !b.fragment);
      expect(block).toBeDefined();
      const result = await runProgram(scratch, block!, BLOCK_TIMEOUT_MS);
      expect(result.stderr).toBe('');
      expect(result.stdout.startsWith('true ')).toBe(true);
    },
    BLOCK_TIMEOUT_MS,
  );
});

describe('the API reference', () => {
  const packagesDir = join(ROOT, 'packages');

  it('typedoc.json documents every public entry point of every package, and each README links to it', async () => {
    const config = JSON.parse(await readFile(join(ROOT, 'typedoc.json'), 'utf8')) as { entryPoints: string[] };
    for (const name of await readdir(packagesDir)) {
      const manifest = JSON.parse(await readFile(join(packagesDir, name, 'package.json'), 'utf8')) as {
        exports: Record<string, unknown>;
      };
      const readme = await readFile(join(packagesDir, name, 'README.md'), 'utf8');
      for (const subpath of Object.keys(manifest.exports)) {
        if (subpath === './package.json') continue;
        const sub = subpath === '.' ? 'index' : subpath.slice(2);
        const file = existsSync(join(packagesDir, name, 'src', `${sub}.ts`))
          ? `packages/${name}/src/${sub}.ts`
          : `packages/${name}/src/${sub}/index.ts`;
        expect(config.entryPoints, `@divoc/${name}${subpath.slice(1)}`).toContain(file);
        // TypeDoc names each module page after the `@module` tag of its entry file.
        const page = `_divoc_${name}${subpath === '.' ? '' : `_${sub}`}.html`;
        expect(readme, `packages/${name}/README.md links to ${page}`).toContain(`../../docs/api/modules/${page}`);
      }
    }
  });
});
