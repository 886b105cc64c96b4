import { cp, mkdir, readFile, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { createSigner, importKeyPair } from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { dccRevocationHashes } from '@divoc/status';
import { issueCredential } from '@divoc/vc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/lib/io.js';
import { openStatusAssigner, signsNewCredential } from '../src/lib/status-assign.js';
import { DIVOC_ED25519_KEY, issueArgv, ndjson, run, vectorPath, withTempDir } from './helpers.js';
import { type VerifyLine as Line, verifyLines as lines } from './helpers.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

const revocationOf = (line: Line | undefined) => line?.checks.find((c) => c.name === 'revocation');

let dir: string;
let io: CliIo;

const RECORD = {
  refId: 'S-1',
  name: 'Asha Verma',
  dob: '1990-01-15',
  gender: 'Female',
  vaccine: 'COVISHIELD',
  manufacturer: 'Serum Institute of India',
  batch: 'B-1',
  vaccinationDate: '2021-09-01',
  dose: 1,
  totalDoses: 2,
  country: 'IN',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'divoc-status-'));
  io = { stdout: { write: () => true }, stderr: { write: () => true }, stdin: Readable.from([]), cwd: dir, env: {} };
  const gen = await run(['keys', 'generate', '--type', 'ed25519', '--out', 'issuer.key.json'], { cwd: dir });
  expect(gen.code, gen.stderr).toBe(0);
  await writeFile(join(dir, 'issuer.trust.json'), gen.stdout);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Issues one W3C VC with a status entry from each state file, through the hook `divoc issue --status-list` uses
 * (src/lib/status-assign.ts), signed with the issuer key file.
 */
async function issueWithStatus(
  name: string,
  lists: string[],
  record: Record<string, unknown> = RECORD,
): Promise<string> {
  const keyFile = JSON.parse(await readFile(join(dir, 'issuer.key.json'), 'utf8')) as {
    privateKeyPem: string;
    id: string;
    controller: string;
  };
  const signer = createSigner(importKeyPair({ pem: keyFile.privateKeyPem }), { id: keyFile.id });
  const assigner = await openStatusAssigner(io, lists);
  try {
    const unsigned = buildCredential('vaccination', { ...record, certificateId: name }, { issuer: keyFile.controller });
    const withStatus = assigner ? assigner.assign(unsigned) : unsigned;
    await assigner?.flush();
    const signed = await issueCredential(withStatus as never, { signer, suite: 'Ed25519Signature2020' });
    const file = join(dir, `${name}.json`);
    await writeFile(file, JSON.stringify(signed, null, 2));
    return file;
  } finally {
    await assigner?.close();
  }
}

async function verifyWithStatus(
  file: string,
  status: string[],
): Promise<{ code: number; line: Line | undefined; stderr: string }> {
  const r = await run(
    ['verify', '--json', '--trust', 'issuer.trust.json', ...status.flatMap((s) => ['--status', s]), file],
    { cwd: dir },
  );
  return { code: r.code, line: lines(r.stdout)[0], stderr: r.stderr };
}

