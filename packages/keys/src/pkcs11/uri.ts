/**
 * PKCS#11 URIs (RFC 7512): `pkcs11:token=T;object=issuer-key;type=private?module-path=/usr/lib/…&pin-source=env:VAR`.
 * Parsing is pure (no file or environment access); `resolvePkcs11Pin` reads the PIN a URI points to.
 */
import { readFileCapped } from '../node/index.js';
import { utf8DecodeStrict } from '../codec/utf8.js';
import { Pkcs11PinUnavailableError, Pkcs11UriInvalidError } from './errors.js';
import type { Pkcs11KeySelector } from './keys.js';
import type { OpenPkcs11SessionOptions } from './session.js';

/** The `type` attribute of a PKCS#11 URI (RFC 7512). */
export type Pkcs11ObjectType = 'public' | 'private' | 'cert' | 'secret-key' | 'data';

/** The attributes of a PKCS#11 URI, percent-decoded. `id` is bytes; everything else text. */
export interface Pkcs11Uri {
  token?: string;
  manufacturer?: string;
  serial?: string;
  model?: string;
  libraryManufacturer?: string;
  libraryDescription?: string;
  libraryVersion?: string;
  slotDescription?: string;
  slotManufacturer?: string;
  slotId?: number;
  /** The key's CKA_LABEL. */
  object?: string;
  type?: Pkcs11ObjectType;
  /** The key's CKA_ID. */
  id?: Uint8Array;
  pinSource?: string;
  /** Allowed by RFC 7512 but discouraged: the PIN ends up in shell history and process lists. Prefer pin-source. */
  pinValue?: string;
  moduleName?: string;
  modulePath?: string;
}

const MAX_URI_LENGTH = 4096;

const PATH_ATTRIBUTES: Record<string, keyof Pkcs11Uri> = {
  token: 'token',
  manufacturer: 'manufacturer',
  serial: 'serial',
  model: 'model',
  'library-manufacturer': 'libraryManufacturer',
  'library-description': 'libraryDescription',
  'library-version': 'libraryVersion',
  'slot-description': 'slotDescription',
  'slot-manufacturer': 'slotManufacturer',
  'slot-id': 'slotId',
  object: 'object',
  type: 'type',
  id: 'id',
};
const QUERY_ATTRIBUTES: Record<string, keyof Pkcs11Uri> = {
  'pin-source': 'pinSource',
  'pin-value': 'pinValue',
  'module-name': 'moduleName',
  'module-path': 'modulePath',
};
const OBJECT_TYPES: readonly string[] = ['public', 'private', 'cert', 'secret-key', 'data'];

// RFC 7512 pk11-pchar / pk11-qchar (before percent-decoding): unreserved, the allowed reserved ones, and `%`.
const PATH_CHARS = /^[A-Za-z0-9\-._~:[\]@!$'()*+,=&;%]*$/;
const QUERY_CHARS = /^[A-Za-z0-9\-._~:[\]@!$'()*+,=/?|&%]*$/;

function percentDecode(raw: string, name: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25) {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex))
        throw new Pkcs11UriInvalidError(`PKCS#11 URI attribute "${name}" has a bad percent-escape`);
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(c);
    }
  }
  return Uint8Array.from(out);
}

function text(bytes: Uint8Array, name: string): string {
  const value = utf8DecodeStrict(bytes);
  if (value === undefined) throw new Pkcs11UriInvalidError(`PKCS#11 URI attribute "${name}" is not UTF-8`);
  if (/[\0-\x1f\x7f]/.test(value))
    throw new Pkcs11UriInvalidError(`PKCS#11 URI attribute "${name}" holds control characters`);
  return value;
}

/**
 * True when `value` looks like a PKCS#11 URI (starts with `pkcs11:`), so callers can route it instead of a file path.
 */
export function isPkcs11Uri(value: unknown): value is string {
  return typeof value === 'string' && /^pkcs11:/i.test(value);
}

/**
 * Parse a PKCS#11 URI. Unknown standard attributes, duplicates, bad escapes and bad values are refused with
 * `Pkcs11UriInvalidError` (ERR_PKCS11_URI_INVALID); vendor attributes (`x-…`) are ignored. Messages never echo
 * the PIN.
 */
