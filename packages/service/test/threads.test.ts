/**
 * Issuance threads (`threads`): the BUILT service (dist/, where dist/issue-thread.js lives; `pnpm test` builds first)
 * signs on worker threads that load the key files themselves. What they issue verifies like what the main thread
 * issues; a bad record is the same 422; threads whose keys are not the service's own are refused at start.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSigner,
  didKeyFromKeyPair,
  exportPrivateJwk,
  exportPublicJwk,
  generateKeyPair,
  verificationMethodId,
  writePrivateKeyFile,
  type KeyPair,
} from '@divoc/keys';
import { Trust, verify } from '@divoc/verifier';
import { RECORD } from './helpers.js';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
type ServiceModule = typeof import('@divoc/service');
let service: ServiceModule;
let dir: string;
let keyPair: KeyPair;
let otherKeyPair: KeyPair;

beforeAll(async () => {
  service = (await import(DIST)) as ServiceModule;
  dir = await mkdtemp(join(tmpdir(), 'divoc-threads-'));
  keyPair = await generateKeyPair('Ed25519');
  otherKeyPair = await generateKeyPair('Ed25519');
  await writePrivateKeyFile(join(dir, 'vc.jwk'), JSON.stringify(await exportPrivateJwk(keyPair)));
  await writePrivateKeyFile(join(dir, 'other.jwk'), JSON.stringify(await exportPrivateJwk(otherKeyPair)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The service config of `keyPair`, with `threads` issuance threads loading `keyFile`. */
function config(threads: number, keyFile = 'vc.jwk'): import('@divoc/service').ServiceConfig {
  return {
    issuer: didKeyFromKeyPair(keyPair),
    keys: {
      vc: {
        signer: createSigner(keyPair, { id: verificationMethodId(keyPair) }),
        publicKeyJwk: exportPublicJwk(keyPair),
      },
    },
    auth: { mode: 'none' },
    rateLimit: false,
    logger: false,
    publicUrl: 'https://certs.example.test',
    ...(threads > 0 ? { threads: { count: threads, keys: { configKeys: { vc: keyFile }, baseDir: dir } } } : {}),
  };
}

function record(i: number): Record<string, unknown> {
  return { ...RECORD, refId: `THREADS-${i}`, identity: `did:example:threads:${i}` };
}

