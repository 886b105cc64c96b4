import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run, withTempDir } from './helpers.js';

// Issue 14: `divoc serve` with its database down exited 1 with an "unexpected error". Now: one line naming the
// cause, ERR_STORAGE_UNAVAILABLE, exit 3 (documented: retry later), no stack trace.
describe('divoc serve with the database down', () => {
  it('exits 3 with a clear message and no stack; the same config with memory storage starts', async () => {
    await withTempDir(async (dir) => {
      expect((await run(['keys', 'generate', '--type', 'ed25519', '--out', join(dir, 'vc.key.json')])).code).toBe(0);
      const config = (storage: object) =>
        JSON.stringify({
          listen: { host: '127.0.0.1', port: 0 },
          keys: { vc: 'vc.key.json' },
          auth: { mode: 'none' },
          storage,
          log: false,
        });
      // Port 1 on loopback: nothing listens there, so the connection is refused at once.
      const down = { kind: 'postgres', connectionString: 'postgres://divoc:secret@127.0.0.1:1/divoc' };
      await writeFile(join(dir, 'down.json'), config(down));
      const r = await run(['serve', '--config', 'down.json'], { cwd: dir, env: { DIVOC_DEBUG: '' } });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^divoc: storage is unavailable: .*ECONNREFUSED.*\(ERR_STORAGE_UNAVAILABLE\)\n$/);
      expect(r.stderr).not.toContain('unexpected error');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).not.toContain('secret');

      // Control: memory storage starts and stops on the signal (exit 0).
      await writeFile(join(dir, 'memory.json'), config({ kind: 'memory' }));
      const { runServe } = await import('../src/commands/serve.js');
      let stderr = '';
      const controller = new AbortController();
      const exit = runServe(
        ['--config', 'memory.json'],
        {
          stdout: { write: () => true },
          stderr: { write: (s: string) => (stderr += s) },
          stdin: Readable.from([]),
          cwd: dir,
          env: {},
        },
        { signal: controller.signal },
      );
      const until = Date.now() + 20_000;
      while (!stderr.includes('listening on') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(stderr).toContain('listening on http://127.0.0.1:');
      controller.abort();
      expect(await exit).toBe(0);
    });
  });
});
