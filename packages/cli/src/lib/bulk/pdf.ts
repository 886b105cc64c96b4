/**
 * `divoc issue --pdf`: the layout engine lives in @divoc/issuer (the service prints the same pages); here its
 * template errors become the CLI's usage error (exit 2).
 */
import { createPdfMaker as createIssuerPdfMaker, type PdfMaker, type PdfMakerOptions } from '@divoc/issuer';
import { PdfTemplateInvalidError } from '../errors.js';

export { DEFAULT_PDF_TEMPLATE, SYSTEM_FONTS, fillText, parsePdfTemplate, placeholderValues } from '@divoc/issuer';
export type { PdfTemplate, PdfText } from '@divoc/issuer';

export async function createPdfMaker(options: PdfMakerOptions): Promise<PdfMaker> {
  try {
    return await createIssuerPdfMaker(options);
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'ERR_PDF_TEMPLATE_INVALID') throw new PdfTemplateInvalidError((error as Error).message);
    throw error;
  }
}
