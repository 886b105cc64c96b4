import { beforeAll, describe, expect, it } from 'vitest';
import {
  createDevelopmentCsca,
  createDevelopmentSigner,
  type DevelopmentCsca,
  type DocumentSignerCertificate,
} from '@divoc/dcc';
import { MAX_BUNDLE_CERTIFICATES, Trust, TrustInvalidError, verify } from '@divoc/verifier';
import {
  developmentGateway,
  gatewayEntry,
  type DevelopmentGateway,
  type GatewayEntry,
} from '../../dcc/test/gateway.js';
import { parseValidationClock } from '../../dcc/test/harness/dgc-testdata.js';
import { sampleHc1 as dccOf } from '../../dcc/test/helpers.js';
import { outline, vectorJson } from './helpers.js';

/**
 * Issuer-bound PKI trust: EU DCC Gateway trust lists (kid / thumbprint / country consistency, the gateway's CMS
 * signatures under its trust anchor, the DSC → CSCA chain), DSC → CSCA country for certificates added one by one,
 * and PEM bundles. Every refusal sits next to a control that loads and verifies.
 */

const NOW = new Date('2021-08-01T00:00:00Z');
const FROM = new Date('2021-01-01T00:00:00Z');

let gw: DevelopmentGateway;
let hc1: Record<'DE' | 'FR', string>;
beforeAll(async () => {
  gw = await developmentGateway(['DE', 'FR'], FROM);
  hc1 = { DE: await dccOf(gw.countries.DE!.dsc), FR: await dccOf(gw.countries.FR!.dsc) };
});

const anchor = () => ({ trustAnchor: gw.trustAnchor.certificatePem });
const entryOf = (type: string, country: string): GatewayEntry =>
  gw.trustList.find((e) => e.certificateType === type && e.country === country)!;
const replaced = (entry: GatewayEntry, change: Partial<GatewayEntry>): GatewayEntry[] =>
  gw.trustList.map((e) => (e === entry ? { ...e, ...change } : e));

