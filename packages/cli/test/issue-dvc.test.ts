import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, generateKeyFiles, issueArgv, ndjson, run, withTempDir } from './helpers.js';

type Line = { input: string; format: string; valid: boolean; checks: { name: string; ok: boolean; code?: string }[] };

describe('divoc issue --format dvc (the WHO DVC, signed with the DCC document signer)', () => {
  it('writes one HC1 .dvc.txt per record from --dsc-key/--dsc-cert; each verifies as dvc', async () => {
    await withTempDir(async (dir) => {
      const pki = join(dir, 'pki');
      expect((await run(['keys', 'dsc', '--country', 'IN', '--out', pki])).code).toBe(0);
      const vcKey = join(dir, 'issuer.key.json');
      await generateKeyFiles(vcKey, join(dir, 'issuer.trust.json'));
      const out = join(dir, 'out');
      const argv = issueArgv(
        { key: vcKey, in: join(FIXTURES, 'records.csv'), out },
        '--format',
        'dvc',
        '--dsc-key',
        join(pki, 'dsc.key.pem'),
        '--dsc-cert',
        join(pki, 'dsc.crt.pem'),
      );
      const r = await run(argv);
      expect(r.stdout).toContain('issued 3');
      const files = (await readdir(out)).filter((f) => f.endsWith('.dvc.txt')).map((f) => join(out, f));
      expect(files).toHaveLength(3);
      for (const f of files) expect(await readFile(f, 'utf8')).toMatch(/^HC1:[0-9A-Z $%*+\-./:]+\n$/);
      const v = await run(['verify', '--json', '--trust', join(pki, 'dsc.crt.pem'), ...files]);
      const lines = ndjson(v.stdout) as unknown as Line[];
      expect(lines.map((l) => [l.format, l.valid, l.checks.filter((c) => !c.ok)])).toEqual(
        files.map(() => ['dvc', true, []]),
      );
      // Usage: the DVC needs the document signer (control above: with it, it issues).
      const missing = await run(
        issueArgv({ key: vcKey, in: join(FIXTURES, 'records.csv'), out: join(dir, 'o2') }, '--format', 'dvc'),
      );
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('--dsc-key');
    });
  });
});
