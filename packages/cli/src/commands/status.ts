import { readFileCapped } from '@divoc/keys/node';
import { controllerOf } from '@divoc/keys';
import {
  createStatusList,
  getStatus,
  isAllocatedIndex,
  isStatusError,
  parseStatusListCredential,
  publishStatusList,
  revoke,
  suspend,
  unsuspend,
  type StatusList,
  type StatusPurpose,
} from '@divoc/status';
import type { SuiteName } from '@divoc/vc';
import { defineCommand, formatHelp, parseArgs, requireFlags, type ParsedArgs } from '../lib/args.js';
import { ALL_SUITES, SUITES_BY_KEY_TYPE } from '../lib/engine.js';
import { InputUnreadableError, OutputUnwritableError, StatusFileError, UsageError } from '../lib/errors.js';
import { decodeInput } from '../lib/formats/index.js';
import { readInputs } from '../lib/inputs.js';
import { resolvePath, type CliIo } from '../lib/io.js';
import { closePkcs11Sessions, loadSigningKey, signerFor } from '../lib/keyfile.js';
import { describeFsError } from '@divoc/keys/node';
import { readStatusListFile, updateStatusListFile, writeFileAtomic, writeStatusListFile } from '../lib/status-file.js';

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

export const statusCreateSpec = defineCommand({
  name: 'status create',
  summary: 'Create a W3C Bitstring Status List and write its state file (the issuer keeps it; nothing secret in it).',
  usage:
    'status create --id URL --out FILE [--purpose revocation|suspension] [--length N] ' +
    '[--allocation random|sequential] [--force]',
  flags: {
    id: {
      type: 'string',
      valueName: 'URL',
      description:
        'URL where the published list credential will be served (credentials name it in statusListCredential)',
    },
    out: { type: 'string', valueName: 'FILE', description: 'state file to write' },
    purpose: {
      type: 'string',
      valueName: 'PURPOSE',
      choices: ['revocation', 'suspension'],
      description: 'what a set status means (default revocation)',
    },
    length: {
      type: 'string',
      valueName: 'N',
      description:
        'number of entries, at least 131072 (the spec minimum, for herd privacy), a multiple of 8 (default 131072)',
    },
    allocation: {
      type: 'string',
      valueName: 'HOW',
      choices: ['random', 'sequential'],
      description: 'how issue hands out indexes (default random, as the spec advises)',
    },
    force: {
      type: 'boolean',
      description: 'replace FILE if it exists (its allocation record is lost: indexes could be handed out twice)',
    },
  },
  positionals: { min: 0, max: 0 },
  details: `The state file is JSON ({ "type": "DivocStatusList", "version": 1, "id", "statusPurpose", "length", …,
"encodedList", "allocatedList" }): the statuses and which indexes were handed out, so none is ever reused.
Keep it with the issuer's records. Then: divoc issue --status-list FILE …, divoc status revoke|suspend …,
divoc status publish …. Prints { "list", "id", "statusPurpose", "length", "allocation" } on stdout.`,
});

const indexFlags = {
  list: { type: 'string', valueName: 'FILE', description: 'status list state file (divoc status create)' },
  index: { type: 'string', multiple: true, valueName: 'N', description: 'entry index (statusListIndex)' },
  credential: {
    type: 'string',
    multiple: true,
    valueName: 'FILE',
    description:
      'a credential (W3C VC JSON, DIVOC QR, compact VC, or a QR image of one) ' +
      'whose credentialStatus entry in this list to use',
  },
  force: { type: 'boolean', description: 'act on an index this list never handed out (credentials issued elsewhere)' },
} as const;

function indexSpec(action: 'revoke' | 'suspend' | 'unsuspend', summary: string, details: string) {
  return defineCommand({
    name: `status ${action}`,
    summary,
    usage: `status ${action} --list FILE (--index N | --credential FILE)... [--force]`,
    flags: indexFlags,
    positionals: { min: 0, max: 0 },
    details: `${details}
--index and --credential are repeatable; every index is checked before the file is changed. The state file is
replaced atomically, under a lock (FILE.lock). An index this list never handed out is refused (exit 2) unless
--force. The credential is not verified: it only says which entry is meant. Publish afterwards
(divoc status publish) for verifiers to see the change.`,
  });
}

