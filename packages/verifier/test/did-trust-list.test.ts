import { describe, expect, it } from 'vitest';
import { parseValidationClock } from '../../dcc/test/harness/dgc-testdata.js';
import { Trust, verify } from '../src/index.js';
import { vectorJson, vectorText } from './helpers.js';

/**
 * WHO's ddcc-trust TEST list (test/vectors/who/, an 80-entry excerpt copied unchanged) as the only trust: every
 * dgc-testdata vector that test/vectors/who/dev-vectors.tsv lists verifies with it, named by the country the trust
 * gives its key. Negatives keep a passing control beside them.
 */
const EXCERPT = 'who/trustlist-test-excerpt.did.json';
const PREFIX = 'did:web:raw.githubusercontent.com:WorldHealthOrganization:ddcc-trust:main:dist:test:u:k:';

interface Vector {
  file: string;
  kid: string;
  entry: string;
}

const rows: Vector[] = vectorText('who/dev-vectors.tsv')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => {
    const [file, kid, entry] = line.split('\t');
    return { file: file!, kid: kid!, entry: entry! };
  });
/** The rows whose entry signs the vector (the `XtCxbKcgvrA=` rows are the README's negative case). */
const vectors = rows.filter((v) => v.entry === v.kid);

interface RawVector {
  PREFIX: string;
  TESTCTX: { VALIDATIONCLOCK: string };
}
const raw = (v: Vector): RawVector => vectorJson<RawVector>(`dcc/dgc-testdata/${v.file}`) as unknown as RawVector;
const isFrOk = (v: Vector) => /FR\/2DCode\/raw\/(recovery|test_pcr|vaccin)_ok\.json$/.test(v.file);

type Doc = { '@context': unknown; id: string; verificationMethod: Record<string, unknown>[] };
const excerpt = (): Doc => vectorJson<Doc>(EXCERPT) as unknown as Doc;

async function excerptTrust(doc: unknown = vectorText(EXCERPT)): Promise<Trust> {
  const trust = new Trust();
  await trust.load(doc);
  return trust;
}

const trustPromise = excerptTrust();
const kidOf = (fragment: string) => encodeURIComponent(fragment);
const without = (doc: Doc, kids: string[]): Doc => ({
  ...doc,
  verificationMethod: doc.verificationMethod.filter((vm) => !kids.some((k) => String(vm.id).endsWith(`#${kidOf(k)}`))),
});

describe('WHO ddcc-trust excerpt as a DID trust list', () => {
  it('is recognised from its content and loaded: signers, CA certificates as CSCAs, the rest counted', async () => {
    const trust = new Trust();
    const summary = await trust.load(vectorText(EXCERPT));
    expect(summary.kind).toBe('did-trust-list');
    // 11 of the 80 are CA certificates (README); the P-384 and P-521 keys are not supported (skipped, counted).
    expect(summary.cscas).toBe(11);
    expect(summary.keys + (summary.cscas ?? 0) + (summary.skipped ?? 0) + (summary.refused ?? 0)).toBe(80);
    expect(summary.keys).toBeGreaterThan(50);
    // The P-384 key (MA) is skipped; the KR entry is refused: its leaf is signed with ECDSA-SHA1, not accepted as
    // proof that x5c[1] issued it.
    expect(summary.skipped).toBe(1);
    expect(summary.refused).toBe(1);
    expect(summary.problems).toEqual([
      expect.objectContaining({ code: 'ERR_DID_TRUST_UNSUPPORTED', message: expect.stringContaining('P-384') }),
      expect.objectContaining({ id: `${PREFIX}0zk4T6qD8PM%3D#0zk4T6qD8PM%3D`, code: 'ERR_DID_TRUST_CHAIN' }),
    ]);
    // Each key answers to its DID URL and its fragment kid.
    const key = trust.store.resolve('lHHRhMo9GWg=')[0]!;
    expect(key.id).toBe(`${PREFIX}lHHRhMo9GWg%3D#lHHRhMo9GWg%3D`);
    expect(trust.store.resolve(key.id)).toContain(key);
    expect(key.issuers).toEqual(['BE']);
    expect(key.purposes).toContain('format:hcert');
  });

  it('Trust.add recognises the list too, and points to load for the x5c chains it must check', () => {
    expect(() => new Trust().add(vectorText(EXCERPT))).toThrow(/addDidTrustList|trust\.load/);
    // Control: a list without chains loads synchronously.
    const doc = excerpt();
    const single = {
      ...doc,
      verificationMethod: doc.verificationMethod.filter(
        (vm) => (vm.publicKeyJwk as { x5c: string[] }).x5c.length === 1,
      ),
    };
    const summary = new Trust().add(single);
    expect(summary.kind).toBe('did-trust-list');
    expect(summary.keys).toBeGreaterThan(20);
  });

  it('covers every vector of dev-vectors.tsv (196, and 3 rows of the negative entry)', () => {
    expect(vectors.length).toBe(196);
    expect(rows.filter((v) => v.entry === 'XtCxbKcgvrA=')).toHaveLength(3);
  });

  for (const v of vectors) {
    it(`${v.file} verifies with entry ${v.entry}, issuer from the trust`, async () => {
      const trust = await trustPromise;
      const { PREFIX: hc1, TESTCTX } = raw(v);
      const result = await verify(hc1, { trust, now: parseValidationClock(TESTCTX.VALIDATIONCLOCK) });
      const country = v.file.slice(0, 2);
      const checks = Object.fromEntries(result.checks.map((c) => [c.name, c]));
      expect(checks.signature?.ok, JSON.stringify(result.checks)).toBe(true);
      expect(checks.trust?.ok, JSON.stringify(result.checks)).toBe(true);
      expect(checks['key-usage']?.ok, JSON.stringify(result.checks)).toBe(true);
      expect(result.issuer).toBe(country);
      // The oracle judged signature, kid and time; several test payloads fail the EU schema / value sets, which is
      // not the trust's business, so only that check may fail besides what the README says of the FR *_ok ones.
      const failing = result.checks.filter((c) => !c.ok && c.name !== 'schema').map((c) => c.name);
      // As the README says: signature and kid valid, but iat (2021-05-19) is after the clock: not yet valid.
      expect(failing).toEqual(isFrOk(v) ? ['validity'] : []);
    });
  }
});

