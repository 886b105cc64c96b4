/**
 * `divoc issue --format pixelpass` writes `<certificateId>.pixelpass.txt`, the PixelPass QR data of the signed VC
 * (what MOSIP Inji Verify scans), which the published `@mosip/pixelpass` `decode()` turns back into that VC's JSON;
 * `divoc verify` and `divoc decode` read it (and its QR image). A tampered copy fails verification.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, generateKeyFiles, issueArgv, ndjson, run, withTempDir } from './helpers.js';

/** `@mosip/pixelpass` is a dev dependency of @divoc/qr (the tests only): resolved from there. */
const mosip = createRequire(new URL('../../qr/package.json', import.meta.url))('@mosip/pixelpass') as {
  generateQRData(data: string): string;
  decode(data: string): string;
};

type Line = { input: string; format: string; valid: boolean; checks: { name: string; ok: boolean; code?: string }[] };

describe('divoc issue --format pixelpass', () => {
  it('writes <certificateId>.pixelpass.txt that their decode() reads as the VC; verify exits 0 on it', async () => {
    await withTempDir(async (dir) => {
      const key = join(dir, 'issuer.key.json');
      const trust = join(dir, 'issuer.trust.json');
      await generateKeyFiles(key, trust);
      const out = join(dir, 'out');
      const r = await run(
        issueArgv({ key, in: join(FIXTURES, 'records.csv'), out }, '--format', 'vc,pixelpass', '--qr', 'png', '--json'),
      );
      expect(r.code, r.stderr).toBe(1); // the fixture has 3 bad records
      for (const line of ndjson(r.stdout)) expect(line).toBeTypeOf('object');
      const index = ndjson(await readFile(join(out, 'index.ndjson'), 'utf8')) as {
        certificateId: string;
        files: string[];
        formats: string[];
      }[];
      expect(index).toHaveLength(3);
      const texts: string[] = [];
      for (const entry of index) {
        const id = entry.certificateId;
        expect(entry.formats).toEqual(['w3c-vc', 'pixelpass']);
        expect([...entry.files].sort()).toEqual([`${id}.json`, `${id}.pixelpass.png`, `${id}.pixelpass.txt`].sort());
        const text = await readFile(join(out, `${id}.pixelpass.txt`), 'utf8');
        // The file is the QR data exactly (no line end): their decode() reads it as it is, giving the VC's JSON.
        expect(text).toMatch(/^[0-9A-Z $%*+\-./:]+$/);
        const vc = JSON.parse(await readFile(join(out, `${id}.json`), 'utf8')) as Record<string, unknown>;
        expect(mosip.decode(text)).toBe(JSON.stringify(vc));
        texts.push(join(out, `${id}.pixelpass.txt`), join(out, `${id}.pixelpass.png`));

        const decoded = ndjson((await run(['decode', '--json', join(out, `${id}.pixelpass.txt`)])).stdout)[0];
        expect(decoded).toMatchObject({ format: 'pixelpass', payload: vc });
      }
      const v = await run(['verify', '--json', '--trust', trust, ...texts]);
      const lines = ndjson(v.stdout) as unknown as Line[];
      expect(lines.map((l) => [l.format, l.valid])).toEqual(texts.map(() => ['pixelpass', true]));
      expect(v.code, v.stdout).toBe(0);
      // Rerunning skips what exists.
      const again = await run(issueArgv({ key, in: join(FIXTURES, 'records.csv'), out }, '--format', 'pixelpass'));
      expect(again.stdout).toContain('issued 0, skipped 3');
    });
  });

  it('verify exits non-zero on a tampered or truncated copy (control: the genuine file, exit 0)', async () => {
    await withTempDir(async (dir) => {
      const key = join(dir, 'issuer.key.json');
      const trust = join(dir, 'issuer.trust.json');
      await generateKeyFiles(key, trust);
      const out = join(dir, 'out');
      await run(issueArgv({ key, in: join(FIXTURES, 'records.csv'), out }, '--format', 'pixelpass'));
      const name = (await readdir(out)).find((f) => f.endsWith('.pixelpass.txt'))!;
      const genuine = await readFile(join(out, name), 'utf8');
      expect((await run(['verify', '--trust', trust, join(out, name)])).code).toBe(0);

      const vc = JSON.parse(mosip.decode(genuine)) as { credentialSubject: Record<string, unknown> };
      vc.credentialSubject = { ...vc.credentialSubject, name: 'Someone Else' };
      const tampered = join(dir, 'tampered.pixelpass.txt');
      await writeFile(tampered, mosip.generateQRData(JSON.stringify(vc)));
      const t = await run(['verify', '--json', '--trust', trust, tampered]);
      expect(t.code).toBe(1);
      expect(ndjson(t.stdout)[0]).toMatchObject({ format: 'pixelpass', valid: false });

      const truncated = join(dir, 'truncated.pixelpass.txt');
      // Cut by whole Base45 chunks, not at a space: input is trimmed, and a trimmed text of the wrong length is no
      // PixelPass at all (format unknown).
      let cut = genuine.slice(0, -6);
      while (cut.endsWith(' ')) cut = cut.slice(0, -3);
      await writeFile(truncated, cut);
      const c = await run(['verify', '--json', '--trust', trust, truncated]);
      expect(c.code).toBe(1);
      const line = ndjson(c.stdout)[0] as unknown as Line;
      expect(line).toMatchObject({ format: 'pixelpass', valid: false });
      expect(line.checks[0]).toMatchObject({ name: 'decode', ok: false, code: 'ERR_PIXELPASS_MALFORMED' });
    });
  });
});
