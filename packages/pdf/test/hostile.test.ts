import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DivocError, isDivocError } from '@divoc/keys';
import {
  createPdfMaker,
  DEFAULT_PDF_TEMPLATE,
  isPdfError,
  parsePdfTemplate,
  PdfTemplateInvalidError,
} from '../src/index.js';

describe('PDF template files are read with caps, refused while reading', () => {
  it(
    'a template over 1 MiB, a logo over 4 MiB and /dev/zero are ERR_PDF_TEMPLATE_INVALID; ' +
      'the same template small loads',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'divoc-pdf-caps-'));
      try {
        const template = { ...DEFAULT_PDF_TEMPLATE };
        writeFileSync(join(dir, 'ok.json'), JSON.stringify(template));
        await expect(createPdfMaker({ templatePath: join(dir, 'ok.json'), cwd: dir })).resolves.toBeDefined();
        writeFileSync(join(dir, 'big.json'), JSON.stringify(template) + ' '.repeat(1024 * 1024));
        await expect(createPdfMaker({ templatePath: join(dir, 'big.json'), cwd: dir })).rejects.toMatchObject({
          code: 'ERR_PDF_TEMPLATE_INVALID',
          message: expect.stringMatching(/larger than 1 MiB/),
        });
        await expect(createPdfMaker({ templatePath: '/dev/zero', cwd: dir })).rejects.toMatchObject({
          code: 'ERR_PDF_TEMPLATE_INVALID',
        });
        writeFileSync(join(dir, 'logo.png'), Buffer.alloc(4 * 1024 * 1024 + 1));
        writeFileSync(
          join(dir, 'with-logo.json'),
          JSON.stringify({ ...template, logo: { file: 'logo.png', x: 10, y: 10, width: 10, height: 10 } }),
        );
        await expect(createPdfMaker({ templatePath: join(dir, 'with-logo.json'), cwd: dir })).rejects.toMatchObject({
          code: 'ERR_PDF_TEMPLATE_INVALID',
          message: expect.stringMatching(/larger than 4 MiB/),
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('errors', () => {
  it('a bad template is a PdfTemplateInvalidError: a DivocError with a stable code, naming the key', () => {
    let error: unknown;
    try {
      parsePdfTemplate({ version: 1, page: { size: 'A4' }, texts: [], qr: { x: 0, y: 0, size: 100 }, colour: 'red' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PdfTemplateInvalidError);
    expect(error).toBeInstanceOf(DivocError);
    expect(isDivocError(error)).toBe(true);
    expect(isPdfError(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'PdfTemplateInvalidError',
      code: 'ERR_PDF_TEMPLATE_INVALID',
      message: expect.stringContaining('"colour"'),
    });
  });

  it('controls: other errors are not PDF errors', () => {
    expect(isPdfError(new Error('x'))).toBe(false);
    expect(isPdfError(Object.assign(new Error('x'), { code: 'ERR_PDF_TEMPLATE_INVALID' }))).toBe(false);
    expect(isPdfError(undefined)).toBe(false);
  });
});
