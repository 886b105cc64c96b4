/**
 * Attack suite for issue 11: a verifier that trusts several issuers at once must never answer VALID for a credential
 * that names an issuer other than the one whose key signed it. Every attack sits next to a genuine control that
 * must stay VALID, so the suite cannot pass by rejecting everything.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createSigner,
  didKeyFromKeyPair,
  generateKeyPair,
  jwkThumbprint,
  toTrustListEntry,
  verificationMethodId,
  type KeyPair,
  type Signer,
} from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { encodeCompactCredential, issueCredential, type SignedCredential, type UnsignedCredential } from '@divoc/vc';
import { encodeDivocQr } from '@divoc/qr';
import {
  createDevelopmentCsca,
  createDevelopmentSigner,
  issueDcc,
  type DevelopmentCsca,
  type DocumentSignerCertificate,
} from '@divoc/dcc';
import { exportIssuerJwks, issueShc } from '@divoc/shc';
import {
  createDevelopmentCsca as createVdsncCsca,
  createDevelopmentSigner as createVdsncSigner,
  issueVdsnc,
  type DevelopmentCsca as VdsncCertificate,
} from '@divoc/vdsnc';
import { addCredentialStatus, allocateStatusEntry, createStatusList, publishStatusList, revoke } from '@divoc/status';
import { Trust, verify, type VerificationResult } from '@divoc/verifier';
import { vaccinationRecord } from '../../packages/verifier/test/helpers.js';

const NOW = new Date('2021-07-01T00:00:00Z');
const ISSUED = '2021-05-03T12:00:00Z';
const CERTS_FROM = new Date('2021-01-01T00:00:00Z');

const record = vaccinationRecord;

const trustCheck = (r: VerificationResult) => r.checks.find((c) => c.name === 'trust');
const outline = (r: VerificationResult) => r.checks.map((c) => `${c.name}:${c.ok ? 'ok' : c.code}`);

/** One W3C VC issuer: a did:key whose key is trusted for that DID. */
interface VcIssuer {
  did: string;
  key: KeyPair;
  signer: Signer;
}

async function vcIssuer(): Promise<VcIssuer> {
  const key = await generateKeyPair('Ed25519');
  return { did: didKeyFromKeyPair(key), key, signer: createSigner(key, { id: verificationMethodId(key) }) };
}

function vcCredential(issuer: string, extra: Record<string, unknown> = {}): UnsignedCredential {
  return {
    ...(buildCredential('vaccination-v2', record, { issuer, issuanceDate: ISSUED }) as UnsignedCredential),
    ...extra,
  } as UnsignedCredential;
}

/** An SHC issuer: a P-256 key published as the JWKS of its `iss`. */
interface ShcIssuer {
  iss: string;
  key: KeyPair;
  signer: Signer;
}

async function shcIssuer(iss: string): Promise<ShcIssuer> {
  const key = await generateKeyPair('P-256');
  return { iss, key, signer: createSigner(key, { id: jwkThumbprint(key) }) };
}

interface DccIssuer {
  country: string;
  csca: DevelopmentCsca;
  dsc: DocumentSignerCertificate;
}

async function dccIssuer(country: string): Promise<DccIssuer> {
  const csca = await createDevelopmentCsca({ country, commonName: `${country} test CSCA` });
  const dsc = await createDevelopmentSigner({ csca, types: ['v', 't', 'r'], validFrom: CERTS_FROM });
  return { country, csca, dsc };
}

interface VdsIssuer {
  country: string;
  csca: VdsncCertificate;
  signer: VdsncCertificate;
}

async function vdsIssuer(country: string): Promise<VdsIssuer> {
  const csca = await createVdsncCsca({ country, commonName: `${country} test CSCA`, validFrom: CERTS_FROM });
  const signer = await createVdsncSigner({ csca, country, validFrom: CERTS_FROM });
  return { country, csca, signer };
}

let a: VcIssuer;
let b: VcIssuer;
let vcTrust: Trust;
let shcA: ShcIssuer;
let shcB: ShcIssuer;
let shcTrust: Trust;
let dccIn: DccIssuer;
let dccDe: DccIssuer;
let dccTrust: Trust;
let vdsIn: VdsIssuer;
let vdsDe: VdsIssuer;
let vdsTrust: Trust;