describe('issuance on worker threads', () => {
  it('issues what verifies with the service key, in every format, like the main thread does', async () => {
    const threaded = await service.createService(config(2));
    const inline = await service.createService(config(0));
    try {
      const trust = new Trust();
      trust.addDidKey(didKeyFromKeyPair(keyPair));
      const responses = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          threaded.inject({
            method: 'POST',
            url: '/credentials/issue',
            payload: { record: record(i), template: 'vaccination-v2' },
          }),
        ),
      );
      const control = await inline.inject({
        method: 'POST',
        url: '/credentials/issue',
        payload: { record: record(0), template: 'vaccination-v2' },
      });
      expect(control.statusCode).toBe(201);
      const ids = new Set<string>();
      for (const r of responses) {
        expect(r.statusCode).toBe(201);
        const body = r.json();
        ids.add(body.certificateId);
        expect(Object.keys(body.outputs).sort()).toEqual(Object.keys(control.json().outputs).sort());
        const result = await verify(body.credential, { trust });
        expect(result.valid, JSON.stringify(result.checks)).toBe(true);
        expect(result.issuer).toBe(didKeyFromKeyPair(keyPair));
      }
      expect(ids.size).toBe(24);
      // The same record gets the same certificate id on either path.
      expect(responses[0]!.json().certificateId).toBe(control.json().certificateId);
      // A credential another key signed is not VALID with this trust: the check above is not vacuous.
      const stranger = await service.createService({
        ...config(0),
        keys: otherKeys(),
        issuer: didKeyFromKeyPair(keyPair),
      });
      const forged = await stranger.inject({
        method: 'POST',
        url: '/credentials/issue',
        payload: { record: record(99), template: 'vaccination-v2' },
      });
      expect((await verify(forged.json().credential, { trust })).valid).toBe(false);
      await stranger.close();
    } finally {
      await threaded.close();
      await inline.close();
    }
  }, 60_000);

  it('signs VC-API credentials on a thread too', async () => {
    const app = await service.createService(config(1));
    try {
      const r = await app.inject({
        method: 'POST',
        url: '/credentials/issue',
        payload: {
          credential: {
            '@context': ['https://www.w3.org/2018/credentials/v1'],
            type: ['VerifiableCredential'],
            issuanceDate: '2024-01-01T00:00:00Z',
            credentialSubject: { id: 'did:example:subject' },
          },
        },
      });
      expect(r.statusCode).toBe(201);
      const trust = new Trust();
      trust.addDidKey(didKeyFromKeyPair(keyPair));
      expect((await verify(r.json().verifiableCredential, { trust })).valid).toBe(true);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('a record the template refuses is the same 422 from a thread as from the main thread', async () => {
    const threaded = await service.createService(config(1));
    const inline = await service.createService(config(0));
    try {
      const bad = { record: { ...record(1), dob: 'not a date' }, template: 'vaccination-v2' };
      const [a, b] = await Promise.all([
        threaded.inject({ method: 'POST', url: '/credentials/issue', payload: bad }),
        inline.inject({ method: 'POST', url: '/credentials/issue', payload: bad }),
      ]);
      expect(a.statusCode).toBe(422);
      expect(a.json().error.code).toBe('ERR_RECORD_INVALID');
      expect(a.json()).toEqual(b.json());
      // Control: the thread is still serving after the refusal.
      const ok = await threaded.inject({
        method: 'POST',
        url: '/credentials/issue',
        payload: { record: record(2), template: 'vaccination-v2' },
      });
      expect(ok.statusCode).toBe(201);
    } finally {
      await threaded.close();
      await inline.close();
    }
  }, 60_000);

  it("refuses to start when a thread's key is not the service's own, or cannot be read", async () => {
    const err = (await service.createService(config(1, 'other.jwk')).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(service.ServiceConfigError);
    expect(err.message).toMatch(/not the service's own vc key/);
    const missing = (await service.createService(config(1, 'missing.jwk')).catch((e: unknown) => e)) as Error;
    expect(missing).toBeInstanceOf(service.ServiceConfigError);
    expect(missing.message).toMatch(/missing\.jwk/);
    const count = (await service
      .createService({ ...config(0), threads: { count: 65, keys: { module: 'x' } } })
      .then(() => undefined)
      .catch((e: unknown) => e)) as Error;
    expect(count).toBeInstanceOf(service.ServiceConfigError);
    // Control: the right key file starts.
    const app = await service.createService(config(1));
    await app.close();
  }, 60_000);
});

function otherKeys(): import('@divoc/service').ServiceKeys {
  return {
    vc: {
      signer: createSigner(otherKeyPair, { id: verificationMethodId(otherKeyPair) }),
      publicKeyJwk: exportPublicJwk(otherKeyPair),
    },
  };
}

describe('threads in a config file', () => {
  const loadKey = async () => ({
    signer: createSigner(keyPair, { id: verificationMethodId(keyPair) }),
    publicKeyJwk: exportPublicJwk(keyPair),
    type: keyPair.type,
    id: verificationMethodId(keyPair),
  });
  const file = (extra: Record<string, unknown>) => ({ keys: { vc: 'vc.jwk' }, auth: { mode: 'none' }, ...extra });

  it('names the file keys for the threads to load; the command line overrides the count', async () => {
    const parsed = await service.parseServiceConfig(file({ threads: 2 }), { baseDir: dir, loadKey });
    expect(parsed.threads).toEqual({
      count: 2,
      keys: { configKeys: { vc: 'vc.jwk' }, baseDir: dir },
      // ... and verify there, with the file's trust (none here).
      trust: { files: [], baseDir: dir },
    });
    const flag = await service.parseServiceConfig(file({ threads: 2 }), { baseDir: dir, loadKey, threads: 0 });
    expect(flag.threads).toBeUndefined();
    // Control: none asked, none set.
    expect((await service.parseServiceConfig(file({}), { baseDir: dir, loadKey })).threads).toBeUndefined();
  });

  it('refuses a count out of range, and keys in an HSM (they sign on the main thread)', async () => {
    await expect(service.parseServiceConfig(file({ threads: 65 }), { baseDir: dir, loadKey })).rejects.toThrow(
      /threads must be an integer from 0 to 64/,
    );
    await expect(
      service.parseServiceConfig(
        { keys: { vc: 'pkcs11:token=t;object=k' }, auth: { mode: 'none' }, threads: 1 },
        { baseDir: dir, loadKey },
      ),
    ).rejects.toThrow(/HSM/);
    // Control: the same HSM key without threads is accepted.
    const hsm = await service.parseServiceConfig(
      { keys: { vc: 'pkcs11:token=t;object=k' }, auth: { mode: 'none' } },
      { baseDir: dir, loadKey },
    );
    expect(hsm.threads).toBeUndefined();
  });
});

describe('verification on worker threads', () => {
  /** A service whose threads verify, trusting `trustFiles` besides its own key. */
  const verifying = (trustFiles: string[]) => {
    const c = config(1);
    return service.createService({
      ...c,
      threads: { ...c.threads!, trust: { files: trustFiles, baseDir: dir } },
    });
  };
  const check = (report: { checks: { name: string; ok: boolean }[] }, name: string) =>
    report.checks.find((c) => c.name === name);

  it('answers what the main thread answers: own credentials VALID, revoked ones not, strangers not', async () => {
    const app = await verifying([]);
    const inline = await service.createService(config(0));
    try {
      const issued = await app.inject({
        method: 'POST',
        url: '/credentials/issue',
        payload: { record: record(500), template: 'vaccination-v2' },
      });
      const { credential, certificateId } = issued.json();
      const ask = (a: typeof app) =>
        a.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: credential } });
      const onThread = (await ask(app)).json();
      expect(onThread.valid).toBe(true);
      expect(onThread.issuer).toBe(didKeyFromKeyPair(keyPair));
      expect(check(onThread, 'revocation')?.ok).toBe(true);
      // The main thread of a service with the same key gives the same checks (its status lists differ: not checked).
      const onMain = (await ask(inline)).json();
      expect(onMain.valid).toBe(true);
      expect(onThread.checks.filter((c: { name: string }) => c.name !== 'revocation').map((c: object) => c)).toEqual(
        onMain.checks.filter((c: { name: string }) => c.name !== 'revocation'),
      );
      // Revoked: the thread gets the republished list and says so.
      expect((await app.inject({ method: 'POST', url: `/credentials/${certificateId}/revoke` })).statusCode).toBe(200);
      const revoked = (await ask(app)).json();
      expect(revoked.valid).toBe(false);
      expect(check(revoked, 'revocation')?.ok).toBe(false);
      // A stranger's credential naming the stranger as issuer is not VALID here.
      const stranger = await service.createService({
        ...config(0),
        keys: otherKeys(),
        issuer: didKeyFromKeyPair(otherKeyPair),
      });
      const foreign = (
        await stranger.inject({
          method: 'POST',
          url: '/credentials/issue',
          payload: { record: record(501), template: 'vaccination-v2' },
        })
      ).json().credential;
      await stranger.close();
      const refused = (
        await app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: foreign } })
      ).json();
      expect(refused.valid).toBe(false);
    } finally {
      await app.close();
      await inline.close();
    }
  }, 60_000);

  it('loads the trust files on the thread: an issuer they bind is VALID, without them not', async () => {
    const otherDid = didKeyFromKeyPair(otherKeyPair);
    // Its public JWK, named by its verification method (kid): what a registry hands its verifiers.
    const jwk = { ...exportPublicJwk(otherKeyPair), kid: verificationMethodId(otherKeyPair) };
    await writeFile(join(dir, 'other-pub.jwk'), JSON.stringify(jwk));
    const stranger = await service.createService({ ...config(0), keys: otherKeys(), issuer: otherDid });
    const foreign = (
      await stranger.inject({
        method: 'POST',
        url: '/credentials/issue',
        payload: { record: record(502), template: 'vaccination-v2' },
      })
    ).json().credential;
    await stranger.close();
    const trusting = await verifying([`${otherDid}=other-pub.jwk`]);
    const plain = await verifying([]);
    try {
      const ask = async (a: typeof trusting) =>
        (
          await a.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: foreign } })
        ).json();
      const yes = await ask(trusting);
      expect(yes.valid, JSON.stringify(yes.checks)).toBe(true);
      expect(yes.issuer).toBe(otherDid);
      expect((await ask(plain)).valid).toBe(false);
    } finally {
      await trusting.close();
      await plain.close();
    }
  }, 60_000);
});

