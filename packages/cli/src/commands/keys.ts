import { X509Certificate } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDevelopmentCsca, createDevelopmentSigner, isDccError, type DccCertificateType } from '@divoc/dcc';
import {
  KeyFileExistsError,
  controllerOf,
  defaultKeyId,
  exportPrivatePem,
  generateKeyPair,
  toTrustListEntry,
  writePrivateKeyFile,
  type KeyType,
} from '@divoc/keys';
import { writeKeyFile } from '@divoc/keys/node';
import { createDevelopmentSigner as createVdsncSigner } from '@divoc/vdsnc';
import { defineCommand, formatHelp, parseArgs, requireFlags } from '../lib/args.js';
import { FileExistsError, OutputUnwritableError, UsageError } from '../lib/errors.js';
import { exists } from '../lib/files.js';
import { resolvePath, type CliIo } from '../lib/io.js';
import { describeFsError } from '@divoc/keys/node';
import { generatePkcs11Key, isPkcs11KeyRef } from '../lib/keyfile.js';

const KEY_TYPES: Record<string, KeyType> = { ed25519: 'Ed25519', p256: 'P-256', rsa: 'RSA' };

export const keysGenerateSpec = defineCommand({
  name: 'keys generate',
  summary:
    'Generate a signing key. Writes the private key file (mode 0600) and prints the public key as a ' +
    'trust-list entry (JSON).',
  usage:
    'keys generate --type ed25519|p256|rsa (--out FILE | --pkcs11 URI [--out FILE]) [--id ID] ' +
    '[--controller URL] [--force]',
  flags: {
    type: { type: 'string', valueName: 'TYPE', choices: ['ed25519', 'p256', 'rsa'], description: 'key type' },
    out: {
      type: 'string',
      valueName: 'FILE',
      description: 'private key file to write (with --pkcs11: the trust-list entry, optional)',
    },
    pkcs11: {
      type: 'string',
      valueName: 'URI',
      description:
        'create the key inside a PKCS#11 token instead, e.g. pkcs11:token=T;object=LABEL' +
        '?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=env:DIVOC_PKCS11_PIN',
    },
    id: {
      type: 'string',
      valueName: 'ID',
      description:
        'verification method id (default: did:key URL for ed25519/p256, urn:divoc:key:<JWK thumbprint> for rsa)',
    },
    controller: { type: 'string', valueName: 'URL', description: 'issuer DID or URL the key belongs to' },
    force: { type: 'boolean', description: 'overwrite FILE if it exists' },
  },
  positionals: { min: 0, max: 0 },
  details:
    'The key file is JSON: { "kind": "divoc-key", "version": 1, "type", "id", "controller"?, "privateKeyPem", ' +
    `"publicKeyJwk" }.
Give it to 'divoc issue --key'; give the printed entry (saved to a file) to 'divoc verify --trust'.
With --pkcs11 the private key is generated in the token (sensitive, not extractable) and never written anywhere;
then sign with 'divoc issue --key <the same URI>'. See docs/hsm.md.`,
});

export const keysDscSpec = defineCommand({
  name: 'keys dsc',
  summary:
    'Make a DEVELOPMENT country signing CA (CSCA) and document signer certificate (DSC, ' +
    'with the EU DCC key usages), plus a VDS-NC barcode signer certificate under the same CSCA, ' +
    'to try the whole chain. Not for production.',
  usage: 'keys dsc --country CC --out DIR [--types v,t,r] [--days N] [--force]',
  flags: {
    country: {
      type: 'string',
      valueName: 'CC',
      description: 'ISO 3166-1 alpha-2 country of the certificates (e.g. IN)',
    },
    out: {
      type: 'string',
      valueName: 'DIR',
      description: 'directory to write the keys and certificates to (created if missing)',
    },
    types: {
      type: 'string',
      valueName: 'v,t,r',
      description: 'DCC types the DSC may sign: v vaccination, t test, r recovery (default v,t,r)',
    },
    days: {
      type: 'string',
      valueName: 'N',
      description: 'validity of the DSC and barcode signer certificate in days (default 365; the CSCA: 4 years)',
    },
    force: { type: 'boolean', description: 'overwrite files that exist' },
  },
  positionals: { min: 0, max: 0 },
  details: `Writes to DIR:
  csca.key.pem (0600), csca.crt.pem   self-signed CSCA (P-256)
  dsc.key.pem (0600),  dsc.crt.pem    DSC for EU DCCs, with the DCC extended key usages of --types
  bsc.key.pem (0600),  bsc.crt.pem    VDS-NC barcode signer (EKU 2.23.136.1.1.14.2, document types NV/NT
                                      for v/t); not written when --types is r only
  dcc-signer-list.json                the DSC as an EU DCC signer list [{ "kid", "rawData", "country" }]
and prints a JSON summary (kid, subjects, validity, files) on stdout.

Then: divoc issue --dsc-key DIR/dsc.key.pem --dsc-cert DIR/dsc.crt.pem --bsc-key DIR/bsc.key.pem
        --bsc-cert DIR/bsc.crt.pem --format dcc,vdsnc,shc …
      divoc verify --trust DIR/dsc.crt.pem --trust DIR/csca.crt.pem …`,
});

