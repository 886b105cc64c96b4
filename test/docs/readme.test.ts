import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The first ```ts block after a heading of the README. */
async function snippetAfter(heading: string): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`## ${heading}`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !block) throw new Error(`no ts block after "## ${heading}"`);
  return block[1]!;
}

describe('the root README', () => {
  it('"Using it from code" runs as written and prints a valid result', async () => {
    const code = await snippetAfter('Using it from code');
    // Inside the repository, so `@divoc/*` resolves to the workspace packages as it would for a user.
    const dir = await mkdtemp(join(ROOT, 'test/docs/.readme-'));
    const logged: unknown[][] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args));
    try {
      await writeFile(join(dir, 'snippet.ts'), code);
      await import(/* @vite-ignore */ join(dir, 'snippet.ts'));
    } finally {
      log.mockRestore();
      await rm(dir, { recursive: true, force: true });
    }
    expect(logged).toHaveLength(1);
    expect(logged[0]![0]).toBe(true);
    expect((logged[0]![1] as { ok: boolean }[]).every((c) => c.ok)).toBe(true);
  });
});
