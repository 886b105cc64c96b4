import { isJsonObject, TrustStore, verifySignature, type Signer, base64Encode, base64Decode } from '@divoc/keys';
import { base45Encode } from '../base45/base45.js';
import { COSE_ALGORITHMS, HEADER_ALG, HEADER_KID, type DccAlgorithm } from '../cose/cose.js';
import { CLAIM_EXP, CLAIM_HCERT, CLAIM_IAT, CLAIM_ISS, HCERT_EU_DCC_V1, type HcertSubClaim } from '../cwt/claims.js';
import { equalBytes } from '../lib/bytes.js';
import { CborWriter, sigStructureRoom, writeCoseSign1 } from '../lib/cbor-writer.js';
import { certificateCountry, certificateKid } from '../lib/certificate.js';
import { DccAlgorithmError, DccCertificateError, DccEncodeError, DccSchemaError } from '../lib/errors.js';
import { zlibDeflateTransient } from '../lib/zlib.js';
import { validateDccPayload } from '../schema/validate.js';
import type { DccPayload } from '../types.js';
import { HC1_PREFIX, MAX_HC1_LENGTH } from './decode.js';

/** Options of `encodeDcc`: the signer, its certificate, and the CWT's issuer and validity. */
export interface EncodeDccOptions {
  /** ES256 or PS256 signer (`createSigner` from @divoc/keys, a KMS, an HSM). */
  signer: Signer;
  /** The signer certificate (PEM, base64 DER, DER): gives the kid, and the signature is checked against it. */
  certificate?: string | Uint8Array;
  /** The kid itself (8 bytes, or their base64), when no certificate is given. */
  kid?: string | Uint8Array;
  /**
   * CWT issuer, an ISO 3166-1 alpha-2 country. Default: the signer certificate's country (`C`), which verifiers
   * require the issuer to be; without a certificate, the entry's `co`. Not the event's country as such: people are
   * vaccinated abroad.
   */
  iss?: string;
  /** Issued at (default now). */
  iat?: Date | number;
  /** Expiry (default iat + 365 days). */
  exp?: Date | number;
  /** Check the payload against the DCC schema (and EU value sets, unless `valueSets: false`) first; default true. */
  validate?: boolean;
  valueSets?: boolean;
}

/** A signed DCC: the `HC1:` QR text and the bytes it was made from. */
export interface EncodedDcc {
  /** `HC1:` text, ready for a QR code (alphanumeric mode). */
  hc1: string;
  /** The COSE_Sign1 message (tag 18). */
  coseBytes: Uint8Array;
  /** Base64 kid in the protected header. */
  kid: string;
  alg: DccAlgorithm;
  iat: number;
  exp: number;
}

const DEFAULT_VALIDITY_SECONDS = 365 * 24 * 3600;
/** Upper bound of the payload (its JSON text, and its CBOR): a DCC is 200–2000 bytes. */
const MAX_PAYLOAD_BYTES = 32_768;

function seconds(value: Date | number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const s = value instanceof Date ? Math.floor(value.getTime() / 1000) : value;
  if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0)
    throw new DccEncodeError(`${name} must be a valid Date or whole seconds since the epoch`);
  return s;
}

/**
 * Signer certificates already shown to belong to their signer (the signature verified under them), with their kid:
 * issuing thousands of DCCs with one signer parses and checks its certificate once, not per DCC.
 */
const checkedCertificates = new WeakMap<Signer, Map<string, Uint8Array>>();
const MAX_CERTIFICATES_PER_SIGNER = 16;

function certificateKey(certificate: string | Uint8Array): string {
  return typeof certificate === 'string' ? certificate : `der:${base64Encode(certificate)}`;
}

/** One writer per module: encoding is synchronous between awaits, so no two calls interleave inside it. */
const writer = new CborWriter();

/** The kid given as text, decoded once: a signer issues thousands of DCCs with the same kid. */
let lastKidText: { text: string; bytes: Uint8Array } | undefined;

function kidFromOption(kid: string | Uint8Array | undefined): Uint8Array {
  if (kid instanceof Uint8Array) return new Uint8Array(kid);
  if (typeof kid === 'string' && kid.length > 0 && kid.length <= 64) {
    if (lastKidText?.text === kid) return lastKidText.bytes;
    let bytes: Uint8Array;
    try {
      bytes = base64Decode(kid);
    } catch (cause) {
      throw new DccEncodeError('kid must be base64', { cause });
    }
    lastKidText = { text: kid, bytes };
    return bytes;
  }
  throw new DccEncodeError('give the signer certificate (preferred) or its kid');
}