export const statusRevokeSpec = indexSpec(
  'revoke',
  'Revoke credentials in a revocation list (final: there is no un-revoke).',
  'Needs a revocation list.',
);
export const statusSuspendSpec = indexSpec(
  'suspend',
  'Suspend credentials in a suspension list.',
  'Needs a suspension list. Lift it with divoc status unsuspend.',
);
export const statusUnsuspendSpec = indexSpec(
  'unsuspend',
  'Lift the suspension of credentials in a suspension list.',
  'Needs a suspension list.',
);

export const statusPublishSpec = defineCommand({
  name: 'status publish',
  summary: 'Sign the list as a W3C BitstringStatusListCredential, for verifiers (divoc verify --status FILE).',
  usage:
    'status publish --list FILE --key FILE --out FILE [--issuer URL] [--key-id ID] [--suite NAME] ' +
    '[--valid-days N] [--vc-version 1.1|2.0]',
  flags: {
    list: { type: 'string', valueName: 'FILE', description: 'status list state file' },
    key: {
      type: 'string',
      valueName: 'FILE',
      description:
        'signing key of the issuer (divoc-key JSON, PEM, DIVOC key JSON or JWK): ' +
        'the one its credentials are signed with',
    },
    'key-id': {
      type: 'string',
      valueName: 'ID',
      description: 'verification method id for the key (default: from the key file, or derived)',
    },
    issuer: {
      type: 'string',
      valueName: 'URL',
      description:
        'issuer DID or URL: must be the issuer of the credentials the list covers (default: ' +
        'the key controller, else the key id without fragment)',
    },
    out: { type: 'string', valueName: 'FILE', description: 'list credential to write (replaced atomically)' },
    suite: {
      type: 'string',
      valueName: 'NAME',
      choices: ALL_SUITES,
      description: 'proof suite (default by key: Ed25519 eddsa-rdfc-2022, P-256 ecdsa-rdfc-2019, RSA RsaSignature2018)',
    },
    'valid-days': {
      type: 'string',
      valueName: 'N',
      description:
        'validity of the list credential in days, 1–3650 (default 30): verifiers refuse it afterwards, ' +
        'so republish before',
    },
    'vc-version': {
      type: 'string',
      valueName: 'VERSION',
      choices: ['1.1', '2.0'],
      description: 'W3C VC data model of the list credential (default 2.0)',
    },
  },
  positionals: { min: 0, max: 0 },
  details:
    "Serve FILE at the list's id URL; offline verifiers get it as divoc verify --status FILE. " +
    `Verifiers accept a list
signed by a key they trust, of the same issuer as the credential, within its validity period.
Prints { "out", "id", "issuer", "statusPurpose", "validFrom", "validUntil", "set" } on stdout.`,
});

export const statusShowSpec = defineCommand({
  name: 'status show',
  summary:
    'Show a status list: its id, purpose, size, allocated entries and the indexes that are set (revoked / suspended).',
  usage: 'status show --list FILE [--json]',
  flags: {
    list: {
      type: 'string',
      valueName: 'FILE',
      description: 'a state file, or a published BitstringStatusListCredential (read, NOT verified)',
    },
    json: {
      type: 'boolean',
      description:
        'one JSON object: { "list", "kind", "id", "statusPurpose", "length", "allocated"?, "set": [indexes] }',
    },
  },
  positionals: { min: 0, max: 0 },
});

const statusSpec = defineCommand({
  name: 'status',
  summary: 'Manage W3C Bitstring Status Lists: create, revoke / suspend entries, publish the signed list, show it.',
  usage: 'status create|revoke|suspend|unsuspend|publish|show [options]',
  flags: {},
  positionals: { min: 0, max: Number.POSITIVE_INFINITY },
  details: `Commands:
  create      write a new list's state file
  revoke      set entries of a revocation list
  suspend     set entries of a suspension list
  unsuspend   clear entries of a suspension list
  publish     sign the list as a BitstringStatusListCredential
  show        print a list (state file or published credential)
See 'divoc status COMMAND --help'. Issue with entries: divoc issue --status-list FILE …;
verify against the published list: divoc verify --status published.json ….`,
});

const SUBCOMMANDS: Record<string, (argv: readonly string[], io: CliIo) => Promise<number>> = {
  create: runStatusCreate,
  revoke: (argv, io) => runStatusChange('revoke', argv, io),
  suspend: (argv, io) => runStatusChange('suspend', argv, io),
  unsuspend: (argv, io) => runStatusChange('unsuspend', argv, io),
  publish: runStatusPublish,
  show: runStatusShow,
};

