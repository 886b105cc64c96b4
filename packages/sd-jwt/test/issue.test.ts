import { describe, expect, it } from 'vitest';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest } from '@sd-jwt/crypto-nodejs';
import { compactVerify, importJWK } from 'jose';
import { TrustStore, exportPublicJwk } from '@divoc/keys';
import { Trust, verify } from '@divoc/verifier';
import {
  issueSdJwtVc,
  loadJwtVcIssuerMetadata,
  presentSdJwtVc,
  SD_JWT_VC_TYPES_BY_KIND,
  verifySdJwtVc,
} from '@divoc/sd-jwt';
import {
  AUDIENCE,
  holderKey,
  ISSUED_AT,
  ISSUER,
  issuerKey,
  NONCE,
  NOW,
  partJson,
  recovery,
  test as testCredential,
  vaccination,
} from './helpers.js';

describe('issue → present → verify', () => {
  it('issues a vaccination as dc+sd-jwt with every health claim disclosable and the default vct', async () => {
    const key = await issuerKey();
    const holder = await holderKey();
    const sdJwt = await issueSdJwtVc(vaccination(), {
      signer: key.signer,
      issuer: ISSUER,
      holderPublicKey: holder.jwk,
      issuedAt: ISSUED_AT,
      status: { uri: `${ISSUER}/status/1`, idx: 7 },
    });
    const [jwt, ...rest] = sdJwt.split('~');
    expect(rest[rest.length - 1]).toBe('');
    const [h, p] = jwt!.split('.');
    expect(partJson(h!)).toEqual({ typ: 'dc+sd-jwt', kid: key.kid, alg: 'ES256' });
    const payload = partJson(p!);
    // Only the envelope is visible: no personal claim in the signed payload itself.
    expect(Object.keys(payload).sort()).toEqual(['_sd', '_sd_alg', 'cnf', 'iat', 'iss', 'nbf', 'status', 'vct']);
    expect(payload).toMatchObject({
      iss: ISSUER,
      vct: SD_JWT_VC_TYPES_BY_KIND.vaccination,
      iat: ISSUED_AT.getTime() / 1000,
      _sd_alg: 'sha-256',
      cnf: { jwk: holder.jwk },
      status: { status_list: { uri: `${ISSUER}/status/1`, idx: 7 } },
    });
    const store = new TrustStore();
    loadJwtVcIssuerMetadata(key.metadata, { trust: store });
    const result = await verifySdJwtVc(sdJwt, { trust: store, now: NOW });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.payload).toMatchObject({
      name: 'Bhaya Mitra',
      birthdate: '1994-09-01',
      sex: 'male',
      vaccine_brand: expect.stringMatching(/Covishield/),
      vaccination_date: '2021-05-03',
      dose_number: 1,
      total_doses: 2,
      certificate_id: '244768056',
    });
    expect(result.disclosed).toEqual(
      expect.arrayContaining(['name', 'birthdate', 'sex', 'subject_id', 'certificate_id']),
    );
  });

  it('issues test and recovery records with their own vct, EdDSA too', async () => {
    const key = await issuerKey(ISSUER, 'Ed25519');
    const store = new TrustStore();
    loadJwtVcIssuerMetadata(key.metadata, { trust: store });
    for (const [credential, kind, claim] of [
      [testCredential(), 'test', 'test_result'],
      [recovery(), 'recovery', 'first_positive_date'],
    ] as const) {
      const sdJwt = await issueSdJwtVc(credential, { signer: key.signer, issuer: ISSUER, issuedAt: ISSUED_AT });
      expect(partJson(sdJwt.split('.')[0]!).alg).toBe('EdDSA');
      const result = await verifySdJwtVc(sdJwt, { trust: store, now: NOW });
      expect(result.valid, kind).toBe(true);
      expect(result.payload?.vct).toBe(SD_JWT_VC_TYPES_BY_KIND[kind]);
      expect(result.payload?.[claim]).toBeDefined();
    }
  });

  it('presents a subset with a KB-JWT; @divoc/verifier says VALID and names the issuer from the trust', async () => {
    const key = await issuerKey();
    const holder = await holderKey('Ed25519');
    const sdJwt = await issueSdJwtVc(vaccination(), {
      signer: key.signer,
      issuer: ISSUER,
      holderPublicKey: holder.jwk,
      issuedAt: ISSUED_AT,
    });
    const presentation = await presentSdJwtVc(sdJwt, {
      disclose: ['name', 'vaccination_date', 'dose_number'],
      holderSigner: holder.signer,
      nonce: NONCE,
      audience: AUDIENCE,
      issuedAt: NOW,
    });
    const store = new TrustStore();
    loadJwtVcIssuerMetadata(key.metadata, { trust: store });
    const lib = await verifySdJwtVc(presentation, {
      trust: store,
      now: NOW,
      keyBinding: { nonce: NONCE, audience: AUDIENCE },
    });
    expect(lib.checks.filter((c) => !c.ok)).toEqual([]);
    expect(lib.keyBinding).toEqual({ nonce: NONCE, audience: AUDIENCE, issuedAt: NOW.getTime() / 1000 });
    expect(lib.disclosed?.sort()).toEqual(['dose_number', 'name', 'vaccination_date']);
    expect(lib.payload?.birthdate).toBeUndefined();

    const trust = new Trust();
    expect(trust.add(JSON.stringify(key.metadata))).toEqual({ kind: 'jwt-vc-issuer-metadata', keys: 1, issuers: 1 });
    for (const input of [sdJwt, presentation]) {
      const result = await verify(input, { trust, now: NOW });
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
      expect(result.valid).toBe(true);
      expect(result.format).toBe('sd-jwt-vc');
      expect(result.issuer).toBe(ISSUER);
      expect(result.warnings ?? []).toEqual([]);
    }
    const subset = await verify(presentation, { trust, now: NOW });
    expect(subset.summary).toMatchObject({ name: 'Bhaya Mitra', event: 'vaccination', dose: 1, date: '2021-05-03' });
    expect(subset.summary.dateOfBirth).toBeUndefined();
  });

  it('is verified by @sd-jwt/sd-jwt-vc itself and its issuer JWT by jose', async () => {
    const key = await issuerKey();
    const holder = await holderKey();
    const sdJwt = await issueSdJwtVc(vaccination(), {
      signer: key.signer,
      issuer: ISSUER,
      holderPublicKey: holder.jwk,
      issuedAt: ISSUED_AT,
    });
    const presentation = await presentSdJwtVc(sdJwt, {
      disclose: ['name', 'birthdate'],
      holderSigner: holder.signer,
      nonce: NONCE,
      audience: AUDIENCE,
    });
    const publicJwk = exportPublicJwk(key.keyPair);
    const verifier = await ES256.getVerifier(publicJwk);
    const holderVerifier = await ES256.getVerifier(holder.jwk);
    const independent = new SDJwtVcInstance({
      hasher: digest,
      verifier,
      kbVerifier: (data, sig) => holderVerifier(data, sig),
    });
    const checked = await independent.verify(presentation, { keyBindingNonce: NONCE, requiredClaimKeys: ['name'] });
    expect(checked.payload).toMatchObject({ iss: ISSUER, name: 'Bhaya Mitra', birthdate: '1994-09-01' });
    expect(checked.kb?.payload).toMatchObject({ aud: AUDIENCE, nonce: NONCE });
    const { protectedHeader, payload } = await compactVerify(sdJwt.split('~')[0]!, await importJWK(publicJwk, 'ES256'));
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'dc+sd-jwt', kid: key.kid });
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ iss: ISSUER });
  });
});
