/**
 * Printable certificates (`divoc issue --pdf`): one PDF page per record, laid out from a JSON template a country
 * can change (page size, text blocks with {{field}} placeholders, QR position and size, optional logo), made with
 * pdf-lib. Coordinates are in points (1/72 inch) from the TOP-LEFT corner of the page; a text's `y` is its
 * baseline.
 *
 * Fonts: each line is split into runs by script (lib/layout.ts). Text Helvetica can print (WinAnsi: Latin scripts)
 * uses Helvetica, the PDF standard font, so nothing is embedded. Other text uses, in order, the template's Unicode
 * font (`--pdf-font`, the template's `font`), the Noto Sans font this package ships for Devanagari, Bengali, Tamil
 * and Sinhala (shaped by fontkit), then a system font (DejaVu Sans, Noto Sans). A value with characters no font has
 * is replaced by the template's `fallbackText` (default "(see QR code)") and a WARN_PDF_GLYPH_MISSING warning is
 * returned: the page never shows wrong glyphs and the QR code still carries the name as written.
 *
 * Labels: `{{@key}}` in a template is a message from the catalogue (lib/messages.ts) in each locale asked for.
 */
import { isJsonObject } from '@divoc/keys';
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { createQrMatrix } from '@divoc/qr';
import { resolveVaccine } from '@divoc/schemas';
import { PDFDocument, rgb, type PDFImage } from 'pdf-lib';
import fontkit from '@pdf-lib/fontkit';
import { PdfTemplateInvalidError, type PdfWarning } from './lib/errors.js';
import { rememberParsed } from './lib/fonts.js';
import { FontChooser, PageWriter, type Run, type UnicodeFont } from './lib/layout.js';
import { expandMessages, isPdfMessageKey, resolvePdfLocales } from './lib/messages.js';

/** QR payload formats a template can place (names as the CLI's `--format` uses them). */
export type PdfQrFormat = 'divoc-qr' | 'vc-compact' | 'dcc' | 'shc' | 'vdsnc';
type OutputFormat = PdfQrFormat;

/** What one certificate page is made from. */
export interface PdfInput {
  certificateId: string;
  /** Flat record fields the template's `{{placeholders}}` name (name, dob, vaccine, dose, …). */
  record: Record<string, unknown>;
  issuer: string;
  issuanceDate: string;
  /** QR payloads available for this record, by format (the template picks the first it lists). */
  qr: Partial<Record<PdfQrFormat, string>>;
}

/** Makes certificate PDFs from one loaded template and font set (see {@link createPdfMaker}). */
export interface PdfMaker {
  /** The PDF bytes (warnings go to the maker's `onWarning`, if any). */
  make(input: PdfInput): Promise<Uint8Array>;
  /** The PDF bytes and what could not be printed as written. */
  render(input: PdfInput): Promise<{ pdf: Uint8Array; warnings: PdfWarning[] }>;
}

/** One text of a template: its content (with `{{field}}` and `{{@label}}` placeholders), position, size and style. */
export interface PdfText {
  text: string;
  x: number;
  y: number;
  size: number;
  bold: boolean;
  color: [number, number, number];
  maxWidth?: number;
  /** With maxWidth: print on one line, smaller (down to 6 pt) when it is wider (long bilingual titles). */
  shrink?: boolean;
}

/** A page layout: its size, font, texts, lines, logo and QR code position (the JSON a country edits). */
export interface PdfTemplate {
  page: { width: number; height: number };
  font?: string;
  fallbackText: string;
  logo?: { file: string; x: number; y: number; width: number; height: number };
  texts: PdfText[];
  lines: { x1: number; y1: number; x2: number; y2: number; width: number; color: [number, number, number] }[];
  qr: { x: number; y: number; size: number; payload: OutputFormat[] };
}