export async function runStatus(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== undefined && Object.prototype.hasOwnProperty.call(SUBCOMMANDS, sub))
    return (SUBCOMMANDS[sub] as (typeof SUBCOMMANDS)[string])(rest, io);
  const names = Object.keys(SUBCOMMANDS).join(', ');
  if (sub === undefined) throw new UsageError(`missing subcommand (${names})`, statusSpec.name);
  if (sub === '--help' || sub === '-h') {
    io.stdout.write(formatHelp(statusSpec));
    return 0;
  }
  throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (expected: ${names})`, statusSpec.name);
}

function integerFlag(value: string, flag: string, min: number, max: number, command: string): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`, command);
  }
  return Number(value);
}

/** Status-package errors about the operator's input (bad length, wrong purpose…) are usage-level: exit 2. */
function statusError(path: string, error: unknown): never {
  if (isStatusError(error)) throw new StatusFileError(path, `${error.message} (${error.code})`);
  throw error;
}

async function runStatusCreate(argv: readonly string[], io: CliIo): Promise<number> {
  const spec = statusCreateSpec;
  const { flags, help } = parseArgs(argv, spec);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  requireFlags(spec, flags, ['id', 'out']);
  const id = flags.id as string;
  if (!URI.test(id) || id.includes('#'))
    throw new UsageError(
      '--id must be an absolute URL without a fragment (where the list credential is served)',
      spec.name,
    );
  const length =
    flags.length === undefined ? undefined : integerFlag(flags.length, 'length', 131_072, 134_217_728, spec.name);
  let list: StatusList;
  try {
    list = createStatusList({
      id,
      statusPurpose: (flags.purpose ?? 'revocation') as StatusPurpose,
      ...(length !== undefined ? { length } : {}),
      ...(flags.allocation !== undefined ? { allocation: flags.allocation as 'random' | 'sequential' } : {}),
    });
  } catch (error) {
    if (isStatusError(error)) throw new UsageError(error.message, spec.name);
    throw error;
  }
  await writeStatusListFile(io, flags.out as string, list, { exclusive: !flags.force });
  io.stdout.write(
    `${JSON.stringify({
      list: flags.out,
      id: list.id,
      statusPurpose: list.statusPurpose,
      length: list.length,
      allocation: list.allocation,
    })}\n`,
  );
  io.stderr.write(`wrote ${list.statusPurpose} list ${list.id} (${list.length} entries) to ${flags.out}\n`);
  return 0;
}

type StatusEntryJson = {
  statusListCredential?: unknown;
  statusListIndex?: unknown;
  statusPurpose?: unknown;
  type?: unknown;
};

/** The index of `credential`'s `credentialStatus` entry in `list` (same list URL and purpose). */
async function indexFromCredential(io: CliIo, file: string, list: StatusList): Promise<number> {
  const [unit] = await readInputs(io, [file]);
  if (!unit || unit.kind === 'failed') {
    if (unit?.unreadable) throw new InputUnreadableError(file, unit.message.replace(/^cannot read [^:]*: /, ''));
    throw new StatusFileError(file, unit ? `${unit.message} (${unit.code})` : 'nothing read');
  }
  const decoded = await decodeInput(unit.input);
  if (!decoded.ok)
    throw new StatusFileError(file, `not a credential: ${decoded.error.message} (${decoded.error.code})`);
  if (!['w3c-vc', 'divoc-qr', 'vc-compact', 'pixelpass'].includes(decoded.format)) {
    throw new StatusFileError(
      file,
      `is a ${decoded.format} credential; only W3C VCs (JSON, DIVOC QR, compact, PixelPass) carry a credentialStatus`,
    );
  }
  const status = (decoded.payload as { credentialStatus?: unknown }).credentialStatus;
  const entries = (Array.isArray(status) ? status : status === undefined ? [] : [status]) as StatusEntryJson[];
  const entry = entries.find(
    (e) =>
      typeof e === 'object' &&
      e !== null &&
      e.statusListCredential === list.id &&
      (e.statusPurpose === undefined || e.statusPurpose === list.statusPurpose),
  );
  if (!entry) throw new StatusFileError(file, `has no credentialStatus entry in ${list.statusPurpose} list ${list.id}`);
  const raw = entry.statusListIndex;
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^\d{1,10}$/.test(text) || Number(text) >= list.length) {
    throw new StatusFileError(
      file,
      `its statusListIndex ${JSON.stringify(raw)} is not an index of ${list.id} (0 to ${list.length - 1})`,
    );
  }
  return Number(text);
}

