import { splitLines } from './lines.js';
import type { InputItem, ReaderLimits } from './types.js';

/** NDJSON / JSON Lines: one JSON object per line; blank lines are skipped; a bad line is one bad record. */
export async function* readNdjson(chunks: AsyncIterable<string>, limits: ReaderLimits): AsyncGenerator<InputItem> {
  for await (const line of splitLines(chunks, limits.maxRecordChars)) {
    if (line.tooLong) {
      yield { kind: 'invalid', line: line.number, errors: [{ field: '(line)', reason: `line longer than ${limits.maxRecordChars} characters` }] };
      continue;
    }
    const text = line.number === 1 ? line.text.replace(/^\uFEFF/, '') : line.text;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { kind: 'invalid', line: line.number, errors: [{ field: '(line)', reason: `invalid JSON: ${(error as Error).message}` }] };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { kind: 'invalid', line: line.number, errors: [{ field: '(record)', reason: 'a record must be a JSON object' }] };
      continue;
    }
    yield { kind: 'record', line: line.number, record: value as Record<string, unknown> };
  }
}