const PAGE_SIZES: Record<string, [number, number]> = { A4: [595.28, 841.89], A5: [419.53, 595.28], Letter: [612, 792] };
const QR_PAYLOADS: OutputFormat[] = ['divoc-qr', 'vc-compact', 'dcc', 'shc'];

/** The built-in layout: an A4 vaccination certificate, QR on the right. */
export const DEFAULT_PDF_TEMPLATE = {
  version: 1,
  page: { size: 'A4' },
  fallbackText: '(see QR code)',
  texts: [
    { text: '{{@title}}', x: 48, y: 80, size: 22, bold: true, maxWidth: 499, shrink: true },
    {
      text: '{{@issuedBy}} {{issuer}} {{@issuedOn}} {{issuanceDate}}',
      x: 48,
      y: 102,
      size: 9,
      color: '#555555',
      maxWidth: 499,
      shrink: true,
    },
    { text: '{{@beneficiary}}', x: 48, y: 150, size: 10, color: '#555555' },
    { text: '{{name}}', x: 48, y: 170, size: 16, bold: true, maxWidth: 300 },
    { text: '{{@dobAge}}: {{dob|age}}', x: 48, y: 196, size: 11, maxWidth: 270, shrink: true },
    { text: '{{@gender}}: {{gender}}', x: 48, y: 214, size: 11, maxWidth: 270, shrink: true },
    { text: '{{@id}}: {{identity|refId}}', x: 48, y: 232, size: 11, maxWidth: 300 },
    { text: '{{@vaccination}}', x: 48, y: 280, size: 10, color: '#555555' },
    { text: '{{@vaccine}}: {{vaccineName}}', x: 48, y: 300, size: 11, maxWidth: 270, shrink: true },
    { text: '{{@manufacturer}}: {{manufacturerName}}', x: 48, y: 318, size: 11, maxWidth: 270, shrink: true },
    { text: '{{@dose}}: {{@doseOfTotal}}', x: 48, y: 336, size: 11, maxWidth: 270, shrink: true },
    { text: '{{@dateOfDose}}: {{vaccinationDate}}', x: 48, y: 354, size: 11, maxWidth: 270, shrink: true },
    { text: '{{@batch}}: {{batch}}', x: 48, y: 372, size: 11, maxWidth: 270, shrink: true },
    { text: '{{@vaccinatedAt}}: {{facilityName}}', x: 48, y: 390, size: 11, maxWidth: 300 },
    { text: '{{@certificateId}}: {{certificateId}}', x: 48, y: 440, size: 9, maxWidth: 270, shrink: true },
    { text: '{{@scanToVerify}}', x: 330, y: 440, size: 8, color: '#555555', maxWidth: 217 },
  ],
  lines: [{ x1: 48, y1: 120, x2: 547, y2: 120, width: 1 }],
  qr: { x: 330, y: 150, size: 217, payload: ['divoc-qr', 'vc-compact', 'dcc', 'shc'] },
} as const;

function num(where: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    throw new PdfTemplateInvalidError(`${where} must be a number from ${min} to ${max}`);
  return v;
}

function colour(where: string, v: unknown): [number, number, number] {
  if (v === undefined) return [0, 0, 0];
  if (typeof v !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(v))
    throw new PdfTemplateInvalidError(`${where} must be a colour #RRGGBB`);
  return [parseInt(v.slice(1, 3), 16) / 255, parseInt(v.slice(3, 5), 16) / 255, parseInt(v.slice(5, 7), 16) / 255];
}

function keys(where: string, v: Record<string, unknown>, allowed: string[]): void {
  for (const k of Object.keys(v))
    if (!allowed.includes(k))
      throw new PdfTemplateInvalidError(`${where}: unknown key ${JSON.stringify(k)} (allowed: ${allowed.join(', ')})`);
}

