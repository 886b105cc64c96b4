import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveDidKey } from '@divoc/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitTrustBinding } from '../src/lib/trust.js';
import { issueArgv, ndjson, run, vectorPath } from './helpers.js';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

let dir: string;
let credentialFile: string;
let entry: Record<string, unknown>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'divoc-trust-'));
  const gen = await run(['keys', 'generate', '--type', 'ed25519', '--out', 'k.json'], { cwd: dir });
  entry = JSON.parse(gen.stdout) as Record<string, unknown>;
  await writeFile(
    join(dir, 'in.ndjson'),
    `${JSON.stringify({
      refId: 'T-1',
      name: 'Asha',
      age: 30,
      vaccine: 'COVISHIELD',
      vaccinationDate: '2021-09-01',
      dose: 1,
      totalDoses: 2,
    })}\n`,
  );
  const issued = await run(issueArgv({ key: 'k.json', in: 'in.ndjson', out: 'out' }), { cwd: dir });
  expect(issued.code, issued.stdout + issued.stderr).toBe(0);
  const [line] = ndjson(await readFile(join(dir, 'out/index.ndjson'), 'utf8'));
  credentialFile = join(dir, 'out', `${line?.certificateId as string}.json`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function verifyWith(trust: string[]): Promise<{ code: number; valid: unknown; stderr: string }> {
  const r = await run(['verify', ...trust.flatMap((t) => ['--trust', t]), '--json', credentialFile], { cwd: dir });
  return { code: r.code, valid: ndjson(r.stdout)[0]?.valid, stderr: r.stderr };
}

describe('--trust sources', () => {
  it('a single trust-list entry (keys generate output)', async () => {
    await writeFile(join(dir, 'entry.json'), JSON.stringify(entry));
    expect(await verifyWith(['entry.json'])).toMatchObject({ code: 0, valid: true });
  });

  it('a trust list { issuers: [...] }', async () => {
    await writeFile(join(dir, 'list.json'), JSON.stringify({ issuers: [entry] }));
    expect(await verifyWith(['list.json'])).toMatchObject({ code: 0, valid: true });
  });

  it('a JWKS whose kid is the verification method', async () => {
    await writeFile(
      join(dir, 'jwks.json'),
      JSON.stringify({ keys: [{ ...(entry.publicKeyJwk as object), kid: entry.id }] }),
    );
    expect(await verifyWith(['jwks.json'])).toMatchObject({ code: 0, valid: true });
  });

  it('a DID document, and a did:key given directly', async () => {
    const did = (entry.id as string).split('#')[0] as string;
    await writeFile(join(dir, 'did.json'), JSON.stringify(resolveDidKey(did)));
    expect(await verifyWith(['did.json'])).toMatchObject({ code: 0, valid: true });
    expect(await verifyWith([did])).toMatchObject({ code: 0, valid: true });
  });

  it('our own key file (public part only is used)', async () => {
    expect(await verifyWith(['k.json'])).toMatchObject({ code: 0, valid: true });
  });

  it('X.509 certificates in DER and PEM load (the key is just not the signer)', async () => {
    const dcc = JSON.parse(await readFile(vectorPath('dcc/dgc-testdata/common/2DCode/raw/B1.json'), 'utf8')) as {
      TESTCTX: { CERTIFICATE: string };
    };
    const b64 = dcc.TESTCTX.CERTIFICATE;
    await writeFile(join(dir, 'cert.der'), Buffer.from(b64, 'base64'));
    await writeFile(
      join(dir, 'cert.pem'),
      `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)?.join('\n')}\n-----END CERTIFICATE-----\n`,
    );
    for (const f of ['cert.der', 'cert.pem']) {
      const r = await verifyWith([f]);
      expect(r, f).toMatchObject({ code: 1, valid: false });
    }
    expect(await verifyWith(['cert.pem', 'entry.json'])).toMatchObject({ code: 0, valid: true });
  });

  it('the SMART Health Cards issuer JWKS loads', async () => {
    const r = await verifyWith([vectorPath('shc/examples/issuer/.well-known/jwks.json')]);
    expect(r.code, r.stderr).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['array', '[1,2]'],
    ['bad JSON', '{"issuers": ['],
    ['bad trust list', '{"issuers": [{"id": "x:y", "type": "Ed25519", "publicKeyJwk": {"kty": "OKP"}}]}'],
    ['bad JWKS', '{"keys": [{"kty": "nope"}]}'],
    [
      'bad DID doc',
      '{"@context": "https://www.w3.org/ns/did/v1", "id": "did:example:1", "verificationMethod": [{"id": 5}]}',
    ],
    ['garbage DER', '\u0030\u0003\u0001\u0002'],
    ['text', 'hello'],
  ])('a malformed trust file (%s) is a usage error (exit 2)', async (name, content) => {
    const file = `bad-${name.replace(/\s/g, '-')}`;
    await writeFile(join(dir, file), content);
    const r = await verifyWith([file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/ERR_/);
  });

  it('DIVOC RSA public PEM bound explicitly and implicitly', async () => {
    const signed = vectorPath('divoc/signed/rsa2018-divocdev-valid.json');
    const pem = vectorPath('divoc/keys/divoc-test-rsa.public.pem');
    for (const trust of [pem, `did:india=${pem}`]) {
      const r = await run(['verify', '--trust', trust, signed]);
      expect(r.code, trust).toBe(0);
    }
    // ID= binds the key to an issuer. Bound to another https issuer, it refuses a certificate naming
    // https://divoc.dev/; bound to a name of another kind, the certificate verifies but is shown under that name,
    // the claim unbound.
    const other = await run(['verify', '--json', '--trust', `https://other.example/=${pem}`, signed]);
    expect(other.code).toBe(1);
    expect(JSON.parse(other.stdout).checks.find((c: { name: string }) => c.name === 'trust')).toMatchObject({
      ok: false,
      code: 'ERR_TRUST_ISSUER_MISMATCH',
    });
    const urn = JSON.parse((await run(['verify', '--json', '--trust', `urn:other=${pem}`, signed])).stdout);
    expect(urn).toMatchObject({ valid: true, issuer: 'urn:other', claimedIssuer: 'https://divoc.dev/' });
    expect(urn.warnings.map((w: { code: string }) => w.code)).toEqual([
      'WARN_TRUST_ISSUER_UNBOUND',
      'WARN_VC_AMBIGUOUS_TERMS',
    ]);
    const bound = JSON.parse((await run(['verify', '--json', '--trust', `https://divoc.dev/=${pem}`, signed])).stdout);
    expect(bound).toMatchObject({ valid: true, issuer: 'https://divoc.dev/' });
    expect(bound.warnings.map((w: { code: string }) => w.code)).toEqual(['WARN_VC_AMBIGUOUS_TERMS']);
  });
});

describe(
  "--trust issuer folders: one byte budget for all the folder's files " + "(the library's MAX_TRUST_DIRECTORY_BYTES)",
  () => {
    it(
      'three 12 MiB revocation lists (each under the per-file cap) are refused while reading the third, ' +
        'exit 2; one is read',
      async () => {
        const { MAX_TRUST_DIRECTORY_BYTES } = await import('@divoc/verifier/node');
        const folder = join(dir, 'big-issuer');
        await mkdir(join(folder, 'crl'), { recursive: true });
        await writeFile(
          join(folder, 'jwks.json'),
          await readFile(vectorPath('shc/examples/issuer/.well-known/jwks.json')),
        );
        await writeFile(join(folder, 'iss.txt'), 'https://spec.smarthealth.cards/examples/issuer\n');
        const crl = await readFile(
          vectorPath('shc/examples/issuer/.well-known/crl/3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json'),
          'utf8',
        );
        const pad = ' '.repeat(12 * 1024 * 1024);
        await writeFile(join(folder, 'crl', '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json'), crl + pad);
        // Control: one padded list, 12 MiB, is read (the VC then fails as untrusted, exit 1, not as a bad --trust).
        const one = await verifyWith([folder]);
        expect(one.code, one.stderr).toBe(1);
        for (const name of ['x1.json', 'x2.json'])
          await writeFile(join(folder, 'crl', name), `{"kid": "x", "method": "rid", "ctr": 1, "rids": []}${pad}`);
        const started = process.hrtime.bigint();
        const three = await verifyWith([folder]);
        expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
        expect(three.code).toBe(2);
        expect(three.stderr).toContain(
          `its files hold more than ${MAX_TRUST_DIRECTORY_BYTES} bytes in all (ERR_TRUST_INVALID)`,
        );
        await rm(folder, { recursive: true, force: true });
      },
    );
  },
);

describe('splitTrustBinding', () => {
  it('splits ID=FILE only when ID starts with a URI scheme', () => {
    expect(splitTrustBinding('did:india=keys/k.pem')).toEqual({ id: 'did:india', path: 'keys/k.pem' });
    expect(splitTrustBinding('https://x.example/k#1=k.pem')).toEqual({ id: 'https://x.example/k#1', path: 'k.pem' });
    expect(splitTrustBinding('C:=x')).toEqual({ path: 'C:=x' });
    expect(splitTrustBinding('dir/a=b.json')).toEqual({ path: 'dir/a=b.json' });
    expect(splitTrustBinding('plain.json')).toEqual({ path: 'plain.json' });
  });
});
