/**
 * DIVOC certificates whose `credentialSubject.id` is a relative IRI ("Aadhaar-XXXX", "123"): JSON-LD drops relative
 * IRIs, so a signer without safe mode (DIVOC's jsonld-signatures) signed the credential without the subject's
 * statements. They are read (decode ok) and judged INVALID with ERR_VC_SUBJECT_ID_UNSIGNED in the `signature` check.
 */
import { describe, expect, it } from 'vitest';
import { createSigner, generateKeyPair, trustedKeyFromKeyPair, type KeyPair } from '@divoc/keys';
import { findAmbiguousTerms, findUnsignedTerms } from '../src/canonize/ambiguity.js';
import {
  issueCredential,
  verifyCredential,
  type CredentialVerificationResult,
  type JsonObject,
  type SuiteName,
  type UnsignedCredential,
} from '../src/index.js';
import { keyResolver, vectorJson } from './helpers.js';
import { loader, unsafeSigner } from './unsafe-signer.js';

const now = new Date('2025-01-01T00:00:00Z');
let ed: KeyPair;
let rsa: KeyPair;
const ready = (async () => {
  [ed, rsa] = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('RSA')]);
})();

/** The published DIVOC certificate (its subject id is a did:, absolute), without its proof. */
function divoc(subjectId: string): UnsignedCredential {
  const { proof: _p, ...c } = vectorJson('divoc/signed/rsa2018-divocdev-valid.json') as JsonObject;
  const subject = c.credentialSubject as JsonObject;
  return { ...c, credentialSubject: { ...subject, id: subjectId } } as unknown as UnsignedCredential;
}

async function issue(subjectId: string, name: SuiteName = 'Ed25519Signature2018') {
  await ready;
  const kp = name === 'RsaSignature2018' ? rsa : ed;
  const signer = createSigner(kp, { id: 'did:india', ...(name === 'RsaSignature2018' ? { algorithm: 'PS256' } : {}) });
  const signed = await issueCredential(divoc(subjectId), {
    signer,
    suite: unsafeSigner(name),
    documentLoader: loader,
    created: '2024-03-01T10:00:00Z',
  });
  return { signed, trust: keyResolver([trustedKeyFromKeyPair(kp, { id: 'did:india' })]) };
}

const failures = (r: CredentialVerificationResult) => r.checks.filter((c) => !c.ok).map((c) => `${c.name}:${c.code}`);
/** The DIVOC schema also says the id "must be an absolute URI or DID"; the `signature` check says it is unsigned. */
const UNSIGNED = ['signature:ERR_VC_SUBJECT_ID_UNSIGNED', 'schema:ERR_VC_SCHEMA_INVALID'];

