import { loadDdccReader, undecodableEvidence, type CredentialFormatPlugin } from '@divoc/schemas';
import { decodeCompactCredential, detectCompactCredential, encodeCompactCredential } from '../compact/index.js';
import type { SignedCredential } from '../types.js';
import { w3cCredentialEvidence } from './evidence.js';
import { summarizeW3cCredential } from './summary.js';

/** The compact W3C VC QR text (`DIVOC1:` + Base45 of the CBOR-compressed signed credential). */
export const vcCompactFormat = {
  name: 'vc-compact',
  shortName: 'vc-compact',
  title: 'Compact W3C VC QR (DIVOC1:)',
  keyUse: 'vc',
  /** Recognises an input as this format; cheap, never throws. */
  detect: (input) =>
    input.kind === 'text' && detectCompactCredential(input.text) ? { payload: input.text } : undefined,
  /** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
  decode: (payload) => ({ payload: decodeCompactCredential(String(payload)) }),
  /** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
  verify: async (payload, context) => {
    let credential: SignedCredential;
    try {
      credential = decodeCompactCredential(String(payload));
    } catch (error) {
      return undecodableEvidence('vc-compact', context.details, 'ERR_VC_KEY_EXPIRED', error, 'ERR_COMPACT_FORMAT');
    }
    return w3cCredentialEvidence('vc-compact', credential, context);
  },
  /** The person and the event, read back from a decoded payload. */
  summarize: summarizeW3cCredential,
  /** The WHO DDCC core data set of the decoded W3C credential. */
  coreDataSet: async (credential: unknown) => (await loadDdccReader())(credential),
  issuance: {
    mode: 'reencodes',
    source: 'w3c-vc',
    /** Re-encodes the signed output of the `source` format; it has no key of its own. */
    issue: ({ signed }) => {
      const text = encodeCompactCredential(signed as SignedCredential);
      return { output: { text }, qr: text };
    },
  },
  files: {
    mainSuffix: '.vc-compact.txt',
    /** The main file's text, from the issued output. */
    main: (output) => `${String(output.text)}\n`,
    /** The format's value in an ndjson bundle line, as JSON text. */
    bundle: (output) => JSON.stringify(output.text),
    /** The QR text a printed certificate shows, read back from the written files. */
    qrText: (main) => main.trim() || undefined,
  },
  /** The issued output as the service returns it in JSON (texts only). */
  apiOutput: (output) => ({ text: output.text }),
} as const satisfies CredentialFormatPlugin<'vc-compact'>;
