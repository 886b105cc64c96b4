/** Seal types this package knows: proof of vaccination (WHO data) and proof of testing (CAPSCA data). */
export type VdsncType = 'icao.vacc' | 'icao.test';

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** The seal's header (`data.hdr`): type, version and issuing country. */
export interface VdsncHeader {
  t: VdsncType;
  v: 1;
  /** Issuing country, ISO 3166 alpha-3 (ICAO 9303 codes such as `D<<` allowed). */
  is: string;
}

/** A VDS-NC seal as carried in the barcode: `data` is signed (its RFC 8785 form), `sig` carries the signature. */
export interface VdsncSeal {
  data: { hdr: VdsncHeader; msg: JsonObject };
  sig: {
    alg: string;
    /** base64url DER of the barcode signer certificate. */
    cer: string;
    /** base64url raw r‖s signature. */
    sigvl: string;
  };
}

/** What `decodeVdsnc` returns: the seal and its parts, decoded but NOT verified. */
export interface DecodedVdsnc {
  seal: VdsncSeal;
  type: VdsncType;
  issuingCountry: string;
  message: JsonObject;
  algorithm: string;
  /** DER of `sig.cer`. */
  signerCertificate: Uint8Array;
  /** Bytes of `sig.sigvl`. */
  signature: Uint8Array;
}