describe('a relative credentialSubject.id', () => {
  it('the published DIVOC vectors have absolute subject ids (did:…): they verify', async () => {
    for (const file of ['rsa2018-divocdev-valid', 'ed25519-2018-divocdev-valid', 'rsa2018-cowinctx-valid']) {
      const c = vectorJson(`divoc/signed/${file}.json`) as JsonObject;
      expect((c.credentialSubject as JsonObject).id).toMatch(/^did:/);
      expect((await findUnsignedTerms(c)).relativeIds).toEqual([]);
    }
  });

  it.each(['Aadhaar-XXXX', '123', 'person/7'])('%s: decode ok, INVALID with ERR_VC_SUBJECT_ID_UNSIGNED', async (id) => {
    const { signed, trust } = await issue(id);
    const result = await verifyCredential(signed, { trust, now });
    expect(result.valid).toBe(false);
    expect(result.checks.map((c) => c.name)).toEqual(['decode', 'signature', 'trust', 'validity', 'schema']);
    expect(failures(result)).toEqual(UNSIGNED);
    const check = result.checks.find((c) => c.name === 'signature')!;
    expect(check.message).toContain('credentialSubject.id');
    expect(result.credential).toEqual(signed);
  });

  it('RsaSignature2018 (what DIVOC India signs with) too', async () => {
    const { signed, trust } = await issue('Aadhaar-XXXX', 'RsaSignature2018');
    expect(failures(await verifyCredential(signed, { trust, now }))).toEqual(UNSIGNED);
    // Why the `signature` check: with the schema check switched off it is still INVALID.
    const unchecked = await verifyCredential(signed, { trust, now, checkSchema: false });
    expect(unchecked.valid).toBe(false);
    expect(failures(unchecked)).toEqual(['signature:ERR_VC_SUBJECT_ID_UNSIGNED']);
  });

  it('the subject is unsigned: a changed id, name or age keeps the signature; a changed dose breaks it', async () => {
    const { signed, trust } = await issue('Aadhaar-XXXX');
    const subject = signed.credentialSubject as JsonObject;
    for (const change of [{ id: 'Aadhaar-YYYY' }, { name: 'Someone Else', age: '99' }, { id: '999', gender: 'X' }]) {
      const forged = { ...signed, credentialSubject: { ...subject, ...change } };
      const result = await verifyCredential(forged, { trust, now });
      // The same failure as the untouched credential: the proof still verifies over what it covers.
      expect(failures(result), JSON.stringify(change)).toEqual(UNSIGNED);
    }
    // Control: what the signature covers (the evidence) still counts.
    const evidence = (signed.evidence as JsonObject[]).map((e) => ({ ...e, dose: 3 }));
    const result = await verifyCredential({ ...signed, evidence }, { trust, now });
    expect(failures(result)).toEqual(['signature:ERR_VC_SIGNATURE_INVALID', 'schema:ERR_VC_SCHEMA_INVALID']);
  });

  it.each(['did:in.gov.uidai.aadhaar:1234', 'urn:uuid:7e5bd1e4-3a54-4f2a-9d2b-0b4f2a1c9e11'])(
    'control: an absolute id (%s) is VALID, and changing it breaks the signature',
    async (id) => {
      const { signed, trust } = await issue(id);
      const result = await verifyCredential(signed, { trust, now });
      expect(failures(result)).toEqual([]);
      expect(result.valid).toBe(true);
      const subject = signed.credentialSubject as JsonObject;
      const forged = { ...signed, credentialSubject: { ...subject, id: `${id}0` } };
      expect(failures(await verifyCredential(forged, { trust, now }))).toEqual(['signature:ERR_VC_SIGNATURE_INVALID']);
    },
  );

  it('a wrong key is a bad signature; another safe-mode fault beside a relative id stays a decode error', async () => {
    const { signed } = await issue('Aadhaar-XXXX');
    const other = await generateKeyPair('Ed25519');
    const result = await verifyCredential(signed, {
      trust: keyResolver([trustedKeyFromKeyPair(other, { id: 'did:india' })]),
      now,
    });
    expect(failures(result)).toContain('signature:ERR_VC_SIGNATURE_INVALID');
    // An undefined term is still refused (safe mode), relative id or not.
    const subject = signed.credentialSubject as JsonObject;
    const undefinedTerm = { ...signed, credentialSubject: { ...subject, notATerm: 'x' } };
    expect(failures(await verifyCredential(undefinedTerm, { trust: keyResolver([]), now }))).toEqual([
      'decode:ERR_JSONLD_SAFE_MODE',
    ]);
    // A relative @type is not a relative node id: refused as before.
    const relativeType = { ...signed, credentialSubject: { ...subject, id: 'did:x:1', type: 'not/absolute' } };
    expect(failures(await verifyCredential(relativeType, { trust: keyResolver([]), now }))[0]).toMatch(/^decode:/);
  });

  it('findUnsignedTerms names the node; findAmbiguousTerms is unchanged', async () => {
    const { signed } = await issue('Aadhaar-XXXX');
    const { proof: _p, ...document } = signed as JsonObject;
    const found = await findUnsignedTerms(document);
    expect(found.relativeIds).toEqual([{ path: 'credentialSubject.id', id: 'Aadhaar-XXXX' }]);
    expect(found.ambiguous).toEqual(await findAmbiguousTerms(document));
    // A top-level relative id too (then nothing of the credential node is signed).
    expect((await findUnsignedTerms({ ...document, id: 'cert-1' })).relativeIds[0]).toEqual({
      path: 'id',
      id: 'cert-1',
    });
    // Blank node ids and compact IRIs with a defined prefix are not relative.
    expect((await findUnsignedTerms({ ...document, id: '_:b0' })).relativeIds).toHaveLength(1);
  });
});
