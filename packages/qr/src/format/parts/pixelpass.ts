/**
 * Decoding and verifying for the `pixelpass` plugin, loaded on its first use: an app that verifies other formats never
 * downloads the PixelPass decoder. The package build gives this folder its own copy of what it reaches
 * (tsup.config.mjs).
 */
import {
  undecodableEvidence,
  type DecodedCredential,
  type FormatEvidence,
  type FormatVerifyContext,
} from '@divoc/schemas';
import { w3cCredentialEvidence } from '@divoc/vc';
import { PixelPassMalformedError } from '../../lib/errors.js';
import { decodePixelPassObject, type PixelPassObject } from '../../pixelpass/decode.js';

function decodeObject(payload: unknown): PixelPassObject {
  if (typeof payload !== 'string') throw new PixelPassMalformedError('a PixelPass payload is text');
  return decodePixelPassObject(payload);
}

/** The payload and its envelope facts, unverified. Throws a `DivocError` when it does not decode. */
export function decodePixelPassPayload(payload: unknown): DecodedCredential {
  const { data, kind } = decodeObject(payload);
  return { payload: data, header: { variant: kind } };
}

/** Decodes, checks the signature and the credential's own fields, and reports the evidence (no trust decision). */
export async function pixelpassEvidence(payload: unknown, context: FormatVerifyContext): Promise<FormatEvidence> {
  let decoded: PixelPassObject;
  try {
    decoded = decodeObject(payload);
  } catch (error) {
    return undecodableEvidence('pixelpass', context.details, 'ERR_VC_KEY_EXPIRED', error, 'ERR_PIXELPASS_MALFORMED');
  }
  const details = { ...context.details, variant: decoded.kind };
  return w3cCredentialEvidence('pixelpass', decoded.data, { ...context, details });
}
