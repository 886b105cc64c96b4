import { gzipSync, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { base64urlEncode } from '@divoc/keys';
import {
  MIN_BITSTRING_BITS,
  allocateStatusEntry,
  createStatusList,
  decodeBitstring,
  encodeBitstring,
  encodeStatusList,
  getStatus,
  isAllocatedIndex,
  isSet,
  isStatusList,
  loadStatusList,
  revoke,
  serializeStatusList,
  setStatus,
  statusEntryFor,
  suspend,
  unsuspend,
  type StatusList,
  type StatusMessage,
} from '../src/index.js';
import { codeOf } from './helpers.js';

const ID = 'https://divoc.dev/status/revocation/1';
const u = (bytes: Uint8Array): string => `u${base64urlEncode(bytes)}`;

describe('encodedList codec', () => {
  it('index 0 is the most significant bit of the first byte', () => {
    const list = createStatusList({ id: ID, statusPurpose: 'revocation' });
    revoke(list, 0);
    revoke(list, 9);
    revoke(list, MIN_BITSTRING_BITS - 1);
    const bits = decodeBitstring(encodeStatusList(list));
    expect(bits.length).toBe(MIN_BITSTRING_BITS / 8);
    expect(bits[0]).toBe(0b1000_0000);
    expect(bits[1]).toBe(0b0100_0000);
    expect(bits[bits.length - 1]).toBe(0b0000_0001);
    expect(bits.slice(2, -1).every((b) => b === 0)).toBe(true);
  });

  it('is multibase base64url (u, no padding) of GZIP', () => {
    const encoded = encodeBitstring(new Uint8Array(16384));
    expect(encoded[0]).toBe('u');
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/);
    const gz = Buffer.from(encoded.slice(1), 'base64url');
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
  });

  it('decodes a list made by another GZIP writer', () => {
    const raw = new Uint8Array(16384);
    raw[5] = 0x10;
    expect(decodeBitstring(u(gzipSync(raw, { level: 1 })))).toEqual(raw);
  });

  it.each([
    ['not a string', 42],
    ['null', null],
    ['an object', {}],
    ['no u prefix', 'H4sIAAAAAAAA'],
    ['base58 prefix', 'zabc'],
    ['empty', ''],
    ['just u', 'u'],
    ['bad base64url characters', 'uH4sI+AAA/AAA='],
    ['padding', 'uH4sIAAAAAAAAA=='],
    ['a single trailing char (length % 4 == 1)', 'uAAAAA'],
    ['zlib, not gzip', u(new Uint8Array([0x78, 0x9c, ...new Uint8Array(20)]))],
    ['raw deflate, not gzip', u(deflateRawSync(new Uint8Array(16384)))],
    ['truncated gzip', u(gzipSync(new Uint8Array(16384)).subarray(0, 20))],
    [
      'gzip with a corrupted body',
      u(Uint8Array.from(gzipSync(new Uint8Array(16384)), (b, i) => (i > 12 && i < 18 ? b ^ 0xff : b))),
    ],
    ['shorter than 16 KiB', u(gzipSync(new Uint8Array(16383)))],
  ])('rejects %s with ERR_STATUS_LIST_INVALID', (_label, input) => {
    expect(codeOf(() => decodeBitstring(input))).toBe('ERR_STATUS_LIST_INVALID');
  });

  it('stops a gzip bomb at the output cap', () => {
    // 64 MiB of zeros compresses to ~64 KiB; the default cap is 16 MiB.
    const bomb = u(gzipSync(Buffer.alloc(64 * 1024 * 1024)));
    expect(bomb.length).toBeLessThan(200_000);
    const started = Date.now();
    let message = '';
    try {
      decodeBitstring(bomb);
    } catch (error) {
      message = (error as Error).message;
      expect((error as { code: string }).code).toBe('ERR_STATUS_LIST_INVALID');
    }
    expect(message).toMatch(/limit/);
    expect(Date.now() - started).toBeLessThan(5000);
    // A tighter caller cap applies too.
    expect(codeOf(() => decodeBitstring(u(gzipSync(Buffer.alloc(32768))), { maxBytes: 16384 }))).toBe(
      'ERR_STATUS_LIST_INVALID',
    );
  });

  it('accepts a list at the 16 MiB cap and refuses one byte more', () => {
    const max = createStatusList({ id: ID, statusPurpose: 'revocation', length: 2 ** 27, allocation: 'sequential' });
    revoke(max, 2 ** 27 - 1);
    const encoded = encodeStatusList(max);
    const bits = decodeBitstring(encoded);
    expect(bits.length).toBe(16 * 1024 * 1024);
    expect(bits[bits.length - 1]).toBe(1);
    expect(codeOf(() => createStatusList({ id: ID, statusPurpose: 'revocation', length: 2 ** 27 + 8 }))).toBe(
      'ERR_STATUS_OPTIONS_INVALID',
    );
    expect(codeOf(() => decodeBitstring(u(gzipSync(Buffer.alloc(16 * 1024 * 1024 + 1)))))).toBe(
      'ERR_STATUS_LIST_INVALID',
    );
    expect(loadStatusList(serializeStatusList(max)).length).toBe(2 ** 27);
  });

  it('rejects an oversized encodedList before decoding', () => {
    expect(codeOf(() => decodeBitstring(`u${'A'.repeat(25 * 1024 * 1024)}`))).toBe('ERR_STATUS_LIST_INVALID');
  });
});

