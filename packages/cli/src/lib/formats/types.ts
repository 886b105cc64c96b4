import type { TrustStore } from '@divoc/keys';
import type { InputReport } from '../report.js';

/** An INPUT as read: raw bytes, and the text when the bytes are valid UTF-8. */
export interface RawInput {
  name: string;
  bytes: Uint8Array;
  text: string | undefined;
}

export interface VerifyContext {
  trustStore: TrustStore;
  now: Date | undefined;
}

/**
 * One credential format `divoc verify` understands. `probe` looks at the input and, if it is this format, returns
 * the function that verifies it; later formats (DCC, SHC, VDS-NC, DIVOC QR) are one more entry in the list.
 */
export interface VerifiableFormat {
  readonly format: string;
  probe(input: RawInput): ((ctx: VerifyContext) => Promise<Omit<InputReport, 'input'>>) | undefined;
}
