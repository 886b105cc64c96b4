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

/** A locale (`--locale`, `locale` option) with no message catalogue; the message lists the available ones. */
export class PdfLocaleUnknownError extends DivocError {
  readonly code = 'ERR_PDF_LOCALE_UNKNOWN' as const;
}

/** Discriminated union (on `code`) of every error this package throws. */
export type PdfError = PdfTemplateInvalidError | PdfLocaleUnknownError;

/** Every `code` a `PdfError` can carry. */
export type PdfErrorCode = PdfError['code'];

/** True when `err` was thrown by this package. */
export function isPdfError(err: unknown): err is PdfError {
  return err instanceof PdfTemplateInvalidError || err instanceof PdfLocaleUnknownError;
}

/**
 * Something printed differently from the record, returned with the page (never thrown: the page is still made).
 * `WARN_PDF_GLYPH_MISSING`: no embedded font has a glyph for some characters; a placeholder's value is then printed
 * as the template's `fallbackText` (the QR code still carries it), text of the template itself without them.
 */
export interface PdfWarning {
  /** Stable: match on it, not on the message. */
  code: 'WARN_PDF_GLYPH_MISSING';
  /** For people: what was not printed, and what was printed instead. */
  message: string;
  /** The placeholder whose value could not be printed (absent for the template's own text). */
  field?: string;
  /** The characters no font covers, as `U+0E2A`. */
  codePoints: string[];
}
