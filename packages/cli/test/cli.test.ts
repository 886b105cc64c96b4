import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

describe('divoc (top level)', () => {
  it('--help / -h / help list every command, exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      for (const c of ['demo', 'keys generate', 'keys dsc', 'issue', 'verify', 'decode']) expect(r.stdout).toContain(c);
    }
  });

  it("help COMMAND shows that command's help", async () => {
    const r = await run(['help', 'verify']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: divoc verify');
  });

  it('--version / -V print the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect((await run(['--version'])).stdout).toBe(`${pkg.version}\n`);
    expect((await run(['-V'])).stdout).toBe(`${pkg.version}\n`);
  });

  it('no command, unknown command or unknown global option: usage on stderr, exit 2', async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: divoc');
    for (const argv of [['frobnicate'], ['--frobnicate'], ['__proto__'], ['constructor']]) {
      const r = await run(argv);
      expect(r.code, argv[0]).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/unknown (command|option)/);
    }
  });

  it('every command has --help', async () => {
    for (const c of [['demo'], ['keys', 'generate'], ['keys', 'dsc'], ['issue'], ['verify'], ['decode']]) {
      const r = await run([...c, '--help']);
      expect(r.code, c.join(' ')).toBe(0);
      expect(r.stdout).toContain(`Usage: divoc ${c.join(' ')}`);
    }
  });
});
