/**
 * How bulk issuance names each certificate format, read from the format registry (`FORMATS` in `@divoc/formats`):
 * a format's stem is its `shortName`, the middle of its file names (`<certificateId>.<stem>.png`) and the name
 * `divoc issue --format` takes; the format name is the one `@divoc/issuer`, `index.ndjson` and `certificates.ndjson`
 * use. Only `w3c-vc` differs (`vc`).
 */
import { FORMATS, type CredentialFormatPlugin, type FormatName } from '@divoc/formats';

/** Formats bulk issuance writes, in the order their files are made (the registry's order). */
export const BULK_FORMATS: readonly FormatName[] = Object.freeze(FORMATS.names);
/**
 * A format `issueBulk` can write: the `name` of any plugin in `FORMATS` (`w3c-vc`, `divoc-qr`, `vc-compact`, `dcc`,
 * `shc`, `vdsnc`).
 */
export type BulkFormat = FormatName;

/** A format's file stem, e.g. `w3c-vc` → `vc`, `dcc` → `dcc`. */
export type FormatStem = (typeof FORMATS.plugins)[number]['shortName'];

/** The file stem of a format (`w3c-vc` → `vc`; every other format is its own stem). */
export function formatStem(format: BulkFormat): FormatStem {
  return FORMATS.get(format).shortName as FormatStem;
}

/** Whether `name` is a format bulk issuance writes. */
export function isBulkFormat(name: string): name is BulkFormat {
  return FORMATS.find(name)?.name === name;
}

/** The format a stem names (`vc` → `w3c-vc`), or undefined. */
export function formatOfStem(stem: string): BulkFormat | undefined {
  const plugin = FORMATS.find(stem);
  return plugin !== undefined && plugin.shortName === stem ? (plugin.name as BulkFormat) : undefined;
}

/**
 * The caller's key slot a format signs with (its first choice: `dcc` for the DCC, `vc` for the formats that
 * re-encode the W3C VC), so a front end loads the key material by slot, not by format.
 */
export function keySlotOf(format: BulkFormat): string {
  return FORMATS.signerOf(FORMATS.get(format)).issuance.keys[0] ?? '';
}

/** Formats made from the signed W3C VC (they need the VC key, `keys.vc`). */
export const VC_BASED_FORMATS: ReadonlySet<BulkFormat> = new Set(
  FORMATS.plugins.filter((p) => FORMATS.signerOf(p).issuance.keys.includes('vc')).map((p) => p.name as BulkFormat),
);

/** The file whose presence means "this format was issued for this certificate" (reruns skip it). */
export function mainFileName(format: BulkFormat, certificateId: string): string {
  return `${certificateId}${FORMATS.get(format).files.mainSuffix}`;
}

/** The registry's plugin of a format. */
export const pluginOf = (format: BulkFormat): CredentialFormatPlugin => FORMATS.get(format);
