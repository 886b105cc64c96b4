/**
 * The `divoc` command line, callable in-process (`runCli`).
 *
 * @module @divoc/cli
 */
export { runCli, MAIN_HELP } from './cli.js';
export type { CliIo, TextSink } from './lib/io.js';
export type { InputReport } from './lib/report.js';
export type { DivocKeyFile } from '@divoc/keys';
export type { RawInput, DecodedPayload, DecodeReport } from './lib/formats/index.js';
export type { OutputFormat } from './lib/outputs.js';
export type { RecordMapper } from '@divoc/bulk';
export type { DemoStep, DemoStepResult } from './commands/demo.js';
export {
  UsageError,
  InputUnreadableError,
  InputSyntaxError,
  OutputUnwritableError,
  KeyFileError,
  FileExistsError,
  StatusFileError,
  StatusListLockedError,
  InternalCliError,
  ServiceNotInstalledError,
  isCliError,
} from './lib/errors.js';
export type { CliError } from './lib/errors.js';
export { certificateIdFor } from '@divoc/issuer';
