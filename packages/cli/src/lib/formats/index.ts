import { FORMATS } from '@divoc/formats';
import { isJsonObject, isUnsafeJsonError, parseJsonStrict, utf8DecodeStrict } from '@divoc/keys';
import type { FormatInput, FormatRegistry } from '@divoc/schemas';
import { DEFAULT_LIMITS } from '@divoc/verifier';
import { describeError, errorCode } from '../errors.js';
import type { DecodedPayload, RawInput } from './types.js';

export type { DecodedPayload, RawInput } from './types.js';

export function rawInput(name: string, bytes: Uint8Array): RawInput {
  return { name, bytes, text: utf8DecodeStrict(bytes) };
}

/** What `divoc decode` prints for one input. */
export type DecodeReport =
  | ({ input: string; format: string; ok: true } & DecodedPayload)
  | { input: string; format: string; ok: false; error: { code: string; message: string } };

type Read = { input: FormatInput } | { refused: { error: unknown; claims?: string } };

/**
 * The input as the format plugins see it. JSON is read strictly; JSON that is refused (a member named twice, a
 * `__proto__` member) is still attributed to the format it claims to be, so the report names it, but never decoded.
 */
function formatInput(input: RawInput, registry: FormatRegistry): Read | undefined {
  if (input.chunks) return { input: { kind: 'texts', texts: input.chunks } };
  if (input.text === undefined) return { input: { kind: 'bytes', bytes: input.bytes } };
  const text = input.text.replace(/^\uFEFF/, '').trim();
  const image = input.image === 'png' || input.image === 'jpeg' || input.image === 'svg' ? input.image : undefined;
  if (text.startsWith('{')) {
    try {
      const json = parseJsonStrict(text);
      if (isJsonObject(json)) return { input: { kind: 'json', json, text, ...(image ? { image } : {}) } };
    } catch (error) {
      if (!isUnsafeJsonError(error)) return undefined;
      let lenient: unknown;
      try {
        lenient = JSON.parse(text);
      } catch {
        return undefined;
      }
      const claims = isJsonObject(lenient)
        ? registry.detect({ kind: 'json', json: lenient, text })?.plugin.name
        : undefined;
      return { refused: { error, ...(claims !== undefined ? { claims } : {}) } };
    }
    return undefined;
  }
  return {
    input: { kind: 'text', text, raw: input.text, maxItems: DEFAULT_LIMITS.maxItems, ...(image ? { image } : {}) },
  };
}

/** Decodes without verifying: the first format of the registry that recognises the input decodes it. Never throws. */
export async function decodeInput(input: RawInput, registry: FormatRegistry = FORMATS): Promise<DecodeReport> {
  const failed = (format: string, error: unknown): DecodeReport => ({
    input: input.name,
    format,
    ok: false,
    error: { code: errorCode(error) ?? 'ERR_DECODE_FAILED', message: describeError(error) },
  });
  const read = formatInput(input, registry);
  if (read !== undefined && 'refused' in read) return failed(read.refused.claims ?? 'unknown', read.refused.error);
  const found = read === undefined ? undefined : registry.detect(read.input);
  if (found === undefined) {
    const known = registry.names.join(', ');
    return {
      input: input.name,
      format: 'unknown',
      ok: false,
      error: { code: 'ERR_INPUT_UNRECOGNIZED', message: `not a recognised credential format (supported: ${known})` },
    };
  }
  const { plugin, detection } = found;
  if (detection.refusal !== undefined) {
    return {
      input: input.name,
      format: plugin.name,
      ok: false,
      error: { code: detection.refusal.code, message: detection.refusal.message },
    };
  }
  try {
    return { input: input.name, format: plugin.name, ok: true, ...(await plugin.decode(detection.payload)) };
  } catch (error) {
    return failed(plugin.name, error);
  }
}
