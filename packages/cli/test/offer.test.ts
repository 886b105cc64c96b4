/**
 * `divoc offer` against `divoc serve --dev` (in process, loopback): the link, PIN and QR it prints lead a wallet's
 * token request to an access token; errors keep the CLI's exit codes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readQrFromImage } from '@divoc/qr/image';
import { registryRecord } from '../../../test/support/fixtures.js';
import { run, withTempDir } from './helpers.js';

const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

/** `divoc serve --dev` in process; resolves with its URL and a stop function. */
async function serveDev(dir: string) {
  const { runServe } = await import('../src/commands/serve.js');
  let stderr = '';
  const controller = new AbortController();
  const exit = runServe(
    ['--dev', '--key', 'vc.key.json', '--port', '0'],
    {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      stdin: Readable.from([]),
      cwd: dir,
      env: {},
    },
    { signal: controller.signal },
  );
  let url: string | undefined;
  for (let i = 0; i < 1000 && url === undefined; i++) {
    url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
    await new Promise((r) => setTimeout(r, 20));
  }
  if (url === undefined) throw new Error(`serve did not start: ${stderr}`);
  return { url, stderr: () => stderr, stop: async () => (controller.abort(), exit) };
}

describe('divoc offer', () => {
  it('prints the link, the PIN and a terminal QR, writes the PNG; the offer leads to an access token', async () => {
    await withTempDir(async (dir) => {
      expect((await run(['keys', 'generate', '--type', 'ed25519', '--out', 'vc.key.json'], { cwd: dir })).code).toBe(0);
      await writeFile(join(dir, 'record.json'), JSON.stringify(registryRecord));
      const server = await serveDev(dir);
      try {
        expect(server.stderr()).toContain('/.well-known/openid-credential-issuer');
        // --dev: the credential issuer is the address it listens on.
        const meta = await (await fetch(`${server.url}/.well-known/openid-credential-issuer`)).json();
        expect(meta.credential_issuer).toBe(server.url);

        const out = await run(['offer', '--service', server.url, '--tx-code', '--out', 'offer.png', 'record.json'], {
          cwd: dir,
        });
        expect(out.code).toBe(0);
        const [link, pinLine] = out.stdout.split('\n');
        expect(link).toMatch(/^openid-credential-offer:\/\/\?credential_offer=/);
        const pin = /PIN .*: (\d{6})$/.exec(pinLine ?? '')?.[1];
        expect(pin).toBeDefined();
        expect(out.stdout).toMatch(/[█▀▄]{20}/);
        // The PNG holds the same link.
        expect(readQrFromImage(new Uint8Array(await readFile(join(dir, 'offer.png'))))).toBe(link);

        const offer = JSON.parse(new URL(link!).searchParams.get('credential_offer')!);
        expect(offer.credential_issuer).toBe(server.url);
        expect(offer.credential_configuration_ids).toEqual(['vaccination_ldp_vc']);
        const token = async (txCode: string) =>
          fetch(`${server.url}/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              grant_type: PRE_AUTH,
              'pre-authorized_code': offer.grants[PRE_AUTH]['pre-authorized_code'],
              tx_code: txCode,
            }).toString(),
          });
        expect((await token(pin === '000000' ? '111111' : '000000')).status).toBe(400);
        const ok = await token(pin!);
        expect(ok.status).toBe(200);
        expect((await ok.json()).token_type).toBe('Bearer');

        // --json prints the service's answer; an existing --out file is refused (exit 2) without --force.
        const json = await run(['offer', '--service', server.url, '--json', '--qr', 'none', 'record.json'], {
          cwd: dir,
        });
        expect(json.code).toBe(0);
        expect(JSON.parse(json.stdout)).toMatchObject({ link: expect.any(String), offerId: expect.any(String) });
        const again = await run(['offer', '--service', server.url, '--out', 'offer.png', 'record.json'], { cwd: dir });
        expect(again.code).toBe(2);
        // A record the service refuses: exit 2 with its error code.
        await writeFile(join(dir, 'bad.json'), JSON.stringify({ ...registryRecord, vaccinationDate: 'soon' }));
        const bad = await run(['offer', '--service', server.url, 'bad.json'], { cwd: dir });
        expect(bad.code).toBe(2);
        expect(bad.stderr).toContain('ERR_RECORD_INVALID');
      } finally {
        expect(await server.stop()).toBe(0);
      }
    });
  });

  it('exit 3 when the service is unreachable, 2 for a missing record or a bad --out (control: help is 0)', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'record.json'), JSON.stringify(registryRecord));
      expect((await run(['offer', '--help'], { cwd: dir })).code).toBe(0);
      expect((await run(['offer', '--service', 'http://127.0.0.1:9', 'record.json'], { cwd: dir })).code).toBe(3);
      expect((await run(['offer', 'missing.json'], { cwd: dir })).code).toBe(2);
      expect((await run(['offer', '--out', 'x.gif', 'record.json'], { cwd: dir })).code).toBe(2);
      const plainHttp = await run(['offer', '--service', 'http://example.test', 'record.json'], {
        cwd: dir,
        env: { DIVOC_API_KEY: 'secret-key' },
      });
      expect(plainHttp.code).toBe(2);
      expect(plainHttp.stderr).not.toContain('secret-key');
    });
  });
});