describe('WHO ddcc-trust excerpt: negatives, each with its control', () => {
  const frOk = vectors.filter(isFrOk);
  const nl = vectors.find((v) => v.file.startsWith('NL/'))!;

  it('the same key under another certificate (XtCxbKcgvrA=) does not verify the FR *_ok vectors', async () => {
    expect(frOk.length).toBe(3);
    const onlyLater = await excerptTrust(without(excerpt(), ['1vxpTLgc6ws=']));
    const control = await trustPromise;
    for (const v of frOk) {
      const { PREFIX: hc1, TESTCTX } = raw(v);
      const now = parseValidationClock(TESTCTX.VALIDATIONCLOCK);
      const good = await verify(hc1, { trust: control, now });
      expect(good.checks.find((c) => c.name === 'signature')?.ok).toBe(true);
      const bad = await verify(hc1, { trust: onlyLater, now });
      expect(bad.valid).toBe(false);
      expect(bad.checks.find((c) => c.name === 'trust')?.ok).toBe(false);
      expect(bad.issuer).toBeNull();
    }
  });

  it('a tampered copy fails (control: the original verifies)', async () => {
    const trust = await trustPromise;
    const { PREFIX: hc1, TESTCTX } = raw(nl);
    const now = parseValidationClock(TESTCTX.VALIDATIONCLOCK);
    const control = await verify(hc1, { trust, now });
    expect(control.checks.filter((c) => !c.ok).map((c) => c.name)).not.toContain('signature');
    expect(control.checks.find((c) => c.name === 'trust')?.ok).toBe(true);
    // Re-encode the COSE with one payload byte changed.
    const { decodeHc1, encodeHc1 } = await hc1Codec();
    const cose = decodeHc1(hc1);
    cose[cose.length - 80] = cose[cose.length - 80]! ^ 0x01;
    const tampered = await verify(encodeHc1(cose), { trust, now });
    expect(tampered.valid).toBe(false);
    expect(tampered.checks.find((c) => c.name === 'signature')?.ok).not.toBe(true);
    expect(tampered.issuer).toBeNull();
  });

  it('the Mattr entry is found by its fragment kid, not its certificate hash; as a CA, a CSCA only', async () => {
    const trust = await trustPromise;
    expect(trust.cscaFor('Gwmv3xzreKs=')).toBeInstanceOf(Uint8Array);
    expect(trust.cscaFor('z6X2g4kVvuc=')).toBeUndefined();
    expect(trust.store.resolve('Gwmv3xzreKs=')).toEqual([]);
    expect(trust.store.resolve('z6X2g4kVvuc=')).toEqual([]);
    // Control: a signer entry resolves by its kid.
    expect(trust.store.resolve('428FOlUxNRM=')).toHaveLength(1);
  });

  it('an entry whose x5c[1] did not issue x5c[0] is refused alone (control: the real chain loads)', async () => {
    const doc = excerpt();
    const chained = doc.verificationMethod.filter((vm) => (vm.publicKeyJwk as { x5c: string[] }).x5c.length === 2);
    expect(chained.length).toBeGreaterThan(1);
    const [a, b] = chained.filter((vm) => !String(vm.id).includes('0zk4T6qD8PM')) as [
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    const other = doc.verificationMethod.find((vm) => vm !== a && vm !== b)!;
    const control = await new Trust().load({ ...doc, verificationMethod: [a] });
    expect((control.keys ?? 0) + (control.cscas ?? 0)).toBe(1);
    expect(control.refused).toBeUndefined();
    const jwkA = a.publicKeyJwk as { x5c: string[] };
    const jwkB = b.publicKeyJwk as { x5c: string[] };
    const forged = { ...a, publicKeyJwk: { ...jwkA, x5c: [jwkA.x5c[0], jwkB.x5c[1]] } };
    const trust = new Trust();
    const summary = await trust.load({ ...doc, verificationMethod: [forged, other] });
    expect(summary.refused).toBe(1);
    expect(summary.problems?.[0]).toMatchObject({ index: 0, code: 'ERR_DID_TRUST_CHAIN' });
    // Alone, the list has nothing usable: refused whole, with a typed error.
    await expect(new Trust().load({ ...doc, verificationMethod: [forged] })).rejects.toMatchObject({
      code: 'ERR_TRUST_INVALID',
      reason: 'ERR_DID_TRUST_CHAIN',
    });
  });
});

/** HC1 text ⇄ COSE bytes with the SDK's own codecs (zlib + base45). */
async function hc1Codec(): Promise<{
  decodeHc1(text: string): Uint8Array;
  encodeHc1(cose: Uint8Array): string;
}> {
  const { base45Decode, base45Encode, inflateZlibBounded, deflateZlib } = await import('@divoc/keys');
  return {
    decodeHc1: (text) => new Uint8Array(inflateZlibBounded(base45Decode(text.slice(4)), { maxOutput: 1 << 20 })),
    encodeHc1: (cose) => `HC1:${base45Encode(deflateZlib(cose))}`,
  };
}
