import { base64urlEncode, isJsonObject, sha256 } from '@divoc/keys';
import {
  SdJwtDisclosureInvalidError,
  SdJwtInputInvalidError,
  SdJwtInputTooLargeError,
  SdJwtMalformedError,
  SdJwtPayloadInvalidError,
  SdJwtUnsafeJsonError,
} from './lib/errors.js';
import { decodeText, parseJsonObject, parseJwt, type ParsedJwt } from './lib/jwt.js';
import { SD_JWT_LIMITS, type SdJwtLimits } from './lib/limits.js';

/** The `typ` values of an SD-JWT VC issuer JWT: the current media type and the one before it (draft 06 and older). */
export const SD_JWT_VC_TYPES: readonly string[] = ['dc+sd-jwt', 'vc+sd-jwt'];
/** The `typ` of a key-binding JWT. */
export const KB_JWT_TYPE = 'kb+jwt';

/** One disclosure as it was read: its text, digest, and what it discloses. */
export interface SdJwtDisclosure {
  /** The disclosure as it appears in the SD-JWT (base64url). */
  encoded: string;
  /** base64url(SHA-256(encoded)): what the payload's `_sd` (or an array's `...`) lists. */
  digest: string;
  salt: string;
  /** The claim name; absent for an array element. */
  name?: string;
  value: unknown;
}

/** A compact SD-JWT split and decoded, signatures not checked, disclosures not yet matched to the payload. */
export interface ParsedSdJwt {
  /** The issuer-signed JWT. */
  jwt: string;
  issuer: ParsedJwt;
  disclosures: SdJwtDisclosure[];
  /** The key-binding JWT, when the presentation carries one. */
  kbJwt?: string;
  kb?: ParsedJwt;
  /** The text the KB-JWT's `sd_hash` covers: the SD-JWT up to and including the `~` before the KB-JWT. */
  sdJwtForHash: string;
}

/** The limits in force: the defaults, with the caller's (only numbers that are positive integers) over them. */
export function limitsOf(limits: Partial<SdJwtLimits> | undefined): SdJwtLimits {
  const merged: SdJwtLimits = { ...SD_JWT_LIMITS };
  for (const key of Object.keys(SD_JWT_LIMITS) as (keyof SdJwtLimits)[]) {
    const value = limits?.[key];
    if (value !== undefined && Number.isSafeInteger(value) && value > 0) merged[key] = value;
  }
  return merged;
}

const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Sets an own property, whatever its name (`__proto__` included), never the object's prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** base64url(SHA-256(ASCII text)): the SD-JWT digest of a disclosure, and the KB-JWT's `sd_hash`. */
export const sdDigest = (text: string): string => base64urlEncode(sha256(text));

function parseDisclosure(encoded: string, index: number, limits: SdJwtLimits): SdJwtDisclosure {
  const what = `disclosure ${index + 1}`;
  if (encoded.length > limits.maxDisclosureLength)
    throw new SdJwtInputTooLargeError(`${what} is longer than ${limits.maxDisclosureLength} characters`);
  let text: string;
  try {
    text = decodeText(encoded, what);
  } catch (error) {
    throw new SdJwtDisclosureInvalidError(`${what} is not base64url UTF-8`, { cause: error });
  }
  // A disclosure is a JSON array: wrap it so the one strict object parser (duplicates, prototype keys, depth) reads it.
  const wrapped = parseWrapped(text, what, limits.maxDepth);
  const array = wrapped.d;
  if (!Array.isArray(array) || (array.length !== 2 && array.length !== 3))
    throw new SdJwtDisclosureInvalidError(`${what} must be a JSON array of 2 or 3 elements`);
  const [salt] = array as unknown[];
  if (typeof salt !== 'string' || salt.length === 0)
    throw new SdJwtDisclosureInvalidError(`${what}: the salt must be a non-empty string`);
  const digest = sdDigest(encoded);
  if (array.length === 2) return { encoded, digest, salt, value: array[1] };
  const name: unknown = array[1];
  if (typeof name !== 'string') throw new SdJwtDisclosureInvalidError(`${what}: the claim name must be a string`);
  if (name === '_sd' || name === '...' || name === '_sd_alg')
    throw new SdJwtDisclosureInvalidError(`${what} discloses the reserved name ${JSON.stringify(name)}`);
  // The name is a JSON string, not a member name, so the strict parser did not see it: refuse it the same way.
  if (FORBIDDEN_NAMES.has(name))
    throw new SdJwtUnsafeJsonError(`${what} discloses the claim name ${JSON.stringify(name)}`, {
      code: 'ERR_JSON_FORBIDDEN_KEY',
    });
  return { encoded, digest, salt, name, value: array[2] };
}

function parseWrapped(text: string, what: string, maxDepth: number): Record<string, unknown> {
  // One strict parser for every JSON text of the package; depth counts the `{"d": …}` wrapper, hence + 1.
  return parseJsonObject(`{"d":${text}}`, what, maxDepth + 1);
}

/**
 * Splits a compact SD-JWT (`<issuer JWT>~<disclosure>~…~[<KB-JWT>]`) and decodes every part strictly: sizes and
 * counts are capped first, every JSON text is read without duplicate or prototype members, and headers are checked
 * (`typ`, `alg` ES256/EdDSA only). Signatures are not checked and disclosures are not yet matched to the payload.
 */
