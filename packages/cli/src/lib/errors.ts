import { DivocError, isDivocError } from '@divoc/keys';
import type { PdfErrorCode } from '@divoc/pdf';
/**
 * Errors the CLI raises. Each has a stable `code`; `exitCode` says how the runner ends when one escapes a command.
 */

abstract class CliErrorBase extends DivocError {
  /**
   * 2 = the operator must fix the invocation or the input; 1 = the run completed but something failed; 3 = a
   * service the command needs (the database of `divoc serve`) is unavailable: nothing to fix here, retry later.
   */
  readonly exitCode: 1 | 2 | 3 = 2;
}

/** Bad command line: unknown flag, missing value, wrong positional count, bad flag value. */
export class UsageError extends CliErrorBase {
  readonly code = 'ERR_CLI_USAGE' as const;
  /** Command whose `--help` the message should point to (e.g. `keys generate`). */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** An input file could not be opened or read. */
export class InputUnreadableError extends CliErrorBase {
  readonly code = 'ERR_INPUT_UNREADABLE' as const;
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`cannot read ${path}: ${reason}`);
    this.name = 'InputUnreadableError';
    this.path = path;
  }
}

/** An output file or directory could not be written. */
export class OutputUnwritableError extends CliErrorBase {
  readonly code = 'ERR_OUTPUT_UNWRITABLE' as const;
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`cannot write ${path}: ${reason}`);
    this.name = 'OutputUnwritableError';
    this.path = path;
  }
}

/** An input file was readable but its container syntax is broken (not CSV / JSON array / NDJSON). */
export class InputSyntaxError extends CliErrorBase {
  readonly code = 'ERR_INPUT_SYNTAX' as const;
  readonly line: number | undefined;
  constructor(message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'InputSyntaxError';
    this.line = line;
  }
}

/** A key file (`--key`, `--trust`) is not in any format the CLI understands, or the key inside is bad. */
export class KeyFileError extends CliErrorBase {
  readonly code = 'ERR_KEY_FILE_INVALID' as const;
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'KeyFileError';
    this.path = path;
  }
}

/** Refusing to overwrite an existing file without `--force`. */
export class FileExistsError extends CliErrorBase {
  readonly code = 'ERR_FILE_EXISTS' as const;
  readonly path: string;
  constructor(path: string) {
    super(`${path} already exists (use --force to overwrite)`);
    this.name = 'FileExistsError';
    this.path = path;
  }
}

/** A `--mapping` file is not a usable mapping (bad JSON, unknown key, bad date format or time zone). */
export class MappingFileInvalidError extends CliErrorBase {
  readonly code = 'ERR_MAPPING_INVALID' as const;
  constructor(message: string) {
    super(message);
    this.name = 'MappingFileInvalidError';
  }
}

/** Another `divoc issue` is writing to the same output directory. */
export class OutputLockedError extends CliErrorBase {
  readonly code = 'ERR_OUTPUT_LOCKED' as const;
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`${path} is in use: ${reason}`);
    this.name = 'OutputLockedError';
    this.path = path;
  }
}

/** A `--status` file or a status list state file (`divoc status`) is not what it should be. */
export class StatusFileError extends CliErrorBase {
  readonly code = 'ERR_STATUS_FILE_INVALID' as const;
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'StatusFileError';
    this.path = path;
  }
}

/** Another `divoc status` / `divoc issue --status-list` is updating the same status list state file. */
export class StatusListLockedError extends CliErrorBase {
  readonly code = 'ERR_STATUS_LIST_LOCKED' as const;
  readonly path: string;
  constructor(path: string) {
    super(
      `${path} is being updated by another process (lock file ${path}.lock; remove it if no divoc command is running)`,
    );
    this.name = 'StatusListLockedError';
    this.path = path;
  }
}

/** `divoc serve` needs the optional peer dependency @divoc/service, and it is not installed. */
export class ServiceNotInstalledError extends CliErrorBase {
  readonly code = 'ERR_SERVICE_NOT_INSTALLED' as const;
  constructor(options?: { cause?: unknown }) {
    super('divoc serve needs @divoc/service: npm i @divoc/service', options);
    this.name = 'ServiceNotInstalledError';
  }
}

/**
 * Without a mapping file the input's columns are the record fields: its header names columns the template does not
 * know. Found before any record is read, so nothing is issued.
 */
export class InputColumnsUnknownError extends CliErrorBase {
  readonly code = 'ERR_INPUT_UNKNOWN_COLUMNS' as const;
  /** The unknown columns, each with the field it probably means when there is a near match. */
  readonly columns: readonly { field: string; suggestion?: string }[];
  constructor(message: string, columns: readonly { field: string; suggestion?: string }[]) {
    super(message);
    this.name = 'InputColumnsUnknownError';
    this.columns = columns;
  }
}

/**
 * A service the command needs is down or unreachable (`divoc serve`: the database). Exit 3, so a supervisor can tell
 * "retry later" from a bad config (2). Reuses the service's code for the same condition.
 */
export class ServiceUnavailableError extends CliErrorBase {
  readonly code = 'ERR_STORAGE_UNAVAILABLE' as const;
  override readonly exitCode = 3 as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceUnavailableError';
  }
}

/** Something the CLI depends on failed in a way that is not the operator's fault. */
export class InternalCliError extends CliErrorBase {
  readonly code = 'ERR_CLI_INTERNAL' as const;
  override readonly exitCode = 1 as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalCliError';
  }
}

/** Discriminated union (on `code`) of every error the CLI raises itself. */
export type CliError =
  | UsageError
  | InputUnreadableError
  | InputSyntaxError
  | OutputUnwritableError
  | KeyFileError
  | FileExistsError
  | MappingFileInvalidError
  | OutputLockedError
  | StatusFileError
  | StatusListLockedError
  | InternalCliError
  | InputColumnsUnknownError
  | ServiceUnavailableError
  | ServiceNotInstalledError;

/** True for an error the CLI raised itself (a {@link CliError}), as opposed to an unexpected one. */
export function isCliError(error: unknown): error is CliError {
  return error instanceof CliErrorBase;
}

/**
 * Codes of errors the library packages throw that are the operator's to fix, like a CLI usage error: a bad
 * `--pdf-template` (`@divoc/pdf`). Matched by code on a `DivocError` rather than by class, so a command that never
 * loads the library (pdf-lib is loaded only with `--pdf`) does not load it to check.
 */
const OPERATOR_ERROR_CODES: ReadonlySet<string> = new Set<PdfErrorCode>([
  'ERR_PDF_TEMPLATE_INVALID',
  'ERR_PDF_LOCALE_UNKNOWN',
]);

/** A library error the operator must fix (see OPERATOR_ERROR_CODES): reported as `divoc: MESSAGE (CODE)`, exit 2. */
export function isOperatorError(error: unknown): error is DivocError {
  return isDivocError(error) && OPERATOR_ERROR_CODES.has(error.code);
}

/** How `divoc` ends when `error` escapes a command: the CLI error's `exitCode`, 2 for an operator error, else 1. */
export function exitCodeOf(error: unknown): 1 | 2 | 3 {
  if (isCliError(error)) return error.exitCode;
  return isOperatorError(error) ? 2 : 1;
}

/** Message of anything thrown, without stack traces (never includes key material: we never put any in messages). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** `code` of anything thrown, if it has a string one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
