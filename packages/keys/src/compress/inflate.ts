import { Gunzip, Inflate, Unzlib, deflateSync, gzipSync, zlibSync, type FlateStreamHandler } from 'fflate';
import { InflateInvalidError, InflateTooLargeError } from '../lib/errors.js';
import { nodeZlib, windowBitsFor } from './node-zlib.js';

/** Budget for one decompression. Both limits apply while inflating, so a bomb never allocates past them. */
export interface InflateLimits {
  /** Most bytes the output may have. Required: there is no safe default for every format. */
  maxOutput: number;
  /** Most output bytes per input byte (e.g. 40). Default: no ratio limit beyond maxOutput. */
  maxRatio?: number;
  /** Preset dictionary (raw deflate / zlib only). */
  dictionary?: Uint8Array;
}

/**
 * Input is fed to the inflater in slices this large; one slice can inflate to at most ~1032× its size, so this also
 * bounds what one step can allocate past the budget (~264 KB). The streaming variant, whose output is not kept,
 * takes larger slices (~4 MB a step): fflate's per-push overhead dominates below a few KB.
 */
const SLICE = 256;
const STREAM_SLICE = 4096;

interface FlateStream {
  ondata: FlateStreamHandler;
  push(chunk: Uint8Array, final?: boolean): void;
}

type Kind = 'raw' | 'zlib' | 'gzip';

const NAMES: Record<Kind, string> = { raw: 'inflate', zlib: 'zlib inflate', gzip: 'gunzip' };
/** Shortest valid stream of each kind (fflate would wait for more input rather than fail on a shorter one). */
const MIN_LENGTH: Record<Kind, number> = { raw: 1, zlib: 7, gzip: 18 };

function makeInflater(kind: Kind, dictionary?: Uint8Array): FlateStream {
  if (kind === 'gzip') return new Gunzip();
  const options = dictionary ? { dictionary } : {};
  return kind === 'raw' ? new Inflate(options) : new Unzlib(options);
}

/** Check the input and the limits; the byte budget both limits give. */
function budgetOf(kind: Kind, input: Uint8Array, limits: InflateLimits): number {
  const name = NAMES[kind];
  if (!(input instanceof Uint8Array)) throw new InflateInvalidError(`${name}: input must be a Uint8Array`);
  if (input.length < MIN_LENGTH[kind]) throw new InflateInvalidError(`${name}: compressed stream is truncated`);
  const { maxOutput, maxRatio } = limits ?? ({} as InflateLimits);
  if (typeof maxOutput !== 'number' || !(maxOutput >= 0))
    throw new RangeError(`${name}: limits.maxOutput must be a non-negative number`);
  return Math.floor(maxRatio === undefined ? maxOutput : Math.min(maxOutput, input.length * maxRatio));
}

