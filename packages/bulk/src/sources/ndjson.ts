import { splitLines } from './lines.js';
import { parseRecord } from './parse.js';
import type { SourceItem as InputItem } from '../types.js';
import type { ReaderLimits } from './limits.js';

/** NDJSON / JSON Lines: one JSON object per line; blank lines are skipped; a bad line is one bad record. */
export async function* readNdjson(chunks: AsyncIterable<string>, limits: ReaderLimits): AsyncGenerator<InputItem> {
  for await (const line of splitLines(chunks, limits.maxRecordChars)) {
    if (line.tooLong) {
      yield {
        kind: 'invalid',
        line: line.number,
        errors: [{ field: '(line)', reason: `line longer than ${limits.maxRecordChars} characters` }],
      };
      continue;
    }
    const text = line.number === 1 ? line.text.replace(/^\uFEFF/, '') : line.text;
    if (text.trim() === '') continue;
    yield parseRecord(text, line.number, limits, '(line)');
  }
}
