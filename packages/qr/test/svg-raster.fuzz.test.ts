/**
 * Property-based fuzzing (fast-check) of the hand-written SVG rasteriser (read/svg-raster.ts), reached as verifiers
 * reach it: through `decodeImage` (read/image.ts) and `readQrCodesFromImage` / `readQrFromImage` (read/index.ts).
 * There is no reference library, so the properties are: real QR SVGs (renderQrSvg's paths, one <rect> or one <path>
 * per module) read back to exactly their text; mutated QR SVGs (byte-wise and token-wise) and grammar-generated
 * SVG-like documents (random nesting, attributes, colours, transforms, path data with every command letter and
 * NaN-ish, huge and negative numbers) either decode — to a raster within the pixel budget — or throw a QrErrorBase
 * with a stable code; never another exception, never a hang. Only width/height of decodeImage's result are looked
 * at (its pixel layout is not part of the contract). Short runs here; `pnpm fuzz` (scripts/fuzz.mjs) runs the same
 * properties with FUZZ_RUNS cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createQrMatrix, renderQrSvg } from '../src/index.js';
import { readQrCodesFromImage, readQrFromImage } from '../src/image.js';
import { decodeImage } from '../src/read/image.js';
import { QrErrorBase } from '../src/lib/errors.js';
import { assertTallied } from '../../../test/support/fuzz.js';
import { fuzzParams, fuzzTimeout, mutate, mutationsArb } from '../../../test/fuzz/support.js';

/**
 * Short-run case counts per property (FUZZ_RUNS replaces them in the long run, scaled down by the weights for the
 * properties that run jsQR: each of those cases costs up to the 200 ms time budget and more).
 */
const RUNS = {
  control: 12,
  mutatedDecode: 400,
  tokenDecode: 400,
  mutatedRead: 15,
  grammarDecode: 500,
  grammarRead: 15,
  viewBox: 300,
};

const DECODE_CODES = new Set([
  'ERR_QR_IMAGE_CORRUPT',
  'ERR_QR_IMAGE_UNSUPPORTED',
  'ERR_QR_IMAGE_TOO_LARGE',
  'ERR_QR_SVG_TOO_COMPLEX',
]);
const READ_CODES = new Set([...DECODE_CODES, 'ERR_QR_TIME_BUDGET', 'ERR_QR_IMAGE_TOO_COMPLEX']);
/**
 * Hang guards, not speed assertions (the rasteriser's budgets keep a decode to a few hundred ms; a read adds jsQR's
 * ladder): generous for a loaded CI machine.
 */
const SLOW_DECODE_MS = 10_000;
const SLOW_READ_MS = 15_000;

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** What `run` gives, or the code of the typed error (one of `codes`) it throws; either way within `slowMs`. */
function outcomeOrTyped(run: () => string, codes: Set<string>, slowMs: number): string {
  const started = performance.now();
  try {
    return run();
  } catch (error) {
    if (!(error instanceof QrErrorBase)) throw error;
    expect(codes.has(error.code), error.code).toBe(true);
    return error.code;
  } finally {
    expect(performance.now() - started).toBeLessThan(slowMs);
  }
}

/** decodeImage: a raster within the pixel budget, or the typed error's code. */
function decodeOrTyped(bytes: Uint8Array, maxPixels?: number): string {
  return outcomeOrTyped(
    () => {
      const image = decodeImage(bytes, maxPixels === undefined ? {} : { maxPixels });
      expect(Number.isInteger(image.width) && Number.isInteger(image.height)).toBe(true);
      expect(image.width).toBeGreaterThan(0);
      expect(image.height).toBeGreaterThan(0);
      expect(image.width * image.height).toBeLessThanOrEqual(maxPixels ?? 16_000_000);
      return `decoded-${image.kind}`;
    },
    DECODE_CODES,
    SLOW_DECODE_MS,
  );
}

/** readQrCodesFromImage with a 200 ms time budget: an array of results, or the typed error's code. */
function readOrTyped(bytes: Uint8Array): string {
  return outcomeOrTyped(
    () => {
      const found = readQrCodesFromImage(bytes, { timeBudgetMs: 200 });
      expect(Array.isArray(found)).toBe(true);
      for (const r of found) expect(typeof r.text).toBe('string');
      return found.length > 0 ? 'found' : 'none';
    },
    READ_CODES,
    SLOW_READ_MS,
  );
}

