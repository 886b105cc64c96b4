import { DEFAULT_IMAGE_LIMITS, sniffImage } from '@divoc/qr/plugin';
import type { ImageKind } from '@divoc/qr';
import { isUnsafeJsonError, parseJsonStrict } from '@divoc/keys';
import type { CredentialFormatPlugin, FormatInput, FormatRegistry } from '@divoc/schemas';
import { depthExceeds, isObject, utf8OrUndefined, type Json } from '../lib/bytes.js';
import type { InputCheckCode } from '../lib/errors.js';
import type { VerificationDetails, VerifyLimits } from '../types.js';

/** The input limits `verify` applies when `options.limits` does not set them, checked before any parsing. */
export const DEFAULT_LIMITS: Required<VerifyLimits> = {
  maxTextLength: 2 * 1024 * 1024,
  maxBytes: 8 * 1024 * 1024,
  /** The QR reader's own default (16 MP): one hostile image stays within ~2 s of CPU and 256 MB. */
  maxImagePixels: DEFAULT_IMAGE_LIMITS.maxPixels,
  maxItems: 16,
};

/** JSON deeper than this is no credential (W3C VCs nest a dozen levels at most). */
const MAX_JSON_DEPTH = 48;
/** QR codes read from one image; an SHC card has at most a handful of chunks. */
const MAX_CODES_PER_IMAGE = 8;

/** An input recognised as one format: its plugin, what the plugin's `verify` takes, and facts about the wrapping. */
export interface Detected {
  plugin: CredentialFormatPlugin;
  payload: unknown;
  details: VerificationDetails;
}

export interface InputFailure {
  failure: true;
  code: InputCheckCode | string;
  message: string;
  /** The format the input claims to be, when one recognised it and refused it. */
  format?: string;
}

export type Prepared = Detected | InputFailure;

const fail = (code: InputCheckCode | string, message: string, format?: string): InputFailure => ({
  failure: true,
  code,
  message,
  ...(format !== undefined ? { format } : {}),
});

export function isFailure(p: Prepared | Text[] | Text): p is InputFailure {
  return (p as InputFailure).failure === true;
}

/** A text to dispatch, and whether it came out of a QR image. */
interface Text {
  text: string;
  image?: ImageKind;
}

/** The first format of the registry that recognises the input; its refusal, or nothing. */
function detectWith(
  registry: FormatRegistry,
  input: FormatInput,
  details: VerificationDetails,
  unrecognised: string,
): Prepared {
  const found = registry.detect(input);
  if (found === undefined) return fail('ERR_INPUT_UNRECOGNIZED', unrecognised);
  const { plugin, detection } = found;
  if (detection.refusal !== undefined) return fail(detection.refusal.code, detection.refusal.message, plugin.name);
  return { plugin, payload: detection.payload, details: { ...details, ...detection.details } };
}

const formatList = (registry: FormatRegistry): string => registry.plugins.map((p) => p.title).join(', ');

function fromJson(
  registry: FormatRegistry,
  json: Json,
  details: VerificationDetails,
  image: ImageKind | undefined,
  text?: string,
): Prepared {
  if (depthExceeds(json, MAX_JSON_DEPTH))
    return fail('ERR_INPUT_INVALID', `JSON is nested deeper than ${MAX_JSON_DEPTH} levels`);
  const input: FormatInput = {
    kind: 'json',
    json,
    ...(text !== undefined ? { text } : {}),
    ...(image !== undefined ? { image } : {}),
  };
  return detectWith(
    registry,
    input,
    details,
    `JSON that is none of the formats this verifier reads (${formatList(registry)})`,
  );
}

/**
 * A stranger's JSON text, read strictly: a member named twice or named `__proto__` / `constructor` / `prototype`
 * fails with its own code (`ERR_JSON_DUPLICATE_KEY`, `ERR_JSON_FORBIDDEN_KEY`), the same whichever format it claims
 * to be, so what a signature covers is what is shown.
 */
function parseInputJson(text: string, what: string): { json: unknown } | InputFailure {
  try {
    return { json: parseJsonStrict(text, { maxDepth: MAX_JSON_DEPTH }) };
  } catch (error) {
    if (isUnsafeJsonError(error)) return fail(error.code, `${what}: ${error.message}`);
    if ((error as { code?: unknown }).code === 'ERR_JSON_TOO_DEEP')
      return fail('ERR_INPUT_INVALID', `JSON is nested deeper than ${MAX_JSON_DEPTH} levels`);
    return fail('ERR_INPUT_INVALID', `${what} looks like JSON but does not parse: ${(error as Error).message}`);
  }
}

