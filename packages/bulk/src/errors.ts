import { listUnknownFields } from '@divoc/issuer';
import { DivocError } from '@divoc/keys';

/**
 * Errors `@divoc/bulk` throws. Each has a stable `code`; the CLI (`divoc issue`) turns them into its own errors of
 * the same code, so its messages and exit statuses do not change.
 */
export type BulkErrorCode =
  | 'ERR_BULK_OPTIONS'
  | 'ERR_BULK_LAYOUT'
  | 'ERR_INPUT_UNREADABLE'
  | 'ERR_INPUT_SYNTAX'
  | 'ERR_OUTPUT_UNWRITABLE'
  | 'ERR_OUTPUT_LOCKED'
  | 'ERR_MAPPING_INVALID'
  | 'ERR_INPUT_UNKNOWN_COLUMNS'
  | 'ERR_BULK_WORKER';

export abstract class BulkError extends DivocError {
  abstract override readonly code: BulkErrorCode;
}

/** `issueBulk` options that cannot work together (a layout mismatch, a missing key, a bad number). */
export class BulkOptionsError extends BulkError {
  readonly code = 'ERR_BULK_OPTIONS' as const;
}

/** The output folder holds a run of the other layout (mixing them would issue records twice). */
export class BulkLayoutMismatchError extends BulkError {
  readonly code = 'ERR_BULK_LAYOUT' as const;
  constructor(
    readonly path: string,
    readonly inUse: 'files' | 'ndjson',
  ) {
    super(`${path} holds a ${inUse} layout run: use that layout or another folder`);
  }
}

/** A record source (file or stream) could not be opened or read. */
export class BulkInputUnreadableError extends BulkError {
  readonly code = 'ERR_INPUT_UNREADABLE' as const;
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot read ${path}: ${reason}`);
  }
}

/** A record source is readable but not CSV / a JSON array / NDJSON. */
export class BulkInputSyntaxError extends BulkError {
  readonly code = 'ERR_INPUT_SYNTAX' as const;
  constructor(
    /** What is wrong, without the line number. */
    readonly detail: string,
    readonly line?: number,
  ) {
    super(line === undefined ? detail : `line ${line}: ${detail}`);
  }
}

/** The output folder (or a file in it) could not be written. */
export class BulkOutputUnwritableError extends BulkError {
  readonly code = 'ERR_OUTPUT_UNWRITABLE' as const;
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot write ${path}: ${reason}`);
  }
}

/** Another run (this process or another) is writing to the same output folder. */
export class BulkOutputLockedError extends BulkError {
  readonly code = 'ERR_OUTPUT_LOCKED' as const;
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} is in use: ${reason}`);
  }
}

/** A mapping (`parseMapping`) is not usable: unknown key, bad date format or time zone. */
export class BulkMappingInvalidError extends BulkError {
  readonly code = 'ERR_MAPPING_INVALID' as const;
}

/** A column of the input's header and the known field it is probably a misspelling of. */
export interface UnknownColumn {
  field: string;
  suggestion?: string;
}

/**
 * The input's header names columns the template does not know (without a mapping file the columns are the record
 * fields): found before any record is issued, instead of every row failing for the field the column should fill.
 */
export class BulkUnknownColumnsError extends BulkError {
  readonly code = 'ERR_INPUT_UNKNOWN_COLUMNS' as const;
  constructor(
    readonly template: string,
    readonly columns: readonly UnknownColumn[],
  ) {
    super(
      `${columns.length === 1 ? 'unknown column' : 'unknown columns'} ` +
        `${listUnknownFields(columns)}: ` +
        `not ${columns.length === 1 ? 'a field' : 'fields'} of the ${template} template ` +
        '(rename the column, map it with a mapping file, or drop unknown columns with ignoreUnknownFields); ' +
        'nothing was issued',
    );
  }
}

/** A worker thread failed (out of memory, crashed, could not load its keys). The batches it held are not done. */
export class BulkWorkerError extends BulkError {
  readonly code = 'ERR_BULK_WORKER' as const;
}

/** True for any error `@divoc/bulk` throws. */
export function isBulkError(error: unknown): error is BulkError {
  return error instanceof BulkError;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `code` of anything thrown, if it has a string one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** A Node.js file system error (`ENOSPC`, `EACCES`, …). */
export function isFsError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && /^E[A-Z]+$/.test(code);
}

/** A plain reason for a file system error (one wording for the SDK: `@divoc/keys/node`). */
export { describeFsError } from '@divoc/keys/node';
