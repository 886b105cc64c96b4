import { QrRenderOptionsError } from '../lib/errors.js';
import { createQrMatrix, type QrMatrixOptions } from './matrix.js';
import { matrixToPng } from './png.js';
import { matrixToSvg } from './svg.js';

/** Options of the QR renderers: the matrix options, module size and quiet zone. */
export interface RenderQrLayoutOptions extends QrMatrixOptions {
  /** Pixels (PNG) or user units (SVG width/height) per module. Default 4. */
  moduleSize?: number;
  /** Quiet zone in modules; the QR spec asks for 4. Default 4. */
  margin?: number;
}

/** Options of `renderQr`: the layout options and the image format. */
export interface RenderQrOptions extends RenderQrLayoutOptions {
  format: 'png' | 'svg';
}

const MAX_MODULE_SIZE = 64;
const MAX_MARGIN = 64;

function layoutOf(options: RenderQrLayoutOptions): { moduleSize: number; margin: number } {
  const moduleSize = options.moduleSize ?? 4;
  const margin = options.margin ?? 4;
  if (!Number.isInteger(moduleSize) || moduleSize < 1 || moduleSize > MAX_MODULE_SIZE) {
    throw new QrRenderOptionsError(`moduleSize must be an integer 1–${MAX_MODULE_SIZE}`);
  }
  if (!Number.isInteger(margin) || margin < 0 || margin > MAX_MARGIN)
    throw new QrRenderOptionsError(`margin must be an integer 0–${MAX_MARGIN}`);
  return { moduleSize, margin };
}

/** Render `data` as a PNG (1-bit grayscale). Segments and error correction follow `qrProfileFor` unless given. */
export function renderQrPng(data: string | Uint8Array, options: RenderQrLayoutOptions = {}): Uint8Array {
  const layout = layoutOf(options);
  return matrixToPng(createQrMatrix(data, options), layout);
}

/** Render `data` as an SVG document (one `<path>`). */
export function renderQrSvg(data: string | Uint8Array, options: RenderQrLayoutOptions = {}): string {
  const layout = layoutOf(options);
  return matrixToSvg(createQrMatrix(data, options), layout);
}

/** Render as PNG bytes or SVG text. */
export function renderQr(data: string | Uint8Array, options: RenderQrOptions & { format: 'png' }): Uint8Array;
export function renderQr(data: string | Uint8Array, options: RenderQrOptions & { format: 'svg' }): string;
export function renderQr(data: string | Uint8Array, options: RenderQrOptions): Uint8Array | string;
export function renderQr(data: string | Uint8Array, options: RenderQrOptions): Uint8Array | string {
  if (options?.format === 'png') return renderQrPng(data, options);
  if (options?.format === 'svg') return renderQrSvg(data, options);
  throw new QrRenderOptionsError(`format must be 'png' or 'svg'`);
}
