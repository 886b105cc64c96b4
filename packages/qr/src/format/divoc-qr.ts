import {
  loadDdccReader,
  undecodableEvidence,
  type CredentialFormatPlugin,
  type FormatDetection,
  type FormatInput,
} from '@divoc/schemas';
import {
  looksLikeW3cCredential,
  summarizeW3cCredential,
  w3cCredentialEvidence,
  type SignedCredential,
} from '@divoc/vc';
import { decodeDivocQr, detectDivocQr, encodeDivocQr } from '../divoc/payload.js';

const PK_LOCAL = [0x50, 0x4b, 0x03, 0x04];

function detect(input: FormatInput): FormatDetection | undefined {
  switch (input.kind) {
    case 'text':
      // A DIVOC ZIP is passed untrimmed: its last bytes may well be white-space characters.
      if (detectDivocQr(input.raw)) return { payload: input.raw };
      return detectDivocQr(input.text) ? { payload: input.text } : undefined;
    case 'json':
      // A W3C VC read out of a QR code is DIVOC's plain-JSON QR.
      if (input.image === undefined || !looksLikeW3cCredential(input.json)) return undefined;
      return { payload: input.text ?? JSON.stringify(input.json), details: { variant: 'json' } };
    case 'bytes':
      // The ZIP as bytes, as some scanners hand it over.
      return PK_LOCAL.every((b, i) => input.bytes[i] === b)
        ? { payload: input.bytes, details: { variant: 'zip-bytes' } }
        : undefined;
    default:
      return undefined;
  }
}

const asQrInput = (payload: unknown): string | Uint8Array =>
  typeof payload === 'string' || payload instanceof Uint8Array ? payload : JSON.stringify(payload);

/** DIVOC's certificate QR: the signed W3C credential as a ZIP (`certificate.json`), `B64:` text or plain JSON. */
export const divocQrFormat = {
  name: 'divoc-qr',
  shortName: 'divoc-qr',
  title: 'DIVOC certificate QR',
  keyUse: 'vc',
  /** Recognises an input as this format; cheap, never throws. */
  detect,
  /** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
  decode: (payload) => {
    const decoded = decodeDivocQr(asQrInput(payload));
    return { payload: decoded.credential, header: { variant: decoded.variant } };
  },
  /** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
  verify: async (payload, context) => {
    let decoded;
    try {
      decoded = decodeDivocQr(asQrInput(payload));
    } catch (error) {
      return undecodableEvidence('divoc-qr', context.details, 'ERR_VC_KEY_EXPIRED', error, 'ERR_DIVOC_QR_MALFORMED');
    }
    const details = { ...context.details, variant: decoded.variant };
    return w3cCredentialEvidence('divoc-qr', decoded.credential, { ...context, details });
  },
  /** The person and the event, read back from a decoded payload. */
  summarize: summarizeW3cCredential,
  /** The WHO DDCC core data set of the decoded W3C credential. */
  coreDataSet: async (credential: unknown) => (await loadDdccReader())(credential),
  issuance: {
    mode: 'reencodes',
    source: 'w3c-vc',
    /** Re-encodes the signed output of the `source` format; it has no key of its own. */
    issue: ({ signed, issuanceDate }) => {
      const text = encodeDivocQr(
        signed as SignedCredential,
        issuanceDate !== undefined ? { modified: issuanceDate } : {},
      );
      return { output: { text }, qr: text };
    },
  },
  files: {
    mainSuffix: '.divoc-qr.txt',
    // No line end: the text is a binary string, and its last characters may well be white space.
    /** The main file's text, from the issued output. */
    main: (output) => String(output.text),
    /** The format's value in an ndjson bundle line, as JSON text. */
    bundle: (output) => JSON.stringify(output.text),
    /** The QR text a printed certificate shows, read back from the written files. */
    qrText: (main) => main.trim() || undefined,
  },
  /** The issued output as the service returns it in JSON (texts only). */
  apiOutput: (output) => ({ text: output.text }),
} as const satisfies CredentialFormatPlugin<'divoc-qr'>;