/** Adler-32 (RFC 1950), continued from `start` (1 for a new checksum). */
export function adler32(data: Uint8Array, start = 1): number {
  let a = start & 0xffff;
  let b = start >>> 16;
  for (let i = 0; i < data.length;) {
    // zlib's NMAX: the most bytes before b could leave exact small-integer arithmetic.
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return (b * 65536 + a) >>> 0;
}

/**
 * zlib itself, where the runtime has it (Node): it accepts exactly what zlib accepts and is several times faster than
 * fflate on the few hundred bytes of a QR payload. `maxOutputLength` makes it stop at the budget while inflating.
 */
function nativeInflate(kind: Kind, input: Uint8Array, budget: number, dictionary?: Uint8Array): Uint8Array | undefined {
  const zlib = nodeZlib();
  if (!zlib) return undefined;
  const options = { maxOutputLength: Math.max(1, budget), ...(dictionary && kind !== 'gzip' ? { dictionary } : {}) };
  let out: Uint8Array;
  try {
    out =
      kind === 'raw'
        ? zlib.inflateRawSync(input, options)
        : kind === 'zlib'
          ? zlib.inflateSync(input, options)
          : zlib.gunzipSync(input, options);
  } catch (err) {
    if ((err as { code?: unknown })?.code === 'ERR_BUFFER_TOO_LARGE')
      throw new InflateTooLargeError(`${NAMES[kind]}: output passes its budget of ${budget} bytes`);
    throw new InflateInvalidError(`${NAMES[kind]}: not a valid compressed stream`, { cause: err });
  }
  if (out.length > budget)
    throw new InflateTooLargeError(`${NAMES[kind]}: output passes its budget of ${budget} bytes`);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Inflate `input` with fflate within `budget`, handing each piece of output to `sink` as it is produced (the piece is
 * only valid during the call: fflate reuses its window). A sink's own exception passes through unchanged. fflate
 * does not check zlib's Adler-32 trailer, so it is checked here (the trailer must end the input).
 */
function stream(
  kind: Kind,
  input: Uint8Array,
  budget: number,
  dictionary: Uint8Array | undefined,
  sink: (chunk: Uint8Array) => void,
  slice = SLICE,
): number {
  const name = NAMES[kind];
  let total = 0;
  let done = false;
  let check = 1;
  let sinkFailure: { error: unknown } | undefined;
  const inflater = makeInflater(kind, dictionary);
  inflater.ondata = (chunk, final) => {
    total += chunk.length;
    if (total > budget) throw new InflateTooLargeError(`${name}: output passes its budget of ${budget} bytes`);
    if (kind === 'zlib') check = adler32(chunk, check);
    try {
      sink(chunk);
    } catch (error) {
      sinkFailure = { error };
      throw error;
    }
    if (final) done = true;
  };
  try {
    for (let offset = 0; offset < input.length && !done; offset += slice) {
      const end = Math.min(offset + slice, input.length);
      inflater.push(input.subarray(offset, end), end === input.length);
    }
  } catch (err) {
    if (sinkFailure) throw sinkFailure.error;
    if (err instanceof InflateTooLargeError || total > budget)
      throw err instanceof InflateTooLargeError
        ? err
        : new InflateTooLargeError(`${name}: output passes its budget of ${budget} bytes`);
    throw new InflateInvalidError(`${name}: not a valid compressed stream`, { cause: err });
  }
  if (!done) throw new InflateInvalidError(`${name}: compressed stream is truncated`);
  if (kind === 'zlib') {
    const n = input.length;
    const trailer = ((input[n - 4]! << 24) | (input[n - 3]! << 16) | (input[n - 2]! << 8) | input[n - 1]!) >>> 0;
    if (trailer !== check) throw new InflateInvalidError(`${name}: incorrect data check (Adler-32)`);
  }
  return total;
}

function run(kind: Kind, input: Uint8Array, limits: InflateLimits): Uint8Array {
  const budget = budgetOf(kind, input, limits);
  const native = nativeInflate(kind, input, budget, limits.dictionary);
  if (native) return native;
  const chunks: Uint8Array[] = [];
  const total = stream(kind, input, budget, limits.dictionary, (chunk) => chunks.push(chunk.slice()));
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Inflate raw DEFLATE (RFC 1951) within `limits`. Throws `InflateTooLargeError` (`ERR_INFLATE_TOO_LARGE`) as soon as
 * the output would pass `maxOutput` or `maxRatio × input`, `InflateInvalidError` (`ERR_INFLATE_INVALID`) for a
 * malformed or truncated stream. zlib itself on Node (exactly what zlib accepts); fflate elsewhere, with the Adler-32
 * trailer of a zlib stream checked here (fflate skips it) and required to end the input.
 */
export function inflateRawBounded(input: Uint8Array, limits: InflateLimits): Uint8Array {
  return run('raw', input, limits);
}

/** Like `inflateRawBounded`, for a zlib stream (RFC 1950: header, deflate data, Adler-32). */
export function inflateZlibBounded(input: Uint8Array, limits: InflateLimits): Uint8Array {
  return run('zlib', input, limits);
}

/**
 * Like `inflateZlibBounded`, without holding the output: each piece goes to `sink` as it is produced (valid only
 * during the call) and the total length is returned. For large outputs consumed piece by piece (PNG scanlines).
 */
export function inflateZlibBoundedStream(
  input: Uint8Array,
  limits: InflateLimits,
  sink: (chunk: Uint8Array) => void,
): number {
  return stream('zlib', input, budgetOf('zlib', input, limits), limits.dictionary, sink, STREAM_SLICE);
}

/** Like `inflateRawBounded`, for gzip (RFC 1952). */
export function gunzipBounded(input: Uint8Array, limits: Omit<InflateLimits, 'dictionary'>): Uint8Array {
  return run('gzip', input, limits);
}

/** Options of the deflate, zlib and gzip compressors. */
export interface DeflateOptions {
  /** 0–9, default 9. */
  level?: number;
  dictionary?: Uint8Array;
  /**
   * `'rle'`: run-length matching only (zlib's Z_RLE), for image data such as PNG scanlines, where it finds the zero
   * rows and long runs at a fraction of the cost of full matching. Applied by node:zlib; fflate (browsers) has no such
   * strategy and compresses normally. Default `'default'`.
   */
  strategy?: 'default' | 'rle';
}

type Level = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
const level = (options: DeflateOptions): Level => Math.max(0, Math.min(9, Math.trunc(options.level ?? 9))) as Level;

/** Native zlib where there is one: for the few hundred bytes of a QR payload, ~3x faster than fflate. */
function nativeDeflate(kind: 'raw' | 'zlib', input: Uint8Array, options: DeflateOptions): Uint8Array | undefined {
  const zlib = nodeZlib();
  if (!zlib) return undefined;
  const windowBits = windowBitsFor(input.length + (options.dictionary?.length ?? 0));
  const settings = {
    level: level(options),
    windowBits,
    memLevel: Math.max(1, Math.min(9, windowBits - 6)),
    ...(options.dictionary ? { dictionary: options.dictionary } : {}),
    ...(options.strategy === 'rle' ? { strategy: zlib.constants.Z_RLE } : {}),
  };
  const out = kind === 'raw' ? zlib.deflateRawSync(input, settings) : zlib.deflateSync(input, settings);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Raw DEFLATE: node:zlib on Node, fflate elsewhere (both plain RFC 1951 streams; bytes may differ). */
export function deflateRaw(input: Uint8Array, options: DeflateOptions = {}): Uint8Array {
  return (
    nativeDeflate('raw', input, options) ??
    deflateSync(input, { level: level(options), ...(options.dictionary ? { dictionary: options.dictionary } : {}) })
  );
}

/** zlib-wrapped DEFLATE: node:zlib on Node, fflate elsewhere. */
export function deflateZlib(input: Uint8Array, options: DeflateOptions = {}): Uint8Array {
  return (
    nativeDeflate('zlib', input, options) ??
    zlibSync(input, { level: level(options), ...(options.dictionary ? { dictionary: options.dictionary } : {}) })
  );
}

/** gzip, runtime-neutral (mtime 0 so the output depends on the input only). */
export function gzip(input: Uint8Array, options: Omit<DeflateOptions, 'dictionary'> = {}): Uint8Array {
  return gzipSync(input, { level: level(options), mtime: 0 });
}
