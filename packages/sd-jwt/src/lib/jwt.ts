import {
  base64urlDecode,
  base64urlEncode,
  isJsonObject,
  isUnsafeJsonError,
  parseJsonStrict,
  utf8DecodeStrict,
  utf8Encode,
  type Signer,
} from '@divoc/keys';
import {
  SdJwtHeaderInvalidError,
  SdJwtInputTooLargeError,
  SdJwtMalformedError,
  SdJwtOptionsInvalidError,
  SdJwtUnsafeJsonError,
} from './errors.js';

/** The only JWS algorithms this package signs or accepts: what `@divoc/keys` signers make for P-256 and Ed25519. */
export type SdJwtAlgorithm = 'ES256' | 'EdDSA';
const ALGORITHMS: readonly string[] = ['ES256', 'EdDSA'];

/** A compact JWT split and decoded, signature not checked. */
export interface ParsedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  alg: SdJwtAlgorithm;
  /** ASCII bytes of `header.payload`, what the signature covers. */
  signingInput: Uint8Array;
  signature: Uint8Array;
}

// The signature may be empty here so that `alg: none` is refused for its alg (below), not as a malformed JWS.
const COMPACT = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/;

/** JSON text of a part, parsed strictly (duplicates, prototype keys, depth), as an object. */
export function parseJsonObject(text: string, what: string, maxDepth: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJsonStrict(text, { maxDepth });
  } catch (error) {
    if (isUnsafeJsonError(error))
      throw new SdJwtUnsafeJsonError(`${what}: ${error.message}`, { code: error.code, cause: error });
    if ((error as { code?: unknown }).code === 'ERR_JSON_TOO_DEEP')
      throw new SdJwtInputTooLargeError(`${what} nests deeper than ${maxDepth}`, { cause: error });
    throw new SdJwtMalformedError(`${what} is not JSON`, { cause: error });
  }
  if (!isJsonObject(value)) throw new SdJwtMalformedError(`${what} is not a JSON object`);
  return value;
}

/** Base64url text → UTF-8 text (strict: no padding, no invalid UTF-8, no byte-order mark). */
export function decodeText(part: string, what: string): string {
  let bytes: Uint8Array;
  try {
    bytes = base64urlDecode(part);
  } catch (error) {
    throw new SdJwtMalformedError(`${what} is not base64url`, { cause: error });
  }
  const text = utf8DecodeStrict(bytes, { keepBom: true });
  if (text === undefined) throw new SdJwtMalformedError(`${what} is not UTF-8`);
  return text;
}

/**
 * Splits and decodes a compact JWT whose header `typ` must be one of `types`. `alg` must be ES256 or EdDSA: `none`,
 * HS256 and every other value are refused here, before any key is looked at (no algorithm confusion later).
 */
export function parseJwt(
  jwt: string,
  what: string,
  types: readonly string[],
  limits: { maxJwtLength: number; maxDepth: number },
): ParsedJwt {
  if (jwt.length > limits.maxJwtLength)
    throw new SdJwtInputTooLargeError(`${what} is longer than ${limits.maxJwtLength} characters`);
  const match = COMPACT.exec(jwt);
  if (!match) throw new SdJwtMalformedError(`${what} is not a compact JWS (three base64url parts)`);
  const [, h, p, s] = match as unknown as [string, string, string, string];
  const header = parseJsonObject(decodeText(h, `${what} header`), `${what} header`, 4);
  const alg = header.alg;
  if (typeof alg !== 'string' || !ALGORITHMS.includes(alg))
    throw new SdJwtHeaderInvalidError(
      `${what} alg must be ES256 or EdDSA, got ${JSON.stringify(alg)?.slice(0, 40) ?? 'nothing'}`,
    );
  if (typeof header.typ !== 'string' || !types.includes(header.typ))
    throw new SdJwtHeaderInvalidError(
      `${what} typ must be ${types.map((t) => `"${t}"`).join(' or ')}, ` +
        `got ${JSON.stringify(header.typ)?.slice(0, 40) ?? 'nothing'}`,
    );
  if (header.crit !== undefined) throw new SdJwtHeaderInvalidError(`${what} crit is not supported`);
  if (s === '') throw new SdJwtMalformedError(`${what} has no signature`);
  const payload = parseJsonObject(decodeText(p, `${what} payload`), `${what} payload`, limits.maxDepth);
  let signature: Uint8Array;
  try {
    signature = base64urlDecode(s);
  } catch (error) {
    throw new SdJwtMalformedError(`${what} signature is not base64url`, { cause: error });
  }
  return { header, payload, alg: alg as SdJwtAlgorithm, signingInput: utf8Encode(`${h}.${p}`), signature };
}

/** The JWS algorithm of an SDK signer, refusing those SD-JWT VC does not use here (PS256, RS256). */
export function signerAlgorithm(signer: Signer, what: string): SdJwtAlgorithm {
  if (typeof signer?.sign !== 'function' || !ALGORITHMS.includes(signer.algorithm))
    throw new SdJwtOptionsInvalidError(`${what} must be an ES256 or EdDSA signer from @divoc/keys`);
  return signer.algorithm as SdJwtAlgorithm;
}

/** Signs a JWT with an SDK signer: `base64url(header).base64url(payload).base64url(signature)`. */
export async function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signer: Signer,
): Promise<string> {
  const part = (value: Record<string, unknown>) => base64urlEncode(utf8Encode(JSON.stringify(value)));
  const input = `${part(header)}.${part(payload)}`;
  return `${input}.${base64urlEncode(await signer.sign(utf8Encode(input)))}`;
}

/** `iat`/`nbf`/`exp` as NumericDate seconds, or undefined when absent. */
export function numericDate(
  payload: Record<string, unknown>,
  name: string,
  fail: (m: string) => Error,
): number | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw fail(`${name} must be a NumericDate`);
  return value;
}
