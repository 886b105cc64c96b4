/** cloneJson's direct copy must give exactly what a JSON round trip gives, and never share structure. */
import { describe, expect, it } from 'vitest';
import { cloneJson } from '../src/lib/json.js';

const roundTrip = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe('cloneJson', () => {
  it('equals the JSON round trip on generated and awkward values, member order included', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const awkward: unknown[] = [
      { a: undefined, b: 1 },
      [1, undefined, () => 1, 3],
      { when: new Date(0) },
      { n: NaN, i: Infinity, z: -0 },
      JSON.parse('{"__proto__":{"polluted":true},"ok":1}'),
      { p: new Point(1, 2) },
      { nested: { toJSON: () => 'replaced' } },
      [1, , 3],
      { 2: 'b', 1: 'a', z: 'z', a: 'a' },
      Object.assign(Object.create(null), { x: 1 }),
      { s: 'ü\u2028\ud800', e: '', deep: [[[[{}]]]] },
    ];
    for (const value of awkward)
      expect(JSON.stringify(cloneJson(value as never))).toBe(JSON.stringify(roundTrip(value)));
    let seed = 5;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24;
    const gen = (depth: number): unknown => {
      const r = rand();
      if (depth > 4 || r < 0.3) return [null, true, false, 0, -1.5, 1e21, 'x', '', 'é'][Math.floor(rand() * 9)];
      if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => gen(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 5); i > 0; i--)
        o[rand() < 0.2 ? String(Math.floor(rand() * 9)) : `k${Math.floor(rand() * 20)}`] = gen(depth + 1);
      return o;
    };
    for (let i = 0; i < 2000; i++) {
      const value = gen(0);
      expect(JSON.stringify(cloneJson(value as never))).toBe(JSON.stringify(roundTrip(value)));
    }
  });

  it('shares nothing with the input and refuses cycles like the round trip', () => {
    const input = { a: { b: [1, { c: 2 }] } };
    const copy = cloneJson(input);
    (input.a.b[1] as { c: number }).c = 99;
    expect(copy).toEqual({ a: { b: [1, { c: 2 }] } });
    expect(Object.getPrototypeOf(cloneJson(JSON.parse('{"__proto__":{"x":1}}') as never))).toBe(Object.prototype);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => cloneJson(cyclic as never)).toThrow(TypeError);
  });
});
