import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertSafeJson, isKeysError, isUnsafeJsonError, JsonError, parseJsonStrict } from '@divoc/keys';
import { vectorText } from '../../../test/support/vectors.js';

const JSON_CODES = [
  'ERR_JSON_SYNTAX',
  'ERR_JSON_DUPLICATE_KEY',
  'ERR_JSON_FORBIDDEN_KEY',
  'ERR_JSON_TOO_DEEP',
  'ERR_JSON_TOO_LARGE',
];

function thrown(fn: () => unknown): { code?: string; message: string; path?: string; error: unknown } | undefined {
  try {
    fn();
  } catch (error) {
    const e = error as { code?: string; message: string; path?: string };
    return { code: e.code, message: e.message, path: e.path, error };
  }
  return undefined;
}

/** Same values, same member order, same prototypes (plain objects and arrays only). */
function expectSameAsJsonParse(text: string): void {
  const strict = parseJsonStrict(text);
  const native: unknown = JSON.parse(text);
  expect(strict).toStrictEqual(native);
  expect(JSON.stringify(strict)).toBe(JSON.stringify(native));
  const stack: unknown[] = [strict];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    expect(Object.getPrototypeOf(node)).toBe(Array.isArray(node) ? Array.prototype : Object.prototype);
    stack.push(...Object.values(node));
  }
}

const VALID = [
  '{}',
  '[]',
  ' \t\r\n{ } ',
  '0',
  '-0',
  '"x"',
  'true',
  'false',
  'null',
  '[0, -0, 1, -1, 0.5, -0.5, 1e3, 1E3, 1e+3, 1e-3, 2.5E-7, 123456789012345, 1234567890123456, 12345678901234567890]',
  '[9007199254740991, 9007199254740993, -9007199254740993, 1e308, 1e309, -1e400, 5e-324, 1e-400, 0.1, ' +
    '0.30000000000000004]',
  '[123456789012345678901234567890.123456789e-10, 0.0000000000000000000001, 100000000000000000000000]',
  '"plain ascii"',
  '"\\u00e9t\\u00E9 \\ud83d\\ude00 \\u0000 \\u001f \\u2028 \\uFFFF"',
  '"lone \\ud800 surrogate \\udc00"',
  '"escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t end"',
  '"raw unicode: é 😀 \u2028 ह"',
  '"\\"\\"\\""',
  '""',
  '[[[[[[]]]]], [[1], [2, [3, [4]]]], {"a": [{"b": [{}]}]}]',
  '{"b": 1, "a": 2, "2": 3, "1": 4, "-1": 5, "01": 6}',
  '{"toString": 1, "hasOwnProperty": 2, "valueOf": 3, "__defineGetter__": 4, "isPrototypeOf": 5, "toLocaleString": 6}',
  '{"__proto": 1, "_proto_": 2, "Constructor": 3, "prototypes": 4, "proto": 5}',
  '{"": 1, " ": 2, "a\\u0000b": 3, "\\u00e9": 4, "è": 5}',
  '{"nested": {"deeper": {"deepest": [true, false, null, "s", 1.5]}}}',
  '{"a":1,"b":{"a":1,"b":{"a":1}}}',
  '[{"a": 1}, {"a": 2}, {"a": 1}]',
];

describe('parseJsonStrict: valid JSON reads exactly as JSON.parse', () => {
  it.each(VALID)('%s', (text) => expectSameAsJsonParse(text));

  it('reads the published credential, seal and SMART Health Card vectors exactly as JSON.parse', () => {
    for (const file of [
      'divoc/signed/rsa2018-cowinctx-valid.json',
      'divoc/signed/ed25519-2018-divocdev-valid.json',
      'vdsnc/au-citizen-john-valid.json',
      'shc/examples/example-02-b-jws-payload-expanded.json',
      'shc/examples/example-00-a-fhirBundle.json',
    ]) {
      expectSameAsJsonParse(vectorText(file));
    }
  });

  it('keeps inherited names as own data members and never touches Object.prototype', () => {
    const value = parseJsonStrict('{"toString": "x", "valueOf": {"a": 1}}') as Record<string, unknown>;
    expect(Object.hasOwn(value, 'toString')).toBe(true);
    expect(value.toString).toBe('x');
    expect(({} as { toString: unknown }).toString).toBe(Object.prototype.toString);
  });
});