describe(
  'divoc status: revocation round trip (create → issue with an entry → publish → verify → revoke → ' +
    'publish → verify)',
  () => {
    it(
      'a revoked credential is INVALID with ERR_STATUS_REVOKED; ' + 'until then VALID with a passing revocation check',
      async () => {
        const created = await run(
          ['status', 'create', '--id', 'https://issuer.example/status/rev-1', '--out', 'rev.json'],
          { cwd: dir },
        );
        expect(created.code, created.stderr).toBe(0);
        expect(JSON.parse(created.stdout)).toMatchObject({
          list: 'rev.json',
          id: 'https://issuer.example/status/rev-1',
          statusPurpose: 'revocation',
          length: 131072,
          allocation: 'random',
        });

        const cred = await issueWithStatus('rt-1', ['rev.json']);
        const entry = (
          JSON.parse(await readFile(cred, 'utf8')) as {
            credentialStatus: { statusListIndex: string; statusListCredential: string };
          }
        ).credentialStatus;
        expect(entry.statusListCredential).toBe('https://issuer.example/status/rev-1');
        const shown = await run(['status', 'show', '--list', 'rev.json', '--json'], { cwd: dir });
        expect(JSON.parse(shown.stdout)).toMatchObject({ kind: 'state', allocated: 1, set: [] });

        const pub = await run(
          ['status', 'publish', '--list', 'rev.json', '--key', 'issuer.key.json', '--out', 'rev.published.json'],
          { cwd: dir },
        );
        expect(pub.code, pub.stderr).toBe(0);
        expect(JSON.parse(pub.stdout)).toMatchObject({
          out: 'rev.published.json',
          statusPurpose: 'revocation',
          set: 0,
        });

        const ok = await verifyWithStatus(cred, ['rev.published.json']);
        expect(ok.line?.valid, JSON.stringify(ok.line)).toBe(true);
        expect(ok.code).toBe(0);
        expect(revocationOf(ok.line)).toMatchObject({ ok: true });

        const revoked = await run(['status', 'revoke', '--list', 'rev.json', '--index', entry.statusListIndex], {
          cwd: dir,
        });
        expect(revoked.code, revoked.stderr).toBe(0);
        expect(revoked.stdout).toBe(`revoked ${entry.statusListIndex}\n`);
        // The old published list still says "not revoked": verifiers see the change only once it is republished.
        expect((await verifyWithStatus(cred, ['rev.published.json'])).code).toBe(0);
        expect(
          (
            await run(
              ['status', 'publish', '--list', 'rev.json', '--key', 'issuer.key.json', '--out', 'rev.published.json'],
              { cwd: dir },
            )
          ).code,
        ).toBe(0);

        const bad = await verifyWithStatus(cred, ['rev.published.json']);
        expect(bad.code).toBe(1);
        expect(bad.line?.valid).toBe(false);
        expect(revocationOf(bad.line)).toMatchObject({ ok: false, code: 'ERR_STATUS_REVOKED' });
        // Everything else still passes: only revocation failed.
        expect(bad.line?.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['revocation']);

        // Human output says why, and shows who and what.
        const human = await run(['verify', '--trust', 'issuer.trust.json', '--status', 'rev.published.json', cred], {
          cwd: dir,
        });
        expect(human.code).toBe(1);
        expect(human.stdout).toMatch(/^INVALID/);
        expect(human.stdout).toContain('✘ revocation ERR_STATUS_REVOKED');
        expect(human.stdout).toContain('Asha Verma');

        // Revoking again is a no-op; the published list shows the index.
        const again = await run(['status', 'revoke', '--list', 'rev.json', '--index', entry.statusListIndex], {
          cwd: dir,
        });
        expect(again.stdout).toBe(`already revoked ${entry.statusListIndex}\n`);
        const showPublished = await run(['status', 'show', '--list', 'rev.published.json', '--json'], { cwd: dir });
        expect(JSON.parse(showPublished.stdout)).toMatchObject({
          kind: 'published',
          set: [Number(entry.statusListIndex)],
        });
      },
    );

    it('revoke --credential FILE reads the entry from the credential', async () => {
      await run(
        [
          'status',
          'create',
          '--id',
          'https://issuer.example/status/rev-2',
          '--out',
          'rev2.json',
          '--allocation',
          'sequential',
        ],
        { cwd: dir },
      );
      const a = await issueWithStatus('rc-a', ['rev2.json']);
      const b = await issueWithStatus('rc-b', ['rev2.json'], { ...RECORD, refId: 'S-2', name: 'Ravi Kumar' });
      const r = await run(['status', 'revoke', '--list', 'rev2.json', '--credential', b], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`revoked 1 (${b})\n`);
      await run(
        [
          'status',
          'publish',
          '--list',
          'rev2.json',
          '--key',
          'issuer.key.json',
          '--out',
          'rev2.pub.json',
          '--valid-days',
          '1',
        ],
        { cwd: dir },
      );
      expect((await verifyWithStatus(a, ['rev2.pub.json'])).code).toBe(0);
      expect(revocationOf((await verifyWithStatus(b, ['rev2.pub.json'])).line)).toMatchObject({
        ok: false,
        code: 'ERR_STATUS_REVOKED',
      });
      // A credential from another list is refused (exit 2), and nothing changes.
      const other = await run(['status', 'revoke', '--list', 'rev.json', '--credential', a], { cwd: dir });
      expect(other.code).toBe(2);
      expect(other.stderr).toContain('has no credentialStatus entry');
    });

    it(
      'a credential whose status list was not given still verifies (no list, no revocation check failure); ' +
        'a list from another issuer is refused',
      async () => {
        const cred = join(dir, 'rt-1.json');
        const none = await verifyWithStatus(cred, []);
        expect(none.code).toBe(0);
        // Valid, and the revocation check says it was not checked.
        expect(revocationOf(none.line)).toMatchObject({ ok: true, code: 'WARN_REVOCATION_NOT_CHECKED' });
        const required = await run(['verify', '--json', '--require-status', '--trust', 'issuer.trust.json', cred], {
          cwd: dir,
        });
        expect(required.code, required.stdout + required.stderr).toBe(1);
        expect(revocationOf(JSON.parse(required.stdout.trim()))).toMatchObject({
          ok: false,
          code: 'ERR_STATUS_LIST_MISSING',
        });
        // Status lists given, but not the credential's: fail closed.
        const otherList = await verifyWithStatus(cred, ['rev2.pub.json']);
        expect(otherList.code).toBe(1);
        expect(revocationOf(otherList.line)).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_MISSING' });
        // A list signed by a key the verifier does not trust cannot revoke (or clear) anything.
        await withTempDir(async (other) => {
          await run(['keys', 'generate', '--type', 'ed25519', '--out', 'other.key.json'], { cwd: other });
          await run(['status', 'create', '--id', 'https://issuer.example/status/rev-1', '--out', 'l.json'], {
            cwd: other,
          });
          await run(['status', 'publish', '--list', 'l.json', '--key', 'other.key.json', '--out', 'l.pub.json'], {
            cwd: other,
          });
          const forged = await verifyWithStatus(cred, [join(other, 'l.pub.json')]);
          expect(forged.code).toBe(1);
          expect(revocationOf(forged.line)).toMatchObject({ ok: false, code: 'ERR_STATUS_LIST_INVALID' });
        });
      },
    );
  },
);