// ------------------------------------------------------------------------------------------------------ QR SVGs

/** Text for QR codes: ASCII (numeric, alphanumeric and byte modes) and some non-ASCII. */
const textArb = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 1, maxLength: 60 }),
  fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 $%*+-./:'.split('')),
    minLength: 1,
    maxLength: 60,
  }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 80 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
);

/** One `<rect>` per dark module (as svgQrInLargeViewBox in hostile-images.ts draws them), `unit` viewBox units each. */
function svgRects(text: string, unit: number): string {
  const { size, modules } = createQrMatrix(text);
  const side = (size + 8) * unit;
  const rects: string[] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++)
      if (modules[y * size + x])
        rects.push(`<rect x="${(x + 4) * unit}" y="${(y + 4) * unit}" width="${unit}" height="${unit}"/>`);
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}"><rect width="${side}" ` +
    `height="${side}" fill="#ffffff"/>${rects.join('')}</svg>`
  );
}

/** One filled `<path>` square per dark module (relative commands), or one stroked path per row run (qrcode style). */
function svgPaths(text: string, stroked: boolean): string {
  const { size, modules } = createQrMatrix(text);
  const side = size + 8;
  const parts: string[] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!modules[y * size + x]) continue;
      if (!stroked) {
        parts.push(`<path d="m${x + 4},${y + 4} h1 v1 H${x + 4} Z" fill="black"/>`);
        continue;
      }
      let end = x;
      while (end + 1 < size && modules[y * size + end + 1]) end++;
      parts.push(`<path stroke="#000" stroke-width="1" fill="none" d="M${x + 4} ${y + 4.5}h${end - x + 1}"/>`);
      x = end;
    }
  }
  return (
    `<?xml version="1.0"?>\n<!-- generated --><svg xmlns="http://www.w3.org/2000/svg" width="${side * 4}" ` +
    `height="${side * 4}" viewBox="0 0 ${side} ${side}"><rect width="100%" height="100%" ` +
    `fill="white"/>${parts.join('')}</svg>`
  );
}

const qrSvgArb = fc
  .tuple(textArb, fc.constantFrom('render', 'rects', 'paths', 'strokes'), fc.integer({ min: 1, max: 6 }))
  .map(([text, style, unit]) => ({
    text,
    style,
    svg:
      style === 'render'
        ? renderQrSvg(text)
        : style === 'rects'
          ? svgRects(text, unit)
          : svgPaths(text, style === 'strokes'),
  }));

/** Numbers a hostile SVG might carry. */
const weirdNumberArb = fc.oneof(
  fc.constantFrom(
    'NaN',
    'Infinity',
    '-Infinity',
    '1e309',
    '-1e309',
    '1e308',
    '-1e308',
    '1e-320',
    '-0',
    '0',
    '.',
    '-',
    '+',
    '1e',
    '1e+',
    '.5.5',
    '--1',
    '0x10',
    '1_000',
    '4096',
    '4097',
    '65536',
    '1e6',
    '99999999999',
  ),
  fc.double().map(String),
  fc.integer({ min: -5000, max: 5000 }).map(String),
);

/** Token-wise mutations: numbers replaced by weird ones, attributes renamed/removed, tags inserted or cut. */
const tokenMutationArb = fc.oneof(
  fc.record({ kind: fc.constant('number' as const), pick: fc.nat(), value: weirdNumberArb }),
  fc.record({
    kind: fc.constant('attr' as const),
    pick: fc.nat(),
    value: fc.constantFrom(
      '',
      'transform="scale(2)"',
      'style="fill:none"',
      'fill="none"',
      'stroke="red"',
      'd="M0 0C1 1 2 2 3 3"',
      'viewBox="0 0 0 0"',
      'x="NaN"',
    ),
  }),
  fc.record({
    kind: fc.constant('tag' as const),
    pick: fc.nat(),
    value: fc.constantFrom(
      '<g>',
      '</g>',
      '<svg viewBox="0 0 5000 5000">',
      '<!--',
      '-->',
      '<![CDATA[',
      '"',
      "'",
      '<',
      '>',
      '<rect width="1e9" height="1e9"/>',
      '<path d="M0 0V4000h1V0z"/>',
    ),
  }),
);

