import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSigner, exportPrivatePem, generateKeyPair, toTrustListEntry, verificationMethodId } from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { issueCredential, type UnsignedCredential } from '@divoc/vc';
import { loadServiceConfig, parseServiceConfig, sha256Hex, startService } from '@divoc/service';
import { API_KEYS, RECORD, baseConfig } from './helpers.js';

describe('startService', () => {
  it('listens on loopback and answers over real HTTP', async () => {
    const running = await startService(await baseConfig({ listen: { host: '127.0.0.1', port: 0 } }));
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${running.url}/health`);
      expect(health.status).toBe(200);
      const issued = await fetch(`${running.url}/credentials/issue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEYS.admin },
        body: JSON.stringify({ record: RECORD, template: 'vaccination-v2' }),
      });
      expect(issued.status).toBe(201);
    } finally {
      await running.close();
    }
  });

  it('refuses auth mode "none" anywhere but loopback', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      await expect(
        startService(await baseConfig({ auth: { mode: 'none' }, listen: { host, port: 0 } })),
      ).rejects.toMatchObject({ code: 'ERR_SERVICE_CONFIG_INVALID' });
    }
    const trial = await startService(
      await baseConfig({ auth: { mode: 'none' }, listen: { host: '127.0.0.1', port: 0 } }),
    );
    try {
      const res = await fetch(`${trial.url}/credentials/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input: 'x' }),
      });
      expect(res.status).toBe(200);
    } finally {
      await trial.close();
    }
  });
});

describe('config file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'divoc-service-config-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const key = await generateKeyPair('Ed25519');
  await writeFile(join(dir, 'vc.key.pem'), exportPrivatePem(key), { mode: 0o600 });
  const base = {
    listen: { host: '127.0.0.1', port: 0 },
    publicUrl: 'https://certs.example.test',
    keys: { vc: 'vc.key.pem' },
    auth: {
      apiKeys: [
        {
          id: 'registry',
          sha256: sha256Hex(API_KEYS.admin),
          scopes: ['credentials:issue', 'credentials:verify', 'credentials:read', 'credentials:revoke'],
        },
      ],
    },
    rateLimit: { capacity: 10, refillPerSecond: 5 },
    storage: { kind: 'memory' },
    statusList: { validitySeconds: 3600 },
    log: false,
  };

  it('trust entries bind keys to an issuer with ISSUER=path, as divoc verify --trust does', async () => {
    // Another issuer's key, trusted for https://other.example/ only: a credential it signs in that name is VALID;
    // one it signs in someone else's https name is refused (ERR_TRUST_ISSUER_MISMATCH).
    const other = await generateKeyPair('Ed25519');
    const otherSigner = createSigner(other, { id: verificationMethodId(other) });
    await writeFile(join(dir, 'other.trust.json'), JSON.stringify(toTrustListEntry(other, { id: otherSigner.id })));
    const config = await parseServiceConfig(
      { ...base, trust: ['https://other.example/=other.trust.json'] },
      { baseDir: dir, env: {} },
    );
    const running = await startService(config);
    try {
      const check = async (issuer: string) => {
        const credential = await issueCredential(
          buildCredential('vaccination-v2', RECORD, { issuer }) as UnsignedCredential,
          { signer: otherSigner },
        );
        const res = await fetch(`${running.url}/credentials/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEYS.admin}` },
          body: JSON.stringify({ verifiableCredential: credential }),
        });
        return (await res.json()) as { valid: boolean; checks: { name: string; ok: boolean; code?: string }[] };
      };
      expect((await check('https://other.example/')).valid).toBe(true);
      const forged = await check('https://certs.example.test/');
      expect(forged.valid).toBe(false);
      expect(forged.checks.find((c) => c.name === 'trust')).toMatchObject({
        ok: false,
        code: 'ERR_TRUST_ISSUER_MISMATCH',
      });
    } finally {
      await running.close();
    }
  });

  it(
    "files are read with caps, refused while reading: a trust file at the library's MAX_TRUST_TEXT, a key " +
      'file at MAX_KEY_FILE_BYTES',
    async () => {
      const { MAX_TRUST_TEXT } = await import('@divoc/verifier');
      const other = await generateKeyPair('Ed25519');
      const entry = JSON.stringify(toTrustListEntry(other, { id: verificationMethodId(other) }));
      // Control: a trust file over the 1 MiB other files get, under MAX_TRUST_TEXT, loads (a national list is larger).
      await writeFile(join(dir, 'padded.trust.json'), entry + ' '.repeat(2 * 1024 * 1024));
      await expect(
        parseServiceConfig({ ...base, trust: ['padded.trust.json'] }, { baseDir: dir, env: {} }),
      ).resolves.toBeDefined();
      await writeFile(join(dir, 'huge.trust.json'), entry + ' '.repeat(MAX_TRUST_TEXT));
      await expect(
        parseServiceConfig({ ...base, trust: ['huge.trust.json'] }, { baseDir: dir, env: {} }),
      ).rejects.toMatchObject({
        code: 'ERR_SERVICE_CONFIG_INVALID',
        message: expect.stringMatching(
          new RegExp(`trust file .*huge\\.trust\\.json is larger than ${MAX_TRUST_TEXT} bytes`),
        ),
      });
      // A device that never ends is refused at the cap, not read until memory runs out.
      await expect(
        parseServiceConfig({ ...base, keys: { vc: '/dev/zero' } }, { baseDir: dir, env: {} }),
      ).rejects.toThrow(/is not a file|larger than/);
    },
  );

  it('loads a JSON config (keys relative to it) and runs from it', async () => {
    await writeFile(join(dir, 'service.json'), JSON.stringify(base));
    const config = await loadServiceConfig(join(dir, 'service.json'));
    expect(config.issuer).toMatch(/^did:key:z6Mk/);
    const running = await startService(config);
    try {
      const res = await fetch(`${running.url}/credentials/issue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEYS.admin}` },
        body: JSON.stringify({ record: RECORD, template: 'vaccination-v2' }),
      });
      expect(res.status).toBe(201);
      const body = (await res.json()) as { credential: Record<string, unknown> };
      const verified = await fetch(`${running.url}/credentials/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEYS.admin}` },
        body: JSON.stringify({ verifiableCredential: body.credential }),
      });
      expect(((await verified.json()) as { valid: boolean }).valid).toBe(true);
    } finally {
      await running.close();
    }
  });

  it('explains what is wrong with a bad config', async () => {
    const bad: [unknown, RegExp][] = [
      [[], /JSON object/],
      [{ ...base, unknownField: 1 }, /unknown config field "unknownField"/],
      [{ ...base, keys: {} }, /keys.vc/],
      [{ ...base, keys: { vc: 'missing.pem' } }, /cannot read key file/],
      [{ ...base, keys: { vc: 'pkcs11:token=x;object=y' } }, /PKCS#11-aware key loader/],
      [{ ...base, auth: undefined }, /auth is required/],
      [{ ...base, auth: { apiKeys: [{ id: 'a', sha256: 'x', scopes: ['everything'] }] } }, /scopes/],
      [{ ...base, storage: { kind: 'redis' } }, /storage.kind/],
      [{ ...base, storage: { kind: 'postgres', connectionStringEnv: 'NOT_SET_ANYWHERE' } }, /connectionString/],
      [{ ...base, listen: { port: 70000 } }, /listen.port/],
      [{ ...base, statusList: { length: 10 } }, /statusList.length/],
      [{ ...base, formats: ['pdf'] }, /formats/],
    ];
    for (const [json, message] of bad) {
      await expect(parseServiceConfig(json, { baseDir: dir, env: {} }), String(message)).rejects.toThrow(message);
    }
    await writeFile(join(dir, 'broken.json'), '{ "keys": ');
    await expect(loadServiceConfig(join(dir, 'broken.json'))).rejects.toMatchObject({
      code: 'ERR_SERVICE_CONFIG_INVALID',
    });
    await writeFile(
      join(dir, 'pub.pem'),
      '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END ' +
        'PUBLIC KEY-----\n',
    );
    await expect(parseServiceConfig({ ...base, keys: { vc: 'pub.pem' } }, { baseDir: dir })).rejects.toThrow(
      /public key only/,
    );
  });
});