beforeAll(async () => {
  [a, b] = await Promise.all([vcIssuer(), vcIssuer()]);
  vcTrust = new Trust();
  for (const issuer of [a, b])
    vcTrust.add(toTrustListEntry(issuer.key, { id: issuer.signer.id, controller: issuer.did }));

  [shcA, shcB] = await Promise.all([shcIssuer('https://a.example/shc'), shcIssuer('https://b.example/shc')]);
  shcTrust = new Trust();
  for (const issuer of [shcA, shcB])
    shcTrust.addWellKnown({ jwks: exportIssuerJwks([issuer.key]), issuer: issuer.iss });

  [dccIn, dccDe] = await Promise.all([dccIssuer('IN'), dccIssuer('DE')]);
  dccTrust = new Trust();
  for (const issuer of [dccIn, dccDe]) dccTrust.add(issuer.dsc.certificatePem);

  [vdsIn, vdsDe] = await Promise.all([vdsIssuer('IN'), vdsIssuer('DE')]);
  vdsTrust = new Trust();
  for (const issuer of [vdsIn, vdsDe]) vdsTrust.add(issuer.csca.certificate);
}, 60_000);

describe('1. W3C VC naming issuer B, signed by issuer A', () => {
  it('control: A signing in its own name is VALID, named A', async () => {
    const signed = await issueCredential(vcCredential(a.did), { signer: a.signer });
    const result = await verify(signed, { trust: vcTrust, now: NOW });
    expect(outline(result)).toEqual(['decode:ok', 'signature:ok', 'trust:ok', 'validity:ok', 'schema:ok']);
    expect(result.issuer).toBe(a.did);
    expect(result.warnings).toBeUndefined();
  });

  it("attack: A signing in B's name is INVALID (ERR_TRUST_ISSUER_MISMATCH), never named B", async () => {
    const forged = await issueCredential(vcCredential(b.did), { signer: a.signer });
    const result = await verify(forged, { trust: vcTrust, now: NOW });
    expect(result.valid).toBe(false);
    expect(trustCheck(result)).toMatchObject({ ok: false, code: 'ERR_TRUST_ISSUER_MISMATCH' });
    expect(trustCheck(result)?.message).toContain(b.did);
    expect(result.issuer).not.toBe(b.did);
    expect(result.claimedIssuer).toBe(b.did);
  });

  it('attack: the issuer as an object ({ id: B, name }) is the same claim', async () => {
    const forged = await issueCredential(vcCredential(b.did, { issuer: { id: b.did } }), { signer: a.signer });
    const result = await verify(forged, { trust: vcTrust, now: NOW });
    expect(trustCheck(result)).toMatchObject({ ok: false, code: 'ERR_TRUST_ISSUER_MISMATCH' });
  });

  it(
    'https issuers: a key bound to one URL cannot sign for another; a claim of another kind is shown as the ' +
      'trust says, with a warning',
    async () => {
      // A key named by URL, not a did:key (a did:key always answers for its own DID as well).
      const signer = createSigner(a.key, { id: 'https://a.example/keys#1' });
      const trust = new Trust();
      trust.add(toTrustListEntry(a.key, { id: signer.id, controller: 'https://a.example/' }));
      const own = await verify(await issueCredential(vcCredential('https://a.example/'), { signer }), {
        trust,
        now: NOW,
      });
      expect(own.valid).toBe(true);
      expect(own.issuer).toBe('https://a.example/');
      const other = await verify(await issueCredential(vcCredential('https://b.example/'), { signer }), {
        trust,
        now: NOW,
      });
      expect(trustCheck(other)).toMatchObject({ ok: false, code: 'ERR_TRUST_ISSUER_MISMATCH' });
      // A DID claim cannot be compared with a URL identity: not a conflict, but not what the result names either.
      const unbound = await verify(await issueCredential(vcCredential(b.did), { signer }), { trust, now: NOW });
      expect(unbound.valid).toBe(true);
      expect(unbound.issuer).toBe('https://a.example/');
      expect(unbound.warnings).toEqual([expect.objectContaining({ code: 'WARN_TRUST_ISSUER_UNBOUND' })]);
    },
  );

  it("A cannot publish a status list that un-revokes B's credential; B's own list still revokes it", async () => {
    const list = createStatusList({ id: 'https://b.example/status/1', statusPurpose: 'revocation' });
    const entry = allocateStatusEntry(list);
    const credential = await issueCredential(addCredentialStatus(vcCredential(b.did), entry) as UnsignedCredential, {
      signer: b.signer,
    });
    revoke(list, Number(entry.statusListIndex));
    const genuine = await publishStatusList(list, {
      issuer: b.did,
      signer: b.signer,
      validFrom: ISSUED,
      created: ISSUED,
    });
    const revoked = await verify(credential, { trust: vcTrust, now: NOW, revocation: { statusLists: [genuine] } });
    expect(revoked.checks.at(-1)).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_STATUS_REVOKED' });

    const clean = createStatusList({ id: 'https://b.example/status/1', statusPurpose: 'revocation' });
    for (const forgedIssuer of [b.did, a.did]) {
      const forged = await publishStatusList(clean, {
        issuer: forgedIssuer,
        signer: a.signer,
        validFrom: ISSUED,
        created: ISSUED,
      });
      const result = await verify(credential, { trust: vcTrust, now: NOW, revocation: { statusLists: [forged] } });
      expect(result.valid, forgedIssuer).toBe(false);
      expect(result.checks.at(-1), forgedIssuer).toMatchObject({
        name: 'revocation',
        ok: false,
        code: 'ERR_STATUS_LIST_INVALID',
      });
    }
    // Control: B's own clean list clears it.
    const own = await verify(credential, {
      trust: vcTrust,
      now: NOW,
      revocation: {
        statusLists: [
          await publishStatusList(clean, { issuer: b.did, signer: b.signer, validFrom: ISSUED, created: ISSUED }),
        ],
      },
    });
    expect(own.valid).toBe(true);
  });
});