async function kidFromCertificate(signer: Signer, certificate: string | Uint8Array): Promise<Uint8Array> {
  const known = checkedCertificates.get(signer)?.get(certificateKey(certificate));
  return known ? known.slice() : certificateKid(certificate);
}

interface ProtectedHeader {
  alg: DccAlgorithm;
  kid: Uint8Array;
  kidBase64: string;
  bytes: Uint8Array;
}

/** The protected header `{ 1: alg, 4: kid }` last written, reused while the signer stays the same (never mutated). */
let lastHeader: ProtectedHeader | undefined;

function protectedHeader(alg: DccAlgorithm, kid: Uint8Array): ProtectedHeader {
  if (lastHeader && lastHeader.alg === alg && equalBytes(lastHeader.kid, kid)) return lastHeader;
  const w = new CborWriter();
  w.head(0xa0, 2);
  w.integer(HEADER_ALG);
  w.integer(COSE_ALGORITHMS[alg]);
  w.integer(HEADER_KID);
  w.byteString(kid);
  lastHeader = { alg, kid: kid.slice(), kidBase64: base64Encode(kid), bytes: w.bytes() };
  return lastHeader;
}

/** JSON round trip of the payload: JSON's rules for toJSON, undefined, NaN and the like, and a snapshot of it. */
function payloadCopy(payload: DccPayload): DccPayload {
  let json: string;
  try {
    json = JSON.stringify(payload);
  } catch (cause) {
    throw new DccEncodeError('payload is not JSON data', { cause });
  }
  if (json === undefined || json.length > MAX_PAYLOAD_BYTES)
    throw new DccEncodeError('payload must be a JSON object under 32 KB');
  const copy = JSON.parse(json) as unknown;
  if (copy === null || typeof copy !== 'object' || Array.isArray(copy))
    throw new DccEncodeError('payload must be a JSON object');
  return copy as DccPayload;
}

function isObjectPayload(payload: unknown): payload is DccPayload {
  return isJsonObject(payload);
}

function defaultIssuer(payload: DccPayload): string | undefined {
  // On the caller's own object (no copy taken) a getter may throw: the payload write meets it again and reports it.
  try {
    const entry = payload.v?.[0] ?? payload.t?.[0] ?? payload.r?.[0];
    return typeof entry?.co === 'string' ? entry.co : undefined;
  } catch {
    return undefined;
  }
}

/** Catch a certificate that does not belong to the signer before anyone prints the QR code (once per pair). */
async function checkCertificate(
  signer: Signer,
  certificate: string | Uint8Array,
  alg: DccAlgorithm,
  toBeSigned: Uint8Array,
  signature: Uint8Array,
  kid: Uint8Array,
): Promise<void> {
  const key = certificateKey(certificate);
  let checked = checkedCertificates.get(signer);
  if (checked?.has(key)) return;
  let trusted;
  try {
    trusted = new TrustStore().addCertificate(certificate);
  } catch (cause) {
    throw new DccCertificateError(`the signer certificate cannot be read: ${(cause as Error).message}`, { cause });
  }
  if (!(await verifySignature(trusted, alg, toBeSigned, signature))) {
    throw new DccEncodeError(
      "the signature does not verify under the given certificate: it is not the signer's certificate",
    );
  }
  if (!checked) {
    checked = new Map();
    checkedCertificates.set(signer, checked);
  }
  if (checked.size >= MAX_CERTIFICATES_PER_SIGNER) checked.clear();
  checked.set(key, kid.slice());
}

/** Internal: what an HCERT payload is written as: its sub-claim, its schema check, and whether exp has a default. */
export interface HcertForm {
  sub: HcertSubClaim;
  /** Throws when the payload (a JSON copy) does not conform. */
  validate(payload: unknown, options: EncodeDccOptions): void;
  /** Write exp when the caller gives none (iat + 365 days): the EU DCC needs one, a WHO DVC has none. */
  defaultExp: boolean;
}

const DCC_FORM: HcertForm = {
  sub: HCERT_EU_DCC_V1,
  validate(payload, options) {
    const issues = validateDccPayload(payload, { valueSets: options.valueSets !== false });
    if (issues.length > 0)
      throw new DccSchemaError(
        `payload is not a valid DCC: ${issues
          .slice(0, 5)
          .map((i) => `${i.path}: ${i.message}`)
          .join('; ')}`,
      );
  },
  defaultExp: true,
};

