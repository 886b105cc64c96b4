import { beforeAll, describe, expect, it } from 'vitest';
import { dccKid, parseCertificate, TrustStore } from '@divoc/keys';
import {
  createDevelopmentCsca,
  createDevelopmentSigner,
  encodeDcc,
  loadDccSignerList,
  loadDccTrustList,
  verifyDcc,
  type DccTrustListErrorCode,
} from '../src/index.js';
import { developmentGateway, gatewayEntry, type DevelopmentGateway, type GatewayEntry } from './gateway.js';
import { loadTestCases, parseValidationClock } from './harness/dgc-testdata.js';
import { SAMPLE_DCC } from './helpers.js';

let gw: DevelopmentGateway;
beforeAll(async () => {
  gw = await developmentGateway(['DE', 'FR']);
});

const anchor = () => ({ trustAnchor: gw.trustAnchor.certificatePem });
const byType = (type: string, country: string) =>
  gw.trustList.find((e) => e.certificateType === type && e.country === country)!;
/** The list with one entry changed. */
function withEntry(
  match: GatewayEntry,
  change: Partial<GatewayEntry> | ((e: GatewayEntry) => GatewayEntry),
): GatewayEntry[] {
  return gw.trustList.map((e) => (e === match ? (typeof change === 'function' ? change(e) : { ...e, ...change }) : e));
}
async function refusal(promise: Promise<unknown>): Promise<{ code: string; index?: number; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected the list to be refused').toBeInstanceOf(Error);
  return error as { code: string; index?: number; message: string };
}
async function expectRefused(
  list: unknown,
  options: Parameters<typeof loadDccTrustList>[1],
  code: DccTrustListErrorCode,
  index?: number,
) {
  const store = new TrustStore();
  const error = await refusal(loadDccTrustList(list, { ...options, trust: store }));
  expect(error.code, error.message).toBe(code);
  if (index !== undefined) expect(error.index).toBe(index);
  expect(store.size, 'a refused list adds nothing').toBe(0);
}

async function dccSignedBy(dsc: { signer: Parameters<typeof encodeDcc>[1]['signer']; certificatePem: string }) {
  return (
    await encodeDcc(SAMPLE_DCC, {
      signer: dsc.signer,
      certificate: dsc.certificatePem,
      iat: new Date('2021-06-01T00:00:00Z'),
    })
  ).hc1;
}

