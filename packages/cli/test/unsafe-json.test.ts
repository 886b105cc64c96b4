import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIVOC_RSA_PUBLIC, ndjson, run, vectorPath, withTempDir } from './helpers.js';

// `divoc verify` / `divoc decode` read credentials strictly, and `--trust` / `--status` files too: a member named
// twice (JSON.parse keeps the last) or named `__proto__` / `constructor` / `prototype` is refused with its JSON code.
// Each case has a control: the untampered file still verifies.

type Check = { name: string; ok: boolean; code?: string };
const CERT = vectorPath('divoc/signed/rsa2018-cowinctx-valid.json');
const NAME = '"name": "Bhaya Mitra"';

describe('divoc verify / decode: duplicate and forbidden JSON members', () => {
  it(
    'a W3C VC file: control verifies; ' + 'a duplicated "name" or a "__proto__" member fails decode with its code',
    async () => {
      const text = await readFile(CERT, 'utf8');
      expect(text).toContain(NAME);
      await withTempDir(async (dir) => {
        await writeFile(join(dir, 'good.json'), text);
        await writeFile(join(dir, 'dup.json'), text.replace(NAME, `"name": "Evil", ${NAME}`));
        await writeFile(
          join(dir, 'proto.json'),
          text.replace('"credentialSubject": {', '"credentialSubject": {"__proto__": {"name": "Evil"}, '),
        );
        const r = await run(['verify', '--json', '--trust', DIVOC_RSA_PUBLIC, 'good.json', 'dup.json', 'proto.json'], {
          cwd: dir,
        });
        const out = ndjson(r.stdout) as { valid: boolean; checks: Check[] }[];
        expect(
          out.map((l) => l.valid),
          r.stdout + r.stderr,
        ).toEqual([true, false, false]);
        expect(out[1]?.checks[0]).toMatchObject({ name: 'decode', ok: false, code: 'ERR_JSON_DUPLICATE_KEY' });
        expect(out[2]?.checks[0]).toMatchObject({ name: 'decode', ok: false, code: 'ERR_JSON_FORBIDDEN_KEY' });
        expect(r.code).toBe(1);

        const decoded = await run(['decode', '--json', 'good.json', 'dup.json', 'proto.json'], { cwd: dir });
        const reports = ndjson(decoded.stdout) as { format: string; detected?: string; error?: { code: string } }[];
        expect(
          reports.map((d) => [d.format, d.detected, d.error?.code]),
          decoded.stdout + decoded.stderr,
        ).toEqual([
          ['w3c-vc', undefined, undefined],
          ['unknown', 'w3c-vc', 'ERR_JSON_DUPLICATE_KEY'],
          ['unknown', 'w3c-vc', 'ERR_JSON_FORBIDDEN_KEY'],
        ]);
      });
    },
  );

  it('a --trust file naming a member twice is refused with ERR_JSON_DUPLICATE_KEY', async () => {
    const jwks = await readFile(vectorPath('shc/examples/issuer/.well-known/jwks.json'), 'utf8');
    const card = vectorPath('shc/examples/example-00-e-file.smart-health-card');
    const issuer = 'https://spec.smarthealth.cards/examples/issuer';
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'jwks.json'), jwks);
      await writeFile(join(dir, 'dup.json'), jwks.replace('"kty"', '"kty": "oct", "kty"'));
      const ok = await run(['verify', '--json', '--trust', `${issuer}=jwks.json`, card], { cwd: dir });
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      const bad = await run(['verify', '--json', '--trust', `${issuer}=dup.json`, card], { cwd: dir });
      expect(bad.code).not.toBe(0);
      expect(bad.stdout + bad.stderr).toContain('ERR_JSON_DUPLICATE_KEY');
    });
  });

  it('a --status file whose "revoked" comes twice (empty list last) is refused, not read as empty', async () => {
    const divoc = vectorPath('divoc/signed/rsa2018-cowinctx-valid.json');
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'ok.json'), '{"revoked":[{"certificateId":"1"}]}');
      await writeFile(join(dir, 'dup.json'), '{"revoked":[{"certificateId":"1"}],"revoked":[]}');
      const ok = await run(['verify', '--json', '--trust', DIVOC_RSA_PUBLIC, '--status', 'ok.json', divoc], {
        cwd: dir,
      });
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      const bad = await run(['verify', '--json', '--trust', DIVOC_RSA_PUBLIC, '--status', 'dup.json', divoc], {
        cwd: dir,
      });
      expect(bad.code).not.toBe(0);
      expect(bad.stdout + bad.stderr).toContain('ERR_JSON_DUPLICATE_KEY');
    });
  });
});
