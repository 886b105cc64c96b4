/**
 * Why this package exists: digitalbazaar's reference `@digitalbazaar/vc` (dev dependency) checks proofs; status is
 * left to a `checkStatus` callback. Verified for its signature alone, a revoked credential still says
 * `verified: true`; `verifyCredentialWithStatus` says `valid: false`.
 */
import { describe, expect, it } from 'vitest';
import * as dbVc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { CONTEXT_URLS, createDocumentLoader } from '@divoc/schemas';
import { issueCredential } from '@divoc/vc';
import {
  addCredentialStatus,
  allocateStatusEntry,
  checkStatus,
  createStatusList,
  publishStatusList,
  revoke,
  verifyCredentialWithStatus,
} from '../src/index.js';
import { makeIssuer } from './helpers.js';
import { withDidKeys } from '../../../test/support/loaders.js';

const ourLoader = createDocumentLoader();

/** Our offline loader, plus local did:key resolution (digitalbazaar dereferences the verification method). */
const theirLoader = withDidKeys(ourLoader);

describe('a revoked credential: @digitalbazaar/vc vs verifyCredentialWithStatus', () => {
  it('digitalbazaar (signature only) says verified:true; ours says valid:false', async () => {
    const iss = await makeIssuer();
    const list = createStatusList({ id: 'https://divoc.dev/status/revocation/7', statusPurpose: 'revocation' });
    const entry = allocateStatusEntry(list);
    const credential = await issueCredential(
      addCredentialStatus(
        {
          '@context': [CONTEXT_URLS.CREDENTIALS_V2],
          type: ['VerifiableCredential'],
          issuer: iss.did,
          validFrom: '2024-01-01T00:00:00Z',
          credentialSubject: { id: 'did:example:holder' },
        },
        entry,
      ),
      { signer: iss.signer },
    );
    revoke(list, Number(entry.statusListIndex));
    const statusLists = [await publishStatusList(list, { signer: iss.signer, issuer: iss.did })];

    const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
    // With no status checker at all, digitalbazaar refuses to answer (a TypeError, reported as verified:false)…
    const refused = await dbVc.verifyCredential({ credential, suite, documentLoader: theirLoader });
    expect(refused.verified).toBe(false);
    expect(String(refused.error)).toMatch(/checkStatus/);
    // …and with the usual "signature only" callback it says verified:true for a revoked credential.
    const theirs = await dbVc.verifyCredential({
      credential,
      suite,
      documentLoader: theirLoader,
      checkStatus: async () => ({ verified: true }),
    });
    expect(theirs.error).toBeUndefined();
    expect(theirs.verified).toBe(true);

    const ours = await verifyCredentialWithStatus(credential, { trust: iss.trustStore, statusLists });
    expect(ours.valid).toBe(false);
    expect(ours.checks.filter((c) => !c.ok)).toEqual([
      { name: 'revocation', ok: false, code: 'ERR_STATUS_REVOKED', message: expect.any(String) },
    ]);

    // Our check, plugged into digitalbazaar as its checkStatus, makes it agree.
    const wired = await dbVc.verifyCredential({
      credential,
      suite,
      documentLoader: theirLoader,
      checkStatus: async () => ({
        verified: (await checkStatus(credential, { trust: iss.trustStore, statusLists })).ok,
      }),
    });
    expect(wired.verified).toBe(false);
    expect(wired.statusResult?.verified).toBe(false);
  });
});
