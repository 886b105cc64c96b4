import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BulkInputSyntaxError as InputSyntaxError,
  BulkInputUnreadableError as InputUnreadableError,
} from '../src/errors.js';
import { readCsv } from '../src/sources/csv.js';
import { readJsonArray } from '../src/sources/json-array.js';
import { splitLines } from '../src/sources/lines.js';
import { readNdjson } from '../src/sources/ndjson.js';
import { openRecordFile as openRecords } from '../src/sources/index.js';
import { DEFAULT_READER_LIMITS } from '../src/sources/limits.js';
import { certificateIdFor } from '@divoc/issuer';
import { chunksOf, collect, withTempDir } from '../../../test/support/streams.js';

const limits = DEFAULT_READER_LIMITS;

describe('CSV reader', () => {
  it('reads a header row, quoted fields (commas, quotes, newlines) and reports start lines', async () => {
    const csv = 'name,dose,note\r\nAsha,1,"a, ""quoted"" note"\n\n"Ravi",2,"two\nlines"\nMeena,3,\n';
    for (const size of [1, 3, 1000]) {
      const items = await collect(readCsv(chunksOf(csv, size), limits));
      expect(items).toEqual([
        { kind: 'record', line: 2, record: { name: 'Asha', dose: '1', note: 'a, "quoted" note' } },
        { kind: 'record', line: 4, record: { name: 'Ravi', dose: '2', note: 'two\nlines' } },
        { kind: 'record', line: 6, record: { name: 'Meena', dose: '3' } },
      ]);
    }
  });

  it('strips a BOM and makes a wrong cell count one bad record', async () => {
    const items = await collect(readCsv(chunksOf('\uFEFFa,b\n1,2\n1\n1,2,3\n4,5', 4), limits));
    expect(items.map((i) => [i.kind, i.line])).toEqual([
      ['record', 2],
      ['invalid', 3],
      ['invalid', 4],
      ['record', 5],
    ]);
    expect(items[1]).toEqual({
      kind: 'invalid',
      line: 3,
      errors: [{ field: '(record)', reason: 'expected 2 columns, found 1' }],
    });
  });

  it('rejects broken quoting, empty input and bad headers as InputSyntaxError', async () => {
    await expect(collect(readCsv(chunksOf('a,b\n1,"open\n', 100), limits))).rejects.toBeInstanceOf(InputSyntaxError);
    await expect(collect(readCsv(chunksOf('', 100), limits))).rejects.toThrow('header');
    await expect(collect(readCsv(chunksOf('a,a\n1,2', 100), limits))).rejects.toThrow('twice');
    await expect(collect(readCsv(chunksOf('a,,b\n1,2,3', 100), limits))).rejects.toThrow('empty column');
    await expect(collect(readCsv(chunksOf('__proto__\n1', 100), limits))).rejects.toThrow('reserved');
  });

  it('turns every csv-parse error into InputSyntaxError', async () => {
    await expect(collect(readCsv(chunksOf('a,b\n1,x"y"z"\n', 100), limits))).rejects.toBeInstanceOf(InputSyntaxError);
    await expect(collect(readCsv(chunksOf('a,b\n"1"x,2\n', 100), limits))).rejects.toBeInstanceOf(InputSyntaxError);
  });

  it('bounds record size', async () => {
    const big = `a\n"${'x'.repeat(5000)}"\n`;
    await expect(collect(readCsv(chunksOf(big, 100), { maxRecordChars: 1000 }))).rejects.toBeInstanceOf(
      InputSyntaxError,
    );
  });
});

describe('JSON array reader', () => {
  it('streams elements with their start lines, whatever the chunking', async () => {
    const json = '\uFEFF[\n  {"name": "A", "s": "x]}\\"{["},\n  {\n    "name": "B", "n": [1, {"d": 2}]\n  }\n]\n';
    for (const size of [1, 2, 7, 1000]) {
      const items = await collect(readJsonArray(chunksOf(json, size), limits));
      expect(items).toEqual([
        { kind: 'record', line: 2, record: { name: 'A', s: 'x]}"{[' } },
        { kind: 'record', line: 3, record: { name: 'B', n: [1, { d: 2 }] } },
      ]);
    }
  });

  it('makes non-object elements and bad elements single bad records', async () => {
    const items = await collect(readJsonArray(chunksOf('[1, "s", null, [], {"a": tru}, {"ok": true}]', 5), limits));
    expect(items.map((i) => i.kind)).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'record']);
  });

  it('reads an empty array', async () => {
    expect(await collect(readJsonArray(chunksOf(' [ ] ', 2), limits))).toEqual([]);
  });

  it.each([
    ['', 'empty'],
    ['{"a": 1}', 'must start with "["'],
    ['[{"a": 1}', 'truncated'],
    ['[{"a": 1} {"b": 2}]', 'expected "," or "]"'],
    ['[{"a": 1},]', 'trailing comma'],
    ['[,{"a": 1}]', 'unexpected'],
    ['[{"a": 1}] x', 'after the closing'],
    ['[{"a": "unterminated}]', 'truncated'],
  ])('rejects broken array %j', async (text, message) => {
    await expect(collect(readJsonArray(chunksOf(text, 3), limits))).rejects.toThrow(message);
  });

  it('bounds element size without buffering it', async () => {
    const big = `[{"a": "${'x'.repeat(10_000)}"}, {"b": 1}]`;
    const items = await collect(readJsonArray(chunksOf(big, 512), { maxRecordChars: 1000 }));
    expect(items.map((i) => i.kind)).toEqual(['invalid', 'record']);
  });
});