export function parseSdJwt(input: unknown, options: { limits?: Partial<SdJwtLimits> } = {}): ParsedSdJwt {
  const limits = limitsOf(options.limits);
  if (typeof input !== 'string') throw new SdJwtInputInvalidError('an SD-JWT is a string');
  if (input.length > limits.maxLength)
    throw new SdJwtInputTooLargeError(`SD-JWT is longer than ${limits.maxLength} characters`);
  const text = input.replace(/^\uFEFF/, '').trim();
  if (!text.includes('~')) throw new SdJwtInputInvalidError('not an SD-JWT: no "~" separator');
  const parts = text.split('~');
  if (parts.length - 2 > limits.maxDisclosures)
    throw new SdJwtInputTooLargeError(`SD-JWT has more than ${limits.maxDisclosures} disclosures`);
  const jwt = parts[0]!;
  const last = parts[parts.length - 1]!;
  const encodedDisclosures = parts.slice(1, -1);
  const issuer = parseJwt(jwt, 'issuer JWT', SD_JWT_VC_TYPES, limits);
  const seen = new Set<string>();
  const disclosures = encodedDisclosures.map((encoded, i) => {
    if (encoded === '') throw new SdJwtMalformedError(`disclosure ${i + 1} is empty ("~~")`);
    const disclosure = parseDisclosure(encoded, i, limits);
    if (seen.has(disclosure.digest))
      throw new SdJwtDisclosureInvalidError(`disclosure ${i + 1} appears twice in the SD-JWT`);
    seen.add(disclosure.digest);
    return disclosure;
  });
  const sdJwtForHash = parts.slice(0, -1).join('~') + '~';
  const parsed: ParsedSdJwt = { jwt, issuer, disclosures, sdJwtForHash };
  if (last !== '') {
    parsed.kbJwt = last;
    parsed.kb = parseJwt(last, 'key-binding JWT', [KB_JWT_TYPE], limits);
  }
  return parsed;
}

/**
 * The claims the holder disclosed: the payload with each `_sd` digest that a disclosure matches replaced by its claim
 * (and each `{ "...": digest }` array element by its value), decoys dropped, `_sd` and `_sd_alg` removed. Refuses
 * a digest listed twice, a disclosure for a name the object already has, a disclosure no digest references (changed
 * or foreign), and nesting past `maxDepth`.
 */
export function resolveDisclosures(
  payload: Record<string, unknown>,
  disclosures: readonly SdJwtDisclosure[],
  options: { limits?: Partial<SdJwtLimits> } = {},
): Record<string, unknown> {
  const limits = limitsOf(options.limits);
  const alg = payload._sd_alg;
  if (alg !== undefined && alg !== 'sha-256')
    throw new SdJwtPayloadInvalidError(`_sd_alg ${JSON.stringify(alg).slice(0, 40)} is not supported (sha-256 only)`);
  const byDigest = new Map(disclosures.map((d) => [d.digest, d]));
  const used = new Set<string>();
  const listed = new Set<string>();

  const take = (digest: unknown, where: string): SdJwtDisclosure | undefined => {
    if (typeof digest !== 'string') throw new SdJwtDisclosureInvalidError(`${where}: a digest must be a string`);
    if (listed.has(digest)) throw new SdJwtDisclosureInvalidError(`${where}: digest ${digest.slice(0, 60)} repeats`);
    listed.add(digest);
    if (listed.size > limits.maxDigests)
      throw new SdJwtInputTooLargeError(`the payload lists more than ${limits.maxDigests} digests`);
    const disclosure = byDigest.get(digest);
    if (disclosure) used.add(digest);
    return disclosure;
  };

  const walk = (value: unknown, depth: number, where: string): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (depth > limits.maxDepth) throw new SdJwtInputTooLargeError(`claims nest deeper than ${limits.maxDepth}`);
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      value.forEach((element: unknown, i) => {
        if (isJsonObject(element) && Object.hasOwn(element, '...')) {
          if (Object.keys(element).length !== 1)
            throw new SdJwtDisclosureInvalidError(`${where}[${i}]: an array digest object has only "..."`);
          const disclosure = take(element['...'], `${where}[${i}]`);
          if (!disclosure) return; // a decoy or an element the holder did not disclose
          if (disclosure.name !== undefined)
            throw new SdJwtDisclosureInvalidError(`${where}[${i}]: an object property disclosure in an array`);
          out.push(walk(disclosure.value, depth + 1, `${where}[${i}]`));
          return;
        }
        out.push(walk(element, depth + 1, `${where}[${i}]`));
      });
      return out;
    }
    const object = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(object)) {
      if (key === '_sd' || (key === '_sd_alg' && depth === 1)) continue;
      setOwn(out, key, walk(child, depth + 1, `${where}.${key}`));
    }
    const digests = object._sd;
    if (digests !== undefined) {
      if (!Array.isArray(digests)) throw new SdJwtDisclosureInvalidError(`${where}._sd must be an array`);
      for (const digest of digests as unknown[]) {
        const disclosure = take(digest, `${where}._sd`);
        if (!disclosure) continue;
        if (disclosure.name === undefined)
          throw new SdJwtDisclosureInvalidError(`${where}._sd: an array element disclosure for an object property`);
        if (Object.hasOwn(out, disclosure.name))
          throw new SdJwtDisclosureInvalidError(
            `${where}: the claim ${JSON.stringify(disclosure.name.slice(0, 60))} is disclosed but already present`,
          );
        setOwn(out, disclosure.name, walk(disclosure.value, depth + 1, `${where}.${disclosure.name}`));
      }
    }
    return out;
  };

  const claims = walk(payload, 1, '$') as Record<string, unknown>;
  const stray = disclosures.find((d) => !used.has(d.digest));
  if (stray)
    throw new SdJwtDisclosureInvalidError(
      `a disclosure${stray.name !== undefined ? ` of ${JSON.stringify(stray.name.slice(0, 60))}` : ''} matches no ` +
        'digest of the payload (changed, or from another SD-JWT)',
    );
  return claims;
}
