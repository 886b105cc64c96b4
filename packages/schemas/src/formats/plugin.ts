import type { Check, TrustedKey, TrustStore } from '@divoc/keys';
import type { DdccCoreDataSet } from '../ddcc/types.js';

/**
 * The one interface every credential format implements (W3C VC, DIVOC QR, compact VC, EU DCC, SMART Health Card,
 * ICAO VDS-NC, and whatever comes next). A format package exports one plugin object; `@divoc/formats` lists them; the
 * issuer, the verifier, the CLI, the service and the worker iterate that list and never name a format in code.
 *
 * A plugin decodes, checks signatures and maps data. It never decides whom to trust, which issuer a result names or
 * whether a credential is revoked: the verifier decides those the same way for every format, from the evidence a
 * plugin reports (a `signer` under which the signature verified, the issuer the credential claims, its revocation
 * handles). A format that forgets to report a signer is never trusted.
 */
export interface CredentialFormatPlugin<Name extends string = string> {
  /** The format's one name, spelled the same in CLI flags, JSON output, the service API and the docs. */
  readonly name: Name;
  /** What operators and file names call it where that differs (`divoc issue --format vc`, `vc.json`). */
  readonly shortName: string;
  /** A title for people: "EU Digital COVID Certificate". */
  readonly title: string;
  /**
   * The key use a trust list gives keys that may sign this format (`hcert` for the HCERT formats, whose signers are the
   * same document signer certificates; `shc`, `vdsnc`, `vc`). Default: the format's name. A key a trust source listed
   * for some uses (`format:<use>` purposes) verifies a format only when its use is among them (the verifier decides).
   */
  readonly keyUse?: string;
  /** Recognises an input as this format; cheap and never throws. */
  detect(input: FormatInput): FormatDetection | undefined;
  /**
   * The payload and envelope facts, without verifying. Throws (or rejects with) a `DivocError` (stable `code`) when it
   * does not decode. May be async: a plugin loads its decoding code on first use, so a browser app downloads only the
   * code of the formats it meets (`decode`, `verify` and `issuance.issue` are where a plugin may load it).
   */
  decode(payload: unknown): DecodedCredential | Promise<DecodedCredential>;
  /** Decodes, checks the signature and the credential's own fields, and reports evidence (never a trust decision). */
  verify(payload: unknown, context: FormatVerifyContext): Promise<FormatEvidence>;
  /** The person and the event, read back from a decoded payload (the DDCC core data set's notions). May throw. */
  summarize(credential: unknown): CredentialSummary;
  /**
   * The WHO DDCC core data set read back from a decoded payload, with codes in the systems the credential used: what
   * FHIR bundles and other mappings are made from. Throws (or rejects with) a `DivocError` (stable `code`) when the
   * payload lacks what the data set needs. May be async, to load its reader on first use (verifiers never need it).
   */
  coreDataSet?(credential: unknown): DdccCoreDataSet | Promise<DdccCoreDataSet>;
  /** How this format is issued from the WHO DDCC core data set. */
  readonly issuance: FormatIssuance;
  /** How an issued output is written to files (`divoc issue`, `@divoc/bulk`). */
  readonly files: FormatFiles;
  /**
   * The issued output as JSON APIs return it (the service): its texts, no images or decoded payloads; undefined for
   * the W3C credential, which is the certificate itself there.
   */
  apiOutput(output: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined;
}

/**
 * The files of one issued certificate in this format. The names are `<certificateId><suffix>`; QR images beside them
 * are named by the bulk engine from the format's `shortName`.
 */
export interface FormatFiles {
  /** The main file's suffix (`.json`, `.dcc.txt`): its presence means the format was issued, so reruns skip it. */
  readonly mainSuffix: string;
  /** The main file's text, from the issued output. */
  main(output: Readonly<Record<string, unknown>>): string;
  /** Files beside the main one (the SHC chunk texts), by suffix. */
  sides?(output: Readonly<Record<string, unknown>>): readonly { suffix: string; contents: string }[];
  /** The format's value in an ndjson bundle line, as JSON text. */
  bundle(output: Readonly<Record<string, unknown>>): string;
  /**
   * The one QR text a printed certificate shows, read back from the files a run wrote (`side` reads a side file by
   * suffix); undefined when the format has no single QR text.
   */
  qrText?(main: string, side: (suffix: string) => string | undefined): string | undefined;
}

/* ------------------------------------------------------------------------------------------------ detection */

/** One input, read once by the caller: the text (trimmed, without a byte-order mark), its raw form, or bytes. */
export type FormatInput =
  | {
      kind: 'text';
      /** Trimmed, without a leading byte-order mark. */
      text: string;
      /** As given: binary-string payloads (a DIVOC ZIP) may end in bytes that look like white space. */
      raw: string;
      /** The QR image kind, when the text was read out of an image. */
      image?: 'png' | 'jpeg' | 'svg';
      /** At most this many lines may be taken as separate QR chunks. */
      maxItems: number;
    }
  | {
      kind: 'json';
      /** Read strictly (no duplicate or prototype-polluting member). */
      json: Readonly<Record<string, unknown>>;
      /** The JSON text, when the input was text. */
      text?: string;
      image?: 'png' | 'jpeg' | 'svg';
    }
  /** Bytes that are neither an image nor UTF-8 text, or a binary payload a scanner handed over. */
  | { kind: 'bytes'; bytes: Uint8Array }
  /** Several QR texts (chunks) that must make one credential. */
  | { kind: 'texts'; texts: readonly string[]; image?: 'png' | 'jpeg' | 'svg' };

/** An input recognised as one format: what to give its `decode`/`verify`, and facts about the wrapping. */
export interface FormatDetection {
  payload: unknown;
  details?: VerificationDetails;
  /** Recognised as this format but refused before decoding (too many chunks, unsafe JSON): the stable code and why. */
  refusal?: { code: string; message: string };
}

/** What `decode` returns (what `divoc decode` prints, besides the input name and the format). */
export interface DecodedCredential {
  /** The format's payload: the credential, the DCC JSON, the SHC JWS payload, the VDS-NC seal. */
  payload: unknown;
  /** Envelope facts worth showing support staff (key id, algorithm, issue / expiry times, wrapping). */
  header?: Record<string, unknown>;
}

/* ------------------------------------------------------------------------------------------------ verification */

/** What a plugin may ask of the trust: keys to verify with, and whether a signer certificate chains to a CSCA. */
export interface FormatTrust {
  /** The trusted keys (a plugin resolves candidate keys here; the verifier decides what a match means). */
  readonly store: TrustStore;
  /** The trusted key of a signer certificate (directly, or through a CSCA of its country), or why not. */
  certificateSigner(der: Uint8Array, notTrustedCode: string): Promise<CertificateSignerResult>;
}

/** What `FormatTrust.certificateSigner` found. */
export type CertificateSignerResult = { key: TrustedKey } | { code: string; message: string };

/** What the verifier gives a format plugin's `verify`: the trust, the clock, the policy and the detection facts. */
export interface FormatVerifyContext {
  trust: FormatTrust;
  now: Date;
  /** The caller's policy: key or certificate windows that ended before now are accepted (never at signing time). */
  acceptExpiredKeys: boolean;
  /** Facts from detection (wrapping, image) to carry into the evidence. */
  details: VerificationDetails;
}

/**
 * What a plugin found out about one credential. Plugins decode, check the signature and the credential's own fields;
 * they make no trust, issuer or revocation decision. Those belong to the verifier, the same for every format.
 */
export interface FormatEvidence {
  format: string;
  /**
   * `decode`, `signature`, `validity` (the credential's own dates), `key-usage`, `schema`: never `trust` or
   * `revocation`.
   */
  checks: Check[];
  details: VerificationDetails;
  /** The decoded payload, when decoding got that far. */
  credential?: unknown;
  /** The issuer the credential claims: VC `issuer`, SHC `iss`, DCC `iss`, VDS-NC `hdr.is`. */
  claimedIssuer?: string;
  /** The trusted key under which the signature verified. Absent: nothing trusted verified it. */
  signer?: TrustedKey;
  /** When the credential says it was signed (proof `created`, SHC `nbf`): the key must have been valid then. */
  signedAt?: Date;
  /** Why no trusted signer was found, or the format's own objection to the key (kept as the `trust` failure). */
  trustFailure?: Check;
  /** The stable code this format reports for an expired key (so a failure is reported once, in its usual words). */
  keyExpiredCode: string;
  /** What revocation data could speak for this credential; the verifier checks them against the data at hand. */
  revocation: RevocationHandle[];
  warnings?: VerificationWarning[];
  /**
   * A holder key-binding proof the plugin verified (an SD-JWT VC's KB-JWT: signed by the credential's holder key, over
   * this very presentation), and what it was made for. The verifier compares it with `verify()`'s `presentation`
   * option; a format that never reports one cannot pass that option. The plugin's passing `key-usage` check stands
   * for this proof.
   */
  holderBinding?: { nonce: string; audience: string; issuedAt: Date };
}

/**
 * A handle revocation data can cover. The verifier checks each against the lists the caller gave and the trust,
 * requiring the data to come from the credential's own issuer; a new format reuses a kind or adds one there.
 */
export type RevocationHandle =
  /** A W3C credential's `credentialStatus` (Bitstring Status List). */
  | { kind: 'status-list'; credential: Readonly<Record<string, unknown>> }
  /** A DIVOC certificate id (`evidence[].certificateId`), and the terms a signature leaves interchangeable with it. */
  | { kind: 'divoc-certificate'; credential: Readonly<Record<string, unknown>>; ambiguousTerms?: readonly unknown[] }
  /** An HCERT (EU DCC and kin), read only when revocation lists are at hand (`facts` decodes the message again). */
  | {
      kind: 'hcert';
      /** Decodes the message again and returns what DCC revocation lists are matched on. */
      facts(): HcertRevocationFacts;
    }
  /** A SMART Health Card: the issuer, the key id, the card's `rid` and when it was issued. */
  | { kind: 'shc-rid'; issuer: string; kid: string; rid?: string; issuedAt: number }
  /**
   * An entry of an IETF Token Status List (SD-JWT VC `status.status_list`). `check` reads it in one of the status list
   * tokens at hand: undefined when none is for `uri`, else the entry's status (0 valid) from a token signed by a key
   * trusted for `issuer`; throws a `DivocError` when the token is not.
   */
  | {
      kind: 'token-status-list';
      uri: string;
      idx: number;
      /** The entry's status in the token for `uri` among `tokens`, verified; undefined when no token is for it. */
      check(
        tokens: readonly unknown[],
        options: { trust: TrustStore; issuer: string; now: Date },
      ): Promise<number | undefined>;
    };

/** What HCERT revocation lists are keyed by: the key id, the certificate id, its country, the COSE signature. */
export interface HcertRevocationFacts {
  kid?: string;
  uci?: string;
  country?: string;
  coseSignature?: Uint8Array;
  /** COSE algorithm id (the signature hash depends on it). */
  alg?: number | string;
}

/** Something a VALID result should be shown with (e.g. `WARN_TRUST_ISSUER_UNBOUND`). */
export interface VerificationWarning {
  code: string;
  message: string;
  /** Fields of the summary the warning is about. */
  fields?: string[];
}

/** Facts about how the credential was read and signed. */
export interface VerificationDetails {
  /** Proof suite or signature algorithm (`eddsa-rdfc-2022`, `RsaSignature2018`, `ES256`, `PS256`). */
  suite?: string;
  /** Key the credential names: verification method, DCC kid, SHC kid. */
  verificationMethod?: string;
  /** DIVOC QR wrapping (`zip-binary-string`, `json`, ...). */
  variant?: string;
  /** Where the text came from when the input was an image. */
  image?: 'png' | 'jpeg' | 'svg';
  /** Number of QR codes read from the image(s). */
  qrCodes?: number;
  /** SHC: the cards' compact JWS (reassembled from chunks). DCC: issued / expires (ISO). */
  jws?: string;
  issuedAt?: string;
  expiresAt?: string;
}

/* ------------------------------------------------------------------------------------------------ summary */

/** What a credential records. */
export type EventKind = 'vaccination' | 'test' | 'recovery' | 'other';

/**
 * A short, human summary of the subject and the event, the same fields whatever the format (mapped through the WHO
 * DDCC core data set's notions). Dates are `YYYY-MM-DD` as the credential wrote them (no time-zone shifting).
 */
export interface CredentialSummary {
  name?: string;
  dateOfBirth?: string;
  gender?: string;
  event: EventKind;
  /** Vaccine product (display name when a value set or code table knows the code). */
  vaccine?: string;
  /** The code the credential used for the vaccine (EU `mp`, CVX, ICD-11, ...). */
  vaccineCode?: string;
  manufacturer?: string;
  dose?: number;
  totalDoses?: number;
  /** Vaccination date, test sample collection date, or first positive test date. */
  date?: string;
  testType?: string;
  testResult?: string;
  /** Country of the event (ISO 3166 code as the credential gives it). */
  country?: string;
  certificateId?: string;
}

/* ------------------------------------------------------------------------------------------------ issuance */

/**
 * How a format is issued. `signs`: from the DDCC core data set (and the W3C credential it was read from) with one of
 * the caller's keys. `reencodes`: the signed W3C credential in another wrapping (DIVOC QR, compact QR), no key of its
 * own.
 */
export type FormatIssuance =
  | {
      mode: 'signs';
      /** The caller's key slots this format signs with, in order of preference (`['dcc', 'dsc']`). */
      keys: readonly string[];
      /** What to say when none is given. */
      keyHint: string;
      /** Signs the format's output from the DDCC core data set with the key of the first slot the caller filled. */
      issue(input: FormatIssueInput, key: unknown): Promise<FormatIssued>;
    }
  | {
      mode: 'reencodes';
      /** The format whose output `credential` this one re-encodes (`w3c-vc`). */
      source: string;
      /** Re-encodes the signed output of `source` (no key: the signature is the source's). */
      issue(input: FormatReencodeInput): FormatIssued;
    };

/** What a format plugin that signs is issued from: the DDCC core data set and the unsigned W3C credential. */
export interface FormatIssueInput {
  /** The WHO DDCC core data set every format is mapped through. */
  ddcc: DdccCoreDataSet;
  /** The unsigned W3C credential the core data set was read from (the registry's own terms, contexts and ids). */
  credential: Readonly<Record<string, unknown>>;
  /** The issuer URI or DID the caller issues as. */
  issuer: string;
  issuanceDate?: Date;
  expirationDate?: Date;
  /** Format-specific choices the caller gave (`shcRid`, `vdsncName`...), read by the format that knows them. */
  options: Readonly<Record<string, unknown>>;
}

/** What a format plugin that re-encodes is issued from: the signed W3C credential. */
export interface FormatReencodeInput {
  /** The signed W3C credential. */
  signed: Readonly<Record<string, unknown>>;
  issuanceDate?: Date;
}

/** What issuing produced: the format's output object, and the QR text(s) to render when images are asked for. */
export interface FormatIssued {
  output: Record<string, unknown>;
  /** One QR text (the output gets `image`), or several chunks (the output gets `images`). */
  qr?: string | readonly string[];
  /** Identifiers the format derived (`uvci`, the VDS-NC id), reported beside the certificate id. */
  identifiers?: Record<string, string>;
}
