import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { InputUnreadableError } from '../errors.js';
import { readCsv } from './csv.js';
import { readJsonArray } from './json-array.js';
import { readNdjson } from './ndjson.js';
import { DEFAULT_READER_LIMITS, type InputFormat, type InputItem, type ReaderLimits } from './types.js';

export interface OpenedRecords {
  format: InputFormat;
  items: AsyncGenerator<InputItem>;
  /** Size of the input file in bytes (for progress). */
  size: number;
  /** Bytes read from the file so far (records are parsed a little behind). */
  bytesRead(): number;
}

const BY_EXTENSION: Record<string, InputFormat> = { '.csv': 'csv', '.json': 'json', '.ndjson': 'ndjson', '.jsonl': 'ndjson' };

/**
 * Opens a record file and picks its reader: by extension (`.csv`, `.json`, `.ndjson`, `.jsonl`), otherwise by the
 * first non-space character (`[` JSON array, `{` NDJSON, anything else CSV). Nothing is read beyond the first chunk
 * until the caller iterates.
 */
export async function openRecords(path: string, limits: ReaderLimits = DEFAULT_READER_LIMITS): Promise<OpenedRecords> {
  // Open once up front so a missing/unreadable file is reported before any output is written.
  let handle;
  let size = 0;
  try {
    handle = await open(path, 'r');
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = stat.size;
  } catch (error) {
    await handle?.close();
    throw new InputUnreadableError(path, reasonOf(error));
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
  const reader = format === 'csv' ? readCsv : format === 'json' ? readJsonArray : readNdjson;
  return { format, items: reader(source, limits), size, bytesRead: () => stream.bytesRead };
}

async function* replay(first: string[], rest: AsyncIterator<string>, stream: { destroy(): void }): AsyncGenerator<string> {
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

function reasonOf(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (error as Error).message ?? String(error);
}

export { reasonOf as describeFsError };
