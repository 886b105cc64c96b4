import { describeError, exitCodeOf, isCliError, isOperatorError, UsageError } from './lib/errors.js';
import { defaultIo, type CliIo } from './lib/io.js';
import { CLI_VERSION } from './lib/version.js';

// Every command is loaded on use: `divoc --help` loads none, `divoc verify` only the verifier (the service alone
// pulls in Fastify and pg; issuance pulls in PDF fonts).
const COMMANDS: Record<string, (argv: readonly string[], io: CliIo) => Promise<number>> = {
  demo: async (argv, io) => (await import('./commands/demo.js')).runDemo(argv, io),
  keys: async (argv, io) => (await import('./commands/keys.js')).runKeys(argv, io),
  issue: async (argv, io) => (await import('./commands/issue.js')).runIssue(argv, io),
  verify: async (argv, io) => (await import('./commands/verify.js')).runVerify(argv, io),
  decode: async (argv, io) => (await import('./commands/decode.js')).runDecode(argv, io),
  sample: async (argv, io) => (await import('./commands/sample.js')).runSample(argv, io),
  status: async (argv, io) => (await import('./commands/status.js')).runStatus(argv, io),
  serve: async (argv, io) => (await import('./commands/serve.js')).runServe(argv, io),
  offer: async (argv, io) => (await import('./commands/offer.js')).runOffer(argv, io),
};

/** The text of `divoc --help`: the commands, the global options and the exit status. */
export const MAIN_HELP = `Usage: divoc <command> [options]

Issue and verify DIVOC health credentials: W3C Verifiable Credentials, DIVOC QR, compact VC QR,
EU DCC, SMART Health Cards and ICAO VDS-NC.

Commands:
  demo            issue and verify sample credentials in every supported format, in memory
  keys generate   generate a signing key file and print its trust-list entry
  keys dsc        make a development CSCA and document signer certificate (DCC, VDS-NC)
  issue           issue signed credentials from CSV / JSON / NDJSON registry records
  verify          verify credentials (any format, QR images too) against trusted keys
  decode          print what a credential or QR holds, without verifying it
  sample          write a synthetic registry export (CSV / NDJSON / JSON) to try issue on
  status          W3C Bitstring Status Lists: create, revoke / suspend, publish, show
  serve           run the HTTP signing service (--config FILE, or --dev --key FILE on loopback)
  offer           create an OpenID4VCI offer for a record on a running service: link, PIN and QR for a wallet

Options:
  -h, --help      show help (also: divoc <command> --help)
  -V, --version   print the version

Exit status: 0 success, 1 something failed verification or issuance, 2 usage error or unreadable input,
3 a service the command needs is unavailable (divoc serve: the database; retry later).
`;

/**
 * Runs the `divoc` command line in-process and resolves to its exit code. Never calls `process.exit`;
 * `io` defaults to the real process streams, working directory and environment.
 */
export async function runCli(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const fullIo: CliIo = { ...defaultIo(), ...io };
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      fullIo.stderr.write(MAIN_HELP);
      return 2;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      if (command === 'help' && rest[0] !== undefined && COMMANDS[rest[0]]) {
        return await (COMMANDS[rest[0]] as (typeof COMMANDS)[string])([...rest.slice(1), '--help'], fullIo);
      }
      fullIo.stdout.write(MAIN_HELP);
      return 0;
    }
    if (command === '--version' || command === '-V') {
      fullIo.stdout.write(`${CLI_VERSION}\n`);
      return 0;
    }
    const run = Object.prototype.hasOwnProperty.call(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (run === undefined) {
      throw new UsageError(
        command.startsWith('-')
          ? `unknown option ${JSON.stringify(command)}`
          : `unknown command ${JSON.stringify(command)}`,
      );
    }
    return await run(rest, fullIo);
  } catch (error) {
    return reportError(error, fullIo);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    const where = error.command ? `divoc ${error.command}` : 'divoc';
    io.stderr.write(`${where}: ${error.message}\nRun '${where} --help' for usage.\n`);
    return 2;
  }
  // CLI errors, and library errors that are the operator's to fix (a bad --pdf-template): message, code, exit 2.
  if (isCliError(error) || isOperatorError(error)) {
    io.stderr.write(`divoc: ${error.message} (${error.code})\n`);
    return exitCodeOf(error);
  }
  // Unexpected: report without a stack unless asked for, and as a failure rather than a usage error.
  io.stderr.write(`divoc: unexpected error: ${describeError(error)}\n`);
  if (io.env.DIVOC_DEBUG) io.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  return 1;
}