async function runStatusChange(
  action: 'revoke' | 'suspend' | 'unsuspend',
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  const spec = action === 'revoke' ? statusRevokeSpec : action === 'suspend' ? statusSuspendSpec : statusUnsuspendSpec;
  const { flags, help } = parseArgs(argv, spec);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  requireFlags(spec, flags, ['list']);
  if (flags.index.length === 0 && flags.credential.length === 0)
    throw new UsageError('give --index N or --credential FILE (or several)', spec.name);
  const path = flags.list as string;
  const wanted: { index: number; from: string }[] = [];
  const lines = await updateStatusListFile(io, path, async (list) => {
    const purpose = action === 'revoke' ? 'revocation' : 'suspension';
    if (list.statusPurpose !== purpose)
      throw new StatusFileError(
        path,
        `${action} needs a ${purpose} list; ${list.id} is a ${list.statusPurpose} list (ERR_STATUS_PURPOSE_MISMATCH)`,
      );
    for (const value of flags.index)
      wanted.push({ index: integerFlag(value, 'index', 0, list.length - 1, spec.name), from: `--index ${value}` });
    for (const file of flags.credential) wanted.push({ index: await indexFromCredential(io, file, list), from: file });
    // Every index is checked before anything changes: all or nothing.
    if (!flags.force) {
      const unallocated = wanted.filter((w) => !isAllocatedIndex(list, w.index));
      if (unallocated.length > 0) {
        throw new StatusFileError(
          path,
          `index ${unallocated.map((w) => w.index).join(', ')} was never handed out by this list ` +
            '(use --force for credentials issued elsewhere)',
        );
      }
    }
    const out: string[] = [];
    let changed = false;
    for (const { index, from } of wanted) {
      const before = getStatus(list, index);
      try {
        if (action === 'revoke') revoke(list, index);
        else if (action === 'suspend') suspend(list, index);
        else unsuspend(list, index);
      } catch (error) {
        statusError(path, error);
      }
      const after = getStatus(list, index);
      if (after !== before) changed = true;
      const verb = action === 'revoke' ? 'revoked' : action === 'suspend' ? 'suspended' : 'unsuspended';
      out.push(
        `${after === before ? `already ${verb}` : verb} ${index}${from.startsWith('--index') ? '' : ` (${from})`}`,
      );
    }
    return { save: changed, value: out };
  });
  for (const line of lines) io.stdout.write(`${line}\n`);
  io.stderr.write(`${path} updated; run divoc status publish for verifiers to see it\n`);
  return 0;
}

function setIndexes(length: number, read: (i: number) => number): number[] {
  const set: number[] = [];
  for (let i = 0; i < length; i++) if (read(i) !== 0) set.push(i);
  return set;
}

async function runStatusPublish(argv: readonly string[], io: CliIo): Promise<number> {
  const spec = statusPublishSpec;
  const { flags, help } = parseArgs(argv, spec);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  requireFlags(spec, flags, ['list', 'key', 'out']);
  if (flags.issuer !== undefined && !URI.test(flags.issuer))
    throw new UsageError('--issuer must be a DID or URL', spec.name);
  const list = await readStatusListFile(io, flags.list as string);
  // The shared loader also takes `pkcs11:` URIs, so a status list can be signed by a key that stays in an HSM.
  const key = await loadSigningKey(io, flags.key as string, flags['key-id']);
  try {
    return await publishWithKey(io, flags, list, key);
  } finally {
    await closePkcs11Sessions();
  }
}

