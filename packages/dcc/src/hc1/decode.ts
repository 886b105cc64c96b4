import { base64Encode, utf8DecodeStrict } from '@divoc/keys';
import { base45Decode } from '../base45/base45.js';
import {
  algorithmName,
  HEADER_ALG,
  HEADER_KID,
  parseCoseSign1,
  type CoseHeaderMap,
  type CoseSign1,
  type DccAlgorithm,
} from '../cose/cose.js';
import { HCERT_EU_DCC_V1, parseCwtClaims, type CwtClaims, type HcertSubClaim } from '../cwt/claims.js';
import { equalBytes } from '../lib/bytes.js';
import { DccCoseError, DccInputError, DccPrefixError } from '../lib/errors.js';
import { MAX_INFLATED_BYTES, zlibInflate } from '../lib/zlib.js';
import type { DccCertificateType, DccPayload } from '../types.js';
import { HC1_PREFIX, UTF8_PREFIX } from './detect.js';

export { detectDcc, HC1_PREFIX } from './detect.js';

/** Longest HC1 text accepted (a version 40 QR code holds at most 4296 alphanumeric characters). */
export const MAX_HC1_LENGTH = 8192;
/** Largest COSE message accepted. */
export const MAX_COSE_BYTES = MAX_INFLATED_BYTES;

/** Options of `decodeDcc`. */
export interface DecodeDccOptions {
  /**
   * Accept a Base45 body that is a bare COSE message instead of a zlib stream. Off by default: the DCC spec
   * requires compression and the EU test data (`Z2`) expects an uncompressed message to be rejected.
   */
  allowUncompressed?: boolean;
}

/** A decoded (not verified) DCC. */
export interface DecodedDcc {
  /** The DCC JSON (hcert claim -260, key 1). */
  payload: DccPayload;
  /** `v`, `t` or `r`; undefined when the payload carries none or several. */
  type?: DccCertificateType;
  /** Key identifier, base64 (the EU trust list form); the protected header's wins over the unprotected one. */
  kid?: string;
  kidBytes?: Uint8Array;
  kidHeader?: 'protected' | 'unprotected';
  /** Algorithm (protected header, else unprotected); undefined when absent or not ES256/PS256 (see `algId`). */
  alg?: DccAlgorithm;
  algId?: number | string;
  algHeader?: 'protected' | 'unprotected';
  /** CWT issuer (country code). */
  iss?: string;
  /** CWT issued-at and expiry, seconds since the epoch. */
  iat?: number;
  exp?: number;
  /** Header maps with labels as decimal strings; byte strings as base64. */
  protectedHeader: Record<string, unknown>;
  unprotectedHeader: Record<string, unknown>;
  /** Every CWT claim, labels as decimal strings. */
  claims: Record<string, unknown>;
  /** The COSE_Sign1 message (after Base45 and inflate). */
  coseBytes: Uint8Array;
  /** Tags the COSE message carried, outermost first: `[]`, `[18]` or `[61, 18]`. */
  coseTags: number[];
  signature: Uint8Array;
}

/** Internal: the decoded DCC plus the parsed COSE parts needed to verify it. */
export interface DecodedDccWithCose extends DecodedDcc {
  cose: CoseSign1;
}

/** Internal: what verification reads of a decoded DCC (no display records, no copy of the message). */
export type DccVerificationInput = Pick<
  DecodedDccWithCose,
  'payload' | 'type' | 'kid' | 'kidBytes' | 'kidHeader' | 'alg' | 'algId' | 'algHeader' | 'iss' | 'iat' | 'exp' | 'cose'
> & {
  claims: CwtClaims;
};

/** The Base45 body of HC1 text; throws `DccPrefixError` unless it starts with exactly `HC1:`. */
export function unprefixHc1(text: string): string {
  if (typeof text !== 'string') throw new DccInputError('HC1 input must be a string');
  if (text.length > MAX_HC1_LENGTH)
    throw new DccInputError(`HC1 text is ${text.length} characters, over the ${MAX_HC1_LENGTH} limit`);
  // QR scanners may append a line break; Base45 itself contains spaces, so nothing else is trimmed.
  const last = text.charCodeAt(text.length - 1);
  const body = last === 10 || last === 13 ? text.replace(/[\r\n]+$/, '') : text;
  if (!body.startsWith(HC1_PREFIX)) {
    const seen = /^[A-Za-z0-9]{2,4}:/.exec(body)?.[0];
    throw new DccPrefixError(
      seen
        ? `unsupported context identifier ${JSON.stringify(seen)} (expected "HC1:")`
        : 'text does not start with "HC1:"',
    );
  }
  return body.slice(HC1_PREFIX.length);
}

