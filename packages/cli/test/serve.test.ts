import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run, withTempDir } from './helpers.js';

/** Starts `divoc serve` in-process; resolves with its URL once it listens, and a stop function. */
async function serve(argv: string[], cwd: string) {
  const { runServe } = await import('../src/commands/serve.js');
  let stdout = '';
  let stderr = '';
  const controller = new AbortController();
  const exit = runServe(
    argv,
    {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      stdin: Readable.from([]),
      cwd,
      env: {},
    },
    { signal: controller.signal },
  );
  const deadline = Date.now() + 20_000;
  let url: string | undefined;
  let early: number | undefined;
  exit.then(
    (code) => (early = code),
    () => (early = -1),
  );
  while (url === undefined && early === undefined && Date.now() < deadline) {
    url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    url,
    stop: async () => {
      controller.abort();
      return exit;
    },
    output: () => ({ stdout, stderr }),
  };
}

describe('divoc serve', () => {
  it('--dev on 127.0.0.1 starts, issues and verifies, and stops on signal', async () => {
    await withTempDir(async (dir) => {
      expect(
        (await run(['keys', 'generate', '--type', 'ed25519', '--out', join(dir, 'vc.key.json')], { cwd: dir })).code,
      ).toBe(0);
      const server = await serve(['--dev', '--key', 'vc.key.json', '--host', '127.0.0.1', '--port', '0'], dir);
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      try {
        expect(server.output().stderr).toContain('NO authentication');
        const health = await fetch(`${server.url}/health`);
        expect(health.status).toBe(200);
        const issued = await fetch(`${server.url}/credentials/issue`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            template: 'vaccination-v2',
            record: {
              refId: 'R-1',
              name: 'Test Person',
              dob: '1990-01-01',
              gender: 'Female',
              identity: 'did:example:1',
              vaccine: 'Covishield',
              batch: 'B1',
              vaccinationDate: '2021-06-01',
              dose: 1,
              totalDoses: 2,
              facilityName: 'PHC',
              facilityCountry: 'IN',
              vaccinatorName: 'Dr. A',
            },
          }),
        });
        expect(issued.status, await issued.clone().text()).toBe(201);
        const body = (await issued.json()) as { credential: unknown };
        const verified = await fetch(`${server.url}/credentials/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ verifiableCredential: body.credential }),
        });
        expect(((await verified.json()) as { valid: boolean }).valid).toBe(true);
        expect(server.output().stdout).not.toContain('Test Person');
      } finally {
        expect(await server.stop()).toBe(0);
      }
    });
  });

  it('--dev on 0.0.0.0 (or any non-loopback address) is refused with exit 2', async () => {
    await withTempDir(async (dir) => {
      await run(['keys', 'generate', '--type', 'ed25519', '--out', join(dir, 'vc.key.json')], { cwd: dir });
      for (const host of ['0.0.0.0', '::', '10.0.0.1']) {
        const res = await run(['serve', '--dev', '--key', 'vc.key.json', '--host', host, '--port', '0'], { cwd: dir });
        expect(res.code).toBe(2);
        expect(res.stderr).toMatch(/loopback only/);
      }
      await writeFile(
        join(dir, 'service.json'),
        JSON.stringify({
          listen: { host: '0.0.0.0', port: 0 },
          keys: { vc: 'vc.key.json' },
          auth: { mode: 'none' },
          log: false,
        }),
      );
      const viaConfig = await run(['serve', '--config', 'service.json'], { cwd: dir });
      expect(viaConfig.code).toBe(2);
      expect(viaConfig.stderr).toMatch(/loopback only/);
    });
  });

  it('usage errors exit 2 with a clear message', async () => {
    await withTempDir(async (dir) => {
      expect((await run(['serve'], { cwd: dir })).stderr).toMatch(/--config FILE, or --dev --key FILE/);
      expect((await run(['serve', '--dev'], { cwd: dir })).code).toBe(2);
      expect((await run(['serve', '--dev', '--key', 'missing.json', '--port', '0'], { cwd: dir })).code).toBe(2);
      expect((await run(['serve', '--dev', '--key', 'k', '--port', 'abc'], { cwd: dir })).stderr).toMatch(/--port/);
      await writeFile(join(dir, 'bad.json'), '{"keys": {}}');
      const bad = await run(['serve', '--config', 'bad.json'], { cwd: dir });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/bad\.json/);
      expect((await run(['serve', '--help'], { cwd: dir })).stdout).toMatch(/loopback/);
    });
  });

  it('--config runs with API-key auth', async () => {
    await withTempDir(async (dir) => {
      await run(['keys', 'generate', '--type', 'p256', '--out', join(dir, 'vc.key.json')], { cwd: dir });
      const { createHash } = await import('node:crypto');
      const sha256 = createHash('sha256').update('secret-key-1').digest('hex');
      await writeFile(
        join(dir, 'service.json'),
        JSON.stringify({
          listen: { host: '127.0.0.1', port: 0 },
          keys: { vc: 'vc.key.json' },
          auth: { apiKeys: [{ id: 'registry', sha256, scopes: ['credentials:verify'] }] },
          log: { level: 'warn' },
        }),
      );
      const server = await serve(['--config', 'service.json'], dir);
      expect(server.url).toBeDefined();
      try {
        const post = (headers: Record<string, string>) =>
          fetch(`${server.url}/credentials/verify`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: '{"input":"x"}',
          });
        expect((await post({})).status).toBe(401);
        expect((await post({ 'x-api-key': 'secret-key-1' })).status).toBe(200);
      } finally {
        await server.stop();
      }
    });
  });
});
