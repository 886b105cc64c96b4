/*!
 * DIVOC JSON-LD contexts (vaccination v1/v2, testCertificate v1): MIT License, Copyright (c) 2020 eGovernments
 * Foundation.
 */
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as bitstringStatusListContext from '@digitalbazaar/vc-bitstring-status-list-context';
import * as ed25519Signature2020Context from 'ed25519-signature-2020-context';
import * as securityContext from 'security-context';
import divocVaccinationV1 from './divoc/vaccination-v1.json' with { type: 'json' };
import divocVaccinationV2 from './divoc/vaccination-v2.json' with { type: 'json' };
import divocTestCertificateV1 from './divoc/test-certificate-v1.json' with { type: 'json' };
import sdkV1 from './sdk/sdk-v1.json' with { type: 'json' };
import sdkV2 from './sdk/sdk-v2.json' with { type: 'json' };
import { frozenJsonCopy } from '../lib/freeze.js';
import { CONTEXT_URLS } from './urls.js';

/** The documents of the W3C / security context packages, each exporting `contexts: Map<url, document>`. */
interface ContextPackage {
  contexts: Map<string, unknown>;
}

// Static imports (no createRequire/fs), so bundlers can serve these packages' browser (`module`) builds.
// Some are CommonJS: their `contexts` may sit on the namespace itself or on its default export.
const PACKAGES: Record<string, unknown> = {
  '@digitalbazaar/credentials-context': credentialsContext,
  'security-context': securityContext,
  'ed25519-signature-2020-context': ed25519Signature2020Context,
  '@digitalbazaar/data-integrity-context': dataIntegrityContext,
  '@digitalbazaar/multikey-context': multikeyContext,
  '@digitalbazaar/vc-bitstring-status-list-context': bitstringStatusListContext,
};

function contextPackage(pkg: string): ContextPackage {
  const ns = PACKAGES[pkg] as Partial<ContextPackage> & { default?: Partial<ContextPackage> };
  const contexts = ns.contexts ?? ns.default?.contexts;
  if (!(contexts instanceof Map)) throw new Error(`${pkg} does not export a contexts map`);
  return { contexts };
}

/**
 * W3C example vocabulary. TEST / EXAMPLE MATERIAL ONLY: bundled because the W3C Data Integrity test
 * vectors use it; credentials that rely on it carry no agreed meaning.
 */
const credentialsExamplesV2 = { '@context': { '@vocab': 'https://www.w3.org/ns/credentials/examples#' } };

let bundle: ReadonlyMap<string, unknown> | undefined;

function take(pkg: string, urls: readonly string[], into: Map<string, unknown>): void {
  const { contexts } = contextPackage(pkg);
  for (const url of urls) {
    const doc = contexts.get(url);
    if (doc === undefined) throw new Error(`${pkg} does not provide ${url}`);
    // A deep copy: freezing the package's own objects would surprise other users of that package.
    into.set(url, frozenJsonCopy(doc));
  }
}

function load(): ReadonlyMap<string, unknown> {
  const map = new Map<string, unknown>();
  take(
    '@digitalbazaar/credentials-context',
    [CONTEXT_URLS.CREDENTIALS_V1, CONTEXT_URLS.CREDENTIALS_V2, CONTEXT_URLS.CREDENTIALS_UNDEFINED_TERMS_V2],
    map,
  );
  take('security-context', [CONTEXT_URLS.SECURITY_V1, CONTEXT_URLS.SECURITY_V2], map);
  take('ed25519-signature-2020-context', [CONTEXT_URLS.ED25519_2020_V1], map);
  take('@digitalbazaar/data-integrity-context', [CONTEXT_URLS.DATA_INTEGRITY_V1, CONTEXT_URLS.DATA_INTEGRITY_V2], map);
  take('@digitalbazaar/multikey-context', [CONTEXT_URLS.MULTIKEY_V1], map);
  take('@digitalbazaar/vc-bitstring-status-list-context', [CONTEXT_URLS.BITSTRING_STATUS_LIST_V1], map);
  map.set(CONTEXT_URLS.CREDENTIALS_EXAMPLES_V2, frozenJsonCopy(credentialsExamplesV2));
  // DIVOC publishes the same documents under both hosts.
  const v1 = frozenJsonCopy(divocVaccinationV1);
  const v2 = frozenJsonCopy(divocVaccinationV2);
  const test = frozenJsonCopy(divocTestCertificateV1);
  map.set(CONTEXT_URLS.COWIN_VACCINATION_V1, v1);
  map.set(CONTEXT_URLS.DIVOC_VACCINATION_V1, v1);
  map.set(CONTEXT_URLS.COWIN_VACCINATION_V2, v2);
  map.set(CONTEXT_URLS.DIVOC_VACCINATION_V2, v2);
  map.set(CONTEXT_URLS.COWIN_TEST_CERTIFICATE_V1, test);
  map.set(CONTEXT_URLS.DIVOC_TEST_CERTIFICATE_V1, test);
  map.set(CONTEXT_URLS.DIVOC_SDK_V1, frozenJsonCopy(sdkV1));
  map.set(CONTEXT_URLS.DIVOC_SDK_V2, frozenJsonCopy(sdkV2));
  return map;
}

/** Internal: the bundle itself (documents are deeply frozen). */
export function bundleMap(): ReadonlyMap<string, unknown> {
  bundle ??= load();
  return bundle;
}

/** Every context this package ships, by URL. A fresh map each call; the documents in it are deeply frozen. */
export function bundledContexts(): ReadonlyMap<string, unknown> {
  return new Map(bundleMap());
}
