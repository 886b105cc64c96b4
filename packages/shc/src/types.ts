/** Public data shapes of SMART Health Cards (https://spec.smarthealth.cards). */

/** A FHIR R4 resource, as far as this package needs to know it. */
export interface FhirResource {
  resourceType: string;
  [field: string]: unknown;
}

/** One entry of a FHIR bundle. */
export interface FhirBundleEntry {
  /** `resource:N` in a minimised bundle. */
  fullUrl: string;
  resource: FhirResource;
}

/** A FHIR R4 Bundle of type `collection`, the `fhirBundle` of a health card. */
export interface FhirBundle {
  resourceType: 'Bundle';
  type: 'collection';
  entry: FhirBundleEntry[];
}

/** The `vc` claim of a health card. */
export interface ShcVc {
  /** Always contains `https://smarthealth.cards#health-card`. */
  type: string[];
  credentialSubject: {
    fhirVersion: string;
    fhirBundle: FhirBundle;
  };
  /** Revocation identifier: base64url alphabet, at most 24 characters. */
  rid?: string;
}

/** The JWT claim set inside a health card JWS (after inflating). */
export interface ShcPayload {
  /** Issuer URL (https, no trailing slash); the issuer's keys live at `${iss}/.well-known/jwks.json`. */
  iss: string;
  /** Issuance time, seconds since the epoch (may be fractional). */
  nbf: number;
  /** Optional expiry, seconds since the epoch. */
  exp?: number;
  vc: ShcVc;
}

/** The protected header of a health card JWS. */
export interface ShcHeader {
  alg: 'ES256';
  zip: 'DEF';
  /** RFC 7638 thumbprint of the issuer's P-256 key (base64url). */
  kid: string;
  [field: string]: unknown;
}

/** What `decodeShc` returns: no signature has been checked. */
export interface DecodedShc {
  header: ShcHeader;
  payload: ShcPayload;
  /** The compact JWS the input carried (reassembled from QR chunks when it came as chunks). */
  jws: string;
}

/** A `.smart-health-card` file. */
export interface HealthCardFile {
  verifiableCredential: string[];
}

/** A public issuer key as SMART Health Cards publishes it at `/.well-known/jwks.json`. */
export interface ShcPublicJwk {
  kty: 'EC';
  kid: string;
  use: 'sig';
  alg: 'ES256';
  crv: 'P-256';
  x: string;
  y: string;
  /** The `ctr` of the key's revocation list, when the issuer publishes one. */
  crlVersion?: number;
}

/** An issuer's key set, as published at `${iss}/.well-known/jwks.json`. */
export interface ShcJwks {
  keys: ShcPublicJwk[];
}

/** A card revocation list, published at `${iss}/.well-known/crl/${kid}.json`. */
export interface RevocationList {
  kid: string;
  method: 'rid';
  /** Update counter, starts at 1; equals the key's `crlVersion` in the JWKS. */
  ctr: number;
  /** Revoked ids: `rid` (always revoked) or `rid.timestamp` (revoked when the card's `nbf` is before it). */
  rids: string[];
}