describe('NDJSON reader', () => {
  it('reads one object per line, skips blank lines, flags bad lines', async () => {
    const text = '{"a":1}\r\n\n not json\n[1]\n{"b":2}';
    const items = await collect(readNdjson(chunksOf(text, 3), limits));
    expect(items).toEqual([
      { kind: 'record', line: 1, record: { a: 1 } },
      { kind: 'invalid', line: 3, errors: [{ field: '(line)', reason: expect.stringContaining('invalid JSON') }] },
      { kind: 'invalid', line: 4, errors: [{ field: '(record)', reason: 'a record must be a JSON object' }] },
      { kind: 'record', line: 5, record: { b: 2 } },
    ]);
  });

  it(
    'refuses a record naming a field twice (which name would be certified?) and never quotes the record in a ' +
      'reason',
    async () => {
      const text =
        '{"name":"Asha Verma","name":"Somebody Else"}\n{"name":"Asha Verma", oops}\n' +
        '{"__proto__":{"x":1}}\n{"name":"Asha Verma"}';
      for (const items of [
        await collect(readNdjson(chunksOf(text, 5), limits)),
        await collect(readJsonArray(chunksOf(`[${text.split('\n').join(',')}]`, 5), limits)),
      ]) {
        expect(items.map((i) => i.kind)).toEqual(['invalid', 'invalid', 'invalid', 'record']);
        const reasons = items.flatMap((i) => (i.kind === 'invalid' ? i.errors.map((e) => e.reason) : []));
        expect(reasons[0]).toMatch(/duplicate/i);
        expect(items[0]).toMatchObject({ errors: [{ field: 'name' }] });
        for (const reason of reasons) expect(reason).not.toMatch(/Asha|Somebody|oops/);
        // Control: the clean record after them is read as written.
        expect(items[3]).toMatchObject({ kind: 'record', record: { name: 'Asha Verma' } });
      }
    },
  );

  it('bounds line length', async () => {
    const lines = await collect(splitLines(chunksOf(`${'x'.repeat(50)}\nshort\n${'y'.repeat(50)}`, 7), 10));
    expect(lines).toEqual([
      { number: 1, tooLong: true },
      { number: 2, text: 'short', tooLong: false },
      { number: 3, tooLong: true },
    ]);
  });
});

describe('openRecordFile', () => {
  it('detects format by extension, then by content', async () => {
    await withTempDir(async (dir) => {
      const cases: [string, string, string][] = [
        ['a.csv', 'x\n1\n', 'csv'],
        ['a.json', '[{"x":1}]', 'json'],
        ['a.ndjson', '{"x":1}\n', 'ndjson'],
        ['a.jsonl', '{"x":1}\n', 'ndjson'],
        ['a.txt', '  \n [{"x":1}]', 'json'],
        ['b.txt', '\n{"x":1}\n', 'ndjson'],
        ['c', 'x\n1\n', 'csv'],
      ];
      for (const [name, content, format] of cases) {
        await writeFile(join(dir, name), content);
        const opened = await openRecords(join(dir, name));
        expect(opened.format, name).toBe(format);
        const items = await collect(opened.items);
        expect(items.length, name).toBe(1);
      }
    });
  });

  it('reports a missing file or a directory as InputUnreadableError', async () => {
    await withTempDir(async (dir) => {
      await expect(openRecords(join(dir, 'missing.csv'))).rejects.toBeInstanceOf(InputUnreadableError);
      await expect(openRecords(dir)).rejects.toBeInstanceOf(InputUnreadableError);
    });
  });
});

describe('certificateIdFor', () => {
  it('is deterministic over identity + dose + template and UUID-shaped', () => {
    const a = certificateIdFor('vaccination', { identity: 'did:x:1', dose: 1, name: 'A' });
    const b = certificateIdFor('vaccination', { identity: 'did:x:1', dose: '1', name: 'B' });
    const c = certificateIdFor('vaccination', { identity: 'did:x:1', dose: 2 });
    const d = certificateIdFor('test', { identity: 'did:x:1', dose: 1 });
    expect(a).toEqual(b);
    expect(a.ok && a.certificateId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(c).not.toEqual(a);
    expect(d).not.toEqual(a);
  });

  it('falls back to refId, then name + dob', () => {
    expect(certificateIdFor('vaccination', { refId: '7' }).ok).toBe(true);
    expect(certificateIdFor('vaccination', { name: 'A', dob: '2000-01-01' }).ok).toBe(true);
    expect(certificateIdFor('vaccination', { name: 'A' })).toMatchObject({ ok: false, field: 'identity' });
  });

  it('uses a given certificateId only if it is a safe file name', () => {
    expect(certificateIdFor('vaccination', { certificateId: 244768056 })).toEqual({
      ok: true,
      certificateId: '244768056',
    });
    for (const bad of ['../x', '.hidden', 'a/b', 'a\\b', '', 'x'.repeat(200), { a: 1 }, 1.5]) {
      expect(certificateIdFor('vaccination', { certificateId: bad }).ok, JSON.stringify(bad)).toBe(false);
    }
  });
});