describe('divoc status: suspension round trip', () => {
  it('suspend → INVALID with ERR_STATUS_SUSPENDED; unsuspend → VALID again', async () => {
    expect(
      (
        await run(
          [
            'status',
            'create',
            '--id',
            'https://issuer.example/status/sus-1',
            '--out',
            'sus.json',
            '--purpose',
            'suspension',
          ],
          { cwd: dir },
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await run(['status', 'create', '--id', 'https://issuer.example/status/rev-3', '--out', 'rev3.json'], {
          cwd: dir,
        })
      ).code,
    ).toBe(0);
    // One entry per list: a revocation and a suspension entry.
    const cred = await issueWithStatus('sus-1', ['rev3.json', 'sus.json']);
    const status = (
      JSON.parse(await readFile(cred, 'utf8')) as {
        credentialStatus: { statusPurpose: string; statusListIndex: string }[];
      }
    ).credentialStatus;
    expect(status.map((s) => s.statusPurpose)).toEqual(['revocation', 'suspension']);
    const index = status[1]?.statusListIndex as string;
    const publish = async () => {
      expect(
        (
          await run(['status', 'publish', '--list', 'sus.json', '--key', 'issuer.key.json', '--out', 'sus.pub.json'], {
            cwd: dir,
          })
        ).code,
      ).toBe(0);
      expect(
        (
          await run(
            ['status', 'publish', '--list', 'rev3.json', '--key', 'issuer.key.json', '--out', 'rev3.pub.json'],
            { cwd: dir },
          )
        ).code,
      ).toBe(0);
    };
    await publish();
    expect((await verifyWithStatus(cred, ['sus.pub.json', 'rev3.pub.json'])).code).toBe(0);

    expect((await run(['status', 'suspend', '--list', 'sus.json', '--index', index], { cwd: dir })).stdout).toBe(
      `suspended ${index}\n`,
    );
    await publish();
    const suspended = await verifyWithStatus(cred, ['sus.pub.json', 'rev3.pub.json']);
    expect(suspended.code).toBe(1);
    expect(revocationOf(suspended.line)).toMatchObject({ ok: false, code: 'ERR_STATUS_SUSPENDED' });

    expect((await run(['status', 'unsuspend', '--list', 'sus.json', '--index', index], { cwd: dir })).stdout).toBe(
      `unsuspended ${index}\n`,
    );
    await publish();
    expect((await verifyWithStatus(cred, ['sus.pub.json', 'rev3.pub.json'])).code).toBe(0);

    // Wrong purpose: suspend on a revocation list, revoke on a suspension list.
    const wrong = await run(
      ['status', 'suspend', '--list', 'rev3.json', '--index', status[0]?.statusListIndex as string],
      { cwd: dir },
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('ERR_STATUS_PURPOSE_MISMATCH');
    expect((await run(['status', 'revoke', '--list', 'sus.json', '--index', index], { cwd: dir })).code).toBe(2);
  });
});

describe('divoc verify --status: DIVOC, SMART Health Card and EU DCC revocation lists', () => {
  it(
    'a DIVOC revocation list naming the certificate (or an earlier version of it) revokes it; ' +
      'one that does not, does not',
    async () => {
      // DIVOC revokes by certificate id (evidence[0].certificateId); a credential without credentialStatus.
      const cert = await issueWithStatus('divoc-244768056', []);
      await writeFile(
        join(dir, 'divoc-revoked.json'),
        JSON.stringify({
          revoked: [{ certificateId: 'divoc-244768056', revokedAt: '2021-09-01T00:00:00Z', reason: 'issued in error' }],
        }),
      );
      await writeFile(
        join(dir, 'divoc-replaced.json'),
        JSON.stringify({ replaced: [{ certificateId: 'divoc-244768057', previous: ['divoc-244768056'] }] }),
      );
      await writeFile(
        join(dir, 'divoc-other.json'),
        JSON.stringify({
          revoked: [{ certificateId: 999999 }],
          replaced: [{ certificateId: '1000', previous: ['999'] }],
        }),
      );
      for (const list of ['divoc-revoked.json', 'divoc-replaced.json']) {
        const bad = await verifyWithStatus(cert, [list]);
        expect(bad.code, list).toBe(1);
        expect(revocationOf(bad.line), list).toMatchObject({ ok: false, code: 'ERR_STATUS_REVOKED' });
      }
      const ok = await verifyWithStatus(cert, ['divoc-other.json']);
      expect(ok.code, JSON.stringify(ok.line)).toBe(0);
      expect(revocationOf(ok.line)).toMatchObject({ ok: true });
      // DIVOC's own signed certificate: its trust and the list together.
      const divoc = vectorPath('divoc/signed/ed25519-2018-divocdev-valid.json');
      const r = await run(['verify', '--json', '--trust', DIVOC_ED25519_KEY, '--status', 'divoc-other.json', divoc], {
        cwd: dir,
      });
      expect(r.code, r.stdout).toBe(0);
    },
  );

  it("an SHC revocation list with the card's rid revokes it", async () => {
    const jwks = vectorPath('shc/examples/issuer/.well-known/jwks.json');
    const trust = `https://spec.smarthealth.cards/examples/issuer=${jwks}`;
    const card = vectorPath('shc/examples/example-00-e-file.smart-health-card');
    const kid = '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s';
    await writeFile(join(dir, 'shc-crl.json'), JSON.stringify({ kid, method: 'rid', ctr: 2, rids: ['MKyCxh7p6uQ'] }));
    await writeFile(
      join(dir, 'shc-crl-other.json'),
      JSON.stringify({ kid, method: 'rid', ctr: 2, rids: ['FKDIxsTCGlU'] }),
    );
    const bad = await run(['verify', '--json', '--trust', trust, '--status', 'shc-crl.json', card], { cwd: dir });
    expect(bad.code, bad.stdout + bad.stderr).toBe(1);
    expect(revocationOf(lines(bad.stdout)[0])).toMatchObject({ ok: false, code: 'ERR_STATUS_REVOKED' });
    const ok = await run(['verify', '--json', '--trust', trust, '--status', 'shc-crl-other.json', card], { cwd: dir });
    expect(ok.code, ok.stdout).toBe(0);
  });

  it('an issuer folder names its issuer in iss.txt; its crl/ revokes, --status adds a newer list', async () => {
    await mkdir(join(dir, 'shc-issuer/.well-known/crl'), { recursive: true });
    await cp(vectorPath('shc/examples/issuer/.well-known/jwks.json'), join(dir, 'shc-issuer/.well-known/jwks.json'));
    await writeFile(join(dir, 'shc-issuer/iss.txt'), 'https://spec.smarthealth.cards/examples/issuer\n');
    const card = vectorPath('shc/examples/example-00-e-file.smart-health-card');
    const ok = await run(['verify', '--json', '--trust', 'shc-issuer', card], { cwd: dir });
    expect(lines(ok.stdout)[0]?.valid, ok.stdout + ok.stderr).toBe(true);
    await writeFile(
      join(dir, 'shc-issuer/.well-known/crl/3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json'),
      JSON.stringify({
        kid: '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s',
        method: 'rid',
        ctr: 1,
        rids: ['MKyCxh7p6uQ'],
      }),
    );
    const revoked = await run(['verify', '--json', '--trust', 'shc-issuer', card], { cwd: dir });
    expect(revocationOf(lines(revoked.stdout)[0])).toMatchObject({ ok: false, code: 'ERR_STATUS_REVOKED' });
    // Bound to another issuer, the folder's keys do not verify the card.
    const other = await run(['verify', '--json', '--trust', 'https://other.example=shc-issuer', card], { cwd: dir });
    expect(other.code).toBe(1);
  });

  it('a DCC revocation list (UCI hash, per kid) revokes the certificate', async () => {
    const c = JSON.parse(await readFile(vectorPath('dcc/dgc-testdata/DE/2DCode/raw/1.json'), 'utf8')) as {
      PREFIX: string;
      TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string };
    };
    await writeFile(join(dir, 'de1.txt'), c.PREFIX);
    await writeFile(join(dir, 'de1.crt'), c.TESTCTX.CERTIFICATE);
    const decoded = ndjson((await run(['decode', '--json', 'de1.txt'], { cwd: dir })).stdout)[0] as {
      header: { kid: string };
      payload: { v: { ci: string }[] };
    };
    const uci = decoded.payload.v[0]?.ci as string;
    const hashes = dccRevocationHashes({ uci });
    await writeFile(
      join(dir, 'dcc-list.json'),
      JSON.stringify([{ kid: decoded.header.kid, hashType: 'UCI', hashes: [hashes.UCI] }]),
    );
    await writeFile(
      join(dir, 'dcc-list-other.json'),
      JSON.stringify({
        kid: decoded.header.kid,
        hashType: 'UCI',
        hashes: [dccRevocationHashes({ uci: 'URN:UVCI:01:DE:OTHER' }).UCI],
      }),
    );
    const args = ['verify', '--json', '--trust', 'de1.crt', '--now', c.TESTCTX.VALIDATIONCLOCK];
    const bad = await run([...args, '--status', 'dcc-list.json', 'de1.txt'], { cwd: dir });
    expect(bad.code, bad.stdout + bad.stderr).toBe(1);
    expect(revocationOf(lines(bad.stdout)[0])).toMatchObject({ ok: false, code: 'ERR_STATUS_REVOKED' });
    const ok = await run([...args, '--status', 'dcc-list-other.json', 'de1.txt'], { cwd: dir });
    expect(ok.code, ok.stdout).toBe(0);
  });
});

describe('divoc verify --status: bad files are exit 2, naming the file', () => {
  it.each([
    ['garbage', 'this is not json'],
    ['empty', ''],
    ['unknown shape', '{"hello": "world"}'],
    ['empty array', '[]'],
    ['bad DIVOC list', '{"revoked": [{"certificateId": ""}]}'],
    ['bad SHC CRL', '{"kid": "k", "method": "rid", "ctr": "x", "rids": [1]}'],
    ['bad DCC list', '{"kid": "!!", "hashType": "UCI", "hashes": []}'],
    [
      'forged status list',
      '{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential", ' +
        '"BitstringStatusListCredential"], "id": "https://x.example/l", "issuer": "did:example:1", ' +
        '"credentialSubject": {"type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": ' +
        '"uNOTGZIP"}}',
    ],
  ])('%s', async (name, content) => {
    const file = `bad-status-${name.replace(/\s/g, '-')}.json`;
    await writeFile(join(dir, file), content);
    const r = await run(['verify', '--trust', 'issuer.trust.json', '--status', file, join(dir, 'rt-1.json')], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/\(ERR_STATUS_FILE_INVALID\)/);
  });

  it('a GZIP bomb in a status list credential is refused (bounded inflate), exit 2', async () => {
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024), { level: 9 });
    const credential = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      id: 'https://issuer.example/status/bomb',
      issuer: 'did:example:1',
      credentialSubject: {
        id: 'https://issuer.example/status/bomb#list',
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList: `u${bomb.toString('base64url')}`,
      },
    };
    await writeFile(join(dir, 'bomb.json'), JSON.stringify(credential));
    const r = await run(['verify', '--status', 'bomb.json', join(dir, 'rt-1.json')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bomb\.json: .*ERR_STATUS_LIST_INVALID/);
  });

  it(
    "an array of lists that each inflate to the 16 MiB cap stops at the library's 64 MiB total, exit 2; " +
      'four are read',
    async () => {
      const encodedList = `u${gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 }).toString('base64url')}`;
      const list = (i: number) => ({
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        id: `https://issuer.example/status/big/${i}`,
        issuer: 'did:example:1',
        credentialSubject: {
          id: `https://issuer.example/status/big/${i}#list`,
          type: 'BitstringStatusList',
          statusPurpose: 'revocation',
          encodedList,
        },
      });
      // 300 lists: 4.7 GiB of bitstrings inflated one after the other without a total budget.
      await writeFile(join(dir, 'many-big.json'), JSON.stringify(Array.from({ length: 300 }, (_, i) => list(i))));
      const started = process.hrtime.bigint();
      const r = await run(['verify', '--status', 'many-big.json', join(dir, 'rt-1.json')], { cwd: dir });
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(3000);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /many-big\.json: \[4\] the status lists' bitstrings exceed 67108864 bytes in all \(ERR_STATUS_LIST_INVALID\)/,
      );
      // Control: four such lists (64 MiB) are within the budget and read; verifying then goes ahead.
      await writeFile(join(dir, 'four-big.json'), JSON.stringify(Array.from({ length: 4 }, (_, i) => list(i))));
      const four = await run(
        ['verify', '--json', '--trust', 'issuer.trust.json', '--status', 'four-big.json', join(dir, 'rt-1.json')],
        { cwd: dir },
      );
      expect(four.code, four.stderr).not.toBe(2);
      expect(lines(four.stdout)).toHaveLength(1);
    },
  );

  it('a missing --status file is exit 2; a state file given to --status says to publish it', async () => {
    const missing = await run(['verify', '--status', 'nope.json', join(dir, 'rt-1.json')], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json');
    const state = await run(['verify', '--status', 'rev.json', join(dir, 'rt-1.json')], { cwd: dir });
    expect(state.code).toBe(2);
    expect(state.stderr).toContain('divoc status publish');
  });
});