/**
 * Sign a DCC payload and encode it as `HC1:` text: CWT claims (iss 1, iat 6, exp 4, hcert -260 → { 1: DCC }),
 * COSE_Sign1 with alg and kid in the protected header, zlib, Base45, prefix.
 */
export async function encodeDcc(payload: DccPayload, options: EncodeDccOptions): Promise<EncodedDcc> {
  return encodeHcert(payload, options, DCC_FORM) as Promise<EncodedDcc>;
}

/** Internal: `encodeDcc` for any HCERT sub-claim (`form`); no `exp` when the form has no default and none is given. */
export async function encodeHcert(
  payload: DccPayload,
  options: EncodeDccOptions,
  form: HcertForm,
): Promise<Omit<EncodedDcc, 'exp'> & { exp?: number }> {
  if (!options || typeof options.signer?.sign !== 'function') throw new DccEncodeError('options.signer is required');
  const alg = options.signer.algorithm;
  if (alg !== 'ES256' && alg !== 'PS256')
    throw new DccAlgorithmError(`the DCC is signed with ES256 or PS256, not ${String(alg)}`);
  // Validation runs on a copy, so that what was checked is what gets signed. Without it the payload is written
  // straight from the caller's object when it is plain data (the same bytes as from the copy), else from a copy.
  let dcc: DccPayload | undefined;
  if (options.validate !== false || !isObjectPayload(payload)) {
    dcc = payloadCopy(payload);
    if (options.validate !== false) form.validate(dcc, options);
  }
  const iss =
    options.iss ??
    (options.certificate !== undefined ? certificateCountry(options.certificate) : undefined) ??
    defaultIssuer(dcc ?? payload);
  if (iss !== undefined && (typeof iss !== 'string' || iss.length === 0 || iss.length > 64))
    throw new DccEncodeError('iss must be a short string (a country code)');
  const iat = seconds(options.iat, 'iat', Math.floor(Date.now() / 1000));
  const exp =
    options.exp === undefined && !form.defaultExp
      ? undefined
      : seconds(options.exp, 'exp', iat + DEFAULT_VALIDITY_SECONDS);
  if (exp !== undefined && exp <= iat) throw new DccEncodeError('exp must be after iat');
  const kid =
    options.certificate !== undefined
      ? await kidFromCertificate(options.signer, options.certificate)
      : kidFromOption(options.kid);
  const header = protectedHeader(alg, kid);

  // CWT claims { 1: iss, 6: iat, 4: exp, -260: { 1: DCC } } written directly (the same bytes the general CBOR encoder
  // gives, see lib/cbor-writer.ts), after room for the Sig_structure's head.
  const room = sigStructureRoom(header.bytes);
  writer.resetAt(room);
  writer.head(0xa0, 2 + (iss !== undefined ? 1 : 0) + (exp !== undefined ? 1 : 0));
  if (iss !== undefined) {
    writer.integer(CLAIM_ISS);
    writer.text(iss);
  }
  writer.integer(CLAIM_IAT);
  writer.json(iat);
  if (exp !== undefined) {
    writer.integer(CLAIM_EXP);
    writer.json(exp);
  }
  writer.integer(CLAIM_HCERT);
  writer.head(0xa0, 1);
  writer.integer(form.sub);
  if (dcc === undefined && !writer.plainJson(payload)) dcc = payloadCopy(payload);
  if (dcc !== undefined) writer.json(dcc);
  const { toBeSigned, payload: payloadBytes } = writer.sigStructureAround(room, header.bytes);
  if (payloadBytes.length > MAX_PAYLOAD_BYTES) throw new DccEncodeError('payload must be a JSON object under 32 KB');
  const signature = await options.signer.sign(toBeSigned);
  if (!(signature instanceof Uint8Array) || (alg === 'ES256' && signature.length !== 64)) {
    throw new DccEncodeError(
      `the signer returned a malformed ${alg} signature${alg === 'ES256' ? ' (expected 64 bytes r‖s)' : ''}`,
    );
  }
  if (options.certificate !== undefined)
    await checkCertificate(options.signer, options.certificate, alg, toBeSigned, signature, kid);
  const coseBytes = writeCoseSign1(writer, header.bytes, payloadBytes, signature);
  const hc1 = HC1_PREFIX + base45Encode(zlibDeflateTransient(coseBytes));
  if (hc1.length > MAX_HC1_LENGTH)
    throw new DccEncodeError(`the HC1 text is ${hc1.length} characters, more than a QR code holds`);
  return exp === undefined
    ? { hc1, coseBytes, kid: header.kidBase64, alg, iat }
    : { hc1, coseBytes, kid: header.kidBase64, alg, iat, exp };
}