/** Recognise one text (QR payload or file content). */
function fromText(registry: FormatRegistry, input: Text, limits: Required<VerifyLimits>): Prepared {
  const details: VerificationDetails = input.image ? { image: input.image } : {};
  const raw = input.text;
  if (raw.length > limits.maxTextLength)
    return fail('ERR_INPUT_TOO_LARGE', `text is ${raw.length} characters, over the ${limits.maxTextLength} limit`);
  const text = raw.replace(/^\uFEFF/, '').trim();
  if (text.length === 0) return fail('ERR_INPUT_INVALID', 'input is empty');
  if (text.startsWith('{')) {
    const parsed = parseInputJson(text, 'input');
    if ('failure' in parsed) return parsed;
    const json = parsed.json;
    if (!isObject(json)) return fail('ERR_INPUT_UNRECOGNIZED', 'JSON input must be an object');
    return fromJson(registry, json, details, input.image, text);
  }
  const textInput: FormatInput = {
    kind: 'text',
    text,
    raw,
    maxItems: limits.maxItems,
    ...(input.image ? { image: input.image } : {}),
  };
  return detectWith(registry, textInput, details, `not a recognised credential (${formatList(registry)})`);
}

type ImageReader = typeof import('@divoc/qr/image');
let imageReader: Promise<ImageReader> | undefined;

/**
 * The QR image reader (decoders and jsqr, most of a browser bundle's weight), loaded on the first image only: a
 * dynamic import, so bundlers put it in a chunk of its own that text verification never downloads.
 */
function loadImageReader(): Promise<ImageReader> {
  imageReader ??= import('@divoc/qr/image').catch((error: unknown) => {
    imageReader = undefined; // a failed load (offline chunk) is retried on the next image
    throw error;
  });
  return imageReader;
}

