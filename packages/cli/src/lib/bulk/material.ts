/**
 * Loading the signing keys `divoc issue` needs for the requested formats. The main thread loads them once to
 * check the command line (exit 2 before any record is read); each worker loads them again from the same files, so
 * private key bytes never travel in messages or logs.
 */
import { describeFsError, readFileCapped } from '@divoc/keys/node';
import { keySlotOf, type BulkFormat } from '@divoc/bulk';
import { MAX_KEY_FILE_BYTES, controllerOf } from '@divoc/keys';
import type { IssuerKeys } from '@divoc/issuer';
import type { SuiteName } from '@divoc/vc';
import { SUITES_BY_KEY_TYPE, makeIssuer } from '../engine.js';
import { InputUnreadableError, KeyFileError, UsageError } from '../errors.js';
import { resolvePath, type CliIo } from '../io.js';
import { loadSigningKey, signerFor } from '../keyfile.js';
import {
  REPORTED_FORMAT,
  VC_BASED,
  certifiedKey,
  hasVdsncUsage,
  type CertifiedKey,
  type IssueMaterial,
  type OutputFormat,
} from '../outputs.js';

/** The key-related flags of `divoc issue`, by flag name (plain strings: they cross into worker threads). */
export type MaterialFlags = Partial<
  Record<
    | 'key'
    | 'key-id'
    | 'suite'
    | 'issuer'
    | 'qr'
    | 'dsc-key'
    | 'dsc-cert'
    | 'bsc-key'
    | 'bsc-cert'
    | 'shc-key'
    | 'shc-issuer',
    string
  >
>;

/**
 * Loads the keys the requested formats need. Missing key material is a usage error naming the flag; a key or
 * certificate that cannot be used (wrong type, mismatched pair) is a key file error. Both exit 2 before any record.
 */
