/** URLs of every JSON-LD context the static document loader can serve. */
export const CONTEXT_URLS = Object.freeze({
  CREDENTIALS_V1: 'https://www.w3.org/2018/credentials/v1',
  CREDENTIALS_V2: 'https://www.w3.org/ns/credentials/v2',
  CREDENTIALS_UNDEFINED_TERMS_V2: 'https://www.w3.org/ns/credentials/undefined-terms/v2',
  /** Test/example material: the W3C test vectors use it. Not for production credentials. */
  CREDENTIALS_EXAMPLES_V2: 'https://www.w3.org/ns/credentials/examples/v2',
  SECURITY_V1: 'https://w3id.org/security/v1',
  /** Legacy 2018 suites (RsaSignature2018, Ed25519Signature2018) canonicalize their proofs with this one. */
  SECURITY_V2: 'https://w3id.org/security/v2',
  ED25519_2020_V1: 'https://w3id.org/security/suites/ed25519-2020/v1',
  DATA_INTEGRITY_V1: 'https://w3id.org/security/data-integrity/v1',
  DATA_INTEGRITY_V2: 'https://w3id.org/security/data-integrity/v2',
  MULTIKEY_V1: 'https://w3id.org/security/multikey/v1',
  /** W3C Bitstring Status List v1.0 terms, for VC 1.1 credentials (the VC 2.0 base context already defines them). */
  BITSTRING_STATUS_LIST_V1: 'https://www.w3.org/ns/credentials/status/v1',
  COWIN_VACCINATION_V1: 'https://cowin.gov.in/credentials/vaccination/v1',
  COWIN_VACCINATION_V2: 'https://cowin.gov.in/credentials/vaccination/v2',
  COWIN_TEST_CERTIFICATE_V1: 'https://cowin.gov.in/credentials/testCertificate/v1',
  DIVOC_VACCINATION_V1: 'https://divoc.dev/credentials/vaccination/v1',
  DIVOC_VACCINATION_V2: 'https://divoc.dev/credentials/vaccination/v2',
  DIVOC_TEST_CERTIFICATE_V1: 'https://divoc.dev/credentials/testCertificate/v1',
  /** This SDK's own terms (recovery credentials, DDCC additions), used beside the DIVOC vaccination v2 context. */
  DIVOC_SDK_V1: 'https://divoc.dev/credentials/sdk/v1',
  /**
   * This SDK's standalone context for the built-in templates (vaccination, test, recovery): the DIVOC term names,
   * each term with its own IRI, so a signature binds every value to its term. The templates' default.
   */
  DIVOC_SDK_V2: 'https://divoc.dev/credentials/sdk/v2',
} as const);

/** The URL of a JSON-LD context bundled with this package. */
export type ContextUrl = (typeof CONTEXT_URLS)[keyof typeof CONTEXT_URLS];

/**
 * Which contexts the built-in templates sign with. `'sdk'`: this SDK's `https://divoc.dev/credentials/sdk/v2`, in
 * which every term has its own IRI. `'divoc-legacy'`: DIVOC's published contexts (vaccination v1/v2, testCertificate
 * v1, plus the SDK v1 context where a template needs it), for verifier apps that know only those; they map several
 * terms to one IRI (`certificateId`, `batch`, `vaccine`, `manufacturer` → `schema:id`; `date`, `effectiveStart`,
 * `effectiveUntil` → `schema:date`; `dose`, `totalDoses` → `schema:doseValue`), so the signature does not bind those
 * values to their terms: they can be swapped after signing.
 */
export type ContextProfile = 'sdk' | 'divoc-legacy';

/** Host under which DIVOC's own contexts are published. Both serve the same documents. */
export type ContextHost = 'divoc.dev' | 'cowin.gov.in';

/** The DIVOC context URLs for a host. */
export function divocContextUrls(host: ContextHost = 'divoc.dev'): {
  vaccinationV1: string;
  vaccinationV2: string;
  testCertificateV1: string;
} {
  return host === 'cowin.gov.in'
    ? {
        vaccinationV1: CONTEXT_URLS.COWIN_VACCINATION_V1,
        vaccinationV2: CONTEXT_URLS.COWIN_VACCINATION_V2,
        testCertificateV1: CONTEXT_URLS.COWIN_TEST_CERTIFICATE_V1,
      }
    : {
        vaccinationV1: CONTEXT_URLS.DIVOC_VACCINATION_V1,
        vaccinationV2: CONTEXT_URLS.DIVOC_VACCINATION_V2,
        testCertificateV1: CONTEXT_URLS.DIVOC_TEST_CERTIFICATE_V1,
      };
}
