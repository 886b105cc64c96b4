import { readFileCapped } from '@divoc/keys/node';
import {
  DEFAULT_MAX_BITSTRING_BYTES,
  DEFAULT_MAX_TOTAL_BITSTRING_BYTES,
  MAX_REVOCATION_LIST_CHARS,
  MIN_BITSTRING_BITS,
  createDccRevocationList,
  createDivocRevocationList,
  isStatusError,
  parseShcRevocationList,
  parseStatusListCredential,
} from '@divoc/status';
import { isUnsafeJsonError, parseJsonStrict, isJsonObject } from '@divoc/keys';
import { isShcError } from '@divoc/shc';
import type { RevocationData } from '@divoc/verifier';
import { InputUnreadableError, StatusFileError } from './errors.js';
import { resolvePath, type CliIo } from './io.js';
import { describeFsError } from '@divoc/keys/node';

/** DCC revocation lists can hold a couple of million hashes; the library's cap on one list (`@divoc/status`). */
export const MAX_STATUS_FILE_BYTES = MAX_REVOCATION_LIST_CHARS;
/** A file may hold an array of lists (e.g. one DCC list per signer key); bound how many. */
const MAX_LISTS_PER_FILE = 10_000;

/** What a `--status` file held. */
export type RevocationKind = 'status-list' | 'divoc' | 'shc' | 'dcc' | 'token-status-list';

/** A compact JWT: an IETF Token Status List token (`statuslist+jwt`, for SD-JWT VCs) is one; checked when used. */
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export interface LoadedRevocation {
  revocation: RevocationData;
  /** Per file, what it was recognised as. */
  sources: { file: string; kinds: RevocationKind[] }[];
}

function typesOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * What one list is, from its shape; each kind is then checked by its `@divoc/status` parser so a broken list is an
 * error now rather than a silently skipped check later.
 */
function sniff(json: unknown): RevocationKind | 'state-file' | undefined {
  if (!isJsonObject(json)) return undefined;
  if (typesOf(json.type).includes('BitstringStatusListCredential')) return 'status-list';
  if (json.type === 'DivocStatusList') return 'state-file';
  if (json.method === 'rid' || (typeof json.kid === 'string' && Array.isArray(json.rids))) return 'shc';
  if (json.hashType !== undefined || (json.kid !== undefined && Array.isArray(json.hashes))) return 'dcc';
  if (Array.isArray(json.revoked) || Array.isArray(json.replaced)) return 'divoc';
  return undefined;
}

/** Bitstring bytes the status lists read so far may still inflate to, across every `--status` file. */
interface BitstringBudget {
  left: number;
}

function addList(
  file: string,
  json: unknown,
  revocation: Required<RevocationData>,
  kinds: RevocationKind[],
  where: string,
  budget: BitstringBudget,
): void {
  const kind = sniff(json);
  if (kind === 'state-file') {
    throw new StatusFileError(
      file,
      `${where}is a status list state file (divoc status create); sign it with 'divoc status publish' and ` +
        'pass the published credential',
    );
  }
  if (kind === undefined) {
    throw new StatusFileError(
      file,
      `${where}is not a status or revocation list (expected a BitstringStatusListCredential, ` +
        'a DIVOC revocation list { "revoked": [...] }, an SHC revocation list { "kid", "method": "rid", ' +
        '"rids" } or a DCC revocation list { "kid", "hashType", "hashes" })',
    );
  }
  try {
    if (kind === 'status-list') {
      // Shape and bitstring now; signature, trust and validity when a credential points at it (checkStatus). Every
      // list inflates within what the lists before it left of the library's total budget: an array of
      // decompression bombs stops at DEFAULT_MAX_TOTAL_BITSTRING_BYTES, not at 16 MiB per list.
      const maxBytes = Math.min(DEFAULT_MAX_BITSTRING_BYTES, budget.left);
      const overBudget =
        `${where}the status lists' bitstrings exceed ${DEFAULT_MAX_TOTAL_BITSTRING_BYTES} ` +
        'bytes in all (ERR_STATUS_LIST_INVALID)';
      if (maxBytes < MIN_BITSTRING_BITS / 8) throw new StatusFileError(file, overBudget);
      let bytes: number;
      try {
        bytes = parseStatusListCredential(json, { maxBytes }).bits.length;
      } catch (error) {
        if (maxBytes < DEFAULT_MAX_BITSTRING_BYTES && isStatusError(error) && /inflates beyond/.test(error.message))
          throw new StatusFileError(file, overBudget);
        throw error;
      }
      budget.left -= bytes;
      (revocation.statusLists as unknown[]).push(json);
    } else if (kind === 'divoc') (revocation.divoc as unknown[]).push(createDivocRevocationList(json));
    else if (kind === 'shc') (revocation.shc as unknown[]).push(parseShcRevocationList(json));
    else (revocation.dcc as unknown[]).push(createDccRevocationList(json));
  } catch (error) {
    if (isStatusError(error) || isShcError(error))
      throw new StatusFileError(file, `${where}${error.message} (${error.code})`);
    throw error;
  }
  if (!kinds.includes(kind)) kinds.push(kind);
}

/**
 * Reads the `--status` files: signed Bitstring Status List credentials, DIVOC revocation lists, SMART Health Card
 * revocation lists and EU DCC revocation lists, each file one list or a JSON array of them. A file that is none of
 * these, or a broken one, is a `StatusFileError` naming it (exit 2): a revocation source the operator asked for
 * must never be silently ignored.
 */
export async function loadRevocation(io: CliIo, files: readonly string[]): Promise<LoadedRevocation> {
  const revocation: Required<RevocationData> = { statusLists: [], divoc: [], shc: [], dcc: [], tokenStatusLists: [] };
  const sources: LoadedRevocation['sources'] = [];
  const budget: BitstringBudget = { left: DEFAULT_MAX_TOTAL_BITSTRING_BYTES };
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      const read = await readFileCapped(resolvePath(io, file), MAX_STATUS_FILE_BYTES);
      if (read.tooLarge) throw new StatusFileError(file, `larger than ${MAX_STATUS_FILE_BYTES} bytes`);
      bytes = read.bytes;
    } catch (error) {
      if (error instanceof StatusFileError) throw error;
      throw new InputUnreadableError(file, describeFsError(error));
    }
    const text = Buffer.from(bytes)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim();
    if (COMPACT_JWT.test(text)) {
      (revocation.tokenStatusLists as unknown[]).push(text);
      sources.push({ file, kinds: ['token-status-list'] });
      continue;
    }
    let json: unknown;
    try {
      json = parseJsonStrict(
        Buffer.from(bytes)
          .toString('utf8')
          .replace(/^\uFEFF/, ''),
      );
    } catch (error) {
      if (isUnsafeJsonError(error)) throw new StatusFileError(file, `refused: ${error.message} (${error.code})`);
      throw new StatusFileError(
        file,
        `not JSON (${(error as Error).message}); a status or revocation list is a JSON file`,
      );
    }
    const kinds: RevocationKind[] = [];
    if (Array.isArray(json)) {
      if (json.length === 0) throw new StatusFileError(file, 'an empty array holds no list');
      if (json.length > MAX_LISTS_PER_FILE) throw new StatusFileError(file, `more than ${MAX_LISTS_PER_FILE} lists`);
      json.forEach((item, i) => addList(file, item, revocation, kinds, `[${i}] `, budget));
    } else addList(file, json, revocation, kinds, '', budget);
    sources.push({ file, kinds });
  }
  return { revocation, sources };
}
