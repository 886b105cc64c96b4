import { beforeAll, describe, expect, it } from 'vitest';
import { FORMATS } from '@divoc/formats';
import { Trust, verify } from '@divoc/verifier';
import { issueSdJwtVc, isJwtVcIssuerMetadata, sdJwtVcFormat } from '@divoc/sd-jwt';
import {
  b64,
  forgeJwt,
  ISSUED_AT,
  ISSUER,
  issuerKey,
  NOW,
  OTHER_ISSUER,
  partJson,
  vaccination,
  type IssuerKey,
} from './helpers.js';

let key: IssuerKey;
let sdJwt: string;
const text = (t: string) => ({ kind: 'text' as const, text: t, raw: t, maxItems: 16 });

beforeAll(async () => {
  key = await issuerKey();
  sdJwt = await issueSdJwtVc(vaccination(), { signer: key.signer, issuer: ISSUER, issuedAt: ISSUED_AT });
});

describe('the sd-jwt-vc plugin', () => {
  it('is registered in FORMATS under its name and short name', () => {
    expect(FORMATS.get('sd-jwt-vc')).toBe(sdJwtVcFormat);
    expect(FORMATS.get('sd-jwt')).toBe(sdJwtVcFormat);
    expect(sdJwtVcFormat.keyUse).toBe('sd-jwt-vc');
  });

  it('detects dc+sd-jwt and vc+sd-jwt compact SD-JWTs only', async () => {
    expect(FORMATS.detect(text(sdJwt))?.plugin.name).toBe('sd-jwt-vc');
    const [jwt, ...rest] = sdJwt.split('~');
    const [, p, s] = jwt!.split('.');
    const withTyp = (typ: unknown) =>
      [`${b64({ ...partJson(jwt!.split('.')[0]!), typ })}.${p}.${s}`, ...rest].join('~');
    expect(sdJwtVcFormat.detect(text(withTyp('vc+sd-jwt')))).toBeDefined();
    for (const typ of ['JWT', 'kb+jwt', undefined])
      expect(sdJwtVcFormat.detect(text(withTyp(typ))), String(typ)).toBeUndefined();
    expect(sdJwtVcFormat.detect(text(jwt!))).toBeUndefined(); // a plain JWS (no "~") is not one
    expect(sdJwtVcFormat.detect(text('not~an~sd-jwt'))).toBeUndefined();
    expect(sdJwtVcFormat.detect(text(`${sdJwt}\n${sdJwt}`))).toBeUndefined();
    expect(sdJwtVcFormat.detect({ kind: 'json', json: { sdJwt } })).toBeUndefined();
  });

  it('decodes without verifying: disclosed claims and the header', async () => {
    const decoded = await sdJwtVcFormat.decode(sdJwt);
    expect(decoded.header).toMatchObject({ typ: 'dc+sd-jwt', alg: 'ES256', kid: key.kid });
    expect(decoded.payload).toMatchObject({ iss: ISSUER, name: 'Bhaya Mitra' });
    await expect(Promise.resolve().then(() => sdJwtVcFormat.decode(sdJwt.replace('~', '~~')))).rejects.toMatchObject({
      code: 'ERR_SDJWT_MALFORMED',
    });
  });

  it('maps the disclosed claims back to the DDCC core data set', async () => {
    const decoded = await sdJwtVcFormat.decode(sdJwt);
    const ddcc = await sdJwtVcFormat.coreDataSet(decoded.payload);
    expect(ddcc).toMatchObject({
      kind: 'vaccination',
      person: { name: { text: 'Bhaya Mitra' }, birthDate: '1994-09-01' },
      certificate: { hcid: '244768056', issuer: { id: ISSUER } },
      vaccination: { date: '2021-05-03', dose: 1 },
    });
    await expect(
      Promise.resolve().then(() => sdJwtVcFormat.coreDataSet({ ...(decoded.payload as object), name: undefined })),
    ).rejects.toMatchObject({ code: 'ERR_DDCC_CREDENTIAL_INVALID' });
  });

  it('a key listed for other formats only does not verify SD-JWT VCs (keyUse, decided by the verifier)', async () => {
    const trust = new Trust();
    trust.add({ issuer: ISSUER, jwks: key.metadata.jwks });
    expect((await verify(sdJwt, { trust, now: NOW })).valid).toBe(true); // control
    const listed = new Trust();
    listed.add({
      issuers: [{ id: key.kid, issuer: ISSUER, publicKeyJwk: key.metadata.jwks.keys[0], purposes: ['format:shc'] }],
    });
    const result = await verify(sdJwt, { trust: listed, now: NOW });
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.name === 'trust')?.code).toBe('ERR_TRUST_KEY_USE');
  });
});

