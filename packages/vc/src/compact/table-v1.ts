/**
 * Compression table, version 1. FROZEN: a published QR code names its table version, so entries are never
 * reordered, changed or removed here. New terms go into a new version (table-v2.ts) registered beside this one.
 *
 * Codes: entry i is written as the CBOR integer i/2 for even i and -(i+1)/2 for odd i, so the first 48 entries of
 * each list cost one byte. Order is by how often our credentials use them.
 */

/** JSON-LD terms of our bundled contexts (VC 1.1 / 2.0, DIVOC vaccination / test / SDK, security suites). */
export const KEYS_V1: readonly string[] = Object.freeze([
  // 0–47: one byte
  '@context', 'type', 'id', 'name', 'address', 'streetAddress', 'streetAddress2', 'district',
  'city', 'addressRegion', 'addressCountry', 'postalCode', 'issuer', 'issuanceDate', 'credentialSubject', 'evidence',
  'proof', 'refId', 'age', 'gender', 'nationality', 'certificateId', 'batch', 'vaccine',
  'manufacturer', 'date', 'effectiveStart', 'effectiveUntil', 'dose', 'totalDoses', 'verifier', 'facility',
  'nonTransferable', 'cryptosuite', 'created', 'verificationMethod', 'proofPurpose', 'proofValue', 'dob', 'validFrom',
  'validUntil', 'expirationDate', 'jws', 'icd11Code', 'prophylaxis', 'targetDisease', 'nextDoseDueDate', 'feedbackUrl',
  // 48–: two bytes
  'infoUrl', 'testName', 'testType', 'disease', 'sampleOrigin', 'sampleCollectionTimestamp', 'resultTimestamp', 'result',
  'firstPositiveTestDate', 'country', 'description', 'credentialStatus', 'credentialSchema', 'holder', 'termsOfUse', 'refreshService',
  'statusPurpose', 'statusListIndex', 'statusListCredential', 'challenge', 'domain', 'expires', 'nonce', 'previousProof',
  '@id', '@type', '@value', '@language', '@direction', '@list', '@graph', '@vocab',
  'verifiableCredential', 'relatedResource', 'digestMultibase', 'mediaType', 'confidenceMethod', 'renderMethod', 'url', 'image',
  'identity', 'identityType', 'vaccinationDate', 'vaccinatorName', 'facilityName', 'mobile', 'email', 'pincode',
]);

