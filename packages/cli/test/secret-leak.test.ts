/**
 * Issue 12, "secrets never leave the key loader": a key file that fails to parse is reported by file, JSON path and
 * what is wrong, never by its content. Each broken key carries a marker where its secret would be, and the marker is
 * searched for in stdout, stderr and --json output of every command that reads keys, in the service configuration's
 * errors, and in thrown errors with their whole `cause` chain. A well-formed key file beside them (the control) loads.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPrivateJwk, generateKeyPair } from '@divoc/keys';
import { parseServiceConfig } from '@divoc/service';
import { parseKeyFile } from '../src/lib/keyfile.js';
import { FIXTURES, issueArgv, run, withTempDir } from './helpers.js';

const MARKER = 'SeCrEtMaRkEr';

/** Broken private keys, each with the marker where the secret is. */
const BROKEN: Record<string, string> = {
  'jwk-d-unquoted.json':
    '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",' +
    `"d": ${MARKER}nWGxne_9WmC6hEr0kuwsxERJxWl7Mm}\n`,
  'jwk-d-bad-base64.json':
    '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",' + `"d":"${MARKER}!!"}\n`,
  'jwk-d-truncated.json':
    '{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",' +
    `"y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"${MARKER}`,
  'divoc-key-bad-multibase.json':
    '{"kind":"divoc-key","type":"Ed25519","id":"did:example:1#k",' + `"privateKeyMultibase":"${MARKER}0OIl"}\n`,
  'divoc-base58.json': `{"type":"Ed25519","publicKeyBase58":"${MARKER}","privateKeyBase58":"${MARKER}0OIl"}\n`,
  'private.pem':
    `-----BEGIN PRIVATE KEY-----\n${MARKER}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n` +
    '-----END PRIVATE KEY-----\n',
  'duplicate-d.json':
    '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",' +
    `"d":"${MARKER}","d":"${MARKER}"}\n`,
};

function causeChain(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let i = 0; i < 10 && e; i++) {
    parts.push(
      String((e as Error)?.message ?? e),
      String((e as Error)?.stack ?? ''),
      JSON.stringify(e, Object.getOwnPropertyNames(e ?? {})) ?? '',
    );
    e = (e as { cause?: unknown })?.cause;
  }
  return parts.join('\n');
}

describe('broken key files never show their secret', () => {
  it(
    'divoc verify --trust, issue --key, serve --dev --key: exit 2, the file named, the marker nowhere; ' +
      'a good key loads (control)',
    async () => {
      await withTempDir(async (dir) => {
        const good = await generateKeyPair('Ed25519');
        await writeFile(join(dir, 'good.key.json'), JSON.stringify(exportPrivateJwk(good)), { mode: 0o600 });
        const control = await run(['verify', '--json', '--trust', 'good.key.json', join(FIXTURES, 'records.json')], {
          cwd: dir,
        });
        expect(control.code, control.stderr).toBe(1); // the key loads; the input is no credential
        for (const [name, text] of Object.entries(BROKEN)) {
          await writeFile(join(dir, name), text, { mode: 0o600 });
          const runs = [
            await run(['verify', '--trust', name, join(FIXTURES, 'records.json')], { cwd: dir }),
            await run(['verify', '--json', '--trust', name, join(FIXTURES, 'records.json')], { cwd: dir }),
            await run(issueArgv({ key: name, in: join(FIXTURES, 'records.json'), out: 'out' }), { cwd: dir }),
            await run(
              [
                'issue',
                '--json',
                '--template',
                'vaccination',
                '--in',
                join(FIXTURES, 'records.json'),
                '--out',
                'out',
                '--key',
                name,
              ],
              { cwd: dir },
            ),
            await run(['serve', '--dev', '--key', name, '--port', '0'], { cwd: dir }),
          ];
          for (const [i, r] of runs.entries()) {
            expect(r.code, `${name} #${i}: ${r.stdout}${r.stderr}`).toBe(2);
            expect(`${r.stdout}${r.stderr}`, `${name} #${i}`).toContain(name);
            expect(`${r.stdout}${r.stderr}`, `${name} #${i}`).not.toContain(MARKER);
            // Not even the secret's first characters.
            expect(`${r.stdout}${r.stderr}`, `${name} #${i}`).not.toMatch(/SeCr|'S'/);
          }
        }
      });
    },
  );

  it(
    'the library key loader and the service configuration: thrown errors and their causes carry no part of ' +
      'the secret',
    async () => {
      await withTempDir(async (dir) => {
        for (const [name, text] of Object.entries(BROKEN)) {
          let thrown: unknown;
          try {
            parseKeyFile(name, new TextEncoder().encode(text), { requirePrivate: true });
          } catch (error) {
            thrown = error;
          }
          expect(thrown, name).toBeDefined();
          expect(causeChain(thrown), name).not.toContain(MARKER);
          expect(causeChain(thrown), name).not.toMatch(/SeCr/);

          await writeFile(join(dir, name), text, { mode: 0o600 });
          let configError: unknown;
          try {
            await parseServiceConfig(
              { keys: { vc: name }, auth: { mode: 'none' }, storage: { kind: 'memory' }, log: false },
              { baseDir: dir, env: {} },
            );
          } catch (error) {
            configError = error;
          }
          expect(configError, name).toBeDefined();
          expect(causeChain(configError), name).not.toContain(MARKER);
        }
      });
    },
  );
});
