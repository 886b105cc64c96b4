import { isJsonObject } from '@divoc/keys';
import {
  StatusIndexInUseError,
  StatusIndexOutOfRangeError,
  StatusListFullError,
  StatusListInvalidError,
  StatusOptionsInvalidError,
  StatusPurposeMismatchError,
} from '../lib/errors.js';
import { describe, readJson } from '../lib/json.js';
import {
  DEFAULT_MAX_BITSTRING_BYTES,
  MIN_BITSTRING_BITS,
  decodeBitstring,
  encodeBitstring,
  readStatus,
  writeStatus,
} from './codec.js';

/** What a list's statuses mean (Bitstring Status List v1.0 `statusPurpose`). */
export type StatusPurpose = 'revocation' | 'suspension' | 'message';
/** Every status purpose of the W3C Bitstring Status List. */
export const STATUS_PURPOSES: readonly StatusPurpose[] = ['revocation', 'suspension', 'message'];

/** One value of a `message` list: `status` is the value in hex (`0x0`, `0x1`…), `message` its meaning. */
// Type aliases (not interfaces) so they fit JSON-typed credentials (`JsonObject` has an index signature).
export type StatusMessage = {
  status: string;
  message: string;
};

/** How `allocateStatusEntry` picks indexes: at random (the spec's advice, for herd privacy) or in order. */
export type StatusAllocation = 'random' | 'sequential';

/** Options of `createStatusList`: the list's URL, purpose and size. */
export interface CreateStatusListOptions {
  /** URL of the status list credential (`statusListCredential` in entries, `id` of the published credential). */
  id: string;
  statusPurpose: StatusPurpose;
  /** Number of entries. Default 131 072; `length × statusSize` must be at least 131 072 bits and a multiple of 8. */
  length?: number;
  /** Bits per entry, 1–8. Default 1; above 1 only for `message` lists. */
  statusSize?: number;
  /** Meaning of each value, required for `message` lists: exactly 2^statusSize entries, `0x0` first. */
  statusMessages?: readonly StatusMessage[];
  /** Default `random`. */
  allocation?: StatusAllocation;
}

const LIST_BRAND = Symbol('@divoc/status list');

/**
 * An issuer's in-memory status list. Mutate it only with this package's functions; persist it with
 * `serializeStatusList` / `loadStatusList` (the allocation record travels with it, so indexes are never reused).
 */
export interface StatusList {
  readonly id: string;
  readonly statusPurpose: StatusPurpose;
  /** Number of entries. */
  readonly length: number;
  readonly statusSize: number;
  readonly statusMessages?: readonly StatusMessage[];
  readonly allocation: StatusAllocation;
  /** How many indexes have been handed out. */
  readonly allocatedCount: number;
  /** @internal */
  readonly [LIST_BRAND]: ListState;
}

interface ListState {
  bits: Uint8Array;
  allocated: Uint8Array;
  allocatedCount: number;
  /** Sequential allocation resumes here. */
  nextIndex: number;
}

const MAX_ID_LENGTH = 2048;
const MAX_BITS = DEFAULT_MAX_BITSTRING_BYTES * 8;

function checkUrl(id: unknown, what: string, fail: (m: string) => Error): string {
  if (
    typeof id !== 'string' ||
    id.length === 0 ||
    id.length > MAX_ID_LENGTH ||
    !/^[a-z][a-z0-9+.-]*:\S+$/i.test(id) ||
    id.includes('#')
  ) {
    throw fail(`${what} must be an absolute URL without a fragment (got ${describe(id)})`);
  }
  return id;
}