/** String values: context URLs, types, suites, and the values DIVOC credentials repeat. */
export const VALUES_V1: readonly string[] = Object.freeze([
  // 0–47: one byte
  'VerifiableCredential', 'ProofOfVaccinationCredential', 'https://www.w3.org/2018/credentials/v1', 'https://divoc.dev/credentials/vaccination/v1',
  'https://w3id.org/security/data-integrity/v2', 'https://w3id.org/security/suites/ed25519-2020/v1', 'Person', 'Vaccination',
  'DataIntegrityProof', 'eddsa-rdfc-2022', 'assertionMethod', 'Ed25519Signature2020', 'true', '', 'IN', 'Male',
  'Female', 'Indian', 'https://www.w3.org/ns/credentials/v2', 'https://divoc.dev/credentials/vaccination/v2', 'https://divoc.dev/credentials/sdk/v1', 'https://divoc.dev/credentials/testCertificate/v1', 'ProofOfTestCertificateCredential', 'TestDetails',
  'ProofOfRecoveryCredential', 'Recovery', 'https://cowin.gov.in/credentials/vaccination/v1', 'https://cowin.gov.in/credentials/vaccination/v2', 'https://cowin.gov.in/credentials/testCertificate/v1', 'https://divoc.dev/', 'https://cowin.gov.in/', 'ecdsa-rdfc-2019',
  'RsaSignature2018', 'Ed25519Signature2018', 'did:india', 'COVID-19', 'Covishield', 'Covaxin', 'Serum Institute of India', 'Bharat Biotech',
  'COVISHIELD', 'COVAXIN', 'Other', 'Negative', 'Positive', 'RT-PCR', 'false', 'authentication',
  // 48–: two bytes
  'https://w3id.org/security/v1', 'https://w3id.org/security/v2', 'https://w3id.org/security/data-integrity/v1', 'https://w3id.org/security/multikey/v1',
  'https://www.w3.org/ns/credentials/undefined-terms/v2', 'https://www.w3.org/ns/credentials/examples/v2', 'Ed25519VerificationKey2020', 'Ed25519VerificationKey2018',
  'Multikey', 'JsonWebKey', 'RsaVerificationKey2018', 'BitstringStatusListEntry', 'StatusList2021Entry', 'revocation', 'suspension', 'ecdsa-sd-2023',
  // JWS headers of the legacy 2018 suites (PS256 / EdDSA, b64: false).
  'eyJhbGciOiJQUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19', 'eyJhbGciOiJFZERTQSIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19',
  'Sputnik V', 'Sputnik Light', 'ZyCoV-D', 'Corbevax', 'Covovax', 'Spikevax', 'Comirnaty', 'Jcovden', 'Vaxzevria', 'Nuvaxovid', 'BBIBP-CorV', 'CoronaVac', 'Convidecia',
  'Gamaleya Research Institute', 'Zydus Cadila', 'Biological E', 'Moderna', 'BioNTech / Pfizer', 'Janssen', 'AstraZeneca', 'Novavax',
  'COVID-19 vaccine, non-replicating viral vector', 'COVID-19 vaccine, inactivated virus', 'COVID-19 vaccine, RNA based', 'COVID-19 vaccine, DNA based', 'COVID-19 vaccine, virus protein subunit',
  'XM9QW8', 'XM1NL1', 'XM0GQ8', 'XM6AT1', 'XM5JC5', 'XM68M6', 'RA01', 'RA01.0',
  'Transgender', 'Antigen', 'RAT', 'Nasopharyngeal', 'Oropharyngeal', 'Nasal', 'Saliva', 'ICMR',
  // States and union territories of India, as DIVOC addresses write them.
  'Andhra Pradesh', 'Arunachal Pradesh', 'Assam', 'Bihar', 'Chhattisgarh', 'Goa', 'Gujarat', 'Haryana', 'Himachal Pradesh', 'Jharkhand', 'Karnataka', 'Kerala',
  'Madhya Pradesh', 'Maharashtra', 'Manipur', 'Meghalaya', 'Mizoram', 'Nagaland', 'Odisha', 'Punjab', 'Rajasthan', 'Sikkim', 'Tamil Nadu', 'Telangana',
  'Tripura', 'Uttar Pradesh', 'Uttarakhand', 'West Bengal', 'Andaman and Nicobar Islands', 'Chandigarh', 'Dadra and Nagar Haveli and Daman and Diu', 'Delhi', 'Jammu and Kashmir', 'Ladakh', 'Lakshadweep', 'Puducherry',
  'LK', 'PH', 'JM', 'ID', 'Sri Lankan', 'Filipino', 'Jamaican', 'Indonesian',
]);

/** Prefixes of identifiers; the longest match is used and the rest written as text (or a number when decimal). */
export const PREFIXES_V1: readonly string[] = Object.freeze([
  'https://divoc.dev/vaccine/', 'https://divoc.dev/test/', 'https://divoc.dev/recovery/', 'https://cowin.gov.in/vaccine/',
  'https://cowin.gov.in/test/', 'https://cowin.gov.in/recovery/', 'did:in.gov.uidai.aadhaar:', 'https://divoc.dev/',
  'https://cowin.gov.in/', 'did:web:', 'did:key:', 'did:example:', 'https://', 'http://', 'urn:uuid:', 'did:',
  'https://divoc.dev/?', 'https://cowin.gov.in/?', 'urn:', 'https://www.w3.org/', 'https://w3id.org/',
]);

/**
 * Preset deflate dictionary: the table-v1 CBOR of five template credentials (test, vaccination-v2, VC 2.0
 * vaccination, vaccination with Ed25519Signature2020 and with eddsa-rdfc-2022 proofs; the most common last, as
 * deflate prefers near matches). Structure and common values then cost back-references instead of literals,
 * about 55 bytes less per credential. FROZEN with the table: base64 of 1434 bytes.
 */