describe("2. SMART Health Card claiming another trusted issuer's iss", () => {
  it("control: each issuer's own card is VALID, named by its iss", async () => {
    const credential = await issueCredential(vcCredential(a.did), { signer: a.signer });
    for (const issuer of [shcA, shcB]) {
      const card = await issueShc(credential, {
        signer: issuer.signer,
        key: issuer.key,
        issuer: issuer.iss,
        nbf: new Date(ISSUED),
      });
      const result = await verify(card.jws, { trust: shcTrust, now: NOW });
      expect(result.valid, issuer.iss).toBe(true);
      expect(result.issuer).toBe(issuer.iss);
    }
  });

  it("attack: B's key signing a card with A's iss is INVALID", async () => {
    const credential = await issueCredential(vcCredential(a.did), { signer: a.signer });
    const card = await issueShc(credential, {
      signer: shcB.signer,
      key: shcB.key,
      issuer: shcA.iss,
      nbf: new Date(ISSUED),
    });
    const result = await verify(card.jws, { trust: shcTrust, now: NOW });
    expect(result.valid).toBe(false);
    expect(trustCheck(result)).toMatchObject({ ok: false, code: 'ERR_TRUST_ISSUER_MISMATCH' });
    expect(result.issuer).not.toBe(shcA.iss);
  });

  it('attack: a key given without an issuer binding (a plain JWKS) is never shown as the iss it claims', async () => {
    const trust = new Trust();
    trust.addWellKnown({ jwks: exportIssuerJwks([shcA.key]), issuer: shcA.iss });
    trust.add(exportIssuerJwks([shcB.key]));
    const credential = await issueCredential(vcCredential(a.did), { signer: a.signer });
    const card = await issueShc(credential, {
      signer: shcB.signer,
      key: shcB.key,
      issuer: shcA.iss,
      nbf: new Date(ISSUED),
    });
    const result = await verify(card.jws, { trust, now: NOW });
    expect(result.issuer).not.toBe(shcA.iss);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'WARN_TRUST_ISSUER_UNBOUND' })]);
    // Binding the plain JWKS to its issuer (--trust ISS=FILE) turns it into a mismatch.
    const bound = new Trust();
    bound.addWellKnown({ jwks: exportIssuerJwks([shcA.key]), issuer: shcA.iss });
    bound.add(exportIssuerJwks([shcB.key]), { issuer: shcB.iss });
    expect(trustCheck(await verify(card.jws, { trust: bound, now: NOW }))).toMatchObject({
      ok: false,
      code: 'ERR_TRUST_ISSUER_MISMATCH',
    });
  });
});

