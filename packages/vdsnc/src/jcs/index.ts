import { JcsInvalidError } from '../lib/errors.js';

/** Deeper than this is not a credential; refuse rather than overflow the stack. */
const MAX_DEPTH = 64;

/**
 * RFC 8785 JSON Canonicalization Scheme: the one serialisation of a JSON value that signers and verifiers agree on.
 * Object members sorted by the UTF-16 code units of their names, no whitespace, numbers as ECMAScript
 * Number.prototype.toString writes them, strings with the minimal escapes. Throws `JcsInvalidError` for values
 * I-JSON cannot carry (NaN, ±Infinity, lone surrogates, undefined, functions, bigint, cycles).
 */
export function canonicalizeJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, 0, new Set());
  return out.join('');
}

/** UTF-8 bytes of `canonicalizeJson(value)`: what a VDS-NC signature covers. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalizeJson(value));
}

function write(value: unknown, out: string[], depth: number, path: Set<object>): void {
  if (depth > MAX_DEPTH) throw new JcsInvalidError(`nested deeper than ${MAX_DEPTH} levels`);
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      out.push(serializeNumber(value));
      return;
    case 'string':
      out.push(serializeString(value));
      return;
    case 'object':
      break;
    default:
      throw new JcsInvalidError(`a ${typeof value} is not a JSON value`);
  }
  const object = value as object;
  if (path.has(object)) throw new JcsInvalidError('cyclic structure');
  path.add(object);
  if (Array.isArray(object)) {
    out.push('[');
    object.forEach((item: unknown, i) => {
      if (i > 0) out.push(',');
      write(item, out, depth + 1, path);
    });
    out.push(']');
  } else {
    const proto = Object.getPrototypeOf(object) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new JcsInvalidError('only plain objects are JSON objects');
    const record = object as Record<string, unknown>;
    // Like JSON.stringify, members whose value is undefined are absent.
    const names = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort(compareCodeUnits);
    out.push('{');
    names.forEach((name, i) => {
      if (i > 0) out.push(',');
      out.push(serializeString(name), ':');
      write(record[name], out, depth + 1, path);
    });
    out.push('}');
  }
  path.delete(object);
}

/** Order of RFC 8785 §3.2.3: compare UTF-16 code units, shorter prefix first. */
export function compareCodeUnits(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * RFC 8785 §3.2.2.3 defers to ECMAScript's Number::toString, which is exactly what `String(n)` does for finite
 * numbers (shortest round-trip digits, exponent from 1e21 up and below 1e-6, -0 written as 0).
 */
function serializeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new JcsInvalidError(`${n} is not a JSON number`);
  return String(n);
}

const SHORT_ESCAPES: Record<number, string> = {
  0x08: '\\b',
  0x09: '\\t',
  0x0a: '\\n',
  0x0c: '\\f',
  0x0d: '\\r',
  0x22: '\\"',
  0x5c: '\\\\',
};

/** RFC 8785 §3.2.2.2: escape only `"`, `\` and C0 controls (short forms where JSON has them, else \u00xx). */
function serializeString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      // A high surrogate must be followed by a low one; anything else is not Unicode text (I-JSON §2.1).
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      throw new JcsInvalidError(`lone surrogate U+${c.toString(16).toUpperCase()} in a string`);
    }
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(start, i) + (SHORT_ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, '0')}`);
    start = i + 1;
  }
  return `${out}${s.slice(start)}"`;
}