export const DICTIONARY_V1_BASE64 =
  'qACCASogggALBi4myRpgthMwB6ggAwHPggMbAAAAF0h26AAo0BoAAYagIWVLdW1hchPKGQ5EKScKKAKnImlNYWluIFJvYWQDJiNlVXJiYW4EZU5h' +
  'Z2FyJBg7BQcl0BoACIuBJ4GuAc+CIBsAAAAXSHboACrQGwAAABdIdugAIIErCyY4GDYYGTYMODU4GTEYGjgzOBrJGmC19xAYG8kaYLdIkDgbNQ+h' +
  'IWhEciBTaW5naC+iIXg5UHJpbWFyeSBIZWFsdGggQ2VudHJlLCBEaXN0cmljdCBIb3NwaXRhbCwgTWVkaWNhbCBDb2xsZWdlAqci0QIDJiPRAwTR' +
  'BCQYOwUHJdAaAAiLgRAGCKYgBDAkEccaYLYTMDEREgUyJqgAgwEpCiCCACAGLibJGmC2EzAHqCADAc+CAxsAAAAXSHboACjQGgABhqAhZUt1bWFy' +
  'E8oZDkQpJwooAqciaU1haW4gUm9hZAMmI2VVcmJhbgRlTmFnYXIkGDsFByXQGgAIi4Enga8Bz4IAGwAAABdIdugAKtAbAAAAF0h26AAggSMLaDQx' +
  'MjFaMDAxKxIMEyzJGmC2BSANyhlJWy3KGUrIDsYBLsYCNRguFjgrD6EhaERyIFNpbmdoL6IheDlQcmltYXJ5IEhlYWx0aCBDZW50cmUsIERpc3Ry' +
  'aWN0IEhvc3BpdGFsLCBNZWRpY2FsIENvbGxlZ2UCpyLRAgMmI9EDBNEEJBg7BQcl0BoACIuBEAYIpiAEMCQRxxpgthMwMRESBTImqACCCSEgggAg' +
  'Bi4zyRpgthMwB6ggAwHPggMbAAAAF0h26AAo0BoAAYagIWVLdW1hcgnQGCkpJwooAqciaU1haW4gUm9hZAMmI2VVcmJhbgRlTmFnYXIkGDsFByXQ' +
  'GgAIi4Enga0Bz4IAGwAAABdIdugAKtAbAAAAF0h26AAggSMLaDQxMjFaMDAxKxIMEyzJGmC2BSANyhlJWy3KGUrIDsYBLsYCD6EhaERyIFNpbmdo' +
  'L6IheDlQcmltYXJ5IEhlYWx0aCBDZW50cmUsIERpc3RyaWN0IEhvc3BpdGFsLCBNZWRpY2FsIENvbGxlZ2UCpyLRAgMmI9EDBNEEJBg7BQcl0BoA' +
  'CIuBEAYIpiAEMCQRxxpgthMwMRESBTImqACDASEiIIIAIAYuJskaYLYTMAeoIAMBz4IDGwAAABdIdugAKNAaAAGGoCFlS3VtYXIJ0BgpKScKKAKn' +
  'ImlNYWluIFJvYWQDJiNlVXJiYW4EZU5hZ2FyJBg7BQcl0BoACIuBJ4GtAc+CABsAAAAXSHboACrQGwAAABdIdugAIIEjC2g0MTIxWjAwMSsSDBMs' +
  'yRpgtgUgDcoZSVstyhlKyA7GAS7GAg+hIWhEciBTaW5naC+iIXg5UHJpbWFyeSBIZWFsdGggQ2VudHJlLCBEaXN0cmljdCBIb3NwaXRhbCwgTWVk' +
  'aWNhbCBDb2xsZWdlAqci0QIDJiPRAwTRBCQYOwUHJdAaAAiLgRAGCKUgJRHHGmC2EzAxERIFMiaoAIMBIQIgggAgBi4myRpgthMwB6ggAwHPggMb' +
  'AAAAF0h26AAo0BoAAYagIWVLdW1hcgnQGCkpJwooAqciaU1haW4gUm9hZAMmI2VVcmJhbgRlTmFnYXIkGDsFByXQGgAIi4Enga0Bz4IAGwAAABdI' +
  'dugAKtAbAAAAF0h26AAggSMLaDQxMjFaMDAxKxIMEyzJGmC2BSANyhlJWy3KGUrIDsYBLsYCD6EhaERyIFNpbmdoL6IheDlQcmltYXJ5IEhlYWx0' +
  'aCBDZW50cmUsIERpc3RyaWN0IEhvc3BpdGFsLCBNZWRpY2FsIENvbGxlZ2UCpyLRAgMmI9EDBNEEJBg7BQcl0BoACIuBEAYIpiAEMCQRxxpgthMw' +
  'MRESBTIm';
