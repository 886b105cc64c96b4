import { isJsonObject } from '@divoc/keys';
import { FORMATS } from '@divoc/formats';
import {
  buildCredential,
  defaultRegistry,
  DdccMappingError,
  RecordValidationError,
  toDdccCoreDataSet,
  FormatRegistry,
  type CredentialFormatPlugin,
  type DdccCoreDataSet,
  type FormatIssued,
  type ToDdccOptions,
} from '@divoc/schemas';
import type { SignedCredential } from '@divoc/vc';
import { renderQr } from '@divoc/qr';
import { allocateStatusEntry, isStatusList, type BitstringStatusListEntry } from '@divoc/status';
import { certificateIdFor, isSafeCertificateId, SAFE_CERTIFICATE_ID_RULE } from '../certificate-id/certificate-id.js';
import { checkRecordFields, splitRecord } from '../ddcc/record-fields.js';
import { checkStatusEntries, withCredentialStatus } from '../formats/w3c-vc.js';
import {
  IssuerCertificateIdError,
  IssuerFormatError,
  IssuerInputError,
  IssuerRecordError,
  type FormatName,
} from '../lib/errors.js';
import { toFormatError } from '../lib/failure.js';
import type {
  FormatFailure,
  IssuerKeys,
  IssueAllFormatsOptions,
  IssuedFormats,
  IssuedOutputs,
  IssueInput,
  QrImage,
} from '../types.js';

/** Every format, in the order they are produced (the two QR forms of the W3C VC need it signed first). */
export const FORMAT_NAMES: readonly FormatName[] = Object.freeze(FORMATS.names);

type Json = Record<string, unknown>;
const MAX_RECORD_FIELDS = 512;

function checkOptions(options: IssueAllFormatsOptions): void {
  if (!isJsonObject(options)) throw new IssuerInputError('options (with keys and issuer) are required');
  if (!isJsonObject(options.keys)) throw new IssuerInputError('options.keys must be an object');
  if (
    typeof options.issuer !== 'string' ||
    !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(options.issuer) ||
    options.issuer.length > 2048
  ) {
    throw new IssuerInputError('options.issuer must be an absolute URI or DID');
  }
  if (options.registry !== undefined && !(options.registry instanceof FormatRegistry)) {
    throw new IssuerInputError('options.registry must be a FormatRegistry (FORMATS.with(...) from @divoc/formats)');
  }
  if (options.formats !== undefined) {
    const known = registryOf(options).names;
    if (!Array.isArray(options.formats) || options.formats.length === 0)
      throw new IssuerInputError('options.formats must be a non-empty array');
    for (const f of options.formats)
      if (!known.includes(f as string))
        throw new IssuerInputError(`unknown format ${JSON.stringify(String(f))}; known: ${known.join(', ')}`);
  }
  if (options.qr !== undefined && options.qr !== false && options.qr !== 'png' && options.qr !== 'svg')
    throw new IssuerInputError("options.qr must be 'png', 'svg' or false");
  for (const name of ['issuanceDate', 'expirationDate'] as const) {
    const d = options[name];
    if (d !== undefined && (!(d instanceof Date) || Number.isNaN(d.getTime())))
      throw new IssuerInputError(`options.${name} must be a valid Date`);
  }
  if (options.certificateId !== undefined && !isSafeCertificateId(options.certificateId)) {
    throw new IssuerInputError(`options.certificateId must be ${SAFE_CERTIFICATE_ID_RULE}`);
  }
  if (
    options.certificateIssuerName !== undefined &&
    (typeof options.certificateIssuerName !== 'string' ||
      options.certificateIssuerName.trim() === '' ||
      options.certificateIssuerName.length > 256)
  ) {
    throw new IssuerInputError('options.certificateIssuerName must be 1 to 256 characters');
  }
  if (
    options.statusList !== undefined &&
    (!isJsonObject(options.statusList) || !isStatusList(options.statusList.list))
  ) {
    throw new IssuerInputError('options.statusList.list must be a StatusList from @divoc/status');
  }
  if (options.credentialStatus !== undefined) {
    if (options.statusList !== undefined) {
      throw new IssuerInputError(
        'give options.statusList (an entry is allocated from it) ' +
          'or options.credentialStatus (entries allocated already), not both',
      );
    }
    checkStatusEntries(options.credentialStatus, 'options.credentialStatus');
  }
  if (options.unknownFields !== undefined && options.unknownFields !== 'reject' && options.unknownFields !== 'ignore')
    throw new IssuerInputError("options.unknownFields must be 'reject' or 'ignore'");
  if (options.vdsncName !== undefined && options.vdsncName !== 'latin' && options.vdsncName !== 'as-written')
    throw new IssuerInputError("options.vdsncName must be 'latin' or 'as-written'");
}