function headerRecord(header: CoseHeaderMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [label, value] of header) out[String(label)] = value instanceof Uint8Array ? base64Encode(value) : value;
  return out;
}

function certificateTypeOf(payload: DccPayload): DccCertificateType | undefined {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const v = Object.hasOwn(payload, 'v');
  const t = Object.hasOwn(payload, 't');
  const r = Object.hasOwn(payload, 'r');
  if (v && !t && !r) return 'v';
  if (t && !v && !r) return 't';
  if (r && !v && !t) return 'r';
  return undefined;
}

/** The last kid seen and its base64: a verifier meets the same few signers over and over. */
let lastKid: { bytes: Uint8Array; base64: string } | undefined;

function kidBase64(bytes: Uint8Array): string {
  if (lastKid && equalBytes(lastKid.bytes, bytes)) return lastKid.base64;
  const base64 = base64Encode(bytes);
  lastKid = { bytes: bytes.slice(), base64 };
  return base64;
}

/** COSE `crit` (RFC 9052 section 3.1): header labels a recipient must understand, or refuse the message. */
const HEADER_CRIT = 2;
/** What this verifier understands: alg, content type, kid. */
const UNDERSTOOD_HEADERS: ReadonlySet<unknown> = new Set([1, 3, 4]);

function checkCritical(
  protectedHeader: ReadonlyMap<unknown, unknown>,
  unprotectedHeader: ReadonlyMap<unknown, unknown>,
): void {
  if (unprotectedHeader.has(HEADER_CRIT))
    throw new DccCoseError('COSE crit (label 2) may appear in the protected header only');
  const crit = protectedHeader.get(HEADER_CRIT);
  if (crit === undefined) return;
  if (!Array.isArray(crit) || crit.length === 0 || crit.length > 16)
    throw new DccCoseError('COSE crit must be a non-empty array of header labels');
  const unknown = crit.find((label) => !UNDERSTOOD_HEADERS.has(label));
  if (unknown !== undefined) {
    const shown = typeof unknown === 'number' ? String(unknown) : JSON.stringify(String(unknown).slice(0, 32));
    throw new DccCoseError(
      `COSE crit names header ${shown}, which this verifier does not understand, so the message must be refused`,
    );
  }
}

/** The parts of a COSE_Sign1 HCERT message that verification reads (no verification); `sub`: which HCERT. */
function decodeCore(coseBytes: Uint8Array, sub: HcertSubClaim = HCERT_EU_DCC_V1): DccVerificationInput {
  if (!(coseBytes instanceof Uint8Array)) throw new DccInputError('COSE input must be a Uint8Array');
  if (coseBytes.length > MAX_COSE_BYTES)
    throw new DccInputError(`COSE message is ${coseBytes.length} bytes, over the ${MAX_COSE_BYTES} limit`);
  // cbor-x for every message. Without the one-pass reader for the common shape (lib/cbor-reader.ts, removed),
  // verifyDcc does 6–8 % fewer ops/s and decodeDcc 19–26 % fewer: short of the 15 % on verifyDcc a second CBOR parser
  // had to earn. It only ever answered where this path gives the same answer, so no check went with it.
  const cose = parseCoseSign1(coseBytes);
  checkCritical(cose.protectedHeader, cose.unprotectedHeader);
  const claims = parseCwtClaims(cose.payload, sub);
  const protectedKid = cose.protectedHeader.get(HEADER_KID) as Uint8Array | undefined;
  const unprotectedKid = cose.unprotectedHeader.get(HEADER_KID) as Uint8Array | undefined;
  const kidBytes = protectedKid ?? unprotectedKid;
  // Some issuers put alg in the unprotected header (EU test case CO20). Accepting it there is safe because the
  // verifier only uses an algorithm that belongs to the signer key's type (EC → ES256, RSA → PS256).
  const protectedAlg = cose.protectedHeader.get(HEADER_ALG) as number | string | undefined;
  const algId = protectedAlg ?? (cose.unprotectedHeader.get(HEADER_ALG) as number | string | undefined);
  const alg = algorithmName(algId);
  const type = sub === HCERT_EU_DCC_V1 ? certificateTypeOf(claims.payload) : undefined;
  // Fields set one by one, in this order, only when present (cheaper than spreading optional parts).
  const out: DccVerificationInput = { payload: claims.payload } as DccVerificationInput;
  if (type) out.type = type;
  if (kidBytes) {
    out.kid = kidBase64(kidBytes);
    out.kidBytes = kidBytes;
    out.kidHeader = protectedKid ? 'protected' : 'unprotected';
  }
  if (alg) out.alg = alg;
  if (algId !== undefined) {
    out.algId = algId;
    out.algHeader = protectedAlg !== undefined ? 'protected' : 'unprotected';
  }
  if (claims.iss !== undefined) out.iss = claims.iss;
  if (claims.iat !== undefined) out.iat = claims.iat;
  if (claims.exp !== undefined) out.exp = claims.exp;
  out.cose = cose;
  out.claims = claims;
  return out;
}

