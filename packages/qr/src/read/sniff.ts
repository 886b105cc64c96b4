// What an input is (PNG, JPEG, SVG) and the reading budgets: light, so entry points that only need to recognise an
// image (the verifier's main entry) do not pull in the decoders and jsqr (see read/index.ts, the `image` entry).
import { startsWithBytes } from '../lib/bytes.js';

/**
 * Budgets for reading one image. The defaults (`DEFAULT_IMAGE_LIMITS`) keep one hostile image to about 2 s of CPU and
 * 256 MB of memory, and still read a 12-megapixel photo.
 */
export interface ImageLimits {
  /**
   * Largest image accepted, in pixels (for an SVG: in viewBox units), checked before any pixel is allocated. Default 16
   * 000 000.
   */
  maxPixels?: number;
  /** Largest input accepted, in bytes. Default 8 MiB. */
  maxBytes?: number;
  /**
   * Time for reading, in milliseconds, checked between the attempts of the pre-processing ladder (each attempt is
   * bounded by the pixel budget). Out of time with no code found: `ERR_QR_TIME_BUDGET`. Default 1500.
   */
  timeBudgetMs?: number;
}

/** An image format QR codes can be read from. */
export type ImageKind = 'png' | 'jpeg' | 'svg';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
/**
 * The budgets `readQrFromImage` / `readQrCodesFromImage` use by default (and `@divoc/verifier` and the CLI with them).
 */
export const DEFAULT_IMAGE_LIMITS: Readonly<Required<ImageLimits>> = Object.freeze({
  maxPixels: 16_000_000,
  maxBytes: 8 * 1024 * 1024,
  timeBudgetMs: 1500,
});
export const DEFAULT_MAX_PIXELS = DEFAULT_IMAGE_LIMITS.maxPixels;

/**
 * What image `bytes` hold, from their first bytes: PNG (the full 8-byte signature), JPEG (SOI + a marker), or an SVG
 * document (the first element after a BOM, XML declaration, comments and a doctype is `<svg`); null otherwise. The
 * SDK's one image-type sniffer (the verifier and the CLI use it to tell a QR image from a payload).
 */
export function sniffImage(bytes: Uint8Array): ImageKind | null {
  if (startsWithBytes(bytes, PNG_SIGNATURE)) return 'png';
  if (startsWithBytes(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  return isSvgHead(new TextDecoder().decode(bytes.subarray(0, 1024))) ? 'svg' : null;
}

/**
 * Whether text's first element, after a BOM, an XML declaration, comments and a doctype, is `<svg`. A linear scan
 * with indexOf (a regex with a repeated lazy group backtracks exponentially on a prolog of many comments).
 */
function isSvgHead(head: string): boolean {
  let at = head.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (at < head.length && /\s/.test(head[at]!)) at++;
    const rest = head.slice(at, at + 9).toLowerCase();
    let end = -1;
    if (rest.startsWith('<?xml')) end = head.indexOf('>', at) + 1;
    else if (rest.startsWith('<!--')) end = head.indexOf('-->', at + 4) + 3;
    else if (rest.startsWith('<!doctype')) end = head.indexOf('>', at) + 1;
    else return rest.startsWith('<svg') && (at + 4 >= head.length || /[\s>]/.test(head[at + 4]!));
    if (end <= at) return false;
    at = end;
  }
}
