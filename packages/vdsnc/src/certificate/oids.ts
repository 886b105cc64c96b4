/** Extended key usage every VDS-NC barcode signer certificate carries (ICAO VDS-NC TR, signer profile). */
export const OID_EKU_VDSNC_SIGNER = '2.23.136.1.1.14.2';
/** Optional EKU marking a CSCA as restricted to health documents. */
export const OID_EKU_HEALTH_CSCA = '2.23.136.1.1.14.1';
/** ICAO Doc 9303-12 document type list extension: SEQUENCE { version INTEGER, SET OF PrintableString }. */
export const OID_DOCUMENT_TYPE_LIST = '2.23.136.1.1.6.2';
export const OID_EXTENDED_KEY_USAGE = '2.5.29.37';
export const OID_BASIC_CONSTRAINTS = '2.5.29.19';
export const OID_KEY_USAGE = '2.5.29.15';
export const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
export const OID_AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
export const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
export const OID_COUNTRY_NAME = '2.5.4.6';
export const OID_COMMON_NAME = '2.5.4.3';

/** Document type codes in the list: proof of vaccination, proof of testing. */
export const DOCUMENT_TYPE_BY_SEAL_TYPE = { 'icao.vacc': 'NV', 'icao.test': 'NT' } as const;
