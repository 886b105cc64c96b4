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

// Errors (discriminated on `code`).
export { PdfTemplateInvalidError, isPdfError } from './lib/errors.js';
export type { PdfError, PdfErrorCode } from './lib/errors.js';
