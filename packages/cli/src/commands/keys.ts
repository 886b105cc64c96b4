import { KeyFileExistsError, generateKeyPair, toTrustListEntry, writePrivateKeyFile, type KeyType } from '@divoc/keys';
import { defineCommand, formatHelp, parseArgs, requireFlags } from '../lib/args.js';
import { FileExistsError, OutputUnwritableError, UsageError } from '../lib/errors.js';
import { resolvePath, type CliIo } from '../lib/io.js';
import { describeFsError } from '../lib/records/read.js';
import { controllerOf, defaultKeyId, serializeKeyFile } from '../lib/keyfile.js';

const KEY_TYPES: Record<string, KeyType> = { ed25519: 'Ed25519', p256: 'P-256', rsa: 'RSA' };

export const keysGenerateSpec = defineCommand({
  name: 'keys generate',
  summary: 'Generate a signing key. Writes the private key file (mode 0600) and prints the public key as a trust-list entry (JSON).',
  usage: 'keys generate --type ed25519|p256|rsa --out FILE [--id ID] [--controller URL] [--force]',
  flags: {
    type: { type: 'string', valueName: 'TYPE', choices: ['ed25519', 'p256', 'rsa'], description: 'key type' },
    out: { type: 'string', valueName: 'FILE', description: 'private key file to write' },
    id: {
      type: 'string',
      valueName: 'ID',
      description: 'verification method id (default: did:key URL for ed25519/p256, urn:divoc:key:<JWK thumbprint> for rsa)',
    },
    controller: { type: 'string', valueName: 'URL', description: 'issuer DID or URL the key belongs to' },
    force: { type: 'boolean', description: 'overwrite FILE if it exists' },
  },
  positionals: { min: 0, max: 0 },
  details: `The key file is JSON: { "kind": "divoc-key", "version": 1, "type", "id", "controller"?, "privateKeyPem", "publicKeyJwk" }.
Give it to 'divoc issue --key'; give the printed entry (saved to a file) to 'divoc verify --trust'.`,
});

const keysSpec = defineCommand({
  name: 'keys',
  summary: 'Manage signing keys.',
  usage: 'keys generate [options]',
  flags: {},
  positionals: { min: 0, max: Number.POSITIVE_INFINITY },
  details: `Commands:
  generate   generate a key pair (see 'divoc keys generate --help')`,
});

export async function runKeys(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'generate') return runKeysGenerate(rest, io);
  if (sub === undefined || sub === '--help' || sub === '-h') {
    if (sub === undefined) throw new UsageError('missing subcommand (generate)', keysSpec.name);
    io.stdout.write(formatHelp(keysSpec));
    return 0;
  }
  throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (expected: generate)`, keysSpec.name);
}

async function runKeysGenerate(argv: readonly string[], io: CliIo): Promise<number> {
  const spec = keysGenerateSpec;
  const { flags, help } = parseArgs(argv, spec);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  requireFlags(spec, flags, ['type', 'out']);
  const type = KEY_TYPES[flags.type as string] as KeyType;
  if (flags.controller !== undefined && !isUri(flags.controller)) throw new UsageError('--controller must be a DID or URL', spec.name);
  if (flags.id !== undefined && !isUri(flags.id)) throw new UsageError('--id must be a URI (e.g. did:web:example.org#key-1)', spec.name);

  const keyPair = await generateKeyPair(type);
  const id = flags.id ?? defaultKeyId(keyPair);
  const controller = flags.controller ?? controllerOf(id);
  const out = resolvePath(io, flags.out as string);
  try {
    await writePrivateKeyFile(out, serializeKeyFile({ keyPair, id, ...(controller !== undefined ? { controller } : {}) }), {
      overwrite: flags.force,
    });
  } catch (error) {
    if (error instanceof KeyFileExistsError) throw new FileExistsError(flags.out as string);
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('E')) throw new OutputUnwritableError(flags.out as string, describeFsError(error));
    throw error;
  }
  const entry = toTrustListEntry(keyPair, { id, ...(controller !== undefined ? { controller } : {}) });
  io.stdout.write(`${JSON.stringify(entry, null, 2)}\n`);
  io.stderr.write(`wrote ${type} private key to ${flags.out} (mode 0600); trust-list entry for ${id} on stdout\n`);
  return 0;
}

function isUri(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value) && value.length <= 2048;
}