describe('createStatusList', () => {
  it('defaults to 131 072 entries of 1 bit, random allocation', () => {
    const list = createStatusList({ id: ID, statusPurpose: 'revocation' });
    expect(list).toMatchObject({
      id: ID,
      statusPurpose: 'revocation',
      length: 131072,
      statusSize: 1,
      allocation: 'random',
      allocatedCount: 0,
    });
    expect(isStatusList(list)).toBe(true);
    expect(isStatusList({ ...list })).toBe(false);
    expect(Object.isFrozen(list)).toBe(true);
  });

  it.each([
    ['no options', undefined],
    ['a relative id', { id: 'status/1', statusPurpose: 'revocation' }],
    ['an id with a fragment', { id: `${ID}#x`, statusPurpose: 'revocation' }],
    ['a non-string id', { id: 1, statusPurpose: 'revocation' }],
    ['an unknown purpose', { id: ID, statusPurpose: 'refresh' }],
    ['under the spec minimum', { id: ID, statusPurpose: 'revocation', length: 1024 }],
    ['a fractional length', { id: ID, statusPurpose: 'revocation', length: 131072.5 }],
    ['a length not a multiple of 8 bits', { id: ID, statusPurpose: 'revocation', length: 131073 }],
    ['a huge length', { id: ID, statusPurpose: 'revocation', length: 2 ** 40 }],
    ['statusSize 2 on a revocation list', { id: ID, statusPurpose: 'revocation', statusSize: 2 }],
    ['statusSize 9', { id: ID, statusPurpose: 'message', statusSize: 9 }],
    ['a message list without messages', { id: ID, statusPurpose: 'message' }],
    [
      'too few messages',
      { id: ID, statusPurpose: 'message', statusSize: 2, statusMessages: [{ status: '0x0', message: 'a' }] },
    ],
    [
      'messages out of order',
      {
        id: ID,
        statusPurpose: 'message',
        statusMessages: [
          { status: '0x1', message: 'a' },
          { status: '0x0', message: 'b' },
        ],
      },
    ],
    ['messages on a revocation list', { id: ID, statusPurpose: 'revocation', statusMessages: [] }],
    ['a bad allocation mode', { id: ID, statusPurpose: 'revocation', allocation: 'lifo' }],
  ])('rejects %s with ERR_STATUS_OPTIONS_INVALID', (_label, options) => {
    expect(codeOf(() => createStatusList(options as never))).toBe('ERR_STATUS_OPTIONS_INVALID');
  });
});

