import type { CredentialFormatPlugin, FormatDetection, FormatInput } from '@divoc/schemas';
import { summarizeSdJwtVc } from './summary.js';

/** `header.payload.signature~` and then anything: the shape of a compact SD-JWT (with or without a KB-JWT). */
const SD_JWT_SHAPE = /^([A-Za-z0-9_-]{8,2048})\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+~/;
const TYPES = ['dc+sd-jwt', 'vc+sd-jwt'];

/** The header's `typ` when it is an SD-JWT VC one: decodes only the (short) header, never throws. */
function sdJwtVcHeader(text: string): boolean {
  const match = SD_JWT_SHAPE.exec(text);
  if (!match) return false;
  try {
    const header: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64urlBytes(match[1]!)));
    return typeof header === 'object' && header !== null && TYPES.includes((header as { typ?: unknown }).typ as string);
  } catch {
    return false;
  }
}

/** Lenient base64url → bytes for the cheap header peek (the strict parser decodes again later). */
function base64urlBytes(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

function detect(input: FormatInput): FormatDetection | undefined {
  if (input.kind !== 'text') return undefined;
  // One line only: a file of several lines is not one SD-JWT.
  if (input.text.includes('\n') || !sdJwtVcHeader(input.text)) return undefined;
  return { payload: input.text };
}

/** The decoding and verifying code, and the issuing code: each loaded on first use (see ./parts/). */
const verifyPart = () => import('./parts/verify.js');
const issuePart = () => import('./parts/issue.js');

/**
 * An IETF SD-JWT VC (`dc+sd-jwt`, or the older `vc+sd-jwt`): an issuer-signed JWT with selectively disclosable claims,
 * as issued or as presented (some disclosures, a key-binding JWT).
 */
export const sdJwtVcFormat = {
  name: 'sd-jwt-vc',
  shortName: 'sd-jwt',
  title: 'SD-JWT Verifiable Credential',
  keyUse: 'sd-jwt-vc',
  /** Recognises an input as this format; cheap, never throws. */
  detect,
  /** The disclosed claims and the header, unverified. Throws a `DivocError` when it does not decode. */
  decode: async (payload) => (await verifyPart()).decodeSdJwtVcPayload(payload),
  /** Decodes, checks the signatures and the credential's own fields, and reports the evidence (no trust decision). */
  verify: async (payload, context) => (await verifyPart()).sdJwtVcEvidence(payload, context),
  /** The person and the event, read back from the disclosed claims. */
  summarize: summarizeSdJwtVc,
  /** The WHO DDCC core data set of the disclosed claims (what the holder withheld is absent, or an error if needed). */
  coreDataSet: async (credential) => (await import('./parts/core-data-set.js')).sdJwtVcCoreDataSet(credential),
  issuance: {
    mode: 'signs',
    keys: ['sdJwtVc'],
    keyHint: 'keys.sdJwtVc (an ES256 or EdDSA signer, its kid and an https issuer URL)',
    /** Signs this format from the DDCC core data set with the key of the first filled slot of `keys`. */
    issue: async (input, key) => (await issuePart()).issueSdJwtVcFormat(input, key),
  },
  files: {
    mainSuffix: '.sd-jwt.txt',
    /** The main file's text, from the issued output. */
    main: (output) => `${String(output.sdJwt)}\n`,
    /** The format's value in an ndjson bundle line, as JSON text. */
    bundle: (output) => JSON.stringify({ sdJwt: output.sdJwt }),
  },
  /** The issued output as the service returns it in JSON (texts only). */
  apiOutput: (output) => ({ sdJwt: output.sdJwt }),
} as const satisfies CredentialFormatPlugin<'sd-jwt-vc'>;