function applyTokenMutation(svg: string, m: { kind: 'number' | 'attr' | 'tag'; pick: number; value: string }): string {
  if (m.kind === 'number') {
    const numbers = [...svg.matchAll(/-?\d+(?:\.\d+)?/g)];
    if (numbers.length === 0) return svg;
    const hit = numbers[m.pick % numbers.length]!;
    return svg.slice(0, hit.index) + m.value + svg.slice(hit.index! + hit[0].length);
  }
  if (m.kind === 'attr') {
    const attrs = [...svg.matchAll(/[a-zA-Z-]+="[^"]*"/g)];
    if (attrs.length === 0) return svg;
    const hit = attrs[m.pick % attrs.length]!;
    return svg.slice(0, hit.index) + m.value + svg.slice(hit.index! + hit[0].length);
  }
  const at = m.pick % (svg.length + 1);
  return svg.slice(0, at) + m.value + svg.slice(at);
}

const tokenMutatedArb = fc
  .tuple(qrSvgArb, fc.array(tokenMutationArb, { minLength: 1, maxLength: 4 }))
  .map(([{ svg }, ms]) => utf8(ms.reduce(applyTokenMutation, svg)));
const byteMutatedArb = fc.tuple(qrSvgArb, mutationsArb).map(([{ svg }, ms]) => mutate(utf8(svg), ms));

// ------------------------------------------------------------------------------------------------------ grammar

const colourArb = fc.oneof(
  fc.constantFrom(
    'black',
    'white',
    'none',
    'transparent',
    'red',
    '#000',
    '#fff',
    '#000000',
    '#ffffff',
    '#00000080',
    'rgb(0,0,0)',
    'rgba(255, 255, 255, 0.5)',
    'rgb(300,-1,0)',
    'currentColor',
    'url(#p)',
    '#12',
    '',
  ),
  fc.integer({ min: 0, max: 0xffffff }).map((n) => `#${n.toString(16).padStart(6, '0')}`),
);

const pathDataArb = fc
  .array(
    fc.tuple(
      fc.constantFrom(...'MmLlHhVvZzCcSsQqTtAa'.split(''), 'M', 'L', 'h', 'v', 'Z', ''),
      fc.array(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -50, max: 400 }).map(String) }, weirdNumberArb), {
        maxLength: 4,
      }),
      fc.constantFrom(' ', ',', '', '  ', '\n', ', '),
    ),
    { maxLength: 24 },
  )
  .map((segments) => segments.map(([c, ns, sep]) => c + ns.join(sep)).join(' '));

const numberAttrArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -20, max: 300 }).map(String) },
  weirdNumberArb,
  fc.constantFrom('100%', '10px', '1em', ' 5 '),
);

const attributeArb = fc.oneof(
  fc.tuple(fc.constantFrom('x', 'y', 'width', 'height', 'stroke-width', 'rx', 'cx', 'r'), numberAttrArb),
  fc.tuple(fc.constantFrom('fill', 'stroke', 'color'), colourArb),
  fc.tuple(fc.constant('d'), pathDataArb),
  fc.tuple(
    fc.constant('transform'),
    fc.constantFrom('', 'translate(1,2)', 'scale(2)', 'rotate(45)', 'matrix(1 0 0 1 0 0)'),
  ),
  fc.tuple(
    fc.constant('style'),
    fc
      .array(
        fc.tuple(
          fc.constantFrom('fill', 'stroke', 'stroke-width', 'transform', 'display', 'FILL'),
          fc.oneof(colourArb, numberAttrArb),
        ),
        { maxLength: 3 },
      )
      .map((ds) => ds.map(([k, v]) => `${k}:${v}`).join(';')),
  ),
  fc.tuple(
    fc.constantFrom('id', 'class', 'xmlns', 'shape-rendering', 'a', 'data-x', 'D', 'FILL', 'viewBox'),
    fc.string({ maxLength: 12 }),
  ),
);

const attributesArb = fc
  .array(fc.tuple(attributeArb, fc.constantFrom('"', "'"), fc.constantFrom(' ', '\n', '  ', '\t')), { maxLength: 6 })
  .map((attrs) => attrs.map(([[k, v], q, sp]) => `${sp}${k}=${q}${v.replaceAll(q, '')}${q}`).join(''));

