/** Extended key usage every VDS-NC barcode signer certificate carries (ICAO VDS-NC TR, signer profile). */
export const OID_EKU_VDSNC_SIGNER = '2.23.136.1.1.14.2';
/** Optional EKU marking a CSCA as restricted to health documents. */
export const OID_EKU_HEALTH_CSCA = '2.23.136.1.1.14.1';
/** ICAO Doc 9303-12 document type list extension: SEQUENCE { version INTEGER, SET OF PrintableString }. */
export const OID_DOCUMENT_TYPE_LIST = '2.23.136.1.1.6.2';

/** Document type codes in the list: proof of vaccination, proof of testing. */
export const DOCUMENT_TYPE_BY_SEAL_TYPE = { 'icao.vacc': 'NV', 'icao.test': 'NT' } as const;
