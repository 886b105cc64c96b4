/**
 * `verify()` given hostile QR images (generated here): each over-budget image is a failed `decode` check with a
 * typed code, never a crash, and returns within a generous sanity bound; a genuine image of the same kind decodes.
 */
import { describe, expect, it } from 'vitest';
import { renderQrPng, renderQrSvg } from '@divoc/qr';
import { DEFAULT_LIMITS, Trust, verify } from '@divoc/verifier';
import {
  largePng,
  photoWithQr,
  svgEdgeBomb,
  svgHugeViewBox,
  svgLongAttributeName,
} from '../../qr/test/hostile-images.js';
import { vectorText } from './helpers.js';

const trust = new Trust();
const SANITY_MS = 15_000;
const QR_TEXT = vectorText('divoc/qr/rsa2018-divocdev-valid.qr-text.txt');
const utf8 = (s: string) => new TextEncoder().encode(s);

async function decodeCheck(input: Uint8Array): Promise<{ ok: boolean; code?: string; format: string; ms: number }> {
  const start = performance.now();
  const result = await verify(input, { trust });
  const ms = performance.now() - start;
  const decode = result.checks[0]!;
  expect(decode.name).toBe('decode');
  if (!decode.ok) expect(result.valid).toBe(false);
  return { ok: decode.ok, code: decode.code, format: result.format, ms };
}

describe('verify() image budgets', () => {
  it('uses the QR reader default pixel budget (16 MP)', () => {
    expect(DEFAULT_LIMITS.maxImagePixels).toBe(16_000_000);
  });

  it('a ~1 MB SVG of full-height path edges: failed decode, ERR_QR_SVG_TOO_COMPLEX', async () => {
    const r = await decodeCheck(svgEdgeBomb(100_000));
    expect(r).toMatchObject({ ok: false, code: 'ERR_QR_SVG_TOO_COMPLEX' });
    expect(r.ms).toBeLessThan(SANITY_MS);
    const big = await decodeCheck(svgEdgeBomb(220_000));
    expect(big).toMatchObject({ ok: false, code: 'ERR_QR_SVG_TOO_COMPLEX' });
  });

  it('an SVG with a 100 KB attribute name is parsed in linear time (its QR decodes)', async () => {
    const r = await decodeCheck(svgLongAttributeName(QR_TEXT, 100_000));
    expect(r).toMatchObject({ ok: true, format: 'divoc-qr' });
    expect(r.ms).toBeLessThan(SANITY_MS);
  });

  it('a 49 MP all-white PNG: failed decode, ERR_QR_IMAGE_TOO_LARGE', async () => {
    const r = await decodeCheck(largePng(7000, 7000));
    expect(r).toMatchObject({ ok: false, code: 'ERR_QR_IMAGE_TOO_LARGE' });
    expect(r.ms).toBeLessThan(SANITY_MS);
  });

  it('a 16 MP all-white PNG (~21 KB): failed decode (no code, or out of time), not a crash', async () => {
    const r = await decodeCheck(largePng(4000, 4000));
    expect(r.ok).toBe(false);
    expect(['ERR_QR_NOT_FOUND', 'ERR_QR_TIME_BUDGET']).toContain(r.code);
    expect(r.ms).toBeLessThan(SANITY_MS);
  });

  it('a 116-byte SVG declaring a 4096×4096 viewBox: failed decode, ERR_QR_IMAGE_TOO_LARGE', async () => {
    const r = await decodeCheck(svgHugeViewBox(4096));
    expect(r).toMatchObject({ ok: false, code: 'ERR_QR_IMAGE_TOO_LARGE' });
  });

  it('controls: a QR PNG, a QR SVG and a ~12 MP photo with the QR in it decode', async () => {
    expect(await decodeCheck(renderQrPng(QR_TEXT))).toMatchObject({ ok: true, format: 'divoc-qr' });
    expect(await decodeCheck(utf8(renderQrSvg(QR_TEXT)))).toMatchObject({ ok: true, format: 'divoc-qr' });
    expect(await decodeCheck(photoWithQr(QR_TEXT, 4000, 3000, 8))).toMatchObject({ ok: true, format: 'divoc-qr' });
  });
});
