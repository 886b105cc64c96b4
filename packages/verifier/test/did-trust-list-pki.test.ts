import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevelopmentCsca, createDevelopmentSigner, encodeDcc, type DevelopmentCsca } from '@divoc/dcc';
import { base64Encode, createSigner, dccKid, parseCertificate } from '@divoc/keys';
import { Trust, verify } from '../src/index.js';
import { loadTrustDirectory } from '../src/node.js';
import { SAMPLE_DCC, sampleHc1 } from '../../dcc/test/helpers.js';
import { outline, vectorJson, vectorText } from './helpers.js';

/**
 * DID trust lists built from development keys: the WHO ddcc-trust shapes (embedded `u/ml/e`, referenced `u/ml/r` +
 * `u/k/<kid>` documents) and GDHCN version 2 lists. The v2 fixtures follow WHO SMART Trust, "Concepts GDHCN Trust
 * List" (concepts_did_gdhcn), section "DID trustlists structure" (the `$domain:$participant:$usage` levels, `-` as
 * wildcard) and its "Example DID documents" (a reference document for DCC/XXA/DSC listing the embedded document's
 * DID; the embedded one with a `JsonWebKey2020` whose id fragment and JWK `kid` are the base64 kid and whose `x5c`
 * is [DSC, SCA]). Every negative has its control beside it.
 */

const NOW = new Date('2021-08-01T00:00:00Z');
const FROM = new Date('2021-01-01T00:00:00Z');
const V1 = 'did:web:lists.example:dist:test';
const V2 = 'did:web:tng.example:v2';
const CONTEXT = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'];

type Signer = Awaited<ReturnType<typeof createDevelopmentSigner>>;
let csca: DevelopmentCsca;
let dsc: Signer;
let testOnly: Signer;
let hc1: string;

beforeAll(async () => {
  csca = await createDevelopmentCsca({ country: 'DE', validFrom: FROM });
  dsc = await createDevelopmentSigner({ csca, validFrom: FROM });
  testOnly = await createDevelopmentSigner({ csca, validFrom: FROM, types: ['t'] });
  hc1 = await sampleHc1(dsc);
});

const b64 = (der: Uint8Array) => base64Encode(der);
const jwkOf = (der: Uint8Array) => ({ ...(parseCertificate(der).publicKey.jwk as Record<string, unknown>) });
/** The CA entry's kid: a DCC-style kid (8 bytes, base64), so a DCC can name it. */
const cscaKid = () => dccKid(csca.certificate);

/** A ddcc-trust entry: controller `…:u:k:<kid>`, id `<controller>#<kid>`, both percent-encoded. */
function v1Entry(kid: string, x5c: Uint8Array[], controller = `${V1}:u:k:${encodeURIComponent(kid)}`) {
  return {
    id: `${controller}#${encodeURIComponent(kid)}`,
    type: 'JsonWebKey2020',
    controller,
    publicKeyJwk: { ...jwkOf(x5c[0]!), x5c: x5c.map(b64) },
  };
}
const v1List = (...entries: unknown[]) => ({ '@context': CONTEXT, id: `${V1}:u:ml:e`, verificationMethod: entries });

/** A GDHCN v2 embedded document for `$domain:$participant:$usage`, as in the spec's example. */
function v2Doc(domain: string, participant: string, usage: string, kid: string, x5c: Uint8Array[]) {
  const id = `${V2}:trustlist:${domain}:${participant}:${usage}`;
  const controller = `${V2}:trustlist:${domain}:${participant}`;
  return {
    '@context': CONTEXT,
    id,
    controller,
    verificationMethod: [
      {
        id: `${id}#${kid}`,
        type: 'JsonWebKey2020',
        controller,
        publicKeyJwk: { ...jwkOf(x5c[0]!), kid, x5c: x5c.map(b64) },
      },
    ],
  };
}

async function expectVerifies(trust: Trust, input: string, issuer: string) {
  const result = await verify(input, { trust, now: NOW });
  expect(result.valid, outline(result.checks).join(' ')).toBe(true);
  expect(result.issuer).toBe(issuer);
}

async function trustCheck(trust: Trust, input: string) {
  const result = await verify(input, { trust, now: NOW });
  expect(result.valid).toBe(false);
  return result.checks.find((c) => c.name === 'trust');
}

