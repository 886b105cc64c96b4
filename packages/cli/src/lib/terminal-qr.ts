import { createQrMatrix } from '@divoc/qr';

/**
 * A QR code as text for a terminal: two module rows per line with half blocks, light modules drawn (`█`), dark ones
 * left blank, so it scans on the usual light-on-dark terminal; `invert` for dark-on-light ones. A 2-module quiet zone
 * (less than the spec's 4, which most phone scanners do without) keeps it on screen.
 */
export function renderQrTerminal(data: string, options: { invert?: boolean } = {}): string {
  const { size, modules } = createQrMatrix(data);
  const margin = 2;
  const light = (x: number, y: number): boolean => {
    const inside = x >= 0 && y >= 0 && x < size && y < size;
    const dark = inside && modules[y * size + x] !== 0;
    return options.invert === true ? dark : !dark;
  };
  const lines: string[] = [];
  for (let y = -margin; y < size + margin; y += 2) {
    let line = '';
    for (let x = -margin; x < size + margin; x++) {
      const top = light(x, y);
      const bottom = light(x, y + 1);
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}