describe('divoc status: usage and hostile state files', () => {
  it('create refuses to replace a list without --force; bad --id / --length are usage errors', async () => {
    await run(['status', 'create', '--id', 'https://issuer.example/s/x', '--out', 'x.json'], { cwd: dir });
    const again = await run(['status', 'create', '--id', 'https://issuer.example/s/x', '--out', 'x.json'], {
      cwd: dir,
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('ERR_FILE_EXISTS');
    expect(
      (
        await run(
          [
            'status',
            'create',
            '--id',
            'https://issuer.example/s/x',
            '--out',
            'x.json',
            '--force',
            '--length',
            '262144',
          ],
          { cwd: dir },
        )
      ).code,
    ).toBe(0);
    for (const argv of [
      ['status', 'create', '--id', 'not a url', '--out', 'y.json'],
      ['status', 'create', '--id', 'https://x.example/l#frag', '--out', 'y.json'],
      ['status', 'create', '--id', 'https://x.example/l', '--out', 'y.json', '--length', '8'],
      ['status', 'create', '--id', 'https://x.example/l', '--out', 'y.json', '--length', '131073'],
      ['status', 'create', '--id', 'https://x.example/l', '--out', 'y.json', '--purpose', 'message'],
      ['status', 'create', '--out', 'y.json'],
      ['status'],
      ['status', 'frobnicate'],
      ['status', 'revoke', '--list', 'x.json'],
      ['status', 'revoke', '--list', 'x.json', '--index', '-1'],
      ['status', 'revoke', '--list', 'x.json', '--index', '262144'],
      ['status', 'publish', '--list', 'x.json', '--key', 'issuer.key.json', '--out', 'p.json', '--valid-days', '0'],
      [
        'status',
        'publish',
        '--list',
        'x.json',
        '--key',
        'issuer.key.json',
        '--out',
        'p.json',
        '--suite',
        'RsaSignature2018',
      ],
      ['status', 'publish', '--list', 'x.json', '--key', 'issuer.trust.json', '--out', 'p.json'],
    ]) {
      const r = await run(argv, { cwd: dir });
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(2);
    }
    await expect(stat(join(dir, 'y.json'))).rejects.toThrow();
  });

  it('revoking an index never handed out needs --force; a held lock is ERR_STATUS_LIST_LOCKED', async () => {
    await run(['status', 'create', '--id', 'https://issuer.example/s/z', '--out', 'z.json'], { cwd: dir });
    const refused = await run(['status', 'revoke', '--list', 'z.json', '--index', '7'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('never handed out');
    expect((await run(['status', 'revoke', '--list', 'z.json', '--index', '7', '--force'], { cwd: dir })).code).toBe(0);
    await writeFile(join(dir, 'z.json.lock'), '12345\n');
    const locked = await run(['status', 'revoke', '--list', 'z.json', '--index', '8', '--force'], { cwd: dir });
    expect(locked.code).toBe(2);
    expect(locked.stderr).toContain('ERR_STATUS_LIST_LOCKED');
    await rm(join(dir, 'z.json.lock'));
    const shown = await run(['status', 'show', '--list', 'z.json'], { cwd: dir });
    expect(shown.stdout).toContain('revoked:   1 (7)');
  });

  it.each([
    ['not JSON', 'garbage'],
    ['wrong type', '{"type": "Other", "version": 1}'],
    ['truncated', '{"type": "DivocStatusList", "version": 1, "id": "https://x.example/l"'],
    ['forged allocatedCount', 'FORGE'],
  ])('a broken state file (%s) is exit 2 and is left untouched', async (name, content) => {
    let text = content;
    if (content === 'FORGE') {
      const good = JSON.parse(await readFile(join(dir, 'z.json'), 'utf8')) as Record<string, unknown>;
      text = JSON.stringify({ ...good, allocatedCount: 99 });
    }
    const file = `broken-${name.replace(/\s/g, '-')}.json`;
    await writeFile(join(dir, file), text);
    for (const argv of [
      ['status', 'revoke', '--list', file, '--index', '1', '--force'],
      ['status', 'show', '--list', file],
      ['status', 'publish', '--list', file, '--key', 'issuer.key.json', '--out', 'never.json'],
    ]) {
      const r = await run(argv, { cwd: dir });
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(file);
    }
    expect(await readFile(join(dir, file), 'utf8')).toBe(text);
    await expect(stat(join(dir, `${file}.lock`))).rejects.toThrow();
  });

  it('the issue hook: one list per purpose, and the lists stay locked while issuing', async () => {
    await run(['status', 'create', '--id', 'https://issuer.example/s/h1', '--out', 'h1.json'], { cwd: dir });
    await run(['status', 'create', '--id', 'https://issuer.example/s/h2', '--out', 'h2.json'], { cwd: dir });
    await expect(openStatusAssigner(io, ['h1.json', 'h2.json'])).rejects.toMatchObject({ code: 'ERR_CLI_USAGE' });
    await expect(openStatusAssigner(io, ['h1.json', 'missing.json'])).rejects.toMatchObject({
      code: 'ERR_INPUT_UNREADABLE',
    });
    // Failed opens released their locks.
    const assigner = await openStatusAssigner(io, ['h1.json']);
    try {
      const busy = await run(['status', 'revoke', '--list', 'h1.json', '--index', '1', '--force'], { cwd: dir });
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain('ERR_STATUS_LIST_LOCKED');
      const entries = assigner?.allocate() ?? [];
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListCredential: 'https://issuer.example/s/h1',
      });
    } finally {
      await assigner?.close();
    }
    // close() flushed the allocation and released the lock.
    const shown = JSON.parse((await run(['status', 'show', '--list', 'h1.json', '--json'], { cwd: dir })).stdout) as {
      allocated: number;
    };
    expect(shown.allocated).toBe(1);
    expect((await run(['status', 'revoke', '--list', 'h1.json', '--index', '1', '--force'], { cwd: dir })).code).toBe(
      0,
    );
  });

  it('signsNewCredential: entries only for records whose W3C VC is still to be signed', async () => {
    await withTempDir(async (out) => {
      expect(await signsNewCredential(out, ['vc', 'dcc'], 'c1')).toBe(true);
      expect(await signsNewCredential(out, ['dcc', 'shc'], 'c1')).toBe(false);
      expect(await signsNewCredential(out, ['divoc-qr'], 'c1')).toBe(true);
      await writeFile(join(out, 'c1.json'), '{}');
      // vc exists: divoc-qr / vc-compact reuse it, so no new entry.
      expect(await signsNewCredential(out, ['vc', 'divoc-qr'], 'c1')).toBe(false);
      await writeFile(join(out, 'c2.divoc-qr.txt'), 'x');
      expect(await signsNewCredential(out, ['divoc-qr'], 'c2')).toBe(false);
      expect(await signsNewCredential(out, ['divoc-qr', 'vc-compact'], 'c2')).toBe(true);
    });
  });

  it('every status subcommand has --help', async () => {
    for (const sub of ['create', 'revoke', 'suspend', 'unsuspend', 'publish', 'show']) {
      const r = await run(['status', sub, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: divoc status ${sub}`);
    }
    expect((await run(['status', '--help'])).stdout).toContain('Usage: divoc status');
    expect((await run(['help', 'status'])).code).toBe(0);
  });
});

describe('divoc issue --status-list', () => {
  it(
    'gives each new VC a distinct entry, never re-allocates on a rerun, and the revoke → publish → verify ' +
      'loop works',
    async () => {
      const created = await run(
        [
          'status',
          'create',
          '--id',
          'https://issuer.example/status/bulk-1',
          '--out',
          'bulk-rev.json',
          '--allocation',
          'sequential',
        ],
        { cwd: dir },
      );
      expect(created.code, created.stderr).toBe(0);
      const rows = [
        'refId,name,dob,gender,vaccine,manufacturer,batch,vaccinationDate,dose,totalDoses,country',
        'B-1,Asha Verma,1990-01-15,Female,COVISHIELD,Serum Institute of India,X1,2021-09-01,1,2,IN',
        'B-2,Ravi Kumar,1985-03-02,Male,COVAXIN,Bharat Biotech,X2,2021-09-02,1,2,IN',
        'B-3,Meena Das,1979-12-30,Female,COVISHIELD,Serum Institute of India,X3,2021-09-03,2,2,IN',
      ];
      await writeFile(join(dir, 'bulk.csv'), `${rows.join('\n')}\n`);
      const args = issueArgv(
        { key: 'issuer.key.json', in: 'bulk.csv', out: 'bulk-out' },
        '--status-list',
        'bulk-rev.json',
        '--workers',
        '0',
      );
      const first = await run(args, { cwd: dir });
      expect(first.code, first.stderr).toBe(0);
      const index = ndjson(await readFile(join(dir, 'bulk-out', 'index.ndjson'), 'utf8')) as unknown as {
        certificateId: string;
      }[];
      expect(index).toHaveLength(3);
      const statusOf = async (id: string) =>
        (
          JSON.parse(await readFile(join(dir, 'bulk-out', `${id}.json`), 'utf8')) as {
            credentialStatus: { statusListIndex: string; statusListCredential: string };
          }
        ).credentialStatus;
      const entries = await Promise.all(index.map((e) => statusOf(e.certificateId)));
      expect(new Set(entries.map((e) => e.statusListIndex)).size).toBe(3);
      for (const e of entries) expect(e.statusListCredential).toBe('https://issuer.example/status/bulk-1');

      // A rerun issues nothing and allocates nothing.
      const again = await run(args, { cwd: dir });
      expect(again.code, again.stderr).toBe(0);
      const shown = await run(['status', 'show', '--list', 'bulk-rev.json', '--json'], { cwd: dir });
      expect(JSON.parse(shown.stdout)).toMatchObject({ kind: 'state', allocated: 3 });

      const target = join('bulk-out', `${index[1]!.certificateId}.json`);
      expect(
        (await run(['status', 'revoke', '--list', 'bulk-rev.json', '--credential', target], { cwd: dir })).code,
      ).toBe(0);
      expect(
        (
          await run(
            ['status', 'publish', '--list', 'bulk-rev.json', '--key', 'issuer.key.json', '--out', 'bulk-rev.pub.json'],
            { cwd: dir },
          )
        ).code,
      ).toBe(0);
      const verified = await run(
        [
          'verify',
          '--json',
          '--trust',
          'issuer.trust.json',
          '--status',
          'bulk-rev.pub.json',
          ...index.map((e) => join('bulk-out', `${e.certificateId}.json`)),
        ],
        { cwd: dir },
      );
      expect(verified.code).toBe(1);
      const results = lines(verified.stdout);
      expect(results.map((l) => l.valid)).toEqual([true, false, true]);
      expect(revocationOf(results[1])).toMatchObject({ ok: false, code: 'ERR_STATUS_REVOKED' });
    },
  );
});
