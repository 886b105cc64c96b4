/**
 * Issue 12, per-input errors: a hostile input (2 MB of nesting) fails in its own result and the next input is still
 * decoded or verified; nothing aborts the run.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIVOC_RSA_PUBLIC, ndjson, run, vectorPath, withTempDir } from './helpers.js';

const GOOD = vectorPath('divoc/signed/rsa2018-divocdev-valid.json');

describe('one bad input never stops the others', () => {
  it(
    'decode and verify: 2 MB of nested arrays and of nested objects each fail alone; ' +
      'the genuine certificate after them goes through',
    async () => {
      await withTempDir(async (dir) => {
        await writeFile(join(dir, 'deep-array.json'), `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`);
        await writeFile(join(dir, 'deep-object.json'), `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`);
        const inputs = ['deep-array.json', 'deep-object.json', GOOD];

        const decoded = await run(['decode', '--json', ...inputs], { cwd: dir });
        const decodedLines = ndjson(decoded.stdout);
        expect(
          decodedLines.map((l) => l.format),
          decoded.stdout + decoded.stderr,
        ).toEqual(['unknown', 'unknown', 'w3c-vc']);
        expect(decoded.code).toBe(1);

        const verified = await run(['verify', '--json', '--trust', DIVOC_RSA_PUBLIC, ...inputs], { cwd: dir });
        const lines = ndjson(verified.stdout);
        expect(
          lines.map((l) => [l.format, l.valid]),
          verified.stdout + verified.stderr,
        ).toEqual([
          ['unknown', false],
          ['unknown', false],
          ['w3c-vc', true],
        ]);
        for (const line of lines.slice(0, 2)) expect((line.checks as { code: string }[])[0]?.code).toMatch(/^ERR_/);
        expect(verified.code).toBe(1);
        // Control: the genuine certificate alone is exit 0.
        expect((await run(['verify', '--trust', DIVOC_RSA_PUBLIC, GOOD], { cwd: dir })).code).toBe(0);
      });
    },
  );
});