/** The error a trust loader refused with (it must refuse). */
async function refusal(action: () => unknown): Promise<TrustInvalidError> {
  let error: unknown;
  try {
    await action();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a refusal').toBeInstanceOf(TrustInvalidError);
  return error as TrustInvalidError;
}

async function expectValid(trust: Trust, input: string, issuer: string) {
  const result = await verify(input, { trust, now: NOW });
  expect(outline(result.checks)).toContain('trust:ok');
  expect(result.valid, outline(result.checks).join(' ')).toBe(true);
  expect(result.issuer).toBe(issuer);
}

async function expectUntrusted(trust: Trust, input: string) {
  const result = await verify(input, { trust, now: NOW });
  expect(result.valid).toBe(false);
  expect(result.checks.find((c) => c.name === 'trust')?.ok).toBe(false);
}

describe('EU DCC Gateway trust list in Trust', () => {
  it(
    'control: the gateway list loads with its trust anchor, and DCCs its document signers ' + 'signed verify VALID',
    async () => {
      const trust = new Trust();
      expect(await trust.load(JSON.stringify(gw.trustList), anchor())).toEqual({ kind: 'dcc-signer-list', keys: 2 });
      await expectValid(trust, hc1.DE, 'DE');
      await expectValid(trust, hc1.FR, 'FR');
      // Neither the CSCAs nor the UPLOAD certificates became signer keys, and no CSCA joined the VDS-NC anchors.
      expect(trust.store.size).toBe(2);
      expect(trust.cscaCertificates).toHaveLength(0);
      // The same through addDccSignerList, and the anchor as DER bytes.
      const direct = new Trust();
      expect(await direct.addDccSignerList(gw.trustList, { trustAnchor: gw.trustAnchor.certificateDer })).toEqual({
        kind: 'dcc-signer-list',
        keys: 2,
      });
      await expectValid(direct, hc1.DE, 'DE');
    },
  );

  it.each([
    [
      'a wrong kid',
      () => replaced(entryOf('DSC', 'DE'), { kid: entryOf('DSC', 'FR').kid }),
      'ERR_DCC_TRUST_KID_MISMATCH',
    ],
    [
      'a wrong thumbprint',
      () => replaced(entryOf('DSC', 'DE'), { thumbprint: entryOf('DSC', 'FR').thumbprint }),
      'ERR_DCC_TRUST_THUMBPRINT_MISMATCH',
    ],
    ['a wrong country', () => replaced(entryOf('DSC', 'DE'), { country: 'FR' }), 'ERR_DCC_TRUST_COUNTRY_MISMATCH'],
    [
      'a junk signature',
      () => replaced(entryOf('DSC', 'DE'), { signature: Buffer.from('junk').toString('base64') }),
      'ERR_DCC_TRUST_SIGNATURE_INVALID',
    ],
    [
      "another entry's signature",
      () => replaced(entryOf('DSC', 'DE'), { signature: entryOf('DSC', 'FR').signature }),
      'ERR_DCC_TRUST_SIGNATURE_INVALID',
    ],
    [
      'a CSCA entry with a junk signature',
      () => replaced(entryOf('CSCA', 'FR'), { signature: entryOf('CSCA', 'DE').signature }),
      'ERR_DCC_TRUST_SIGNATURE_INVALID',
    ],
  ] as const)('with the trust anchor, %s refuses the whole list', async (_name, list, reason) => {
    const trust = new Trust();
    const error = await refusal(() => trust.load(list(), anchor()));
    expect(error.reason, error.message).toBe(reason);
    expect(error.message).toMatch(/signer list \[\d+\] \(kid /);
    expect(trust.store.size, 'nothing of a refused list is trusted').toBe(0);
    await expectUntrusted(trust, hc1.DE);
    await expectUntrusted(trust, hc1.FR);
  });

  it(
    "without a trust anchor kid, thumbprint and country are still checked; the signature is the operator's to " +
      'vouch for',
    async () => {
      const wrongKid = new Trust();
      expect(
        (await refusal(() => wrongKid.load(replaced(entryOf('DSC', 'DE'), { kid: entryOf('DSC', 'FR').kid })))).reason,
      ).toBe('ERR_DCC_TRUST_KID_MISMATCH');
      // `add` checks the same, synchronously, for a list without CSCAs.
      const dscs = gw.trustList.filter((e) => e.certificateType === 'DSC');
      expect(
        (await refusal(() => new Trust().add(dscs.map((e) => (e.country === 'FR' ? { ...e, country: 'DE' } : e)))))
          .reason,
      ).toBe('ERR_DCC_TRUST_COUNTRY_MISMATCH');
      // Control: a junk signature without an anchor loads (the old behaviour: trust what the operator loaded).
      const unanchored = new Trust();
      await unanchored.load(replaced(entryOf('DSC', 'DE'), { signature: 'AAAA' }));
      await expectValid(unanchored, hc1.DE, 'DE');
      const added = new Trust();
      expect(added.add(dscs)).toEqual({ kind: 'dcc-signer-list', keys: 2 });
      await expectValid(added, hc1.FR, 'FR');
    },
  );

  it(
    "a document signer from another country's CSCA is refused (ERR_TRUST_CHAIN_COUNTRY), in the list or " +
      'against CSCAs the trust holds',
    async () => {
      const de = gw.countries.DE!;
      const fr = gw.countries.FR!;
      const crossed = await createDevelopmentSigner({ csca: de.csca, country: 'FR', validFrom: FROM });
      const crossedEntry = await gatewayEntry(crossed.certificateDer, 'DSC', 'FR', fr.upload);
      const inList = new Trust();
      expect((await refusal(() => inList.load([...gw.trustList, crossedEntry], anchor()))).reason).toBe(
        'ERR_TRUST_CHAIN_COUNTRY',
      );
      await expectUntrusted(inList, await dccOf(crossed));
      // CSCAs added to the trust count too: a list of document signers only, no anchor.
      const withCsca = new Trust();
      withCsca.add(de.csca.certificatePem);
      expect((await refusal(() => withCsca.load([crossedEntry]))).reason).toBe('ERR_TRUST_CHAIN_COUNTRY');
      // ... and a signer of a country whose CSCA the trust holds must chain to it.
      const rogue = await createDevelopmentSigner({
        csca: await createDevelopmentCsca({ country: 'DE' }),
        validFrom: FROM,
      });
      const rogueEntry = await gatewayEntry(rogue.certificateDer, 'DSC', 'DE', de.upload);
      expect((await refusal(() => withCsca.load([rogueEntry]))).reason).toBe('ERR_DCC_TRUST_CHAIN_UNTRUSTED');
      // `add` cannot check signatures: it sends such a list to `load`.
      expect((await refusal(() => withCsca.add([entryOf('DSC', 'DE')]))).message).toMatch(/trust\.load/);
      expect((await refusal(() => new Trust().add(gw.trustList))).message).toMatch(/holds CSCAs.*trust\.load/);
      expect(
        (
          await refusal(() =>
            new Trust().add(
              gw.trustList.filter((e) => e.certificateType === 'DSC'),
              anchor(),
            ),
          )
        ).message,
      ).toMatch(/trust anchor/);
      // Control: Germany's own signer from Germany's CSCA loads against the same trust and verifies.
      expect(await withCsca.load([entryOf('DSC', 'DE')])).toEqual({ kind: 'dcc-signer-list', keys: 1 });
      await expectValid(withCsca, hc1.DE, 'DE');
    },
  );
});

/** A German development CSCA valid from FROM, and one document signer of it (valid from FROM) per `signers` entry. */
async function germanPki<S extends { country?: string; commonName?: string }[]>(
  ...signers: S
): Promise<{ csca: DevelopmentCsca; signers: { [K in keyof S]: DocumentSignerCertificate } }> {
  const csca = await createDevelopmentCsca({ country: 'DE', validFrom: FROM });
  const made: DocumentSignerCertificate[] = [];
  for (const options of signers) made.push(await createDevelopmentSigner({ csca, validFrom: FROM, ...options }));
  return { csca, signers: made as { [K in keyof S]: DocumentSignerCertificate } };
}

describe('X.509 document signer → CSCA, certificate by certificate', () => {
  let deCsca: DevelopmentCsca;
  let own: DocumentSignerCertificate;
  let crossed: DocumentSignerCertificate;
  beforeAll(async () => {
    ({
      csca: deCsca,
      signers: [own, crossed],
    } = await germanPki({}, { country: 'FR' }));
  });

  it("control: a CSCA and a signer of its country load, and the signer's DCCs verify", async () => {
    const trust = new Trust();
    expect(trust.add(deCsca.certificatePem)).toEqual({ kind: 'csca-certificate', keys: 0, cscas: 1 });
    expect(trust.add(own.certificatePem)).toEqual({ kind: 'signer-certificate', keys: 1 });
    await expectValid(trust, await dccOf(own), 'DE');
  });

  it("a signer for France issued by Germany's CSCA is refused, whichever is added first", async () => {
    const cscaFirst = new Trust();
    cscaFirst.add(deCsca.certificatePem);
    const error = await refusal(() => cscaFirst.add(crossed.certificatePem));
    expect(error.reason).toBe('ERR_TRUST_CHAIN_COUNTRY');
    expect(error.message).toMatch(/for country FR, but names as its issuer the CSCA .*DE's/);
    expect(cscaFirst.store.size).toBe(0);
    await expectUntrusted(cscaFirst, await dccOf(crossed));

    const signerFirst = new Trust();
    signerFirst.add(crossed.certificatePem); // no CSCA known yet: the operator vouches for it
    expect((await refusal(() => signerFirst.add(deCsca.certificatePem))).reason).toBe('ERR_TRUST_CHAIN_COUNTRY');
    expect(signerFirst.cscaCertificates).toHaveLength(0);
    // Control: with no CSCA involved, the signer is trusted as the operator added it.
    await expectValid(signerFirst, await dccOf(crossed), 'FR');
  });
});

describe('PEM bundles', () => {
  let csca: DevelopmentCsca;
  let one: DocumentSignerCertificate;
  let two: DocumentSignerCertificate;
  beforeAll(async () => {
    ({
      csca,
      signers: [one, two],
    } = await germanPki({ commonName: 'DSC one' }, { commonName: 'DSC two' }));
  });
  const bundle = (...pems: string[]) => pems.map((p) => p.trim()).join('\n');

  it('every certificate of a bundle is trusted: CA certificates as CSCAs, the others as signers', async () => {
    const trust = new Trust();
    expect(trust.add(bundle(csca.certificatePem, one.certificatePem, two.certificatePem))).toEqual({
      kind: 'certificate-bundle',
      keys: 2,
      cscas: 1,
      certificates: 3,
    });
    expect(trust.cscaCertificates).toHaveLength(1);
    await expectValid(trust, await dccOf(one), 'DE');
    await expectValid(trust, await dccOf(two), 'DE');
    // Also as bytes, as the CLI reads a file; one certificate keeps its own kind.
    const bytes = new Trust();
    expect(bytes.add(new TextEncoder().encode(bundle(one.certificatePem, two.certificatePem)))).toEqual({
      kind: 'certificate-bundle',
      keys: 2,
      cscas: 0,
      certificates: 2,
    });
    await expectValid(bytes, await dccOf(two), 'DE');
    expect(new Trust().add(one.certificatePem)).toEqual({ kind: 'signer-certificate', keys: 1 });
  });

  it('one bad certificate refuses the whole bundle, naming its index', async () => {
    const broken = bundle(
      one.certificatePem,
      '-----BEGIN CERTIFICATE-----\nMIIBbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----',
      two.certificatePem,
    );
    const trust = new Trust();
    expect((await refusal(() => trust.add(broken))).message).toMatch(/certificate \[1\] of the bundle/);
    const unterminated = bundle(one.certificatePem, two.certificatePem, '-----BEGIN CERTIFICATE-----\nMIIB');
    expect((await refusal(() => trust.add(unterminated))).message).toMatch(
      /certificate \[2\] has no -----END CERTIFICATE----- line/,
    );
    expect(trust.store.size).toBe(0);
    await expectUntrusted(trust, await dccOf(one));
    // A bundle with a signer for another country than the CSCA that issued it is refused whole, too.
    const crossed = await createDevelopmentSigner({ csca, country: 'FR', validFrom: FROM });
    expect(
      (await refusal(() => trust.add(bundle(one.certificatePem, csca.certificatePem, crossed.certificatePem)))).reason,
    ).toBe('ERR_TRUST_CHAIN_COUNTRY');
    expect(trust.store.size + trust.cscaCertificates.length).toBe(0);
    // An id names one certificate.
    expect(
      (await refusal(() => trust.add(bundle(one.certificatePem, two.certificatePem), { id: 'x' }))).message,
    ).toMatch(/id names one certificate/);
  });

  it(`a bundle holds at most ${MAX_BUNDLE_CERTIFICATES} certificates`, async () => {
    const trust = new Trust();
    const many = Array.from({ length: MAX_BUNDLE_CERTIFICATES + 1 }, () => one.certificatePem.trim()).join('\n');
    expect((await refusal(() => trust.add(many))).message).toMatch(
      new RegExp(`more than ${MAX_BUNDLE_CERTIFICATES} certificates`),
    );
    expect(trust.store.size).toBe(0);
    // Control: repeats within the bound are fine (the same key once).
    expect(trust.add(bundle(one.certificatePem, one.certificatePem, one.certificatePem))).toMatchObject({
      kind: 'certificate-bundle',
      certificates: 3,
    });
    expect(trust.store.size).toBe(1);
  });

  it('real EU signer certificates (dgc-testdata) in one bundle: both are trusted', async () => {
    const read = (file: string) =>
      vectorJson<{ PREFIX: string; TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string } }>(
        `dcc/dgc-testdata/${file}`,
      );
    const cases = [read('DE/2DCode/raw/1.json'), read('common/2DCode/raw/CO28.json')];
    const pem = (b64: string) =>
      `-----BEGIN CERTIFICATE-----\n${b64.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----`;
    const trust = new Trust();
    expect(trust.add(bundle(...cases.map((c) => pem(c.TESTCTX.CERTIFICATE))))).toEqual({
      kind: 'certificate-bundle',
      keys: 2,
      cscas: 0,
      certificates: 2,
    });
    for (const c of cases) {
      const result = await verify(c.PREFIX, { trust, now: parseValidationClock(c.TESTCTX.VALIDATIONCLOCK) });
      expect(outline(result.checks).slice(0, 3)).toEqual(['decode:ok', 'signature:ok', 'trust:ok']);
    }
  });
});
