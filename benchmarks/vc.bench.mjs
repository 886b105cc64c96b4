// W3C VC issue/verify: @divoc/vc against plain @digitalbazaar/vc with the same key, credential, contexts, created
// time and suite, in one process: eddsa-rdfc-2022 (`vc-issue`, `vc-verify`) and Ed25519Signature2020
// (`vc-issue-ed2020`, `vc-verify-ed2020`). Setup checks both sides produce the same proofValue and verify each other.
import { createDocumentLoader } from '@divoc/schemas';
import {
  createSigner,
  verificationMethodId,
  didKeyFromKeyPair,
  publicKeyMultibase,
  privateKeyMultibase,
  TrustStore,
  trustedKeyFromKeyPair,
} from '@divoc/keys';
import { issueCredential, verifyCredential } from '@divoc/vc';
import * as dbVc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import { generateKeyPair } from '@divoc/keys';

export const sampleCredential = {
  '@context': ['https://www.w3.org/2018/credentials/v1', 'https://cowin.gov.in/credentials/vaccination/v1'],
  type: ['VerifiableCredential', 'ProofOfVaccinationCredential'],
  credentialSubject: {
    type: 'Person',
    id: 'did:in.gov.uidai.aadhaar:2342343334',
    refId: '12346',
    name: 'Bhaya Mitra',
    gender: 'Male',
    age: '26',
    nationality: 'Indian',
    address: {
      streetAddress: '',
      streetAddress2: '',
      district: '',
      city: '',
      addressRegion: '',
      addressCountry: 'IN',
      postalCode: '',
    },
  },
  issuer: 'https://divoc.dev/',
  issuanceDate: '2021-08-27T10:57:57.237Z',
  evidence: [
    {
      id: 'https://divoc.dev/vaccine/123456789012',
      type: ['Vaccination'],
      batch: 'MB3428BX',
      vaccine: 'COVISHIELD',
      manufacturer: 'Serum Institute of India',
      date: '2021-05-02T09:21:18.646Z',
      effectiveStart: '2021-05-02',
      effectiveUntil: '2022-05-02',
      dose: 1,
      totalDoses: 2,
      verifier: { name: 'Sooraj Singh' },
      facility: {
        name: 'ABC Medical Center',
        address: {
          streetAddress: '123, Koramangala',
          streetAddress2: '',
          district: 'Bengaluru South',
          city: 'Bengaluru',
          addressRegion: 'Karnataka',
          addressCountry: 'IN',
          postalCode: '',
        },
      },
    },
  ],
  nonTransferable: 'true',
};