/** The first of the caller's keys a format signs with (`keys.dcc`, else `keys.dsc`). */
function keyFor(plugin: CredentialFormatPlugin, keys: IssueAllFormatsOptions['keys']): unknown {
  if (plugin.issuance.mode !== 'signs') return undefined;
  const slots = keys as Readonly<Record<string, unknown>>;
  for (const slot of plugin.issuance.keys) if (slots[slot] !== undefined) return slots[slot];
  return undefined;
}

/** The formats to issue: the caller's registry (`FORMATS.with(...)`), else `FORMATS`. */
const registryOf = (options: Pick<IssueAllFormatsOptions, 'registry'>): FormatRegistry => options.registry ?? FORMATS;

/** Formats whose key is present: the default when `options.formats` is not given. */
function formatsFor(options: IssueAllFormatsOptions, signed: boolean): FormatName[] {
  const registry = registryOf(options);
  if (options.formats !== undefined) {
    const wanted: readonly string[] = options.formats;
    return registry.names.filter((f) => wanted.includes(f)) as FormatName[];
  }
  return registry.plugins
    .filter((plugin) => {
      const source = registry.signerOf(plugin);
      return (signed && source.name === 'w3c-vc') || keyFor(source, options.keys) !== undefined;
    })
    .map((plugin) => plugin.name as FormatName);
}

/** The formats these keys can issue, in registry order (what `issueAllFormats` makes when no `formats` are named). */
export function issuableFormats(keys: IssuerKeys): FormatName[] {
  return formatsFor({ keys, issuer: 'urn:x' }, false);
}

/** Which of the caller's keys a format needs, in words (`keys.dcc or keys.dsc (...)`). */
export function formatKeyHint(format: FormatName): string {
  return FORMATS.signerOf(FORMATS.get(format)).issuance.keyHint;
}

interface Prepared {
  /** Unsigned credential (the input one without proof, or the one built from the record). */
  unsigned: Json;
  /** The input credential when it came signed. */
  signed?: SignedCredential;
  ddccOptions: ToDdccOptions;
  certificateId: string;
}

function prepareFromRecord(record: unknown, template: unknown, options: IssueAllFormatsOptions): Prepared {
  if (typeof template !== 'string' || template.length === 0 || template.length > 128)
    throw new IssuerInputError('template must be a template name (vaccination, vaccination-v2, test, recovery...)');
  if (!defaultRegistry.has(template)) throw new IssuerInputError(`unknown template ${JSON.stringify(template)}`);
  if (!isJsonObject(record)) throw new IssuerInputError('record must be an object');
  if (Object.keys(record).length > MAX_RECORD_FIELDS)
    throw new IssuerInputError(`record has more than ${MAX_RECORD_FIELDS} fields`);
  // Unknown fields first: a misspelt column should be named as such, not as the required field it failed to fill.
  const split = splitRecord(checkRecordFields(template, record, options.unknownFields), template);
  if (split.issues.length > 0)
    throw new IssuerRecordError(
      `record is invalid: ${split.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      split.issues,
    );
  let certificateId = options.certificateId;
  if (certificateId === undefined) {
    const derived = certificateIdFor(template, split.record);
    if (!derived.ok) throw new IssuerCertificateIdError(derived.field, derived.reason);
    certificateId = derived.certificateId;
  }
  let credential: Json;
  try {
    credential = buildCredential(
      template,
      { ...split.record, certificateId },
      {
        issuer: options.issuer,
        ...(options.issuanceDate !== undefined ? { issuanceDate: options.issuanceDate } : {}),
        ...(options.expirationDate !== undefined ? { expirationDate: options.expirationDate } : {}),
        ...(options.vcVersion !== undefined ? { vcVersion: options.vcVersion } : {}),
        ...(options.context !== undefined ? { context: options.context } : {}),
      },
    ) as Json;
  } catch (error) {
    if (error instanceof RecordValidationError) {
      const issues = error.issues.map((i) => ({ path: i.path, message: i.message }));
      throw new IssuerRecordError(
        `${error.stage === 'record' ? 'record' : 'credential'} is invalid: ` +
          `${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
        issues,
        { cause: error },
      );
    }
    throw error;
  }
  return { unsigned: credential, ddccOptions: split.ddcc, certificateId };
}

