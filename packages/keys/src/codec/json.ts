import {
  JsonDuplicateKeyError,
  JsonForbiddenKeyError,
  JsonSyntaxError,
  JsonTooDeepError,
  JsonTooLargeError,
} from '../lib/errors.js';

/**
 * Strict JSON for data from strangers (credentials, seals, trust lists, revocation lists...): what was signed must be
 * what is read. `JSON.parse` keeps the last of two same-named members, while a signature, a display or another
 * parser may use the first, and it turns a `"__proto__"` member into an own property that later copies
 * (`{ ...x }`, `Object.assign`) make a prototype. So this parser refuses both, with stable codes:
 *
 * - `ERR_JSON_DUPLICATE_KEY`: an object names a member twice (the message names the key and its JSON path);
 * - `ERR_JSON_FORBIDDEN_KEY`: a member named `__proto__`, `constructor` or `prototype`;
 * - `ERR_JSON_SYNTAX`: not RFC 8259 JSON (exactly what `JSON.parse` refuses);
 * - `ERR_JSON_TOO_DEEP`: objects/arrays nested deeper than `maxDepth` (iterative: no stack overflow);
 * - `ERR_JSON_TOO_LARGE`: text longer than `maxLength`, refused before parsing.
 *
 * Everything else parses to exactly what `JSON.parse` returns (same values, same member order), as plain objects
 * and arrays. Linear time; runtime-neutral.
 */

/**
 * A JSON object as `parseJsonStrict` / `JSON.parse` give one: non-null, not an array. Structural only (the prototype
 * is not checked; for copying or serialising untrusted objects check it yourself). The SDK's one such guard.
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Limits of `parseJsonStrict`. */
export interface StrictJsonOptions {
  /** Deepest nesting of objects and arrays accepted; the outermost container is depth 1. Default 256. */
  maxDepth?: number;
  /** Longest text accepted, in UTF-16 code units (`text.length`). Default 64 Mi. */
  maxLength?: number;
}

/** Default deepest nesting `parseJsonStrict` accepts (the outermost container is depth 1). */
export const JSON_DEFAULT_MAX_DEPTH = 256;
/** Default longest JSON text `parseJsonStrict` accepts, in UTF-16 code units (64 Mi). */
export const JSON_DEFAULT_MAX_LENGTH = 64 * 1024 * 1024;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * `text` as a JSON string for an error message, cut to `max` characters (`…` marks the cut): names read from a
 * stranger's input (keys, fields, columns) are quoted, never echoed whole.
 */
export function quoteUntrusted(text: string, max = 100): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

const quoteKey = (key: string): string => quoteUntrusted(key);

function pathSegment(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return IDENTIFIER.test(key) && key.length <= 100 ? `.${key}` : `[${quoteKey(key)}]`;
}

function limitOption(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0)) throw new TypeError(`${name} must be a non-negative number`);
  return value;
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i;
  HEX[97 + i] = 10 + i;
}

/** The rest of a string without escapes or control characters, through its closing quote (sticky). */
const PLAIN_STRING = /[^"\\\u0000-\u001f]*"/y;

/**
 * Member names seen lately, so objects get the same (internalised) string each time: a fifth faster on credentials.
 * Bounded in count and length; V8 turns a sliced name into a thin string once it is a property key, so an entry does
 * not keep its source text alive.
 */
const NAME_CACHE = new Map<string, string>();
const NAME_CACHE_MAX = 4096;
const NAME_CACHE_LENGTH = 32;

const C_QUOTE = 0x22;
const C_BACKSLASH = 0x5c;
const C_COMMA = 0x2c;
const C_COLON = 0x3a;
const C_LBRACE = 0x7b;
const C_RBRACE = 0x7d;
const C_LBRACKET = 0x5b;
const C_RBRACKET = 0x5d;
const C_MINUS = 0x2d;
const C_DOT = 0x2e;
const C_0 = 0x30;
const C_9 = 0x39;

// Parser state. Parsing runs no caller code (no reviver, no setters, no getters), so it cannot be re-entered.
let text = '';
let pos = 0;
let maxDepth = JSON_DEFAULT_MAX_DEPTH;
/** How many entries of `trail` describe the current position. */
let level = 0;
/** Per open container: the member name or element index being read, for error paths. */
const trail: Array<string | number> = [];

function pathOf(levels: number): string {
  let out = '$';
  for (let i = 0; i < levels; i++) out += pathSegment(trail[i]!);
  return out;
}

function syntaxError(message: string, position: number, levels = level): JsonSyntaxError {
  const path = pathOf(levels);
  return new JsonSyntaxError(`invalid JSON: ${message} at position ${position} (${path})`, path, position);
}

/**
 * Never quotes the text: JSON parsed here includes key files, and an error must not carry even one character of a
 * secret (`"d": SECRET…` unquoted). The position and JSON path say where.
 */
function unexpected(position: number, expected: string, levels = level): JsonSyntaxError {
  if (position >= text.length) return syntaxError(`unexpected end of text ${expected}`, position, levels);
  return syntaxError(`unexpected character ${expected}`, position, levels);
}

function skipWhitespace(): void {
  let c = text.charCodeAt(pos);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++pos);
}