describe('EU DCC Gateway trust list (loadDccTrustList)', () => {
  it(
    'control: the whole signed list loads with the trust anchor; ' +
      'only the DSCs become keys, trusted for their country',
    async () => {
      const loaded = await loadDccTrustList(gw.trustList, anchor());
      expect(loaded).toMatchObject({ signers: 2, other: 2, withdrawn: 0, anchored: true });
      expect(loaded.cscas.map((c) => c.subject.country)).toEqual(['DE', 'FR']);
      const keys = loaded.trustStore.keys();
      expect(keys.map((k) => k.id).sort()).toEqual([gw.countries.DE!.dsc.kid, gw.countries.FR!.dsc.kid].sort());
      expect(keys.find((k) => k.id === gw.countries.DE!.dsc.kid)).toMatchObject({ controller: 'DE', issuers: ['DE'] });
      // The CSCA and UPLOAD certificates are not signer keys.
      expect(loaded.trustStore.resolve(byType('CSCA', 'DE').kid)).toEqual([]);
      expect(loaded.trustStore.resolve(byType('UPLOAD', 'DE').kid)).toEqual([]);
      const hc1 = await dccSignedBy(gw.countries.DE!.dsc);
      expect((await verifyDcc(hc1, { trust: loaded.trustStore, now: new Date('2021-07-01T00:00:00Z') })).valid).toBe(
        true,
      );
    },
  );

  it("a listed kid that is not the certificate's kid is refused (with and without a trust anchor)", async () => {
    const dsc = byType('DSC', 'DE');
    const wrong = withEntry(dsc, { kid: byType('DSC', 'FR').kid });
    await expectRefused(wrong, anchor(), 'ERR_DCC_TRUST_KID_MISMATCH', gw.trustList.indexOf(dsc));
    await expectRefused(wrong, {}, 'ERR_DCC_TRUST_KID_MISMATCH');
    expect(() => loadDccSignerList([{ kid: 'AAAAAAAAAAA=', rawData: dsc.rawData }])).toThrow(
      expect.objectContaining({ code: 'ERR_DCC_TRUST_KID_MISMATCH', index: 0 }),
    );
    // Control: the right kid loads.
    expect(loadDccSignerList([{ kid: dsc.kid, rawData: dsc.rawData }]).size).toBe(1);
  });

  it("a thumbprint that is not the certificate's SHA-256 is refused", async () => {
    const dsc = byType('DSC', 'FR');
    await expectRefused(
      withEntry(dsc, { thumbprint: byType('DSC', 'DE').thumbprint }),
      {},
      'ERR_DCC_TRUST_THUMBPRINT_MISMATCH',
    );
    // Control: upper-case hex is the same thumbprint.
    expect(
      loadDccSignerList([{ kid: dsc.kid, rawData: dsc.rawData, thumbprint: dsc.thumbprint.toUpperCase() }]).size,
    ).toBe(1);
  });

  it(
    "a country that is not the certificate subject's C is refused: " +
      'the entry would bind the key to another country',
    async () => {
      const dsc = byType('DSC', 'DE');
      await expectRefused(withEntry(dsc, { country: 'FR' }), {}, 'ERR_DCC_TRUST_COUNTRY_MISMATCH');
      await expectRefused(withEntry(dsc, { country: 'FR' }), anchor(), 'ERR_DCC_TRUST_COUNTRY_MISMATCH');
      // Control: the alpha-3 code of the same country is the same country.
      const store = loadDccSignerList([{ kid: dsc.kid, rawData: dsc.rawData, country: 'DEU' }]);
      expect(store.keys()[0]).toMatchObject({ issuers: ['DE'] });
    },
  );

  it(
    'with a trust anchor, a junk or misplaced signature is refused; ' + 'without one, the signature is not looked at',
    async () => {
      const dsc = byType('DSC', 'DE');
      const junk = withEntry(dsc, { signature: Buffer.from('junk signature').toString('base64') });
      await expectRefused(junk, anchor(), 'ERR_DCC_TRUST_SIGNATURE_INVALID', gw.trustList.indexOf(dsc));
      await expectRefused(withEntry(dsc, { signature: '' }), anchor(), 'ERR_DCC_TRUST_SIGNATURE_INVALID');
      // Another entry's (valid) signature: over another certificate.
      await expectRefused(
        withEntry(dsc, { signature: byType('DSC', 'FR').signature }),
        anchor(),
        'ERR_DCC_TRUST_SIGNATURE_INVALID',
      );
      // A DE document signer signed by France's UPLOAD key, not Germany's.
      const fr = gw.countries.FR!;
      await expectRefused(
        withEntry(dsc, await gatewayEntry(gw.countries.DE!.dsc.certificateDer, 'DSC', 'DE', fr.upload)),
        anchor(),
        'ERR_DCC_TRUST_SIGNATURE_INVALID',
      );
      // A CSCA signed by an UPLOAD key instead of the trust anchor.
      const csca = byType('CSCA', 'FR');
      await expectRefused(
        withEntry(csca, await gatewayEntry(fr.csca.certificateDer, 'CSCA', 'FR', fr.upload)),
        anchor(),
        'ERR_DCC_TRUST_SIGNATURE_INVALID',
      );
      // Another trust anchor.
      const other = await createDevelopmentCsca({ country: 'BE', commonName: 'Another trust anchor' });
      await expectRefused(gw.trustList, { trustAnchor: other.certificatePem }, 'ERR_DCC_TRUST_SIGNATURE_INVALID');
      // Only the DSCs, without the UPLOAD certificates to check them with.
      await expectRefused(
        gw.trustList.filter((e) => e.certificateType === 'DSC'),
        anchor(),
        'ERR_DCC_TRUST_SIGNATURE_INVALID',
      );
      // Control: without a trust anchor the operator vouches for the list; the chain check still holds.
      expect((await loadDccTrustList(junk)).signers).toBe(2);
      // Control: the anchor may come as DER, or among several (a rollover).
      expect((await loadDccTrustList(gw.trustList, { trustAnchor: gw.trustAnchor.certificateDer })).signers).toBe(2);
      expect(
        (
          await loadDccTrustList(gw.trustList, {
            trustAnchor: `${other.certificatePem}\n${gw.trustAnchor.certificatePem}`,
          })
        ).signers,
      ).toBe(2);
    },
  );

  it("a document signer issued by another country's CSCA is refused (ERR_TRUST_CHAIN_COUNTRY)", async () => {
    const de = gw.countries.DE!;
    const fr = gw.countries.FR!;
    // Germany's CSCA issues a signer certificate for France; France's UPLOAD key signs its entry.
    const crossed = await createDevelopmentSigner({
      csca: de.csca,
      country: 'FR',
      validFrom: new Date('2021-01-01T00:00:00Z'),
    });
    const entry = await gatewayEntry(crossed.certificateDer, 'DSC', 'FR', fr.upload);
    const list = [...gw.trustList, entry];
    await expectRefused(list, anchor(), 'ERR_TRUST_CHAIN_COUNTRY', list.length - 1);
    await expectRefused(list, {}, 'ERR_TRUST_CHAIN_COUNTRY');
    // Also against CSCAs given besides the list.
    await expectRefused([entry], { cscas: [parseCertificate(de.csca.certificateDer)] }, 'ERR_TRUST_CHAIN_COUNTRY');
    // Control: France's own signer from France's CSCA loads.
    const own = await createDevelopmentSigner({ csca: fr.csca, validFrom: new Date('2021-01-01T00:00:00Z') });
    expect(
      (
        await loadDccTrustList(
          [...gw.trustList, await gatewayEntry(own.certificateDer, 'DSC', 'FR', fr.upload)],
          anchor(),
        )
      ).signers,
    ).toBe(3);
  });

  it(
    'a document signer no known CSCA of its country issued is refused ' + 'when CSCAs of that country are known',
    async () => {
      const de = gw.countries.DE!;
      const rogueCsca = await createDevelopmentCsca({ country: 'DE', commonName: 'DIVOC test CSCA DE' });
      const rogue = await createDevelopmentSigner({
        csca: rogueCsca,
        validFrom: new Date('2021-01-01T00:00:00Z'),
      });
      const entry = await gatewayEntry(rogue.certificateDer, 'DSC', 'DE', de.upload);
      await expectRefused([...gw.trustList, entry], anchor(), 'ERR_DCC_TRUST_CHAIN_UNTRUSTED');
      await expectRefused([...gw.trustList, entry], {}, 'ERR_DCC_TRUST_CHAIN_UNTRUSTED');
      // Control: with no CSCA of its country known and no trust anchor, the listed signer is trusted as before.
      expect((await loadDccTrustList([entry])).signers).toBe(1);
    },
  );

  it(
    'the synchronous loader refuses lists with CSCAs (they need the chain check) ' +
      'and never trusts UPLOAD certificates',
    () => {
      expect(() => loadDccSignerList(gw.trustList)).toThrow(/loadDccTrustList/);
      const store = loadDccSignerList(gw.trustList.filter((e) => e.certificateType !== 'CSCA'));
      expect(
        store
          .keys()
          .map((k) => k.id)
          .sort(),
      ).toEqual([gw.countries.DE!.dsc.kid, gw.countries.FR!.dsc.kid].sort());
    },
  );

  it(
    'withdrawn document signers (rawData: null) are skipped; ' + 'an unknown certificateType refuses the list',
    async () => {
      const dsc = byType('DSC', 'FR');
      const loaded = await loadDccTrustList(
        withEntry(dsc, { rawData: null as unknown as string, signature: null as unknown as string }),
        anchor(),
      );
      expect(loaded).toMatchObject({ signers: 1, withdrawn: 1 });
      expect(loaded.trustStore.resolve(dsc.kid)).toEqual([]);
      await expect(loadDccTrustList(withEntry(dsc, { certificateType: 'ROOT' as 'DSC' }))).rejects.toMatchObject({
        code: 'ERR_DCC_CERTIFICATE_INVALID',
      });
    },
  );
});