describe('allocation and entries', () => {
  it('statusEntryFor builds the spec entry', () => {
    const list = createStatusList({ id: ID, statusPurpose: 'revocation' });
    expect(statusEntryFor(list, 94567)).toEqual({
      id: `${ID}#94567`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '94567',
      statusListCredential: ID,
    });
    expect(isAllocatedIndex(list, 94567)).toBe(false);
    for (const bad of [-1, 131072, 1.5, Number.NaN, '3', undefined]) {
      expect(codeOf(() => statusEntryFor(list, bad as number))).toBe('ERR_STATUS_INDEX_OUT_OF_RANGE');
    }
  });

  it('random allocation never hands out an index twice', () => {
    const list = createStatusList({ id: ID, statusPurpose: 'revocation' });
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(allocateStatusEntry(list).statusListIndex);
    expect(seen.size).toBe(5000);
    expect(list.allocatedCount).toBe(5000);
    // Spread over the list, not clustered at the start.
    const indexes = [...seen].map(Number);
    expect(Math.max(...indexes)).toBeGreaterThan(100_000);
    expect(Math.min(...indexes)).toBeLessThan(30_000);
  });

  it('sequential allocation counts up; an explicit index is claimed once', () => {
    const list = createStatusList({ id: ID, statusPurpose: 'revocation', allocation: 'sequential' });
    expect(allocateStatusEntry(list).statusListIndex).toBe('0');
    expect(allocateStatusEntry(list, 2).statusListIndex).toBe('2');
    expect(allocateStatusEntry(list).statusListIndex).toBe('3');
    expect(codeOf(() => allocateStatusEntry(list, 2))).toBe('ERR_STATUS_INDEX_IN_USE');
    expect(allocateStatusEntry(list, 1).statusListIndex).toBe('1');
    expect(codeOf(() => allocateStatusEntry(list, 131072))).toBe('ERR_STATUS_INDEX_OUT_OF_RANGE');
  });

  it('reports a full list', () => {
    const list = createStatusList({ id: ID, statusPurpose: 'revocation', allocation: 'sequential' });
    for (let i = 0; i < list.length; i++) allocateStatusEntry(list);
    expect(list.allocatedCount).toBe(131072);
    expect(codeOf(() => allocateStatusEntry(list))).toBe('ERR_STATUS_LIST_FULL');
  });

  it('random allocation fills a list to the last index', () => {
    const list = createStatusList({ id: ID, statusPurpose: 'suspension' });
    for (let i = 0; i < list.length - 1; i++) allocateStatusEntry(list, i);
    expect(allocateStatusEntry(list).statusListIndex).toBe(String(list.length - 1));
    expect(codeOf(() => allocateStatusEntry(list))).toBe('ERR_STATUS_LIST_FULL');
  });

  it('rejects things that are not lists', () => {
    expect(codeOf(() => allocateStatusEntry({} as StatusList))).toBe('ERR_STATUS_OPTIONS_INVALID');
    expect(codeOf(() => revoke({ id: ID, statusPurpose: 'revocation' } as unknown as StatusList, 1))).toBe(
      'ERR_STATUS_OPTIONS_INVALID',
    );
  });
});

describe('revoke, suspend, unsuspend, isSet', () => {
  it('revokes on a revocation list only', () => {
    const list = createStatusList({ id: ID, statusPurpose: 'revocation' });
    expect(isSet(list, 7)).toBe(false);
    revoke(list, 7);
    expect(isSet(list, 7)).toBe(true);
    expect(isSet(list, 6)).toBe(false);
    expect(isSet(list, 8)).toBe(false);
    expect(codeOf(() => suspend(list, 7))).toBe('ERR_STATUS_PURPOSE_MISMATCH');
    expect(codeOf(() => unsuspend(list, 7))).toBe('ERR_STATUS_PURPOSE_MISMATCH');
    expect(codeOf(() => revoke(list, -1))).toBe('ERR_STATUS_INDEX_OUT_OF_RANGE');
  });

  it('suspends and lifts on a suspension list', () => {
    const list = createStatusList({ id: ID, statusPurpose: 'suspension' });
    suspend(list, 100);
    expect(isSet(list, 100)).toBe(true);
    unsuspend(list, 100);
    expect(isSet(list, 100)).toBe(false);
    expect(codeOf(() => revoke(list, 100))).toBe('ERR_STATUS_PURPOSE_MISMATCH');
  });

  it('message lists hold multi-bit values, read most significant bit first', () => {
    const statusMessages: StatusMessage[] = [
      { status: '0x0', message: 'valid' },
      { status: '0x1', message: 'pending review' },
      { status: '0x2', message: 'superseded' },
      { status: '0x3', message: 'withdrawn' },
    ];
    const list = createStatusList({ id: ID, statusPurpose: 'message', statusSize: 2, statusMessages });
    expect(list.length).toBe(65536);
    setStatus(list, 0, 2);
    setStatus(list, 1, 3);
    setStatus(list, 3, 1);
    expect([0, 1, 2, 3].map((i) => getStatus(list, i))).toEqual([2, 3, 0, 1]);
    expect(decodeBitstring(encodeStatusList(list))[0]).toBe(0b10_11_00_01);
    expect(codeOf(() => setStatus(list, 0, 4))).toBe('ERR_STATUS_OPTIONS_INVALID');
    const entry = allocateStatusEntry(list);
    expect(entry.statusSize).toBe(2);
    expect(entry.statusMessage).toEqual(statusMessages);
  });
});