describe('3. EU DCC signed by a DSC of IN whose CWT iss says DE', () => {
  it("control: iss = the DSC's country is VALID even when the event happened elsewhere", async () => {
    const credential = await issueCredential(vcCredential(a.did), { signer: a.signer });
    const hc1 = (
      await issueDcc(credential, {
        signer: dccIn.dsc.signer,
        certificate: dccIn.dsc.certificatePem,
        iat: new Date(ISSUED),
      })
    ).hc1;
    const result = await verify(hc1, { trust: dccTrust, now: NOW });
    expect(result.valid).toBe(true);
    expect(result.issuer).toBe('IN');
    const abroad = (
      await issueDcc(credential, {
        signer: dccIn.dsc.signer,
        certificate: dccIn.dsc.certificatePem,
        iat: new Date(ISSUED),
        iss: 'IN',
        country: 'DE',
      })
    ).hc1;
    const abroadResult = await verify(abroad, { trust: dccTrust, now: NOW });
    expect(abroadResult.valid).toBe(true);
    expect(abroadResult.issuer).toBe('IN');
  });

  it("attack: iss DE signed by IN's DSC is INVALID (alpha-2 and alpha-3 alike)", async () => {
    const credential = await issueCredential(vcCredential(a.did), { signer: a.signer });
    for (const iss of ['DE', 'DEU']) {
      const hc1 = (
        await issueDcc(credential, {
          signer: dccIn.dsc.signer,
          certificate: dccIn.dsc.certificatePem,
          iat: new Date(ISSUED),
          iss,
        })
      ).hc1;
      const result = await verify(hc1, { trust: dccTrust, now: NOW });
      expect(result.valid, iss).toBe(false);
      expect(trustCheck(result), iss).toMatchObject({ ok: false, code: 'ERR_TRUST_ISSUER_MISMATCH' });
      expect(result.issuer).toBe('IN');
    }
  });

  it("a ministry name as iss is not a country: unbound, shown as the DSC's country with a warning", async () => {
    const credential = await issueCredential(vcCredential(a.did), { signer: a.signer });
    const hc1 = (
      await issueDcc(credential, {
        signer: dccIn.dsc.signer,
        certificate: dccIn.dsc.certificatePem,
        iat: new Date(ISSUED),
        iss: 'Ministry of Health',
      })
    ).hc1;
    const result = await verify(hc1, { trust: dccTrust, now: NOW });
    expect(result.valid).toBe(true);
    expect(result.issuer).toBe('IN');
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'WARN_TRUST_ISSUER_UNBOUND' })]);
  });
});