export async function setup() {
  const keyPair = await generateKeyPair('Ed25519');
  const vmId = verificationMethodId(keyPair);
  const controller = didKeyFromKeyPair(keyPair);
  const pubMb = publicKeyMultibase(keyPair);
  const created = '2021-08-27T10:57:57Z';

  // Ours.
  const loader = createDocumentLoader();
  const signer = createSigner(keyPair, { id: vmId });
  const trustStore = new TrustStore();
  trustStore.add(trustedKeyFromKeyPair(keyPair, { id: vmId, controller }));

  // Baseline: the usual digitalbazaar stack. It resolves the verification method through its loader, so the
  // loader also answers for the did:key document (locally, as did-method-key would).
  const dbKey = await Ed25519Multikey.from({
    '@context': 'https://w3id.org/security/multikey/v1',
    type: 'Multikey',
    id: vmId,
    controller,
    publicKeyMultibase: pubMb,
    secretKeyMultibase: privateKeyMultibase(keyPair),
  });
  const vmDoc = {
    '@context': 'https://w3id.org/security/multikey/v1',
    id: vmId,
    type: 'Multikey',
    controller,
    publicKeyMultibase: pubMb,
  };
  const didDoc = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: controller,
    verificationMethod: [vmDoc],
    assertionMethod: [vmId],
    authentication: [vmId],
  };
  const baseLoader = async (url) => {
    if (url === vmId) return { contextUrl: null, documentUrl: url, document: vmDoc };
    if (url === controller) return { contextUrl: null, documentUrl: url, document: didDoc };
    if (url === 'https://www.w3.org/ns/did/v1')
      return {
        contextUrl: null,
        documentUrl: url,
        document: {
          '@context': {
            '@protected': true,
            id: '@id',
            type: '@type',
            verificationMethod: { '@id': 'https://w3id.org/security#verificationMethod', '@type': '@id' },
            assertionMethod: {
              '@id': 'https://w3id.org/security#assertionMethod',
              '@type': '@id',
              '@container': '@set',
            },
            authentication: {
              '@id': 'https://w3id.org/security#authenticationMethod',
              '@type': '@id',
              '@container': '@set',
            },
          },
        },
      };
    return loader(url);
  };
  const dbIssue = (credential) =>
    dbVc.issue({
      credential,
      suite: new DataIntegrityProof({ signer: dbKey.signer(), cryptosuite: eddsaRdfc2022, date: created }),
      documentLoader: baseLoader,
    });
  const dbVerify = (credential) =>
    dbVc.verifyCredential({
      credential,
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader: baseLoader,
      checkStatus: async () => ({ verified: true }),
    });

  // The same unsigned credential for both (VC 1.1 + data-integrity context, as both stacks add it).
  const credential = structuredClone(sampleCredential);
  credential['@context'].push('https://w3id.org/security/data-integrity/v2');
  // @digitalbazaar/vc requires the issuer to be the key's controller.
  credential.issuer = controller;

  const ours = await issueCredential(structuredClone(credential), { signer, created, documentLoader: loader });
  const theirs = await dbIssue(structuredClone(credential));
  const ourCheck = await verifyCredential(ours, { trust: trustStore, documentLoader: loader });
  const theirCheck = await dbVerify(theirs);
  const crossCheck = await dbVerify(structuredClone(ours));
  if (!ourCheck.valid) throw new Error(`ours does not verify: ${JSON.stringify(ourCheck.checks)}`);
  if (!theirCheck.verified)
    throw new Error(`baseline does not verify: ${JSON.stringify(theirCheck.error ?? theirCheck)}`);
  if (!crossCheck.verified) throw new Error('@digitalbazaar/vc does not verify our credential');

  // Ed25519Signature2020: same key and created time; the suite context is in the credential for both sides.
  const credential2020 = structuredClone(sampleCredential);
  credential2020['@context'].push('https://w3id.org/security/suites/ed25519-2020/v1');
  credential2020.issuer = controller;
  const dbIssue2020 = (c) =>
    dbVc.issue({
      credential: c,
      suite: new Ed25519Signature2020({ signer: dbKey.signer(), date: created }),
      documentLoader: baseLoader,
    });
  const dbVerify2020 = (c) =>
    dbVc.verifyCredential({
      credential: c,
      suite: new Ed25519Signature2020(),
      documentLoader: baseLoader,
      checkStatus: async () => ({ verified: true }),
    });
  const ourIssue2020 = (c) =>
    issueCredential(c, { signer, created, documentLoader: loader, suite: 'Ed25519Signature2020' });
  const ours2020 = await ourIssue2020(structuredClone(credential2020));
  const theirs2020 = await dbIssue2020(structuredClone(credential2020));
  if (!(await verifyCredential(ours2020, { trust: trustStore, documentLoader: loader })).valid)
    throw new Error('ours (Ed25519Signature2020) does not verify');
  if (!(await dbVerify2020(theirs2020)).verified) throw new Error('baseline (Ed25519Signature2020) does not verify');
  if (!(await dbVerify2020(structuredClone(ours2020))).verified)
    throw new Error('@digitalbazaar/vc does not verify our Ed25519Signature2020 credential');
  // Byte-identical JSON for both suites (member order included).
  const identical = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  return {
    sameProofValue:
      ours.proof.proofValue === theirs.proof.proofValue &&
      ours2020.proof.proofValue === theirs2020.proof.proofValue &&
      identical(ours, theirs) &&
      identical(ours2020, theirs2020),
    cases: [
      {
        name: 'vc-issue',
        baselineName: '@digitalbazaar/vc issue (eddsa-rdfc-2022)',
        ours: () => issueCredential(structuredClone(credential), { signer, created, documentLoader: loader }),
        baseline: () => dbIssue(structuredClone(credential)),
      },
      {
        name: 'vc-verify',
        baselineName: '@digitalbazaar/vc verifyCredential',
        ours: async () => {
          const r = await verifyCredential(ours, { trust: trustStore, documentLoader: loader });
          if (!r.valid) throw new Error('verify failed');
        },
        baseline: async () => {
          const r = await dbVerify(theirs);
          if (!r.verified) throw new Error('verify failed');
        },
      },
      {
        name: 'vc-issue-ed2020',
        goal: 10,
        baselineName: '@digitalbazaar/vc issue (Ed25519Signature2020)',
        ours: () => ourIssue2020(structuredClone(credential2020)),
        baseline: () => dbIssue2020(structuredClone(credential2020)),
      },
      {
        name: 'vc-verify-ed2020',
        goal: 5,
        baselineName: '@digitalbazaar/vc verifyCredential (Ed25519Signature2020)',
        ours: async () => {
          const r = await verifyCredential(ours2020, { trust: trustStore, documentLoader: loader });
          if (!r.valid) throw new Error('verify failed');
        },
        baseline: async () => {
          const r = await dbVerify2020(theirs2020);
          if (!r.verified) throw new Error('verify failed');
        },
      },
    ],
  };
}
