import { cborDecode, isBytes, Tag } from '../lib/cbor.js';
import { CborWriter, writeSigStructure } from '../lib/cbor-writer.js';
import { DccCoseError } from '../lib/errors.js';

/** COSE algorithm identifiers the DCC uses (RFC 9053): ES256 and PS256. */
export const COSE_ALGORITHMS = Object.freeze({ ES256: -7, PS256: -37 } as const);
/** A signature algorithm a DCC may use: `ES256` or `PS256`. */
export type DccAlgorithm = keyof typeof COSE_ALGORITHMS;

export const COSE_SIGN1_TAG = 18;
export const CWT_TAG = 61;
export const HEADER_ALG = 1;
export const HEADER_KID = 4;

export type CoseLabel = number | string;
export type CoseHeaderMap = Map<CoseLabel, unknown>;

export interface CoseSign1 {
  /** The protected header exactly as signed (a bstr holding a CBOR map, or empty). */
  protectedBytes: Uint8Array;
  protectedHeader: CoseHeaderMap;
  unprotectedHeader: CoseHeaderMap;
  payload: Uint8Array;
  signature: Uint8Array;
  /** Tags around the COSE array, outermost first (`[]`, `[18]` or `[61, 18]`). */
  tags: number[];
}

export function algorithmName(id: unknown): DccAlgorithm | undefined {
  if (id === COSE_ALGORITHMS.ES256) return 'ES256';
  if (id === COSE_ALGORITHMS.PS256) return 'PS256';
  return undefined;
}

function headerMap(value: unknown, where: string): CoseHeaderMap {
  if (!(value instanceof Map)) throw new DccCoseError(`${where} header is not a CBOR map`);
  for (const label of value.keys()) {
    if (typeof label !== 'number' && typeof label !== 'string')
      throw new DccCoseError(`${where} header has a label that is neither an integer nor text`);
  }
  return value as CoseHeaderMap;
}

/**
 * Parse a COSE_Sign1 message: tag 18, untagged, or CWT tag 61 around tag 18. Checks the structure only
 * (four elements, header maps, attached payload, alg/kid types); the signature is not verified here.
 */
export function parseCoseSign1(bytes: Uint8Array): CoseSign1 {
  let item: unknown;
  try {
    item = cborDecode(bytes);
  } catch (cause) {
    throw new DccCoseError(`COSE is not well-formed CBOR: ${(cause as Error).message}`, { cause });
  }
  const tags: number[] = [];
  if (item instanceof Tag && item.tag === CWT_TAG) {
    tags.push(CWT_TAG);
    item = item.value;
    if (!(item instanceof Tag && item.tag === COSE_SIGN1_TAG))
      throw new DccCoseError('CWT tag 61 must wrap a COSE_Sign1 tag 18');
  }
  if (item instanceof Tag) {
    if (item.tag !== COSE_SIGN1_TAG) throw new DccCoseError(`CBOR tag ${item.tag} is not COSE_Sign1 (18)`);
    tags.push(COSE_SIGN1_TAG);
    item = item.value;
  }
  if (!Array.isArray(item) || item.length !== 4) throw new DccCoseError('COSE_Sign1 must be an array of 4 elements');
  const [protectedBytes, unprotected, payload, signature] = item as unknown[];
  if (!isBytes(protectedBytes)) throw new DccCoseError('COSE protected header must be a byte string');
  let protectedHeader: CoseHeaderMap = new Map();
  if (protectedBytes.length > 0) {
    let decoded: unknown;
    try {
      decoded = cborDecode(protectedBytes);
    } catch (cause) {
      throw new DccCoseError(`COSE protected header is not well-formed CBOR: ${(cause as Error).message}`, { cause });
    }
    protectedHeader = headerMap(decoded, 'protected');
  }
  const unprotectedHeader = headerMap(unprotected, 'unprotected');
  if (!isBytes(payload)) throw new DccCoseError('COSE payload must be an attached byte string');
  if (!isBytes(signature)) throw new DccCoseError('COSE signature must be a byte string');
  for (const [where, header] of [
    ['protected', protectedHeader],
    ['unprotected', unprotectedHeader],
  ] as const) {
    const kid = header.get(HEADER_KID);
    if (kid !== undefined && !isBytes(kid)) throw new DccCoseError(`${where} kid must be a byte string`);
    const alg = header.get(HEADER_ALG);
    if (alg !== undefined && typeof alg !== 'number' && typeof alg !== 'string')
      throw new DccCoseError(`${where} alg must be an integer or text`);
  }
  return {
    protectedBytes: new Uint8Array(protectedBytes),
    protectedHeader,
    unprotectedHeader,
    payload: new Uint8Array(payload),
    signature: new Uint8Array(signature),
    tags,
  };
}

/** The bytes a COSE_Sign1 signature covers: `["Signature1", protected, h'', payload]` (RFC 9052 section 4.4). */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return writeSigStructure(new CborWriter(), protectedBytes, payload);
}