export function parsePkcs11Uri(uri: string): Pkcs11Uri {
  if (typeof uri !== 'string') throw new Pkcs11UriInvalidError('PKCS#11 URI must be a string');
  if (uri.length > MAX_URI_LENGTH)
    throw new Pkcs11UriInvalidError(`PKCS#11 URI longer than ${MAX_URI_LENGTH} characters`);
  if (!isPkcs11Uri(uri)) throw new Pkcs11UriInvalidError('PKCS#11 URI must start with "pkcs11:"');
  const rest = uri.slice('pkcs11:'.length);
  const q = rest.indexOf('?');
  const path = q === -1 ? rest : rest.slice(0, q);
  const query = q === -1 ? '' : rest.slice(q + 1);
  if (!PATH_CHARS.test(path))
    throw new Pkcs11UriInvalidError('PKCS#11 URI path holds characters that must be percent-encoded');
  if (!QUERY_CHARS.test(query))
    throw new Pkcs11UriInvalidError('PKCS#11 URI query holds characters that must be percent-encoded');

  const result: Record<string, unknown> = {};
  const take = (part: string, known: Record<string, keyof Pkcs11Uri>, where: string) => {
    if (part === '') return;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Pkcs11UriInvalidError(`PKCS#11 URI ${where} attribute without "name=value"`);
    const name = part.slice(0, eq).toLowerCase();
    const raw = part.slice(eq + 1);
    if (name.startsWith('x-')) return;
    const field = known[name];
    if (field === undefined) {
      const other = where === 'path' ? QUERY_ATTRIBUTES[name] : PATH_ATTRIBUTES[name];
      throw new Pkcs11UriInvalidError(
        other
          ? `PKCS#11 URI attribute "${name}" belongs in the ${where === 'path' ? 'query (after ?)' : 'path (before ?)'}`
          : `unknown PKCS#11 URI attribute "${name}"`,
      );
    }
    if (field in result) throw new Pkcs11UriInvalidError(`PKCS#11 URI attribute "${name}" appears twice`);
    const bytes = percentDecode(raw, name);
    switch (field) {
      case 'id':
        if (bytes.length === 0 || bytes.length > 64)
          throw new Pkcs11UriInvalidError('PKCS#11 URI "id" must be 1 to 64 bytes');
        result.id = bytes;
        break;
      case 'slotId': {
        const value = text(bytes, name);
        if (!/^\d{1,15}$/.test(value))
          throw new Pkcs11UriInvalidError('PKCS#11 URI "slot-id" must be a decimal number');
        result.slotId = Number(value);
        break;
      }
      case 'type': {
        const value = text(bytes, name);
        if (!OBJECT_TYPES.includes(value))
          throw new Pkcs11UriInvalidError(`PKCS#11 URI "type" must be one of ${OBJECT_TYPES.join(', ')}`);
        result.type = value;
        break;
      }
      case 'libraryVersion': {
        const value = text(bytes, name);
        if (!/^\d{1,3}(\.\d{1,3})?$/.test(value))
          throw new Pkcs11UriInvalidError('PKCS#11 URI "library-version" must be M or M.N');
        result.libraryVersion = value;
        break;
      }
      default: {
        const value = text(bytes, name);
        if (value.length === 0) throw new Pkcs11UriInvalidError(`PKCS#11 URI attribute "${name}" is empty`);
        result[field] = value;
      }
    }
  };
  for (const part of path.split(';')) take(part, PATH_ATTRIBUTES, 'path');
  if (q !== -1) for (const part of query.split('&')) take(part, QUERY_ATTRIBUTES, 'query');
  if (result.pinSource !== undefined && result.pinValue !== undefined)
    throw new Pkcs11UriInvalidError('PKCS#11 URI has both pin-source and pin-value');
  if (result.modulePath !== undefined && !String(result.modulePath).startsWith('/')) {
    throw new Pkcs11UriInvalidError('PKCS#11 URI "module-path" must be an absolute path');
  }
  return result as Pkcs11Uri;
}

