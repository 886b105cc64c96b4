/**
 * Our QR Code encoder (model 2, versions 1–40, levels L/M/Q/H; numeric, alphanumeric and byte segments).
 * It replaces `qrcode.create()` on the render path: same symbols for the same segments, several times faster.
 */
import { ALPHANUMERIC_VALUE, buildCodewords, segmentsBits, type BitSegment } from './codewords.js';
import { buildSymbol } from './symbol.js';
import { charCountBits, dataCodewords, ECC_INDEX, MODE_ALPHANUMERIC, MODE_BYTE, MODE_NUMERIC } from './tables.js';
import type { QrEcc, QrSegment } from '../profile.js';

export { ALPHANUMERIC_VALUE };

export interface EncodedQr {
  size: number;
  /** Row-major, 1 = dark. */
  modules: Uint8Array;
  version: number;
  mask: number;
}

/** Why a symbol could not be made: the caller maps these onto its typed errors. */
export class QrEncodeFailure extends Error {
  constructor(
    readonly reason: 'too-long' | 'invalid-segment',
    message: string,
  ) {
    super(message);
  }
}

const utf8 = new TextEncoder();

/** Explicit segments → bit segments (text of byte segments as UTF-8), checking each segment's characters. */
export function toBitSegments(segments: readonly QrSegment[]): BitSegment[] {
  return segments.map((s) => {
    switch (s.mode) {
      case 'numeric':
        if (!/^\d*$/.test(s.data)) throw new QrEncodeFailure('invalid-segment', 'numeric segments take digits only');
        return { mode: MODE_NUMERIC, data: s.data };
      case 'alphanumeric':
        for (let i = 0; i < s.data.length; i++) {
          const code = s.data.charCodeAt(i);
          if (code >= 128 || ALPHANUMERIC_VALUE[code]! < 0)
            throw new QrEncodeFailure('invalid-segment', 'alphanumeric segments take 0-9 A-Z space $%*+-./: only');
        }
        return { mode: MODE_ALPHANUMERIC, data: s.data };
      case 'byte':
        return { mode: MODE_BYTE, data: typeof s.data === 'string' ? utf8.encode(s.data) : s.data };
      default:
        throw new QrEncodeFailure(
          'invalid-segment',
          `unknown segment mode ${JSON.stringify((s as { mode: unknown }).mode)}`,
        );
    }
  });
}

/** Smallest version (from `min`) whose data capacity at `ecc` holds the segments, or undefined. */
function fittingVersion(segments: readonly BitSegment[], ecc: number, min = 1, max = 40): number | undefined {
  for (let v = min; v <= max; v++) if (segmentsBits(segments, v) <= dataCodewords(v, ecc) * 8) return v;
  return undefined;
}

/**
 * Fewest-bits segmentation of `text` into numeric, alphanumeric and byte segments for the character count widths
 * of `version`'s band (1–9, 10–26, 27–40): dynamic programming over the characters, costs in sixths of a bit.
 */
export function segmentText(text: string, version: number): BitSegment[] {
  const chars: number[] = [];
  for (const ch of text) chars.push(ch.codePointAt(0)!);
  const n = chars.length;
  if (n === 0) return [];
  const modes = [MODE_NUMERIC, MODE_ALPHANUMERIC, MODE_BYTE];
  const header = modes.map((m) => (4 + charCountBits(m, version)) * 6);
  // cost[i * 3 + m]: fewest sixth-bits for chars[0, i] with char i in mode m; from: previous char's mode.
  const cost = new Float64Array(n * 3).fill(Infinity);
  const from = new Int8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const c = chars[i]!;
    const charCost = [
      c >= 0x30 && c <= 0x39 ? 20 : Infinity,
      c < 128 && ALPHANUMERIC_VALUE[c]! >= 0 ? 33 : Infinity,
      (c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4) * 48,
    ];
    for (let m = 0; m < 3; m++) {
      if (charCost[m] === Infinity) continue;
      let best = Infinity;
      let bestFrom = m;
      if (i === 0) best = header[m]!;
      else {
        for (let p = 0; p < 3; p++) {
          const candidate = cost[(i - 1) * 3 + p]! + (p === m ? 0 : header[m]!);
          if (candidate < best) {
            best = candidate;
            bestFrom = p;
          }
        }
      }
      cost[i * 3 + m] = best + charCost[m]!;
      from[i * 3 + m] = bestFrom;
    }
  }
  let m = 0;
  for (let k = 1; k < 3; k++) if (cost[(n - 1) * 3 + k]! < cost[(n - 1) * 3 + m]!) m = k;
  const modeOf = new Int8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    modeOf[i] = m;
    m = from[i * 3 + m]!;
  }
  const segments: BitSegment[] = [];
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && modeOf[i] === modeOf[start]) continue;
    const part = String.fromCodePoint(...chars.slice(start, i));
    const mode = modes[modeOf[start]!]!;
    segments.push({ mode, data: mode === MODE_BYTE ? utf8.encode(part) : part });
    start = i;
  }
  return segments;
}

/**
 * Encode segments (or text, segmented optimally) at `ecc`, in the smallest version that holds them or in `version`.
 * Throws `QrEncodeFailure` when the data does not fit.
 */
export function encodeQr(input: readonly QrSegment[] | string, ecc: QrEcc, version?: number, mask?: number): EncodedQr {
  const level = ECC_INDEX[ecc];
  let segments: BitSegment[];
  let chosen: number | undefined;
  if (typeof input === 'string') {
    // The segmentation depends on the character count widths: try each version band in turn.
    const bands: [number, number][] =
      version !== undefined
        ? [[version, version]]
        : [
            [1, 9],
            [10, 26],
            [27, 40],
          ];
    segments = [];
    for (const [min, max] of bands) {
      segments = segmentText(input, min);
      chosen = fittingVersion(segments, level, min, max);
      if (chosen !== undefined) break;
    }
  } else {
    segments = toBitSegments(input);
    chosen =
      version !== undefined ? fittingVersion(segments, level, version, version) : fittingVersion(segments, level);
  }
  if (chosen === undefined) {
    throw new QrEncodeFailure(
      'too-long',
      version !== undefined
        ? `the data does not fit in version ${version}`
        : 'the data does not fit in any QR version (1–40)',
    );
  }
  const codewords = buildCodewords(segments, chosen, level);
  const symbol = buildSymbol(codewords, chosen, level, mask);
  return { size: symbol.size, modules: symbol.modules, version: chosen, mask: symbol.mask };
}
