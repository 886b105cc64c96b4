/**
 * An upper-bound estimate of what one jsQR call will cost, made in one linear pass before calling it.
 *
 * jsQR's locator keeps every run of dark/light pixels in the 1:1:3:1:1 ratio of a finder pattern as a candidate, and
 * its later stages (merging candidates row to row, scoring each one, grouping them in threes) are linear or worse in
 * their number. A QR code in a photo yields a few thousand; a crafted image of fine stripes yields hundreds of
 * thousands and costs seconds of CPU per call, with no way to interrupt jsQR. So the reader counts them first, on a
 * binarisation like jsQR's own (local thresholds over 8×8 blocks), and shrinks or skips an image over the budget.
 */
import type { GreyImage } from './image.js';

const BLOCK = 8;
/** Blocks whose grey levels spread less than this are treated as flat (as jsQR and ZXing do). */
const MIN_BLOCK_RANGE = 24;

/** Per-block thresholds: the mean of the 5×5 neighbourhood of block averages. */
function blockThresholds(image: GreyImage): { cols: number; thresholds: Uint8Array } {
  const { width, height, data } = image;
  const cols = Math.ceil(width / BLOCK);
  const rows = Math.ceil(height / BLOCK);
  const averages = new Uint8Array(cols * rows);
  for (let by = 0; by < rows; by++) {
    for (let bx = 0; bx < cols; bx++) {
      let sum = 0;
      let count = 0;
      let min = 255;
      let max = 0;
      for (let y = by * BLOCK; y < Math.min(height, (by + 1) * BLOCK); y++) {
        for (let x = bx * BLOCK, p = y * width + x; x < Math.min(width, (bx + 1) * BLOCK); x++, p++) {
          const v = data[p]!;
          sum += v;
          count++;
          if (v < min) min = v;
          if (v > max) max = v;
        }
      }
      // A flat block counts as light unless its neighbours say otherwise: half its minimum keeps it out of the dark.
      averages[by * cols + bx] = max - min <= MIN_BLOCK_RANGE ? min >> 1 : Math.round(sum / count);
    }
  }
  const thresholds = new Uint8Array(cols * rows);
  for (let by = 0; by < rows; by++) {
    for (let bx = 0; bx < cols; bx++) {
      let sum = 0;
      let count = 0;
      for (let y = Math.max(0, by - 2); y <= Math.min(rows - 1, by + 2); y++) {
        for (let x = Math.max(0, bx - 2); x <= Math.min(cols - 1, bx + 2); x++, count++) sum += averages[y * cols + x]!;
      }
      thresholds[by * cols + bx] = Math.round(sum / count);
    }
  }
  return { cols, thresholds };
}

/** Whether the last five run lengths are in a finder pattern's 1:1:3:1:1 ratio (within jsQR's tolerance). */
function finderRatio(r0: number, r1: number, r2: number, r3: number, r4: number): boolean {
  const unit = (r0 + r1 + r2 + r3 + r4) / 7;
  return (
    Math.abs(r0 - unit) < unit &&
    Math.abs(r1 - unit) < unit &&
    Math.abs(r2 - 3 * unit) < 3 * unit &&
    Math.abs(r3 - unit) < unit &&
    Math.abs(r4 - unit) < unit
  );
}

/**
 * Finder-pattern candidates jsQR would collect on this image, counting both polarities (it also reads the inverted
 * image), stopping once `limit` is passed. Linear in the pixels.
 */
export function countFinderCandidates(image: GreyImage, limit: number): number {
  const { width, height, data } = image;
  const { cols, thresholds } = blockThresholds(image);
  let count = 0;
  for (let y = 0; y < height; y++) {
    const rowThresholds = ((y / BLOCK) | 0) * cols;
    let r0 = 0;
    let r1 = 0;
    let r2 = 0;
    let r3 = 0;
    let run = 0;
    let last = -1;
    for (let x = 0, p = y * width; x <= width; x++, p++) {
      const dark = x === width ? -1 : data[p]! <= thresholds[rowThresholds + ((x / BLOCK) | 0)]! ? 1 : 0;
      if (dark === last) {
        run++;
        continue;
      }
      // A run ended: the five latest runs are r0..r3 and `run`. Normal polarity needs them to be dark-light-dark-
      // light-dark (so the run that starts now is light); the inverted one the opposite.
      if (last !== -1 && finderRatio(r0, r1, r2, r3, run)) {
        if (++count > limit) return count;
      }
      r0 = r1;
      r1 = r2;
      r2 = r3;
      r3 = run;
      run = 1;
      last = dark;
    }
  }
  return count;
}