type Node = { tag: string; attrs: string; children: readonly Node[]; selfClosing: boolean } | { text: string };

const nodeArb: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      tag: fc.constantFrom('rect', 'path', 'RECT', 'Path'),
      attrs: attributesArb,
      children: fc.constant([]),
      selfClosing: fc.boolean(),
    }),
    fc.record({
      tag: fc.constantFrom(
        'g',
        'defs',
        'svg',
        'symbol',
        'a',
        'circle',
        'text',
        'style',
        'use',
        'clipPath',
        'x:rect',
        'foreignObject',
      ),
      attrs: attributesArb,
      children: fc.array(tie('node'), { maxLength: 4 }),
      selfClosing: fc.boolean(),
    }),
    fc.record({
      text: fc.oneof(
        fc.constantFrom(
          '<!-- c -->',
          '<!-- <rect width="9" height="9"/> -->',
          '<![CDATA[<rect/>]]>',
          'text',
          '&amp;',
          '&#x3c;rect/&#x3e;',
          '<!DOCTYPE svg>',
          '<?pi x?>',
          '</>',
          '< rect/>',
          '<rect',
          '"',
          '<!--',
        ),
        fc.string({ maxLength: 10 }),
      ),
    }),
  ),
})).node;

function serialise(node: Node): string {
  if ('text' in node) return node.text;
  if (node.selfClosing && node.children.length === 0) return `<${node.tag}${node.attrs}/>`;
  return `<${node.tag}${node.attrs}>${node.children.map(serialise).join('')}</${node.tag}>`;
}

const viewBoxArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.integer({ min: -20, max: 20 }),
        fc.integer({ min: -20, max: 20 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
      )
      .map((n) => n.join(' ')),
  },
  fc
    .tuple(fc.tuple(numberAttrArb, numberAttrArb, numberAttrArb, numberAttrArb), fc.constantFrom(' ', ',', ', ', '  '))
    .map(([n, sep]) => n.join(sep)),
  fc.constantFrom(
    '0 0 4096 4096',
    '0 0 4097 1',
    '0 0 5000 5000',
    '0 0 0.5 0.5',
    '0 0 1e6 1e6',
    '0,0,10,10',
    '0 0 10',
    '',
    '0 0 NaN 5',
    '-1e308 -1e308 10 10',
  ),
);

const documentArb = fc
  .record({
    prolog: fc.constantFrom(
      '',
      '<?xml version="1.0" encoding="UTF-8"?>\n',
      '\uFEFF',
      '<!-- x -->',
      '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n',
      '  \n',
    ),
    viewBox: fc.option(viewBoxArb, { nil: undefined }),
    size: fc.option(fc.tuple(numberAttrArb, numberAttrArb), { nil: undefined }),
    rootAttrs: attributesArb,
    children: fc.array(nodeArb, { maxLength: 8 }),
    close: fc.boolean(),
  })
  .map(({ prolog, viewBox, size, rootAttrs, children, close }) => {
    const root =
      `<svg xmlns="http://www.w3.org/2000/svg"${viewBox === undefined ? '' : ` viewBox="${viewBox}"`}` +
      `${size ? ` width="${size[0]}" height="${size[1]}"` : ''}${rootAttrs}>`;
    return utf8(`${prolog}${root}${children.map(serialise).join('')}${close ? '</svg>' : ''}`);
  });

// ------------------------------------------------------------------------------------------------------ properties