async function publishWithKey(
  io: CliIo,
  flags: ParsedArgs<(typeof statusPublishSpec)['flags']>['flags'],
  list: Awaited<ReturnType<typeof readStatusListFile>>,
  key: Awaited<ReturnType<typeof loadSigningKey>>,
): Promise<number> {
  const spec = statusPublishSpec;
  const days =
    flags['valid-days'] === undefined ? 30 : integerFlag(flags['valid-days'], 'valid-days', 1, 3650, spec.name);
  const allowed = SUITES_BY_KEY_TYPE[key.keyPair.type];
  const suite = (flags.suite ?? allowed[0]) as SuiteName;
  if (!allowed.includes(suite))
    throw new UsageError(
      `suite ${suite} cannot be signed with a ${key.keyPair.type} key (use: ${allowed.join(', ')})`,
      spec.name,
    );
  const issuer = flags.issuer ?? key.controller ?? controllerOf(key.id) ?? key.id.split('#')[0] ?? key.id;
  // Whole seconds: what the credential carries.
  const validFrom = new Date(Math.floor(Date.now() / 1000) * 1000);
  const validUntil = new Date(validFrom.getTime() + days * 86_400_000);
  let credential;
  try {
    credential = await publishStatusList(list, {
      signer: signerFor(key, { id: key.id }),
      issuer,
      suite,
      validFrom,
      validUntil,
      ...(flags['vc-version'] !== undefined ? { vcVersion: flags['vc-version'] as '1.1' | '2.0' } : {}),
    });
  } catch (error) {
    statusError(flags.list as string, error);
  }
  try {
    await writeFileAtomic(resolvePath(io, flags.out as string), `${JSON.stringify(credential, null, 2)}\n`);
  } catch (error) {
    throw new OutputUnwritableError(flags.out as string, describeFsError(error));
  }
  const set = setIndexes(list.length, (i) => getStatus(list, i)).length;
  io.stdout.write(
    `${JSON.stringify({
      out: flags.out,
      id: list.id,
      issuer,
      statusPurpose: list.statusPurpose,
      validFrom: validFrom.toISOString(),
      validUntil: validUntil.toISOString(),
      set,
    })}\n`,
  );
  io.stderr.write(
    `signed ${list.statusPurpose} list ${list.id} (${set} set) as ${issuer} with ${suite}; ` +
      `serve ${flags.out} at ${list.id}\n`,
  );
  return 0;
}

async function runStatusShow(argv: readonly string[], io: CliIo): Promise<number> {
  const spec = statusShowSpec;
  const { flags, help } = parseArgs(argv, spec);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  requireFlags(spec, flags, ['list']);
  const path = flags.list as string;
  let shown: {
    list: string;
    kind: 'state' | 'published';
    id: string;
    statusPurpose: string;
    length: number;
    allocated?: number;
    issuer?: string;
    validUntil?: string;
    set: number[];
  };
  let text: string;
  try {
    const read = await readFileCapped(resolvePath(io, path), 48 * 1024 * 1024);
    if (read.tooLarge) throw new StatusFileError(path, 'too large for a status list');
    text = Buffer.from(read.bytes).toString('utf8');
  } catch (error) {
    if (error instanceof StatusFileError) throw error;
    throw new InputUnreadableError(path, describeFsError(error));
  }
  if (/"BitstringStatusListCredential"/.test(text.slice(0, 65_536))) {
    let parsed;
    try {
      parsed = parseStatusListCredential(text);
    } catch (error) {
      statusError(path, error);
    }
    const bits = parsed.bits;
    const cred = parsed.credential as { validUntil?: unknown; expirationDate?: unknown };
    const until =
      typeof cred.validUntil === 'string'
        ? cred.validUntil
        : typeof cred.expirationDate === 'string'
          ? cred.expirationDate
          : undefined;
    shown = {
      list: path,
      kind: 'published',
      id: parsed.id,
      statusPurpose: parsed.statusPurposes.join(','),
      length: parsed.bitLength,
      issuer: parsed.issuer,
      ...(until !== undefined ? { validUntil: until } : {}),
      set: setIndexes(parsed.bitLength, (i) => (bits[i >>> 3]! >>> (7 - (i & 7))) & 1),
    };
  } else {
    const list = await readStatusListFile(io, path);
    shown = {
      list: path,
      kind: 'state',
      id: list.id,
      statusPurpose: list.statusPurpose,
      length: list.length,
      allocated: list.allocatedCount,
      set: setIndexes(list.length, (i) => getStatus(list, i)),
    };
  }
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(shown)}\n`);
    return 0;
  }
  const verb =
    shown.statusPurpose === 'suspension' ? 'suspended' : shown.statusPurpose === 'revocation' ? 'revoked' : 'set';
  const lines = [
    `${shown.kind === 'state' ? 'status list (state file)' : 'published status list credential (NOT verified)'}` +
      `: ${path}`,
    `  id:        ${shown.id}`,
    `  purpose:   ${shown.statusPurpose}`,
    `  entries:   ${shown.length}`,
    ...(shown.allocated !== undefined ? [`  allocated: ${shown.allocated}`] : []),
    ...(shown.issuer !== undefined ? [`  issuer:    ${shown.issuer}`] : []),
    ...(shown.validUntil !== undefined ? [`  valid to:  ${shown.validUntil}`] : []),
    `  ${`${verb}:`.padEnd(11)}${shown.set.length}` +
      `${shown.set.length > 0 ? ` (${shown.set.slice(0, 50).join(', ')}${shown.set.length > 50 ? ', …' : ''})` : ''}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