const RESERVED = /[^A-Za-z0-9\-._~:[\]@!$'()*+,=]/g;
function encode(value: string | Uint8Array): string {
  if (value instanceof Uint8Array) return Array.from(value, (b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  return Array.from(new TextEncoder().encode(value), (b) => {
    const c = String.fromCharCode(b);
    return b < 0x80 && !c.match(RESERVED) ? c : `%${b.toString(16).padStart(2, '0').toUpperCase()}`;
  }).join('');
}

/**
 * Format a PKCS#11 URI. `pin-value` is never written (so a formatted URI is safe to log); `pin-source` is.
 */
export function formatPkcs11Uri(uri: Pkcs11Uri): string {
  const path: string[] = [];
  for (const [name, field] of Object.entries(PATH_ATTRIBUTES)) {
    const value = uri[field];
    if (value === undefined) continue;
    path.push(`${name}=${field === 'id' ? encode(value as Uint8Array) : encode(String(value))}`);
  }
  const query: string[] = [];
  for (const [name, field] of Object.entries(QUERY_ATTRIBUTES)) {
    const value = uri[field];
    if (value === undefined || field === 'pinValue') continue;
    query.push(`${name}=${encode(String(value)).replace(/%2F/gi, '/')}`);
  }
  return `pkcs11:${path.join(';')}${query.length ? `?${query.join('&')}` : ''}`;
}

/** A URI text with any `pin-value` replaced by `***`, for messages and logs. Works on malformed text too. */
export function redactPkcs11Uri(uri: string): string {
  return String(uri).replace(/(pin-value=)[^&;#]*/gi, '$1***');
}

/** Options of `resolvePkcs11Pin`. */
export interface ResolvePkcs11PinOptions {
  /** Environment for `pin-source=env:NAME` and the defaults below (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Used when the URI gives no PIN at all. Default: the environment's `DIVOC_PKCS11_PIN`. */
  fallback?: string;
}

/**
 * The user PIN a URI points to: `pin-value`, `pin-source=env:NAME`, or `pin-source=file:/path` (or an absolute path;
 * one line, at most 256 bytes, trailing newline dropped); else `fallback` / `$DIVOC_PKCS11_PIN`.
 * Throws `Pkcs11PinUnavailableError`.
 */
export async function resolvePkcs11Pin(uri: Pkcs11Uri, options: ResolvePkcs11PinOptions = {}): Promise<string> {
  if (uri.pinValue !== undefined) return uri.pinValue;
  const source = uri.pinSource;
  if (source === undefined) {
    const fallback = options.fallback ?? (options.env ?? process.env).DIVOC_PKCS11_PIN;
    if (typeof fallback === 'string' && fallback.length > 0) return fallback;
    throw new Pkcs11PinUnavailableError(
      'no PIN: add pin-source=env:NAME (or file:/path) to the PKCS#11 URI, or set DIVOC_PKCS11_PIN',
    );
  }
  if (source.startsWith('env:')) {
    const name = source.slice(4);
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name))
      throw new Pkcs11PinUnavailableError('pin-source env: needs a variable name');
    const value = (options.env ?? process.env)[name];
    if (value === undefined || value === '')
      throw new Pkcs11PinUnavailableError(`pin-source: environment variable ${name} is not set`);
    return value;
  }
  const path = source.startsWith('file:') ? fileUriPath(source) : source.startsWith('/') ? source : undefined;
  if (path === undefined)
    throw new Pkcs11PinUnavailableError('pin-source must be env:NAME, file:/path or an absolute path');
  let content: { bytes: Uint8Array; tooLarge: boolean };
  try {
    content = await readFileCapped(path, MAX_PIN_FILE_BYTES);
  } catch (err) {
    throw new Pkcs11PinUnavailableError(
      `pin-source file ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (content.tooLarge) throw new Pkcs11PinUnavailableError(`pin-source file ${path} is too large to hold a PIN`);
  const pin = new TextDecoder().decode(content.bytes).replace(/\r?\n$/, '');
  if (pin.length === 0 || /[\r\n]/.test(pin))
    throw new Pkcs11PinUnavailableError(`pin-source file ${path} must hold the PIN on one line`);
  return pin;
}

/** A PIN (at most 256 characters) and its line end: a pin-source file is never read further than this. */
const MAX_PIN_FILE_BYTES = 258;

function fileUriPath(source: string): string | undefined {
  // file:/abs/path or file:///abs/path (no host).
  const rest = source.slice(5).replace(/^\/\/(?=\/)/, '');
  if (!rest.startsWith('/')) return undefined;
  try {
    return decodeURIComponent(rest);
  } catch {
    return undefined;
  }
}

/** What a PKCS#11 URI names, ready to use: the session options and the key. */
export interface Pkcs11UriTarget {
  /** Options for `openPkcs11Session` (PIN resolved). */
  session: OpenPkcs11SessionOptions;
  /** The key the URI names (`object` → label, `id` → id); undefined when it names none. */
  key: Pkcs11KeySelector | undefined;
}

/**
 * Everything needed to open the token and find the key a URI names. The module comes from `module-path`, else
 * `defaultModule`, else `$DIVOC_PKCS11_MODULE`; `module-name` is not resolved (give a path).
 */
export async function pkcs11UriTarget(
  uri: string | Pkcs11Uri,
  options: ResolvePkcs11PinOptions & { defaultModule?: string } = {},
): Promise<Pkcs11UriTarget> {
  const parsed = typeof uri === 'string' ? parsePkcs11Uri(uri) : uri;
  const module = parsed.modulePath ?? options.defaultModule ?? (options.env ?? process.env).DIVOC_PKCS11_MODULE;
  if (module === undefined || module === '') {
    throw new Pkcs11UriInvalidError(
      parsed.moduleName !== undefined
        ? 'module-name is not resolved here: give module-path=/path/to/module.so'
        : 'the PKCS#11 URI names no module: add ?module-path=/path/to/module.so',
    );
  }
  if (parsed.type !== undefined && parsed.type !== 'private' && parsed.type !== 'public') {
    throw new Pkcs11UriInvalidError(
      `the PKCS#11 URI names a ${parsed.type} object; a key (type=private or public) is needed`,
    );
  }
  const pin = await resolvePkcs11Pin(parsed, options);
  const key: Pkcs11KeySelector | undefined =
    parsed.object !== undefined
      ? { label: parsed.object, ...(parsed.id !== undefined ? { id: parsed.id } : {}) }
      : parsed.id !== undefined
        ? { id: parsed.id }
        : undefined;
  return {
    session: {
      module,
      pin,
      ...(parsed.slotId !== undefined ? { slot: parsed.slotId } : {}),
      ...(parsed.token !== undefined ? { tokenLabel: parsed.token } : {}),
      ...(parsed.serial !== undefined ? { tokenSerial: parsed.serial } : {}),
    },
    key,
  };
}