describe('4. VDS-NC: a CSCA vouches for its own country only', () => {
  it('control: IN CSCA, IN signer, seal IND: VALID', async () => {
    const credential = await issueCredential(vcCredential(a.did), { signer: a.signer });
    const seal = await issueVdsnc(credential, {
      signer: createSigner(vdsIn.signer.keyPair, { id: 'vds' }),
      certificate: vdsIn.signer.certificate,
    });
    const result = await verify(seal, { trust: vdsTrust, now: NOW });
    expect(outline(result)).toEqual([
      'decode:ok',
      'signature:ok',
      'trust:ok',
      'validity:ok',
      'key-usage:ok',
      'schema:ok',
    ]);
    expect(result.issuer).toBe('IND');
  });

  it('attack: the IN CSCA issues a signer certificate with C=DE, the seal says DEU: INVALID', async () => {
    const rogue = await createVdsncSigner({ csca: vdsIn.csca, country: 'DE', validFrom: CERTS_FROM });
    const credential = await issueCredential(vcCredential(a.did), { signer: a.signer });
    const seal = await issueVdsnc(credential, {
      signer: createSigner(rogue.keyPair, { id: 'vds' }),
      certificate: rogue.certificate,
      issuingCountry: 'DEU',
    });
    const result = await verify(seal, { trust: vdsTrust, now: NOW });
    expect(result.valid).toBe(false);
    expect(trustCheck(result)).toMatchObject({ ok: false, code: 'ERR_TRUST_CHAIN_COUNTRY' });
  });

  it('attack: an IN signer certificate with a seal that says DEU: INVALID', async () => {
    const credential = await issueCredential(vcCredential(a.did), { signer: a.signer });
    const seal = await issueVdsnc(credential, {
      signer: createSigner(vdsIn.signer.keyPair, { id: 'vds' }),
      certificate: vdsIn.signer.certificate,
      issuingCountry: 'DEU',
    });
    const result = await verify(seal, { trust: vdsTrust, now: NOW });
    expect(result.valid).toBe(false);
    expect(trustCheck(result)?.code).toMatch(/^ERR_(TRUST_ISSUER_MISMATCH|VDSNC_NOT_TRUSTED)$/);
  });

  it(
    'a signer certificate trusted directly verifies without its CSCA (control), and binds its ' + 'own country',
    async () => {
      const trust = new Trust();
      trust.add(vdsIn.signer.certificate);
      const credential = await issueCredential(vcCredential(a.did), { signer: a.signer });
      const seal = await issueVdsnc(credential, {
        signer: createSigner(vdsIn.signer.keyPair, { id: 'vds' }),
        certificate: vdsIn.signer.certificate,
      });
      const result = await verify(seal, { trust, now: NOW });
      expect(result.valid).toBe(true);
      expect(result.issuer).toBe('IND');
      const forged = await issueVdsnc(credential, {
        signer: createSigner(vdsIn.signer.keyPair, { id: 'vds' }),
        certificate: vdsIn.signer.certificate,
        issuingCountry: 'DEU',
      });
      expect(trustCheck(await verify(forged, { trust, now: NOW }))).toMatchObject({
        ok: false,
        code: 'ERR_TRUST_ISSUER_MISMATCH',
      });
      // Without it (or its CSCA) nothing is trusted.
      expect(trustCheck(await verify(seal, { trust: new Trust(), now: NOW }))).toMatchObject({
        ok: false,
        code: 'ERR_VDSNC_NOT_TRUSTED',
      });
    },
  );
});

describe('5. DIVOC contexts: terms that share one IRI', () => {
  const swap = (credential: SignedCredential, a: string, b: string): SignedCredential => {
    const copy = structuredClone(credential) as unknown as { evidence: Record<string, unknown>[] };
    const e = copy.evidence[0]!;
    [e[a], e[b]] = [e[b], e[a]];
    return copy as unknown as SignedCredential;
  };
  let legacy: SignedCredential;
  let current: SignedCredential;
  beforeAll(async () => {
    const unsigned = (context?: 'divoc-legacy') =>
      buildCredential('vaccination', record, {
        issuer: a.did,
        issuanceDate: ISSUED,
        ...(context ? { context } : {}),
      }) as UnsignedCredential;
    legacy = await issueCredential(unsigned('divoc-legacy'), { signer: a.signer });
    current = await issueCredential(unsigned(), { signer: a.signer });
  });

  it('the legacy DIVOC context: a swap keeps the signature, so the result warns and names the fields', async () => {
    // (The template writes no effectiveUntil; DIVOC's own certificates do: date↔effectiveUntil is tested on them.)
    for (const [x, y] of [
      ['certificateId', 'batch'],
      ['date', 'effectiveStart'],
      ['dose', 'totalDoses'],
    ] as const) {
      const result = await verify(swap(legacy, x, y), { trust: vcTrust, now: NOW });
      // The signature and the trust still hold (a schema may notice an implausible date; nothing else can).
      expect(
        result.checks.filter((c) => c.name === 'signature' || c.name === 'trust').map((c) => c.ok),
        `${x}↔${y}`,
      ).toEqual([true, true]);
      const warning = result.warnings?.find((w) => w.code === 'WARN_VC_AMBIGUOUS_TERMS');
      expect(warning?.fields).toEqual(expect.arrayContaining([`evidence[0].${x}`, `evidence[0].${y}`]));
    }
  });

  it('a DIVOC revocation list still finds a certificate whose certificateId was swapped with its batch', async () => {
    const list = { revoked: [{ certificateId: record.certificateId }] };
    const swapped = await verify(swap(legacy, 'certificateId', 'batch'), {
      trust: vcTrust,
      now: NOW,
      revocation: { divoc: [list] },
    });
    expect(swapped.valid).toBe(false);
    expect(swapped.checks.at(-1)).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_STATUS_REVOKED' });
    // Controls: unswapped it is revoked as well; a list that names another certificate revokes neither.
    expect(
      (await verify(legacy, { trust: vcTrust, now: NOW, revocation: { divoc: [list] } })).checks.at(-1),
    ).toMatchObject({ ok: false, code: 'ERR_STATUS_REVOKED' });
    expect(
      (
        await verify(swap(legacy, 'certificateId', 'batch'), {
          trust: vcTrust,
          now: NOW,
          revocation: { divoc: [{ revoked: [{ certificateId: '999' }] }] },
        })
      ).valid,
    ).toBe(true);
  });

  it('what the SDK signs by default has no such terms: no warning, and a swap breaks the signature', async () => {
    const genuine = await verify(current, { trust: vcTrust, now: NOW });
    expect(genuine.valid).toBe(true);
    expect(genuine.warnings).toBeUndefined();
    const swapped = await verify(swap(current, 'certificateId', 'batch'), { trust: vcTrust, now: NOW });
    expect(swapped.checks.find((c) => c.name === 'signature')).toMatchObject({
      ok: false,
      code: 'ERR_VC_SIGNATURE_INVALID',
    });
  });
});