describe('JWT VC Issuer Metadata as trust', () => {
  it('is recognised by Trust.add (object and text), keys bound to the issuer URL', () => {
    expect(isJwtVcIssuerMetadata(key.metadata)).toBe(true);
    const trust = new Trust();
    expect(trust.add(key.metadata)).toEqual({ kind: 'jwt-vc-issuer-metadata', keys: 1, issuers: 1 });
    const again = new Trust();
    expect(again.add(JSON.stringify(key.metadata), { name: 'Example issuer' })).toMatchObject({
      kind: 'jwt-vc-issuer-metadata',
    });
    const [trusted] = trust.store.resolve(`${ISSUER}#${key.kid}`) ?? [];
    expect(trusted?.controller).toBe(ISSUER);
  });

  it('refuses bad metadata and adds nothing (controls: the good one)', () => {
    const bad: [unknown, RegExp][] = [
      [{ issuer: 'http://issuer.example', jwks: key.metadata.jwks }, /https/],
      [{ issuer: `${ISSUER}?x=1`, jwks: key.metadata.jwks }, /https/],
      [{ issuer: ISSUER, jwks_uri: `${ISSUER}/jwks.json` }, /jwks_uri/],
      [{ issuer: ISSUER, jwks: { keys: [] } }, /no usable/],
      [{ issuer: ISSUER, jwks: { keys: [{ ...key.metadata.jwks.keys[0], d: 'AAAA' }] } }, /private/],
    ];
    for (const [json, message] of bad) {
      const trust = new Trust();
      expect(() => trust.add(json), JSON.stringify(json).slice(0, 80)).toThrow(message);
      expect(trust.store.size).toBe(0);
    }
    expect(() => new Trust().add(key.metadata, { issuer: OTHER_ISSUER })).toThrow(/another issuer/);
    expect(new Trust().add(key.metadata, { issuer: ISSUER }).keys).toBe(1);
  });

  it('the verifier names the issuer from the trust, and a credential naming another iss is INVALID', async () => {
    const trust = new Trust();
    trust.add(key.metadata);
    const ok = await verify(sdJwt, { trust, now: NOW });
    expect(ok.valid).toBe(true);
    expect(ok.issuer).toBe(ISSUER);
    const [jwt, ...rest] = sdJwt.split('~');
    const [h, p] = jwt!.split('.');
    const forged = [await forgeJwt(partJson(h!), { ...partJson(p!), iss: OTHER_ISSUER }, key.signer), ...rest].join(
      '~',
    );
    const result = await verify(forged, { trust, now: NOW });
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.name === 'trust')?.code).toBe('ERR_TRUST_ISSUER_MISMATCH');
  });
});