/** Checks a layout template (JSON). Throws PdfTemplateInvalidError naming the bad key. */
export function parsePdfTemplate(json: unknown): PdfTemplate {
  if (!isJsonObject(json)) throw new PdfTemplateInvalidError('a PDF template must be a JSON object');
  keys('template', json, ['version', 'description', 'page', 'font', 'fallbackText', 'logo', 'texts', 'lines', 'qr']);
  if (json.version !== 1) throw new PdfTemplateInvalidError('template: "version" must be 1');
  if (!isJsonObject(json.page))
    throw new PdfTemplateInvalidError(
      'template.page must be an object: { "size": "A4" } or { "width", "height" } in points',
    );
  keys('template.page', json.page, ['size', 'width', 'height']);
  let page: { width: number; height: number };
  if (json.page.size !== undefined) {
    const size = PAGE_SIZES[String(json.page.size)];
    if (!size)
      throw new PdfTemplateInvalidError(`template.page.size must be one of ${Object.keys(PAGE_SIZES).join(', ')}`);
    page = { width: size[0], height: size[1] };
  } else
    page = {
      width: num('template.page.width', json.page.width, 72, 14400),
      height: num('template.page.height', json.page.height, 72, 14400),
    };
  const inX = (where: string, v: unknown) => num(where, v, 0, page.width);
  const inY = (where: string, v: unknown) => num(where, v, 0, page.height);

  if (!Array.isArray(json.texts) || json.texts.length > 200)
    throw new PdfTemplateInvalidError('template.texts must be a list of at most 200 text blocks');
  const texts = json.texts.map((t, i): PdfText => {
    const where = `template.texts[${i}]`;
    if (!isJsonObject(t)) throw new PdfTemplateInvalidError(`${where} must be an object`);
    keys(where, t, ['text', 'x', 'y', 'size', 'bold', 'color', 'maxWidth', 'shrink']);
    if (typeof t.text !== 'string' || t.text.length > 2000)
      throw new PdfTemplateInvalidError(`${where}.text must be a string (at most 2000 characters)`);
    for (const m of t.text.matchAll(/\{\{\s*@([^}\s]*)\s*\}\}/g))
      if (!isPdfMessageKey(m[1] as string))
        throw new PdfTemplateInvalidError(`${where}.text: unknown message {{@${m[1]}}}`);
    if (t.bold !== undefined && typeof t.bold !== 'boolean')
      throw new PdfTemplateInvalidError(`${where}.bold must be true or false`);
    if (t.shrink !== undefined && (typeof t.shrink !== 'boolean' || t.maxWidth === undefined))
      throw new PdfTemplateInvalidError(`${where}.shrink must be true or false, with a maxWidth`);
    return {
      text: t.text,
      x: inX(`${where}.x`, t.x),
      y: inY(`${where}.y`, t.y),
      size: t.size === undefined ? 11 : num(`${where}.size`, t.size, 4, 144),
      bold: t.bold === true,
      color: colour(`${where}.color`, t.color),
      ...(t.maxWidth !== undefined ? { maxWidth: num(`${where}.maxWidth`, t.maxWidth, 10, page.width) } : {}),
      ...(t.shrink === true ? { shrink: true } : {}),
    };
  });
  const lines = (
    json.lines === undefined
      ? []
      : Array.isArray(json.lines) && json.lines.length <= 200
        ? json.lines
        : (() => {
            throw new PdfTemplateInvalidError('template.lines must be a list of at most 200 lines');
          })()
  ).map((l: unknown, i: number) => {
    const where = `template.lines[${i}]`;
    if (!isJsonObject(l)) throw new PdfTemplateInvalidError(`${where} must be an object`);
    keys(where, l, ['x1', 'y1', 'x2', 'y2', 'width', 'color']);
    return {
      x1: inX(`${where}.x1`, l.x1),
      y1: inY(`${where}.y1`, l.y1),
      x2: inX(`${where}.x2`, l.x2),
      y2: inY(`${where}.y2`, l.y2),
      width: l.width === undefined ? 1 : num(`${where}.width`, l.width, 0.1, 20),
      color: colour(`${where}.color`, l.color),
    };
  });
  if (!isJsonObject(json.qr)) throw new PdfTemplateInvalidError('template.qr must be an object { "x", "y", "size" }');
  keys('template.qr', json.qr, ['x', 'y', 'size', 'payload']);
  const size = num('template.qr.size', json.qr.size, 36, Math.min(page.width, page.height));
  const payloadList =
    json.qr.payload === undefined
      ? QR_PAYLOADS
      : typeof json.qr.payload === 'string'
        ? [json.qr.payload]
        : json.qr.payload;
  if (
    !Array.isArray(payloadList) ||
    payloadList.length === 0 ||
    !payloadList.every((p) => QR_PAYLOADS.includes(p as OutputFormat))
  ) {
    throw new PdfTemplateInvalidError(
      `template.qr.payload must name QR formats in order of preference: ${QR_PAYLOADS.join(', ')}`,
    );
  }
  const qr = {
    x: inX('template.qr.x', json.qr.x),
    y: inY('template.qr.y', json.qr.y),
    size,
    payload: payloadList as OutputFormat[],
  };
  if (qr.x + size > page.width || qr.y + size > page.height)
    throw new PdfTemplateInvalidError('template.qr does not fit on the page');
  const template: PdfTemplate = { page, texts, lines, qr, fallbackText: '(see QR code)' };
  if (json.fallbackText !== undefined) {
    if (typeof json.fallbackText !== 'string' || json.fallbackText.length > 200)
      throw new PdfTemplateInvalidError('template.fallbackText must be a string');
    template.fallbackText = json.fallbackText;
  }
  if (json.font !== undefined) {
    if (typeof json.font !== 'string' || json.font === '')
      throw new PdfTemplateInvalidError('template.font must be a path to a TrueType font');
    template.font = json.font;
  }
  if (json.logo !== undefined) {
    if (!isJsonObject(json.logo))
      throw new PdfTemplateInvalidError('template.logo must be an object { "file", "x", "y", "width", "height" }');
    keys('template.logo', json.logo, ['file', 'x', 'y', 'width', 'height']);
    if (typeof json.logo.file !== 'string' || !/\.(png|jpe?g)$/i.test(json.logo.file))
      throw new PdfTemplateInvalidError('template.logo.file must be a .png or .jpg file');
    template.logo = {
      file: json.logo.file,
      x: inX('template.logo.x', json.logo.x),
      y: inY('template.logo.y', json.logo.y),
      width: num('template.logo.width', json.logo.width, 1, page.width),
      height: num('template.logo.height', json.logo.height, 1, page.height),
    };
  }
  return template;
}

