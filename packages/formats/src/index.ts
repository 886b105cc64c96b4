/**
 * The registry of every credential format shipped in this repository (`FORMATS`).
 *
 * @module @divoc/formats
 */
import { dccFormat, dvcFormat, icvpFormat } from '@divoc/dcc/plugin';
import { divocQrFormat, pixelpassFormat } from '@divoc/qr/plugin';
import { FormatRegistry } from '@divoc/schemas';
import { sdJwtVcFormat } from '@divoc/sd-jwt/plugin';
import { shcFormat } from '@divoc/shc/plugin';
import { vcCompactFormat, w3cVcFormat } from '@divoc/vc';
import { vdsncFormat } from '@divoc/vdsnc/plugin';

/**
 * Every format the SDK reads and writes, in the order of detection and issuance (the DIVOC QR and the compact QR
 * re-encode the signed W3C VC, so they come after it). This is the one registration of a format: the issuer, the
 * verifier, the CLI, the service and the worker iterate it. To add a format, write a package exporting a
 * `CredentialFormatPlugin` (see `@divoc/schemas`) and add it here, or pass `FORMATS.with(yourFormat)` where a
 * registry is taken.
 */
export const FORMATS = new FormatRegistry([
  w3cVcFormat,
  divocQrFormat,
  vcCompactFormat,
  pixelpassFormat,
  dccFormat,
  dvcFormat,
  icvpFormat,
  shcFormat,
  vdsncFormat,
  sdJwtVcFormat,
] as const);

/** A format of the SDK, by its one name. */
export type FormatName = (typeof FORMATS.plugins)[number]['name'];

export { FormatRegistry, FormatRegistryError } from '@divoc/schemas';
export * from './fhir.js';
export type { CredentialFormatPlugin } from '@divoc/schemas';