describe('ddcc-trust shape from development keys', () => {
  it('control: a DSC entry with x5c [DSC, CSCA] verifies, named by its certificate country', async () => {
    const trust = new Trust();
    const summary = await trust.load(v1List(v1Entry(dsc.kid, [dsc.certificate, csca.certificate])));
    expect(summary).toMatchObject({ kind: 'did-trust-list', keys: 1, cscas: 0 });
    await expectVerifies(trust, hc1, 'DE');
  });

  it('a CA entry never signs: a DCC signed with the CSCA key under its listed kid is not trusted', async () => {
    const trust = new Trust();
    const summary = await trust.load(
      v1List(v1Entry(cscaKid(), [csca.certificate]), v1Entry(dsc.kid, [dsc.certificate, csca.certificate])),
    );
    expect(summary).toMatchObject({ keys: 1, cscas: 1 });
    expect(trust.cscaFor(cscaKid())).toBeInstanceOf(Uint8Array);
    // The CA key signing under the CA entry's own kid: no signer answers to it.
    const underCaKid = await encodeDcc(SAMPLE_DCC, {
      signer: createSigner(csca.keyPair, { id: cscaKid(), algorithm: 'ES256' }),
      kid: cscaKid(),
      iss: 'DE',
      iat: new Date('2021-07-15T00:00:00Z'),
    });
    expect(underCaKid.kid).toBe(cscaKid());
    const result = await verify(underCaKid.hc1, { trust, now: NOW });
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.name === 'signature' || c.name === 'trust')).toMatchObject({ ok: false });
    expect(result.issuer).toBeNull();
    expect(trust.store.resolve(cscaKid())).toEqual([]);
    await expectVerifies(trust, hc1, 'DE'); // control
  });

  it('a key listed for SHC (url-encoded issuer controller) does not verify a DCC; an EU-style one does', async () => {
    const shcController = `${V1}:u:k:${encodeURIComponent('https://issuer.example/shc')}`;
    const trust = new Trust();
    await trust.load(v1List(v1Entry(dsc.kid, [dsc.certificate, csca.certificate], shcController)));
    const [key] = trust.store.resolve(dsc.kid);
    expect(key?.issuers).toEqual(['DE', 'https://issuer.example/shc']);
    expect(key?.purposes).toContain('format:shc');
    expect(trust.store.resolve(`https://issuer.example/shc#${dsc.kid}`)).toEqual([key]);
    expect(await trustCheck(trust, hc1)).toMatchObject({ ok: false, code: 'ERR_TRUST_KEY_USE' });
    const control = new Trust();
    await control.load(v1List(v1Entry(dsc.kid, [dsc.certificate, csca.certificate])));
    await expectVerifies(control, hc1, 'DE');
  });

  it('an SHC issuer key (bare JWK, url-encoded issuer controller) verifies its cards, and only those', async () => {
    const iss = 'https://spec.smarthealth.cards/examples/issuer';
    const jwks = vectorJson<{ keys: Record<string, unknown>[] }>('shc/examples/issuer/.well-known/jwks.json');
    const jwk = jwks.keys.find((k) => k.x5c === undefined)!;
    const kid = String(jwk.kid);
    const shcEntry = (controller: string) => ({
      id: `${controller}#${encodeURIComponent(kid)}`,
      type: 'JsonWebKey2020',
      controller,
      publicKeyJwk: jwk,
    });
    const card = vectorText('shc/examples/example-00-d-jws.txt');
    const when = { now: new Date('2025-01-01T00:00:00Z') };
    const trust = new Trust();
    await trust.load(v1List(shcEntry(`${V1}:u:k:${encodeURIComponent(iss)}`)));
    const result = await verify(card, { trust, ...when });
    expect(result.valid, outline(result.checks).join(' ')).toBe(true);
    expect(result.issuer).toBe(iss);
    // The same key listed as an EU-style (HCERT) entry does not verify the card.
    const hcert = new Trust();
    await hcert.load(v1List(shcEntry(`${V1}:u:k:${encodeURIComponent(kid)}`)));
    const refused = await verify(card, { trust: hcert, ...when });
    expect(refused.valid).toBe(false);
    expect(refused.checks.find((c) => c.name === 'trust')).toMatchObject({ ok: false, code: 'ERR_TRUST_KEY_USE' });
  });

  it('the DCC key usage of the certificate still applies: a test-only DSC does not verify a vaccination', async () => {
    const trust = new Trust();
    await trust.load(
      v1List(
        v1Entry(testOnly.kid, [testOnly.certificate, csca.certificate]),
        v1Entry(dsc.kid, [dsc.certificate, csca.certificate]),
      ),
    );
    const vaccination = await sampleHc1(testOnly);
    const result = await verify(vaccination, { trust, now: NOW });
    expect(outline(result.checks)).toContain('key-usage:ERR_DCC_KEY_USAGE');
    expect(result.valid).toBe(false);
    await expectVerifies(trust, hc1, 'DE'); // control: the all-types DSC
  });

  it('a controller naming a country (`…:k:CC#<kid>`) gives the identity; one contradicting C= is refused', async () => {
    const named = (country: string) => `${V1}:u:k:${country}#${encodeURIComponent(dsc.kid)}`;
    const entry = (country: string) => ({
      ...v1Entry(dsc.kid, [dsc.certificate, csca.certificate], named(country)),
      id: `${named(country)}#${encodeURIComponent(`${country}#${dsc.kid}`)}`,
    });
    const trust = new Trust();
    await trust.load(v1List(entry('DE')));
    expect(trust.store.resolve(dsc.kid)[0]?.issuers).toEqual(['DE']);
    await expectVerifies(trust, hc1, 'DE');
    await expect(new Trust().load(v1List(entry('FR')))).rejects.toMatchObject({ reason: 'ERR_DID_TRUST_COUNTRY' });
  });

  it('the referenced form: DID URLs and u/k documents, in either order; unresolved ones reported', async () => {
    const keyDoc = (kid: string, x5c: Uint8Array[]) => {
      const entry = v1Entry(kid, x5c);
      return { '@context': CONTEXT, id: entry.controller, verificationMethod: [entry] };
    };
    const docs = [keyDoc(dsc.kid, [dsc.certificate, csca.certificate]), keyDoc('missing+/=', [dsc.certificate])];
    const refs = {
      '@context': CONTEXT,
      id: `${V1}:u:ml:r`,
      verificationMethod: docs.map((d) => d.verificationMethod[0]!.id),
    };

    const refsFirst = new Trust();
    expect(await refsFirst.load(refs)).toMatchObject({
      kind: 'did-trust-list',
      keys: 0,
      references: 2,
      unresolvedReferences: 2,
    });
    expect(await refsFirst.load(docs[0])).toMatchObject({ keys: 1 });
    expect(refsFirst.unresolvedDidReferences).toEqual([docs[1]!.verificationMethod[0]!.id]);
    await expectVerifies(refsFirst, hc1, 'DE');

    const docsFirst = new Trust();
    await docsFirst.load(docs[0]);
    expect(await docsFirst.load(refs)).toMatchObject({ references: 2, unresolvedReferences: 1 });
    expect(docsFirst.unresolvedDidReferences).toHaveLength(1);
    await expectVerifies(docsFirst, hc1, 'DE');

    // A reference alone trusts nothing.
    const refsOnly = new Trust();
    await refsOnly.load(refs);
    expect((await trustCheck(refsOnly, hc1))?.ok).toBe(false);
  });

  describe('a folder of DID documents (loadTrustDirectory)', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'divoc-did-'));
      const entry = v1Entry(dsc.kid, [dsc.certificate, csca.certificate]);
      const kidDir = join(dir, 'u', 'k', encodeURIComponent(dsc.kid));
      await mkdir(kidDir, { recursive: true });
      await mkdir(join(dir, 'u', 'ml', 'r'), { recursive: true });
      await writeFile(
        join(kidDir, 'did.json'),
        JSON.stringify({ '@context': CONTEXT, id: entry.controller, verificationMethod: [entry] }),
      );
      await writeFile(
        join(dir, 'u', 'ml', 'r', 'did.json'),
        JSON.stringify({ '@context': CONTEXT, id: `${V1}:u:ml:r`, verificationMethod: [entry.id] }),
      );
    });
    afterAll(async () => rm(dir, { recursive: true, force: true }));

    it('loads every document, resolves the references, and verifies', async () => {
      const trust = await loadTrustDirectory(dir);
      expect(trust.unresolvedDidReferences).toEqual([]);
      await expectVerifies(trust, hc1, 'DE');
      // Control: the master list alone leaves its reference unresolved and trusts nothing.
      const alone = new Trust();
      await alone.load(
        JSON.stringify({ '@context': CONTEXT, id: `${V1}:u:ml:r`, verificationMethod: [`${V1}:u:k:x#x`] }),
      );
      expect(alone.unresolvedDidReferences).toEqual([`${V1}:u:k:x#x`]);
    });
  });
});