/** A string from its opening quote at `pos`. */
function readString(): string {
  const start = pos + 1;
  // Most strings hold no escape: one native scan to the closing quote.
  PLAIN_STRING.lastIndex = start;
  if (PLAIN_STRING.test(text)) {
    pos = PLAIN_STRING.lastIndex;
    return text.slice(start, pos - 1);
  }
  let out = '';
  let chunk = start;
  let p = start;
  for (;;) {
    if (p >= text.length) throw syntaxError('unterminated string', start - 1);
    const c = text.charCodeAt(p);
    if (c === C_QUOTE) {
      pos = p + 1;
      return out + text.slice(chunk, p);
    }
    if (c < 0x20) throw syntaxError('control character in string (escape it)', p);
    if (c !== C_BACKSLASH) {
      p++;
      continue;
    }
    out += text.slice(chunk, p);
    switch (text.charCodeAt(p + 1)) {
      case 0x22:
        out += '"';
        break;
      case 0x5c:
        out += '\\';
        break;
      case 0x2f:
        out += '/';
        break;
      case 0x62:
        out += '\b';
        break;
      case 0x66:
        out += '\f';
        break;
      case 0x6e:
        out += '\n';
        break;
      case 0x72:
        out += '\r';
        break;
      case 0x74:
        out += '\t';
        break;
      case 0x75: {
        let code = 0;
        for (let i = 2; i < 6; i++) {
          const h = text.charCodeAt(p + i);
          const v = h < 128 ? HEX[h]! : -1;
          if (v < 0) throw syntaxError('bad \\u escape in string', p);
          code = (code << 4) | v;
        }
        out += String.fromCharCode(code);
        p += 4;
        break;
      }
      default:
        throw syntaxError('bad escape in string', p);
    }
    p += 2;
    chunk = p;
  }
}

function readNumber(): number {
  const start = pos;
  let c = text.charCodeAt(pos);
  const negative = c === C_MINUS;
  if (negative) c = text.charCodeAt(++pos);
  let integer = 0;
  if (c === C_0) {
    c = text.charCodeAt(++pos);
  } else if (c > C_0 && c <= C_9) {
    do {
      integer = integer * 10 + (c - C_0);
      c = text.charCodeAt(++pos);
    } while (c >= C_0 && c <= C_9);
  } else {
    throw syntaxError('bad number', start);
  }
  let plain = true;
  if (c === C_DOT) {
    plain = false;
    c = text.charCodeAt(++pos);
    if (!(c >= C_0 && c <= C_9)) throw syntaxError('bad number (digit expected after ".")', start);
    do c = text.charCodeAt(++pos);
    while (c >= C_0 && c <= C_9);
  }
  if (c === 0x65 || c === 0x45) {
    plain = false;
    c = text.charCodeAt(++pos);
    if (c === 0x2b || c === C_MINUS) c = text.charCodeAt(++pos);
    if (!(c >= C_0 && c <= C_9)) throw syntaxError('bad number (digit expected in exponent)', start);
    do c = text.charCodeAt(++pos);
    while (c >= C_0 && c <= C_9);
  }
  // Up to 15 digits an integer sums exactly; anything else takes the same string-to-number as JSON.parse.
  if (plain && pos - start - (negative ? 1 : 0) <= 15) return negative ? -integer : integer;
  return Number(text.slice(start, pos));
}