/** Unicode fonts tried when neither --pdf-font nor the template names one. */
export const SYSTEM_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf',
  '/usr/share/fonts/noto/NotoSans-Regular.ttf',
  '/Library/Fonts/Arial Unicode.ttf',
  'C:\\Windows\\Fonts\\arialuni.ttf',
];

const MAX_FONT_BYTES = 32 * 1024 * 1024;
const MAX_LOGO_BYTES = 4 * 1024 * 1024;

/**
 * A file of at most `max` bytes, refused while reading (a template naming /dev/zero or a huge file is never read
 * whole).
 */
function readFileCapped(path: string, max: number, label: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    if (!fstatSync(fd).isFile()) throw new Error('not a file');
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, max + 1 - length));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      length += read;
      if (length > max) throw new Error(`larger than ${label}`);
    }
    return Buffer.concat(chunks, length);
  } finally {
    closeSync(fd);
  }
}

function loadUnicodeFont(path: string): UnicodeFont {
  let bytes: Buffer;
  try {
    bytes = readFileCapped(path, MAX_FONT_BYTES, '32 MiB');
  } catch (error) {
    if (/^larger than/.test((error as Error).message))
      throw new PdfTemplateInvalidError(`font ${path} is larger than 32 MiB`);
    throw new PdfTemplateInvalidError(`cannot read font ${path}: ${(error as Error).message}`);
  }
  let font: UnicodeFont['font'];
  try {
    font = fontkit.create(bytes);
    if (typeof font.hasGlyphForCodePoint !== 'function') throw new Error('a font collection, not one font');
  } catch (error) {
    throw new PdfTemplateInvalidError(`${path} is not a TrueType/OpenType font: ${(error as Error).message}`);
  }
  rememberParsed(bytes, font);
  return { bytes, font };
}

