/**
 * Our QR encoder against qrcode (soldair/node-qrcode 1.5.4): for the same segments, level and version the module
 * matrix must be identical, bit for bit, across versions 1–40, all four levels and the three segment modes.
 */
import { describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { createRequire } from 'node:module';
import { encodeQr, segmentText } from '../src/render/encoder/index.js';
import { segmentsBits } from '../src/render/encoder/codewords.js';
import {
  alignmentCoordinates,
  dataCodewords,
  eccBlocks,
  eccPerBlock,
  totalCodewords,
  ECC_INDEX,
} from '../src/render/encoder/tables.js';
import type { QrEcc, QrSegment } from '../src/render/profile.js';
import { xorshift32 as rng } from '../../../test/support/bytes.js';

const require = createRequire(import.meta.url);
const qrRequire = createRequire(require.resolve('qrcode'));
const ECCode = qrRequire('./core/error-correction-code.js') as {
  getBlocksCount(v: number, e: unknown): number;
  getTotalCodewordsCount(v: number, e: unknown): number;
};
const ECLevel = qrRequire('./core/error-correction-level.js') as Record<QrEcc, unknown>;
const Utils = qrRequire('./core/utils.js') as { getSymbolTotalCodewords(v: number): number };
const Alignment = qrRequire('./core/alignment-pattern.js') as { getRowColCoords(v: number): number[] };

const LEVELS: QrEcc[] = ['L', 'M', 'Q', 'H'];
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

function randomText(next: () => number, alphabet: string, length: number): string {
  const chars = Array.from(alphabet); // code points, so an emoji is never split into lone surrogates
  let out = '';
  for (let i = 0; i < length; i++) out += chars[Math.floor(next() * chars.length)];
  return out;
}

function sameAsQrcode(segments: QrSegment[], ecc: QrEcc, version?: number): { version: number } {
  const ours = encodeQr(segments, ecc, version);
  const theirs = QRCode.create(segments as never, { errorCorrectionLevel: ecc, ...(version ? { version } : {}) });
  expect(ours.version).toBe(theirs.version);
  expect(ours.mask).toBe(theirs.maskPattern);
  expect(ours.size).toBe(theirs.modules.size);
  expect(Buffer.from(ours.modules).equals(Buffer.from(theirs.modules.data))).toBe(true);
  return ours;
}

describe('tables', () => {
  it('block structure, codeword counts and alignment coordinates match qrcode for every version and level', () => {
    for (let v = 1; v <= 40; v++) {
      expect(totalCodewords(v)).toBe(Utils.getSymbolTotalCodewords(v));
      expect(alignmentCoordinates(v)).toEqual(Alignment.getRowColCoords(v));
      for (const ecc of LEVELS) {
        const e = ECC_INDEX[ecc];
        expect(eccBlocks(v, e)).toBe(ECCode.getBlocksCount(v, ECLevel[ecc]));
        expect(eccBlocks(v, e) * eccPerBlock(v, e)).toBe(ECCode.getTotalCodewordsCount(v, ECLevel[ecc]));
        expect(dataCodewords(v, e)).toBeGreaterThan(0);
      }
    }
  });
});

describe('matrix identical to qrcode.create', () => {
  it('every version 1–40 at every level, byte mode, at the capacity boundary (smallest version chosen)', () => {
    const next = rng(1);
    for (let v = 1; v <= 40; v++) {
      for (const ecc of LEVELS) {
        const e = ECC_INDEX[ecc];
        // Largest byte payload of version v: data bits − 4 (mode) − count field.
        const capacity = Math.floor((dataCodewords(v, e) * 8 - 4 - (v <= 9 ? 8 : 16)) / 8);
        const bytes = new Uint8Array(capacity).map(() => Math.floor(next() * 256));
        expect(sameAsQrcode([{ mode: 'byte', data: bytes }], ecc).version).toBe(v);
        if (v < 40)
          expect(sameAsQrcode([{ mode: 'byte', data: new Uint8Array(capacity + 1) }], ecc).version).toBe(v + 1);
      }
    }
  });
  it('alphanumeric and numeric segments of random lengths at all levels', () => {
    const next = rng(2);
    for (let i = 0; i < 120; i++) {
      const ecc = LEVELS[i % 4]!;
      const length = 1 + Math.floor(next() * (i % 3 === 0 ? 1800 : 300));
      sameAsQrcode([{ mode: 'alphanumeric', data: randomText(next, ALNUM, length) }], ecc);
      sameAsQrcode([{ mode: 'numeric', data: randomText(next, '0123456789', length) }], ecc);
    }
  });
  it('mixed segments (the SMART Health Card shape) and UTF-8 byte strings', () => {
    const next = rng(3);
    for (let i = 0; i < 40; i++) {
      const digits = randomText(next, '0123456789', 1 + Math.floor(next() * 2000));
      sameAsQrcode(
        [
          { mode: 'byte', data: 'shc:/' },
          { mode: 'numeric', data: digits },
        ],
        LEVELS[i % 4]!,
      );
      sameAsQrcode(
        [{ mode: 'byte', data: `Grüße ${randomText(next, 'aé€😀 bc', 1 + Math.floor(next() * 200))}` }],
        LEVELS[(i + 1) % 4]!,
      );
    }
  });
  it('forced versions, including the band edges of the character count field', () => {
    for (const v of [1, 2, 6, 7, 9, 10, 14, 26, 27, 32, 39, 40]) {
      for (const ecc of LEVELS) sameAsQrcode([{ mode: 'alphanumeric', data: 'HC1:ABC' }], ecc, v);
    }
  });
});

describe('text segmentation', () => {
  it('never uses more bits than a single byte segment, and keeps the text', () => {
    const next = rng(4);
    for (let i = 0; i < 200; i++) {
      const text = randomText(next, '0123456789ABCDEFxyz é:/😀', 1 + Math.floor(next() * 120));
      const segments = segmentText(text, 1);
      const decoder = new TextDecoder();
      expect(segments.map((s) => (typeof s.data === 'string' ? s.data : decoder.decode(s.data))).join('')).toBe(text);
      expect(segmentsBits(segments, 1)).toBeLessThanOrEqual(
        segmentsBits([{ mode: 4, data: new TextEncoder().encode(text) }], 1),
      );
    }
  });
});