describe('divoc verify and divoc decode', () => {
  it('verify names the format and the issuer; decode prints the disclosed claims', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { runCli } = await import('@divoc/cli');
    const dir = await mkdtemp(join(tmpdir(), 'sd-jwt-cli-'));
    try {
      await writeFile(join(dir, 'cert.sd-jwt.txt'), `${sdJwt}\n`);
      await writeFile(join(dir, 'jwt-vc-issuer.json'), JSON.stringify(key.metadata));
      let out = '';
      const sink = { write: (s: string) => void (out += s) };
      const args = [join(dir, 'cert.sd-jwt.txt'), '--json', '--now', NOW.toISOString()];
      const code = await runCli(['verify', ...args, '--trust', join(dir, 'jwt-vc-issuer.json')], {
        stdout: sink,
        stderr: sink,
      });
      expect(code, out).toBe(0);
      expect(out).toContain('"sd-jwt-vc"');
      expect(out).toContain(ISSUER);
      // Control: without the issuer's metadata the same file is not valid.
      out = '';
      expect(await runCli(['verify', ...args], { stdout: sink, stderr: sink })).not.toBe(0);
      out = '';
      expect(await runCli(['decode', join(dir, 'cert.sd-jwt.txt')], { stdout: sink, stderr: sink }), out).toBe(0);
      expect(out).toContain('Bhaya Mitra');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Token Status List revocation through @divoc/verifier', () => {
  it('revoked, suspended, valid, another issuer’s list, no list (each with its control)', async () => {
    const { createStatusListToken } = await import('@divoc/sd-jwt');
    const other = await issuerKey(OTHER_ISSUER);
    const trust = new Trust();
    trust.add(key.metadata);
    trust.add(other.metadata);
    const uri = `${ISSUER}/status/1`;
    const withStatus = await issueSdJwtVc(vaccination(), {
      signer: key.signer,
      issuer: ISSUER,
      issuedAt: ISSUED_AT,
      status: { uri, idx: 2 },
    });
    const list = (statuses: number[], signer = key.signer, bits: 1 | 2 = 1) =>
      createStatusListToken({ signer, issuer: ISSUER, uri, statuses, bits, issuedAt: NOW });
    const revocation = async (tokenStatusLists: unknown[], requireRevocationData = false) => {
      const result = await verify(withStatus, {
        trust,
        now: NOW,
        revocation: { tokenStatusLists },
        policy: { requireRevocationData },
      });
      return { valid: result.valid, check: result.checks.find((c) => c.name === 'revocation') };
    };
    expect(await revocation([await list([0, 0, 0, 0])])).toEqual({
      valid: true,
      check: { name: 'revocation', ok: true },
    });
    expect(await revocation([await list([0, 0, 1, 0])])).toMatchObject({
      valid: false,
      check: { ok: false, code: 'ERR_STATUS_REVOKED' },
    });
    expect(await revocation([await list([0, 0, 2, 0], key.signer, 2)])).toMatchObject({
      valid: false,
      check: { ok: false, code: 'ERR_STATUS_SUSPENDED' },
    });
    // A list signed by a key trusted for another issuer never speaks for this credential.
    expect(await revocation([await list([0, 0, 0, 0], other.signer)])).toMatchObject({
      valid: false,
      check: { ok: false, code: 'ERR_SDJWT_STATUS_LIST_INVALID' },
    });
    // No list for the entry's uri: not checked (a warning), or a failure when the policy requires revocation data.
    const elsewhere = await createStatusListToken({
      signer: key.signer,
      issuer: ISSUER,
      uri: `${ISSUER}/x`,
      statuses: [1],
    });
    expect(await revocation([elsewhere])).toMatchObject({ valid: true, check: { ok: true } });
    expect((await revocation([elsewhere], true)).valid).toBe(false);
  });

  it('divoc verify --status reads a status list token file', async () => {
    const { createStatusListToken } = await import('@divoc/sd-jwt');
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { runCli } = await import('@divoc/cli');
    const uri = `${ISSUER}/status/1`;
    const withStatus = await issueSdJwtVc(vaccination(), {
      signer: key.signer,
      issuer: ISSUER,
      issuedAt: ISSUED_AT,
      status: { uri, idx: 0 },
    });
    const dir = await mkdtemp(join(tmpdir(), 'sd-jwt-status-'));
    try {
      await writeFile(join(dir, 'cert.txt'), withStatus);
      await writeFile(join(dir, 'issuer.json'), JSON.stringify(key.metadata));
      const run = async (statuses: number[]) => {
        await writeFile(
          join(dir, 'list.jwt'),
          await createStatusListToken({ signer: key.signer, issuer: ISSUER, uri, statuses }),
        );
        let out = '';
        const sink = { write: (s: string) => void (out += s) };
        const code = await runCli(
          [
            'verify',
            join(dir, 'cert.txt'),
            '--trust',
            join(dir, 'issuer.json'),
            '--status',
            join(dir, 'list.jwt'),
            '--json',
            '--now',
            NOW.toISOString(),
          ],
          { stdout: sink, stderr: sink },
        );
        return { code, out };
      };
      expect((await run([0])).code).toBe(0);
      const revoked = await run([1]);
      expect(revoked.code).not.toBe(0);
      expect(revoked.out).toContain('ERR_STATUS_REVOKED');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
