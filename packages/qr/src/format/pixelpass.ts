import { loadDdccReader, type CredentialFormatPlugin, type FormatDetection, type FormatInput } from '@divoc/schemas';
import { summarizeW3cCredential } from '@divoc/vc';
import { detectPixelPass } from '../pixelpass/detect.js';
import { encodePixelPass } from '../pixelpass/encode.js';

/** Text only: PixelPass QR data is Base45, and a trimmed input is the data itself (see `detectPixelPass`). */
function detect(input: FormatInput): FormatDetection | undefined {
  return input.kind === 'text' && detectPixelPass(input.text) ? { payload: input.text } : undefined;
}

/** The decoding and verifying code, loaded on first use (see ./parts/). */
const verifyPart = () => import('./parts/pixelpass.js');

/**
 * MOSIP's PixelPass QR data, what Inji Verify scans: the signed W3C credential as CBOR, zlib, Base45 (no prefix).
 * Verified as the W3C credential it carries.
 */
export const pixelpassFormat = {
  name: 'pixelpass',
  shortName: 'pixelpass',
  title: 'PixelPass QR (MOSIP Inji)',
  keyUse: 'vc',
  /** Recognises an input as this format; cheap, never throws. */
  detect,
  /** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
  decode: async (payload) => (await verifyPart()).decodePixelPassPayload(payload),
  /** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
  verify: async (payload, context) => (await verifyPart()).pixelpassEvidence(payload, context),
  /** The person and the event, read back from a decoded payload. */
  summarize: summarizeW3cCredential,
  /** The WHO DDCC core data set of the decoded W3C credential. */
  coreDataSet: async (credential: unknown) => (await loadDdccReader())(credential),
  issuance: {
    mode: 'reencodes',
    source: 'w3c-vc',
    /** Re-encodes the signed output of the `source` format; it has no key of its own. */
    issue: ({ signed }) => {
      const text = encodePixelPass(signed);
      return { output: { text }, qr: text };
    },
  },
  files: {
    mainSuffix: '.pixelpass.txt',
    // No line end: the file is the QR data exactly, which `@mosip/pixelpass`'s decode() reads as it is.
    /** The main file's text, from the issued output. */
    main: (output) => String(output.text),
    /** The format's value in an ndjson bundle line, as JSON text. */
    bundle: (output) => JSON.stringify(output.text),
    /** The QR text a printed certificate shows, read back from the written files. */
    qrText: (main) => main.trim() || undefined,
  },
  /** The issued output as the service returns it in JSON (texts only). */
  apiOutput: (output) => ({ text: output.text }),
} as const satisfies CredentialFormatPlugin<'pixelpass'>;
