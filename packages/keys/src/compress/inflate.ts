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

/**
 * Inflate `input` within `limits`, handing each piece of output to `sink` as it is produced (the piece is only valid
 * during the call: fflate reuses its window). A sink's own exception passes through unchanged.
 */
function stream(kind: string, input: Uint8Array, limits: InflateLimits, make: (dictionary?: Uint8Array) => FlateStream, minLength: number, sink: (chunk: Uint8Array) => void, slice = SLICE): number {
  if (!(input instanceof Uint8Array)) throw new InflateInvalidError(`${kind}: input must be a Uint8Array`);
  // Shorter than the smallest valid stream of its kind (fflate would wait for more input rather than fail).
  if (input.length < minLength) throw new InflateInvalidError(`${kind}: compressed stream is truncated`);
  const { maxOutput, maxRatio } = limits ?? ({} as InflateLimits);
  if (typeof maxOutput !== 'number' || !(maxOutput >= 0)) throw new RangeError(`${kind}: limits.maxOutput must be a non-negative number`);
  const budget = Math.floor(maxRatio === undefined ? maxOutput : Math.min(maxOutput, input.length * maxRatio));
  let total = 0;
  let done = false;
  let sinkFailure: { error: unknown } | undefined;
  const inflater = make(limits.dictionary);
  inflater.ondata = (chunk, final) => {
    total += chunk.length;
    if (total > budget) throw new InflateTooLargeError(`${kind}: output passes its budget of ${budget} bytes`);
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
    if (err instanceof InflateTooLargeError || total > budget) throw err instanceof InflateTooLargeError ? err : new InflateTooLargeError(`${kind}: output passes its budget of ${budget} bytes`);
    throw new InflateInvalidError(`${kind}: not a valid compressed stream`, { cause: err });
  }
  if (!done) throw new InflateInvalidError(`${kind}: compressed stream is truncated`);
  return total;
}

function run(kind: string, input: Uint8Array, limits: InflateLimits, make: (dictionary?: Uint8Array) => FlateStream, minLength: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  const total = stream(kind, input, limits, make, minLength, (chunk) => chunks.push(chunk.slice()));
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
 * malformed or truncated stream. Runtime-neutral (fflate).
 */
export function inflateRawBounded(input: Uint8Array, limits: InflateLimits): Uint8Array {
  return run('inflate', input, limits, (dictionary) => new Inflate(dictionary ? { dictionary } : {}), 1);
}

/** Like `inflateRawBounded`, for a zlib stream (RFC 1950: header, deflate data, Adler-32). */
export function inflateZlibBounded(input: Uint8Array, limits: InflateLimits): Uint8Array {
  return run('zlib inflate', input, limits, (dictionary) => new Unzlib(dictionary ? { dictionary } : {}), 7);
}

/**
 * Like `inflateZlibBounded`, without holding the output: each piece goes to `sink` as it is produced (valid only
 * during the call) and the total length is returned. For large outputs consumed piece by piece (PNG scanlines).
 */
export function inflateZlibBoundedStream(input: Uint8Array, limits: InflateLimits, sink: (chunk: Uint8Array) => void): number {
  return stream('zlib inflate', input, limits, (dictionary) => new Unzlib(dictionary ? { dictionary } : {}), 7, sink, STREAM_SLICE);
}

/** Like `inflateRawBounded`, for gzip (RFC 1952). */
export function gunzipBounded(input: Uint8Array, limits: Omit<InflateLimits, 'dictionary'>): Uint8Array {
  return run('gunzip', input, limits, () => new Gunzip(), 18);
}

export interface DeflateOptions {
  /** 0–9, default 9. */
  level?: number;
  dictionary?: Uint8Array;
}

type Level = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
const level = (options: DeflateOptions): Level => Math.max(0, Math.min(9, Math.trunc(options.level ?? 9))) as Level;

/** Native zlib where there is one: for the few hundred bytes of a QR payload, ~3x faster than fflate. */
function nativeDeflate(kind: 'raw' | 'zlib', input: Uint8Array, options: DeflateOptions): Uint8Array | undefined {
  if (!nodeZlib) return undefined;
  const windowBits = windowBitsFor(input.length + (options.dictionary?.length ?? 0));
  const settings = { level: level(options), windowBits, memLevel: Math.max(1, Math.min(9, windowBits - 6)), ...(options.dictionary ? { dictionary: options.dictionary } : {}) };
  const out = kind === 'raw' ? nodeZlib.deflateRawSync(input, settings) : nodeZlib.deflateSync(input, settings);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Raw DEFLATE: node:zlib on Node, fflate elsewhere (both plain RFC 1951 streams; bytes may differ). */
export function deflateRaw(input: Uint8Array, options: DeflateOptions = {}): Uint8Array {
  return nativeDeflate('raw', input, options) ?? deflateSync(input, { level: level(options), ...(options.dictionary ? { dictionary: options.dictionary } : {}) });
}

/** zlib-wrapped DEFLATE: node:zlib on Node, fflate elsewhere. */
export function deflateZlib(input: Uint8Array, options: DeflateOptions = {}): Uint8Array {
  return nativeDeflate('zlib', input, options) ?? zlibSync(input, { level: level(options), ...(options.dictionary ? { dictionary: options.dictionary } : {}) });
}

/** gzip, runtime-neutral (mtime 0 so the output depends on the input only). */
export function gzip(input: Uint8Array, options: Omit<DeflateOptions, 'dictionary'> = {}): Uint8Array {
  return gzipSync(input, { level: level(options), mtime: 0 });
}
