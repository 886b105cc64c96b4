import { QrImageCorruptError, QrImageTooLargeError } from '../lib/errors.js';

/** Refuses an image from its declared size, before any pixel is allocated: the one pixel-budget check of the reader. */
export function checkPixels(width: number, height: number, maxPixels: number): void {
  if (!(width > 0 && height > 0)) throw new QrImageCorruptError(`image declares ${width}×${height} pixels`);
  if (width * height > maxPixels) {
    throw new QrImageTooLargeError(
      `image declares ${width}×${height} = ${width * height} pixels, over the ${maxPixels}-pixel budget`,
    );
  }
}
