import type { DocumentSignerKey, Signer } from '@divoc/keys';
import type { DdccCoreDataSet, FormatRegistry, ToDdccOptions } from '@divoc/schemas';
import type { SignedCredential, VcSigningKey } from '@divoc/vc';
import type { DccPayload, DvcPayload } from '@divoc/dcc';
import type { HealthCardFile, ShcPayload, ShcSigningKey } from '@divoc/shc';
import type { VdsncSeal } from '@divoc/vdsnc';
import type { BitstringStatusListEntry, StatusList } from '@divoc/status';
import type { FormatFailureCode, FormatName } from './lib/errors.js';

export type { VcSigningKey } from '@divoc/vc';
export type { DocumentSignerKey } from '@divoc/keys';
export type { ShcSigningKey } from '@divoc/shc';

/** The keys `issueAllFormats` signs with, one slot per kind of signer; a format whose key is missing is not issued. */
export interface IssuerKeys {
  vc?: Signer | VcSigningKey;
  /** Signs both the DCC and the VDS-NC seal unless `dcc` / `vdsnc` are given. */
  dsc?: DocumentSignerKey;
  /** DCC document signer (its certificate carries the DCC key usage OIDs). */
  dcc?: DocumentSignerKey;
  /** WHO DVC document signer (the DCC's DSCs sign DVCs too): issues the `dvc` format; else `dsc` does. */
  dvc?: DocumentSignerKey;
  /** Document signer for the `icvp` format, which is issued only with this key (records rarely name ICVP products). */
  icvp?: DocumentSignerKey;
  /** VDS-NC barcode signer (its certificate carries the VDS-NC extended key usage and document types). */
  vdsnc?: DocumentSignerKey;
  shc?: ShcSigningKey;
  /**
   * SD-JWT VC issuer key: an ES256 or EdDSA signer, its `kid` in the issuer's JWKS, the `iss` URL (default `issuer`).
   */
  sdJwtVc?: { signer: Signer; kid?: string; issuer?: string };
}

/** What to issue from: a registry record and its template, or one of our credentials (signed or not). */
export type IssueInput =
  | { record: Readonly<Record<string, unknown>>; template: string }
  | {
      credential: Readonly<Record<string, unknown>>;
      /** What the registry knows that the credential does not carry (Latin name, v1 birth date...). */
      ddcc?: ToDdccOptions;
    };

/** Status list entries allocated before issuance: one `BitstringStatusListEntry`, or several (at most 8). */
export type CredentialStatusEntries = BitstringStatusListEntry | readonly BitstringStatusListEntry[];

/** The QR image format of the `qr` option: PNG or SVG. */
export type QrImageFormat = 'png' | 'svg';
/** PNG bytes or SVG text, per `options.qr`. */
export type QrImage = Uint8Array | string;

