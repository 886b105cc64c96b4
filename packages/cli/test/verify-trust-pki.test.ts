import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDevelopmentCsca, createDevelopmentSigner } from '@divoc/dcc';
import { developmentGateway } from '../../dcc/test/gateway.js';
import { sampleHc1 as hc1Of } from '../../dcc/test/helpers.js';
import { ndjson, run, vectorPath, withTempDir } from './helpers.js';

/** `divoc verify --trust` with PEM bundles and EU DCC Gateway trust lists (`--dcc-trust-anchor`). */

const FROM = new Date('2021-01-01T00:00:00Z');
const NOW = '2021-08-01T00:00:00Z';
/** `divoc verify --json --now NOW --trust TRUST ...rest`. */
const verifyAt = (trust: string, ...rest: string[]) =>
  run(['verify', '--json', '--now', NOW, '--trust', trust, ...rest]);

const checksOf = (line: Record<string, unknown> | undefined) =>
  (line?.checks as { name: string; ok: boolean; code?: string }[] | undefined)?.map(
    (c) => `${c.name}:${c.ok ? 'ok' : c.code}`,
  ) ?? [];

describe('divoc verify --trust bundle.pem', () => {
  it(
    'a PEM file of two signer certificates trusts both (control: ' + 'a file of the first alone trusts only the first)',
    async () => {
      await withTempDir(async (dir) => {
        const csca = await createDevelopmentCsca({ country: 'DE', validFrom: FROM });
        const one = await createDevelopmentSigner({ csca, validFrom: FROM, commonName: 'DSC one' });
        const two = await createDevelopmentSigner({ csca, validFrom: FROM, commonName: 'DSC two' });
        await writeFile(join(dir, 'one.hc1'), await hc1Of(one));
        await writeFile(join(dir, 'two.hc1'), await hc1Of(two));
        await writeFile(join(dir, 'bundle.pem'), `${one.certificatePem.trim()}\n${two.certificatePem.trim()}\n`);
        await writeFile(join(dir, 'first.pem'), one.certificatePem);

        const both = await verifyAt(join(dir, 'bundle.pem'), join(dir, 'one.hc1'), join(dir, 'two.hc1'));
        expect(
          ndjson(both.stdout).map((l) => [l.valid, l.issuer]),
          both.stdout + both.stderr,
        ).toEqual([
          [true, 'DE'],
          [true, 'DE'],
        ]);
        expect(both.code).toBe(0);

        const first = await verifyAt(join(dir, 'first.pem'), join(dir, 'one.hc1'), join(dir, 'two.hc1'));
        const lines = ndjson(first.stdout);
        expect(lines.map((l) => l.valid)).toEqual([true, false]);
        expect(checksOf(lines[1])).toContain('trust:ERR_DCC_KEY_NOT_TRUSTED');
        expect(first.code).toBe(1);
      });
    },
  );

  it('real EU signer certificates (dgc-testdata DE and common) in one PEM file: both DCCs verify', async () => {
    await withTempDir(async (dir) => {
      const files = ['DE/2DCode/raw/1.json', 'common/2DCode/raw/CO28.json'];
      const cases = await Promise.all(
        files.map(
          async (f) =>
            JSON.parse(await readFile(vectorPath(`dcc/dgc-testdata/${f}`), 'utf8')) as {
              PREFIX: string;
              TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string };
            },
        ),
      );
      const pem = (b64: string) =>
        `-----BEGIN CERTIFICATE-----\n${b64.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n')}\n` +
        '-----END CERTIFICATE-----\n';
      await writeFile(join(dir, 'eu.pem'), cases.map((c) => pem(c.TESTCTX.CERTIFICATE)).join(''));
      for (const [i, c] of cases.entries()) {
        await writeFile(join(dir, `${i}.hc1`), c.PREFIX);
        const r = await run([
          'verify',
          '--json',
          '--now',
          c.TESTCTX.VALIDATIONCLOCK,
          '--trust',
          join(dir, 'eu.pem'),
          join(dir, `${i}.hc1`),
        ]);
        expect(ndjson(r.stdout)[0]?.valid, r.stdout + r.stderr).toBe(true);
        expect(r.code).toBe(0);
      }
    });
  });

  it('a bundle with a broken certificate is exit 2 and names it', async () => {
    await withTempDir(async (dir) => {
      const csca = await createDevelopmentCsca({ country: 'DE', validFrom: FROM });
      const one = await createDevelopmentSigner({ csca, validFrom: FROM });
      await writeFile(join(dir, 'one.hc1'), await hc1Of(one));
      await writeFile(
        join(dir, 'broken.pem'),
        `${one.certificatePem.trim()}\n-----BEGIN CERTIFICATE-----\nMIIBbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n`,
      );
      const r = await verifyAt(join(dir, 'broken.pem'), join(dir, 'one.hc1'));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/certificate \[1\] of the bundle/);
    });
  });
});

describe('divoc verify --trust gateway-list.json --dcc-trust-anchor ta.pem', () => {
  it(
    'control: a signed gateway list loads under its trust anchor; a junk signature is exit 2; ' +
      "without the anchor it is the operator's word",
    async () => {
      await withTempDir(async (dir) => {
        const gw = await developmentGateway(['DE', 'FR'], FROM);
        await writeFile(join(dir, 'ta.pem'), gw.trustAnchor.certificatePem);
        await writeFile(join(dir, 'list.json'), JSON.stringify(gw.trustList));
        await writeFile(join(dir, 'de.hc1'), await hc1Of(gw.countries.DE!.dsc));
        const anchored = ['--dcc-trust-anchor', join(dir, 'ta.pem')];
        const ok = await verifyAt(join(dir, 'list.json'), ...anchored, join(dir, 'de.hc1'));
        expect(ndjson(ok.stdout)[0], ok.stdout + ok.stderr).toMatchObject({ valid: true, issuer: 'DE' });
        expect(ok.code).toBe(0);

        // The gateway list with its DE DSC entry changed.
        const withDeDsc = (change: Record<string, string>) =>
          gw.trustList.map((e) => (e.certificateType === 'DSC' && e.country === 'DE' ? { ...e, ...change } : e));
        const junk = withDeDsc({ signature: Buffer.from('junk').toString('base64') });
        await writeFile(join(dir, 'junk.json'), JSON.stringify(junk));
        const refused = await verifyAt(join(dir, 'junk.json'), ...anchored, join(dir, 'de.hc1'));
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/ERR_DCC_TRUST_SIGNATURE_INVALID/);
        const unanchored = await verifyAt(join(dir, 'junk.json'), join(dir, 'de.hc1'));
        expect(ndjson(unanchored.stdout)[0]?.valid, unanchored.stderr).toBe(true);

        // A wrong kid is refused with or without the anchor.
        const wrongKid = withDeDsc({ kid: 'AAAAAAAAAAA=' });
        await writeFile(join(dir, 'kid.json'), JSON.stringify(wrongKid));
        const kid = await verifyAt(join(dir, 'kid.json'), join(dir, 'de.hc1'));
        expect(kid.code).toBe(2);
        expect(kid.stderr).toMatch(/ERR_DCC_TRUST_KID_MISMATCH/);

        // An anchor with no gateway list to check is a usage mistake, not silently ignored.
        await writeFile(join(dir, 'dsc.pem'), gw.countries.DE!.dsc.certificatePem);
        const unused = await verifyAt(join(dir, 'dsc.pem'), ...anchored, join(dir, 'de.hc1'));
        expect(unused.code).toBe(2);
        expect(unused.stderr).toMatch(/no --trust file is one/);
      });
    },
  );
});
