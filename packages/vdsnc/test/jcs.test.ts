import { describe, expect, it } from 'vitest';
import { canonicalizeJson, JcsInvalidError } from '@divoc/vdsnc';

/** Double from its IEEE 754 bit pattern, as RFC 8785 Appendix B lists them. */
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('RFC 8785 (JCS) examples, written from the RFC text', () => {
  it('§3.2.2: whitespace removed, numbers and strings normalised, members sorted', () => {
    const input =
      '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n' +
      '  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}';
    expect(canonicalizeJson(JSON.parse(input))).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('§3.2.3: members sorted by UTF-16 code units (not code points, not UTF-8)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const out = canonicalizeJson(input);
    const values = [...out.matchAll(/:"([^"]*)"/g)].map((m) => m[1]);
    expect(values).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
    // U+0080 is not a C0 control: written as is, not escaped.
    expect(out).toContain('"\u0080":"Control"');
    expect(out).toContain('"\\r":"Carriage Return"');
  });

  const NUMBERS: Array<[string, string]> = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'], // -0
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  it.each(NUMBERS)('Appendix B: %s → %s', (bits, text) => {
    expect(canonicalizeJson(fromBits(bits))).toBe(text);
    expect(canonicalizeJson([fromBits(bits)])).toBe(`[${text}]`);
  });

  it.each([
    ['7fffffffffffffff', 'NaN'],
    ['7ff0000000000000', 'Infinity'],
    ['fff0000000000000', '-Infinity'],
  ])('Appendix B: %s (%s) is an error', (bits) => {
    expect(() => canonicalizeJson({ n: fromBits(bits) })).toThrow(JcsInvalidError);
  });
});

describe('JCS edge cases', () => {
  it('-0, 1e21 and friends, inside objects and nested arrays', () => {
    expect(canonicalizeJson({ b: -0, a: [1e21, [1e-7, [[]], {}], 100, 0.1] })).toBe(
      '{"a":[1e+21,[1e-7,[[]],{}],100,0.1],"b":0}',
    );
  });

  it('escapes only ", \\ and C0 controls; keeps non-ASCII, DEL and astral characters literal', () => {
    expect(canonicalizeJson('a"b\\c\u0000\u0008\u0009\u000a\u000c\u000d\u001f\u007f/é€😀')).toBe(
      '"a\\"b\\\\c\\u0000\\b\\t\\n\\f\\r\\u001f\u007f/é€😀"',
    );
  });

  it('sorts by code units: an astral character (surrogate D83D) sorts before U+FB33', () => {
    expect(canonicalizeJson({ '\ufb33': 1, '😀': 2, a: 3, A: 4, aa: 5 })).toBe(
      '{"A":4,"a":3,"aa":5,"😀":2,"\ufb33":1}',
    );
  });

  it('drops undefined members like JSON.stringify', () => {
    expect(canonicalizeJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it.each([
    ['lone high surrogate', { s: 'a\ud800' }],
    ['lone low surrogate', ['\udc00b']],
    ['lone surrogate in a key', { '\ud83d': 1 }],
    ['bigint', { n: 10n }],
    ['function', { f: () => 1 }],
    ['undefined at top level', undefined],
    ['Date instance', { d: new Date(0) }],
    ['Map instance', new Map()],
  ])('rejects %s', (_label, value) => {
    expect(() => canonicalizeJson(value)).toThrow(JcsInvalidError);
  });

  it('rejects cycles and absurd depth without overflowing the stack', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalizeJson(cyclic)).toThrow(JcsInvalidError);
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(() => canonicalizeJson(deep)).toThrow(JcsInvalidError);
  });

  it('a shared (non-cyclic) sub-object is fine', () => {
    const shared = { x: 1 };
    expect(canonicalizeJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});
