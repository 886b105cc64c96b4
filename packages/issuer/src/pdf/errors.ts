/** A PDF layout template (or its font or logo) that cannot be used. Same code the CLI reports. */
export class PdfTemplateInvalidError extends Error {
  readonly code = 'ERR_PDF_TEMPLATE_INVALID' as const;
  constructor(message: string) {
    super(message);
    this.name = 'PdfTemplateInvalidError';
  }
}