describe('parseJsonStrict: errors', () => {
  it('ERR_JSON_DUPLICATE_KEY names the key and its JSON path (the attacker value last)', () => {
    const e = thrown(() => parseJsonStrict('{"credentialSubject": {"name": "Evil", "age": 30, "name": "Rahul Das"}}'));
    expect(e?.code).toBe('ERR_JSON_DUPLICATE_KEY');
    expect(e?.path).toBe('$.credentialSubject.name');
    expect(e?.message).toContain('"name"');
    expect(e?.message).toContain('$.credentialSubject.name');
    expect(e?.error).toBeInstanceOf(JsonError);
    expect(isKeysError(e?.error)).toBe(true);
    expect(isUnsafeJsonError(e?.error)).toBe(true);
  });

  it('finds duplicates at any depth, inside arrays, and with escaped spellings of the same name', () => {
    expect(thrown(() => parseJsonStrict('{"a": [1, {"x": 1}, {"n": 1, "n": 2}]}'))?.path).toBe('$.a[2].n');
    expect(thrown(() => parseJsonStrict('{"n": 1, "\\u006e": 2}'))?.code).toBe('ERR_JSON_DUPLICATE_KEY');
    expect(thrown(() => parseJsonStrict('{"a b": 1, "a b": 1}'))?.path).toBe('$["a b"]');
    expect(thrown(() => parseJsonStrict('{"toString": 1, "toString": 1}'))?.code).toBe('ERR_JSON_DUPLICATE_KEY');
    expect(thrown(() => parseJsonStrict('{"data": {"msg": {"pid": {"n": "Evil", "n": "Rahul Das"}}}}'))?.path).toBe(
      '$.data.msg.pid.n',
    );
  });

  it.each(['__proto__', 'constructor', 'prototype'])('ERR_JSON_FORBIDDEN_KEY for %s at any depth', (name) => {
    for (const [text, path] of [
      [`{"${name}": {"isAdmin": true}}`, `$.${name}`],
      [`{"a": [{"b": {"${name}": 1}}]}`, `$.a[0].b.${name}`],
      [`[{"${name}": null}]`, `$[0].${name}`],
    ] as const) {
      const e = thrown(() => parseJsonStrict(text));
      expect(e?.code).toBe('ERR_JSON_FORBIDDEN_KEY');
      expect(e?.path).toBe(path);
      expect(isUnsafeJsonError(e?.error)).toBe(true);
    }
    // Escaped spelling of the same name.
    const escaped = name.replace(/_/g, '\\u005f').replace(/o/g, '\\u006f');
    expect(thrown(() => parseJsonStrict(`{"${escaped}": 1}`))?.code).toBe('ERR_JSON_FORBIDDEN_KEY');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('accepts those words as string values', () => {
    expectSameAsJsonParse('{"a": "__proto__", "b": ["constructor", "prototype"]}');
  });

  const INVALID = [
    '',
    ' ',
    '{',
    '}',
    '[',
    '[1,]',
    '[,1]',
    '{"a":1,}',
    '{,}',
    '{"a"}',
    '{"a" 1}',
    '{"a":}',
    '{a:1}',
    "{'a':1}",
    '{"a":1}}',
    '[]]',
    '[1 2]',
    '1 2',
    'true false',
    '01',
    '-01',
    '1.',
    '.5',
    '+1',
    '-',
    '-a',
    '1e',
    '1e+',
    '0x10',
    'NaN',
    'Infinity',
    '-Infinity',
    'undefined',
    'tru',
    'nul',
    'fals',
    'True',
    '"abc',
    '"\\x"',
    '"\\u12G4"',
    '"\\u123"',
    '"\\',
    '"a\u0001b"',
    '"tab\there"',
    '"new\nline"',
    '\uFEFF{}',
    '{"a":1}\u00a0',
    '[1]\u2028',
    '{"a":1 "b":2}',
    '[1,,2]',
    '{"a":1,,"b":2}',
    '//x\n{}',
    '[1]x',
  ];
  it.each(INVALID)('ERR_JSON_SYNTAX where JSON.parse refuses too: %j', (text) => {
    expect(() => JSON.parse(text)).toThrow();
    const e = thrown(() => parseJsonStrict(text));
    expect(e?.code).toBe('ERR_JSON_SYNTAX');
    expect(e?.message).toMatch(/position \d+/);
  });

  it('ERR_JSON_SYNTAX for a non-string', () => {
    expect(thrown(() => parseJsonStrict(undefined as unknown as string))?.code).toBe('ERR_JSON_SYNTAX');
    expect(thrown(() => parseJsonStrict({} as unknown as string))?.code).toBe('ERR_JSON_SYNTAX');
  });

  it('ERR_JSON_TOO_LARGE before parsing, by maxLength', () => {
    expect(thrown(() => parseJsonStrict('[1,2,3]', { maxLength: 6 }))?.code).toBe('ERR_JSON_TOO_LARGE');
    expect(parseJsonStrict('[1,2,3]', { maxLength: 7 })).toEqual([1, 2, 3]);
    // Too large wins over bad syntax: nothing is read.
    expect(thrown(() => parseJsonStrict('{{{{{{{{', { maxLength: 4 }))?.code).toBe('ERR_JSON_TOO_LARGE');
  });

  it('ERR_JSON_TOO_DEEP at maxDepth + 1, with the path', () => {
    expect(parseJsonStrict('[[[1]]]', { maxDepth: 3 })).toEqual([[[1]]]);
    expect(thrown(() => parseJsonStrict('[[[[1]]]]', { maxDepth: 3 }))?.code).toBe('ERR_JSON_TOO_DEEP');
    const e = thrown(() => parseJsonStrict('{"a": [{"b": {}}]}', { maxDepth: 3 }));
    expect(e?.code).toBe('ERR_JSON_TOO_DEEP');
    expect(e?.path).toBe('$.a[0].b');
    expect(parseJsonStrict('{"a": [{"b": 1}]}', { maxDepth: 3 })).toEqual({ a: [{ b: 1 }] });
  });

  it('100 000 levels of nesting give ERR_JSON_TOO_DEEP, never a stack overflow', () => {
    const n = 100_000;
    const arrays = '['.repeat(n) + ']'.repeat(n);
    const objects = '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const unclosed = '['.repeat(n);
    for (const text of [arrays, objects, unclosed]) {
      expect(thrown(() => parseJsonStrict(text))?.code).toBe('ERR_JSON_TOO_DEEP');
      // Even when the caller allows that depth, the stack limit ends in the typed error.
      expect(thrown(() => parseJsonStrict(text, { maxDepth: 10 * n }))?.code).toBe('ERR_JSON_TOO_DEEP');
    }
    // And the parser is usable afterwards.
    expectSameAsJsonParse('{"after": [1, {"x": "y"}]}');
  });

  it('refuses bad options', () => {
    expect(() => parseJsonStrict('1', { maxDepth: -1 })).toThrow(TypeError);
    expect(() => parseJsonStrict('1', { maxLength: Number.NaN })).toThrow(TypeError);
  });
});

describe('assertSafeJson', () => {
  it('passes plain data and primitives', () => {
    for (const value of [
      null,
      1,
      'x',
      true,
      undefined,
      [],
      {},
      { a: [1, { b: 'constructor' }] },
      JSON.parse(VALID[21]!) as unknown,
    ]) {
      expect(() => assertSafeJson(value)).not.toThrow();
    }
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'ERR_JSON_FORBIDDEN_KEY for an own %s member, with its path',
    (name) => {
      const value: unknown = JSON.parse(`{"credentialSubject": {"list": [{}, {"${name}": {"isAdmin": true}}]}}`);
      const e = thrown(() => assertSafeJson(value));
      expect(e?.code).toBe('ERR_JSON_FORBIDDEN_KEY');
      expect(e?.path).toBe(`$.credentialSubject.list[1].${name}`);
      expect(isUnsafeJsonError(e?.error)).toBe(true);
    },
  );

  it('walks shared and cyclic references once, and stops past maxDepth', () => {
    const shared = { x: 1 };
    let diamond: unknown = shared;
    for (let i = 0; i < 200; i++) diamond = { l: diamond, r: diamond };
    expect(() => assertSafeJson(diamond, { maxDepth: 1000 })).not.toThrow();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => assertSafeJson(cyclic)).not.toThrow();
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(thrown(() => assertSafeJson(deep))?.code).toBe('ERR_JSON_TOO_DEEP');
    expect(() => assertSafeJson(deep, { maxDepth: 200_000 })).not.toThrow();
  });
});

/** True when a value holds a member parseJsonStrict refuses. */
function hasForbidden(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return (
    Object.keys(value).some((k) => k === '__proto__' || k === 'constructor' || k === 'prototype') ||
    Object.values(value).some(hasForbidden)
  );
}

describe('parseJsonStrict: properties', () => {
  it(
    'parseJsonStrict(JSON.stringify(v)) deep-equals JSON.parse for arbitrary JSON values, compact and ' + 'indented',
    () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (value, indent) => {
          const text = indent ? JSON.stringify(value, null, 2) : JSON.stringify(value);
          const native: unknown = JSON.parse(text);
          if (hasForbidden(native)) {
            expect(thrown(() => parseJsonStrict(text))?.code).toBe('ERR_JSON_FORBIDDEN_KEY');
            return;
          }
          expect(parseJsonStrict(text)).toStrictEqual(native);
          expect(JSON.stringify(parseJsonStrict(text))).toBe(JSON.stringify(native));
        }),
        { numRuns: 1000 },
      );
    },
  );

  it('parses arbitrary strings (any UTF-16, escaped by JSON.stringify) exactly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (s) => {
        const text = JSON.stringify({ [`k${s}`]: s, list: [s, s] });
        expect(parseJsonStrict(text)).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 1000 },
    );
  });

  const MUTATION_CHARS = [
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '"',
    '\\',
    '0',
    '1',
    '-',
    '.',
    'e',
    'a',
    'n',
    't',
    ' ',
    '\n',
    '\u0001',
    'é',
    '\ud800',
  ];

  it('random mutations and truncations either read as JSON.parse does or throw only the typed JSON errors', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        chars: fc.array(fc.constantFrom(...MUTATION_CHARS), { minLength: 1, maxLength: 3 }),
      }),
      fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
    );
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 5 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (value, mutations) => {
          let text = JSON.stringify(value);
          for (const m of mutations) {
            const at = text.length === 0 ? 0 : m.at % (text.length + 1);
            if (m.kind === 'truncate') text = text.slice(0, at);
            else if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.length);
            else if (m.kind === 'insert') text = text.slice(0, at) + m.chars.join('') + text.slice(at);
            else text = text.slice(0, at + m.length) + text.slice(at, at + m.length) + text.slice(at + m.length);
          }
          let native: unknown;
          let nativeOk = true;
          try {
            native = JSON.parse(text);
          } catch {
            nativeOk = false;
          }
          let strict: unknown;
          try {
            strict = parseJsonStrict(text);
          } catch (error) {
            expect(error).toBeInstanceOf(JsonError);
            const code = (error as JsonError).code;
            expect(JSON_CODES).toContain(code);
            // What JSON.parse reads, only a duplicate or forbidden name may refuse; what it refuses is never read.
            if (nativeOk) expect(['ERR_JSON_DUPLICATE_KEY', 'ERR_JSON_FORBIDDEN_KEY']).toContain(code);
            return;
          }
          expect(nativeOk).toBe(true);
          expect(strict).toStrictEqual(native);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
