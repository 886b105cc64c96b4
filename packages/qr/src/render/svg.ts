/**
 * SVG writer: a white background and ONE `<path>` whose subpaths are the horizontal runs of dark modules
 * (`M x y h n v1 h-n z`), in module units; `moduleSize` sets the rendered width/height.
 */
import type { QrMatrix } from './matrix.js';

export interface SvgLayout {
  moduleSize: number;
  margin: number;
}

export function matrixToSvg(matrix: QrMatrix, layout: SvgLayout): string {
  const { size, modules } = matrix;
  const { moduleSize, margin } = layout;
  const units = size + 2 * margin;
  const parts: string[] = [];
  for (let r = 0; r < size; r++) {
    const rowOffset = r * size;
    let c = 0;
    while (c < size) {
      if (!modules[rowOffset + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < size && modules[rowOffset + c]) c++;
      const run = c - start;
      parts.push(`M${start + margin} ${r + margin}h${run}v1h-${run}z`);
    }
  }
  const pixels = units * moduleSize;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${pixels}" height="${pixels}" viewBox="0 0 ${units} ` +
    `${units}" shape-rendering="crispEdges">` +
    `<rect width="${units}" height="${units}" fill="#ffffff"/>` +
    `<path fill="#000000" d="${parts.join('')}"/>` +
    `</svg>\n`
  );
}