/** The `"name":` of the next member of `target` (at depth `depth`), refusing forbidden and repeated names. */
function readMemberName(target: Record<string, unknown>, depth: number): string {
  const start = pos;
  level = depth;
  if (text.charCodeAt(start) !== C_QUOTE) throw unexpected(start, '(expected a double-quoted member name)');
  let name = readString();
  const cached = NAME_CACHE.get(name);
  if (cached !== undefined) {
    name = cached;
  } else if (name.length <= NAME_CACHE_LENGTH) {
    if (NAME_CACHE.size >= NAME_CACHE_MAX) NAME_CACHE.clear();
    NAME_CACHE.set(name, name);
  }
  trail[depth] = name;
  level = depth + 1;
  if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
    const path = pathOf(depth + 1);
    throw new JsonForbiddenKeyError(`forbidden member name ${quoteKey(name)} at ${path}`, path, start);
  }
  if (name in target && Object.hasOwn(target, name)) {
    const path = pathOf(depth + 1);
    throw new JsonDuplicateKeyError(`duplicate member name ${quoteKey(name)} at ${path}`, path, start);
  }
  skipWhitespace();
  if (text.charCodeAt(pos) !== C_COLON) throw unexpected(pos, "(expected ':')");
  pos++;
  skipWhitespace();
  return name;
}

/** A value at `pos` (whitespace skipped), inside `depth` open containers. Recursion is bounded by `maxDepth`. */
function readValue(depth: number): unknown {
  const c = text.charCodeAt(pos);
  if (c === C_QUOTE) return readString();
  if (c === C_LBRACE || c === C_LBRACKET) {
    if (depth >= maxDepth) {
      const path = pathOf(depth);
      throw new JsonTooDeepError(`JSON nests deeper than ${maxDepth} levels at ${path}`, path, pos);
    }
    pos++;
    skipWhitespace();
    if (c === C_LBRACE) {
      const object: Record<string, unknown> = {};
      if (text.charCodeAt(pos) === C_RBRACE) {
        pos++;
        level = depth;
        return object;
      }
      for (;;) {
        const name = readMemberName(object, depth);
        const value = readValue(depth + 1);
        // Repeats were refused above, so a name already `in` the object is inherited: define, never assign
        // (a setter or a frozen member of Object.prototype must not see it).
        if (name in object)
          Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
        else object[name] = value;
        skipWhitespace();
        const d = text.charCodeAt(pos);
        if (d === C_COMMA) {
          pos++;
          skipWhitespace();
          continue;
        }
        if (d === C_RBRACE) {
          pos++;
          level = depth;
          return object;
        }
        throw unexpected(pos, "(expected ',' or '}')");
      }
    }
    const array: unknown[] = [];
    if (text.charCodeAt(pos) === C_RBRACKET) {
      pos++;
      level = depth;
      return array;
    }
    for (;;) {
      trail[depth] = array.length;
      level = depth + 1;
      array.push(readValue(depth + 1));
      skipWhitespace();
      const d = text.charCodeAt(pos);
      if (d === C_COMMA) {
        pos++;
        skipWhitespace();
        continue;
      }
      if (d === C_RBRACKET) {
        pos++;
        level = depth;
        return array;
      }
      throw unexpected(pos, "(expected ',' or ']')");
    }
  }
  if (c === C_MINUS || (c >= C_0 && c <= C_9)) return readNumber();
  if (c === 0x74 && text.startsWith('true', pos)) {
    pos += 4;
    return true;
  }
  if (c === 0x66 && text.startsWith('false', pos)) {
    pos += 5;
    return false;
  }
  if (c === 0x6e && text.startsWith('null', pos)) {
    pos += 4;
    return null;
  }
  throw unexpected(pos, '(expected a JSON value)');
}

/**
 * Parses JSON text as `JSON.parse` does, but refuses duplicate member names (`ERR_JSON_DUPLICATE_KEY`) and members
 * named `__proto__` / `constructor` / `prototype` (`ERR_JSON_FORBIDDEN_KEY`) anywhere in the document, as well as
 * text over `maxLength` (`ERR_JSON_TOO_LARGE`) and nesting over `maxDepth` (`ERR_JSON_TOO_DEEP`). Bad JSON is
 * `ERR_JSON_SYNTAX`. Every error is a `JsonError` from this package, with the JSON path of the offending member.
 * Use it for every JSON text that comes from outside (credentials, seals, trust material, status lists).
 */
