/** An INPUT as read: raw bytes, and the text when the bytes are valid UTF-8. */
export interface RawInput {
  name: string;
  bytes: Uint8Array;
  text: string | undefined;
  /**
   * Several QR texts that make one credential: SMART Health Card chunks (`shc:/1/3/…`) given as separate INPUTs or
   * images, gathered by `divoc verify` / `divoc decode` before decoding.
   */
  chunks?: readonly string[];
  /** Set when the text was read from a QR image (`png`, `jpeg`, `svg`); `bytes` then holds that text. */
  image?: string;
  /** The image file itself, when `image` is set (`divoc verify` hands it to the verifier, which reads every code). */
  imageBytes?: Uint8Array;
}

/** What `divoc decode` prints for one input (besides `input` and `format`). */
export interface DecodedPayload {
  /** The format's payload: the credential, the DCC JSON, the SHC JWS payload, the VDS-NC seal. */
  payload: unknown;
  /** Envelope facts worth showing support staff (key id, algorithm, issue / expiry times, wrapping). */
  header?: Record<string, unknown>;
}
