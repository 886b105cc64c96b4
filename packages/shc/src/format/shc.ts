import type { CredentialFormatPlugin, FormatDetection, FormatInput } from '@divoc/schemas';
import { detectShc } from '../jws/decode.js';
import { summarizeShc } from './summary.js';

const SHC_CHUNK = /^shc:\/\d{1,2}\/\d{1,2}\//;

function detect(input: FormatInput): FormatDetection | undefined {
  switch (input.kind) {
    case 'text': {
      if (input.text.startsWith('shc:/')) {
        // A file with one chunk per line is a chunk set.
        const lines = input.text
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter((l) => l !== '');
        if (lines.length > input.maxItems) {
          return {
            payload: undefined,
            refusal: { code: 'ERR_INPUT_TOO_LARGE', message: `more than ${input.maxItems} QR chunks` },
          };
        }
        return { payload: lines.length > 1 ? lines : input.text };
      }
      return detectShc(input.text) ? { payload: input.text } : undefined;
    }
    case 'json':
      return Array.isArray(input.json.verifiableCredential) ? { payload: input.json } : undefined;
    case 'texts': {
      const chunks = input.texts.map((t) => t.replace(/^\uFEFF/, '').trim());
      if (!chunks.every((t) => SHC_CHUNK.test(t) && !t.includes('\n'))) return undefined;
      const details = input.image !== undefined ? { image: input.image, qrCodes: input.texts.length } : {};
      return { payload: [...new Set(chunks)], details };
    }
    default:
      return undefined;
  }
}

/** The decoding and verifying code, and the issuing code: each loaded on first use (see ./parts/). */
const verifyPart = () => import('./parts/verify.js');
const issuePart = () => import('./parts/issue.js');

/** A SMART Health Card: a compact JWS of a FHIR bundle, as `shc:/` QR chunks, a JWS or a `.smart-health-card` file. */
export const shcFormat = {
  name: 'shc',
  shortName: 'shc',
  title: 'SMART Health Card',
  keyUse: 'shc',
  /** Recognises an input as this format; cheap, never throws. */
  detect,
  /** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
  decode: async (payload) => (await verifyPart()).decodeShcPayload(payload),
  /** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
  verify: async (payload, context) => (await verifyPart()).shcEvidence(payload, context),
  /** The person and the event, read back from a decoded payload. */
  summarize: summarizeShc,
  /** The WHO DDCC core data set of a decoded JWS payload, codes in the card's systems (CVX, ICD-11, SNOMED CT). */
  coreDataSet: async (credential) => (await import('./parts/core-data-set.js')).shcCoreDataSet(credential),
  issuance: {
    mode: 'signs',
    keys: ['shc'],
    keyHint: 'keys.shc (an ES256 signer, its key and an https issuer)',
    /** Signs this format from the DDCC core data set with the key of the first filled slot of `keys`. */
    issue: async (input, key) => (await issuePart()).issueShcFormat(input, key),
  },
  files: {
    mainSuffix: '.smart-health-card',
    /** The main file's text, from the issued output. */
    main: (output) => `${JSON.stringify(output.file)}\n`,
    /** The side file: the QR chunk texts, one per line. */
    sides: (output) => [{ suffix: '.shc.txt', contents: `${(output.qr as readonly string[]).join('\n')}\n` }],
    /** The format's value in an ndjson bundle line, as JSON text. */
    bundle: (output) => JSON.stringify({ file: output.file, qr: output.qr }),
    // A card in one chunk has one QR text to print; a card in several has none.
    /** The QR text a printed certificate shows, read back from the written files. */
    qrText: (_main, side) => {
      const chunks = side('.shc.txt')?.trim().split('\n') ?? [];
      return chunks.length === 1 ? chunks[0] : undefined;
    },
  },
  /** The issued output as the service returns it in JSON (texts only). */
  apiOutput: (output) => ({ jws: output.jws, qr: output.qr }),
} as const satisfies CredentialFormatPlugin<'shc'>;