function checkMessages(size: number, messages: unknown, fail: (m: string) => Error): StatusMessage[] {
  if (!Array.isArray(messages)) throw fail('a message list needs statusMessages');
  if (messages.length !== 2 ** size)
    throw fail(`statusMessages must have ${2 ** size} entries (2^statusSize), got ${messages.length}`);
  return messages.map((m: unknown, i) => {
    if (!isJsonObject(m) || typeof m.status !== 'string' || typeof m.message !== 'string' || m.message.length > 1024) {
      throw fail(`statusMessages[${i}] must be { status: string, message: string }`);
    }
    if (!/^0x[0-9a-f]+$/i.test(m.status) || Number.parseInt(m.status.slice(2), 16) !== i) {
      throw fail(`statusMessages[${i}].status must be ${'0x' + i.toString(16)}`);
    }
    return { status: m.status, message: m.message };
  });
}

/** What a list is, as its options and its serialized form both say it. */
type Shape = Pick<
  SerializedStatusList,
  'id' | 'statusPurpose' | 'length' | 'statusSize' | 'statusMessages' | 'allocation'
>;

function checkShape(options: Record<string, unknown>, fail: (m: string) => Error): Shape {
  const id = checkUrl(options.id, 'id', fail);
  const statusPurpose = options.statusPurpose;
  if (typeof statusPurpose !== 'string' || !STATUS_PURPOSES.includes(statusPurpose as StatusPurpose)) {
    throw fail(`statusPurpose must be one of ${STATUS_PURPOSES.join(', ')} (got ${describe(statusPurpose)})`);
  }
  const statusSize = options.statusSize ?? 1;
  if (typeof statusSize !== 'number' || !Number.isInteger(statusSize) || statusSize < 1 || statusSize > 8) {
    throw fail(`statusSize must be an integer from 1 to 8 (got ${describe(statusSize)})`);
  }
  if (statusSize > 1 && statusPurpose !== 'message') throw fail('statusSize above 1 is only for message lists');
  const length = options.length ?? Math.ceil(MIN_BITSTRING_BITS / statusSize);
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 1)
    throw fail(`length must be a positive integer (got ${describe(length)})`);
  const bits = length * statusSize;
  if (bits < MIN_BITSTRING_BITS)
    throw fail(`length × statusSize is ${bits} bits; the spec minimum is ${MIN_BITSTRING_BITS}`);
  if (bits > MAX_BITS) throw fail(`length × statusSize is ${bits} bits, over the ${MAX_BITS}-bit limit`);
  if (bits % 8 !== 0) throw fail(`length × statusSize must be a multiple of 8 bits (got ${bits})`);
  const allocation = options.allocation ?? 'random';
  if (allocation !== 'random' && allocation !== 'sequential') throw fail(`allocation must be 'random' or 'sequential'`);
  const shape: Shape = { id, statusPurpose: statusPurpose as StatusPurpose, length, statusSize, allocation };
  if (statusPurpose === 'message') shape.statusMessages = checkMessages(statusSize, options.statusMessages, fail);
  else if (options.statusMessages !== undefined) throw fail('statusMessages are only for message lists');
  return shape;
}

function makeList(shape: Shape, state: ListState): StatusList {
  const list = {
    id: shape.id,
    statusPurpose: shape.statusPurpose,
    length: shape.length,
    statusSize: shape.statusSize,
    allocation: shape.allocation,
    ...(shape.statusMessages
      ? { statusMessages: Object.freeze(shape.statusMessages.map((m) => Object.freeze({ ...m }))) }
      : {}),
    get allocatedCount(): number {
      return state.allocatedCount;
    },
  };
  Object.defineProperty(list, LIST_BRAND, { value: state, enumerable: false });
  return Object.freeze(list) as unknown as StatusList;
}

/** A new, empty status list (every status 0, nothing allocated). Throws `StatusOptionsInvalidError`. */
export function createStatusList(options: CreateStatusListOptions): StatusList {
  if (!isJsonObject(options)) throw new StatusOptionsInvalidError('options must be an object');
  const shape = checkShape(options as unknown as Record<string, unknown>, (m) => new StatusOptionsInvalidError(m));
  const bytes = (shape.length * shape.statusSize) / 8;
  return makeList(shape, {
    bits: new Uint8Array(bytes),
    allocated: new Uint8Array(Math.ceil(shape.length / 8)),
    allocatedCount: 0,
    nextIndex: 0,
  });
}