function prepareFromCredential(credential: unknown, extra: unknown, options: IssueAllFormatsOptions): Prepared {
  if (!isJsonObject(credential)) throw new IssuerInputError('credential must be an object');
  if (extra !== undefined && !isJsonObject(extra)) throw new IssuerInputError('ddcc must be an object');
  let copy: Json;
  try {
    copy = structuredClone(credential) as Json;
  } catch (error) {
    throw new IssuerInputError('credential must be plain JSON data', { cause: error });
  }
  const signed = isJsonObject(copy.proof) ? (copy as SignedCredential) : undefined;
  const unsigned = { ...copy };
  delete unsigned.proof;
  if (signed !== undefined && (options.statusList !== undefined || options.credentialStatus !== undefined)) {
    throw new IssuerInputError('the credential is already signed: a status entry cannot be added to it');
  }
  const evidence = Array.isArray(copy.evidence) ? copy.evidence[0] : undefined;
  const given = isJsonObject(evidence) ? evidence.certificateId : undefined;
  const certificateId = typeof given === 'string' || typeof given === 'number' ? String(given).trim() : '';
  if (certificateId === '')
    throw new IssuerCertificateIdError('evidence[0].certificateId', 'the credential has no certificate id');
  if (options.certificateId !== undefined && options.certificateId !== certificateId) {
    throw new IssuerInputError(
      "options.certificateId differs from the credential's certificateId (a credential keeps its id)",
    );
  }
  return {
    unsigned,
    ...(signed !== undefined ? { signed } : {}),
    ddccOptions: { ...((extra as ToDdccOptions | undefined) ?? {}) },
    certificateId,
  };
}

function image(text: string, format: 'png' | 'svg'): QrImage {
  return renderQr(text, { format });
}

/** A format's output, with its QR image(s) when asked for (`image`, or `images` for a text in chunks). */
function withImages(issued: FormatIssued, qr: 'png' | 'svg' | false): Record<string, unknown> {
  if (!qr || issued.qr === undefined) return issued.output;
  if (typeof issued.qr === 'string') return { ...issued.output, image: image(issued.qr, qr) };
  return { ...issued.output, images: issued.qr.map((t) => image(t, qr)) };
}

/**
 * From one registry record (or one of our credentials), the W3C VC, its DIVOC QR, compact `DIVOC1:` QR and PixelPass
 * QR, the EU DCC, the SMART Health Card and the ICAO VDS-NC seal, all mapped through one WHO DDCC core data set.
 *
 * A format that cannot be produced (no key, no EU code for the vaccine, SHC for a recovery...) is reported in
 * `errors` with a typed code; with `strict: true` it is thrown (`IssuerFormatError`). Bad input, an invalid record or
 * a record without any way to derive a certificate id throw (`IssuerInputError`, `IssuerRecordError`,
 * `IssuerCertificateIdError`): nothing can be issued then.
 */
