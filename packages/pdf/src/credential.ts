import { isJsonObject } from '@divoc/keys';
import { encodeDivocQr } from '@divoc/qr';
import { createPdfMaker, type PdfMakerOptions, type PdfQrFormat } from './pdf.js';

const text = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;

/**
 * The flat fields a PDF template names, read back from one of our signed W3C credentials (DIVOC vaccination or test
 * shape), for callers that kept the credential but not the registry record (the HTTP service).
 */
export function pdfFieldsFromCredential(credential: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (key: string, value: unknown) => {
    const v = text(value);
    if (v !== undefined && v !== '') out[key] = v;
  };
  const subject = isJsonObject(credential.credentialSubject) ? credential.credentialSubject : {};
  for (const key of ['name', 'dob', 'age', 'gender', 'nationality', 'refId']) put(key, subject[key]);
  put('identity', subject.id);
  const evidence =
    Array.isArray(credential.evidence) && isJsonObject(credential.evidence[0]) ? credential.evidence[0] : {};
  for (const key of [
    'vaccine',
    'manufacturer',
    'batch',
    'dose',
    'totalDoses',
    'testName',
    'testType',
    'result',
    'certificateId',
  ])
    put(key, evidence[key]);
  put('vaccinationDate', evidence.date);
  put('sampleCollectionTimestamp', evidence.sampleCollectionTimestamp);
  put('resultTimestamp', evidence.resultTimestamp);
  if (isJsonObject(evidence.facility)) {
    put('facilityName', evidence.facility.name);
    if (isJsonObject(evidence.facility.address)) put('country', evidence.facility.address.addressCountry);
  }
  if (isJsonObject(evidence.verifier)) put('vaccinatorName', evidence.verifier.name);
  return out;
}

/** Options of `renderCertificatePdf`: the PDF maker's options, plus the QR payloads and certificate id to print. */
export interface RenderCertificatePdfOptions extends Partial<PdfMakerOptions> {
  /** QR payloads to place (the template takes the first it lists); default: the credential as a DIVOC QR. */
  qr?: Partial<Record<PdfQrFormat, string>>;
  /** Certificate id printed on the page; default: the credential's evidence `certificateId`, else its `id`. */
  certificateId?: string;
}

/**
 * One printable page for a signed credential, laid out by the default (or a given) template. `locale` picks the
 * labels' languages (`'hi-IN,en'`); `onWarning` hears of characters no font has (see PdfWarning).
 */
export async function renderCertificatePdf(
  credential: Record<string, unknown>,
  options: RenderCertificatePdfOptions = {},
): Promise<Uint8Array> {
  const record = pdfFieldsFromCredential(credential);
  const issuer = isJsonObject(credential.issuer) ? text(credential.issuer.id) : text(credential.issuer);
  const issued = text(credential.issuanceDate) ?? text(credential.validFrom) ?? '';
  const maker = await createPdfMaker({
    cwd: options.cwd ?? '.',
    ...(options.templatePath ? { templatePath: options.templatePath } : {}),
    ...(options.fontPath ? { fontPath: options.fontPath } : {}),
    ...(options.locale !== undefined ? { locale: options.locale } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  return maker.make({
    certificateId: options.certificateId ?? record.certificateId ?? text(credential.id) ?? '',
    record,
    issuer: issuer ?? '',
    issuanceDate: issued.slice(0, 10),
    qr: options.qr ?? { 'divoc-qr': encodeDivocQr(credential as Parameters<typeof encodeDivocQr>[0]) },
  });
}