/** Values the placeholders can name: the record's fields, plus certificate facts. */
export function placeholderValues(input: PdfInput): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.record))
    if (typeof v === 'string' || typeof v === 'number') values[k] = String(v);
  values.certificateId = input.certificateId;
  values.issuer = input.issuer;
  values.issuanceDate = input.issuanceDate;
  const vaccine = typeof input.record.vaccine === 'string' ? resolveVaccine(input.record.vaccine) : undefined;
  values.vaccineName = vaccine?.name ?? values.vaccine ?? '';
  values.manufacturerName = values.manufacturer ?? vaccine?.manufacturerName ?? '';
  // Dates print as the calendar date.
  for (const k of ['vaccinationDate', 'dob', 'sampleCollectionTimestamp', 'resultTimestamp']) {
    const v = values[k];
    if (v && /^\d{4}-\d{2}-\d{2}T/.test(v)) values[k] = v.slice(0, 10);
  }
  return values;
}

/** `{{a|b}}` is the first of a, b that has a value; unknown or empty placeholders print as nothing. */
export function fillText(
  text: string,
  values: Record<string, string>,
  printable: (value: string) => boolean,
  fallback: string,
): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_|\s]+?)\s*\}\}/g, (_m, names: string) => {
    for (const name of names.split('|').map((n) => n.trim())) {
      const value = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
      if (value !== undefined && value !== '') return printable(value) ? value.replace(/[\r\n\t]+/g, ' ') : fallback;
    }
    return '';
  });
}

function qrPath(text: string): { path: string; modules: number } {
  const matrix = createQrMatrix(text);
  const n = matrix.size;
  let path = '';
  for (let y = 0; y < n; y++) {
    let x = 0;
    while (x < n) {
      if (matrix.modules[y * n + x] !== 1) {
        x++;
        continue;
      }
      const start = x;
      while (x < n && matrix.modules[y * n + x] === 1) x++;
      path += `M${start} ${y}h${x - start}v1h${start - x}z`;
    }
  }
  return { path, modules: n };
}

/**
 * Options of {@link createPdfMaker}: where to read the template and font from, the locales, and the warning callback.
 */
export interface PdfMakerOptions {
  cwd: string;
  templatePath?: string;
  fontPath?: string;
  /**
   * Locales of the labels (`{{@key}}` messages), primary first: `'hi-IN,en'` or `['hi-IN', 'en']` prints each label
   * in Hindi, then English. Default `en`. Unknown: PdfLocaleUnknownError.
   */
  locale?: string | readonly string[];
  /** Called with each warning of each page `make` writes (`render` also returns them). */
  onWarning?: (warning: PdfWarning) => void;
}

const MAX_TEMPLATE_BYTES = 1024 * 1024;

/**
 * Loads the template (built-in A4 by default) and fonts once, for making many PDFs. Throws a `PdfError` for a bad
 * template, font or locale.
 */