export async function issueAllFormats(input: IssueInput, options: IssueAllFormatsOptions): Promise<IssuedFormats> {
  checkOptions(options);
  if (!isJsonObject(input)) throw new IssuerInputError('input must be { record, template } or { credential }');
  const hasRecord = 'record' in input;
  const hasCredential = 'credential' in input;
  if (hasRecord === hasCredential)
    throw new IssuerInputError('input must have either record (with template) or credential');
  const prepared = hasRecord
    ? prepareFromRecord((input as { record: unknown }).record, (input as { template: unknown }).template, options)
    : prepareFromCredential((input as { credential: unknown }).credential, (input as { ddcc?: unknown }).ddcc, options);

  let ddcc: DdccCoreDataSet;
  try {
    ddcc = toDdccCoreDataSet(prepared.unsigned, {
      ...prepared.ddccOptions,
      ...(options.certificateIssuerName !== undefined
        ? { certificateIssuerName: options.certificateIssuerName.trim() }
        : {}),
    });
  } catch (error) {
    if (error instanceof DdccMappingError)
      throw new IssuerRecordError(
        `credential cannot be read as a DDCC core data set: ${error.message}`,
        [{ path: error.path, message: error.message }],
        { cause: error },
      );
    throw error;
  }

  const formats = formatsFor(options, prepared.signed !== undefined);
  const registry = registryOf(options);
  const outputs: IssuedOutputs = {};
  const errors: Partial<Record<FormatName, FormatFailure>> = {};
  const identifiers: IssuedFormats['identifiers'] = { hcid: ddcc.certificate.hcid };
  const qr = options.qr === undefined ? false : options.qr;
  const keys = options.keys;

  const fail = (format: FormatName, error: unknown): void => {
    const e = toFormatError(format, error);
    if (options.strict) throw e;
    errors[format] = {
      code: e.code,
      message: e.message,
      ...(e.causeCode !== undefined ? { causeCode: e.causeCode } : {}),
    };
  };
  const missing = (plugin: CredentialFormatPlugin): never => {
    const hint = plugin.issuance.mode === 'signs' ? plugin.issuance.keyHint : 'a key';
    throw new IssuerFormatError(plugin.name as FormatName, 'ERR_ISSUER_KEY_MISSING', `needs ${hint}`);
  };
  const common = {
    ddcc,
    credential: prepared.unsigned,
    issuer: options.issuer,
    ...(options.issuanceDate !== undefined ? { issuanceDate: options.issuanceDate } : {}),
    ...(options.expirationDate !== undefined ? { expirationDate: options.expirationDate } : {}),
    options: {
      ...(options.shcRid !== undefined ? { shcRid: options.shcRid } : {}),
      ...(options.vdsncName !== undefined ? { vdsncName: options.vdsncName } : {}),
    },
  };

  // Formats that others re-encode come first (the W3C VC: the DIVOC QR and the compact QR carry it). A source
  // format is produced once, even when only formats that re-encode it were asked for; its failure is theirs.
  const produced = new Map<string, { issued?: FormatIssued; error?: unknown }>();
  const produce = async (plugin: CredentialFormatPlugin): Promise<{ issued?: FormatIssued; error?: unknown }> => {
    const done = produced.get(plugin.name);
    if (done !== undefined) return done;
    let outcome: { issued?: FormatIssued; error?: unknown };
    try {
      if (plugin.issuance.mode === 'reencodes') {
        const source = await produce(registry.get(plugin.issuance.source));
        if (source.issued === undefined) throw toFormatError(plugin.name as FormatName, source.error);
        const signed = source.issued.output.credential as Readonly<Record<string, unknown>>;
        outcome = {
          issued: plugin.issuance.issue({
            signed,
            ...(options.issuanceDate !== undefined ? { issuanceDate: options.issuanceDate } : {}),
          }),
        };
      } else if (plugin.name === 'w3c-vc' && prepared.signed !== undefined) {
        outcome = { issued: { output: { credential: prepared.signed, json: JSON.stringify(prepared.signed) } } };
      } else {
        const key = keyFor(plugin, keys) ?? missing(plugin);
        // Status entries go into the W3C credential before it is signed: allocated here from statusList, or already.
        const credential = plugin.name === 'w3c-vc' ? withStatusEntries(prepared.unsigned, options) : prepared.unsigned;
        outcome = { issued: await plugin.issuance.issue({ ...common, credential }, key) };
      }
    } catch (error) {
      outcome = { error };
    }
    produced.set(plugin.name, outcome);
    return outcome;
  };

  for (const plugin of registry.plugins) {
    const format = plugin.name as FormatName;
    if (!formats.includes(format)) continue;
    const outcome = await produce(plugin);
    if (outcome.issued === undefined) {
      fail(format, outcome.error);
      continue;
    }
    (outputs as Record<string, unknown>)[format] = withImages(outcome.issued, qr);
    Object.assign(identifiers, outcome.issued.identifiers);
  }

  const result: IssuedFormats = { certificateId: prepared.certificateId, ddcc, identifiers, outputs };
  if (Object.keys(errors).length > 0) result.errors = errors;
  return result;
}

/** The unsigned W3C credential with the status entries to sign over: one allocated from `statusList`, or given. */
function withStatusEntries(unsigned: Json, options: IssueAllFormatsOptions): Json {
  let entries: BitstringStatusListEntry[] | undefined;
  const { statusList, credentialStatus } = options;
  if (statusList !== undefined) entries = [allocateStatusEntry(statusList.list, statusList.index)];
  else if (credentialStatus !== undefined) entries = checkStatusEntries(credentialStatus, 'options.credentialStatus');
  return entries === undefined ? unsigned : withCredentialStatus(unsigned, entries);
}
