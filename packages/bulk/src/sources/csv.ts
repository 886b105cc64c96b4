import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { BulkInputSyntaxError as InputSyntaxError } from '../errors.js';
import { recordIdOf } from '../lib/mapping.js';
import type { SourceItem as InputItem } from '../types.js';
import type { ReaderLimits, SourceMeta } from './limits.js';

/**
 * CSV with a header row (RFC 4180 quoting; a quoted field may span lines). Streams through csv-parse.
 * Empty cells are left out of the record, so an optional field may simply be left blank.
 * A row with the wrong number of cells is one bad record; broken quoting ends the input (InputSyntaxError).
 */
export async function* readCsv(
  chunks: AsyncIterable<string>,
  limits: ReaderLimits,
  meta?: SourceMeta,
): AsyncGenerator<InputItem> {
  const parser = Readable.from(chunks).pipe(
    parse({
      bom: true,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      // Registry exports mix line endings; accept both rather than guessing from the first line.
      record_delimiter: ['\r\n', '\n'],
      max_record_size: limits.maxRecordChars,
    }),
  );
  let header: string[] | undefined;
  let previousEnd = 0;
  let previousEmpty = 0;
  try {
    for await (const item of parser as AsyncIterable<{
      record: string[];
      info: { lines: number; empty_lines: number };
    }>) {
      const { record: cells, info } = item;
      // csv-parse reports the line a record ends on; we want the one it starts on.
      const line = previousEnd + 1 + (info.empty_lines - previousEmpty);
      previousEnd = info.lines;
      previousEmpty = info.empty_lines;
      if (header === undefined) {
        header = checkHeader(cells, line);
        if (meta) meta.columns = header;
        continue;
      }
      const record: Record<string, string> = {};
      header.forEach((name, index) => {
        const value = cells[index];
        if (value !== undefined && value !== '') record[name] = value;
      });
      if (cells.length !== header.length) {
        // Still name the record when its id column made it, so the operator can find it.
        const recordId = recordIdOf(record);
        yield {
          kind: 'invalid',
          line,
          ...(recordId !== undefined ? { recordId } : {}),
          errors: [{ field: '(record)', reason: `expected ${header.length} columns, found ${cells.length}` }],
        };
        continue;
      }
      yield { kind: 'record', line, record };
    }
  } catch (error) {
    if (error instanceof InputSyntaxError) throw error;
    if (error instanceof CsvError) {
      const lines = (error as CsvError & { lines?: unknown }).lines;
      throw new InputSyntaxError(`CSV: ${error.message}`, typeof lines === 'number' ? lines : undefined);
    }
    throw error;
  }
  if (header === undefined) throw new InputSyntaxError('empty input: expected a CSV header row');
}

function checkHeader(cells: string[], line: number): string[] {
  const seen = new Set<string>();
  for (const name of cells) {
    if (name === '') throw new InputSyntaxError('CSV header has an empty column name', line);
    if (seen.has(name)) throw new InputSyntaxError(`CSV header names column ${JSON.stringify(name)} twice`, line);
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
      throw new InputSyntaxError(`CSV header uses reserved column name ${JSON.stringify(name)}`, line);
    }
    seen.add(name);
  }
  return cells;
}