export function parseJsonStrict(input: string, options: StrictJsonOptions = {}): unknown {
  const maxLength = limitOption(options.maxLength, JSON_DEFAULT_MAX_LENGTH, 'maxLength');
  const depthLimit = limitOption(options.maxDepth, JSON_DEFAULT_MAX_DEPTH, 'maxDepth');
  if (typeof input !== 'string')
    throw new JsonSyntaxError(`JSON text must be a string, got ${input === null ? 'null' : typeof input}`, '$');
  if (input.length > maxLength)
    throw new JsonTooLargeError(`JSON text is ${input.length} characters, over the ${maxLength} limit`, '$');
  text = input;
  pos = 0;
  level = 0;
  maxDepth = depthLimit;
  try {
    skipWhitespace();
    const value = readValue(0);
    skipWhitespace();
    if (pos !== text.length) throw unexpected(pos, 'after the JSON value');
    return value;
  } catch (error) {
    // A maxDepth set past what the stack holds still ends in a typed error, not a stack overflow.
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      const path = pathOf(Math.min(level, 64));
      throw new JsonTooDeepError(
        `JSON nests deeper than the stack allows at ${path}${level > 64 ? '…' : ''}`,
        path,
        pos,
        { cause: error },
      );
    }
    throw error;
  } finally {
    text = '';
    trail.length = 0;
  }
}

/** Limits of `assertSafeJson`, which checks JSON values that were parsed elsewhere. */
export interface SafeJsonOptions {
  /** Deepest nesting of objects and arrays accepted; the outermost container is depth 1. Default 256. */
  maxDepth?: number;
}

/** The JSON path from `root` to `target` (breadth-first, so the shortest), for messages; only on the error path. */
function pathTo(root: object, target: object, last?: string): string {
  const parents = new Map<object, [object, string | number] | null>([[root, null]]);
  const queue: object[] = [root];
  for (let i = 0; i < queue.length && !parents.has(target); i++) {
    const node = queue[i]!;
    const keys: Array<string | number> = Array.isArray(node) ? node.map((_, j) => j) : Object.keys(node);
    for (const key of keys) {
      const child: unknown = (node as Record<string | number, unknown>)[key];
      if (typeof child === 'object' && child !== null && !parents.has(child)) {
        parents.set(child, [node, key]);
        queue.push(child);
      }
    }
  }
  const parts: string[] = last === undefined ? [] : [pathSegment(last)];
  for (let step = parents.get(target); step; step = parents.get(step[0])) parts.push(pathSegment(step[1]));
  return `$${parts.reverse().join('')}`;
}

/**
 * Walks already-parsed data (an object a library caller hands over, perhaps from `JSON.parse`) and throws
 * `JsonForbiddenKeyError` (`ERR_JSON_FORBIDDEN_KEY`) for any own member named `__proto__`, `constructor` or
 * `prototype`, and `JsonTooDeepError` past `maxDepth`. Iterative; shared and cyclic references are walked once.
 * Duplicates cannot exist in parsed data: for text, use `parseJsonStrict`.
 */
export function assertSafeJson(value: unknown, options: SafeJsonOptions = {}): void {
  const maxDepth = limitOption(options.maxDepth, JSON_DEFAULT_MAX_DEPTH, 'maxDepth');
  if (typeof value !== 'object' || value === null) return;
  const nodes: object[] = [value];
  const depths: number[] = [1];
  const seen = new Set<object>();
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    if (depth > maxDepth) {
      const path = pathTo(value, node);
      throw new JsonTooDeepError(`JSON data nests deeper than ${maxDepth} levels at ${path}`, path);
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (typeof child === 'object' && child !== null) {
          nodes.push(child);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    const keys = Object.keys(node);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        const path = pathTo(value, node, key);
        throw new JsonForbiddenKeyError(`forbidden member name ${quoteKey(key)} at ${path}`, path);
      }
      const child: unknown = (node as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) {
        nodes.push(child);
        depths.push(depth + 1);
      }
    }
  }
}
