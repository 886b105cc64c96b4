import { undecodableEvidence, type CredentialFormatPlugin } from '@divoc/schemas';
import { decodeCompactCredential, detectCompactCredential, encodeCompactCredential } from '../compact/index.js';
import type { SignedCredential } from '../types.js';
import { w3cCredentialEvidence } from './evidence.js';
import { summarizeW3cCredential } from './summary.js';

/** The compact W3C VC QR text (`DIVOC1:` + Base45 of the CBOR-compressed signed credential). */
export const vcCompactFormat = {
  name: 'vc-compact',
  shortName: 'vc-compact',
  title: 'Compact W3C VC QR (DIVOC1:)',
  detect: (input) =>
    input.kind === 'text' && detectCompactCredential(input.text) ? { payload: input.text } : undefined,
  decode: (payload) => ({ payload: decodeCompactCredential(String(payload)) }),
  verify: async (payload, context) => {
    let credential: SignedCredential;
    try {
      credential = decodeCompactCredential(String(payload));
    } catch (error) {
      return undecodableEvidence('vc-compact', context.details, 'ERR_VC_KEY_EXPIRED', error, 'ERR_COMPACT_FORMAT');
    }
    return w3cCredentialEvidence('vc-compact', credential, context);
  },
  summarize: summarizeW3cCredential,
  issuance: {
    mode: 'reencodes',
    source: 'w3c-vc',
    issue: ({ signed }) => {
      const text = encodeCompactCredential(signed as SignedCredential);
      return { output: { text }, qr: text };
    },
  },
  files: {
    mainSuffix: '.vc-compact.txt',
    main: (output) => `${String(output.text)}\n`,
    bundle: (output) => JSON.stringify(output.text),
    qrText: (main) => main.trim() || undefined,
  },
  apiOutput: (output) => ({ text: output.text }),
} as const satisfies CredentialFormatPlugin<'vc-compact'>;