export async function createPdfMaker(options: PdfMakerOptions): Promise<PdfMaker> {
  let template: PdfTemplate;
  let base = options.cwd;
  if (options.templatePath !== undefined) {
    let text: string;
    try {
      text = readFileCapped(options.templatePath, MAX_TEMPLATE_BYTES, '1 MiB').toString('utf8');
    } catch (error) {
      throw new PdfTemplateInvalidError(`cannot read ${options.templatePath}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (error) {
      throw new PdfTemplateInvalidError(`${options.templatePath}: not JSON: ${(error as Error).message}`);
    }
    template = parsePdfTemplate(json);
    base = dirname(options.templatePath);
  } else template = parsePdfTemplate(DEFAULT_PDF_TEMPLATE);
  const from = (p: string) => (isAbsolute(p) ? p : resolve(base, p));

  const catalogues = resolvePdfLocales(options.locale);
  const fontFile = options.fontPath ?? (template.font !== undefined ? from(template.font) : undefined);
  const templateFont = fontFile !== undefined ? loadUnicodeFont(fontFile) : undefined;
  // The system font is read only when a character needs it (most pages never do).
  let systemFont: UnicodeFont | null | undefined;
  const system = () => {
    if (systemFont === undefined) {
      const file = SYSTEM_FONTS.find((p) => existsSync(p));
      systemFont = file !== undefined ? loadUnicodeFont(file) : null;
    }
    return systemFont ?? undefined;
  };
  const chooser = new FontChooser(templateFont, system);
  const blocks = template.texts.map((block) => ({ ...block, text: expandMessages(block.text, catalogues) }));
  let logo: { bytes: Uint8Array; png: boolean } | undefined;
  if (template.logo) {
    try {
      const bytes = readFileCapped(from(template.logo.file), MAX_LOGO_BYTES, '4 MiB');
      logo = { bytes, png: /\.png$/i.test(template.logo.file) };
    } catch (error) {
      throw new PdfTemplateInvalidError(`cannot read logo ${template.logo.file}: ${(error as Error).message}`);
    }
  }

  const render = async (input: PdfInput): Promise<{ pdf: Uint8Array; warnings: PdfWarning[] }> => {
    const warnings: PdfWarning[] = [];
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.setTitle(`Certificate ${input.certificateId}`);
    doc.setProducer('divoc');
    doc.setCreator('divoc issue --pdf');
    const page = doc.addPage([template.page.width, template.page.height]);
    const writer = new PageWriter(doc, page, chooser);
    const top = (y: number) => template.page.height - y;
    const values = placeholderValues(input);
    for (const line of template.lines) {
      page.drawLine({
        start: { x: line.x1, y: top(line.y1) },
        end: { x: line.x2, y: top(line.y2) },
        thickness: line.width,
        color: rgb(...line.color),
      });
    }
    for (const block of blocks) {
      // A value some character of which no font has is printed as the fallback text, with a warning.
      const printable = (field: string, value: string): boolean => {
        const missing: string[] = [];
        for (const ch of value.normalize('NFC'))
          if (!/[\r\n\t]/.test(ch) && chooser.choose(ch, block.bold) === undefined && !missing.includes(ch))
            missing.push(ch);
        if (missing.length === 0) return true;
        warnings.push(glyphWarning(missing, field, template.fallbackText));
        return false;
      };
      const text = fillFields(block.text, values, printable, template.fallbackText).normalize('NFC');
      // A line whose placeholders are all empty ("Gender: ") is left out rather than printed as a bare label.
      const bare = block.text.replace(/\{\{[^}]*\}\}/g, '');
      if (text.trim() === '' || (bare !== block.text && text === bare)) continue;
      // A template's own line breaks and tabs print as spaces (a value's already do).
      const { runs, missing } = chooser.split(text.replace(/[\r\n\t]+/g, ' '), block.bold);
      if (missing.length > 0) warnings.push(glyphWarning(missing, undefined, template.fallbackText));
      let size = block.size;
      if (block.shrink && block.maxWidth !== undefined) {
        const width = await writer.widthOf(runs, size, block.bold);
        if (width > block.maxWidth) size = Math.max(6, (size * block.maxWidth) / width);
      }
      const lines =
        block.maxWidth === undefined || block.shrink
          ? [runs]
          : await wrapRuns(writer, runs, block.maxWidth, size, block.bold);
      for (const [i, line] of lines.entries())
        await writer.draw(line, block.x, top(block.y + i * size * 1.2), size, block.bold, block.color);
    }
    const payload = template.qr.payload.find((f) => input.qr[f] !== undefined);
    if (payload !== undefined) {
      const { path, modules } = qrPath(input.qr[payload] as string);
      // Four modules of quiet zone on each side, as QR readers expect.
      const scale = template.qr.size / (modules + 8);
      page.drawRectangle({
        x: template.qr.x,
        y: top(template.qr.y + template.qr.size),
        width: template.qr.size,
        height: template.qr.size,
        color: rgb(1, 1, 1),
      });
      page.drawSvgPath(path, {
        x: template.qr.x + 4 * scale,
        y: top(template.qr.y + 4 * scale),
        scale,
        color: rgb(0, 0, 0),
        borderWidth: 0,
      });
    }
    if (logo && template.logo) {
      const image: PDFImage = logo.png ? await doc.embedPng(logo.bytes) : await doc.embedJpg(logo.bytes);
      page.drawImage(image, {
        x: template.logo.x,
        y: top(template.logo.y + template.logo.height),
        width: template.logo.width,
        height: template.logo.height,
      });
    }
    return { pdf: await doc.save({ useObjectStreams: false }), warnings };
  };
  return {
    render,
    async make(input) {
      const { pdf, warnings } = await render(input);
      if (options.onWarning) for (const warning of warnings) options.onWarning(warning);
      return pdf;
    },
  };
}

const codePointOf = (ch: string) => `U+${(ch.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;

function glyphWarning(missing: string[], field: string | undefined, fallback: string): PdfWarning {
  const codePoints = missing.map(codePointOf);
  const what = field !== undefined ? `{{${field}}}` : 'template text';
  const outcome = field !== undefined ? `printed ${JSON.stringify(fallback)} instead` : 'left out';
  return {
    code: 'WARN_PDF_GLYPH_MISSING',
    message: `${what}: no embedded font has ${codePoints.join(' ')} (${missing.join('')}); ${outcome}`,
    ...(field !== undefined ? { field } : {}),
    codePoints,
  };
}

/** fillText, telling `printable` which placeholder the value came from (for the warning). */
function fillFields(
  text: string,
  values: Record<string, string>,
  printable: (field: string, value: string) => boolean,
  fallback: string,
): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_|\s]+?)\s*\}\}/g, (_m, names: string) => {
    for (const name of names.split('|').map((n) => n.trim())) {
      const value = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
      if (value !== undefined && value !== '')
        return printable(name, value) ? value.replace(/[\r\n\t]+/g, ' ') : fallback;
    }
    return '';
  });
}

/**
 * Lines of at most `maxWidth` points, broken after spaces the way pdf-lib's drawText breaks them (a word longer
 * than the line stays whole).
 */
async function wrapRuns(writer: PageWriter, runs: Run[], maxWidth: number, size: number, bold: boolean) {
  // Words with their trailing spaces, each a list of runs.
  const words: Run[][] = [];
  let word: Run[] = [];
  let spaced = false;
  for (const run of runs)
    for (const ch of run.text) {
      if (spaced && ch !== ' ') {
        words.push(word);
        word = [];
      }
      spaced = ch === ' ';
      const last = word[word.length - 1];
      if (last && last.face === run.face) last.text += ch;
      else word.push({ face: run.face, text: ch });
    }
  if (word.length > 0) words.push(word);
  const lines: Run[][] = [];
  let line: Run[] = [];
  for (const w of words) {
    if (line.length > 0 && (await writer.widthOf([...line, ...w], size, bold)) > maxWidth) {
      lines.push(line);
      line = [];
    }
    for (const r of w) {
      const last = line[line.length - 1];
      if (last && last.face === r.face) last.text += r.text;
      else line.push({ ...r });
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}
