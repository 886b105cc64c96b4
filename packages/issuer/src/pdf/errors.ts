import { IssuerError } from '../lib/errors.js';

/** A PDF layout template (or its font or logo) that cannot be used. Same code the CLI reports. */
export class PdfTemplateInvalidError extends IssuerError {
  readonly code = 'ERR_PDF_TEMPLATE_INVALID' as const;
}