const keysSpec = defineCommand({
  name: 'keys',
  summary: 'Manage signing keys.',
  usage: 'keys generate|dsc [options]',
  flags: {},
  positionals: { min: 0, max: Number.POSITIVE_INFINITY },
  details: `Commands:
  generate   generate a key pair (see 'divoc keys generate --help')
  dsc        make a development CSCA and document signer certificates (see 'divoc keys dsc --help')`,
});

export async function runKeys(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'generate') return runKeysGenerate(rest, io);
  if (sub === 'dsc') return runKeysDsc(rest, io);
  if (sub === undefined || sub === '--help' || sub === '-h') {
    if (sub === undefined) throw new UsageError('missing subcommand (generate, dsc)', keysSpec.name);
    io.stdout.write(formatHelp(keysSpec));
    return 0;
  }
  throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (expected: generate, dsc)`, keysSpec.name);
}

function certificateSummary(pem: string): {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
} {
  const cert = new X509Certificate(pem);
  return {
    subject: cert.subject.split('\n').join(', '),
    issuer: cert.issuer.split('\n').join(', '),
    serialNumber: cert.serialNumber,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

async function runKeysDsc(argv: readonly string[], io: CliIo): Promise<number> {
  const spec = keysDscSpec;
  const { flags, help } = parseArgs(argv, spec);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  requireFlags(spec, flags, ['country', 'out']);
  const country = flags.country as string;
  if (!/^[A-Z]{2}$/.test(country))
    throw new UsageError('--country must be an ISO 3166-1 alpha-2 code in capitals (e.g. IN)', spec.name);
  const typeList = (flags.types ?? 'v,t,r').split(',').map((t) => t.trim());
  if (typeList.length === 0 || !typeList.every((t) => t === 'v' || t === 't' || t === 'r')) {
    throw new UsageError('--types must be a comma-separated list of v, t, r', spec.name);
  }
  const types = [...new Set(typeList)] as DccCertificateType[];
  let days = 365;
  if (flags.days !== undefined) {
    if (!/^\d{1,5}$/.test(flags.days) || Number(flags.days) < 1 || Number(flags.days) > 36_500) {
      throw new UsageError('--days must be a whole number of days between 1 and 36500', spec.name);
    }
    days = Number(flags.days);
  }
  const outDir = resolvePath(io, flags.out as string);

  let csca;
  let dsc;
  try {
    csca = await createDevelopmentCsca({ country });
    dsc = await createDevelopmentSigner({ csca, types, validityDays: days });
  } catch (error) {
    if (isDccError(error)) throw new UsageError(`${error.message} (${error.code})`, spec.name);
    throw error;
  }
  // VDS-NC needs its own extended key usage and document type list, which a DCC DSC does not carry.
  const documentTypes = [...(types.includes('v') ? ['NV'] : []), ...(types.includes('t') ? ['NT'] : [])];
  const bsc =
    documentTypes.length > 0
      ? await createVdsncSigner({
          csca,
          country,
          commonName: `DIVOC development VDS-NC signer ${country}`,
          documentTypes,
          validUntil: new Date(Date.now() + days * 86_400_000),
        })
      : undefined;
  const bscPem = bsc ? new X509Certificate(Buffer.from(bsc.certificate)).toString() : undefined;

  const files: { name: string; contents: string; secret: boolean }[] = [
    { name: 'csca.key.pem', contents: csca.privateKeyPem, secret: true },
    { name: 'csca.crt.pem', contents: csca.certificatePem, secret: false },
    { name: 'dsc.key.pem', contents: dsc.privateKeyPem, secret: true },
    { name: 'dsc.crt.pem', contents: dsc.certificatePem, secret: false },
    ...(bsc && bscPem
      ? [
          { name: 'bsc.key.pem', contents: exportPrivatePem(bsc.keyPair), secret: true },
          { name: 'bsc.crt.pem', contents: bscPem, secret: false },
        ]
      : []),
    { name: 'dcc-signer-list.json', contents: `${JSON.stringify([dsc.signerListEntry], null, 2)}\n`, secret: false },
  ];
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    throw new OutputUnwritableError(flags.out as string, describeFsError(error));
  }
  if (!flags.force) {
    // Check all first: never leave half a set of keys behind.
    for (const file of files)
      if (await exists(join(outDir, file.name))) throw new FileExistsError(join(flags.out as string, file.name));
  }
  for (const file of files) {
    const path = join(outDir, file.name);
    try {
      if (file.secret) await writePrivateKeyFile(path, file.contents, { overwrite: flags.force });
      else await writeFile(path, file.contents, { mode: 0o644, flag: flags.force ? 'w' : 'wx' });
    } catch (error) {
      if (error instanceof KeyFileExistsError || (error as { code?: string }).code === 'EEXIST')
        throw new FileExistsError(join(flags.out as string, file.name));
      throw new OutputUnwritableError(join(flags.out as string, file.name), describeFsError(error));
    }
  }
  const summary = {
    country,
    kid: dsc.kid,
    types,
    dsc: certificateSummary(dsc.certificatePem),
    csca: certificateSummary(csca.certificatePem),
    ...(bscPem ? { bsc: { ...certificateSummary(bscPem), documentTypes } } : {}),
    files: files.map((f) => ({ file: join(flags.out as string, f.name), ...(f.secret ? { mode: '0600' } : {}) })),
  };
  io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  io.stderr.write(
    `wrote a DEVELOPMENT CSCA and signer certificates for ${country} to ${flags.out} ` +
      `(private keys mode 0600); DSC kid ${dsc.kid}\n`,
  );
  return 0;
}

async function runKeysGenerate(argv: readonly string[], io: CliIo): Promise<number> {
  const spec = keysGenerateSpec;
  const { flags, help } = parseArgs(argv, spec);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  requireFlags(spec, flags, flags.pkcs11 === undefined ? ['type', 'out'] : ['type']);
  const type = KEY_TYPES[flags.type as string] as KeyType;
  if (flags.controller !== undefined && !isUri(flags.controller))
    throw new UsageError('--controller must be a DID or URL', spec.name);
  if (flags.id !== undefined && !isUri(flags.id))
    throw new UsageError('--id must be a URI (e.g. did:web:example.org#key-1)', spec.name);
  if (flags.pkcs11 !== undefined) return generateInToken(flags.pkcs11, type, flags, io);

  const keyPair = await generateKeyPair(type);
  const id = flags.id ?? defaultKeyId(keyPair);
  const controller = flags.controller ?? controllerOf(id);
  const out = resolvePath(io, flags.out as string);
  try {
    await writeKeyFile(
      out,
      { keyPair, id, ...(controller !== undefined ? { controller } : {}) },
      { overwrite: flags.force },
    );
  } catch (error) {
    if (error instanceof KeyFileExistsError) throw new FileExistsError(flags.out as string);
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('E'))
      throw new OutputUnwritableError(flags.out as string, describeFsError(error));
    throw error;
  }
  const entry = toTrustListEntry(keyPair, { id, ...(controller !== undefined ? { controller } : {}) });
  io.stdout.write(`${JSON.stringify(entry, null, 2)}\n`);
  io.stderr.write(`wrote ${type} private key to ${flags.out} (mode 0600); trust-list entry for ${id} on stdout\n`);
  return 0;
}

/**
 * `keys generate --pkcs11 URI`: the key is made in the token; only its public trust-list entry is printed (and
 * written to --out).
 */
async function generateInToken(
  uri: string,
  type: KeyType,
  flags: {
    id?: string | undefined;
    controller?: string | undefined;
    out?: string | undefined;
    force?: boolean | undefined;
  },
  io: CliIo,
): Promise<number> {
  if (!isPkcs11KeyRef(uri))
    throw new UsageError('--pkcs11 must be a PKCS#11 URI (pkcs11:token=…;object=…)', keysGenerateSpec.name);
  const out = flags.out !== undefined ? resolvePath(io, flags.out) : undefined;
  if (out !== undefined && !flags.force && (await exists(out))) throw new FileExistsError(flags.out as string);
  const made = await generatePkcs11Key(uri, type, io.env);
  const id = flags.id ?? defaultKeyId(made.keyPair);
  const controller = flags.controller ?? controllerOf(id);
  const entry = toTrustListEntry(made.keyPair, { id, ...(controller !== undefined ? { controller } : {}) });
  const json = `${JSON.stringify(entry, null, 2)}\n`;
  if (out !== undefined) {
    try {
      await writeFile(out, json, { mode: 0o644, flag: flags.force ? 'w' : 'wx' });
    } catch (error) {
      if ((error as { code?: string }).code === 'EEXIST') throw new FileExistsError(flags.out as string);
      throw new OutputUnwritableError(flags.out as string, describeFsError(error));
    }
  }
  io.stdout.write(json);
  io.stderr.write(
    `generated ${type} key "${made.label}" (CKA_ID ${made.objectId}) in token "${made.tokenLabel}"; ` +
      'the private key stays there. ' +
      `Trust-list entry for ${id} on stdout${flags.out !== undefined ? ` and in ${flags.out}` : ''}\n`,
  );
  return 0;
}

function isUri(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value) && value.length <= 2048;
}
