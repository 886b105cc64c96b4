/**
 * Printable PDF certificates with the credential's QR code.
 *
 * @module @divoc/pdf
 */
// Printable certificates: one PDF page from a layout template (`divoc issue --pdf`, the service's `application/pdf`).

// For callers that hold a signed credential (the HTTP service).
export { renderCertificatePdf, pdfFieldsFromCredential } from './credential.js';
export type { RenderCertificatePdfOptions } from './credential.js';

// For callers that hold the registry record and the QR payloads (`divoc issue --pdf`), and the layout template.
export {
  createPdfMaker,
  parsePdfTemplate,
  placeholderValues,
  fillText,
  DEFAULT_PDF_TEMPLATE,
  SYSTEM_FONTS,
} from './pdf.js';
export type { PdfInput, PdfMaker, PdfMakerOptions, PdfQrFormat, PdfTemplate, PdfText } from './pdf.js';

// Labels by locale (`{{@key}}` in a template), and the fonts shipped for Indic scripts.
export { PDF_LOCALES, PDF_MESSAGES, resolvePdfLocales } from './lib/messages.js';
export type { PdfMessageKey, PdfMessages } from './lib/messages.js';
export { bundledFontFile } from './lib/fonts.js';
export type { BundledScript } from './lib/fonts.js';

// Errors (discriminated on `code`).
export { PdfLocaleUnknownError, PdfTemplateInvalidError, isPdfError } from './lib/errors.js';
export type { PdfError, PdfErrorCode, PdfWarning } from './lib/errors.js';
