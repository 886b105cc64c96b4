import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isJsonObject, isUnsafeJsonError, parseJsonStrict } from '@divoc/keys';
import { renderQr } from '@divoc/qr';
import { defineCommand, formatHelp, parseArgs } from '../lib/args.js';
import {
  FileExistsError,
  InputSyntaxError,
  InputUnreadableError,
  OutputUnwritableError,
  ServiceUnavailableError,
  UsageError,
} from '../lib/errors.js';
import { readStreamLimited, writeFileAtomicExclusive } from '../lib/files.js';
import { resolvePath, type CliIo } from '../lib/io.js';
import { renderQrTerminal } from '../lib/terminal-qr.js';

const MAX_RECORD_BYTES = 256 * 1024;
const LOOPBACK = /^(127(\.\d{1,3}){3}|\[::1\]|localhost)$/i;

export const offerSpec = defineCommand({
  name: 'offer',
  summary:
    'Create an OpenID4VCI credential offer for a record on a running divoc serve, and print its link and QR for a ' +
    'wallet to scan.',
  usage: 'offer [--service URL] [--template NAME] [--tx-code] [--format F]... [--out FILE.png|FILE.svg] RECORD',
  flags: {
    service: {
      type: 'string',
      valueName: 'URL',
      description: 'the service (default http://127.0.0.1:8080, as divoc serve --dev)',
    },
    template: { type: 'string', valueName: 'NAME', description: 'credential type of the record (default vaccination)' },
    'tx-code': { type: 'boolean', description: 'protect the offer with a 6-digit PIN (printed: give it separately)' },
    format: {
      type: 'string',
      multiple: true,
      valueName: 'F',
      choices: ['ldp_vc', 'dc+sd-jwt'],
      description: 'credential format offered: ldp_vc, dc+sd-jwt (default ldp_vc)',
    },
    'api-key-env': {
      type: 'string',
      valueName: 'VAR',
      description: 'environment variable holding the API key (default DIVOC_API_KEY; none for serve --dev)',
    },
    out: { type: 'string', valueName: 'FILE', description: 'also write the QR as an image (.png or .svg)' },
    force: { type: 'boolean', description: 'overwrite --out' },
    qr: {
      type: 'string',
      valueName: 'MODE',
      choices: ['terminal', 'inverted', 'none'],
      description: 'QR on stdout: for dark terminals (default), light ones (inverted), or none',
    },
    json: { type: 'boolean', description: "print the service's answer as JSON (offer, link, offerId, txCode) instead" },
  },
  positionals: { min: 1, max: 1, name: 'RECORD' },
  details: `RECORD is a JSON file (or - for stdin) holding one registry record, as for POST /credentials/issue.
The service checks the record, stores a single-use pre-authorized code and answers with the offer; this prints
the openid-credential-offer:// link, the PIN when --tx-code is given (hand it to the holder by another channel
than the QR), and the QR of the link. Try it with: divoc serve --dev --key vc.key.json, then
divoc offer --tx-code record.json, and scan the QR with a wallet that speaks OpenID4VCI 1.0 (see docs/wallets.md).

The API key is read from the environment, never from the command line (it would show in the process list); it
is sent only over https, or over http to a loopback address.

Exit status: 0 offer created, 1 the service failed, 2 usage error, unreadable record, or the service refused the
request (bad record, wrong key), 3 the service is unreachable or unavailable (retry later).`,
});