describe('GDHCN version 2 lists from development keys', () => {
  it('control: DCC / DEU / DSC embedded (spec example shape) verifies; the participant names the country', async () => {
    const trust = new Trust();
    const summary = await trust.load(v2Doc('DCC', 'DEU', 'DSC', dsc.kid, [dsc.certificate, csca.certificate]));
    expect(summary).toMatchObject({ kind: 'did-trust-list', keys: 1 });
    const [key] = trust.store.resolve(dsc.kid);
    expect(key?.issuers).toEqual(['DEU']);
    expect(key?.purposes).toContain('format:hcert');
    await expectVerifies(trust, hc1, 'DE');
  });

  it('a key of another domain (SHC) does not verify a DCC', async () => {
    const trust = new Trust();
    await trust.load(v2Doc('SHC', 'DEU', 'DSC', dsc.kid, [dsc.certificate, csca.certificate]));
    expect(await trustCheck(trust, hc1)).toMatchObject({ ok: false, code: 'ERR_TRUST_KEY_USE' });
    // An unknown domain's keys verify nothing either.
    const other = new Trust();
    await other.load(v2Doc('PH4H', 'DEU', 'DSC', dsc.kid, [dsc.certificate, csca.certificate]));
    expect(await trustCheck(other, hc1)).toMatchObject({ ok: false, code: 'ERR_TRUST_KEY_USE' });
  });

  it('usage SCA makes a CSCA, never a signer; other usages skipped; DSC with a CA certificate refused', async () => {
    const trust = new Trust();
    expect(await trust.load(v2Doc('DCC', 'DEU', 'SCA', cscaKid(), [csca.certificate]))).toMatchObject({
      keys: 0,
      cscas: 1,
    });
    expect(trust.store.resolve(cscaKid())).toEqual([]);
    await expect(new Trust().load(v2Doc('DCC', 'DEU', 'UP', dsc.kid, [dsc.certificate]))).rejects.toMatchObject({
      reason: 'ERR_DID_TRUST_NOT_SIGNER',
    });
    await expect(new Trust().load(v2Doc('DCC', 'DEU', 'DSC', cscaKid(), [csca.certificate]))).rejects.toMatchObject({
      reason: 'ERR_DID_TRUST_USAGE',
    });
  });

  it('a participant that contradicts the certificate country is refused (control: the right one loads)', async () => {
    await expect(
      new Trust().load(v2Doc('DCC', 'FRA', 'DSC', dsc.kid, [dsc.certificate, csca.certificate])),
    ).rejects.toMatchObject({ reason: 'ERR_DID_TRUST_COUNTRY' });
    expect((await new Trust().load(v2Doc('DCC', 'DE', 'DSC', dsc.kid, [dsc.certificate]))).keys).toBe(1);
  });

  it('the reference form: trustlist-ref documents list DIDs of embedded documents, added in any order', async () => {
    const embedded = v2Doc('DCC', 'DEU', 'DSC', dsc.kid, [dsc.certificate, csca.certificate]);
    const ref = {
      '@context': CONTEXT,
      id: `${V2}:trustlist-ref:DCC:DEU:DSC`,
      controller: `${V2}:trustlist-ref:DCC:DEU`,
      verificationMethod: [embedded.id],
    };
    const root = { '@context': CONTEXT, id: `${V2}:trustlist-ref`, verificationMethod: [ref.id] };
    const trust = new Trust();
    expect(await trust.load(root)).toMatchObject({ references: 1, unresolvedReferences: 1 });
    expect(await trust.load(ref)).toMatchObject({ references: 1, unresolvedReferences: 1 });
    expect(trust.unresolvedDidReferences).toEqual([embedded.id]);
    await trust.load(embedded);
    expect(trust.unresolvedDidReferences).toEqual([]);
    await expectVerifies(trust, hc1, 'DE');
    // Control for "a reference trusts nothing": without the embedded document nothing verifies.
    const refsOnly = new Trust();
    await refsOnly.load(root);
    await refsOnly.load(ref);
    expect((await trustCheck(refsOnly, hc1))?.ok).toBe(false);
  });

  it("the root embedded list (`…:v2:trustlist`, wildcards) takes each key's levels from its own DID", async () => {
    const a = v2Doc('DCC', 'DEU', 'DSC', dsc.kid, [dsc.certificate, csca.certificate]).verificationMethod[0]!;
    const root = { '@context': CONTEXT, id: `${V2}:trustlist:-:-`, verificationMethod: [a] };
    const trust = new Trust();
    expect(await trust.load(root)).toMatchObject({ keys: 1 });
    await expectVerifies(trust, hc1, 'DE');
  });
});