describe('6. proofPurpose: a key authorised only for authentication cannot sign credentials', () => {
  it('the proof must state assertionMethod, and the key must be authorised for it', async () => {
    const trust = new Trust();
    trust.add({
      '@context': 'https://www.w3.org/ns/did/v1',
      id: a.did,
      verificationMethod: [
        { id: a.signer.id, type: 'Multikey', controller: a.did, publicKeyMultibase: a.signer.id.split('#')[1] },
      ],
      authentication: [a.signer.id],
    });
    const signed = await issueCredential(vcCredential(a.did), { signer: a.signer });
    expect(trustCheck(await verify(signed, { trust, now: NOW }))).toMatchObject({
      ok: false,
      code: 'ERR_VC_KEY_PURPOSE',
    });
    const { proofPurpose: _omitted, ...proof } = signed.proof as unknown as Record<string, unknown>;
    const noPurpose = { ...signed, proof };
    expect((await verify(noPurpose, { trust, now: NOW })).valid).toBe(false);
    // Control: the same key listed under assertionMethod.
    const asserting = new Trust();
    asserting.add({
      '@context': 'https://www.w3.org/ns/did/v1',
      id: a.did,
      verificationMethod: [
        { id: a.signer.id, type: 'Multikey', controller: a.did, publicKeyMultibase: a.signer.id.split('#')[1] },
      ],
      assertionMethod: [a.signer.id],
    });
    expect((await verify(signed, { trust: asserting, now: NOW })).valid).toBe(true);
    // Even with that key, a proof without a purpose (not signed as an assertion) is refused.
    expect(trustCheck(await verify(noPurpose, { trust: asserting, now: NOW }))?.ok).toBe(false);
  });
});

describe('revocation is never silently skipped', () => {
  let credential: SignedCredential;
  beforeAll(async () => {
    const list = createStatusList({ id: 'https://a.example/status/9', statusPurpose: 'revocation' });
    credential = await issueCredential(
      addCredentialStatus(vcCredential(a.did), allocateStatusEntry(list)) as UnsignedCredential,
      { signer: a.signer },
    );
  });

  it('a credentialStatus and no status data: VALID with a revocation check that says not checked', async () => {
    const result = await verify(credential, { trust: vcTrust, now: NOW });
    expect(result.valid).toBe(true);
    expect(result.checks.at(-1)).toMatchObject({ name: 'revocation', ok: true, code: 'WARN_REVOCATION_NOT_CHECKED' });
  });

  it(
    'requireRevocationData turns it into INVALID; a credential without credentialStatus (control) is not ' + 'marked',
    async () => {
      const result = await verify(credential, { trust: vcTrust, now: NOW, policy: { requireRevocationData: true } });
      expect(result.checks.at(-1)).toMatchObject({ name: 'revocation', ok: false, code: 'ERR_STATUS_LIST_MISSING' });
      const plain = await verify(await issueCredential(vcCredential(a.did), { signer: a.signer }), {
        trust: vcTrust,
        now: NOW,
      });
      expect(plain.checks.some((c) => c.name === 'revocation')).toBe(false);
    },
  );

  it('unknown or misspelt option keys are an error', async () => {
    for (const options of [
      { requireStatus: true },
      { policy: { requireRevocation: true } },
      { policy: { acceptExpiredKey: true } },
      { revocation: { statuslists: [] } },
      { limits: { maxText: 1 } },
    ]) {
      await expect(
        verify(credential, { trust: vcTrust, now: NOW, ...options } as never),
        JSON.stringify(options),
      ).rejects.toMatchObject({ code: 'ERR_VERIFIER_OPTIONS_INVALID' });
    }
    await expect(
      verify(credential, { trust: vcTrust, now: NOW, policy: { requireRevocationData: false } }),
    ).resolves.toMatchObject({ valid: true });
  });
});