describe('a thread that dies', () => {
  it('fails only the requests it held (500), is replaced, and the next request is issued', async () => {
    // A key loader module whose signer ends its thread on the first signature of the run (a crash in native code,
    // say), and signs normally in the replacement thread.
    const keysDist = new URL('../../keys/dist/index.js', import.meta.url).href;
    const module = join(dir, 'crashing-keys.mjs');
    await writeFile(
      module,
      `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
export async function loadIssuerKeys({ keyFile, flag, keysDist }) {
  const keys = await import(keysDist);
  const jwk = JSON.parse(readFileSync(keyFile, 'utf8'));
  const keyPair = await keys.importKeyPair({ jwk });
  const signer = keys.createSigner(keyPair, { id: keys.verificationMethodId(keyPair) });
  const sign = async (data) => {
    if (!existsSync(flag)) {
      writeFileSync(flag, 'crashed once');
      process.exit(7);
    }
    return signer.sign(data);
  };
  const crashing = { id: signer.id, algorithm: signer.algorithm, sign };
  return { vc: { signer: crashing, suite: 'eddsa-rdfc-2022', verificationMethod: signer.id } };
}
`,
    );
    const c = config(0);
    const app = await service.createService({
      ...c,
      threads: {
        count: 1,
        keys: {
          module: pathToFileURL(module).href,
          options: { keyFile: join(dir, 'vc.jwk'), flag: join(dir, 'crashed.flag'), keysDist },
        },
      },
    });
    try {
      const ask = (i: number) =>
        app.inject({
          method: 'POST',
          url: '/credentials/issue',
          payload: { record: record(700 + i), template: 'vaccination-v2', formats: ['w3c-vc'] },
        });
      const first = await ask(0);
      expect(first.statusCode).toBe(500);
      expect(first.json().error.code).toBe('ERR_INTERNAL');
      // Control: the replacement thread signs, and what it signs verifies.
      let next = await ask(1);
      for (let i = 2; i < 20 && next.statusCode !== 201; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        next = await ask(i);
      }
      expect(next.statusCode).toBe(201);
      const trust = new Trust();
      trust.addDidKey(didKeyFromKeyPair(keyPair));
      expect((await verify(next.json().credential, { trust })).valid).toBe(true);
    } finally {
      await app.close();
    }
  }, 60_000);
});