export async function loadMaterial(
  io: Pick<CliIo, 'cwd'>,
  flags: MaterialFlags,
  formats: readonly OutputFormat[],
): Promise<{ material: IssueMaterial; issuer: string; label: string }> {
  const spec = { name: 'issue' };
  // Key material is loaded per key slot (`dcc`: the document signer, `vdsnc`: the barcode signer, `shc`), for the
  // formats that sign with it: a format added to the registry on an existing slot needs nothing here.
  const signingWith = (slot: string): OutputFormat[] =>
    formats.filter((f) => keySlotOf(REPORTED_FORMAT[f] as BulkFormat) === slot);
  // The WHO DVC and ICVP are HCERTs too: signed by the same document signer (--dsc-key / --dsc-cert).
  const dccFormats = [...signingWith('dcc'), ...signingWith('dvc'), ...signingWith('icvp')];
  const vdsncFormats = signingWith('vdsnc');
  const shcFormats = signingWith('shc');
  const material: IssueMaterial = {};
  if (flags.qr !== undefined) material.qr = flags.qr as 'png' | 'svg';
  const labels: string[] = [];
  let issuer = flags.issuer;

  // Key flags a format list does not need are accepted (and checked), so one command line serves several runs.
  const vcFormats = formats.filter((f) => VC_BASED.has(f));
  if (vcFormats.length > 0 && flags.key === undefined) {
    throw new UsageError(
      `missing required option --key (a W3C VC signing key, for --format ${vcFormats.join(',')})`,
      spec.name,
    );
  }
  if (flags.key !== undefined) {
    const key = await loadSigningKey(io, flags.key, flags['key-id']);
    const allowed = SUITES_BY_KEY_TYPE[key.keyPair.type];
    const suite = (flags.suite ?? allowed[0]) as SuiteName;
    if (!allowed.includes(suite)) {
      throw new UsageError(
        `suite ${suite} cannot be signed with a ${key.keyPair.type} key (use: ${allowed.join(', ')})`,
        spec.name,
      );
    }
    issuer ??= key.controller ?? controllerOf(key.id) ?? key.id.split('#')[0] ?? key.id;
    if (vcFormats.length > 0) {
      material.vc = makeIssuer(key, suite);
      material.vcKey = { signer: signerFor(key, { id: key.id }), suite }; // signerFor: file keys and pkcs11: token keys
      labels.push(...vcFormats.map((f) => (f === 'vc' ? suite : f)));
    }
  }

  const pair = async (
    keyFlag: 'dsc-key' | 'bsc-key',
    certFlag: 'dsc-cert' | 'bsc-cert',
  ): Promise<CertifiedKey | undefined> => {
    const keyPath = flags[keyFlag];
    const certPath = flags[certFlag];
    if (keyPath === undefined && certPath === undefined) return undefined;
    if (keyPath === undefined) throw new UsageError(`--${certFlag} needs --${keyFlag}`, spec.name);
    if (certPath === undefined)
      throw new UsageError(`--${keyFlag} needs --${certFlag} (the signer certificate)`, spec.name);
    const key = await loadSigningKey(io, keyPath, undefined);
    const cert = await readSmallFile(io, certPath);
    try {
      return certifiedKey(key, cert);
    } catch (error) {
      throw new KeyFileError(`${keyPath} / ${certPath}`, (error as Error).message);
    }
  };
  const dsc = await pair('dsc-key', 'dsc-cert');
  const bsc = await pair('bsc-key', 'bsc-cert');

  if (dccFormats.length > 0) {
    if (!dsc)
      throw new UsageError(
        `--format ${dccFormats.join(',')} needs --dsc-key and --dsc-cert ` +
          '(a P-256 document signer key and certificate; see divoc keys dsc)',
        spec.name,
      );
    material.dsc = dsc;
    labels.push(...dccFormats);
  }
  if (vdsncFormats.length > 0) {
    if (bsc) material.bsc = bsc;
    else if (dsc && hasVdsncUsage(dsc)) material.bsc = dsc;
    else if (dsc) {
      throw new UsageError(
        `--format ${vdsncFormats.join(',')} needs --bsc-key and --bsc-cert: ` +
          'the certificate in --dsc-cert lacks the VDS-NC extended key usage 2.23.136.1.1.14.2 ' +
          '(divoc keys dsc writes bsc.key.pem / bsc.crt.pem)',
        spec.name,
      );
    } else
      throw new UsageError(
        `--format ${vdsncFormats.join(',')} needs --bsc-key and --bsc-cert ` +
          '(or --dsc-key and --dsc-cert with the VDS-NC usage; see divoc keys dsc)',
        spec.name,
      );
    labels.push(...vdsncFormats);
  }
  if (shcFormats.length > 0) {
    let key;
    if (flags['shc-key'] !== undefined) key = await loadSigningKey(io, flags['shc-key'], undefined);
    else if (dsc) key = dsc.key;
    else throw new UsageError(`--format ${shcFormats.join(',')} needs --shc-key (a P-256 key) or --dsc-key`, spec.name);
    if (key.keyPair.type !== 'P-256')
      throw new KeyFileError(
        flags['shc-key'] ?? (flags['dsc-key'] as string),
        `SMART Health Cards are signed with P-256 (ES256), not ${key.keyPair.type}`,
      );
    const fromIssuer = issuer?.startsWith('https://') ? issuer.replace(/\/+$/, '') : undefined;
    const shcIssuer = flags['shc-issuer'] ?? fromIssuer;
    if (shcIssuer === undefined)
      throw new UsageError(
        `--format ${shcFormats.join(',')} needs --shc-issuer URL (https, no trailing slash: ` +
          'where the issuer publishes /.well-known/jwks.json)',
        spec.name,
      );
    if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(shcIssuer) || shcIssuer.endsWith('/'))
      throw new UsageError('--shc-issuer must be an https URL without a trailing slash', spec.name);
    material.shc = { signer: signerFor(key, { id: key.id, algorithm: 'ES256' }), key, issuer: shcIssuer };
    issuer ??= shcIssuer;
    labels.push(...shcFormats);
  }
  if (issuer === undefined)
    throw new UsageError('missing --issuer (the credential issuer; without --key it cannot be derived)', spec.name);
  return { material, issuer, label: labels.join(', ') };
}

async function readSmallFile(io: Pick<CliIo, 'cwd'>, path: string): Promise<Uint8Array> {
  try {
    const read = await readFileCapped(resolvePath(io, path), MAX_KEY_FILE_BYTES);
    if (read.tooLarge) throw new InputUnreadableError(path, `larger than ${MAX_KEY_FILE_BYTES} bytes`);
    return read.bytes;
  } catch (error) {
    if (error instanceof InputUnreadableError) throw error;
    throw new InputUnreadableError(path, describeFsError(error));
  }
}

/** The keys as `@divoc/issuer` (and so `@divoc/bulk`) takes them. */
export function issuerKeysOf(material: IssueMaterial): IssuerKeys {
  const keys: IssuerKeys = {};
  if (material.vcKey) keys.vc = { signer: material.vcKey.signer, suite: material.vcKey.suite };
  if (material.dsc) {
    const dsc = { signer: material.dsc.signer, certificate: material.dsc.certificateDer };
    keys.dcc = dsc;
    // The same document signer signs the WHO DVC and ICVP; issued only when --format names them.
    keys.dvc = dsc;
    keys.icvp = dsc;
  }
  if (material.bsc) keys.vdsnc = { signer: material.bsc.signer, certificate: material.bsc.certificateDer };
  if (material.shc)
    keys.shc = { signer: material.shc.signer, key: material.shc.key.keyPair, issuer: material.shc.issuer };
  return keys;
}

/** What `divoc issue` hands each worker thread to load its keys with (see ../../bulk-keys.ts): file paths only. */
export interface BulkKeyOptions {
  cwd: string;
  flags: MaterialFlags;
  formats: OutputFormat[];
}