describe('SVG rasteriser fuzzing (through decodeImage and readQrCodesFromImage)', () => {
  it(
    'control: unmutated QR SVGs of random text (renderQrSvg, <rect> per module, <path> per module, ' +
      'strokes) read back to exactly that text',
    () => {
      fc.assert(
        fc.property(qrSvgArb, ({ text, svg }) => {
          expect(readQrFromImage(utf8(svg))).toBe(text);
        }),
        fuzzParams(RUNS.control, 0.005),
      );
    },
    fuzzTimeout ?? 60_000,
  );

  const maxPixelsArb = fc.option(fc.integer({ min: 1, max: 2_000_000 }), { nil: undefined });
  const decode = ([svg, maxPixels]: [Uint8Array, number | undefined]) => decodeOrTyped(svg, maxPixels);
  /** A property whose cases each give an outcome, tallied under `name` in the long run. */
  const tallied = <T>(
    title: string,
    name: string,
    arb: fc.Arbitrary<T>,
    check: (value: T) => string,
    runs: number,
    weight = 1,
    timeout = fuzzTimeout,
  ) => it(title, () => assertTallied(`svg fuzz ${name}`, arb, check, runs, weight), timeout);

  tallied(
    'byte-mutated QR SVGs: decodeImage gives a raster within the pixel budget or a typed error',
    'byte-mutated decode',
    fc.tuple(byteMutatedArb, maxPixelsArb),
    decode,
    RUNS.mutatedDecode,
  );
  tallied(
    'token-mutated QR SVGs (weird numbers, swapped attributes, inserted tags): the same',
    'token-mutated decode',
    fc.tuple(tokenMutatedArb, maxPixelsArb),
    decode,
    RUNS.tokenDecode,
  );
  tallied(
    'mutated QR SVGs through readQrCodesFromImage (timeBudgetMs 200): an array or a typed error',
    'mutated read',
    fc.oneof(byteMutatedArb, tokenMutatedArb),
    readOrTyped,
    RUNS.mutatedRead,
    0.005,
    fuzzTimeout ?? 60_000,
  );
  tallied(
    'grammar-generated SVG documents: decodeImage gives a raster within the pixel budget or a typed error',
    'grammar decode',
    fc.tuple(documentArb, maxPixelsArb),
    decode,
    RUNS.grammarDecode,
  );
  tallied(
    'grammar-generated SVG documents through readQrCodesFromImage (timeBudgetMs 200): an array or a typed error',
    'grammar read',
    documentArb,
    readOrTyped,
    RUNS.grammarRead,
    0.005,
    fuzzTimeout ?? 60_000,
  );

  it(
    'a viewBox over the budget (a side over 4096 units, or more units than maxPixels) is ' +
      'ERR_QR_IMAGE_TOO_LARGE whatever the content',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 100_000 }),
          fc.integer({ min: 1, max: 100_000 }),
          fc.integer({ min: 1, max: 4_000_000 }),
          fc.array(nodeArb, { maxLength: 4 }),
          (w, h, maxPixels, children) => {
            fc.pre(w > 4096 || h > 4096 || w * h > maxPixels);
            const svg = utf8(
              `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ` +
                `${h}">${children.map(serialise).join('')}</svg>`,
            );
            expect(decodeOrTyped(svg, maxPixels)).toBe('ERR_QR_IMAGE_TOO_LARGE');
          },
        ),
        fuzzParams(RUNS.viewBox, 0.1),
      );
    },
    fuzzTimeout,
  );
  it(
    'prologs of up to 150 comments, doctypes, declarations and whitespace, with or without an <svg> after ' +
      'them: a raster or a typed error',
    () => {
      const prologItem = fc.constantFrom(
        '<!---->',
        '<!-- x -->',
        '<!DOCTYPE svg>',
        '<?xml version="1.0"?>',
        ' ',
        '\n',
        '<!--',
        '<!DOCTYPE',
      );
      fc.assert(
        fc.property(fc.array(prologItem, { maxLength: 150 }), fc.boolean(), (items, withSvg) => {
          const tail = withSvg
            ? '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="3" height="3"/></svg>'
            : '';
          const outcome = decodeOrTyped(utf8(items.join('') + tail));
          expect(['decoded-svg', ...DECODE_CODES]).toContain(outcome);
        }),
        fuzzParams(RUNS.viewBox, 0.1),
      );
    },
    fuzzTimeout,
  );

  it(
    'up to 100k small filled paths anywhere in a viewBox within the budget: a raster or ERR_QR_SVG_TOO_COMPLEX',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 100_000 }),
          fc.integer({ min: 1, max: 3906 }),
          fc.integer({ min: 1, max: 4 }),
          (count, height, rows) => {
            const path = `<path d="M0 ${height - rows} v${rows} h1 z"/>`;
            const svg = utf8(
              `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4096 ${height}">${path.repeat(count)}</svg>`,
            );
            expect(['decoded-svg', 'ERR_QR_SVG_TOO_COMPLEX']).toContain(decodeOrTyped(svg));
          },
        ),
        fuzzParams(10, 0.001),
      );
    },
    fuzzTimeout ?? 60_000,
  );
});