describe('serializeStatusList / loadStatusList', () => {
  it('round-trips statuses, metadata and the allocation record', () => {
    const list = createStatusList({ id: ID, statusPurpose: 'revocation' });
    const entries = Array.from({ length: 300 }, () => allocateStatusEntry(list));
    for (const e of entries.slice(0, 50)) revoke(list, Number(e.statusListIndex));
    const text = serializeStatusList(list);
    expect(text.length).toBeLessThan(10_000);
    const loaded = loadStatusList(text);
    expect(loaded).toMatchObject({
      id: ID,
      statusPurpose: 'revocation',
      length: 131072,
      statusSize: 1,
      allocatedCount: 300,
    });
    expect(encodeStatusList(loaded)).toBe(encodeStatusList(list));
    for (const e of entries) {
      const i = Number(e.statusListIndex);
      expect(isAllocatedIndex(loaded, i)).toBe(true);
      expect(codeOf(() => allocateStatusEntry(loaded, i))).toBe('ERR_STATUS_INDEX_IN_USE');
    }
    // Loading from an object works the same; new allocations avoid the old ones.
    const again = loadStatusList(JSON.parse(text));
    const used = new Set(entries.map((e) => e.statusListIndex));
    for (let i = 0; i < 200; i++) expect(used.has(allocateStatusEntry(again).statusListIndex)).toBe(false);
  });

  it('keeps the sequential counter', () => {
    const list = createStatusList({ id: ID, statusPurpose: 'suspension', allocation: 'sequential' });
    for (let i = 0; i < 10; i++) allocateStatusEntry(list);
    const loaded = loadStatusList(serializeStatusList(list));
    expect(allocateStatusEntry(loaded).statusListIndex).toBe('10');
  });

  it('round-trips a message list', () => {
    const statusMessages = [
      { status: '0x0', message: 'ok' },
      { status: '0x1', message: 'check with issuer' },
    ];
    const list = createStatusList({ id: ID, statusPurpose: 'message', statusMessages });
    setStatus(list, 5, 1);
    const loaded = loadStatusList(serializeStatusList(list));
    expect(loaded.statusMessages).toEqual(statusMessages);
    expect(getStatus(loaded, 5)).toBe(1);
  });

  const good = (): Record<string, unknown> => {
    const list = createStatusList({ id: ID, statusPurpose: 'revocation' });
    allocateStatusEntry(list, 3);
    return JSON.parse(serializeStatusList(list)) as Record<string, unknown>;
  };
  it.each<[string, (s: Record<string, unknown>) => unknown]>([
    ['not JSON', () => '{"type":'],
    ['a number', () => 42],
    ['an array', () => []],
    ['a wrong type tag', (s) => ({ ...s, type: 'Other' })],
    ['a wrong version', (s) => ({ ...s, version: 2 })],
    ['a missing id', (s) => ({ ...s, id: undefined })],
    ['a wrong purpose', (s) => ({ ...s, statusPurpose: 'nope' })],
    ['a length that does not match the bitstring', (s) => ({ ...s, length: 262144 })],
    ['a string length', (s) => ({ ...s, length: '131072' })],
    ['a bad encodedList', (s) => ({ ...s, encodedList: 'u!!!' })],
    ['an encodedList bomb', (s) => ({ ...s, encodedList: u(gzipSync(Buffer.alloc(8 * 1024 * 1024))) })],
    ['a missing allocatedList', (s) => ({ ...s, allocatedList: undefined })],
    ['an allocatedCount that lies', (s) => ({ ...s, allocatedCount: 0 })],
    ['a negative nextIndex', (s) => ({ ...s, nextIndex: -1 })],
    ['an oversized text', () => ' '.repeat(49 * 1024 * 1024)],
  ])('rejects %s with ERR_STATUS_LIST_INVALID', (_label, mutate) => {
    expect(codeOf(() => loadStatusList(mutate(good())))).toBe('ERR_STATUS_LIST_INVALID');
  });
});