/** Runs `divoc offer`. */
export async function runOffer(argv: readonly string[], io: CliIo): Promise<number> {
  const spec = offerSpec;
  const { flags, positionals, help } = parseArgs(argv, spec);
  if (help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  const service = (flags.service ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(service);
  } catch {
    throw new UsageError('--service must be an http(s) URL', spec.name);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError('--service must be an http(s) URL', spec.name);
  const keyVar = flags['api-key-env'] ?? 'DIVOC_API_KEY';
  const apiKey = io.env[keyVar];
  if (flags['api-key-env'] !== undefined && (apiKey === undefined || apiKey === ''))
    throw new UsageError(`${keyVar} is not set`, spec.name);
  if (apiKey !== undefined && apiKey !== '' && url.protocol === 'http:' && !LOOPBACK.test(url.hostname))
    throw new UsageError('refusing to send the API key over plain http to another host: use https', spec.name);
  const imageType = flags.out === undefined ? undefined : extname(flags.out).toLowerCase();
  if (imageType !== undefined && imageType !== '.png' && imageType !== '.svg')
    throw new UsageError('--out must name a .png or .svg file', spec.name);

  const record = await readRecord(io, positionals[0] as string);
  let response: Response;
  try {
    response = await fetch(`${service}/credential-offers`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(apiKey !== undefined && apiKey !== '' ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify({
        template: flags.template ?? 'vaccination',
        record,
        ...(flags.format.length > 0 ? { formats: flags.format } : {}),
        ...(flags['tx-code'] ? { txCode: true } : {}),
      }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new ServiceUnavailableError(`cannot reach ${service}: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: reported by status below
  }
  if (response.status !== 201) {
    const error = (body.error ?? {}) as { code?: string; message?: string };
    const code = error.code !== undefined ? ` ${error.code}` : '';
    const what = `${response.status}${code}: ${error.message ?? 'no details'}`;
    if (response.status === 404)
      throw new UsageError(`${service} has no OpenID4VCI offers (is oid4vci enabled? ${what})`, spec.name);
    if (response.status === 503 || response.status === 429)
      throw new ServiceUnavailableError(`the service is unavailable (${what}); retry later`);
    io.stderr.write(`divoc offer: the service refused the offer (${what})\n`);
    return response.status >= 400 && response.status < 500 ? 2 : 1;
  }
  const link = String(body.link);
  if (flags.out !== undefined) {
    const path = resolvePath(io, flags.out);
    const image = imageType === '.png' ? renderQr(link, { format: 'png' }) : renderQr(link, { format: 'svg' });
    await writeImage(path, image, flags.force);
    io.stderr.write(`divoc offer: QR written to ${path}\n`);
  }
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(`${link}\n`);
  if (typeof body.txCode === 'string') io.stdout.write(`PIN (give it to the holder separately): ${body.txCode}\n`);
  if (flags.qr !== 'none') io.stdout.write(`\n${renderQrTerminal(link, { invert: flags.qr === 'inverted' })}`);
  io.stderr.write(
    `divoc offer: offer ${String(body.offerId)} for certificate ${String(body.certificateId)}, ` +
      `single use, expires ${String(body.expiresAt)}\n`,
  );
  return 0;
}

async function readRecord(io: CliIo, name: string): Promise<Record<string, unknown>> {
  let bytes: Uint8Array;
  if (name === '-') {
    const read = await readStreamLimited(io.stdin, MAX_RECORD_BYTES);
    if (read.tooLarge) throw new InputUnreadableError('standard input', `larger than ${MAX_RECORD_BYTES} bytes`);
    bytes = read.bytes;
  } else {
    try {
      bytes = await readFile(resolvePath(io, name));
    } catch (error) {
      throw new InputUnreadableError(name, (error as NodeJS.ErrnoException).code ?? 'unreadable');
    }
    if (bytes.length > MAX_RECORD_BYTES) throw new InputUnreadableError(name, `larger than ${MAX_RECORD_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = parseJsonStrict(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new InputSyntaxError(
      isUnsafeJsonError(error) ? `${name}: ${error.message}` : `${name} is not JSON (one record object)`,
    );
  }
  if (!isJsonObject(json)) throw new InputSyntaxError(`${name} must hold one record (a JSON object)`);
  return json as Record<string, unknown>;
}

async function writeImage(path: string, image: string | Uint8Array, force: boolean): Promise<void> {
  try {
    if (force) {
      await writeFile(path, image);
      return;
    }
    if (!(await writeFileAtomicExclusive(path, image))) throw new FileExistsError(path);
  } catch (error) {
    if (error instanceof FileExistsError) throw error;
    throw new OutputUnwritableError(path, (error as NodeJS.ErrnoException).code ?? 'unwritable');
  }
}
