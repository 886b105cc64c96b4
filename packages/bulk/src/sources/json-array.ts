import { BulkInputSyntaxError as InputSyntaxError } from '../errors.js';
import { parseRecord } from './parse.js';
import type { SourceItem as InputItem } from '../types.js';
import type { ReaderLimits } from './limits.js';

/**
 * Streams the elements of a top-level JSON array without holding the whole file: a small scanner finds where
 * each element starts and ends (tracking strings, escapes and bracket depth) and only that element is parsed.
 * Each element is reported with the line it starts on. Broken array punctuation is an InputSyntaxError;
 * a broken element inside balanced brackets is one bad record.
 */
export async function* readJsonArray(chunks: AsyncIterable<string>, limits: ReaderLimits): AsyncGenerator<InputItem> {
  type State = 'start' | 'beforeElement' | 'afterElement' | 'inElement' | 'end';
  let state: State = 'start';
  let line = 1;
  let first = true;
  let afterComma = false;

  // Current element.
  let text = '';
  let overflow = false;
  let startLine = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let primitive = false;

  const finish = (): InputItem => {
    const item = finishElement(text, overflow, startLine, limits);
    text = '';
    overflow = false;
    return item;
  };

  for await (let chunk of chunks) {
    if (first) {
      chunk = chunk.replace(/^\uFEFF/, '');
      first = false;
    }
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as string;
      if (state === 'inElement') {
        if (primitive && (c === ',' || c === ']' || isSpace(c))) {
          state = 'afterElement';
          yield finish();
          // fall through: the delimiter is handled by the afterElement branch below
        } else {
          if (!overflow) {
            text += c;
            if (text.length > limits.maxRecordChars) {
              overflow = true;
              text = '';
            }
          }
          if (c === '\n') line++;
          if (primitive) continue;
          if (inString) {
            if (escaped) escaped = false;
            else if (c === '\\') escaped = true;
            else if (c === '"') {
              inString = false;
              if (depth === 0) {
                state = 'afterElement';
                yield finish();
              }
            }
            continue;
          }
          if (c === '"') inString = true;
          else if (c === '{' || c === '[') depth++;
          else if (c === '}' || c === ']') {
            depth--;
            if (depth === 0) {
              state = 'afterElement';
              yield finish();
            }
          }
          continue;
        }
      }
      if (c === '\n') {
        line++;
        continue;
      }
      if (isSpace(c)) continue;
      switch (state) {
        case 'start':
          if (c !== '[')
            throw new InputSyntaxError('expected a JSON array of records (input must start with "[")', line);
          state = 'beforeElement';
          afterComma = false;
          break;
        case 'beforeElement':
          if (c === ']') {
            if (afterComma) throw new InputSyntaxError('trailing comma before "]"', line);
            state = 'end';
            break;
          }
          if (c === ',' || c === '}') throw new InputSyntaxError(`unexpected ${JSON.stringify(c)}`, line);
          state = 'inElement';
          startLine = line;
          text = c;
          depth = c === '{' || c === '[' ? 1 : 0;
          inString = c === '"';
          escaped = false;
          primitive = !(c === '{' || c === '[' || c === '"');
          break;
        case 'afterElement':
          if (c === ',') {
            state = 'beforeElement';
            afterComma = true;
          } else if (c === ']') state = 'end';
          else throw new InputSyntaxError(`expected "," or "]" between records, found ${JSON.stringify(c)}`, line);
          break;
        case 'end':
          throw new InputSyntaxError('unexpected data after the closing "]"', line);
        default:
          break;
      }
    }
  }
  if (state === 'inElement' && primitive) {
    state = 'afterElement';
    yield finish();
  }
  if (state === 'start') throw new InputSyntaxError('empty input: expected a JSON array of records');
  if (state !== 'end') throw new InputSyntaxError('input ends before the closing "]" of the array (truncated?)', line);
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function finishElement(text: string, overflow: boolean, line: number, limits: ReaderLimits): InputItem {
  if (overflow) {
    return {
      kind: 'invalid',
      line,
      errors: [{ field: '(record)', reason: `record longer than ${limits.maxRecordChars} characters` }],
    };
  }
  return parseRecord(text, line, limits, '(record)');
}