/** QR texts from an image. */
async function readImage(
  bytes: Uint8Array,
  image: ImageKind,
  limits: Required<VerifyLimits>,
): Promise<Text[] | InputFailure> {
  try {
    const { readQrCodesFromImage } = await loadImageReader();
    // Pixels are capped before any is allocated; SVG complexity and the time spent looking are capped by @divoc/qr
    // (ERR_QR_IMAGE_TOO_LARGE, ERR_QR_SVG_TOO_COMPLEX, ERR_QR_IMAGE_TOO_COMPLEX, ERR_QR_TIME_BUDGET), reported as a
    // failed decode check.
    const codes = readQrCodesFromImage(bytes, {
      maxCodes: MAX_CODES_PER_IMAGE,
      maxPixels: limits.maxImagePixels,
      maxBytes: limits.maxBytes,
      timeBudgetMs: DEFAULT_IMAGE_LIMITS.timeBudgetMs,
    });
    if (codes.length === 0) return fail('ERR_QR_NOT_FOUND', `no QR code found in the ${image.toUpperCase()} image`);
    return codes.map((c) => ({ text: c.text, image }));
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    return fail(
      typeof code === 'string' ? code : 'ERR_QR_NOT_FOUND',
      `${image.toUpperCase()} image: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Several texts (QR chunks, several images, several codes in one image) must make one credential (SHC chunks). */
function fromTexts(registry: FormatRegistry, texts: Text[], limits: Required<VerifyLimits>): Prepared {
  if (texts.length === 1) {
    const prepared = fromText(registry, texts[0]!, limits);
    return isFailure(prepared)
      ? prepared
      : texts[0]!.image
        ? { ...prepared, details: { ...prepared.details, qrCodes: 1 } }
        : prepared;
  }
  const image = texts.find((t) => t.image)?.image;
  const input: FormatInput = {
    kind: 'texts',
    texts: texts.map((t) => t.text),
    ...(image !== undefined ? { image } : {}),
  };
  const prepared = detectWith(registry, input, {}, '');
  if (isFailure(prepared) && prepared.code === 'ERR_INPUT_UNRECOGNIZED') {
    return fail(
      'ERR_INPUT_UNRECOGNIZED',
      `${texts.length} QR texts that are not the chunks of one SMART Health Card; verify them one by one`,
    );
  }
  return prepared;
}

async function fromBytes(
  registry: FormatRegistry,
  bytes: Uint8Array,
  limits: Required<VerifyLimits>,
): Promise<Text[] | Prepared> {
  if (bytes.length === 0) return fail('ERR_INPUT_INVALID', 'input is empty');
  if (bytes.length > limits.maxBytes)
    return fail('ERR_INPUT_TOO_LARGE', `input is ${bytes.length} bytes, over the ${limits.maxBytes} limit`);
  const image = sniffImage(bytes);
  if (image) return await readImage(bytes, image, limits);
  // Binary payloads a scanner may hand over as bytes (the DIVOC ZIP, a DCC COSE message), else the text they hold.
  const binary = registry.detect({ kind: 'bytes', bytes });
  if (binary !== undefined) return detectWith(registry, { kind: 'bytes', bytes }, {}, '');
  const text = utf8OrUndefined(bytes);
  if (text !== undefined) return [{ text }];
  return fail(
    'ERR_INPUT_UNRECOGNIZED',
    'binary input that is neither a QR image (PNG, JPEG, SVG) nor a binary credential (DIVOC QR ZIP, DCC COSE message)',
  );
}

/**
 * Size-cap and recognise any input: text, bytes (file contents or images), parsed JSON, or an array of texts/images
 * (SHC chunks). Never rejects.
 */
export async function prepareInput(
  input: unknown,
  limits: Required<VerifyLimits>,
  registry: FormatRegistry,
): Promise<Prepared> {
  try {
    if (typeof input === 'string') return fromTexts(registry, [{ text: input }], limits);
    if (input instanceof Uint8Array) {
      const out = await fromBytes(registry, input, limits);
      return Array.isArray(out) ? fromTexts(registry, out, limits) : out;
    }
    if (Array.isArray(input)) {
      if (input.length === 0) return fail('ERR_INPUT_INVALID', 'input is an empty array');
      if (input.length > limits.maxItems) return fail('ERR_INPUT_TOO_LARGE', `more than ${limits.maxItems} items`);
      const texts: Text[] = [];
      let total = 0;
      for (const item of input as unknown[]) {
        if (typeof item === 'string') {
          total += item.length;
          if (total > limits.maxTextLength)
            return fail('ERR_INPUT_TOO_LARGE', `texts exceed ${limits.maxTextLength} characters`);
          texts.push({ text: item });
        } else if (item instanceof Uint8Array) {
          total += item.length;
          if (total > limits.maxBytes) return fail('ERR_INPUT_TOO_LARGE', `inputs exceed ${limits.maxBytes} bytes`);
          const out = await fromBytes(registry, item, limits);
          if (!Array.isArray(out)) {
            if (isFailure(out)) return out;
            return fail('ERR_INPUT_UNRECOGNIZED', 'an array may hold QR texts and QR images only');
          }
          texts.push(...out);
        } else {
          return fail('ERR_INPUT_INVALID', 'an array input must hold strings (QR texts) or bytes (QR images)');
        }
        if (texts.length > limits.maxItems) return fail('ERR_INPUT_TOO_LARGE', `more than ${limits.maxItems} QR codes`);
      }
      return fromTexts(registry, texts, limits);
    }
    if (isObject(input)) {
      // Our own copy, size-capped: the caller's object may be huge, cyclic, or change under us.
      let text: string;
      try {
        text = JSON.stringify(input);
      } catch (error) {
        return fail('ERR_INPUT_INVALID', `object is not JSON data: ${(error as Error).message}`);
      }
      if (typeof text !== 'string') return fail('ERR_INPUT_INVALID', 'object is not JSON data');
      if (text.length > limits.maxTextLength)
        return fail(
          'ERR_INPUT_TOO_LARGE',
          `object is ${text.length} characters as JSON, over the ${limits.maxTextLength} limit`,
        );
      // Strict on our copy too: an own `__proto__` member (JSON.parse makes those) is refused like one in text.
      const parsed = parseInputJson(text, 'object');
      if ('failure' in parsed) return parsed;
      return fromJson(registry, parsed.json as Json, {}, undefined);
    }
    return fail(
      'ERR_INPUT_INVALID',
      `cannot verify ${input === null ? 'null' : typeof input}: give text, bytes, a JSON object or an array of ` +
        `QR texts`,
    );
  } catch (error) {
    return fail(
      'ERR_INPUT_INVALID',
      `input could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