/** True for lists made by `createStatusList` / `loadStatusList`. */
export function isStatusList(value: unknown): value is StatusList {
  return typeof value === 'object' && value !== null && LIST_BRAND in value;
}

function stateOf(list: StatusList): ListState {
  if (!isStatusList(list))
    throw new StatusOptionsInvalidError('not a status list (make one with createStatusList or loadStatusList)');
  return list[LIST_BRAND];
}

function checkIndex(list: StatusList, index: unknown): number {
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index >= list.length) {
    throw new StatusIndexOutOfRangeError(`index ${describe(index)} is outside the list (0 to ${list.length - 1})`);
  }
  return index;
}

const isAllocated = (state: ListState, index: number): boolean =>
  ((state.allocated[index >>> 3]! >>> (7 - (index & 7))) & 1) === 1;

function markAllocated(state: ListState, index: number): void {
  state.allocated[index >>> 3] = state.allocated[index >>> 3]! | (0x80 >>> (index & 7));
  state.allocatedCount++;
}

function randomIndex(length: number): number {
  // Rejection sampling over 32-bit values, so every index is equally likely.
  const limit = 2 ** 32 - (2 ** 32 % length);
  const buf = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buf);
    if (buf[0]! < limit) return buf[0]! % length;
  }
}

function pickIndex(list: StatusList, state: ListState): number {
  if (state.allocatedCount >= list.length)
    throw new StatusListFullError(`every one of the ${list.length} indexes of ${list.id} is allocated`);
  if (list.allocation === 'sequential') {
    let i = state.nextIndex;
    while (i < list.length && isAllocated(state, i)) i++;
    if (i >= list.length) {
      i = 0;
      while (isAllocated(state, i)) i++;
    }
    return i;
  }
  for (let attempt = 0; attempt < 64; attempt++) {
    const i = randomIndex(list.length);
    if (!isAllocated(state, i)) return i;
  }
  // Nearly full: scan from a random byte, skipping full bytes, so the cost stays ~length/8 per call.
  const bytes = state.allocated.length;
  const start = randomIndex(bytes);
  for (let k = 0; k < bytes; k++) {
    const b = (start + k) % bytes;
    if (state.allocated[b] === 0xff) continue;
    for (let bit = 0; bit < 8; bit++) {
      const i = b * 8 + bit;
      if (i < list.length && !isAllocated(state, i)) return i;
    }
  }
  throw new StatusListFullError(`every one of the ${list.length} indexes of ${list.id} is allocated`);
}

/** The `credentialStatus` object pointing at one index of a Bitstring Status List credential. */
export type BitstringStatusListEntry = {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: StatusPurpose;
  /** The index, as a base-10 string (the spec's form). */
  statusListIndex: string;
  statusListCredential: string;
  /** Present when above 1. */
  statusSize?: number;
  /** Present on message lists. */
  statusMessage?: StatusMessage[];
};