/** The public decoded form, fields in their documented order (set one by one: cheaper than rest and spread). */
function decodedOf(core: DccVerificationInput, coseBytes: Uint8Array): DecodedDcc {
  const out = { payload: core.payload } as DecodedDcc;
  if (core.type !== undefined) out.type = core.type;
  if (core.kid !== undefined) {
    out.kid = core.kid;
    out.kidBytes = core.kidBytes!;
    out.kidHeader = core.kidHeader!;
  }
  if (core.alg !== undefined) out.alg = core.alg;
  if (core.algId !== undefined) {
    out.algId = core.algId;
    out.algHeader = core.algHeader!;
  }
  if (core.iss !== undefined) out.iss = core.iss;
  if (core.iat !== undefined) out.iat = core.iat;
  if (core.exp !== undefined) out.exp = core.exp;
  out.protectedHeader = headerRecord(core.cose.protectedHeader);
  out.unprotectedHeader = headerRecord(core.cose.unprotectedHeader);
  out.claims = core.claims.all;
  out.coseBytes = new Uint8Array(coseBytes);
  out.coseTags = core.cose.tags;
  out.signature = core.cose.signature;
  return out;
}

/** Decode a COSE_Sign1 DCC message (no verification). */
export function decodeDccCose(coseBytes: Uint8Array): DecodedDccWithCose {
  const core = decodeCore(coseBytes);
  const out = decodedOf(core, coseBytes) as DecodedDccWithCose;
  out.cose = core.cose;
  return out;
}

/** COSE bytes of an HC1 string: unprefix, Base45, inflate. */
export function hc1ToCose(text: string, options: DecodeDccOptions = {}): Uint8Array {
  const compressed = base45Decode(unprefixHc1(text));
  if (options.allowUncompressed && compressed[0] !== 0x78) return compressed;
  return zlibInflate(compressed);
}

function inputToCose(input: string | Uint8Array, options: DecodeDccOptions): Uint8Array {
  if (typeof input === 'string') return hc1ToCose(input, options);
  if (!(input instanceof Uint8Array)) throw new DccInputError('DCC input must be HC1 text or COSE bytes');
  if (UTF8_PREFIX.every((b, i) => input[i] === b)) {
    if (input.length > MAX_HC1_LENGTH * 4)
      throw new DccInputError(`HC1 bytes over the ${MAX_HC1_LENGTH} character limit`);
    const text = utf8DecodeStrict(input);
    if (text === undefined) throw new DccInputError('HC1 bytes are not UTF-8 text');
    return hc1ToCose(text, options);
  }
  if (input.length > MAX_COSE_BYTES)
    throw new DccInputError(`COSE message is ${input.length} bytes, over the ${MAX_COSE_BYTES} limit`);
  // 0x78 cannot start a COSE message (it is a CBOR text string), so it marks a zlib stream.
  return input[0] === 0x78 ? zlibInflate(input) : input;
}

/** Internal decode for verification: the same checks and values, without the display records `decodeDcc` adds. */
export function decodeDccForVerification(
  input: string | Uint8Array,
  options: DecodeDccOptions = {},
  sub: HcertSubClaim = HCERT_EU_DCC_V1,
): DccVerificationInput {
  return decodeCore(inputToCose(input, options), sub);
}

/** Internal: decode an HCERT message whose payload sits under `sub` (-6: a WHO DVC), with the DCC's checks. */
export function decodeHcert(input: string | Uint8Array, sub: HcertSubClaim): DecodedDcc {
  const cose = inputToCose(input, {});
  return decodedOf(decodeCore(cose, sub), cose);
}

/**
 * Decode an EU DCC without verifying it: `HC1:` text (or its UTF-8 bytes), a COSE_Sign1 message, or a zlib-compressed
 * one. Throws a typed `DccError` (`ERR_DCC_PREFIX_INVALID`, `ERR_DCC_BASE45_INVALID`, `ERR_DCC_COMPRESSION_INVALID`,
 * `ERR_DCC_COSE_INVALID`, `ERR_DCC_CWT_INVALID`, `ERR_DCC_INPUT_INVALID`).
 */
export function decodeDcc(input: string | Uint8Array, options: DecodeDccOptions = {}): DecodedDcc {
  const cose = inputToCose(input, options);
  return decodedOf(decodeCore(cose), cose);
}
