/**
 * `divoc verify` given hostile QR images (generated here): refused with the same typed codes and budgets as the
 * library's `verify()` (the CLI passes @divoc/verifier's DEFAULT_LIMITS), never a crash; a genuine QR image reads.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_LIMITS, renderQrPng } from '@divoc/qr';
import { DEFAULT_LIMITS } from '@divoc/verifier';
import { IMAGE_LIMITS } from '../src/lib/inputs.js';
import { largePng, svgEdgeBomb, svgHugeViewBox } from '../../qr/test/hostile-images.js';
import { run, withTempDir } from './helpers.js';

const SANITY_MS = 20_000;

async function verifyFile(name: string, bytes: Uint8Array): Promise<{ code: number; out: string; ms: number }> {
  return withTempDir(async (dir) => {
    await writeFile(join(dir, name), bytes);
    const start = performance.now();
    const r = await run(['verify', name], { cwd: dir });
    return { code: r.code, out: r.stdout + r.stderr, ms: performance.now() - start };
  });
}

describe('divoc verify: image budgets', () => {
  it('passes the library limits', () => {
    expect(IMAGE_LIMITS).toEqual({
      maxPixels: DEFAULT_LIMITS.maxImagePixels,
      maxBytes: DEFAULT_LIMITS.maxBytes,
      timeBudgetMs: DEFAULT_IMAGE_LIMITS.timeBudgetMs,
    });
  });

  it('an SVG of ~200k full-height path segments: ERR_QR_SVG_TOO_COMPLEX, exit 1', async () => {
    const r = await verifyFile('edges.svg', svgEdgeBomb(220_000));
    expect(r.code).toBe(1);
    expect(r.out).toContain('ERR_QR_SVG_TOO_COMPLEX');
    expect(r.ms).toBeLessThan(SANITY_MS);
  });

  it('a 64 KB all-white 49 MP PNG: ERR_QR_IMAGE_TOO_LARGE, exit 1', async () => {
    const r = await verifyFile('white.png', largePng(7000, 7000));
    expect(r.code).toBe(1);
    expect(r.out).toContain('ERR_QR_IMAGE_TOO_LARGE');
    expect(r.ms).toBeLessThan(SANITY_MS);
  });

  it('a 116-byte SVG declaring a 4096×4096 viewBox: ERR_QR_IMAGE_TOO_LARGE, exit 1', async () => {
    const r = await verifyFile('big.svg', svgHugeViewBox(4096));
    expect(r.code).toBe(1);
    expect(r.out).toContain('ERR_QR_IMAGE_TOO_LARGE');
  });

  it('control: a QR PNG is read (its text is verified, not refused as an image)', async () => {
    const r = await verifyFile('qr.png', renderQrPng('HC1:not-a-real-certificate'));
    expect(r.out).not.toMatch(/ERR_QR_(IMAGE_TOO_LARGE|SVG_TOO_COMPLEX|TIME_BUDGET|NOT_FOUND)/);
    expect(r.out).toMatch(/ERR_(DCC|INPUT)_/);
  });
});