describe('acceptExpiredKeys never accepts a proof made after its key expired', () => {
  it(
    'a key expired before the proof: INVALID even with the policy; a key expired since: VALID with it ' + '(control)',
    async () => {
      const trust = new Trust();
      trust.add(
        toTrustListEntry(a.key, {
          id: a.signer.id,
          controller: a.did,
          validFrom: CERTS_FROM,
          validUntil: new Date('2021-03-01T00:00:00Z'),
        }),
      );
      const late = await issueCredential(vcCredential(a.did), { signer: a.signer, created: '2021-05-03T12:00:00Z' });
      const lateResult = await verify(late, { trust, now: NOW, policy: { acceptExpiredKeys: true } });
      expect(trustCheck(lateResult)).toMatchObject({ ok: false, code: 'ERR_VC_KEY_EXPIRED' });
      const { issuanceDate: _i, ...rest } = vcCredential(a.did) as Record<string, unknown>;
      const early = await issueCredential(
        { ...rest, issuanceDate: '2021-02-01T00:00:00Z' } as unknown as UnsignedCredential,
        { signer: a.signer, created: '2021-02-01T00:00:00Z' },
      );
      expect((await verify(early, { trust, now: NOW })).valid).toBe(false);
      expect((await verify(early, { trust, now: NOW, policy: { acceptExpiredKeys: true } })).valid).toBe(true);
    },
  );
});

