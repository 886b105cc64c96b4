/**
 * What we issue (fast path) against what @digitalbazaar/vc issues for the same key, credential and created time,
 * on a few hundred generated credentials: eddsa-rdfc-2022 and Ed25519Signature2020. Ed25519 is deterministic, so
 * the proofValue must match exactly, and the issued JSON is byte-identical (member order included) for both.
 */
import { describe, expect, it } from 'vitest';
import * as dbVc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { CONTEXT_URLS } from '@divoc/schemas';
import {
  createSigner,
  didKeyFromKeyPair,
  importKeyPair,
  privateKeyMultibase,
  publicKeyMultibase,
  verificationMethodId,
} from '@divoc/keys';
import { issueCredential, type JsonObject, type UnsignedCredential } from '../src/index.js';
import { canonizeStats, resetCanonizeStats } from '../src/canonize/fast.js';
import { loader, mutateCredential, prng, templateCredentials } from './generate.js';
import { vectorJson } from './helpers.js';

const PER_SUITE = 150;
const created = '2024-05-06T07:08:09Z';
const keyPair = importKeyPair(vectorJson('w3c/vc-di-eddsa/TestVectors/keyPair.json') as never);
const controller = didKeyFromKeyPair(keyPair);
const vmId = verificationMethodId(keyPair);
const signer = createSigner(keyPair, { id: vmId });

async function theirLoader(url: string) {
  const remote = await loader(url);
  return { ...remote, document: JSON.parse(JSON.stringify(remote.document)) as unknown };
}

type SuiteCase = {
  name: 'eddsa-rdfc-2022' | 'Ed25519Signature2020';
  context: string | null;
  theirSuite: (dbSigner: unknown) => unknown;
};
const SUITE_CASES: SuiteCase[] = [
  {
    name: 'eddsa-rdfc-2022',
    context: CONTEXT_URLS.DATA_INTEGRITY_V2,
    theirSuite: (dbSigner) =>
      new DataIntegrityProof({ signer: dbSigner, cryptosuite: eddsaRdfc2022Cryptosuite, date: created }),
  },
  {
    name: 'Ed25519Signature2020',
    context: CONTEXT_URLS.ED25519_2020_V1,
    theirSuite: (dbSigner) => new Ed25519Signature2020({ signer: dbSigner, date: created }),
  },
];

describe.each(SUITE_CASES)('byte identity with @digitalbazaar/vc: $name', ({ name, context, theirSuite }) => {
  it(
    `issues the same credential as @digitalbazaar/vc for ${PER_SUITE} generated credentials`,
    { timeout: 120_000 },
    async () => {
      const dbKey = await Ed25519Multikey.from({
        '@context': 'https://w3id.org/security/multikey/v1',
        type: 'Multikey',
        id: vmId,
        controller,
        publicKeyMultibase: publicKeyMultibase(keyPair),
        secretKeyMultibase: privateKeyMultibase(keyPair),
      });
      const templates = templateCredentials();
      const rng = prng(name === 'eddsa-rdfc-2022' ? 11 : 12);
      let compared = 0;
      let theirsRejected = 0;
      resetCanonizeStats();
      for (let i = 0; compared < PER_SUITE && i < PER_SUITE * 4; i++) {
        // Mostly template-shaped, every other one with random leaves.
        const base = templates[i % templates.length]!.credential;
        const credential = structuredClone(i % 2 === 0 ? base : mutateCredential(base, rng)) as JsonObject;
        credential.issuer = controller; // @digitalbazaar/vc wants the key's controller as issuer
        const contexts = credential['@context'] as string[];
        // @digitalbazaar/vc fills in a missing VC 1.1 issuanceDate with the current time: give one, so inputs match.
        if (contexts.includes(CONTEXT_URLS.CREDENTIALS_V1) && typeof credential.issuanceDate !== 'string')
          credential.issuanceDate = '2021-08-27T10:57:57Z';
        if (context && !(name === 'eddsa-rdfc-2022' && contexts.includes(CONTEXT_URLS.CREDENTIALS_V2)))
          contexts.push(context);
        let theirs: Record<string, unknown>;
        try {
          theirs = await dbVc.issue({
            credential: structuredClone(credential),
            suite: theirSuite(dbKey.signer()),
            documentLoader: theirLoader,
          });
        } catch {
          theirsRejected++; // their data-model checks (dates, shapes) are stricter than canonicalisation
          continue;
        }
        const ours = await issueCredential(structuredClone(credential) as UnsignedCredential, {
          signer,
          created,
          suite: name,
          documentLoader: loader,
        });
        expect(ours.proof.proofValue).toBe((theirs.proof as Record<string, unknown>).proofValue);
        expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
        compared++;
      }
      expect(compared).toBe(PER_SUITE);
      // Our side went through the fast path (documents and proof configurations).
      expect(canonizeStats().general).toBe(0);
      expect(theirsRejected).toBeLessThan(PER_SUITE * 3);
    },
  );
});