describe('EU dgc-testdata signer certificates as gateway entries', () => {
  const cases = loadTestCases()
    .filter(
      (c) =>
        c.expected.EXPECTEDVERIFY === true &&
        typeof c.data.TESTCTX?.CERTIFICATE === 'string' &&
        typeof c.data.PREFIX === 'string',
    )
    .filter((c, i, all) => all.findIndex((o) => o.country === c.country) === i)
    .slice(0, 8);

  it('covers several countries', () => expect(cases.length).toBeGreaterThanOrEqual(5));

  it.each(cases.map((c) => [c.file, c] as const))(
    '%s: the computed entry loads and verifies; a wrong kid or country is refused',
    async (_file, c) => {
      const rawData = c.data.TESTCTX!.CERTIFICATE!.replace(/\s+/g, '');
      const der = new Uint8Array(Buffer.from(rawData, 'base64'));
      const x509 = parseCertificate(der);
      const entry = {
        kid: dccKid(der),
        rawData,
        thumbprint: x509.sha256Hex,
        ...(x509.subject.country ? { country: x509.subject.country } : {}),
      };
      const loaded = await loadDccTrustList([entry]);
      const clock = c.data.TESTCTX?.VALIDATIONCLOCK;
      const result = await verifyDcc(c.data.PREFIX!, {
        trust: loaded.trustStore,
        ...(clock ? { now: parseValidationClock(clock) } : {}),
      });
      expect(
        result.checks.find((k) => k.name === 'signature')?.ok,
        result.checks.map((k) => `${k.name}:${k.ok ? 'ok' : k.code}`).join(' '),
      ).toBe(true);
      await expectRefused([{ ...entry, kid: 'AAAAAAAAAAA=' }], {}, 'ERR_DCC_TRUST_KID_MISMATCH');
      await expectRefused([{ ...entry, thumbprint: '00'.repeat(32) }], {}, 'ERR_DCC_TRUST_THUMBPRINT_MISMATCH');
      if (x509.subject.country)
        await expectRefused(
          [{ ...entry, country: x509.subject.country === 'NL' ? 'BE' : 'NL' }],
          {},
          'ERR_DCC_TRUST_COUNTRY_MISMATCH',
        );
    },
  );
});
