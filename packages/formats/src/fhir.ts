import { DivocError, isJsonObject, parseJsonStrict } from '@divoc/keys';
import {
  toFhirBundle,
  type CredentialFormatPlugin,
  type FhirBundle,
  type FormatInput,
  type FormatRegistry,
  type ToFhirBundleOptions,
} from '@divoc/schemas';
// FORMATS is read when called, never at import: the cycle with index.ts is harmless.
import { FORMATS } from './index.js';

/** Why a credential could not be turned into a FHIR bundle (before its data was read). */
export type CredentialToFhirErrorCode =
  /** The format has no mapping to the DDCC core data set (its plugin lacks `coreDataSet`). */
  | 'ERR_FHIR_UNSUPPORTED'
  /** No format of the registry recognises the input. */
  | 'ERR_INPUT_UNRECOGNIZED'
  /** The input is empty, or the format that recognised it refused it. */
  | 'ERR_INPUT_INVALID'
  /** The input is over `maxTextLength`, or has more QR chunks than `maxItems`. */
  | 'ERR_INPUT_TOO_LARGE';

/**
 * A credential that cannot be turned into a FHIR bundle: unrecognised, refused, or of a format with no DDCC mapping.
 * (A credential that lacks what the DDCC core data set needs fails with `DdccMappingError`,
 * `ERR_DDCC_CREDENTIAL_INVALID`; one that does not decode, with its format's own decoding error.)
 */
export class CredentialToFhirError extends DivocError {
  readonly code: CredentialToFhirErrorCode;
  /** The format that recognised the input, when one did. */
  readonly format: string | undefined;
  constructor(code: CredentialToFhirErrorCode, message: string, format?: string) {
    super(message);
    this.code = code;
    this.format = format;
  }
}

/** What `credentialToFhir` reads: a QR text or file content, bytes, a parsed JSON object, or several QR chunks. */
export type CredentialToFhirInput = string | Uint8Array | Readonly<Record<string, unknown>> | readonly string[];

/** Options of `credentialToFhir`. */
export interface CredentialToFhirOptions extends ToFhirBundleOptions {
  /** The formats to read with (default `FORMATS`). */
  registry?: FormatRegistry;
  /** Longest text accepted, in characters (default 1,000,000). */
  maxTextLength?: number;
  /** Most QR chunks one credential may come in (default 10). */
  maxItems?: number;
}

/** What `credentialToFhir` returns: the format that read the input, and the bundle. */
export interface CredentialFhir {
  format: string;
  bundle: FhirBundle;
}

/**
 * The FHIR R4 document bundle of an already decoded payload (what a plugin's `decode` returned), through the plugin's
 * `coreDataSet` and `toFhirBundle`. Throws `CredentialToFhirError` (`ERR_FHIR_UNSUPPORTED`) when the plugin has no
 * `coreDataSet`, and `DdccMappingError` (`ERR_DDCC_CREDENTIAL_INVALID`) when the payload lacks what it needs.
 */
export async function decodedToFhir(
  plugin: CredentialFormatPlugin,
  payload: unknown,
  options: ToFhirBundleOptions = {},
): Promise<FhirBundle> {
  if (typeof plugin.coreDataSet !== 'function') {
    throw new CredentialToFhirError(
      'ERR_FHIR_UNSUPPORTED',
      `${plugin.name} has no mapping to the WHO DDCC core data set, so no FHIR bundle`,
      plugin.name,
    );
  }
  return toFhirBundle(await plugin.coreDataSet(payload), options);
}

function formatInputOf(input: CredentialToFhirInput, maxTextLength: number, maxItems: number): FormatInput {
  if (input instanceof Uint8Array) return { kind: 'bytes', bytes: input };
  if (Array.isArray(input)) {
    if (input.length > maxItems)
      throw new CredentialToFhirError('ERR_INPUT_TOO_LARGE', `more than ${maxItems} QR chunks`);
    if (!input.every((t): t is string => typeof t === 'string' && t.length <= maxTextLength))
      throw new CredentialToFhirError('ERR_INPUT_INVALID', 'QR chunks must be texts');
    return { kind: 'texts', texts: input };
  }
  if (typeof input === 'string') {
    if (input.length > maxTextLength)
      throw new CredentialToFhirError('ERR_INPUT_TOO_LARGE', `text is over the ${maxTextLength} characters limit`);
    const text = input.replace(/^\uFEFF/, '').trim();
    if (text === '') throw new CredentialToFhirError('ERR_INPUT_INVALID', 'input is empty');
    if (text.startsWith('{')) {
      // Strictly: a member named twice or a prototype key fails with the JSON reader's own code.
      const json = parseJsonStrict(text, { maxLength: maxTextLength });
      if (!isJsonObject(json)) throw new CredentialToFhirError('ERR_INPUT_INVALID', 'JSON input must be an object');
      return { kind: 'json', json, text };
    }
    return { kind: 'text', text, raw: input, maxItems };
  }
  if (isJsonObject(input)) return { kind: 'json', json: input };
  throw new CredentialToFhirError('ERR_INPUT_INVALID', 'input must be a text, bytes, a JSON object or QR chunks');
}

/**
 * Reads a credential in any format of the registry (detect, decode: nothing is verified) and returns its FHIR R4
 * document bundle, mapped through the WHO DDCC core data set (see docs/fhir.md). The same input always gives the same
 * bundle. Throws `CredentialToFhirError` (`ERR_INPUT_UNRECOGNIZED`, `ERR_INPUT_INVALID`, `ERR_INPUT_TOO_LARGE`,
 * `ERR_FHIR_UNSUPPORTED`), the format's decoding error, or `DdccMappingError` (`ERR_DDCC_CREDENTIAL_INVALID`).
 */
export async function credentialToFhir(
  input: CredentialToFhirInput,
  options: CredentialToFhirOptions = {},
): Promise<CredentialFhir> {
  const { registry = FORMATS, maxTextLength = 1_000_000, maxItems = 10, ...bundleOptions } = options;
  const found = registry.detect(formatInputOf(input, maxTextLength, maxItems));
  if (found === undefined) {
    throw new CredentialToFhirError(
      'ERR_INPUT_UNRECOGNIZED',
      `not a recognised credential format (supported: ${registry.names.join(', ')})`,
    );
  }
  const { plugin, detection } = found;
  if (detection.refusal !== undefined) {
    const code = detection.refusal.code === 'ERR_INPUT_TOO_LARGE' ? 'ERR_INPUT_TOO_LARGE' : 'ERR_INPUT_INVALID';
    throw new CredentialToFhirError(code, detection.refusal.message, plugin.name);
  }
  // A format with no mapping fails before its decoding code is loaded.
  if (typeof plugin.coreDataSet !== 'function') await decodedToFhir(plugin, undefined);
  const decoded = await plugin.decode(detection.payload);
  return { format: plugin.name, bundle: await decodedToFhir(plugin, decoded.payload, bundleOptions) };
}
