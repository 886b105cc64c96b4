import { DivocError } from '@divoc/keys';

/**
 * The one error this package throws, with a stable string `code`. It extends `DivocError` (`@divoc/keys`), so
 * `isDivocError(e)` and `e.code` work as for every `@divoc/*` error. Anything else that escapes (a logo pdf-lib cannot
 * decode, a font that cannot be subset) is pdf-lib's own error.
 */

/**
 * A PDF layout template (or the font or logo it names) that cannot be used: not JSON, an unknown or out-of-range key,
 * a file that cannot be read or is over its size cap, a font that is not TrueType / OpenType. The message names the
 * key or the file.
 */
export class PdfTemplateInvalidError extends DivocError {
  readonly code = 'ERR_PDF_TEMPLATE_INVALID' as const;
}

/** Discriminated union (on `code`) of every error this package throws. */
export type PdfError = PdfTemplateInvalidError;

/** Every `code` a `PdfError` can carry. */
export type PdfErrorCode = PdfError['code'];

/** True when `err` was thrown by this package. */
export function isPdfError(err: unknown): err is PdfError {
  return err instanceof PdfTemplateInvalidError;
}