/** The entry for `index` (already allocated or not; this does not allocate). Throws `StatusIndexOutOfRangeError`. */
export function statusEntryFor(list: StatusList, index: number): BitstringStatusListEntry {
  stateOf(list);
  checkIndex(list, index);
  const entry: BitstringStatusListEntry = {
    id: `${list.id}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: list.statusPurpose,
    statusListIndex: String(index),
    statusListCredential: list.id,
  };
  if (list.statusSize > 1) entry.statusSize = list.statusSize;
  if (list.statusMessages) entry.statusMessage = list.statusMessages.map((m) => ({ ...m }));
  return entry;
}

/**
 * Hands out an index that was never handed out before (at random unless the list is `sequential`), or claims
 * the given one, and returns its entry. Throws `StatusIndexInUseError`, `StatusListFullError`,
 * `StatusIndexOutOfRangeError`.
 */
export function allocateStatusEntry(list: StatusList, index?: number): BitstringStatusListEntry {
  const state = stateOf(list);
  let chosen: number;
  if (index === undefined) {
    chosen = pickIndex(list, state);
  } else {
    chosen = checkIndex(list, index);
    if (isAllocated(state, chosen))
      throw new StatusIndexInUseError(`index ${chosen} of ${list.id} was already allocated`);
  }
  markAllocated(state, chosen);
  if (list.allocation === 'sequential' && chosen >= state.nextIndex) state.nextIndex = chosen + 1;
  return statusEntryFor(list, chosen);
}

/** Whether `index` has been handed out. */
export function isAllocatedIndex(list: StatusList, index: number): boolean {
  return isAllocated(stateOf(list), checkIndex(list, index));
}

/** The status value at `index` (0 to 2^statusSize − 1). */
export function getStatus(list: StatusList, index: number): number {
  const state = stateOf(list);
  return readStatus(state.bits, checkIndex(list, index), list.statusSize);
}

/** Whether the status at `index` is non-zero (revoked, suspended, or a non-zero message). */
export function isSet(list: StatusList, index: number): boolean {
  return getStatus(list, index) !== 0;
}

/** Sets the raw status value at `index` (any purpose; for message lists mostly). */
export function setStatus(list: StatusList, index: number, value: number): void {
  const state = stateOf(list);
  checkIndex(list, index);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** list.statusSize) {
    throw new StatusOptionsInvalidError(
      `status value must be an integer from 0 to ${2 ** list.statusSize - 1} (got ${describe(value)})`,
    );
  }
  writeStatus(state.bits, index, list.statusSize, value);
}

function requirePurpose(list: StatusList, purpose: StatusPurpose, operation: string): void {
  stateOf(list);
  if (list.statusPurpose !== purpose) {
    throw new StatusPurposeMismatchError(
      `${operation} needs a ${purpose} list; ${list.id} is a ${list.statusPurpose} list`,
    );
  }
}

/** Revokes `index` (a revocation list). Revocation is final: there is no un-revoke. */
export function revoke(list: StatusList, index: number): void {
  requirePurpose(list, 'revocation', 'revoke');
  setStatus(list, index, 1);
}

/** Suspends `index` (a suspension list). */
export function suspend(list: StatusList, index: number): void {
  requirePurpose(list, 'suspension', 'suspend');
  setStatus(list, index, 1);
}

/** Lifts the suspension of `index` (a suspension list). */
export function unsuspend(list: StatusList, index: number): void {
  requirePurpose(list, 'suspension', 'unsuspend');
  setStatus(list, index, 0);
}

/** @internal The raw bitstring (for publishing and checking). */
export function bitsOf(list: StatusList): Uint8Array {
  return stateOf(list).bits;
}

/** The list's `encodedList` value (multibase base64url of the GZIP of the bitstring). */
export function encodeStatusList(list: StatusList): string {
  return encodeBitstring(stateOf(list).bits);
}

/* ---------------------------------------------------------------------------------------------------------- */
/* Persistence                                                                                                  */
/* ---------------------------------------------------------------------------------------------------------- */

const SERIALIZED_TYPE = 'DivocStatusList';
/** Cap on a serialized list: two encoded bitstrings of at most 16 MiB of random bits each, plus metadata. */
export const MAX_SERIALIZED_STATUS_LIST_CHARS = 48 * 1024 * 1024;
const MAX_SERIALIZED_CHARS = MAX_SERIALIZED_STATUS_LIST_CHARS;

/** The JSON `serializeStatusList` writes. */
export interface SerializedStatusList {
  type: 'DivocStatusList';
  version: 1;
  id: string;
  statusPurpose: StatusPurpose;
  length: number;
  statusSize: number;
  statusMessages?: StatusMessage[];
  allocation: StatusAllocation;
  allocatedCount: number;
  nextIndex: number;
  /** The statuses, as in the credential's `encodedList`. */
  encodedList: string;
  /** Which indexes were handed out (same encoding, one bit per entry), so none is ever reused. */
  allocatedList: string;
}

/** JSON text holding the whole list: statuses, metadata and the allocation record. Store it durably. */
export function serializeStatusList(list: StatusList): string {
  const state = stateOf(list);
  const out: SerializedStatusList = {
    type: SERIALIZED_TYPE,
    version: 1,
    id: list.id,
    statusPurpose: list.statusPurpose,
    length: list.length,
    statusSize: list.statusSize,
    ...(list.statusMessages ? { statusMessages: list.statusMessages.map((m) => ({ ...m })) } : {}),
    allocation: list.allocation,
    allocatedCount: state.allocatedCount,
    nextIndex: state.nextIndex,
    encodedList: encodeBitstring(state.bits),
    allocatedList: encodeBitstring(padToMinimum(state.allocated)),
  };
  return JSON.stringify(out);
}

// The allocation bitmap has one bit per entry, which can be under the 16 KiB minimum for message lists:
// pad it so the same bounded decoder reads it back.
function padToMinimum(bits: Uint8Array): Uint8Array {
  if (bits.length * 8 >= MIN_BITSTRING_BITS) return bits;
  const padded = new Uint8Array(MIN_BITSTRING_BITS / 8);
  padded.set(bits);
  return padded;
}

function popcount(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) {
    let v = b;
    while (v) {
      v &= v - 1;
      n++;
    }
  }
  return n;
}

/** Reads what `serializeStatusList` wrote (text or parsed object). Throws `StatusListInvalidError`. */
export function loadStatusList(serialized: unknown): StatusList {
  const fail = (m: string, cause?: unknown): StatusListInvalidError =>
    new StatusListInvalidError(`serialized status list: ${m}`, { cause });
  const data = readJson(serialized, MAX_SERIALIZED_CHARS, fail);
  if (!isJsonObject(data)) throw fail('must be a JSON object');
  if (data.type !== SERIALIZED_TYPE || data.version !== 1)
    throw fail(`type must be "${SERIALIZED_TYPE}" and version 1`);
  const shape = checkShape(data, fail);
  const bytes = (shape.length * shape.statusSize) / 8;
  const bits = decodeBitstring(data.encodedList, { maxBytes: bytes, minBits: bytes * 8 });
  if (bits.length !== bytes) throw fail(`encodedList holds ${bits.length} bytes, expected ${bytes}`);
  const allocatedBytes = Math.ceil(shape.length / 8);
  const allocatedRaw = decodeBitstring(data.allocatedList, {
    maxBytes: Math.max(allocatedBytes, MIN_BITSTRING_BITS / 8),
    minBits: Math.min(allocatedBytes * 8, MIN_BITSTRING_BITS),
  });
  if (allocatedRaw.length !== Math.max(allocatedBytes, MIN_BITSTRING_BITS / 8))
    throw fail('allocatedList has the wrong length');
  if (allocatedRaw.subarray(allocatedBytes).some((b) => b !== 0))
    throw fail('allocatedList marks indexes beyond the list');
  const allocated = allocatedRaw.slice(0, allocatedBytes);
  const spare = allocatedBytes * 8 - shape.length;
  if (spare > 0 && (allocated[allocatedBytes - 1]! & ((1 << spare) - 1)) !== 0)
    throw fail('allocatedList marks indexes beyond the list');
  const allocatedCount = popcount(allocated);
  if (data.allocatedCount !== allocatedCount)
    throw fail(`allocatedCount ${describe(data.allocatedCount)} does not match allocatedList (${allocatedCount})`);
  const nextIndex = data.nextIndex;
  if (typeof nextIndex !== 'number' || !Number.isSafeInteger(nextIndex) || nextIndex < 0 || nextIndex > shape.length) {
    throw fail(`nextIndex must be an integer from 0 to ${shape.length}`);
  }
  return makeList(shape, { bits: new Uint8Array(bits), allocated, allocatedCount, nextIndex });
}