/** Options of {@link issueAllFormats}: keys, issuer, formats, QR images and status entries. */
export interface IssueAllFormatsOptions {
  keys: IssuerKeys;
  /** Issuer URI or DID of the W3C credential (record input). Also the SHC `iss` default when it is an https URL. */
  issuer: string;
  /** Formats to produce. Default: every format whose key is in `keys`. */
  formats?: readonly FormatName[];
  /**
   * The formats there are: default `FORMATS` from `@divoc/formats`; `FORMATS.with(yourFormat)` issues one more (its
   * output lands in `outputs[yourFormat.name]`; name it in `formats` with a cast, or give its key slot in `keys`).
   */
  registry?: FormatRegistry;
  /** Also render QR images. Default false. */
  qr?: QrImageFormat | false;
  /**
   * Allocate a Bitstring Status List entry (revocation/suspension) from this list and add it to the W3C credential
   * before signing. Not with `credentialStatus`.
   */
  statusList?: { list: StatusList; index?: number };
  /**
   * Status entries allocated already (a service's status list manager, a bulk run's journal): added as
   * `credentialStatus` to the W3C credential before it is signed, where an entry allocated from `statusList` goes, so
   * the proof covers them and the DIVOC QR and the compact QR carry them. Not with `statusList`, and not on a signed
   * credential. Each entry is checked (`ERR_ISSUER_INPUT_INVALID`).
   */
  credentialStatus?: CredentialStatusEntries;
  /** Certificate id: default the record's `certificateId`, else derived (`certificateIdFor`). */
  certificateId?: string;
  /** Printable certificate issuer (DCC `is`, ≤ 80 characters). Default the issuer URI. */
  certificateIssuerName?: string;
  /** Issuance time of every output (VC `issuanceDate` and proof, DCC `iat`, SHC `nbf`). Default now. */
  issuanceDate?: Date;
  /** End of validity (VC `expirationDate`, DCC `exp`). */
  expirationDate?: Date;
  vcVersion?: '1.1' | '2.0';
  /**
   * JSON-LD contexts of the W3C credential (built-in templates, record input): `'sdk'` (default, every term with its
   * own IRI) or `'divoc-legacy'` (DIVOC's own contexts, for deployed verifier apps that need them; see
   * `ContextProfile` in `@divoc/schemas`).
   */
  context?: 'sdk' | 'divoc-legacy';
  /**
   * Name in the VDS-NC seal: `latin` (default) uses the record's `nameLatin` when there is one, since the seal is
   * checked against a travel document; `as-written` always uses the name as written.
   */
  vdsncName?: 'latin' | 'as-written';
  /** SMART Health Card revocation id (`vc.rid`), e.g. from `computeRid`. */
  shcRid?: string;
  /** Throw the first format failure (`IssuerFormatError`) instead of reporting it in `errors`. */
  strict?: boolean;
  /**
   * Record fields the template does not know (`record` input only): `reject` (default) throws
   * `IssuerUnknownFieldsError` naming them; `ignore` drops them.
   */
  unknownFields?: 'reject' | 'ignore';
}

/** Why one format could not be issued for a record (the other formats may still have been issued). */
export interface FormatFailure {
  code: FormatFailureCode;
  message: string;
  /** The underlying format package's error code, when there was one. */
  causeCode?: string;
}

/** What `issueAllFormats` made, by format; a format that was not requested or failed is absent. */
export interface IssuedOutputs {
  'w3c-vc'?: { credential: SignedCredential; json: string };
  'divoc-qr'?: { text: string; image?: QrImage };
  'vc-compact'?: { text: string; image?: QrImage };
  /** PixelPass QR data of the signed VC (what MOSIP Inji Verify scans): CBOR, zlib, Base45. */
  pixelpass?: { text: string; image?: QrImage };
  dcc?: { hc1: string; uvci: string; payload: DccPayload; image?: QrImage };
  /** WHO Digital Vaccination Certificate: `HC1:` text of HCERT -6 (no certificate id of its own). */
  dvc?: { hc1: string; payload: DvcPayload; image?: QrImage };
  /** The DVC in WHO's ICVP profile (vaccines by ICVP product catalogue id). */
  icvp?: { hc1: string; payload: DvcPayload; image?: QrImage };
  shc?: { jws: string; qr: string[]; file: HealthCardFile; payload: ShcPayload; images?: QrImage[] };
  vdsnc?: { seal: VdsncSeal; json: string; image?: QrImage };
  /** SD-JWT VC (`dc+sd-jwt`): the compact SD-JWT with every disclosure. */
  'sd-jwt-vc'?: { sdJwt: string };
}

/** The result of {@link issueAllFormats}: the certificate id, the DDCC core data set, the outputs and the failures. */
export interface IssuedFormats {
  /** The health certificate identifier (HCID) every output carries (as its format allows). */
  certificateId: string;
  /** The one source of truth every output was mapped from. */
  ddcc: DdccCoreDataSet;
  /** The certificate id as each format writes it. */
  identifiers: { hcid: string; uvci?: string; vdsnc?: string };
  outputs: IssuedOutputs;
  /** Formats that could not be produced, with why. Absent when every requested format was produced. */
  errors?: Partial<Record<FormatName, FormatFailure>>;
}
