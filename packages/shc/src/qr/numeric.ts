import { ShcChunksInvalidError, ShcInputInvalidError, ShcQrInvalidError } from '../lib/errors.js';
import { LIMITS } from '../lib/limits.js';

/*
 * `shc:/` numeric QR text. Each JWS character c becomes the two digits of ord(c) - 45 ('-' is the lowest character
 * a compact JWS can hold, 'z' = 77 the highest), so the QR can use numeric mode. Chunked sets (deprecated by the
 * spec, still in the wild) prefix each part with `C/N/`.
 */

const PREFIX = 'shc:/';
const JWS_CHAR = /^[A-Za-z0-9_.-]$/;
const JWS_TEXT = /^[A-Za-z0-9_.-]+$/;
const CHUNKED = /^(\d{1,3})\/(\d{1,3})\/(\d*)$/;
const DIGITS = /^\d*$/;

function digitsOf(jws: string): string {
  let out = '';
  for (let i = 0; i < jws.length; i++) {
    const n = jws.charCodeAt(i) - 45;
    out += n < 10 ? `0${n}` : String(n);
  }
  return out;
}

/**
 * The QR texts for a compact JWS: one `shc:/…` text when the JWS has at most 1195 characters, else `shc:/C/N/…`
 * texts over balanced chunks of at most 1191 characters (the spec's rule; chunking itself is deprecated).
 */
export function encodeShcQr(jws: string): string[] {
  if (typeof jws !== 'string' || !JWS_TEXT.test(jws))
    throw new ShcInputInvalidError('encodeShcQr: input must be a compact JWS string');
  if (jws.length > LIMITS.maxJwsLength)
    throw new ShcInputInvalidError(`encodeShcQr: JWS longer than ${LIMITS.maxJwsLength} characters`);
  if (jws.length <= LIMITS.maxSingleQrJws) return [`${PREFIX}${digitsOf(jws)}`];
  const count = Math.ceil(jws.length / LIMITS.maxChunkJws);
  if (count > LIMITS.maxChunks)
    throw new ShcInputInvalidError(`encodeShcQr: JWS needs more than ${LIMITS.maxChunks} chunks`);
  // Balanced: chunk lengths differ by at most one character (the first `extra` chunks carry one more).
  const base = Math.floor(jws.length / count);
  const extra = jws.length % count;
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = start + base + (i < extra ? 1 : 0);
    out.push(`${PREFIX}${i + 1}/${count}/${digitsOf(jws.slice(start, end))}`);
    start = end;
  }
  return out;
}

/** Digits → JWS characters, strictly: even length, pairs 00–77 naming a JWS character. */
function jwsOf(digits: string, where: string): string {
  if (!DIGITS.test(digits)) throw new ShcQrInvalidError(`${where}: numeric part holds characters other than digits`);
  if (digits.length === 0) throw new ShcQrInvalidError(`${where}: numeric part is empty`);
  if (digits.length % 2 !== 0) throw new ShcQrInvalidError(`${where}: odd number of digits (${digits.length})`);
  let out = '';
  for (let i = 0; i < digits.length; i += 2) {
    const n = (digits.charCodeAt(i) - 48) * 10 + (digits.charCodeAt(i + 1) - 48);
    if (n > 77)
      throw new ShcQrInvalidError(`${where}: digit pair ${digits.slice(i, i + 2)} at offset ${i} is above 77`);
    const c = String.fromCharCode(n + 45);
    if (!JWS_CHAR.test(c))
      throw new ShcQrInvalidError(
        `${where}: digit pair ${digits.slice(i, i + 2)} at offset ${i} is not a JWS character`,
      );
    out += c;
  }
  return out;
}

interface ParsedQr {
  index?: number;
  total?: number;
  jws: string;
}

function parseQrText(text: unknown, where: string): ParsedQr {
  if (typeof text !== 'string') throw new ShcInputInvalidError(`${where}: QR text must be a string`);
  if (text.length > LIMITS.maxQrTextLength)
    throw new ShcQrInvalidError(`${where}: longer than any QR code can hold (${text.length} characters)`);
  const trimmed = text.trim();
  // The prefix is a byte-mode segment; scanners keep its case, but upper-case URIs exist in the wild.
  if (trimmed.slice(0, PREFIX.length).toLowerCase() !== PREFIX)
    throw new ShcQrInvalidError(`${where}: does not start with "${PREFIX}"`);
  const rest = trimmed.slice(PREFIX.length);
  const chunked = CHUNKED.exec(rest);
  if (chunked) {
    const index = Number(chunked[1]);
    const total = Number(chunked[2]);
    if (total < 1 || total > LIMITS.maxChunks)
      throw new ShcChunksInvalidError(`${where}: chunk count ${total} is not between 1 and ${LIMITS.maxChunks}`);
    if (index < 1 || index > total)
      throw new ShcChunksInvalidError(`${where}: chunk index ${index} is out of range 1..${total}`);
    return { index, total, jws: jwsOf(chunked[3]!, where) };
  }
  if (rest.includes('/')) throw new ShcQrInvalidError(`${where}: malformed chunk prefix (expected "${PREFIX}C/N/")`);
  return { jws: jwsOf(rest, where) };
}

/** True when the text starts like a `shc:/` QR payload (cheap sniff, no decoding). */
export function looksLikeShcQr(text: string): boolean {
  return text.trimStart().slice(0, PREFIX.length).toLowerCase() === PREFIX;
}

/**
 * The compact JWS carried by one `shc:/…` QR text, or by a full set of chunked `shc:/C/N/…` texts in any order.
 * Rejects (typed errors) malformed digits, chunk indexes out of range, duplicates, missing chunks and texts from
 * sets of different sizes.
 */
export function decodeShcQr(input: string | readonly string[]): string {
  const texts = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(texts))
    throw new ShcInputInvalidError('decodeShcQr: input must be a string or an array of strings');
  if (texts.length === 0) throw new ShcChunksInvalidError('decodeShcQr: no QR texts given');
  if (texts.length > LIMITS.maxChunks)
    throw new ShcChunksInvalidError(`decodeShcQr: more than ${LIMITS.maxChunks} QR texts`);
  const parsed = texts.map((t, i) => parseQrText(t, texts.length === 1 ? 'QR text' : `QR text ${i + 1}`));
  if (parsed.length === 1 && parsed[0]!.total === undefined) return parsed[0]!.jws;
  if (parsed.some((p) => p.total === undefined)) {
    throw new ShcChunksInvalidError('decodeShcQr: a single-card QR text is mixed with chunked texts');
  }
  const total = parsed[0]!.total!;
  if (parsed.some((p) => p.total !== total)) {
    throw new ShcChunksInvalidError(
      `decodeShcQr: texts come from different chunk sets (counts ` +
        `${[...new Set(parsed.map((p) => p.total))].join(', ')})`,
    );
  }
  const slots: (string | undefined)[] = Array.from({ length: total }, () => undefined);
  for (const p of parsed) {
    if (slots[p.index! - 1] !== undefined)
      throw new ShcChunksInvalidError(`decodeShcQr: chunk ${p.index}/${total} appears twice`);
    slots[p.index! - 1] = p.jws;
  }
  const missing = slots.flatMap((s, i) => (s === undefined ? [i + 1] : []));
  if (missing.length > 0)
    throw new ShcChunksInvalidError(
      `decodeShcQr: missing chunk${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${total}`,
    );
  const jws = slots.join('');
  if (jws.length > LIMITS.maxJwsLength)
    throw new ShcChunksInvalidError(`decodeShcQr: assembled JWS is longer than ${LIMITS.maxJwsLength} characters`);
  return jws;
}
