/**
 * Record sources for `issueBulk`: CSV, NDJSON and JSON-array readers over a file or a stream, and any iterable of
 * records (a database cursor). Files are read as a stream, a bounded amount ahead of the work, so memory stays flat.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { BulkInputUnreadableError, describeFsError } from '../errors.js';
import type { RawRecord, SourceItem } from '../types.js';
import { readCsv } from './csv.js';
import { readJsonArray } from './json-array.js';
import { DEFAULT_READER_LIMITS, type ReaderLimits, type SourceMeta } from './limits.js';
import { readNdjson } from './ndjson.js';

/** Where records come from: a file path (or `file:` URL), a Node.js stream, or any iterable of text or bytes. */
export type RecordInput = string | URL | Readable | AsyncIterable<string | Uint8Array>;

/** A stream of source items, with what progress reporting needs to know about it. */
export interface RecordSource {
  readonly items: AsyncIterable<SourceItem>;
  /** Size of the input in bytes, when known (percent done and ETA). */
  readonly size?: number;
  /** Bytes read so far. */
  bytesRead?(): number;
  /**
   * The column names of a CSV input, once its header row has been read (the first item asked for reads it);
   * absent for inputs without a header (JSON, NDJSON, iterables).
   */
  columns?(): readonly string[] | undefined;
}

/** The record file formats `openRecordFile` reads. */
export type RecordFileFormat = 'csv' | 'json' | 'ndjson';

/** Limits shared by every record source. */
export interface SourceOptions {
  /** Longest record (CSV row, NDJSON line, array element) in characters; longer ones are rejected. Default 1 MiB. */
  maxRecordChars?: number;
}

type Reader = (chunks: AsyncIterable<string>, limits: ReaderLimits, meta?: SourceMeta) => AsyncGenerator<SourceItem>;

const READERS: Record<RecordFileFormat, Reader> = { csv: readCsv, json: readJsonArray, ndjson: readNdjson };

function limitsOf(options: SourceOptions | undefined): ReaderLimits {
  return options?.maxRecordChars !== undefined ? { maxRecordChars: options.maxRecordChars } : DEFAULT_READER_LIMITS;
}

/** Text chunks of an input, counting the bytes read. */
function textChunks(input: RecordInput, counter: { bytes: number }): AsyncIterable<string> {
  return {
    async *[Symbol.asyncIterator]() {
      let chunks: AsyncIterable<string | Uint8Array>;
      if (typeof input === 'string' || input instanceof URL) {
        const path = typeof input === 'string' ? input : fileURLToPath(input);
        let handle;
        try {
          handle = await open(path, 'r');
        } catch (error) {
          throw new BulkInputUnreadableError(path, describeFsError(error));
        }
        chunks = handle.createReadStream({ autoClose: true });
      } else chunks = input;
      const decoder = new TextDecoder('utf-8');
      for await (const chunk of chunks) {
        if (typeof chunk === 'string') {
          counter.bytes += Buffer.byteLength(chunk, 'utf8');
          yield chunk;
        } else {
          counter.bytes += chunk.byteLength;
          const text = decoder.decode(chunk, { stream: true });
          if (text !== '') yield text;
        }
      }
      const rest = decoder.decode();
      if (rest !== '') yield rest;
    },
  };
}

function sourceOf(format: RecordFileFormat, input: RecordInput, options: SourceOptions | undefined): RecordSource {
  const counter = { bytes: 0 };
  const meta: SourceMeta = {};
  return {
    items: READERS[format](textChunks(input, counter), limitsOf(options), meta),
    bytesRead: () => counter.bytes,
    ...(format === 'csv' ? { columns: () => meta.columns } : {}),
  };
}

/** CSV with a header row (RFC 4180 quoting). A row with the wrong number of cells is one rejected record. */
export function csvSource(input: RecordInput, options?: SourceOptions): RecordSource {
  return sourceOf('csv', input, options);
}

/** NDJSON / JSON Lines: one JSON object per line. A bad line is one rejected record. */
export function ndjsonSource(input: RecordInput, options?: SourceOptions): RecordSource {
  return sourceOf('ndjson', input, options);
}

/** A JSON array of record objects, read element by element (never the whole array in memory). */
export function jsonSource(input: RecordInput, options?: SourceOptions): RecordSource {
  return sourceOf('json', input, options);
}

/**
 * Any iterable of records (a database cursor, a generator): each record's `line` is its position, from 1.
 * Records must be plain objects of field values; anything else is rejected as that record.
 */
export function iterableSource(records: AsyncIterable<RawRecord> | Iterable<RawRecord>): RecordSource {
  return {
    items: (async function* () {
      let line = 0;
      for await (const record of records) {
        line++;
        if (typeof record !== 'object' || record === null || Array.isArray(record)) {
          yield { kind: 'invalid', line, errors: [{ field: '(record)', reason: 'a record must be an object' }] };
        } else yield { kind: 'record', line, record };
      }
    })(),
  };
}

const BY_EXTENSION: Record<string, RecordFileFormat> = {
  '.csv': 'csv',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
};

/**
 * Opens a record file now (so a missing or unreadable file is reported before any output is written) and picks its
 * reader: by extension (`.csv`, `.json`, `.ndjson`, `.jsonl`), otherwise by the first non-space character (`[` a
 * JSON array, `{` NDJSON, anything else CSV).
 */
export async function openRecordFile(
  path: string,
  options?: SourceOptions,
): Promise<RecordSource & { format: RecordFileFormat; size: number }> {
  let handle;
  let size = 0;
  try {
    handle = await open(path, 'r');
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = stat.size;
  } catch (error) {
    await handle?.close();
    throw new BulkInputUnreadableError(path, describeFsError(error));
  }
  const stream = handle.createReadStream({ encoding: 'utf8', autoClose: true });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<string>;
  let format = BY_EXTENSION[extname(path).toLowerCase()];
  const buffered: string[] = [];
  if (format === undefined) {
    format = 'csv';
    // Peek: read chunks until one has a non-space character.
    for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      buffered.push(next.value);
      const match = /[^\s\uFEFF]/.exec(next.value);
      if (match) {
        format = match[0] === '[' ? 'json' : match[0] === '{' ? 'ndjson' : 'csv';
        break;
      }
    }
  }
  const source = replay(buffered, chunks, stream);
  const meta: SourceMeta = {};
  return {
    format,
    items: READERS[format](source, limitsOf(options), meta),
    size,
    bytesRead: () => stream.bytesRead,
    ...(format === 'csv' ? { columns: () => meta.columns } : {}),
  };
}

async function* replay(
  first: string[],
  rest: AsyncIterator<string>,
  stream: { destroy(): void },
): AsyncGenerator<string> {
  try {
    yield* first;
    for (;;) {
      const next = await rest.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    stream.destroy();
  }
}

/** Whatever `issueBulk` takes as `source`, as a RecordSource. */
export function toRecordSource(source: RecordSource | AsyncIterable<RawRecord> | Iterable<RawRecord>): RecordSource {
  if (Symbol.asyncIterator in source || Symbol.iterator in source) {
    return iterableSource(source as AsyncIterable<RawRecord> | Iterable<RawRecord>);
  }
  return source as RecordSource;
}
