/**
 * Splits a stream of text chunks into lines (LF or CRLF), never buffering more than `maxChars` of one line.
 * A longer line is reported as `{ tooLong: true }` and skipped up to its end.
 */
export type Line = { number: number; text: string; tooLong: false } | { number: number; tooLong: true };

export async function* splitLines(chunks: AsyncIterable<string>, maxChars: number): AsyncGenerator<Line> {
  let buffer = '';
  let number = 1;
  let overflowing = false;
  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl === -1) {
        if (!overflowing) {
          buffer += chunk.slice(start);
          if (buffer.length > maxChars) {
            overflowing = true;
            buffer = '';
          }
        }
        break;
      }
      if (overflowing) {
        yield { number, tooLong: true };
      } else {
        const text = buffer + chunk.slice(start, nl);
        if (text.length > maxChars) yield { number, tooLong: true };
        else yield { number, text: text.endsWith('\r') ? text.slice(0, -1) : text, tooLong: false };
      }
      buffer = '';
      overflowing = false;
      number++;
      start = nl + 1;
    }
  }
  if (overflowing) yield { number, tooLong: true };
  else if (buffer.length > 0)
    yield { number, text: buffer.endsWith('\r') ? buffer.slice(0, -1) : buffer, tooLong: false };
}