describe(
  'property: a credential signed by one trusted issuer and naming another is never VALID, in every ' + 'format',
  () => {
    const pool = { vc: [] as VcIssuer[], shc: [] as ShcIssuer[], dcc: [] as DccIssuer[], vds: [] as VdsIssuer[] };
    const trusts = { vc: new Trust(), shc: new Trust(), dcc: new Trust(), vds: new Trust() };
    const COUNTRIES = ['IN', 'LK', 'DE', 'PH'];
    let credential: SignedCredential;

    beforeAll(async () => {
      pool.vc = await Promise.all([vcIssuer(), vcIssuer(), vcIssuer()]);
      for (const i of pool.vc) trusts.vc.add(toTrustListEntry(i.key, { id: i.signer.id, controller: i.did }));
      pool.shc = await Promise.all(
        ['https://one.example', 'https://two.example/shc', 'https://three.example/x'].map(shcIssuer),
      );
      for (const i of pool.shc) trusts.shc.addWellKnown({ jwks: exportIssuerJwks([i.key]), issuer: i.iss });
      pool.dcc = await Promise.all(COUNTRIES.map(dccIssuer));
      for (const i of pool.dcc) trusts.dcc.add(i.dsc.certificatePem);
      pool.vds = await Promise.all(COUNTRIES.map(vdsIssuer));
      for (const i of pool.vds) trusts.vds.add(i.csca.certificate);
      credential = await issueCredential(vcCredential(pool.vc[0]!.did), { signer: pool.vc[0]!.signer });
    }, 120_000);

    const pair = (n: number) => fc.tuple(fc.nat(n - 1), fc.nat(n - 1)).filter(([x, y]) => x !== y);
    const ALPHA3: Record<string, string> = { IN: 'IND', LK: 'LKA', DE: 'DEU', PH: 'PHL' };

    it('W3C VC, as JSON, DIVOC QR and DIVOC1: compact QR', async () => {
      await fc.assert(
        fc.asyncProperty(
          pair(3),
          fc.constantFrom('plain', 'object'),
          fc.constantFrom('w3c-vc', 'divoc-qr', 'vc-compact'),
          async ([s, n], shape, wrapping) => {
            const claimed = pool.vc[n]!.did;
            const issuer = shape === 'plain' ? claimed : { id: claimed };
            const forged = await issueCredential(vcCredential(claimed, { issuer }), { signer: pool.vc[s]!.signer });
            const input =
              wrapping === 'divoc-qr'
                ? encodeDivocQr(forged)
                : wrapping === 'vc-compact'
                  ? encodeCompactCredential(forged)
                  : forged;
            const result = await verify(input, { trust: trusts.vc, now: NOW });
            expect(result.format).toBe(wrapping);
            expect(result.valid).toBe(false);
            expect(result.issuer).not.toBe(claimed);
            // Control: the same signer in its own name, the same way.
            const own = await issueCredential(vcCredential(pool.vc[s]!.did), { signer: pool.vc[s]!.signer });
            const ownInput =
              wrapping === 'divoc-qr'
                ? encodeDivocQr(own)
                : wrapping === 'vc-compact'
                  ? encodeCompactCredential(own)
                  : own;
            expect((await verify(ownInput, { trust: trusts.vc, now: NOW })).valid).toBe(true);
          },
        ),
        { numRuns: 15 },
      );
    });

    it('SMART Health Card', async () => {
      await fc.assert(
        fc.asyncProperty(pair(3), async ([s, n]) => {
          const card = await issueShc(credential, {
            signer: pool.shc[s]!.signer,
            key: pool.shc[s]!.key,
            issuer: pool.shc[n]!.iss,
            nbf: new Date(ISSUED),
          });
          const result = await verify(card.jws, { trust: trusts.shc, now: NOW });
          expect(result.valid).toBe(false);
          expect(result.issuer).not.toBe(pool.shc[n]!.iss);
          const own = await issueShc(credential, {
            signer: pool.shc[s]!.signer,
            key: pool.shc[s]!.key,
            issuer: pool.shc[s]!.iss,
            nbf: new Date(ISSUED),
          });
          expect((await verify(own.jws, { trust: trusts.shc, now: NOW })).valid).toBe(true);
        }),
        { numRuns: 8 },
      );
    });

    it('EU DCC', async () => {
      await fc.assert(
        fc.asyncProperty(pair(4), fc.boolean(), fc.boolean(), async ([s, n], alpha3, lower) => {
          let iss = alpha3 ? ALPHA3[pool.dcc[n]!.country]! : pool.dcc[n]!.country;
          if (lower) iss = iss.toLowerCase();
          const hc1 = (
            await issueDcc(credential, {
              signer: pool.dcc[s]!.dsc.signer,
              certificate: pool.dcc[s]!.dsc.certificatePem,
              iat: new Date(ISSUED),
              iss,
            })
          ).hc1;
          const result = await verify(hc1, { trust: trusts.dcc, now: NOW });
          expect(result.valid).toBe(false);
          expect(result.issuer).toBe(pool.dcc[s]!.country);
          const ownIss = alpha3 ? ALPHA3[pool.dcc[s]!.country]! : pool.dcc[s]!.country;
          const own = (
            await issueDcc(credential, {
              signer: pool.dcc[s]!.dsc.signer,
              certificate: pool.dcc[s]!.dsc.certificatePem,
              iat: new Date(ISSUED),
              iss: lower ? ownIss.toLowerCase() : ownIss,
            })
          ).hc1;
          expect((await verify(own, { trust: trusts.dcc, now: NOW })).valid).toBe(true);
        }),
        { numRuns: 16 },
      );
    });

    it('ICAO VDS-NC', async () => {
      await fc.assert(
        fc.asyncProperty(pair(4), async ([s, n]) => {
          const from = pool.vds[s]!;
          const seal = await issueVdsnc(credential, {
            signer: createSigner(from.signer.keyPair, { id: 'vds' }),
            certificate: from.signer.certificate,
            issuingCountry: ALPHA3[pool.vds[n]!.country]!,
          });
          const result = await verify(seal, { trust: trusts.vds, now: NOW });
          expect(result.valid).toBe(false);
          const ownSeal = await issueVdsnc(credential, {
            signer: createSigner(from.signer.keyPair, { id: 'vds' }),
            certificate: from.signer.certificate,
          });
          expect((await verify(ownSeal, { trust: trusts.vds, now: NOW })).valid).toBe(true);
        }),
        { numRuns: 10 },
      );
    });
  },
);
