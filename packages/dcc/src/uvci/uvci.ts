import { DccUvciError } from '../lib/errors.js';

/**
 * Luhn mod N code points of the UVCI checksum, in the order of the eHealth Network reference implementation
 * (eu-dcc-schema, examples/Luhn-Mod-N): letters, digits, then `/` and `:` (N = 38).
 */
export const UVCI_CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:';
const N = UVCI_CHECKSUM_ALPHABET.length;
const MAX_UVCI_LENGTH = 80; // schema maxLength of `ci`

function codePoint(text: string, i: number): number {
  const cp = UVCI_CHECKSUM_ALPHABET.indexOf(text[i]!);
  if (cp < 0)
    throw new DccUvciError(
      `character ${JSON.stringify(text[i])} at position ${i} cannot be checksummed (allowed: A-Z 0-9 / :)`,
    );
  return cp;
}

/** Luhn mod N sum from the right; `firstFactor` 2 when computing a check character, 1 when validating. */
function luhnModN(text: string, firstFactor: 1 | 2): number {
  let factor = firstFactor;
  let sum = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    let addend = factor * codePoint(text, i);
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
  }
  return sum % N;
}

/** Luhn mod N check character of `text` (e.g. a UVCI without its `#` suffix). */
export function uvciCheckCharacter(text: string): string {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_UVCI_LENGTH)
    throw new DccUvciError('UVCI must be a non-empty string of at most 80 characters');
  return UVCI_CHECKSUM_ALPHABET[(N - luhnModN(text.toUpperCase(), 2)) % N]!;
}

/** Options of `createUvci`. */
export interface CreateUvciOptions {
  /** Append `#` and the Luhn mod N check character (default true). */
  checksum?: boolean;
  /** UVCI schema version (default `01`). */
  version?: string;
}

/**
 * `URN:UVCI:01:<CC>:<opaque>` with an optional checksum (`#` + check character), per eHealth Network guidelines
 * Annex 2. The opaque part is upper-cased; it may use `A-Z`, `0-9` and `/` or `:` as separators.
 */
export function createUvci(country: string, opaque: string, options: CreateUvciOptions = {}): string {
  const version = options.version ?? '01';
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country))
    throw new DccUvciError('country must be an ISO 3166-1 alpha-2 code (upper case)');
  if (!/^\d{2}$/.test(version)) throw new DccUvciError('version must be two digits');
  if (typeof opaque !== 'string' || opaque.length === 0)
    throw new DccUvciError('opaque part must be a non-empty string');
  const body = opaque.toUpperCase();
  if (!/^[A-Z0-9]+(?:[/:][A-Z0-9]+)*$/.test(body))
    throw new DccUvciError('opaque part may hold only A-Z, 0-9 and single / or : separators');
  const uvci = `URN:UVCI:${version}:${country}:${body}`;
  const full = options.checksum === false ? uvci : `${uvci}#${uvciCheckCharacter(uvci)}`;
  if (full.length > MAX_UVCI_LENGTH) throw new DccUvciError(`UVCI is ${full.length} characters, over the 80 allowed`);
  return full;
}

/**
 * True when the UVCI ends with `#` and a correct Luhn mod N check character over everything before the `#`;
 * false for a wrong check character, a missing checksum, or characters outside the checksum alphabet.
 */
export function validateUvciChecksum(uvci: string): boolean {
  if (typeof uvci !== 'string' || uvci.length < 3 || uvci.length > MAX_UVCI_LENGTH) return false;
  const hash = uvci.lastIndexOf('#');
  if (hash <= 0 || hash !== uvci.length - 2) return false;
  try {
    return luhnModN(`${uvci.slice(0, hash)}${uvci[hash + 1]!}`.toUpperCase(), 1) === 0;
  } catch {
    return false;
  }
}
